"""A kernel-enforced sandbox for the SPARQL query executor processes.

A query is code sent by the public, and pyoxigraph evaluates ``SERVICE`` by making HTTP
requests from the process that runs it. So each executor locks itself in right after it
starts, before it opens the store, irrevocably:

1. ``no_new_privs``: nothing it runs can gain privileges (and it may then install 3 and 4);
2. an address-space limit (``RLIMIT_AS``): a query cannot eat the machine's memory;
3. Landlock, where the kernel has it: read-only access beneath the store and what Python
   and pyoxigraph load, nothing else; and no TCP bind or connect at all;
4. seccomp: no socket but AF_UNIX, no io_uring, no ptrace (mandatory).

The executor then talks to its parent only over the AF_UNIX pipe it already holds.
"""

from __future__ import annotations

import ctypes
import errno
import importlib.util
import json
import os
import resource
import socket
import stat
import sys
import warnings
from dataclasses import asdict, dataclass
from types import ModuleType
from typing import NoReturn

from .errors import ConfigError

_libc = ctypes.CDLL(None, use_errno=True)
_libc.syscall.restype = ctypes.c_long

_PR_SET_NO_NEW_PRIVS = 38
_M_ARENA_MAX = -8

# Landlock system calls: asm-generic numbers, the same on x86_64 and aarch64.
_SYS_LANDLOCK_CREATE_RULESET = 444
_SYS_LANDLOCK_ADD_RULE = 445
_SYS_LANDLOCK_RESTRICT_SELF = 446
_LANDLOCK_CREATE_RULESET_VERSION = 1 << 0
_LANDLOCK_RULE_PATH_BENEATH = 1

_FS_READ_FILE = 1 << 2
_FS_READ_DIR = 1 << 3
# Filesystem rights by the ABI version that introduced them; all known ones are handled
# (so denied unless a rule allows them). ABI 1: EXECUTE, WRITE_FILE, READ_FILE, READ_DIR,
# REMOVE_DIR, REMOVE_FILE and MAKE_{CHAR,DIR,REG,SOCK,FIFO,BLOCK,SYM}; 2: REFER;
# 3: TRUNCATE; 5: IOCTL_DEV. ABI 7 (this kernel) added audit flags, no new rights.
_FS_RIGHTS_BY_ABI = ((1, (1 << 13) - 1), (2, 1 << 13), (3, 1 << 14), (5, 1 << 15))
_NET_BIND_TCP = 1 << 0  # ABI 4
_NET_CONNECT_TCP = 1 << 1  # ABI 4
_SCOPE_ABSTRACT_UNIX_SOCKET = 1 << 0  # ABI 6
_SCOPE_SIGNAL = 1 << 1  # ABI 6

# Beneath these only reading is allowed: the store and whatever Python, pyoxigraph and the
# dynamic loader open after the sandbox is in place. Store.read_only (pyoxigraph 0.5)
# writes nothing into the store directory -- no LOCK, no LOG, no OPTIONS file (checked
# with strace and under Landlock) -- so the store is read-only too. No EXECUTE right is
# granted anywhere: an executor never calls execve(), and Landlock does not check the
# mmap() that loads a shared library.
_SYSTEM_PATHS = ("/usr/lib", "/lib", "/lib64", "/usr/lib64", "/etc/ld.so.cache",
                 "/dev/urandom", "/dev/null", "/proc/self")

_OPT_OUT = "set LEXGRAPH_SANDBOX=off to run the query executors without it"


class SandboxUnavailable(ConfigError):
    """The kernel refused a sandbox layer the query executors must have; the service
    refuses to start rather than run queries unconfined."""

    code = "sandbox_unavailable"


def _unavailable(refused: str) -> SandboxUnavailable:
    return SandboxUnavailable(f"query sandbox unavailable: {refused}; {_OPT_OUT}")


@dataclass(frozen=True)
class SandboxReport:
    """Which layers a process is confined by, for the start-up log."""

    seccomp: bool
    landlock_abi: int | None
    memory_bytes: int | None

    def describe(self) -> str:
        """One line for the log, e.g. ``seccomp on, Landlock ABI 7, address space <= 512 MiB``."""
        if self.landlock_abi is None:
            landlock = "no Landlock (files not restricted: the kernel lacks it)"
        else:
            tcp = ", TCP denied" if self.landlock_abi >= 4 else ""
            landlock = f"Landlock ABI {self.landlock_abi} (files read-only{tcp})"
        memory = ("no memory limit" if self.memory_bytes is None
                  else f"address space <= {self.memory_bytes / 2**20:g} MiB")
        return f"query sandbox: seccomp {'on' if self.seccomp else 'off'}, {landlock}, {memory}"


class _RulesetAttr(ctypes.Structure):
    _fields_ = [("handled_access_fs", ctypes.c_uint64),
                ("handled_access_net", ctypes.c_uint64),
                ("scoped", ctypes.c_uint64)]


class _PathBeneathAttr(ctypes.Structure):
    _pack_ = 1  # the kernel's struct is __attribute__((packed)): 12 bytes
    _fields_ = [("allowed_access", ctypes.c_uint64), ("parent_fd", ctypes.c_int32)]


def enter_sandbox(store_dir: str, memory_bytes: int | None) -> SandboxReport:
    """Confine the calling process for good (see the module docstring for the layers).

    Call it while the process has a single thread, before opening the store: Landlock
    binds only the calling thread and the threads it starts later, and pyoxigraph starts
    RocksDB threads when it opens a store. Raises :class:`SandboxUnavailable` when a
    mandatory layer cannot be installed; by then earlier layers may be in place.
    """
    threads = len(os.listdir("/proc/self/task"))
    if threads != 1:
        raise RuntimeError(f"enter_sandbox needs a single-threaded process, this one has {threads} threads")
    seccomp = _load_seccomp()  # before Landlock: loading libseccomp runs ldconfig
    _set_no_new_privs()
    if memory_bytes is not None:
        memory_bytes = limit_address_space(memory_bytes)
    landlock_abi = _restrict_files_and_tcp(store_dir)
    _deny_network_syscalls(seccomp)
    return SandboxReport(seccomp=True, landlock_abi=landlock_abi, memory_bytes=memory_bytes)


def _load_seccomp() -> ModuleType:
    try:
        import pyseccomp
    except (ImportError, OSError, RuntimeError) as exc:  # RuntimeError: libseccomp not found
        raise _unavailable(f"libseccomp cannot be loaded ({exc})") from None
    return pyseccomp


def _set_no_new_privs() -> None:
    one, zero = ctypes.c_ulong(1), ctypes.c_ulong(0)
    if _libc.prctl(ctypes.c_int(_PR_SET_NO_NEW_PRIVS), one, zero, zero, zero) != 0:
        raise _unavailable(f"the kernel refused prctl(PR_SET_NO_NEW_PRIVS): {os.strerror(ctypes.get_errno())}")


def limit_address_space(memory_bytes: int) -> int:
    """Cap the address space at ``memory_bytes`` (or at a lower hard limit already set).

    Measured on x86_64, CPython 3.11, pyoxigraph 0.5.13, 2 CPUs, a tiny store: a process
    maps 13 MiB bare and 32 MiB once pyoxigraph is imported (47 MiB in an executor, whose
    fork server also imports lexgraph). Store.read_only then takes the address space to a
    peak of 450-780 MiB and 360-680 MiB after (varying run to run) for ~25 MiB resident:
    RocksDB opens files on up to 16 threads, each with an 8 MiB stack, and glibc gives
    each thread that allocates a malloc arena of its own, a 64 MiB reservation. All of it
    counts against RLIMIT_AS; when arenas take the room a thread stack needs, RocksDB's
    thread creation throws and the process aborts (limit set before opening: 384 MiB
    failed 20 runs of 20, 512 MiB passed 20 of 20). So the process keeps to one malloc
    arena -- its queries run on one thread anyway: then the open peaks at ~200 MiB (the
    stacks) and settles at ~115 MiB, 200 MiB is the smallest limit that opens the store
    (192 MiB aborts), 256 MiB runs small queries, and the limit tracks memory in use.
    """
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        memory_bytes = min(memory_bytes, hard)
    _one_malloc_arena()
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    return memory_bytes


def _one_malloc_arena() -> None:
    """mallopt(M_ARENA_MAX, 1): no per-thread arenas (musl, which has none, ignores it)."""
    _libc.mallopt(ctypes.c_int(_M_ARENA_MAX), ctypes.c_int(1))


def _restrict_files_and_tcp(store_dir: str) -> int | None:
    """Install the Landlock layer; the ABI version, or None if this kernel has no Landlock."""
    abi = _landlock_abi()
    if abi is None:
        return None
    attr = _RulesetAttr(handled_access_fs=_handled_fs_rights(abi))
    size = _RulesetAttr.handled_access_net.offset
    if abi >= 4:  # no rule names a port, so every TCP bind and connect is denied
        attr.handled_access_net = _NET_BIND_TCP | _NET_CONNECT_TCP
        size = _RulesetAttr.scoped.offset
    if abi >= 6:  # no abstract unix sockets or signals beyond this process
        attr.scoped = _SCOPE_ABSTRACT_UNIX_SOCKET | _SCOPE_SIGNAL
        size = ctypes.sizeof(_RulesetAttr)
    try:
        ruleset_fd = _syscall(_SYS_LANDLOCK_CREATE_RULESET, ctypes.byref(attr), size, 0)
    except OSError as exc:
        raise _unavailable(f"the kernel refused a Landlock ruleset: {exc.strerror}") from None
    try:
        for path in _readable_paths(store_dir):
            _allow_reading(ruleset_fd, path, attr.handled_access_fs)
        _syscall(_SYS_LANDLOCK_RESTRICT_SELF, ruleset_fd, 0)
    except OSError as exc:
        raise _unavailable(f"the kernel refused a Landlock rule or restriction: {exc.strerror}") from None
    finally:
        os.close(ruleset_fd)
    return abi


def _landlock_abi() -> int | None:
    try:
        return _syscall(_SYS_LANDLOCK_CREATE_RULESET, None, 0, _LANDLOCK_CREATE_RULESET_VERSION)
    except OSError as exc:
        if exc.errno in (errno.ENOSYS, errno.EOPNOTSUPP):  # not built in, or disabled at boot
            return None
        raise _unavailable(f"the kernel refused the Landlock version query: {exc.strerror}") from None


def _handled_fs_rights(abi: int) -> int:
    rights = 0
    for introduced, bits in _FS_RIGHTS_BY_ABI:
        if abi >= introduced:
            rights |= bits
    return rights


def _readable_paths(store_dir: str) -> list[str]:
    """The store, Python's and pyoxigraph's directories and the system libraries; never
    ``/`` (a sys.path entry or prefix that is the root would allow reading everything)."""
    spec = importlib.util.find_spec("pyoxigraph")
    package = [os.path.dirname(spec.origin)] if spec is not None and spec.origin else []
    candidates = [store_dir, *(p for p in sys.path if p), sys.prefix, sys.base_prefix, sys.exec_prefix,
                  *package, *_SYSTEM_PATHS]
    return [p for p in dict.fromkeys(candidates) if os.path.realpath(p) != "/"]


def _allow_reading(ruleset_fd: int, path: str, handled: int) -> None:
    """Add a read-only rule beneath ``path`` if it exists (a file gets READ_FILE only:
    the kernel refuses directory rights on a file)."""
    try:
        fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
    except OSError:
        return
    try:
        is_dir = stat.S_ISDIR(os.fstat(fd).st_mode)
        allowed = (_FS_READ_FILE | _FS_READ_DIR) if is_dir else _FS_READ_FILE
        rule = _PathBeneathAttr(allowed_access=allowed & handled, parent_fd=fd)
        _syscall(_SYS_LANDLOCK_ADD_RULE, ruleset_fd, _LANDLOCK_RULE_PATH_BENEATH, ctypes.byref(rule), 0)
    finally:
        os.close(fd)


def _syscall(number: int, *args: object) -> int:
    """syscall(2), every integer argument passed as a C long as the variadic wrapper reads it."""
    values = [ctypes.c_long(a) if isinstance(a, int) else a for a in args]
    result = _libc.syscall(ctypes.c_long(number), *values)
    if result < 0:
        code = ctypes.get_errno()
        raise OSError(code, os.strerror(code))
    return int(result)


def _deny_network_syscalls(seccomp: ModuleType) -> None:
    """Load the seccomp filter into every thread of the process (TSYNC).

    Any socket family but AF_UNIX fails with EACCES (AF_INET, AF_INET6, AF_PACKET,
    AF_NETLINK...), so a SERVICE clause cannot reach the network even where Landlock is
    missing; io_uring could open sockets behind seccomp's back, ptrace and
    process_vm_* could tamper with other processes: those fail with EPERM.
    """
    try:
        syscall_filter = seccomp.SyscallFilter(seccomp.ALLOW)
        syscall_filter.set_attr(seccomp.Attr.CTL_TSYNC, 1)
        not_unix = seccomp.Arg(0, seccomp.NE, socket.AF_UNIX)
        for name in ("socket", "socketpair"):
            syscall_filter.add_rule(seccomp.ERRNO(errno.EACCES), name, not_unix)
        for name in ("io_uring_setup", "io_uring_enter", "io_uring_register",
                     "ptrace", "process_vm_readv", "process_vm_writev"):
            syscall_filter.add_rule(seccomp.ERRNO(errno.EPERM), name)
        syscall_filter.load()
    except OSError as exc:
        raise _unavailable(f"the kernel refused the seccomp filter: {exc.strerror or exc}") from None


def probe_sandbox(store_dir: str) -> SandboxReport:
    """Enter the sandbox in a short-lived forked child and report what it got, so that the
    service fails closed with one line at start-up without sandboxing itself.

    Meant for the main thread at start-up, before the web server starts threads; it also
    works with other threads running, as the child runs nothing but the sandbox set-up
    (libseccomp is loaded here, before the fork) and leaves with os._exit().
    """
    _load_seccomp()
    read_fd, write_fd = os.pipe()
    with warnings.catch_warnings():  # Python 3.12+ warns of fork() in a process with threads
        warnings.simplefilter("ignore", DeprecationWarning)
        pid = os.fork()
    if pid == 0:
        os.close(read_fd)
        _probe_child(store_dir, write_fd)
    os.close(write_fd)
    with os.fdopen(read_fd, "rb") as pipe:
        message = pipe.read()
    _, status = os.waitpid(pid, 0)
    if not message:
        raise _unavailable(f"the sandbox probe process died (wait status {status:#x})")
    outcome = json.loads(message)
    if "error" in outcome:
        raise SandboxUnavailable(outcome["error"])
    return SandboxReport(**outcome["report"])


def _probe_child(store_dir: str, write_fd: int) -> NoReturn:
    """In the forked child: enter the sandbox, write the outcome as JSON, never return."""
    try:
        try:
            outcome = {"report": asdict(enter_sandbox(store_dir, None))}
        except SandboxUnavailable as exc:
            outcome = {"error": str(exc)}
        except BaseException as exc:
            outcome = {"error": str(_unavailable(f"{type(exc).__name__}: {exc}"))}
        os.write(write_fd, json.dumps(outcome).encode())
    finally:
        os._exit(0)
