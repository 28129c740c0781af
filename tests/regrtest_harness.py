"""CPython's own regression tests, plain and interposed, side by side.

    python -m tests.regrtest_harness [--backend native] [--jobs 2] [MODULE ...]

runs each module three times in fresh processes: plain CPython, interposed under
`warn`, interposed under `enforce` (each with its own event log), and prints a
table.  What must hold: under `warn` the passing tests are plain CPython's; under
`enforce` every test that passes plain but not interposed hit a logged
limitation (an event whose `test` is that test, from any process it started).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

WORKER = str(Path(__file__).with_name("regrtest_worker.py"))
DEFAULT_MODULES = (
    "test_os", "test_posix", "test_posixpath", "test_genericpath", "test_shutil", "test_tempfile",
    "test_pathlib", "test_glob", "test_fileio", "test_subprocess", "test_stat",
)  # fmt: skip
FAST_MODULES = ("test_posixpath", "test_genericpath", "test_stat", "test_glob")


class ModuleRun:
    """Outcomes of one module under one configuration, and the events it logged."""

    def __init__(
        self, outcomes: dict[str, str], skip_reasons: dict[str, str], events: list[dict[str, object]], seconds: float
    ) -> None:
        self.outcomes = outcomes
        self.skip_reasons = skip_reasons
        self.events = events
        self.seconds = seconds

    @property
    def passed(self) -> set[str]:
        return {test for test, outcome in self.outcomes.items() if outcome in ("ok", "xfail")}

    def limitations_of(self, test: str) -> set[str]:
        """The limitations `test` hit while it ran, or that made it skip.

        A skip decided at import time (`support.requires_fork()` looks at
        `os.fork` when test.support is imported) is the test's when its reason
        names the function of a limitation logged in the run, or when the test's
        own module hit a limitation while it was imported (test_os computes
        `root_in_posix` from `os.geteuid`, which the java backend lacks).
        """
        hit = {str(event["limitation"]) for event in self.events if event.get("test") == test}
        reason = self.skip_reasons.get(test, "").lower()
        if reason:
            module_file = "/" + "/".join(test.split(".")[:2]) + ".py"  # test.test_os.X.y -> /test/test_os.py
            for event in self.events:
                name = str(event["function"]).rsplit(".", 1)[-1].lower()
                site = event.get("callsite")
                file = str(site.get("file", "")) if isinstance(site, dict) else ""
                at_import = not event.get("test") and file.endswith(module_file)
                if (name and name in reason) or at_import:
                    hit.add(f"{event['limitation']} (skip)")
        return hit


def run_module(module: str, interpose_args: list[str] | None, workdir: Path) -> ModuleRun:
    """Run `module` plain (interpose_args None) or through `python -m interpose` with those options."""
    name = "plain" if interpose_args is None else "-".join(arg.split("=")[-1] for arg in interpose_args)
    out, log = workdir / f"{module}.{name}.json", workdir / f"{module}.{name}.jsonl"
    logging = ["--log.python.compatibility.level=ALL", f"--log.file={log}"]
    prefix = [] if interpose_args is None else ["-m", "interpose", *interpose_args, *logging]
    started = time.perf_counter()
    completed = subprocess.run(
        [sys.executable, *prefix, WORKER, module, str(out)], cwd=workdir,
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, timeout=1800,
    )  # fmt: skip
    seconds = time.perf_counter() - started
    if not out.exists():
        raise RuntimeError(f"{module} ({name}) wrote no results:\n{completed.stderr[-3000:]}")
    results = json.loads(out.read_text(encoding="utf-8"))
    events = [json.loads(line) for line in log.read_text(encoding="utf-8").split("\n") if line] if log.exists() else []
    return ModuleRun(results["outcomes"], results["skip-reasons"], events, seconds)


class Comparison:
    """One module: plain, warn and enforce, and what differs."""

    def __init__(self, module: str, plain: ModuleRun, warn: ModuleRun, enforce: ModuleRun) -> None:
        self.module = module
        self.plain, self.warn, self.enforce = plain, warn, enforce

    @property
    def warn_differs(self) -> set[str]:
        return self.plain.passed ^ self.warn.passed

    @property
    def enforce_lost(self) -> dict[str, set[str]]:
        """Tests passing plain but not under enforce, each with the limitations it hit."""
        return {test: self.enforce.limitations_of(test) for test in sorted(self.plain.passed - self.enforce.passed)}

    @property
    def unexplained(self) -> list[str]:
        return [test for test, hit in self.enforce_lost.items() if not hit]

    @property
    def holds(self) -> bool:
        return not self.warn_differs and not self.unexplained and self.enforce.passed <= self.plain.passed


def compare(module: str, backend: str, workdir: Path) -> Comparison:
    plain = run_module(module, None, workdir)
    warn = run_module(module, [f"--posix-backend={backend}", "--policy=warn"], workdir)
    enforce = run_module(module, [f"--posix-backend={backend}", "--policy=enforce"], workdir)
    return Comparison(module, plain, warn, enforce)


def table(comparisons: list[Comparison]) -> str:
    lines = [
        "| module | tests | plain passed | warn passed | enforce passed | lost under enforce (limitations) | holds |",
        "|---|---:|---:|---:|---:|---|---|",
    ]
    for c in comparisons:
        lost = "; ".join(f"{test.rsplit('.', 2)[-2]}.{test.rsplit('.', 1)[-1]} ({', '.join(sorted(hit)) or 'NONE'})"
                         for test, hit in c.enforce_lost.items()) or "-"  # fmt: skip
        lines.append(
            f"| {c.module} | {len(c.plain.outcomes)} | {len(c.plain.passed)} | {len(c.warn.passed)} | "
            f"{len(c.enforce.passed)} | {lost} | {'yes' if c.holds else 'NO'} |"
        )
    plain = sum(len(c.plain.passed) for c in comparisons)
    warn = sum(len(c.warn.passed) for c in comparisons)
    enforce = sum(len(c.enforce.passed) for c in comparisons)
    lines.append(f"| **all** | {sum(len(c.plain.outcomes) for c in comparisons)} | {plain} | {warn} | {enforce} | | |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("modules", nargs="*", default=list(DEFAULT_MODULES))
    parser.add_argument("--backend", default="native")
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="interpose-regrtest-") as workdir, ThreadPoolExecutor(args.jobs) as pool:
        futures = [pool.submit(compare, module, args.backend, Path(workdir)) for module in args.modules]
        comparisons = [future.result() for future in futures]
    print(table(comparisons))
    for c in comparisons:
        for test in sorted(c.warn_differs):
            print(f"warn differs: {test}: plain {c.plain.outcomes.get(test)}, warn {c.warn.outcomes.get(test)}")
        for test in c.unexplained:
            print(f"lost under enforce with no logged limitation: {test}")
    return 0 if all(c.holds for c in comparisons) else 1


if __name__ == "__main__":
    sys.exit(main())
