"""The model does not depend on the sample size beyond sampling error.

Everything sized in absolute terms grows with the sample (employers: one per
``labour.employers.labour_force_per_employer`` labour-force members; programme sizes are real
persons, turned into sample units by the weight), so a 20,000-household run (the size
calibration uses) and a 200,000-household run are the same model. The check: the baseline
scenario's unemployment (TPT), informality and extreme poverty in August 2021, 2022 and 2023
agree within 3 standard errors (Welch) over replications. Uses ``benchmarks/sample_size.py``,
which prints the same table for any sizes.
"""

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _script():
    spec = importlib.util.spec_from_file_location("sample_size", ROOT / "benchmarks" /
                                                  "sample_size.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow
def test_20k_and_200k_agree_within_three_standard_errors():
    rows = _script().compare(small=20_000, small_reps=10, large=200_000, large_reps=4,
                             workers=2)
    assert len(rows) == 9
    far = [f"{r['indicator']} {r['month']}: {100 * r['small_mean']:.3f}% vs "
           f"{100 * r['large_mean']:.3f}% (z = {r['z']:.2f})" for r in rows if abs(r["z"]) > 3]
    assert not far, "sample size changes the answer:\n" + "\n".join(far)
