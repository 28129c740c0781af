"""The report as a triage tool: what breaks first, static findings beside runtime events, the problems paragraph,
source lines, and Markdown that renders in a pull-request comment."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from interpose.report.render_markdown import cell, code
from interpose.report.sourcelines import MAX_BYTES, SourceLines
from tests.report.conftest import APP, FINDINGS, PEXPECT, event, finding, write_lines
from tests.report.test_report_cli import rows, run


def by_site(found: list[dict[str, Any]]) -> dict[tuple[Any, Any], dict[str, Any]]:
    return {(row["limitation"], row["callsite"]): row for row in found}


def test_static_findings_merge_with_runtime_events(merged: Path) -> None:
    found = by_site(rows(str(merged)))
    fork = found["process.fork", "/home/me/src/app/main.py:12 in main"]
    assert fork["source"] == "both" and fork["events"] == 8  # 7 hits at runtime and one finding
    assert fork["processes"] == 2  # a finding was made by no process
    setsid = found["process.setsid", "/venv/lib/python3.11/site-packages/pexpect/pty_spawn.py:80 in _spawn"]
    assert setsid["source"] == "static" and setsid["distributions"] == ["pexpect"] and setsid["processes"] == 0
    assert setsid["message"] == "process.setsid found" and setsid["hint"] == "do without process.setsid"
    status, out, _ = run(str(merged), "--format", "json")
    assert json.loads(out)["totals"]["processes"] == 3


def test_breaks_first_then_count(merged: Path) -> None:
    order = [(row["limitation"], row["use"], row["level"]) for row in rows(str(merged))]
    assert order == [
        ("process.preexec_fn", None, "WARNING"),  # schema 1 did not classify: taken as a use
        ("process.fork", "unguarded", "INFO"),
        ("process.setsid", "unguarded", "INFO"),
        ("process.fork", "guarded", "INFO"),
        ("fs.chmod", None, "FINE"),
        ("process.fork", "probe", "FINER"),  # then by events, then by name
        ("stat.ino", None, "FINER"),
    ]
    assert [row["breaks"] for row in rows(str(merged))] == [True, True, True, False, False, False, False]
    counts = [row["events"] for row in rows(str(merged), "--sort", "count")]
    assert counts == sorted(counts, reverse=True)
    assert [row["limitation"] for row in rows(str(merged), "--top", "2")] == ["process.preexec_fn", "process.fork"]


def test_new_dimensions(merged: Path) -> None:
    def totals(by: str) -> dict[Any, int]:
        return {row[by]: row["events"] for row in rows(str(merged), "--group-by", by)}

    assert totals("source") == {"runtime": 26, "static": 4}
    assert totals("use") == {None: 26, "unguarded": 2, "guarded": 1, "probe": 1}
    # derived from the path under site-packages for runtime events, the scanner's name for findings
    assert totals("distribution") == {None: 14, "lib": 14, "pexpect": 1, "ptyprocess": 1}


def test_problems_paragraph(merged: Path, tmp_path: Path) -> None:
    status, out, _ = run(str(merged), "--format", "json")
    data = json.loads(out)
    # native: fork at main.py (runtime and static); java adds preexec_fn (runtime) and setsid (pexpect)
    assert data["problems"] == {
        "total": 3,
        "per_backend": {"native": 1, "java": 2},
        "per_distribution": {"the program's own code": 2, "pexpect": 1},
    }
    assert data["summary"].startswith(
        "1 problem would stop this program on GraalPy's native backend, 2 more on java. "
        "By distribution: the program's own code 2, pexpect 1."
    )
    for fmt in ("text", "markdown", "html"):
        assert "1 problem would stop this program on GraalPy" in run(str(merged), "--format", fmt)[1]
    one = write_lines(tmp_path / "one.jsonl", [finding("process.fork", APP, backend="java", use="guarded")])
    assert run(str(one))[1].startswith("0 problems would stop this program on GraalPy's java backend.")


def test_relative_and_absolute_names_of_one_line_merge(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The scanner names a file as it was given (relative); the program's frame may name it absolutely."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "main.py").write_text("import os\n\ndef main():\n    pid = os.fork()  # here\n")
    runtime = event(schema=2, use="unguarded", site=(str(tmp_path / "app" / "main.py"), 4, "main"))
    static = finding("process.fork", ("app/main.py", 4, "main"))
    path = write_lines(tmp_path / "both.jsonl", [runtime, static])
    (row,) = rows(str(path))
    assert row["source"] == "both" and row["callsite"] == f"{tmp_path}/app/main.py:4 in main"
    assert row["code"] == "pid = os.fork()  # here" and row["line"] == 4
    text = run(str(path))[1]
    assert "    > pid = os.fork()  # here\n" in text


@pytest.mark.parametrize(
    "content",
    [
        None,  # missing
        b"\x00\x01binary\n" * 10,
        "caf\xe9 = 1\n".encode("latin-1") * 5,  # not UTF-8, no coding cookie
        b"# -*- coding: no-such-codec -*-\n" * 5,
        "directory",
        "fifo",
        "huge",
    ],
)
def test_source_lines_are_read_robustly(tmp_path: Path, content: Any) -> None:
    target = tmp_path / "f.py"
    if content == "directory":
        target.mkdir()
    elif content == "fifo":
        os.mkfifo(target)  # opened without blocking, and refused as not a regular file
    elif content == "huge":
        target.write_bytes(b"x = 1\n" * (MAX_BYTES // 6 + 1))
    elif content is not None:
        target.write_bytes(content)
    assert SourceLines().line(str(target), 3) is None


def test_source_lines_follow_python_numbering(tmp_path: Path) -> None:
    target = tmp_path / "f.py"
    target.write_bytes(b"# -*- coding: latin-1 -*-\r\nx = '\xe9'\rform\x0cfeed = 1\nlast = '" + b"y" * 300 + b"'\n")
    lines = SourceLines()
    assert lines.line(str(target), 2) == "x = 'é'"
    assert lines.line(str(target), 3) == "form\x0cfeed = 1"  # a form feed is no line break for Python
    assert len(lines.line(str(target), 4) or "") == 200
    assert lines.line(str(target), 0) is None and lines.line(str(target), 9) is None
    assert lines.line("<string>", 1) is None


def test_markdown_renders_in_a_pull_request_comment(tmp_path: Path) -> None:
    tricky = ("pkg/__init__.py", 3, "<listcomp>")
    path = write_lines(tmp_path / "m.jsonl", [event(site=tricky, message="a `tick` | pipe <module> @team #12")])
    out = run(str(path), "--format", "markdown")[1]
    assert "pkg/\\_\\_init\\_\\_.py:3 in &lt;listcomp&gt;" in out
    assert "a \\`tick\\` \\| pipe &lt;module&gt; &#64;team &#35;12" in out
    assert "<listcomp>" not in out and "<module>" not in out
    assert cell("a\nb") == "a b"
    assert code("x = a | b") == "`x = a \\| b`" and code("s = `x`") == "`` s = `x` ``"


def test_finding_without_process_fields_and_bad_source(tmp_path: Path) -> None:
    good = finding("process.setsid", PEXPECT)
    bad = {**good, "source": "guess"}
    path = write_lines(tmp_path / "f.jsonl", [good, bad])
    status, out, err = run(str(path), "--format", "json")
    assert status == 0 and json.loads(out)["totals"]["events"] == 1
    assert "1 bad 'source'" in err


def test_every_finding_counts_once(tmp_path: Path) -> None:
    path = write_lines(tmp_path / "s.jsonl", FINDINGS)
    assert sum(row["events"] for row in rows(str(path))) == len(FINDINGS)


def test_runtime_call_sites_on_one_line_stay_apart(tmp_path: Path) -> None:
    """A function and its comprehension on one line are two runtime call sites, as before findings existed;
    a finding on that line joins the one with its function's name."""
    outer = event(schema=2, use="unguarded", site=("/app/m.py", 3, "main"))
    inner = event(schema=2, use="unguarded", site=("/app/m.py", 3, "<listcomp>"), count=1)
    static = finding("process.fork", ("/app/m.py", 3, "<listcomp>"))
    lone = finding("process.fork", ("/app/other.py", 9, "f"))
    path = write_lines(tmp_path / "l.jsonl", [outer, inner, static, lone])
    found = {row["callsite"]: row["source"] for row in rows(str(path))}
    assert found == {
        "/app/m.py:3 in main": "runtime",
        "/app/m.py:3 in <listcomp>": "both",
        "/app/other.py:9 in f": "static",
    }


def test_distribution_of_a_runtime_call_site(tmp_path: Path) -> None:
    from interpose.report.naming import distribution_name

    site = tmp_path / "lib" / "python3.11" / "site-packages"
    (site / "Foo_Bar-1.0.dist-info").mkdir(parents=True)
    (site / "PyYAML-6.0.dist-info").mkdir()
    (site / "PyYAML-6.0.dist-info" / "top_level.txt").write_text("_yaml\nyaml\n")
    assert distribution_name(f"{site}/foo_bar/core.py") == "Foo_Bar"  # a dist-info of the same normalised name
    assert distribution_name(f"{site}/yaml/loader.py") == "PyYAML"  # named by its top_level.txt
    assert distribution_name(f"{site}/single.py") == "single"  # unknown here: the folder's (module's) name
    assert distribution_name("/elsewhere/dist-packages/pexpect/pty_spawn.py") == "pexpect"
    assert distribution_name(f"{tmp_path}/app/main.py") is None
