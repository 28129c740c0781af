"""The HTML page in a real headless Chromium: it renders (a screenshot that is not blank), its DOM holds the
chart and the rows, and its controls work when clicked (tests/report/cdp.py drives the browser)."""

from __future__ import annotations

import io
import shutil
import struct
import subprocess
import zlib
from pathlib import Path

import pytest

from interpose.report.cli import main
from tests.report.cdp import Browser

CHROMIUM = next((path for name in ("chromium", "chromium-browser", "google-chrome")
                 if (path := shutil.which(name))), None)  # fmt: skip
FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--window-size=1200,900",
]  # fmt: skip

pytestmark = [
    pytest.mark.skipif(CHROMIUM is None, reason="no chromium binary (apt-get install -y chromium)"),
    pytest.mark.slow,  # a headless browser
]


def png_pixels(data: bytes) -> tuple[int, int, list[bytes]]:
    """Width, height and the rows of an 8-bit RGB or RGBA PNG, unfiltered: just enough of a PNG reader."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    at, chunks, width = 8, [], 0
    height = depth = colour = 0
    while at < len(data):
        (length,) = struct.unpack(">I", data[at : at + 4])
        kind, body = data[at + 4 : at + 8], data[at + 8 : at + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour = struct.unpack(">IIBB", body[:10])
        elif kind == b"IDAT":
            chunks.append(body)
        at += 12 + length
    assert depth == 8 and colour in (2, 6), (depth, colour)
    step = 3 if colour == 2 else 4
    raw = zlib.decompress(b"".join(chunks))
    stride = width * step
    rows: list[bytes] = []
    previous = bytearray(stride)
    for y in range(height):
        kind, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)])
        for x in range(stride):
            a = line[x - step] if x >= step else 0
            b, c = previous[x], previous[x - step] if x >= step else 0
            if kind == 1:
                line[x] = (line[x] + a) & 255
            elif kind == 2:
                line[x] = (line[x] + b) & 255
            elif kind == 3:
                line[x] = (line[x] + (a + b) // 2) & 255
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line))
        previous = line
    return width, height, rows


@pytest.fixture
def page(logs: Path, tmp_path: Path) -> Path:
    target = tmp_path / "report.html"
    assert main([str(logs), "--format", "html", "-o", str(target)], stdout=io.StringIO()) == 0
    return target


def chromium(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    profile = tmp_path / "profile"
    return subprocess.run(
        [CHROMIUM or "chromium", *FLAGS, f"--user-data-dir={profile}", *args],
        capture_output=True, text=True, timeout=90,
    )  # fmt: skip


def test_screenshot_is_not_blank(page: Path, tmp_path: Path) -> None:
    shot = tmp_path / "shot.png"
    done = chromium(tmp_path, f"--screenshot={shot}", page.as_uri())
    assert shot.exists(), done.stderr[-2000:]
    width, height, rows = png_pixels(shot.read_bytes())
    assert (width, height) == (1200, 900)
    colours = {row[x : x + 3] for row in rows[::8] for x in range(0, len(row), 24)}
    assert len(colours) > 5  # text, bars of several levels, borders: not one flat colour
    white = sum(row.count(b"\xff\xff\xff") for row in rows[::8])
    assert white < (width * len(rows[::8])) * 0.995


def test_dom_holds_chart_and_rows(page: Path, tmp_path: Path) -> None:
    done = chromium(tmp_path, "--dump-dom", page.as_uri())
    dom = done.stdout
    assert "<svg" in dom and 'id="chart"' in dom, done.stderr[-2000:]
    assert dom.count('class="bar"') == 4
    assert dom.count('<tr class="row"') == 4
    for limitation in ("process.fork", "fs.chmod", "stat.ino", "process.preexec_fn"):
        assert f">{limitation}<" in dom


SHOWN = "document.getElementById('shown').textContent"
VISIBLE = "[...document.querySelectorAll('tr.row')].filter(r => !r.hidden).map(r => r.dataset.limitation)"


def visible(browser: Browser) -> list[str]:
    found: list[str] = browser.evaluate(VISIBLE)
    return found


def test_controls_filter_sort_and_fold(merged: Path, tmp_path: Path) -> None:
    """A scan's findings and runtime logs in one page; each control clicked as a person would click it."""
    page = tmp_path / "merged.html"
    assert main([str(merged), "--format", "html", "-o", str(page)], stdout=io.StringIO()) == 0
    with Browser(CHROMIUM or "chromium", tmp_path / "profile") as browser:
        browser.open(page.as_uri())
        assert browser.evaluate(SHOWN) == "7 of 7 rows shown"
        # what breaks first: unguarded at INFO and above (by level), then guarded, then FINE and below
        # folded per limitation, in the order of each fold's first row; in a fold, its call sites in that order
        assert visible(browser) == ["process.preexec_fn", "process.fork", "process.fork", "process.fork",
                                    "process.setsid", "fs.chmod", "stat.ino"]  # fmt: skip
        sources = browser.evaluate("[...document.querySelectorAll('tr.row')].map(r => r.dataset.source)")
        assert sources == ["runtime", "both", "static", "static", "static", "runtime", "runtime"]

        browser.click('button[data-filter="level"][data-value="20"]')  # INFO and above
        assert visible(browser) == ["process.preexec_fn", "process.fork", "process.fork", "process.setsid"]
        browser.click('button[data-filter="source"][data-value="static"]')  # seen by the scanner (or both ways)
        assert visible(browser) == ["process.fork", "process.fork", "process.setsid"]
        browser.click('button[data-filter="source"][data-value="both"]')
        assert visible(browser) == ["process.fork"]
        assert browser.evaluate("document.querySelector('tr.row:not([hidden])').cells[2].textContent") == (
            "/home/me/src/app/main.py:12 in main"
        )
        browser.click('button[data-filter="source"][data-value=""]')
        browser.click('button[data-filter="distribution"][data-value="pexpect"]')
        assert visible(browser) == ["process.setsid"]
        assert browser.evaluate(SHOWN) == "1 of 7 rows shown"
        hidden_folds = "[...document.querySelectorAll('details.group')].filter(g => g.hidden).length"
        assert browser.evaluate(hidden_folds) == 4  # only process.setsid's fold is left
        browser.click('button[data-filter="distribution"][data-value=""]')  # the program's own code
        assert visible(browser) == ["process.preexec_fn", "process.fork"]
        browser.click('button[data-filter="distribution"][data-value="*"]')
        browser.click('button[data-filter="level"][data-value="0"]')
        browser.type("#limitation-filter", "process.fork")
        assert visible(browser) == ["process.fork", "process.fork", "process.fork"]

        browser.click("#limitation-filter")
        browser.call(
            "Input.dispatchKeyEvent", type="keyDown", key="a", code="KeyA", modifiers=2, commands=["selectAll"]
        )
        browser.call("Input.dispatchKeyEvent", type="keyDown", key="Backspace", code="Backspace",
                     commands=["deleteBackward"])  # fmt: skip
        assert browser.evaluate(SHOWN) == "7 of 7 rows shown"
        events_header = "[...document.querySelectorAll('th')].find(th => th.textContent === 'events')"
        column = browser.evaluate(f"{events_header}.dataset.column")
        browser.click(f'details[open] th[data-column="{column}"]')
        events = f"[...document.querySelectorAll('tr.row')].map(r => Number(r.cells[{column}].dataset.sort))"
        order = browser.evaluate(events)
        folds = browser.evaluate("[...document.querySelectorAll('details.group')].map(g => g.dataset.limitation)")
        assert folds[0] == "fs.chmod" and order[0] == 14  # the fold holding the most events comes first
        browser.click(f'details[open] th[data-column="{column}"]')  # again: fewest first
        assert browser.evaluate(events)[0] == 1

        opened = "document.querySelector('details[data-limitation=\"fs.chmod\"]').open"
        assert browser.evaluate(opened) is False  # nothing in it breaks the program: folded
        browser.click('details[data-limitation="fs.chmod"] > summary')
        assert browser.evaluate(opened) is True
        width, height, rows = png_pixels(browser.screenshot())
        assert browser.errors == []
        assert width == 1200 and height > 600 and len({row[::97] for row in rows[::50]}) > 3
