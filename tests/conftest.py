"""Shared helpers: run Python (plain or through `python -m interpose`) in real child processes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import settings

# CI must be reproducible: the same examples on every run.  Locally every session draws a fresh seed, printed at
# the start and at the end, so that the examples differ from run to run (and from CI's) and a failure can be
# replayed with --hypothesis-seed=N.
settings.register_profile("ci", derandomize=True, database=None, deadline=None)
DERANDOMIZED = bool(os.environ.get("CI"))
if DERANDOMIZED:
    settings.load_profile("ci")
_SEED_KEY = pytest.StashKey[str]()


@pytest.hookimpl(trylast=True)
def pytest_configure(config: pytest.Config) -> None:
    """Without CI and without --hypothesis-seed, force one fresh seed for the session (and say which)."""
    given = config.getoption("hypothesis_seed", None)
    if DERANDOMIZED:
        config.stash[_SEED_KEY] = "derandomized (CI is set): the same examples on every run"
    elif given is not None:
        config.stash[_SEED_KEY] = f"{given} (given)"
    else:
        import secrets

        from hypothesis import core

        seed = secrets.randbits(32)
        core.global_force_seed = seed
        config.stash[_SEED_KEY] = f"{seed} (fresh; run again with --hypothesis-seed={seed})"


def pytest_sessionstart(session: pytest.Session) -> None:
    """Byte-compile interpose as an install does: with PYTHONDONTWRITEBYTECODE set, an editable tree would stay
    uncompiled, and every interposed child process would compile each of interpose's modules again."""
    import compileall

    compileall.compile_dir(str(Path(__file__).resolve().parent.parent / "interpose"), quiet=1)


def pytest_report_header(config: pytest.Config) -> str:
    return f"hypothesis seed: {config.stash[_SEED_KEY]}"


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter, config: pytest.Config) -> None:
    terminalreporter.write_line(f"hypothesis seed: {config.stash[_SEED_KEY]}")

# `pytest -m "not slow"` is the edit loop.  A test that takes seconds says so with `@pytest.mark.slow` (or a module's
# `pytestmark`); two kinds are marked here, whichever file they are in: child pytest sessions (the `pytester`
# fixture, and the tests named below: a fresh interpreter loading pytest and its plugins, seconds each) and the
# stateful searches, which run hundreds of generated programs against the real filesystem.
SLOW_MODULES = ("tests/emulated/test_stateful.py", "tests/fs/test_fs_stateful.py")
CHILD_PYTEST_SESSIONS = (
    "tests/test_invisibility.py::test_a_project_imports_its_own_modules_under_the_pytest_plugin",
    "tests/test_invisibility.py::test_pytest_does_not_notice_interpose_under_filterwarnings_error",
)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        fixtures = getattr(item, "fixturenames", ())
        test = item.nodeid.split("[", 1)[0]
        if "pytester" in fixtures or test.split("::", 1)[0] in SLOW_MODULES or test in CHILD_PYTEST_SESSIONS:
            item.add_marker(pytest.mark.slow)


# The plugin's tests run real pytest sessions in child processes (pytester's runpytest_subprocess);
# pytest accepts pytest_plugins only in a top-level conftest.
pytest_plugins = ["pytester"]

PYTHON = sys.executable
CLEAN_ENV = {key: value for key, value in os.environ.items() if not key.startswith("INTERPOSE_")}


def run_python(
    *args: str, cwd: Path | str | None = None, env: dict[str, str] | None = None, input: str | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the test interpreter with `args` and return the finished process (text mode)."""
    return subprocess.run(
        [PYTHON, *args], cwd=cwd, env={**CLEAN_ENV, **(env or {})}, input=input,
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def run_interposed(*args: str, **kwargs: object) -> subprocess.CompletedProcess[str]:
    """`python -m interpose ARGS...` in a child process."""
    return run_python("-m", "interpose", *args, **kwargs)  # type: ignore[arg-type]


def read_events(path: Path) -> list[dict[str, object]]:
    """Every event line of a JSON-lines log (each line must parse)."""
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def totals(events: list[dict[str, object]]) -> dict[tuple[object, ...], int]:
    """Exact count per (run, limitation, call site line): the largest count written for each."""
    result: dict[tuple[object, ...], int] = {}
    for event in events:
        site = event["callsite"]
        key = (event["run"], event["limitation"], site["line"] if isinstance(site, dict) else None)
        result[key] = max(result.get(key, 0), int(event["count"]))  # type: ignore[call-overload]
    return result


@pytest.fixture
def log_file(tmp_path: Path) -> Path:
    return tmp_path / "events.jsonl"


@pytest.fixture
def clean_activation():
    """Make sure an in-process test leaves no activation behind."""
    import interpose

    yield
    interpose.deactivate()
