"""Probes are not uses: each hit is classified from the program's byte-code, on every supported Python.

Real child processes (`python -m interpose`) on each interpreter found (this one, the
.venv-3.12/.venv-3.13 next to it, pyenv's 3.10), a program with one pattern per line,
and the events it writes at ALL: which line is a probe, a guarded or an unguarded use,
at which level, and (for a library's access) which line is the call site and which the
`via`.
"""

from __future__ import annotations

import glob
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from interpose.compat.catalog import CATALOG
from tests.conftest import CLEAN_ENV, read_events

ROOT = Path(__file__).resolve().parent.parent


def _interpreters() -> list[str]:
    found = [sys.executable]
    for candidate in (
        ROOT / ".venv-3.12/bin/python",
        ROOT / ".venv-3.13/bin/python",
        *map(Path, sorted(glob.glob("/root/.pyenv/versions/3.10*/bin/python3.10"))),
    ):
        if candidate.exists() and os.path.realpath(candidate) != os.path.realpath(sys.executable):
            found.append(str(candidate))
    versions: dict[str, str] = {}
    for python in found:  # one interpreter per version
        version = subprocess.run(
            [python, "-c", "import sys; print(sys.version_info[:2])"], capture_output=True, text=True, check=True
        ).stdout.strip()
        versions.setdefault(version, python)
    return list(versions.values())


INTERPRETERS = _interpreters()

LIBRARY = """
import os

def start():
    return os.fork()
"""

# Each line that hits ends with a comment naming the class it must get.
PROGRAM = """
import os, sys
sys.path.insert(0, sys.argv[1])
import lib

def use():
    return os.fork()  # unguarded

def main() -> None:
    hasattr(os, "fork")  # probe
    getattr(os, "fork", None)  # probe
    try:
        os.fork  # probe
    except AttributeError:
        pass
    try:
        from os import fork  # probe
    except ImportError:
        pass
    try:
        getattr(os, "fork")  # probe
    except (OSError, AttributeError):
        pass
    try:
        try:
            os.fork()  # probe
        except OSError:
            pass
    except Exception:
        pass
    try:
        try:
            os.fork  # probe
        finally:
            pass
    except:  # noqa: E722
        pass
    try:
        use()
    except AttributeError:
        pass
    try:
        lib.start()  # guarded
    except AttributeError:
        pass
    try:
        os.fork  # probe
    except KeyError:
        pass
    except AttributeError:  # a later clause catches it
        pass

for _ in range(40):  # specialised byte-code (3.11+) classifies as the first run did
    main()
"""


def _expected(program: str) -> dict[int, str]:
    """Line number -> the class its comment names."""
    comments = {number: line.rsplit("# ", 1)[-1] for number, line in enumerate(program.split("\n"), 1)}
    return {number: use for number, use in comments.items() if use in ("probe", "guarded", "unguarded")}


def _run(python: str, tmp_path: Path, program: str, *options: str) -> list[dict[str, object]]:
    library = tmp_path / "site-packages"
    library.mkdir(exist_ok=True)
    (library / "lib.py").write_text(textwrap.dedent(LIBRARY))
    (tmp_path / "prog.py").write_text(program)
    log = tmp_path / "events.jsonl"
    log.unlink(missing_ok=True)
    env = {**CLEAN_ENV, "PYTHONPATH": str(ROOT)}
    result = subprocess.run(
        [python, "-m", "interpose", "--log.python.compatibility.level=ALL", f"--log.file={log}", *options,
         "prog.py", str(library)],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return [event for event in read_events(log) if "prog.py" in str(event["callsite"])]


@pytest.mark.parametrize("python", INTERPRETERS)
def test_probes_guarded_and_unguarded_uses(python: str, tmp_path: Path) -> None:
    program = textwrap.dedent(PROGRAM)
    events = _run(python, tmp_path, program)
    got = {event["callsite"]["line"]: event["use"] for event in events}  # type: ignore[index]
    assert got == _expected(program)
    assert sum(not event["final"] for event in events) == len(got)  # one class per line, hit after hit
    assert {event["count"] for event in events if event["final"]} == {40}
    for event in events:
        assert event["level"] == ("FINER" if event["use"] == "probe" else "INFO"), event
        assert event["hint"] == CATALOG[str(event["limitation"])].hint


@pytest.mark.parametrize("python", INTERPRETERS)
def test_a_library_access_names_the_program_line_and_keeps_the_inner_frame_as_via(python: str, tmp_path: Path) -> None:
    events = _run(python, tmp_path, textwrap.dedent(PROGRAM))
    (guarded,) = [event for event in events if event["use"] == "guarded" and not event["final"]]
    assert guarded["via"] == {"file": str(tmp_path / "site-packages" / "lib.py"), "line": 5, "function": "start"}
    assert guarded["callsite"]["function"] == "main"  # type: ignore[index]
    # the program's own frames: no via
    assert all("via" not in event for event in events if event["use"] != "guarded")


@pytest.mark.parametrize("python", INTERPRETERS)
def test_an_exception_the_call_site_catches_makes_a_use_guarded_on_the_java_backend(
    python: str, tmp_path: Path
) -> None:
    program = textwrap.dedent(
        """
        import os

        def unguarded():
            return os.getppid()  # unguarded

        try:
            os.getppid()  # guarded
        except OSError:
            pass
        try:
            os.getppid()  # guarded
        except (KeyError, ValueError):
            pass
        try:
            unguarded()
        except OSError:
            pass
        """
    )
    events = _run(python, tmp_path, program, "--posix-backend", "java")
    assert {event["callsite"]["line"]: event["use"] for event in events} == _expected(program)  # type: ignore[index]
    assert {event["level"] for event in events} == {"INFO"}


@pytest.mark.parametrize("python", INTERPRETERS)
def test_the_opcode_numbers_are_those_of_each_version(python: str) -> None:
    check = (
        "import json, opcode, sys; from interpose.compat import bytecode; "
        "print(json.dumps([bytecode.KNOWN, {n: [v, opcode.opmap.get(n)] for n, v in bytecode.OP.items()}]))"
    )
    result = subprocess.run(
        [python, "-c", check], env={**CLEAN_ENV, "PYTHONPATH": str(ROOT)}, capture_output=True, text=True, check=True
    )
    known, table = json.loads(result.stdout)
    assert known
    assert all(ours == theirs for ours, theirs in table.values()), table


def test_stdlib_imports_write_nothing_at_the_default_level(tmp_path: Path) -> None:
    """The issue's target: the stdlib's own feature detection is not an INFO event, on both backends."""
    code = "import tempfile, subprocess, random, socketserver, shutil, multiprocessing, concurrent.futures"
    for backend in ("native", "java"):
        log = tmp_path / f"{backend}.jsonl"
        for level in ("INFO", "ALL"):
            result = subprocess.run(
                [sys.executable, "-m", "interpose", "--posix-backend", backend, f"--log.file={log}",
                 f"--log.python.compatibility.level={level}", "-c", code],
                env=CLEAN_ENV, capture_output=True, text=True, timeout=120,
            )  # fmt: skip
            assert result.returncode == 0, result.stderr
            events = read_events(log)
            if level == "INFO":
                assert events == []
                continue
            assert events, "the probes are there below the default level"
            assert {event["use"] for event in events} == {"probe"}
            assert {event["callsite"]["file"] for event in events} == {"<string>"}  # type: ignore[index]
            assert all(str(event["via"]["file"]).startswith(os.path.dirname(os.__file__)) for event in events)  # type: ignore[index]
