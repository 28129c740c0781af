"""`python -m interpose`: see interpose.cli."""

from interpose.cli import console_main

console_main()
