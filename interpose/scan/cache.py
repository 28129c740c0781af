"""Findings kept by file content, so that an unchanged tree rescans in well under a second.

One JSON file per (scanner fingerprint, backend) under `$XDG_CACHE_HOME/interpose/scan`
(`~/.cache/interpose/scan`): content hash -> the file's findings, or the reason it
could not be parsed.  The fingerprint hashes the scanner's and the catalog's own
sources and the Python version, so a change to a rule, an entry or the grammar
starts a new cache rather than serving stale findings.  Findings hold no path:
the same content under two names is scanned once.  The file is replaced
atomically; two scans writing at once lose at most the other's new entries.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sys
import tempfile
from pathlib import Path

import interpose
from interpose.compat import catalog

#: More entries than this and only those of the last scan are kept.
MAX_ENTRIES = 400_000
Entry = list[object]  # findings as lists, or ["error", kind, message]


def folder() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "interpose" / "scan"


def content_hash(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def fingerprint() -> str:
    """What the findings of a file depend on besides its content: the scanner's rules and the interpreter."""
    digest = hashlib.blake2b(digest_size=8)
    digest.update(f"{interpose.__version__} {sys.version_info[:2]}".encode())
    compat = Path(catalog.__file__).parent
    sources = [*sorted(Path(__file__).parent.glob("*.py")), compat / "guards.py", *sorted(compat.glob("catalog*.py"))]
    for source in sources:
        digest.update(source.read_bytes())
    return digest.hexdigest()


class Cache:
    """Content hash -> entry, loaded once and written back once."""

    def __init__(self, backend: str, enabled: bool = True) -> None:
        self.enabled = enabled
        self.path = folder() / f"{fingerprint()}-{backend}.json"
        self.entries: dict[str, Entry] = {}
        self.used: set[str] = set()
        self.added = 0
        if enabled:
            try:
                loaded = json.loads(self.path.read_bytes())
                if isinstance(loaded, dict):
                    self.entries = loaded
            except (OSError, ValueError):
                pass

    def get(self, key: str) -> Entry | None:
        entry = self.entries.get(key)
        if entry is not None:
            self.used.add(key)
        return entry

    def put(self, key: str, entry: Entry) -> None:
        self.entries[key] = entry
        self.used.add(key)
        self.added += 1

    def save(self) -> str | None:
        """Write the entries back when new ones came; the error's text if the cache cannot be written."""
        if not self.enabled or not self.added:
            return None
        entries = self.entries
        if len(entries) > MAX_ENTRIES:
            entries = {key: entries[key] for key in self.used}
        temporary = None
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=self.path.parent, prefix=".scan-", suffix=".json")
            with os.fdopen(handle, "w", encoding="ascii") as file:
                json.dump(entries, file, separators=(",", ":"))
            os.replace(temporary, self.path)
        except OSError as error:
            if temporary is not None:
                with contextlib.suppress(OSError):
                    os.unlink(temporary)
            return str(error)
        return None
