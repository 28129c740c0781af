"""Issue 3 §4 and the process facts: child processes under the java backend, through the real command line."""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

import pytest

from interpose.compat.catalog_java import JAVA_ENTRIES
from tests.conftest import read_events, run_interposed

ROWS = {entry.id for entry in JAVA_ENTRIES} - {"process.posix_spawn"} | {"subprocess.preexec_fn"}


def _run(tmp_path: Path, program: str, *options: str, fs: str = "host") -> tuple[str, list[dict[str, object]]]:
    log = tmp_path / "events.jsonl"
    (tmp_path / "prog.py").write_text(textwrap.dedent(program))
    result = run_interposed("--posix-backend=java", f"--fs={fs}", f"--log.file={log}",
                            "--log.python.compatibility.level=FINE", *options, "prog.py", cwd=tmp_path)  # fmt: skip
    assert result.returncode == 0, result.stderr
    # The java backend's own rows; the stdlib's import-time probes (fork, posix_spawn, poll) are not under test.
    return result.stdout, [e for e in read_events(log) if e["limitation"] in ROWS]


@pytest.mark.parametrize("policy", ["enforce", "warn"])
def test_children_start_in_the_emulated_cwd_and_the_process_cwd_never_moves(tmp_path: Path, policy: str) -> None:
    """Under warn too, where the host's posix_spawn (3.13's subprocess takes it) would start them in the real cwd."""
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
        """, f"--policy={policy}")  # fmt: skip
    assert out.split() == ["True", "True", "True", "True", "True"]


def test_pipes(tmp_path: Path) -> None:
    out, events = _run(tmp_path, """
        import subprocess
        print(subprocess.run(["cat"], input=b"through a pipe", capture_output=True).stdout.decode())
        p = subprocess.Popen(["sh", "-c", "read x; echo got $x >&2"], stdin=subprocess.PIPE, stderr=subprocess.PIPE)
        print(p.communicate(b"line\\n")[1].decode().strip(), p.returncode)
        print(subprocess.run(["sh", "-c", "echo err >&2"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT).stdout)
        """)  # fmt: skip
    assert out.splitlines() == ["through a pipe", "got line 0", "b'err\\n'"]
    assert events == []


# A child told to write into a file, to DEVNULL or to an fd of the program's: on GraalPy the stream is a pipe only
# when both of subprocess's pipe ends are set; otherwise the child inherits the process's own stream.
REDIRECTIONS = """
    import os, subprocess, sys
    with open("out.txt", "w") as sink:
        subprocess.run(["echo", "into a file"], stdout=sink, check=True)
    subprocess.run(["echo", "into devnull"], stdout=subprocess.DEVNULL, check=True)
    r, w = os.pipe()
    subprocess.run(["echo", "into the program's pipe"], stdout=w, check=True)
    os.close(w)
    sys.stdout.flush()
    print("pipe:", os.read(r, 100))
    """


def test_redirection_to_a_file_devnull_or_an_fd_is_ignored_under_enforce(tmp_path: Path) -> None:
    out, events = _run(tmp_path, REDIRECTIONS)
    assert sorted(out.splitlines()) == ["into a file", "into devnull", "into the program's pipe", "pipe: b''"]
    assert (tmp_path / "out.txt").read_text() == ""
    assert [(e["limitation"], e["detail"]["stream"]) for e in events] == [("subprocess.redirect_ignored", "stdout")] * 3  # type: ignore[index]


def test_redirection_works_under_warn_and_is_logged(tmp_path: Path) -> None:
    out, events = _run(tmp_path, REDIRECTIONS, "--policy=warn")
    assert out.splitlines() == ['pipe: b"into the program\'s pipe\\n"']
    assert (tmp_path / "out.txt").read_text() == "into a file\n"
    assert [(e["limitation"], e["outcome"]) for e in events] == [("subprocess.redirect_ignored", "allowed")] * 3


# pytest's fd capture: the program puts a file on fd 1 with os.dup2, then starts children with the default stdout.
AFTER_DUP2 = """
    import os, subprocess, sys
    with open("data.txt", "w") as f:
        f.write("old\\n")
    saved = os.dup(1)
    capture = os.open("capture.txt", os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
    os.dup2(capture, 1)
    results = [subprocess.run(["sh", "-c", "echo hi"]).returncode,
               subprocess.run(["sed", "-i", "s/old/new/", "data.txt"]).returncode,
               os.waitstatus_to_exitcode(os.system("echo from system"))]
    os.dup2(saved, 1)
    print(results, open("data.txt").read().strip(), repr(open("capture.txt").read()))
    """


def test_children_inherit_the_original_stdout_after_dup2_under_enforce(tmp_path: Path) -> None:
    out, events = _run(tmp_path, AFTER_DUP2)
    # The children write to the process's own stdout (GraalPy's Redirect.INHERIT), not into the program's file.
    assert out.splitlines() == ["hi", "from system", "[0, 0, 0] new ''"]
    assert [(e["limitation"], e["function"]) for e in events if e["level"] == "INFO"] == [
        ("subprocess.stdio_original", "_posixsubprocess.fork_exec")] * 3  # sh's line, sed's, os.system's  # fmt: skip


def test_children_get_the_new_stdout_after_dup2_under_warn(tmp_path: Path) -> None:
    out, events = _run(tmp_path, AFTER_DUP2, "--policy=warn")
    assert out.splitlines() == ["[0, 0, 0] new 'hi\\nfrom system\\n'"]
    assert {e["limitation"] for e in events if e["level"] == "INFO"} == {"subprocess.stdio_original"}


def test_redirection_to_a_file_only_the_emulated_filesystem_has(tmp_path: Path) -> None:
    program = """
        import subprocess, sys
        with open("/in-memory.txt", "w") as sink:
            try:  # this interpreter, interposed over memory too: the one child the sandbox lets start
                subprocess.run([sys.executable, "-c", "print('lost?')"], stdout=sink)
            except OSError as error:
                print("refused", error.errno)
        print(repr(open("/in-memory.txt").read()))
        """
    out, events = _run(tmp_path, program, fs="memory")
    assert out.splitlines() == ["lost?", "''"]  # ignored, as GraalPy ignores it: the child writes to stdout
    events = [e for e in events if e["limitation"] != "subprocess.cwd_virtual"]  # memory's "/": the host's "/"
    [event] = events
    assert event["limitation"] == "subprocess.redirect_virtual" and event["detail"]["path"] == "/in-memory.txt"  # type: ignore[index]
    (tmp_path / "events.jsonl").unlink()
    out, events = _run(tmp_path, program, "--policy=warn", fs="memory")
    assert out.splitlines() == ["refused 9", "''"]  # CPython would write the file; a real child cannot
    assert [e["outcome"] for e in events if e["limitation"] != "subprocess.cwd_virtual"] == ["refused"]


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
        ("UnsupportedOperation Feature not supported on 'java' POSIX backend: process_group in fork_exec",
         "subprocess.process_group"),
    ][: 2 if sys.version_info >= (3, 11) else 1]  # process_group came in 3.11  # fmt: skip
    assert out.splitlines() == [line for line, _ in expected]
    assert [e["limitation"] for e in events] == [limitation for _, limitation in expected]


def test_process_facts_of_the_java_backend(tmp_path: Path) -> None:
    out, events = _run(tmp_path, """
        import os, signal, subprocess
        print(hasattr(os, "geteuid"), hasattr(os, "getegid"), hasattr(os, "posix_spawn"), os.getuid() >= 0)
        for call in (os.getppid, os.getppid, os.getpgrp, lambda: os.kill(os.getpid(), 0)):
            try:
                call()
            except OSError as error:
                print(type(error).__name__)
        child = subprocess.Popen(["sleep", "10"])
        os.kill(child.pid, signal.SIGTERM)      # its own child: allowed
        print(child.wait())
        """)  # fmt: skip
    assert out.splitlines() == ["False False False True", "UnsupportedOperation", "UnsupportedOperation",
                                "UnsupportedOperation", "ProcessLookupError", "-15"]  # fmt: skip
    uses = [e for e in events if e["limitation"] != "process.effective_ids"]  # hasattr is a probe (issue 8 §2)
    first_lines = [(e["limitation"], e["function"]) for e in uses if not e["final"]]
    assert first_lines == [("process.getppid", "os.getppid"), ("process.getpgrp", "os.getpgrp"),
                           ("process.kill_other", "os.kill")]  # fmt: skip
    totals = {e["limitation"]: e["count"] for e in uses if e["final"]}
    assert totals == {"process.getppid": 2}  # the same line, twice


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


def test_a_child_whose_cwd_only_the_emulated_filesystem_has_never_runs_in_the_real_cwd(tmp_path: Path) -> None:
    out, events = _run(tmp_path, """
        import os, subprocess
        os.makedirs("/only/in/memory")
        os.chdir("/only/in/memory")
        try:
            subprocess.run(["pwd"], capture_output=True)
        except FileNotFoundError as error:
            print("ENOENT" if error.errno == 2 else error)
        os.chdir("/tmp")  # the host has a directory of that name: the child starts there, as on GraalPy
        print(subprocess.run(["pwd"], capture_output=True, text=True).stdout.strip())
        """, "--policy=warn", fs="memory")  # fmt: skip  # warn: pwd runs on the host (enforce refuses it)
    assert out.splitlines() == ["ENOENT", "/tmp"]
    assert {event["limitation"] for event in events} == {"subprocess.cwd_virtual"}
    assert {event["detail"]["cwd"] for event in events} == {"/only/in/memory", "/tmp"}  # type: ignore[index]
