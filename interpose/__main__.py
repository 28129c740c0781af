"""`python -m interpose`: see interpose.cli."""

from interpose.cli import console_main

if __name__ == "__main__":  # not when a spawned child of `scan`'s process pool imports the parent's main module
    console_main()
