"""The pytest plugin: `--interpose=native|java` for a whole run, and the `interpose_fs` fixture.

Registered through the `pytest11` entry point, so it is loaded into every pytest
run of the environment: without its options, and until a test asks for
`interpose_fs`, it only adds options and a fixture (nothing is activated and
structlog is not imported).  docs/pytest.md describes the semantics.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from interpose.pytest_plugin.fixture import InterposeFS

BACKENDS = ("native", "java")
POLICIES = ("enforce", "warn")
_SESSION = "interpose-session"
_FIXTURE_LOG = "interpose-fixture-log"


def _filesystem(text: str) -> str:
    """--interpose-fs: only `host` for a whole run (pytest's own files go through the backend too)."""
    if text.strip() == "host":
        return "host"
    raise argparse.ArgumentTypeError(
        f"{text!r}: a whole pytest run can only be interposed over the host filesystem, because pytest's own "
        "files (tmp_path, the cache, captured output, junitxml) go through the backend too; "
        "for a test over an in-memory filesystem use the interpose_fs fixture"
    )


def _log_level(text: str) -> str:
    """--interpose-log-level: a Java level name, as `--log.python.compatibility.level` takes it."""
    from interpose.events.levels import parse_level

    try:
        parse_level(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None
    return text.strip().upper()


def pytest_addoption(parser: pytest.Parser, pluginmanager: pytest.PytestPluginManager) -> None:
    _not_rewritten(pluginmanager)
    group = parser.getgroup("interpose", "interpose: run as on GraalPy's POSIX backends")
    group.addoption(
        "--interpose", choices=BACKENDS, default=None, metavar="BACKEND",
        help="run the whole session interposed on GraalPy's native or java backend; list the limitations hit per test",
    )  # fmt: skip
    group.addoption(
        "--interpose-fs", type=_filesystem, default=None, metavar="SPEC",
        help="filesystem of the java backend for the whole run: only 'host' (see the interpose_fs fixture)",
    )  # fmt: skip
    group.addoption(
        "--interpose-policy", choices=POLICIES, default=None, metavar="POLICY",
        help="enforce (default): fail as GraalPy does; warn: behave as CPython and log",
    )  # fmt: skip
    group.addoption(
        "--interpose-log", default=None, metavar="FILE",
        help="append the events (JSON lines) to FILE, its folder made if needed; default: a temporary file",
    )  # fmt: skip
    group.addoption(
        "--interpose-log-level", type=_log_level, default=None, metavar="LEVEL",
        help="log and list events at or above this Java level (default INFO; FINE shows what GraalPy silently "
        "ignores or approximates, FINER also probes); for --interpose and the interpose_fs fixture",
    )  # fmt: skip


def _not_rewritten(pluginmanager: pytest.PytestPluginManager) -> None:
    """Keep pytest from rewriting the asserts of interpose's own modules.

    pytest marks every module of a pytest11 plugin's distribution for assert rewriting, so each module of
    interpose a session imports (the java backend, the providers, ...) would be parsed and compiled again,
    and every run under PYTHONDONTWRITEBYTECODE (about 1.7 s for the interpose_fs fixture's first test),
    instead of loaded from its byte-code.  interpose's asserts are invariants, not tests: there is nothing
    for pytest to explain.  pytest has no public way to unmark a package; its marks are a set of names.
    """
    hook = getattr(pluginmanager, "rewrite_hook", None)
    marked = getattr(hook, "_must_rewrite", None)
    if isinstance(marked, set) and "interpose" in marked:
        marked.discard("interpose")
        cache = getattr(hook, "_marked_for_rewrite_cache", None)
        if isinstance(cache, dict):
            cache.clear()


def _check(options: argparse.Namespace) -> str | None:
    """The backend asked for, after checking the options together; UsageError (exit status 4) if they clash."""
    backend: str | None = options.interpose
    if backend is None:
        given = [name for name in ("interpose_fs", "interpose_policy", "interpose_log") if getattr(options, name)]
        if given:
            names = ", ".join("--" + name.replace("_", "-") for name in given)
            raise pytest.UsageError(f"{names} need{'s' * (len(given) == 1)} --interpose=native|java")
        return None
    if options.interpose_fs and backend != "java":
        raise pytest.UsageError("--interpose-fs applies to the java backend only (--interpose=java)")
    from interpose import activation

    if activation.active() is not None:
        raise pytest.UsageError(
            "--interpose: this process is already interposed (python -m interpose, or INTERPOSE_BACKEND set); "
            "run plain pytest with --interpose, or drop the option"
        )
    return backend


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_load_initial_conftests(early_config: pytest.Config) -> Iterator[None]:
    """Activate before pytest's capture starts, so that its files and fds belong to the backend.

    The java backend knows only the descriptors opened through it (and 0, 1, 2):
    capture's temporary files and saved descriptors must be opened after activation.
    Deactivation is the first cleanup registered, hence the last run: after capture
    has put the real stdout and stderr back.
    """
    options = early_config.known_args_namespace
    backend = _check(options)
    if backend is not None and not (options.help or options.version or hasattr(early_config, "workerinput")):
        from interpose.pytest_plugin.session import SessionInterposition

        session = SessionInterposition.from_options(
            backend, options.interpose_policy, options.interpose_log, options.interpose_log_level
        )
        early_config.pluginmanager.register(session, _SESSION)
        early_config.add_cleanup(session.stop)
        session.start()
    return (yield)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """A failure under interpose_fs is drawn while its memory filesystem is active: give it the real sources."""
    fixture = sys.modules.get("interpose.pytest_plugin.fixture")
    if fixture is None or call.excinfo is None or fixture.active_test != item.nodeid:
        return (yield)
    primed = fixture.prime_linecache(call.excinfo.value)
    try:
        return (yield)
    finally:
        fixture.unprime_linecache(primed)


def _fixture_level(config: pytest.Config) -> str | None:
    level: str | None = config.getoption("interpose_log_level")
    return level


def _fixture_log(config: pytest.Config) -> str:
    """The events file of the fixture: the session's under --interpose, else one temporary file per run."""
    from interpose.pytest_plugin.session import SessionInterposition

    session = config.pluginmanager.get_plugin(_SESSION)
    if isinstance(session, SessionInterposition):
        return session.log_file
    log = config.pluginmanager.get_plugin(_FIXTURE_LOG)
    if log is None:
        from interpose.pytest_plugin.summary import FixtureLog

        log = FixtureLog.create(_fixture_level(config))
        config.pluginmanager.register(log, _FIXTURE_LOG)
    return str(log.log_file)


@pytest.fixture
def interpose_fs(request: pytest.FixtureRequest) -> Iterator[InterposeFS]:
    """This test runs on the java backend over a fresh in-memory filesystem; the real os is back after it.

    Map real paths in read-only with `add_real_file`/`add_real_directory`; read the
    test's compatibility events with `events()`/`counts()`.
    """
    from interpose.pytest_plugin.fixture import interposed_fs

    yield from interposed_fs(request, _fixture_log(request.config), _fixture_level(request.config))
