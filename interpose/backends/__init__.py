"""The operating-system backends the shims route to: `native` and the emulated `java`."""

from __future__ import annotations

BACKEND_ALIASES = {"native": "native", "java": "java", "emulated": "java"}


def canonical_backend(name: str) -> str:
    """`native` or `java` for any accepted spelling (`emulated` is GraalPy's other name for `java`)."""
    backend = BACKEND_ALIASES.get(name.strip().lower())
    if backend is None:
        raise ValueError(f"unknown POSIX backend {name!r}; expected native, java or emulated")
    return backend
