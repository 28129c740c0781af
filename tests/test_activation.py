"""Substitution: after activation every route to os/posix/_posixsubprocess reaches the shims;
deactivation puts back every module and reference, identical to before."""

from __future__ import annotations

import sys
import textwrap
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import pytest

import interpose
import interpose.host as host  # interpose's own modules are never rebound: host.os is always the host's
from interpose import activation as activation_module
from interpose import audit, compat, rebinding
from interpose.finder import ShimFinder
from interpose.shims.posix import ModulePatch
from tests.conftest import run_interposed, run_python


def _os_objects() -> dict[int, object]:
    """The host's os, posix and _posixsubprocess modules and everything in them that activation may swap."""
    import _posixsubprocess

    objects: dict[int, object] = {}
    for module in (host.os, host.posix, _posixsubprocess):
        objects[id(module)] = module
        objects.update((id(value), value) for value in vars(module).values() if callable(value))
    return objects


def _snapshot() -> dict[str, dict[str, int]]:
    """Where each host os object is held: module globals, sys.modules and sys.meta_path."""
    watched = _os_objects()
    snapshot = {}
    for name, module in list(sys.modules.items()):
        if module is not None and hasattr(module, "__dict__"):
            snapshot[name] = {key: id(value) for key, value in list(vars(module).items()) if id(value) in watched}
    snapshot["<sys.modules>"] = {name: id(module) for name, module in sys.modules.items()}
    snapshot["<meta_path>"] = {str(index): id(finder) for index, finder in enumerate(sys.meta_path)}
    return snapshot


@pytest.mark.usefixtures("clean_activation")
def test_every_route_reaches_the_shims_in_process() -> None:
    import _posixsubprocess as host_posixsubprocess
    import pathlib
    import posixpath
    import shutil
    import subprocess
    import tempfile

    interpose.activate(backend="native", log_level="OFF")
    import _posixsubprocess
    import os
    import os as renamed
    import posix
    from os import stat

    shim_os = sys.modules["os"]
    assert shim_os is not host.os and os is shim_os and renamed is shim_os
    assert posix is sys.modules["posix"] and posix is not host.posix
    assert _posixsubprocess is not host_posixsubprocess
    assert os.path is posixpath and posixpath.os is shim_os
    for module in (shutil, subprocess, sys.modules.get("pathlib._local", pathlib)):  # 3.13: a package
        assert module.os is shim_os, module
    assert tempfile._os is shim_os  # type: ignore[attr-defined]
    # 3.11+: `from _posixsubprocess import fork_exec as _fork_exec`; 3.10: the module, looked up at each call
    held = getattr(subprocess, "_fork_exec", None) or subprocess._posixsubprocess.fork_exec  # type: ignore[attr-defined]
    assert held is _posixsubprocess.fork_exec
    # native: every function without a limitation is the host builtin itself
    assert stat is host.posix.stat and os.stat is host.posix.stat and os.open is host.posix.open
    assert os.stat is os.stat and os.stat in os.supports_dir_fd and os.stat in os.supports_follow_symlinks
    # objects programs hold keep their identity
    assert os.environ is host.os.environ and os.PathLike is host.os.PathLike
    assert os.stat_result is host.os.stat_result and os.DirEntry is host.os.DirEntry
    assert os.walk is not host.os.walk and os.walk.__globals__ is vars(shim_os)


def test_deactivate_restores_every_reference_exactly() -> None:
    import pathlib  # noqa: F401 - loaded so that it is part of the snapshot
    import posix
    import shutil  # noqa: F401
    import subprocess  # noqa: F401
    import tempfile  # noqa: F401

    posix_before = dict(vars(posix))
    before = _snapshot()
    interpose.activate(backend="native", log_level="OFF")
    import glob  # noqa: F401 - imported while active: holds shim references that must be given back

    shims = [sys.modules["os"], sys.modules["_posixsubprocess"]]  # posix is the real module, patched in place
    shim_objects = {id(value) for module in shims for value in vars(module).values() if callable(value)}
    shim_objects.update(id(module) for module in shims)
    shim_objects.update(id(v) for k, v in vars(posix).items() if v is not posix_before.get(k))
    shim_objects -= set(_os_objects())  # what the shims share with the host (builtins, OSError, ...)
    interpose.deactivate()
    after = _snapshot()
    holding_shims = [(name, key) for name, module in list(sys.modules.items()) if hasattr(module, "__dict__")
                     for key, value in list(vars(module).items())
                     if id(value) in shim_objects and not name.startswith("interpose")]  # fmt: skip
    assert holding_shims == []
    changed = {}
    for name, globals_before in before.items():
        now = after.get(name, {})
        moved = [key for key, value in globals_before.items() if now.get(key) != value]
        if moved:
            changed[name] = moved
    assert changed == {}
    assert sys.modules["glob"].os is host.os
    assert vars(posix).keys() == posix_before.keys()
    assert all(vars(posix)[name] is value for name, value in posix_before.items())


def test_module_imported_while_active_is_given_the_host_back() -> None:
    interpose.activate(backend="native", log_level="OFF")
    sys.modules.pop("fileinput", None)
    import fileinput

    assert fileinput.os is sys.modules["os"]
    interpose.deactivate()
    assert fileinput.os is host.os


@pytest.mark.usefixtures("clean_activation")
def test_a_backend_activated_again_reuses_its_shims_and_swaps_each_time(tmp_path: Path) -> None:
    """The pytest fixture activates one backend per test: the shims are built once, the swaps made every time."""
    import shutil

    from interpose.backends.emulated import EmulatedBackend
    from interpose.fs.memory import MemoryFileSystem
    from interpose.settings import Settings

    backend = EmulatedBackend("enforce", MemoryFileSystem())
    seen = []
    for round in range(3):
        provider = MemoryFileSystem()
        backend.reset(provider)
        activation_module.activate(Settings("java", "enforce", "OFF", None, provider), backend)
        try:
            seen.append(sys.modules["os"])
            assert shutil.os is sys.modules["os"]  # held before the first activation: swapped every time
            shutil.os.mkdir(f"/made-{round}")  # the fresh provider, not the previous one
            assert sorted(name for name in shutil.os.listdir("/") if name.startswith("made")) == [f"made-{round}"]
        finally:
            activation_module.deactivate()
        assert shutil.os is host.os
    assert seen[0] is seen[1] is seen[2]
    assert not (tmp_path / "made-0").exists()


class _StandIn:
    """What some packages put in sys.modules instead of a module: an object whose __dict__ is a dict."""

    def __init__(self) -> None:
        import os

        self.os = os


@pytest.mark.usefixtures("clean_activation")
def test_objects_standing_in_for_modules_are_swapped_too(monkeypatch: pytest.MonkeyPatch) -> None:
    stand_in = _StandIn()
    monkeypatch.setitem(sys.modules, "stand_in_for_a_module", stand_in)
    monkeypatch.setitem(sys.modules, "blocked_import", None)
    interpose.activate(backend="native", log_level="OFF")
    assert stand_in.os is sys.modules["os"] and stand_in.os is not host.os
    interpose.deactivate()
    assert stand_in.os is host.os


@pytest.mark.usefixtures("clean_activation")
def test_finder_serves_the_shim_to_a_fresh_import() -> None:
    interpose.activate(backend="native", log_level="OFF")
    shim = sys.modules.pop("os")
    import os

    assert os is shim
    assert os.__spec__.origin == "interpose" and os.__loader__ is sys.meta_path[0]


@pytest.mark.usefixtures("clean_activation")
def test_second_activation_is_refused_and_context_manager_restores() -> None:
    with interpose.activated(backend="native", log_level="OFF"):
        assert interpose.is_active()
        with pytest.raises(RuntimeError, match="already active"):
            interpose.activate(backend="native")
    assert not interpose.is_active()
    assert sys.modules["os"] is host.os


@pytest.mark.usefixtures("clean_activation")
def test_api_rejects_bad_settings_with_valueerror() -> None:
    with pytest.raises(ValueError, match="unknown POSIX backend"):
        interpose.activate(backend="posixish")
    with pytest.raises(ValueError, match="unknown policy"):
        interpose.activate(backend="native", policy="sometimes")
    with pytest.raises(ValueError, match="unknown log level"):
        interpose.activate(backend="native", log_level="chatty")
    assert not interpose.is_active()


def test_imports_before_and_after_in_a_real_program(tmp_path: Path) -> None:
    """Through the command line: modules the program imports see the shims; importlib stays on the host."""
    program = textwrap.dedent(
        """
        import sys, os, posix, _posixsubprocess, shutil, pathlib, tempfile, subprocess, glob
        from os import stat
        import importlib._bootstrap_external as external
        shim_os = sys.modules["os"]
        print(type(shim_os.__spec__.loader).__name__, os is shim_os, shutil.os is shim_os,
              sys.modules.get("pathlib._local", pathlib).os is shim_os, tempfile._os is shim_os, glob.os is shim_os,
              (getattr(subprocess, "_fork_exec", None) or subprocess._posixsubprocess.fork_exec)
              is _posixsubprocess.fork_exec, stat is os.stat,
              external._os is not posix, hasattr(os, "fork"))
        """
    )
    (tmp_path / "p.py").write_text(program)
    result = run_interposed("--log.python.compatibility.level=OFF", "p.py", cwd=tmp_path)
    assert result.stdout.split() == ["ShimFinder"] + ["True"] * 8 + ["False"], result.stderr


def test_os_module_functions_work_over_the_shims(tmp_path: Path) -> None:
    """os.walk/makedirs/fwalk/popen/fdopen, run by os.py over the shim posix, give CPython's results."""
    program = textwrap.dedent(
        """
        import os, json, sys
        os.makedirs("a/b/c", exist_ok=True)
        with os.fdopen(os.open("a/b/f.txt", os.O_WRONLY | os.O_CREAT, 0o600), "w") as f:
            f.write("x")
        walked = sorted((d, sorted(ds), sorted(fs)) for d, ds, fs in os.walk("a"))
        fwalked = sorted(d for d, _, _, _ in os.fwalk("a"))
        with os.popen("echo hello") as pipe:
            echoed = pipe.read()
        os.removedirs("a/b/c")
        same_home = os.getenv("HOME") == os.environ.get("HOME")
        print(json.dumps([walked, fwalked, echoed, os.path.exists("a/b/c"), same_home]))
        """
    )
    (tmp_path / "w.py").write_text(program)
    plain_dir, shim_dir = tmp_path / "plain", tmp_path / "shim"
    plain_dir.mkdir()
    shim_dir.mkdir()
    plain = run_python(str(tmp_path / "w.py"), cwd=plain_dir)
    interposed = run_interposed(str(tmp_path / "w.py"), cwd=shim_dir)
    assert plain.returncode == 0 and interposed.returncode == 0, interposed.stderr
    assert interposed.stdout == plain.stdout


# -- a step that fails undoes everything done before it -------------------------------------------------------------


class Injected(Exception):
    """The failure a test injects into one step of activation."""


def _failing(real: Callable[..., object], after: bool) -> Callable[..., object]:
    """`real`, failing before it runs or after it has made its changes."""

    def step(*args: object, **kwargs: object) -> object:
        if after:
            real(*args, **kwargs)
        raise Injected(real.__name__)

    return step


# (object, attribute) of each step of activate(), in the order activate() takes them
_STEPS = {
    "backend": (activation_module, "_make_backend"),
    "recorder": (activation_module, "_make_recorder"),
    "importlib override": (rebinding, "override_globals"),
    "posix patch": (ModulePatch, "apply"),
    "os module": (activation_module, "build_os"),
    "session": (compat, "begin"),
    "finder": (ShimFinder, "install_specs"),
    "module swap": (rebinding, "replacement_map"),
    "references": (rebinding, "swap_references"),
    "sizes": (rebinding, "snapshot"),
    "audit": (audit, "watch"),
}


def _state() -> dict[str, object]:
    """Everything activation changes, by identity: module globals holding os objects, sys.modules, meta_path,
    posix's contents, importlib's os, and interpose's own session, audit watches and activation."""
    import _frozen_importlib_external  # type: ignore[import-not-found,unused-ignore]
    import posix

    return {
        "snapshot": _snapshot(),
        "posix": {name: id(value) for name, value in vars(posix).items()},
        "importlib os": id(_frozen_importlib_external._os),
        "session": compat.current(),
        "watched": dict(audit._watched),
        "active": activation_module.active(),
        "probe": (id(_probe.stat), id(_probe.os)),
    }


_probe = ModuleType("_interpose_rollback_probe")  # a module that imported `from os import stat` before activation
exec("import os\nfrom os import stat", vars(_probe))


@pytest.mark.parametrize("after", [False, True], ids=["raises", "raises after its changes"])
@pytest.mark.parametrize("step", list(_STEPS))
@pytest.mark.parametrize("backend", ["native", "java"])
def test_a_failing_step_undoes_everything_and_propagates(
    backend: str, step: str, after: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    sys.modules[_probe.__name__] = _probe
    monkeypatch.setitem(sys.modules, _probe.__name__, _probe)
    with interpose.activated(backend=backend, log_level="OFF"):  # what activation imports lazily is imported
        pass
    before = _state()
    owner, name = _STEPS[step]
    monkeypatch.setattr(owner, name, _failing(getattr(owner, name), after))
    with pytest.raises(Injected):
        interpose.activate(backend=backend, log_level="OFF")
    assert _state() == before
    monkeypatch.undo()
    with interpose.activated(backend=backend, log_level="OFF"):  # and activation works again
        assert sys.modules["os"] is not host.os
    assert sys.modules["os"] is host.os
