"""CPython's own regression tests, plain and interposed (a fast subset; `python -m tests.regrtest_harness
--backend native|java` runs the whole list by hand)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.regrtest_harness import FAST_MODULES, compare


@pytest.mark.slow  # each runs a CPython test module three times in fresh interpreters
@pytest.mark.parametrize("backend", ["native", "java"])
@pytest.mark.parametrize("module", FAST_MODULES)
def test_interposed_runs_keep_cpythons_passes(module: str, backend: str, tmp_path: Path) -> None:
    comparison = compare(module, backend, tmp_path)
    assert comparison.plain.passed, "the plain run passed nothing: the harness is broken"
    assert comparison.warn_differs == set(), "under warn the passing tests must be plain CPython's"
    assert comparison.unexplained == [], "under enforce every lost test must have hit a logged limitation"
