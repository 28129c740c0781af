"""Start-up activation from `INTERPOSE_*` variables, for the `.pth` line and `sitecustomize`.

The wheel installs `interpose.pth`, whose one line calls `activate_from_environment`
when INTERPOSE_BACKEND is set (and costs a dictionary lookup when it is not), so
every Python process a program starts is interposed like its parent.  In a
`sitecustomize.py` of your own, call the same function.  A process is never
activated twice.

Settings fail closed where a sandbox is at stake: a bad INTERPOSE_BACKEND,
INTERPOSE_POLICY or INTERPOSE_FS, a provider that cannot be built, or any failure
while a provider other than `host` is asked for, stops the process with one line
and status 2 (site.py prints and ignores an exception from a `.pth` line, and
a SystemExit there is a fatal error, so the process is ended with `os._exit`).
Where no sandbox is lost (a bad log level, an unwritable log file, with the host
filesystem), it is one line on stderr and the program runs plain.
"""

from __future__ import annotations

import sys

# A site directory can be processed twice (a venv's lib64 -> lib link): try once per process.
_attempted = False

STOP_STATUS = 2


def activate_from_environment() -> bool:
    """Activate from the environment unless already tried; return whether this call activated."""
    global _attempted
    from interpose import activation
    from interpose.host import os
    from interpose.settings import SANDBOX_FIELDS, SettingError, Settings

    if _attempted or activation.active() is not None or not os.environ.get("INTERPOSE_BACKEND"):
        return False
    _attempted = True
    sandbox_asked = os.environ.get("INTERPOSE_FS", "host").strip() not in ("", "host")
    try:
        settings = Settings.from_environment(os.environ)
        backend = activation.make_backend(settings)
    except SettingError as error:
        if error.field in SANDBOX_FIELDS or sandbox_asked:
            _stop(error)
        return _not_activated(error)
    except (ValueError, OSError, TypeError, NotImplementedError) as error:  # the provider cannot be built
        _stop(error)
    try:
        activation.activate(settings, backend)
    except (ValueError, OSError, NotImplementedError) as error:  # the log file, forwarding
        if settings.sandboxed:
            _stop(error)
        return _not_activated(error)
    return True


def _not_activated(error: BaseException) -> bool:
    sys.stderr.write(f"interpose: not activated: {error}\n")
    return False


def _stop(error: BaseException) -> None:
    """End the process before the program runs: it asked for a sandbox that cannot be given."""
    from interpose.host import os

    message = f"interpose: cannot start: {error} (the program did not run)\n"
    try:
        sys.stderr.write(message)
        sys.stderr.flush()
    except (OSError, ValueError, AttributeError):
        os.write(2, message.encode("utf-8", "backslashreplace"))
    os._exit(STOP_STATUS)
