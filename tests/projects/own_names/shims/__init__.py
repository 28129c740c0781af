"""The project's own package, named like a package interpose once installed at top level."""

NAME = "own shims"
