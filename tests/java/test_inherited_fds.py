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
PRINT_FLAGS = """
    print(os.get_inheritable(fd), os.get_inheritable(other))
    sys.stdout.flush()
    """
EXEC = PRINT_FLAGS + 'os.execv(sys.executable, [sys.executable, "-c", CHILD, str(fd)])\n'
# A child started without closing fds: subprocess's fork_exec (a cwd keeps it off the posix_spawn path), or
# posix_spawn itself (the java backend has none: warn only); each prints the child's line, then the offset's.
SPAWN = {
    "fork_exec": """
    child = subprocess.run([sys.executable, "-c", CHILD, str(fd)], close_fds=False, capture_output=True, text=True,
                           cwd=".")
    print(child.stdout.strip())
    print(os.read(fd, 3))
    """,
    "posix_spawn": """
    os.waitpid(os.posix_spawn(sys.executable, [sys.executable, "-c", CHILD, str(fd)], os.environ), 0)
    print(os.read(fd, 3))
    """,
}
STARTER = {"fork_exec": "_posixsubprocess.fork_exec", "posix_spawn": "os.posix_spawn"}
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


@pytest.mark.parametrize("way", sorted(SPAWN))
@pytest.mark.parametrize("clear", sorted(CLEAR_CLOEXEC))
def test_a_child_started_without_closing_fds_keeps_the_inheritable_file_under_warn(
    tmp_path: Path, clear: str, way: str
) -> None:
    body = _body(clear, PRINT_FLAGS + SPAWN[way])
    expected = ["True False", "3 b'inherited' [0, 1, 2, 3, 4]", "b''"]  # the child read to the end: shared offset
    assert plain(tmp_path, body) == expected
    out, events = run(tmp_path, body, "warn")
    assert out == expected
    assert hits(events)[-1] == ("fd.inheritable_ignored", STARTER[way])


def test_a_child_started_without_closing_fds_gets_no_inherited_file_under_enforce(tmp_path: Path) -> None:
    out, events = run(tmp_path, _body("set_inheritable", PRINT_FLAGS + SPAWN["fork_exec"]), "enforce")
    assert out == ["False False", "3 Bad file descriptor [0, 1, 2, 3]", "b'inh'"]
    assert hits(events) == INHERITABLE
