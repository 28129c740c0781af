"""Issue 3 §4 and the process facts: child processes under the java backend, through the real command line."""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

import pytest

from tests.conftest import read_events, run_interposed


def _run(tmp_path: Path, program: str, *options: str, fs: str = "host") -> tuple[str, list[dict[str, object]]]:
    log = tmp_path / "events.jsonl"
    (tmp_path / "prog.py").write_text(textwrap.dedent(program))
    result = run_interposed("--posix-backend=java", f"--fs={fs}", f"--log.file={log}",
                            "--log.python.compatibility.level=FINE", *options, "prog.py", cwd=tmp_path)  # fmt: skip
    assert result.returncode == 0, result.stderr
    probes = ("process.fork", "process.posix_spawn")  # random and subprocess look for them at import
    return result.stdout, [e for e in read_events(log) if e["limitation"] not in probes]


def test_children_start_in_the_emulated_cwd_and_the_process_cwd_never_moves(tmp_path: Path) -> None:
    (tmp_path / "inner").mkdir()
    out, _ = _run(tmp_path, """
        import os, subprocess, sys
        real = os.readlink("/proc/self/cwd")
        os.chdir("inner")
        print(os.getcwd() == os.path.join(real, "inner"), os.readlink("/proc/self/cwd") == real)
        print(subprocess.run(["pwd"], capture_output=True, text=True).stdout.strip() == os.getcwd())
        print(subprocess.run([sys.executable, "-c", "import os; print(os.getcwd())"],
                             capture_output=True, text=True).stdout.strip() == os.getcwd())
        print(subprocess.run(["pwd"], cwd="..", capture_output=True, text=True).stdout.strip() == real)
        """)  # fmt: skip
    assert out.split() == ["True", "True", "True", "True", "True"]


def test_pipes_and_redirection_to_host_files(tmp_path: Path) -> None:
    out, events = _run(tmp_path, """
        import subprocess
        print(subprocess.run(["cat"], input=b"through a pipe", capture_output=True).stdout.decode())
        with open("out.txt", "w") as sink:
            subprocess.run(["echo", "into a file"], stdout=sink, check=True)
        print(open("out.txt").read().strip())
        p = subprocess.Popen(["sh", "-c", "read x; echo got $x"], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        print(p.communicate(b"line\\n")[0].decode().strip(), p.returncode)
        """)  # fmt: skip
    assert out.splitlines() == ["through a pipe", "into a file", "got line 0"]
    assert events == []
    assert (tmp_path / "out.txt").read_text() == "into a file\n"


def test_redirection_to_a_file_only_the_emulated_filesystem_has_is_refused(tmp_path: Path) -> None:
    out, events = _run(tmp_path, """
        import subprocess
        with open("/in-memory.txt", "w") as sink:
            try:
                subprocess.run(["echo", "lost?"], stdout=sink)
            except OSError as error:
                print("refused", error.errno)
        """, fs="memory")  # fmt: skip
    assert out.strip() == "refused 9"
    [event] = events
    assert event["limitation"] == "subprocess.redirect_virtual" and event["detail"]["path"] == "/in-memory.txt"  # type: ignore[index]


def test_preexec_fn_and_process_group_are_rejected(tmp_path: Path) -> None:
    out, events = _run(tmp_path, """
        import subprocess, sys
        for kwargs in ({"preexec_fn": lambda: None}, {"process_group": 0})[: 2 if sys.version_info >= (3, 11) else 1]:
            try:
                subprocess.run(["true"], **kwargs)
            except Exception as error:
                print(type(error).__name__, error)
        """)  # fmt: skip
    expected = [
        ("RuntimeError preexec_fn not supported", "subprocess.preexec_fn"),
        ("UnsupportedOperation Feature not supported on 'java' POSIX backend: process_group",
         "subprocess.process_group"),
    ][: 2 if sys.version_info >= (3, 11) else 1]  # process_group came in 3.11  # fmt: skip
    assert out.splitlines() == [line for line, _ in expected]
    assert [e["limitation"] for e in events] == [limitation for _, limitation in expected]


def test_process_facts_of_the_java_backend(tmp_path: Path) -> None:
    out, events = _run(tmp_path, """
        import os, signal, subprocess
        print(hasattr(os, "geteuid"), hasattr(os, "getegid"), hasattr(os, "posix_spawn"), os.getuid() >= 0)
        for call in (os.getppid, os.getpgrp, lambda: os.kill(os.getpid(), 0)):
            try:
                call()
            except OSError as error:
                print(type(error).__name__)
        child = subprocess.Popen(["sleep", "10"])
        os.kill(child.pid, signal.SIGTERM)      # its own child: allowed
        print(child.wait())
        """)  # fmt: skip
    assert out.splitlines() == ["False False False True", "UnsupportedOperation", "UnsupportedOperation",
                                "UnsupportedOperation", "-15"]  # fmt: skip
    first_lines = [(e["limitation"], e["function"]) for e in events if not e["final"]]
    assert first_lines == [("process.effective_ids", "os.geteuid"), ("process.group", "os.getppid"),
                           ("process.kill", "os.kill")]  # fmt: skip
    totals = {e["limitation"]: e["count"] for e in events if e["final"]}
    assert totals == {"process.effective_ids": 2, "process.group": 2}  # the same line, twice each


@pytest.mark.parametrize("policy, expected", [("enforce", "UnsupportedOperation"), ("warn", "True")])
def test_policies_for_unsupported_calls(tmp_path: Path, policy: str, expected: str) -> None:
    out, _ = _run(tmp_path, """
        import os
        try:
            print(os.access(".", os.R_OK, effective_ids=True))
        except OSError as error:
            print(type(error).__name__)
        """, f"--policy={policy}")  # fmt: skip
    assert out.strip() == expected


def test_system_and_popen_run_from_the_emulated_cwd(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    out, _ = _run(tmp_path, """
        import os
        os.chdir("sub")
        status = os.system("pwd > where.txt; exit 3")
        print(os.waitstatus_to_exitcode(status), open("where.txt").read().strip() == os.getcwd())
        with os.popen("pwd") as pipe:
            print(pipe.read().strip() == os.getcwd())
        """)  # fmt: skip
    assert out.split() == ["3", "True", "True"]
