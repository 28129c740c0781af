"""Hatchling build hook: compile `interpose report`'s optional C accelerator (cffi, API mode) into the wheel.

The accelerator is optional at every step.  At build time the hook asks for cffi in the build environment
(`dependencies`), unless INTERPOSE_REPORT_PURE is set (to anything but "" or "0"): then nothing is compiled and
nothing beyond hatchling is needed, which is how to build where cffi cannot be had.  Without cffi in the build
environment (`--no-build-isolation` in an environment without it) the hook skips quietly; without a working C
compiler it warns and the build still succeeds.  At run time the compiled module needs cffi's `_cffi_backend`,
which the `speedups` extra installs: without it the report runs in pure Python and says so once on stderr.

A wheel with the module is tagged for this interpreter and platform; one without stays pure.  An editable
install compiles it into the source tree (interpose/report/_speedups/, ignored by git), where the editable
package imports it from.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

PACKAGE_DIR = Path("interpose") / "report" / "_speedups"
PURE_ENV = "INTERPOSE_REPORT_PURE"  # the same switch the report reads at run time
BUILD_REQUIRES = ["cffi>=1.17", "setuptools; python_version >= '3.12'"]  # cffi compiles through setuptools


def _pure_asked() -> bool:
    return os.environ.get(PURE_ENV, "") not in ("", "0")


class AcceleratorBuildHook(BuildHookInterface):  # type: ignore[type-arg]
    """Compile interpose/report/_speedups/scan.c with the recipe in its build.py."""

    def dependencies(self) -> list[str]:
        """What the build environment needs beyond hatchling: cffi, unless a pure build was asked for."""
        return [] if _pure_asked() else list(BUILD_REQUIRES)

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if self.target_name != "wheel" or _pure_asked():
            return
        if importlib.util.find_spec("cffi") is None:
            self.app.display_info("interpose: cffi is not in the build environment: report accelerator not built")
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
        except Exception as error:  # no compiler, a failing one: the report still works, slower
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
