"""Hatchling build hook: compile `interpose report`'s optional C accelerator (cffi, API mode) into the wheel.

The accelerator is optional: without a working C compiler (or without cffi) the build still succeeds, with a
warning, and the report runs in pure Python and says so on standard error.  A wheel with the module is tagged
for this interpreter and platform; one without stays pure.  An editable install compiles it into the source
tree (interpose/report/_speedups/, ignored by git), where the editable package imports it from.
"""

from __future__ import annotations

import importlib.util
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

PACKAGE_DIR = Path("interpose") / "report" / "_speedups"


class AcceleratorBuildHook(BuildHookInterface):  # type: ignore[type-arg]
    """Compile interpose/report/_speedups/scan.c with the recipe in its build.py."""

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if self.target_name != "wheel":
            return
        root = Path(self.root)
        try:
            spec = importlib.util.spec_from_file_location("_interpose_speedups_build", root / PACKAGE_DIR / "build.py")
            assert spec is not None and spec.loader is not None
            recipe = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(recipe)
            if version == "editable":
                recipe.compile_to(root / PACKAGE_DIR)
                return
            self._scratch = tempfile.mkdtemp(prefix="interpose-speedups-")
            built = recipe.compile_to(Path(self._scratch))
        except Exception as error:  # no compiler, a failing one, no cffi: the report still works, slower
            message = f"interpose: report accelerator not built ({type(error).__name__}: {error}); pure Python"
            self.app.display_warning(message)
            print(message, file=sys.stderr)
            return
        build_data["force_include"][str(built)] = str(PACKAGE_DIR / built.name)
        build_data["pure_python"] = False
        build_data["infer_tag"] = True

    def finalize(self, version: str, build_data: dict[str, Any], artifact_path: str) -> None:
        scratch = getattr(self, "_scratch", None)
        if scratch:
            shutil.rmtree(scratch, ignore_errors=True)
