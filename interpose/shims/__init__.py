"""The module surfaces Python code sees while interpose is active.

Each builder takes a backend's namespace and returns a module object; the shims
hold no state of their own.  `posix` and `_posixsubprocess` are built from the
backend directly; `os` is CPython's own `Lib/os.py` run again over the shim
`posix`, as GraalPy builds its `os`.
"""
