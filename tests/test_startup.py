"""Start-up activation: the installed `.pth` line reaches every Python process the environment names."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tests.conftest import read_events, run_interposed, run_python

STATE = (
    "import sys, interpose.compat as c; s = c.current(); print(s and (s.backend, s.policy), 'structlog' in sys.modules)"
)


def test_pth_line_is_installed_beside_the_package() -> None:
    import interpose

    site_dirs = {str(Path(p)) for p in sys.path if p.endswith("site-packages")}
    assert any((Path(d) / "interpose.pth").exists() for d in site_dirs), site_dirs
    assert interpose.__file__


def test_environment_activates_a_plain_interpreter(tmp_path: Path) -> None:
    result = run_python("-c", STATE, env={"INTERPOSE_BACKEND": "native", "INTERPOSE_POLICY": "warn"})
    assert result.stdout.split() == ["('native',", "'warn')", "False"]
    assert result.stderr == ""


def test_nothing_happens_without_the_variable() -> None:
    assert run_python("-c", STATE).stdout.split() == ["None", "False"]


def test_isolated_children_are_reached_too(tmp_path: Path) -> None:
    """-I ignores PYTHON* variables and the user site, but not site-packages' .pth files."""
    result = run_python("-I", "-c", STATE, env={"INTERPOSE_BACKEND": "native"})
    assert result.stdout.split()[0] == "('native',"


@pytest.mark.parametrize(
    ("variables", "message"),
    [
        ({"INTERPOSE_POLICY": "maybe"}, "unknown policy 'maybe'; expected enforce or warn"),
        ({"INTERPOSE_BACKEND": "jav"}, "unknown POSIX backend 'jav'; expected native, java or emulated"),
        ({"INTERPOSE_BACKEND": "java", "INTERPOSE_FS": "bogus"}, "--fs 'bogus': unknown filesystem; use one of "
         "deny, host, memory, overlay, readonly, rooted, or package.module:factory"),
        ({"INTERPOSE_FS": "deny"}, "the filesystem 'deny' needs the java backend (the native backend is the host "
         "itself)"),
        ({"INTERPOSE_BACKEND": "java", "INTERPOSE_FS": "memory", "INTERPOSE_LOG_LEVEL": "loud"},
         "unknown log level 'loud'; expected one of OFF, SEVERE, WARNING, INFO, CONFIG, FINE, FINER, FINEST, ALL"),
    ],
)  # fmt: skip
def test_a_bad_sandbox_setting_stops_the_process_before_the_program_runs(
    tmp_path: Path, variables: dict[str, str], message: str
) -> None:
    """Fail closed: the program never runs without the sandbox it was given (status 2, one line)."""
    marker = tmp_path / "ran"
    result = run_python("-c", f"open({str(marker)!r}, 'w').close()", env={"INTERPOSE_BACKEND": "native", **variables})
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == f"interpose: cannot start: {message} (the program did not run)\n"
    assert not marker.exists()


def test_a_bad_log_setting_without_a_sandbox_is_one_line_and_the_program_runs_plain() -> None:
    result = run_python("-c", STATE, env={"INTERPOSE_BACKEND": "native", "INTERPOSE_LOG_LEVEL": "loud"})
    assert result.returncode == 0
    assert result.stderr.startswith("interpose: not activated: unknown log level 'loud'")
    assert result.stdout.split()[0] == "None"


def test_an_unwritable_log_file_under_a_sandbox_stops_the_process(tmp_path: Path) -> None:
    missing = tmp_path / "no such directory" / "events.jsonl"
    env = {"INTERPOSE_BACKEND": "java", "INTERPOSE_FS": "memory", "INTERPOSE_LOG_FILE": str(missing)}
    result = run_python("-c", "print('ran')", env=env)
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == (
        f"interpose: cannot start: [Errno 2] No such file or directory: '{missing}' (the program did not run)\n"
    )


def test_existing_sitecustomize_still_runs_and_activation_happens_once(tmp_path: Path) -> None:
    (tmp_path / "sitecustomize.py").write_text(
        "import interpose.startup\nFIRST = interpose.startup.activate_from_environment()\nprint('site ran', FIRST)\n"
    )
    result = run_python("-c", STATE, env={"INTERPOSE_BACKEND": "native", "PYTHONPATH": str(tmp_path)})
    # the .pth line ran first and activated; sitecustomize still ran, and did not activate again
    assert result.stdout.splitlines()[0] == "site ran False"
    assert result.stdout.splitlines()[1].startswith("('native', 'enforce')")


def test_command_line_settings_reach_grandchildren_with_their_own_pid(tmp_path: Path, log_file: Path) -> None:
    (tmp_path / "tree.py").write_text(
        "import os, subprocess, sys\n"
        "depth = int(sys.argv[1])\n"
        "def fork(): os.fork\n"  # an unguarded use (hasattr would be a probe, below the default level)
        "try: fork()\n"
        "except AttributeError: pass\n"
        "if depth: subprocess.run([sys.executable, __file__, str(depth - 1)], check=True)\n"
    )
    result = run_interposed(f"--log.file={log_file.name}", "--policy=enforce", "tree.py", "2", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    events = read_events(log_file)
    assert len({event["pid"] for event in events}) == 3
    assert {(event["policy"], event["limitation"]) for event in events} == {("enforce", "process.fork")}


def test_nested_command_line_replaces_the_start_up_activation(tmp_path: Path) -> None:
    result = run_interposed(
        "--policy=enforce", "-c", STATE, env={"INTERPOSE_BACKEND": "native", "INTERPOSE_POLICY": "warn"}
    )
    assert result.stdout.split()[:2] == ["('native',", "'enforce')"]


@pytest.mark.parametrize("backend", ["native", "java"])
def test_activation_that_fails_part_way_leaves_a_plain_interpreter(tmp_path: Path, backend: str) -> None:
    """The log file cannot be opened after the backend is built: everything is undone, the program runs plain."""
    probe = (
        "import os, sys, interpose.compat as c; os.write(1, b'fd 1 works\\n');"
        "shim = lambda x: type(x).__name__ == 'ShimFinder';"
        "print(shim(os.__spec__.loader), any(map(shim, sys.meta_path)), c.current(), hasattr(os, 'fork'))"
    )
    missing = tmp_path / "no such directory" / "events.jsonl"
    result = run_python("-c", probe, env={"INTERPOSE_BACKEND": backend, "INTERPOSE_LOG_FILE": str(missing)})
    assert result.returncode == 0
    assert result.stderr == f"interpose: not activated: [Errno 2] No such file or directory: '{missing}'\n"
    assert result.stdout.splitlines() == ["fd 1 works", "False False None True"]


@pytest.mark.parametrize("backend", ["native", "java"])
def test_a_script_with_a_coding_cookie_runs_through_the_start_up_line(tmp_path: Path, backend: str) -> None:
    """CPython's tokenizer reads such a script through `io.open(fd)` of the fd C opened, after the start-up line
    activated: under java (host) that fd is the program's own, not an unknown one (found by sh's test suite)."""
    script = tmp_path / "cookie.py"
    script.write_bytes(b"# -*- coding: latin-1 -*-\nprint('caf\xe9')\n")
    plain = run_python(str(script))
    result = run_python(str(script), env={"INTERPOSE_BACKEND": backend})
    assert result.returncode == 0, result.stderr
    assert result.stdout == plain.stdout == "caf\u00e9\n"
