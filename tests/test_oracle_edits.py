"""The oracle tells GraalPy-edited tests from false alarms (benchmarks/_graalpy_edits.py).

The sources are excerpts of the real files, CPython 3.13.0's `test` package and
GraalPy's copy (graalpython/lib-python/3/test/ at 85d36e23), written to a tmp
`test` package and a tmp GraalPy tree (a checkout, and its git directory).
"""

from __future__ import annotations

import subprocess
import textwrap
from pathlib import Path

import pytest

from benchmarks import _graalpy_edits as edits
from benchmarks import graalpy_oracle as oracle

CPYTHON_SOCKET = """
import socket, unittest

class SocketPairTest(unittest.TestCase):
    def setUp(self):
        self.serv, self.cli = socket.socketpair()

class BasicSocketPairTest(SocketPairTest):

    def _check_defaults(self, sock):
        self.assertIsInstance(sock, socket.socket)
        if hasattr(socket, 'AF_UNIX'):
            self.assertEqual(sock.family, socket.AF_UNIX)
        else:
            self.assertEqual(sock.family, socket.AF_INET)
        self.assertEqual(sock.type, socket.SOCK_STREAM)
        self.assertEqual(sock.proto, 0)

    def _testDefaults(self):
        self._check_defaults(self.cli)

    def testDefaults(self):
        self._check_defaults(self.serv)

class GeneralModuleTests(unittest.TestCase):
    def testCrucialConstants(self):
        # Testing for mission critical constants
        socket.AF_INET
        socket.SOCK_STREAM
        socket.SOCK_RAW
        socket.SOCK_RDM
        socket.SOCK_SEQPACKET

class NetworkConnectionNoServer(unittest.TestCase):
    def test_create_connection_timeout(self):
        # Issue #9792: create_connection() should not recast timeout errors
        # as generic socket errors.
        with self.mocked_socket_module():
            try:
                socket.create_connection((HOST, 1234))
            except TimeoutError:
                pass
"""
GRAALPY_SOCKET = (  # the edits of GraalPy's copy, and a comment reworded (which does not count)
    CPYTHON_SOCKET.replace("import socket, unittest", "import socket, sys, unittest")
    .replace(
        "        if hasattr(socket, 'AF_UNIX'):\n",
        "        # GR-40979\n        if hasattr(socket, 'AF_UNIX') and sys.implementation.name != 'graalpy':\n",
    )
    .replace(
        "        socket.SOCK_RAW\n        socket.SOCK_RDM\n        socket.SOCK_SEQPACKET\n",
        "        # XXX GraalVM change: we don't support these socket types\n"
        "        # socket.SOCK_RAW\n        # socket.SOCK_RDM\n        # socket.SOCK_SEQPACKET\n",
    )
    .replace(
        "        # as generic socket errors.\n",
        "        # as generic socket errors (issue #9792).\n",
    )
)
CPYTHON_MULTIPROCESSING = '''
import multiprocessing, sys, unittest

class _TestLock(unittest.TestCase):
    def test_lock(self):
        lock = self.Lock()
        self.assertEqual(lock.acquire(), True)

class TestSyncManagerTypes(unittest.TestCase):
    def test_lock(self, lname="Lock"):
        """Same name, another class: the generated class's lookup must not take it."""
        self.run_worker(self._test_lock, o)

class TestStartMethod(unittest.TestCase):
    def test_get_all(self):
        methods = multiprocessing.get_all_start_methods()
        if sys.platform == 'win32':
            self.assertEqual(methods, ['spawn'])
        else:
            self.assertTrue(methods == ['fork', 'spawn'] or
                            methods == ['spawn', 'fork'] or
                            methods == ['fork', 'spawn', 'forkserver'] or
                            methods == ['spawn', 'fork', 'forkserver'])

def install_tests_in_module_dict(remote_globs, start_method):
    pass
'''
GRAALPY_MULTIPROCESSING = CPYTHON_MULTIPROCESSING.replace(
    """            self.assertTrue(methods == ['fork', 'spawn'] or
                            methods == ['spawn', 'fork'] or
                            methods == ['fork', 'spawn', 'forkserver'] or
                            methods == ['spawn', 'fork', 'forkserver'])""",
    """            self.assertEqual(methods, ['spawn'])""",
).replace("        self.assertEqual(lock.acquire(), True)", "        self.assertEqual(lock.acquire(), 'changed')")
SPAWN_MISC = """
import unittest
from test._test_multiprocessing import install_tests_in_module_dict

install_tests_in_module_dict(globals(), 'spawn', exclude_types=True)
"""
GRAALPY_TEST = "graalpython/lib-python/3/test"


def _package(root: Path, socket_text: str, multiprocessing_text: str) -> Path:
    root.mkdir(parents=True)
    (root / "test_socket.py").write_text(textwrap.dedent(socket_text))
    (root / "_test_multiprocessing.py").write_text(multiprocessing_text)
    (root / "test_multiprocessing_spawn").mkdir()
    (root / "test_multiprocessing_spawn" / "__init__.py").write_text("")
    (root / "test_multiprocessing_spawn" / "test_misc.py").write_text(SPAWN_MISC)
    (root / "test_multiprocessing_spawn" / "test_processes.py").write_text(SPAWN_MISC)
    return root


@pytest.fixture
def copies(tmp_path: Path) -> tuple[Path, Path]:
    """CPython's `test` package, and a GraalPy checkout holding its copy (committed, for its git directory)."""
    cpython = _package(tmp_path / "cpython" / "test", CPYTHON_SOCKET, CPYTHON_MULTIPROCESSING)
    graalpython = tmp_path / "graalpython"
    _package(graalpython / GRAALPY_TEST, GRAALPY_SOCKET, GRAALPY_MULTIPROCESSING)
    (graalpython / oracle.GRAALPY_TAGS).mkdir(parents=True)
    (graalpython / oracle.GRAALPY_TAGS / "test_socket.txt").write_text(
        "test.test_socket.BasicSocketPairTest.testDefaults @ linux-x86_64\n"
        "test.test_socket.GeneralModuleTests.testCrucialConstants @ linux-x86_64\n"
        "test.test_socket.NetworkConnectionNoServer.test_create_connection_timeout @ linux-x86_64\n"
    )
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@t", "-C", str(graalpython)]
    for command in (["init", "-q"], ["add", "."], ["commit", "-qm", "copy"]):
        subprocess.run([*git, *command], check=True)
    return cpython, graalpython


def _compare(test: str, cpython: Path, graalpython: Path) -> edits.Verdict:
    ours = edits.TestSources(edits.directory_reader(cpython))
    return edits.compare(test, ours, edits.TestSources(edits.graalpy_reader(graalpython)))


@pytest.mark.parametrize("source", ["checkout", "git directory"])
def test_a_helper_graalpy_changed_makes_the_test_edited(copies: tuple[Path, Path], source: str) -> None:
    cpython, graalpython = copies
    where = graalpython if source == "checkout" else graalpython / ".git"
    verdict = _compare("test.test_socket.BasicSocketPairTest.testDefaults", cpython, where)
    assert verdict.edited is True
    assert verdict.differing == ("_check_defaults",)  # testDefaults and _testDefaults are the same
    assert verdict.marker == "# GR-40979"  # the comment above the changed line


def test_commented_out_statements_make_the_test_edited(copies: tuple[Path, Path]) -> None:
    verdict = _compare("test.test_socket.GeneralModuleTests.testCrucialConstants", *copies)
    assert verdict.edited is True and verdict.differing == ("testCrucialConstants",)
    assert verdict.marker == "# XXX GraalVM change: we don't support these socket types"


def test_a_test_whose_code_is_the_same_stays_a_false_alarm(copies: tuple[Path, Path]) -> None:
    """Only its comments differ: a real false alarm must not be hidden."""
    assert "(issue #9792)" in GRAALPY_SOCKET and "(issue #9792)" not in CPYTHON_SOCKET
    verdict = _compare("test.test_socket.NetworkConnectionNoServer.test_create_connection_timeout", *copies)
    assert verdict == edits.Verdict("test.test_socket.NetworkConnectionNoServer.test_create_connection_timeout", False)


def test_a_method_is_found_in_the_module_the_test_package_imports(copies: tuple[Path, Path]) -> None:
    verdict = _compare("test.test_multiprocessing_spawn.test_misc.TestStartMethod.test_get_all", *copies)
    assert verdict.edited is True and verdict.differing == ("test_get_all",)
    assert verdict.marker is None  # GraalPy's copy changed it without saying so
    generated = "test.test_multiprocessing_spawn.test_processes.WithProcessesTestLock.test_lock"
    verdict = _compare(generated, *copies)
    assert verdict.edited is True and verdict.differing == ("test_lock",)  # _TestLock's, not TestSyncManagerTypes'


def test_a_test_not_found_is_not_compared(copies: tuple[Path, Path]) -> None:
    verdict = _compare("test.test_socket.GeneralModuleTests.testNoSuchThing", *copies)
    assert verdict.edited is None and "GeneralModuleTests.testNoSuchThing not found" in verdict.reason
    verdict = _compare("test.test_glob.GlobTests.test_glob", *copies)
    assert verdict.edited is None and verdict.reason == "CPython's copy: no source"


def _saved_run(tmp_path: Path) -> Path:
    """A run of test_socket where interpose fails all three tagged tests, as --json saves it."""
    tests = [
        "test.test_socket.BasicSocketPairTest.testDefaults",
        "test.test_socket.GeneralModuleTests.testCrucialConstants",
        "test.test_socket.NetworkConnectionNoServer.test_create_connection_timeout",
    ]
    plain = oracle.Run(dict.fromkeys(tests, "ok"), 1.0, 0)
    interposed = oracle.Run(dict.fromkeys(tests, "fail"), 1.0, 1)
    saved = tmp_path / "run.json"
    args = oracle.argparse.Namespace(python="python3.13", backend="native", policy="enforce", commit="abc")
    oracle._save(saved, args, {"test_socket": {"plain": plain, "interposed": interposed}}, {})
    return saved


def test_the_oracle_counts_edited_tests_apart(
    copies: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cpython, graalpython = copies
    saved = _saved_run(tmp_path)
    oracle.main(["--load", str(saved), "--graalpython", str(graalpython), "--cpython-tests", str(cpython), "--list"])
    out = capsys.readouterr().out
    row = next(line for line in out.splitlines() if line.startswith("test_socket"))
    assert row.split() == ["test_socket", "3", "3", "0", "1", "2", "0", "0", "0", "-", "-"]
    assert out.split("test_socket: false alarms (1)")[1].split()[0] == (
        "test.test_socket.NetworkConnectionNoServer.test_create_connection_timeout"
    )
    edited = out.split("test_socket: GraalPy-edited tests (2)")[1].splitlines()[1:3]
    assert edited[0].split()[:3] == [
        "test.test_socket.BasicSocketPairTest.testDefaults",
        "(differs:",
        "_check_defaults;",
    ]
    assert "GraalVM change" in edited[1]


def test_without_graalpy_s_tests_every_alarm_counts_and_the_output_says_so(
    copies: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cpython, graalpython = copies
    tags = tmp_path / "tags"
    tags.mkdir()
    text = oracle.tags_text("test_socket", [], graalpython)
    assert text is not None
    (tags / "test_socket.txt").write_text(text)
    oracle.main(["--load", str(_saved_run(tmp_path)), "--tags", str(tags), "--cpython-tests", str(cpython)])
    out = capsys.readouterr().out
    assert "no GraalPy-edited tests told apart: GraalPy's (--graalpython) test sources not available" in out
    assert "no GraalPy skips told apart: GraalPy's test sources not given" in out
    row = next(line for line in out.splitlines() if line.startswith("test_socket"))
    assert row.split() == ["test_socket", "3", "3", "0", "3", "-", "-", "0", "0", "-", "-"]


def test_the_saved_run_records_the_edited_alarms_and_the_list_shows_edited_misses(
    copies: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cpython, graalpython = copies
    constants, defaults = (
        "test.test_socket.GeneralModuleTests.testCrucialConstants",
        "test.test_socket.BasicSocketPairTest.testDefaults",
    )
    # testCrucialConstants: an alarm (GraalPy passes it); testDefaults: a miss (not tagged, interpose passes it)
    comparison = oracle.comparison_of(
        oracle.Run({constants: "ok", defaults: "ok"}, 1.0, 0), oracle.Run({defaults: "ok"}, 1.0, 0), {constants}
    )
    verdicts = oracle.classify({"test_socket": comparison}, cpython, graalpython)
    assert comparison.graalpy_edited == {constants} and comparison.missed == {defaults}
    args = oracle.argparse.Namespace(python="python3.13", backend="native", policy="enforce", commit="abc")
    saved = tmp_path / "run.json"
    oracle._save(saved, args, {}, oracle.edited_alarms({"test_socket": comparison}, verdicts))
    document = oracle.json.loads(saved.read_text())
    assert [entry["test"] for entry in document["graalpy_edited"]["test_socket"]] == [constants]
    oracle.print_lists({"test_socket": comparison}, verdicts)
    missed = capsys.readouterr().out.split("test_socket: missed (1)")[1].split()
    assert missed[:3] == [defaults, "(differs:", "_check_defaults;"]
