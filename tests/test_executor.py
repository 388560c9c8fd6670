"""The executor pool's wire and its bookkeeping, with real executor processes over a real store:
answers of every size arrive whole and byte for byte as the store writes them, a query bigger
than the socket's buffer still gets through, errors keep their detail, and an executor is
replaced when it dies while idle or when nobody waits for its answer any more."""

from __future__ import annotations

import asyncio
import os
import signal
from pathlib import Path

import pyoxigraph as ox
import pytest

from lexgraph.errors import QuerySyntaxError, QueryTimeout
from lexgraph.executor import ExecutorOptions, ExecutorPool
from lexgraph.media import negotiate
from lexgraph.store.base import QueryRequest
from lexgraph.store.oxigraph_run import run_on_store

EX = "http://example.org/"
ROWS = 20_000
OPTIONS = ExecutorOptions(sandbox=False)  # the sandbox has tests of its own (test_sandbox.py)


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("executor") / "store"
    store = ox.Store(str(path))
    store.extend(ox.Quad(ox.NamedNode(f"{EX}s{i}"), ox.NamedNode(EX + "p"), ox.Literal(f"value number {i}"),
                         ox.DefaultGraph()) for i in range(ROWS))
    store.flush()
    del store
    return str(path)


def request(query: str, fmt: str = "application/sparql-results+json", timeout_s: float = 30.0) -> QueryRequest:
    return QueryRequest(query=query, format=negotiate("solutions", fmt), timeout_s=timeout_s, max_results=ROWS * 2)


def with_pool(store_dir: str, scenario, size: int = 1):  # type: ignore[no-untyped-def]
    async def main():  # type: ignore[no-untyped-def]
        pool = ExecutorPool(store_dir, size, OPTIONS)
        await pool.start()
        try:
            return await scenario(pool)
        finally:
            await pool.close()
    return asyncio.run(main())


@pytest.mark.parametrize("query", ["ASK { ?s ?p ?o }", f"SELECT ?o WHERE {{ <{EX}s7> ?p ?o }}",
                                   "SELECT ?s ?o WHERE { ?s ?p ?o } ORDER BY ?s"])
@pytest.mark.parametrize("fmt", ["application/sparql-results+json", "text/csv", "application/sparql-results+xml"])
def test_answers_arrive_as_the_store_writes_them(store_dir: str, query: str, fmt: str) -> None:
    expected = run_on_store(ox.Store.read_only(store_dir), request(query, fmt))
    got = with_pool(store_dir, lambda pool: pool.run(request(query, fmt)))
    assert got == expected
    if "ORDER BY" in query:
        assert len(got.body) > 512 << 10  # many socket buffers' worth, read in several chunks


def test_a_query_bigger_than_the_socket_buffer_gets_through(store_dir: str) -> None:
    padding = "# " + "x" * (4 << 20) + "\n"  # a comment: 4 MiB more to send, same answer
    query = padding + f"SELECT ?o WHERE {{ <{EX}s3> ?p ?o }}"
    got = with_pool(store_dir, lambda pool: pool.run(request(query)))
    assert got.count == 1 and b"value number 3" in got.body


def test_errors_keep_their_position_and_the_executor_goes_on(store_dir: str) -> None:
    bad = "SELECT * WHERE {\n  ?s ?p }"
    with pytest.raises(QuerySyntaxError) as in_process:
        run_on_store(ox.Store.read_only(store_dir), request(bad))

    async def scenario(pool: ExecutorPool) -> tuple[QuerySyntaxError, int]:
        with pytest.raises(QuerySyntaxError) as caught:
            await pool.run(request(bad))
        answer = await pool.run(request("ASK { ?s ?p ?o }"))
        return caught.value, answer.count

    error, count = with_pool(store_dir, scenario)
    assert error.line == 2 and error.column is not None
    assert (str(error), error.line, error.column) == (str(in_process.value), in_process.value.line, in_process.value.column)
    assert count == 1


def _pids(pool: ExecutorPool) -> set[int]:
    return {e.process.pid for e in pool._all if not e.dead}


async def _until(condition, timeout_s: float = 10.0) -> bool:  # type: ignore[no-untyped-def]
    for _ in range(int(timeout_s / 0.05)):
        if condition():
            return True
        await asyncio.sleep(0.05)
    return False


def test_an_executor_killed_while_idle_is_replaced_before_any_query(store_dir: str) -> None:
    async def scenario(pool: ExecutorPool) -> tuple[set[int], set[int], int]:
        before = _pids(pool)
        killed = min(before)
        os.kill(killed, signal.SIGKILL)
        assert await _until(lambda: len(_pids(pool)) == 2 and killed not in _pids(pool))
        after = _pids(pool)
        answers = await asyncio.gather(*(pool.run(request("ASK { ?s ?p ?o }")) for _ in range(6)))
        return killed, after, sum(a.count for a in answers)

    killed, after, answered = with_pool(store_dir, scenario, size=2)
    assert len(after) == 2 and killed not in after
    assert answered == 6


def test_an_abandoned_query_frees_its_executor(store_dir: str) -> None:
    slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?p ?b . ?c ?q ?d . ?e ?r ?f }"

    async def scenario(pool: ExecutorPool) -> tuple[int, set[int], int]:
        busy = next(iter(_pids(pool)))
        task = asyncio.create_task(pool.run(request(slow)))
        await asyncio.sleep(0.3)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert await _until(lambda: busy not in _pids(pool) and len(_pids(pool)) == 1)
        answer = await pool.run(request("ASK { ?s ?p ?o }"))
        return busy, _pids(pool), answer.count

    busy, after, count = with_pool(store_dir, scenario)
    assert busy not in after and count == 1
    assert not _running(busy)


def _running(pid: int) -> bool:
    """Whether ``pid`` is a process that still runs (not gone, not a zombie waiting to be reaped)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat.rpartition(")")[2].split()[0] != "Z"


def test_a_query_past_its_time_is_stopped(store_dir: str) -> None:
    slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?p ?b . ?c ?q ?d . ?e ?r ?f }"

    async def scenario(pool: ExecutorPool) -> int:
        with pytest.raises(QueryTimeout):
            await pool.run(request(slow, timeout_s=0.5))
        return (await pool.run(request("ASK { ?s ?p ?o }"))).count

    assert with_pool(store_dir, scenario) == 1
