"""The guard refuses what the public endpoint never runs, wherever it hides, and nothing else."""

from __future__ import annotations

import pytest

from lexgraph.sparql_guard import QueryForm, QueryRefused, QueryTooDeep, UpdateNotAllowed, check_dataset_iris, inspect_query


@pytest.mark.parametrize("query", [
    "SELECT * WHERE { SERVICE <http://127.0.0.1:1/sparql> { ?s ?p ?o } }",
    "select * { service silent <http://127.0.0.1:1/> { ?s ?p ?o } }",
    "SELECT * WHERE { ?s ?p ?o OPTIONAL { SERVICE ?endpoint { ?s ?q ?r } } }",
    "ASK { { SELECT ?s WHERE { SERVICE <http://x/> { ?s ?p ?o } } } }",
    "CONSTRUCT { ?s ?p ?o } WHERE { FILTER EXISTS { SERVICE <file:///etc/passwd> { ?s ?p ?o } } }",
    "SELECT * { \\u0053ERVICE <http://127.0.0.1:1/> { ?s ?p ?o } }",
    "SELECT * WHERE {\n  # a comment\n  SeRvIcE <http://h/> {}\n}",
])
def test_service_is_refused_in_any_position(query: str) -> None:
    with pytest.raises(QueryRefused, match="SERVICE is not allowed"):
        inspect_query(query, max_depth=64)


def test_refusal_names_line_and_column() -> None:
    with pytest.raises(QueryRefused) as info:
        inspect_query("SELECT * WHERE {\n  ?s ?p ?o .\n  SERVICE <http://x/> { }\n}", max_depth=64)
    assert (info.value.line, info.value.column) == (3, 3)


@pytest.mark.parametrize("query", [
    'SELECT * WHERE { ?s ?p "SERVICE <http://x/>" }',
    "SELECT * WHERE { ?s <http://example.org/SERVICE> ?o }",
    "PREFIX ex: <http://example.org/> SELECT * WHERE { ?s ex:service ?o }",
    "SELECT ?service WHERE { ?service ?p ?o }",
    "SELECT * WHERE { ?s ?p ?o } # SERVICE in a comment",
    "SELECT * WHERE { ?s ?p '''multi\nline SERVICE''' }",
])
def test_the_word_inside_strings_iris_names_and_comments_is_harmless(query: str) -> None:
    assert inspect_query(query, max_depth=64).form is QueryForm.SELECT


@pytest.mark.parametrize("query", [
    "INSERT DATA { <a:a> <a:b> <a:c> }",
    "PREFIX ex: <http://e/> DELETE WHERE { ?s ?p ?o }",
    "LOAD <http://127.0.0.1:1/data.ttl>",
    "LOAD SILENT <file:///etc/passwd> INTO GRAPH <a:g>",
    "CLEAR ALL",
    "DROP GRAPH <a:g>",
    "WITH <a:g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
])
def test_updates_are_refused_on_the_query_endpoint(query: str) -> None:
    with pytest.raises(UpdateNotAllowed):
        inspect_query(query, max_depth=64)


@pytest.mark.parametrize("query", [
    "SELECT * FROM <http://127.0.0.1:1/remote.ttl> WHERE { ?s ?p ?o }",
    "SELECT * FROM NAMED <file:///etc/passwd> WHERE { GRAPH ?g { ?s ?p ?o } }",
    "ASK FROM <HTTP://EXAMPLE.ORG/> { ?s ?p ?o }",
])
def test_dataset_clauses_naming_http_or_file_are_refused(query: str) -> None:
    with pytest.raises(QueryRefused, match="dataset clause"):
        inspect_query(query, max_depth=64)


def test_dataset_clauses_naming_store_graphs_pass() -> None:
    shape = inspect_query("SELECT * FROM <https://w3id.org/lexgraph/graph/data/sources> { ?s ?p ?o }", max_depth=64)
    assert shape.form is QueryForm.SELECT


def test_dataset_parameters_are_checked_too() -> None:
    check_dataset_iris(["https://w3id.org/lexgraph/graph/data/sources"])
    for iri in ("http://127.0.0.1:1/g", "file:///etc/passwd"):
        with pytest.raises(QueryRefused):
            check_dataset_iris([iri])


def test_deep_nesting_is_refused_before_parsing() -> None:
    deep = "SELECT * WHERE " + "{ " * 100 + "?s ?p ?o" + " }" * 100
    with pytest.raises(QueryTooDeep):
        inspect_query(deep, max_depth=64)
    assert inspect_query(deep, max_depth=128).depth == 100


@pytest.mark.parametrize(("query", "form"), [
    ("PREFIX a: <x:> SELECT * { ?s ?p ?o }", QueryForm.SELECT),
    ("BASE <http://e/> ASK { ?s ?p ?o }", QueryForm.ASK),
    ("CONSTRUCT WHERE { ?s ?p ?o }", QueryForm.CONSTRUCT),
    ("describe <http://e/x>", QueryForm.DESCRIBE),
])
def test_query_form_is_recognised(query: str, form: QueryForm) -> None:
    assert inspect_query(query, max_depth=64).form is form


def test_text_without_a_query_form_is_refused() -> None:
    with pytest.raises(QueryRefused, match="no SELECT"):
        inspect_query("PREFIX a: <x:>", max_depth=64)
