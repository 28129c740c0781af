"""GraalPy's socket module on both backends (interpose/shims/sockets.py), through real interposed child processes.

GraalPy's `_socket` defines twenty functions and a few PosixConstants tables; socket.py runs over it, so on GraalPy
`sethostname`, `if_nameindex`, `SOCK_RAW`, `MSG_PEEK`, `send_fds`, ... do not exist and `socketpair` is socket.py's
loopback fallback.  Under warn the program sees CPython's socket, each use logged.
"""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

import pytest

from tests.conftest import read_events, run_interposed, run_python

BACKENDS = ("native", "java")
# Names CPython's socket has on Linux and GraalPy's does not (a sample of each kind: functions, constants, helpers).
GRAALPY_LACKS = ("sethostname", "if_nameindex", "getprotobyname", "CMSG_LEN", "SOCK_RAW", "SOCK_NONBLOCK", "MSG_PEEK",
                 "AF_NETLINK", "send_fds", "recv_fds")  # fmt: skip
# Names GraalPy's socket has (its SocketModuleBuiltins functions, classes and constants, and socket.py's own).
GRAALPY_HAS = ("getaddrinfo", "gethostname", "inet_pton", "htons", "dup", "close", "socket", "error", "gaierror",
               "herror", "timeout", "has_ipv6", "AF_INET", "AF_INET6", "SOCK_STREAM", "SOCK_DGRAM", "SOL_SOCKET",
               "SO_REUSEADDR", "TCP_NODELAY", "IPPROTO_TCP", "IPV6_V6ONLY", "SHUT_RDWR", "AI_PASSIVE",
               "create_connection", "create_server", "socketpair", "fromfd", "getfqdn")  # fmt: skip

PROGRAM = f"""
import socket
print(sorted(name for name in {GRAALPY_LACKS!r} if hasattr(socket, name)))
print(sorted(name for name in {GRAALPY_HAS!r} if not hasattr(socket, name)))
namespace = {{}}
exec("from socket import *", namespace)
print(sorted(name for name in socket.__all__ if name not in namespace))
a, b = socket.socketpair()
with a, b:
    a.sendall(b"ping")
    print(a.family.name, b.recv(4).decode())
"""


def _run(tmp_path: Path, program: str, *options: str) -> tuple[list[str], list[dict[str, object]]]:
    log = tmp_path / "events.jsonl"
    log.unlink(missing_ok=True)
    (tmp_path / "prog.py").write_text(textwrap.dedent(program))
    result = run_interposed(f"--log.file={log}", *options, "prog.py", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines(), read_events(log)


@pytest.mark.parametrize("backend", BACKENDS)
def test_under_enforce_socket_is_graalpys_and_socketpair_is_the_loopback_fallback(tmp_path: Path, backend: str) -> None:
    out, events = _run(tmp_path, PROGRAM, f"--posix-backend={backend}")
    assert out == ["[]", "[]", "[]", "AF_INET ping"]
    assert events == []  # hasattr is a probe: below the default level


@pytest.mark.parametrize("backend", BACKENDS)
def test_under_warn_socket_is_cpythons(tmp_path: Path, backend: str) -> None:
    plain = run_python("-c", textwrap.dedent(PROGRAM)).stdout.splitlines()
    out, events = _run(tmp_path, PROGRAM, f"--posix-backend={backend}", "--policy=warn")
    assert out == plain
    assert plain[0] != "[]" and plain[3] == "AF_UNIX ping"  # the host has what GraalPy lacks
    assert events == []


USE = """
import socket, threading
threading.excepthook = lambda args: print(args.exc_type.__name__, args.exc_value)
def use():
    print(socket.if_nametoindex("lo") > 0)
thread = threading.Thread(target=use)
thread.start(); thread.join()
def pair():
    a, b = socket.socketpair(socket.AF_UNIX)
    print(a.family.name); a.close(); b.close()
thread = threading.Thread(target=pair)
thread.start(); thread.join()
"""


@pytest.mark.parametrize("backend", ["native"])
@pytest.mark.parametrize(
    "policy, expected",
    [
        ("enforce", ["AttributeError module 'socket' has no attribute 'if_nametoindex'",
                     "ValueError Only AF_INET and AF_INET6 socket address families are supported"]),
        ("warn", ["True", "AF_UNIX"]),
    ],
)  # fmt: skip
def test_a_use_is_logged_at_the_programs_line(tmp_path: Path, backend: str, policy: str, expected: list[str]) -> None:
    out, events = _run(tmp_path, USE, f"--posix-backend={backend}", f"--policy={policy}")
    assert out == expected
    seen = [(e["limitation"], e["function"], e["callsite"]["line"], e["outcome"]) for e in events]  # type: ignore[index]
    outcome = "raised" if policy == "enforce" else "allowed"
    assert seen == [("socket.names", "socket.if_nametoindex", 5, outcome),
                    ("socket.socketpair", "socket.socketpair", 9, outcome)]  # fmt: skip


def test_a_program_that_does_not_import_socket_does_not_get_it(tmp_path: Path) -> None:
    program = "import sys, subprocess, shutil, tempfile\nprint('socket' in sys.modules, '_socket' in sys.modules)\n"
    plain = run_python("-c", program).stdout.splitlines()
    out, _events = _run(tmp_path, program)
    assert out == plain == ["False False"]


MOCKED = """
import socket
class Refusing:
    def __init__(self, *args, **kwargs):
        raise TimeoutError("mocked")
real = socket.socket
socket.socket = Refusing  # as CPython's test_socket does: socket.py's own create_connection must see it
try:
    socket.create_connection(("127.0.0.1", 9))
except TimeoutError as error:
    print("timeout", error)
finally:
    socket.socket = real
print(socket.create_connection.__globals__ is vars(socket), "socket" in dir(socket))
"""


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("policy", ["enforce", "warn"])
@pytest.mark.parametrize("imported", ["after", "before"])
def test_socket_is_changed_in_place_so_its_own_functions_see_what_the_program_sets(
    tmp_path: Path, backend: str, policy: str, imported: str
) -> None:
    """socket.py's functions read its globals: a mock of socket.socket reaches create_connection, as in CPython,
    whether socket was imported after activation or before it (the API activates a running program)."""
    if imported == "after":
        out, _events = _run(tmp_path, MOCKED, f"--posix-backend={backend}", f"--policy={policy}")
    else:
        activate = f"import socket, interpose\ninterpose.activate({backend!r}, {policy!r}, log_level='OFF')\n"
        result = run_python("-c", activate + MOCKED)
        assert result.returncode == 0, result.stderr
        out = result.stdout.splitlines()
    assert out == run_python("-c", MOCKED).stdout.splitlines() == ["timeout mocked", "True True"]


def test_deactivation_gives_socket_its_own_names_back() -> None:
    import socket

    import interpose

    before = dict(vars(socket))
    with interpose.activated(backend="native", log_level="OFF"):
        assert sys.modules["socket"] is socket and not hasattr(socket, "SOCK_RAW")
        assert socket.socketpair is not before["socketpair"]
    assert vars(socket) == before
