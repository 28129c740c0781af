"""The project's own module: also the name of one of interpose's subpackages."""

NAME = "own events"
