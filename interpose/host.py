"""The host operating system, captured before any shim is installed.

Code inside interpose must reach the real OS through this module: once a backend
is active, `import os` anywhere returns the shim.  Only the string functions of
`os.path` (join, split, normpath, ...) are safe to use from interpose code; the
ones that touch the filesystem (exists, realpath, abspath, ...) are rebound to
the shim like every other module's.  Activation never rebinds interpose's own
modules, so the names below always mean the host.
"""

from __future__ import annotations

import os as _os
import posix as _posix

os = _os
posix = _posix
