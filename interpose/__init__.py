"""interpose: run CPython code as it behaves on GraalPy's POSIX backends.

The API is `activate`, `deactivate` and the `activated` context manager.  The
API's default backend is `java`, as in GraalPy embedded; the command line's is
`native`, as GraalPy's launcher.  Everything heavy is imported lazily so that
`import interpose` stays cheap at interpreter start-up.

PYTEST_DONT_REWRITE: imported before pytest when interposed, and a pytest11 plugin, so pytest must not warn.
"""

from __future__ import annotations

__version__ = "0.1.0"

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from interpose.fs.base import FileSystem
    from interpose.settings import Settings

__all__ = ["activate", "activated", "deactivate", "is_active"]


def activate(
    backend: str = "java",
    policy: str = "enforce",
    log_level: str = "INFO",
    log_file: str | None = None,
    fs: str | FileSystem = "host",
) -> Settings:
    """Interpose `os`, `posix` and `_posixsubprocess` for the whole process; return the settings in force."""
    from interpose import activation
    from interpose.settings import Settings

    settings = Settings(backend=backend, policy=policy, log_level=log_level, log_file=log_file, fs=fs)
    activation.activate(settings)
    return settings


def deactivate() -> Settings | None:
    """Put back every module and reference as it was; return the settings that were active (None if none)."""
    from interpose import activation

    return activation.deactivate()


def is_active() -> bool:
    from interpose import activation

    return activation.active() is not None


def activated(*args: Any, **kwargs: Any) -> _Activated:
    """Context manager: interposed inside the `with` block, restored after it; `activate`'s parameters."""
    return _Activated(args, kwargs)


activated.__wrapped__ = activate  # type: ignore[attr-defined]  # help() and inspect.signature() show them


class _Activated:
    def __init__(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
        self._args = args
        self._kwargs = kwargs

    def __enter__(self) -> Settings:
        return activate(*self._args, **self._kwargs)

    def __exit__(self, *exc_info: object) -> None:
        deactivate()
