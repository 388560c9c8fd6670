"""The copy of a store that executors answer from with LEXGRAPH_EXECUTOR_STORE=memory: every
quad arrives (graphs, literals, triple terms, blank nodes under new labels), the repository's
queries answer the same from the copy as from the disk, a copy that fails part-way is never
used, one too big for the executor is refused with a message that says what to change, and
executors under the sandbox make their copies and answer from them, again after a kill."""

from __future__ import annotations

import asyncio
import json
import re
from dataclasses import replace
from pathlib import Path

import pyoxigraph as ox
import pytest

from lexgraph.cli import _check_before_serving
from lexgraph.config import Settings, load_settings
from lexgraph.errors import ConfigError, QueryTimeout, StoreUnavailable
from lexgraph.executor import ExecutorOptions, ExecutorPool
from lexgraph.media import negotiate
from lexgraph.store.base import QueryRequest
from lexgraph.store.embedded import build_store, source_files
from lexgraph.store.memory_copy import BYTES_PER_QUAD, check_fits, copy_to_memory
from lexgraph.store.oxigraph_run import run_on_store

EX = "http://example.org/"


def _edge_quads() -> list[ox.Quad]:
    p, g = ox.NamedNode(EX + "p"), ox.NamedNode(EX + "g")
    quads = [ox.Quad(ox.NamedNode(f"{EX}s{i}"), p, ox.Literal(f"value {i} with \"quotes\"\nand a line"), g)
             for i in range(5_000)]  # far more than a pipe's buffer
    quads += [
        ox.Quad(ox.BlankNode("b1"), p, ox.Literal("chose", language="fr"), g),
        ox.Quad(ox.NamedNode(EX + "s"), p, ox.BlankNode("b1"), g),
        ox.Quad(ox.NamedNode(EX + "s"), p, ox.Literal("007", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")),
                ox.DefaultGraph()),
        ox.Quad(ox.NamedNode(EX + "s"), p, ox.Triple(ox.NamedNode(EX + "a"), p, ox.Literal("c", language="en")), g),
        ox.Quad(ox.NamedNode(EX + "s"), p, ox.Literal("same triple, other graph"), ox.NamedNode(EX + "g2")),
        ox.Quad(ox.NamedNode(EX + "s"), p, ox.Literal("same triple, other graph"), g),
    ]
    return quads


def _without_labels(store: ox.Store) -> list[str]:
    """The quads as text, every blank node written ``_:b``: the copy names blank nodes afresh."""
    def text(term: object) -> str:
        return "_:b" if isinstance(term, ox.BlankNode) else str(term)
    return sorted(" ".join(text(t) for t in (q.subject, q.predicate, q.object, q.graph_name)) for q in store)


@pytest.fixture(scope="module")
def edge_store(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("copy") / "store"
    store = ox.Store(str(path))
    store.extend(_edge_quads())
    store.flush()
    del store
    return str(path)


def test_every_quad_arrives(edge_store: str) -> None:
    disk = ox.Store.read_only(edge_store)
    copy = copy_to_memory(disk)
    assert len(copy) == len(disk) == len(_edge_quads())
    assert _without_labels(copy) == _without_labels(disk)
    (row,) = copy.query(f"SELECT ?o WHERE {{ ?b <{EX}p> ?o . <{EX}s> <{EX}p> ?b }}",  # type: ignore[misc]
                        use_default_graph_as_union=True)
    assert row["o"] == ox.Literal("chose", language="fr")  # the blank node still joins its two quads


@pytest.fixture(scope="module")
def repository_store(tmp_path_factory: pytest.TempPathFactory, settings: Settings) -> str:
    path = tmp_path_factory.mktemp("repo") / "store"
    build_store(path, source_files([settings.ontology_dir, settings.data_dir], settings.root))
    return str(path)


def _rows(store: ox.Store, query: str) -> list[str]:
    """The answer's rows, sorted, blank nodes unlabelled, and the parts of each GROUP_CONCAT
    value sorted: SPARQL leaves the order of rows tied under ORDER BY, and of the values in a
    group, to the engine, and the two stores' indexes differ in it."""
    separators = re.findall(r'SEPARATOR\s*=\s*"([^"]+)"', query, flags=re.IGNORECASE)

    def canonical(term: dict[str, str]) -> dict[str, str] | str:
        if term["type"] == "bnode":
            return "_:b"
        for separator in separators:
            term = {**term, "value": separator.join(sorted(term["value"].split(separator)))}
        return term

    request = QueryRequest(query=query, format=negotiate("solutions", "application/sparql-results+json"),
                           timeout_s=30, max_results=100_000)
    body = json.loads(run_on_store(store, request).body)
    if "boolean" in body:
        return [str(body["boolean"])]
    rows = [json.dumps({v: canonical(t) for v, t in row.items()}, sort_keys=True)
            for row in body["results"]["bindings"]]
    return sorted(rows)


def test_the_repository_queries_answer_the_same_from_the_copy(repository_store: str, settings: Settings) -> None:
    disk = ox.Store.read_only(repository_store)
    copy = copy_to_memory(disk)
    queries = sorted(settings.queries_dir.glob("*.rq"))
    assert len(queries) >= 10
    compared = 0
    for path in queries:
        text = path.read_text()
        assert _rows(copy, text) == _rows(disk, text), path.name
        compared += bool(_rows(disk, text))
    assert compared >= 10  # most of them have answers


class _BrokenDump:
    """A store whose dump stops half-way with an error, as a failing disk would."""

    def __init__(self, store: ox.Store) -> None:
        self.store = store

    def __len__(self) -> int:
        return len(self.store)

    def dump(self, output, format):  # type: ignore[no-untyped-def]
        whole = self.store.dump(format=format)
        output.write(whole[: len(whole) // 2].rpartition(b"\n")[0] + b"\n")
        raise OSError("the disk went away")


def test_a_copy_that_fails_part_way_is_refused(edge_store: str) -> None:
    with pytest.raises(StoreUnavailable, match="could not be copied into memory: the disk went away"):
        copy_to_memory(_BrokenDump(ox.Store.read_only(edge_store)))  # type: ignore[arg-type]


def test_a_copy_too_big_for_the_executor_is_refused_with_what_to_change() -> None:
    check_fits(1_000_000, 2 * 1_000_000 * BYTES_PER_QUAD)
    check_fits(10**9, None)
    with pytest.raises(ConfigError) as refused:
        check_fits(1_000_001, 2 * 1_000_000 * BYTES_PER_QUAD)
    assert "1,000,001 quads" in str(refused.value)
    assert "LEXGRAPH_EXECUTOR_MEMORY_BYTES" in str(refused.value) and "'disk'" in str(refused.value)


def test_executors_in_the_sandbox_answer_from_their_copies_again_after_a_kill(edge_store: str) -> None:
    options = ExecutorOptions(memory_bytes=1 << 30, sandbox=True, memory_copy=True)
    count = QueryRequest(query="SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }",
                         format=negotiate("solutions", "application/sparql-results+json"), timeout_s=30, max_results=10)
    slow = QueryRequest(query="SELECT (COUNT(*) AS ?n) WHERE { ?a ?p ?b . ?c ?q ?d . ?e ?r ?f }",
                        format=count.format, timeout_s=0.5, max_results=10)

    async def scenario() -> tuple[bytes, bytes]:
        pool = ExecutorPool(edge_store, 1, options)
        await pool.start()
        try:
            first = (await pool.run(count)).body
            with pytest.raises(QueryTimeout):
                await pool.run(slow)
            return first, (await pool.run(count)).body  # waits for the successor's copy
        finally:
            await pool.close()

    first, after_kill = asyncio.run(scenario())
    expected = run_on_store(ox.Store.read_only(edge_store), count).body
    assert first == after_kill == expected
    assert str(len(_edge_quads()) - 1).encode() in expected  # the default graph's quad is not in a GRAPH


def test_serve_refuses_at_once_a_store_too_big_for_the_copies(repository_store: str, settings: Settings,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """Before the server starts, in one line (``lexgraph serve`` prints it and exits 2), not as
    a traceback from every executor."""
    monkeypatch.setenv("LEXGRAPH_STORE_DIR", repository_store)
    quads = len(ox.Store.read_only(repository_store))
    fits = replace(settings, executor_store="memory", sandbox="off", executor_memory_bytes=2 * quads * BYTES_PER_QUAD)
    _check_before_serving(fits)
    with pytest.raises(ConfigError, match=rf"{quads:,} quads .* \(LEXGRAPH_EXECUTOR_MEMORY_BYTES\)"):
        _check_before_serving(replace(fits, executor_memory_bytes=2 * quads * BYTES_PER_QUAD - 2))
    _check_before_serving(replace(fits, executor_store="disk", executor_memory_bytes=1))


def test_the_setting_takes_disk_or_memory(tmp_path: Path) -> None:
    root = Path(__file__).resolve().parents[1]
    assert load_settings({"LEXGRAPH_ROOT": str(root)}).executor_store == "disk"
    assert load_settings({"LEXGRAPH_ROOT": str(root), "LEXGRAPH_EXECUTOR_STORE": "memory"}).executor_store == "memory"
    with pytest.raises(ConfigError, match="LEXGRAPH_EXECUTOR_STORE='ram': expected 'disk' or 'memory'"):
        load_settings({"LEXGRAPH_ROOT": str(root), "LEXGRAPH_EXECUTOR_STORE": "ram"})
