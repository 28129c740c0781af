#!/usr/bin/env bash
# Quick start, part 1: run examples/porting_demo.py under interpose's native backend (warn policy, so that one
# run lists every limitation) and show the compatibility events it logged, then the same under enforce.
EXTRAS=""
source "$(dirname "${BASH_SOURCE[0]}")/bootstrap.sh"
LOG="$(mktemp -d)/events.jsonl"
echo "== examples/porting_demo.py under --policy=warn (events: $LOG)"
.venv/bin/python -m interpose --policy=warn --log.python.compatibility.level=FINE --log.file="$LOG" examples/porting_demo.py
echo
echo "== the events, one line each (JSON lines: see docs/events.md)"
.venv/bin/python - "$LOG" <<'PY'
import json, sys
for line in open(sys.argv[1], encoding="utf-8"):
    e = json.loads(line)
    site = e["callsite"] or {}
    print(f'{e["level"]:<5} {e["limitation"]:<26} {e["outcome"]:<8} x{e["count"]:<3} pid {e["pid"]:<7} '
          f'{site.get("file", "?").split("/")[-1]}:{site.get("line", "?")}  {e["message"]}')
PY
echo
echo "== the same program under --policy=enforce: it fails where GraalPy would (human lines on stderr)"
.venv/bin/python -m interpose examples/porting_demo.py
