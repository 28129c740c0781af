"""The meta-path finder that serves the shim modules to every import.

Activation puts the shims of modules already imported into `sys.modules`, which
answers ordinary imports; this finder answers the rest: a shim whose host module
was not imported yet (`_posixsubprocess`, built on first import so that
start-up does not pay for it), and imports that go around `sys.modules`
(`import_fresh_module`, `importlib.reload`).
"""

from __future__ import annotations

# importlib.machinery's ModuleSpec, without importing importlib (a script's start-up does not load it).
from _frozen_importlib import ModuleSpec

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Sequence
    from types import ModuleType


class ShimFinder:
    """Finds and loads the active shim modules; first on `sys.meta_path`."""

    def __init__(self, modules: dict[str, ModuleType], lazy: dict[str, Callable[[], ModuleType]]) -> None:
        self.modules = modules
        self.lazy = lazy  # name -> builder of a shim whose host module is not imported yet

    def find_spec(
        self, fullname: str, path: Sequence[str] | None = None, target: ModuleType | None = None
    ) -> ModuleSpec | None:
        if fullname not in self.modules and fullname not in self.lazy:
            return None
        return ModuleSpec(fullname, self, origin="interpose")  # type: ignore[arg-type]  # a Loader by protocol

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


def load_host_module(name: str) -> ModuleType:
    """The host's module `name`, loaded from its own file without going through sys.modules or this finder."""
    from _frozen_importlib import module_from_spec  # importlib.util's and importlib.machinery's, without
    from _frozen_importlib_external import PathFinder  # importing them into a program that did not

    spec = PathFinder.find_spec(name)
    if spec is None or spec.loader is None:
        raise ImportError(f"No module named {name!r}", name=name)
    module = module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
