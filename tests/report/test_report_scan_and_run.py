"""A scan of `examples/` and a run of `examples/porting_demo.py`, merged into one HTML report and checked in
headless Chromium: the lines both found are rows whose source is `both`."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from interpose.report.cli import main
from tests.report.cdp import Browser
from tests.report.test_report_browser import CHROMIUM, png_pixels

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [
    pytest.mark.skipif(CHROMIUM is None, reason="no chromium binary (apt-get install -y chromium)"),
    pytest.mark.slow,  # child interpreters and a headless browser
]


def interpose(*args: str) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [sys.executable, "-m", "interpose", *args], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return done


def test_scan_and_run_of_the_examples_in_one_page(tmp_path: Path) -> None:
    logs = tmp_path / "compat-logs"
    logs.mkdir()
    interpose("scan", "examples", "--no-cache", "--format", "jsonl", "-o", str(logs / "scan.jsonl"))
    log = f"--log.file={logs / 'events.jsonl'}"
    interpose("--policy=warn", "--log.python.compatibility.level=FINE", log, "examples/porting_demo.py")
    status, out = main([str(logs), "--format", "json"], stdout=(buffer := io.StringIO())), buffer.getvalue()
    assert status == 0
    both = {(row["limitation"], row["line"]) for row in json.loads(out)["rows"] if row["source"] == "both"}
    demo = (ROOT / "examples" / "porting_demo.py").read_text().splitlines()
    fork_line = next(number for number, text in enumerate(demo, 1) if "os.fork()" in text)
    assert ("process.fork", fork_line) in both  # found by the scanner, and hit when the demo forked
    assert {"subprocess.preexec_fn", "subprocess.umask_ignored"} <= {limitation for limitation, _line in both}

    page = tmp_path / "report.html"
    assert main([str(logs), "--format", "html", "-o", str(page)], stdout=io.StringIO()) == 0
    with Browser(CHROMIUM or "chromium", tmp_path / "profile") as browser:
        browser.open(page.as_uri())
        total = browser.evaluate("document.querySelectorAll('tr.row').length")
        browser.click('button[data-filter="source"][data-value="both"]')
        shown = browser.evaluate(
            "[...document.querySelectorAll('tr.row')].filter(r => !r.hidden)"
            ".map(r => [r.dataset.limitation, r.dataset.source, r.querySelector('td.what code').textContent])"
        )
        assert len(shown) == len(both) < total
        assert {source for _limitation, source, _code in shown} == {"both"}
        assert ["process.fork", "both", "pid = os.fork()"] in shown  # the source line, read from the example
        assert browser.evaluate("document.getElementById('shown').textContent") == f"{len(both)} of {total} rows shown"
        width, _height, pixels = png_pixels(browser.screenshot())
        assert browser.errors == []
        assert width == 1200 and len({row[::97] for row in pixels[::50]}) > 3
