"""A pool of query executor processes that can be stopped for real.

pyoxigraph cannot cancel a running query, and a thread cannot be killed; so each query runs
in a separate process that opens the on-disk store read-only. A query past its time limit
has its process killed (its CPU is freed at once) and a fresh process takes its place,
while the other executors go on answering.

Each executor shuts itself in before it opens the store (:mod:`lexgraph.sandbox`): the
kernel refuses it network sockets and, where Landlock is available, every file outside the
store, and caps its address space; so no query text, however spelled, makes it fetch a URL,
and a runaway query ends in a refused allocation instead of the machine's memory. With
``ExecutorOptions.memory_copy`` it then copies the store into its memory, and answers from
the copy (faster, for memory; see :mod:`lexgraph.store.memory_copy`).

The trip to an executor is on the path of every uncached query, so it is kept lean: the
event loop watches each executor's socket for as long as the executor lives (no watch set up
and torn down per query), answers travel as raw bytes (never pickled), and a free executor
is taken without waiting when there is one.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import multiprocessing as mp
import os
import pickle
import signal
import socket
import struct
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Callable

from .errors import ExecutorFailed, QueryTimeout, ServerBusy, StoreUnavailable, UserError
from .results import Answer
from .store.base import QueryRequest

# A fork server forks executors (and the children that build derived values:
# store/child_build.py) from a clean process that has already imported pyoxigraph: a
# replacement starts in milliseconds, and holds none of the web server's sockets.
PROCESSES = mp.get_context("forkserver")
PROCESSES.set_forkserver_preload(["pyoxigraph", "pyseccomp", "lexgraph.store.oxigraph_run",
                                  "lexgraph.store.memory_copy", "lexgraph.sandbox"])


log = logging.getLogger("lexgraph.executor")
RESPAWN_FIRST_PAUSE_S, RESPAWN_MAX_PAUSE_S = 0.1, 5.0
STARTUP_TIMEOUT_S = 60.0
"""How long an executor may take to open the store and say it is ready."""
COPY_STARTUP_TIMEOUT_S = 600.0
"""The same, when it first copies the store into memory: about 18 s of CPU per copy at 1.9M
quads, and the executors that start together share the cores."""


@dataclass(frozen=True)
class ExecutorOptions:
    """How every executor runs: what the kernel holds it to, and where it reads the store."""

    memory_bytes: int | None = None
    """Address-space limit (RLIMIT_AS); None: none."""
    sandbox: bool = True
    """Refuse network sockets (seccomp) and files outside the store (Landlock)."""
    memory_copy: bool = False
    """Answer from a copy of the store in the executor's memory, made when it starts
    (:mod:`lexgraph.store.memory_copy`), instead of from the store on disk."""


def start_fork_server() -> None:
    """Start the fork server now (it imports pyoxigraph in its own process), so that it is
    ready by the time the web app, which imports much else first, asks for executors."""
    from multiprocessing import forkserver

    forkserver.ensure_running()


# --- the wire ------------------------------------------------------------------------------
# Each message is a frame: an 8-byte big-endian length, then that many bytes. A request is the
# pickled QueryRequest (small, made by the web process). A reply starts with a status byte; an
# answer follows it as its row count, capped flag, content type and body, raw.

_LENGTH = struct.Struct("!Q")
_ANSWER_HEAD = struct.Struct("!BqBH")  # status, count, capped, length of the content type
_OK, _USER_ERROR, _MEMORY, _ERROR, _READY, _FAILED = range(6)
_ONE_WRITE_BYTES = 1 << 16
"""Replies up to this size go out in one write (one wake-up of the web process); bigger ones
in two, so that the body is never copied."""

Reply = tuple[int, memoryview]
"""A reply frame's status and the frame itself (status byte included)."""


def _write_all(fd: int, data: bytes | memoryview) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def _send_reply(fd: int, status: int, payload: bytes, head: bytes | None = None) -> None:
    """Send a reply frame; ``head`` (starting with the status byte) comes before ``payload``."""
    head = head if head is not None else bytes((status,))
    prefix = _LENGTH.pack(len(head) + len(payload)) + head
    if len(payload) <= _ONE_WRITE_BYTES:
        _write_all(fd, prefix + payload)
    else:
        _write_all(fd, prefix)
        _write_all(fd, payload)


def _read_exactly(fd: int, size: int) -> bytes:
    chunks, missing = [], size
    while missing:
        chunk = os.read(fd, min(missing, 1 << 20))
        if not chunk:
            raise EOFError
        chunks.append(chunk)
        missing -= len(chunk)
    return b"".join(chunks)


def _executor_main(store_dir: str, conn: Connection, options: ExecutorOptions) -> None:
    """Child process: shut itself in, open the store read-only (and copy it into memory, with
    ``options.memory_copy``), then answer requests one at a time."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the pool ends it; Ctrl+C reaches the whole process group
    import pyoxigraph as ox

    from .sandbox import enter_sandbox, limit_address_space
    from .store.memory_copy import copy_to_memory
    from .store.oxigraph_run import run_on_store

    fd = conn.fileno()
    try:
        if options.sandbox:
            enter_sandbox(store_dir, options.memory_bytes)
        elif options.memory_bytes:
            limit_address_space(options.memory_bytes)
        store = ox.Store.read_only(store_dir)
        if options.memory_copy:
            store = copy_to_memory(store, options.memory_bytes)
    except Exception as exc:
        _send_reply(fd, _FAILED, f"{type(exc).__name__}: {exc}".encode())
        return
    _send_reply(fd, _READY, b"")
    while True:
        try:
            (size,) = _LENGTH.unpack(_read_exactly(fd, _LENGTH.size))
            request = pickle.loads(_read_exactly(fd, size))
        except (EOFError, OSError):
            return
        try:
            answer = run_on_store(store, request)
            content_type = answer.content_type.encode()
            head = _ANSWER_HEAD.pack(_OK, answer.count, answer.capped, len(content_type)) + content_type
            _send_reply(fd, _OK, answer.body, head)
        except UserError as exc:
            _send_reply(fd, _USER_ERROR, pickle.dumps(exc))
        except MemoryError:
            _send_reply(fd, _MEMORY, b"")
        except Exception as exc:  # reported to the parent, which answers 500-class
            _send_reply(fd, _ERROR, f"{type(exc).__name__}: {exc}".encode())


def _answer_of(status: int, frame: memoryview) -> Answer:
    if status == _OK:
        _, count, capped, type_size = _ANSWER_HEAD.unpack_from(frame)
        start = _ANSWER_HEAD.size + type_size
        return Answer(bytes(frame[start:]), bytes(frame[_ANSWER_HEAD.size:start]).decode(), count, bool(capped))
    if status == _USER_ERROR:
        raise pickle.loads(frame[1:])
    raise StoreUnavailable(f"the query failed inside the store: {bytes(frame[1:]).decode(errors='replace')}")


# --- the web process's side ----------------------------------------------------------------

class _Executor:
    """One executor process and the web process's end of its socket.

    The event loop watches the socket for as long as the executor lives, idle or busy: a
    reply completes :attr:`pending`, and the end of the stream (the process died, even while
    idle) is seen at once and reported to ``on_death``."""

    def __init__(self, store_dir: str, options: ExecutorOptions, on_death: Callable[[_Executor], None]) -> None:
        conn, child_conn = PROCESSES.Pipe()
        self.process = PROCESSES.Process(target=_executor_main, args=(store_dir, child_conn, options), daemon=True)
        self.process.start()
        child_conn.close()
        self.sock = socket.socket(fileno=os.dup(conn.fileno()))
        conn.close()
        self.sock.setblocking(False)
        self.pending: asyncio.Future[Reply | None] | None = None
        self.dead = False
        self._buffer = bytearray()
        self._on_death = on_death
        self._loop = asyncio.get_running_loop()
        self._loop.add_reader(self.sock.fileno(), self._readable)

    def expect(self) -> asyncio.Future[Reply | None]:
        """The next reply, or None if the process ends first."""
        self.pending = self._loop.create_future()
        return self.pending

    @property
    def busy(self) -> bool:
        return self.pending is not None and not self.pending.done()

    def _readable(self) -> None:
        try:
            chunk = self.sock.recv(1 << 20)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            chunk = b""
        if not chunk:
            self._ended()
            return
        self._buffer += chunk
        if len(self._buffer) < _LENGTH.size:
            return
        (size,) = _LENGTH.unpack_from(self._buffer)
        end = _LENGTH.size + size
        if len(self._buffer) < end:
            return
        frame = memoryview(bytes(self._buffer[_LENGTH.size:end]))
        del self._buffer[:end]
        if self.busy:
            self.pending.set_result((frame[0], frame))  # type: ignore[union-attr]

    def _ended(self) -> None:
        """The process ended: whoever waits for a reply learns it; else the pool does."""
        if self.dead:
            return
        self._stop_watching()
        if self.busy:
            self.pending.set_result(None)  # type: ignore[union-attr]
        else:
            self._on_death(self)

    def _stop_watching(self) -> None:
        if not self.dead:
            self.dead = True
            with contextlib.suppress(Exception):
                self._loop.remove_reader(self.sock.fileno())

    async def send(self, request: QueryRequest) -> None:
        payload = pickle.dumps(request, protocol=pickle.HIGHEST_PROTOCOL)
        data = _LENGTH.pack(len(payload)) + payload
        try:
            sent = self.sock.send(data)
        except BlockingIOError:
            sent = 0
        if sent < len(data):
            await self._loop.sock_sendall(self.sock, data[sent:])

    def kill(self) -> None:
        with contextlib.suppress(Exception):
            self.process.kill()
        self._stop_watching()
        with contextlib.suppress(Exception):
            self.sock.close()

    def death(self) -> str:
        """How the process ended, for the error message (it has ended or is about to)."""
        with contextlib.suppress(Exception):
            self.process.join(1.0)
        return how_it_ended(self.process.exitcode)


def how_it_ended(exitcode: int | None) -> str:
    """A child process's end, from its exit code, for error messages."""
    if exitcode is None:
        return "it stopped answering"
    if exitcode < 0:
        with contextlib.suppress(ValueError):
            return f"it was ended by {signal.Signals(-exitcode).name}"
    return f"it exited with status {exitcode}"


_TIMED_OUT: Reply = (-1, memoryview(b""))
"""What a reply future holds when the query's time ran out first."""


def _expire(reply: asyncio.Future[Reply | None]) -> None:
    if not reply.done():
        reply.set_result(_TIMED_OUT)


class ExecutorPool:
    """``size`` executor processes over one on-disk store, used from one asyncio loop."""

    def __init__(self, store_dir: str, size: int, options: ExecutorOptions = ExecutorOptions(),
                 startup_timeout_s: float | None = None) -> None:
        self.store_dir = store_dir
        self.size = size
        self.options = options
        self.startup_timeout_s = startup_timeout_s or (COPY_STARTUP_TIMEOUT_S if options.memory_copy else STARTUP_TIMEOUT_S)
        self._idle: asyncio.Queue[_Executor] = asyncio.Queue()
        self._all: set[_Executor] = set()
        self._spawning: set[asyncio.Task[None]] = set()

    async def start(self) -> None:
        """Start every executor and wait until each has opened the store."""
        await asyncio.gather(*(self._spawn() for _ in range(self.size)))

    async def _spawn(self) -> None:
        executor = _Executor(self.store_dir, self.options, self._died)
        self._all.add(executor)
        try:
            reply = await asyncio.wait_for(executor.expect(), self.startup_timeout_s)
        except asyncio.TimeoutError:
            self._discard(executor)
            raise StoreUnavailable("a query executor did not start in time") from None
        if reply is None:
            self._discard(executor)
            raise StoreUnavailable(f"a query executor failed to open the store ({executor.death()})")
        status, frame = reply
        if status != _READY:
            self._discard(executor)
            raise StoreUnavailable(f"a query executor failed to start: {bytes(frame[1:]).decode(errors='replace')}")
        self._idle.put_nowait(executor)

    def _died(self, executor: _Executor) -> None:
        """An idle executor's process ended: its successor starts now, before anyone is handed
        the dead one (a busy or starting one is replaced by :meth:`run` or :meth:`_spawn`)."""
        if executor in self._all:
            self._replace(executor)

    def _discard(self, executor: _Executor) -> None:
        executor.kill()
        self._all.discard(executor)

    def _replace(self, executor: _Executor) -> None:
        """Kill ``executor`` now and start its successor in the background."""
        self._discard(executor)
        task = asyncio.get_running_loop().create_task(self._respawn())
        self._spawning.add(task)
        task.add_done_callback(self._spawning.discard)

    async def _respawn(self) -> None:
        """Start a successor, trying again (after a growing pause) until one starts: a
        successor that dies while it starts must not shrink the pool for good."""
        pause = RESPAWN_FIRST_PAUSE_S
        while True:
            try:
                await self._spawn()
                return
            except StoreUnavailable as exc:
                log.warning("%s; trying again in %g s", exc, pause)
            await asyncio.sleep(pause)
            pause = min(pause * 2, RESPAWN_MAX_PAUSE_S)

    async def _take(self, timeout_s: float) -> _Executor:
        """A live idle executor, at once when there is one; a dead one is never handed out."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout_s
        while True:
            try:
                executor = self._idle.get_nowait()
            except asyncio.QueueEmpty:
                try:
                    executor = await asyncio.wait_for(self._idle.get(), max(0.0, deadline - loop.time()))
                except asyncio.TimeoutError:
                    raise ServerBusy(timeout_s) from None
            if not executor.dead:
                return executor

    async def run(self, request: QueryRequest) -> Answer:
        """Run ``request`` on a free executor within ``request.timeout_s`` (waiting included)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + request.timeout_s
        executor = await self._take(request.timeout_s)
        reply = executor.expect()
        timer = loop.call_later(max(0.0, deadline - loop.time()), _expire, reply)
        try:
            await executor.send(request)
            result = await reply
        except OSError:
            self._replace(executor)
            raise ExecutorFailed(f"the query executor could not take the query ({executor.death()})") from None
        except asyncio.CancelledError:  # nobody waits for this answer any more: free its CPU now
            self._replace(executor)
            raise
        finally:
            timer.cancel()
        if result is _TIMED_OUT:
            self._replace(executor)
            raise QueryTimeout(request.timeout_s)
        if result is None:
            self._replace(executor)
            raise ExecutorFailed(self._died_message(executor))
        status, frame = result
        if status == _MEMORY:
            self._replace(executor)  # a failed allocation may have left it in any state
            raise ExecutorFailed(self._memory_message())
        self._idle.put_nowait(executor)
        return _answer_of(status, frame)

    def _memory_message(self) -> str:
        limit = self.options.memory_bytes
        cap = f" of {limit // 2**20} MiB" if limit else ""
        return f"the query needed more memory than an executor may use{cap} and was stopped (LEXGRAPH_EXECUTOR_MEMORY_BYTES)"

    def _died_message(self, executor: _Executor) -> str:
        how = executor.death()
        if self.options.memory_bytes:
            return (f"the query executor stopped while answering ({how}); the query likely passed its memory "
                    f"limit of {self.options.memory_bytes // 2**20} MiB or the engine's stack; it was replaced")
        return f"the query executor stopped while answering ({how}); it was replaced"

    def alive(self) -> bool:
        """Whether any executor is alive or starting."""
        return any(not e.dead for e in self._all) or bool(self._spawning)

    async def close(self) -> None:
        """Stop every executor; :meth:`start` may be called again afterwards."""
        for task in list(self._spawning):
            task.cancel()
        for executor in list(self._all):
            self._discard(executor)
        self._idle = asyncio.Queue()  # none of the stopped executors may be handed out again
