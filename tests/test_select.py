"""Reading plain values out of any store (lexgraph.store.select), on a real embedded store."""

from __future__ import annotations

import asyncio

import pytest

from lexgraph.store.base import QueryRequest
from lexgraph.store.embedded import EmbeddedStore, SourceFile, build_store
from lexgraph.store.select import ask, select, select_iris, select_terms

DATA = """@prefix ex: <http://example.org/> .
ex:a ex:p ex:b , "a literal\\twith a tab"@en , _:x .
_:x ex:p ex:c .
<http://example.org/\u00e9t\u00e9> ex:p ex:a .
"""


def store_of(tmp_path_factory: pytest.TempPathFactory, name: str, turtle: str) -> EmbeddedStore:
    """An embedded store (not started) of ``turtle`` in one graph."""
    folder = tmp_path_factory.mktemp(name)
    (folder / "d.ttl").write_text(turtle, encoding="utf-8")
    build_store(folder / "store", [SourceFile(folder / "d.ttl", "http://example.org/g")])
    return EmbeddedStore(folder / "store", 1)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> EmbeddedStore:
    return store_of(tmp_path_factory, "select", DATA)


def run(store: EmbeddedStore, work):  # type: ignore[no-untyped-def]
    async def scenario():  # type: ignore[no-untyped-def]
        await store.start()
        try:
            return await work(store)
        finally:
            await store.close()
    return asyncio.run(scenario())


def test_select_iris_keeps_only_rows_of_iris(store: EmbeddedStore) -> None:
    rows = run(store, lambda s: select_iris(s, "SELECT ?s ?o WHERE { ?s <http://example.org/p> ?o }"))
    assert sorted(rows) == [("http://example.org/a", "http://example.org/b"),
                            ("http://example.org/\u00e9t\u00e9", "http://example.org/a")]
    single = run(store, lambda s: select_iris(s, "SELECT DISTINCT ?s WHERE { ?s ?p ?o }"))
    assert sorted(single) == [("http://example.org/a",), ("http://example.org/\u00e9t\u00e9",)]


def test_select_terms_ask_and_select_read_whole_answers(store: EmbeddedStore) -> None:
    async def work(s):  # type: ignore[no-untyped-def]
        terms = await select_terms(s, 'SELECT ?o WHERE { ?s ?p ?o FILTER(isLiteral(?o)) }')
        plain = await select(s, "SELECT ?o WHERE { <http://example.org/a> ?p ?o FILTER(isIRI(?o)) }")
        return terms, plain, await ask(s, "ASK { ?s ?p <http://example.org/c> }"), await ask(s, "ASK { ?s ?p <http://example.org/z> }")
    terms, plain, yes, no = run(store, work)
    assert terms == [{"o": {"type": "literal", "value": "a literal\twith a tab", "xml:lang": "en"}}]
    assert plain == [{"o": "http://example.org/b"}]
    assert yes is True and no is False


def test_whole_answers_are_not_capped_and_user_answers_are(store: EmbeddedStore) -> None:
    from lexgraph.media import negotiate

    tsv = negotiate("solutions", None, "tsv")
    query = "SELECT ?s ?p ?o WHERE { ?s ?p ?o }"
    whole, capped = run(store, lambda s: asyncio.gather(
        s.query(QueryRequest(query, tsv, timeout_s=10, max_results=1, whole=True)),
        s.query(QueryRequest(query, tsv, timeout_s=10, max_results=1))))
    assert whole.count == -1 and not whole.capped and whole.body.count(b"\n") == 6  # header and 5 rows
    assert capped.count == 1 and capped.capped


def test_iri_rows_read_lf_and_crlf_lines_and_skip_other_terms() -> None:
    from lexgraph.store.select import _iri_rows

    text = '<a>\t<b>\r\n<c>\t"x"\r\n_:b\t<d>\n<e>\t<f>\n<g>\t<h>'
    assert _iri_rows(2).findall(text) == [("a", "b"), ("e", "f"), ("g", "h")]


TERMS = r"""@prefix ex: <http://example.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
ex:a ex:p "plain" , "tab\tnew\nline \"quoted\" back\\slash" , "été"@fr , "Kazakhstan"@en-GB , "" ,
          "2004-10"^^xsd:gYearMonth , 42 , -1.50 , 1.5e3 , true , "007"^^xsd:integer , "<not an iri>" ,
          "say \"hi\"@en"@en , "\U0001F600 and \u00e9" , ex:b , _:x , <http://example.org/\u00e9t\u00e9> .
_:x ex:p "from a blank node" .
"""


@pytest.fixture(scope="module")
def terms_store(tmp_path_factory: pytest.TempPathFactory) -> EmbeddedStore:
    return store_of(tmp_path_factory, "terms", TERMS)


def test_select_lines_and_cell_term_read_what_json_reads(terms_store: EmbeddedStore) -> None:
    """Every kind of term (escapes, languages, datatypes, numbers and booleans TSV writes bare,
    blank nodes, unbound values) reads from a TSV cell as the JSON answer gives it."""
    from lexgraph.store.select import cell_term, select_lines

    query = """SELECT ?s ?o ?none WHERE { ?s <http://example.org/p> ?o
      OPTIONAL { ?o <http://example.org/nothing> ?none } }"""

    async def work(s):  # type: ignore[no-untyped-def]
        return await select_lines(s, query), await select_terms(s, query)
    lines, rows = run(terms_store, work)
    from_json = sorted((row["s"]["value"], row["o"]["value"], row["o"].get("xml:lang", "")) for row in rows)
    cells = [line.split("\t") for line in lines]
    assert all(len(row) == 3 and row[2] == "" for row in cells)  # the unbound ?none: an empty cell
    from_tsv = sorted((cell_term(s)[0], *cell_term(o)) for s, o, _ in cells)
    assert from_tsv == from_json and len(from_tsv) == 18
    assert ("http://example.org/a", 'tab\tnew\nline "quoted" back\\slash', "") in from_tsv
    assert {("http://example.org/a", "Kazakhstan", "en-gb"), ("http://example.org/a", "42", "")} <= set(from_tsv)
    blank = next(o for s, o, _ in cells if s == "<http://example.org/a>" and o.startswith("_:"))
    assert [cell_term(o)[0] for s, o, _ in cells if s == blank] == ["from a blank node"]  # a cell is a join key
