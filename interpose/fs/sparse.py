"""A memory file's bytes, sparse as tmpfs keeps them: holes cost nothing and read as zeros.

The content is cut in fixed-size chunks, kept only where something was written;
a chunk may be shorter than the chunk size (the rest reads as zeros), so a small
file holds just its bytes and a write at 64 GiB holds one short chunk.  Offsets
are checked as Linux checks them on tmpfs (``MAX_LFS_FILESIZE``): negative or
overflowing ranges are EINVAL, found before a zero-length write is let through.
"""

from __future__ import annotations

import errno as E

from interpose.fs.base import err

#: The largest offset a file may reach on tmpfs (LLONG_MAX, Linux's MAX_LFS_FILESIZE).
MAX_FILE_SIZE = (1 << 63) - 1
CHUNK = 1 << 16


def check_range(offset: int, count: int) -> None:
    """rw_verify_area: EINVAL for a negative offset or one whose end overflows a loff_t."""
    if offset < 0 or offset > MAX_FILE_SIZE - count:
        raise err(E.EINVAL)


class SparseData:
    """Bytes by chunk index; ``size`` is the file's length, which may run past the last chunk."""

    __slots__ = ("chunks", "size", "held")

    def __init__(self) -> None:
        self.chunks: dict[int, bytearray] = {}
        self.size = 0
        self.held = 0  # bytes in chunks, for st_blocks

    def read(self, offset: int, count: int) -> bytes:
        end = min(offset + count, self.size)
        if end <= offset:
            return b""
        chunk = self.chunks.get(offset // CHUNK)
        at = offset % CHUNK
        if chunk is not None and at + end - offset <= len(chunk):  # the common case: all in one chunk's bytes
            return bytes(chunk[at:at + end - offset])
        first, last = offset // CHUNK, (end - 1) // CHUNK
        parts = []
        for index in range(first, last + 1):
            base = index * CHUNK
            lo, hi = max(offset, base) - base, min(end, base + CHUNK) - base
            piece = self.chunks.get(index, b"")[lo:hi]
            parts.append(bytes(piece))
            if len(piece) < hi - lo:
                parts.append(bytes(hi - lo - len(piece)))
        return b"".join(parts)

    def write(self, offset: int, data: bytes | bytearray | memoryview) -> None:
        """Write all of ``data`` at ``offset`` (checked by the caller), growing the file if it ends past it."""
        view = memoryview(data)
        end = offset + len(view)
        done = 0
        while done < len(view):
            index, at = divmod(offset + done, CHUNK)
            take = min(CHUNK - at, len(view) - done)
            chunk = self.chunks.get(index)
            if chunk is None:
                chunk = self.chunks[index] = bytearray()
            had = len(chunk)
            if had < at:
                chunk.extend(bytes(at - had))
            chunk[at:at + take] = view[done:done + take]
            self.held += len(chunk) - had
            done += take
        if end > self.size:
            self.size = end

    def truncate(self, length: int) -> None:
        """Cut or extend to ``length``: what is cut is dropped, an extension is a hole."""
        if length < self.size:
            keep, rest = divmod(length, CHUNK)
            for index in [i for i in self.chunks if i > keep or (i == keep and not rest)]:
                del self.chunks[index]
            if rest and keep in self.chunks:
                del self.chunks[keep][rest:]
            self.held = sum(len(c) for c in self.chunks.values())
        self.size = length
