"""tarfile as GraalPy's copy of it behaves: an owner the java backend will not look up is an unknown one.

GraalPy's lib-python/3/tarfile.py ("GraalPy change") catches io.UnsupportedOperation
from `pwd.getpwuid` in `gettarinfo`, because its java backend refuses to look up any
user but the current one; CPython's catches only KeyError, so `TarFile.add` of a file
another user owns would fail where GraalPy's leaves `uname` empty.  tarfile's `pwd`
becomes a view of the module whose getpwuid turns that refusal into the KeyError
CPython's code already handles (the refusal is still logged by the pwd shim).
"""

from __future__ import annotations

import io

from interpose.stdlib import swap

TYPE_CHECKING = False
if TYPE_CHECKING:
    from types import ModuleType

    from interpose.rebinding import Swap


class _Passwords:
    """`pwd` as GraalPy's tarfile uses it."""

    def __init__(self, module: ModuleType) -> None:
        self._module = module

    def __getattr__(self, name: str) -> object:
        return getattr(self._module, name)

    def getpwuid(self, uid: int) -> object:
        try:
            return self._module.getpwuid(uid)
        except io.UnsupportedOperation:
            raise KeyError(uid) from None


def patch(module: ModuleType, backend: str, swaps: list[Swap]) -> None:
    passwords = getattr(module, "pwd", None)
    if backend == "java" and passwords is not None and not isinstance(passwords, _Passwords):
        swap(module, "pwd", _Passwords(passwords), swaps)
