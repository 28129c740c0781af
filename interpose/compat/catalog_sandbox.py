"""Catalog entries of the sandbox: what Python code cannot keep inside a filesystem provider.

A provider other than `host` keeps the program's Python file access away from
the host, but C code opens files itself: the dynamic loader, sqlite3, ctypes,
a unix socket bound to a path.  These are seen through PEP 578 audit events
(interpose/audit.py), refused under `enforce` and logged under `warn`.  Audit
hooks are not a security boundary (docs/filesystems.md says what is left).
"""

from __future__ import annotations

from interpose.compat.catalog import JAVA, Limitation
from interpose.events import levels

_FACT = (
    "GraalPy runs C extensions and native libraries outside its Truffle FileSystem (they call the OS directly), "
    "so a FileSystem that hides the host from Python code does not hide it from them"
)


def _native(id: str, message: str, hint: str, fact: str = _FACT) -> Limitation:
    return Limitation(
        id=id, backends=(JAVA,), level=levels.INFO, enforce="refused", warn="allowed", message=message,
        fact=fact, hint=hint,
    )  # fmt: skip


SANDBOX_ENTRIES: tuple[Limitation, ...] = (
    _native(
        "sandbox.native_extension",
        "an extension module outside the interpreter's library cannot be loaded through the filesystem provider",
        "install the extension into the environment's site-packages (read from the host as the language home), "
        "or run with --fs host",
    ),
    _native(
        "sandbox.sqlite3",
        "sqlite3 opens its database file with C code, on the host, around the filesystem provider",
        "use sqlite3.connect(':memory:'), or a database the provider maps to the host (rooted:DIR) opened by the "
        "host path, with --fs host",
    ),
    _native(
        "sandbox.ctypes",
        "ctypes loads and calls native code, which reaches the host around the filesystem provider",
        "keep native libraries out of a sandboxed run, or run with --fs host",
    ),
    _native(
        "sandbox.child_process",
        "a child process runs on the host, around the filesystem provider",
        "run the child's work in the program itself, or start this environment's python (interposed over the "
        "same --fs), or run with --fs host",
        fact="GraalPy starts child processes on the host, outside its Truffle FileSystem (when the embedder allows "
        "process creation): a program that is not the interpreter itself sees the host's files",
    ),
    _native(
        "sandbox.unix_socket",
        "a unix socket bound or connected to a path uses the host's filesystem, not the provider",
        "use an abstract socket address (a name starting with a NUL byte) or a TCP socket on 127.0.0.1",
    ),
)
