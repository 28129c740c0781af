"""Issue 8: an emulated fd is never the OS's fd of its file, for every provider, `host` included.

GraalPy's fds are numbers in a table of its own: native code handed one fails (or reaches some other file of the
JVM's), and never writes the file behind it.  Under the java backend the number holds a placeholder, the file's
real fd is kept out of sight, and the standard streams stay the process's own.  What Python code does with the
fd (read, write, mmap, flock, select, a child's stream) still reaches the file.  Programs run through the real
command line, plain and interposed; the table itself is driven directly where a guess at every number is made.
"""

from __future__ import annotations

import errno
import fcntl
import json
import mmap
import os
from pathlib import Path

import pytest

from interpose.backends.emulated import fdtable
from tests.conftest import read_events, run_interposed, run_python
from tests.emulated.emu import Emulated, activated
from tests.emulated.test_private_fds import open_fds
from tests.java.test_checklist import hits, plain, run

NATIVE_WRITES = """
    import ctypes, os, sys
    libc = ctypes.CDLL(None, use_errno=True)
    stdout = sys.stdout.buffer
    c_file_io = type(getattr(stdout, "raw", stdout))  # the C class: stdout was made before interpose was active
    fd = os.open("data.txt", os.O_RDWR | os.O_CREAT | os.O_TRUNC, 0o644)
    os.write(fd, b"python\\n")
    show("kernel", lambda: os.path.basename(os.readlink(f"/proc/self/fd/{fd}")))
    show("libc.write", lambda: (libc.write(fd, b"native\\n", 7), ctypes.get_errno()))
    show("C FileIO", lambda: c_file_io(fd, "w", closefd=False).write(b"c-level\\n"))
    os.close(fd)
    show("file", lambda: open("data.txt", "rb").read())
    """


@pytest.mark.parametrize("policy", ["enforce", "warn"])
def test_native_code_never_writes_through_an_emulated_fd(tmp_path: Path, policy: str) -> None:
    assert plain(tmp_path, NATIVE_WRITES) == [
        "kernel data.txt", "libc.write (7, 0)", "C FileIO 8", "file b'python\\nnative\\nc-level\\n'"]  # fmt: skip
    out, events = run(tmp_path, NATIVE_WRITES, policy)
    # The kernel's fd is a placeholder on /dev/null: the C write fails with EBADF, the C FileIO is refused before
    # it opens a raw file on it (under warn too: it cannot work); only Python's write reached the file.
    assert out == [
        "kernel null", "libc.write (-1, 9)",
        "C FileIO OSError [Errno 9] emulated file descriptor 3 cannot be used by native code (open)",
        "file b'python\\n'",
    ]  # fmt: skip
    assert hits(events) == [("fd.native_code", "open")]  # ctypes raises no audit event per call: nothing to name


STDOUT = """
    import ctypes, os, sys
    libc = ctypes.CDLL(None)
    capture = os.open("capture.txt", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    saved = os.dup(1)
    os.dup2(capture, 1)
    os.write(1, b"os.write\\n")
    libc.write(1, b"libc.write\\n", 11)
    print("print", flush=True)
    os.dup2(saved, 1)
    os.close(1)
    reopened = os.open("reopened.txt", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    print(reopened, flush=True)
    os.dup2(saved, 1)
    print(open("capture.txt").read().split(), open("reopened.txt").read().split())
    """


def test_the_standard_streams_hold_what_the_program_puts_there(tmp_path: Path) -> None:
    """sys.stdout is a C object over the real fd 1: after os.dup2(f, 1) print() writes f, on GraalPy too (its
    sys.stdout is over its emulated fd 1), and a file opened after os.close(1) is fd 1."""
    expected = ["['os.write', 'libc.write', 'print'] ['1']"]
    assert plain(tmp_path, STDOUT) == expected
    for policy in ("enforce", "warn"):
        out, events = run(tmp_path, STDOUT, policy)
        assert out == expected
        assert [e for e in events if e["level"] == "INFO"] == []


PYTHON_USES = """
    import fcntl, mmap, os, select
    fd = os.open("data.txt", os.O_RDWR | os.O_CREAT | os.O_TRUNC, 0o644)
    os.write(fd, b"mapped")
    show("mmap", lambda: mmap.mmap(fd, 0, prot=mmap.PROT_READ)[:6])
    show("flock", lambda: fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB))
    show("lockf", lambda: fcntl.lockf(fd, fcntl.LOCK_UN))
    show("select file", lambda: select.select([fd], [fd], [], 0) == ([fd], [fd], []))
    r, w = os.pipe()
    r2 = os.dup(r)
    show("select empty pipe", lambda: select.select([r2], [], [], 0))
    os.write(w, b"x")
    show("select pipe", lambda: select.select([r2, fd], [], [], 0) == ([r2, fd], [], []))
    show("read", lambda: os.read(r2, 1))
    """


def test_python_code_reaches_the_file_behind_an_emulated_fd(tmp_path: Path) -> None:
    expected = ["mmap b'mapped'", "flock None", "lockf None", "select file True", "select empty pipe ([], [], [])",
                "select pipe True", "read b'x'"]  # fmt: skip
    assert plain(tmp_path, PYTHON_USES) == expected
    for policy in ("enforce", "warn"):
        out, events = run(tmp_path, PYTHON_USES, policy)
        assert (out, hits(events)) == (expected, [])  # GraalPy's select, mmap and flock work on its emulated fds


FOUND = """
    import os, socket
    a, b = socket.socketpair()
    c = socket.fromfd(a.fileno(), a.family, a.type)  # os.dup, then C code given the copy
    c.sendall(b"through a dup")
    show("socket", lambda: b.recv(100))
    r, w = os.pipe()
    os.dup2(w, 9)
    os.close(w)
    os.write(9, b"moved")
    show("pipe", lambda: (os.read(r, 100), os.path.basename(os.readlink("/proc/self/fd/9"))[:5]))
    """


def test_the_program_own_kernel_objects_keep_real_numbers_and_their_dups_too(tmp_path: Path) -> None:
    expected = ["socket b'through a dup'", "pipe (b'moved', 'pipe:')"]
    assert plain(tmp_path, FOUND) == expected
    out, events = run(tmp_path, FOUND, "enforce")
    assert (out, [e for e in events if e["level"] == "INFO"]) == (expected, [])


PASS_FDS = """
    import os, subprocess
    with open("data.txt", "w") as f:
        f.write("passed")
    fd = os.open("data.txt", os.O_RDONLY)
    child = subprocess.run(["sh", "-c", f"cat <&{fd}"], pass_fds=(fd,), capture_output=True)
    print(child.stdout, child.returncode == 0)
    print(os.fstat(fd).st_size, os.read(fd, 3))
    """


def test_pass_fds_hands_the_child_the_real_file_under_warn(tmp_path: Path) -> None:
    assert plain(tmp_path, PASS_FDS) == ["b'passed' True", "6 b''"]  # the child read through the shared offset
    out, events = run(tmp_path, PASS_FDS, "warn")
    assert out == ["b'passed' True", "6 b''"]
    assert hits(events) == [("subprocess.options_ignored", "_posixsubprocess.fork_exec")]
    out, events = run(tmp_path, PASS_FDS, "enforce")  # GraalPy ignores pass_fds: the child has no such fd
    assert out == ["b'' False", "6 b'pas'"]
    assert hits(events) == [("subprocess.options_ignored", "_posixsubprocess.fork_exec")]


def test_pass_fds_of_a_file_only_the_provider_has_is_refused_under_warn(tmp_path: Path) -> None:
    log = tmp_path / "events.jsonl"
    with activated("memory", "warn", log_level="FINE", log_file=str(log)) as shim_os:
        import subprocess

        fd = shim_os.open("/f", os.O_CREAT | os.O_RDWR)
        with pytest.raises(OSError) as raised:
            subprocess.run(["true"], pass_fds=(fd,))
        assert raised.value.errno == errno.EBADF
        shim_os.close(fd)
    events = [json.loads(line) for line in log.read_text().splitlines()]
    assert ("fd.native_code", "_posixsubprocess.fork_exec") in [(e["limitation"], e["function"]) for e in events]


@pytest.mark.parametrize("fs", ["host", "memory"])
def test_c_functions_taken_before_activation_are_refused_and_named(tmp_path: Path, fs: str) -> None:
    log = tmp_path / "events.jsonl"
    host_flock, host_mmap = fcntl.flock, mmap.mmap  # as C code, or an early `from fcntl import flock`, holds them
    path = str(tmp_path / "data.txt") if fs == "host" else "/data.txt"
    with activated(fs, log_level="INFO", log_file=str(log)) as shim_os:
        fd = shim_os.open(path, os.O_CREAT | os.O_RDWR)
        shim_os.write(fd, b"data")
        with pytest.raises(OSError) as flocked:
            host_flock(fd, fcntl.LOCK_EX)
        with pytest.raises(OSError) as mapped:
            host_mmap(fd, 0)
        assert flocked.value.errno == mapped.value.errno == errno.EBADF
        shim_os.close(fd)
    events = [json.loads(line) for line in log.read_text().splitlines()]
    assert sorted(e["function"] for e in events if e["limitation"] == "fd.native_code" and not e["final"]) == [
        "fcntl.flock", "mmap.__new__"]  # fmt: skip


def test_the_hidden_fds_are_never_the_program_own(tmp_path: Path) -> None:
    """Every real fd the table keeps behind an emulated one is EBADF to every fd function, and the file is intact."""
    target = tmp_path / "data.txt"
    target.write_bytes(b"host contents")
    emulated = Emulated("host")
    fd = emulated.call("open", str(target), os.O_RDONLY)
    copy = emulated.call("dup", fd)
    hidden = fdtable.hidden()
    assert hidden and fd not in hidden and copy not in hidden
    for number in hidden:
        for name, args in (("write", (b"owned",)), ("read", (5,)), ("fstat", ()), ("ftruncate", (0,)),
                           ("fchmod", (0o777,)), ("dup", ()), ("close", ())):  # fmt: skip
            with pytest.raises(OSError) as raised:
                emulated.call(name, number, *args)
            assert raised.value.errno == errno.EBADF, (name, number)
        with pytest.raises(OSError) as raised:
            emulated.call("dup2", fd, number)  # never closed under the table
        assert raised.value.errno == errno.EBUSY
    assert emulated.call("read", copy, 4) == b"host"
    assert target.read_bytes() == b"host contents" and target.stat().st_mode & 0o777 != 0o777
    emulated.close()


def test_open_dup_dup2_and_close_leave_no_real_fd_behind(tmp_path: Path) -> None:
    (tmp_path / "a").write_bytes(b"a")
    emulated = Emulated("host")
    emulated.call("open", str(tmp_path / "a"), os.O_RDONLY)  # the placeholders' source exists from here on
    emulated.close()
    before = open_fds()
    emulated = Emulated("host")
    first = emulated.call("open", str(tmp_path / "a"), os.O_RDONLY)
    second = emulated.call("open", str(tmp_path / "b"), os.O_RDWR | os.O_CREAT)
    copy = emulated.call("dup", first)
    emulated.call("dup2", second, copy)
    emulated.call("write", copy, b"through the dup2")
    read_end, write_end = emulated.call("pipe")
    emulated.call("dup2", read_end, second)  # the file stays open through `copy`
    emulated.call("close", read_end)
    emulated.call("write", write_end, b"x")
    assert emulated.call("read", second, 1) == b"x"
    for fd in (first, second, copy, write_end):
        emulated.call("close", fd)
    assert open_fds() - before <= fdtable.hidden()  # the numbers of closed files, reserved for the next ones
    assert (tmp_path / "b").read_bytes() == b"through the dup2"
    emulated.close()
    assert open_fds() == before


POLL = """
    import os, select
    fd = os.open("data.txt", os.O_RDWR | os.O_CREAT | os.O_TRUNC, 0o644)
    r, w = os.pipe()
    r2 = os.dup(r)
    p = select.poll()
    p.register(fd, select.POLLIN)
    p.register(r2, select.POLLIN)
    show("file only", lambda: p.poll(0) == [(fd, select.POLLIN)])
    os.write(w, b"x")
    show("both", lambda: sorted(p.poll(0)) == sorted([(fd, select.POLLIN), (r2, select.POLLIN)]))
    p.unregister(fd)
    show("pipe only", lambda: p.poll(0) == [(r2, select.POLLIN)])
    """


def test_poll_under_warn_waits_on_the_real_fds_and_answers_in_the_program_numbers(tmp_path: Path) -> None:
    assert plain(tmp_path, POLL) == ["file only True", "both True", "pipe only True"]
    out, events = run(tmp_path, POLL, "warn")  # GraalPy has no poll: under warn it is CPython's
    assert (out, hits(events)) == (["file only True", "both True", "pipe only True"], [])


def test_poll_of_a_file_only_the_provider_has_is_named(tmp_path: Path) -> None:
    log = tmp_path / "events.jsonl"
    with activated("memory", "warn", log_level="FINE", log_file=str(log)) as shim_os:
        import select

        fd = shim_os.open("/f", os.O_CREAT | os.O_RDWR)
        poller = select.poll()
        poller.register(fd, select.POLLIN)
        assert poller.poll(0) == [(fd, select.POLLNVAL)]  # what the kernel says of the placeholder
        shim_os.close(fd)
    events = [json.loads(line) for line in log.read_text().splitlines()]
    assert ("fd.native_code", "select.poll.register") in [(e["limitation"], e["function"]) for e in events]


STDIN = """
    import os, subprocess
    with open("data.txt", "w") as f:
        f.write("from the file")
    fd = os.open("data.txt", os.O_RDONLY)
    with open("data.txt") as f:
        print(subprocess.run(["cat"], stdin=fd, capture_output=True).stdout,
              subprocess.run(["cat"], stdin=f, capture_output=True).stdout)
    """


def test_a_child_given_an_emulated_fd_as_stdin_reads_the_file_under_warn(tmp_path: Path) -> None:
    expected = ["b'from the file' b'from the file'"]
    assert plain(tmp_path, STDIN) == expected
    out, events = run(tmp_path, STDIN, "warn")
    assert out == expected
    assert hits(events) == [("subprocess.redirect_ignored", "_posixsubprocess.fork_exec")] * 2


SPAWN = """
    import os, sys
    out = os.open("out.txt", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    pid = os.posix_spawn(sys.executable, [sys.executable, "-c", "print('spawned')"], os.environ,
                         file_actions=[(os.POSIX_SPAWN_DUP2, out, 1)])
    print(os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]), open("out.txt").read().strip())
    """


def test_posix_spawn_under_warn_hands_the_child_the_real_file(tmp_path: Path) -> None:
    """CPython 3.13's subprocess spawns this way; GraalPy's java backend has no posix_spawn (absent under enforce)."""
    assert plain(tmp_path, SPAWN) == ["0 spawned"]
    out, events = run(tmp_path, SPAWN, "warn")
    assert out == ["0 spawned"]
    assert hits(events) == []  # process.posix_spawn is logged too, but it is not one of the java rows under test


def test_a_standard_stream_onto_a_file_only_the_provider_has_is_named(tmp_path: Path) -> None:
    """sys.stdout is a C object over the real fd 1, which cannot be a memory file: it keeps writing the stream it
    was (GraalPy's would write the file), and that is named; os.write on the emulated fd 1 reaches the file."""
    log = tmp_path / "events.jsonl"
    program = (
        "import os\nos.dup2(os.open('/x.txt', os.O_WRONLY | os.O_CREAT), 1)\nprint('still the terminal', flush=True)\n"
        "os.write(1, b'in the file')\nos.dup2(2, 1)\nprint(open('/x.txt').read())\n"
    )
    result = run_interposed("--posix-backend=java", "--fs=memory", f"--log.file={log}", "-c", program)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "still the terminal\n"
    assert result.stderr.endswith("in the file\n")
    events = [(e["limitation"], e["function"], e["callsite"]["line"]) for e in read_events(log)]
    assert ("fd.native_code", "os.dup2", 2) in events


def test_a_listing_of_the_process_fds_shows_the_programs_own(tmp_path: Path) -> None:
    """interpose's own real fds (placeholders' source, the standard streams' copies) are not the program's."""
    program = "import os\nprint(sorted(os.listdir('/dev/fd')) == sorted(os.listdir('/proc/self/fd')))\n" \
              "print(len(os.listdir('/dev/fd')))\n"  # fmt: skip
    plain = run_python("-c", program)
    result = run_interposed("--posix-backend=java", "-c", program)
    assert result.returncode == 0, result.stderr
    assert result.stdout == plain.stdout
