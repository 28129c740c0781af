"""CPython's test.support as GraalPy's copy of it behaves: SuppressCrashReport leaves the core-dump limit alone.

GraalPy's lib-python/3/test/support/__init__.py comments out the
getrlimit/setrlimit pair of `SuppressCrashReport` ("Graalpython does not support
getrlimit/setrlimit yet"); CPython's would meet the missing `resource.setrlimit`
in every test that suppresses crash reports, failures GraalPy's own runs of the
same tests do not have.  On Linux the rest of `__enter__` does nothing, so the
patched one only records that no limit was changed (`__exit__` then restores none).
"""

from __future__ import annotations

import sys

from interpose.stdlib import swap

TYPE_CHECKING = False
if TYPE_CHECKING:
    from types import ModuleType

    from interpose.rebinding import Swap


def _enter(self: object) -> object:
    self.resource = None  # type: ignore[attr-defined]  # __exit__ restores no limit
    return self


def patch(module: ModuleType, swaps: list[Swap]) -> None:
    suppress = getattr(module, "SuppressCrashReport", None)
    if suppress is not None and sys.platform == "linux":
        swap(suppress, "__enter__", _enter, swaps)
