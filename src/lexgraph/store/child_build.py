"""Build a value derived from the embedded store in a child process, and keep only the value.

The service keeps a few values derived from the whole store (the label index, the timeline
index, the graph view, ...). Building one reads answers of hundreds of thousands of rows and
makes a Python object per row, and CPython cannot hand that memory back afterwards: the
objects the value keeps lie scattered among the freed ones. Measured at a million triples, the
label index alone left the web process 375 MiB bigger although it holds about 110 MiB.

So the value is built in a child process (forked from the executors' fork server, which has
already imported pyoxigraph), which opens the store read-only, runs the builder, and sends the
value back pickled; the child then exits and all of its memory goes with it. The web process
unpickles the value into memory laid out for the value alone, and its event loop and GIL stay
free for users while the child works.
"""

from __future__ import annotations

import asyncio
import contextlib
import pickle
import signal
import traceback
from multiprocessing.connection import Connection
from typing import Awaitable, Callable, TypeVar

from ..errors import LexgraphError, StoreUnavailable
from ..executor import PROCESSES, how_it_ended

T = TypeVar("T")
Builder = Callable[..., Awaitable[T]]
"""An async function of a store, defined at module level (it is sent to the child by name)."""

_VALUE, _ERROR, _FAILED = b"v", b"e", b"f"


def _child_main(store_dir: str, builder: Builder[T], conn: Connection) -> None:
    """Child process: open the store read-only (no executors: the builders' reads are all
    lexgraph's own, which run on the store's in-process handle), build, send the value."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent ends it; Ctrl+C reaches the whole process group
    from .embedded import EmbeddedStore

    async def build() -> T:
        store = EmbeddedStore(store_dir, executors=0)  # type: ignore[arg-type]
        await store.start()
        try:
            return await builder(store)
        finally:
            await store.close()

    try:
        message = _VALUE + pickle.dumps(asyncio.run(build()), protocol=pickle.HIGHEST_PROTOCOL)
    except LexgraphError as exc:  # the error the builder would have raised in the web process
        message = _ERROR + pickle.dumps(exc)
    except Exception:
        message = _FAILED + traceback.format_exc().encode()
    conn.send_bytes(message)
    conn.close()


async def build_in_child(store_dir: str, builder: Builder[T]) -> T:
    """``await builder(store)`` over the on-disk store at ``store_dir``, run in a child process.

    The builder's own errors (a :class:`~lexgraph.errors.LexgraphError`) are raised here as
    they were raised there; a child that fails otherwise or dies is reported as
    :class:`~lexgraph.errors.StoreUnavailable`. Cancelling the caller kills the child."""
    receiver, sender = PROCESSES.Pipe(duplex=False)
    process = PROCESSES.Process(target=_child_main, args=(store_dir, builder, sender), daemon=True)
    name = getattr(builder, "__qualname__", repr(builder))
    loop = asyncio.get_running_loop()
    try:
        process.start()
    finally:
        sender.close()
    # recv_bytes blocks, so it waits in a thread; if we are cancelled, killing the child ends
    # that wait (EOFError), and the pipe is closed only once nothing reads it any more.
    reading = loop.run_in_executor(None, receiver.recv_bytes)
    try:
        message = await asyncio.shield(reading)
    except EOFError:
        await asyncio.to_thread(process.join, 5.0)
        raise StoreUnavailable(f"building {name} in a child process failed: {how_it_ended(process.exitcode)}") from None
    finally:
        with contextlib.suppress(Exception):
            process.kill()
        await asyncio.wait([reading])
        if not reading.cancelled():
            reading.exception()  # seen: the EOFError of a child killed on cancel is no error to log
        receiver.close()
        await asyncio.to_thread(process.join, 5.0)
    kind, payload = message[:1], memoryview(message)[1:]
    if kind == _VALUE:
        # Unpickling a big value takes a second: in a thread, so the event loop gets turns.
        return await asyncio.to_thread(pickle.loads, payload)  # type: ignore[no-any-return]
    if kind == _ERROR:
        raise pickle.loads(payload)
    raise StoreUnavailable(f"building {name} in a child process failed:\n{bytes(payload).decode(errors='replace')}")

