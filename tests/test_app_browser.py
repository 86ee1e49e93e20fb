"""povsim app in a real headless Chromium: move a slider, step, and see the chart change.

Slow: starts ``povsim app`` (solara) and Debian's /usr/bin/chromium driven by Playwright (never
``playwright install``; .ci/run installs chromium with apt for the slow suite). Traffic stays on
127.0.0.1; every wait is bounded. The screenshot is saved as ``explorer.png`` in the test's
temporary folder (its path is printed).
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server(tmp_path):
    pytest.importorskip("solara", reason="needs the app extra: pip install -e '.[app]'")
    port = _free_port()
    log = open(tmp_path / "server.log", "w")  # noqa: SIM115 (closed below)
    proc = subprocess.Popen([sys.executable, "-m", "simulation.cli", "app", "--port", str(port)],
                            cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True)
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 180
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as r:
                if r.status == 200:
                    break
        except OSError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            log.close()
            os.killpg(proc.pid, signal.SIGTERM)
            pytest.fail("the app did not start: " + (tmp_path / "server.log").read_text()[-2000:])
        time.sleep(1)
    yield url
    os.killpg(proc.pid, signal.SIGTERM)  # the process group this fixture started
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
    log.close()


def _now(page) -> dict:
    text = page.get_by_text("Month shown").inner_text()
    m = re.search(r"(\d{4}-\d{2}): extreme poverty ([\d.]+)%, unemployment ([\d.]+)%, "
                  r"spending Rp ([\d.]+) trillion", text)
    assert m, text
    return {"month": m.group(1), "spending": float(m.group(4))}


def _step_to(page, month: str, steps: int) -> None:
    for _ in range(steps):
        page.get_by_role("button", name="Step").click()
        page.wait_for_timeout(300)
    page.get_by_text(re.compile(f"Month shown: {month}")).wait_for(timeout=60_000)


def _chart_images(page) -> list[bytes]:
    """The three charts as the browser draws them (screenshots of their images)."""
    images = page.locator("img")
    assert images.count() == 3
    return [images.nth(i).screenshot() for i in range(3)]


def test_a_slider_and_steps_change_the_charts(server, tmp_path):
    if not Path(CHROMIUM).exists():
        pytest.skip("needs Debian's chromium (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    failed: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.on("requestfailed", lambda r: failed.append(r.url))
            page.goto(server, timeout=120_000)
            page.get_by_role("button", name="Step").wait_for(timeout=120_000)
            page.get_by_text("One replication of 5,000 sample households").wait_for()
            _step_to(page, "2021-07", 4)
            before, charts_before = _now(page), _chart_images(page)
            slider = page.get_by_role("slider").nth(2)  # Job creation (after the 2 controls)
            assert slider.get_attribute("aria-valuenow") == "1"
            slider.focus()
            for _ in range(8):  # 1.0 -> 3.0 in steps of 0.25
                page.keyboard.press("ArrowRight")
            page.wait_for_timeout(500)
            assert slider.get_attribute("aria-valuenow") == "3"
            page.get_by_role("button", name="Reset").click()
            page.get_by_text(re.compile("Month shown: 2021-03")).wait_for(timeout=60_000)
            _step_to(page, "2021-07", 4)
            after, charts_after = _now(page), _chart_images(page)
            shot = tmp_path / "explorer.png"
            page.screenshot(path=str(shot), full_page=True)
            print(f"screenshot: {shot}")
        finally:
            browser.close()
    assert after["month"] == before["month"] == "2021-07"
    assert after["spending"] > before["spending"]  # three times the job creation
    assert charts_after[2] != charts_before[2]  # the spending chart, redrawn with the new run
    assert not [u for u in failed if not u.startswith(server)], failed  # nothing off-machine
    assert shot.stat().st_size > 20_000
