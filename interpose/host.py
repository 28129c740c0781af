"""The host operating system, captured before any shim is installed.

Code inside interpose must reach the real OS through this module: once a backend
is active, `import os` anywhere returns the shim, and the real `posix` module
holds the backend's functions (it is patched in place: since 3.13 `os.stat_result`
finds its C state through `sys.modules["posix"]`, so that module object must stay).
`posix` here is a snapshot of the real module's functions taken at import;
`posix_module` is the real module object.  Only the string functions of
`os.path` (join, split, normpath, ...) are safe to use from interpose code; the
ones that touch the filesystem (exists, realpath, abspath, ...) are rebound to
the shim like every other module's.  Activation never rebinds interpose's own
modules, so the names below always mean the host.
"""

from __future__ import annotations

import os as _os
import posix as _posix

TYPE_CHECKING = False
if TYPE_CHECKING:
    from types import ModuleType
else:
    ModuleType = type(_os)  # types.ModuleType, without importing `types` into a program that would not

os = _os
posix_module = _posix
posix = ModuleType("posix", _posix.__doc__)
posix.__dict__.update(vars(_posix))
