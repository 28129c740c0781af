"""The oracle takes the tests GraalPy's own copy skips on GraalPy out of its failures (benchmarks/_graalpy_skips.py).

The sources are excerpts of GraalPy's copy of the tests (graalpython/lib-python/3/test/
at 85d36e23), written to a tmp GraalPy tree committed to git, which the oracle reads
as it reads the real one.
"""

from __future__ import annotations

import ast
import json
import subprocess
from pathlib import Path

import pytest

from benchmarks import graalpy_oracle as oracle

edits, skips = oracle.edits, oracle.skips  # as the oracle imports them (benchmarks/ on sys.path)

SUBPROCESS = """
import selectors, subprocess, sys, unittest
from test import support

class BaseTestCase(unittest.TestCase):
    pass

class ProcessTestCase(BaseTestCase):

    def test_io_buffered_by_default(self):
        p = subprocess.Popen(ZERO_RETURN_CMD, stdin=subprocess.PIPE)
        p.wait()

    @support.impl_detail("GR-30439 graalpython jvm launcher startup time", graalpy=False)
    def test_check_output_timeout(self):
        # check_output() function with timeout arg
        with self.assertRaises(subprocess.TimeoutExpired) as c:
            output = subprocess.check_output(
                    [sys.executable, "-c",
                     "import time; time.sleep(3600)"],
                    timeout=3)

@unittest.skipUnless(hasattr(selectors, 'PollSelector'),
                     "Test needs selectors.PollSelector")
class ProcessTestCaseNoPoll(ProcessTestCase):
    def setUp(self):
        self.orig_selector = subprocess._PopenSelector
        subprocess._PopenSelector = selectors.SelectSelector
        ProcessTestCase.setUp(self)
"""
OS = """
import os, sys, unittest
from test import support
from test.support import os_helper

class FileTests(unittest.TestCase):
    @support.cpython_only
    def test_rename(self):
        path = os_helper.TESTFN
        old = sys.getrefcount(path)
        self.assertRaises(TypeError, os.rename, path, 0)
        new = sys.getrefcount(path)
        self.assertEqual(old, new)
"""
SOCKET = """
import os, socket, sys, unittest
from test.support import os_helper

class TestUnixDomain(unittest.TestCase):

    def testBytesAddr(self):
        # Test binding to a bytes pathname.
        path = os.path.abspath(os_helper.TESTFN)
        self.bind(self.sock, self.encoded(path))

    @unittest.skipIf(sys.implementation.name == 'graalpy', 'GR-40979')
    def testSurrogateescapeBind(self):
        path = os.path.abspath(os_helper.TESTFN_UNICODE)
        b = self.encoded(path)
        self.bind(self.sock, b.decode("ascii", "surrogateescape"))
"""
MULTIPROCESSING = """
import multiprocessing, unittest
from test import support
from test.support import hashlib_helper

@support.impl_detail("multiprocessing manager not supported", graalpy=False)
@hashlib_helper.requires_hashdigest('sha256')
class TestInitializers(unittest.TestCase):
    def setUp(self):
        self.mgr = multiprocessing.Manager()
        self.ns = self.mgr.Namespace()
        self.ns.test = 0

    def test_manager_initializer(self):
        m = multiprocessing.managers.SyncManager()
        self.assertRaises(TypeError, m.start, 1)
"""
SPAWN_MISC = """import unittest
from test._test_multiprocessing import install_tests_in_module_dict

install_tests_in_module_dict(globals(), 'spawn', exclude_types=True)
"""
JAVA_BACKEND = "__graalpython__.posix_module_backend() == 'java'"  # _test_multiprocessing's IS_GRAALPY_JAVA_POSIX
TAGS = {  # GraalPy passes the first test of each file; the others are untagged
    "test_subprocess": "test.test_subprocess.ProcessTestCase.test_io_buffered_by_default\n",
    "test_os": "",
}


@pytest.fixture
def graalpython(tmp_path: Path) -> Path:
    """The git directory of a GraalPy tree holding these excerpts of its copy of the tests."""
    root = tmp_path / "graalpython"
    test = root / edits.GRAALPY_TESTS
    (test / "test_multiprocessing_spawn").mkdir(parents=True)
    for name, text in (
        ("test_subprocess.py", SUBPROCESS), ("test_os.py", OS), ("test_socket.py", SOCKET),
        ("_test_multiprocessing.py", MULTIPROCESSING), ("test_multiprocessing_spawn/__init__.py", ""),
        ("test_multiprocessing_spawn/test_misc.py", SPAWN_MISC),
    ):  # fmt: skip
        (test / name).write_text(text)
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@t", "-C", str(root)]
    for command in (["init", "-q"], ["add", "."], ["commit", "-qm", "copy"]):
        subprocess.run([*git, *command], check=True)
    return root / ".git"


def _skip(test: str, graalpython: Path) -> skips.Skip | None:
    return skips.skip_of(test, edits.TestSources(edits.graalpy_reader(graalpython)))


def test_a_method_s_impl_detail_for_graalpy_skips_it_in_the_class_and_its_subclasses(graalpython: Path) -> None:
    for case in ("ProcessTestCase", "ProcessTestCaseNoPoll"):
        found = _skip(f"test.test_subprocess.{case}.test_check_output_timeout", graalpython)
        assert found is not None
        assert found.where == "test_check_output_timeout"
        assert found.decorator.startswith('@support.impl_detail("GR-30439 graalpython jvm launcher')
    assert _skip("test.test_subprocess.ProcessTestCase.test_io_buffered_by_default", graalpython) is None
    # skipUnless(hasattr(selectors, 'PollSelector')) names no implementation: not GraalPy's by the rule
    assert _skip("test.test_subprocess.ProcessTestCaseNoPoll.test_io_buffered_by_default", graalpython) is None


def test_skip_if_on_the_implementation_s_name_and_a_class_decorator_skip(graalpython: Path) -> None:
    found = _skip("test.test_socket.TestUnixDomain.testSurrogateescapeBind", graalpython)
    assert found == skips.Skip(
        "test.test_socket.TestUnixDomain.testSurrogateescapeBind",
        "@unittest.skipIf(sys.implementation.name == 'graalpy', 'GR-40979')",
        "testSurrogateescapeBind",
    )
    assert _skip("test.test_socket.TestUnixDomain.testBytesAddr", graalpython) is None
    through_spawn = _skip(
        "test.test_multiprocessing_spawn.test_misc.TestInitializers.test_manager_initializer", graalpython
    )
    assert through_spawn is not None and through_spawn.where == "TestInitializers"


def test_cpython_only_is_cpython_s_marker_and_stays_a_failure(graalpython: Path) -> None:
    assert _skip("test.test_os.FileTests.test_rename", graalpython) is None
    assert _skip("test.test_os.FileTests.test_absent", graalpython) is None
    assert _skip("test.test_absent.C.test_x", graalpython) is None


@pytest.mark.parametrize(
    ("decorator", "skipped"),
    [
        ("support.impl_detail('relies on GC', graalpy=False)", True),
        ("support.impl_detail('refcounting', cpython=True)", False),
        ("support.cpython_only", False),
        ("unittest.skipIf(sys.implementation.name == 'graalpy', 'GR-40979')", True),
        ("unittest.skipIf(sys.implementation.name != 'graalpy', 'x')", False),
        ("unittest.skipUnless(sys.implementation.name != 'graalpy', 'x')", True),
        ("unittest.skipIf(sys.implementation.name in ('pypy', 'graalpy'), 'x')", True),
        ("unittest.skipIf(sys.implementation.name not in ('pypy', 'graalpy'), 'x')", False),
        ("unittest.skipIf(sys.implementation.name in 'graalpython', 'x')", False),  # not a tuple: unknown
        ("unittest.skipIf(support.is_graalpy, 'x')", True),
        ("unittest.skipIf(not support.is_graalpy, 'x')", False),
        (f"unittest.skipIf(sys.implementation.name == 'graalpy' and {JAVA_BACKEND}, 'x')", False),  # unknown
        ("unittest.skipIf(sys.implementation.name == 'graalpy' or sys.platform == 'win32', 'x')", True),
        ("unittest.skipIf(IS_LINUX, \"AttributeError: module 'os' has no attribute 'statvfs'\")", False),
    ],
)
def test_which_decorators_skip_on_graalpy(decorator: str, skipped: bool) -> None:
    assert skips.skips_on_graalpy(ast.parse(decorator, mode="eval").body) is skipped


def test_the_oracle_takes_graalpy_skips_out_of_its_failures_and_keeps_the_old_figure(
    graalpython: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tags = tmp_path / "tags"
    tags.mkdir()
    for module, text in TAGS.items():
        (tags / f"{module}.txt").write_text(text)
    tests = {
        "test_subprocess": ["ProcessTestCase.test_io_buffered_by_default", "ProcessTestCase.test_check_output_timeout"],
        "test_os": ["FileTests.test_rename"],
    }
    runs = {
        module: {
            "plain": oracle.Run({f"test.{module}.{name}": "ok" for name in names}, 1.0, 0),
            "interposed": oracle.Run({f"test.{module}.{name}": "ok" for name in names}, 1.0, 0),  # all missed
        }
        for module, names in tests.items()
    }
    saved = tmp_path / "run.json"
    args = oracle.argparse.Namespace(python="python3.13", backend="native", policy="enforce", commit="abc")
    oracle._save(saved, args, runs, {}, {"test_subprocess": [skips.Skip("t", "@d", "f")]})
    assert json.loads(saved.read_text())["graalpy_skipped"] == {"test_subprocess": [{"test": "t", "decorator": "@d", "where": "f"}]}  # fmt: skip # noqa: E501
    no_cpython = tmp_path / "no-cpython"
    command = ["--load", str(saved), "--tags", str(tags), "--cpython-tests", str(no_cpython)]
    oracle.main([*command, "--graalpython", str(graalpython), "--list"])
    out = capsys.readouterr().out
    rows = {line.split()[0]: line.split()[1:] for line in out.splitlines() if line.startswith(("test_", "total"))}
    # P, G∩P, I, false alarms, GraalPy-edit, GraalPy skips, caught, missed, caught %, of untagged
    assert rows["test_subprocess"] == ["2", "1", "2", "0", "0", "1", "0", "0", "-", "0%"]
    assert rows["test_os"] == ["1", "0", "1", "0", "0", "0", "0", "1", "0%", "0%"]
    assert rows["total"] == ["(tagged)", "3", "1", "3", "0", "0", "1", "0", "1", "0%", "0%"]
    listed = out.split("test_subprocess: skipped by GraalPy's copy (1)")[1].splitlines()[1]
    assert listed.split()[0] == "test.test_subprocess.ProcessTestCase.test_check_output_timeout"
    assert "(passes interposed; test_check_output_timeout: @support.impl_detail(" in listed
    oracle.main(command)  # without GraalPy's sources: counted as before
    out = capsys.readouterr().out
    assert "no GraalPy skips told apart" in out
    row = next(line for line in out.splitlines() if line.startswith("test_subprocess")).split()
    assert row[6:] == ["-", "0", "1", "0%", "0%"]  # no skips told apart: the miss counts
