"""Which files a scan reads: paths given, folders walked, installed distributions, and who owns each file.

A folder is walked following links to folders, each real folder once: a link
back to a folder being walked is a loop, reported and skipped.  Hidden folders
(`.git`, `.venv`, `.tox`) and `__pycache__` are not entered unless named.  A
file is scanned once however many names it has.  A file that belongs to an
installed distribution gets its name: from the `RECORD` of a `*.dist-info`
folder beside it (or `top_level.txt` of a `*.egg-info`), as pip installs them,
and for `--site-packages` from importlib.metadata.
"""

from __future__ import annotations

import contextlib
import errno
import os
from dataclasses import dataclass, field
from email.parser import HeaderParser

SUFFIXES = (".py", ".pyw")
SKIPPED_FOLDERS = frozenset({"__pycache__", "node_modules"})
#: Files above this size are reported and skipped (generated tables, vendored bundles).
MAX_BYTES = 8 << 20


@dataclass(frozen=True)
class Source:
    """One file to scan, its size and the distribution it belongs to (None: not an installed one)."""

    path: str
    size: int
    distribution: str | None = None


@dataclass(frozen=True)
class Problem:
    """A path that was not scanned, and why (`kind`: symlink loop, huge, unreadable, missing, syntax, ...)."""

    path: str
    kind: str
    message: str


@dataclass
class Gathered:
    sources: list[Source] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    seen: set[tuple[int, int]] = field(default_factory=set)
    #: absolute path of a file (of a folder: with a final separator) -> its distribution
    owners: dict[str, str] = field(default_factory=dict)

    def add(self, path: str, info: os.stat_result, distribution: str | None = None) -> None:
        identity = (info.st_dev, info.st_ino)
        if identity in self.seen:
            return
        self.seen.add(identity)
        if info.st_size > MAX_BYTES:
            self.problems.append(Problem(path, "huge", f"{info.st_size} bytes (the limit is {MAX_BYTES})"))
            return
        self.sources.append(Source(path, info.st_size, distribution or self.owner(path)))

    def owner(self, path: str) -> str | None:
        """The distribution that installed `path`, from the metadata folders met on the way."""
        if not self.owners:
            return None
        real = os.path.abspath(path)
        found = self.owners.get(real)
        while found is None:
            parent = os.path.dirname(real)
            if parent == real:
                return None
            real = parent
            found = self.owners.get(real + os.sep)
        return found


def _problem(path: str, error: OSError) -> Problem:
    kind = "symlink loop" if error.errno == errno.ELOOP else "unreadable"
    return Problem(path, kind, error.strerror or str(error))


def _metadata_name(folder: str) -> str:
    """A distribution's name from its METADATA/PKG-INFO, else from the folder's name."""
    for name in ("METADATA", "PKG-INFO"):
        try:
            with open(os.path.join(folder, name), encoding="utf-8", errors="replace") as file:
                headers = HeaderParser().parse(file, headersonly=True)
        except OSError:
            continue
        if headers.get("Name"):
            return str(headers["Name"])
    return os.path.basename(folder).partition("-")[0]


def read_owners(folder: str, metadata: list[str], owners: dict[str, str]) -> None:
    """Record which files (RECORD) and top-level names (top_level.txt) the distributions in `folder` installed."""
    for entry in metadata:
        meta = os.path.join(folder, entry)
        name = _metadata_name(meta)
        try:
            with open(os.path.join(meta, "RECORD"), encoding="utf-8", errors="replace") as record:
                for line in record:
                    relative = line.partition(",")[0].strip()
                    if relative.endswith(SUFFIXES):
                        owners[os.path.abspath(os.path.join(folder, relative))] = name
        except OSError:
            pass
        try:
            with open(os.path.join(meta, "top_level.txt"), encoding="utf-8", errors="replace") as top:
                for line in top:
                    if line.strip():
                        base = os.path.abspath(os.path.join(folder, line.strip()))
                        owners.setdefault(base + os.sep, name)
                        owners.setdefault(base + ".py", name)
        except OSError:
            pass


def _walk(folder: str, gathered: Gathered, ancestors: set[tuple[int, int]]) -> None:
    try:
        with os.scandir(folder) as listing:
            entries = sorted(listing, key=lambda entry: entry.name)
    except OSError as error:
        gathered.problems.append(_problem(folder, error))
        return
    metadata = [entry.name for entry in entries if entry.name.endswith((".dist-info", ".egg-info"))]
    if metadata:
        read_owners(folder, metadata, gathered.owners)
    for entry in entries:
        try:
            is_dir = entry.is_dir()
            if not is_dir and not entry.name.endswith(SUFFIXES):
                continue
            info = entry.stat()
        except OSError as error:
            if entry.is_symlink() or error.errno == errno.ELOOP:
                gathered.problems.append(_problem(entry.path, error))
            continue
        if not is_dir:
            gathered.add(entry.path, info)
            continue
        if entry.name in SKIPPED_FOLDERS or entry.name.startswith("."):
            continue
        identity = (info.st_dev, info.st_ino)
        if identity in ancestors:
            gathered.problems.append(Problem(entry.path, "symlink loop", "a link to a folder that contains it"))
        elif identity not in gathered.seen:
            gathered.seen.add(identity)
            _walk(entry.path, gathered, ancestors | {identity})


def gather(paths: list[str], site_packages: bool = False) -> Gathered:
    """The files under `paths` (and the current environment's distributions), with what could not be read."""
    gathered = Gathered()
    for path in paths:
        try:
            info = os.stat(path)
        except OSError as error:
            missing = error.errno == errno.ENOENT and not os.path.islink(path)
            gathered.problems.append(Problem(path, "missing", "no such file or folder") if missing
                                     else _problem(path, error))  # fmt: skip
            continue
        if os.path.isdir(path):
            parent = os.path.dirname(os.path.abspath(path))
            with contextlib.suppress(OSError):
                metadata = [name for name in os.listdir(parent) if name.endswith((".dist-info", ".egg-info"))]
                read_owners(parent, metadata, gathered.owners)
            identity = (info.st_dev, info.st_ino)
            if identity not in gathered.seen:
                gathered.seen.add(identity)
                _walk(path, gathered, {identity})
        else:
            gathered.add(path, info)
    if site_packages:
        _distributions(gathered)
    return gathered


def _distributions(gathered: Gathered) -> None:
    """The Python files of every distribution of the running environment, named (the first on sys.path wins)."""
    from importlib import metadata

    names: set[str] = set()
    for distribution in metadata.distributions():
        name = distribution.metadata["Name"] or "unknown"
        if name.lower() in names:
            continue
        names.add(name.lower())
        for file in distribution.files or ():
            if not file.name.endswith(SUFFIXES):
                continue
            path = str(distribution.locate_file(file))
            try:
                info = os.stat(path)
            except OSError:
                continue  # RECORD lists it, the environment no longer has it
            gathered.add(path, info, name)
