"""A new lever is one module, one parameter file and one scenario file, and nothing else changes.

The README's "For modellers" walks through adding Kemendes's village cash-for-work (Padat Karya
Tunai Desa) as three files, each in a block marked ``<!-- lever-file: PATH -->``. This test
takes the package and the baseline scenario *without* the lever (the repository minus those
files), writes the three blocks into that copy, and runs the lever's scenario there in a fresh
process: it must load, spend, report its declared results and differ from the baseline. And no
other file of the package names the lever: removing the three files leaves a package that does
not know it existed.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FILES = ("simulation/policies/village_cash_for_work.py",
         "simulation/parameters/programmes/village_cash_for_work.yaml",
         "scenarios/village_cash_for_work.yaml")
KIND = "village_cash_for_work"


def readme_blocks() -> dict[str, str]:
    """``{path: text}`` of the README's blocks marked ``<!-- lever-file: PATH -->``."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    pattern = re.compile(r"<!-- lever-file: (\S+) -->\n```[a-z]*\n(.*?)```", re.S)
    return {path: body for path, body in pattern.findall(text)}


def test_the_readme_shows_exactly_the_three_files():
    blocks = readme_blocks()
    assert sorted(blocks) == sorted(FILES)
    for path, body in blocks.items():
        assert (ROOT / path).read_text(encoding="utf-8") == body, f"README differs from {path}"


def test_no_other_package_file_names_the_lever():
    mentions = [str(p.relative_to(ROOT)) for p in (ROOT / "simulation").rglob("*")
                if p.is_file() and p.suffix in (".py", ".yaml") and "__pycache__" not in p.parts
                and KIND in p.read_text(encoding="utf-8")]
    assert sorted(mentions) == sorted(f for f in FILES if f.startswith("simulation/"))


CHILD = r"""
import json, sys
import simulation, simulation as ps
base = ps.load_scenario(sys.argv[1] + "/scenarios/baseline.yaml")
new = ps.load_scenario(sys.argv[1] + "/scenarios/village_cash_for_work.yaml")
results = ps.run([base, new], households=3000, replications=1, end="2022-06")
pr = results.experiment.policy_results
mine = pr[(pr["scenario"] == new.name) & (pr["label"] == "pktd")]
ts = results.timeseries
print(json.dumps({
    "package": simulation.__file__,
    "spent": float(results.spent_by_label().loc[new.name, "pktd"]),
    "results": sorted(set(mine["result"])),
    "participants": float(mine.loc[mine["result"] == "participants", "value"].sum()),
    "differs": bool((ts[ts["scenario"] == new.name]["poverty_rate"].to_numpy()
                     != ts[ts["scenario"] == base.name]["poverty_rate"].to_numpy()).any()),
    "meta": results.experiment.result_meta[new.name]["pktd"],
}))
"""


def test_three_files_make_a_working_lever(tmp_path):
    before = tmp_path / "tree"
    shutil.copytree(ROOT / "simulation", before / "simulation",
                    ignore=shutil.ignore_patterns("__pycache__", "*.nbi", "*.nbc"))
    (before / "scenarios").mkdir()
    shutil.copy(ROOT / "scenarios" / "baseline.yaml", before / "scenarios")
    for path in FILES:
        (before / path).unlink(missing_ok=True)  # the package as it was before the lever
    assert not (before / FILES[0]).exists()
    for path, body in readme_blocks().items():  # the three files, as the README gives them
        (before / path).write_text(body, encoding="utf-8")
    done = subprocess.run([sys.executable, "-c", CHILD, str(before)], capture_output=True,
                          text=True, cwd=tmp_path, timeout=600,
                          env={"PYTHONPATH": str(before), "PATH": "/usr/bin:/bin"})
    assert done.returncode == 0, done.stderr[-3000:]
    out = json.loads(done.stdout.strip().splitlines()[-1])
    assert out["package"].startswith(str(before))  # the copy ran, not the installed package
    assert out["spent"] > 0
    assert out["results"] == ["paid", "participants"]
    assert out["participants"] > 0
    assert out["differs"]
    assert out["meta"]["participants"] == {"label": "Persons starting a spell",
                                           "unit": "persons", "kind": "flow"}
