"""`python -m interpose` behaves like `python` for argv, __main__, sys.path[0], exit status and signals."""

from __future__ import annotations

import signal
import textwrap
from pathlib import Path

import pytest

from tests.conftest import read_events, run_interposed, run_python

PROBE = textwrap.dedent(
    """
    import sys, json
    main_is_self = sys.modules["__main__"].__dict__ is globals()
    print(json.dumps({"argv": sys.argv, "path0": sys.path[0], "name": __name__,
                      "file": globals().get("__file__"), "main_is_self": main_is_self}))
    """
)


def _both(tmp_path: Path, *args: str) -> tuple[str, str]:
    plain = run_python(*args, cwd=tmp_path)
    interposed = run_interposed(*args, cwd=tmp_path)
    assert plain.returncode == interposed.returncode == 0, (plain.stderr, interposed.stderr)
    return plain.stdout, interposed.stdout


def test_script_sees_what_python_gives(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "probe.py").write_text(PROBE)
    plain, interposed = _both(tmp_path, "sub/probe.py", "one", "--two", "-m")
    assert interposed == plain


def test_code_sees_what_python_gives(tmp_path: Path) -> None:
    plain, interposed = _both(tmp_path, "-c", PROBE, "x", "-c")
    assert interposed == plain


def test_module_sees_what_python_gives(tmp_path: Path) -> None:
    (tmp_path / "probe_module.py").write_text(PROBE)
    plain, interposed = _both(tmp_path, "-m", "probe_module", "arg")
    assert interposed == plain


def test_directory_with_main_runs_like_python(tmp_path: Path) -> None:
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "__main__.py").write_text(PROBE)
    plain, interposed = _both(tmp_path, "app", "arg")
    assert interposed == plain


def test_stdin_program(tmp_path: Path) -> None:
    plain = run_python("-", "a", input=PROBE, cwd=tmp_path)
    interposed = run_interposed("-", "a", input=PROBE, cwd=tmp_path)
    assert interposed.stdout == plain.stdout


@pytest.mark.parametrize(
    "body, status",
    [
        ("raise SystemExit(7)", 7),
        ("import sys; sys.exit('bye')", 1),
        ("import sys; sys.exit()", 0),
        ("pass", 0),
        ("def f():\n    raise ValueError('boom')\n\nf()\n", 1),  # the program's traceback, not ours
        ("def (:\n", 1),  # a syntax error, reported as the interpreter reports it
    ],
)
def test_exit_status_and_error_output_are_pythons(tmp_path: Path, body: str, status: int) -> None:
    (tmp_path / "program.py").write_text(body)
    plain = run_python("program.py", cwd=tmp_path)
    interposed = run_interposed("program.py", cwd=tmp_path)
    assert plain.returncode == interposed.returncode == status
    assert interposed.stderr == plain.stderr
    assert "interpose" not in interposed.stderr


def test_missing_script_exits_2(tmp_path: Path) -> None:
    interposed = run_interposed("nowhere.py", cwd=tmp_path)
    assert interposed.returncode == 2
    assert "can't open file" in interposed.stderr and "[Errno 2]" in interposed.stderr


def test_missing_module_exits_1_like_python(tmp_path: Path) -> None:
    plain = run_python("-m", "no_such_module_here", cwd=tmp_path)
    interposed = run_interposed("-m", "no_such_module_here", cwd=tmp_path)
    assert interposed.returncode == plain.returncode == 1
    assert interposed.stderr == plain.stderr


def test_death_by_signal_is_the_programs(tmp_path: Path) -> None:
    (tmp_path / "die.py").write_text("import os, signal\nos.kill(os.getpid(), signal.SIGTERM)\n")
    assert run_interposed("die.py", cwd=tmp_path).returncode == -signal.SIGTERM


def test_keyboard_interrupt_exits_like_python(tmp_path: Path) -> None:
    (tmp_path / "ki.py").write_text("raise KeyboardInterrupt\n")
    plain = run_python("ki.py", cwd=tmp_path)
    interposed = run_interposed("ki.py", cwd=tmp_path)
    assert interposed.returncode == plain.returncode


@pytest.mark.parametrize(
    "args, message",
    [
        ([], "nothing to run"),
        (["--posix-backend", "windows", "-c", "pass"], "unknown POSIX backend 'windows'"),
        (["--policy=lenient", "-c", "pass"], "unknown policy 'lenient'"),
        (["--log.python.compatibility.level=LOUD", "-c", "pass"], "unknown log level 'LOUD'"),
        (["--no-such-option", "-c", "pass"], "unknown option --no-such-option"),
        (["--policy"], "--policy expects a value"),
        (["-m"], "-m expects a value"),
    ],
)
def test_bad_usage_exits_2_with_a_clear_message(args: list[str], message: str) -> None:
    result = run_interposed(*args)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_a_bad_forward_target_is_a_usage_error_not_a_traceback() -> None:
    result = run_interposed("-c", "print('ran')", env={"INTERPOSE_LOG_FORWARD": "syslog"})
    assert (result.returncode, result.stdout) == (2, "")
    assert "unknown INTERPOSE_LOG_FORWARD 'syslog'" in result.stderr
    assert "Traceback" not in result.stderr


def test_help_and_version() -> None:
    help_text = run_interposed("--help")
    assert help_text.returncode == 0
    for needle in ("--posix-backend", "--policy", "--log.file", "INTERPOSE_BACKEND", "report", "limitations"):
        assert needle in help_text.stdout
    version = run_interposed("--version")
    assert version.returncode == 0 and version.stdout.startswith("interpose 0.")


def test_program_arguments_that_look_like_options_are_the_programs(tmp_path: Path) -> None:
    (tmp_path / "p.py").write_text("import sys; print(sys.argv[1:])")
    result = run_interposed("p.py", "--policy", "warn", "--help", cwd=tmp_path)
    assert result.stdout.strip() == "['--policy', 'warn', '--help']"


def test_graalpy_spelling_and_environment_choose_the_settings(tmp_path: Path, log_file: Path) -> None:
    code = "import interpose.compat as c; s = c.current(); print(s.backend, s.policy)"
    result = run_interposed("--python.PosixModuleBackend=native", "--policy=warn", "-c", code)
    assert result.stdout.split() == ["native", "warn"]
    from_env = run_interposed("-c", code, env={"INTERPOSE_POLICY": "warn"})
    assert from_env.stdout.split() == ["native", "warn"]
    option_wins = run_interposed("--policy", "enforce", "-c", code, env={"INTERPOSE_POLICY": "warn"})
    assert option_wins.stdout.split() == ["native", "enforce"]


def test_limitations_command_lists_the_catalog() -> None:
    import json

    from interpose.compat.catalog import CATALOG

    text = run_interposed("limitations")
    assert text.returncode == 0
    for limitation_id in CATALOG:
        assert limitation_id in text.stdout
    listed = json.loads(run_interposed("limitations", "--format", "json").stdout)
    assert [entry["id"] for entry in listed] == list(CATALOG)
    assert {"id", "backends", "level", "enforce", "warn", "message", "fact"} <= set(listed[0])
    assert run_interposed("limitations", "--format=xml").returncode == 2


def test_events_of_a_run_go_to_the_log_file_not_stderr(tmp_path: Path, log_file: Path) -> None:
    (tmp_path / "f.py").write_text("import os\nprint(hasattr(os, 'fork'))\n")
    result = run_interposed(f"--log.file={log_file}", "--log.python.compatibility.level=FINER", "f.py", cwd=tmp_path)
    assert result.stdout.strip() == "False"  # (hasattr is a probe: logged at FINER)
    assert result.stderr == ""
    [event] = read_events(log_file)
    assert event["limitation"] == "process.fork"
    assert event["callsite"] == {"file": str(tmp_path / "f.py"), "line": 2, "function": "<module>"}


def test_without_a_log_file_events_are_human_lines_on_stderr(tmp_path: Path) -> None:
    (tmp_path / "f.py").write_text("import os\nos.fork\n")
    result = run_interposed("f.py", cwd=tmp_path)
    assert result.returncode == 1
    assert "AttributeError: module 'os' has no attribute 'fork'" in result.stderr
    assert (
        f"INFO: process.fork: os.fork does not exist on GraalPy [os.fork, enforce: raised, unguarded] at "
        f"{tmp_path / 'f.py'}:2"
        in result.stderr
    )


def test_limitations_document_is_generated_from_the_catalog() -> None:
    """docs/limitations.md must be regenerated when the catalog changes."""
    from interpose.compat.listing import render_markdown

    document = Path(__file__).resolve().parent.parent / "docs" / "limitations.md"
    assert document.read_text(encoding="utf-8") == render_markdown(), (
        "docs/limitations.md is stale: python -m interpose limitations --format markdown > docs/limitations.md"
    )


# One convention for every command line (interpose/subcommand.py): usage then `PROG: error: WHAT` on stderr, status 2.
@pytest.mark.parametrize(
    "args, prog, message",
    [
        (["--no-such-option", "-c", "pass"], "python -m interpose", "unknown option --no-such-option"),
        (["--fs"], "python -m interpose", "--fs expects a value"),
        (["--fs", "deny", "-c", "pass"], "python -m interpose", "the filesystem 'deny' needs the java backend"),
        (["--posix-backend=java", "--fs=bogus", "-c", "pass"], "python -m interpose", "--fs 'bogus': unknown"),
        (
            ["--posix-backend=java", "--fs=rooted:/no/such/dir", "-c", "pass"],
            "python -m interpose",
            "No such file or directory: /no/such/dir",
        ),
        (["--posix-backend=java", "--fs=readonly:bogus", "-c", "pass"], "python -m interpose", "unknown filesystem"),
        (["limitations", "--format=xml"], "python -m interpose limitations", "invalid choice: 'xml'"),
        (["limitations", "--format"], "python -m interpose limitations", "--format expects a value"),
        (["limitations", "--form", "json"], "python -m interpose limitations", "unknown option --form"),
        (["limitations", "extra"], "python -m interpose limitations", "unexpected argument 'extra'"),
        (["report", "--no-such-option"], "python -m interpose report", "unknown option --no-such-option"),
        (["report", "-o"], "python -m interpose report", "--output expects a value"),
        (["report", "--top", "0", "-"], "python -m interpose report", "--top must be at least 1"),
        (["report", "--group-by", "colour", "-"], "python -m interpose report", "give distinct dimensions"),
        (["scan", "--no-such-option", "."], "python -m interpose scan", "unknown option --no-such-option"),
        (["scan", "--format=xml", "."], "python -m interpose scan", "invalid choice: 'xml'"),
        (["scan", "--backend"], "python -m interpose scan", "--backend expects a value"),
        (["scan"], "python -m interpose scan", "give a PATH to scan, or --site-packages"),
    ],
)
def test_every_command_reports_usage_errors_alike(args: list[str], prog: str, message: str) -> None:
    result = run_interposed(*args, input="")
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.startswith(f"usage: {prog} ")
    assert result.stderr.splitlines()[-1].startswith(f"{prog}: error: ")
    assert message in result.stderr.splitlines()[-1]
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("command", [[], ["limitations"], ["report"], ["scan"]])
@pytest.mark.parametrize("flag", ["-h", "--help"])
def test_every_command_has_help(command: list[str], flag: str) -> None:
    result = run_interposed(*command, flag)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"usage: {' '.join(['python -m interpose', *command])} ")
    assert result.stderr == ""
