"""One distinct place events came from, and what a triage needs to know of it: how soon it breaks a program.

A *site* is what the aggregator keeps apart below every view: the head of its lines (limitation, level,
backend, use, message, hint, source, distribution), the call site and the test.  The views group sites;
this module says how a group of sites reads: its rank (unguarded uses at INFO and above break first, then
guarded ones, then probes and everything below INFO), its worst use, whether it was seen at runtime, by the
scanner, or both, and which call sites are the same line whichever way they were found.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import NamedTuple

from interpose.report.levels import EVENT_LEVELS
from interpose.report.naming import callsite_label, distribution_name

#: How soon a use breaks a program on GraalPy, first to last ("" is schema 1's unclassified hit: a use).
USES = ("unguarded", "", "guarded", "probe")
#: The ranks: what stops a program (unguarded, INFO and above), what it catches, what only informs.
BREAKS, CAUGHT, INFORMS = range(3)
_INFO = EVENT_LEVELS["INFO"]


class Site(NamedTuple):
    """The fields of a site: its head's, its call site's ("" without one) and its test ("" outside tests)."""

    limitation: str
    level: str
    backend: str
    use: str
    message: str
    hint: str
    source: str
    distribution: str
    file: str
    line: str
    function: str
    test: str

    @property
    def rank(self) -> int:
        """BREAKS, CAUGHT or INFORMS: see the module docstring."""
        if EVENT_LEVELS[self.level] < _INFO or self.use == "probe":
            return INFORMS
        return CAUGHT if self.use == "guarded" else BREAKS

    @property
    def owner(self) -> str | None:
        """The distribution the call site belongs to: the finding's own, else derived from its path."""
        return self.distribution or distribution_name(self.file)

    def urgency(self) -> tuple[int, int, str, str, str]:
        """What sorts a group's most urgent site first (its message and hint speak for the group)."""
        return self.rank, -EVENT_LEVELS[self.level], self.limitation, self.message, self.hint


def worst_use(sites: Iterable[Site]) -> str | None:
    """The use that breaks first among these sites; None when no site says (schema 1)."""
    use = min((site.use for site in sites), key=_use_order, default="")
    return use or None


def _use_order(use: str) -> int:
    return USES.index(use) if use in USES else len(USES)


def source_of(sites: Iterable[Site]) -> str:
    """`runtime`, `static`, or `both` when the group was seen both ways."""
    sources = {site.source for site in sites}
    return "both" if len(sources) > 1 else sources.pop()


def _same_line(file: str, line: str, cwd: str) -> tuple[str, str]:
    """A call site's file and line as one place whichever way it was named (relative or absolute)."""
    if not file or file.startswith("<"):
        return file, line
    return os.path.normpath(os.path.join(cwd, file)), line


def merged_labels(sites: Iterable[Site]) -> dict[tuple[str, str, str], str | None]:
    """(file, line, function) -> its label; a finding takes the label of a runtime event on its line.

    The scanner may name a file relatively where the program's frames name it absolutely: the line is what
    matters.  A runtime call site keeps its own label (two frames on one line, a function and its
    comprehension, stay apart as they always did); a finding joins the runtime call site with its function
    name, else the first of them, and findings on a line no run reached keep their own labels.
    """
    labels: dict[tuple[str, str, str], str | None] = {}
    seen_at_runtime: set[tuple[str, str, str]] = set()
    for site in sites:
        where = (site.file, site.line, site.function)
        labels[where] = callsite_label(*where)
        if site.source == "runtime":
            seen_at_runtime.add(where)
    static = [where for where in labels if where not in seen_at_runtime]
    if not static:
        return labels
    cwd = os.getcwd()
    runtime: dict[tuple[str, str], dict[str, str | None]] = {}
    for where in seen_at_runtime:
        runtime.setdefault(_same_line(where[0], where[1], cwd), {})[where[2]] = labels[where]
    for where in static:
        variants = runtime.get(_same_line(where[0], where[1], cwd))
        if variants:
            labels[where] = variants.get(where[2], variants[min(variants)])
    return labels
