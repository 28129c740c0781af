"""The project's own module, named like a module interpose once installed at top level."""

NAME = "own logging_config"
