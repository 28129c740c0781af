"""The meta-path finder that serves the shim modules to every import.

Activation puts the shims of modules already imported into `sys.modules`, which
answers ordinary imports; this finder answers the rest: a shim whose host module
was not imported yet (`_posixsubprocess`, built on first import so that
start-up does not pay for it), and imports that go around `sys.modules`
(`import_fresh_module`, `importlib.reload`).  It also stands for the modules
GraalPy does not have (`grp`): their import is a hit, and under enforce it raises
ModuleNotFoundError as on GraalPy (`importlib.util.find_spec` of them, which
returns None there, is patched to answer so: a finder cannot stop the search
any other way; its question is a probe).
"""

from __future__ import annotations

import sys

# importlib.machinery's ModuleSpec, without importing importlib (a script's start-up does not load it).
from _frozen_importlib import ModuleSpec

from interpose import compat

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Sequence
    from importlib.abc import Loader
    from types import ModuleType


class ShimFinder:
    """Finds and loads the active shim modules; first on `sys.meta_path`."""

    def __init__(
        self,
        modules: dict[str, ModuleType],
        lazy: dict[str, Callable[[], ModuleType]],
        patches: dict[str, Callable[[ModuleType], None]] | None = None,
        missing: dict[str, str] | None = None,
    ) -> None:
        self.modules = modules
        self.lazy = lazy  # name -> builder of a shim whose host module is not imported yet
        self.patches = patches or {}  # name -> patch applied once the host module has run (GraalPy's stdlib changes)
        self.missing = missing or {}  # name -> limitation: a module GraalPy does not have

    def find_spec(
        self, fullname: str, path: Sequence[str] | None = None, target: ModuleType | None = None
    ) -> ModuleSpec | None:
        limitation = self.missing.get(fullname)
        if limitation is not None and compat.hit(
            limitation, f"import {fullname}", lookup=True, probe=_asked_by_find_spec()
        ):
            raise ModuleNotFoundError(f"No module named {fullname!r}", name=fullname)
        if fullname in self.patches:
            return self._patched_spec(fullname, path, target)
        if fullname not in self.modules and fullname not in self.lazy:
            return None
        return ModuleSpec(fullname, self, origin="interpose")  # type: ignore[arg-type]  # a Loader by protocol

    def _patched_spec(self, fullname: str, path: Sequence[str] | None, target: ModuleType | None) -> ModuleSpec | None:
        """The spec the other finders give, whose loader runs the module and then its patch (once)."""
        for finder in sys.meta_path:
            find_spec = getattr(finder, "find_spec", None)
            if finder is self or find_spec is None:
                continue
            spec = find_spec(fullname, path, target)
            if spec is not None:
                if spec.loader is not None and hasattr(spec.loader, "exec_module"):
                    spec.loader = _PatchingLoader(spec.loader, self.patches.pop(fullname))
                return spec
        return None

    def create_module(self, spec: ModuleSpec) -> ModuleType:
        builder = self.lazy.pop(spec.name, None)
        if builder is not None:
            module = self.modules[spec.name] = builder()
            self._give_spec(spec.name, module)
        return self.modules[spec.name]

    def exec_module(self, module: ModuleType) -> None:
        """The shim was built at activation; there is nothing left to run."""

    def install_specs(self, exclude: tuple[str, ...] = ()) -> None:
        """Give each shim module (but real modules patched in place) the spec and loader an imported module has."""
        for name, module in self.modules.items():
            if name not in exclude:
                self._give_spec(name, module)

    def _give_spec(self, name: str, module: ModuleType) -> None:
        module.__spec__ = ModuleSpec(name, self, origin="interpose")  # type: ignore[arg-type]
        module.__loader__ = self  # type: ignore[assignment]


def _asked_by_find_spec() -> bool:
    """Whether `importlib.util.find_spec` is asking (feature detection, a probe) rather than an import."""
    frame = sys._getframe(3)  # this, ShimFinder.find_spec, importlib's _find_spec, who called it
    return frame.f_code.co_name == "find_spec" and frame.f_code.co_filename.endswith(("importlib.util>", "util.py"))


class _PatchingLoader:
    """Runs a module with its own loader, then patches it; the module keeps its own loader in sight."""

    def __init__(self, loader: Loader, patch: Callable[[ModuleType], None]) -> None:
        self.loader = loader
        self.patch = patch

    def create_module(self, spec: ModuleSpec) -> ModuleType | None:
        return self.loader.create_module(spec)

    def exec_module(self, module: ModuleType) -> None:
        module.__loader__ = self.loader
        if module.__spec__ is not None:
            module.__spec__.loader = self.loader
        self.loader.exec_module(module)
        self.patch(module)


def load_host_module(name: str) -> ModuleType:
    """The host's module `name`, loaded from its own file without going through sys.modules or this finder."""
    from _frozen_importlib import BuiltinImporter, module_from_spec  # importlib.util's and importlib.machinery's,
    from _frozen_importlib_external import PathFinder  # without importing them into a program that did not

    spec = PathFinder.find_spec(name) or BuiltinImporter.find_spec(name)  # pwd is built in
    if spec is None or spec.loader is None:
        raise ImportError(f"No module named {name!r}", name=name)
    module = module_from_spec(spec)
    saved = sys.modules.get(name)
    sys.modules[name] = module  # as while importing: signal.py's enums find their module there
    try:
        spec.loader.exec_module(module)
    finally:
        if saved is None:
            del sys.modules[name]
        else:
            sys.modules[name] = saved
    return module
