"""`pytest --interpose=...`: inert without options, whole-session runs, per-test events, usage errors."""

from __future__ import annotations

import json

import pytest

PLUGIN: tuple[str, ...] = ()  # loaded through the pytest11 entry point, as users get it


def events(path: object) -> list[dict[str, object]]:
    with open(str(path)) as f:
        return [json.loads(line) for line in f if line.strip()]


def test_inert_without_options(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import sys, interpose
        def test_nothing_loaded():
            assert "structlog" not in sys.modules
            assert "interpose.activation" not in sys.modules  # is_active() below would import it
            assert "interpose.pytest_plugin.fixture" not in sys.modules
            assert not interpose.is_active()
        """
    )
    result = pytester.runpytest_subprocess(*PLUGIN)
    result.assert_outcomes(passed=1)
    output = [line for line in result.outlines if not line.startswith("plugins:")]  # the entry point is listed
    assert not any("interpose" in line for line in output)


def test_native_fork_listed_under_its_test(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import os
        def fork():
            os.fork()  # an unguarded use (a lookup caught in its own frame would be a probe, at FINER)
        def test_forks():
            for _ in range(3):
                try:
                    fork()
                except AttributeError:
                    pass
        def test_clean():
            pass
        """
    )
    log = pytester.path / "events.jsonl"
    result = pytester.runpytest_subprocess(*PLUGIN, "--interpose=native", f"--interpose-log={log}")
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines(
        [
            "*interpose: limitations hit*",
            "test_native_fork_listed_under_its_test.py::test_forks",
            "  process.fork (INFO) x3: *",
            "what to do instead on GraalPy:",
            "  process.fork: start processes with subprocess*",
            "3 events (exact) of 1 limitation in 1 test; native backend, policy enforce",
            f"events (--interpose-log): {log}",
        ]
    )
    written = events(log)
    assert {event["test"] for event in written} == {"test_native_fork_listed_under_its_test.py::test_forks"}
    assert max(int(str(event["count"])) for event in written) == 3


def test_java_warn_keeps_pytest_machinery(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import os
        def test_files(tmp_path, capfd):
            (tmp_path / "f").write_text("x")
            print("seen")
            os.write(1, b"by fd\\n")
            out = capfd.readouterr().out
            assert "by fd" in out
            assert (tmp_path / "f").read_text() == "x"
            pid = os.fork()  # allowed under warn, still logged
            if pid == 0:
                os._exit(0)
            os.waitpid(pid, 0)
        """
    )
    result = pytester.runpytest_subprocess(*PLUGIN, "--interpose=java", "--interpose-policy=warn", "--junitxml=j.xml")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["*::test_files", "  process.fork (INFO) x1: *", "*java backend, policy warn*"])
    assert 'tests="1"' in (pytester.path / "j.xml").read_text()
    assert (pytester.path / ".pytest_cache").is_dir()
    result.stdout.fnmatch_lines(["events (a temporary file): *.jsonl"])


def test_child_process_carries_the_test_id(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import subprocess, sys
        def test_spawns():
            code = "import os\\ndef f():\\n    os.fork\\ntry:\\n    f()\\nexcept AttributeError:\\n    pass"
            subprocess.run([sys.executable, "-c", code], check=True)
        """
    )
    log = pytester.path / "events.jsonl"
    result = pytester.runpytest_subprocess(*PLUGIN, "--interpose=native", f"--interpose-log={log}")
    result.assert_outcomes(passed=1)
    written = events(log)
    test_id = "test_child_process_carries_the_test_id.py::test_spawns"
    assert written and {event["test"] for event in written} == {test_id}
    assert {event["callsite"]["file"] for event in written} == {"<string>"}  # type: ignore[index]  # the child's -c


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--interpose=graal"], "*--interpose: invalid choice: 'graal'*"),
        (["--interpose=java", "--interpose-policy=loose"], "*--interpose-policy: invalid choice*"),
        (["--interpose=java", "--interpose-fs=memory"], "*only be interposed over the host filesystem*interpose_fs*"),
        (["--interpose=java", "--interpose-fs=bogus"], "*only be interposed over the host filesystem*interpose_fs*"),
        (["--interpose-log=x.jsonl"], "*--interpose-log needs --interpose=native|java*"),
        (["--interpose=native", "--interpose-fs=host"], "*--interpose-fs applies to the java backend only*"),
    ],
)
def test_bad_options_are_usage_errors(pytester: pytest.Pytester, args: list[str], message: str) -> None:
    pytester.makepyfile("def test_x(): pass")
    result = pytester.runpytest_subprocess(*PLUGIN, *args)
    assert result.ret == 4
    result.stderr.fnmatch_lines([message])
