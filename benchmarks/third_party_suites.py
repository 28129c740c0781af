"""Third-party test suites, and CPython 3.11's slower suites, run under interpose the way their users run them.

    python benchmarks/third_party_suites.py [PACKAGE ...] [--work DIR] [--json FILE] [--reuse]
    python benchmarks/third_party_suites.py --regrtest [MODULE ...] [--work DIR] [--json FILE] [--reuse]

Packages (issue 8): each one's sdist from PyPI, unpacked in DIR/src, its own tests
run inside its own tree with `python -m pytest`, and again as
`python -m interpose --posix-backend B --policy P --log.file=LOG -m pytest` in
five configurations: plain, native-warn, native-enforce, java-warn, java-enforce.
The package, pytest, pytest-timeout and the tests' own needs are installed in a
venv of their own (DIR/venv, with interpose as an editable install), made if
missing.  Per-test outcomes come from pytest's junit XML; each test gets 60 s
(pytest-timeout) and each run an overall limit, since a faithful refusal may
make a test wait forever.

What must hold: under warn the passing tests are plain's, test by test; under
enforce every lost test (passes plain, not interposed) is explained by an event
at the default level (INFO) in the run's log: the event's call site or its
`via` frame is a line of the test's failure traceback, or the failure names the
event's function as missing (`has no attribute 'fork'`) or quotes its message.
A loss no event explains is run again alone, to tell a knock-on of earlier
tests (fds they left open) from a loss with no cause in the log.

--regrtest runs CPython's own modules (default: test_compileall,
test_concurrent_futures, test_multiprocessing_spawn) as `python -m test -v
MODULE` with the 3.11 venv, plain and under warn on both backends, and compares
the passing tests (benchmarks/_regrtest_verbose.py reads the verbose output).

At most two runs at once (--jobs), each under `nice`.  --reuse reads the output
a run left in DIR instead of running it again.  docs/oracle.md, "Third-party
suites", has the figures.
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import re
import signal
import subprocess
import sys
import tarfile
import threading
import time
import xml.etree.ElementTree as ElementTree
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from functools import cache, partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _regrtest_verbose import parse_verbose, passing  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_WORK = Path("/tmp/tp")
DEFAULT_PYTHON = ROOT / ".venv" / "bin" / "python"
TEST_TIMEOUT = 60  # seconds per test (pytest-timeout)
LISTED = 25  # test ids printed per configuration; --json has every one
DEFAULT_LEVELS = frozenset({"SEVERE", "WARNING", "INFO"})  # what the default level, INFO, writes


@dataclass(frozen=True)
class Package:
    """A PyPI project whose sdist carries its tests; `pytest_args` say what its users' runs leave out."""

    name: str
    version: str
    pytest_args: tuple[str, ...] = ()
    note: str = ""


PACKAGES = (
    Package("platformdirs", "4.3.8", note="the newest sdist whose build needs this index has (4.4+: python-sbom)"),
    Package("pathspec", "1.1.1"),
    Package("Send2Trash", "2.2.0"),
    Package("diskcache", "5.6.3", ("--ignore=tests/test_djangocache.py",), "its sdist lacks tests/settings.py"),
    Package("atomicwrites", "1.4.1"),
    Package("sh", "2.4.0"),
    Package("pexpect", "4.9.0"),
)  # fmt: skip
# the tests' own needs: platformdirs imports pytest-mock and appdirs, diskcache django
TEST_NEEDS = ("pytest", "pytest-timeout", "pytest-mock", "appdirs", "django<5")
CONFIGS: dict[str, list[str] | None] = {
    "plain": None,
    "native-warn": ["--posix-backend", "native", "--policy", "warn"],
    "native-enforce": ["--posix-backend", "native", "--policy", "enforce"],
    "java-warn": ["--posix-backend", "java", "--policy", "warn"],
    "java-enforce": ["--posix-backend", "java", "--policy", "enforce"],
}
REGRTEST_MODULES = ("test_compileall", "test_concurrent_futures", "test_multiprocessing_spawn")
REGRTEST_CONFIGS = ("plain", "native-warn", "java-warn")


@dataclass
class Event:
    """What a lost test is checked against: one INFO (or higher) line of a run's log."""

    limitation: str
    function: str
    message: str
    sites: list[str]  # "dir/file.py:line" of the call site and of `via`, as tracebacks print them
    callsite: tuple[str, int] | None = None  # the program's own line: (absolute file, line)


@dataclass
class Run:
    """One suite under one configuration."""

    outcomes: dict[str, str]  # test id -> passed, failed, error, skipped (or regrtest's verdict)
    failures: dict[str, str]  # test id -> its failure or skip text
    seconds: float
    returncode: int | None  # None: killed at the overall limit
    events: list[Event] = field(default_factory=list)
    root: str = ""  # the suite's tree: where its test files are

    @property
    def passed(self) -> set[str]:
        return {test for test, outcome in self.outcomes.items() if outcome == "passed"}


# -- preparing the sources and the venv ------------------------------------------------------------------------------


def _run_checked(command: list[str], cwd: Path | None = None) -> None:
    completed = subprocess.run(command, cwd=cwd, capture_output=True, text=True)
    if completed.returncode:
        raise RuntimeError(f"{' '.join(command)} failed:\n{completed.stdout[-2000:]}{completed.stderr[-2000:]}")


def source_tree(package: Package, work: Path, python: Path) -> Path:
    """The unpacked sdist of `package` (downloaded with pip when missing)."""
    sdists, sources = work / "sdist", work / "src"
    pattern = re.compile(rf"{re.escape(package.name)}-{re.escape(package.version)}\.tar\.gz", re.IGNORECASE)
    found = [p for p in sdists.glob("*.tar.gz") if pattern.fullmatch(p.name)] if sdists.is_dir() else []
    if not found:
        sdists.mkdir(parents=True, exist_ok=True)
        requirement = f"{package.name}=={package.version}"
        _run_checked([str(python), "-m", "pip", "download", "-q", "--no-deps", "--no-binary", ":all:", requirement],
                     cwd=sdists)  # fmt: skip
        found = [p for p in sdists.glob("*.tar.gz") if pattern.fullmatch(p.name)]
    with tarfile.open(found[0]) as archive:
        top = archive.getnames()[0].split("/")[0]
        if not (sources / top).is_dir():
            archive.extractall(sources, filter="data") if sys.version_info >= (3, 12) else archive.extractall(sources)
    return sources / top


def suite_python(work: Path, python: Path) -> Path:
    """DIR/venv's interpreter: interpose (editable, with its start-up line), the packages and their test needs."""
    venv = work / "venv"
    venv_python = venv / "bin" / "python"
    if not venv_python.exists():
        _run_checked([str(python), "-m", "venv", str(venv)])
        _run_checked([str(venv_python), "-m", "pip", "install", "-q", "-e", str(ROOT), *TEST_NEEDS, *_pinned()])
    return venv_python


def _pinned() -> list[str]:
    return [f"{package.name}=={package.version}" for package in PACKAGES]


def committed_python(work: Path, python: Path, revision: str, suites: bool) -> tuple[Path, Path]:
    """A venv whose interpose is `revision` as committed (others edit the working tree meanwhile), and its folder.

    graalpy_oracle's snapshot: a `git archive` imported through a .pth, with
    interpose's start-up line; for the suites, pip (run from `python`) adds the
    packages and their test needs.
    """
    from graalpy_oracle import snapshot_python

    commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", revision], capture_output=True, text=True)
    folder = work / f"at-{commit.stdout.strip()[:12]}"
    venv_python = folder / "venv" / "bin" / "python"
    if not venv_python.exists():
        snapshot_python(str(python), commit.stdout.strip(), folder)
    if suites and not (folder / "suites-installed").exists():
        _run_checked([str(python), "-m", "pip", "--python", str(venv_python), "install", "-q", *TEST_NEEDS, *_pinned()])
        (folder / "suites-installed").touch()
    return venv_python, folder


# -- running ---------------------------------------------------------------------------------------------------------


def run_logged(
    command: list[str], cwd: Path, output: Path, timeout: float, path: str | None = None
) -> tuple[float, int | None]:
    """Run `command` niced in its own session, stdout and stderr to `output`; kill the whole group at `timeout`.

    `path` goes first on PYTHONPATH (a `test` package that has modules the installed one lacks).
    """
    env = {key: value for key, value in os.environ.items() if not key.startswith("INTERPOSE_")}
    if path:
        env["PYTHONPATH"] = os.pathsep.join(p for p in (path, env.get("PYTHONPATH")) if p)
    started = time.perf_counter()
    with output.open("wb") as sink:
        process = subprocess.Popen(
            ["nice", *command], cwd=cwd, env=env,
            stdin=subprocess.DEVNULL, stdout=sink, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        try:
            returncode: int | None = process.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, 9)  # the run's children (pexpect's, sh's) go with it
            process.wait()
            returncode = None
    return time.perf_counter() - started, returncode


def interpose_prefix(config: str, log: Path) -> list[str]:
    options = CONFIGS[config]
    return [] if options is None else ["-m", "interpose", *options, f"--log.file={log}"]


def _beside(stem: Path, suffix: str) -> Path:
    """`stem`'s file with `suffix` (stems hold dots: `sh.native-warn`)."""
    return stem.parent / (stem.name + suffix)


def _cached(stem: Path, reuse: bool) -> dict[str, object] | None:
    """The seconds and return code a finished run recorded, when --reuse may use them."""
    meta = _beside(stem, ".meta.json")
    return json.loads(meta.read_text()) if reuse and meta.exists() else None


def _execute(
    command: list[str], cwd: Path, stem: Path, timeout: float, reuse: bool, path: str | None = None
) -> tuple[float, int | None]:
    """Run `command` once, or give back what the same run left in `stem`'s files (--reuse)."""
    cached = _cached(stem, reuse)
    if cached is not None:
        return float(cached["seconds"]), cached["returncode"]  # type: ignore[arg-type,return-value]
    for suffix in (".jsonl", ".xml"):
        _beside(stem, suffix).unlink(missing_ok=True)
    cwd.mkdir(parents=True, exist_ok=True)
    seconds, returncode = run_logged(command, cwd, _beside(stem, ".txt"), timeout, path)
    _beside(stem, ".meta.json").write_text(json.dumps({"seconds": seconds, "returncode": returncode}))
    return seconds, returncode


def run_suite(
    package: Package, tree: Path, python: Path, config: str, results: Path, timeout: float, reuse: bool,
    tests: tuple[str, ...] = (),
) -> Run:  # fmt: skip
    """The package's suite under `config`; only `tests` (pytest node ids), each in a run of its own, if given."""
    stem = results / "runs" / (f"{package.name}.{config}" + (f".alone.{_slug(tests[0])}" if tests else ""))
    stem.parent.mkdir(parents=True, exist_ok=True)
    log, xml = _beside(stem, ".jsonl"), _beside(stem, ".xml")
    command = [
        str(python), *interpose_prefix(config, log), "-m", "pytest", "-p", "no:cacheprovider", "-q", "-rA",
        f"--timeout={TEST_TIMEOUT}", f"--junitxml={xml}", *package.pytest_args, *tests,
    ]  # fmt: skip
    seconds, returncode = _execute(command, tree, stem, timeout, reuse)
    summary = _beside(stem, ".txt").read_text(errors="replace")
    outcomes, failures = parse_junit(xml, summary) if xml.exists() else ({}, {})
    return Run(outcomes, failures, seconds, returncode, read_events(log), str(tree))


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", text)[-120:]


def node_id(root: str, test: str) -> str | None:
    """pytest's node id of a junit id (`tests.sh_test.C::t[x]` -> `tests/sh_test.py::C::t[x]`), found in `root`."""
    module_and_classes, _, name = test.partition("::")
    parts = [part for part in module_and_classes.split(".") if part]
    for cut in range(len(parts), 0, -1):
        path = Path(*parts[:cut]).with_suffix(".py")
        if (Path(root) / path).is_file():
            return "::".join((str(path), *parts[cut:], name))
    return None


# test_concurrent_futures' tearDown prints each test's duration (`print("%.2fs" % dt, end=" ")`) just before
# unittest's verdict, on the verdict's line: `test_x (id) ... 0.12s ok`.  Taken out, the line is unittest's own.
_TIMING = re.compile(r"(?m)(\.\.\. |^)\d+\.\d+s (?=(?:ok|FAIL|ERROR|expected failure|unexpected success)\r?$|skipped )")


def run_regrtest(
    module: str, python: Path, config: str, path: str | None, results: Path, timeout: float, reuse: bool
) -> Run:
    stem = results / "regrtest" / f"{module}.{config}"
    stem.parent.mkdir(parents=True, exist_ok=True)
    log = _beside(stem, ".jsonl")
    command = [str(python), *interpose_prefix(config, log), "-m", "test", "-v", module]
    seconds, returncode = _execute(command, stem.parent / f"cwd.{module}.{config}", stem, timeout, reuse, path)
    verdicts = parse_verbose(_TIMING.sub(r"\1", _beside(stem, ".txt").read_text(errors="replace")))
    passed = passing(verdicts)  # regrtest's verdicts, those that pass named as pytest's
    outcomes = {test: "passed" if test in passed else verdict for test, verdict in verdicts.items()}
    return Run(outcomes, {}, seconds, returncode, read_events(log))


# -- reading results -------------------------------------------------------------------------------------------------


def parse_junit(path: Path, summary: str) -> tuple[dict[str, str], dict[str, str]]:
    """Each test's outcome and, when it did not pass, the text pytest wrote about it.

    The junit XML names every test and holds the failure texts; a test with
    several entries (a failed call and an erroneous teardown, failed subtests)
    takes the worst.  Whether a test passed is read from `-rA`'s `PASSED`
    lines, as pytest itself counts: the XML cannot tell a skipped test from a
    passed one whose subtests were skipped.
    """
    passed = {_junit_id(node) for verdict, node in _SUMMARY.findall(summary) if verdict in ("PASSED", "XFAIL")}
    rank = {"skipped": 0, "failed": 1, "error": 2}
    outcomes: dict[str, str] = {}
    failures: dict[str, str] = {}
    for case in ElementTree.parse(path).getroot().iter("testcase"):
        test = f"{case.get('classname', '')}::{case.get('name', '')}"
        outcome = outcomes.get(test, "passed" if test in passed else "skipped")
        for child in case:
            kind = {"failure": "failed", "error": "error", "skipped": "skipped"}.get(child.tag)
            if kind is None or (kind == "skipped" and test in passed):
                continue
            failures[test] = failures.get(test, "") + f"{child.get('message', '')}\n{child.text or ''}\n"
            if rank[kind] >= rank.get(outcome, 0):
                outcome = kind
        outcomes[test] = outcome
    return outcomes, failures


_SUMMARY = re.compile(r"^(PASSED|XFAIL) (\S+)", re.MULTILINE)


def _junit_id(nodeid: str) -> str:
    """pytest's node id as its junit XML names the test: `tests/a.py::C::t` -> `tests.a.C::t`."""
    names = nodeid.split("::")
    names[0] = re.sub(r"\.py$", "", names[0].replace("/", "."))
    return f"{'.'.join(names[:-1])}::{names[-1]}"


def _site(frame: object) -> str | None:
    if not isinstance(frame, dict) or not frame.get("file"):
        return None
    path = Path(str(frame["file"]))
    return f"{path.parent.name}/{path.name}:{frame.get('line')}"


def read_events(log: Path) -> list[Event]:
    """The log's events at the default level (INFO and above), from every process of the run."""
    events = []
    lines = log.read_text(errors="replace").splitlines() if log.exists() else []
    for line in lines:
        try:
            record = json.loads(line)
        except ValueError:
            continue  # a line torn by a process killed at the limit
        if not isinstance(record, dict) or record.get("level") not in DEFAULT_LEVELS or record.get("final"):
            continue
        sites = [site for site in (_site(record.get("callsite")), _site(record.get("via"))) if site]
        frame = record.get("callsite")
        callsite = (str(frame["file"]), int(frame["line"])) if isinstance(frame, dict) and frame.get("line") else None
        events.append(Event(str(record.get("limitation")), str(record.get("function")),
                            str(record.get("message", "")), sites, callsite))  # fmt: skip
    return events


def explaining(text: str, events: list[Event], lines: tuple[str, range] | None = None) -> set[str]:
    """The limitations whose events account for a test's failure `text`, or were hit on the test's own `lines`
    (a thread or a callback the test defines hit it: the failure shows only the consequence)."""
    found = set()
    for event in events:
        name = event.function.rsplit(".", 1)[-1]
        if (
            any(site in text for site in event.sites)
            or f"has no attribute '{name}'" in text
            or (event.message and event.message in text)
            or (lines is not None and event.callsite is not None and event.callsite[0] == lines[0]
                and event.callsite[1] in lines[1])
        ):  # fmt: skip
            found.add(event.limitation)
    return found


def test_lines(root: str, test: str) -> tuple[str, range] | None:
    """The file and the lines of a junit id's test function (`tests.sh_test.MiscTests::test_x[param]`)."""
    module_and_classes, _, name = test.partition("::")
    parts = [part for part in module_and_classes.split(".") if part]
    for cut in range(len(parts), 0, -1):
        path = Path(root, *parts[:cut]).with_suffix(".py")
        if path.is_file():
            return _function_lines(str(path), (*parts[cut:], name.split("[")[0]))
    return None


@cache
def _function_lines(path: str, names: tuple[str, ...]) -> tuple[str, range] | None:
    body: list[ast.stmt] = ast.parse(Path(path).read_text(errors="replace")).body
    node: ast.stmt | None = None
    for name in names:
        node = next((n for n in body if isinstance(n, ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
                     and n.name == name), None)  # fmt: skip
        if node is None:
            return None
        body = node.body
    return None if node is None else (path, range(node.lineno, (node.end_lineno or node.lineno) + 1))


# -- comparing and printing ------------------------------------------------------------------------------------------


@dataclass
class Verdict:
    """One configuration against plain: what differs under warn, what enforce lost and why."""

    differs: list[str]  # warn: tests whose passing differs from plain
    lost: dict[str, list[str]]  # enforce: test -> limitations explaining its loss ([] = unexplained)
    gained: list[str]  # passes here, not plain
    # enforce: an unexplained loss run again alone -> the limitations explaining it then (None: it passes alone)
    alone: dict[str, list[str] | None] = field(default_factory=dict)


def _explained(run: Run, test: str) -> list[str]:
    """The limitations whose events in `run` explain why `test` did not pass there."""
    lines = run.root and test_lines(run.root, test) or None
    return sorted(explaining(run.failures.get(test, ""), run.events, lines))


def verdict_of(plain: Run, run: Run) -> Verdict:
    lost = sorted(plain.passed - run.passed)
    return Verdict(
        sorted(plain.passed ^ run.passed),
        {test: _explained(run, test) for test in lost},
        sorted(run.passed - plain.passed),
    )


def _outcome(run: Run, test: str) -> str:
    return run.outcomes.get(test, "absent")


def report(
    kind: str, runs: dict[str, dict[str, Run]], alone: Callable[[str, str, list[str]], dict[str, Run]] | None = None
) -> dict[str, dict[str, Verdict]]:
    """Print the table and the details for each suite; return them for --json.

    `alone(suite, config, tests)` runs each unexplained loss again by itself (test -> its run): a test lost as a
    knock-on of earlier ones (fds they left open) is then lost to its own cause, or passes.
    """
    configs = list(next(iter(runs.values())))
    print(f"{kind:<28}{'tests':>7}" + "".join(f"{config:>16}" for config in configs))
    for name, by_config in runs.items():
        plain = by_config["plain"]
        cells = "".join(
            f"{len(run.passed):>15}" + ("!" if run.returncode is None else " ") for run in by_config.values()
        )
        print(f"{name:<28}{len(plain.outcomes):>7}" + cells)
    summary: dict[str, dict[str, Verdict]] = {}
    for name, by_config in runs.items():
        plain = by_config["plain"]
        print(f"\n{name}: plain {len(plain.passed)} of {len(plain.outcomes)} pass ({plain.seconds:.0f} s)")
        summary[name] = {}
        for config, run in by_config.items():
            if config == "plain":
                continue
            verdict = verdict_of(plain, run)
            summary[name][config] = verdict
            timing = f"{run.seconds:.0f} s" + (" (killed at the limit)" if run.returncode is None else "")
            if config.endswith("warn"):
                same = "yes" if not verdict.differs else f"NO ({len(verdict.differs)} differ)"
                print(f"  {config:<15} warn == plain: {same}; {timing}")
                for test in verdict.differs[:LISTED]:
                    print(f"      {test}: plain {_outcome(plain, test)}, {config} {_outcome(run, test)}")
                if len(verdict.differs) > LISTED:
                    print(f"      ... and {len(verdict.differs) - LISTED} more (--json has them all)")
                continue
            explained = [test for test, ids in verdict.lost.items() if ids]
            unexplained = [test for test, ids in verdict.lost.items() if not ids]
            if alone is not None and unexplained:
                verdict.alone = _alone_verdicts(alone(name, config, unexplained[:LISTED]))
            ids = Counter(i for found in verdict.lost.values() for i in found)
            print(f"  {config:<15} lost {len(verdict.lost)}, explained by an INFO event {len(explained)}; {timing}")
            if ids:
                print("      by limitation: " + ", ".join(f"{i} ({n})" for i, n in ids.most_common()))
            for test, found in verdict.lost.items():
                if not found:
                    first = run.failures.get(test, "").strip().splitlines()[:1]
                    print(f"      UNEXPLAINED {test}: {_outcome(run, test)} {first[0][:150] if first else ''}")
                    if test in verdict.alone:
                        print(f"        run alone: {_alone_text(verdict.alone[test])}")
            for test in verdict.gained:
                print(f"      gained {test}: plain {_outcome(plain, test)}")
    return summary


def _alone_text(found: list[str] | None) -> str:
    return "passes" if found is None else f"lost, explained by {', '.join(found) or 'nothing'}"


def _alone_verdicts(runs: dict[str, Run]) -> dict[str, list[str] | None]:
    """Each test's run by itself (`runs`), judged as the whole run is: None when it passes, else what explains
    its loss."""
    return {test: None if test in run.passed else _explained(run, test) for test, run in runs.items()}


def _alone(lock: threading.Lock, call: Callable[[], Run]) -> Run:
    with lock:
        return call()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("names", nargs="*", help="packages (default: all seven) or, with --regrtest, modules")
    parser.add_argument("--regrtest", action="store_true", help="CPython's modules instead of the packages")
    parser.add_argument("--work", type=Path, default=DEFAULT_WORK, help="sdists, sources, venv and runs")
    parser.add_argument("--python", type=Path, default=DEFAULT_PYTHON, help="the CPython (3.11) to run with")
    parser.add_argument("--configs", nargs="+", choices=list(CONFIGS), help="configurations (plain always runs)")
    parser.add_argument("--jobs", type=int, default=2, help="runs at once (at most 2)")
    parser.add_argument("--timeout", type=float, default=2400, help="seconds for one whole run")
    parser.add_argument("--at", metavar="REVISION", help="run interpose as committed at REVISION, not the working tree")
    parser.add_argument(
        "--test-package", type=Path, metavar="DIR", help="--regrtest: DIR goes first on PYTHONPATH (its `test` package)"
    )
    parser.add_argument("--reuse", action="store_true", help="read the output a run left in --work, run nothing again")
    parser.add_argument("--json", type=Path, help="write every outcome, event and verdict to this file")
    args = parser.parse_args(argv)
    # The runs get the dispositions a terminal gives: started with `nohup` or `&` from a script, SIGHUP, or SIGINT
    # and SIGQUIT, are ignored and every child inherits that, so sh's tests that signal a child fail in every run.
    for number, handler in ((signal.SIGHUP, signal.SIG_DFL), (signal.SIGQUIT, signal.SIG_DFL),
                            (signal.SIGINT, signal.default_int_handler)):  # fmt: skip
        signal.signal(number, handler)
    chosen_configs = args.configs or (REGRTEST_CONFIGS if args.regrtest else CONFIGS)
    configs = ["plain", *[config for config in chosen_configs if config != "plain"]]
    python = args.python.absolute()  # a venv's interpreter: resolving the link would leave the venv
    results = args.work
    if args.at:
        python, results = committed_python(args.work, python, args.at, suites=not args.regrtest)
    common = (results, args.timeout, args.reuse)
    jobs: list[tuple[str, str, Callable[[], Run]]] = []
    if args.regrtest:
        path = str(args.test_package.absolute()) if args.test_package else None
        for module in args.names or REGRTEST_MODULES:
            jobs += [(module, c, partial(run_regrtest, module, python, c, path, *common)) for c in configs]
    else:
        chosen = [p for p in PACKAGES if not args.names or p.name.lower() in {n.lower() for n in args.names}]
        venv_python = python if args.at else suite_python(args.work, python)
        for package in chosen:
            tree = source_tree(package, args.work, python)
            jobs += [(package.name, c, partial(run_suite, package, tree, venv_python, c, *common)) for c in configs]
    # Two runs of one suite never overlap (pexpect's socket tests bind one fixed port): configurations go in
    # turn across the suites, and each suite's runs take its lock.
    jobs.sort(key=lambda job: configs.index(job[1]))
    locks = {name: threading.Lock() for name, _, _ in jobs}
    runs: dict[str, dict[str, Run]] = {}
    with ThreadPoolExecutor(max_workers=max(1, min(args.jobs, 2))) as pool:
        futures = [pool.submit(_alone, locks[name], call) for name, _, call in jobs]
        for (name, config, _), future in zip(jobs, futures, strict=True):
            run = future.result()
            runs.setdefault(name, {})[config] = run
            state = "killed at the limit" if run.returncode is None else f"rc {run.returncode}"
            print(f"  {name:<26} {config:<15} {run.seconds:7.1f} s  {state}", file=sys.stderr, flush=True)
    by_name = {package.name: package for package in PACKAGES}

    def alone(name: str, config: str, tests: list[str]) -> dict[str, Run]:
        """Each test by itself, one run after another (the suite's other runs are done)."""
        package, root = by_name[name], runs[name][config].root
        found = {}
        for test in tests:
            node = node_id(root, test)
            if node is not None:
                found[test] = run_suite(package, Path(root), venv_python, config, *common, tests=(node,))
        return found

    summary = report("module" if args.regrtest else "package", runs, None if args.regrtest else alone)
    if args.json:
        document = {
            "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "python": str(python),
            "interpose": f"as committed in {results.name[3:]}" if args.at else "the working tree",
            "verdicts": {name: {c: asdict(v) for c, v in by.items()} for name, by in summary.items()},
            "runs": {name: {c: asdict(run) for c, run in by.items()} for name, by in runs.items()},
        }  # fmt: skip
        args.json.write_text(json.dumps(document, indent=1, sort_keys=True))
    holds = all(
        not v.differs if c.endswith("warn") else all(v.lost.values()) for by in summary.values() for c, v in by.items()
    )
    return 0 if holds else 1


if __name__ == "__main__":
    sys.exit(main())
