"""The scanner's tables say what the backends do: the same absent names, refusals and surfaces, known ids."""

from __future__ import annotations

import pytest

from interpose.backends import base
from interpose.backends.emulated import processops
from interpose.compat.catalog import CATALOG
from interpose.compat.catalog_static import SURFACE_KEPT, StaticRules
from interpose.shims import surfaces


@pytest.mark.parametrize("backend", ["native", "java"])
def test_every_id_is_in_the_catalog_and_applies_to_the_backend(backend: str) -> None:
    rules = StaticRules(backend)
    ids = {*rules.absent.values(), *rules.calls.values(), *rules.uses.values(), *rules.start_methods.values()}
    ids.update(rule[1] for table in rules.keywords.values() for rule in table)
    ids.update(kept[0] for kept in SURFACE_KEPT.values())
    assert ids <= set(CATALOG)
    assert all(backend in CATALOG[id].backends for id in ids - set(rules.start_methods.values()))


def test_the_names_graalpy_lacks_are_the_backends_absent_names() -> None:
    native, java = StaticRules("native"), StaticRules("java")
    for module in ("os", "posix"):
        for name, id in base.MISSING_CONSTANTS.items():  # CLD_EXITED, WCONTINUED, waitid_result, ...
            assert native.absent[f"{module}.{name}"] == java.absent[f"{module}.{name}"] == id
        for name, id in base.MISSING_FUNCTIONS.items():
            assert native.absent[f"{module}.{name}"] == id
            expected = {"posix_spawn": "process.posix_spawn", "posix_spawnp": "process.posix_spawn"}.get(name, id)
            assert java.absent[f"{module}.{name}"] == expected  # the emulated backend's own entry wins
        for name, id in processops.MISSING.items():
            assert java.absent[f"{module}.{name}"] == id and f"{module}.{name}" not in native.absent
    assert {name: native.absent[f"os.{name}"] for name in base.SPAWN_NAMES} == dict.fromkeys(
        base.SPAWN_NAMES, "process.spawn"
    )


def test_the_java_backends_refusals_are_calls() -> None:
    java = StaticRules("java")
    for name in processops.REFUSED:
        assert java.calls[f"os.{name}"] == ("fd.openpty" if name == "openpty" else f"process.{name}")
    assert not set(StaticRules("native").calls) & set(java.calls) - {"pty.fork", "pty.spawn"} - {
        "multiprocessing.get_all_start_methods"
    }


def test_the_smaller_modules_are_the_shims() -> None:
    for module, (id, kept) in SURFACE_KEPT.items():
        assert surfaces.SURFACES[module].kept == kept
        assert surfaces.absent(module, __import__(module)) == {
            name: id for name in surfaces.SURFACES[module].missing(vars(__import__(module)))
        }
        rules = StaticRules("native")
        assert all(rules.absent_id(f"{module}.{name}") == id for name in surfaces.absent(module, __import__(module)))
    removed = surfaces.SURFACES["signal"].removed
    assert {name for name, id in StaticRules("native").absent.items() if id == "signal.pending"} == {
        f"signal.{name}" for name in removed
    }


def test_the_missing_modules_are_the_backends() -> None:
    assert StaticRules("native").missing_modules == base.Backend("enforce").missing_modules()
