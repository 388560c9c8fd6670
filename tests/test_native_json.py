"""JSON solutions written by pyoxigraph (``results.native_json_answer``, used by
``run_on_store``) are byte for byte what our own writer gives, whatever the terms; and an
answer past the row cap or the byte budget is still capped exactly as before."""

from __future__ import annotations

import dataclasses

import pyoxigraph as ox
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lexgraph.config import load_settings
from lexgraph.media import SOLUTION_FORMATS
from lexgraph.results import answer, native_json_answer
from lexgraph.sparql import SparqlCall, prepare
from lexgraph.store import oxigraph_run
from lexgraph.store.oxigraph_run import run_on_store

JSON = next(f for f in SOLUTION_FORMATS if f.name == "json")
PROPERTY = settings(max_examples=150, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.too_slow])
TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12)
IRIS = st.builds(lambda tail: ox.NamedNode("http://example.org/" + tail), st.text(alphabet="abcé文ü-_.~/", max_size=8))
LITERALS = st.one_of(
    st.builds(ox.Literal, TEXT),
    st.builds(lambda text, lang: ox.Literal(text, language=lang), TEXT, st.sampled_from(["en", "kk", "ru-Cyrl", "en-US"])),
    st.builds(lambda text, dt: ox.Literal(text, datatype=dt), TEXT, IRIS),
    st.builds(lambda n: ox.Literal(str(n), datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")), st.integers()),
)
OBJECTS = st.one_of(IRIS, LITERALS, st.builds(ox.BlankNode, st.sampled_from(["b1", "b2"])),
                    st.builds(ox.Triple, IRIS, IRIS, LITERALS))
# ?extra is never bound: an unbound variable is left out of its row by both writers
QUERY = "SELECT ?s ?o ?extra WHERE { ?s ?p ?o OPTIONAL { ?s <urn:never> ?extra } }"


def _store(objects: list[ox.NamedNode | ox.Literal | ox.BlankNode | ox.Triple]) -> ox.Store:
    store = ox.Store()
    for i, obj in enumerate(objects):
        store.add(ox.Quad(ox.NamedNode(f"http://example.org/s{i}"), ox.NamedNode("http://example.org/p"), obj))
    return store


@PROPERTY
@given(st.lists(OBJECTS, max_size=12))
def test_pyoxigraph_writes_the_same_bytes_as_our_writer(objects: list[ox.NamedNode | ox.Literal]) -> None:
    store = _store(objects)
    ours = answer(store.query(QUERY), JSON, 10_000)
    native = native_json_answer(store.query(QUERY), JSON, 10_000, 1 << 20)
    assert native == ours


def test_more_rows_than_the_cap_or_bytes_than_the_budget_give_nothing() -> None:
    store = _store([ox.Literal(f"value {i}") for i in range(50)])
    assert native_json_answer(store.query(QUERY), JSON, 49, 1 << 20) is None
    assert native_json_answer(store.query(QUERY), JSON, 50, 1 << 20) is not None
    size = len(store.query(QUERY).serialize(format=ox.QueryResultsFormat.JSON))
    assert native_json_answer(store.query(QUERY), JSON, 50, size - 1) is None
    assert native_json_answer(store.query(QUERY), JSON, 50, size) is not None


@pytest.fixture
def store() -> ox.Store:
    return _store([ox.Literal(f"value {i}") for i in range(30)])


def _request(query: str, max_results: int, accept: str = "application/sparql-results+json"):  # type: ignore[no-untyped-def]
    settings = dataclasses.replace(load_settings({}), max_results=max_results)
    return prepare(SparqlCall(query), accept, settings, set())


@pytest.mark.parametrize("budget", [1 << 20, 100], ids=["within-budget", "past-budget"])
@pytest.mark.parametrize("max_results", [10, 30, 1000])
def test_run_on_store_caps_as_our_writer_does(store: ox.Store, monkeypatch: pytest.MonkeyPatch,
                                              max_results: int, budget: int) -> None:
    monkeypatch.setattr(oxigraph_run, "NATIVE_JSON_BYTES", budget)
    request = _request(QUERY, max_results)
    given_answer = run_on_store(store, request)
    assert given_answer == answer(store.query(QUERY), JSON, max_results)
    assert given_answer.count == min(30, max_results) and given_answer.capped == (max_results < 30)


def test_other_formats_keep_our_writers(store: ox.Store) -> None:
    for accept, fmt in (("text/csv", "csv"), ("application/sparql-results+xml", "xml"), ("text/tab-separated-values", "tsv")):
        request = _request(QUERY, 1000, accept)
        expected = answer(store.query(QUERY), next(f for f in SOLUTION_FORMATS if f.name == fmt), 1000)
        assert run_on_store(store, request) == expected
