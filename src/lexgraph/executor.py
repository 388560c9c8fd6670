"""A pool of query executor processes that can be stopped for real.

pyoxigraph cannot cancel a running query, and a thread cannot be killed; so each query runs
in a separate process that opens the on-disk store read-only. A query past its time limit
has its process killed (its CPU is freed at once) and a fresh process takes its place,
while the other executors go on answering.

Each executor shuts itself in before it opens the store (:mod:`lexgraph.sandbox`): the
kernel refuses it network sockets and, where Landlock is available, every file outside the
store, and caps its address space; so no query text, however spelled, makes it fetch a URL,
and a runaway query ends in a refused allocation instead of the machine's memory.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import multiprocessing as mp
import os
import signal
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

from .errors import ExecutorFailed, QueryTimeout, ServerBusy, StoreUnavailable, UserError
from .results import Answer
from .store.base import QueryRequest

# A fork server forks executors from a clean process that has already imported pyoxigraph:
# a replacement starts in milliseconds, and holds none of the web server's sockets.
_CONTEXT = mp.get_context("forkserver")
_CONTEXT.set_forkserver_preload(["pyoxigraph", "pyseccomp", "lexgraph.store.oxigraph_run", "lexgraph.sandbox"])


log = logging.getLogger("lexgraph.executor")
RESPAWN_FIRST_PAUSE_S, RESPAWN_MAX_PAUSE_S = 0.1, 5.0


@dataclass(frozen=True)
class ExecutorLimits:
    """What the kernel holds every executor to."""

    memory_bytes: int | None = None
    """Address-space limit (RLIMIT_AS); None: none."""
    sandbox: bool = True
    """Refuse network sockets (seccomp) and files outside the store (Landlock)."""


def start_fork_server() -> None:
    """Start the fork server now (it imports pyoxigraph in its own process), so that it is
    ready by the time the web app, which imports much else first, asks for executors."""
    from multiprocessing import forkserver

    forkserver.ensure_running()


def _executor_main(store_dir: str, conn: Connection, limits: ExecutorLimits) -> None:
    """Child process: shut itself in, open the store read-only, then answer requests one at a time."""
    import pyoxigraph as ox

    from .sandbox import enter_sandbox, limit_address_space
    from .store.oxigraph_run import run_on_store

    try:
        if limits.sandbox:
            enter_sandbox(store_dir, limits.memory_bytes)
        elif limits.memory_bytes:
            limit_address_space(limits.memory_bytes)
        store = ox.Store.read_only(store_dir)
    except Exception as exc:
        conn.send(("failed", f"{type(exc).__name__}: {exc}"))
        return
    conn.send(("ready", None))
    while True:
        try:
            request = conn.recv()
        except (EOFError, OSError):
            return
        try:
            conn.send(("ok", run_on_store(store, request)))
        except UserError as exc:
            conn.send(("user_error", exc))
        except MemoryError:
            conn.send(("memory", None))
        except Exception as exc:  # reported to the parent, which answers 500-class
            conn.send(("error", f"{type(exc).__name__}: {exc}"))


class _Executor:
    def __init__(self, store_dir: str, limits: ExecutorLimits) -> None:
        self.conn, child_conn = _CONTEXT.Pipe()
        self.process = _CONTEXT.Process(target=_executor_main, args=(store_dir, child_conn, limits), daemon=True)
        self.process.start()
        child_conn.close()

    def alive(self) -> bool:
        return self.process.is_alive()

    def kill(self) -> None:
        with contextlib.suppress(Exception):
            self.process.kill()
        with contextlib.suppress(Exception):
            self.conn.close()

    def death(self) -> str:
        """How the process ended, for the error message (it has ended or is about to)."""
        with contextlib.suppress(Exception):
            self.process.join(1.0)
        code = self.process.exitcode
        if code is None:
            return "it stopped answering"
        if code < 0:
            with contextlib.suppress(ValueError):
                return f"it was ended by {signal.Signals(-code).name}"
        return f"it exited with status {code}"


async def _readable(conn: Connection, timeout: float | None) -> bool:
    """Wait until ``conn`` has data (or its peer closed), up to ``timeout`` seconds."""
    loop = asyncio.get_running_loop()
    ready = loop.create_future()
    fd = conn.fileno()
    loop.add_reader(fd, lambda: ready.done() or ready.set_result(True))
    try:
        await asyncio.wait_for(ready, timeout)
        return True
    except asyncio.TimeoutError:
        return False
    finally:
        loop.remove_reader(fd)
        # uvloop makes a watched descriptor non-blocking; the Connection needs it blocking
        # to read a large answer in one recv().
        os.set_blocking(fd, True)


class ExecutorPool:
    """``size`` executor processes over one on-disk store, used from one asyncio loop."""

    def __init__(self, store_dir: str, size: int, limits: ExecutorLimits = ExecutorLimits(),
                 startup_timeout_s: float = 60.0) -> None:
        self.store_dir = store_dir
        self.size = size
        self.limits = limits
        self.startup_timeout_s = startup_timeout_s
        self._idle: asyncio.Queue[_Executor] = asyncio.Queue()
        self._all: set[_Executor] = set()
        self._spawning: set[asyncio.Task[None]] = set()

    async def start(self) -> None:
        """Start every executor and wait until each has opened the store."""
        await asyncio.gather(*(self._spawn() for _ in range(self.size)))

    async def _spawn(self) -> None:
        executor = _Executor(self.store_dir, self.limits)
        self._all.add(executor)
        if not await _readable(executor.conn, self.startup_timeout_s):
            self._discard(executor)
            raise StoreUnavailable("a query executor did not start in time")
        try:
            status, detail = executor.conn.recv()
        except (EOFError, OSError):
            self._discard(executor)
            raise StoreUnavailable(f"a query executor failed to open the store ({executor.death()})") from None
        if status != "ready":
            self._discard(executor)
            raise StoreUnavailable(f"a query executor failed to start: {detail}")
        self._idle.put_nowait(executor)

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
        """A live idle executor; one that died while idle is replaced, never handed out."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout_s
        while True:
            try:
                executor = await asyncio.wait_for(self._idle.get(), max(0.0, deadline - loop.time()))
            except asyncio.TimeoutError:
                raise ServerBusy(timeout_s) from None
            if executor.alive():
                return executor
            self._replace(executor)

    async def run(self, request: QueryRequest) -> Answer:
        """Run ``request`` on a free executor within ``request.timeout_s`` (waiting included)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + request.timeout_s
        executor = await self._take(request.timeout_s)
        try:
            executor.conn.send(request)
            finished = await _readable(executor.conn, max(0.0, deadline - loop.time()))
        except (OSError, ValueError):
            self._replace(executor)
            raise ExecutorFailed(f"the query executor could not take the query ({executor.death()})") from None
        if not finished:
            self._replace(executor)
            raise QueryTimeout(request.timeout_s)
        try:
            status, payload = executor.conn.recv()
        except (EOFError, OSError):
            self._replace(executor)
            raise ExecutorFailed(self._died_message(executor)) from None
        if status == "memory":
            self._replace(executor)  # a failed allocation may have left it in any state
            raise ExecutorFailed(self._memory_message())
        self._idle.put_nowait(executor)
        return _unwrap(status, payload)

    def _memory_message(self) -> str:
        limit = self.limits.memory_bytes
        cap = f" of {limit // 2**20} MiB" if limit else ""
        return f"the query needed more memory than an executor may use{cap} and was stopped (LEXGRAPH_EXECUTOR_MEMORY_BYTES)"

    def _died_message(self, executor: _Executor) -> str:
        how = executor.death()
        if self.limits.memory_bytes:
            return (f"the query executor stopped while answering ({how}); the query likely passed its memory "
                    f"limit of {self.limits.memory_bytes // 2**20} MiB or the engine's stack; it was replaced")
        return f"the query executor stopped while answering ({how}); it was replaced"

    def alive(self) -> bool:
        """Whether any executor is alive or starting."""
        return any(e.alive() for e in self._all) or bool(self._spawning)

    async def close(self) -> None:
        """Stop every executor; :meth:`start` may be called again afterwards."""
        for task in list(self._spawning):
            task.cancel()
        for executor in list(self._all):
            self._discard(executor)
        self._idle = asyncio.Queue()  # none of the stopped executors may be handed out again


def _unwrap(status: str, payload: Any) -> Answer:
    if status == "ok":
        return payload
    if status == "user_error":
        raise payload
    raise StoreUnavailable(f"the query failed inside the store: {payload}")
