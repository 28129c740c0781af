"""GraalPy's native-backend limitations, through the real command line and real child processes."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from tests.conftest import read_events, run_interposed


def _run(tmp_path: Path, log_file: Path, program: str, *options: str) -> tuple[str, list[dict[str, object]]]:
    (tmp_path / "prog.py").write_text(textwrap.dedent(program))
    result = run_interposed(f"--log.file={log_file}", *options, "prog.py", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    return result.stdout, read_events(log_file)


FORK = """
import os
print(hasattr(os, "fork"), hasattr(os, "forkpty"))
try:
    os.fork
except AttributeError as error:
    print(error)
"""


def test_fork_is_absent_under_enforce_and_each_access_is_logged(tmp_path: Path, log_file: Path) -> None:
    out, events = _run(tmp_path, log_file, FORK, "--log.python.compatibility.level=FINER")
    assert out.splitlines() == ["False False", "module 'os' has no attribute 'fork'"]
    assert [(e["limitation"], e["callsite"]["line"], e["outcome"], e["level"]) for e in events] == [  # type: ignore[index]
        ("process.fork", 3, "raised", "FINER"),  # probes (docs/events.md): below the default level
        ("process.forkpty", 3, "raised", "FINER"),
        ("process.fork", 5, "raised", "FINER"),
    ]
    assert all(e["callsite"]["file"] == str(tmp_path / "prog.py") for e in events)  # type: ignore[index]


def test_fork_works_under_warn_and_is_still_logged(tmp_path: Path, log_file: Path) -> None:
    program = """
    import os
    pid = os.fork()
    if pid == 0:
        os._exit(7)
    _, status = os.waitpid(pid, 0)
    print(os.waitstatus_to_exitcode(status))
    """
    out, events = _run(tmp_path, log_file, program, "--policy=warn")
    assert out.strip() == "7"
    [event] = events
    assert (event["limitation"], event["outcome"], event["policy"], event["callsite"]["line"]) == (  # type: ignore[index]
        "process.fork",
        "allowed",
        "warn",
        3,
    )


def test_fork_reference_taken_before_activation_is_refused_under_enforce(tmp_path: Path, log_file: Path) -> None:
    program = """
    import interpose, os
    from interpose.host import os as host_os
    interpose.deactivate()
    early_fork = host_os.fork          # a reference held from before activation
    interpose.activate(backend="native", log_file=LOG_FILE)
    try:
        early_fork()
    except RuntimeError as error:
        print(type(error).__name__, error)
    """.replace("LOG_FILE", repr(str(log_file)))
    out, events = _run(tmp_path, tmp_path / "ignored.jsonl", program)
    assert out.strip() == "BypassRefused os.fork is not available on GraalPy (reached around interpose's shims)"
    [event] = read_events(log_file)
    assert (event["limitation"], event["function"], event["callsite"]["line"]) == ("process.fork", "os.fork", 8)  # type: ignore[index]


PREEXEC = """
import subprocess, sys
marker = "preexec-ran.txt"
try:
    subprocess.run([sys.executable, "-c", "pass"], preexec_fn=lambda: open(marker, "w").close(), check=True)
    print("ran")
except RuntimeError as error:
    print("RuntimeError", error)
import os
print(os.path.exists(marker))
"""


def test_preexec_fn_is_refused_under_enforce(tmp_path: Path, log_file: Path) -> None:
    out, events = _run(tmp_path, log_file, PREEXEC)
    assert out.splitlines() == ["RuntimeError preexec_fn not supported", "False"]
    [event] = events
    assert (event["limitation"], event["outcome"], event["callsite"]["line"]) == ("subprocess.preexec_fn", "raised", 5)  # type: ignore[index]


def test_preexec_fn_runs_under_warn_and_is_logged(tmp_path: Path, log_file: Path) -> None:
    out, events = _run(tmp_path, log_file, PREEXEC, "--policy=warn")
    assert out.splitlines() == ["ran", "True"]
    assert [(e["limitation"], e["outcome"]) for e in events if e["pid"] == events[0]["pid"]][0] == (
        "subprocess.preexec_fn",
        "allowed",
    )


UMASK = """
import subprocess
print(subprocess.run(["sh", "-c", "umask"], umask=0o077, capture_output=True, text=True).stdout.strip())
"""


@pytest.mark.parametrize("policy, expected", [("enforce", "0022"), ("warn", "0077")])
def test_umask_argument_is_dropped_under_enforce(tmp_path: Path, log_file: Path, policy: str, expected: str) -> None:
    program = "import os\nos.umask(0o022)\n" + UMASK
    out, events = _run(tmp_path, log_file, program, f"--policy={policy}", "--log.python.compatibility.level=FINE")
    assert out.strip() == expected
    [event] = events
    assert (event["limitation"], event["level"], event["outcome"]) == (
        "subprocess.umask_ignored",
        "FINE",
        "ignored" if policy == "enforce" else "allowed",
    )
    assert event["detail"] == {"value": "63"}


def test_fine_events_are_not_written_at_the_default_level(tmp_path: Path, log_file: Path) -> None:
    out, events = _run(tmp_path, log_file, UMASK)
    assert events == []


def test_functions_without_limitations_behave_as_cpython(tmp_path: Path, log_file: Path) -> None:
    program = """
    import os, subprocess, sys
    os.mkdir("d")
    fd = os.open("d/f", os.O_CREAT | os.O_WRONLY, 0o640)
    os.write(fd, b"abc")
    os.close(fd)
    st = os.stat("d/f")
    print(st.st_size, oct(st.st_mode & 0o777), os.listdir("d"), [e.name for e in os.scandir("d")])
    print(subprocess.check_output([sys.executable, "-c", "print(42)"], cwd="d").strip().decode())
    """
    out, events = _run(tmp_path, log_file, program)
    assert out.splitlines() == ["3 0o640 ['f'] ['f']", "42"]
    assert events == []


def test_spawn_family_is_absent_with_fork_and_logged(tmp_path: Path, log_file: Path) -> None:
    program = """
    import os
    print(hasattr(os, "spawnv"), hasattr(os, "P_WAIT"))
    """
    out, events = _run(tmp_path, log_file, program, "--log.python.compatibility.level=FINER")
    assert out.strip() == "False False"
    assert [(e["limitation"], e["count"], e["final"]) for e in events] == [
        ("process.spawn", 1, False),
        ("process.spawn", 2, True),  # the same call site, hit twice: spawnv, then P_WAIT
    ]
    assert events[0]["function"] == "os.spawnv"
    spawn = "import os\nprint(os.spawnv(os.P_WAIT, '/bin/true', ['true']))\n"
    out, events = _run(tmp_path, tmp_path / "warn.jsonl", spawn, "--policy=warn")
    assert out.strip() == "0"
