"""Modules GraalPy does not have at all (`grp`): through real interposed child processes, and in process.

On GraalPy `import grp` raises ModuleNotFoundError("No module named 'grp'") on both backends, and the stdlib
takes its fallbacks: tarfile leaves group names empty, pathlib's `Path.group()` is unsupported, `shutil.chown`
with a group name finds no such group.  Under enforce interpose does the same and logs each import with its
class (a `try/except ImportError` is a probe, below the default level); under warn the module is CPython's and
the import is logged.
"""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

import pytest

import interpose
from tests.conftest import read_events, run_interposed, run_python

BACKENDS = ("native", "java")

PROGRAM = """
import os, shutil, sys, tarfile, tempfile
try:
    import grp
    print("grp", "present")
except ImportError as error:
    print("grp", type(error).__name__, error)
with tempfile.TemporaryDirectory() as tmp:
    path = os.path.join(tmp, "f")
    open(path, "w").close()
    info = tarfile.TarFile.open(os.path.join(tmp, "a.tar"), "w").gettarinfo(path)
    print("gname", repr(info.gname))
    try:
        shutil.chown(path, group="root")
        print("chown", "done")
    except LookupError as error:
        print("chown", type(error).__name__, error)
import grp
"""


def _run(tmp_path: Path, *options: str) -> tuple[list[str], str, list[dict[str, object]]]:
    log_file = tmp_path / "events.jsonl"
    log_file.unlink(missing_ok=True)
    (tmp_path / "prog.py").write_text(textwrap.dedent(PROGRAM))
    result = run_interposed(f"--log.file={log_file}", "--log.python.compatibility.level=FINER", *options,
                            "prog.py", cwd=tmp_path)  # fmt: skip
    return result.stdout.splitlines(), result.stderr, read_events(log_file)


@pytest.mark.parametrize("backend", BACKENDS)
def test_under_enforce_grp_does_not_exist_and_the_stdlib_takes_its_fallbacks(tmp_path: Path, backend: str) -> None:
    out, err, events = _run(tmp_path, f"--posix-backend={backend}")
    assert out == [
        "grp ModuleNotFoundError No module named 'grp'",
        "gname ''",
        "chown LookupError no such group: 'root'",
    ]
    assert err.rstrip().endswith("ModuleNotFoundError: No module named 'grp'")
    grp_events = [(e["use"], e["level"], e["callsite"]["line"]) for e in events if e["limitation"] == "module.grp"]
    # the probe of line 4, tarfile's own probe (on the program's line that imported it), the unguarded last line
    assert ("probe", "FINER", 4) in grp_events
    assert ("unguarded", "INFO", len(textwrap.dedent(PROGRAM).splitlines())) in grp_events
    assert all(use != "guarded" for use, _level, _line in grp_events)
    info_events = [e for e in events if e["level"] == "INFO"]
    assert [e["limitation"] for e in info_events] == ["module.grp"]  # only the unguarded import


@pytest.mark.parametrize("backend", BACKENDS)
def test_under_warn_grp_is_cpythons_and_its_import_is_logged(tmp_path: Path, backend: str) -> None:
    plain = run_python("-c", textwrap.dedent(PROGRAM), cwd=tmp_path)
    out, _err, events = _run(tmp_path, f"--posix-backend={backend}", "--policy=warn")
    assert out == plain.stdout.splitlines()
    assert out[0] == "grp present"
    grp_events = [e for e in events if e["limitation"] == "module.grp"]
    # only the first import asks the finders: tarfile's own probe, on the program line that imported tarfile
    assert [(e["use"], e["outcome"], e["callsite"]["line"]) for e in grp_events] == [("probe", "allowed", 2)]
    assert str(grp_events[0]["via"]["file"]).endswith("tarfile.py")  # type: ignore[index]


@pytest.mark.usefixtures("clean_activation")
def test_grp_imported_before_activation_is_taken_out_and_given_back() -> None:
    import grp
    import tarfile

    assert tarfile.grp is grp
    interpose.activate(backend="native", log_level="OFF")
    try:
        assert "grp" not in sys.modules
        assert tarfile.grp is None  # what its `try: import grp / except ImportError: grp = None` holds on GraalPy
        with pytest.raises(ModuleNotFoundError, match="No module named 'grp'"):
            import grp as again  # noqa: F401
    finally:
        interpose.deactivate()
    assert sys.modules["grp"] is grp
    assert tarfile.grp is grp
    import grp as back

    assert back is grp


@pytest.mark.usefixtures("clean_activation")
def test_under_warn_grp_stays_where_it_was() -> None:
    import grp
    import tarfile

    interpose.activate(backend="native", policy="warn", log_level="OFF")
    try:
        assert sys.modules["grp"] is grp and tarfile.grp is grp
    finally:
        interpose.deactivate()


FIND_SPEC = """
import importlib.util
print(importlib.util.find_spec("grp") is None, importlib.util.find_spec("pwd") is None)
"""


@pytest.mark.parametrize("policy, expected", [("enforce", "True False"), ("warn", "False False")])
def test_find_spec_answers_none_for_grp_under_enforce_as_a_probe(tmp_path: Path, policy: str, expected: str) -> None:
    """On GraalPy find_spec('grp') is None (no finder knows it); the import itself still raises."""
    log_file = tmp_path / "events.jsonl"
    (tmp_path / "prog.py").write_text(FIND_SPEC)
    result = run_interposed(f"--log.file={log_file}", "--log.python.compatibility.level=FINER", f"--policy={policy}",
                            "prog.py", cwd=tmp_path)  # fmt: skip
    assert result.stdout.strip() == expected, result.stderr
    grp_events = [(e["use"], e["level"], e["callsite"]["line"]) for e in read_events(log_file)
                  if e["limitation"] == "module.grp"]  # fmt: skip
    assert grp_events == ([("probe", "FINER", 3)] if policy == "enforce" else [("probe", "FINER", 3)])
