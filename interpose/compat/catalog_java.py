"""Catalog entries of the emulated (`java`) backend, from GraalPy's EmulatedPosixSupport.

"U(x)" in ../shared/graalpy-facts.md is `io.UnsupportedOperation("Feature not
supported on 'java' POSIX backend: x")`; `unsupported_message` builds it.
"""

from __future__ import annotations

from interpose.compat.catalog import JAVA, Limitation
from interpose.events import levels


def unsupported_message(feature: str) -> str:
    return f"Feature not supported on 'java' POSIX backend: {feature}"


def _java(id: str, level: int, enforce: str, message: str, fact: str, warn: str = "allowed") -> Limitation:
    return Limitation(id=id, backends=(JAVA,), level=level, enforce=enforce, warn=warn, message=message, fact=fact)


def _unsupported(id: str, feature: str, fact: str, *, warn: str = "allowed") -> Limitation:
    """GraalPy's `U(feature)`: raised under enforce."""
    return _java(id, levels.INFO, "raised", unsupported_message(feature), fact, warn)


JAVA_ENTRIES: tuple[Limitation, ...] = (
    _unsupported(
        "fs.access_effective_ids",
        "faccess with effective user IDs",
        "faccessat with effective_ids=True raises io.UnsupportedOperation on the java backend",
    ),
    _unsupported(
        "fs.access_no_follow",
        "faccess with effective user IDs",
        "faccessat with follow_symlinks=False and a mode other than F_OK raises the same UnsupportedOperation "
        "(GraalPy reuses the effective-ids message)",
    ),
    _unsupported(
        "fs.chown",
        "fchownat",
        "chown, lchown and fchown (fchownat/fchown) raise io.UnsupportedOperation on the java backend",
    ),
    _unsupported(
        "fs.special_file",
        "mknodat",
        "the java backend cannot create FIFOs or device nodes (mkfifo, mknod)",
        warn="allowed (host provider only)",
    ),
    _unsupported(
        "process.group",
        "process groups and sessions",
        "getppid, getpgid, setpgid, getpgrp, getsid, setsid, killpg raise io.UnsupportedOperation on the java backend",
    ),
    _unsupported(
        "process.kill",
        "kill",
        "kill works only on the java backend's own children, with SIGKILL, SIGTERM or 0",
    ),
    _unsupported(
        "process.waitpid_options",
        "waitpid with options other than 0 and WNOHANG",
        "the java backend's waitpid accepts only 0 and WNOHANG",
    ),
    _unsupported(
        "fd.seek_data_hole",
        "SEEK_DATA and SEEK_HOLE",
        "lseek with SEEK_DATA or SEEK_HOLE raises io.UnsupportedOperation on the java backend",
    ),
    _unsupported(
        "subprocess.process_group",
        "process_group",
        "fork_exec with process_group raises io.UnsupportedOperation on the java backend",
    ),
    _java(
        "process.effective_ids",
        levels.INFO,
        "raised",
        "os.geteuid and os.getegid do not exist on GraalPy's java backend",
        "the java backend raises UnsupportedOperation for geteuid/getegid and GraalPy deletes them from posix "
        "(graalpython #370, scons)",
    ),
    _java(
        "process.posix_spawn",
        levels.INFO,
        "raised",
        "os.posix_spawn and os.posix_spawnp do not exist in POSIX emulation layer",
        "the java backend starts processes only through fork_exec (Java's ProcessBuilder); "
        "subprocess then takes its fork_exec path",
    ),
    _java(
        "fd.native_code",
        levels.INFO,
        "refused",
        "an emulated file descriptor reached native code, which cannot use it",
        "emulated fds are not OS fds; GraalPy's C API (PyObject_AsFileDescriptor) raises NotImplementedError",
        warn="refused",
    ),
    _java(
        "subprocess.redirect_virtual",
        levels.INFO,
        "refused",
        "a child process cannot be given a file that exists only in the emulated filesystem",
        "GraalPy silently ignores such a redirection (the child inherits the parent's stream); "
        "interpose refuses it with OSError(EBADF) rather than lose the output",
        warn="refused",
    ),
    _java(
        "fd.inheritable_ignored",
        levels.FINE,
        "ignored",
        "Ignored: setting inheritable for a file descriptor in POSIX emulation layer (not supported)",
        "set_inheritable is a no-op and get_inheritable is always False on the java backend (logged FINE; "
        "graalpython #321 complains of the flood)",
    ),
    _java(
        "fs.utime_seconds",
        levels.FINE,
        "approximated",
        "Ignored: sub-second part of a file time (the java backend keeps whole seconds)",
        "utime/utimensat truncate times to whole seconds on the java backend",
    ),
    _java(
        "fd.isatty",
        levels.FINE,
        "approximated",
        "isatty of a standard stream is False in POSIX emulation layer",
        "the java backend answers isatty for fds 0-2 from a context option, False by default",
    ),
    _java(
        "fd.blocking_regular_file",
        levels.INFO,
        "raised",
        "set_blocking(False) on a regular file is refused in POSIX emulation layer",
        "the java backend raises EPERM for set_blocking(fd, False) on a regular file",
    ),
    _java(
        "subprocess.options_ignored",
        levels.FINE,
        "ignored",
        "Ignored: fork_exec close_fds/pass_fds/restore_signals/start_new_session in POSIX emulation layer",
        "the java backend's forkExec ignores close_fds, pass_fds, restore_signals and start_new_session silently",
    ),
    _java(
        "fs.umask_virtual",
        levels.FINER,
        "noted",
        "Returning default umask '22' (ignoring the real umask value set in the OS)",
        "the java backend keeps its own umask, starting at 0o022, and logs its first use at FINER",
        warn="noted",
    ),
)
