"""The same imports from a pytest test (named so that the repository's own test run does not collect it)."""

import os

import compat
import events
import logging_config
import shims

HERE = os.path.dirname(os.path.abspath(__file__))


def fork() -> int | None:
    try:
        return fork_now()
    except AttributeError:  # GraalPy has no os.fork
        return None


def fork_now() -> int:
    return os.fork()


def test_the_projects_own_modules_are_imported() -> None:
    pid = fork()  # an event under enforce (an unguarded use); under warn fork exists and calling it is the event
    if pid == 0:
        os._exit(0)
    if pid:
        os.waitpid(pid, 0)
    for module, name in ((logging_config, "logging_config"), (shims, "shims"), (compat, "compat"), (events, "events")):
        assert module.NAME.split() == ["own", name]
        assert os.path.abspath(module.__file__).startswith(HERE)
