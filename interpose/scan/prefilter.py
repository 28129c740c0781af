"""Which lines of a file may hold a finding, found without parsing it.

Parsing is CPython's (`ast`, in C) but costs more than everything else a scan
does; most files of a tree cannot hold a finding at all, and in the others most
lines cannot.  Regular expressions that start with a literal or a character
class (which `re` scans for fast) find the candidates; the few matches are then
checked in Python.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from interpose.compat.catalog_static import MODULES, StaticRules


def _trie(words: Iterable[str]) -> str:
    """A regular expression for `words` that branches one character at a time (much faster than `a|b|c`)."""
    root: dict[str, Any] = {}
    for word in words:
        node = root
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def emit(node: dict[str, Any]) -> str:
        branches = [re.escape(char) + emit(child) for char, child in sorted(node.items()) if char]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body

    return emit(root)


class Prefilter:
    """Finds the lines where a finding may start, without parsing.

    - a name of interest after `.`, when the name before the dot may be a module looked at
      (`os.fork`, `_os.fork` after `import os as _os`; not `self.fork`, `event.wait`);
    - a name of interest in quotes after `,`, `(` or `=` (`hasattr(os, "fork")`, `get_context("fork")`);
    - a keyword of interest before `=` (`preexec_fn=`);
    - any name after `select.`, `fcntl.` or `resource.`, or in quotes after `select, ` (their missing
      names depend on the platform);
    - an import of a module GraalPy does not have (`import grp`);
    - in a file that imports names from a module looked at (`from os import fork as f`), those names
      and their aliases anywhere.

    Each pattern starts with a literal or a character class, which `re` scans for fast; the checks of
    what precedes a match are made in Python on the few matches.
    """

    def __init__(self, rules: StaticRules) -> None:
        self.names = rules.names()
        self.attributes = re.compile(r"[.'\"]" + _trie(self.names) + r"\b")
        # Literal first (fast); a match inside a longer name (`my_user=`) is dropped in `lines`.
        self.keywords = re.compile(_trie(rules.keyword_names()) + r"\s*=(?!=)")
        modules = "|".join(sorted(MODULES))
        self.surface_modules = tuple(rules.surface_kept)
        self.surface_kept = {module: kept for module, (_id, kept) in rules.surface_kept.items()}
        self.surfaces = re.compile(r"(" + "|".join(rules.surface_kept) + r")(?:\.|\s*,\s*['\"])(\w+)")
        self.imports = re.compile(r"from[ \t]+((?:" + modules + r")(?:\.\w+)*)[ \t]+import[ \t]+(\([^)]*\)|[^\n;]*)")
        self.module_imports = re.compile(r"import[ \t]+([^\n;#]*)")
        self.missing_modules = tuple(rules.missing_modules)
        self.missing_imports = re.compile(
            r"(?:import|from)[ \t][^\n;#]*?\b(?:" + "|".join(map(re.escape, self.missing_modules) or ["(?!)"]) + r")\b"
        )
        #: names that may stand for a module looked at: theirs, and the parts of dotted ones (concurrent.futures)
        self.receivers = set(MODULES)
        for table in (rules.absent, rules.calls, rules.uses, rules.keywords):
            for name in table:
                self.receivers.update(name.split(".")[:-1])

    def lines(self, text: str) -> list[int]:
        """The numbers of the lines where a finding may start, in order."""
        imported: set[str] = set()  # names of interest imported from a module looked at, as the file calls them
        receivers = self.receivers | self._aliases(text)
        starts: list[int] = []
        for statement in self.imports.finditer(text):
            kept = self.surface_kept.get(statement[1])
            for name, alias in _IMPORTED.findall(statement[2]):
                if name != "as":
                    receivers.add(alias or name)  # a submodule, perhaps (from concurrent import futures)
                    if name in self.names:
                        imported.add(alias or name)
                    elif kept is not None and name not in kept:
                        starts.append(statement.start())  # `from fcntl import I_PUSH`: lacking on GraalPy
        starts += [
            match.start() for match in self.attributes.finditer(text) if _plausible(text, match.start(), receivers)
        ]
        starts += [match.start() for match in self.keywords.finditer(text) if _keyword_argument(text, match)]
        if any(module in text for module in self.surface_modules):  # str.find is much faster than the pattern
            surfaces = self.surface_kept
            starts += [match.start() for match in self.surfaces.finditer(text) if match[2] not in surfaces[match[1]]]
        if any(module in text for module in self.missing_modules):
            starts += [match.start() for match in self.missing_imports.finditer(text)]
        if imported:
            starts += [match.start() for match in re.finditer(r"\b(?:" + _trie(imported) + r")\b", text)]
        found: list[int] = []
        line, position = 1, 0
        for start in sorted(starts):
            line += text.count("\n", position, start)
            position = start
            found.append(line)
        return sorted(set(found))

    def _aliases(self, text: str) -> set[str]:
        """`Y` of every `import X as Y` whose X is (in) a module looked at."""
        found: set[str] = set()
        if " as " not in text:
            return found
        for names in self.module_imports.findall(text):
            for name, alias in _IMPORTED_MODULE.findall(names):
                if alias and name.partition(".")[0] in MODULES:
                    found.add(alias)
        return found


def _plausible(text: str, start: int, receivers: set[str]) -> bool:
    """Whether the name matched at `start` (after its `.` or quote) may be part of a finding."""
    if text[start] != ".":
        return _QUOTED_ARGUMENT.search(text, max(0, start - 16), start) is not None
    before = _RECEIVER.search(text, max(0, start - 48), start)
    return before is None or before.group(1) in receivers  # None: an expression (a call, a subscript) before it


def _keyword_argument(text: str, match: re.Match[str]) -> bool:
    """Whether a `name=` match may be a keyword argument: not inside a longer name, and either written
    `name=value` (as keyword arguments are) or right after `(` or `,` (`group = x` is an assignment)."""
    start = match.start()
    if start and _NAME_PART.match(text, start - 1):
        return False
    if not match[0][-2:-1].isspace():
        return True
    return _ARGUMENT_START.search(text, max(0, start - 16), start) is not None


_ARGUMENT_START = re.compile(r"[(,]\s*\Z")
_RECEIVER = re.compile(r"(\w+)\s*\Z")
_QUOTED_ARGUMENT = re.compile(r"[,(=]\s*\Z")
_IMPORTED_MODULE = re.compile(r"([\w.]+)(?:\s+as\s+(\w+))?")
_NAME_PART = re.compile(r"[\w.]")
_IMPORTED = re.compile(r"(\w+)(?:\s+as\s+(\w+))?")
