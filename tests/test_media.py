"""Content negotiation: a table of Accept headers and format parameters against the chosen format."""

from __future__ import annotations

import pytest

from lexgraph.media import NotAcceptable, negotiate, prefers_html


@pytest.mark.parametrize(("kind", "accept", "fmt", "expected"), [
    ("solutions", None, None, "json"),
    ("solutions", "*/*", None, "json"),
    ("solutions", "application/sparql-results+json", None, "json"),
    ("solutions", "application/sparql-results+xml", None, "xml"),
    ("solutions", "application/json", None, "json"),
    ("solutions", "text/csv", None, "csv"),
    ("solutions", "text/tab-separated-values", None, "tsv"),
    ("solutions", "text/*", None, "csv"),
    ("solutions", "text/csv;q=0.5, application/sparql-results+xml", None, "xml"),
    ("solutions", "application/sparql-results+xml;q=0.2, */*;q=0.9", None, "json"),
    ("solutions", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", None, "xml"),
    ("graph", None, None, "turtle"),
    ("graph", "*/*", None, "turtle"),
    ("graph", "application/n-triples", None, "ntriples"),
    ("graph", "application/ld+json", None, "jsonld"),
    ("graph", "application/json", None, "jsonld"),
    ("graph", "application/rdf+xml", None, "rdfxml"),
    ("graph", "application/trig", None, "trig"),
    ("graph", "application/n-quads", None, "nquads"),
    ("solutions", "text/csv", "json", "json"),
    ("solutions", None, "xml", "xml"),
    ("solutions", None, "tsv", "tsv"),
    ("graph", None, "json", "jsonld"),
    ("graph", None, "ttl", "turtle"),
    ("graph", None, "xml", "rdfxml"),
    ("graph", None, "application/n-triples", "ntriples"),
    # what SPARQLWrapper and other clients send as format=
    ("graph", None, "n3", "turtle"),
    ("graph", "text/n3", None, "turtle"),
    ("graph", None, "rdf+xml", "rdfxml"),
    ("graph", None, "json-ld", "jsonld"),
    ("graph", None, "application/ld+json,application/x-json+ld", "jsonld"),
    ("graph", None, "nt", "ntriples"),
    ("solutions", None, "text/tab-separated-values", "tsv"),
    ("solutions", None, "application/sparql-results+json", "json"),
])
def test_negotiation_table(kind: str, accept: str | None, fmt: str | None, expected: str) -> None:
    assert negotiate(kind, accept, fmt).name == expected


@pytest.mark.parametrize(("kind", "accept", "fmt"), [
    ("solutions", "image/png", None),
    ("solutions", "text/turtle", None),
    ("graph", "application/sparql-results+json", None),
    ("solutions", "application/sparql-results+json;q=0", None),
    ("solutions", None, "turtle"),
    ("graph", None, "csv"),
])
def test_what_cannot_be_served_is_not_acceptable(kind: str, accept: str | None, fmt: str | None) -> None:
    with pytest.raises(NotAcceptable):
        negotiate(kind, accept, fmt)


@pytest.mark.parametrize(("accept", "html"), [
    ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", True),
    ("text/html", True),
    ("*/*", False),
    (None, False),
    ("text/turtle", False),
    ("application/sparql-results+json, text/html;q=0.5", False),
])
def test_browsers_are_recognised(accept: str | None, html: bool) -> None:
    assert prefers_html(accept) is html


def test_repeated_format_parameters_must_agree() -> None:
    from lexgraph.errors import UsageError
    from lexgraph.sparql import choose_format

    assert choose_format("solutions", None, ("tsv", "text/tab-separated-values")).name == "tsv"
    assert choose_format("solutions", "text/csv", ()).name == "csv"
    with pytest.raises(UsageError, match="name different formats"):
        choose_format("solutions", None, ("tsv", "json"))
