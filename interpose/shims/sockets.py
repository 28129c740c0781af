"""GraalPy's socket module on both backends: a smaller `_socket` under CPython's own socket.py.

GraalPy's `_socket` (SocketModuleBuiltins.java and the classes it publishes, HEAD
85d36e23) defines twenty functions, the socket type and its errors, and only the
constants of a few PosixConstants tables.  socket.py runs over it unchanged, so on
GraalPy `socket.sethostname`, `if_nameindex`, `CMSG_LEN`, `SOCK_RAW`, `MSG_PEEK`
and the rest do not exist, `send_fds`/`recv_fds` are not defined (its socket type
has no `sendmsg`), and `socketpair` is socket.py's loopback fallback: an AF_INET
pair by default, ValueError for any family but AF_INET and AF_INET6.

The shim is the `socket` module (the one programs use): CPython's socket.py ran
over the host's `_socket`, and what GraalPy lacks is taken out of its namespace
(and so of `__all__`, shims/posix.py) under enforce (an access is a hit), logged on each call under warn.
The socket type keeps its `sendmsg`/`recvmsg` methods: hiding a C type's methods
would need another class, which sockets made by the host's code would not be.
"""

from __future__ import annotations

from interpose.compat import ENFORCE, hit
from interpose.shims.missing import logged_function

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from types import ModuleType

NAMES_ID = "socket.names"
SOCKETPAIR_ID = "socket.socketpair"

_FUNCTIONS = (
    "getdefaulttimeout", "setdefaulttimeout", "gethostname", "gethostbyaddr", "gethostbyname", "gethostbyname_ex",
    "getservbyname", "getservbyport", "getnameinfo", "getaddrinfo", "close", "dup", "inet_aton", "inet_ntoa",
    "inet_pton", "inet_ntop", "ntohs", "htons", "ntohl", "htonl",
)  # fmt: skip
_OBJECTS = ("socket", "SocketType", "error", "timeout", "gaierror", "herror", "has_ipv6",
            "SOL_SOCKET", "SOL_IP", "SOL_TCP", "SOL_UDP", "SOMAXCONN")  # fmt: skip
# PosixConstants' socketFamily, socketType, ip4Address, gaiFlags, gaiErrors, niFlags, ipProto, shutdownHow,
# socketOptions, tcpOptions and ipv6Options: a name is there when the platform defines it, as CPython's.
_CONSTANTS = """
AF_UNSPEC AF_INET AF_INET6 AF_PACKET AF_UNIX SOCK_DGRAM SOCK_STREAM
INADDR_ANY INADDR_BROADCAST INADDR_NONE INADDR_LOOPBACK INADDR_ALLHOSTS_GROUP INADDR_MAX_LOCAL_GROUP INADDR_UNSPEC_GROUP
AI_PASSIVE AI_CANONNAME AI_NUMERICHOST AI_V4MAPPED AI_ALL AI_ADDRCONFIG AI_IDN AI_CANONIDN AI_NUMERICSERV
EAI_BADFLAGS EAI_NONAME EAI_AGAIN EAI_FAIL EAI_FAMILY EAI_SOCKTYPE EAI_SERVICE EAI_MEMORY EAI_SYSTEM EAI_OVERFLOW
EAI_NODATA EAI_ADDRFAMILY EAI_INPROGRESS EAI_CANCELED EAI_NOTCANCELED EAI_ALLDONE EAI_INTR EAI_IDN_ENCODE
NI_NUMERICHOST NI_NUMERICSERV NI_NOFQDN NI_NAMEREQD NI_DGRAM NI_IDN
IPPROTO_IP IPPROTO_ICMP IPPROTO_IGMP IPPROTO_IPIP IPPROTO_TCP IPPROTO_EGP IPPROTO_PUP IPPROTO_UDP IPPROTO_IDP
IPPROTO_TP IPPROTO_IPV6 IPPROTO_RSVP IPPROTO_GRE IPPROTO_ESP IPPROTO_AH IPPROTO_MTP IPPROTO_ENCAP IPPROTO_PIM
IPPROTO_SCTP IPPROTO_RAW SHUT_RD SHUT_WR SHUT_RDWR
SO_DEBUG SO_ACCEPTCONN SO_REUSEADDR SO_EXCLUSIVEADDRUSE SO_KEEPALIVE SO_DONTROUTE SO_BROADCAST SO_USELOOPBACK
SO_LINGER SO_OOBINLINE SO_REUSEPORT SO_SNDBUF SO_RCVBUF SO_SNDLOWAT SO_RCVLOWAT SO_SNDTIMEO SO_RCVTIMEO SO_ERROR
SO_TYPE SO_SETFIB SO_PASSCRED SO_PEERCRED SO_PASSSEC SO_PEERSEC SO_BINDTODEVICE SO_PRIORITY SO_MARK SO_DOMAIN
SO_PROTOCOL TCP_NODELAY TCP_MAXSEG TCP_CORK TCP_KEEPIDLE TCP_KEEPINTVL TCP_KEEPCNT TCP_SYNCNT TCP_LINGER2
TCP_DEFER_ACCEPT TCP_WINDOW_CLAMP TCP_INFO TCP_QUICKACK TCP_FASTOPEN TCP_CONGESTION TCP_USER_TIMEOUT
TCP_NOTSENT_LOWAT IPV6_JOIN_GROUP IPV6_LEAVE_GROUP IPV6_MULTICAST_HOPS IPV6_MULTICAST_IF IPV6_MULTICAST_LOOP
IPV6_UNICAST_HOPS IPV6_V6ONLY IPV6_CHECKSUM IPV6_DONTFRAG IPV6_DSTOPTS IPV6_HOPLIMIT IPV6_HOPOPTS IPV6_NEXTHOP
IPV6_PATHMTU IPV6_PKTINFO IPV6_RECVDSTOPTS IPV6_RECVHOPLIMIT IPV6_RECVHOPOPTS IPV6_RECVPKTINFO IPV6_RECVRTHDR
IPV6_RECVTCLASS IPV6_RTHDR IPV6_RTHDRDSTOPTS IPV6_RTHDR_TYPE_0 IPV6_RECVPATHMTU IPV6_TCLASS IPV6_USE_MIN_MTU
""".split()  # noqa: SIM905 - the tables as GraalPy writes them
# Everything public that GraalPy's `_socket` defines (CAPI, the capsule C extensions such as _ssl import, is not
# public: it stays, as GraalPy's own _ssl does not need it and CPython's must find it).
GRAALPY_SOCKET: frozenset[str] = frozenset((*_FUNCTIONS, *_OBJECTS, *_CONSTANTS, "CAPI"))
# socket.py defines these only when `_socket.socket` has sendmsg and recvmsg, which GraalPy's has not.
_ONLY_WITH_SENDMSG = ("send_fds", "recv_fds")


def absent(host_socket: ModuleType) -> dict[str, str]:
    """Names of the host's socket module that GraalPy's lacks, each with the limitation an access hits."""
    from_c = vars(host_socket).get("_socket")
    c_names = vars(from_c) if from_c is not None else {}
    names = [
        name
        for name in vars(host_socket)
        if name in c_names and not name.startswith("_") and name not in GRAALPY_SOCKET and name != "socketpair"
    ]
    names.extend(name for name in _ONLY_WITH_SENDMSG if name in vars(host_socket))
    return dict.fromkeys(names, NAMES_ID)


def namespace(
    host_socket: ModuleType, policy: str, wrappers: dict[tuple[str, str], tuple[object, object]]
) -> dict[str, object]:
    """The shim's attributes: GraalPy's names under enforce, CPython's with each missing function logged under warn."""
    contents = dict(vars(host_socket))
    missing = absent(host_socket)
    for name in missing:
        if policy == ENFORCE:
            del contents[name]
        elif callable(contents[name]) and not isinstance(contents[name], type):
            contents[name] = logged_function(contents[name], "socket", name, NAMES_ID, wrappers)
    if "socketpair" in contents:
        contents["socketpair"] = _socketpair(host_socket, policy)
    return contents


def _socketpair(host: ModuleType, policy: str) -> Callable[..., object]:
    host_socketpair = host.socketpair

    def socketpair(family: object = None, type: object = host.SOCK_STREAM, proto: object = 0) -> object:
        """socket.py's fallback, as on GraalPy: a connected AF_INET (or AF_INET6) pair through the loopback."""
        internet = family is None or family in (host.AF_INET, host.AF_INET6)
        if not internet and hit(SOCKETPAIR_ID, "socket.socketpair", {"family": str(family)}):
            raise ValueError("Only AF_INET and AF_INET6 socket address families are supported")
        if policy != ENFORCE:
            return host_socketpair(family, type, proto)
        return _loopback_pair(host, host.AF_INET if family is None else family, type, proto)

    socketpair.__doc__ = host_socketpair.__doc__
    return socketpair


def _loopback_pair(host: ModuleType, family: object, type: object, proto: object) -> tuple[object, object]:
    """Two connected sockets through a listener on the loopback address, which closes at once."""
    address = "::1" if family == host.AF_INET6 else "127.0.0.1"
    with host.socket(family, type, proto) as listener:
        listener.bind((address, 0))
        listener.listen()
        first = host.socket(family, type, proto)
        try:
            first.connect(listener.getsockname())
            second, _ = listener.accept()
        except BaseException:
            first.close()
            raise
    if second.getpeername() != first.getsockname():  # another process connected first
        first.close()
        second.close()
        raise ConnectionError("unexpected connection to the socketpair listener")
    return first, second
