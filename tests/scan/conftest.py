"""Helpers of the scanner's tests: run `python -m interpose scan` in this process, read what it wrote."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

from interpose.scan.cli import main

CORPUS = Path(__file__).parent / "corpus"


class Scan:
    """One run of the command: its status, standard output and error, and the JSON document when asked for."""

    def __init__(self, argv: list[str]) -> None:
        out, err = io.StringIO(), io.StringIO()
        self.status = main(argv, stdout=out, stderr=err)
        self.stdout = out.getvalue()
        self.stderr = err.getvalue()

    @property
    def document(self) -> dict[str, Any]:
        loaded: dict[str, Any] = json.loads(self.stdout)
        return loaded


@pytest.fixture
def scan(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    """`scan(*argv)`: the command with a private cache folder (XDG_CACHE_HOME under tmp_path)."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))

    def run(*argv: str) -> Scan:
        return Scan(list(argv))

    return run
