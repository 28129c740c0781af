"""The distribution installs and works without cffi: the report's accelerator is an extra, never a requirement.

A wheel is built the way `pip install .` builds one (an isolated build environment, hatch_build.py as the hook)
with the accelerator turned off at build time, and installed without its dependencies into a fresh virtual
environment that has no cffi at all; the report then runs there, in pure Python, and says so once.
"""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.conftest import CLEAN_ENV
from tests.report.conftest import APP, event, write_lines

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.slow


def _run(*args: str | Path, env: dict[str, str] | None = None, cwd: Path | None = None) -> str:
    result = subprocess.run(
        [str(arg) for arg in args], env={**CLEAN_ENV, **(env or {})}, cwd=cwd,
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout + result.stderr


@pytest.fixture(scope="module")
def pure_wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`pip wheel .` with INTERPOSE_REPORT_PURE=1: the build asks for no cffi and compiles nothing."""
    out = tmp_path_factory.mktemp("wheel")
    _run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", out, ROOT,
         env={"INTERPOSE_REPORT_PURE": "1", "PIP_DISABLE_PIP_VERSION_CHECK": "1"})  # fmt: skip
    [wheel] = out.glob("interpose-*.whl")
    return wheel


def test_the_wheel_is_pure_and_cffi_is_only_an_extra(pure_wheel: Path) -> None:
    assert pure_wheel.name.endswith("-py3-none-any.whl")
    with zipfile.ZipFile(pure_wheel) as archive:
        names = archive.namelist()
        [metadata] = [name for name in names if name.endswith(".dist-info/METADATA")]
        requires = [line for line in archive.read(metadata).decode().splitlines() if line.startswith("Requires-Dist")]
        assert any(name.endswith(".dist-info/licenses/LICENSE") for name in names)
    assert not any("_scan" in name for name in names)
    cffi = [line for line in requires if "cffi" in line]
    assert cffi == ["Requires-Dist: cffi>=1.17; extra == 'speedups'"]


def test_the_report_runs_in_a_venv_without_cffi(pure_wheel: Path, tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    _run(sys.executable, "-m", "venv", "--without-pip", venv)
    python = venv / "bin" / "python"
    _run(sys.executable, "-m", "pip", "--python", python, "install", "--quiet", "--no-deps", "--no-index", pure_wheel)
    probe = "import importlib.util as u, interpose; print(u.find_spec('cffi') is None, interpose.__file__)"
    no_cffi, location = _run(python, "-c", probe, cwd=tmp_path).split()
    assert no_cffi == "True" and location.startswith(str(venv))
    log = write_lines(tmp_path / "events.jsonl", [event(site=APP, count=1), event(site=APP, count=3, final=True)])
    result = subprocess.run(
        [python, "-m", "interpose", "report", "--format", "json", log],
        env=CLEAN_ENV, cwd=tmp_path, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["totals"]["events"] == 3
    assert result.stderr.count("without its compiled accelerator") == 1
    listed = _run(python, "-m", "interpose", "limitations", "--format", "json", cwd=tmp_path)
    assert "process.fork" in listed
