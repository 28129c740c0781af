"""Compatibility events: one line per (limitation, call site), exact totals at exit, no interleaving."""

from __future__ import annotations

import json
import textwrap
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from interpose.events import EVENT_MODULES
from interpose.events.encode import encode, utc_timestamp
from tests.conftest import read_events, run_interposed, totals

SCHEMA_FIELDS = {"schema", "ts", "level", "limitation", "function", "backend", "policy", "outcome", "use", "message",
                 "hint", "callsite", "pid", "run", "thread", "count", "final"}  # fmt: skip
#: `hasattr(os, "fork")` is a probe, logged at FINER: the tests of the writer log it.
PROBES = "--log.python.compatibility.level=FINER"

HITS = """
import os, sys
for _ in range(1000):
    hasattr(os, "fork")
hasattr(os, "fork")
"""


@pytest.mark.parametrize(
    "ending, status",
    [
        ("", 0),
        ("sys.exit(4)", 4),
        ("raise ValueError('late')", 1),
        ("import threading; threading.Thread(target=lambda: [hasattr(os, 'fork') for _ in range(5)]).start()", 0),
    ],
)
def test_each_call_site_once_then_its_exact_total_at_exit(
    tmp_path: Path, log_file: Path, ending: str, status: int
) -> None:
    (tmp_path / "hits.py").write_text(textwrap.dedent(HITS) + ending + "\n")
    result = run_interposed(f"--log.file={log_file}", PROBES, "hits.py", cwd=tmp_path)
    assert result.returncode == status
    events = read_events(log_file)
    assert all(set(event) >= SCHEMA_FIELDS and event["schema"] == 2 for event in events)
    by_line = {(event["callsite"]["line"], event["final"]): event["count"] for event in events}  # type: ignore[index]
    assert by_line[(4, False)] == 1 and by_line[(4, True)] == 1000
    assert by_line[(5, False)] == 1 and (5, True) not in by_line  # hit once: no closing line
    if "Thread" in ending:
        assert by_line[(6, False)] == 1 and by_line[(6, True)] == 5
    assert len(events) == len(by_line)


def test_many_processes_append_to_one_file_without_interleaving(tmp_path: Path, log_file: Path) -> None:
    program = textwrap.dedent(
        """
        import os, subprocess, sys
        if sys.argv[1:] == ["child"]:
            namespace = {"os": os}
            for line in range(300):   # 300 distinct call sites, each one line written
                exec(compile("\\n" * line + "hasattr(os, 'fork')", "generated.py", "exec"), namespace)
        else:
            children = [subprocess.Popen([sys.executable, __file__, "child"]) for _ in range(6)]
            print([child.wait() for child in children])
        """
    )
    (tmp_path / "fan.py").write_text(program)
    result = run_interposed(f"--log.file={log_file}", PROBES, "fan.py", cwd=tmp_path)
    assert result.stdout.strip() == "[0, 0, 0, 0, 0, 0]", result.stderr
    lines = log_file.read_text(encoding="utf-8").splitlines()
    events = [json.loads(line) for line in lines]  # every line whole
    events = [event for event in events if event["callsite"]["file"] == "generated.py"]  # not importing subprocess
    pids = {event["pid"] for event in events}
    assert len(pids) == 6
    assert len(events) == 6 * 300
    assert all(sum(1 for e in events if e["pid"] == pid) == 300 for pid in pids)
    assert set(totals(events).values()) == {1}


def test_events_carry_the_context_of_the_run(tmp_path: Path, log_file: Path) -> None:
    (tmp_path / "c.py").write_text(
        "import os, threading\n"
        "t = threading.Thread(target=lambda: hasattr(os, 'fork'), name='worker')\n"
        "t.start(); t.join()\n"
    )
    run_interposed(f"--log.file={log_file}", PROBES, "--policy", "enforce", "c.py", cwd=tmp_path)
    [event] = read_events(log_file)
    assert event["thread"] == "worker" and event["backend"] == "native" and event["policy"] == "enforce"
    assert str(event["run"]).startswith(f"{event['pid']}-")
    assert event["ts"].endswith("Z") and event["callsite"]["function"] == "<lambda>"  # type: ignore[index,union-attr]


def test_log_level_off_writes_nothing(tmp_path: Path, log_file: Path) -> None:
    result = run_interposed(
        f"--log.file={log_file}", "--log.python.compatibility.level=off", "-c", "import os; os.fork"
    )
    assert result.returncode == 1 and "AttributeError" in result.stderr
    assert read_events(log_file) == []


@pytest.mark.parametrize("log_option", ["--log.file=events.jsonl", "--log.python.compatibility.level=INFO"])
def test_writing_an_event_imports_nothing(tmp_path: Path, log_option: str) -> None:
    """EVENT_MODULES is empty: the first event (JSON line or human line) leaves sys.modules as it was."""
    probe = (  # a probe and an unguarded use (caught one frame up): both classified, the use written
        "import sys, os; before = set(sys.modules); hasattr(os, 'fork')\n"
        "def use(): os.fork\n"
        "try: use()\n"
        "except AttributeError: pass\n"
        "print(sorted(set(sys.modules) - before), sorted(m for m in ('structlog', 'json', 'datetime', 'threading')"
        " if m in sys.modules))"
    )
    result = run_interposed(log_option, "-c", probe, cwd=tmp_path)
    assert result.stdout.strip() == f"{sorted(EVENT_MODULES)} []", result.stderr
    assert "process.fork" in (result.stderr + (tmp_path / "events.jsonl").read_text("utf-8", "replace")
                              if "file" in log_option else result.stderr)  # fmt: skip


#: event-shaped values: what compat.hit puts in a line, details and file names of any text included
texts = st.text(st.characters(min_codepoint=0, max_codepoint=0x10FFFF))  # lone surrogates, U+2028, NUL...
leaves = st.one_of(texts, st.integers(), st.booleans(), st.none(), st.sampled_from(["\u2028", "\udcff", "\x7f"]))
values = st.recursive(
    leaves,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(texts, inner, max_size=4)),
    max_leaves=12,
)


@given(st.dictionaries(texts, values, max_size=8))
def test_encoder_writes_what_json_dumps_writes(event: dict[str, object]) -> None:
    assert encode(event) == json.dumps(event, ensure_ascii=True, separators=(",", ":"))


@given(st.one_of(st.floats(), st.tuples(st.integers(), texts), st.dictionaries(st.one_of(st.integers(), st.none(),
       st.booleans(), st.floats()), st.integers(), max_size=3), st.sets(st.integers(), max_size=3)))  # fmt: skip
def test_encoder_matches_json_on_the_rest_and_writes_other_objects_as_their_repr(value: object) -> None:
    assert encode(value) == json.dumps(value, ensure_ascii=True, separators=(",", ":"), default=repr)


@given(st.integers(min_value=0, max_value=2**63 - 1))
def test_timestamp_is_isoformat_in_utc_always_with_microseconds(nanoseconds: int) -> None:
    moment = datetime(1970, 1, 1, tzinfo=timezone.utc) + timedelta(microseconds=nanoseconds // 1000)
    assert utc_timestamp(nanoseconds) == moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def test_thread_names_without_touching_threading(tmp_path: Path, log_file: Path) -> None:
    """threading's name when it knows the thread; otherwise MainThread or Thread-<ident>, and no _DummyThread."""
    program = textwrap.dedent(
        """
        import _thread, os, sys, time
        done = []
        _thread.start_new_thread(lambda: (hasattr(os, "fork"), done.append(_thread.get_ident())), ())
        while not done: time.sleep(0.01)
        hasattr(os, "forkpty")
        import threading
        _thread.start_new_thread(lambda: (hasattr(os, "fork"), done.append(1)), ())
        while len(done) < 2: time.sleep(0.01)
        print(done[0], len(threading.enumerate()))
        """
    )
    result = run_interposed(f"--log.file={log_file}", PROBES, "-c", program, cwd=tmp_path)
    ident, threads = result.stdout.split()
    assert threads == "1", result.stderr  # no _DummyThread left behind in the program's threading
    names = {event["callsite"]["line"]: event["thread"] for event in read_events(log_file)}  # type: ignore[index]
    assert names == {4: f"Thread-{ident}", 6: "MainThread", 8: names[8]} and names[8].startswith("Thread-")


def test_unwritable_log_file_is_a_usage_error(tmp_path: Path) -> None:
    result = run_interposed(f"--log.file={tmp_path / 'missing-dir' / 'e.jsonl'}", "-c", "print('ran')")
    assert result.returncode == 2 and result.stdout == ""
    assert "cannot write the log file" in result.stderr and "No such file or directory" in result.stderr


def test_log_lost_during_the_run_is_said_once_and_the_program_goes_on(tmp_path: Path) -> None:
    directory = tmp_path / "logs"
    directory.mkdir()
    program = textwrap.dedent(
        f"""
        import os, shutil
        shutil.rmtree({str(directory)!r})
        for _ in range(3):
            hasattr(os, "fork"); hasattr(os, "forkpty")
        print("still running")
        """
    )
    result = run_interposed(f"--log.file={directory / 'e.jsonl'}", PROBES, "-c", program)
    assert result.returncode == 0 and result.stdout.strip() == "still running"
    assert result.stderr.count("interpose: cannot write compatibility events") == 1


FORWARDED = """
import os, sys
hasattr(os, "fork")  # before the program imports the library: written as usual
{setup}
hasattr(os, "forkpty")
for _ in range(3):
    hasattr(os, "fork")
"""

TO_STRUCTLOG = """
import structlog
seen = []
def keep(logger, name, event):
    seen.append((name, event["event"], event["java_level"], event["limitation"], event["callsite"]["line"]))
    raise structlog.DropEvent
structlog.configure(processors=[keep])
import atexit; atexit.register(lambda: print(seen))
"""

TO_LOGGING = """
import logging
seen = []
class Keep(logging.Handler):
    def emit(self, record):
        seen.append((record.name, record.levelname, record.getMessage(), record.interpose["callsite"]["line"]))
logging.getLogger().addHandler(Keep()); logging.getLogger().setLevel(logging.DEBUG)
import atexit; atexit.register(lambda: print(seen))
"""


@pytest.mark.parametrize("log_option", ["--log.file=events.jsonl", "--log.python.compatibility.level=FINEST"])
@pytest.mark.parametrize("target, setup", [("structlog", TO_STRUCTLOG), ("logging", TO_LOGGING)])
def test_events_are_forwarded_to_the_programs_own_configuration_once_it_loaded_it(
    tmp_path: Path, target: str, setup: str, log_option: str
) -> None:
    source = FORWARDED.format(setup=setup)
    (tmp_path / "app.py").write_text(source)
    lines = source.splitlines()
    forkpty, loop = lines.index('hasattr(os, "forkpty")') + 1, lines.index('    hasattr(os, "fork")') + 1
    options = [log_option, PROBES] if "file" in log_option else [log_option]
    result = run_interposed(*options, "app.py", cwd=tmp_path, env={"INTERPOSE_LOG_FORWARD": target})
    assert result.returncode == 0, result.stderr
    seen = eval(result.stdout)  # the program's own record of what its configuration received
    message = "os.forkpty does not exist on GraalPy"
    if target == "structlog":  # a probe: FINER, below Python's INFO
        assert seen[0] == ("debug", message, "FINER", "process.forkpty", forkpty)
    else:
        assert seen[0] == ("interpose.compatibility", "DEBUG", f"process.forkpty: {message}", forkpty)
    assert len(seen) == 2 and seen[1][-1] == loop  # the loop's first line; its closing line comes after atexit's print
    if "file" in log_option:  # the file has every line, forwarded or not
        events = read_events(tmp_path / "events.jsonl")
        own = [event for event in events if "app.py" in str(event["callsite"]) and "via" not in event]
        sites = [event["callsite"]["line"] for event in own]  # type: ignore[index]
        assert sites == [3, forkpty, loop, loop]  # (importing structlog hits limitations via its own lines: not here)
    else:  # on stderr only the line hit before the program had loaded the library (the closing one is forwarded)
        mine = [line for line in result.stderr.splitlines() if "app.py" in line and "(via " not in line]
        sites = [line.split(" at ")[-1].split(" in ")[0] for line in mine]
        assert sites == [f"{tmp_path / 'app.py'}:3"], result.stderr


def test_forwarding_never_imports_the_library(tmp_path: Path, log_file: Path) -> None:
    probe = "import os, sys; hasattr(os, 'fork'); print('structlog' in sys.modules, 'logging' in sys.modules)"
    for target in ("structlog", "logging"):
        result = run_interposed(f"--log.file={log_file}", PROBES, "-c", probe, env={"INTERPOSE_LOG_FORWARD": target})
        assert result.stdout.split() == ["False", "False"], result.stderr
    assert len(read_events(log_file)) == 2


def test_a_bad_forward_target_is_refused_at_start_up() -> None:
    from tests.conftest import run_python

    result = run_python("-c", "print('ran')", env={"INTERPOSE_BACKEND": "native", "INTERPOSE_LOG_FORWARD": "syslog"})
    assert result.stdout == "ran\n"
    assert (
        result.stderr
        == "interpose: not activated: unknown INTERPOSE_LOG_FORWARD 'syslog'; expected structlog or logging\n"
    )


def test_every_catalog_entry_says_what_to_do_instead() -> None:
    """Every entry of every catalog module has a hint, and the listing shows it (text, json, markdown)."""
    from interpose.compat.catalog import CATALOG
    from interpose.compat.listing import render_json, render_markdown, render_text

    missing = sorted(entry.id for entry in CATALOG.values() if not entry.hint.strip())
    assert missing == []
    listed = {entry["id"]: entry["hint"] for entry in json.loads(render_json())}
    assert listed == {entry.id: entry.hint for entry in CATALOG.values()}
    text, markdown = render_text(), render_markdown()
    assert all(entry.hint in text and entry.hint.replace("|", "\\|") in markdown for entry in CATALOG.values())
