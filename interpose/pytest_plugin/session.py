"""`pytest --interpose=BACKEND`: the whole pytest process interposed, every event tagged with its test.

Activation happens before pytest loads the initial conftests and starts its
capture, and lasts until pytest's last cleanup, so conftests, collection, every
test with its fixtures, the session's end (cache, junitxml) and the summary all
run interposed (pytest's capture descriptors must belong to the java backend).
Events are attributed to the node being run: a test's id from the start of its
setup to the end of its teardown (so a fixture's setup and teardown count for
the test that caused them, as pytest reports their errors), a module's or
class's id while it is collected (import-time problems), and no test at all at
start-up and at the session's end.  `INTERPOSE_*` variables, `INTERPOSE_TEST`
included, are set for child processes and restored afterwards.
"""

from __future__ import annotations

import tempfile
from collections.abc import Generator
from typing import Any

import pytest

from interpose import activation
from interpose.events import TEST_VARIABLE
from interpose.host import os
from interpose.pytest_plugin.fixture import utc_now
from interpose.pytest_plugin.summary import FailedTests
from interpose.settings import Settings


class SessionInterposition(FailedTests):
    """Registered as a plugin when --interpose is given; owns the activation and the events file."""

    def __init__(self, settings: Settings, temporary: bool) -> None:
        super().__init__()
        self.settings = settings
        self.temporary = temporary
        self.since = ""
        self._saved_environ: dict[str, str | None] = {}

    @classmethod
    def from_options(
        cls, backend: str, policy: str | None, log_file: str | None, level: str | None = None
    ) -> SessionInterposition:
        temporary = not log_file
        if not log_file:
            fd, log_file = tempfile.mkstemp(prefix="interpose-", suffix=".jsonl")
            os.close(fd)
        path = os.path.join(os.getcwd(), log_file)
        try:
            os.makedirs(os.path.dirname(path), exist_ok=True)  # `--interpose-log=compat-logs/events.jsonl`
        except OSError as error:
            raise pytest.UsageError(f"--interpose-log: cannot make the folder of {path}: {error}") from None
        settings = Settings(backend=backend, policy=policy or "enforce", log_level=level or "INFO", log_file=path)
        return cls(settings, temporary)

    @property
    def log_file(self) -> str:
        assert self.settings.log_file is not None
        return self.settings.log_file

    def start(self) -> None:
        variables = {**self.settings.to_environment(), TEST_VARIABLE: ""}
        for name, value in variables.items():
            self._saved_environ[name] = os.environ.get(name)
            self._set_variable(name, value)
        self.since = utc_now()
        activation.activate(self.settings)

    def stop(self) -> None:
        """Deactivate (which writes the exact totals) and give the environment back; idempotent."""
        if activation.active() is not None:
            activation.deactivate()
        for name, value in self._saved_environ.items():
            self._set_variable(name, value)
        self._saved_environ.clear()

    @staticmethod
    def _set_variable(name: str, value: str | None) -> None:
        if value:
            os.environ[name] = value
        else:
            os.environ.pop(name, None)

    def tag(self, nodeid: str | None) -> None:
        """Attribute what follows to `nodeid` (None: to no test), here and in the children started from now on."""
        from interpose import compat

        self._set_variable(TEST_VARIABLE, nodeid)
        session = compat.current()
        if session is None or session.recorder is None:
            return
        if nodeid:
            session.recorder.context["test"] = nodeid
        else:
            session.recorder.context.pop("test", None)

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_protocol(self, item: pytest.Item) -> Generator[None, Any, Any]:
        self.tag(item.nodeid)
        try:
            return (yield)
        finally:
            self.tag(None)

    @pytest.hookimpl(wrapper=True)
    def pytest_make_collect_report(self, collector: pytest.Collector) -> Generator[None, Any, Any]:
        self.tag(collector.nodeid or None)
        try:
            return (yield)
        finally:
            self.tag(None)

    def pytest_report_header(self) -> str:
        s = self.settings
        return f"interpose: {s.backend} backend, policy {s.policy}, fs {s.fs}, events -> {self.log_file}"

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        """Still interposed (capture's descriptors belong to the backend): write the totals so far, then read."""
        from interpose import compat
        from interpose.pytest_plugin.summary import write_summary

        session = compat.current()
        if session is not None and session.recorder is not None:
            session.recorder.flush_totals()
        s = self.settings
        where = "a temporary file" if self.temporary else "--interpose-log"
        what = f"{s.backend} backend, policy {s.policy}" + (f", level {s.log_level}" if s.log_level != "INFO" else "")
        write_summary(terminalreporter, self.log_file, self.since, what, where, self.failed, s.log_level)
