"""C-level routes are refused under enforce and logged under warn; imports follow the provider (issue 9 routes 4, 6)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import read_events, run_interposed

pytestmark = pytest.mark.slow

NATIVE = """
import json, socket, sqlite3, sys
out = {}
for name, action in [("sqlite3", lambda: sqlite3.connect(sys.argv[1] + "/x.db")),
                     ("sqlite3 :memory:", lambda: sqlite3.connect(":memory:")),
                     ("unix socket", lambda: socket.socket(1).bind(sys.argv[1] + "/sock"))]:
    try:
        action()
        out[name] = "ok"
    except OSError as error:  # under enforce the java backend has no AF_UNIX at all (EAFNOSUPPORT), as GraalPy
        out[name] = "refused" if isinstance(error, PermissionError) or error.errno == 97 else type(error).__name__
print(json.dumps(out))
"""


@pytest.mark.parametrize(("policy", "expected"), [("enforce", "refused"), ("warn", "ok")])
def test_c_code_reaching_host_files_is_refused_under_enforce_and_logged_under_warn(
    tmp_path: Path, policy: str, expected: str
) -> None:
    log = tmp_path / "events.jsonl"
    result = run_interposed("--posix-backend=java", "--fs=memory", f"--policy={policy}", f"--log.file={log}",
                            "-c", NATIVE, str(tmp_path))  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {"sqlite3": expected, "sqlite3 :memory:": "ok", "unix socket": expected}
    logged = {event["limitation"] for event in read_events(log)}
    assert {"sandbox.sqlite3"} | ({"sandbox.unix_socket"} if policy == "warn" else set()) <= logged
    assert ((tmp_path / "x.db").exists(), (tmp_path / "sock").exists()) == ((policy == "warn"),) * 2


def test_a_module_that_lives_only_in_memory_is_imported_and_no_bytecode_reaches_the_host(tmp_path: Path) -> None:
    (tmp_path / "hostmod.py").write_text("VALUE = 'host'\n")
    code = (
        "import sys, os\n"
        "os.makedirs('/pkg', exist_ok=True)\n"
        "open('/pkg/made.py', 'w').write('VALUE = 41 + 1\\n')\n"
        "sys.path.insert(0, '/pkg'); import made; print(made.VALUE, os.listdir('/pkg/__pycache__') != [])\n"
        f"sys.path.insert(0, {str(tmp_path)!r}); import hostmod; print(hostmod.VALUE)\n"
    )
    writes_bytecode = {"PYTHONDONTWRITEBYTECODE": ""}  # empty: unset, so importlib does write .pyc files
    result = run_interposed("--posix-backend=java", "--fs=overlay", "-c", code, env=writes_bytecode)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["42", "True", "host"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["hostmod.py"]  # no __pycache__ on the host
    denied = run_interposed("--posix-backend=java", "--fs=deny", "-c", code.replace("/pkg", "/nowhere"))
    assert "PermissionError" in denied.stderr  # the program's own files are refused; the stdlib still imported


def _an_extension_module() -> tuple[str, Path]:
    """A C extension module of the standard library that lives in a file (lib-dynload), and that file."""
    import importlib.util

    for name in ("_bisect", "_csv", "array", "_json", "_random"):
        spec = importlib.util.find_spec(name)
        if spec is not None and spec.origin and spec.origin.endswith(".so"):
            return name, Path(spec.origin)
    pytest.skip("no extension module in a file")


@pytest.mark.parametrize(("policy", "expected"), [("enforce", "ImportError"), ("warn", "loaded")])
def test_an_extension_module_outside_the_language_home_is_refused_under_enforce(
    tmp_path: Path, policy: str, expected: str
) -> None:
    """The dynamic loader opens the file itself: only the language home's extension modules can be loaded."""
    name, original = _an_extension_module()
    copy = tmp_path / original.name
    copy.write_bytes(original.read_bytes())
    code = (
        "import importlib.util, sys\n"
        f"spec = importlib.util.spec_from_file_location({name!r}, {str(copy)!r})\n"
        "try:\n"
        "    importlib.util.module_from_spec(spec); print('loaded')\n"
        "except ImportError as error:\n"
        "    print('ImportError')\n"
        f"import {name}; print('home', {name}.__name__)\n"
    )
    log = tmp_path / "events.jsonl"
    result = run_interposed("--posix-backend=java", "--fs=overlay", f"--policy={policy}", f"--log.file={log}",
                            "-c", code)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [expected, "home", name]  # the language home's own copy still loads
    assert [event["detail"] for event in read_events(log) if event["limitation"] == "sandbox.native_extension"] == [
        {"path": str(copy)}
    ]
