"""Imports follow the provider, as on GraalPy: only the language home is read around it.

GraalPy reads its own standard library through the host whatever the Truffle
FileSystem (the language home), and everything else a program imports through
that FileSystem.  Here the "home" is the interpreter's library directories
(`sys.prefix` and `sys.base_prefix`, lib-dynload included), the environment's
site-packages (and the user site when enabled) and interpose's own package.
CPython's importlib and zipimport reach files through module globals (`_os`,
`_io`, `_imp`); under a provider other than `host` those globals are replaced by
routed copies that send a home path to the host (read-only: no `.pyc` is ever
written there) and any other path to the backend's `posix`, `open` and `FileIO`,
so `import mod` finds `mod.py` in `--fs memory`, and `io.open_code`,
`SourceFileLoader.get_data` and `set_data` of a host file are the provider's.
An extension module outside the home cannot be read through a provider (the
dynamic loader opens it itself): refused under `enforce`, logged under `warn`.
The routed copies are module objects like the ones they stand for; activation
sets them as overrides, so deactivation puts the originals back.
"""

from __future__ import annotations

import sys

from interpose.host import ModuleType, posix

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable

_EROFS = 30  # errno.EROFS, without importing errno into every program
_WRITE_FLAGS = posix.O_WRONLY | posix.O_RDWR | posix.O_CREAT | posix.O_TRUNC | posix.O_APPEND


def home_roots() -> tuple[str, ...]:
    """The directories read from the host under any provider: the interpreter's, the environment's, interpose's."""
    version = f"python{sys.version_info[0]}.{sys.version_info[1]}"
    prefixes = {sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix}
    roots = {f"{prefix}/{lib}/{version}" for prefix in prefixes for lib in ("lib", "lib64")}
    roots.update(f"{prefix}/lib/python{sys.version_info[0]}{sys.version_info[1]}.zip" for prefix in prefixes)
    site = sys.modules.get("site")
    if site is not None:
        roots.update(getattr(site, "getsitepackages", list)())
        if getattr(site, "ENABLE_USER_SITE", False) and getattr(site, "USER_SITE", None):
            roots.add(site.USER_SITE)
    package = __file__.rpartition("/")[0]
    roots.add(package)
    real = set()
    for root in roots:
        try:
            real.add(_realpath(root))
        except OSError:
            continue
    return tuple(sorted(_clean(root) for root in roots | real if root.startswith("/")))


def _realpath(path: str) -> str:
    from interpose.host import os

    return os.path.realpath(path, strict=True) if sys.version_info >= (3, 10) else os.path.realpath(path)


def _clean(path: str) -> str:
    return "/" + "/".join(name for name in path.split("/") if name and name != ".")


class ImportAccess:
    """Which files imports read from the host, and the routed `_os`, `_io` and `_imp` they get."""

    def __init__(
        self,
        shim_posix: ModuleType,
        shim_open: Callable[..., object],
        shim_file_io: Callable[..., object],
        native_extension: Callable[[str], bool],
        roots: tuple[str, ...] | None = None,
    ) -> None:
        import _imp
        import _io

        self.roots = home_roots() if roots is None else roots
        self._shim_posix = shim_posix
        self._shim_open = shim_open
        self._shim_file_io = shim_file_io
        self._host_open: Callable[..., object] = _io.open
        self._host_file_io: Callable[..., object] = _io.FileIO
        self._host_create_dynamic: Callable[..., object] = _imp.create_dynamic
        self._native_extension = native_extension
        self.os = self._routed_os()
        self.io = _copy(_io, open_code=self.open_code, FileIO=self.file_io)
        self.imp = _copy(_imp, create_dynamic=self.create_dynamic)

    def is_home(self, path: object) -> bool:
        """A home path: absolute, without `..`, below one of the roots (a relative path is the provider's cwd's)."""
        if isinstance(path, bytes):
            path = path.decode("utf-8", "surrogateescape")
        if not isinstance(path, str) or path[:1] != "/" or "/../" in f"{path}/":
            return False
        clean = _clean(path) if ("//" in path or "/." in path) else path.rstrip("/") or "/"
        return any(clean == root or clean.startswith(root + "/") for root in self.roots)

    def _routed_os(self) -> ModuleType:
        def route(name: str, writes: bool) -> Callable[..., object]:
            host, shim = getattr(posix, name), getattr(self._shim_posix, name)

            def routed(path: object, *args: object, **kwargs: object) -> object:
                if not self.is_home(path):
                    return shim(path, *args, **kwargs)
                if writes or (name == "open" and args and int(args[0]) & _WRITE_FLAGS):  # type: ignore[call-overload]
                    raise _read_only(path)
                return host(path, *args, **kwargs)

            routed.__name__ = routed.__qualname__ = name
            return routed

        functions: dict[str, object] = {
            "getcwd": self._shim_posix.getcwd,
            "stat": route("stat", False),
            "listdir": route("listdir", False),
            "open": route("open", False),
            "mkdir": route("mkdir", True),
            "replace": route("replace", True),
            "unlink": route("unlink", True),
        }
        return _copy(posix, **functions)

    def open_code(self, path: str) -> object:
        """`io.open_code` for importlib: a home file from the host, anything else through the provider."""
        if not isinstance(path, str):
            raise TypeError(f"open_code() argument 'path' must be str, not {type(path).__name__}")
        return (self._host_open if self.is_home(path) else self._shim_open)(path, "rb")

    def file_io(self, file: object, mode: str = "r", *args: object, **kwargs: object) -> object:
        """`_io.FileIO` for importlib: fds are the backend's (from the routed `_os.open`); home files are read-only."""
        if isinstance(file, int) or not self.is_home(file):
            return self._shim_file_io(file, mode, *args, **kwargs)
        if mode.strip("rb"):
            raise _read_only(file)
        return self._host_file_io(file, mode, *args, **kwargs)

    def create_dynamic(self, spec: object, *args: object) -> object:
        """Extension modules: the dynamic loader reads the file itself, so only a home one can be loaded."""
        origin = getattr(spec, "origin", None)
        if not self.is_home(origin) and self._native_extension(str(origin)):
            raise ImportError(
                f"cannot load the extension module {origin!r}: native code cannot be read through the filesystem "
                "provider (only the interpreter's library and site-packages are read from the host)",
                name=getattr(spec, "name", None),
                path=str(origin),
            )
        return self._host_create_dynamic(spec, *args)

    def overrides(self) -> dict[tuple[str, str], object]:
        """The module globals importlib and zipimport read files through, routed."""
        return {
            ("_frozen_importlib_external", "_os"): self.os,
            ("_frozen_importlib_external", "_io"): self.io,
            ("_frozen_importlib_external", "_imp"): self.imp,
            ("zipimport", "_io"): self.io,
        }


def host_overrides(host_io: ModuleType) -> dict[tuple[str, str], object]:
    """Under the host provider imports read the host: importlib and zipimport get `host_io`."""
    return {("_frozen_importlib_external", "_io"): host_io, ("zipimport", "_io"): host_io}


def host_io_copy() -> ModuleType:
    """A copy of `_io` whose `open_code` and `FileIO` stay the host's when `_io.open` follows the backend."""
    import _io

    host_open = _io.open

    def open_code(path: str) -> object:
        if not isinstance(path, str):
            raise TypeError(f"open_code() argument 'path' must be str, not {type(path).__name__}")
        return host_open(path, "rb")

    return _copy(_io, open_code=open_code)


def invalidate_path_caches() -> None:
    """Forget the directory listings path finders cached: they were read from another filesystem."""
    for finder in list(sys.path_importer_cache.values()):
        invalidate = getattr(finder, "invalidate_caches", None)
        if invalidate is not None:
            invalidate()


def _copy(module: ModuleType, **replaced: object) -> ModuleType:
    copy = ModuleType(module.__name__, module.__doc__)
    copy.__dict__.update(vars(module))
    copy.__dict__.update(replaced)
    return copy


def _read_only(path: object) -> OSError:
    return OSError(_EROFS, "Read-only file system (the interpreter's library is read from the host)", path)
