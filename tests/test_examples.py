"""The README's example programs hit the limitations they are there to show."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import read_events, run_interposed

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def test_porting_demo_lists_every_limitation_in_one_warn_run(log_file: Path) -> None:
    result = run_interposed("--policy=warn", "--log.python.compatibility.level=FINE", f"--log.file={log_file}",
                            str(EXAMPLES / "porting_demo.py"))  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "start_worker: forked a worker" in result.stdout
    hit = {event["limitation"] for event in read_events(log_file)}
    assert hit == {"process.fork", "subprocess.preexec_fn", "subprocess.umask_ignored"}


def test_memory_demo_stays_in_memory(tmp_path: Path, log_file: Path) -> None:
    result = run_interposed("--posix-backend=java", "--fs=memory", f"--log.file={log_file}",
                            "--log.python.compatibility.level=FINER",  # its hasattr(os, "geteuid") is a probe
                            str(EXAMPLES / "memory_demo.py"), cwd=tmp_path)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == "listing: ['f.txt'] | cwd: /"
    assert not Path("/demo").exists() and list(tmp_path.iterdir()) == [log_file]
    hit = {event["limitation"] for event in read_events(log_file)}
    assert {"fs.access_effective_ids", "process.effective_ids"} <= hit
