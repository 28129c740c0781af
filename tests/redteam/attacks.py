"""The hostile program: every Python route to a host file it can think of, as a script for a child process.

It is run under `python -m interpose --posix-backend java --fs SPEC` with the
secret's path and a host directory outside the provider's reach; it prints one
JSON object: route -> the secret's text when the route read it, else the
exception's class name (or "done" for a write route).  What the routes did to
the host is judged by the test from a snapshot, not from this output.
"""

PROGRAM = r"""
import _io, io, json, os, shutil, sys, tempfile
secret_path, host_dir, secret_ino = sys.argv[1], sys.argv[2], int(sys.argv[3])
results = {}

def attempt(route, action):
    try:
        value = action()
    except BaseException as error:  # noqa: BLE001 - every outcome is recorded
        value = type(error).__name__
    results[route] = value if isinstance(value, str) else repr(value)

def text(data):
    return data.decode("utf-8", "replace") if isinstance(data, bytes) else data

def read_with(opener):
    with opener() as handle:
        return text(handle.read())

attempt("io.open", lambda: read_with(lambda: io.open(secret_path)))
attempt("builtins.open", lambda: read_with(lambda: open(secret_path)))
attempt("_io.open", lambda: read_with(lambda: _io.open(secret_path)))
attempt("_io.FileIO", lambda: read_with(lambda: _io.FileIO(secret_path)))
attempt("_io.BufferedReader", lambda: read_with(lambda: _io.BufferedReader(_io.FileIO(secret_path))))
attempt("io.open_code", lambda: read_with(lambda: io.open_code(secret_path)))
from importlib.machinery import SourceFileLoader, SourcelessFileLoader
attempt("SourceFileLoader.get_data", lambda: text(SourceFileLoader("x", secret_path).get_data(secret_path)))
attempt("SourcelessFileLoader.get_data", lambda: text(SourcelessFileLoader("x", secret_path).get_data(secret_path)))

def dir_fd_read():
    parent, name = os.path.split(secret_path)
    directory = os.open(parent, os.O_RDONLY)
    return text(os.read(os.open(name, os.O_RDONLY, dir_fd=directory), 1000))

def root_fd_read():
    root = os.open("/", os.O_RDONLY)
    return text(os.read(os.open(secret_path.lstrip("/"), os.O_RDONLY, dir_fd=root), 1000))

attempt("os.open dir_fd", dir_fd_read)
attempt("os.open dir_fd=/", root_fd_read)
attempt("/proc/self/root", lambda: read_with(lambda: open("/proc/self/root" + secret_path)))
cwd_relative = os.path.relpath(secret_path, os.readlink("/proc/self/cwd")) if os.path.exists("/proc") else ""
attempt("/proc/self/cwd", lambda: read_with(lambda: open("/proc/self/cwd/" + cwd_relative)))

def proc_fd():
    fd = os.open(os.path.dirname(secret_path), os.O_RDONLY)
    return read_with(lambda: open(f"/proc/self/fd/{fd}/" + os.path.basename(secret_path)))

attempt("/proc/self/fd/N", proc_fd)

def scandir_fd():
    fd = os.open(host_dir, os.O_RDONLY)
    return "|".join(sorted(entry.name for entry in os.scandir(fd)))

attempt("os.scandir(fd)", scandir_fd)
attempt("os.listdir", lambda: "|".join(sorted(os.listdir(host_dir))))
attempt("shutil.copy", lambda: (shutil.copy(secret_path, "/stolen.txt"), read_with(lambda: open("/stolen.txt")))[1])
attempt("pathlib.read_text", lambda: __import__("pathlib").Path(secret_path).read_text())

def import_from_host():
    sys.path.insert(0, host_dir)
    try:
        import secretmod
    finally:
        sys.path.remove(host_dir)
    return secretmod.VALUE

attempt("import from a host directory", import_from_host)

def import_module_path():
    import importlib.util
    spec = importlib.util.spec_from_file_location("secretmod2", os.path.join(host_dir, "secretmod.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.VALUE

attempt("importlib spec_from_file_location", import_module_path)

def guess_fds():
    seen = []
    for fd in range(3, 1024):
        for probe in (lambda: os.pread(fd, 1000, 0), lambda: os.read(fd, 1000)):
            try:
                data = text(probe())
            except OSError:
                continue
            if data:
                seen.append(data)
        try:
            if os.fstat(fd).st_ino == secret_ino:
                seen.append("inode of the secret")
        except OSError:
            pass
    return "|".join(seen)

attempt("fd guessing (read, fstat)", guess_fds)

def write_fds():
    for fd in range(3, 1024):
        for change in (lambda: os.fchmod(fd, 0o777), lambda: os.utime(fd, (0, 0)),
                       lambda: os.setxattr(fd, "user.redteam", b"x"), lambda: os.ftruncate(fd, 0)):
            try:
                change()
            except Exception:  # noqa: BLE001 - refused in any way (absent functions raise AttributeError)
                pass
    return "done"

# Writes: judged by the host snapshot.
def writes():
    for action in (
        lambda: _io.open(os.path.join(host_dir, "by-_io.open.txt"), "w").close(),
        lambda: _io.FileIO(os.path.join(host_dir, "by-FileIO.txt"), "w").close(),
        lambda: open(os.path.join(host_dir, "by-open.txt"), "w").close(),
        lambda: os.close(os.open(os.path.join(host_dir, "by-os.open.txt"), os.O_CREAT | os.O_WRONLY)),
        lambda: SourceFileLoader("x", secret_path).set_data(os.path.join(host_dir, "by-set_data.pyc"), b"x"),
        lambda: os.chmod(secret_path, 0o777),
        lambda: os.utime(secret_path, (0, 0)),
        lambda: os.setxattr(secret_path, "user.redteam", b"x"),
        lambda: os.truncate(secret_path, 0),
        lambda: shutil.copy(__file__ if "__file__" in globals() else "/etc/hostname", host_dir),
        lambda: tempfile.mkstemp(dir=host_dir),
        lambda: tempfile.mkstemp(),
    ):
        try:
            action()
        except Exception:  # noqa: BLE001 - refused in any way (absent functions raise AttributeError)
            pass
    return "done"

attempt("writes", writes)
attempt("fd guessing (fchmod, utime, setxattr, ftruncate)", write_fds)
print(json.dumps(results))
"""
