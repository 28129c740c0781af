"""The checks GraalPy's `fork_exec` makes on both backends before it starts a child.

`preexec_fn` is refused (RuntimeError), and the credential arguments gid,
extra_groups, uid and umask are dropped without a word.  Under `warn` the
arguments go through unchanged; either way the hit is logged.
"""

from __future__ import annotations

import sys

from interpose.compat import hit

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable

FUNCTION = "_posixsubprocess.fork_exec"

# Positions in fork_exec's (positional-only) argument list; 3.11 added process_group before gid.
_GID = 16 if sys.version_info < (3, 11) else 17
_PREEXEC_FN = _GID + 4
_ARGUMENT_COUNT = 21 if sys.version_info < (3, 11) else 23
# (argument, position, the value that means "not set")
_CREDENTIALS: tuple[tuple[str, int, object], ...] = (
    ("gid", _GID, None),
    ("extra_groups", _GID + 1, None),
    ("uid", _GID + 2, None),
    ("umask", _GID + 3, -1),
)


def apply_limitations(args: tuple[object, ...]) -> tuple[object, ...]:
    """Return fork_exec's arguments as GraalPy would use them, or raise as GraalPy does."""
    if len(args) != _ARGUMENT_COUNT:
        return args  # let the host's fork_exec report the wrong call with its own TypeError
    if args[_PREEXEC_FN] is not None and hit("subprocess.preexec_fn", FUNCTION):
        raise RuntimeError("preexec_fn not supported")
    changed = list(args)
    for name, position, unset in _CREDENTIALS:
        if args[position] != unset and hit(f"subprocess.{name}_ignored", FUNCTION, {"value": repr(args[position])}):
            changed[position] = unset
    return tuple(changed)


def limited_fork_exec(host_fork_exec: Callable[..., int]) -> Callable[..., int]:
    """Wrap a fork_exec so that GraalPy's checks come first."""

    def fork_exec(*args: object) -> int:
        return host_fork_exec(*apply_limitations(args))

    fork_exec.__doc__ = host_fork_exec.__doc__
    fork_exec.__module__ = "_posixsubprocess"
    return fork_exec
