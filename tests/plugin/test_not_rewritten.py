"""pytest leaves interpose's own modules alone: they load from their byte-code, not through assert rewriting."""

from __future__ import annotations

import textwrap
from pathlib import Path

from tests.conftest import run_python

CHECK = """
import sys

def test_interpose_modules_load_as_python_loads_them(interpose_fs):
    loaded = {name: type(module.__loader__).__name__ for name, module in sys.modules.items()
              if name.startswith("interpose.backends") and getattr(module, "__loader__", None) is not None}
    assert "interpose.backends.emulated" in loaded
    rewritten = sorted(name for name, loader in loaded.items() if loader == "AssertionRewritingHook")
    assert rewritten == []
"""


def test_interposes_modules_are_not_assert_rewritten(tmp_path: Path) -> None:
    """pytest marks every module of a pytest11 plugin's distribution for rewriting; the plugin unmarks its own."""
    (tmp_path / "test_check.py").write_text(textwrap.dedent(CHECK))
    result = run_python("-m", "pytest", "-q", "-p", "no:cacheprovider", "test_check.py", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 passed" in result.stdout
