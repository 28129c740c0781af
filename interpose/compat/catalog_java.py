"""Catalog entries of the emulated (`java`) backend, from GraalPy's EmulatedPosixSupport.

"U(x)" in ../shared/graalpy-facts.md is `io.UnsupportedOperation("Feature not
supported on 'java' POSIX backend: x")`; `unsupported_message` builds it.
"""

from __future__ import annotations

from interpose.compat.catalog import JAVA, Limitation
from interpose.events import levels


def unsupported_message(feature: str) -> str:
    return f"Feature not supported on 'java' POSIX backend: {feature}"


def _java(id: str, level: int, enforce: str, message: str, fact: str, hint: str, warn: str = "allowed") -> Limitation:
    return Limitation(
        id=id, backends=(JAVA,), level=level, enforce=enforce, warn=warn, message=message, fact=fact, hint=hint
    )


def _unsupported(id: str, feature: str, fact: str, hint: str, *, warn: str = "allowed") -> Limitation:
    """GraalPy's `U(feature)`: raised under enforce."""
    return _java(id, levels.INFO, "raised", unsupported_message(feature), fact, hint, warn)


_EPS = "EmulatedPosixSupport.java"
_NO_GROUPS = "keep to the program's own process and its children (subprocess's Popen.pid, Popen.kill)"


def _process_function(name: str, feature: str, hint: str) -> Limitation:
    """A process function GraalPy's java backend refuses (process groups, sessions, the parent)."""
    same = "" if feature == name else f" (GraalPy's message for {name} says {feature!r})"
    return _unsupported(
        f"process.{name}", feature, f"os.{name} raises io.UnsupportedOperation on the java backend{same} ({_EPS})", hint
    )


_FILES: tuple[Limitation, ...] = (
    _unsupported(
        "fs.access_effective_ids",
        "faccess with effective user IDs",
        "faccessat with effective_ids=True raises io.UnsupportedOperation on the java backend",
        "call os.access without effective_ids, or try the operation and handle PermissionError",
    ),
    _unsupported(
        "fs.access_no_follow",
        "faccess with effective user IDs",
        "faccessat with follow_symlinks=False and a mode other than F_OK raises the same UnsupportedOperation "
        "(GraalPy reuses the effective-ids message)",
        "use os.lstat and look at st_mode, or os.access with follow_symlinks=True",
    ),
    _unsupported(
        "fs.chown",
        "fchownat",
        "chown and lchown (fchownat) raise io.UnsupportedOperation on the java backend",
        "leave ownership alone on GraalPy's java backend (a copy belongs to the user who makes it), "
        "or catch io.UnsupportedOperation",
    ),
    _unsupported(
        "fs.fchown",
        "fchown",
        "fchown raises io.UnsupportedOperation on the java backend",
        "leave ownership alone on GraalPy's java backend, or catch io.UnsupportedOperation",
    ),
    _unsupported(
        "fs.special_file",
        "mknodat",
        "the java backend cannot create FIFOs or device nodes (mkfifo, mknod)",
        "use os.pipe() or a socket between processes instead of a FIFO",
        warn="allowed (host provider only)",
    ),
    _unsupported(
        "fs.utime_no_follow",
        "utime with 'follow symlinks' flag",
        "utime with follow_symlinks=False raises io.UnsupportedOperation when the JDK cannot set a link's own "
        f"times (it reports ELOOP, as OpenJDK 8 does on Linux; {_EPS} setFileTimes)",
        "set the times of the link's target (follow_symlinks=True), or leave the link's times alone",
    ),
    _unsupported(
        "fd.seek_data_hole",
        "SEEK_DATA",
        "lseek with SEEK_DATA raises U('SEEK_DATA') and with SEEK_HOLE U('SEEK_HOLE') on the java backend",
        "read the file sequentially (seek with SEEK_SET/SEEK_CUR/SEEK_END); sparse regions read as zeros",
    ),
    _java(
        "fs.artificial_inode",
        levels.FINER,
        "noted",
        "Using artificial emulated inode number for file '%s'",
        "where the filesystem gives no unix attributes, stat's st_ino is a per-context counter keyed by the "
        f"canonical path, st_dev and st_nlink are 0, logged at FINER ({_EPS} getEmulatedInode)",
        "compare files with os.path.samefile only within one run; do not store inode numbers",
        warn="noted",
    ),
    _java(
        "fs.utime_seconds",
        levels.FINE,
        "approximated",
        "Ignored: sub-second part of a file time (the java backend keeps whole seconds)",
        "utime/utimensat truncate times to whole seconds on the java backend",
        "compare modification times with a tolerance of one second",
    ),
    _java(
        "fs.umask_virtual",
        levels.FINER,
        "noted",
        "Returning default umask '22' (ignoring the real umask value set in the OS)",
        "the java backend keeps its own umask, starting at 0o022, and logs its first use at FINER",
        "set the mode explicitly (os.open's mode, os.chmod) instead of relying on the inherited umask",
        warn="noted",
    ),
)

_DESCRIPTORS: tuple[Limitation, ...] = (
    _java(
        "fd.inheritable_ignored",
        levels.FINE,
        "ignored",
        "Ignored: setting inheritable for a file descriptor in POSIX emulation layer (not supported)",
        "set_inheritable is a no-op on the java backend, logged FINE as "
        "\"Ignored: setting inheritable '%b' for file descriptor %d in POSIX emulation layer (not supported)\" "
        "(graalpython #321 complains of the flood)",
        "give a child process what it needs through subprocess's stdin/stdout/stderr pipes, not inherited fds",
    ),
    _java(
        "fd.get_inheritable_ignored",
        levels.FINE,
        "ignored",
        "Ignored: getting inheritable for file descriptor in POSIX emulation layer (not supported, always returns "
        "false)",
        'get_inheritable is always False on the java backend, logged FINE as "Ignored: getting inheritable for '
        'file descriptor %d in POSIX emulation layer (not supported, always returns false)"',
        "do not rely on inherited fds in child processes; pass data through subprocess's pipes",
    ),
    _java(
        "fd.isatty",
        levels.FINE,
        "approximated",
        "isatty of a standard stream is False in POSIX emulation layer",
        "the java backend answers isatty for fds 0-2 from a context option, False by default",
        "treat output as non-interactive (no colours, no prompts) unless told otherwise",
    ),
    _java(
        "fd.blocking_regular_file",
        levels.INFO,
        "raised",
        "set_blocking(False) on a regular file is refused in POSIX emulation layer",
        "the java backend raises EPERM for set_blocking(fd, False) on a regular file",
        "leave regular files blocking (non-blocking mode does nothing for them on Linux either)",
    ),
    _java(
        "fd.native_code",
        levels.INFO,
        "refused",
        "an emulated file descriptor reached native code, which cannot use it",
        "emulated fds are not OS fds; GraalPy's C API (PyObject_AsFileDescriptor) raises NotImplementedError",
        "keep files used by C extensions (mmap, fcntl, ctypes) on the native backend, or read them in Python",
        warn="refused",
    ),
    _unsupported(
        "fd.openpty",
        "openpty",
        f"os.openpty (and so pty.openpty, pty.spawn) raises io.UnsupportedOperation on the java backend ({_EPS})",
        "use subprocess with pipes; for a terminal, run on the native backend",
    ),
    _unsupported(
        "fd.ioctl",
        "ioctl",
        f"fcntl.ioctl raises io.UnsupportedOperation on the java backend ({_EPS})",
        "use os.get_terminal_size / shutil.get_terminal_size, or run on the native backend",
    ),
)

_PROCESSES: tuple[Limitation, ...] = (
    _process_function("getppid", "getppid", "pass the parent's pid to the child (argument or environment variable)"),
    _process_function("getpgid", "getpgid", _NO_GROUPS),
    _process_function("setpgid", "setpgid", "use subprocess's start_new_session on the native backend; " + _NO_GROUPS),
    _process_function("getpgrp", "getpgrp", _NO_GROUPS),
    _process_function("getsid", "getsid", _NO_GROUPS),
    _process_function("setsid", "getsid", "use subprocess's start_new_session instead of preexec_fn=os.setsid"),
    _process_function("killpg", "killpg", "kill each child (Popen.kill/terminate) instead of its process group"),
    _unsupported(
        "process.kill",
        "Sending arbitrary signals to child processes. Can only send KILL and TERM signals",
        "the java backend's kill sends only SIGKILL, SIGTERM and 0 (Java's Process.destroyForcibly/destroy)",
        "use Popen.terminate()/kill() (SIGTERM/SIGKILL); for other signals, a pipe or socket to the child",
    ),
    _java(
        "process.kill_other",
        levels.INFO,
        "raised",
        "kill reaches only the program's own children in POSIX emulation layer: any other pid is not found (ESRCH)",
        "the java backend's kill looks the pid up among its own children (PosixResources.getChild): "
        "any other process, the program itself included, is ProcessLookupError(ESRCH)",
        "signal only your own child processes (Popen.kill/terminate); to stop yourself, raise SystemExit",
    ),
    _unsupported(
        "process.waitpid_options",
        "Only 0 or WNOHANG are supported for waitpid",
        "the java backend's waitpid accepts only 0 and WNOHANG",
        "wait with options 0 or os.WNOHANG (Popen.wait/poll do)",
    ),
    _unsupported(
        "process.waitpid_group",
        "Process groups in waitpid",
        "the java backend's waitpid refuses a process group (pid < -1)",
        "wait for each child by its pid (Popen.wait)",
    ),
    _unsupported(
        "signal.raise_signal",
        "raise",
        f"signal.raise_signal raises io.UnsupportedOperation on the java backend ({_EPS} raise)",
        "call the handler yourself, or raise the exception the signal would (KeyboardInterrupt, SystemExit)",
    ),
    _unsupported(
        "signal.signal_self",
        "signalSelf",
        f"a signal sent to the process itself (faulthandler's test crashes) is unsupported ({_EPS} signalSelf)",
        "do not crash the process on purpose on the java backend; test crash handling on the native backend",
    ),
    _java(
        "process.effective_ids",
        levels.INFO,
        "raised",
        "os.geteuid and os.getegid do not exist on GraalPy's java backend",
        "the java backend raises UnsupportedOperation for geteuid/getegid and GraalPy deletes them from posix "
        "(graalpython #370, scons)",
        "use os.getuid()/os.getgid() (the effective ids are the real ones for ordinary programs)",
    ),
    _java(
        "process.posix_spawn",
        levels.INFO,
        "raised",
        "os.posix_spawn and os.posix_spawnp do not exist in POSIX emulation layer",
        "the java backend starts processes only through fork_exec (Java's ProcessBuilder); "
        "subprocess then takes its fork_exec path",
        "use subprocess.Popen/run",
    ),
)

_CHILDREN: tuple[Limitation, ...] = (
    _unsupported(
        "subprocess.process_group",
        "process_group in fork_exec",
        "fork_exec with process_group raises io.UnsupportedOperation on the java backend",
        "drop process_group=; " + _NO_GROUPS,
    ),
    _unsupported(
        "subprocess.env_entry",
        "Only key=value environment variables are supported in fork_exec",
        "fork_exec's environment goes to Java's ProcessBuilder as a map: an entry without '=' is refused",
        "give subprocess a dict as env= (every entry then has the form key=value)",
    ),
    _java(
        "subprocess.options_ignored",
        levels.FINE,
        "ignored",
        "Ignored: fork_exec close_fds/pass_fds/restore_signals/start_new_session in POSIX emulation layer",
        "the java backend's forkExec ignores close_fds, pass_fds, restore_signals and start_new_session silently",
        "pass data to children through stdin/stdout pipes rather than pass_fds; do not count on a new session",
    ),
    _java(
        "subprocess.redirect_ignored",
        levels.INFO,
        "ignored",
        "Ignored: redirection of a child's standard stream to a file, DEVNULL or an fd in POSIX emulation layer "
        "(the child inherits the process's own stream)",
        "the java backend's forkExec makes a child's stream a pipe only when both pipe ends are set (PIPE); "
        "otherwise Redirect.INHERIT: the JVM process's own stream, silently",
        "use stdout=subprocess.PIPE (or capture_output=True) and write the data to the file yourself, or discard it",
    ),
    _java(
        "subprocess.stdio_original",
        levels.INFO,
        "ignored",
        "a child inherits the process's original standard stream in POSIX emulation layer, not the file the "
        "program put on that fd (os.dup2)",
        "Redirect.INHERIT gives the child the JVM process's own fds 0-2; an os.dup2 onto an emulated fd 0-2 "
        "(pytest's fd capture) never reaches them",
        "capture a child's output with stdout=subprocess.PIPE; in pytest, use capsys with PIPE rather than capfd",
    ),
    _java(
        "subprocess.redirect_virtual",
        levels.INFO,
        "ignored",
        "a child process cannot be given a file that exists only in the emulated filesystem",
        "GraalPy ignores such a redirection as any other (the child inherits the process's stream); under warn, "
        "where CPython would write the file, interpose refuses it with OSError(EBADF) rather than lose the output",
        "use stdout=subprocess.PIPE and write the data to the emulated file yourself",
        warn="refused",
    ),
)

_CHILD_CWD = (
    _java(
        "subprocess.cwd_virtual",
        levels.INFO,
        "changed",
        "a child process starts in the host directory of the same path as its emulated cwd, which only the emulated "
        "filesystem has (ENOENT where the host lacks it)",
        "GraalPy starts a child with ProcessBuilder.directory(cwd) on the cwd's path: the host's directory of that "
        "name, whatever the custom FileSystem holds there, and a failed start (ENOENT) where the host has none "
        "(graalpython #1153 is the same failure for a removed cwd)",
        "give the child a cwd= that exists on the host, or keep the program's files on a provider backed by host "
        "directories (host, rooted:DIR, overlay:DIR)",
        warn="changed",
    ),
)

# Entries for other modules' shims (pwd, socket, select, mmap, _posixshmem): GraalPy's exact messages.
_MODULES: tuple[Limitation, ...] = (
    _unsupported(
        "pwd.other_user",
        "getpwuid with other uid than the current user",
        f"pwd.getpwuid of another uid raises io.UnsupportedOperation on the java backend ({_EPS}); "
        "tarfile catches it (GraalPy change)",
        "look up only the current user (os.getuid()), or catch io.UnsupportedOperation and show the number",
    ),
    _unsupported(
        "pwd.other_name",
        "getpwnam with other uid than the current user",
        f"pwd.getpwnam of another user's name raises io.UnsupportedOperation on the java backend ({_EPS})",
        "look up only the current user, or catch io.UnsupportedOperation",
    ),
    _unsupported(
        "pwd.getpwall",
        "getpwent",
        f"pwd.getpwall raises io.UnsupportedOperation on the java backend ({_EPS} getpwent)",
        "look up the current user with pwd.getpwuid(os.getuid()) instead of listing every user",
    ),
    _java(
        "pwd.default_shell",
        levels.FINER,
        "noted",
        "gtpwuid: default shell cannot be retrieved for %d, using '/bin/sh' instead.",
        "the java backend's pwd entry of the current user has pw_shell '/bin/sh', logged at FINER (the typo "
        f"'gtpwuid' is GraalPy's; {_EPS})",
        "read the shell from $SHELL",
        warn="noted",
    ),
    _unsupported(
        "socket.af_unix",
        "AF_UNIX",
        f"the java backend's sockets are AF_INET/AF_INET6 only: AF_UNIX is unsupported (graalpython #530; {_EPS})",
        "use a TCP socket on 127.0.0.1, or run on the native backend",
    ),
    _java(
        "select.exceptional_conditions",
        levels.FINE,
        "ignored",
        "Ignored: POSIX emulation layer doesn't support waiting on exceptional conditions in select()",
        f"the java backend's select never reports an fd in its third list (xlist), logged FINE ({_EPS})",
        "do not wait for exceptional conditions (out-of-band data); pass an empty third list",
    ),
    _unsupported(
        "mmap.prot_exec",
        "mmap flag PROT_EXEC",
        f"mmap with PROT_EXEC raises io.UnsupportedOperation on the java backend ({_EPS})",
        "map without PROT_EXEC; executable memory needs the native backend",
    ),
    _unsupported(
        "mmap.anonymous_large",
        "Anonymous mapping in mmap for memory larger than 2147483647",
        f"an anonymous mmap is a Java array: larger than 2 GiB raises io.UnsupportedOperation ({_EPS})",
        "map at most 2 GiB at a time, or map a file",
    ),
    _unsupported(
        "mmap.pointer",
        "obtaining mmap pointer",
        f"native code cannot get the address of a java-backend mmap (ctypes from_buffer...) ({_EPS})",
        "copy the bytes out of the mmap (mm[:]) before handing them to native code",
    ),
    _unsupported(
        "mmap.shm_open",
        "shm_open",
        f"GraalPy's posix has shm_open/shm_unlink (CPython: _posixshmem); the java backend refuses them ({_EPS}), "
        "so multiprocessing.shared_memory fails",
        "share data between processes through pipes or files; shared memory needs the native backend",
    ),
    _unsupported(
        "mmap.shm_unlink",
        "shm_unlink",
        f"the java backend refuses shm_unlink ({_EPS})",
        "share data between processes through pipes or files; shared memory needs the native backend",
    ),
)

JAVA_ENTRIES: tuple[Limitation, ...] = _FILES + _DESCRIPTORS + _PROCESSES + _CHILDREN + _CHILD_CWD + _MODULES
