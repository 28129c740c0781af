"""The shim `posix` and `_posixsubprocess` modules, built from a backend's namespaces.

`posix` is the real module object with its contents replaced in place (and put
back exactly by `ModulePatch.undo`): C code finds state through
`sys.modules["posix"]` (3.13's `os.stat_result`), and programs holding the module
keep their reference.  Under warn, the functions GraalPy lacks stay, each call
logged (`Backend.logged`).  `_posixsubprocess` and the shaped modules written in C
(select, signal, ...) are new modules; socket, whose own functions read its globals
(`socket.create_connection` finds `socket.socket` there, which tests mock), is
changed in place as posix is.
"""

from __future__ import annotations

from interpose.backends.base import graalpy_have_functions
from interpose.compat import hit
from interpose.host import ModuleType
from interpose.shims.builtin_like import builtin_like
from interpose.shims.missing import logged_function, missing_attribute_hook
from interpose.shims.quirks import with_quirks

FD_SETSIZE_ID = "select.fd_setsize"

TYPE_CHECKING = False
if TYPE_CHECKING:
    from interpose.backends.base import Backend


def build_module(name: str, namespace: dict[str, object], host_module: ModuleType) -> ModuleType:
    """A module named like the host's, holding `namespace`."""
    module = ModuleType(name, host_module.__doc__)
    module.__dict__.update(namespace)
    module.__dict__["__name__"] = name
    return module


def posix_contents(backend: Backend, host_posix: ModuleType) -> dict[str, object]:
    """The shim posix's contents: the backend's namespace (built from the host snapshot `host_posix`), GraalPy's
    surface under enforce, and under warn the functions GraalPy lacks wrapped to log their calls."""
    namespace = backend.posix_namespace(host_posix)
    missing = backend.absent()
    with_quirks(namespace, backend.logged_functions)  # GraalPy's own checks and errors (logged under warn)
    if missing:  # enforce: GraalPy's surface, and what os.py reads it from for its supports_* sets
        namespace["__getattr__"] = missing_attribute_hook("posix", missing)
        host_have = namespace.get("_have_functions")
        if isinstance(host_have, list):
            namespace["_have_functions"] = graalpy_have_functions(host_have)
    for name, limitation in backend.logged().items():  # warn: GraalPy lacks them, the host's are kept
        if name in namespace:
            namespace[name] = logged_function(namespace[name], "posix", name, limitation, backend.logged_functions)
    return namespace


class ModulePatch:
    """A real module's contents (posix's; socket's), replaced by a backend's, and how to put them back.

    The contents are saved before anything changes, so `undo` is right even after `apply` failed part-way.
    Of the dunder names only `__getattr__` and `__all__` are the backend's; the module keeps its own others.
    """

    OWN_DUNDERS = ("__getattr__", "__all__")

    def __init__(self, module: ModuleType) -> None:
        self.module = module
        self.saved = dict(vars(module))

    def apply(self, namespace: dict[str, object]) -> None:
        """Give the module `namespace` (`posix_contents`, `shaped_namespace`)."""
        contents = vars(self.module)
        for name in [name for name in contents if name not in namespace and not name.startswith("__")]:
            del contents[name]
        for name, value in namespace.items():
            if not name.startswith("__") or name in self.OWN_DUNDERS:
                contents[name] = value

    def saved_module(self) -> ModuleType:
        """A module holding the contents as they were (what rebinding maps from)."""
        module = ModuleType(self.module.__name__)
        vars(module).update(self.saved)
        return module

    def undo(self) -> None:
        contents = vars(self.module)
        for name in [name for name in contents if name not in self.saved]:
            del contents[name]
        contents.update(self.saved)


def build_posixsubprocess(backend: Backend, host_module: ModuleType) -> ModuleType:
    return build_module("_posixsubprocess", backend.posixsubprocess_namespace(host_module), host_module)


def shaped_namespace(backend: Backend, name: str, host_module: ModuleType) -> dict[str, object]:
    """GraalPy's surface of one of the backend's `shaped_modules` (select, signal, socket, ...).

    Its `__all__` names only what the module has, so that `from socket import *` works as on GraalPy, and an
    access to a missing name is logged by its `__getattr__`.
    """
    namespace = backend.module_namespace(name, host_module)
    exported = namespace.get("__all__")
    if isinstance(exported, list) and any(item not in namespace for item in exported):
        namespace["__all__"] = [item for item in exported if item in namespace]
    missing = backend.module_absent(name, host_module)
    if missing:
        namespace["__getattr__"] = missing_attribute_hook(name, missing)
    if name == "select" and missing:  # enforce: every wait of selectors and asyncio goes through select()
        namespace["select"] = _fd_setsize_logged(namespace["select"], backend.logged_functions)
    return namespace


def _fd_setsize_logged(select: object, cache: dict[tuple[str, str], tuple[object, object]]) -> object:
    """select.select, its ValueError for an fd at or above FD_SETSIZE logged: with no poll or epoll (GraalPy's
    select), a process with many open fds cannot wait on its newest ones at all."""
    cached = cache.get(("select", "select"))
    if cached is not None and cached[0] is select:
        return cached[1]
    assert callable(select)

    def logged(*args: object) -> object:
        try:
            return select(*args)
        except ValueError as error:
            if "out of range" in str(error):
                hit(FD_SETSIZE_ID, "select.select")
            raise

    logged.__name__ = logged.__qualname__ = "select"
    logged.__doc__ = select.__doc__
    wrapper = builtin_like(logged, "select")
    cache["select", "select"] = (select, wrapper)
    return wrapper


def build_shaped(backend: Backend, name: str, host_module: ModuleType) -> ModuleType:
    """The shim of a shaped module written in C (select, fcntl, ...): a new module with GraalPy's surface."""
    return build_module(name, shaped_namespace(backend, name, host_module), host_module)
