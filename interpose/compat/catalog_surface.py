"""Catalog entries for GraalPy's surface: the functions and modules it does not have, and its multiprocessing.

GraalPy's posix defines 88 functions; 89 of CPython's public ones are missing on
both backends (../shared/graalpy-facts.md, from the `@Builtin` declarations of
`builtins/modules/Posix*.java`).  They are grouped by what a program would do
instead, one entry per group; the event names the function itself.
"""

from __future__ import annotations

from interpose.compat.catalog import BOTH, JAVA, Limitation
from interpose.events import levels

_SOURCE = "the @Builtin declarations of GraalPy's builtins/modules/Posix*.java (HEAD 85d36e23)"

# limitation id -> (the posix functions GraalPy lacks, what to do instead)
POSIX_FAMILIES: dict[str, tuple[tuple[str, ...], str]] = {
    "posix.positional_io": (
        ("pread", "pwrite", "preadv", "pwritev", "readv", "writev"),
        "seek with os.lseek, then os.read/os.write (or a file object's seek/read/write)",
    ),
    "posix.zero_copy": (
        ("sendfile", "splice", "copy_file_range"),
        "copy through read and write (shutil.copyfileobj); shutil falls back to it by itself",
    ),
    "posix.posix_spawn": (
        ("posix_spawn", "posix_spawnp"),
        "start processes with subprocess (GraalPy takes its fork_exec path)",
    ),
    "posix.execve": (("execve",), "os.execv after updating os.environ, or subprocess with env="),
    "posix.credentials": (
        (
            "setuid",
            "setgid",
            "seteuid",
            "setegid",
            "setreuid",
            "setregid",
            "setresuid",
            "setresgid",
            "getresuid",
            "getresgid",
            "setgroups",
            "initgroups",
            "getgrouplist",
        ),
        "start the program under the wanted user from outside; os.getuid/os.getgid/os.getgroups still work",
    ),  # fmt: skip
    "posix.scheduling": (
        (
            "sched_get_priority_max",
            "sched_get_priority_min",
            "sched_getaffinity",
            "sched_getparam",
            "sched_getscheduler",
            "sched_rr_get_interval",
            "sched_setaffinity",
            "sched_setparam",
            "sched_setscheduler",
            "sched_yield",
            "nice",
            "getpriority",
            "setpriority",
        ),
        "os.cpu_count() for the number of CPUs, time.sleep(0) to yield; priorities cannot be changed",
    ),  # fmt: skip
    "posix.wait": (
        ("wait", "wait3", "wait4", "waitid"),
        "os.waitpid(pid, 0), or subprocess's Popen.wait; resource.getrusage(RUSAGE_CHILDREN) for usage",
    ),
    "posix.sync": (("fdatasync", "sync"), "os.fsync(fd) on the files that must reach the disk"),
    "posix.pipe2": (("pipe2",), "os.pipe(), then os.set_blocking/os.set_inheritable on its ends"),
    "posix.file_advice": (
        ("posix_fadvise", "posix_fallocate"),
        "leave the advice out; os.ftruncate to reserve a file's size",
    ),
    "posix.special_files": (
        ("mkfifo", "mknod", "major", "minor", "makedev"),
        "use os.pipe or sockets instead of FIFOs; device nodes cannot be made",
    ),
    "posix.xattr": (
        ("getxattr", "setxattr", "listxattr", "removexattr"),
        "keep the metadata in a file of its own",
    ),
    "posix.terminal": (
        ("ttyname", "tcgetpgrp", "tcsetpgrp", "posix_openpt", "grantpt", "unlockpt", "ptsname", "login_tty"),
        "talk to children through subprocess pipes; os.isatty still tells a terminal",
    ),
    "posix.linux_fds": (
        (
            "eventfd",
            "eventfd_read",
            "eventfd_write",
            "timerfd_create",
            "timerfd_gettime",
            "timerfd_gettime_ns",
            "timerfd_settime",
            "timerfd_settime_ns",
            "memfd_create",
            "pidfd_open",
        ),
        "os.pipe for wake-ups, select/selectors timeouts for timers, tempfile for anonymous files",
    ),  # fmt: skip
    "posix.isolation": (("chroot", "setns", "unshare"), "confine the program with the java backend's filesystem"),
    "posix.system_info": (
        ("confstr", "pathconf", "fpathconf", "getlogin", "times", "device_encoding", "getrandom"),
        "getpass.getuser() for the login, time.process_time() for times, os.urandom for random bytes, "
        "os.statvfs for path limits",
    ),
    "posix.fd_misc": (
        ("closerange", "lockf", "abort"),
        "close fds in a loop of os.close, lock with fcntl.lockf/flock, end with os._exit",
    ),
}

# The constants GraalPy's posix defines (PosixModuleBuiltins' constructor, PosixConstants.java, HEAD 85d36e23): its
# open flags (O_*), exit statuses (EX_*), these names, and nothing else; nor the types and tables of the functions
# it lacks.  Any other constant of CPython's posix does not exist there (posix.constants).
POSIX_CONSTANT_PREFIXES = ("O_", "EX_")
POSIX_CONSTANTS = frozenset(
    {"WNOHANG", "WUNTRACED", "R_OK", "W_OK", "X_OK", "F_OK", "RTLD_LAZY", "RTLD_NOW", "RTLD_GLOBAL", "RTLD_LOCAL",
     "SEEK_DATA", "SEEK_HOLE"}
)  # fmt: skip
POSIX_OBJECTS_MISSING = ("waitid_result", "sched_param", "times_result", "confstr_names", "pathconf_names")
POSIX_CONSTANTS_ID = "posix.constants"


def graalpy_lacks_constant(name: str, value: object) -> bool:
    """Whether the host posix's `name` is a constant (or a type or table) GraalPy's posix does not have."""
    if name in POSIX_OBJECTS_MISSING:
        return True
    if type(value) is not int or not name.isupper():
        return False
    return name not in POSIX_CONSTANTS and not name.startswith(POSIX_CONSTANT_PREFIXES)


# module -> (limitation id, the message: what GraalPy's module lacks, what to do instead)
MODULE_FAMILIES: dict[str, tuple[str, str, str]] = {
    "select": (
        "select.poll",
        "select.poll, select.epoll, select.devpoll and select.kqueue do not exist on GraalPy "
        "(its select has only select(), error and PIPE_BUF)",
        "use select.select, or selectors.DefaultSelector (which is the select one there)",
    ),
    "fcntl": (
        "fcntl.fcntl",
        "fcntl.fcntl and its F_* commands do not exist on GraalPy (its fcntl has only flock, lockf and ioctl)",
        "os.set_blocking/os.get_blocking and os.set_inheritable for the usual F_GETFL/F_SETFL/F_SETFD uses",
    ),
    "signal": (
        "signal.pending",
        "signal.pthread_kill, pthread_sigmask, sigpending, sigwait, sigwaitinfo, sigtimedwait, pidfd_send_signal, "
        "strsignal and pause do not exist on GraalPy",
        "install handlers with signal.signal; wait with threading primitives; signal.Signals(n).name for names",
    ),
    "resource": (
        "resource.setrlimit",
        "resource.setrlimit and resource.prlimit do not exist on GraalPy "
        "(its resource has only getrlimit, getrusage and getpagesize)",
        "set limits outside the program (ulimit in the shell that starts it)",
    ),
    "socket": (
        "socket.names",
        "this name of socket does not exist on GraalPy, whose _socket defines twenty functions (no sethostname, "
        "if_nameindex, getprotobyname, CMSG_LEN, ...) and only the AF_*, SOCK_DGRAM/STREAM, SO_*, TCP_*, IPV6_*, "
        "IPPROTO_*, AI_*, EAI_*, NI_*, INADDR_* and SHUT_* constants of PosixConstants (no SOCK_RAW, SOCK_NONBLOCK, "
        "MSG_*, ...); socket.py then has no send_fds/recv_fds",
        "test for the name with hasattr(socket, NAME); pass fds to children with subprocess's pass_fds, name "
        "protocols by their IPPROTO_* constants, and make non-blocking sockets with setblocking(False)",
    ),
}


def _raised(id: str, message: str, fact: str, hint: str) -> Limitation:
    """An INFO entry of both backends: raised under enforce, the call goes on under warn."""
    return Limitation(
        id=id, backends=BOTH, level=levels.INFO, enforce="raised", warn="allowed", message=message, fact=fact, hint=hint
    )


def _changed(id: str, level: int, message: str, fact: str, hint: str) -> Limitation:
    """An entry of both backends where GraalPy's behaviour is changed, not refused: CPython's under warn."""
    return Limitation(
        id=id, backends=BOTH, level=level, enforce="changed", warn="allowed", message=message, fact=fact, hint=hint
    )


def _raised_on_java(id: str, message: str, fact: str, hint: str) -> Limitation:
    """An INFO entry of the java backend only: raised under enforce, the call goes on under warn."""
    return Limitation(
        id=id, backends=(JAVA,), level=levels.INFO, enforce="raised", warn="allowed", message=message, fact=fact,
        hint=hint,
    )  # fmt: skip


def _posix_entry(id: str, names: tuple[str, ...], hint: str) -> Limitation:
    listed = ", ".join(f"os.{name}" for name in names)
    verb = "does" if len(names) == 1 else "do"
    fact = f"GraalPy's posix does not define them on either backend ({_SOURCE}): AttributeError"
    return _raised(id, f"{listed} {verb} not exist on GraalPy", fact, hint)


def _module_entry(module: str, id: str, lacks: str, hint: str) -> Limitation:
    fact = f"GraalPy's {module} module (builtins/modules/*ModuleBuiltins.java) does not define them: AttributeError"
    return _raised(id, lacks, fact, hint)


_SPAWN_HINT = "use multiprocessing's spawn context (GraalPy's default): multiprocessing.get_context('spawn')"


def _start_method(method: str) -> Limitation:
    fact = (
        f"GraalPy's multiprocessing/context.py: starting a process of the {method} context raises "
        "NotImplementedError (lib-python/3, 'GraalPy change')"
    )
    return _raised(f"multiprocessing.{method}", f"'{method}' not supported on GraalPy", fact, _SPAWN_HINT)


# Modules CPython has on Linux and GraalPy does not have at all (neither a builtin nor a file of its library):
# module -> (limitation id, what to do instead).
MISSING_MODULES: dict[str, tuple[str, str]] = {
    "grp": (
        "module.grp",
        "get your own group with os.getgid()/os.getgroups() and treat group names as unknown: on GraalPy "
        "tarfile leaves gname empty, pathlib's Path.group() is unsupported and shutil.chown(group=NAME) fails",
    ),
}


def _missing_module(module: str, id: str, hint: str) -> Limitation:
    fact = (
        f"GraalPy has no {module} module: no builtin module (builtins/modules/*ModuleBuiltins.java), no C extension "
        f"(com.oracle.graal.python.cext/modules) and no file in its library (lib-python/3, lib-graalpython); "
        "its stdlib imports it in try/except ImportError (tarfile, pathlib, shutil)"
    )
    return _raised(id, f"No module named {module!r}", fact, hint)


FD_SETSIZE = _raised(
    "select.fd_setsize",
    "filedescriptor out of range in select(): select() cannot wait on an fd at or above FD_SETSIZE (1024), "
    "and GraalPy has no poll or epoll, so selectors, subprocess and asyncio wait with select()",
    "GraalPy's select module has only select() (SelectModuleBuiltins.java), which raises ValueError for an fd "
    "at or above FD_SETSIZE as CPython's does; CPython's selectors and asyncio would use epoll instead",
    "keep the process's open fds below 1024 (close what failed calls leave open), or wait in threads with "
    "blocking calls",
)

SOCKETPAIR = _raised(
    "socket.socketpair",
    "Only AF_INET and AF_INET6 socket address families are supported",
    "GraalPy's _socket has no socketpair, so socket.socketpair is socket.py's loopback fallback: an AF_INET "
    "pair by default, ValueError for any other family (SocketModuleBuiltins.java, lib-python/3/socket.py)",
    "call socket.socketpair() without a family (a connected loopback pair), or use os.pipe() for one-way data",
)

FAST_PATH = "stdlib.fast_path"
# Stdlib modules that call a function GraalPy lacks only because a probe at import (or before the call) found it:
# on GraalPy they take their portable path instead (shutil's read/write copy, subprocess's fork_exec, ...).
FAST_PATH_MODULES = frozenset(
    {"shutil", "subprocess", "selectors", "socket", "asyncio.unix_events", "multiprocessing.resource_tracker"}
)

SURFACE_ENTRIES: tuple[Limitation, ...] = (
    *(_posix_entry(id, names, hint) for id, (names, hint) in POSIX_FAMILIES.items()),
    *(_module_entry(module, *family) for module, family in MODULE_FAMILIES.items()),
    *(_missing_module(module, *entry) for module, entry in MISSING_MODULES.items()),
    SOCKETPAIR,
    FD_SETSIZE,
    _changed(  # a function GraalPy has too checks or reports otherwise (shims/quirks.py)
        "fd.dup2_negative",
        levels.FINE,
        "os.dup2 with a negative fd raises OSError(EINVAL) on GraalPy (CPython: the OS's EBADF)",
        f"GraalPy's dup2 checks fd < 0 or fd2 < 0 itself and raises EINVAL without asking the OS ({_SOURCE})",
        "catch OSError for any errno when duplicating an fd that may be invalid",
    ),
    _changed(
        "fs.utime_error_path",
        levels.FINE,
        "os.utime's OSError names no file on GraalPy (its filename is None)",
        f"GraalPy's utime raises its OSError from the POSIX error without the path, unlike stat or open ({_SOURCE})",
        "put the path in your own error message instead of reading the exception's filename",
    ),
    _raised(
        POSIX_CONSTANTS_ID,
        "this constant of os does not exist on GraalPy, whose posix has only the O_*, EX_*, WNOHANG, WUNTRACED, "
        "*_OK, RTLD_LAZY/NOW/GLOBAL/LOCAL and SEEK_DATA/HOLE constants (no waitid_result, sched_param, "
        "times_result, confstr_names or pathconf_names either)",
        "GraalPy's posix adds only its openFlags, waitOptions, accessMode, exitStatus and rtld constants and "
        f"SEEK_DATA/SEEK_HOLE (PosixConstants.java, {_SOURCE}): CLD_*, P_*, WCONTINUED, WEXITED, WSTOPPED, "
        "WNOWAIT, SCHED_*, PRIO_*, ST_*, POSIX_FADV_*, POSIX_SPAWN_*, XATTR_*, ... raise AttributeError",
        "test for the constant with hasattr(os, NAME); most belong to functions GraalPy lacks as well "
        "(os.statvfs's f_flag bits: compare with the numbers of statvfs(3))",
    ),
    _changed(
        FAST_PATH,
        levels.FINER,
        "the standard library takes its portable path on GraalPy, which lacks this function",
        "shutil, subprocess, selectors, socket and asyncio choose sendfile, posix_spawn, poll/epoll or pidfd "
        "by probing os/select; GraalPy's lack them, so it copies with read/write, starts processes with fork_exec, "
        "selects with select()",
        "nothing to do: the program's own code is not concerned",
    ),
    _start_method("fork"),
    _start_method("forkserver"),
    _changed(
        "multiprocessing.start_methods",
        levels.FINE,
        "multiprocessing's only start method on GraalPy is spawn, and it is the default",
        "GraalPy's multiprocessing/context.py: get_all_start_methods() is ['spawn'] and the default context "
        "is spawn on every platform (CPython's default is fork on Linux up to 3.13)",
        _SPAWN_HINT,
    ),
    _raised(
        "multiprocessing.spawn_pickle",
        "a process started by spawn (GraalPy's only start method, and its default) pickles its target and "
        "arguments: these cannot be pickled",
        "GraalPy's multiprocessing/context.py makes spawn the default on every platform; spawn sends the Process "
        "object to the child by pickle, so a local function, a lambda or a lock as target or argument fails "
        "(CPython's default on Linux up to 3.13, fork, copies them)",
        "give the Process a module-level function and picklable arguments, or use threads",
    ),
    _raised_on_java(
        "multiprocessing.semlock",
        "multiprocessing's locks, semaphores, events, conditions and queues cannot be created on the java "
        "POSIX backend: OSError(EINVAL)",
        "GraalPy's _multiprocessing.SemLock opens a named semaphore, and EmulatedPosixSupport's semOpen throws "
        "EINVAL (semUnlink ENOENT), silently: multiprocessing.Lock(), Queue(), Pool() and ProcessPoolExecutor() "
        "raise OSError(22, 'Invalid argument'); GraalPy's ThreadPool gives its pool a threading lock instead",
        "use threading's locks and queue.Queue between threads, multiprocessing.pool.ThreadPool or "
        "ThreadPoolExecutor instead of process pools, or the native backend",
    ),
    _raised_on_java(
        "multiprocessing.java",
        "multiprocessing not supported with the java POSIX backend",
        "GraalPy's multiprocessing/context.py: SpawnProcess._Popen raises ValueError on the java backend "
        "(Pool and ProcessPoolExecutor fail before, at their first lock: multiprocessing.semlock)",
        "use threads (multiprocessing.pool.ThreadPool, ThreadPoolExecutor) or the native backend",
    ),
)
