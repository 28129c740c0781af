"""Red team: a hostile program tries every Python route to the host under each sandboxing provider and policy.

Each (provider, policy) runs tests/redteam/attacks.py once in a real child
(`python -m interpose --posix-backend java --fs SPEC`); the host directory it
attacks is compared by snapshot (contents' hash, mode, size, times, xattrs,
names) before and after.  Providers that hide the host (deny, memory, rooted
over another directory) must never hand back the secret; every provider must
leave the host as it was.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import run_interposed
from tests.redteam.attacks import PROGRAM

pytestmark = pytest.mark.slow

HIDING = ("deny", "memory", "rooted")  # the host's files are not the program's to read
PROVIDERS = (*HIDING, "readonly:host", "overlay")
POLICIES = ("enforce", "warn")
READ_ROUTES = (
    "io.open", "builtins.open", "_io.open", "_io.FileIO", "_io.BufferedReader", "io.open_code",
    "SourceFileLoader.get_data", "SourcelessFileLoader.get_data", "os.open dir_fd", "os.open dir_fd=/",
    "/proc/self/root", "/proc/self/cwd", "/proc/self/fd/N", "os.scandir(fd)", "os.listdir", "shutil.copy",
    "pathlib.read_text", "import from a host directory", "importlib spec_from_file_location",
    "fd guessing (read, fstat)",
)  # fmt: skip
# Escapes through files other helpers own, kept as strict xfails until fixed: (provider, policy, route) -> reason.
# (Readonly's xattr route under warn, issue 9 route 4, was one until 39f0146.)
KNOWN: dict[tuple[str, str, str], str] = {}

Snapshot = dict[str, tuple[Any, ...]]


def snapshot(root: Path) -> Snapshot:
    """Everything the host shows of `root`'s tree (atime left out: reads may move it)."""
    state: Snapshot = {}
    for path in sorted([root, *root.rglob("*")]):
        info = path.lstat()
        digest = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() and not path.is_symlink() else ""
        try:
            xattrs = tuple(sorted(os.listxattr(path, follow_symlinks=False)))
        except OSError:
            xattrs = ()
        state[str(path.relative_to(root))] = (info.st_mode, info.st_size, info.st_mtime_ns, info.st_ctime_ns,
                                               info.st_uid, digest, xattrs)  # fmt: skip
    return state


_RUNS: dict[tuple[str, str], tuple[dict[str, str], str, Snapshot, Snapshot, str]] = {}


def attack(factory: pytest.TempPathFactory, provider: str, policy: str) -> tuple[dict[str, str], str, Snapshot,
                                                                                    Snapshot, str]:  # fmt: skip
    """Run the hostile program once per (provider, policy): its results, the secret, the snapshots, stderr."""
    key = (provider, policy)
    if key not in _RUNS:
        base = factory.mktemp(f"redteam-{provider.replace(':', '-')}-{policy}")
        host, root = base / "host", base / "root"
        host.mkdir()
        root.mkdir()
        (host / "tmp").mkdir()
        secret = f"TOPSECRET-{provider}-{policy}-{os.getpid()}"
        secret_file = host / "secret.txt"
        secret_file.write_text(secret)
        (host / "secretmod.py").write_text(f"VALUE = {secret!r}\n")
        spec = f"rooted:{root}" if provider == "rooted" else provider
        before = snapshot(host)
        result = run_interposed(
            "--posix-backend=java", f"--fs={spec}", f"--policy={policy}", "--log.python.compatibility.level=OFF",
            "-c", PROGRAM, str(secret_file), str(host), str(secret_file.stat().st_ino),
            cwd=base, env={"TMPDIR": str(host / "tmp")},
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
        _RUNS[key] = (json.loads(result.stdout), secret, before, snapshot(host), result.stderr)
    return _RUNS[key]


def _cases(providers: tuple[str, ...], route: str) -> list[Any]:
    """(provider, policy) pairs, a known escape marked strict xfail (a fix turns it into a failure to update)."""
    return [
        pytest.param(provider, policy, marks=[pytest.mark.xfail(strict=True, reason=KNOWN[(provider, policy, route)])]
                     if (provider, policy, route) in KNOWN else [])
        for provider in providers for policy in POLICIES
    ]  # fmt: skip


@pytest.mark.parametrize("route", READ_ROUTES)
@pytest.mark.parametrize(("provider", "policy"), _cases(HIDING, "reads"))
def test_no_route_reads_a_host_file_the_provider_hides(
    tmp_path_factory: pytest.TempPathFactory, provider: str, policy: str, route: str
) -> None:
    results, secret, _, _, _ = attack(tmp_path_factory, provider, policy)
    assert route in results
    assert secret not in results[route]
    assert "secret.txt" not in results[route]  # not even its name in a listing


@pytest.mark.parametrize(("provider", "policy"), _cases(PROVIDERS, "writes"))
def test_the_host_is_unchanged_after_every_route(
    tmp_path_factory: pytest.TempPathFactory, provider: str, policy: str
) -> None:
    results, _, before, after, _ = attack(tmp_path_factory, provider, policy)
    assert results["writes"] == "done"
    assert results["fd guessing (fchmod, utime, setxattr, ftruncate)"] == "done"
    assert after == before


@pytest.mark.parametrize("provider", ("readonly:host", "overlay"))
def test_providers_that_show_the_host_do_show_it(tmp_path_factory: pytest.TempPathFactory, provider: str) -> None:
    """The attacks are real: where the host is meant to be readable, the same routes read the secret."""
    results, secret, _, _, _ = attack(tmp_path_factory, provider, "enforce")
    assert results["io.open"] == results["_io.open"] == secret
    assert results["import from a host directory"] == secret


def test_plain_cpython_reads_the_secret_through_every_route(tmp_path: Path) -> None:
    """The same program without interpose: every read route works, so a refusal above is the sandbox's doing."""
    import subprocess

    host = tmp_path / "host"
    host.mkdir()
    secret_file = host / "secret.txt"
    secret_file.write_text("PLAIN-SECRET")
    (host / "secretmod.py").write_text("VALUE = 'PLAIN-SECRET'\n")
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    code = PROGRAM.replace('"/stolen.txt"', repr(str(scratch / "stolen.txt")))
    result = subprocess.run([sys.executable, "-c", code, str(secret_file), str(host), str(secret_file.stat().st_ino)],
                            capture_output=True, text=True, cwd=tmp_path, timeout=120)  # fmt: skip
    assert result.returncode == 0, result.stderr
    results = json.loads(result.stdout)
    readers = [route for route in READ_ROUTES if route not in ("os.scandir(fd)", "os.listdir")]
    assert [route for route in readers if "PLAIN-SECRET" not in results[route]] == []
    assert "secret.txt" in results["os.scandir(fd)"]
