"""What a name in the source stands for: imports and aliases, scope by scope.

`import os as _os`, `from os import fork as f`, `from concurrent import futures`:
each binds a local name to a qualified one (`_os` -> `os`, `f` -> `os.fork`,
`futures` -> `concurrent.futures`), and `_os.fork` then resolves to `os.fork`.
Any other binding of a name in a scope (a parameter, an assignment, a `def`)
hides the outer one, so `def fork(): ...; fork()` and `def run(os): os.fork()`
resolve to nothing.  Bindings are read from the statements of a scope without
regard to order, and an import wins over another binding of the same name in
the same scope: `try: import fcntl / except ImportError: fcntl = None` keeps
`fcntl` a module.  Names bound in comprehensions and by `:=` are not tracked.
"""

from __future__ import annotations

import ast

from interpose.compat.catalog_static import MODULES

#: local name -> qualified name, or None for a binding that is not one of the modules looked at
Bindings = dict[str, "str | None"]
_BODIES = ("body", "orelse", "finalbody", "handlers")


class Scope:
    """The bindings of one scope and the scope names are looked up in next (None at module level)."""

    __slots__ = ("names", "parent")

    def __init__(self, names: Bindings, parent: Scope | None) -> None:
        self.names = names
        self.parent = parent

    def lookup(self, name: str) -> str | None:
        """The qualified name `name` stands for here (None: not a module or name looked at)."""
        scope: Scope | None = self
        while scope is not None:
            if name in scope.names:
                return scope.names[name]
            scope = scope.parent
        return None

    def is_builtin(self, name: str) -> bool:
        """Whether `name` is not bound in any enclosing scope, so it is the builtin of that name."""
        scope: Scope | None = self
        while scope is not None:
            if name in scope.names:
                return False
            scope = scope.parent
        return True


def imported(node: ast.Import | ast.ImportFrom) -> list[tuple[str, str | None]]:
    """(local name, qualified name or None) for each name an import statement binds."""
    bound: list[tuple[str, str | None]] = []
    if isinstance(node, ast.Import):
        for alias in node.names:
            root = alias.name.partition(".")[0]
            interesting = root in MODULES
            if alias.asname is None:
                bound.append((root, root if interesting else None))
            else:
                bound.append((alias.asname, alias.name if interesting else None))
        return bound
    module = node.module or ""
    interesting = node.level == 0 and module.partition(".")[0] in MODULES
    for alias in node.names:
        if alias.name != "*":
            bound.append((alias.asname or alias.name, f"{module}.{alias.name}" if interesting else None))
    return bound


def _targets(target: ast.expr, out: list[str]) -> None:
    if isinstance(target, ast.Name):
        out.append(target.id)
    elif isinstance(target, (ast.Tuple, ast.List)):
        for element in target.elts:
            _targets(element, out)
    elif isinstance(target, ast.Starred):
        _targets(target.value, out)


def _bound_by(statement: ast.stmt, plain: list[str], declared: set[str]) -> None:
    """Names `statement` binds other than by import (appended to `plain`); `global`/`nonlocal` to `declared`."""
    if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        plain.append(statement.name)
    elif isinstance(statement, ast.Assign):
        for target in statement.targets:
            _targets(target, plain)
    elif isinstance(statement, (ast.AnnAssign, ast.AugAssign, ast.For, ast.AsyncFor)):
        _targets(statement.target, plain)
    elif isinstance(statement, (ast.With, ast.AsyncWith)):
        for item in statement.items:
            if item.optional_vars is not None:
                _targets(item.optional_vars, plain)
    elif isinstance(statement, (ast.Global, ast.Nonlocal)):
        declared.update(statement.names)


def bindings(body: list[ast.stmt], arguments: ast.arguments | None = None) -> Bindings:
    """The names one scope binds: its statements, nested blocks included, nested scopes not."""
    names: Bindings = {}
    plain: list[str] = []
    declared: set[str] = set()
    if arguments is not None:
        every = [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs]
        every += [arg for arg in (arguments.vararg, arguments.kwarg) if arg is not None]
        plain.extend(arg.arg for arg in every)
    pending: list[ast.AST] = list(body)
    while pending:
        node = pending.pop()
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            for local, qualified in imported(node):
                if qualified is not None or names.get(local) is None:
                    names[local] = qualified
            continue
        if isinstance(node, ast.ExceptHandler):
            if node.name:
                plain.append(node.name)
        elif isinstance(node, ast.stmt):
            _bound_by(node, plain, declared)
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                continue
        for field in _BODIES:
            pending.extend(getattr(node, field, ()))
        for case in getattr(node, "cases", ()):
            pending.extend(case.body)
    for name in plain:
        names.setdefault(name, None)
    for name in declared:
        names.pop(name, None)
    return names


def qualified(node: ast.expr, scope: Scope) -> str | None:
    """The qualified name of a name or attribute chain (`_os.fork` -> `os.fork`), or None."""
    if isinstance(node, ast.Name):
        return scope.lookup(node.id)
    if isinstance(node, ast.Attribute):
        base = qualified(node.value, scope)
        return None if base is None else f"{base}.{node.attr}"
    return None


def dotted(node: ast.expr) -> str | None:
    """The source spelling of a name or attribute chain (`ctx.set_start_method`), or None for anything else."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        base = dotted(node.value)
        return None if base is None else f"{base}.{node.attr}"
    return None
