"""Precision on the planted corpus: every planted use found on its line with its class, nothing in clean files.

Each planted line says what it holds: `# expect: ID USE` (both backends; several
separated by `;`) or `# expect-java: ID USE` (the java backend only).  The scan
must find exactly those, on those lines, and nothing in tests/scan/corpus/clean.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from tests.scan.conftest import CORPUS

_MARK = re.compile(r"# expect(-java)?: (.*)$")
Key = tuple[str, int, str, str]


def expected(backend: str) -> Counter[Key]:
    """(file, line, limitation, use) for every planted use, from the corpus's markers."""
    found: Counter[Key] = Counter()
    for path in sorted(CORPUS.rglob("*.py")):
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            mark = _MARK.search(line)
            if mark is None or (mark.group(1) and backend != "java"):
                continue
            for item in mark.group(2).split(";"):
                limitation, use = item.split()
                found[(str(path), number, limitation, use)] += 1
    return found


def found(document: dict[str, Any]) -> Counter[Key]:
    return Counter(
        (event["callsite"]["file"], event["callsite"]["line"], event["limitation"], event["use"])
        for event in document["findings"]
    )


@pytest.mark.parametrize("backend", ["native", "java"])
def test_every_planted_use_is_found_on_its_line_and_nothing_else(scan: Any, backend: str) -> None:
    result = scan(str(CORPUS), "--backend", backend, "--format", "json", "--no-cache", "--jobs", "1")
    assert result.status == 0, result.stderr
    want, got = expected(backend), found(result.document)
    assert sum(want.values()) > (60 if backend == "java" else 40)  # the markers were read
    assert got - want == Counter(), "found but not planted"
    assert want - got == Counter(), "planted but not found"


@pytest.mark.parametrize("backend", ["native", "java"])
def test_clean_look_alikes_give_no_finding(scan: Any, backend: str) -> None:
    clean = CORPUS / "clean"
    result = scan(str(clean), "--backend", backend, "--format", "json", "--no-cache")
    assert result.status == 0
    assert result.document["files"] == len(list(clean.glob("*.py")))
    assert result.document["findings"] == []


def test_the_fake_dependency_is_named_by_its_record(scan: Any) -> None:
    result = scan(str(CORPUS), "--backend", "java", "--format", "json", "--no-cache")
    owners = {
        Path(event["callsite"]["file"]).parent.name: event.get("distribution") for event in result.document["findings"]
    }
    assert owners == {"daemonlib": "daemonlib", "planted": None}


def test_a_dependency_found_through_its_site_folder_is_named(scan: Any) -> None:
    """The site folder named itself (its dist-info is beside the package), or the package folder (beside its parent)."""
    for path in (CORPUS / "site", CORPUS / "site" / "daemonlib"):
        result = scan(str(path), "--format", "json", "--no-cache")
        assert {event["distribution"] for event in result.document["findings"]} == {"daemonlib"}
