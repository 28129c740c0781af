"""Activation: build the shims from a backend, install them everywhere, and take them out again.

Installing means: the shim modules go into `sys.modules` and behind a meta-path
finder; references that modules imported earlier hold are swapped for the
shims'; the audit hook watches what the backend forbids.  Each step records what
it changed in the `Activation` before it changes it, so that one function,
`_undo`, takes out whatever was done: deactivation, and a step that fails (the
error propagates after everything before it is undone).  Deactivation also
swaps back the references that modules imported while active took from the
shims.
"""

from __future__ import annotations

import atexit
import sys

from interpose import audit, compat, rebinding, stdlib
from interpose.compat.catalog_surface import FAST_PATH_MODULES
from interpose.finder import ShimFinder, load_host_module
from interpose.host import os as host_os
from interpose.host import posix as host_posix
from interpose.host import posix_module
from interpose.shims.os_module import build_os
from interpose.shims.posix import ModulePatch, build_posixsubprocess, build_shaped, posix_contents, shaped_namespace

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from types import ModuleType
    from typing import TypeVar

    _T = TypeVar("_T")

    from interpose.backends.base import Backend
    from interpose.events.recorder import Recorder
    from interpose.settings import Settings

SHIMMED = ("os", "_posixsubprocess")  # replaced in sys.modules; posix is patched in place
# Shaped modules written in Python: their own functions read their globals (socket.create_connection finds
# `socket.socket` there, and tests mock it), so they are changed in place like posix, not copied.
IN_PLACE = frozenset({"socket"})


class Activation:
    """Everything one activation changed, so that it can be undone exactly."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.backend: Backend | None = None
        self.recorder: Recorder | None = None
        self.session_begun = False
        self.modules: dict[str, ModuleType] = {}
        self.saved_modules: dict[str, ModuleType | None] = {}
        self.mapping: dict[int, tuple[object, object]] = {}
        self.swaps: list[rebinding.Swap] = []
        self.finder: ShimFinder | None = None
        self.posix_patch: ModulePatch | None = None
        self.module_patches: list[ModulePatch] = []  # the IN_PLACE modules changed, in order
        self.sizes: rebinding.Snapshot | None = None  # the modules' namespaces and their sizes right after the swap
        self.watching = False


_active: Activation | None = None


def active() -> Activation | None:
    """The current activation, if any."""
    return _active


def make_backend(settings: Settings) -> Backend:
    """The backend `settings` ask for (the provider built from its spec): ValueError or OSError if it cannot be."""
    if settings.backend == "native":
        from interpose.backends.native import NativeBackend

        return NativeBackend(settings.policy)
    from interpose.backends.emulated import EmulatedBackend

    return EmulatedBackend(settings.policy, settings.fs)


_make_backend = make_backend  # what activate() calls (a test replaces it to make a step fail)


def _make_recorder(settings: Settings) -> Recorder:
    from interpose.events import make_recorder

    return make_recorder(settings.log_level, settings.log_file)


def activate(settings: Settings, backend: Backend | None = None) -> Activation:
    """Install the shims for `settings`; raise RuntimeError if a backend is already active.

    `backend`: one built for these settings and kept (the pytest fixture reuses one per session); else a new one.
    If any step fails, everything done so far is undone and the error propagates.
    """
    global _active, _release_registered
    if _active is not None:
        raise RuntimeError("interpose is already active; deactivate() first")
    if not _release_registered:
        atexit.register(_release_at_exit)
        _release_registered = True
    activation = Activation(settings)
    try:
        activation.backend = _make_backend(settings) if backend is None else backend
        _install(activation, activation.backend)
    except BaseException:
        _undo(activation)
        raise
    _active = activation
    return activation


_release_registered = False


def _release_at_exit() -> None:
    """Let shutdown free the program's modules as it would without interpose (rebinding.release): the snapshot
    of the active activation goes too, so a deactivation after this point leaves later imports as they are."""
    rebinding.release()
    if _active is not None:
        _active.sizes = None


def _install(activation: Activation, backend: Backend) -> None:
    """The steps of activation, each recorded in `activation` as it goes."""
    activation.recorder = _make_recorder(activation.settings)
    # Imports keep reading the host (GraalPy's language-home exception), from before posix is patched on.
    rebinding.override_globals({("_frozen_importlib_external", "_os"): host_posix}, activation.swaps)
    activation.posix_patch = ModulePatch(posix_module)
    activation.posix_patch.apply(_built(backend, "posix", (host_posix,), lambda: posix_contents(backend, host_posix)))
    shim_os = _built(
        backend, "os", (host_os, posix_module), lambda: build_os(posix_module, host_os, backend.absent_from_os())
    )
    hosts = {"posix": host_posix, "os": host_os}
    activation.modules = {"posix": posix_module, "os": shim_os}
    lazy = {}
    host_subprocess = sys.modules.get("_posixsubprocess")
    if host_subprocess is not None:
        hosts["_posixsubprocess"] = host_subprocess
        activation.modules["_posixsubprocess"] = _build_shim(backend, "_posixsubprocess", host_subprocess)
    else:
        lazy["_posixsubprocess"] = lambda: _build_late(activation, "_posixsubprocess")
    shaped = backend.shaped_modules()  # GraalPy's smaller select, fcntl, signal, resource: built when imported
    for name in shaped:
        host = sys.modules.get(name)
        if host is not None:
            hosts[name] = _in_place(activation, backend, name, host) if name in IN_PLACE else host
            activation.modules[name] = host if name in IN_PLACE else _build_shim(backend, name, host)
        else:
            lazy[name] = lambda name=name: _build_late(activation, name)  # type: ignore[misc]
    patches = {
        name: _stdlib_patch(activation, patch) for name, patch in stdlib.patches(backend.policy, backend.name).items()
    }

    activation.session_begun = True
    compat.begin(compat.Session(backend.name, activation.settings.policy, activation.recorder))
    activation.finder = ShimFinder(activation.modules, lazy, patches, backend.missing_modules())
    activation.finder.install_specs(exclude=("posix", *IN_PLACE))
    sys.meta_path.insert(0, activation.finder)
    for name in (*SHIMMED, *shaped):
        activation.saved_modules[name] = sys.modules.get(name)
        if name in activation.modules:
            sys.modules[name] = activation.modules[name]
    pairs = [(hosts[name], activation.modules[name]) for name in hosts]
    activation.mapping = dict(_built(backend, "mapping", tuple(module for pair in pairs for module in pair),
                                     lambda: rebinding.replacement_map(pairs)))  # fmt: skip
    activation.mapping.update((id(host), (host, new)) for host, new in backend.replacements(posix_module))
    overrides = backend.module_overrides()  # computed before the swap: they may capture host objects
    skip = [*hosts.values(), *activation.modules.values()]  # posix_module is among the modules
    rebinding.swap_references(activation.mapping, skip, activation.swaps)
    if activation.settings.policy == compat.ENFORCE:
        _take_out_missing_modules(activation, activation.finder.missing)
    activation.sizes = rebinding.snapshot()
    rebinding.override_globals(overrides, activation.swaps)
    _patch_stdlib(activation)
    activation.watching = True
    watches = backend.audit_watches()
    if activation.settings.sandboxed:
        fs = activation.settings.fs
        watches.update(audit.child_process_watches(fs.strip() if isinstance(fs, str) else None))
    audit.watch(watches)


def _take_out_missing_modules(activation: Activation, missing: dict[str, str]) -> None:
    """Modules GraalPy lacks, imported already: out of `sys.modules`, and None where a module holds them.

    None is what the stdlib's `try: import grp / except ImportError: grp = None` (tarfile, pathlib, shutil's
    `getgrnam`) holds on GraalPy; the module and the functions taken from it are replaced alike.
    """
    gone: dict[int, tuple[object, object]] = {}
    for name in missing:
        module = sys.modules.get(name)
        if module is None:
            continue
        activation.saved_modules[name] = module
        del sys.modules[name]
        gone[id(module)] = (module, None)
        gone.update((id(value), (value, None)) for value in vars(module).values() if callable(value))
    if gone:
        rebinding.swap_references(gone, [], activation.swaps, cached=False)


def _stdlib_patch(activation: Activation, patch: stdlib.Patch) -> Callable[[ModuleType], None]:
    """`patch` for one module, recording its changes in `activation`."""
    return lambda module: patch(module, activation.settings.backend, activation.settings.policy, activation.swaps)


def _patch_stdlib(activation: Activation) -> None:
    """GraalPy's decisions and changes in the stdlib modules imported so far (interpose/stdlib/)."""
    assert activation.finder is not None
    if activation.settings.policy == compat.ENFORCE and not FAST_PATH_MODULES.isdisjoint(sys.modules):
        from interpose.stdlib import fastpaths  # only for a program that imported one of them before activation

        fastpaths.apply(activation.swaps)
    for name in [name for name in activation.finder.patches if name in sys.modules]:
        activation.finder.patches.pop(name)(sys.modules[name])


def _build_late(activation: Activation, name: str) -> ModuleType:
    """Build a shim on the first import of its host module (`_posixsubprocess`, the shaped modules)."""
    assert activation.backend is not None
    host = load_host_module(name)
    if name in IN_PLACE:
        before = _in_place(activation, activation.backend, name, host)
        activation.mapping.update(rebinding.replacement_map([(before, host)]))
        return host
    shim = _build_shim(activation.backend, name, host)
    activation.mapping.update(rebinding.replacement_map([(host, shim)]))
    return shim


def _build_shim(backend: Backend, name: str, host: ModuleType) -> ModuleType:
    """The shim of `_posixsubprocess` or of a shaped module (select, signal, ...), once per backend and host."""
    if name == "_posixsubprocess":
        return _built(backend, name, (host,), lambda: build_posixsubprocess(backend, host))
    return _built(backend, name, (host,), lambda: build_shaped(backend, name, host))


def _in_place(activation: Activation, backend: Backend, name: str, host: ModuleType) -> ModuleType:
    """Change an IN_PLACE module to GraalPy's surface (undone by deactivation); return a module holding its
    contents as they were, which rebinding maps from (as `interpose.host.posix` is posix's)."""
    patch = ModulePatch(host)
    activation.module_patches.append(patch)
    before = _built(backend, f"{name} as it was", (host,), patch.saved_module)
    patch.apply(_built(backend, name, (host,), lambda: shaped_namespace(backend, name, host)))
    return before


def _built(backend: Backend, what: str, sources: tuple[object, ...], build: Callable[[], _T]) -> _T:
    """`build()`, made once per backend and `sources` (the very objects it is built from).

    A backend activated again (the pytest fixture: one per session, activated for each test) gets the same shim
    modules, posix contents and replacement map, so that an activation costs the swaps and little else.
    """
    key = (what, *map(id, sources))
    found = backend.built.get(key)
    if found is not None and all(kept is source for kept, source in zip(found[0], sources, strict=True)):
        return found[1]  # type: ignore[return-value]  # what `build` made for this key
    result = build()
    backend.built[key] = (sources, result)
    return result


def deactivate() -> Settings | None:
    """Remove the shims and put back every module and reference; return the settings that were active."""
    global _active
    activation, _active = _active, None
    if activation is None:
        return None
    _undo(activation)
    return activation.settings


def _undo(activation: Activation) -> None:
    """Undo whatever `activation` records as done, in the reverse order of installation."""
    if activation.watching:
        audit.unwatch()
    for name, module in activation.saved_modules.items():
        if module is None:
            sys.modules.pop(name, None)
        else:
            sys.modules[name] = module
    if activation.finder in sys.meta_path:
        sys.meta_path.remove(activation.finder)
    rebinding.undo_swaps(activation.swaps)
    for patch in reversed(activation.module_patches):
        patch.undo()
    if activation.posix_patch is not None:
        activation.posix_patch.undo()
    sizes = activation.sizes
    if sizes is not None:
        # Modules imported (or changed) while active took shim objects: give them the host's.
        shims: list[object] = list(activation.modules.values())
        reverse = rebinding.reversed_map(activation.mapping)
        rebinding.swap_references(reverse, shims, [], cached=False, changed_since=sizes)
    if activation.session_begun:
        compat.end()
    if activation.recorder is not None:
        activation.recorder.close()
    if activation.backend is not None:
        activation.backend.close()
