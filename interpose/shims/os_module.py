"""The shim `os`: CPython's own `Lib/os.py` executed again over the shim `posix`.

That is how GraalPy gets its `os`, and it gives `os.walk`, `os.makedirs`,
`os.fwalk`, `os.popen`, `os.fdopen` and the `supports_*` sets over the backend
for free.  Objects that programs hold on to keep their identity: the environ
mappings and the PathLike ABC are the host's own.
"""

from __future__ import annotations

import sys

from interpose.host import ModuleType
from interpose.shims.missing import missing_attribute_hook

TYPE_CHECKING = False
if TYPE_CHECKING:
    from types import CodeType

# Names whose host objects the shim `os` keeps, so that identity and isinstance hold.
KEPT_FROM_HOST = ("environ", "environb", "_Environ", "PathLike", "error")


def _os_code(host_os: ModuleType) -> CodeType:
    """The compiled os.py: frozen in 3.11+, else the cached bytecode of the stdlib file."""
    import _imp

    if _imp.is_frozen("os"):
        return _imp.get_frozen_object("os")
    from _frozen_importlib_external import SourceFileLoader  # importlib.machinery's, without importing importlib

    path = host_os.__file__
    assert path is not None
    code = SourceFileLoader("os", path).get_code("os")
    assert code is not None
    return code


def build_os(shim_posix: ModuleType, host_os: ModuleType, missing: dict[str, str]) -> ModuleType:
    """Run os.py with `posix` meaning the shim, and return the resulting module."""
    module = ModuleType("os", host_os.__doc__)
    module.__dict__["__file__"] = host_os.__file__
    saved = sys.modules.get("posix")
    sys.modules["posix"] = shim_posix
    try:
        exec(_os_code(host_os), module.__dict__)
    finally:
        if saved is None:
            sys.modules.pop("posix", None)
        else:
            sys.modules["posix"] = saved
    for name in KEPT_FROM_HOST:
        if name in vars(host_os):
            module.__dict__[name] = vars(host_os)[name]
    if missing:
        module.__dict__["__getattr__"] = missing_attribute_hook("os", missing)
    return module
