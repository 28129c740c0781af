"""Probe, guarded or unguarded, read from the source: the static side of interpose/compat/guards.py.

A run classifies a hit from the frame's byte-code; a scan has the syntax tree,
and sees a little more:

- *probe*: `hasattr(os, "fork")`, `getattr(os, "fork", None)`; a lookup of a name
  GraalPy lacks inside a `try` (or `with contextlib.suppress(...)`) of the same
  function whose handler takes AttributeError (ImportError for `from os import
  fork`, ModuleNotFoundError for `import grp`), or a base of it;
- *guarded*: a use inside such a block whose handler takes what GraalPy raises
  there (io.UnsupportedOperation for the java backend's refusals, RuntimeError for
  `preexec_fn`, NotImplementedError for the fork start method, ...), or under a
  test of the platform: an `if`, conditional expression or `and`/`or` whose test
  calls `hasattr`/`getattr` or reads `sys.platform`, `sys.implementation`,
  `os.name`, `platform.system()` or `platform.python_implementation()` (either
  branch: the author thought about where the code runs), or in a function whose decorator makes
  such a test (`@unittest.skipUnless(hasattr(os, "fork"), ...)`);
- *unguarded*: anything else, and every use GraalPy silently ignores (nothing is
  raised that a handler could take).
"""

from __future__ import annotations

import ast
import builtins
import io

from interpose.compat.catalog import CATALOG
from interpose.compat.guards import GUARDED, PROBE, UNGUARDED, exception_of

#: Exceptions GraalPy raises where the message does not say (compat/guards.py knows preexec_fn's).
_RAISES: dict[str, type[BaseException]] = {
    "multiprocessing.fork": NotImplementedError,
    "multiprocessing.forkserver": NotImplementedError,
    "multiprocessing.java": ValueError,
    "multiprocessing.semlock": OSError,
    "process.kill_other": ProcessLookupError,
    "fd.blocking_regular_file": PermissionError,
}
#: Exception names reached through a module (`socket.error`, `io.UnsupportedOperation`).
_QUALIFIED: dict[str, type[BaseException]] = {"UnsupportedOperation": io.UnsupportedOperation, "error": OSError}
_PLATFORM_READS = frozenset({("sys", "platform"), ("sys", "implementation"), ("os", "name"), ("platform", "system"),
                             ("platform", "python_implementation")})  # fmt: skip
_SUPPRESS = "suppress"
#: What a failed lookup raises: a missing name, `from os import fork`, `import grp`.
_LOOKUPS: dict[str, type[BaseException]] = {
    "attribute": AttributeError, "import": ImportError, "module": ModuleNotFoundError,
}  # fmt: skip

#: The classes the handlers of one enclosing `try` take.
Handlers = tuple[type[BaseException], ...]


def raised(limitation: str) -> type[BaseException] | None:
    """What GraalPy raises for a use of `limitation` (None: nothing, the argument is ignored)."""
    known = _RAISES.get(limitation)
    return known if known is not None else exception_of(CATALOG[limitation])


def _exception(node: ast.expr, out: list[type[BaseException]]) -> None:
    if isinstance(node, ast.Tuple):
        for element in node.elts:
            _exception(element, out)
        return
    name = node.id if isinstance(node, ast.Name) else node.attr if isinstance(node, ast.Attribute) else None
    if name is None:
        return
    found = getattr(builtins, name, None)
    if isinstance(node, ast.Attribute) and name in _QUALIFIED:
        found = _QUALIFIED[name]
    if isinstance(found, type) and issubclass(found, BaseException):
        out.append(found)


def try_handlers(node: ast.Try) -> Handlers:
    """The classes a `try`'s `except` clauses take (a bare `except:` takes BaseException)."""
    out: list[type[BaseException]] = []
    for handler in node.handlers:
        if handler.type is None:
            out.append(BaseException)
        else:
            _exception(handler.type, out)
    return tuple(out)


def suppressed(node: ast.With | ast.AsyncWith) -> Handlers:
    """The classes a `with contextlib.suppress(...)` (or `suppress(...)`) takes; () for any other `with`."""
    out: list[type[BaseException]] = []
    for item in node.items:
        call = item.context_expr
        if isinstance(call, ast.Call):
            func = call.func
            name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
            if name == _SUPPRESS:
                for arg in call.args:
                    _exception(arg, out)
    return tuple(out)


def is_platform_test(test: ast.expr) -> bool:
    """Whether a condition asks where the code runs (see the module docstring)."""
    for node in ast.walk(test):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("hasattr", "getattr"):
            return True
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and (node.value.id, node.attr) in _PLATFORM_READS
        ):
            return True
    return False


def _caught(exception: type[BaseException], handlers: list[Handlers]) -> bool:
    return any(issubclass(exception, taken) for block in handlers for taken in block)


def classify(limitation: str, lookup: str, handlers: list[Handlers], platform_guarded: bool) -> str:
    """The class of one finding.

    `lookup`: "probe" (hasattr, getattr with a default), "attribute" (a lookup of a
    name GraalPy lacks), "import" (`from os import fork`), "module" (`import grp`),
    or "" (a call, a keyword, a constant: a use); `handlers`: the enclosing `try`
    blocks of the same function.
    """
    if lookup == PROBE:
        return PROBE
    looked_up = _LOOKUPS.get(lookup)
    if looked_up is not None and _caught(looked_up, handlers):
        return PROBE
    exception = looked_up or raised(limitation)
    if exception is not None and _caught(exception, handlers):
        return GUARDED
    return GUARDED if platform_guarded else UNGUARDED
