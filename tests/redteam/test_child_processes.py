"""Child processes under a sandboxing provider (issue 9: what Python code cannot stop is named and logged).

A child that is not this environment's Python reads and writes the host around the provider: under enforce it
is refused with a PermissionError naming the program (`sandbox.child_process`), under warn it runs and is
logged.  This interpreter started again is interposed over the same provider by its `.pth` line, so it may
start; with `-S` (no site, no `.pth`), another environment, or an environment without INTERPOSE_FS it may not.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

import interpose
from tests.conftest import read_events, run_interposed

ROUTES = """
import json, os, subprocess, sys
target = sys.argv[1]
routes = {
    "subprocess": lambda: subprocess.run(["touch", target + "/by-subprocess"], check=True),
    "shell": lambda: subprocess.run("touch " + target + "/by-shell", shell=True, check=True),
    "os.system": lambda: os.system("touch " + target + "/by-system"),
    "os.popen": lambda: os.popen("touch " + target + "/by-popen").close(),
    "python -S": lambda: subprocess.run([sys.executable, "-S", "-c", f"open({target!r} + '/by-s', 'w')"], check=True),
    "python without INTERPOSE_FS": lambda: subprocess.run(
        [sys.executable, "-c", f"open({target!r} + '/by-env', 'w')"], env={"PATH": os.environ["PATH"]}, check=True),
    "python, interposed": lambda: subprocess.run(
        [sys.executable, "-c", f"open({target!r} + '/by-python', 'w')"], check=True),
}
outcome = {}
for name, route in routes.items():
    try:
        route()
        outcome[name] = "ran"
    except PermissionError as error:
        outcome[name] = "refused" if "around the filesystem provider" in str(error) else repr(error)
    except Exception as error:
        outcome[name] = type(error).__name__
print(json.dumps(outcome))
"""
ESCAPES = ("subprocess", "shell", "os.system", "os.popen", "python -S", "python without INTERPOSE_FS")
MADE = {"subprocess": "by-subprocess", "shell": "by-shell", "os.system": "by-system", "os.popen": "by-popen",
        "python -S": "by-s", "python without INTERPOSE_FS": "by-env"}  # fmt: skip


def _run(tmp_path: Path, fs: str, policy: str) -> tuple[dict[str, str], list[dict[str, object]]]:
    log = tmp_path / "events.jsonl"
    target = tmp_path / "host"
    target.mkdir()
    result = run_interposed("--posix-backend=java", f"--fs={fs}", f"--policy={policy}", f"--log.file={log}",
                            "-c", ROUTES, str(target), cwd=tmp_path)  # fmt: skip
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout), read_events(log)


@pytest.mark.parametrize("fs", ["memory", "deny", "readonly:host"])
def test_under_enforce_every_child_but_this_interpreter_interposed_is_refused(tmp_path: Path, fs: str) -> None:
    outcome, events = _run(tmp_path, fs, "enforce")
    assert {name: outcome[name] for name in ESCAPES} == dict.fromkeys(ESCAPES, "refused")
    # this interpreter runs, interposed over the same provider: its write is refused there, not done on the host
    assert outcome["python, interposed"] in ("ran", "CalledProcessError")
    assert sorted(p.name for p in (tmp_path / "host").iterdir()) == []
    refused = [e for e in events if e["limitation"] == "sandbox.child_process"]
    assert len(refused) == len(ESCAPES) and all(e["outcome"] == "refused" for e in refused)
    assert {e["callsite"]["file"] for e in refused} == {"<string>"}  # type: ignore[index]


def test_under_warn_children_run_on_the_host_and_each_is_logged(tmp_path: Path) -> None:
    outcome, events = _run(tmp_path, "memory", "warn")
    assert {name: outcome[name] for name in ESCAPES} == dict.fromkeys(ESCAPES, "ran")
    assert sorted(p.name for p in (tmp_path / "host").iterdir()) == sorted(MADE.values())  # the honest limit
    logged = [e for e in events if e["limitation"] == "sandbox.child_process"]
    assert len(logged) == len(ESCAPES) and all(e["outcome"] == "allowed" for e in logged)


def test_the_host_provider_starts_any_child_and_logs_nothing(tmp_path: Path) -> None:
    outcome, events = _run(tmp_path, "host", "enforce")
    assert set(outcome.values()) == {"ran"}
    assert not [e for e in events if e["limitation"] == "sandbox.child_process"]


@pytest.mark.usefixtures("clean_activation")
def test_a_provider_object_lets_no_child_start_not_even_python(tmp_path: Path) -> None:
    """The API and the pytest fixture take a FileSystem object, which no child process can rebuild."""
    import subprocess

    from interpose.fs.memory import MemoryFileSystem

    interpose.activate(backend="java", log_level="OFF", fs=MemoryFileSystem())
    try:
        with pytest.raises(PermissionError, match="around the filesystem provider"):
            subprocess.run([sys.executable, "-c", "pass"], check=True)
    finally:
        interpose.deactivate()
    subprocess.run(["true"], check=True)  # deactivated: nothing watched
