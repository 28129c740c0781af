"""Bad input never stops a report: one line on stderr per file with the skipped count, the rest reported."""

from __future__ import annotations

import gzip
import io
import json
import os
from pathlib import Path

from interpose.report.cli import main
from tests.report.conftest import dumps, event, write_lines


def run(*args: str) -> tuple[int, dict[str, object] | None, str]:
    out, err = io.StringIO(), io.StringIO()
    status = main([*args, "--format", "json"], stdout=out, stderr=err, environ={})
    return status, (json.loads(out.getvalue()) if out.getvalue() else None), err.getvalue()


def test_corrupt_lines_are_counted_and_the_rest_reported(tmp_path: Path) -> None:
    good = dumps(event(count=3, final=True))
    lines = [
        dumps(event()), good[: len(good) // 2], dumps(event(schema=3)), "\x00\x01garbage\x7f", "", "[1, 2]",
        dumps({k: v for k, v in event().items() if k != "run"}), dumps(event(count=0)), good,
    ]  # fmt: skip
    path = write_lines(tmp_path / "bad.jsonl", lines)
    status, data, err = run(str(path))
    assert status == 0 and data is not None
    assert data["totals"]["events"] == 3  # type: ignore[index]
    assert err.count("\n") == 1
    assert err.startswith(f"report: {path}: skipped 6 of 9 lines (")
    for reason in ("2 not JSON", "1 other schema version", "1 not a JSON object", "1 bad or missing 'run'",
                   "1 bad or missing 'count'"):  # fmt: skip
        assert reason in err
    assert err.rstrip().endswith("first at line 2")
    assert data["totals"]["skipped_lines"] == 6  # type: ignore[index]


def test_empty_file_is_read_and_reported_empty(tmp_path: Path) -> None:
    path = tmp_path / "empty.jsonl"
    path.write_bytes(b"")
    status, data, err = run(str(path))
    assert status == 0 and data is not None and data["rows"] == []
    assert err == f"report: {path}: empty, no events\n"


def test_missing_file_alone_is_status_2(tmp_path: Path) -> None:
    status, data, err = run(str(tmp_path / "nope.jsonl"))
    assert status == 2 and data is None
    assert err.splitlines() == [
        f"report: {tmp_path / 'nope.jsonl'}: cannot read: No such file or directory",
        "report: no input could be read",
    ]


def test_missing_file_beside_a_good_one_still_reports(tmp_path: Path) -> None:
    good = write_lines(tmp_path / "good.jsonl", [event(count=1), event(count=2, final=True)])
    status, data, err = run(str(tmp_path / "nope.jsonl"), str(good), "--fail-on", "INFO")
    assert status == 1 and data is not None and data["totals"]["events"] == 2  # type: ignore[index]
    assert "nope.jsonl: cannot read" in err and err.count("\n") == 1


def test_binary_garbage_alone_is_status_2(tmp_path: Path) -> None:
    path = tmp_path / "garbage.jsonl"
    path.write_bytes(os.urandom(5000).replace(b"\x1f", b"") + b"\n\xff\xfe{]\n")
    status, data, err = run(str(path))
    assert status == 2 and data is None
    assert f"report: {path}: skipped " in err and "Traceback" not in err
    assert err.endswith("report: no input could be read\n")


def test_unreadable_file(tmp_path: Path) -> None:
    path = write_lines(tmp_path / "secret.jsonl", [event()])
    path.chmod(0)
    try:
        status, _, err = run(str(path))
    finally:
        path.chmod(0o644)
    if os.geteuid() == 0:  # root reads it anyway
        assert status == 0
    else:
        assert status == 2 and "Permission denied" in err


def test_truncated_gzip_keeps_what_was_read(tmp_path: Path) -> None:
    text = "".join(dumps(event(run=f"{i}-1", pid=i)) + "\n" for i in range(2000)).encode()
    packed = gzip.compress(text)
    path = tmp_path / "cut.jsonl.gz"
    path.write_bytes(packed[: len(packed) * 2 // 3])
    status, data, err = run(str(path))
    assert status == 0 and data is not None
    assert 0 < data["totals"]["events"] < 2000  # type: ignore[index]
    assert err.startswith(f"report: {path}: corrupt or truncated gzip data after line ")
    assert err.count("\n") == 1


def test_over_long_line_is_skipped_without_holding_it(tmp_path: Path) -> None:
    path = tmp_path / "long.jsonl"
    with path.open("wb") as out:
        out.write((dumps(event()) + "\n").encode())
        out.write(b"x" * (3 << 20) + b"\n")
        out.write((dumps(event(count=4, final=True)) + "\n").encode())
    status, data, err = run(str(path))
    assert status == 0 and data is not None and data["totals"]["events"] == 4  # type: ignore[index]
    assert "skipped 1 of 3 lines (1 line over 1 MiB), first at line 2" in err


def test_folder_without_logs_and_crlf_and_last_line_without_newline(tmp_path: Path) -> None:
    (tmp_path / "empty-dir").mkdir()
    path = tmp_path / "crlf.jsonl"
    path.write_bytes((dumps(event()) + "\r\n" + dumps(event(count=6, final=True))).encode())
    status, data, err = run(str(tmp_path / "empty-dir"), str(path))
    assert status == 0 and data is not None and data["totals"]["events"] == 6  # type: ignore[index]
    assert err == f"report: {tmp_path / 'empty-dir'}: folder holds no *.jsonl files\n"
