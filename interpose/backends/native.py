"""The native backend: the host's own posix, with GraalPy's native-backend limitations.

Every function without a limitation is the host's builtin itself, so a program
pays nothing for being interposed.  What GraalPy's native backend lacks: the 89
posix functions GraalPy does not define and the constants it does not have
(base.MISSING_NAMES; under `warn` they stay and each call of a function is
logged, fork and forkpty by the audit hook), and
`fork_exec` refuses `preexec_fn` and drops credentials.
"""

from __future__ import annotations

from interpose.backends.base import MISSING_NAMES, Backend
from interpose.compat import ENFORCE

TYPE_CHECKING = False
if TYPE_CHECKING:
    from types import ModuleType


class NativeBackend(Backend):
    name = "native"

    def posix_namespace(self, host_posix: ModuleType) -> dict[str, object]:
        namespace = dict(vars(host_posix))
        for name in self.absent():
            namespace.pop(name, None)
        return namespace

    def posixsubprocess_namespace(self, host_module: ModuleType) -> dict[str, object]:
        from interpose.backends.fork_exec import limited_fork_exec  # on the first import of subprocess, not before

        namespace = dict(vars(host_module))
        namespace["fork_exec"] = limited_fork_exec(host_module.fork_exec)
        return namespace

    def absent(self, policy: str | None = None) -> dict[str, str]:
        return MISSING_NAMES if (policy or self.policy) == ENFORCE else {}
