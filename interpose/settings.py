"""The settings of one activation, and how they travel in `INTERPOSE_*` variables.

The command line writes them to the environment so that every child Python
process (through the `.pth` start-up line) is interposed the same way.
"""

from __future__ import annotations

from interpose.backends import canonical_backend
from interpose.compat import POLICIES
from interpose.events.levels import NAMES as LEVEL_NAMES
from interpose.events.levels import parse_level

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from interpose.fs.base import FileSystem

ENVIRONMENT = {
    "backend": "INTERPOSE_BACKEND",
    "policy": "INTERPOSE_POLICY",
    "log_level": "INTERPOSE_LOG_LEVEL",
    "log_file": "INTERPOSE_LOG_FILE",
    "fs": "INTERPOSE_FS",
}


SANDBOX_FIELDS = ("backend", "policy", "fs")  # what runs and what it may touch: a bad one never runs the program


class SettingError(ValueError):
    """A bad setting; `field` names it (a sandbox field fails closed at start-up, a log field fails open)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def canonical_policy(name: str) -> str:
    policy = name.strip().lower()
    if policy not in POLICIES:
        raise ValueError(f"unknown policy {name!r}; expected enforce or warn")
    return policy


def canonical_level(name: str) -> str:
    parse_level(name)
    return name.strip().upper()


def environment_values(environ: Mapping[str, str]) -> dict[str, str]:
    """The settings given by non-empty `INTERPOSE_*` variables."""
    return {field: environ[variable] for field, variable in ENVIRONMENT.items() if environ.get(variable)}


def canonical_fs(fs: object) -> str | FileSystem:
    """A spec string (parsed when the backend is built), or a provider object (the java backend serves it)."""
    if isinstance(fs, str):
        return fs
    from interpose.fs.base import FileSystem

    if isinstance(fs, FileSystem):
        return fs
    raise TypeError(f"fs must be a spec string or an interpose.fs.FileSystem, not {type(fs).__name__}")


def _checked(field: str, canonical: Callable[[str], str], value: str) -> str:
    try:
        return canonical(value)
    except SettingError:
        raise
    except ValueError as error:
        raise SettingError(field, str(error)) from None


class Settings:
    """Backend, policy, log level, log file and filesystem of one activation (validated)."""

    __slots__ = ("backend", "policy", "log_level", "log_file", "fs")

    def __init__(
        self,
        backend: str = "java",
        policy: str = "enforce",
        log_level: str = "INFO",
        log_file: str | None = None,
        fs: str | FileSystem = "host",
    ) -> None:
        self.backend = _checked("backend", canonical_backend, backend)
        self.policy = _checked("policy", canonical_policy, policy)
        self.log_level = _checked("log_level", canonical_level, log_level)
        self.log_file = log_file or None
        self.fs = canonical_fs(fs)
        if self.backend != "java" and not (isinstance(self.fs, str) and self.fs.strip() == "host"):
            shown = self.fs if isinstance(self.fs, str) else type(self.fs).__name__
            raise SettingError(
                "fs", f"the filesystem {shown!r} needs the java backend (the native backend is the host itself)"
            )

    @property
    def sandboxed(self) -> bool:
        """Whether these settings keep the program from the host's files (a provider other than host)."""
        return self.backend == "java" and not (isinstance(self.fs, str) and self.fs.strip() == "host")

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.__slots__)
        return f"Settings({fields})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Settings):
            return NotImplemented
        return all(getattr(self, name) == getattr(other, name) for name in self.__slots__)

    @classmethod
    def from_environment(cls, environ: Mapping[str, str], **defaults: str) -> Settings:
        """Settings from `INTERPOSE_*` variables, falling back to `defaults`, then to the API's defaults."""
        return cls(**{**defaults, **environment_values(environ)})

    def to_environment(self) -> dict[str, str]:
        """The `INTERPOSE_*` variables that reproduce these settings in a child process."""
        from interpose.host import os

        values = {
            "backend": self.backend,
            "policy": self.policy,
            "log_level": self.log_level,
            "log_file": os.path.join(os.getcwd(), self.log_file) if self.log_file else "",
            "fs": self.fs if isinstance(self.fs, str) else "",
        }
        return {ENVIRONMENT[field]: value for field, value in values.items()}


__all__ = ["ENVIRONMENT", "LEVEL_NAMES", "SANDBOX_FIELDS", "SettingError", "Settings"]
