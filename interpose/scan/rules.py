"""One source file to findings: the syntax tree walked for the shapes the catalog knows.

Only the parts of the tree that can hold a finding are walked: the pre-filter
(prefilter.py) gives the lines that may, and a node whose lines hold none of
them is skipped whole; a file without any is not parsed at all.
"""

from __future__ import annotations

import ast
import io
import tokenize
from bisect import bisect_left
from collections.abc import Callable
from typing import Any

from interpose.compat.catalog_static import StaticRules
from interpose.compat.guards import PROBE
from interpose.scan import arguments, guards
from interpose.scan.prefilter import Prefilter
from interpose.scan.resolve import Scope, bindings, dotted, imported, qualified

#: (line, column, limitation, function as spelled, use, enclosing function's name, its qualname, keyword or "")
Finding = tuple[int, int, str, str, str, str, str, str]
_MODULE = "<module>"
_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)
_START_METHOD_CALLS = ("get_context", "set_start_method")


class ScanError(Exception):
    """A file that cannot be scanned: its `kind` is one of the counted reasons (syntax, undecodable, ...)."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind


def decode(data: bytes) -> str:
    """The text of a source file, by its coding cookie or BOM (PEP 263), as the interpreter reads it."""
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        return data.decode(encoding)
    except (SyntaxError, UnicodeDecodeError, LookupError) as error:
        raise ScanError("undecodable", str(error)) from None


class _Context:
    """Where the walk is: the scope, the enclosing `try` blocks of this function, a platform test, the names."""

    __slots__ = ("scope", "handlers", "platform", "function", "qualname", "class_scope")

    def __init__(
        self, scope: Scope, handlers: list[guards.Handlers], platform: bool, function: str, qualname: str
    ) -> None:
        self.scope = scope
        self.handlers = handlers
        self.platform = platform
        self.function = function
        self.qualname = qualname
        self.class_scope = False

    def but(self, **changes: object) -> _Context:
        copy = _Context(self.scope, self.handlers, self.platform, self.function, self.qualname)
        for name, value in changes.items():
            setattr(copy, name, value)
        return copy


class FileScanner:
    """The findings of one file for one backend's rules."""

    def __init__(self, rules: StaticRules, words: Prefilter) -> None:
        self.rules = rules
        self.words = words
        self.lines: list[int] = []
        self.findings: dict[tuple[int, int, str, str], Finding] = {}

    def scan(self, text: str) -> list[Finding]:
        self.lines = self._candidate_lines(text)
        if not self.lines:
            return []
        try:
            tree = ast.parse(text)
        except (SyntaxError, ValueError) as error:  # ValueError: a NUL byte
            raise ScanError("syntax", f"{type(error).__name__}: {error}") from None
        except (RecursionError, MemoryError) as error:
            raise ScanError("too complex", type(error).__name__) from None
        context = _Context(Scope(bindings(tree.body), None), [], False, _MODULE, _MODULE)
        try:
            self._body(tree.body, context)
        except RecursionError:
            raise ScanError("too complex", "RecursionError") from None
        return sorted(self.findings.values())

    def _candidate_lines(self, text: str) -> list[int]:
        """Numbers of the lines where a finding may start (see Prefilter)."""
        return self.words.lines(text)

    def _spans(self, node: ast.AST) -> bool:
        """Whether a node's lines hold a candidate line (nodes without lines always do)."""
        start = getattr(node, "lineno", None)
        if start is None:
            return True
        end = getattr(node, "end_lineno", None) or start
        decorators = getattr(node, "decorator_list", None)
        if decorators:  # a decorated definition's lines start at its `def`, its decorators' above
            start = min(start, decorators[0].lineno)
        index = bisect_left(self.lines, start)
        return index < len(self.lines) and self.lines[index] <= end

    # -- findings

    def _add(
        self,
        node: ast.AST,
        limitation: str,
        spelled: str,
        lookup: str,
        context: _Context,
        keyword: str = "",
        column: int | None = None,
    ) -> None:
        use = guards.classify(limitation, lookup, context.handlers, context.platform)
        line = getattr(node, "lineno", 0)
        column = getattr(node, "col_offset", 0) if column is None else column
        finding = (line, column, limitation, spelled, use, context.function, context.qualname, keyword)
        self.findings.setdefault((line, column, limitation, keyword), finding)

    # -- the walk

    def _body(self, statements: list[ast.stmt], context: _Context) -> None:
        for statement in statements:
            if self._spans(statement):
                self._visit(statement, context)

    def _children(self, node: ast.AST, context: _Context) -> None:
        for child in ast.iter_child_nodes(node):
            if self._spans(child):
                self._visit(child, context)

    def _visit(self, node: ast.AST, context: _Context) -> None:
        handler = _HANDLERS.get(type(node))
        if handler is None:
            self._children(node, context)
        else:
            handler(self, node, context)

    def _function(self, node: ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda, context: _Context) -> None:
        for part in (*getattr(node, "decorator_list", ()), *node.args.defaults, *node.args.kw_defaults):
            if part is not None and self._spans(part):
                self._visit(part, context)
        name = node.name if isinstance(node, _FUNCTIONS) else "<lambda>"
        body: list[ast.stmt] = node.body if isinstance(node, _FUNCTIONS) else [ast.Expr(node.body)]
        scope = context.scope.parent if context.class_scope and context.scope.parent else context.scope
        decorators = getattr(node, "decorator_list", ())
        platform = context.platform or any(guards.is_platform_test(decorator) for decorator in decorators)
        inner = _Context(Scope(bindings(body, node.args), scope), [], platform, name, _qualname(context, name))
        self._body(body, inner)

    def _class(self, node: ast.ClassDef, context: _Context) -> None:
        for part in (*node.decorator_list, *node.bases, *node.keywords):
            if self._spans(part):
                self._visit(part, context)
        qualname = _qualname(context, node.name)
        inner = _Context(Scope(bindings(node.body), context.scope), [], context.platform, node.name, qualname)
        inner.class_scope = True
        self._body(node.body, inner)

    def _try(self, node: ast.Try, context: _Context) -> None:
        self._body(node.body, context.but(handlers=[*context.handlers, guards.try_handlers(node)]))
        for handler in node.handlers:
            if self._spans(handler):
                self._children(handler, context)
        self._body(node.orelse, context)
        self._body(node.finalbody, context)

    def _with(self, node: ast.With | ast.AsyncWith, context: _Context) -> None:
        for item in node.items:
            self._children(item, context)
        taken = guards.suppressed(node)
        self._body(node.body, context.but(handlers=[*context.handlers, taken]) if taken else context)

    def _if(self, node: ast.If | ast.IfExp | ast.While, context: _Context) -> None:
        if self._spans(node.test):
            self._visit(node.test, context)
        inside = context.but(platform=True) if guards.is_platform_test(node.test) else context
        for part in (node.body, node.orelse):
            if isinstance(part, list):
                self._body(part, inside)
            elif self._spans(part):
                self._visit(part, inside)

    def _bool(self, node: ast.BoolOp, context: _Context) -> None:
        for value in node.values:
            if self._spans(value):
                self._visit(value, context)
            if not context.platform and guards.is_platform_test(value):
                context = context.but(platform=True)

    def _import(self, node: ast.Import, context: _Context) -> None:
        """`import grp`: a module GraalPy does not have fails at the import."""
        for alias in node.names:
            limitation = self.rules.missing_modules.get(alias.name.partition(".")[0])
            if limitation is not None:
                column = getattr(alias, "col_offset", node.col_offset)
                self._add(node, limitation, alias.name, "module", context, column=column)

    def _import_from(self, node: ast.ImportFrom, context: _Context) -> None:
        """`from os import fork`: the import itself fails on GraalPy (at the statement's line, the name's column)."""
        missing = self.rules.missing_modules.get((node.module or "").partition(".")[0]) if node.level == 0 else None
        if missing is not None:
            self._add(node, missing, node.module or "", "module", context)
            return
        for alias, (_local, name) in zip(node.names, imported(node), strict=False):
            limitation = None if name is None else self.rules.absent_id(name)
            if limitation is not None and name is not None:
                column = getattr(alias, "col_offset", node.col_offset)
                self._add(node, limitation, name, "import", context, column=column)

    def _attribute(self, node: ast.Attribute, context: _Context) -> None:
        name = qualified(node, context.scope) if isinstance(node.ctx, ast.Load) else None
        if name is None:
            self._children(node, context)
            return
        limitation = self.rules.absent_id(name)
        if limitation is not None:
            self._add(node, limitation, name, "attribute", context)
        elif name in self.rules.uses:
            self._add(node, self.rules.uses[name], name, "", context)

    def _name(self, node: ast.Name, context: _Context) -> None:
        name = context.scope.lookup(node.id)
        if name is not None and name in self.rules.uses and isinstance(node.ctx, ast.Load):
            self._add(node, self.rules.uses[name], name, "", context)

    def _call(self, node: ast.Call, context: _Context) -> None:
        func = node.func
        builtin = func.id if isinstance(func, ast.Name) and func.id in ("hasattr", "getattr") else None
        if builtin and context.scope.is_builtin(builtin) and self._lookup_by_name(node, builtin, context):
            for arg in node.args[2:]:
                self._visit(arg, context)
            return
        name = qualified(func, context.scope)
        rules = self.rules
        if name is not None:
            if name in rules.calls:
                self._add(node, rules.calls[name], name, "", context)
            for keyword, limitation, check in rules.keywords.get(name, ()):
                value = arguments.keyword_value(node, keyword)
                if value is not None and arguments.is_hit(check, value, node, context.scope):
                    self._add(node, limitation, name, "", context, keyword)
            special = arguments.VALUE_CHECKS.get(name.partition(".")[2] if name.startswith(("os.", "posix.")) else name)
            if special is not None and rules.backend == "java":
                for limitation in special(node, context.scope):
                    self._add(node, limitation, name, "", context)
        method = func.attr if isinstance(func, ast.Attribute) else name.rpartition(".")[2] if name else None
        if method in _START_METHOD_CALLS and (name is None or name.startswith("multiprocessing")):
            self._start_method(node, name or dotted(func) or method, context)
        self._children(node, context)

    def _lookup_by_name(self, node: ast.Call, builtin: str, context: _Context) -> bool:
        """`hasattr(os, "fork")` (a probe), `getattr(os, "fork")` (a lookup): True when it named one."""
        if len(node.args) < 2 or not isinstance(node.args[1], ast.Constant) or not isinstance(node.args[1].value, str):
            return False
        base = qualified(node.args[0], context.scope)
        if base is None:
            return False
        name = f"{base}.{node.args[1].value}"
        limitation = self.rules.absent_id(name)
        if limitation is None:
            return False
        probe = builtin == "hasattr" or len(node.args) > 2
        self._add(node, limitation, name, PROBE if probe else "attribute", context)
        return True

    def _start_method(self, node: ast.Call, spelled: str, context: _Context) -> None:
        value = node.args[0] if node.args else arguments.keyword_value(node, "method")
        if isinstance(value, ast.Constant) and value.value in self.rules.start_methods:
            self._add(node, self.rules.start_methods[value.value], spelled, "", context)


def _qualname(context: _Context, name: str) -> str:
    """`__qualname__`'s spelling: `Class.method`, `outer.<locals>.inner`."""
    if context.qualname == _MODULE:
        return name
    return context.qualname + ("." if context.class_scope else ".<locals>.") + name


_HANDLERS: dict[type[ast.AST], Callable[[FileScanner, Any, _Context], None]] = {
    ast.FunctionDef: FileScanner._function, ast.AsyncFunctionDef: FileScanner._function,
    ast.Lambda: FileScanner._function, ast.ClassDef: FileScanner._class, ast.Try: FileScanner._try,
    ast.With: FileScanner._with, ast.AsyncWith: FileScanner._with, ast.If: FileScanner._if,
    ast.IfExp: FileScanner._if, ast.While: FileScanner._if, ast.BoolOp: FileScanner._bool,
    ast.Import: FileScanner._import, ast.ImportFrom: FileScanner._import_from,
    ast.Attribute: FileScanner._attribute, ast.Name: FileScanner._name,
    ast.Call: FileScanner._call,
}  # fmt: skip
if hasattr(ast, "TryStar"):
    _HANDLERS[ast.TryStar] = FileScanner._try


def scan_source(data: bytes, rules: StaticRules, words: Prefilter) -> list[Finding]:
    """The findings of one file's bytes (ScanError when it cannot be decoded or parsed)."""
    return FileScanner(rules, words).scan(decode(data))
