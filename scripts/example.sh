#!/usr/bin/env bash
# Quick start, part 1: run examples/porting_demo.py under interpose's native backend with the warn policy (so that
# one run lists every limitation, in this process and in the Python child it starts), read the events back with
# `python -m interpose report`, then run it under enforce, where it fails as it would on GraalPy.
EXTRAS="speedups"
source "$(dirname "${BASH_SOURCE[0]}")/bootstrap.sh"
LOG="$(mktemp -d)/events.jsonl"
echo "== python -m interpose --policy=warn ... examples/porting_demo.py   (events: $LOG)"
.venv/bin/python -m interpose --policy=warn --log.python.compatibility.level=FINE --log.file="$LOG" \
  examples/porting_demo.py
echo
echo "== python -m interpose report $LOG"
.venv/bin/python -m interpose report "$LOG"
echo
echo "== the same program under --policy=enforce (the default): events as human lines on stderr"
.venv/bin/python -m interpose examples/porting_demo.py
echo
echo "== and under the emulated java backend over an in-memory filesystem"
.venv/bin/python -m interpose --posix-backend=java --fs=memory examples/memory_demo.py
