"""Issue 8: a file the program makes inheritable reaches an exec'd program at its own number, under warn only.

Under the java backend an emulated fd's number holds a placeholder and the file's real fd is hidden high, so an
exec'd program (sh's children: fork, then execv) would find the placeholder closed and the hidden fd at 512 and
above.  Under warn it finds what CPython gives it, the file at the program's number and nothing else; under
enforce it finds what GraalPy's child finds, only its standard streams.  Programs run through the real command
line, plain and interposed, and the child that reads the fd is a plain CPython.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.java.test_checklist import hits, plain, run

# The exec'd program: the fd it was given, what it reads from it, and every fd it holds (its listing's own too).
CHILD = """
import os, sys
fd = int(sys.argv[1])
try:
    got = os.read(fd, 20)
except OSError as error:
    got = error.strerror
print(fd, got, sorted(int(name) for name in os.listdir("/dev/fd")))
"""

OPEN = """
    import fcntl
    with open("data.txt", "w") as f:
        f.write("inherited")
    fd = os.open("data.txt", os.O_RDONLY)
    other = os.open("data.txt", os.O_RDONLY)  # stays close-on-exec: the child never holds it
    """
CLEAR_CLOEXEC = {
    "set_inheritable": "os.set_inheritable(fd, True)",
    "fcntl": "fcntl.fcntl(fd, fcntl.F_SETFD, fcntl.fcntl(fd, fcntl.F_GETFD) & ~fcntl.FD_CLOEXEC)",
}
EXEC = """
    print(os.get_inheritable(fd), os.get_inheritable(other))
    sys.stdout.flush()
    os.execv(sys.executable, [sys.executable, "-c", CHILD, str(fd)])
    """
# subprocess without close_fds: through posix_spawn (where the host has it: warn), or fork_exec when given a cwd
SPAWN = """
    print(os.get_inheritable(fd), os.get_inheritable(other))
    child = subprocess.run([sys.executable, "-c", CHILD, str(fd)], close_fds=False, capture_output=True, text=True,
                           cwd=CWD)
    print(child.stdout.strip(), os.read(fd, 3))
    """
INHERITABLE = [("fd.inheritable_ignored", "os.set_inheritable")]


def _body(clear: str, start: str) -> str:
    return f"    CHILD = {CHILD!r}{OPEN}{CLEAR_CLOEXEC[clear]}{start}"


@pytest.mark.parametrize("clear", sorted(CLEAR_CLOEXEC))
def test_an_exec_gives_the_program_own_inheritable_file_at_its_number_under_warn(tmp_path: Path, clear: str) -> None:
    body = _body(clear, EXEC)
    assert plain(tmp_path, body) == ["True False", "3 b'inherited' [0, 1, 2, 3, 4]"]
    out, events = run(tmp_path, body, "warn")
    assert out == ["True False", "3 b'inherited' [0, 1, 2, 3, 4]"]  # not the placeholder, and no hidden fd beside it
    logged = [("fd.get_inheritable_ignored", "os.get_inheritable"), ("fd.inheritable_ignored", "os.execv")]
    assert hits(events) == (INHERITABLE if clear == "set_inheritable" else []) + logged


def test_an_exec_gives_no_inherited_file_under_enforce(tmp_path: Path) -> None:
    out, events = run(tmp_path, _body("set_inheritable", EXEC), "enforce")
    assert out == ["False False", "3 Bad file descriptor [0, 1, 2, 3]"]  # GraalPy's child: its standard streams only
    assert hits(events) == INHERITABLE


@pytest.mark.parametrize("cwd", ["None", "'.'"])
@pytest.mark.parametrize("clear", sorted(CLEAR_CLOEXEC))
def test_a_child_started_without_close_fds_keeps_the_inheritable_file_under_warn(
    tmp_path: Path, clear: str, cwd: str
) -> None:
    body = _body(clear, SPAWN.replace("CWD", cwd))
    expected = ["True False", "3 b'inherited' [0, 1, 2, 3, 4] b''"]  # the child read to the end: the offset is shared
    assert plain(tmp_path, body) == expected
    out, events = run(tmp_path, body, "warn")
    assert out == expected
    started = "os.posix_spawn" if cwd == "None" else "_posixsubprocess.fork_exec"
    assert hits(events)[-1] == ("fd.inheritable_ignored", started)


@pytest.mark.parametrize("cwd", ["None", "'.'"])
def test_a_child_started_without_close_fds_gets_no_inherited_file_under_enforce(tmp_path: Path, cwd: str) -> None:
    out, events = run(tmp_path, _body("set_inheritable", SPAWN.replace("CWD", cwd)), "enforce")
    assert out == ["False False", "3 Bad file descriptor [0, 1, 2, 3] b'inh'"]
    assert hits(events) == INHERITABLE
