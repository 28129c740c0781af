"""The catalog: every limitation interpose knows, one entry each.

An entry says which backends it applies to, at which Java level it is logged,
what happens under each policy, the message, and the GraalPy fact it reproduces
(so that a reader can check the claim).  Ids are stable and dotted; the report,
the docs and the tests all key on them.
"""

from __future__ import annotations

from interpose.events import levels

NATIVE = "native"
JAVA = "java"
BOTH = (NATIVE, JAVA)


class Limitation:
    """One way in which a GraalPy backend differs from CPython (a plain class: no dataclasses at start-up)."""

    __slots__ = ("id", "backends", "level", "enforce", "warn", "message", "fact", "hint")

    def __init__(
        self,
        *,
        id: str,
        backends: tuple[str, ...],
        level: int,
        enforce: str,
        warn: str,
        message: str,
        fact: str,
        hint: str = "",
    ) -> None:
        self.id = id
        self.backends = backends
        self.level = level
        self.enforce = enforce  # outcome under the enforce policy
        self.warn = warn  # outcome under the warn policy
        self.message = message
        self.fact = fact
        self.hint = hint  # what to do instead on GraalPy

    def __repr__(self) -> str:
        return f"<Limitation {self.id} {self.level_name}>"

    def as_dict(self) -> dict[str, object]:
        """The entry as JSON values (`python -m interpose limitations --format json`), its hint included."""
        fields: dict[str, object] = {name: getattr(self, name) for name in self.__slots__}
        fields["backends"] = list(self.backends)
        fields["level"] = self.level_name
        return fields

    @property
    def level_name(self) -> str:
        return levels.level_name(self.level)

    def outcome(self, policy: str) -> str:
        return self.enforce if policy == "enforce" else self.warn


def _both(id: str, level: int, enforce: str, message: str, fact: str, hint: str) -> Limitation:
    """An entry that holds on both backends; `warn` lets the call proceed."""
    return Limitation(
        id=id, backends=BOTH, level=level, enforce=enforce, warn="allowed", message=message, fact=fact, hint=hint
    )


def _missing_function(name: str, issue: str, hint: str) -> Limitation:
    return _both(
        f"process.{name}",
        levels.INFO,
        "raised",
        f"os.{name} does not exist on GraalPy",
        f"GraalPy defines no os.{name} on either backend: AttributeError ({issue})",
        hint,
    )


def _ignored_fork_exec_argument(name: str, subprocess_name: str, instead: str) -> Limitation:
    return _both(
        f"subprocess.{name}_ignored",
        levels.FINE,
        "ignored",
        f"Ignored: fork_exec argument {name} (subprocess's {subprocess_name}=) is dropped on GraalPy",
        f"GraalPy's fork_exec drops {name} silently on both backends; the child runs without it",
        f"do not rely on subprocess's {subprocess_name}= on GraalPy: {instead}",
    )


_ENTRIES: tuple[Limitation, ...] = (
    _missing_function(
        "fork",
        "graalpython #374",
        "start processes with subprocess, or with multiprocessing's spawn context "
        "(multiprocessing.get_context('spawn'), GraalPy's default); test for it with hasattr(os, 'fork')",
    ),
    _missing_function(
        "forkpty",
        "graalpython #374: pty.fork falls back to os.fork",
        "run the child with subprocess and pipes instead of pty.fork/os.forkpty (a pexpect-style terminal "
        "needs a native backend that has fork)",
    ),
    Limitation(
        id="process.spawn",
        backends=BOTH,
        level=levels.INFO,
        enforce="raised",
        warn="allowed",
        message="os.spawn* and os.P_WAIT/P_NOWAIT/P_NOWAITO do not exist on GraalPy",
        fact="os.py defines the spawn family only over os.fork, which GraalPy lacks: AttributeError",
        hint="use subprocess.run or subprocess.Popen instead of os.spawn* (P_NOWAIT: Popen without wait)",
    ),
    Limitation(
        id="subprocess.preexec_fn",
        backends=BOTH,
        level=levels.INFO,
        enforce="raised",
        warn="allowed",
        message="preexec_fn not supported",
        fact="GraalPy's fork_exec raises RuntimeError('preexec_fn not supported') on both backends (graalpython #393)",
        hint="use subprocess's own arguments instead of preexec_fn: start_new_session=True instead of "
        "preexec_fn=os.setsid, process_group=, cwd=, env=, pass_fds=; or do the work in the child program",
    ),
    _ignored_fork_exec_argument("gid", "group", "change the group in the child itself (setpriv, sudo -g, sg)"),
    _ignored_fork_exec_argument(
        "extra_groups", "extra_groups", "set the groups in the child itself (setpriv --groups, sudo)"
    ),
    _ignored_fork_exec_argument("uid", "user", "change the user in the child itself (setpriv, sudo -u, runuser)"),
    _ignored_fork_exec_argument(
        "umask", "umask", "set it in the child itself (sh -c 'umask 022; exec prog') or give files explicit modes"
    ),
)

CATALOG: dict[str, Limitation] = {entry.id: entry for entry in _ENTRIES}


def _add_java_entries() -> None:
    from interpose.compat.catalog_java import JAVA_ENTRIES
    from interpose.compat.catalog_sandbox import SANDBOX_ENTRIES
    from interpose.compat.catalog_surface import SURFACE_ENTRIES

    for entry in (*JAVA_ENTRIES, *SURFACE_ENTRIES, *SANDBOX_ENTRIES):
        if entry.id in CATALOG:
            raise ValueError(f"limitation {entry.id!r} is in the catalog twice")
        CATALOG[entry.id] = entry


_add_java_entries()
