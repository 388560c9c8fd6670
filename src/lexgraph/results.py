"""Cap and serialise query results.

Every answer passes through here, whichever store produced it: solutions or triples are
taken up to the server's maximum plus one, so a capped answer is known to be capped and is
marked as such, never silently cut. Graphs are written by pyoxigraph's serialisers;
solutions by the small writers below, which follow the W3C SPARQL 1.1 result formats, or, for
JSON that fits the cap, by pyoxigraph's writer, which gives the same bytes for less CPU.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from itertools import islice
from typing import Iterable, Sequence
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox

from .media import Format
from .prefixes import PREFIX_IRIS

Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple

_RDF_FORMATS = {
    "turtle": ox.RdfFormat.TURTLE,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "jsonld": ox.RdfFormat.JSON_LD,
    "rdfxml": ox.RdfFormat.RDF_XML,
    "trig": ox.RdfFormat.TRIG,
    "nquads": ox.RdfFormat.N_QUADS,
}
RESULTS_FORMATS = {
    "json": ox.QueryResultsFormat.JSON,
    "xml": ox.QueryResultsFormat.XML,
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
}
"""pyoxigraph's own writers: for whole answers (see ``QueryRequest.whole``), and for JSON
solutions whenever they fit (:func:`native_json_answer`)."""
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


@dataclass(frozen=True)
class Answer:
    """A serialised answer: its bytes, how many rows or triples it holds, and whether the
    server's maximum cut it short."""

    body: bytes
    content_type: str
    count: int
    capped: bool


def take(items: Iterable[object], limit: int) -> tuple[list, bool]:
    """Up to ``limit`` items, and whether there were more (one more is read to know)."""
    taken = list(islice(items, limit + 1))
    if len(taken) > limit:
        return taken[:limit], True
    return taken, False


# --- solutions ---------------------------------------------------------------------------

def _json_term(term: Term) -> dict[str, object]:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out: dict[str, object] = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != _XSD_STRING:
            out["datatype"] = term.datatype.value
        return out
    return {
        "type": "triple",
        "value": {"subject": _json_term(term.subject), "predicate": _json_term(term.predicate),
                  "object": _json_term(term.object)},
    }


def _xml_term(term: Term) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<uri>{escape(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{escape(term.value)}</bnode>"
    if isinstance(term, ox.Literal):
        if term.language:
            return f"<literal xml:lang={quoteattr(term.language)}>{escape(term.value)}</literal>"
        if term.datatype.value != _XSD_STRING:
            return f"<literal datatype={quoteattr(term.datatype.value)}>{escape(term.value)}</literal>"
        return f"<literal>{escape(term.value)}</literal>"
    return (f"<triple><subject>{_xml_term(term.subject)}</subject><predicate>{_xml_term(term.predicate)}"
            f"</predicate><object>{_xml_term(term.object)}</object></triple>")


def _csv_term(term: Term | None) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, (ox.NamedNode, ox.Literal)):
        return term.value
    return str(term)


def _tsv_term(term: Term | None) -> str:
    # TSV keeps RDF term syntax (IRIs in <>, literals quoted), per SPARQL 1.1 TSV results.
    if term is None:
        return ""
    text = str(term)
    return text.replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def write_solutions(variables: Sequence[str], rows: Sequence[Sequence[Term | None]], fmt: Format) -> bytes:
    """SELECT results in ``fmt`` (json, xml, csv or tsv)."""
    if fmt.name == "json":
        bindings = [{v: _json_term(t) for v, t in zip(variables, row) if t is not None} for row in rows]
        return json.dumps({"head": {"vars": list(variables)}, "results": {"bindings": bindings}},
                          ensure_ascii=False, separators=(",", ":")).encode()
    if fmt.name == "xml":
        parts = ['<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#"><head>']
        parts += [f"<variable name={quoteattr(v)}/>" for v in variables]
        parts.append("</head><results>")
        for row in rows:
            parts.append("<result>")
            parts += [f"<binding name={quoteattr(v)}>{_xml_term(t)}</binding>"
                      for v, t in zip(variables, row) if t is not None]
            parts.append("</result>")
        parts.append("</results></sparql>\n")
        return "".join(parts).encode()
    if fmt.name == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(variables)
        writer.writerows([_csv_term(t) for t in row] for row in rows)
        return buffer.getvalue().encode()
    if fmt.name == "tsv":
        lines = ["\t".join(f"?{v}" for v in variables)]
        lines += ["\t".join(_tsv_term(t) for t in row) for row in rows]
        return ("\n".join(lines) + "\n").encode()
    raise ValueError(f"{fmt.name} is not a results format")


def write_boolean(value: bool, fmt: Format) -> bytes:
    """ASK results in ``fmt``."""
    if fmt.name == "json":
        return json.dumps({"head": {}, "boolean": value}).encode()
    if fmt.name == "xml":
        return (f'<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#"><head/>'
                f"<boolean>{'true' if value else 'false'}</boolean></sparql>\n").encode()
    if fmt.name == "csv":
        return f"_askResult\r\n{'true' if value else 'false'}\r\n".encode()
    return f"?_askResult\n{'true' if value else 'false'}\n".encode()


# --- graphs ------------------------------------------------------------------------------

def write_graph(items: Iterable[ox.Triple] | Iterable[ox.Quad], fmt: Format) -> bytes:
    """Triples (or quads, for TriG and N-Quads) in ``fmt``, with our prefixes where the format has them."""
    rdf_format = _RDF_FORMATS[fmt.name]
    prefixes = PREFIX_IRIS if fmt.name in ("turtle", "trig", "rdfxml") else None
    return ox.serialize(items, format=rdf_format, prefixes=prefixes) or b""


# --- pyoxigraph's own JSON writer ---------------------------------------------------------

class _TooLong(Exception):
    """Raised from inside pyoxigraph's writer to stop it."""


class _BoundedBuffer(io.BytesIO):
    """What pyoxigraph writes into (in chunks of 8 KiB), refusing to hold more than ``limit`` bytes."""

    def __init__(self, limit: int) -> None:
        super().__init__()
        self.limit = limit

    def write(self, data: bytes) -> int:  # type: ignore[override]
        if self.tell() + len(data) > self.limit:
            raise _TooLong
        return super().write(data)


def native_json_answer(result: ox.QuerySolutions, fmt: Format, limit: int, max_bytes: int) -> Answer | None:
    """``result`` as SPARQL JSON (``fmt``), written by pyoxigraph: the same bytes as :func:`write_solutions`
    gives (a test holds them equal) for about a quarter of the CPU of a small answer, a third of
    a large one, counted rows included.

    None when that answer would pass ``max_bytes`` or hold more than ``limit`` rows: the rows
    have then been read, and the caller evaluates the query again and caps it (:func:`answer`);
    the work lost is bounded by ``max_bytes``."""
    buffer = _BoundedBuffer(max_bytes)
    try:
        result.serialize(output=buffer, format=ox.QueryResultsFormat.JSON)
    except _TooLong:
        return None
    body = buffer.getvalue()
    count = len(json.loads(body)["results"]["bindings"])
    if count > limit:
        return None
    return Answer(body, fmt.content_type, count, False)


# --- one entry point ---------------------------------------------------------------------

def solutions_answer(result: ox.QuerySolutions, solutions: Sequence[ox.QuerySolution], capped: bool,
                     fmt: Format) -> Answer:
    """Serialise ``solutions``, the rows taken from ``result``."""
    variables = [v.value for v in result.variables]
    rows = [[solution[v] for v in variables] for solution in solutions]
    return Answer(write_solutions(variables, rows, fmt), fmt.content_type, len(rows), capped)


def answer(result: ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples | bool, fmt: Format, limit: int) -> Answer:
    """Serialise whatever a query returned, capped at ``limit`` rows or triples."""
    if isinstance(result, (ox.QueryBoolean, bool)):
        return Answer(write_boolean(bool(result), fmt), fmt.content_type, 1, False)
    if isinstance(result, ox.QuerySolutions):
        solutions, capped = take(result, limit)
        return solutions_answer(result, solutions, capped, fmt)
    triples, capped = take(result, limit)
    if fmt.datasets:
        triples = [ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in triples]
    return Answer(write_graph(triples, fmt), fmt.content_type, len(triples), capped)
