"""Read RDF files (any format of :mod:`lexgraph.files`) into an rdflib graph, all or nothing,
with file:line on errors."""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Iterable

from typing import Literal
from xml.sax import SAXParseException

import pyoxigraph as ox
from rdflib import Dataset, Graph
from rdflib.exceptions import ParserError
from rdflib.plugins.parsers.notation3 import BadSyntax
from rdflib.plugins.parsers.ntriples import ParseError

from .errors import RdfSyntaxError, SyntaxErrorLocation, UsageError
from .files import TURTLE, RdfFormat, format_of, is_gzip, open_rdf, rdf_files, syntax_error
from .namespaces import PREFIXES


def new_graph() -> Graph:
    """An empty graph with our prefixes bound, so serialisations read well."""
    graph = Graph()
    for name, namespace in PREFIXES.items():
        graph.bind(name, namespace, override=True)
    return graph


def parse_into(graph: Graph, path: Path) -> None:
    """Parse one RDF file into ``graph``; a syntax error names the file and line.

    The file is parsed into a scratch graph first, so a bad file adds nothing. Graph names of
    quad formats are dropped: the checks see one graph.
    """
    fmt = format_of(path)
    if fmt is not TURTLE or is_gzip(path):
        return _parse_other(graph, path, fmt or TURTLE)
    scratch = Graph()
    try:
        scratch.parse(path, format="turtle")
    except BadSyntax as exc:
        # BadSyntax counts lines from 0 and keeps its reason in a private field.
        line = exc.lines + 1
        reason = getattr(exc, "_why", None) or str(exc).splitlines()[-1]
        raise RdfSyntaxError(SyntaxErrorLocation(str(path), line), reason) from None
    except (UnicodeDecodeError, ValueError) as exc:
        raise RdfSyntaxError(SyntaxErrorLocation(str(path), None), str(exc)) from None
    graph += scratch


def _parse_other(graph: Graph, path: Path, fmt: RdfFormat) -> None:
    """rdflib's parsers for the other formats raise a different error each, most without a
    position: on any of them, pyoxigraph reads the file again to say where (the message of the
    parser that finds the position is kept)."""
    scratch = Dataset() if fmt.quads else Graph()
    try:
        with open_rdf(path) as stream, warnings.catch_warnings():
            # rdflib 7.6's own quad parsers use its deprecated ConjunctiveGraph and default_context
            warnings.filterwarnings("ignore", category=DeprecationWarning, module=r"rdflib\.")
            scratch.parse(source=stream, format=fmt.rdflib)  # type: ignore[arg-type]
    except (BadSyntax, SAXParseException, ParserError, ParseError, ValueError, EOFError, OSError) as exc:
        raise _locate(path, fmt, exc) from None
    if isinstance(scratch, Dataset):
        for s, p, o, _ in scratch.quads((None, None, None, None)):
            graph.add((s, p, o))
    else:
        graph += scratch


def _locate(path: Path, fmt: RdfFormat, exc: Exception) -> RdfSyntaxError:
    try:
        with open_rdf(path) as stream:
            for _ in ox.parse(stream, format=getattr(ox.RdfFormat, fmt.oxigraph)):
                pass
    except SyntaxError as found:
        return syntax_error(path, fmt, found)
    except (OSError, EOFError, ValueError):
        pass
    line = exc.getLineNumber() if isinstance(exc, SAXParseException) else None
    return RdfSyntaxError(SyntaxErrorLocation(str(path), line), str(exc).splitlines()[-1] if str(exc) else type(exc).__name__)


def load_graph(paths: Iterable[Path], unknown: Literal["error", "skip"] = "error") -> Graph:
    """Parse every RDF file under ``paths`` into one new graph (``unknown``: what to do with
    other files in a folder, see :func:`~lexgraph.files.rdf_files`)."""
    graph = new_graph()
    for path in rdf_files(paths, unknown):
        parse_into(graph, path)
    return graph


def load_into_store(store: ox.Store, path: Path, graph: str) -> None:
    """Parse one RDF file with pyoxigraph into the named graph ``graph`` of ``store`` (graph
    names of quad formats dropped, as :func:`parse_into` does); a syntax error names the file,
    line and column. Each load gets blank nodes of its own, as each rdflib parse does.
    A quad format goes through a scratch store first, where its graph names are dropped."""
    fmt = format_of(path)
    if fmt is None:
        raise UsageError(f"{path}: not a format lexgraph reads")
    target = ox.NamedNode(graph)
    scratch = ox.Store() if fmt.quads else store
    try:
        with open_rdf(path) as stream:
            scratch.bulk_load(stream, format=getattr(ox.RdfFormat, fmt.oxigraph), to_graph=target,
                              base_iri=path.resolve().as_uri())  # relative IRIs as rdflib resolves them
    except SyntaxError as exc:
        raise syntax_error(path, fmt, exc) from None
    if scratch is not store:
        store.extend([ox.Quad(q.subject, q.predicate, q.object, target) for q in scratch])
