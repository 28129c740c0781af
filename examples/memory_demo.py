"""The emulated java backend over an in-memory filesystem: writes never reach the disk, and GraalPy's
java-backend limitations are logged where this program hits them.

    python -m interpose --posix-backend=java --fs=memory examples/memory_demo.py
"""

from __future__ import annotations

import os
import pathlib

os.makedirs("/demo/dir")
pathlib.Path("/demo/dir/f.txt").write_text("only in memory\n")
print("listing:", os.listdir("/demo/dir"), "| cwd:", os.getcwd())
try:
    os.access("/demo", os.R_OK, effective_ids=True)
except OSError as error:  # io.UnsupportedOperation, as on GraalPy's java backend
    print(f"{type(error).__name__}: {error}")
print("os.geteuid exists:", hasattr(os, "geteuid"))
