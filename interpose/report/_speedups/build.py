"""How the accelerator is built: cffi's API (out-of-line) mode over scan.c, called by the repository's hatch_build.py.

Kept free of imports from interpose so that the build hook can load it by path, before the package is installed.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from cffi import FFI  # type: ignore[import-untyped]

HERE = Path(__file__).resolve().parent
#: the compiled module's import name: it lands next to this file
MODULE = "interpose.report._speedups._scan"

CDEF = """
typedef struct rep_acc rep_acc;
rep_acc *rep_new(int by_test, int by_run, const char *since, size_t since_len, const char *until, size_t until_len);
void rep_free(rep_acc *a);
int64_t rep_scan(rep_acc *a, const char *buf, size_t len, int64_t *back, size_t cap, size_t *nback);
void rep_clear_cells(rep_acc *a);
size_t rep_text_count(rep_acc *a, int table);
const char *rep_text(rep_acc *a, int table, size_t i, size_t *n);
size_t rep_cell_count(rep_acc *a);
int64_t rep_outside(rep_acc *a);
uint32_t *rep_column(rep_acc *a, int which);
int64_t *rep_events(rep_acc *a);
int64_t *rep_lines(rep_acc *a);
char *rep_times(rep_acc *a, int last);
uint64_t *rep_mask(rep_acc *a, size_t i);
"""


def ffibuilder() -> FFI:
    """The FFI that cffi compiles: scan.c behind the declarations above."""
    ffi = FFI()
    ffi.cdef(CDEF)
    source = (HERE / "scan.c").read_text(encoding="utf-8")
    ffi.set_source(MODULE, source, extra_compile_args=["-O2", "-std=c99"])
    return ffi


def compile_to(destination: Path) -> Path:
    """Compile in a scratch folder and copy the module into `destination`; the module's path.

    Raises whatever the compiler step raises (no compiler, a failing one): the caller decides what that means.
    """
    with tempfile.TemporaryDirectory() as scratch:
        built = Path(ffibuilder().compile(tmpdir=scratch, verbose=False))
        destination.mkdir(parents=True, exist_ok=True)
        target = destination / built.name
        shutil.copyfile(built, target)
    return target


if __name__ == "__main__":
    print(compile_to(HERE))
