"""The paragraph a porting team reads first: how many problems would stop the program, on which backend, where.

A *problem* is a distinct (limitation, call site) with at least one unguarded use at INFO or above (or a hit
of schema 1, which did not classify uses): a line of code that would raise, or change what the program sees,
on GraalPy, and that the program does not catch.  Guarded uses, probes and everything below INFO are not
problems.  A line found by the scanner and hit at runtime is one problem; the same line on both backends is
one problem on each.  Counted from the rows of a view by (limitation, call site, backend).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from interpose.report.model import ViewRow
from interpose.report.sites import BREAKS

#: The view the problems are counted from.
PROBLEM_VIEW = ("limitation", "callsite", "backend")
#: Backends in the order the paragraph names them: native's problems first, then what java adds.
_BACKEND_ORDER = ("native", "java")
OWN_CODE = "the program's own code"


@dataclass
class Triage:
    """Problems per backend ((limitation, call site) pairs) and the distribution each problem is in."""

    backends: dict[str, set[tuple[str | None, ...]]] = field(default_factory=dict)
    owners: dict[tuple[str | None, ...], str] = field(default_factory=dict)

    @property
    def problems(self) -> int:
        """Distinct problems over all backends."""
        return len(self.owners)

    def per_backend(self) -> list[tuple[str, int]]:
        """(backend, problems it adds to the backends before it), native first, for every backend seen."""
        seen: set[tuple[str | None, ...]] = set()
        out = []
        for backend in sorted(self.backends, key=_backend_order):
            new = self.backends[backend] - seen
            out.append((backend, len(new)))
            seen |= new
        return out

    def per_distribution(self) -> list[tuple[str, int]]:
        """(distribution, problems in it), most first; empty when no problem lies in a named distribution."""
        counts: dict[str, int] = {}
        for owner in self.owners.values():
            counts[owner] = counts.get(owner, 0) + 1
        if set(counts) <= {OWN_CODE}:
            return []
        return sorted(counts.items(), key=lambda item: (-item[1], item[0]))

    def as_dict(self) -> dict[str, object]:
        """For the JSON report: the total, what each backend adds (in order), and per distribution."""
        return {
            "total": self.problems,
            "per_backend": dict(self.per_backend()),
            "per_distribution": dict(self.per_distribution()),
        }


def _backend_order(backend: str) -> tuple[int, str]:
    return (_BACKEND_ORDER.index(backend) if backend in _BACKEND_ORDER else len(_BACKEND_ORDER), backend)


def triage(rows: list[ViewRow], backends: set[str]) -> Triage:
    """The problems among rows of `PROBLEM_VIEW`; every backend of the inputs is named, even with none."""
    result = Triage({backend: set() for backend in backends})
    for row in rows:
        if row.rank != BREAKS:
            continue
        limitation, callsite, backend = row.key
        problem = (limitation, callsite)
        result.backends.setdefault(backend or "", set()).add(problem)
        owner = row.distributions[0] if row.distributions else OWN_CODE
        result.owners[problem] = min(result.owners.get(problem, owner), owner)
    return result


def _problems(count: int) -> str:
    return f"{count} problem{'s' * (count != 1)}"


def paragraph(result: Triage) -> str:
    """`N problems would stop this program on GraalPy's native backend, M more on java.` and where they are."""
    counts = result.per_backend()
    if not counts:
        return "No events: nothing would stop this program on GraalPy, as far as these inputs show."
    (first, number), rest = counts[0], counts[1:]
    text = f"{_problems(number)} would stop this program on GraalPy's {first} backend"
    text += "".join(f", {count} more on {backend}" for backend, count in rest) + "."
    where = result.per_distribution()
    if where:
        text += " By distribution: " + ", ".join(f"{owner} {count}" for owner, count in where) + "."
    return text + " (A problem: a limitation and call site with an unguarded use at INFO or above.)"
