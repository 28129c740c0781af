"""A frame's byte-code, read without `dis`: the running instruction, and which handlers cover it.

The classification of a hit (compat/guards.py) asks two questions of the program's
frame: what is it doing right now (an attribute load, an import, a call of
`hasattr`/`getattr`), and would an exception raised there be caught in this frame,
and by which classes.  `dis` and `opcode` would answer both, but writing an event
imports nothing (docs/events.md, "No trace in the program"), so the few opcode
numbers needed are written here per Python version (tests/test_classification.py
checks them against `opcode.opmap`), and the exception table (3.11+) or the
`SETUP_FINALLY` blocks (3.10) are read by hand.  On another version every answer
is "unknown", which classifies a hit as an unguarded use: the conservative side.
"""

from __future__ import annotations

import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    from types import CodeType, FrameType

#: The opcodes used here, per version (3.10 has no CACHE, PUSH_EXC_INFO or exception table).
_OPCODES: dict[tuple[int, int], dict[str, int]] = {
    (3, 10): {
        "EXTENDED_ARG": 144, "LOAD_ATTR": 106, "LOAD_METHOD": 160, "IMPORT_FROM": 109, "CALL_FUNCTION": 131,
        "CALL_METHOD": 161, "CALL_FUNCTION_KW": 141, "LOAD_GLOBAL": 116, "LOAD_NAME": 101, "BUILD_TUPLE": 102,
        "JUMP_IF_NOT_EXC_MATCH": 121, "SETUP_FINALLY": 122, "DUP_TOP": 4, "POP_TOP": 1,
    },
    (3, 11): {
        "CACHE": 0, "EXTENDED_ARG": 144, "LOAD_ATTR": 106, "LOAD_METHOD": 160, "IMPORT_FROM": 109, "CALL": 171,
        "PRECALL": 166, "LOAD_GLOBAL": 116, "LOAD_NAME": 101, "BUILD_TUPLE": 102, "PUSH_EXC_INFO": 35,
        "CHECK_EXC_MATCH": 36, "POP_JUMP_FORWARD_IF_FALSE": 114, "POP_TOP": 1,
    },
    (3, 12): {
        "CACHE": 0, "EXTENDED_ARG": 144, "LOAD_ATTR": 106, "IMPORT_FROM": 109, "CALL": 171, "LOAD_GLOBAL": 116,
        "LOAD_NAME": 101, "BUILD_TUPLE": 102, "PUSH_EXC_INFO": 35, "CHECK_EXC_MATCH": 36, "POP_JUMP_IF_FALSE": 114,
        "POP_TOP": 1,
    },
    (3, 13): {
        "CACHE": 0, "EXTENDED_ARG": 71, "LOAD_ATTR": 82, "IMPORT_FROM": 74, "CALL": 53, "CALL_KW": 57,
        "LOAD_GLOBAL": 91, "LOAD_NAME": 92, "BUILD_TUPLE": 52, "PUSH_EXC_INFO": 33, "CHECK_EXC_MATCH": 7,
        "POP_JUMP_IF_FALSE": 97, "POP_TOP": 32,
    },
}  # fmt: skip

VERSION = sys.version_info[:2]
OP: dict[str, int] = _OPCODES.get(VERSION, {})
KNOWN = bool(OP)
_NONE = -1  # an opcode number no instruction has
_CACHE = OP.get("CACHE", _NONE)
_EXTENDED_ARG = OP.get("EXTENDED_ARG", _NONE)
# 3.11's PRECALL: once specialized for a builtin (PRECALL_BUILTIN_FAST...), it makes the call itself.
_CALL_NAMES = ("CALL", "PRECALL", "CALL_KW", "CALL_FUNCTION", "CALL_METHOD", "CALL_FUNCTION_KW")
CALLS = frozenset(OP[name] for name in _CALL_NAMES if name in OP)
_EXCEPTION_TABLE = VERSION >= (3, 11)
# LOAD_GLOBAL's name index is its argument >> 1 from 3.11, LOAD_ATTR's from 3.12 (the low bit is a flag).
_GLOBAL_SHIFT = 1 if VERSION >= (3, 11) else 0
_ATTR_SHIFT = 1 if VERSION >= (3, 12) else 0
# The exception-match jump: its opcode, and the inline cache entries between it and the base of its offset.
_MATCH_JUMP = OP.get("POP_JUMP_IF_FALSE" if VERSION >= (3, 12) else "POP_JUMP_FORWARD_IF_FALSE", _NONE)
_MATCH_JUMP_CACHES = 1 if VERSION >= (3, 13) else 0


def instruction(code: bytes, at: int) -> tuple[int, int]:
    """(opcode, argument) of the instruction at byte offset `at`, EXTENDED_ARG prefixes included."""
    op, arg = code[at], code[at + 1]
    shift, before = 8, at - 2
    while before >= 0 and code[before] == _EXTENDED_ARG:
        arg |= code[before + 1] << shift
        shift += 8
        before -= 2
    return op, arg


def _next(code: bytes, at: int) -> int:
    """The offset of the instruction after the one at `at` (inline caches skipped)."""
    at += 2
    while at < len(code) and code[at] == _CACHE:
        at += 2
    return at


def callee_name(code: CodeType, at: int, limit: int = 12) -> str | None:
    """The name of the global or builtin most recently loaded before the call at `at`, if any.

    A heuristic for `hasattr(o, "x")` / `getattr(o, "x", None)`: the callable is loaded by
    name a few instructions before its CALL; the nearest such load is taken.
    """
    raw, names = code.co_code, code.co_names
    load_global, load_name = OP.get("LOAD_GLOBAL", _NONE), OP.get("LOAD_NAME", _NONE)
    at -= 2
    while at >= 0 and limit > 0:
        op = raw[at]
        if op in (load_global, load_name):
            _op, arg = instruction(raw, at)
            index = arg >> _GLOBAL_SHIFT if op == load_global else arg
            if index < len(names) and names[index] in ("hasattr", "getattr"):
                return names[index]
        if op != _CACHE:
            limit -= 1
        at -= 2
    return None


def _resolve(frame: FrameType, code: CodeType, op: int, arg: int, stack: list[object]) -> bool:
    """Apply one load of an `except` clause's expression to `stack`; False on anything else."""
    names = code.co_names
    if op in (OP.get("LOAD_GLOBAL"), OP.get("LOAD_NAME")):
        index = arg >> _GLOBAL_SHIFT if op == OP.get("LOAD_GLOBAL") else arg
        name = names[index] if index < len(names) else ""
        value = frame.f_globals.get(name, frame.f_builtins.get(name))
        stack.append(value)
        return True
    if op == OP.get("LOAD_ATTR") and stack:
        index = arg >> _ATTR_SHIFT
        namespace = getattr(stack[-1], "__dict__", None)  # never a module's __getattr__ (ours logs hits)
        stack[-1] = namespace.get(names[index]) if namespace is not None and index < len(names) else None
        return True
    if op == OP.get("BUILD_TUPLE") and len(stack) >= arg:
        items = tuple(stack[len(stack) - arg :]) if arg else ()
        del stack[len(stack) - arg :]
        stack.append(items)
        return True
    return False


def catches(classes: object, exception: type[BaseException]) -> bool:
    """Whether an `except` clause naming `classes` (a class or a tuple of them) catches `exception`."""
    items = classes if isinstance(classes, tuple) else (classes,)
    return any(isinstance(item, type) and issubclass(exception, item) for item in items)


def _clauses_catch(frame: FrameType, code: CodeType, at: int, exception: type[BaseException]) -> bool:
    """Whether the handler at `at` (PUSH_EXC_INFO, 3.11+) has an `except` clause that takes `exception`."""
    raw = code.co_code
    if raw[at] != OP["PUSH_EXC_INFO"]:
        return False  # a cleanup block, a generator's guard, ...: not an except clause
    at = _next(raw, at)
    for _clause in range(64):
        stack: list[object] = []
        while at < len(raw):
            op, arg = instruction(raw, at)
            if op == OP["POP_TOP"] and not stack:
                return True  # a bare `except:`
            if op == OP["CHECK_EXC_MATCH"] and stack:
                if catches(stack[-1], exception):
                    return True
                jump = _next(raw, at)
                if raw[jump] != _MATCH_JUMP:
                    return False
                _op, offset = instruction(raw, jump)
                at = jump + 2 + 2 * _MATCH_JUMP_CACHES + 2 * offset  # the next clause
                break
            if op != _EXTENDED_ARG and not _resolve(frame, code, op, arg, stack):
                return False  # `finally`, `with`, the final RERAISE: not a clause that catches
            at = _next(raw, at)
        else:
            return False
    return False


_tables: dict[CodeType, tuple[tuple[int, int, int], ...]] = {}


def _varint(table: bytes, at: int) -> tuple[int, int]:
    byte = table[at]
    value = byte & 63
    while byte & 64:
        at += 1
        byte = table[at]
        value = (value << 6) | (byte & 63)
    return value, at + 1


def exception_table(code: CodeType) -> tuple[tuple[int, int, int], ...]:
    """(start, end, handler) byte offsets of `co_exceptiontable` (3.11+), read once per code object."""
    entries = _tables.get(code)
    if entries is None:
        table: bytes = code.co_exceptiontable  # type: ignore[attr-defined,unused-ignore]
        found, at = [], 0
        while at < len(table):
            start, at = _varint(table, at)
            length, at = _varint(table, at)
            target, at = _varint(table, at)
            _depth, at = _varint(table, at)
            found.append((2 * start, 2 * (start + length), 2 * target))
        entries = tuple(found)
        if len(_tables) > 4096:
            _tables.clear()
        _tables[code] = entries
    return entries


def _handler_of(entries: tuple[tuple[int, int, int], ...], at: int) -> int | None:
    for start, end, target in entries:
        if start <= at < end:
            return target
    return None


def _caught_311(frame: FrameType, code: CodeType, at: int, exception: type[BaseException]) -> bool:
    entries = exception_table(code)
    handler = _handler_of(entries, at)
    for _level in range(32):  # inner handler, its cleanup, the enclosing try's handler, ...
        if handler is None:
            return False
        if _clauses_catch(frame, code, handler, exception):
            return True
        handler = _handler_of(entries, handler)
    return False


def _caught_310(frame: FrameType, code: CodeType, at: int, exception: type[BaseException]) -> bool:
    """3.10: every SETUP_FINALLY before `at` whose handler lies after it (a try body, roughly: its `else` too)."""
    raw = code.co_code
    setup, dup_top, pop_top, no_match = OP["SETUP_FINALLY"], OP["DUP_TOP"], OP["POP_TOP"], OP["JUMP_IF_NOT_EXC_MATCH"]
    for start in range(0, min(at, len(raw)), 2):
        if raw[start] != setup:
            continue
        _op, arg = instruction(raw, start)
        handler = start + 2 + 2 * arg
        if handler <= at:
            continue
        clause = handler
        for _clause in range(64):
            if raw[clause] == pop_top:
                return True  # a bare `except:`
            if raw[clause] != dup_top:
                break  # `finally` or the final RERAISE
            stack: list[object] = []
            position = clause + 2
            while position < len(raw) and raw[position] != no_match:
                op, arg = instruction(raw, position)
                if op != _EXTENDED_ARG and not _resolve(frame, code, op, arg, stack):
                    break
                position += 2
            if position >= len(raw) or raw[position] != no_match or not stack:
                break
            if catches(stack[-1], exception):
                return True
            clause = 2 * instruction(raw, position)[1]
    return False


def caught_here(frame: FrameType, exception: type[BaseException]) -> bool:
    """Whether an exception raised at the frame's current instruction is caught in the frame itself."""
    if not KNOWN:
        return False
    code, at = frame.f_code, frame.f_lasti
    if at < 0:
        return False
    try:
        if _EXCEPTION_TABLE:
            return _caught_311(frame, code, at, exception)
        return _caught_310(frame, code, at, exception)
    except (IndexError, KeyError):  # byte-code of a shape not foreseen: say "not caught"
        return False
