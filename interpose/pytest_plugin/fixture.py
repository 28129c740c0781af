"""`interpose_fs`: one test on the emulated backend over a fresh in-memory filesystem.

The fixture activates the `java` backend for its test only and deactivates it
at teardown, so the next test sees the real `os`.  The backend itself (its shim
functions, built once) is kept for the session in pytest's config stash: each
test gives it a fresh process over its own provider object (fds, cwd, umask
anew), which keeps activation cheap.  Its events go to a JSON-lines file (the
session's under `--interpose`, else one temporary file per pytest run) tagged
with the test id, which is how `events()` finds them and how the terminal
summary lists them.  Whole-session interposition is handled here too: a
`native` one is swapped out for the test and back (the native backend holds no
process state), a `java` one is refused, since swapping it out would close the
files the session opened through it.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from interpose import activation
from interpose.host import os
from interpose.pytest_plugin.mapped import MappedFileSystem
from interpose.settings import Settings

if TYPE_CHECKING:
    from interpose.backends.emulated import EmulatedBackend

#: The node id of the test running under the fixture, if any.
active_test: str | None = None
#: The session's java backends, one per policy, kept in `config.stash`.
_BACKENDS = pytest.StashKey[dict[str, "EmulatedBackend"]]()


def session_backend(config: pytest.Config, policy: str, provider: MappedFileSystem) -> EmulatedBackend:
    """The session's java backend for `policy`, with a fresh process over `provider` (built on first use)."""
    from interpose.backends.emulated import EmulatedBackend

    backends = config.stash.setdefault(_BACKENDS, {})
    backend = backends.get(policy)
    if backend is None:
        backend = backends[policy] = EmulatedBackend(policy, provider)
    else:
        backend.reset(provider)
    return backend


def utc_now() -> str:
    """Now as the events' `ts` field writes it, so that times compare as strings."""
    now = time.time_ns()
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(now // 10**9)) + f".{now // 1000 % 10**6:06d}Z"


class InterposeFS:
    """What the test receives: the in-memory tree, real paths to map into it, and the test's events."""

    def __init__(self, provider: MappedFileSystem, log_file: str, test: str, since: str) -> None:
        self.provider = provider
        self.log_file = log_file
        self.test = test
        self._since = since

    def add_real_file(self, path: str | os.PathLike[str]) -> Path:
        """Make the real file readable at its own path, read-only (writes fail with EROFS)."""
        return Path(self.provider.map_real(path, directory=False))

    def add_real_directory(self, path: str | os.PathLike[str]) -> Path:
        """Make the real directory and everything below it readable at its own path, read-only."""
        return Path(self.provider.map_real(path, directory=True))

    def create_file(self, path: str | os.PathLike[str], contents: str | bytes = b"") -> Path:
        """Create a file in memory, with its parent directories."""
        full = os.path.normpath(os.path.join("/", os.fspath(path)))
        self.provider.make_dirs(os.path.dirname(full))
        data = contents.encode() if isinstance(contents, str) else contents
        with self.provider.open(full, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644) as handle:
            handle.pwrite(data, 0)
        return Path(full)

    def events(self) -> list[dict[str, Any]]:
        """The events this test produced so far (its child processes' included), with exact counts."""
        from interpose import compat

        session = compat.current()
        if session is not None and session.recorder is not None:
            session.recorder.flush_totals()
        return read_test_events(self.log_file, self.test, self._since)

    def counts(self) -> dict[str, int]:
        """Exact hits per limitation id so far."""
        totals: dict[str, int] = {}
        for event in self.events():
            totals[event["limitation"]] = totals.get(event["limitation"], 0) + event["count"]
        return totals


def read_host_file(path: str) -> bytes | None:
    """The bytes of a real file, through the host's posix functions (None if it cannot be opened).

    `open` and `io` follow the backend while the fixture is active, and see the memory tree.
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    except OSError:
        return None
    chunks = []
    try:
        while chunk := os.read(fd, 1 << 20):
            chunks.append(chunk)
    finally:
        os.close(fd)
    return b"".join(chunks)


def read_test_events(log_file: str, test: str, since: str) -> list[dict[str, Any]]:
    """One event per (run, limitation, call site) of `test`, written at or after `since`, with its largest count.

    Read through the host: the test's own `open` sees the memory tree.
    """
    latest: dict[tuple[Any, ...], dict[str, Any]] = {}
    for line in (read_host_file(log_file) or b"").splitlines():
        try:
            event = json.loads(line)
        except ValueError:
            continue
        if not isinstance(event, dict) or event.get("test") != test or str(event.get("ts", "")) < since:
            continue
        site = event.get("callsite") or {}
        where = (site.get("file"), site.get("line"), site.get("function"), str(event.get("via")))
        key = (event.get("run"), event.get("limitation"), *where, event.get("use"))  # the writer's key (events.md)
        if key not in latest or event.get("count", 0) > latest[key].get("count", 0):
            latest[key] = event
    return list(latest.values())


def interposed_fs(request: pytest.FixtureRequest, log_file: str, level: str | None = None) -> Iterator[InterposeFS]:
    """Activate the java backend over a fresh MappedFileSystem for one test; put everything back after it.

    Its working directory is the real one's path, an empty directory in memory: a relative path then names
    what it names on the host, so `add_real_directory("tests/fixtures")` and `open("tests/fixtures/x")` agree.
    """
    global active_test
    suspended = _suspend_session()
    provider = MappedFileSystem()
    if "tmp_path" in request.fixturenames:  # made on the host by pytest first, then mirrored, empty, in memory
        provider.make_dirs(str(request.getfixturevalue("tmp_path")))
    cwd = os.getcwd()
    provider.make_dirs(cwd)
    policy, session_level = ("enforce", "INFO") if suspended is None else (suspended.policy, suspended.log_level)
    level = level or session_level
    test = request.node.nodeid
    since = utc_now()
    try:
        backend = session_backend(request.config, policy, provider)
        backend.process.cwd = cwd
        activation.activate(Settings("java", policy, level, log_file, provider), backend)
    except BaseException:
        _resume(suspended)
        raise
    try:
        from interpose import compat

        session = compat.current()
        if session is not None and session.recorder is not None:
            session.recorder.context["test"] = test
        active_test = test
        yield InterposeFS(provider, log_file, test, since)
    finally:
        active_test = None
        activation.deactivate()
        _resume(suspended)


def _suspend_session() -> Settings | None:
    """Take out a native activation for the duration of the test; refuse a java one."""
    current = activation.active()
    if current is None:
        return None
    if current.settings.backend != "native":
        pytest.fail(
            "interpose_fs cannot run while the whole process is interposed on the java backend "
            "(--interpose=java, python -m interpose --posix-backend java, or INTERPOSE_BACKEND=java): "
            "swapping that backend out for one test would close the files opened through it. "
            "Run the tests that use interpose_fs without --interpose, or with --interpose=native.",
            pytrace=False,
        )
    return activation.deactivate()


def _resume(settings: Settings | None) -> None:
    if settings is not None:
        activation.activate(settings)


def prime_linecache(error: BaseException | None) -> list[str]:
    """Put the source files of a failure's traceback into linecache, read from the host.

    pytest draws a failure while the test's memory filesystem is still active, so
    without this every source line of the report would be missing.  Entries
    without an mtime are the ones linecache never revalidates.  Returns the names
    added, for `unprime_linecache`.
    """
    import linecache

    added: list[str] = []
    seen: set[int] = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        tb = error.__traceback__
        while tb is not None:
            name = tb.tb_frame.f_code.co_filename
            data = None if name in linecache.cache or name in added else read_host_file(name)
            if data is not None:
                text = data.decode("utf-8", "replace")
                lines = text.splitlines(keepends=True)
                linecache.cache[name] = (len(text), None, lines, name)
                added.append(name)
            tb = tb.tb_next
        error = error.__cause__ or error.__context__
    return added


def unprime_linecache(names: list[str]) -> None:
    import linecache

    for name in names:
        linecache.cache.pop(name, None)
