"""Which of the oracle's false alarms are tests GraalPy's own copy changed.

GraalPy's gate runs its copy of CPython's tests (graalpython/lib-python/3/test/),
and some of those were edited to expect GraalPy's behaviour (`# GraalPy change`,
`GR-40979`, `sys.implementation.name != 'graalpy'`).  A tag then says the edited
test passes, while the oracle runs CPython's unmodified one: interpose, faithful,
fails it, and the alarm is an artifact.  The rule, kept simple:

- the test's method is found in its module's file or in a `test.*` module that
  file imports (test_multiprocessing_spawn's from _test_multiprocessing), in the
  class the id names or one of its bases; a class made at import time (`WithProcessesTestLock`)
  is looked up by the method alone, when exactly one class of those files defines it;
- compared are that method, its client half `_name` when the class has one
  (test_socket's threaded tests run both), and the methods of the class it names
  as `self.x` or `cls.x` (one level, not what those call);
- each function by its syntax tree without its docstring: comments and layout do
  not count, a changed decorator or statement does.

A test whose functions differ is *GraalPy-edited*.  GraalPy's lib-python is a
later 3.13 than the CPython that runs the oracle may be, so a difference can also
be CPython's own; either way GraalPy's verdict is about another test.  The first
line of GraalPy's differing functions that names GraalPy (or GraalVM, Truffle, a
GR- issue) is kept as evidence.
"""

from __future__ import annotations

import ast
import re
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

GRAALPY_TESTS = "graalpython/lib-python/3/test"
MARKER = re.compile(r"graal|truffle|\bGR-\d+", re.IGNORECASE)

Reader = Callable[[str], str | None]  # a path inside the `test` package -> its text, None when absent
Function = ast.FunctionDef | ast.AsyncFunctionDef
Classes = dict[str, tuple[ast.ClassDef, str]]  # a class's name -> its node and its file's text


def read_graalpy(graalpython: Path, path: str) -> str | None:
    """A file of GraalPy's sources, from a checkout or, read at HEAD, from its git directory."""
    if (graalpython / "graalpython").is_dir():
        file = graalpython / path
        return file.read_text(errors="replace") if file.is_file() else None
    shown = subprocess.run(
        ["git", "--git-dir", str(graalpython), "show", f"HEAD:{path}"], capture_output=True, text=True, errors="replace"
    )
    return shown.stdout if shown.returncode == 0 else None


def graalpy_reader(graalpython: Path) -> Reader:
    return lambda path: read_graalpy(graalpython, f"{GRAALPY_TESTS}/{path}")


def directory_reader(directory: Path) -> Reader:
    """A `test` package on disk, such as CPython's own."""

    def read(path: str) -> str | None:
        file = directory / path
        return file.read_text(errors="replace") if file.is_file() else None

    return read


def cpython_tests(python: str) -> Path | None:
    """The directory of `python`'s `test` package (a venv's is its base install's)."""
    try:
        found = subprocess.run(
            [python, "-c", "import os, test; print(os.path.dirname(test.__file__))"], capture_output=True, text=True
        )
    except OSError:  # no such interpreter here (a run saved elsewhere)
        return None
    return Path(found.stdout.strip()) if found.returncode == 0 and found.stdout.strip() else None


@dataclass(frozen=True)
class Verdict:
    """One false alarm, compared: `edited` is None when either copy's functions were not found."""

    test: str
    edited: bool | None
    differing: tuple[str, ...] = ()  # the names of the functions whose trees differ
    marker: str | None = None  # GraalPy's line that names GraalPy, in one of them
    reason: str = ""  # why it was not compared


class TestSources:
    """One copy of the `test` package, each file parsed once."""

    def __init__(self, read: Reader) -> None:
        self._read = read
        self._parsed: dict[str, tuple[str, ast.Module] | None] = {}

    def _module(self, dotted: str) -> tuple[str, ast.Module] | None:
        """`test.a.b` from `a/b.py` or `a/b/__init__.py`."""
        if dotted not in self._parsed:
            relative = "/".join(dotted.split(".")[1:])
            text = self._read(f"{relative}.py") or self._read(f"{relative}/__init__.py")
            try:
                self._parsed[dotted] = None if text is None else (text, ast.parse(text))
            except SyntaxError:
                self._parsed[dotted] = None
        return self._parsed[dotted]

    def _files(self, module: str) -> Iterator[tuple[str, ast.Module]]:
        """The module's file, then those of the `test.*` modules it imports by name."""
        own = self._module(module)
        if own is None:
            return
        yield own
        for node in own[1].body:
            if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module] if node.module != "test" else [f"test.{alias.name}" for alias in node.names]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            else:
                continue
            for name in names:
                imported = self._module(name) if name.startswith("test.") and name != module else None
                if imported is not None:
                    yield imported

    def locate(self, test: str) -> tuple[Classes, str, str] | str:
        """The classes of `test`'s files, the class that stands for the id's and the method, or why not found."""
        *module_parts, class_name, method = test.split(".")
        classes: Classes = {}
        for text, tree in self._files(".".join(module_parts)):
            for node in tree.body:
                if isinstance(node, ast.ClassDef):
                    classes.setdefault(node.name, (node, text))
        if not classes:
            return "no source"
        if class_name not in classes:
            defining = [name for name, (node, _) in classes.items() if _own(node, method)]
            named = [name for name in defining if class_name.endswith(name.lstrip("_"))]
            if len(named) != 1 and len(defining) != 1:
                return f"class {class_name} not defined, {len(defining)} classes define {method}"
            class_name = named[0] if len(named) == 1 else defining[0]
        return classes, class_name, method

    def functions(self, test: str) -> dict[str, tuple[Function, str]] | str:
        """The functions the rule compares for `test` (name -> node and its file's text), or why there are none."""
        located = self.locate(test)
        if isinstance(located, str):
            return located
        classes, class_name, method = located
        found = lookup(classes, class_name, method)
        if found is None:
            return f"{class_name}.{method} not found"
        chosen = {method: found}
        for name in (f"_{method}", *sorted(_self_attributes(found[0]))):
            helper = lookup(classes, class_name, name)
            if helper is not None:
                chosen[name] = helper
        return chosen


def _own(node: ast.ClassDef, name: str) -> Function | None:
    for statement in node.body:
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)) and statement.name == name:
            return statement
    return None


def lineage(classes: Classes, class_name: str) -> Iterator[tuple[ast.ClassDef, str]]:
    """The class, then depth first its bases (those defined in the files), each once."""
    pending, seen = [class_name], set()
    while pending:
        current = pending.pop(0)
        if current in seen or current not in classes:
            continue
        seen.add(current)
        node, text = classes[current]
        yield node, text
        pending[:0] = [base.id if isinstance(base, ast.Name) else getattr(base, "attr", "") for base in node.bases]


def lookup(classes: Classes, class_name: str, name: str) -> tuple[Function, str] | None:
    """`name` as the class or, depth first, its bases define it."""
    for node, text in lineage(classes, class_name):
        function = _own(node, name)
        if function is not None:
            return function, text
    return None


def _self_attributes(function: Function) -> set[str]:
    return {
        node.attr
        for node in ast.walk(function)
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in ("self", "cls")
    }


def _shape(function: Function) -> str:
    """The function's tree without line numbers and docstring."""
    body = function.body
    if body and isinstance(body[0], ast.Expr) and isinstance(getattr(body[0].value, "value", None), str):
        body = body[1:]
    return "\n".join(ast.dump(node) for node in (*function.decorator_list, *body))


def _marker(functions: list[tuple[Function, str]]) -> str | None:
    """The first line that names GraalPy in these functions, with the comment lines just above and after each
    (a statement commented out at the end of a body is outside the function's tree)."""
    for function, text in functions:
        lines = text.splitlines()
        above = min([function.lineno, *(decorator.lineno for decorator in function.decorator_list)]) - 1
        while above > 0 and lines[above - 1].lstrip().startswith("#"):
            above -= 1
        below = function.end_lineno or function.lineno
        indent = function.col_offset
        while below < len(lines) and lines[below].lstrip().startswith("#"):
            if len(lines[below]) - len(lines[below].lstrip()) <= indent:
                break
            below += 1
        for line in lines[above:below]:
            if MARKER.search(line):
                return line.strip()
    return None


def compare(test: str, cpython: TestSources, graalpy: TestSources) -> Verdict:
    """Whether GraalPy's copy of `test` differs from CPython's, by the rule above."""
    ours, theirs = cpython.functions(test), graalpy.functions(test)
    if isinstance(ours, str) or isinstance(theirs, str):
        side = "CPython's copy" if isinstance(ours, str) else "GraalPy's copy"
        return Verdict(test, None, reason=f"{side}: {ours if isinstance(ours, str) else theirs}")
    differing = tuple(
        name
        for name in sorted(ours.keys() | theirs.keys())
        if name not in ours or name not in theirs or _shape(ours[name][0]) != _shape(theirs[name][0])
    )
    marker = _marker([theirs[name] for name in differing if name in theirs])
    return Verdict(test, bool(differing), differing, marker)
