"""The catalog's limitations as shapes of source code, for `python -m interpose scan`.

A run hits a limitation when a call happens; a static scan has to know which
spelling in the source leads there.  Five shapes cover what the catalog has:

- an *absent* name: GraalPy's module lacks it, so any access raises
  AttributeError (`os.fork`, `from os import fork`, `getattr(os, "fork")`);
- a *call*: the name exists, but calling it is the hit (`os.setsid()` on java);
- a *keyword* of a call (`preexec_fn=` of subprocess.Popen, `effective_ids=True`
  of os.access), with the values that are a hit;
- a *start method* given to multiprocessing by name (`get_context("fork")`);
- a *module* GraalPy does not have (`import grp`).

Names are qualified by the module they come from after import aliases are
resolved (`posix.fork` is `os.fork`'s twin).  The tables are built from the
catalog's own lists (POSIX_FAMILIES, MODULE_FAMILIES) where the catalog has them;
tests/scan/test_catalog_static.py checks them against the backends' absent names.
"""

from __future__ import annotations

import importlib
import posix
from collections.abc import Iterable

from interpose.compat.catalog import CATALOG, JAVA, NATIVE
from interpose.compat.catalog_surface import (
    MISSING_MODULES,
    POSIX_CONSTANTS_ID,
    POSIX_FAMILIES,
    graalpy_lacks_constant,
)
from interpose.shims import sockets

#: Modules whose names the scanner resolves; an import of anything else binds nothing it looks at.
MODULES = frozenset(
    {"os", "posix", "subprocess", "multiprocessing", "pty", "select", "fcntl", "signal", "resource", "socket",
     "socketserver", "pwd", "mmap", "shutil", "selectors", "concurrent", "asyncio", "_posixsubprocess",
     "_posixshmem"}
)  # fmt: skip

#: Keyword checks: what value of the keyword is a hit.
GIVEN = "given"  # anything but a literal None
TRUE = "true"  # anything but a literal False, None or 0
FALSE = "false"  # a literal False (or 0)
NOT_EMPTY = "not_empty"  # anything but None or an empty literal ((), [], {})
NOT_MINUS_ONE = "not_minus_one"  # anything but None or -1
REDIRECT = "redirect"  # DEVNULL, an integer fd, or a call (open(...), f.fileno()): not PIPE, STDOUT or None
NOT_F_OK = "not_f_ok"  # for follow_symlinks=False of os.access: the mode is not os.F_OK

# os names GraalPy lacks on both backends: the 89 functions of POSIX_FAMILIES, fork and forkpty, and the constants
# of this interpreter's posix that GraalPy's does not define (posix.constants).
_MISSING = (
    {"fork": "process.fork", "forkpty": "process.forkpty"}
    | {name: id for id, (names, _hint) in POSIX_FAMILIES.items() for name in names}
    | {name: POSIX_CONSTANTS_ID for name, value in vars(posix).items() if graalpy_lacks_constant(name, value)}
)
# What os.py defines only over fork (base.SPAWN_NAMES).
_SPAWN = ("spawnl", "spawnle", "spawnlp", "spawnlpe", "spawnv", "spawnve", "spawnvp", "spawnvpe",
          "P_WAIT", "P_NOWAIT", "P_NOWAITO")  # fmt: skip
# Modules of which GraalPy keeps only some public names (shims/surfaces.py), and signal's removed names.
SURFACE_KEPT: dict[str, tuple[str, frozenset[str]]] = {
    "select": ("select.poll", frozenset({"select", "error", "PIPE_BUF"})),
    "fcntl": (
        "fcntl.fcntl",
        frozenset(
            {"flock", "lockf", "ioctl", "LOCK_SH", "LOCK_EX", "LOCK_NB", "LOCK_UN", "F_RDLCK", "F_WRLCK", "F_UNLCK"}
        ),
    ),  # fmt: skip
    "resource": (
        "resource.setrlimit",
        frozenset(
            {
                "getrlimit",
                "getrusage",
                "getpagesize",
                "error",
                "struct_rusage",
                "RLIM_INFINITY",
                "RUSAGE_SELF",
                "RUSAGE_CHILDREN",
                "RUSAGE_THREAD",
                "RLIMIT_CPU",
                "RLIMIT_FSIZE",
                "RLIMIT_DATA",
                "RLIMIT_STACK",
                "RLIMIT_CORE",
                "RLIMIT_AS",
                "RLIMIT_RSS",
                "RLIMIT_MEMLOCK",
                "RLIMIT_NPROC",
                "RLIMIT_NOFILE",
            }
        ),
    ),  # fmt: skip
}
_SIGNAL_MISSING = ("pause", "pidfd_send_signal", "pthread_kill", "pthread_sigmask", "sigpending", "sigtimedwait",
                   "sigwait", "sigwaitinfo", "strsignal", "struct_siginfo", "SIG_BLOCK", "SIG_UNBLOCK", "SIG_SETMASK",
                   "Sigmasks")  # fmt: skip
# The java backend's refused process functions (processops.REFUSED) and their ids.
_JAVA_REFUSED = {
    "getppid": "process.getppid", "getpgid": "process.getpgid", "setpgid": "process.setpgid",
    "getpgrp": "process.getpgrp", "getsid": "process.getsid", "setsid": "process.setsid",
    "killpg": "process.killpg", "openpty": "fd.openpty",
    "chown": "fs.chown", "lchown": "fs.chown", "fchown": "fs.fchown",
    "umask": "fs.umask_virtual", "set_inheritable": "fd.inheritable_ignored",
    "get_inheritable": "fd.get_inheritable_ignored",
}  # fmt: skip
_SUBPROCESS_CALLS = (
    *(f"subprocess.{name}" for name in ("Popen", "run", "call", "check_call", "check_output")),
    *(
        f"{module}.create_subprocess_{kind}"
        for module in ("asyncio", "asyncio.subprocess")
        for kind in ("exec", "shell")
    ),
)
# On java a process of the spawn context is refused when it starts (multiprocessing.java), but a pool, and any
# of multiprocessing's locks and queues, fails first, at its SemLock (multiprocessing.semlock).
_PROCESSES = tuple(f"multiprocessing.{name}" for name in ("Process", "Manager", "context.Process"))
_SEMLOCKS = (
    *(f"multiprocessing.{name}" for name in ("Pool", "pool.Pool", "Lock", "RLock", "Semaphore", "BoundedSemaphore",
                                             "Event", "Condition", "Barrier", "Queue", "JoinableQueue",
                                             "SimpleQueue")),
    *(f"concurrent.futures.{name}ProcessPoolExecutor" for name in ("", "process.")),
)  # fmt: skip


def _os(names: Iterable[str], id: str | None = None, ids: dict[str, str] | None = None) -> dict[str, str]:
    """os.NAME and posix.NAME for each name, to `id` (or to `ids[name]`)."""
    table: dict[str, str] = {}
    for name in names:
        target = id if id is not None else (ids or {})[name]
        table[f"os.{name}"] = table[f"posix.{name}"] = target
    return table


class StaticRules:
    """What the scanner looks for on one backend (entries of other backends are left out)."""

    def __init__(self, backend: str) -> None:
        self.backend = backend
        absent = _os(_MISSING, ids=_MISSING) | {f"os.{name}": "process.spawn" for name in _SPAWN}
        absent.update(dict.fromkeys(
            ("selectors.PollSelector", "selectors.EpollSelector", "selectors.DevpollSelector",
             "selectors.KqueueSelector"), "select.poll"))  # fmt: skip
        absent.update({f"signal.{name}": "signal.pending" for name in _SIGNAL_MISSING})
        absent.update({f"socket.{name}": id for name, id in sockets.absent(importlib.import_module("socket")).items()})
        calls = {"pty.fork": "process.forkpty", "pty.spawn": "process.forkpty"}
        calls["multiprocessing.get_all_start_methods"] = "multiprocessing.start_methods"
        uses: dict[str, str] = {}
        keywords: dict[str, tuple[tuple[str, str, str], ...]] = {}
        subprocess_keywords = [
            ("preexec_fn", "subprocess.preexec_fn", GIVEN), ("user", "subprocess.uid_ignored", GIVEN),
            ("group", "subprocess.gid_ignored", GIVEN), ("extra_groups", "subprocess.extra_groups_ignored", GIVEN),
            ("umask", "subprocess.umask_ignored", NOT_MINUS_ONE),
        ]  # fmt: skip
        if backend == JAVA:
            absent.update(_os(("geteuid", "getegid"), "process.effective_ids"))
            absent.update(_os(("posix_spawn", "posix_spawnp"), "process.posix_spawn"))
            absent["socket.AF_UNIX"] = "socket.af_unix"
            absent.update(dict.fromkeys(
                (f"socketserver.{kind}" for kind in ("UnixStreamServer", "UnixDatagramServer",
                 "ThreadingUnixStreamServer", "ThreadingUnixDatagramServer", "ForkingUnixStreamServer",
                 "ForkingUnixDatagramServer")), "socket.af_unix"))  # fmt: skip
            calls.update(_os(_JAVA_REFUSED, ids=_JAVA_REFUSED))
            calls.update({"pty.openpty": "fd.openpty", "shutil.chown": "fs.chown", "fcntl.ioctl": "fd.ioctl",
                          "signal.raise_signal": "signal.raise_signal", "pwd.getpwall": "pwd.getpwall",
                          "_posixshmem.shm_open": "mmap.shm_open", "_posixshmem.shm_unlink": "mmap.shm_unlink",
                          "multiprocessing.shared_memory.SharedMemory": "mmap.shm_open",
                          "multiprocessing.shared_memory.ShareableList": "mmap.shm_open",
                          "asyncio.open_unix_connection": "socket.af_unix",
                          "asyncio.start_unix_server": "socket.af_unix"})  # fmt: skip
            calls.update(dict.fromkeys(_PROCESSES, "multiprocessing.java"))
            calls.update(dict.fromkeys(_SEMLOCKS, "multiprocessing.semlock"))
            uses.update(_os(("SEEK_DATA", "SEEK_HOLE"), "fd.seek_data_hole"))
            uses["mmap.PROT_EXEC"] = "mmap.prot_exec"
            subprocess_keywords += [
                ("process_group", "subprocess.process_group", NOT_MINUS_ONE),
                ("start_new_session", "subprocess.options_ignored", TRUE),
                ("pass_fds", "subprocess.options_ignored", NOT_EMPTY),
                *((stream, "subprocess.redirect_ignored", REDIRECT) for stream in ("stdin", "stdout", "stderr")),
            ]  # fmt: skip
            for module in ("os", "posix"):
                keywords[f"{module}.access"] = (
                    ("effective_ids", "fs.access_effective_ids", TRUE),
                    ("follow_symlinks", "fs.access_no_follow", NOT_F_OK),
                )
                keywords[f"{module}.utime"] = (("follow_symlinks", "fs.utime_no_follow", FALSE),)
        keywords.update(dict.fromkeys(_SUBPROCESS_CALLS, tuple(subprocess_keywords)))
        applies = self.applies
        #: qualified name -> id: any access is a hit (AttributeError on GraalPy)
        self.absent = {name: id for name, id in absent.items() if applies(id)}
        #: qualified name -> id: a call is a hit
        self.calls = {name: id for name, id in calls.items() if applies(id)}
        #: qualified name -> id: a load is a hit (a constant that makes the call it is given to fail)
        self.uses = {name: id for name, id in uses.items() if applies(id)}
        #: qualified callable -> (keyword, id, check) for each keyword that may be a hit
        self.keywords = {name: tuple(rule for rule in rules if applies(rule[1])) for name, rules in keywords.items()}
        #: start method name -> id
        self.start_methods = {"fork": "multiprocessing.fork", "forkserver": "multiprocessing.forkserver"}
        #: module -> id: modules GraalPy does not have (importing one raises ImportError)
        self.missing_modules = {module: id for module, (id, _hint) in MISSING_MODULES.items() if applies(id)}
        #: the kill signals the java backend sends (process.kill for any other)
        self.kill_ok = frozenset({"SIGKILL", "SIGTERM"}) if backend == JAVA else None
        self.surface_kept = SURFACE_KEPT

    def applies(self, id: str) -> bool:
        return self.backend in CATALOG[id].backends

    def absent_id(self, qualified: str) -> str | None:
        """The limitation an access to `qualified` hits, if its module lacks the name on GraalPy."""
        found = self.absent.get(qualified)
        if found is not None:
            return found
        module, _, name = qualified.rpartition(".")
        surface = self.surface_kept.get(module)
        if surface is not None and name and not name.startswith("_") and name not in surface[1]:
            return surface[0]
        return None

    def names(self) -> frozenset[str]:
        """Every name that may be the last part of a finding's function (for the line pre-filter)."""
        words = {name.rpartition(".")[2] for table in (self.absent, self.calls, self.uses) for name in table}
        words.update(("get_context", "set_start_method"))
        if self.backend == JAVA:
            words.update(("kill", "waitpid", "select"))
        for module, (_id, kept) in self.surface_kept.items():
            words.update(name for name in _public_names(module) if name not in kept)
        return frozenset(words)

    def keyword_names(self) -> frozenset[str]:
        """Every keyword argument that may be a finding."""
        return frozenset(rule[0] for rules in self.keywords.values() for rule in rules)


def _public_names(module: str) -> list[str]:
    """The host module's public names (the scanner's process may import it; the scanned code is never run)."""
    try:
        return [name for name in dir(importlib.import_module(module)) if not name.startswith("_")]
    except ImportError:
        return []


BACKENDS = (NATIVE, JAVA)
