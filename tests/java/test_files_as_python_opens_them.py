"""Issue 3 §3: open, io, os.fdopen, pathlib, shutil, tempfile, glob, fileinput, zipfile and tarfile over every
provider, through the real command line. The same program runs plain in a real directory; its output must match."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from tests.conftest import run_interposed, run_python

PROGRAM = textwrap.dedent(
    """
    import fileinput, glob, io, json, os, pathlib, shutil, sys, tarfile, tempfile, zipfile
    root = sys.argv[1]
    os.chdir(root)
    results = {}
    with open("a.txt", "w", encoding="utf-8") as f:
        f.write("alpha\\nbeta\\n")
    with io.open("a.txt", encoding="utf-8") as f:
        results["io.open"] = f.readlines()
    with io.FileIO("b.bin", "w") as raw:
        raw.write(b"\\x00\\x01")
    results["FileIO"] = open("b.bin", "rb").read().hex()
    with os.fdopen(os.open("c.txt", os.O_CREAT | os.O_WRONLY, 0o644), "w") as f:
        f.write("fd")
    results["fdopen"] = pathlib.Path("c.txt").read_text()
    p = pathlib.Path("dir/sub")
    p.mkdir(parents=True)
    (p / "x.py").write_text("print(1)")
    results["pathlib"] = sorted(str(q) for q in pathlib.Path("dir").rglob("*"))
    shutil.copyfile("a.txt", "dir/copy.txt")
    shutil.copytree("dir", "tree")
    shutil.move("tree", "moved")
    results["shutil"] = sorted(os.listdir("moved")), open("moved/copy.txt").read()
    shutil.rmtree("moved")
    results["glob"] = sorted(glob.glob("**/*.py", recursive=True)), sorted(glob.glob("*.txt"))
    results["fileinput"] = [line for line in fileinput.input(["a.txt", "c.txt"], encoding="utf-8")]
    with zipfile.ZipFile("z.zip", "w") as z:
        z.write("a.txt")
        z.writestr("inner/b.txt", "bee")
    with zipfile.ZipFile("z.zip") as z:
        results["zipfile"] = sorted(z.namelist()), z.read("inner/b.txt").decode()
    with tarfile.open("t.tar.gz", "w:gz") as t:
        t.add("dir")
    with tarfile.open("t.tar.gz") as t:
        t.extractall("untarred")
        results["tarfile"] = sorted(t.getnames())
    results["untarred"] = sorted(os.listdir("untarred/dir"))
    tempfile.tempdir = root
    fd, name = tempfile.mkstemp(dir=".", suffix=".tmp")
    os.write(fd, b"temp")
    os.close(fd)
    results["mkstemp"] = open(name, "rb").read().decode()
    with tempfile.NamedTemporaryFile("w+", dir=".", delete=True) as named:
        named.write("named")
        named.seek(0)
        results["NamedTemporaryFile"] = named.read()
    with tempfile.TemporaryDirectory(dir=".") as tmp:
        open(os.path.join(tmp, "in"), "w").close()
        results["TemporaryDirectory"] = os.listdir(tmp)
    results["gone"] = os.path.exists(tmp)
    d = tempfile.mkdtemp(dir=".")
    results["mkdtemp"] = os.path.isdir(d)
    print(json.dumps(results, sort_keys=True))
    """
)

PROVIDERS = ["host", "memory", "overlay", "rooted"]


def _spec(provider: str, root: Path) -> tuple[str, str]:
    """The --fs spec, and the directory the program works in as the emulated filesystem names it."""
    if provider == "rooted":
        return f"rooted:{root}", "/"
    if provider == "memory":
        return "memory", "/"
    return provider, str(root)


@pytest.mark.parametrize("provider", PROVIDERS)
def test_python_file_apis_work_over_every_provider(tmp_path: Path, provider: str) -> None:
    program = tmp_path / "program.py"
    program.write_text(PROGRAM)
    plain_root, emulated_root = tmp_path / "plain", tmp_path / "emulated"
    plain_root.mkdir()
    emulated_root.mkdir()
    plain = run_python(str(program), str(plain_root))
    assert plain.returncode == 0, plain.stderr
    spec, inside = _spec(provider, emulated_root)
    interposed = run_interposed("--posix-backend=java", f"--fs={spec}", "--log.python.compatibility.level=OFF",
                                str(program), inside)  # fmt: skip
    assert interposed.returncode == 0, interposed.stderr
    assert json.loads(interposed.stdout) == json.loads(plain.stdout)
    def listing(root: Path) -> list[str]:
        return sorted("tmp*" if p.name.startswith("tmp") else p.name for p in root.iterdir())  # random names

    host_view = listing(emulated_root)
    if provider in ("host", "rooted"):
        assert host_view == listing(plain_root)  # the files are really there
    else:
        assert host_view == []  # memory and overlay never write to the host
