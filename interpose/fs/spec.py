"""``--fs SPEC``: the provider a command line or environment variable asks for.

Grammar::

    host | memory | deny | overlay | overlay:DIR | rooted:DIR | readonly:SPEC | package.module:factory

``readonly:`` wraps any other spec.  Anything with a colon that is not one of the
prefixes above names a user's factory, called with no arguments.
"""

from __future__ import annotations

from interpose.fs.base import FileSystem


def _rooted(arg: str) -> FileSystem:
    from interpose.fs.rooted import RootedFileSystem

    return RootedFileSystem(arg)


def _overlay(arg: str) -> FileSystem:
    from interpose.fs.overlay import OverlayFileSystem

    return OverlayFileSystem(_rooted(arg) if arg else None)


def _readonly(arg: str) -> FileSystem:
    from interpose.fs.readonly import ReadOnlyFileSystem

    return ReadOnlyFileSystem(parse_spec(arg))


def _host(arg: str) -> FileSystem:
    from interpose.fs.host import HostFileSystem

    return HostFileSystem()


def _memory(arg: str) -> FileSystem:
    from interpose.fs.memory import MemoryFileSystem

    return MemoryFileSystem(linux=True)


def _deny(arg: str) -> FileSystem:
    from interpose.fs.deny import DenyFileSystem

    return DenyFileSystem()


#: name -> (builder, whether it takes an argument after the colon: True required, None optional)
_KINDS = {
    "host": (_host, False), "memory": (_memory, False), "deny": (_deny, False),
    "overlay": (_overlay, None), "rooted": (_rooted, True), "readonly": (_readonly, True),
}


def parse_spec(spec: str) -> FileSystem:
    """Build the provider ``spec`` names; ValueError says what is wrong with a bad one."""
    kind, colon, arg = spec.strip().partition(":")
    if kind in _KINDS:
        build, wants = _KINDS[kind]
        if wants is False and colon:
            raise ValueError(f"--fs {spec!r}: {kind!r} takes no argument")
        if wants and not arg:
            raise ValueError(f"--fs {spec!r}: {kind!r} needs an argument, as {kind}:"
                             + ("DIR" if kind == "rooted" else "SPEC"))
        if kind in ("rooted", "overlay") and arg and not arg.startswith("/"):
            raise ValueError(f"--fs {spec!r}: the directory must be an absolute path")
        try:
            return build(arg)
        except OSError as e:
            raise ValueError(f"--fs {spec!r}: {e.strerror}: {arg}") from e
    if colon and kind and arg:
        return _factory(spec, kind, arg)
    known = ", ".join(sorted(_KINDS))
    raise ValueError(f"--fs {spec!r}: unknown filesystem; use one of {known}, or package.module:factory")


def _factory(spec: str, module_name: str, attr: str) -> FileSystem:
    """A user's provider: ``module:factory``, the factory called with no arguments."""
    try:
        import importlib  # only for a provider of the program's own: not imported into every program

        module = importlib.import_module(module_name)
    except ImportError as e:
        raise ValueError(f"--fs {spec!r}: cannot import {module_name!r}: {e}") from e
    factory = getattr(module, attr, None)
    if not callable(factory):
        raise ValueError(f"--fs {spec!r}: {module_name!r} has no callable {attr!r}")
    fs = factory()
    if not isinstance(fs, FileSystem):
        raise ValueError(f"--fs {spec!r}: {attr}() returned {type(fs).__name__}, not a FileSystem")
    return fs
