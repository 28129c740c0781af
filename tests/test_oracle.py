"""The oracle's reading of regrtest's verbose output and its sets (benchmarks/graalpy_oracle.py).

The shapes come from real runs: a synthetic test module with every kind of
verdict (subTests, skips, expected failures, a failing setUpClass, a module that
fails to import, a package) is run by this interpreter's own `python -m test -v`.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from benchmarks import _regrtest_verbose as verbose
from benchmarks import graalpy_oracle as oracle
from tests.conftest import CLEAN_ENV

SHAPES = textwrap.dedent(
    '''
    import sys, unittest

    class Plain(unittest.TestCase):
        def test_ok(self):
            pass
        def test_doc(self):
            """A docstring, whose first line unittest prints before the verdict."""
        def test_prints(self):
            print("some output")
            print("more output", file=sys.stderr)
        def test_prints_then_fails(self):
            print("some output", file=sys.stderr)
            self.fail("after printing")
        def test_fail(self):
            self.fail("no")
        def test_error(self):
            raise OSError("boom")
        @unittest.skip("not today")
        def test_skip(self):
            pass
        @unittest.expectedFailure
        def test_xfail(self):
            self.fail("expected")
        @unittest.expectedFailure
        def test_xpass(self):
            pass
        def test_sub_fail(self):
            for i in range(3):
                with self.subTest(i=i):
                    self.assertNotEqual(i, 1)
        def test_sub_skip(self):
            for i in range(2):
                with self.subTest(i=i):
                    if i:
                        self.skipTest("odd")
        def test_sub_error_then_ok(self):
            with self.subTest("named"):
                raise ValueError
        def test_sub_all_pass(self):
            for i in range(2):
                with self.subTest(i=i):
                    pass

    class BadSetUpClass(unittest.TestCase):
        @classmethod
        def setUpClass(cls):
            raise OSError("no class")
        def test_never(self):
            pass

    class SkippedClass(unittest.TestCase):
        @classmethod
        def setUpClass(cls):
            raise unittest.SkipTest("class skipped")
        def test_never_either(self):
            pass
    '''
)
EXPECTED = {
    "test_shapes.Plain.test_ok": verbose.OK,
    "test_shapes.Plain.test_doc": verbose.OK,
    "test_shapes.Plain.test_prints": verbose.OK,
    "test_shapes.Plain.test_prints_then_fails": verbose.FAIL,
    "test_shapes.Plain.test_fail": verbose.FAIL,
    "test_shapes.Plain.test_error": verbose.ERROR,
    "test_shapes.Plain.test_skip": verbose.SKIPPED,
    "test_shapes.Plain.test_xfail": verbose.XFAIL,
    "test_shapes.Plain.test_xpass": verbose.XPASS,
    "test_shapes.Plain.test_sub_fail": verbose.FAIL,
    "test_shapes.Plain.test_sub_skip": verbose.SUBTESTS_SKIPPED,
    "test_shapes.Plain.test_sub_error_then_ok": verbose.ERROR,
    "test_shapes.Plain.test_sub_all_pass": verbose.OK,
    "test_pkg.test_inner.Inner.test_one": verbose.OK,
}
PACKAGE = {
    "__init__.py": "def load_tests(loader, tests, pattern):\n"
    "    return loader.loadTestsFromName(__name__ + '.test_inner')\n",
    "test_inner.py": "import unittest\nclass Inner(unittest.TestCase):\n    def test_one(self):\n        pass\n",
}


def _regrtest_output(tmp_path: Path) -> str:
    (tmp_path / "test_shapes.py").write_text(SHAPES)
    (tmp_path / "test_broken.py").write_text("import os\nos.no_such_function\n")
    (tmp_path / "test_modskip.py").write_text("import unittest\nraise unittest.SkipTest('module skipped')\n")
    (tmp_path / "test_pkg").mkdir()
    for name, text in PACKAGE.items():
        (tmp_path / "test_pkg" / name).write_text(text)
    modules = ["test_shapes", "test_broken", "test_modskip", "test_pkg"]
    completed = subprocess.run(
        [sys.executable, "-m", "test", "--testdir", str(tmp_path), "-v", *modules],
        cwd=tmp_path, env=CLEAN_ENV, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=120,
    )  # fmt: skip
    return completed.stdout


@pytest.mark.slow
def test_every_shape_of_a_real_verbose_run_is_read(tmp_path: Path) -> None:
    output = _regrtest_output(tmp_path)
    assert "setUpClass (test_shapes.BadSetUpClass) ... ERROR" in output  # the shapes this test is about are there
    assert "test test_broken crashed" in output or "test_broken failed" in output
    assert verbose.parse_verbose(output) == EXPECTED
    assert verbose.passing(verbose.parse_verbose(output)) == {
        test for test, outcome in EXPECTED.items() if outcome in (verbose.OK, verbose.XFAIL, verbose.SUBTESTS_SKIPPED)
    }


@pytest.mark.slow
def test_a_run_cut_short_leaves_the_test_it_was_running_incomplete(tmp_path: Path) -> None:
    output = _regrtest_output(tmp_path)
    cut = output.index("test_sub_skip (test_shapes.Plain.test_sub_skip) (i=1) ... skipped 'odd'")
    outcomes = verbose.parse_verbose(output[:cut] + "  test_sub_skip (test_shapes.Plain.test_sub_skip) (i=1) ... ")
    assert outcomes["test_shapes.Plain.test_sub_skip"] == verbose.INCOMPLETE
    cut = output.index("test_sub_skip (test_shapes.Plain.test_sub_skip) (i=1) ... skipped 'odd'")
    after_skip = output.index("\n", cut) + 1
    outcomes = verbose.parse_verbose(output[:after_skip])  # killed right after a skipped subTest
    assert outcomes["test_shapes.Plain.test_sub_skip"] == verbose.INCOMPLETE
    assert outcomes["test_shapes.Plain.test_ok"] == verbose.OK


def test_the_lines_of_3_13_are_read_as_printed() -> None:
    output = textwrap.dedent(
        """\
        0:00:00 load avg: 0.52 [1/1] test_os
        test_access (test.test_os.FileTests.test_access) ... ok
        test_fdopen (test.test_os.FileTests.test_fdopen)
        Test for the fdopen() function. ... ok
        test_large_read (test.test_os.FileTests.test_large_read) ... skipped 'not enough memory: 2.0G minimum needed'
        test_write (test.test_os.FileTests.test_write) ... printed
        FAIL
        test_chown (test.test_os.ChownFileTests.test_chown) ... \n\
          test_chown (test.test_os.ChownFileTests.test_chown) (uid=0) ... ERROR
        setUpClass (test.test_os.PidfdTests) ... skipped 'pidfd_open not available'

        ======================================================================
        FAIL: test_write (test.test_os.FileTests.test_write)
        ----------------------------------------------------------------------
        Ran 5 tests in 0.012s
        """
    )
    assert verbose.parse_verbose(output) == {
        "test.test_os.FileTests.test_access": verbose.OK,
        "test.test_os.FileTests.test_fdopen": verbose.OK,
        "test.test_os.FileTests.test_large_read": verbose.SKIPPED,
        "test.test_os.FileTests.test_write": verbose.FAIL,
        "test.test_os.ChownFileTests.test_chown": verbose.ERROR,
    }


def test_tags_of_either_format_keep_the_platform_s_tests(tmp_path: Path) -> None:
    own = "test.test_os.A.test_x @ darwin-arm64,linux-x86_64\ntest.test_os.A.test_y @ linux-x86_64-github\n"
    assert oracle.parse_tags(own) == {"test.test_os.A.test_x"}
    assert oracle.parse_tags("test.test_os.A.test_x\n\ntest.test_os.A.test_y\n") == {
        "test.test_os.A.test_x", "test.test_os.A.test_y",
    }  # fmt: skip
    (tmp_path / "test_os.txt").write_text("test.test_os.A.test_z\n")
    assert oracle.tags_text("test_os", [tmp_path], None) == "test.test_os.A.test_z\n"
    assert oracle.tags_text("test_glob", [tmp_path], None) is None


def test_tags_are_read_from_graalpy_s_git_directory(tmp_path: Path) -> None:
    work = tmp_path / "graalpython"
    (work / oracle.GRAALPY_TAGS).mkdir(parents=True)
    (work / oracle.GRAALPY_TAGS / "test_glob.txt").write_text("test.test_glob.G.test_a @ linux-x86_64\n")
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@t", "-C", str(work)]
    for command in (["init", "-q"], ["add", "."], ["commit", "-qm", "tags"]):
        subprocess.run([*git, *command], check=True)
    for source in (work, work / ".git"):  # a checkout, then its git directory alone
        text = oracle.tags_text("test_glob", [tmp_path / "none"], source)
        assert text is not None and oracle.parse_tags(text) == {"test.test_glob.G.test_a"}
        assert oracle.tags_text("test_os", [], source) is None


def _run(**outcomes: str) -> oracle.Run:
    return oracle.Run({f"test.test_x.C.{name}": outcome for name, outcome in outcomes.items()}, 1.0, 0)


def test_the_sets_follow_the_definitions() -> None:
    plain = _run(a="ok", b="ok", c="ok", d="ok", e="expected failure", f="skipped", g="fail")
    interposed = _run(a="ok", b="error", c="error", d="ok", e="expected failure", f="skipped", g="ok")
    graalpy = {"test.test_x.C.a", "test.test_x.C.b", "test.test_x.C.f", "test.test_x.C.g"}
    comparison = oracle.comparison_of(plain, interposed, graalpy)
    assert comparison.plain == {"test.test_x.C." + name for name in "abcde"}
    assert comparison.graalpy_and_plain == {"test.test_x.C.a", "test.test_x.C.b"}
    assert comparison.false_alarms == {"test.test_x.C.b"}  # GraalPy runs it, interpose breaks it
    assert comparison.caught == {"test.test_x.C.c"}
    assert comparison.missed == {"test.test_x.C.d", "test.test_x.C.e"}
    assert comparison.graalpy_failures == {"test.test_x.C.c", "test.test_x.C.d", "test.test_x.C.e"}


def test_the_table_counts_and_leaves_untagged_modules_out_of_the_totals(capsys: pytest.CaptureFixture[str]) -> None:
    tagged = oracle.comparison_of(_run(a="ok", b="ok", c="ok"), _run(a="ok", b="fail"), {"test.test_x.C.a"})
    untagged = oracle.comparison_of(_run(a="ok"), _run(a="ok"), None)
    oracle.print_table({"test_x": tagged, "test_y": untagged})
    oracle.print_lists({"test_x": tagged, "test_y": untagged})
    lines = capsys.readouterr().out.splitlines()
    assert lines[1].split() == ["test_x", "3", "1", "1", "0", "-", "-", "2", "0", "100%", "100%"]  # GraalPy's not read
    assert lines[2].split() == ["test_y", "1", "-", "1", "-", "-", "-", "-", "-", "-", "-"]
    assert lines[3].split() == ["total", "(tagged)", "3", "1", "1", "0", "-", "-", "2", "0", "100%", "100%"]
    assert len(lines) == 4  # nothing missed and no false alarm: nothing listed


def test_a_saved_run_is_compared_again_without_running(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "tags").mkdir()
    (tmp_path / "tags" / "test_x.txt").write_text("test.test_x.C.a\n")
    saved = tmp_path / "run.json"
    args = oracle.argparse.Namespace(python="python3.13", backend="native", policy="warn", commit="abc")
    oracle._save(saved, args, {"test_x": {"plain": _run(a="ok", b="ok"), "interposed": _run(a="fail", b="ok")}}, {})
    oracle.main(["--load", str(saved), "--tags", str(tmp_path / "tags"), "--list"])
    out = capsys.readouterr().out
    assert "--policy warn" in out
    assert out.split("false alarms (1)")[1].split()[0] == "test.test_x.C.a"
    assert out.split("missed (1)")[1].split()[0] == "test.test_x.C.b"


@pytest.mark.slow
def test_a_module_runs_plain_and_interposed_in_its_own_process(tmp_path: Path) -> None:
    plain = oracle.run_module(sys.executable, "test_genericpath", None, tmp_path, 300)
    interposed = oracle.run_module(sys.executable, "test_genericpath", ["--policy", "warn"], tmp_path, 300)
    assert plain.returncode == interposed.returncode == 0
    assert len(verbose.passing(plain.outcomes)) > 20
    assert verbose.passing(interposed.outcomes) == verbose.passing(plain.outcomes)
    assert (tmp_path / "test_genericpath.interposed.txt").read_text().count(" ... ok") > 20
