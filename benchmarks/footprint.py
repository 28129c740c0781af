"""What interpose costs a program where users wait, against plain CPython, side by side in one run.

    python benchmarks/footprint.py [--rounds 21] [--no-compile]

One table per question, each a ratio of medians over interleaved rounds:
start-up CPU time (`-c pass` and a hello-world that imports os, subprocess,
shutil, pathlib and tempfile, native and java backends), modules loaded and
peak RSS of that hello-world, `subprocess.run(['true'])` under native, and text
`readline` under java over the host filesystem.  Targets (issue 7): start-up
1.5x native and 1.8x java, hello-world 1.3x, at most +10 modules and +2 MiB,
subprocess.run 1.1x, java readline 1.3x.  The row `python -m <empty module>` is
the floor of any `python -m`: the interpreter imports runpy (and with it
importlib.util, contextlib, collections, functools) before the module runs.

interpose is byte-compiled first, as a wheel install is (`--no-compile` measures
a tree without `.pyc` files, as an editable install under
PYTHONDONTWRITEBYTECODE=1 stays: every start then compiles interpose's modules).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _timing import compile_package, interleaved_medians, print_ratio  # noqa: E402

HELLO = """\
import os, subprocess, shutil, pathlib, tempfile, sys
print("hello world", len(sys.modules), sum(name.startswith("interpose") for name in sys.modules))
"""
# Appended for the footprint runs only: the peak RSS of this process image (VmHWM; the rusage maximum would also
# count the benchmark's own pages, which a forked child shares until it executes Python).
PEAK = """\
with open("/proc/self/status") as status:
    print(next(line.split()[1] for line in status if line.startswith("VmHWM:")))
"""

SPAWN = """\
import subprocess, sys, time
subprocess.run(["true"])
started = time.perf_counter()
for _ in range(int(sys.argv[1])):
    subprocess.run(["true"])
print(time.perf_counter() - started)
"""

READLINE = """\
import sys, time
started = time.perf_counter()
for _ in range(3):
    with open(sys.argv[1], encoding="utf-8") as f:
        while f.readline():
            pass
print(time.perf_counter() - started)
"""


class Child:
    """One run of a child Python: its CPU time, peak RSS and standard output."""

    def __init__(self, command: list[str], env: dict[str, str], cwd: str | None = None) -> None:
        process = subprocess.Popen(command, env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        out, err = process.stdout.read(), process.stderr.read()  # type: ignore[union-attr]
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        process.stdout.close(), process.stderr.close()  # type: ignore[union-attr, func-returns-value]
        if process.returncode != 0:
            raise RuntimeError(f"{command} failed ({process.returncode}): {err.decode()}")
        self.cpu = usage.ru_utime + usage.ru_stime
        self.out = out.decode()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=21)
    parser.add_argument("--no-compile", action="store_true", help="leave interpose without .pyc files")
    args = parser.parse_args()
    if not args.no_compile:
        compile_package()
    env = {k: v for k, v in os.environ.items() if not k.startswith("INTERPOSE_")}
    plain = [sys.executable]
    native = [sys.executable, "-m", "interpose", "--posix-backend=native"]
    java = [sys.executable, "-m", "interpose", "--posix-backend=java", "--fs=host"]
    figures: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        hello = os.path.join(tmp, "hello.py")
        Path(hello).write_text(HELLO)
        measured_hello = os.path.join(tmp, "hello_peak.py")
        Path(measured_hello).write_text(HELLO + PEAK)
        Path(tmp, "_empty_module.py").write_text("")
        text = os.path.join(tmp, "lines.txt")
        Path(text).write_text("".join(f"line {n:07d} of the benchmark text\n" for n in range(32768)), "utf-8")

        def cpu_ms(command: list[str], cwd: str | None = None) -> float:
            return Child(command, env, cwd).cpu * 1e3

        startup = interleaved_medians(
            {"python -c pass": lambda: cpu_ms([*plain, "-c", "pass"]),
             "python -m <empty module> (floor)": lambda: cpu_ms([*plain, "-m", "_empty_module"], cwd=tmp),
             "-m interpose (native) -c pass": lambda: cpu_ms([*native, "-c", "pass"]),
             "-m interpose (java) -c pass": lambda: cpu_ms([*java, "-c", "pass"])},
            args.rounds,
        )  # fmt: skip
        print_ratio("start-up: -c pass (median CPU time)", startup, "python -c pass", "ms",
                    "native at most 1.5x, java at most 1.8x")  # fmt: skip
        hello_cpu = interleaved_medians(
            {"python hello.py": lambda: cpu_ms([*plain, hello]),
             "-m interpose (native) hello.py": lambda: cpu_ms([*native, hello]),
             "-m interpose (java) hello.py": lambda: cpu_ms([*java, hello])},
            args.rounds,
        )  # fmt: skip
        print_ratio("start-up: hello-world importing os, subprocess, shutil, pathlib, tempfile (median CPU time)",
                    hello_cpu, "python hello.py", "ms", "at most 1.3x")  # fmt: skip

        print("\nhello-world footprint (modules in sys.modules at exit; peak RSS, median)")
        footprint: dict[str, tuple[int, int, float]] = {}
        for name, command in (("plain", plain), ("native", native), ("java", java)):
            runs = [Child([*command, measured_hello], env).out.split() for _ in range(5)]
            modules, own = runs[0][-3:-1]
            rss = sorted(int(run[-1]) for run in runs)[len(runs) // 2] / 1024
            footprint[name] = (int(modules), int(own), rss)
        base_modules, _, base_rss = footprint["plain"]
        for name, (modules, own, rss) in footprint.items():
            print(
                f"  {name:<8} {modules:4d} modules ({own:3d} of interpose, {modules - own - base_modules:+3d} others)"
                f"  {modules - base_modules:+4d}   peak RSS {rss:6.1f} MiB  {rss - base_rss:+5.1f} MiB"
            )
        print("  target: at most +10 modules and +2 MiB")

        spawn = interleaved_medians(
            {"plain CPython": lambda: float(Child([*plain, "-c", SPAWN, "100"], env).out) * 1e1,
             "interposed, native backend": lambda: float(Child([*native, "-c", SPAWN, "100"], env).out) * 1e1},
            max(7, args.rounds // 2),
        )  # fmt: skip
        print_ratio("subprocess.run(['true']) (median per call)", spawn, "plain CPython", "ms", "native at most 1.1x")
        readline = interleaved_medians(
            {"plain CPython": lambda: float(Child([*plain, "-c", READLINE, text], env).out) * 1e3 / 3,
             "interposed, java backend over host": lambda: float(Child([*java, "-c", READLINE, text], env).out)
             * 1e3 / 3},
            max(7, args.rounds // 2),
        )  # fmt: skip
        print_ratio("text readline over 1 MiB, open(path) (median per file)", readline, "plain CPython", "ms",
                    "java at most 1.3x")  # fmt: skip

    figures["startup_native"] = startup["-m interpose (native) -c pass"] / startup["python -c pass"]
    figures["startup_java"] = startup["-m interpose (java) -c pass"] / startup["python -c pass"]
    figures["hello_native"] = hello_cpu["-m interpose (native) hello.py"] / hello_cpu["python hello.py"]
    figures["hello_java"] = hello_cpu["-m interpose (java) hello.py"] / hello_cpu["python hello.py"]
    figures["extra_modules_native"] = footprint["native"][0] - base_modules
    figures["extra_rss_mib_native"] = round(footprint["native"][2] - base_rss, 2)
    figures["subprocess_run_native"] = spawn["interposed, native backend"] / spawn["plain CPython"]
    figures["readline_java"] = readline["interposed, java backend over host"] / readline["plain CPython"]
    print(json.dumps({name: round(value, 3) for name, value in figures.items()}))


if __name__ == "__main__":
    main()
