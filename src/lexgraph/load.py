"""Read Turtle files into an rdflib graph, all or nothing, with file:line on errors."""

from __future__ import annotations

from pathlib import Path
from typing import Iterable

from rdflib import Graph
from rdflib.plugins.parsers.notation3 import BadSyntax

from .errors import RdfSyntaxError, SyntaxErrorLocation
from .files import rdf_files
from .namespaces import PREFIXES

def new_graph() -> Graph:
    """An empty graph with our prefixes bound, so serialisations read well."""
    graph = Graph()
    for name, namespace in PREFIXES.items():
        graph.bind(name, namespace, override=True)
    return graph


def parse_into(graph: Graph, path: Path) -> None:
    """Parse one Turtle file into ``graph``; a syntax error names the file and line.

    The file is parsed into a scratch graph first, so a bad file adds nothing.
    """
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


def load_graph(paths: Iterable[Path]) -> Graph:
    """Parse every Turtle file under ``paths`` into one new graph."""
    graph = new_graph()
    for path in rdf_files(paths):
        parse_into(graph, path)
    return graph
