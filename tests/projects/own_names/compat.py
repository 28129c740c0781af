"""The project's own module: a common name, also one of interpose's subpackages."""

NAME = "own compat"
