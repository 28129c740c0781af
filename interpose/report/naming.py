"""Names people read: a call site as `file:line in function`, and the module a file belongs to.

The log may come from another machine, so the module is derived from the path
alone: whatever follows the last `site-packages`, `dist-packages`, `src` or
`lib/pythonX.Y` folder, else the whole of a relative path, else the file's name.
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Callable

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


@functools.lru_cache(maxsize=1 << 14)  # asked once per site: a report has many sites, few files
def distribution_name(file: str) -> str | None:
    """The distribution a file installed under site-packages or dist-packages belongs to; None for the program's.

    Named by the distribution that installs its top-level package when that folder is here to look in (a
    `*.dist-info` of the same normalised name, else one whose `top_level.txt` names it), else by the package.
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
    folder = ("/" if file.startswith("/") else "") + "/".join(parts[: roots[-1] + 1])
    names, tops = _installed(folder)
    return names.get(_normalised(top)) or tops().get(top) or top


def _normalised(name: str) -> str:
    return re.sub(r"[-_.]+", "_", name).lower()


@functools.lru_cache(maxsize=64)
def _installed(folder: str) -> tuple[dict[str, str], Callable[[], dict[str, str]]]:
    """The distributions of one site-packages folder, by normalised name (one listing), and a function giving
    top-level package -> distribution from their top_level.txt files (read once, only if asked)."""
    try:
        infos = [entry for entry in os.listdir(folder) if entry.endswith(".dist-info")]
    except OSError:
        infos = []
    names = {_normalised(info[: -len(".dist-info")].split("-")[0]): info.split("-")[0] for info in infos}

    @functools.lru_cache(maxsize=1)
    def tops() -> dict[str, str]:
        found: dict[str, str] = {}
        for info in infos:
            try:
                with open(os.path.join(folder, info, "top_level.txt"), encoding="utf-8") as listing:
                    for package in listing.read().split():
                        found.setdefault(package, info.split("-")[0])
            except (OSError, ValueError):
                continue
        return found

    return names, tops
