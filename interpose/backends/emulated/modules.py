"""The java backend's pwd, socket, select, mmap, fcntl.ioctl: EmulatedPosixSupport's refusals beyond posix.

GraalPy's emulated layer refuses other users in pwd (and getpwall), gives its own
user '/bin/sh' as shell (noted at FINER), has no AF_UNIX (the constant is removed
from `_socket`, and a socket of that family fails with EAFNOSUPPORT; socketpair is the
loopback fallback on both backends, interpose/shims/sockets.py), ignores
select's exceptional conditions (FINE), refuses mmap with PROT_EXEC or an anonymous
map over 2 GiB, and refuses every ioctl.  select, mmap and the fcntl functions are
given the real fd behind an emulated one (realfds.py).  Each function here stands in for the
host's in the module's shim, built only when the program imports the module;
under warn it is the host's behaviour, the hit logged.  openpty is posix's
(processops.REFUSED): pty.openpty calls it.
"""

from __future__ import annotations

import errno
import sys

from interpose.audit import Watch
from interpose.backends.emulated.fileops import unsupported
from interpose.backends.emulated.realfds import Translator
from interpose.compat import ENFORCE, hit
from interpose.compat.catalog_java import JAVA_ENTRIES
from interpose.host import os
from interpose.shims.builtin_like import builtin_like

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from types import FrameType, ModuleType

    from interpose.backends.emulated.fdtable import FdTable

    Wrapper = Callable[[Callable[..., object]], Callable[..., object]]

# The modules this file shapes beyond the surfaces of both backends (select, fcntl and socket are shaped there already).
SHAPED = ("pwd", "mmap")
_MESSAGES = {entry.id: entry.message for entry in JAVA_ENTRIES}
_PREFIX = _MESSAGES["fd.ioctl"][: -len("ioctl")]
_AF_UNIX = 1  # socket.AF_UNIX on every POSIX system, read without importing socket
_LARGEST_ANONYMOUS = 2**31 - 1  # an anonymous map is one Java array
_BIN_SH = "/bin/sh"


def _index(value: object) -> int:
    """operator.index, without importing operator into a program that did not (tests/test_invisibility.py)."""
    method = getattr(type(value), "__index__", None)
    if method is None:
        raise TypeError(f"'{type(value).__name__}' object cannot be interpreted as an integer")
    return int(method(value))


def _refusal(limitation: str) -> OSError:
    """GraalPy's UnsupportedOperation for `limitation`, its feature text read from the catalog's message."""
    return unsupported(_MESSAGES[limitation][len(_PREFIX) :])


def _pwd_functions(host: ModuleType, policy: str, fds: Translator) -> dict[str, Callable[..., object]]:
    def own_entry(entry: object, function: str, key: object) -> object:
        if hit("pwd.default_shell", function, {"user": key}):
            return host.struct_passwd((*entry[:6], _BIN_SH))  # type: ignore[index]
        return entry

    def getpwuid(uid: object, /) -> object:
        """GraalPy's java backend knows only the current user."""
        try:
            number = _index(uid)
        except TypeError:
            return host.getpwuid(uid)  # CPython's TypeError
        if number != os.getuid():
            if hit("pwd.other_user", "pwd.getpwuid", {"uid": number}):
                raise _refusal("pwd.other_user")
            return host.getpwuid(uid)
        return own_entry(host.getpwuid(uid), "pwd.getpwuid", number)

    def getpwnam(name: object, /) -> object:
        """GraalPy compares the name with the current user's: any other, existing or not, is refused."""
        if not isinstance(name, str):
            return host.getpwnam(name)  # CPython's TypeError
        try:
            own = host.getpwuid(os.getuid()).pw_name
        except KeyError:
            own = None
        if name != own:
            if hit("pwd.other_name", "pwd.getpwnam", {"name": name}):
                raise _refusal("pwd.other_name")
            return host.getpwnam(name)
        return own_entry(host.getpwnam(name), "pwd.getpwnam", name)

    def getpwall() -> object:
        if hit("pwd.getpwall", "pwd.getpwall"):
            raise _refusal("pwd.getpwall")
        return host.getpwall()

    return {"getpwuid": getpwuid, "getpwnam": getpwnam, "getpwall": getpwall}


def _select_functions(host: ModuleType, policy: str, fds: Translator) -> dict[str, Callable[..., object]]:
    host_select = fds.select(host.select)  # over the real fds behind the program's

    def select(rlist: object, wlist: object, xlist: object, timeout: object = None, /) -> object:
        """GraalPy never reports an fd as exceptional, and logs when one is not also read or written."""
        if not isinstance(xlist, (list, tuple)):
            xlist = list(xlist)  # type: ignore[call-overload]
        if not xlist:
            return host_select(rlist, wlist, xlist, timeout)
        waited = _fds(rlist) | _fds(wlist)
        alone = [fd for fd in _fds(xlist) if fd not in waited]
        if alone:
            hit("select.exceptional_conditions", "select.select", {"fds": alone})
        if policy != ENFORCE:
            return host_select(rlist, wlist, xlist, timeout)
        readable, writable, _ = host_select(rlist, wlist, [], timeout)
        return readable, writable, []

    return {"select": select}


def _fds(objects: object) -> set[int]:
    """The fd numbers select would wait on; an object it would refuse counts as none (select raises later)."""
    numbers = set()
    for item in objects:  # type: ignore[attr-defined]
        try:
            numbers.add(_index(item if isinstance(item, int) else item.fileno()))
        except Exception:  # noqa: BLE001 - the host's select reports it with CPython's message
            continue
    return numbers


def _fcntl_functions(host: ModuleType, policy: str, fds: Translator) -> dict[str, Callable[..., object]]:
    def ioctl(*args: object, **kwargs: object) -> object:
        if hit("fd.ioctl", "fcntl.ioctl"):
            raise _refusal("fd.ioctl")
        return host.ioctl(*((fds.real(args[0]), *args[1:]) if args else ()), **kwargs)

    ioctl.__doc__ = host.ioctl.__doc__
    return {"ioctl": ioctl}


def _mmap_class(host: ModuleType, fds: Translator) -> type:
    """A subclass of the host's mmap that refuses, before mapping, what GraalPy's java backend cannot map."""

    class mmap(host.mmap):  # type: ignore[name-defined]
        __doc__ = host.mmap.__doc__

        def __new__(cls, fileno: int, length: int, *args: object, **kwargs: object) -> mmap:
            flags = args[0] if args else kwargs.get("flags", host.MAP_SHARED)
            prot = args[1] if len(args) > 1 else kwargs.get("prot", host.PROT_READ | host.PROT_WRITE)
            if isinstance(prot, int) and isinstance(flags, int) and isinstance(length, int) and prot:
                anonymous = fileno == -1 or flags & getattr(host, "MAP_ANONYMOUS", 0)
                if anonymous:
                    if length > _LARGEST_ANONYMOUS and hit("mmap.anonymous_large", "mmap.mmap", {"length": length}):
                        raise _refusal("mmap.anonymous_large")
                elif prot & host.PROT_EXEC and hit("mmap.prot_exec", "mmap.mmap"):
                    raise _refusal("mmap.prot_exec")
            return super().__new__(cls, fds.real(fileno), length, *args, **kwargs)  # the file behind an emulated fd

    mmap.__module__ = "mmap"
    return mmap


def _signal_functions(host: ModuleType, policy: str, fds: Translator) -> dict[str, Callable[..., object]]:
    """raise_signal: GraalPy's emulated layer has no raise (signal.raise_signal); a handler is not run."""
    host_raise_signal = host.raise_signal

    def raise_signal(signalnum: object, /) -> None:
        if hit("signal.raise_signal", "signal.raise_signal"):
            raise _refusal("signal.raise_signal")
        host_raise_signal(signalnum)

    return {"raise_signal": raise_signal}


_FUNCTIONS = {"pwd": _pwd_functions, "select": _select_functions,
              "fcntl": _fcntl_functions, "signal": _signal_functions}  # fmt: skip


class ModuleShapes:
    """One backend's shapes, made once per host module: activating again gives the same objects."""

    def __init__(self, policy: str, table: FdTable) -> None:
        self.policy = policy
        self.fds = Translator(table)
        self._wrapped: dict[object, object] = {}
        self._made: dict[str, tuple[ModuleType, dict[str, object]]] = {}

    def namespace(self, name: str, host_module: ModuleType, contents: dict[str, object]) -> dict[str, object]:
        """`contents` (the module's shim namespace so far) with this backend's functions in place."""
        made = self._made.get(name)
        if made is None or made[0] is not host_module:
            made = (host_module, self._make(name, host_module))
            self._made[name] = made
        contents.update(made[1])
        if name == "fcntl" and "fcntl" in contents:  # fcntl.fcntl exists under warn: on the real fd behind
            fcntl = contents["fcntl"]
            contents["fcntl"] = self._on_real_fd(fcntl, self.fds.first_argument, name)  # type: ignore[arg-type]
        if name == "select" and "poll" in contents:  # so does select.poll
            contents["poll"] = self._on_real_fd(contents["poll"], self.fds.poll, name)  # type: ignore[arg-type]
        if name == "socket" and self.policy == ENFORCE:
            contents.pop("AF_UNIX", None)
        return contents

    def _on_real_fd(self, function: Callable[..., object], wrap: Wrapper, module: str) -> object:
        """`wrap(function)`: `function` over the real fds behind emulated ones, made once per function."""
        wrapped = self._wrapped.get(function)
        if wrapped is None:
            wrapped = self._wrapped[function] = builtin_like(wrap(function), module)
        return wrapped

    def _make(self, name: str, host_module: ModuleType) -> dict[str, object]:
        if name == "mmap":
            return {"mmap": _mmap_class(host_module, self.fds)}
        make = _FUNCTIONS.get(name)
        if make is None:
            return {}
        functions = make(host_module, self.policy, self.fds)
        return {key: builtin_like(function, name) for key, function in functions.items() if hasattr(host_module, key)}

    def absent(self, name: str, host_module: ModuleType) -> dict[str, str]:
        """Names GraalPy's java backend removes: socket.AF_UNIX (under enforce)."""
        if name == "socket" and self.policy == ENFORCE and hasattr(host_module, "AF_UNIX"):
            return {"AF_UNIX": "socket.af_unix"}
        return {}


def _unix_family(args: tuple[object, ...]) -> bool:
    """An AF_UNIX socket, unless socket.py's socketpair wraps its pair (under warn, or through a reference to
    the host's socket module taken before activation): that is the stdlib's choice, not the program's use."""
    if len(args) < 2 or args[1] != _AF_UNIX:
        return False
    frame: FrameType | None = sys._getframe(2)  # _hook, then socket.socket.__init__
    for _ in range(3):
        if frame is None:
            break
        if frame.f_code.co_name == "socketpair" and frame.f_globals.get("__name__") == "socket":
            return False
        frame = frame.f_back
    return True


def _no_unix_family(event: str, args: tuple[object, ...]) -> BaseException:
    return OSError(errno.EAFNOSUPPORT, os.strerror(errno.EAFNOSUPPORT))


def audit_watches() -> dict[str, Watch]:
    """A socket of family AF_UNIX (by number, or made before activation's removal): EAFNOSUPPORT under enforce."""
    return {"socket.__new__": Watch("socket.af_unix", _unix_family, _no_unix_family, refused_under_warn=False)}
