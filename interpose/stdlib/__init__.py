"""What GraalPy's standard library does differently, applied to CPython's: decisions taken at import, patches.

Every change is recorded as one of rebinding's swaps, so deactivation undoes it
with the rest; `Attributes` lets a swap set or take out an attribute of a class
or module (None standing for "no such attribute").
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from interpose.rebinding import Swap


class Attributes(dict[str, object]):
    """An object's attributes seen as a namespace for rebinding's swaps: setting None takes the attribute out."""

    def __init__(self, owner: object) -> None:
        super().__init__()
        self.owner = owner

    def get(self, key: str, default: object = None) -> object:
        return vars(self.owner).get(key, default)

    def __setitem__(self, key: str, value: object) -> None:
        if value is not None:
            setattr(self.owner, key, value)
        elif key in vars(self.owner):
            delattr(self.owner, key)


def swap(owner: object, name: str, value: object, swaps: list[Swap]) -> None:
    """Set (or, with None, take out) `owner.name`, recording the change in `swaps`."""
    namespace = Attributes(owner)
    swaps.append((namespace, name, namespace.get(name), value))
    namespace[name] = value
