"""The command: events in the log's schema, the cache, the pool, formats, bad files, usage errors."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from interpose.report.cli import main as report_main
from interpose.scan import engine, walk
from tests.scan.conftest import CORPUS

FIELDS = [
    "schema", "ts", "level", "limitation", "function", "backend", "policy", "outcome", "use", "message", "hint",
    "callsite", "pid", "run", "thread", "count", "final", "detail", "source",
]  # fmt: skip
PROGRAM = """\
import subprocess
subprocess.run(["true"], umask=0o022)
"""


def test_jsonl_lines_are_schema_2_events_with_source_static(scan: Any) -> None:
    result = scan(str(CORPUS / "planted" / "unguarded.py"), "--format", "jsonl", "--no-cache")
    events = [json.loads(line) for line in result.stdout.splitlines()]
    assert events and all(list(event) == FIELDS for event in events)
    first = events[0]
    assert first["schema"] == 2 and first["source"] == "static" and first["outcome"] == "found"
    assert first["policy"] == "enforce" and first["backend"] == "native" and first["thread"] == "MainThread"
    assert first["count"] == 1 and first["final"] is False and first["pid"] == os.getpid()
    assert len({event["run"] for event in events}) == 1 and first["run"].startswith(f"scan-{os.getpid()}-")
    fork = next(event for event in events if event["callsite"]["line"] == 19)
    assert fork["callsite"] == {
        "file": str(CORPUS / "planted" / "unguarded.py"),
        "line": 19,
        "function": "start_worker",
    }
    assert fork["function"] == "os.fork" and fork["level"] == "INFO" and fork["detail"] == {"column": 10}
    assert result.stdout.isascii()


def test_a_probe_is_logged_at_finer_as_at_run_time(scan: Any) -> None:
    result = scan(str(CORPUS / "planted" / "guarded.py"), "--format", "json", "--no-cache")
    levels = {(event["use"], event["level"]) for event in result.document["findings"]}
    assert levels == {("probe", "FINER"), ("guarded", "INFO"), ("unguarded", "INFO")}


def test_a_scan_and_a_run_of_the_same_program_merge_in_the_report(scan: Any, tmp_path: Path) -> None:
    program = tmp_path / "app.py"
    program.write_text(PROGRAM)
    log = tmp_path / "run.jsonl"
    run = subprocess.run(
        [sys.executable, "-m", "interpose", "--policy", "warn", f"--log.file={log}",
         "--log.python.compatibility.level=FINE", str(program)],
        capture_output=True, text=True, cwd=tmp_path, timeout=60,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    static = tmp_path / "scan.jsonl"
    assert scan(str(program), "--format", "jsonl", "-o", str(static), "--no-cache").status == 0
    out = io.StringIO()
    assert report_main([str(static), str(log), "--format", "json"], stdout=out, stderr=io.StringIO()) == 0
    rows = [row for row in json.loads(out.getvalue())["rows"] if row["limitation"] == "subprocess.umask_ignored"]
    assert len(rows) == 1, rows  # one row: the same limitation at the same call site
    assert rows[0]["events"] == 2  # one event of the run, one of the scan


def test_an_unchanged_tree_comes_from_the_cache_and_a_changed_file_does_not(scan: Any, tmp_path: Path) -> None:
    tree = tmp_path / "tree"
    tree.mkdir()
    (tree / "a.py").write_text("import os\nos.fork()\n")
    (tree / "b.py").write_text("import os\n\nos.forkpty()\n")
    cold = scan(str(tree), "--format", "json").document
    warm = scan(str(tree), "--format", "json").document
    assert (cold["cached"], warm["cached"]) == (0, 2)
    assert [event["limitation"] for event in warm["findings"]] == ["process.fork", "process.forkpty"]
    (tree / "a.py").write_text("import os\n\n\nos.fork()\n")
    changed = scan(str(tree), "--format", "json").document
    assert changed["cached"] == 1
    assert [event["callsite"]["line"] for event in changed["findings"]] == [4, 3]
    java = scan(str(tree), "--format", "json", "--backend", "java").document
    assert java["cached"] == 0  # the backend is part of the key
    assert list((tmp_path / "cache" / "interpose" / "scan").glob("*-native.json"))


def test_no_cache_neither_reads_nor_writes(scan: Any, tmp_path: Path) -> None:
    assert scan(str(CORPUS / "planted"), "--format", "json", "--no-cache").document["cached"] == 0
    assert not (tmp_path / "cache").exists()


def test_the_pool_finds_what_one_process_finds(scan: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    alone = scan(str(CORPUS), "--format", "json", "--no-cache", "--jobs", "1").document
    monkeypatch.setattr(engine, "POOL_THRESHOLD", 0)
    pooled = scan(str(CORPUS), "--format", "json", "--no-cache", "--jobs", "2").document
    assert pooled["findings"] and pooled["files"] == alone["files"]

    def strip(findings: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [{**event, "ts": None, "run": None} for event in findings]

    assert strip(alone["findings"]) == strip(pooled["findings"])


def test_bad_files_are_reported_counted_and_skipped(scan: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    tree = tmp_path / "tree"
    (tree / "inner").mkdir(parents=True)
    (tree / "good.py").write_text("import os\nos.fork()\n")
    (tree / "syntax.py").write_text("import os\nos.fork(\n")
    (tree / "undecodable.py").write_bytes(b"import os\nos.fork()  # \xff\xfe\n")
    (tree / "huge.py").write_text("import os\nos.fork()\n" + "#" * 2000 + "\n")
    (tree / "inner" / "loop").symlink_to(tree, target_is_directory=True)
    (tree / "self.py").symlink_to(tree / "self.py")
    monkeypatch.setattr(walk, "MAX_BYTES", 1000)
    result = scan(str(tree), str(tmp_path / "missing"), "--format", "json", "--no-cache")
    assert result.status == 0
    document = result.document
    assert document["skipped"] == {"huge": 1, "missing": 1, "symlink loop": 2, "syntax": 1, "undecodable": 1}
    assert [Path(event["callsite"]["file"]).name for event in document["findings"]] == ["good.py"]
    for name in ("syntax.py: syntax", "undecodable.py: undecodable", "huge.py: huge", "loop: symlink loop"):
        assert name in result.stderr
    text = scan(str(tree), "--no-cache").stdout
    assert text.splitlines()[-1].endswith("; skipped: 1 huge, 2 symlink loop, 1 syntax, 1 undecodable")


def test_text_format_is_one_line_per_finding_with_its_hint(scan: Any) -> None:
    result = scan(str(CORPUS / "site"), "--no-cache")
    lines = result.stdout.splitlines()
    path = CORPUS / "site" / "daemonlib" / "__init__.py"
    assert (
        lines[0] == f"{path}:10:8: INFO process.fork [unguarded] os.fork: os.fork does not exist on GraalPy (daemonlib)"
    )
    assert lines[1].startswith("    hint: start processes with subprocess")
    assert lines[-1] == "2 findings for GraalPy's native backend (2 unguarded) in 1 file, 17 lines (0 from the cache)"


@pytest.mark.parametrize(("fmt", "marker"), [("markdown", "|"), ("html", "<html")])
def test_markdown_and_html_are_the_reports_with_the_scans_counts(scan: Any, fmt: str, marker: str) -> None:
    planted = str(CORPUS / "planted" / "java.py")
    number = len(scan(planted, "--backend", "java", "--format", "json", "--no-cache").document["findings"])
    result = scan(planted, "--backend", "java", "--format", fmt, "--no-cache")
    assert result.status == 0
    assert marker in result.stdout and "fs.access_effective_ids" in result.stdout
    assert f"{number} findings for GraalPy" in result.stdout and f"java backend ({number} unguarded)" in result.stdout


def test_site_packages_names_the_distributions_of_the_environment(tmp_path: Path) -> None:
    """A child process with the corpus's site folder on its path: daemonlib's findings carry its name."""
    child = subprocess.run(
        [sys.executable, "-m", "interpose", "scan", "--site-packages", "--format", "jsonl", "--jobs", "1"],
        capture_output=True, text=True, timeout=300, cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(CORPUS / "site"), "XDG_CACHE_HOME": str(tmp_path / "cache")},
    )  # fmt: skip
    assert child.returncode == 0, child.stderr
    events = [json.loads(line) for line in child.stdout.splitlines()]
    mine = [event for event in events if event.get("distribution") == "daemonlib"]
    assert [event["callsite"]["line"] for event in mine] == [10, 17]
    assert all("distribution" in event for event in events)


@pytest.mark.parametrize(
    ("argv", "error"),
    [
        ([], "give a PATH to scan, or --site-packages"),
        (["x.py", "--jobs", "0"], "--jobs must be at least 1"),
        (["x.py", "--backend", "graal"], "argument --backend: invalid choice"),
        (["x.py", "--bogus"], "unknown option --bogus"),
    ],
)
def test_usage_errors(scan: Any, argv: list[str], error: str) -> None:
    result = scan(*argv)
    assert result.status == 2 and result.stdout == ""
    assert result.stderr.startswith("usage: python -m interpose scan") and f"scan: error: {error}" in result.stderr


def test_nothing_readable_is_status_2(scan: Any, tmp_path: Path) -> None:
    result = scan(str(tmp_path / "nowhere"))
    assert result.status == 2 and "nothing could be read" in result.stderr


def test_the_subcommand_is_reachable_from_python_m_interpose(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text("import os\nos.fork()\n")
    child = subprocess.run(
        [sys.executable, "-m", "interpose", "scan", "app.py", "--no-cache"],
        capture_output=True, text=True, cwd=tmp_path, timeout=60,
    )  # fmt: skip
    assert child.returncode == 0 and child.stdout.startswith("app.py:2:1: INFO process.fork [unguarded]")


def test_a_cache_that_cannot_be_written_is_said_once_and_the_scan_goes_on(
    scan: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    result = scan(str(CORPUS / "site"), "--format", "json")
    assert result.status == 0 and len(result.document["findings"]) == 2
    assert result.stderr.count("scan: cannot write the cache: ") == 1
    assert list(tmp_path.iterdir()) == [blocker]
