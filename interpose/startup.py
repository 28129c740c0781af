"""Start-up activation from `INTERPOSE_*` variables, for the `.pth` line and `sitecustomize`.

The wheel installs `interpose.pth`, whose one line calls `activate_from_environment`
when INTERPOSE_BACKEND is set (and costs a dictionary lookup when it is not), so
every Python process a program starts is interposed like its parent.  In a
`sitecustomize.py` of your own, call the same function.  A process is never
activated twice, and a bad setting is one line on stderr, never a traceback.
"""

from __future__ import annotations

import sys

# A site directory can be processed twice (a venv's lib64 -> lib link): try once per process.
_attempted = False


def activate_from_environment() -> bool:
    """Activate from the environment unless already tried; return whether this call activated."""
    global _attempted
    from interpose import activation
    from interpose.host import os
    from interpose.settings import Settings

    if _attempted or activation.active() is not None or not os.environ.get("INTERPOSE_BACKEND"):
        return False
    _attempted = True
    try:
        activation.activate(Settings.from_environment(os.environ))
    except (ValueError, OSError, NotImplementedError) as error:
        sys.stderr.write(f"interpose: not activated: {error}\n")
        return False
    return True
