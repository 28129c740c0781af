"""Clean: portable process code, multiprocessing's spawn context, select() without exceptional conditions."""
# ruff: noqa
# fmt: off

import multiprocessing
import select
import subprocess


def work(value: int) -> int:
    return value * 2


def main() -> None:
    context = multiprocessing.get_context("spawn")
    context.set_start_method("spawn", force=True)
    multiprocessing.set_start_method(method="spawn")
    with subprocess.Popen(["true"], stdout=subprocess.PIPE) as child:
        readable, _, _ = select.select([child.stdout], [], [], 1.0)
        print(readable, select.PIPE_BUF)
    print(work(2))
