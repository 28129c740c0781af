"""`--interpose-log-level` (FINE explains tests that fail on what GraalPy silently ignores), the log folder, and
docs/pytest.md's `interpose_fs` example run exactly as written."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parents[2] / "docs" / "pytest.md"

UMASK_TEST = """
import subprocess
def test_child_umask():
    out = subprocess.run(["sh", "-c", "umask"], capture_output=True, text=True, umask=0o077).stdout
    assert out.strip() == "0077"
def test_clean():
    pass
"""


def test_fine_explains_an_ignored_umask(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(UMASK_TEST)
    log = pytester.path / "compat" / "deep" / "events.jsonl"  # the folder does not exist yet
    result = pytester.runpytest_subprocess(
        "--interpose=native", f"--interpose-log={log}", "--interpose-log-level=fine", "-p", "no:randomly"
    )
    result.assert_outcomes(failed=1, passed=1)  # GraalPy drops umask=: the child has the parent's umask
    result.stdout.fnmatch_lines(
        [
            "*interpose: limitations hit*",
            "test_fine_explains_an_ignored_umask.py::test_child_umask (failed)",
            "  subprocess.umask_ignored (FINE) x1: Ignored: fork_exec argument umask*",
            "*native backend, policy enforce, level FINE",
        ]
    )
    assert "--interpose-log-level=FINE lists them" not in result.stdout.str()
    written = [json.loads(line) for line in log.read_text().splitlines()]
    assert [event["limitation"] for event in written] == ["subprocess.umask_ignored"]


def test_at_info_the_summary_says_where_the_explanation_is(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(UMASK_TEST)
    result = pytester.runpytest_subprocess("--interpose=native", "-p", "no:randomly")
    result.assert_outcomes(failed=1, passed=1)
    result.stdout.fnmatch_lines(["1 test failed: GraalPy ignores some arguments*--interpose-log-level=FINE"])
    assert "subprocess.umask_ignored" not in result.stdout.str()


def test_fine_explains_whole_second_times_under_the_fixture(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import os
        def test_precise_mtime(interpose_fs):
            interpose_fs.create_file("/f.txt", "x")
            os.utime("/f.txt", ns=(1_500_000_000_250_000_000, 1_500_000_000_250_000_000))
            assert os.stat("/f.txt").st_mtime_ns == 1_500_000_000_250_000_000
        """
    )
    result = pytester.runpytest_subprocess("--interpose-log-level=FINE")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        ["*::test_precise_mtime (failed)", "  fs.utime_seconds (FINE) x*: Ignored: sub-second*"]
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--interpose-log-level=LOUD"], "*--interpose-log-level: unknown log level 'LOUD'*"),
        (["--interpose=native", "--interpose-log=/proc/no/such/x.jsonl"], "*--interpose-log: cannot make the folder*"),
    ],
)
def test_bad_level_and_log_folder(pytester: pytest.Pytester, args: list[str], message: str) -> None:
    pytester.makepyfile("def test_x(): pass")
    result = pytester.runpytest_subprocess(*args)
    assert result.ret == 4
    result.stderr.fnmatch_lines([message])


def docs_example() -> str:
    """The first Python block under docs/pytest.md's `interpose_fs` heading, as written."""
    text = DOCS.read_text(encoding="utf-8")
    section = text[text.index("## One test over memory: `interpose_fs`") :]
    found = re.search(r"```python\n(.*?)```", section, re.DOTALL)
    assert found is not None
    return found.group(1)


def test_the_documented_fixture_example_works_as_written(pytester: pytest.Pytester) -> None:
    fixtures = pytester.path / "tests" / "fixtures"
    fixtures.mkdir(parents=True)
    (fixtures / "default.conf").write_text("[app]\nname = demo\n")
    example = docs_example()
    assert 'add_real_directory("tests/fixtures")' in example and 'open("tests/fixtures/default.conf")' in example
    (pytester.path / "tests" / "test_example.py").write_text(example)
    result = pytester.runpytest_subprocess("tests/test_example.py")
    result.assert_outcomes(passed=1)
    assert not Path("/etc/myapp").exists()
    assert sorted(path.name for path in fixtures.iterdir()) == ["default.conf"]  # read, never written
