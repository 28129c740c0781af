"""multiprocessing and concurrent.futures as GraalPy's patched stdlib: spawn only, with real child processes.

On GraalPy `Pool(2).map` works on the native backend (by spawn), the fork and forkserver contexts refuse to
start a process, and on the java backend spawn itself refuses.  The spawn children start through the .pth
line, so they are interposed too.
"""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

import pytest

from tests.conftest import read_events, run_interposed, run_python

POOL = """
import concurrent.futures, multiprocessing, os, select

def square(x):
    return x * x

def child_view(_):
    return hasattr(os, "pread"), hasattr(select, "poll"), multiprocessing.get_start_method()

if __name__ == "__main__":
    print(multiprocessing.get_all_start_methods(), multiprocessing.get_start_method())
    with multiprocessing.Pool(2) as pool:
        print(pool.map(square, range(6)))
        print(sorted(set(pool.map(child_view, range(4)))))
    with concurrent.futures.ProcessPoolExecutor(2) as executor:
        print(list(executor.map(square, range(6))))
"""
START = """
import multiprocessing, sys

def work():
    pass

if __name__ == "__main__":
    method = sys.argv[1]
    try:
        process = multiprocessing.get_context(method).Process(target=work)
        process.start()
    except Exception as error:
        print(type(error).__name__, error)
    else:
        process.join()
        print("exit", process.exitcode)
"""


def _run(
    tmp_path: Path, program: str, *options: str, args: tuple[str, ...] = ()
) -> tuple[str, list[dict[str, object]]]:
    log_file = tmp_path / "events.jsonl"
    log_file.unlink(missing_ok=True)
    (tmp_path / "prog.py").write_text(textwrap.dedent(program))
    result = run_interposed(f"--log.file={log_file}", *options, "prog.py", *args, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    return result.stdout, read_events(log_file)


def test_pool_and_process_pool_executor_work_by_spawn_under_native_enforce(tmp_path: Path) -> None:
    out, events = _run(tmp_path, POOL)
    assert out.splitlines() == [
        "['spawn'] spawn",
        "[0, 1, 4, 9, 16, 25]",
        "[(False, False, 'spawn')]",  # the children are interposed: GraalPy's surface there too
        "[0, 1, 4, 9, 16, 25]",
    ]
    assert events == []


def test_under_warn_cpythons_default_stays_and_fork_is_logged(tmp_path: Path) -> None:
    plain = run_python("-c", "import multiprocessing as m; print(m.get_all_start_methods(), m.get_start_method())")
    out, events = _run(tmp_path, POOL, "--policy=warn")
    lines = out.splitlines()
    assert lines[0] == plain.stdout.strip()
    assert lines[1] == lines[3] == "[0, 1, 4, 9, 16, 25]"
    if "fork" in plain.stdout.split("]")[1]:  # fork is CPython's default on Linux up to 3.13
        logged = {(e["limitation"], e["outcome"]) for e in events}
        assert ("multiprocessing.fork", "allowed") in logged
        assert ("process.fork", "allowed") in logged


@pytest.mark.parametrize("method", ["fork", "forkserver"])
@pytest.mark.parametrize("backend", ["native", "java"])
def test_fork_and_forkserver_refuse_to_start_under_enforce(tmp_path: Path, backend: str, method: str) -> None:
    """fork refuses to start; forkserver is not even available on GraalPy (its socket cannot pass fds)."""
    out, events = _run(tmp_path, START, f"--posix-backend={backend}", args=(method,))
    refused = {
        "fork": ("NotImplementedError 'fork' not supported on GraalPy", "multiprocessing.fork", 11),
        "forkserver": ("ValueError forkserver start method not available", "multiprocessing.get_context", 10),
    }
    message, function, line = refused[method]
    assert out.strip() == message
    assert [(e["limitation"], e["function"], e["callsite"]["line"], e["outcome"]) for e in events] == [  # type: ignore[index]
        (f"multiprocessing.{method}", function, line, "raised")
    ]
    assert events[0]["hint"]


@pytest.mark.parametrize("method", ["fork", "forkserver"])
def test_fork_and_forkserver_start_under_warn_and_are_logged(tmp_path: Path, method: str) -> None:
    out, events = _run(tmp_path, START, "--policy=warn", args=(method,))
    assert out.strip() == "exit 0"
    logged = {(e["limitation"], e["callsite"]["line"], e["outcome"]) for e in events}  # type: ignore[index]
    assert (f"multiprocessing.{method}", 11, "allowed") in logged


def test_spawn_refuses_on_the_java_backend_under_enforce(tmp_path: Path) -> None:
    out, events = _run(tmp_path, START, "--posix-backend=java", args=("spawn",))
    assert out.strip() == "ValueError multiprocessing not supported with the java POSIX backend"
    assert [(e["limitation"], e["callsite"]["line"]) for e in events] == [("multiprocessing.java", 11)]  # type: ignore[index]


def test_spawn_starts_on_the_java_backend_under_warn_and_is_logged(tmp_path: Path) -> None:
    out, events = _run(tmp_path, START, "--posix-backend=java", "--policy=warn", args=("spawn",))
    assert out.strip() == "exit 0"
    assert ("multiprocessing.java", "allowed") in {(e["limitation"], e["outcome"]) for e in events}


def test_the_start_methods_are_a_fine_event(tmp_path: Path) -> None:
    program = "import multiprocessing\nprint(multiprocessing.get_all_start_methods())\n"
    out, events = _run(tmp_path, program, "--log.python.compatibility.level=FINE")
    assert out.strip() == "['spawn']"
    assert [(e["limitation"], e["level"], e["outcome"]) for e in events] == [
        ("multiprocessing.start_methods", "FINE", "changed")
    ]


@pytest.mark.usefixtures("clean_activation")
def test_a_multiprocessing_imported_before_activation_is_patched_and_put_back() -> None:
    import multiprocessing
    import multiprocessing.context

    import interpose

    methods, default = multiprocessing.get_all_start_methods(), multiprocessing.get_start_method(allow_none=True)
    popen = vars(multiprocessing.context.ForkProcess)["_Popen"]
    with interpose.activated(backend="native", log_level="OFF"):
        assert multiprocessing.get_all_start_methods() == ["spawn"]
        assert multiprocessing.get_context().get_start_method() == "spawn"
        with pytest.raises(NotImplementedError, match="'fork' not supported on GraalPy"):
            multiprocessing.get_context("fork").Process(target=print).start()
    assert multiprocessing.get_all_start_methods() == methods
    assert multiprocessing.get_start_method(allow_none=True) == default
    assert vars(multiprocessing.context.ForkProcess)["_Popen"] is popen
    assert "get_all_start_methods" not in vars(multiprocessing.context._default_context)


SYNCHRONIZATION = """
import concurrent.futures, multiprocessing
from multiprocessing import shared_memory
from multiprocessing.pool import ThreadPool

def attempt(name, make):
    try:
        made = make()
    except Exception as error:
        print(name, type(error).__name__, error)
    else:
        print(name, "made", made if isinstance(made, list) else "")

if __name__ == "__main__":
    attempt("Lock", multiprocessing.Lock)
    attempt("Queue", multiprocessing.Queue)
    attempt("ProcessPoolExecutor", lambda: concurrent.futures.ProcessPoolExecutor(2))
    attempt("ThreadPool", lambda: ThreadPool(2).map(abs, [-1, -2]))
    attempt("SharedMemory", lambda: shared_memory.SharedMemory(create=True, size=16).unlink())
"""


def test_on_the_java_backend_no_semlock_and_no_shared_memory_but_thread_pools_work(tmp_path: Path) -> None:
    """GraalPy's emulated semOpen throws EINVAL and shm_open is unsupported; its ThreadPool takes a threading lock."""
    out, events = _run(tmp_path, SYNCHRONIZATION, "--posix-backend=java")
    assert out.splitlines() == [
        "Lock OSError [Errno 22] Invalid argument",
        "Queue OSError [Errno 22] Invalid argument",
        "ProcessPoolExecutor OSError [Errno 22] Invalid argument",
        "ThreadPool made [1, 2]",
        "SharedMemory UnsupportedOperation Feature not supported on 'java' POSIX backend: shm_open",
    ]
    hits = {(e["limitation"], e["callsite"]["line"], e["use"]) for e in events if e["level"] == "INFO"}  # type: ignore[index]
    assert hits == {
        ("multiprocessing.semlock", 8, "guarded"),  # Lock and Queue: make() inside attempt's try/except Exception
        ("multiprocessing.semlock", 17, "unguarded"),  # the lambda is the program's frame, outside any try
        ("mmap.shm_open", 19, "unguarded"),
    }


@pytest.mark.parametrize("options", [("--posix-backend=java", "--policy=warn"), ("--posix-backend=native",)])
def test_elsewhere_they_are_cpythons(tmp_path: Path, options: tuple[str, ...]) -> None:
    out, events = _run(tmp_path, SYNCHRONIZATION, *options)
    plain = run_python("-c", textwrap.dedent(SYNCHRONIZATION))
    assert out == plain.stdout
    semlock = [e["outcome"] for e in events if e["limitation"] == "multiprocessing.semlock"]
    assert set(semlock) == ({"allowed"} if "--policy=warn" in options else set())  # one per (call site, via)


LOCAL_TARGET = """
import multiprocessing

def main():
    def work():
        print("child ran")
    process = multiprocessing.Process(target=work)
    try:
        process.start()
    except Exception as error:
        print(type(error).__name__)
    else:
        process.join()

if __name__ == "__main__":
    main()
"""


def test_a_target_spawn_cannot_pickle_is_explained_at_info(tmp_path: Path) -> None:
    """Fork (CPython's default on Linux) copies a local function; spawn (GraalPy's) must pickle it, and cannot."""
    plain = run_python("-c", textwrap.dedent(LOCAL_TARGET))
    assert plain.stdout.strip() == ("child ran" if sys.version_info < (3, 14) else "AttributeError")
    out, events = _run(tmp_path, LOCAL_TARGET)
    assert out.strip() in ("AttributeError", "PicklingError")
    info = [(e["limitation"], e["callsite"]["line"]) for e in events if e["level"] == "INFO"]
    assert info == [("multiprocessing.spawn_pickle", 9)]


FD_TRANSFER = """
import os, socket
from multiprocessing import reduction
with open("data", "wb") as f:
    f.write(b"sent by fd")
fd = os.open("data", os.O_RDONLY)
a, b = socket.socketpair(socket.AF_UNIX)
reduction.sendfds(a, [fd])
received, = reduction.recvfds(b, 1)
print(received != fd, os.read(received, 64).decode())
os.close(received); os.close(fd)
"""


def test_fds_sent_over_a_unix_socket_reach_the_receiver_under_java_warn(tmp_path: Path) -> None:
    """The emulated fd's real file is sent (GraalPy's socket cannot send fds at all: socket.names)."""
    (tmp_path / "plain").mkdir()
    (tmp_path / "plain" / "prog.py").write_text(FD_TRANSFER)
    plain = run_python("prog.py", cwd=tmp_path / "plain")
    out, events = _run(tmp_path, FD_TRANSFER, "--posix-backend=java", "--policy=warn")
    assert out == plain.stdout == "True sent by fd\n"
    assert ("socket.names", "socket.socket.sendmsg") in {(e["limitation"], e["function"]) for e in events}
