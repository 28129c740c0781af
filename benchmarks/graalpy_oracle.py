"""The oracle: CPython 3.13's own tests, plain and interposed, against the tests GraalPy's gate records as passing.

    python benchmarks/graalpy_oracle.py [MODULE ...] [--policy warn] [--backend java] [--list] [--json FILE]
    python benchmarks/graalpy_oracle.py --load FILE [--list]        (the table of an earlier run, no test run)

Each module runs the way its users run it, `python -m test -v MODULE`, once plain
and once as `python -m interpose --posix-backend native -m test -v MODULE`, each in
its own process (two at a time at most).  Per module, from the verbose output:

    P  passes plain                     G∩P  of those, GraalPy passes (listed in the tags)
    I  passes interposed                false alarm  in P and G, not in I: interpose breaks what GraalPy runs
    caught  in P, not in G, not in I    missed  in P, not in G, in I: GraalPy fails and interpose does not notice
    GraalPy-edit  would be false alarms, but GraalPy's copy of the test differs from CPython's
                  (--graalpython: its sources; benchmarks/_graalpy_edits.py): not counted as false alarms
    GraalPy skips  in P, not in G, skipped on GraalPy by its copy (--graalpython; benchmarks/_graalpy_skips.py):
                   no recorded failure, so neither caught nor missed
    caught % = caught / (P - G∩P - GraalPy skips)     (GraalPy's recorded failures)
    of untagged = (P - G - I) / (P - G∩P)              (the old figure: every untagged test a failure)

Targets (issue 8) on test_os, test_posix and test_subprocess: 0 false alarms and
at least 90% caught.  A skipped test does not pass.  What counts, and the known
misses: docs/oracle.md.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from collections import Counter
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _graalpy_edits as edits  # noqa: E402
import _graalpy_skips as skips  # noqa: E402
from _regrtest_verbose import parse_verbose, passing  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_TAGS = ROOT.parent / "shared" / "graalpy-tags"
DEFAULT_PYTHON = ROOT / ".venv-3.13" / "bin" / "python"
DEFAULT_MODULES = (
    "test_os", "test_posix", "test_subprocess", "test_stat", "test_posixpath", "test_genericpath", "test_glob",
)  # fmt: skip
TARGET_MODULES = ("test_os", "test_posix", "test_subprocess")
PLATFORM = "linux-x86_64"  # GraalPy's launcher on Linux: the native backend
GRAALPY_TAGS = "graalpython/com.oracle.graal.python.test/src/tests/unittest_tags"


@dataclass
class Run:
    """One module under one configuration: each test's outcome, and what the run cost."""

    outcomes: dict[str, str]
    seconds: float
    returncode: int | None  # None: killed at the timeout
    events: dict[str, int] = field(default_factory=dict)  # limitation -> events logged (interposed runs)


@dataclass
class Comparison:
    """The oracle's sets for one module; `graalpy` is None when no tags file names the module, `edited`
    (the alarms whose test GraalPy's copy changed) and `skipped` (the untagged tests GraalPy's copy skips on
    GraalPy) None when GraalPy's test sources were not read."""

    plain: set[str]
    interposed: set[str]
    graalpy: set[str] | None
    edited: set[str] | None = None
    skipped: set[str] | None = None

    @property
    def graalpy_and_plain(self) -> set[str] | None:
        return None if self.graalpy is None else self.plain & self.graalpy

    @property
    def alarms(self) -> set[str] | None:
        """In P and G, not in I: false alarms and GraalPy-edited tests together."""
        return _without(self.graalpy_and_plain, self.interposed)

    @property
    def false_alarms(self) -> set[str] | None:
        return _without(self.alarms, self.edited)

    @property
    def graalpy_edited(self) -> set[str] | None:
        return _among(self.alarms, self.edited)

    @property
    def untagged(self) -> set[str] | None:
        """P - G∩P: the tests CPython passes and GraalPy's tags do not list."""
        return None if self.graalpy is None else self.plain - self.graalpy

    @property
    def graalpy_skipped(self) -> set[str] | None:
        return _among(self.untagged, self.skipped)

    @property
    def graalpy_failures(self) -> set[str] | None:
        """The untagged tests GraalPy's gate ran: its recorded failures."""
        return _without(self.untagged, self.skipped)

    @property
    def caught(self) -> set[str] | None:
        return _without(self.graalpy_failures, self.interposed)

    @property
    def missed(self) -> set[str] | None:
        return _among(self.graalpy_failures, self.interposed)


def _without(whole: set[str] | None, part: set[str] | None) -> set[str] | None:
    """`whole` less `part` (nothing when `part` is unknown); unknown when `whole` is."""
    return None if whole is None else whole - (part or set())


def _among(whole: set[str] | None, part: set[str] | None) -> set[str] | None:
    """The tests of `whole` in `part`; unknown when either is."""
    return None if whole is None or part is None else whole & part


def comparison_of(plain: Run, interposed: Run, tags: set[str] | None) -> Comparison:
    return Comparison(passing(plain.outcomes), passing(interposed.outcomes), tags)


def parse_tags(text: str, platform: str = PLATFORM) -> set[str]:
    """The ids of a tags file: one id a line (../shared/graalpy-tags/), or GraalPy's own
    `id @ platform,platform`, kept when `platform` is among the platforms."""
    tags = set()
    for line in text.splitlines():
        test, _, platforms = (part.strip() for part in line.partition("@"))
        if test and (not platforms or platform in platforms.split(",")):
            tags.add(test)
    return tags


def tags_text(module: str, directories: Iterable[Path], graalpython: Path | None) -> str | None:
    """`module.txt` from the first directory holding it, else from GraalPy's sources (a checkout or a git dir)."""
    for directory in directories:
        if (Path(directory) / f"{module}.txt").is_file():
            return (Path(directory) / f"{module}.txt").read_text()
    return None if graalpython is None else edits.read_graalpy(graalpython, f"{GRAALPY_TAGS}/{module}.txt")


def classify(
    comparisons: dict[str, Comparison], cpython: Path | None, graalpython: Path | None
) -> dict[str, list[edits.Verdict]]:
    """Compare each alarm's and each miss's test in CPython's `test` package and GraalPy's copy, and set each
    `edited` (the alarms only: the misses' are shown, not counted apart)."""
    if cpython is None or graalpython is None:
        return {}
    ours = edits.TestSources(edits.directory_reader(cpython))
    theirs = edits.TestSources(edits.graalpy_reader(graalpython))
    verdicts = {}
    for module, comparison in comparisons.items():
        alarms = comparison.alarms or set()
        tests = sorted(alarms | (comparison.missed or set()))
        verdicts[module] = [edits.compare(test, ours, theirs) for test in tests]
        comparison.edited = {verdict.test for verdict in verdicts[module] if verdict.edited and verdict.test in alarms}
    return verdicts


def find_skips(comparisons: dict[str, Comparison], graalpython: Path | None) -> dict[str, list[skips.Skip]]:
    """Set each `skipped`: the untagged tests GraalPy's copy skips on GraalPy (none found without its sources)."""
    if graalpython is None:
        return {}
    theirs = edits.TestSources(edits.graalpy_reader(graalpython))
    found = {}
    for module, comparison in comparisons.items():
        skipped = [skips.skip_of(test, theirs) for test in sorted(comparison.untagged or ())]
        found[module] = [skip for skip in skipped if skip is not None]
        comparison.skipped = {skip.test for skip in found[module]}
    return found


def edited_alarms(
    comparisons: dict[str, Comparison], verdicts: dict[str, list[edits.Verdict]]
) -> dict[str, list[edits.Verdict]]:
    """The verdicts of the alarms counted as GraalPy-edited (not those of the misses)."""
    return {
        module: [verdict for verdict in found if verdict.test in (comparisons[module].graalpy_edited or ())]
        for module, found in verdicts.items()
    }


def command_of(python: str, module: str, interpose: list[str] | None, log: Path) -> list[str]:
    prefix = [] if interpose is None else ["-m", "interpose", *interpose, f"--log.file={log}"]
    return [python, *prefix, "-m", "test", "-v", module]


def run_module(python: str, module: str, interpose: list[str] | None, workdir: Path, timeout: float) -> Run:
    """Run `module` plain (`interpose` None) or through `python -m interpose` with those options."""
    name = "plain" if interpose is None else "interposed"
    output, log = workdir / f"{module}.{name}.txt", workdir / f"{module}.{name}.jsonl"
    env = {key: value for key, value in os.environ.items() if not key.startswith("INTERPOSE_")}
    cwd = workdir / f"{module}.{name}.cwd"
    cwd.mkdir(exist_ok=True)
    started = time.perf_counter()
    with output.open("wb") as sink:
        process = subprocess.Popen(
            command_of(python, module, interpose, log), cwd=cwd, env=env,
            stdin=subprocess.DEVNULL, stdout=sink, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        try:
            returncode: int | None = process.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, 9)  # the run's own process group: its test children go with it
            process.wait()
            returncode = None
    seconds = time.perf_counter() - started
    text = output.read_text(errors="replace")
    return Run(parse_verbose(text), seconds, returncode, _events_of(log))


def _events_of(log: Path) -> dict[str, int]:
    if not log.exists():
        return {}
    counts: Counter[str] = Counter()
    for line in log.read_text(errors="replace").splitlines():
        try:
            counts[str(json.loads(line).get("limitation"))] += 1
        except (ValueError, AttributeError):
            continue
    return dict(counts.most_common())


def snapshot_python(python: str, revision: str, directory: Path) -> str:
    """A Python whose `interpose` is the committed `revision`, not the working tree (which others may be editing).

    The tree of `revision` (git archive) and a venv of `python`'s base interpreter
    that imports it, with interpose's start-up line, as an install would have.
    """
    source = directory / "src"
    source.mkdir(parents=True)
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", revision], capture_output=True, check=True).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(source, filter="data") if sys.version_info >= (3, 12) else tar.extractall(source)
    subprocess.run([python, "-m", "venv", "--without-pip", str(directory / "venv")], check=True)
    venv_python = str(directory / "venv" / "bin" / "python")
    purelib = subprocess.run(
        [venv_python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
        capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    (Path(purelib) / "_interpose_snapshot.pth").write_text(f"{source}\n")
    shutil.copy(source / "interpose.pth", purelib)
    return venv_python


def run_all(args: argparse.Namespace, python: str, workdir: Path) -> dict[str, dict[str, Run]]:
    interpose = ["--posix-backend", args.backend, "--policy", args.policy]
    jobs = [(module, options) for module in args.modules for options in (None, interpose)]
    with ThreadPoolExecutor(max_workers=max(1, min(args.jobs, 2))) as pool:
        futures = [pool.submit(run_module, python, module, options, workdir, args.timeout) for module, options in jobs]
        runs: dict[str, dict[str, Run]] = {module: {} for module in args.modules}
        for (module, options), future in zip(jobs, futures, strict=True):
            run = future.result()
            runs[module]["plain" if options is None else "interposed"] = run
            code = "timeout" if run.returncode is None else f"rc {run.returncode}"
            kind = "plain" if options is None else "interposed"
            print(f"  {module:<18} {kind:<10} {run.seconds:7.1f} s  {code}", file=sys.stderr, flush=True)
    return runs


def _size(value: set[str] | None) -> str:
    return "-" if value is None else str(len(value))


def _percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:.0f}%" if whole else "-"


COLUMNS = (
    "P", "G∩P", "I", "false alarms", "GraalPy-edit", "GraalPy skips", "caught", "missed", "caught %", "of untagged",
)  # fmt: skip


def _cells(comparison: Comparison) -> list[str]:
    caught, failures, untagged = comparison.caught, comparison.graalpy_failures, comparison.untagged
    return [
        str(len(comparison.plain)), _size(comparison.graalpy_and_plain), str(len(comparison.interposed)),
        _size(comparison.false_alarms), _size(comparison.graalpy_edited), _size(comparison.graalpy_skipped),
        _size(caught), _size(comparison.missed),
        "-" if caught is None or failures is None else _percent(len(caught), len(failures)),
        "-" if untagged is None else _percent(len(untagged - comparison.interposed), len(untagged)),
    ]  # fmt: skip


def print_table(comparisons: dict[str, Comparison]) -> None:
    width = max(18, *(len(module) + 1 for module in comparisons))
    print(f"{'module':<{width}}" + "".join(f"{name:>14}" for name in COLUMNS))
    totals, counted = Counter[str](), set()
    for module, comparison in comparisons.items():
        cells = _cells(comparison)
        print(f"{module:<{width}}" + "".join(f"{cell:>14}" for cell in cells))
        if comparison.graalpy is not None:
            for name, value in zip(COLUMNS[:8], cells[:8], strict=True):
                if value != "-":  # GraalPy-edit and skips, when GraalPy's tests were not read
                    totals[name] += int(value)
                    counted.add(name)
    if counted:
        cells = [str(totals[name]) if name in counted else "-" for name in COLUMNS[:8]]
        cells.append(_percent(totals["caught"], totals["caught"] + totals["missed"]))
        untagged = totals["P"] - totals["G∩P"]
        cells.append(_percent(untagged - totals["missed"] - _missed_skips(comparisons), untagged))
        print(f"{'total (tagged)':<{width}}" + "".join(f"{cell:>14}" for cell in cells))


def _missed_skips(comparisons: dict[str, Comparison]) -> int:
    """The GraalPy-skipped tests interpose passes: misses by the old count."""
    return sum(len((found.graalpy_skipped or set()) & found.interposed) for found in comparisons.values())


def print_lists(
    comparisons: dict[str, Comparison],
    verdicts: dict[str, list[edits.Verdict]] | None = None,
    skipped: dict[str, list[skips.Skip]] | None = None,
) -> None:
    """Each false alarm (and why it could not be compared), GraalPy-edited test, miss (what differs) and
    GraalPy-skipped test (its decorator, and whether interpose fails it)."""
    for module, comparison in comparisons.items():
        notes = {verdict.test: _note(verdict) for verdict in (verdicts or {}).get(module, [])}
        for skip in (skipped or {}).get(module, []):
            verdict = "passes interposed" if skip.test in comparison.interposed else "fails interposed"
            notes[skip.test] = f"  ({verdict}; {skip.where}: {skip.decorator})"
        for title, tests in (
            ("false alarms", comparison.false_alarms), ("GraalPy-edited tests", comparison.graalpy_edited),
            ("missed", comparison.missed), ("skipped by GraalPy's copy", comparison.graalpy_skipped),
        ):  # fmt: skip
            if tests:
                print(f"\n{module}: {title} ({len(tests)})")
                for test in sorted(tests):
                    note = notes.get(test, "")
                    print(f"  {test}{note if title != 'missed' or '(differs' in note else ''}")


def _note(verdict: edits.Verdict) -> str:
    if verdict.edited is None:
        return f"  (not compared: {verdict.reason})"
    if not verdict.edited:
        return ""
    return f"  (differs: {', '.join(verdict.differing)}; {verdict.marker or 'no line names GraalPy'})"


def _revision(at: str | None) -> str:
    """The commit a run's interpose came from."""
    commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", at or "HEAD"], capture_output=True, text=True)
    return commit.stdout.strip() if at else f"{commit.stdout.strip()} + working tree"


def _graalpy_revision(graalpython: Path | None) -> str | None:
    if graalpython is None:
        return None
    where = ["-C", str(graalpython)] if (graalpython / "graalpython").is_dir() else ["--git-dir", str(graalpython)]
    commit = subprocess.run(["git", *where, "rev-parse", "HEAD"], capture_output=True, text=True)
    return commit.stdout.strip() or None


def _save(
    path: Path,
    args: argparse.Namespace,
    runs: dict[str, dict[str, Run]],
    edited: dict[str, list[edits.Verdict]],
    skipped: dict[str, list[skips.Skip]] | None = None,
) -> None:
    """The runs, and (read by people, not by --load, which compares again) the alarms found GraalPy-edited and
    the untagged tests GraalPy's copy skips."""
    document = {
        "python": args.python, "backend": args.backend, "policy": args.policy, "commit": args.commit,
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "modules": {module: {name: asdict(run) for name, run in pair.items()} for module, pair in runs.items()},
        "graalpy_edited": {module: [asdict(verdict) for verdict in found] for module, found in edited.items()},
        "graalpy_skipped": {module: [asdict(skip) for skip in found] for module, found in (skipped or {}).items()},
    }  # fmt: skip
    path.write_text(json.dumps(document, indent=1, sort_keys=True))


def _load(path: Path, args: argparse.Namespace) -> dict[str, dict[str, Run]]:
    """The runs an earlier --json saved; `args` takes the options they ran with."""
    document = json.loads(path.read_text())
    args.python, args.backend, args.policy = document["python"], document["backend"], document["policy"]
    args.commit = document["commit"]
    return {module: {name: Run(**run) for name, run in pair.items()} for module, pair in document["modules"].items()}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("modules", nargs="*", default=list(DEFAULT_MODULES))
    parser.add_argument("--python", default=str(DEFAULT_PYTHON), help="a CPython 3.13 with interpose installed")
    parser.add_argument("--backend", default="native", choices=("native", "java"))
    parser.add_argument("--policy", default="enforce", choices=("enforce", "warn"))
    parser.add_argument("--tags", type=Path, action="append", help=f"tags directory (default {DEFAULT_TAGS})")
    parser.add_argument(
        "--graalpython",
        type=Path,
        help="GraalPy's sources (a checkout or its git directory): the tags of the modules no --tags directory "
        "holds, and its copy of the tests, to tell GraalPy-edited tests from false alarms",
    )
    parser.add_argument(
        "--cpython-tests", type=Path, help="CPython's `test` package, compared with GraalPy's (default: --python's)"
    )
    parser.add_argument("--jobs", type=int, default=2, help="runs at once (at most 2)")
    parser.add_argument("--timeout", type=float, default=1800, help="seconds for one module's run")
    parser.add_argument(
        "--at", metavar="REVISION", help="run interpose as committed at REVISION (e.g. HEAD), not the working tree"
    )
    parser.add_argument("--list", action="store_true", help="print the ids of every false alarm and miss")
    parser.add_argument("--json", type=Path, help="write every outcome and event count to this file")
    parser.add_argument("--load", type=Path, help="compare the runs saved by an earlier --json; run nothing")
    parser.add_argument("--keep", type=Path, help="keep each run's verbose output and event log in this directory")
    args = parser.parse_args(argv)
    args.commit = None
    if args.load:
        runs = _load(args.load, args)
    else:
        workdir = Path(tempfile.mkdtemp(prefix="graalpy-oracle-")) if args.keep is None else args.keep
        workdir.mkdir(parents=True, exist_ok=True)
        try:
            python = snapshot_python(args.python, args.at, workdir / "snapshot") if args.at else args.python
            args.commit = _revision(args.at)
            runs = run_all(args, python, workdir)
        finally:
            if args.keep is None:
                shutil.rmtree(workdir, ignore_errors=True)
    tags = args.tags or [DEFAULT_TAGS]
    comparisons = {}
    for module, pair in runs.items():
        text = tags_text(module, tags, args.graalpython)
        graalpy = None if text is None else parse_tags(text)
        comparisons[module] = comparison_of(pair["plain"], pair["interposed"], graalpy)
    cpython = args.cpython_tests or edits.cpython_tests(args.python)
    skipped = find_skips(comparisons, args.graalpython)
    verdicts = classify(comparisons, cpython, args.graalpython)
    if args.json and not args.load:
        _save(args.json, args, runs, edited_alarms(comparisons, verdicts), skipped)
    print(f"interposed: --posix-backend {args.backend} --policy {args.policy}; interpose {args.commit}")
    if args.graalpython is None or cpython is None:
        missing = "GraalPy's (--graalpython)" if cpython else f"{args.python}'s"
        print(f"no GraalPy-edited tests told apart: {missing} test sources not available; all count as false alarms")
    if args.graalpython is None:
        print("no GraalPy skips told apart: GraalPy's test sources not given; every untagged test counts as a failure")
    else:
        print(f"GraalPy's tests at {_graalpy_revision(args.graalpython)}, CPython's in {cpython}")
    print_table(comparisons)
    if args.list:
        print_lists(comparisons, verdicts, skipped)


if __name__ == "__main__":
    main()
