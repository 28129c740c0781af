"""Text files opened for reading under the java backend (each gets a C FileIO twin, io_open._make_twin): what the
program sees of them — lines, positions, fd numbers, closing, audit events, its fd listing — is what it sees
plain, over the host provider and over one whose files have no host fd."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from tests.conftest import run_interposed, run_python

PROGRAM = textwrap.dedent(
    """
    import gc, json, os, sys
    root = sys.argv[1]
    os.chdir(root)
    with open("lines.txt", "w", encoding="utf-8") as f:
        f.write("".join(f"line {n}\\n" for n in range(20000)))
    events = []
    def hook(event, args):
        if event == "open" and args[0] == "lines.txt":
            events.append([event, *args[1:]])
    sys.addaudithook(hook)
    def listing():  # the memory provider has no /proc
        return len(os.listdir("/proc/self/fd")) if os.path.isdir("/proc/self/fd") else 0
    listed = listing()
    results = {}
    files = [open("lines.txt", encoding="utf-8") for _ in range(3)]
    results["fds"] = [f.fileno() for f in files]
    results["audit"] = list(events)
    first = files[0]
    results["lines"] = [first.readline() for _ in range(3)]
    results["tell"] = first.tell()
    results["count"] = sum(1 for _ in first)
    first.seek(results["tell"])
    results["after seek"] = first.readline()
    files[1].buffer.raw.close()
    files[2].close()
    for f in files[1:]:
        try:
            f.readline()
        except ValueError as error:
            results.setdefault("closed", []).append(str(error))
    first.close()
    del files, first, f
    gc.collect()
    results["listing unchanged"] = listing() == listed
    results["reopened fd"] = open("lines.txt", encoding="utf-8").fileno()
    print(json.dumps(results, sort_keys=True))
    """
)


def _results(program: Path, root: Path, inside: str, *interposed: str) -> dict[str, object]:
    """What PROGRAM prints, run in `root` (named `inside` by the program), plain or with `interposed` options."""
    root.mkdir()
    arguments = [str(program), inside]
    finished = run_interposed(*interposed, *arguments) if interposed else run_python(*arguments)
    assert finished.returncode == 0, finished.stderr
    results: dict[str, object] = json.loads(finished.stdout)
    return results


@pytest.mark.parametrize("provider", ["host", "memory"])
def test_text_files_read_as_plain(tmp_path: Path, provider: str) -> None:
    program = tmp_path / "program.py"
    program.write_text(PROGRAM)
    expected = _results(program, tmp_path / "plain", str(tmp_path / "plain"))
    assert len(expected["audit"]) == 3 and len(expected["closed"]) == 2  # type: ignore[arg-type]
    emulated = tmp_path / "emulated"
    options = ("--posix-backend=java", f"--fs={provider}", "--log.python.compatibility.level=OFF")
    assert _results(program, emulated, str(emulated) if provider == "host" else "/", *options) == expected
