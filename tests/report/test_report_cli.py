"""The command end to end: exact totals, views, filters, formats and exit statuses, in-process and as a child."""

from __future__ import annotations

import gzip
import html
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from interpose.report.cli import main
from interpose.report.render_markdown import cell
from tests.report.conftest import RUN_A, dumps, event, process_lines, write_lines


def run(*args: str, stdin: bytes | None = None, environ: dict[str, str] | None = None) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    status = main(
        list(args), stdin=io.BytesIO(stdin) if stdin is not None else None, stdout=out, stderr=err,
        environ=environ or {},
    )  # fmt: skip
    return status, out.getvalue(), err.getvalue()


def child(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "interpose.report", *args], input=stdin, capture_output=True, timeout=60
    )


def rows(*args: str) -> list[dict[str, object]]:
    status, out, err = run(*args, "--format", "json")
    assert status == 0, err
    return json.loads(out)["rows"]


def totals(*args: str, by: str = "limitation") -> dict[object, object]:
    return {row[by]: row["events"] for row in rows(*args, "--group-by", by)}


def test_exact_totals_per_limitation_and_call_site(logs: Path) -> None:
    found = {(row["limitation"], row["callsite"]): (row["events"], row["processes"], row["level"])
             for row in rows(str(logs))}  # fmt: skip
    assert found == {
        ("process.fork", "/home/me/src/app/main.py:12 in main"): (7, 2, "INFO"),
        ("fs.chmod", "/venv/lib/python3.11/site-packages/lib/io.py:40 in save"): (14, 3, "FINE"),
        ("stat.ino", "/home/me/src/app/main.py:12 in main"): (1, 1, "FINER"),
        ("process.preexec_fn", "tests/test_x.py:7 in test_y"): (4, 1, "WARNING"),
    }


def test_totals_and_times_in_json(logs: Path) -> None:
    status, out, _ = run(str(logs), "--format", "json")
    data = json.loads(out)
    assert status == 0
    assert data["totals"]["events"] == 26 and data["totals"]["processes"] == 3
    assert data["totals"]["first"] == "2026-11-25T10:01:00.000000Z"
    assert data["totals"]["last"] == "2026-11-25T10:03:59.000000Z"
    fork = next(row for row in data["rows"] if row["limitation"] == "process.fork")
    assert (fork["first"], fork["last"]) == ("2026-11-25T10:01:00.000000Z", "2026-11-25T10:02:59.000000Z")
    assert {Path(entry["name"]).name for entry in data["inputs"]} == {"events.jsonl", "worker.jsonl.gz"}


@pytest.mark.parametrize(
    ("by", "expected"),
    [
        ("backend", {"native": 9, "java": 17}),
        ("module", {"app.main": 8, "lib.io": 14, "tests.test_x": 4}),
        ("process", {"100-1": 9, "100-2": 12, "300-9": 5}),
        ("level", {"INFO": 7, "FINE": 14, "FINER": 1, "WARNING": 4}),
        ("callsite", {"/home/me/src/app/main.py:12 in main": 8,
                      "/venv/lib/python3.11/site-packages/lib/io.py:40 in save": 14,
                      "tests/test_x.py:7 in test_y": 4}),
    ],
)  # fmt: skip
def test_group_by_views(logs: Path, by: str, expected: dict[str, int]) -> None:
    assert totals(str(logs), by=by) == expected


def test_group_by_process_and_limitation_uses_each_pairs_own_times(logs: Path) -> None:
    found = {(row["process"], row["limitation"]): (row["events"], row["first"], row["last"])
             for row in rows(str(logs), "--group-by", "process,limitation")}  # fmt: skip
    assert found[("100-2", "fs.chmod")] == (10, "2026-11-25T10:02:01.000000Z", "2026-11-25T10:02:59.000000Z")
    assert found[("100-1", "stat.ino")] == (1, "2026-11-25T10:01:02.000000Z", "2026-11-25T10:01:02.000000Z")
    assert sum(events for events, _, _ in found.values()) == 26


def test_group_by_test_keeps_per_test_counters_apart(tmp_path: Path) -> None:
    lines = [
        event(test="t.py::a", count=1), event(test="t.py::a", count=3, final=True),
        event(test="t.py::b", count=1), event(test="t.py::b", count=2, final=True), event(count=1),
    ]  # fmt: skip
    path = write_lines(tmp_path / "t.jsonl", lines)
    assert totals(str(path), by="test") == {"t.py::a": 3, "t.py::b": 2, None: 1}
    assert totals(str(path)) == {"process.fork": 6}


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--level", "info"], {"process.fork": 7, "process.preexec_fn": 4}),
        (["--level", "WARNING"], {"process.preexec_fn": 4}),
        (["--level", "finest"], {"process.fork": 7, "fs.chmod": 14, "stat.ino": 1, "process.preexec_fn": 4}),
        (["--backend", "native"], {"process.fork": 5, "fs.chmod": 3, "stat.ino": 1}),
        (["--limitation", "fs"], {"fs.chmod": 14}),
        (["--limitation", "process"], {"process.fork": 7, "process.preexec_fn": 4}),
        (["--limitation", "process.fork", "--limitation", "stat.ino"], {"process.fork": 7, "stat.ino": 1}),
        (["--limitation", "proc"], {}),
        (["--since", "2026-11-25T10:02:00Z"], {"process.fork": 2, "fs.chmod": 11, "process.preexec_fn": 4}),
        (["--until", "2026-11-25T10:01:59.5+00:00"], {"process.fork": 5, "fs.chmod": 3, "stat.ino": 1}),
        # only the first lines of run A are in the window: their counts, not the closing totals
        (["--until", "2026-11-25T10:01:30"], {"process.fork": 1, "fs.chmod": 1, "stat.ino": 1}),
    ],
)
def test_filters(logs: Path, args: list[str], expected: dict[str, int]) -> None:
    assert totals(str(logs), *args) == expected


@pytest.mark.parametrize(
    ("args", "status"),
    [
        (["--fail-on", "INFO"], 1),
        (["--fail-on", "warning"], 1),
        (["--fail-on", "SEVERE"], 0),
        (["--fail-on", "INFO", "--limitation", "fs"], 0),
        (["--fail-on", "FINE", "--limitation", "fs"], 1),
        ([], 0),
    ],
)
def test_fail_on(logs: Path, args: list[str], status: int) -> None:
    assert run(str(logs), *args)[0] == status


@pytest.mark.parametrize(
    "args",
    [["--fail-on", "LOUD"], ["--level", "x"], ["--group-by", "colour"], ["--since", "yesterday"],
     ["--format", "pdf"], ["--top", "0"], ["--no-such-option"], ["--group-by", "test,test"]],
)  # fmt: skip
def test_bad_usage_is_status_2_without_traceback(logs: Path, args: list[str]) -> None:
    status, out, err = run(str(logs), *args)
    assert status == 2 and out == ""
    assert "error:" in err and "Traceback" not in err


def table_rows(out: str) -> tuple[str, list[str]]:
    """The header and the rows of a text report (the lines under each row are indented)."""
    lines = out.splitlines()
    header = next(line for line in lines if line.startswith("limitation"))
    start = lines.index(header) + 2
    return header, [line for line in lines[start:] if line and not line.startswith("    ")][:-1]


def test_text_table_aligned_without_colour_unless_asked(logs: Path) -> None:
    status, out, _ = run(str(logs))
    assert status == 0 and "\x1b[" not in out
    assert out.startswith("1 problem would stop this program on GraalPy's native backend, 1 more on java.")
    header, body = table_rows(out)
    assert header.split()[:3] == ["limitation", "call", "site"]
    column = header.index("level")
    levels = [line[column:].split()[0] for line in body]
    assert levels == ["WARNING", "INFO", "FINE", "FINER"]  # what breaks first: unguarded at INFO+, by level
    header, body = table_rows(run(str(logs), "--sort", "count")[1])
    assert body[0].startswith("fs.chmod ") and " 14 " in body[0]
    assert [line[column:].split()[0] for line in body] == ["FINE", "INFO", "WARNING", "FINER"]
    assert out.rstrip().endswith("26 events (exact) in 3 processes; from 12 lines in 2 inputs.")
    assert "\x1b[" in run(str(logs), "--color", "always")[1]
    assert "\x1b[" not in run(str(logs), "--color", "auto", environ={"NO_COLOR": "1"})[1]


def test_markdown(logs: Path) -> None:
    status, out, _ = run(str(logs), "--format", "markdown", "--group-by", "module", "--level", "info")
    assert status == 0
    assert out.startswith("### interpose compatibility report")
    assert (
        "| module | use | backend | level | events | processes | first seen | last seen | message | hint | code |"
        in out
    )
    assert "| app.main | - | java, native | INFO | 7 | 2 | 2026-11-25 10:01:00 | 2026-11-25 10:02:59 | os.fork " in out
    assert "Filters: level `INFO`" in out


def test_markdown_escapes_pipes(tmp_path: Path) -> None:
    path = write_lines(tmp_path / "p.jsonl", [event(site=("a|b.py", 1, "f"))])
    assert "a\\|b.py:1 in f" in run(str(path), "--format", "markdown")[1]


def test_html_is_self_contained(logs: Path) -> None:
    status, out, _ = run(str(logs), "--format", "html")
    assert status == 0 and out.startswith("<!DOCTYPE html>")
    assert "<svg" in out and out.count('class="bar"') == 4 and "<table" in out
    assert out.count("<script") == 1 and "<script>" in out and " src=" not in out and "<link" not in out
    assert "fetch(" not in out and "XMLHttpRequest" not in out
    assert "http://" not in out.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "https://" not in out and "@import" not in out


def test_top_and_output_file(logs: Path, tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    status, out, _ = run(str(logs), "--format", "json", "--top", "1", "-o", str(target))
    data = json.loads(target.read_text())
    assert status == 0 and out == ""
    assert len(data["rows"]) == 1 and data["totals"]["rows_not_shown"] == 3


def test_stdin_and_gzip_by_magic(tmp_path: Path) -> None:
    lines = process_lines("1-1", 1, "native", RUN_A, 1)
    text = "".join(dumps(line) + "\n" for line in lines).encode()
    status, out, _ = run("-", "--format", "json", stdin=gzip.compress(text))
    assert status == 0 and json.loads(out)["totals"]["events"] == 9
    disguised = tmp_path / "plain-name.log"
    disguised.write_bytes(gzip.compress(text))
    assert totals(str(disguised)) == {"process.fork": 5, "fs.chmod": 3, "stat.ino": 1}


def test_child_process_reads_files_and_stdin(logs: Path) -> None:
    done = child(str(logs), "--format", "json", "--fail-on", "warning")
    assert done.returncode == 1, done.stderr
    assert json.loads(done.stdout)["totals"]["events"] == 26
    text = (logs / "events.jsonl").read_bytes()
    done = child("-", "--group-by", "backend", stdin=text)
    assert done.returncode == 0 and b"native" in done.stdout and done.stderr == b""
    done = child(str(logs / "missing.jsonl"))
    assert done.returncode == 2 and b"Traceback" not in done.stderr
    assert b"missing.jsonl: cannot read: No such file or directory" in done.stderr


def test_fast_and_reference_lines_of_one_counter_merge_exactly(tmp_path: Path) -> None:
    """A counter's first line on the fast path and its closing line on the reference path (an escape in the
    message, spaced separators) are the same key: the total is the larger count, not the sum."""
    first = dumps(event(count=1))
    closing = json.dumps(event(count=9, final=True, message='say "no" to fork'))
    spaced = json.dumps(event(count=4, final=True, run="200-1", pid=200))
    path = write_lines(tmp_path / "m.jsonl", [first, closing, spaced, dumps(event(count=1, run="200-1", pid=200))])
    assert totals(str(path)) == {"process.fork": 13}
    assert totals(str(path), by="process") == {"100-1": 9, "200-1": 4}


def test_every_format_says_what_to_do_instead(logs: Path) -> None:
    """The catalog's hint for each limitation in the report (ids the catalog does not know have none)."""
    from interpose.compat.catalog import CATALOG

    hint = CATALOG["process.fork"].hint
    outputs = {name: run(str(logs), "--format", name)[1] for name in ("text", "json", "markdown", "html")}
    assert json.loads(outputs["json"])["hints"] == {"process.fork": hint}  # fs.chmod, stat.ino: not in the catalog
    assert f"\n    instead: {hint}\n" in outputs["text"]
    assert f" | {cell(hint)} | " in outputs["markdown"]
    assert f'<div class="hint">instead: {html.escape(hint)}</div>' in outputs["html"]
    assert outputs["html"].count(f"instead: {html.escape(hint)}") == 2  # its fold's summary and its row
    assert [row["hint"] for row in json.loads(outputs["json"])["rows"]].count(hint) == 1
    # filtered out, no hint
    assert json.loads(run(str(logs), "--format", "json", "--limitation", "fs.*")[1])["hints"] == {}
