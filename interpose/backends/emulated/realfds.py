"""C functions of other modules (select, mmap, fcntl) given an emulated fd: the real fd behind it.

An emulated fd is never the OS's (fdtable.py), but GraalPy's own select, mmap
and fcntl work on its emulated fds, in Java.  The java backend's shims of those
modules therefore hand the host's C functions the real fd behind an emulated one
(`Translator.real`), and give results back in the program's numbers.  A file
only the provider has has no real fd: mmap and the fcntl functions then meet its
placeholder, and the audit hook names the call (`fd.native_code`, nativefd.py);
select reports it ready, as GraalPy reports an fd it cannot select on (and Linux
a regular file).  `select.poll` exists under `warn` only (GraalPy has none): its
objects register the real fd and report the program's number; one with no real
file is named (`fd.native_code`) and the kernel reports it POLLNVAL.
"""

from __future__ import annotations

from interpose.compat import hit

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

    from interpose.backends.emulated.fdtable import FdTable

    Lists = tuple[list[object], list[object], list[object]]


def _number(item: object) -> int | None:
    """The fd select would wait on for `item`; None for what it would refuse (select raises later)."""
    try:
        value = item if isinstance(item, int) else item.fileno()  # type: ignore[attr-defined]
        return int(type(value).__index__(value))
    except Exception:  # noqa: BLE001 - the host's select reports it with CPython's message
        return None


class Translator:
    """Emulated fd numbers to the real fds behind them, for one process's table."""

    __slots__ = ("table",)

    def __init__(self, table: FdTable) -> None:
        self.table = table

    def real(self, fd: object) -> object:
        """The real fd behind emulated `fd` (an int or an object with fileno()); `fd` itself when it has none."""
        number = _number(fd)
        if number is None or not self.table.elsewhere(number):
            return fd
        found = self.table._files[number]
        return found.fd if found.real else fd

    def first_argument(self, function: Callable[..., object]) -> Callable[..., object]:
        """`function` (fcntl.fcntl, fcntl.ioctl), called with the real fd behind its first argument."""

        def call(fd: object, *args: object, **kwargs: object) -> object:
            return function(self.real(fd), *args, **kwargs)

        call.__name__ = call.__qualname__ = getattr(function, "__name__", "call")
        call.__doc__ = function.__doc__
        return call

    def select(self, host_select: Callable[..., Lists]) -> Callable[..., Lists]:
        """`host_select` over the real fds behind the program's; an fd with no real file is ready at once."""
        table = self.table

        def select(rlist: object, wlist: object, xlist: object, timeout: object = None) -> Lists:
            lists = [list(rlist), list(wlist), list(xlist)]  # type: ignore[call-overload]
            if not any(table.elsewhere(_number(item)) for items in lists for item in items):
                return host_select(*lists, timeout)
            real: list[list[object]] = [[], [], []]
            ready: list[set[int]] = [set(), set(), set()]  # positions ready at once (no real file to wait on)
            for which, items in enumerate(lists):
                for position, item in enumerate(items):
                    translated = self.real(item)
                    if which < 2 and table.elsewhere(_number(item)) and translated is item:
                        ready[which].add(position)
                    else:
                        real[which].append(translated)
            found = host_select(*real, 0 if ready[0] or ready[1] else timeout)
            results = []
            for which, items in enumerate(lists):
                hits = {_number(item) for item in found[which]}
                results.append([item for position, item in enumerate(items)
                                if position in ready[which] or _number(self.real(item)) in hits])  # fmt: skip
            return results[0], results[1], results[2]

        return select

    def poll(self, host_poll: Callable[[], Any]) -> Callable[[], object]:
        """`host_poll` (select.poll) whose objects wait on the real fds behind the program's."""

        def poll() -> object:
            return _Poll(host_poll(), self)

        return poll


class _Poll:
    """A poll object over real fds that speaks the program's numbers (see `select.poll`)."""

    __slots__ = ("_poll", "_fds", "_numbers")

    def __init__(self, poll: Any, fds: Translator) -> None:
        self._poll = poll
        self._fds = fds
        self._numbers: dict[int, int] = {}  # real fd -> the program's number

    def _real(self, fd: object, function: str) -> object:
        number = _number(fd)
        real = self._fds.real(number if number is not None else fd)
        if number is not None and self._fds.table.elsewhere(number):
            if real == number:
                hit("fd.native_code", f"select.poll.{function}", {"fd": number})
            self._numbers[real] = number  # type: ignore[index]
        return real

    def register(self, fd: object, eventmask: int = 7) -> None:  # POLLIN | POLLPRI | POLLOUT, poll's default
        self._poll.register(self._real(fd, "register"), eventmask)

    def modify(self, fd: object, eventmask: int) -> None:
        self._poll.modify(self._real(fd, "modify"), eventmask)

    def unregister(self, fd: object) -> None:
        real = self._real(fd, "unregister")
        self._poll.unregister(real)
        self._numbers.pop(real, None)  # type: ignore[call-overload]

    def poll(self, timeout: object = None) -> list[tuple[int, int]]:
        return [(self._numbers.get(fd, fd), events) for fd, events in self._poll.poll(timeout)]

