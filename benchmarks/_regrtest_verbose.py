"""One outcome per test id, read from the verbose output of CPython's regrtest (`python -m test -v MODULE`).

The oracle compares runs by what their users see, so it reads the text unittest
prints rather than running the tests through a result class of its own.  Shapes
(unittest's TextTestResult, 3.10-3.13):

    test_write (test.test_os.FileTests.test_write) ... ok
    test_doc (test.test_os.X.test_doc)                  a docstring: its first line comes next,
    First line of the docstring. ... ok                 followed by the verdict
    test_out (test.test_os.X.test_out) ... printed by the test
    ok                                                  output in between: the verdict ends a later line
    test_sub (test.test_os.X.test_sub) ...
      test_sub (test.test_os.X.test_sub) (i=1) ... FAIL   a subTest: indented, parameters after the id
    setUpClass (test.test_os.X) ... ERROR               no test of the class ran (and none is listed)

A test that started and printed no verdict (the interpreter crashed, the run
timed out) is `incomplete`.  A test whose only verdicts are skipped subTests ran
and failed nothing: `subtests skipped`, which passes.
"""

from __future__ import annotations

import re

OK = "ok"
FAIL = "fail"
ERROR = "error"
SKIPPED = "skipped"
XFAIL = "expected failure"
XPASS = "unexpected success"
INCOMPLETE = "incomplete"
SUBTESTS_SKIPPED = "subtests skipped"

PASSING = frozenset({OK, XFAIL, SUBTESTS_SKIPPED})

_HEADER = re.compile(r"(?P<name>\w+) \((?P<id>[\w.]+)\)(?: \.\.\. ?(?P<rest>.*))?")
_SUBTEST = re.compile(r"  (?P<name>\w+) \((?P<id>[\w.]+)\) (?P<params>.+) \.\.\. (?P<verdict>.*)")
_VERDICTS = {"ok": OK, "FAIL": FAIL, "ERROR": ERROR, "expected failure": XFAIL, "unexpected success": XPASS}
_SKIP = re.compile(r"skipped (?:'.*'|\".*\")")
_RAN = re.compile(r"Ran \d+ tests? in .*")


def verdict_of(text: str) -> str | None:
    """The outcome `text` states, when it is exactly one of unittest's verdicts."""
    text = text.rstrip("\r")
    if text in _VERDICTS:
        return _VERDICTS[text]
    return SKIPPED if _SKIP.fullmatch(text) else None


def _test_line(pattern: re.Pattern[str], line: str) -> re.Match[str] | None:
    """A match only when the id in parentheses is a test method's (`setUpClass (module.Class)` is not)."""
    match = pattern.fullmatch(line.rstrip("\r"))
    return match if match and match["id"].endswith("." + match["name"]) else None


def parse_verbose(text: str) -> dict[str, str]:
    """Each test id the output names, with its outcome (one of the constants above)."""
    outcomes: dict[str, str] = {}
    skipped_subtests: set[str] = set()
    pending: str | None = None  # the test whose verdict has not been printed yet
    docstring_next = False
    last_started, last_header_index = "", 0
    lines = text.splitlines()
    for index, line in enumerate(lines):
        subtest = _test_line(_SUBTEST, line)
        if subtest:
            verdict = verdict_of(subtest["verdict"])
            if verdict in (FAIL, ERROR):
                _record(outcomes, subtest["id"], verdict)
            elif verdict == SKIPPED:
                skipped_subtests.add(subtest["id"])
            pending, docstring_next = None, False
            continue
        header = _test_line(_HEADER, line)
        if header:
            pending, docstring_next = header["id"], header["rest"] is None
            last_started, last_header_index = pending, index
            outcomes.setdefault(pending, INCOMPLETE)
            verdict = verdict_of(header["rest"] or "")
            if verdict:
                _record(outcomes, pending, verdict)
                pending = None
            continue
        if pending is None:
            continue
        candidate = line.split(" ... ", 1)[1] if docstring_next and " ... " in line else line
        docstring_next = False
        verdict = verdict_of(candidate)
        if verdict:
            _record(outcomes, pending, verdict)
            pending = None
    finished = any(_RAN.fullmatch(line) for line in lines[last_header_index:])
    for test in skipped_subtests:
        if outcomes.get(test) == INCOMPLETE and (finished or test != last_started):
            outcomes[test] = SUBTESTS_SKIPPED
    return outcomes


def _record(outcomes: dict[str, str], test: str, verdict: str) -> None:
    """A failed subTest fails its test whatever the test's own verdict says."""
    if outcomes.get(test) not in (FAIL, ERROR):
        outcomes[test] = verdict


def passing(outcomes: dict[str, str]) -> set[str]:
    return {test for test, outcome in outcomes.items() if outcome in PASSING}
