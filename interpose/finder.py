"""The meta-path finder that serves the shim modules to every import.

Activation puts the shims into `sys.modules`, which answers ordinary imports;
this finder answers the ones that go around it (a module removed from
`sys.modules` and imported again, `import_fresh_module`, `importlib.reload`).
"""

from __future__ import annotations

from importlib.machinery import ModuleSpec

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence
    from types import ModuleType


class ShimFinder:
    """Finds and loads the active shim modules; first on `sys.meta_path`."""

    def __init__(self, modules: dict[str, ModuleType]) -> None:
        self.modules = modules

    def find_spec(
        self, fullname: str, path: Sequence[str] | None = None, target: ModuleType | None = None
    ) -> ModuleSpec | None:
        if fullname not in self.modules:
            return None
        return ModuleSpec(fullname, self, origin="interpose")  # type: ignore[arg-type]  # a Loader by protocol

    def create_module(self, spec: ModuleSpec) -> ModuleType:
        return self.modules[spec.name]

    def exec_module(self, module: ModuleType) -> None:
        """The shim was built at activation; there is nothing left to run."""

    def install_specs(self) -> None:
        """Give each shim module the spec and loader an imported module has."""
        for name, module in self.modules.items():
            module.__spec__ = ModuleSpec(name, self, origin="interpose")  # type: ignore[arg-type]
            module.__loader__ = self  # type: ignore[assignment]
