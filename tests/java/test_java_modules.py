"""Issue 8: the java backend's refusals beyond posix (pwd, socket, select, mmap, fcntl.ioctl, pty).

Each program runs through the real command line: plain CPython, interposed under `warn` (CPython's results, the
hit logged) and under `enforce` (GraalPy's exception with its exact message, or its result).
"""

from __future__ import annotations

import os
import pwd
from pathlib import Path

import pytest

from tests.conftest import run_interposed, run_python
from tests.java.test_checklist import U, check, hits, plain, run


def _other_user() -> pwd.struct_passwd:
    others = [entry for entry in pwd.getpwall() if entry.pw_uid != os.getuid()]
    if not others:
        pytest.skip("no other user in the password database")
    return others[0]


def test_pwd_knows_only_the_current_user(tmp_path: Path) -> None:
    other = _other_user()
    check(tmp_path, f"""
        import pwd
        show("uid", lambda: pwd.getpwuid({other.pw_uid}).pw_name)
        show("name", lambda: pwd.getpwnam({other.pw_name!r}).pw_uid)
        show("all", lambda: len(pwd.getpwall()) > 1)
        show("own", lambda: pwd.getpwuid(os.getuid()).pw_uid == os.getuid())
        """, ["uid " + U + "getpwuid with other uid than the current user",
              "name " + U + "getpwnam with other uid than the current user",
              "all " + U + "getpwent", "own True"],
          [("pwd.other_user", "pwd.getpwuid"), ("pwd.other_name", "pwd.getpwnam"),
           ("pwd.getpwall", "pwd.getpwall")])  # fmt: skip


def test_an_unknown_name_is_another_user_for_graalpy(tmp_path: Path) -> None:
    body = 'import pwd; show("name", lambda: pwd.getpwnam("no-such-user-here"))'
    enforced, events = run(tmp_path, body, "enforce")
    assert enforced == ["name " + U + "getpwnam with other uid than the current user"]
    assert hits(events) == [("pwd.other_name", "pwd.getpwnam")]
    warned, _ = run(tmp_path, body, "warn")
    assert warned == plain(tmp_path, body) == ["name KeyError \"getpwnam(): name not found: 'no-such-user-here'\""]


def test_the_current_users_shell_is_bin_sh_noted_at_finer(tmp_path: Path) -> None:
    body = """
        import pwd
        own = pwd.getpwuid(os.getuid())
        print(own.pw_shell, pwd.getpwnam(own.pw_name).pw_shell, own.pw_dir)
        """
    enforced, enforce_events = run(tmp_path, body, "enforce", level="FINER")
    real = pwd.getpwuid(os.getuid())
    assert enforced == [f"/bin/sh /bin/sh {real.pw_dir}"]
    assert hits(enforce_events) == [("pwd.default_shell", "pwd.getpwuid"), ("pwd.default_shell", "pwd.getpwnam")]
    assert {e["level"] for e in enforce_events} == {"FINER"}
    warned, warn_events = run(tmp_path, body, "warn", level="FINER")
    assert warned == plain(tmp_path, body) == [f"{real.pw_shell} {real.pw_shell} {real.pw_dir}"]
    assert hits(warn_events) == hits(enforce_events)
    (tmp_path / "quiet").mkdir()
    quiet, events = run(tmp_path / "quiet", body, "enforce", level="FINE")  # FINER is below FINE: nothing written
    assert quiet == enforced and events == []


def test_af_unix_is_removed_and_refused(tmp_path: Path) -> None:
    body = """
        import socket
        print(hasattr(socket, "AF_UNIX"))
        show("unix", lambda: int(socket.socket(1, socket.SOCK_STREAM).family))  # int: 3.10 prints enums by name
        show("inet", lambda: int(socket.socket(socket.AF_INET, socket.SOCK_STREAM).family))
        """
    enforced, events = run(tmp_path, body, "enforce", level="FINER")
    assert enforced == ["False", "unix OSError [Errno 97] Address family not supported by protocol", "inet 2"]
    assert hits(events) == [("socket.af_unix", "socket.AF_UNIX"), ("socket.af_unix", "socket.__new__")]
    assert events[0]["use"] == "probe" and events[0]["level"] == "FINER"
    warned, warn_events = run(tmp_path, body, "warn")
    assert warned == plain(tmp_path, body) == ["True", "unix 1", "inet 2"]
    assert hits(warn_events) == [("socket.af_unix", "socket.__new__")]


def test_socketpair_is_the_loopback_fallback_and_not_a_use_of_af_unix(tmp_path: Path) -> None:
    body = """
        import socket
        a, b = socket.socketpair()
        a.sendall(b"ping")
        print(a.family.name, b.recv(4))
        """
    enforced, events = run(tmp_path, body, "enforce")
    assert enforced == ["AF_INET b'ping'"] and events == []
    warned, events = run(tmp_path, body, "warn")
    assert warned == plain(tmp_path, body) == ["AF_UNIX b'ping'"] and events == []


def test_select_never_reports_exceptional_conditions(tmp_path: Path) -> None:
    body = """
        import select, socket
        with socket.create_server(("127.0.0.1", 0)) as server:
            sender = socket.create_connection(server.getsockname())
            receiver, _ = server.accept()
            sender.send(b"!", 1)  # MSG_OOB, which GraalPy's socket does not define
            import time; time.sleep(0.2)
            r, w, x = select.select([], [], [receiver], 1)
            print(len(r), len(w), len(x))
            r, w, x = select.select([receiver], [], [receiver], 1)
            print(len(r), len(w), len(x))
        """
    enforced, events = run(tmp_path, body, "enforce")
    assert enforced == ["0 0 0", "0 0 0"]
    assert hits(events) == [("select.exceptional_conditions", "select.select")]  # only when x is not also read
    assert events[0]["level"] == "FINE"
    warned, warn_events = run(tmp_path, body, "warn")
    assert warned == plain(tmp_path, body) == ["0 0 1", "0 0 1"]
    assert hits(warn_events) == hits(events)


def test_mmap_prot_exec_of_a_file_and_large_anonymous_maps(tmp_path: Path) -> None:
    (tmp_path / "data.bin").write_bytes(b"x" * 4096)
    check(tmp_path, """
        import mmap
        with open("data.bin", "rb") as f:
            show("exec", lambda: len(mmap.mmap(f.fileno(), 0, prot=mmap.PROT_READ | mmap.PROT_EXEC)))
            show("read", lambda: mmap.mmap(f.fileno(), 0, prot=mmap.PROT_READ)[:2])
        show("anonymous exec", lambda: len(mmap.mmap(-1, 4096, prot=mmap.PROT_READ | mmap.PROT_EXEC)))
        show("large", lambda: len(mmap.mmap(-1, 2**31)))
        show("isinstance", lambda: isinstance(mmap.mmap(-1, 16), mmap.mmap))
        """, ["exec " + U + "mmap flag PROT_EXEC", "read b'xx'", "anonymous exec 4096",
              "large " + U + "Anonymous mapping in mmap for memory larger than 2147483647", "isinstance True"],
          [("mmap.prot_exec", "mmap.mmap"), ("mmap.anonymous_large", "mmap.mmap")])  # fmt: skip


def test_ioctl_is_unsupported(tmp_path: Path) -> None:
    check(tmp_path, """
        import fcntl, termios
        r, w = os.pipe()
        os.write(w, b"abc")
        show("ioctl", lambda: fcntl.ioctl(r, termios.FIONREAD, b"0000"))
        """, ["ioctl " + U + "ioctl"], [("fd.ioctl", "fcntl.ioctl")])  # fmt: skip


def test_pty_openpty_follows_os_openpty(tmp_path: Path) -> None:
    body = 'import pty; show("pty", lambda: len(pty.openpty()))'
    enforced, events = run(tmp_path, body, "enforce")
    # GraalPy's pty.py is CPython's: it catches the refusal as an OSError and finds no BSD pty device.
    assert enforced == ["pty OSError out of pty devices"]
    assert hits(events) == [("fd.openpty", "os.openpty")]
    warned, warn_events = run(tmp_path, body, "warn")
    assert warned == plain(tmp_path, body) == ["pty 2"]
    assert hits(warn_events) == hits(events)


def test_the_modules_are_not_imported_for_a_program_that_does_not(tmp_path: Path) -> None:
    code = "import sys; print(sorted(set(sys.modules) & {'pwd', 'socket', 'mmap', 'select', 'fcntl'}))"
    interposed = run_interposed("--posix-backend=java", "--policy=enforce", "-c", code, cwd=tmp_path)
    assert interposed.returncode == 0, interposed.stderr
    assert interposed.stdout == run_python("-c", code, cwd=tmp_path).stdout


@pytest.mark.skipif(os.getuid() != 0, reason="giving a file to another user needs root")
def test_tarfile_adds_another_users_file_with_no_owner_name_as_graalpys_does(tmp_path: Path) -> None:
    other = _other_user()
    (tmp_path / "f").write_text("hi")
    os.chown(tmp_path / "f", other.pw_uid, -1)
    body = """
        import io, tarfile
        with tarfile.open(fileobj=io.BytesIO(), mode="w") as tar:
            info = tar.gettarinfo("f")
            print(info.uid, repr(info.uname))
        """
    enforced, events = run(tmp_path, body, "enforce")
    assert enforced == [f"{other.pw_uid} ''"]  # GraalPy's tarfile catches the refusal
    assert hits(events) == [("pwd.other_user", "pwd.getpwuid")]
    warned, _ = run(tmp_path, body, "warn")
    assert warned == plain(tmp_path, body) == [f"{other.pw_uid} {other.pw_name!r}"]
