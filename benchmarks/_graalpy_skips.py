"""Which tests GraalPy's own copy skips on GraalPy: its gate never ran them, so it has no verdict on them.

A test CPython passes and GraalPy's tags do not list counts, by default, as a
GraalPy failure.  But GraalPy's copy of the tests (graalpython/lib-python/3/test/)
skips some of them on GraalPy, and a skipped test is not tagged: GraalPy recorded
no failure there.  The rule, narrow and GraalPy-specific, read from the syntax tree
of GraalPy's copy:

- the decorators of the test's method (where the class or its bases define it)
  and of its class and that class's bases (a skipped class skips its subclasses);
- a decorator counts when, on GraalPy, it certainly skips:
  `impl_detail(..., graalpy=False)` (support.check_impl_detail is False on GraalPy),
  `skipIf(C, ...)` with C true on GraalPy, `skipUnless(C, ...)` with C false, where C
  is evaluated knowing only that `sys.implementation.name` is 'graalpy' and
  `support.is_graalpy` is True: comparisons of the name with strings (==, !=, in,
  not in), `not`, `and`, `or`; anything else is unknown, and unknown does not skip
  (`... == 'graalpy' and __graalpython__.posix_module_backend() == 'java'` is
  unknown, and false on the native backend the tags were taken on).

Not counted: `cpython_only` and `impl_detail()` without a graalpy guard
(CPython's own markers, unchanged by GraalPy), `skipTest` in a body, skips whose
condition names no implementation (GraalPy's `skipIf(IS_LINUX, ...)` for statvfs),
and module-level edits.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

import _graalpy_edits as edits

IMPLEMENTATION = "graalpy"


@dataclass(frozen=True)
class Skip:
    """A test GraalPy's copy skips on GraalPy, and the decorator's first line as evidence."""

    test: str
    decorator: str
    where: str  # the function or class that carries it


def skip_of(test: str, graalpy: edits.TestSources) -> Skip | None:
    """The first decorator of `test`'s method, class or bases in GraalPy's copy that skips it on GraalPy."""
    located = graalpy.locate(test)
    if isinstance(located, str):
        return None
    classes, class_name, method = located
    carriers: list[tuple[ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef, str]] = []
    found = edits.lookup(classes, class_name, method)
    if found is not None:
        carriers.append(found)
    carriers.extend(edits.lineage(classes, class_name))
    for node, text in carriers:
        for decorator in node.decorator_list:
            if skips_on_graalpy(decorator):
                return Skip(test, text.splitlines()[decorator.lineno - 1].strip(), node.name)
    return None


def skips_on_graalpy(decorator: ast.expr) -> bool:
    """Whether this decorator certainly skips on GraalPy, by the rule above."""
    if not isinstance(decorator, ast.Call):
        return False
    name = _name(decorator.func)
    if name == "impl_detail":
        return any(
            keyword.arg == IMPLEMENTATION and isinstance(keyword.value, ast.Constant) and keyword.value.value is False
            for keyword in decorator.keywords
        )
    if name in ("skipIf", "skipUnless") and decorator.args:
        return _truth(decorator.args[0]) is (name == "skipIf")
    return False


def _name(node: ast.expr) -> str:
    return node.id if isinstance(node, ast.Name) else node.attr if isinstance(node, ast.Attribute) else ""


def _truth(node: ast.expr) -> bool | None:
    """The condition's value on GraalPy, or None when it depends on more than the implementation's name."""
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        inner = _truth(node.operand)
        return None if inner is None else not inner
    if isinstance(node, ast.BoolOp):
        values = [_truth(value) for value in node.values]
        decisive = isinstance(node.op, ast.Or)  # `or` is decided by a True, `and` by a False
        return decisive if decisive in values else None if None in values else not decisive
    if _name(node) == "is_graalpy":
        return True
    if isinstance(node, ast.Compare) and len(node.ops) == 1 and _is_implementation_name(node.left):
        operator, right = type(node.ops[0]), node.comparators[0]
        if operator in (ast.Eq, ast.NotEq) and isinstance(right, ast.Constant) and isinstance(right.value, str):
            return (right.value == IMPLEMENTATION) is (operator is ast.Eq)
        names = _strings(right) if operator in (ast.In, ast.NotIn) else None
        return None if names is None else (IMPLEMENTATION in names) is (operator is ast.In)
    return None


def _is_implementation_name(node: ast.expr) -> bool:
    """`sys.implementation.name`."""
    return (
        isinstance(node, ast.Attribute)
        and node.attr == "name"
        and isinstance(node.value, ast.Attribute)
        and node.value.attr == "implementation"
        and _name(node.value.value) == "sys"
    )


def _strings(node: ast.expr) -> set[str] | None:
    """A tuple, list or set of string constants, as a set."""
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        values = {element.value for element in node.elts if isinstance(element, ast.Constant)}
        strings = {value for value in values if isinstance(value, str)}
        if len(strings) == len(values) and all(isinstance(element, ast.Constant) for element in node.elts):
            return strings
    return None
