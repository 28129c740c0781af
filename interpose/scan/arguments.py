"""What a call's arguments say: whether a keyword's value, a signal or an option is one GraalPy drops or refuses.

Only literals and names are read (`umask=0o022`, `signal.SIGUSR1`, `os.WNOHANG`):
a value held in a variable counts as given, except where a check says otherwise
(docs/scan.md, "What a static scan cannot see").
"""

from __future__ import annotations

import ast
from collections.abc import Callable

from interpose.compat.catalog_static import FALSE, GIVEN, NOT_EMPTY, NOT_F_OK, NOT_MINUS_ONE, REDIRECT, TRUE
from interpose.scan.resolve import Scope, qualified

_NO_VALUE = (None, -1)
_KILL_OK = (0, 9, 15)  # SIGKILL, SIGTERM, and 0 (is the process there?)
_WNOHANG = 1


def keyword_value(node: ast.Call, name: str) -> ast.expr | None:
    for keyword in node.keywords:
        if keyword.arg == name:
            return keyword.value
    return None


def _constant(node: ast.expr) -> object:
    """A literal's value (negative numbers included), or the `_NOT_CONSTANT` marker."""
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub) and isinstance(node.operand, ast.Constant):
        value = node.operand.value
        return -value if isinstance(value, (int, float)) and not isinstance(value, bool) else _NOT_CONSTANT
    return _NOT_CONSTANT


_NOT_CONSTANT = object()


def is_hit(check: str, value: ast.expr, call: ast.Call, scope: Scope) -> bool:
    """Whether a keyword's value is one GraalPy drops or refuses (unknown values count, except where noted)."""
    literal = _constant(value)
    if check == GIVEN:
        return literal is not None
    if check == TRUE:
        return literal not in (False, None, 0)
    if check == FALSE:
        return literal is False or literal == 0
    if check == NOT_MINUS_ONE:
        return literal not in _NO_VALUE
    if check == NOT_EMPTY:
        if isinstance(value, ast.Dict):
            return bool(value.keys)
        return literal is not None and not (isinstance(value, (ast.Tuple, ast.List, ast.Set)) and not value.elts)
    if check == NOT_F_OK:
        mode = call.args[1] if len(call.args) > 1 else keyword_value(call, "mode")
        f_ok = mode is not None and (_constant(mode) == 0 or (qualified(mode, scope) or "").endswith(".F_OK"))
        return literal is False and not f_ok
    if check == REDIRECT:
        name = qualified(value, scope)
        if name is not None:
            return name == "subprocess.DEVNULL"
        return isinstance(literal, int) and literal >= 0 or isinstance(value, ast.Call)
    return False


def _kill(node: ast.Call, scope: Scope) -> list[str]:
    """os.kill with a signal the java backend does not send (it sends only SIGKILL, SIGTERM and 0)."""
    if len(node.args) < 2:
        return []
    literal = _constant(node.args[1])
    name = qualified(node.args[1], scope) or ""
    signal = name.rpartition(".")[2]
    if name.startswith("signal.SIG") and signal not in ("SIGKILL", "SIGTERM"):
        return ["process.kill"]
    return ["process.kill"] if isinstance(literal, int) and literal not in _KILL_OK else []


def _waitpid(node: ast.Call, scope: Scope) -> list[str]:
    """os.waitpid with options other than 0 or WNOHANG, or of a process group (pid < -1)."""
    found = []
    if node.args and isinstance(pid := _constant(node.args[0]), int) and pid < -1:
        found.append("process.waitpid_group")
    if len(node.args) > 1:
        options, name = _constant(node.args[1]), qualified(node.args[1], scope)
        if (isinstance(options, int) and options not in (0, _WNOHANG)) or (
            name is not None and name.rpartition(".")[2] != "WNOHANG"
        ):
            found.append("process.waitpid_options")
    return found


def _select(node: ast.Call, scope: Scope) -> list[str]:
    """select.select with a third list that is not an empty literal (the java backend never fills it)."""
    if len(node.args) < 3:
        return []
    third = node.args[2]
    empty = isinstance(third, (ast.List, ast.Tuple)) and not third.elts
    return [] if empty else ["select.exceptional_conditions"]


#: os functions (by their name) and others (qualified) whose arguments say whether a call is a hit on java
VALUE_CHECKS: dict[str, Callable[[ast.Call, Scope], list[str]]] = {
    "kill": _kill, "waitpid": _waitpid, "select.select": _select,
}  # fmt: skip
