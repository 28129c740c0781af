"""interpose: run CPython code as it behaves on GraalPy's POSIX backends.

The public API is `activate`, `deactivate` and `activated`; everything heavy is
imported lazily so that `import interpose` stays cheap at interpreter start-up.
"""

from __future__ import annotations

__version__ = "0.1.0"
