"""`python -m interpose.report ...`: the same command without the `interpose` front end."""

from __future__ import annotations

import sys

from interpose.report.cli import main

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
