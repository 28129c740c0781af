"""On logs the REAL writer produces, the report's totals are the true hit counts, in every view, and equal the
old largest-count-per-key rule's: the additive rule is exact because the writer keeps its invariants."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from interpose.events.recorder import Recorder
from interpose.events.sink import AppendOnlyFile
from interpose.report.aggregate import Aggregator
from interpose.report.cli import main
from interpose.report.filters import Filters
from interpose.report.levels import EVENT_LEVELS
from interpose.report.reading import read_inputs
from tests.report.test_report_aggregate import VIEWS, recount

LIMITATIONS = {"process.fork": "INFO", "fs.chmod": "FINE", "stat.ino": "FINER"}
SITES = [
    ("/w/src/app/m.py", 3, "f"),
    ("/w/lib/python3.11/site-packages/x/y.py", 9, "g"),
    None,
    ('/w/caf\u00e9\u2028"q"/\udcff.py', 5, "h\x7f"),
]  # escapes: the writer writes ASCII only
TESTS = [None, "t.py::a", "t.py::b"]

#: (process, limitation, site, test) hits, and now and then a mid-run flush of that process (as the plugin does)
actions = st.lists(
    st.one_of(
        st.tuples(
            st.integers(0, 2), st.sampled_from(list(LIMITATIONS)), st.sampled_from(SITES), st.sampled_from(TESTS)
        ),  # fmt: skip
        st.tuples(st.integers(0, 2)),
    ),
    max_size=60,
)


def write_with_the_real_writer(path: Path, steps: list[tuple[Any, ...]]) -> dict[tuple[Any, ...], int]:
    """Drive one Recorder per simulated process over `steps`, close them all; return the true hits per key."""
    recorders = []
    for number in range(3):
        recorder = Recorder(0, AppendOnlyFile(str(path)))
        recorder.run = f"{recorder.pid}-sim{number}"  # simulated processes of one real one
        recorders.append(recorder)
    truth: dict[tuple[Any, ...], int] = {}
    for step in steps:
        recorder = recorders[step[0]]
        if len(step) == 1:
            recorder.flush_totals()
            continue
        _, limitation, site, test = step
        if test is None:
            recorder.context.pop("test", None)
        else:
            recorder.context["test"] = test
        backend = "java" if step[0] else "native"
        fields = {"level": LIMITATIONS[limitation], "limitation": limitation, "function": "os.x", "backend": backend,
                  "policy": "warn", "outcome": "allowed", "message": "m"}  # fmt: skip
        recorder.record(fields, site)
        key = (recorder.run, limitation, site, test)
        truth[key] = truth.get(key, 0) + 1
    for recorder in recorders:
        recorder.close()
    return truth


def true_view(truth: dict[tuple[Any, ...], int], group_by: tuple[str, ...]) -> dict[tuple[Any, ...], tuple[int, int]]:
    """(events, processes) per group, from the hits themselves."""
    from interpose.report.naming import callsite_label, module_name

    def value(dim: str, run: str, limitation: str, site: Any, test: str | None) -> Any:
        where = ("", "", "") if site is None else (site[0], str(site[1]), site[2])
        return {
            "limitation": limitation, "level": LIMITATIONS[limitation],
            "backend": "native" if run.endswith("sim0") else "java", "callsite": callsite_label(*where),
            "module": module_name(where[0]), "test": test, "process": run,
        }[dim]  # fmt: skip

    groups: dict[tuple[Any, ...], tuple[int, set[str]]] = {}
    for (run, limitation, site, test), hits in truth.items():
        key = tuple(value(dim, run, limitation, site, test) for dim in group_by)
        events, runs = groups.setdefault(key, (0, set()))
        groups[key] = (events + hits, runs | {run})
    return {key: (events, len(runs)) for key, (events, runs) in groups.items()}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(actions)
def test_totals_are_the_true_hit_counts_in_every_view(tmp_path: Path, steps: list[tuple[Any, ...]]) -> None:
    path = tmp_path / "events.jsonl"
    path.unlink(missing_ok=True)
    truth = write_with_the_real_writer(path, steps)
    lines = [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []
    assert not path.exists() or path.read_bytes().isascii()
    for group_by in VIEWS:
        aggregator = Aggregator(Filters(), views=group_by)
        read_inputs([str(path)], aggregator.feed)
        rows = aggregator.view(group_by)
        assert {row.key: (row.events, row.processes) for row in rows} == true_view(truth, group_by)
        old_rule = [(key, events, level, runs, first, last) for key, events, level, runs, first, last in recount(
            lines, group_by)]  # fmt: skip
        got = [(row.key, row.events, EVENT_LEVELS[row.level], row.processes, row.first, row.last) for row in rows]
        assert sorted(got, key=repr) == old_rule
        assert aggregator.events == sum(truth.values())


def test_a_file_named_twice_is_read_once_with_a_warning(tmp_path: Path, capsys: Any) -> None:
    path = tmp_path / "events.jsonl"
    truth = write_with_the_real_writer(path, [(0, "process.fork", SITES[0], None)] * 3)
    (tmp_path / "link.jsonl").symlink_to(path)
    args = [str(path), str(path), str(tmp_path / "link.jsonl"), "--format", "json"]
    assert main(args) == 0
    out, err = capsys.readouterr()
    assert json.loads(out)["totals"]["events"] == sum(truth.values()) == 3
    assert err.count("same file as") == 2 and "read once" in err
