"""`python -m interpose scan`: GraalPy's limitations found in source code that never ran (docs/scan.md).

walk.py (which files, which distribution owns each) -> engine.py (read, hash, cache, process pool) ->
prefilter.py (the lines worth parsing) -> rules.py (the syntax-tree walk; resolve.py for imports and
aliases, arguments.py for the values of keywords and arguments, guards.py for the probe/guarded/unguarded
class; the tables are interpose/compat/catalog_static.py) -> output.py (events of the
log's schema with `source: "static"`, and the formats).  Never imported while a program runs.
"""
