"""The guard refuses what the public endpoint never runs, wherever it hides, and nothing else."""

from __future__ import annotations

import dataclasses
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

from hostile_corpus import service_and_load_spellings
from lexgraph import sparql_guard
from lexgraph.config import Settings, load_settings
from lexgraph.digest_memo import DigestMemo
from lexgraph.errors import PayloadTooLarge
from lexgraph.sparql_guard import (
    QueryForm,
    QueryLimits,
    QueryRefused,
    QueryTooComplex,
    QueryTooDeep,
    QueryTooLarge,
    UpdateNotAllowed,
    inspect_query,
)

QUERIES = Path(__file__).resolve().parents[1] / "queries"
LIMITS = QueryLimits(max_bytes=65_536, max_depth=64, max_operators=256, max_unions=64, max_patterns=256)


def shape(query: str, **limits: int):  # type: ignore[no-untyped-def]
    return inspect_query(query, dataclasses.replace(LIMITS, **limits))


def _run(query: str) -> None:
    """Evaluate ``query`` with pyoxigraph on an empty store, whatever its form."""
    result = ox.Store().query(query)
    if not isinstance(result, ox.QueryBoolean):
        list(result)


def refusal(query: str, **limits: int) -> QueryRefused:
    with pytest.raises(QueryRefused) as info:
        shape(query, **limits)
    return info.value


# --- SERVICE ---------------------------------------------------------------------------------


@pytest.mark.parametrize("query", [
    "SELECT * WHERE { SERVICE <http://127.0.0.1:1/sparql> { ?s ?p ?o } }",
    "select * { service silent <http://127.0.0.1:1/> { ?s ?p ?o } }",
    "SELECT * WHERE { ?s ?p ?o OPTIONAL { SERVICE ?endpoint { ?s ?q ?r } } }",
    "ASK { { SELECT ?s WHERE { SERVICE <http://x/> { ?s ?p ?o } } } }",
    "CONSTRUCT { ?s ?p ?o } WHERE { FILTER EXISTS { SERVICE <file:///etc/passwd> { ?s ?p ?o } } }",
    "SELECT * WHERE {\n  # a comment\n  SeRvIcE <http://h/> {}\n}",
    # a comment ends at CR as well as at LF
    "SELECT * { #x\rSERVICE <http://127.0.0.1:1/x> { ?a ?b ?c } }",
    "SELECT * { #x\r\nSERVICE <http://127.0.0.1:1/x> { ?a ?b ?c } }",
    # after an operand in an expression '<' compares: '<?b)SERVICE#>' is no IRI
    "SELECT * { ?s ?p ?o FILTER(?o<?b)SERVICE#>\n<http://127.0.0.1:1/x> { } }",
    # in a list of terms '<' starts an IRI, and a '#' in it starts no comment
    "SELECT * { VALUES (?a ?b) { (<urn:a#1> <urn:b#2>) } SERVICE <urn:x> { } }",
    "SELECT * { OPTIONAL { ?s <urn:p> (?x <urn:a#b>) } SERVICE <urn:x> { } }",
    "SELECT * { BIND(<<( <urn:s> <urn:p#> <urn:o> )>> AS ?t) SERVICE <urn:x> { } }",
    # an escaped '#' belongs to the prefixed name; \u0022 inside a string is no quote to Oxigraph
    "PREFIX ex: <urn:> SELECT * { BIND(ex:a\\#b AS ?x) SERVICE <urn:x> { } }",
    'SELECT * { BIND("a\\u0022 #" AS ?x) SERVICE <urn:x> { } }',
    # glued keywords, and prefixed names Oxigraph reads again as SERVICE when expansion fails
    "SELECT * { SERVICESILENT<urn:x>{} }",
    "SELECT * { ?s ?p trueSERVICE <urn:x> {} }",
    "PREFIX service: <urn:s> PREFIX : <urn:> SELECT * { service:x {} }",
    "PREFIX h: <http://> PREFIX : <urn:> SELECT * { ?s ?p h:SERVICE:x{} }",
    # a form feed is no white space to Oxigraph (a syntax error there), a separator here
    "SELECT * {\x0cSERVICE <urn:x> { } }",
])
def test_service_is_refused_in_any_position(query: str) -> None:
    assert str(refusal(query)).startswith("SERVICE is not allowed")


def test_escaped_keywords_are_refused_for_parsers_that_decode_escapes_first() -> None:
    # Oxigraph reads \u0053ERVICE as a syntax error; a SPARQL 1.1 parser that decodes \u
    # escapes before anything else reads SERVICE. Refusing it is harmless for Oxigraph.
    with pytest.raises(SyntaxError):
        ox.Store().query("SELECT * { \\u0053ERVICE <urn:x> { } }")
    error = refusal("SELECT * { \\u0053ERVICE <urn:x> { } }")
    assert str(error).startswith("SERVICE is not allowed") and "\\u escapes are decoded" in str(error)
    assert type(refusal("\\u0049NSERT DATA { <a:a> <a:b> <a:c> }")) is UpdateNotAllowed


@pytest.fixture
def data_store() -> ox.Store:
    store = ox.Store()
    store.update("INSERT DATA { <urn:s> <urn:p> <http://>, true, <urn:o> }")
    return store


@pytest.mark.parametrize("query", [
    "SELECT * { ?s ?p trueSERVICE <urn:x> {} }",
    "SELECT * { ?s ?p true.SERVICE<urn:x>{} }",
    "PREFIX service: <urn:s> PREFIX : <urn:> SELECT * { service:x {} }",
    "PREFIX h: <http://> PREFIX : <urn:> SELECT * { ?s ?p h:SERVICE:x{} }",
    "PREFIX : <urn:> SELECT * { ?s ?p true.SERVICE:x{} }",
])
def test_glued_spellings_really_are_service_to_oxigraph(query: str, data_store: ox.Store) -> None:
    with pytest.raises(OSError, match="urn:x"):
        list(data_store.query(query))  # type: ignore[arg-type]
    assert str(refusal(query)).startswith("SERVICE is not allowed")


def test_refusal_names_line_and_column() -> None:
    error = refusal("SELECT * WHERE {\n  ?s ?p ?o .\n  SERVICE <http://x/> { }\n}")
    assert (error.line, error.column) == (3, 3)
    assert error.code == "query_refused"


@pytest.mark.parametrize("query", [
    'SELECT * WHERE { ?s ?p "SERVICE <http://x/>" }',
    "SELECT * WHERE { ?s <http://example.org/SERVICE> ?o }",
    "PREFIX ex: <http://example.org/> SELECT * WHERE { ?s ex:service ?o }",
    "PREFIX service: <http://example.org/> SELECT * WHERE { ?s service:name ?o }",
    "SELECT ?service WHERE { ?service ?p ?o }",
    "SELECT * WHERE { ?s ?p ?o } # SERVICE in a comment",
    "SELECT * WHERE { ?s ?p '''multi\nline SERVICE''' }",
    "SELECT * WHERE { ?s ?p ?o # SERVICE <urn:x> {} ended by a form feed is no comment end\x0cSERVICE <urn:x> {}\n}",
    "SELECT * { BIND(<urn:a#SERVICE> AS ?x) BIND('#' AS ?y) BIND(\"\"\"\"\"#\n\"\"\" AS ?z) }",
    "PREFIX ex: <urn:> SELECT * { BIND(ex:x.SERVICE AS ?a) BIND(ex:service\\'s AS ?b) }",
    # a prefixed name with SERVICE in its local part that surely expands, or names a graph
    "PREFIX ex: <http://example.org/> SELECT * FROM ex:service { GRAPH ex:service { ?s ex:service ?o {} } }",
    "PREFIX service: <http://example.org/> SELECT * { GRAPH service:g { ?s service:p ?o } ?s ?p service:o . }",
])
def test_the_word_inside_strings_iris_names_and_comments_is_harmless(query: str) -> None:
    assert shape(query).form is QueryForm.SELECT
    list(ox.Store().query(query))  # type: ignore[arg-type]  # and Oxigraph indeed runs no SERVICE


def test_less_than_next_to_iri_looking_text_is_no_iri() -> None:
    query = "SELECT * { ?s <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> ?o FILTER(?o<3&&?s>2) }"
    assert shape(query).operators == 3
    assert shape("SELECT * { BIND(1 AS ?o) FILTER(?o<2)#>SERVICE <urn:x> {}\n}").form is QueryForm.SELECT


def test_an_undecidable_less_than_is_refused() -> None:
    # FILTER glued to a prefixed name: a function call (where '<' compares) or a collection
    # (where it starts an IRI); the guard cannot tell which, so it refuses what differs
    query = "PREFIX ex: <urn:> SELECT * { ?s ?p ?o FILTERex:f(?o<urn:a#b>) }"
    assert "cannot tell whether '<'" in str(refusal(query))
    assert shape("PREFIX ex: <urn:> SELECT * { ?s ?p ?o FILTERex:f(?o < 2) }").operators == 1


# --- the hostile corpus ---------------------------------------------------------------------


@pytest.fixture
def listener() -> Iterator[tuple[str, list[int]]]:
    """A loopback port that counts connections and closes each at once."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(64)
    server.settimeout(0.2)
    hits: list[int] = []
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                connection, _ = server.accept()
            except OSError:
                continue
            hits.append(1)
            connection.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.getsockname()[1]}/sparql", hits
    finally:
        stop.set()
        thread.join()
        server.close()


def _contacts(item: str, hits: list[int]) -> bool:
    """Whether pyoxigraph, given ``item`` as a query (or else as an update) on an empty
    store, opens a connection to the listener; a SERVICE on an unbound variable counts too,
    as the parser read a SERVICE."""
    before = len(hits)
    store = ox.Store()
    try:
        try:
            list(store.query(item))  # type: ignore[arg-type]
        except SyntaxError:
            store.update(item)
    except RuntimeError as exc:
        if "variable encoding the service name is unbound" in str(exc):
            return True
    except OSError:
        pass
    for _ in range(50):
        if len(hits) > before:
            return True
        time.sleep(0.01)
    return False


def test_hostile_corpus_is_large_distinct_and_refused(listener: tuple[str, list[int]]) -> None:
    url, _ = listener
    items = service_and_load_spellings(url)
    assert len(items) >= 50 and len(set(items)) == len(items)
    for item in items:
        with pytest.raises(QueryRefused):
            inspect_query(item, LIMITS)


def test_hostile_corpus_really_is_service_or_load_to_oxigraph(listener: tuple[str, list[int]]) -> None:
    url, hits = listener
    misses = [item for item in service_and_load_spellings(url) if not _contacts(item, hits)]
    assert not misses


# --- updates ---------------------------------------------------------------------------------


@pytest.mark.parametrize("query", [
    "INSERT DATA { <a:a> <a:b> <a:c> }",
    "PREFIX ex: <http://e/> DELETE WHERE { ?s ?p ?o }",
    "LOAD <http://127.0.0.1:1/data.ttl>",
    "LOAD SILENT <file:///etc/passwd> INTO GRAPH <a:g>",
    "# LOAD after a comment ended by CR\rload <http://127.0.0.1:1/>",
    "CLEAR ALL",
    "DROP GRAPH <a:g>",
    "CREATE GRAPH <a:g>",
    "COPY <a:g> TO <a:h>",
    "MOVE DEFAULT TO <a:h>",
    "ADD <a:g> TO <a:h>",
    "WITH <a:g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
    "INSERTDATA { <a:a> <a:b> <a:c> }",
    "INSERT { } WHERE { SERVICE <http://127.0.0.1:1/> { } }",
])
def test_updates_are_refused_on_the_query_endpoint(query: str) -> None:
    error = refusal(query)
    assert type(error) is UpdateNotAllowed and error.code == "update_not_allowed"


@pytest.mark.parametrize("query", [
    "PREFIX insert: <urn:i> SELECT ?delete { ?delete insert:load 'DROP ALL' } # CLEAR",
    "SELECT * { ?s <urn:WITH> ?o }",
])
def test_update_words_as_names_strings_or_comments_are_harmless(query: str) -> None:
    assert shape(query).form is QueryForm.SELECT


# --- dataset clauses -------------------------------------------------------------------------


def test_dataset_clauses_of_any_scheme_are_reported_not_refused() -> None:
    query = "SELECT * FROM <http://127.0.0.1:1/remote.ttl> FROM NAMED <file:///etc/passwd> { GRAPH ?g { ?s ?p ?o } }"
    result = shape(query)
    assert result.from_graphs == ("http://127.0.0.1:1/remote.ttl",)
    assert result.from_named == ("file:///etc/passwd",)
    assert shape("SELECT * { ?s ?p ?o }").from_graphs == ()


def test_dataset_iris_are_resolved_against_base_and_prefixes() -> None:
    query = """BASE <https://w3id.org/lexgraph/graph/data/>
        PREFIX g: <../ontology/>
        PREFIX : <https://w3id.org/lexgraph/graph/>
        SELECT * FROM <sources> FROM g:core FROM :data\\/x
        FROM NAMED <../shapes/a?x#f> FROM NAMED <\\u0068ttps://e/g> FROM NAMED g: WHERE { ?s ?p ?o }"""
    _run(query)
    result = shape(query)
    assert result.from_graphs == (
        "https://w3id.org/lexgraph/graph/data/sources",
        "https://w3id.org/lexgraph/graph/ontology/core",
        "https://w3id.org/lexgraph/graph/data/x",
    )
    assert result.from_named == (
        "https://w3id.org/lexgraph/graph/shapes/a?x#f",
        "https://e/g",
        "https://w3id.org/lexgraph/graph/ontology/",
    )


@pytest.mark.parametrize(("query", "graphs", "named"), [
    ("PREFIX ex: <urn:> SELECT * FROMex:g {}", ("urn:g",), ()),
    ("PREFIX ex: <urn:> SELECT * FROMNAMEDex:g {}", (), ("urn:g",)),
    ("PREFIX ex: <urn:> SELECT * FROM NAMEDex:g {}", (), ("urn:g",)),
    ("PREFIXex: <urn:> ASK FROM<urn:a>FROM ex:b{}", ("urn:a", "urn:b"), ()),
    ("BASE <http://e/a/> BASE <b/> CONSTRUCT { ?s ?p ?o } FROM <../c> WHERE { ?s ?p ?o }", ("http://e/a/c",), ()),
    ("DESCRIBE <urn:x> FROM <urn:g> FROM <urn:g>", ("urn:g",), ()),
])
def test_dataset_clauses_are_found_as_oxigraph_reads_them(query: str, graphs: tuple[str, ...], named: tuple[str, ...]) -> None:
    _run(query)  # Oxigraph parses it
    result = shape(query)
    assert (result.from_graphs, result.from_named) == (graphs, named)


# --- limits ----------------------------------------------------------------------------------


def test_limits_come_from_settings() -> None:
    settings = dataclasses.replace(
        load_settings({}), max_query_bytes=100, max_query_depth=2, max_query_operators=3, max_query_unions=4,
        max_query_patterns=5,
    )
    assert QueryLimits.from_settings(settings) == QueryLimits(100, 2, 3, 4, 5)
    assert isinstance(settings, Settings)


def test_the_size_limit_comes_before_any_other_check() -> None:
    query = "SELECT * { SERVICE <urn:x> { } } #" + "é" * 40
    with pytest.raises(QueryTooLarge) as info:
        shape(query, max_bytes=len(query) + 10)  # é is two bytes in UTF-8
    error = info.value
    assert isinstance(error, PayloadTooLarge) and error.code == "query_too_large"
    assert error.size == len(query.encode()) and error.limit == len(query) + 10
    assert "LEXGRAPH_MAX_QUERY_BYTES" in str(error)
    with pytest.raises(QueryTooLarge):
        shape("x" * 70_000)
    assert str(refusal(query, max_bytes=len(query.encode()))).startswith("SERVICE")


def _operators(n: int) -> str:
    return "SELECT (" + "+".join(["1"] * (n + 1)) + " AS ?x) {}"


def _unions(n: int) -> str:
    return "SELECT * { " + " UNION ".join(["{ ?a ?b ?c }"] * (n + 1)) + " }"


def _patterns(n: int) -> str:
    return "SELECT * { " + " . ".join(f"?a <urn:p{i}> ?b" for i in range(n)) + " }"


def _depth(n: int) -> str:
    return "SELECT * WHERE " + "{ " * n + "?s ?p ?o" + " }" * n


@pytest.mark.parametrize(("build", "limit", "setting", "what", "error_type", "code"), [
    (_operators, "max_operators", "LEXGRAPH_MAX_QUERY_OPERATORS", "operators", QueryTooComplex, "query_too_complex"),
    (_unions, "max_unions", "LEXGRAPH_MAX_QUERY_UNIONS", "UNION and MINUS keywords", QueryTooComplex, "query_too_complex"),
    (_patterns, "max_patterns", "LEXGRAPH_MAX_QUERY_PATTERNS", "triple patterns", QueryTooComplex, "query_too_complex"),
    (_depth, "max_depth", "LEXGRAPH_MAX_QUERY_DEPTH", "levels of nesting", QueryTooDeep, "query_too_deep"),
])
def test_each_limit_accepts_its_value_and_refuses_one_more(
    build, limit: str, setting: str, what: str, error_type: type[QueryTooComplex], code: str  # type: ignore[no-untyped-def]
) -> None:
    accepted = shape(build(20), **{limit: 20})
    assert getattr(accepted, {"max_depth": "depth"}.get(limit, limit[4:])) == 20
    error = refusal(build(25), **{limit: 20})
    assert type(error) is error_type and error.code == code and isinstance(error, QueryTooComplex)
    assert error.setting == setting and (error.found, error.limit) == (25, 20)
    assert str(error).startswith(f"the query has 25 {what}")
    assert f"; at most 20 are accepted ({setting})" in str(error)
    assert error.line == 1 and error.column is not None


def test_the_position_is_that_of_the_token_past_the_limit() -> None:
    error = refusal("SELECT * {\n  ?a ?b ?c .\n  { } UNION { } UNION\n  { } MINUS { } }", max_unions=2)
    assert (error.line, error.column) == (4, 7)
    assert str(error) == ("the query has 3 UNION and MINUS keywords; at most 2 are accepted "
                          "(LEXGRAPH_MAX_QUERY_UNIONS) (line 4, column 7)")


@pytest.mark.parametrize(("query", "operators"), [
    ("SELECT * { ?s ?p ?o }", 0),
    ("SELECT (COUNT(*) AS ?n) { ?s ?p '1'^^<urn:int> }", 0),
    ("SELECT * { ?s <urn:a>/^<urn:b>|!(<urn:c>|<urn:d>)* ?o }", 6),
    ("SELECT * { FILTER(!(1 <= 2) || 3 >= 4 && 5 != 6 = true) }", 7),
    ("SELECT * { FILTER(?a IN (1, 2, 3) && ?b NOT IN (4, 5)) }", 1),
])
def test_what_counts_as_an_operator(query: str, operators: int) -> None:
    assert shape(query).operators == operators


def test_long_values_and_in_lists_are_fine() -> None:
    values = "SELECT * { VALUES ?x { " + " ".join(map(str, range(10_000))) + " } }"
    in_list = "SELECT * { BIND(1 AS ?x) FILTER(?x IN (" + ",".join(map(str, range(10_000))) + ")) }"
    for query, rows in ((values, 10_000), (in_list, 1)):
        found = shape(query)
        assert found.operators <= 1 and found.patterns <= 4
        assert len(list(ox.Store().query(query))) == rows  # type: ignore[arg-type]


def test_pattern_estimate_counts_what_the_planner_pays_for() -> None:
    assert shape("SELECT * { ?a ?b 1, 2, 3 ; ?c [ ?d 4 ] }").patterns == 5  # { , , ; [ for five triples
    assert shape("SELECT * { ?a ?b (1 2 3) }").patterns == 7  # each collection item is two triples
    assert shape("SELECT * { OPTIONAL { ?a ?b ?c } BIND(1 AS ?x) FILTER(true) }").patterns == 6  # BIND and AS
    assert shape("SELECT (1 AS ?a) (2 AS ?b) {} GROUP BY ?a HAVING (true) (true)").patterns == 5
    assert shape("DESCRIBE <urn:a> <urn:b> ?c").patterns == 3


# --- the query form, and what is no query --------------------------------------------------------


@pytest.mark.parametrize(("query", "form"), [
    ("PREFIX a: <x:> SELECT * { ?s ?p ?o }", QueryForm.SELECT),
    ("BASE <http://e/> ASK { ?s ?p ?o }", QueryForm.ASK),
    ("CONSTRUCT WHERE { ?s ?p ?o }", QueryForm.CONSTRUCT),
    ("describe <http://e/x>", QueryForm.DESCRIBE),
    ("SELECTDISTINCT * {}", QueryForm.SELECT),
    ("# a comment\r\nselect*{}", QueryForm.SELECT),
])
def test_query_form_is_recognised(query: str, form: QueryForm) -> None:
    assert shape(query).form is form


def test_text_without_a_query_form_is_refused() -> None:
    error = refusal("PREFIX a: <x:>")
    assert type(error) is QueryRefused and str(error).startswith("no SELECT")


def test_every_shipped_query_passes_with_the_default_settings() -> None:
    limits = QueryLimits.from_settings(load_settings({}))
    files = sorted(QUERIES.glob("*.rq"))
    assert files
    for path in files:
        assert inspect_query(path.read_text(encoding="utf-8"), limits).form is QueryForm.SELECT, path


# --- cost ------------------------------------------------------------------------------------


def test_accepted_queries_are_cached_by_digest_never_by_text(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sparql_guard, "_CHECKED", DigestMemo(3))
    queries = [f"SELECT * {{ ?s ?p {i} }}" for i in range(5)]
    first = shape(queries[0])
    assert shape(queries[0]) is first
    for query in queries:
        shape(query)
    assert len(sparql_guard._CHECKED.keys()) == 3
    for digest, limits in sparql_guard._CHECKED.keys():  # type: ignore[misc]
        assert isinstance(digest, bytes) and len(digest) == 32 and limits == LIMITS


@pytest.mark.parametrize("unit", ["1+", "{}", "((", "<", "'", "?a ", "#\r", "\\u0041"])
def test_a_full_size_query_of_tiny_tokens_is_checked_quickly(unit: str) -> None:
    query = "SELECT * { " + unit * ((LIMITS.max_bytes - 20) // len(unit)) + " }"
    started = time.perf_counter()
    try:
        sparql_guard._check(query, LIMITS)
    except QueryRefused:
        pass
    assert time.perf_counter() - started < 2.0
