"""GraalPy's surface: the posix functions and the smaller modules it has, through real interposed child processes.

Under enforce a function GraalPy lacks is absent (AttributeError, hasattr False) and a use is logged with the
program's line; under warn it works as on CPython and each call is logged.  The names are GraalPy's
(../shared/graalpy-facts.md), written out here so that the test checks the code against the facts.
"""

from __future__ import annotations

import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import read_events, run_interposed, run_python

# The 89 public posix functions of CPython 3.13 that GraalPy's posix does not define (both backends).
GRAALPY_LACKS = """
abort chroot closerange confstr copy_file_range device_encoding eventfd eventfd_read eventfd_write execve fdatasync fork
forkpty fpathconf getgrouplist getlogin getpriority getrandom getresgid getresuid getxattr grantpt initgroups listxattr
lockf login_tty major makedev memfd_create minor mkfifo mknod nice pathconf pidfd_open pipe2 posix_fadvise
posix_fallocate posix_openpt posix_spawn posix_spawnp pread preadv ptsname pwrite pwritev readv removexattr
sched_get_priority_max sched_get_priority_min sched_getaffinity sched_getparam sched_getscheduler sched_rr_get_interval
sched_setaffinity sched_setparam sched_setscheduler sched_yield sendfile setegid seteuid setgid setgroups setns
setpriority setregid setresgid setresuid setreuid setuid setxattr splice sync tcgetpgrp tcsetpgrp timerfd_create
timerfd_gettime timerfd_gettime_ns timerfd_settime timerfd_settime_ns times ttyname unlockpt unshare wait wait3 wait4
waitid writev
""".split()  # noqa: SIM905
BACKENDS = ("native", "java")


def _run(tmp_path: Path, program: str, *options: str) -> tuple[str, list[dict[str, object]]]:
    log_file = tmp_path / "events.jsonl"
    log_file.unlink(missing_ok=True)
    (tmp_path / "prog.py").write_text(textwrap.dedent(program))
    result = run_interposed(f"--log.file={log_file}", *options, "prog.py", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    return result.stdout, read_events(log_file)


def test_the_list_is_graalpys_89() -> None:
    assert len(set(GRAALPY_LACKS)) == 89


@pytest.mark.parametrize("backend", BACKENDS)
def test_every_function_graalpy_lacks_is_absent_under_enforce_and_a_probe_is_not_info(
    tmp_path: Path, backend: str
) -> None:
    program = f"""
    import os, posix
    names = {GRAALPY_LACKS!r}
    print([name for name in names if hasattr(os, name) or hasattr(posix, name) or name in dir(os)])
    print([name for name in names if getattr(os, name, None) is not None])
    """
    out, events = _run(tmp_path, program, f"--posix-backend={backend}")
    assert out.splitlines() == ["[]", "[]"]
    assert events == []  # probes: below the default level


@pytest.mark.parametrize("backend", BACKENDS)
def test_under_warn_they_are_all_there(tmp_path: Path, backend: str) -> None:
    program = f"""
    import os
    names = {GRAALPY_LACKS!r}
    print([name for name in names if not hasattr(os, name)])
    """
    plain = run_python("-c", textwrap.dedent(program))
    out, _events = _run(tmp_path, program, f"--posix-backend={backend}", "--policy=warn")
    assert out == plain.stdout


SUPPORT_SETS = """
import os
sets = {"dir_fd": os.supports_dir_fd, "fd": os.supports_fd, "follow_symlinks": os.supports_follow_symlinks}
for name, functions in sets.items():
    print(name, *sorted(function.__name__ for function in functions))
"""


def _support_sets(out: str) -> dict[str, set[str]]:
    return {name: set(functions) for name, *functions in (line.split() for line in out.splitlines())}


@pytest.mark.parametrize("backend", BACKENDS)
def test_os_support_sets_are_graalpys_under_enforce_and_cpythons_under_warn(tmp_path: Path, backend: str) -> None:
    """GraalPy's posix._have_functions lacks FCHOWNAT, LINKAT, FCHOWN, FSTATVFS, LCHOWN (not implemented yet)."""
    plain = _support_sets(run_python("-c", SUPPORT_SETS).stdout)
    enforced = _support_sets(_run(tmp_path, SUPPORT_SETS, f"--posix-backend={backend}")[0])
    warned = _support_sets(_run(tmp_path, SUPPORT_SETS, f"--posix-backend={backend}", "--policy=warn")[0])
    assert warned == plain
    lost = {name: sorted(plain[name] - enforced[name]) for name in plain}
    assert lost == {"dir_fd": ["chown", "link", "mkfifo", "mknod"], "fd": ["chown", "execve", "pathconf", "statvfs"],
                    "follow_symlinks": ["chown", "link"]}  # fmt: skip
    assert all(enforced[name] <= plain[name] for name in plain)


# One use per catalog entry: (limitation, a line that uses a function of its family and prints what it got).
USES = [
    ("posix.positional_io", "print(os.pread(fd, 3, 0))"),
    ("posix.zero_copy", "print(os.sendfile(out, fd, 0, 3))"),
    ("posix.posix_spawn", "print(os.waitpid(os.posix_spawn('/bin/true', ['true'], dict(os.environ)), 0)[1])"),
    ("posix.credentials", "print(os.getresuid() == (os.getuid(), os.geteuid(), os.getuid()) or 'differs')"),
    ("posix.scheduling", "print(bool(os.sched_getaffinity(0)))"),
    ("posix.wait", "print(os.wait3(os.WNOHANG))"),
    ("posix.sync", "os.fdatasync(fd); print('synced')"),
    ("posix.pipe2", "r, w = os.pipe2(0); os.close(r); os.close(w); print('pipe2')"),
    ("posix.file_advice", "os.posix_fadvise(fd, 0, 0, 0); print('advised')"),
    ("posix.special_files", "print(os.major(os.makedev(8, 1)))"),
    ("posix.xattr", "print(type(os.listxattr('data')).__name__)"),
    ("posix.terminal", "print(os.ttyname(fd))"),
    ("posix.linux_fds", "os.close(os.memfd_create('x')); print('memfd')"),
    ("posix.isolation", "os.chroot('/'); print('chroot')"),
    ("posix.system_info", "print(len(os.times()))"),
    ("posix.fd_misc", "os.closerange(1000, 1001); print('closed')"),
    ("select.poll", "print(type(select.poll()).__name__)"),
    ("fcntl.fcntl", "print(fcntl.fcntl(fd, fcntl.F_GETFD) >= 0)"),
    ("signal.pending", "print(signal.strsignal(signal.SIGINT))"),
    ("resource.setrlimit", "core = resource.RLIMIT_CORE; resource.setrlimit(core, resource.getrlimit(core)); print(1)"),
    ("socket.names", "print(socket.if_nametoindex('lo'))"),
]  # fmt: skip
HEADER = """\
import os, sys, threading, select, fcntl, signal, resource, socket
threading.excepthook = lambda args: print(args.exc_type.__name__, args.exc_value)
fd = os.open("data", os.O_RDWR | os.O_CREAT, 0o644)
os.write(fd, b"abcdef")
out = os.open("out", os.O_WRONLY | os.O_CREAT, 0o644)
def run(use):  # each use in a thread of its own: its failure is not handled by the program (not a probe)
    thread = threading.Thread(target=use)
    thread.start()
    thread.join()
"""


def _uses_program() -> tuple[str, dict[int, str]]:
    lines = HEADER.splitlines()
    line_of: dict[int, str] = {}
    for limitation, use in USES:
        lines.append(f"def use(): {use}")
        line_of[len(lines)] = limitation
        lines.append("run(use)")
    return "\n".join(lines) + "\n", line_of


def _expected(limitation: str, backend: str) -> str:
    """The java backend has its own entry for posix_spawn (its emulated layer has none)."""
    return "process.posix_spawn" if (backend, limitation) == ("java", "posix.posix_spawn") else limitation


@pytest.mark.parametrize("backend", BACKENDS)
def test_each_use_raises_under_enforce_with_one_event_at_the_programs_line(tmp_path: Path, backend: str) -> None:
    program, line_of = _uses_program()
    out, events = _run(tmp_path, program, f"--posix-backend={backend}")
    assert [line.split(" ")[0] for line in out.splitlines()] == ["AttributeError"] * len(USES)
    seen = {(e["callsite"]["line"], e["limitation"]) for e in events}  # type: ignore[index]
    assert seen == {(line, _expected(limitation, backend)) for line, limitation in line_of.items()}
    assert {(e["level"], e["outcome"], e["use"]) for e in events} == {("INFO", "raised", "unguarded")}
    functions = {e["function"] for e in events}
    assert {"os.pread", "select.poll", "fcntl.fcntl", "signal.strsignal", "resource.setrlimit"} <= functions
    assert "socket.if_nametoindex" in functions


@pytest.mark.parametrize("backend", BACKENDS)
def test_each_use_works_under_warn_as_on_cpython_and_is_logged(tmp_path: Path, backend: str) -> None:
    program, line_of = _uses_program()
    (tmp_path / "plain").mkdir()
    (tmp_path / "plain" / "prog.py").write_text(program)
    plain = run_python("prog.py", cwd=tmp_path / "plain")
    out, events = _run(tmp_path, program, f"--posix-backend={backend}", "--policy=warn")
    assert "AttributeError" not in out
    if backend == "native":
        assert out == plain.stdout
    else:  # the emulated layer's own answers may differ (virtual fds, its chroot); each use still runs
        assert len(out.splitlines()) == len(plain.stdout.splitlines())
    seen = {(e["callsite"]["line"], e["limitation"]) for e in events if e["level"] == "INFO"}  # type: ignore[index]
    assert seen >= {(line, _expected(limitation, backend)) for line, limitation in line_of.items()}
    assert {e["outcome"] for e in events if e["limitation"] in line_of.values()} == {"allowed"}


@pytest.mark.parametrize("policy, expected", [("enforce", "AttributeError"), ("warn", "replaced")])
def test_execve(tmp_path: Path, policy: str, expected: str) -> None:
    program = """
    import os, sys
    try:
        os.execve(sys.executable, [sys.executable, "-c", "print('replaced')"], dict(os.environ))
    except AttributeError:
        print("AttributeError")
    """
    out, events = _run(tmp_path, program, f"--policy={policy}", "--log.python.compatibility.level=FINER")
    assert out.strip() == expected
    assert [(e["limitation"], e["function"], e["callsite"]["line"]) for e in events] == [  # type: ignore[index]
        ("posix.execve", "os.execve", 4)
    ]


SMALLER_MODULES = """
import select, selectors, fcntl, signal, resource, subprocess, shutil
print(selectors.DefaultSelector.__name__, subprocess._PopenSelector.__name__)
print(sorted(name for name in ("poll", "epoll", "devpoll", "kqueue", "POLLIN") if hasattr(select, name)))
print(hasattr(fcntl, "fcntl"), hasattr(fcntl, "F_GETFL"), hasattr(fcntl, "flock"), hasattr(fcntl, "LOCK_EX"))
print(sorted(n for n in ("pthread_sigmask", "sigwait", "pause", "strsignal", "SIG_BLOCK") if hasattr(signal, n)))
print(hasattr(signal, "default_int_handler"), hasattr(resource, "setrlimit"), hasattr(resource, "getrlimit"))
print(hasattr(selectors, "EpollSelector"), hasattr(selectors, "PollSelector"))
print(shutil._USE_CP_SENDFILE, subprocess._USE_POSIX_SPAWN)
print(subprocess.run(["echo", "through select"], capture_output=True, text=True).stdout.strip())
"""  # fmt: skip


@pytest.mark.parametrize("backend", BACKENDS)
def test_the_smaller_modules_and_the_stdlib_decisions_over_them(tmp_path: Path, backend: str) -> None:
    out, events = _run(tmp_path, SMALLER_MODULES, f"--posix-backend={backend}")
    assert out.splitlines() == [
        "SelectSelector SelectSelector",
        "[]",
        "False False True True",
        "[]",
        "True False True",
        "False False",
        "False False",
        "through select",
    ]
    assert events == []  # every line above is a probe or works on GraalPy


def test_under_warn_the_modules_are_cpythons(tmp_path: Path) -> None:
    plain = run_python("-c", SMALLER_MODULES)
    out, events = _run(tmp_path, SMALLER_MODULES, "--policy=warn")
    assert out == plain.stdout
    assert "EpollSelector" in out  # the host's choice
    # subprocess's poll selector is a stdlib fast path: below the default level, not a use of the program's
    assert [e for e in events if e["level"] == "INFO"] == []


def test_an_access_to_a_selector_graalpy_lacks_is_logged(tmp_path: Path) -> None:
    log_file = tmp_path / "events.jsonl"
    (tmp_path / "prog.py").write_text("import selectors\nselectors.EpollSelector()\n")
    result = run_interposed(f"--log.file={log_file}", "prog.py", cwd=tmp_path)
    assert result.returncode == 1
    assert "AttributeError: module 'selectors' has no attribute 'EpollSelector'" in result.stderr.splitlines()[-1]
    assert [(e["limitation"], e["function"], e["use"], e["level"]) for e in read_events(log_file)] == [
        ("select.poll", "selectors.EpollSelector", "unguarded", "INFO")
    ]


def test_a_module_the_program_does_not_import_costs_nothing(tmp_path: Path) -> None:
    program = """
    import sys
    print([name for name in ("select", "selectors", "fcntl", "resource", "multiprocessing") if name in sys.modules])
    """
    out, _events = _run(tmp_path, program)
    assert out.strip() == "[]"


def test_sigint_still_raises_keyboard_interrupt(tmp_path: Path) -> None:
    """GraalPy has default_int_handler (SignalModuleBuiltins): the shim keeps it and the C-level handler stays."""
    program = """
    import os, signal, time
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    try:
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(5)
    except KeyboardInterrupt:
        print("KeyboardInterrupt")
    """
    out, _events = _run(tmp_path, program)
    assert out.strip() == "KeyboardInterrupt"


@pytest.mark.parametrize("backend", BACKENDS)
def test_importing_the_stdlib_writes_no_info_event(tmp_path: Path, backend: str) -> None:
    program = """
    import tempfile, subprocess, random, socketserver, shutil, multiprocessing, concurrent.futures
    import selectors, asyncio, signal, select, socket
    print("imported")
    """
    out, events = _run(tmp_path, program, f"--posix-backend={backend}")
    assert out.strip() == "imported"
    assert events == []


@pytest.mark.usefixtures("clean_activation")
@pytest.mark.parametrize("backend", BACKENDS)
def test_modules_imported_before_activation_take_graalpys_decisions_and_get_theirs_back(backend: str) -> None:
    import select
    import selectors
    import shutil
    import socket
    import subprocess
    from typing import Any

    import interpose

    shutil_: Any = shutil  # their private globals
    subprocess_: Any = subprocess
    selectors_: Any = selectors

    before = (shutil_._USE_CP_SENDFILE, subprocess_._USE_POSIX_SPAWN, selectors.DefaultSelector)
    epoll = selectors.EpollSelector
    with interpose.activated(backend=backend, log_level="OFF"):
        assert shutil_._USE_CP_SENDFILE is False
        assert subprocess_._USE_POSIX_SPAWN is False
        assert selectors.DefaultSelector is selectors.SelectSelector
        assert subprocess_._PopenSelector is selectors.SelectSelector
        assert not hasattr(selectors, "EpollSelector")
        assert not hasattr(selectors_.select, "epoll")  # the module selectors holds is the shim
        assert not hasattr(subprocess_.signal, "pthread_sigmask")
        left, right = socket.socketpair()
        with left, right, open(__file__, "rb") as source:
            assert left.sendfile(source, count=5) == 5  # by send(): os.sendfile is not there
            assert right.recv(5) == b'"""Gr'
    assert (shutil_._USE_CP_SENDFILE, subprocess_._USE_POSIX_SPAWN, selectors.DefaultSelector) == before
    assert subprocess_._PopenSelector is selectors_.PollSelector
    assert selectors.EpollSelector is epoll
    assert selectors_.select is select
    assert "__getattr__" not in vars(selectors)
    assert vars(socket.socket)["_sendfile_use_sendfile"].__module__ == "socket"  # the host's own again


@pytest.mark.parametrize("backend", ["native", "java"])
def test_shutil_imported_before_activation_copies_without_xattrs_as_on_graalpy(backend: str, tmp_path: Path) -> None:
    import shutil

    import interpose

    (tmp_path / "tree").mkdir()
    (tmp_path / "tree" / "file").write_text("data")
    host_copyxattr = vars(shutil)["_copyxattr"]
    with interpose.activated(backend=backend, log_level="OFF"):
        import os

        assert not hasattr(os, "listxattr")
        shutil.copytree(tmp_path / "tree", tmp_path / "copy")  # copystat copies xattrs through _copyxattr
        shutil.copy2(tmp_path / "tree" / "file", tmp_path / "copy2")
    assert (tmp_path / "copy" / "file").read_text() == (tmp_path / "copy2").read_text() == "data"
    assert vars(shutil)["_copyxattr"] is host_copyxattr


def test_cpythons_test_support_suppresses_crash_reports_as_graalpys_does(tmp_path: Path) -> None:
    """GraalPy's test.support leaves RLIMIT_CORE alone (it has no setrlimit); CPython's would meet the missing one."""
    program = """
    import resource
    from test import support
    before = resource.getrlimit(resource.RLIMIT_CORE)
    with support.SuppressCrashReport():
        print(resource.getrlimit(resource.RLIMIT_CORE) == before)
    """
    out, events = _run(tmp_path, program)
    assert out.strip() == "True"
    assert events == []


# GraalPy's posix constants are its open flags, exit statuses and these (PosixConstants.java); a sample of each kind
# it has, and of what it lacks, written out here so that the test checks the code against the facts.
GRAALPY_HAS_CONSTANTS = (
    "O_CLOEXEC O_PATH O_TMPFILE EX_OK EX_CONFIG WNOHANG WUNTRACED R_OK F_OK RTLD_NOW RTLD_LOCAL SEEK_DATA"
)
GRAALPY_LACKS_CONSTANTS = (
    "CLD_EXITED P_PID P_ALL WCONTINUED WEXITED WSTOPPED WNOWAIT SCHED_OTHER PRIO_PROCESS ST_RDONLY POSIX_FADV_NORMAL "
    "POSIX_SPAWN_DUP2 XATTR_CREATE GRND_NONBLOCK EFD_CLOEXEC MFD_CLOEXEC NGROUPS_MAX TMP_MAX RTLD_DEEPBIND F_LOCK "
    "waitid_result sched_param times_result confstr_names pathconf_names"
)
CONSTANTS = f"""
import os, posix
print([name for name in {GRAALPY_HAS_CONSTANTS.split()!r} if not hasattr(os, name) or not hasattr(posix, name)])
print([name for name in {GRAALPY_LACKS_CONSTANTS.split()!r} if hasattr(os, name) or hasattr(posix, name)])
print(os.WCONTINUED)
"""


@pytest.mark.parametrize("backend", BACKENDS)
def test_the_constants_graalpy_lacks_are_absent_under_enforce(tmp_path: Path, backend: str) -> None:
    (tmp_path / "prog.py").write_text(textwrap.dedent(CONSTANTS))
    log_file = tmp_path / "events.jsonl"
    result = run_interposed(f"--log.file={log_file}", f"--posix-backend={backend}", "prog.py", cwd=tmp_path)
    assert result.stdout.splitlines() == ["[]", "[]"]
    assert "AttributeError: module 'os' has no attribute 'WCONTINUED'" in result.stderr.splitlines()[-1]
    used = [(e["limitation"], e["function"], e["use"]) for e in read_events(log_file)]
    assert used == [("posix.constants", "os.WCONTINUED", "unguarded")]  # hasattr is a probe, below INFO


def test_under_warn_the_constants_are_cpythons(tmp_path: Path) -> None:
    program = CONSTANTS.replace("print(os.WCONTINUED)", "")
    plain = run_python("-c", textwrap.dedent(program))
    out, _events = _run(tmp_path, program, "--policy=warn")
    assert out == plain.stdout


QUIRKS = """
import os
try:
    os.dup2(-1, 5)
except OSError as error:
    print("dup2", error.errno)
try:
    os.utime("no-such-file", (1, 1))
except OSError as error:
    print("utime", type(error).__name__, error.filename)
"""


@pytest.mark.parametrize("backend", BACKENDS)
def test_graalpys_own_checks_and_errors_under_enforce(tmp_path: Path, backend: str) -> None:
    """dup2 refuses a negative fd itself (EINVAL); utime's error names no file (CPython names it since 3.13)."""
    out, events = _run(tmp_path, QUIRKS, f"--posix-backend={backend}", "--log.python.compatibility.level=FINE")
    assert out.splitlines() == ["dup2 22", "utime FileNotFoundError None"]
    logged = {e["limitation"] for e in events}
    assert "fd.dup2_negative" in logged
    assert ("fs.utime_error_path" in logged) == (sys.version_info >= (3, 13))  # before 3.13 CPython names none


def test_under_warn_the_errors_are_cpythons_and_logged(tmp_path: Path) -> None:
    plain = run_python("-c", textwrap.dedent(QUIRKS), cwd=tmp_path)
    out, events = _run(tmp_path, QUIRKS, "--policy=warn", "--log.python.compatibility.level=FINE")
    assert out == plain.stdout
    assert "fd.dup2_negative" in {e["limitation"] for e in events}


FD_SETSIZE_PROGRAM = """
import os, selectors, socket
fds = [os.open("/dev/null", os.O_RDONLY) for _ in range(1030)]  # the socket pair's fds come above FD_SETSIZE
a, b = socket.socketpair()
selector = selectors.DefaultSelector()
selector.register(a, selectors.EVENT_READ)
b.send(b"x")
try:
    print(len(selector.select(1)))
except ValueError as error:
    print("ValueError", error)
"""


@pytest.fixture
def many_fds() -> Iterator[None]:
    """A soft limit on open fds above FD_SETSIZE for the children (the hard limit allowing)."""
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and hard < 2048:
        pytest.skip("the hard limit on open fds is below 2048")
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, 2048), hard))
    yield
    resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


@pytest.mark.usefixtures("many_fds")
@pytest.mark.parametrize("backend", BACKENDS)
def test_select_past_fd_setsize_is_logged_when_it_is_the_only_selector(tmp_path: Path, backend: str) -> None:
    """GraalPy has no epoll: a selector waits with select(), which cannot take an fd at or above FD_SETSIZE."""
    plain = run_python("-c", FD_SETSIZE_PROGRAM).stdout
    warned, warn_events = _run(tmp_path, FD_SETSIZE_PROGRAM, f"--posix-backend={backend}", "--policy=warn")
    enforced, events = _run(tmp_path, FD_SETSIZE_PROGRAM, f"--posix-backend={backend}")
    assert warned == plain == "1\n"
    assert enforced == "ValueError filedescriptor out of range in select()\n"
    assert [(e["limitation"], e["callsite"]["line"], e["use"]) for e in events] == [  # type: ignore[index]
        ("select.fd_setsize", 9, "guarded")  # the line of selector.select: the program's own frame
    ]
    assert "select.fd_setsize" not in {e["limitation"] for e in warn_events}
