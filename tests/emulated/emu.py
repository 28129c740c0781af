"""Emulated backends the tests drive side by side, without a process-wide activation.

`Emulated(spec)` builds a java backend over the provider `spec` (a spec string or
a FileSystem) and exposes the functions of the shim ``posix`` it would install
(the very objects the shim ``os`` hands out).  Each backend's functions are
closures over its own process, so several backends live at once, as the
differential test needs; a call is made with a compat session open, which the
limitations record into.  Whole-``os`` behaviour (``os.walk``, ``shutil``) is tested under a real
activation instead (`activated`).
"""

from __future__ import annotations

import contextlib
import posix
import sys
from collections.abc import Callable, Iterator
from typing import Any

import interpose
from interpose import compat
from interpose.backends.emulated import EmulatedBackend
from interpose.fs.base import FileSystem


class Emulated:
    """One emulated process over one provider; `call(name, ...)` runs a shim posix function in it."""

    def __init__(self, spec: str | FileSystem, policy: str = "enforce") -> None:
        self.spec = spec
        self.policy = policy
        self.backend = EmulatedBackend(policy, spec)
        self.process = self.backend.process
        self.functions: dict[str, Any] = self.backend.posix_namespace(posix)

    @contextlib.contextmanager
    def bound(self) -> Iterator[dict[str, Any]]:
        previous = compat.current()
        compat.begin(compat.Session("java", self.policy, None))
        try:
            yield self.functions
        finally:
            compat.end()
            if previous is not None:
                compat.begin(previous)

    def call(self, name: str, *args: Any, **kwargs: Any) -> Any:
        with self.bound() as functions:
            return functions[name](*args, **kwargs)

    def run(self, body: Callable[[dict[str, Any]], Any]) -> Any:
        with self.bound() as functions:
            return body(functions)

    def close(self) -> None:
        with self.bound():
            self.backend.close()


@contextlib.contextmanager
def activated(fs: str, policy: str = "enforce", **options: Any) -> Iterator[Any]:
    """The shim os of a real, short activation."""
    options.setdefault("log_level", "OFF")
    interpose.activate(backend="java", fs=fs, policy=policy, **options)
    try:
        yield sys.modules["os"]
    finally:
        interpose.deactivate()
