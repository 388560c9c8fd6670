"""One-pattern queries (lexgraph/one_pattern.py), which the embedded store may answer in the web
process: only a single triple pattern with no repeated variable is recognised, whatever the
spelling, and everything the recogniser accepts that pyoxigraph's parser accepts too (it may
refuse an IRI the recogniser let through: then nothing is evaluated) is exactly that to an
independent parser: rdflib's algebra of it is one triple pattern under a projection and a
LIMIT, no OFFSET."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pyoxigraph as ox
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib.plugins.sparql import prepareQuery
from rdflib.term import Variable

from lexgraph.config import Settings
from lexgraph.errors import QuerySyntaxError, ServerBusy
from lexgraph.one_pattern import read_one_pattern
from lexgraph.results import Answer
from lexgraph.sparql import SparqlCall, prepare
from lexgraph.store.embedded import ROWS_IN_PROCESS, EmbeddedStore, build_store, source_files
from lexgraph.store.oxigraph_run import run_if_small, run_on_store
from test_child_build import with_store

PROPERTY = settings(max_examples=400, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.too_slow])

ACCEPTED = [
    "SELECT ?label WHERE { <https://w3id.org/lexgraph/id/treaty/trips> <http://www.w3.org/2004/02/skos/core#prefLabel> ?label }",
    "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\nSELECT ?label WHERE { <urn:x> skos:prefLabel ?label }",
    "  select * {?s ?p ?o} limit 10",
    "ASK { ?s a <urn:C> . }",
    'SELECT ?s { ?s ?p "Kazakhstan"@en }',
    "SELECT $s { ?s <urn:p> 5. } # a comment",
    'SELECT ?s {?s <urn:p> "1"^^<http://www.w3.org/2001/XMLSchema#integer>}',
    "BASE <http://a/> PREFIX : <b#> SELECT*{:x :y ?z}",
    "# leading comment\nPREFIX ex: <urn:ex:>\rSELECT ?o ?unused WHERE{ex:s ex:p ?o}LIMIT 0",
    "SELECT ?s { ?s <urn:p> -2.5e3 }",
    "select ?o where { <urn:s> a ?o } LIMIT 1000000",
]
REFUSED = [
    "SELECT ?s { ?s ?p ?s }",  # a repeated variable filters the scan
    "SELECT ?s { ?s ?p $s }",
    "SELECT DISTINCT ?p { ?s ?p ?o }",  # reads every triple to give a few rows
    "SELECT REDUCED ?p { ?s ?p ?o }",
    "SELECT ?s { ?s ?p ?o } OFFSET 5",
    "SELECT ?s { ?s ?p ?o } LIMIT 5 OFFSET 5",
    "SELECT ?s { ?s ?p ?o . ?o ?q ?r }",
    "SELECT ?s { _:b ?p ?o }",
    "SELECT ?s { [] ?p ?o }",
    "SELECT ?s { ?s ?p ?o FILTER(?o) }",
    "SELECT ?s { ?s <a>/<b> ?o }",
    "SELECT ?s { ?s <a>* ?o }",
    "SELECT ?s { ?s ^<a> ?o }",
    "SELECT ?s FROM <urn:g> { ?s ?p ?o }",
    "SELECT ?s { ?s ?p ?o } ORDER BY ?s",
    "SELECT ?s { ?s ?p ?o ; ?q ?r }",
    "SELECT ?s { ?s ?p ?o , ?q }",
    "SELECT ?s { GRAPH ?g { ?s ?p ?o } }",
    "CONSTRUCT { ?s ?p ?o } { ?s ?p ?o }",
    "DESCRIBE <urn:x>",
    "SELECT ?s { { ?s ?p ?o } }",
    "SELECT ?s { ?s ?p ?o } LIMIT 5 VALUES ?s { 1 }",
    "SELECT (1 AS ?x) { ?s ?p ?o }",
    "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }",
    "SELECT ?s { ?s ?p <<?a ?b ?c>> }",
    "SELECT ?s { ?s ?p ?o } GROUP BY ?s",
    "SELECT ?s { OPTIONAL { ?s ?p ?o } }",
    "SELECT ?s { ?s ?p ?o SERVICE <urn:x> { } }",
    "SELECT ?s { ?s ?p ?o }}",
    "",
]


def single_pattern_algebra(query: str) -> bool:
    """What rdflib makes of ``query``: one triple pattern with no repeated variable, under a
    projection and at most a LIMIT (a slice from the start)."""
    algebra = prepareQuery(query).algebra
    node = algebra.p
    if node.name == "Slice":
        if node.start != 0:
            return False
        node = node.p
    if node.name == "Project":
        node = node.p
    if node.name != "BGP" or len(node.triples) != 1:
        return False
    variables = [term for term in node.triples[0] if isinstance(term, Variable)]
    return len(variables) == len(set(variables)) and algebra.get("datasetClause") is None


@pytest.mark.parametrize("query", ACCEPTED)
def test_one_pattern_queries_are_recognised_and_are_one_pattern(query: str) -> None:
    assert read_one_pattern(query) is not None
    assert single_pattern_algebra(query)
    ox.Store().query(query)  # a syntax error here would mean the recogniser accepts what Oxigraph refuses


@pytest.mark.parametrize("query", REFUSED)
def test_everything_else_is_not(query: str) -> None:
    assert read_one_pattern(query) is None


BASES = ["SELECT ?o WHERE { <urn:s> <urn:p> ?o }", "ASK { ?s a <urn:C> }", "SELECT * { ?s ?p 'x' } LIMIT 3",
         "PREFIX ex: <urn:ex:> SELECT ?s { ?s ex:p ex:o . }"]
INSERTS = st.sampled_from([
    " DISTINCT ", " REDUCED ", " FILTER(?o) ", " . ?o ?q ?r ", " ; ?q ?r ", " , ?r ", "/<urn:q>", "|<urn:q>",
    "*", "+", "?", "^", "{", "}", " } { ", " OPTIONAL ", " GRAPH ?g ", " VALUES ?o { 1 } ", " [] ", " _:b ",
    " ?s ", " ?o ", " $o ", " OFFSET 2 ", " ORDER BY ?o ", " GROUP BY ?o ", " LIMIT 2 ", " FROM <urn:g> ",
    " SERVICE <urn:x> ", "#", "\n", "'", '"', "<", ">", " a ", " <urn:x> ", " ex:y ", "(", ")", " UNION ",
    " MINUS ", " BIND(1 AS ?b) ", " 1 ", "@en", "^^<urn:t>", " SELECT ", " WHERE ", " . ", "\\u0020",
])


@PROPERTY
@given(base=st.sampled_from(BASES),
       edits=st.lists(st.tuples(st.integers(min_value=0, max_value=80), INSERTS), min_size=1, max_size=3))
def test_whatever_is_recognised_is_one_pattern_to_both_parsers(base: str, edits: list[tuple[int, str]]) -> None:
    query = base
    for at, text in edits:
        at = min(at, len(query))
        query = query[:at] + text + query[at:]
    if read_one_pattern(query) is None:
        return
    try:
        ox.Store().query(query)
    except SyntaxError:
        return  # refused by the store's parser (an IRI it finds invalid, say): nothing is evaluated
    assert single_pattern_algebra(query), query


SPACE = st.lists(st.sampled_from([" ", "\t", "\n", "\r", "# note\n"]), max_size=2).map("".join)  # rdflib ends comments at LF only
SPACE_NEEDED = st.lists(st.sampled_from([" ", "\t", "\n", "# note\n"]), min_size=1, max_size=2).map("".join)
KEYWORD_CASE = st.sampled_from([str.upper, str.lower, str.title])
SUBJECTS = st.sampled_from(["?s", "$s", "<urn:s>", "ex:s", "ex:s.t", ":s", "<https://w3id.org/lexgraph/id/party/kazakhstan>"])
PREDICATES = st.sampled_from(["?p", "$p", "<urn:p>", "ex:p", "a", "<http://www.w3.org/2004/02/skos/core#prefLabel>"])
OBJECTS = st.sampled_from(["?o", "$o", "<urn:o>", "ex:o", '"x"', "'x'", '"x"@en', '"1"^^ex:t', '"""x\ny"""', "5", "1.5",
                           "2e3", '"a\\"b"'])


@PROPERTY
@given(case=KEYWORD_CASE, spaces=st.lists(SPACE, min_size=8, max_size=8), gap=SPACE_NEEDED, subject=SUBJECTS,
       predicate=PREDICATES, obj=OBJECTS, select=st.sampled_from(["*", "?s", "?o ?x", "$p"]),
       ask=st.booleans(), where=st.booleans(), dot=st.booleans(), limit=st.sampled_from([None, 0, 7]))
def test_one_pattern_in_any_spelling_is_recognised(case, spaces, gap, subject, predicate, obj, select,  # type: ignore[no-untyped-def]
                                                  ask, where, dot, limit) -> None:
    s = spaces
    head = case("ASK") if ask else case("SELECT") + gap + select
    body = "{" + s[5] + subject + gap + predicate + gap + obj + s[6] + ("." if dot else "") + "}"
    tail = case("LIMIT") + gap + str(limit) if limit is not None and not ask else ""
    query = (s[0] + case("PREFIX") + gap + "ex:" + s[1] + "<urn:ex:>" + s[2] + case("PREFIX") + gap + ":" + gap
             + "<urn:d:>" + gap + head + s[3] + (gap + case("WHERE") + s[4] if where else "") + body + s[7] + tail)
    repeated = len({t.lstrip("?$") for t in (subject, predicate, obj) if t[0] in "?$"}) < \
        len([t for t in (subject, predicate, obj) if t[0] in "?$"])
    assert (read_one_pattern(query) is not None) is not repeated, query
    ox.Store().query(query)
    assert single_pattern_algebra(query) is not repeated, query


# --- answered in the web process (store/embedded.py, store/oxigraph_run.py) ------------------

SKOS = "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\nPREFIX lg: <https://w3id.org/lexgraph/def/>\n"
SMALL = [SKOS + "SELECT ?label WHERE { <https://w3id.org/lexgraph/id/treaty/trips> skos:prefLabel ?label }",
         SKOS + "SELECT * WHERE { <https://w3id.org/lexgraph/id/treaty/trips> ?p ?o } LIMIT 5",
         SKOS + "ASK { ?s a lg:Treaty }",
         SKOS + "SELECT ?s { ?s skos:prefLabel 'no such label' }"]
LARGE = SKOS + "SELECT * { ?s ?p ?o }"
"""Far more than ROWS_IN_PROCESS rows."""


@pytest.fixture(scope="module")
def store_dir(settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("one-pattern") / "store"
    build_store(path, source_files([settings.ontology_dir, settings.data_dir], settings.root))
    return path


def request_for(query: str, settings: Settings, timeout: str | None = None, accept: str = "application/sparql-results+json"):  # type: ignore[no-untyped-def]
    return prepare(SparqlCall(query, timeout=timeout), accept, settings, set())


@pytest.mark.parametrize("accept", ["application/sparql-results+json", "text/csv", "application/sparql-results+xml"])
@pytest.mark.parametrize("query", SMALL)
def test_an_answer_given_in_the_web_process_is_the_executors_answer(store_dir: Path, settings: Settings,
                                                                    query: str, accept: str) -> None:
    request = request_for(query, settings, accept=accept)
    assert request.one_pattern is not None

    async def both(store: EmbeddedStore) -> tuple[Answer, Answer]:
        return await store.query(request), await store.pool.run(request)

    here, there = with_store(store_dir, both)
    assert here == there


def test_a_small_answer_needs_no_executor_and_a_large_one_goes_to_one(store_dir: Path, settings: Settings) -> None:
    small = request_for(SMALL[0], settings)
    large = request_for(LARGE, settings, timeout="0.5")
    assert large.one_pattern is not None

    async def without_executors(store: EmbeddedStore) -> tuple[Answer, BaseException | None]:
        await store.pool.close()  # from now on, only what the web process answers itself is answered
        answer = await store.query(small)
        try:
            await store.query(large)
        except ServerBusy as exc:
            return answer, exc
        return answer, None

    answer, refused = with_store(store_dir, without_executors)
    assert answer.count == 1 and b"Trade-Related Aspects of Intellectual Property" in answer.body
    assert isinstance(refused, ServerBusy)


def test_reading_stops_after_one_row_more_than_asked(store_dir: Path, settings: Settings) -> None:
    store = ox.Store.read_only(str(store_dir))
    request = request_for(LARGE, settings)
    assert run_if_small(store, request, ROWS_IN_PROCESS) is None
    limited = request_for(LARGE + f" LIMIT {ROWS_IN_PROCESS}", settings)
    answer = run_if_small(store, limited, ROWS_IN_PROCESS)
    assert answer is not None and answer.count == ROWS_IN_PROCESS and not answer.capped
    capped = dataclasses.replace(limited, max_results=3)
    answer = run_if_small(store, capped, ROWS_IN_PROCESS)
    assert answer == run_on_store(store, capped)
    assert answer is not None and answer.count == 3 and answer.capped
    at_the_cap = dataclasses.replace(request, max_results=ROWS_IN_PROCESS)  # a capped answer fits here
    assert run_if_small(store, at_the_cap, ROWS_IN_PROCESS) == run_on_store(store, at_the_cap)


def test_a_dataset_is_never_answered_in_the_web_process(settings: Settings) -> None:
    graph = "https://w3id.org/lexgraph/graph/data/treaties"
    call = SparqlCall(SMALL[0], default_graphs=(graph,))
    assert prepare(call, None, settings, {graph}).one_pattern is None


# --- read from the index without the store's parser (OnePattern.scan) ------------------------

XSD = "http://www.w3.org/2001/XMLSchema#"


def _edge_store() -> ox.Store:
    """A store with what could tell the two paths apart: a triple in several graphs and the
    default graph, numbers stored in other spellings, language tags, escapes, typed strings,
    a blank node, a triple term."""
    store = ox.Store()
    s, p, q = ox.NamedNode("urn:ex:s"), ox.NamedNode("urn:ex:p"), ox.NamedNode("http://example.org/q")
    objects = [ox.Literal("x", language="en"), ox.Literal("x"), ox.Literal("007", datatype=ox.NamedNode(XSD + "integer")),
               ox.Literal("+7", datatype=ox.NamedNode(XSD + "integer")), ox.Literal("1.50", datatype=ox.NamedNode(XSD + "decimal")),
               ox.Literal("-2.5e3", datatype=ox.NamedNode(XSD + "double")), ox.Literal('a"b'), ox.Literal("a\nb"),
               ox.Literal("x", datatype=ox.NamedNode("urn:t")), ox.NamedNode("urn:ex:o"), ox.NamedNode("urn:ex:C")]
    for graph in (ox.NamedNode("urn:g:1"), ox.NamedNode("urn:g:2"), ox.DefaultGraph()):
        for o in objects:
            store.add(ox.Quad(s, p, o, graph))
    store.add(ox.Quad(s, ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), ox.NamedNode("urn:ex:C")))
    store.add(ox.Quad(ox.NamedNode("urn:ex:t"), q, ox.Literal("x", language="en-gb"), ox.NamedNode("urn:g:1")))
    store.add(ox.Quad(ox.BlankNode("b1"), p, ox.Literal("x"), ox.NamedNode("urn:g:2")))  # blank nodes keep their ids
    store.add(ox.Quad(ox.NamedNode("urn:ex:t"), p, ox.Triple(s, p, ox.NamedNode("urn:ex:o"))))  # and a triple term
    return store


EDGE_STORE = _edge_store()
PROLOGUES = st.sampled_from(["", "PREFIX ex: <urn:ex:> ", "PREFIX ex: <urn:ex:> PREFIX : <http://example.org/> ",
                             "PREFIX ex: <urn:ex:> PREFIX ex: <urn:other:> ", "BASE <urn:ex:> PREFIX ex: <urn:ex:> ",
                             "PREFIX ex: <ex> ", f"PREFIX xsd: <{XSD}> PREFIX ex: <urn:ex:> "])
NAMES = ["?s", "$o", "?x", "<urn:ex:s>", "ex:s", "ex:p", "ex:t", ":q", "<http://example.org/q>", "<urn:ex:o>", "ex:o",
         "ex:C", "nope:s", "<http://a:b/>", "<s>", "ex:a-b", "ex:\\-s", "ex:s%20", "<urn:ex:\\u0073>"]
PLAIN_OBJECTS = ['"x"', "'x'", '"x"@en', '"x"@EN', '"x"@en-GB', '"x"@en--ltr', '"a\\"b"', "'a\"b'", '"a\\nb"', '"x"^^<urn:t>',
                 '"007"^^xsd:integer', '"7"^^<http://www.w3.org/2001/XMLSchema#integer>', '"+7"^^xsd:integer', '"07"^^xsd:integer', "7", "007", "+7", "-7",
                 "1.5", "1.50", "-2.5e3", "-2500.0e0", '"""x"""', "'''x'''", '"x"^^ex:t', '"x\\u0020"', "'it\\'s'"]


@settings(PROPERTY, max_examples=2000)
@given(prologue=PROLOGUES, subject=st.sampled_from(NAMES), predicate=st.sampled_from(NAMES + ["a"]),
       obj=st.sampled_from(NAMES + PLAIN_OBJECTS),
       select=st.sampled_from(["ASK", "SELECT *", "SELECT ?s", "SELECT ?o ?s", "SELECT ?x ?x", "SELECT ?unused $o"]),
       limit=st.sampled_from(["", " LIMIT 0", " LIMIT 2", " LIMIT 99999999999999999999999"]),
       rows=st.sampled_from([2, ROWS_IN_PROCESS]), cap=st.sampled_from([1, 5, 10_000]),
       fmt=st.sampled_from(["application/sparql-results+json", "text/csv", "application/sparql-results+xml",
                            "text/tab-separated-values"]))
def test_a_pattern_read_from_the_index_answers_as_the_store_evaluates_it(  # type: ignore[no-untyped-def]
        settings: Settings, prologue, subject, predicate, obj, select, limit, rows, cap, fmt) -> None:
    query = f"{prologue}{select} WHERE {{ {subject} {predicate} {obj} }}{limit}"
    pattern = read_one_pattern(query)
    if pattern is None:
        return
    request = dataclasses.replace(request_for(query, settings, accept=fmt), max_results=cap)
    evaluated = dataclasses.replace(request, one_pattern=dataclasses.replace(pattern, scan=None))
    try:
        expected = run_if_small(EDGE_STORE, evaluated, rows)
    except QuerySyntaxError:
        assert pattern.scan is None, query  # what the store's parser refuses is never answered without it
        return
    assert run_if_small(EDGE_STORE, request, rows) == expected, query


def test_plain_spellings_are_read_from_the_index(settings: Settings) -> None:
    """The bench's lookups and the editor's examples are spelt plainly: the fast path is taken."""
    for query in SMALL + [SKOS + "SELECT ?s { ?s skos:prefLabel 'TRIPS'@en }", "SELECT * { ?s a <urn:C> } LIMIT 3"]:
        pattern = read_one_pattern(query)
        assert pattern is not None and pattern.scan is not None, query
