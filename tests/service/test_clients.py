"""The SPARQL clients researchers already use, as real libraries against a real server."""

from __future__ import annotations

import warnings

import pytest
from rdflib import Graph, URIRef
from SPARQLWrapper import CSV, GET, JSON, JSONLD, N3, POST, RDFXML, TSV, TURTLE, XML, SPARQLWrapper

from .servers import Server

KZ = "https://w3id.org/lexgraph/id/party/kazakhstan"
SELECT = f"SELECT ?label WHERE {{ <{KZ}> <http://www.w3.org/2004/02/skos/core#prefLabel> ?label }}"
ASK = f"ASK {{ <{KZ}> ?p ?o }}"
CONSTRUCT = f"CONSTRUCT {{ <{KZ}> ?p ?o }} WHERE {{ <{KZ}> ?p ?o }}"
DESCRIBE = f"DESCRIBE <{KZ}>"

CASES = [(q, f) for q in (SELECT, ASK) for f in (JSON, XML, CSV, TSV)]
CASES += [(q, f) for q in (CONSTRUCT, DESCRIBE) for f in (TURTLE, N3, RDFXML, JSONLD, XML, JSON)]


@pytest.mark.parametrize("method", [GET, POST])
@pytest.mark.parametrize(("query", "fmt"), CASES, ids=[f"{q.split()[0]}-{f}" for q, f in CASES])
def test_sparqlwrapper_every_return_format(server: Server, method: str, query: str, fmt: str) -> None:
    client = SPARQLWrapper(server.url + "/sparql")
    client.setQuery(query)
    client.setReturnFormat(fmt)
    client.setMethod(method)
    with warnings.catch_warnings():
        # SPARQLWrapper warns that it asks for */* when JSON or XML is asked of a CONSTRUCT,
        # and parses RDF/XML into rdflib's deprecated ConjunctiveGraph: its warnings, not ours
        warnings.simplefilter("ignore", RuntimeWarning)
        warnings.simplefilter("ignore", DeprecationWarning)
        converted = client.query().convert()
    if query is SELECT and fmt == JSON:
        assert [b["label"]["value"] for b in converted["results"]["bindings"]] == ["Kazakhstan"]
    elif query is ASK and fmt == JSON:
        assert converted["boolean"] is True
    elif query is SELECT and fmt in (CSV, TSV):
        assert b"Kazakhstan" in converted
    elif query in (CONSTRUCT, DESCRIBE) and fmt in (TURTLE, N3):
        graph = Graph().parse(data=converted, format="turtle")  # the client hands over the bytes
        assert URIRef(KZ) in set(graph.subjects())
    elif query in (CONSTRUCT, DESCRIBE) and fmt in (RDFXML, JSONLD):
        assert URIRef(KZ) in set(converted.subjects())  # an rdflib Graph, parsed by the client
    else:
        assert converted is not None


def test_rdflib_sparqlstore(server: Server) -> None:
    from rdflib.plugins.stores.sparqlstore import SPARQLStore

    store = SPARQLStore(server.url + "/sparql")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        graph = Graph(store=store)
        labels = [str(row[0]) for row in graph.query(SELECT)]
        asked = graph.query(ASK).askAnswer
        constructed = graph.query(CONSTRUCT).graph
    assert labels == ["Kazakhstan"] and asked is True
    assert constructed is not None and URIRef(KZ) in set(constructed.subjects())


TREATY_ACTIONS = f"""SELECT ?date ?treaty WHERE {{
  ?action a <https://w3id.org/lexgraph/def/TreatyAction> ; <https://w3id.org/lexgraph/def/party> <{KZ}> ;
      <https://w3id.org/lexgraph/def/treaty> ?treaty ; <https://w3id.org/lexgraph/def/date> ?date .
}} ORDER BY ?date ?treaty"""


@pytest.mark.parametrize("how", ["format-parameter", "accept-header"])
def test_pandas_reads_the_csv_answer(server: Server, how: str) -> None:
    """``pandas.read_csv`` on the endpoint's URL, as notebooks do: with ``format=csv`` in the
    URL (pandas sends no Accept header of its own), or with the header through storage_options."""
    import urllib.parse

    import pandas as pd

    params = {"query": TREATY_ACTIONS} | ({"format": "csv"} if how == "format-parameter" else {})
    url = server.url + "/sparql?" + urllib.parse.urlencode(params)
    headers = {"Accept": "text/csv"} if how == "accept-header" else None
    frame = pd.read_csv(url, storage_options=headers, dtype=str)
    client = SPARQLWrapper(server.url + "/sparql")
    client.setQuery(TREATY_ACTIONS)
    client.setReturnFormat(JSON)
    rows = client.query().convert()["results"]["bindings"]
    assert list(frame.columns) == ["date", "treaty"]
    assert len(frame) == len(rows) > 10
    assert frame.to_dict("records") == [{"date": r["date"]["value"], "treaty": r["treaty"]["value"]} for r in rows]
