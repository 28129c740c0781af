"""Helpers shared by the benchmark scripts: interleaved runs and medians."""

from __future__ import annotations

import statistics
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def compile_package() -> None:
    """Byte-compile interpose as an install would (PYTHONDONTWRITEBYTECODE keeps an editable tree uncompiled)."""
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", *(str(ROOT / p) for p in ("interpose",))],
        check=True, stdout=subprocess.DEVNULL,
    )  # fmt: skip


def interleaved_medians(candidates: dict[str, Callable[[], float]], rounds: int) -> dict[str, float]:
    """Run each candidate once per round, in turn, so that machine noise hits all alike; median per candidate."""
    samples: dict[str, list[float]] = {name: [] for name in candidates}
    for _ in range(rounds):
        for name, measure in candidates.items():
            samples[name].append(measure())
    return {name: statistics.median(values) for name, values in samples.items()}


def print_ratio(title: str, measured: dict[str, float], baseline: str, unit: str, target: str) -> None:
    base = measured[baseline]
    print(f"\n{title}")
    for name, value in measured.items():
        print(f"  {name:<34} {value:10.3f} {unit}   ratio {value / base:5.2f}x")
    print(f"  target: {target}")
