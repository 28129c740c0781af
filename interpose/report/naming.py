"""Names people read: a call site as `file:line in function`, and the module a file belongs to.

The log may come from another machine, so the module is derived from the path
alone: whatever follows the last `site-packages`, `dist-packages`, `src` or
`lib/pythonX.Y` folder, else the whole of a relative path, else the file's name.
"""

from __future__ import annotations

import functools
import re

_ROOTS = re.compile(r"(site-packages|dist-packages|src|python[0-9]+\.[0-9]+)")
_SUFFIXES = (".py", ".pyc", ".pyw", ".pyi")


def callsite_label(file: str, line: str, function: str) -> str | None:
    """`app.py:12 in main`, or None for an event without a call site."""
    if not (file or line or function):
        return None
    return f"{file}:{line} in {function}" if function else f"{file}:{line}"


def module_name(file: str) -> str | None:
    """The dotted module a source file most likely is; None without a file."""
    if not file:
        return None
    if file.startswith("<"):
        return file
    parts = [part for part in file.replace("\\", "/").split("/") if part not in ("", ".")]
    if not parts:
        return file
    for suffix in _SUFFIXES:
        if parts[-1].endswith(suffix):
            parts[-1] = parts[-1][: -len(suffix)]
            break
    roots = [index for index, part in enumerate(parts[:-1]) if _ROOTS.fullmatch(part)]
    if roots:
        parts = parts[roots[-1] + 1 :]
    elif file.startswith(("/", "\\")) or re.match(r"[A-Za-z]:", file):
        parts = parts[-1:]
    if len(parts) > 1 and parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


_INSTALLED = re.compile(r"(site-packages|dist-packages)")


def distribution_name(file: str) -> str | None:
    """The distribution a file installed under site-packages or dist-packages belongs to; None for the program's.

    Named by its top-level package, or by the distribution that installs it when that is known here.
    """
    parts = [part for part in file.replace("\\", "/").split("/") if part]
    roots = [index for index, part in enumerate(parts[:-1]) if _INSTALLED.fullmatch(part)]
    if not roots:
        return None
    top = parts[roots[-1] + 1]
    for suffix in _SUFFIXES:
        if top.endswith(suffix):
            top = top[: -len(suffix)]
            break
    known = _installed_packages().get(top)
    return known[0] if known else top


@functools.lru_cache(maxsize=1)
def _installed_packages() -> dict[str, list[str]]:
    """Top-level package -> distributions of the environment running the report (asked once, if ever)."""
    from importlib import metadata

    try:
        return dict(metadata.packages_distributions())
    except Exception:  # a broken distribution's metadata must not stop a report
        return {}
