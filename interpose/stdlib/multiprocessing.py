"""multiprocessing as GraalPy's patched copy behaves (its lib-python/3/multiprocessing/context.py and pool.py).

GraalPy starts processes only by spawn: `get_all_start_methods()` is
['spawn'], the default context is spawn, starting a process of the fork or
forkserver context raises NotImplementedError (the forkserver context is not
even available there: without CMSG_LEN and sendmsg in its socket, `get_context`
raises ValueError), and on the java backend spawn itself raises ValueError.
CPython's module is patched where GraalPy's differs: the `_Popen` of the process classes, the default context, and
`get_all_start_methods` (both the method and the bound copy the package
exported at import).  On the java backend a SemLock (every lock, semaphore and
queue of multiprocessing) cannot be made (EINVAL) and shared memory is refused,
so GraalPy's ThreadPool gives its pool a threading lock.  Under warn CPython's
behaviour stays and each is logged.  Every change is a swap that deactivation undoes.
"""

from __future__ import annotations

import errno

from interpose.compat import ENFORCE, hit
from interpose.host import ModuleType, os
from interpose.stdlib import swap

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from types import ModuleType

    from interpose.rebinding import Swap


def _refusing_popen(
    popen: Callable[[object], object], limitation: str, function: str, error: Callable[[], Exception]
) -> staticmethod[[object], object]:
    def _Popen(process_obj: object) -> object:
        if hit(limitation, function):
            raise error()
        return popen(process_obj)

    return staticmethod(_Popen)


def _spawned_by_default(popen: Callable[[object], object], spawn_process: type) -> staticmethod[[object], object]:
    """A process of the default context starts by spawn, as on GraalPy (CPython on Linux forks it): noted at FINE,
    and at INFO when its target or arguments cannot be pickled, which spawn needs and fork does not."""

    def _Popen(process_obj: object) -> object:
        if isinstance(process_obj, spawn_process):  # the program chose spawn itself
            return popen(process_obj)
        hit("multiprocessing.start_methods", "multiprocessing.Process.start")
        try:
            return popen(process_obj)
        except Exception as error:
            if _raised_by_pickling(error):
                hit("multiprocessing.spawn_pickle", "multiprocessing.Process.start")
            raise

    return staticmethod(_Popen)


def _raised_by_pickling(error: BaseException) -> bool:
    """Whether `error` came out of multiprocessing's pickling of the process (reduction.dump): its message varies
    (3.11 "Can't pickle local object", 3.13 "Can't get local object", "cannot pickle '_thread.lock' object")."""
    traceback = error.__traceback__
    while traceback is not None:
        code = traceback.tb_frame.f_code
        if code.co_name == "dump" and code.co_filename.endswith("reduction.py"):
            return True
        traceback = traceback.tb_next
    return False


def _unavailable_logged(check: Callable[[object], None]) -> Callable[[object], None]:
    """The forkserver context is unavailable where multiprocessing cannot pass fds (reduction.HAVE_SEND_HANDLE):
    on GraalPy always, as its socket has neither CMSG_LEN nor sendmsg, so `get_context('forkserver')` raises
    ValueError before any process starts; that is a hit of the forkserver entry too."""

    def _check_available(self: object) -> None:
        try:
            check(self)
        except ValueError as error:
            hit("multiprocessing.forkserver", "multiprocessing.get_context", {"error": str(error)})
            raise

    return _check_available


def _start_methods(original: Callable[[object], list[str]]) -> Callable[[object], list[str]]:
    def get_all_start_methods(self: object) -> list[str]:
        if hit("multiprocessing.start_methods", "multiprocessing.get_all_start_methods"):
            return ["spawn"]
        return original(self)

    return get_all_start_methods


def patch(package: ModuleType, backend: str, policy: str, swaps: list[Swap]) -> None:
    """Make the imported `multiprocessing` package GraalPy's for `backend` and `policy`; record each change."""
    context = package.context
    refused: dict[str, tuple[str, Callable[[], Exception]]] = {
        "ForkProcess": ("multiprocessing.fork", lambda: NotImplementedError("'fork' not supported on GraalPy")),
        "ForkServerProcess": (
            "multiprocessing.forkserver",
            lambda: NotImplementedError("'forkserver' not supported on GraalPy"),
        ),
    }
    if backend == "java":
        refused["SpawnProcess"] = (
            "multiprocessing.java",
            lambda: ValueError("multiprocessing not supported with the java POSIX backend"),
        )
    for name, (limitation, error) in refused.items():
        process = getattr(context, name, None)
        if process is not None:
            method = f"multiprocessing.{process._start_method}"
            swap(process, "_Popen", _refusing_popen(process._Popen, limitation, method, error), swaps)
    server_context = getattr(context, "ForkServerContext", None)
    if server_context is not None:
        swap(server_context, "_check_available", _unavailable_logged(server_context._check_available), swaps)
    default = context.DefaultContext
    methods = _start_methods(default.get_all_start_methods)
    swap(default, "get_all_start_methods", methods, swaps)
    if "get_all_start_methods" in vars(package):
        swap(package, "get_all_start_methods", methods.__get__(context._default_context), swaps)
    spawn = context._concrete_contexts.get("spawn")
    if policy == ENFORCE and spawn is not None:
        spawn_process = context.SpawnProcess
        if backend != "java":  # java refuses spawn itself (above)
            swap(spawn_process, "_Popen", _spawned_by_default(spawn_process._Popen, spawn_process), swaps)
        default_context = context._default_context
        state = vars(default_context)
        if state["_actual_context"] is None:  # looked up while active, it is spawn: unset again afterwards
            swaps.append((state, "_actual_context", None, spawn))
        elif state["_actual_context"] is state["_default_context"]:  # the default, already looked up
            swap(default_context, "_actual_context", spawn, swaps)
        swap(default_context, "_default_context", spawn, swaps)


def patch_synchronize(module: ModuleType, backend: str, policy: str, swaps: list[Swap]) -> None:
    """java: making a SemLock fails with EINVAL, as GraalPy's emulated semOpen does (multiprocessing.semlock)."""
    if backend != "java":
        return
    semlock = module.SemLock
    original = semlock.__init__

    def __init__(self: object, *args: object, **kwargs: object) -> None:
        if hit("multiprocessing.semlock", "_multiprocessing.SemLock"):
            raise OSError(errno.EINVAL, os.strerror(errno.EINVAL))
        original(self, *args, **kwargs)

    __init__.__qualname__ = original.__qualname__
    swap(semlock, "__init__", __init__, swaps)


def patch_shared_memory(module: ModuleType, backend: str, policy: str, swaps: list[Swap]) -> None:
    """java: shm_open and shm_unlink are refused (mmap.shm_open, mmap.shm_unlink), as GraalPy's emulated layer does."""
    host = vars(module).get("_posixshmem")
    if backend != "java" or host is None:
        return
    from interpose.backends.emulated.fileops import unsupported

    shim = ModuleType(host.__name__, host.__doc__)
    vars(shim).update(vars(host))
    vars(shim)["shm_open"] = _refused_function(_adopting(host.shm_open), "mmap.shm_open", "shm_open", unsupported)
    vars(shim)["shm_unlink"] = _refused_function(host.shm_unlink, "mmap.shm_unlink", "shm_unlink", unsupported)
    swap(module, "_posixshmem", shim, swaps)


def _adopting(shm_open: Callable[..., int]) -> Callable[..., int]:
    """Under warn: the fd shm_open returns (C code's) made one of the program's own, as os.open's would be."""
    from interpose import activation

    def adopting(path: object, flags: int, mode: int = 0o777) -> int:
        fd = shm_open(path, flags, mode)
        active = activation.active()
        adopt = getattr(active.backend, "adopt_host_fd", None) if active is not None else None
        if adopt is not None:
            adopt(fd, flags)
        return fd

    return adopting


def _refused_function(
    host: Callable[..., object], limitation: str, name: str, error: Callable[[str], Exception]
) -> Callable[..., object]:
    def refused(*args: object, **kwargs: object) -> object:
        if hit(limitation, f"_posixshmem.{name}"):
            raise error(name)
        return host(*args, **kwargs)

    refused.__name__ = refused.__qualname__ = name
    return refused


def patch_reduction(module: ModuleType, backend: str, policy: str, swaps: list[Swap]) -> None:
    """java, warn: fds sent over a Unix socket are the real files behind the program's emulated fds (as
    pass_fds gives a child), and the fds received become the program's own.  GraalPy's socket has no sendmsg
    (socket.names): under enforce multiprocessing never sends fds (reduction.HAVE_SEND_HANDLE is False)."""
    if backend != "java" or policy == ENFORCE:
        return
    from interpose import activation

    send, receive = module.sendfds, module.recvfds

    def sendfds(sock: object, fds: list[int]) -> object:
        hit("socket.names", "socket.socket.sendmsg")
        active = activation.active()
        host_fd = getattr(active.backend, "host_fd", None) if active is not None else None
        if host_fd is None:
            return send(sock, fds)
        real = [host_fd(fd) for fd in fds]
        if None in real:
            hit("fd.native_code", "multiprocessing.reduction.sendfds", {"fds": list(fds)})
            raise OSError(errno.EBADF, "a file that exists only in the emulated filesystem cannot be sent")
        return send(sock, real)

    def recvfds(sock: object, size: int) -> list[int]:
        fds: list[int] = receive(sock, size)
        active = activation.active()
        adopt = getattr(active.backend, "adopt_host_fd", None) if active is not None else None
        if adopt is not None:
            for fd in fds:
                adopt(fd, os.O_RDWR)
        return fds

    swap(module, "sendfds", sendfds, swaps)
    swap(module, "recvfds", recvfds, swaps)


class _ThreadLockContext:
    """The context GraalPy's ThreadPool gives Pool: the default one, whose Lock is a threading lock."""

    def __init__(self, context: object) -> None:
        self._context = context

    def __getattr__(self, name: str) -> object:
        return getattr(self._context, name)

    def get_context(self, method: str | None = None) -> object:
        return self if method is None else self._context.get_context(method)  # type: ignore[attr-defined]

    def Lock(self) -> object:  # noqa: N802 - the context's own name
        import threading

        return threading.Lock()

    def SimpleQueue(self) -> object:  # noqa: N802
        from multiprocessing.queues import SimpleQueue

        return SimpleQueue(ctx=self)


def patch_pool(module: ModuleType, backend: str, policy: str, swaps: list[Swap]) -> None:
    """GraalPy's ThreadPool: its pool's notifier queue takes a threading lock, not a SemLock (which java lacks)."""
    if policy != ENFORCE:
        return
    pool, thread_pool, get_context = module.Pool, module.ThreadPool, module.get_context

    def __init__(self: object, processes: int | None = None, initializer: object = None, initargs: tuple = ()) -> None:
        pool.__init__(self, processes, initializer, initargs, context=_ThreadLockContext(get_context()))

    __init__.__qualname__ = thread_pool.__init__.__qualname__
    swap(thread_pool, "__init__", __init__, swaps)
