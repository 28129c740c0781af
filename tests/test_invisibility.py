"""No trace in the program (docs/events.md): what a program sees under interpose is what it sees under python.

Real child processes, plain against interposed: a program that hits limitations finds the same `sys.modules`
(plus interpose's own modules and the fixed set the docs name), the same warnings filters and `sys.path`, nothing
of ours on stdout, nothing on stderr when a log file is given; iterating `sys.modules.values()` with `hasattr`
works; and a project whose modules are named like interpose's parts imports its own under every route.
"""

from __future__ import annotations

import json
import shutil
import textwrap
from pathlib import Path

import pytest

from interpose.events import ACTIVATION_MODULES, EMULATED_BACKEND_MODULES
from tests.conftest import read_events, run_interposed, run_python

PROJECT = Path(__file__).parent / "projects" / "own_names"

PROBE = textwrap.dedent(
    """
    import os, subprocess, sys, warnings
    # regrtest's clear_caches: hasattr on every module while iterating; the first event may be hit right here
    missing = [m for m in sys.modules.values() if hasattr(m, "fork") and hasattr(m, "__no_such_attribute__")]
    def fork():
        return os.fork()  # an unguarded use (hasattr is a probe, below the default level)
    try:
        pid = fork()  # an event under enforce; under warn fork exists and calling it is the event
    except AttributeError:
        pid = None
    if pid == 0:
        os._exit(0)
    if pid:
        os.waitpid(pid, 0)
    try:
        subprocess.run([sys.executable, "-c", "pass"], preexec_fn=lambda: None, check=True)
    except RuntimeError:  # GraalPy refuses preexec_fn
        pass
    missing += [m for m in sys.modules.values() if hasattr(m, "__no_such_attribute__")]
    state = {
        "modules": sorted(sys.modules),
        "filters": [repr(f) for f in warnings.filters],
        "path": sys.path,
        "missing": [m.__name__ for m in missing],
    }
    import json
    with open(sys.argv[1], "w") as report:
        json.dump(state, report)
    """
)

MODES = [("native", "enforce"), ("native", "warn"), ("java", "enforce"), ("java", "warn")]


def probe(tmp_path: Path, name: str, *prefix: str, env: dict[str, str] | None = None) -> dict[str, list[object]]:
    """Run the probe as `python [PREFIX...] probe.py REPORT`; nothing may reach stdout or stderr."""
    script = tmp_path / "probe.py"
    script.write_text(PROBE)
    report = tmp_path / f"{name}.json"
    result = run_python(*prefix, str(script), str(report), cwd=tmp_path, env=env)
    assert (result.returncode, result.stdout, result.stderr) == (0, "", ""), name
    state: dict[str, list[object]] = json.loads(report.read_text())
    return state


def modules_of(code: str) -> set[str]:
    return set(run_python("-c", f"{code}; import sys; print(*sys.modules)").stdout.split())


@pytest.fixture(scope="module")
def dash_m_modules() -> set[str]:
    """What `python -m` itself loads (runpy and what it imports), which `python -m interpose` cannot avoid."""
    return modules_of("import runpy") - modules_of("pass")


def own_and_extra(plain: dict[str, list[object]], interposed: dict[str, list[object]]) -> tuple[set[str], set[str]]:
    """(interpose's own modules, other modules the program would not have) in the interposed run."""
    added = set(map(str, interposed["modules"])) - set(map(str, plain["modules"]))
    own = {name for name in added if name == "interpose" or name.startswith("interpose.")}
    return own, added - own


@pytest.mark.parametrize("backend, policy", MODES)
def test_the_program_sees_what_plain_python_shows_it(
    tmp_path: Path, backend: str, policy: str, dash_m_modules: set[str]
) -> None:
    plain = probe(tmp_path, "plain")
    log = tmp_path / "events.jsonl"
    options = [f"--posix-backend={backend}", f"--policy={policy}", f"--log.file={log}"]
    interposed = probe(tmp_path, "interposed", "-m", "interpose", *options)
    hit = {event["limitation"] for event in read_events(log)}
    assert "process.fork" in hit and "subprocess.preexec_fn" in hit, hit  # the probe did reach interpose
    assert not set(map(str, plain["modules"])) - set(map(str, interposed["modules"]))
    own, extra = own_and_extra(plain, interposed)
    allowed = ACTIVATION_MODULES | dash_m_modules | (EMULATED_BACKEND_MODULES if backend == "java" else frozenset())
    assert extra <= allowed, extra - allowed
    assert own and "interpose.events.recorder" in own
    for field in ("filters", "path", "missing"):
        assert interposed[field] == plain[field], field


def test_the_start_up_route_adds_only_the_named_modules(tmp_path: Path) -> None:
    """The `.pth` line runs no `runpy`: only ACTIVATION_MODULES (the command line's are not needed)."""
    plain = probe(tmp_path, "plain")
    log = tmp_path / "events.jsonl"
    interposed = probe(tmp_path, "pth", env={"INTERPOSE_BACKEND": "native", "INTERPOSE_LOG_FILE": str(log)})
    assert read_events(log)
    _own, extra = own_and_extra(plain, interposed)
    assert extra <= ACTIVATION_MODULES
    for field in ("filters", "path", "missing"):
        assert interposed[field] == plain[field], field


def own_test_events(log: Path) -> list[object]:
    """The `test` field of the events hit by the project's check_app.py."""
    return [event.get("test") for event in read_events(log) if "check_app.py" in str(event["callsite"])]


@pytest.mark.parametrize("backend", ["native", "java"])
def test_a_program_that_imports_nothing_finds_only_the_named_modules(backend: str) -> None:
    """The smallest program, through the `.pth` line: the named sets are all an activation costs it."""
    probe = "import sys; print(*sys.modules)"
    plain = set(run_python("-c", probe).stdout.split())
    result = run_python("-c", probe, env={"INTERPOSE_BACKEND": backend})
    assert "interpose.activation" in result.stdout.split(), result.stderr
    extra = {name for name in set(result.stdout.split()) - plain if not name.startswith("interpose")}
    assert extra <= ACTIVATION_MODULES | (EMULATED_BACKEND_MODULES if backend == "java" else frozenset())


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of tests/projects/own_names: modules named logging_config, shims, compat and events."""
    return Path(shutil.copytree(PROJECT, tmp_path / "project", ignore=shutil.ignore_patterns("__pycache__")))


OWN = ["own logging_config True", "own shims True", "own compat True", "own events True"]


def test_a_project_imports_its_own_modules_under_the_command_line(project: Path) -> None:
    log = project / "events.jsonl"
    result = run_interposed(f"--log.file={log}", "app.py", cwd=project)
    assert (result.stdout.splitlines(), result.stderr) == (OWN, "")
    assert [event["limitation"] for event in read_events(log)] == ["process.fork"]


def test_a_project_imports_its_own_modules_under_the_start_up_line(project: Path) -> None:
    log = project / "events.jsonl"
    result = run_python("app.py", cwd=project, env={"INTERPOSE_BACKEND": "native", "INTERPOSE_LOG_FILE": str(log)})
    assert (result.stdout.splitlines(), result.stderr) == (OWN, "")
    assert [event["limitation"] for event in read_events(log)] == ["process.fork"]


def test_a_project_imports_its_own_modules_under_the_pytest_plugin(project: Path) -> None:
    """`pytest --interpose=native`, with the project's `filterwarnings = error`."""
    log = project / "events.jsonl"
    result = run_python(
        "-m", "pytest", "-p", "no:cacheprovider", "--interpose=native", f"--interpose-log={log}", "check_app.py",
        cwd=project,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert " 1 passed" in result.stdout
    assert own_test_events(log) == ["check_app.py::test_the_projects_own_modules_are_imported"]


@pytest.mark.parametrize(
    "route",
    [("-m", "interpose", "-m", "pytest"), ("-m", "interpose", "--policy=warn", "-m", "pytest"), ("-m", "pytest")],
)
def test_pytest_does_not_notice_interpose_under_filterwarnings_error(project: Path, route: tuple[str, ...]) -> None:
    """interpose is imported before pytest (it is active) and is a pytest11 plugin: pytest must not warn that
    it cannot rewrite it (the package's docstring says PYTEST_DONT_REWRITE), or `filterwarnings = error` fails."""
    log = project / "events.jsonl"
    env = {"INTERPOSE_LOG_FILE": str(log)}
    if route == ("-m", "pytest"):
        env["INTERPOSE_BACKEND"] = "native"  # the start-up line activates before pytest starts
    result = run_python(*route, "-p", "no:cacheprovider", "-W", "error", "check_app.py", cwd=project, env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert " 1 passed" in result.stdout and "Warning" not in result.stdout + result.stderr
    assert own_test_events(log) == [None]


# What `-c` code finds of the interpreter: its annotations evaluated (no future feature of interpose's leaks into
# it), its file name, and no class of the `ast` module (which `compile()` of a string creates, and `python -c` never).
DASH_C = """
import gc, sys
def f(x: int): pass
print(f.__annotations__, sys._getframe().f_code.co_filename, sys.argv[1:])
print(any(isinstance(o, type) and o.__module__ == "ast" for o in gc.get_objects()))
"""


@pytest.mark.parametrize("backend", ["native", "java"])
def test_dash_c_code_is_run_as_python_runs_it(backend: str) -> None:
    plain = run_python("-c", DASH_C, "arg")
    interposed = run_interposed(f"--posix-backend={backend}", "-c", DASH_C, "arg")
    assert interposed.returncode == 0, interposed.stderr
    assert interposed.stdout == plain.stdout == "{'x': <class 'int'>} <string> ['arg']\nFalse\n"


SHUTDOWN = """
import textwrap, threading, socket
class Finalized:
    def __del__(self):  # runs when __main__ goes, before the modules it imported are cleared (as in plain python)
        print("finalized", textwrap.dedent is not None, threading.current_thread().name)
kept = Finalized()
"""


@pytest.mark.parametrize("backend", ["native", "java"])
@pytest.mark.parametrize("route", ["command line", "start-up line"])
def test_shutdown_finalizes_the_program_as_plain_python_does(tmp_path: Path, backend: str, route: str) -> None:
    """interpose keeps no module alive past its removal at shutdown, and its audit hook stays quiet then."""
    (tmp_path / "prog.py").write_text(SHUTDOWN)
    plain = run_python("prog.py", cwd=tmp_path)
    if route == "command line":
        interposed = run_interposed(f"--posix-backend={backend}", "prog.py", cwd=tmp_path)
    else:
        interposed = run_python("prog.py", cwd=tmp_path, env={"INTERPOSE_BACKEND": backend})
    assert plain.stdout == "finalized True MainThread\n"
    assert (interposed.stdout, interposed.stderr) == (plain.stdout, plain.stderr)
