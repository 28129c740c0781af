"""Run one CPython regression-test module with unittest and write each test's outcome as JSON.

The output maps each test id to its outcome, and holds the reason of every skip
under the key "skip-reasons" (a test skipped because `os.fork` is missing says so).

Run plain (`python tests/regrtest_worker.py test_os out.json`) or interposed
(`python -m interpose ... tests/regrtest_worker.py test_os out.json`).  While a
test runs, its id is the `test` field of every event, in this process
(recorder context) and in the processes it starts (INTERPOSE_TEST).
"""

from __future__ import annotations

import json
import os
import sys
import unittest

TEST_VARIABLE = "INTERPOSE_TEST"


class RecordingResult(unittest.TestResult):
    """Keeps one outcome per test id: ok, failure, error, skipped, xfail or xpass."""

    def __init__(self) -> None:
        super().__init__()
        self.outcomes: dict[str, str] = {}
        self.skip_reasons: dict[str, str] = {}

    def startTest(self, test: unittest.TestCase) -> None:  # noqa: N802 - unittest's name
        super().startTest(test)
        _set_current_test(test.id())

    def stopTest(self, test: unittest.TestCase) -> None:  # noqa: N802
        super().stopTest(test)
        _set_current_test(None)

    def addSuccess(self, test: unittest.TestCase) -> None:  # noqa: N802
        self.outcomes.setdefault(test.id(), "ok")

    def addFailure(self, test: unittest.TestCase, err: object) -> None:  # noqa: N802
        super().addFailure(test, err)  # type: ignore[arg-type]
        self.outcomes[test.id()] = "failure"

    def addError(self, test: unittest.TestCase, err: object) -> None:  # noqa: N802
        super().addError(test, err)  # type: ignore[arg-type]
        self.outcomes[test.id()] = "error"

    def addSkip(self, test: unittest.TestCase, reason: str) -> None:  # noqa: N802
        self.outcomes[test.id()] = "skipped"
        self.skip_reasons[test.id()] = reason

    def addExpectedFailure(self, test: unittest.TestCase, err: object) -> None:  # noqa: N802
        self.outcomes[test.id()] = "xfail"

    def addUnexpectedSuccess(self, test: unittest.TestCase) -> None:  # noqa: N802
        self.outcomes[test.id()] = "xpass"

    def addSubTest(self, test: unittest.TestCase, subtest: unittest.TestCase, err: object) -> None:  # noqa: N802
        if err is not None:
            failed = "failure" if issubclass(err[0], test.failureException) else "error"  # type: ignore[index]
            self.outcomes[test.id()] = failed


def _set_current_test(test_id: str | None) -> None:
    if test_id is None:
        os.environ.pop(TEST_VARIABLE, None)
    else:
        os.environ[TEST_VARIABLE] = test_id
    try:
        from interpose.compat import current
    except ImportError:
        return
    session = current()
    if session is not None and session.recorder is not None:
        if test_id is None:
            session.recorder.context.pop("test", None)
        else:
            session.recorder.context["test"] = test_id


def main(module: str, out_path: str) -> int:
    suite = unittest.defaultTestLoader.loadTestsFromName(f"test.{module}")
    result = RecordingResult()
    suite.run(result)
    for test, trace in result.errors + result.failures:
        if test.id() not in result.outcomes:  # module or class fixtures that failed
            result.outcomes[test.id()] = "error"
        sys.stderr.write(f"--- {test.id()}\n{trace}\n")
    with open(out_path, "w", encoding="utf-8") as out:
        json.dump({"outcomes": result.outcomes, "skip-reasons": result.skip_reasons}, out)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
