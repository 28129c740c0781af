"""Under java+warn, fds that C code makes for the program (openpty, forkpty, shared memory) are the program's own.

GraalPy lacks or refuses these (fd.openpty, process.forkpty, mmap.shm_open); under warn the host's run and are
logged, and what they return must then work with the emulated fd functions, as on CPython (found by running
pexpect's and CPython's test suites under interpose).
"""

from __future__ import annotations

import textwrap
from pathlib import Path

from tests.conftest import read_events, run_interposed, run_python

PROGRAM = """
import os
from multiprocessing.shared_memory import SharedMemory

main, follower = os.openpty()
os.write(follower, b"ping\\n")
print("openpty", os.read(main, 100).strip())
os.close(follower); os.close(main)

pid, fd = os.forkpty()
if pid == 0:
    os.execv("/bin/echo", ["echo", "from the child"])
print("forkpty", os.read(fd, 100).strip())
os.waitpid(pid, 0)
os.close(fd)

memory = SharedMemory(create=True, size=16)
memory.buf[:2] = b"hi"
other = SharedMemory(memory.name)
print("shared memory", bytes(other.buf[:2]))
other.close(); memory.close(); memory.unlink()
"""


def test_the_hosts_fds_work_under_warn_as_on_cpython(tmp_path: Path) -> None:
    (tmp_path / "prog.py").write_text(textwrap.dedent(PROGRAM))
    plain = run_python("prog.py", cwd=tmp_path)
    assert plain.returncode == 0, plain.stderr
    log = tmp_path / "events.jsonl"
    result = run_interposed("--posix-backend=java", "--policy=warn", f"--log.file={log}", "prog.py", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout == plain.stdout
    logged = {e["limitation"] for e in read_events(log)}
    assert {"fd.openpty", "process.forkpty", "mmap.shm_open"} <= logged
