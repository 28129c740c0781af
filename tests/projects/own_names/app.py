"""Imports the project's own modules and says where each came from; hits a limitation on the way."""

import os
import sys

import compat
import events
import logging_config
import shims

here = os.path.dirname(os.path.abspath(__file__))


def fork() -> int:
    return os.fork()  # an unguarded use: a probe (hasattr) is logged below the default level


try:  # noqa: SIM105 - no contextlib: the test counts the modules the project loads
    fork()
except AttributeError:
    pass
for module in (logging_config, shims, compat, events):
    print(module.NAME, os.path.dirname(os.path.abspath(module.__file__)).startswith(here))
sys.stdout.flush()
