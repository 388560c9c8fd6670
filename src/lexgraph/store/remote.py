"""The remote store: an existing SPARQL 1.1 server reached through the standard protocols.

Queries go to its query endpoint (SPARQL 1.1 Protocol); loading and whole-dataset export
use its Graph Store Protocol endpoint. Answers come back as SPARQL JSON or N-Triples and pass
through the same capping and serialisation as the embedded store's, so clients see one
behaviour. The remote server must serve the union of its named graphs as the default graph
(for Oxigraph: ``oxigraph serve --union-default-graph``).
"""

from __future__ import annotations

import asyncio
from collections import Counter
from pathlib import Path
from urllib.parse import urlencode
from typing import Sequence

import httpx
import pyoxigraph as ox

from ..errors import BadGateway, QuerySyntaxError, QueryTimeout, StoreUnavailable
from ..media import Format
from ..results import Answer, answer, write_graph
from .base import QueryRequest
from ..files import TURTLE, is_gzip, open_rdf
from ..files import syntax_error as file_syntax_error
from .embedded import SourceFile, entailed_ntriples
from .entailed import ENTAILED_GRAPH, Entailment
from .oxigraph_run import syntax_error
from .select import graph_names

_GRAPH_KINDS = ("turtle", "ntriples", "jsonld", "rdfxml", "trig", "nquads")
_MESSAGE_CHARS = 300
"""How much of a remote server's own error message is passed on: its first line, cut short.
Enough for a syntax error's position and reason; never a whole payload."""


def _remote_message(text: str) -> str:
    first = text.strip().splitlines()[0] if text.strip() else ""
    first = first.split(" with payload", 1)[0]
    return first if len(first) <= _MESSAGE_CHARS else first[:_MESSAGE_CHARS] + "…"


def _failed(exc: httpx.HTTPError, url: str) -> StoreUnavailable | BadGateway:
    """A transport failure: before the server answered (unavailable), or half-way through
    its answer (a bad gateway: what arrived cannot be trusted)."""
    if isinstance(exc, (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)):
        return StoreUnavailable(f"the remote SPARQL server at {url} does not answer ({type(exc).__name__})")
    return BadGateway(f"the remote SPARQL server's answer broke off ({type(exc).__name__})")


class RemoteStore:
    """A SPARQL 1.1 server as lexgraph's store."""

    kind = "remote"

    def __init__(self, query_url: str, store_url: str | None = None) -> None:
        self.query_url = query_url
        self.store_url = store_url
        self.client = httpx.AsyncClient(timeout=None, follow_redirects=False, trust_env=False)

    async def start(self) -> None:
        """Check that the server answers before the service says it is ready."""
        await self.ping(10.0)

    async def ping(self, timeout_s: float = 5.0) -> None:
        """Raise StoreUnavailable unless the server answers a trivial query in time."""
        try:
            response = await self.client.get(self.query_url, params={"query": "ASK {}"},
                                             headers={"Accept": "application/sparql-results+json"}, timeout=timeout_s)
        except httpx.HTTPError as exc:
            raise StoreUnavailable(f"the remote SPARQL server at {self.query_url} does not answer "
                                   f"({type(exc).__name__})") from None
        if response.status_code != 200:
            raise StoreUnavailable(f"the remote SPARQL server answered {response.status_code} to a test query")

    async def query(self, request: QueryRequest) -> Answer:
        graph = request.format.name in _GRAPH_KINDS
        accept = "application/n-triples" if graph else "application/sparql-results+json"
        if request.whole:
            accept = request.format.content_type
        data: list[tuple[str, str]] = [("query", request.query)]
        data += [("default-graph-uri", g) for g in request.default_graphs]
        data += [("named-graph-uri", g) for g in request.named_graphs]
        try:
            # The whole exchange, not each read, must fit in the limit.
            response = await asyncio.wait_for(self.client.post(
                self.query_url, content=urlencode(data).encode(),
                headers={"Accept": accept, "Content-Type": "application/x-www-form-urlencoded"}), request.timeout_s)
        except (asyncio.TimeoutError, httpx.TimeoutException):
            raise QueryTimeout(request.timeout_s) from None
        except httpx.HTTPError as exc:
            raise _failed(exc, self.query_url) from None
        if response.status_code == 400:
            message = _remote_message(response.text)
            error = syntax_error(message)
            raise error if error.line is not None else QuerySyntaxError(f"the remote server refused the query: {message}")
        if response.status_code != 200:
            raise StoreUnavailable(f"the remote SPARQL server answered {response.status_code}")
        if request.whole:
            return Answer(response.content, request.format.content_type, -1, False)
        try:
            if graph:
                triples = ox.parse(response.content, format=ox.RdfFormat.N_TRIPLES)
                return answer(triples, request.format, request.max_results)  # type: ignore[arg-type]
            result = ox.parse_query_results(response.content, format=ox.QueryResultsFormat.JSON)
            return answer(result, request.format, request.max_results)
        except (SyntaxError, ValueError) as exc:
            raise BadGateway(f"the remote SPARQL server's answer could not be read ({type(exc).__name__})") from None

    async def graph_names(self) -> list[str]:
        return await graph_names(self)

    async def export(self, fmt: Format) -> bytes:
        """The whole dataset: N-Quads from the Graph Store Protocol endpoint, or the merged
        graph through a CONSTRUCT query, re-serialised in ``fmt``."""
        if fmt.datasets and not self.store_url:
            raise StoreUnavailable("exports with named graphs need LEXGRAPH_REMOTE_STORE_URL")
        try:
            if fmt.datasets:
                response = await self.client.get(self.store_url, headers={"Accept": "application/n-quads"}, timeout=300)
            else:
                response = await self.client.post(self.query_url, data={"query": "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"},
                                                  headers={"Accept": "application/n-triples"}, timeout=300)
        except httpx.HTTPError as exc:
            raise _failed(exc, self.store_url if fmt.datasets else self.query_url) from None
        if response.status_code != 200:
            raise StoreUnavailable(f"the remote SPARQL server answered {response.status_code} to the export")
        try:
            parsed = ox.parse(response.content, format=ox.RdfFormat.N_QUADS if fmt.datasets else ox.RdfFormat.N_TRIPLES)
            return write_graph(parsed, fmt)  # type: ignore[arg-type]
        except (SyntaxError, ValueError) as exc:
            raise BadGateway(f"the remote SPARQL server's export could not be read ({type(exc).__name__})") from None

    async def close(self) -> None:
        await self.client.aclose()


def push_files(store_url: str, files: Sequence[SourceFile], timeout_s: float = 300.0,
               entailment: Entailment = "rdfs") -> dict[str, int]:
    """Load files into a remote store with the Graph Store Protocol: each named graph is
    replaced whole (HTTP PUT), so a repeated load leaves no duplicates, and so is the entailed
    graph (:func:`~lexgraph.store.embedded.entailed_ntriples`; with ``entailment`` off, one
    pushed before is deleted). Returns bytes sent per graph."""
    sent: dict[str, int] = {}
    bodies = _graph_bodies(files)
    if entailment != "off":
        bodies[ENTAILED_GRAPH] = ("the entailed triples", entailed_ntriples(files), "application/n-triples")
    with httpx.Client(timeout=timeout_s, trust_env=False) as client:
        if entailment == "off":
            _delete_graph(client, store_url, ENTAILED_GRAPH)
        for graph, (origin, body, media_type) in bodies.items():
            try:
                response = client.put(store_url, params={"graph": graph}, content=body,
                                      headers={"Content-Type": media_type})
            except httpx.HTTPError as exc:
                raise StoreUnavailable(f"{store_url} does not answer ({type(exc).__name__}); "
                                       f"{len(sent)} of {len(bodies)} graphs were loaded") from None
            if response.status_code not in (200, 201, 204):
                raise StoreUnavailable(
                    f"{store_url} refused {origin} (graph <{graph}>): {response.status_code} {response.text[:200]}"
                )
            sent[graph] = len(body)
    return sent


def _delete_graph(client: httpx.Client, store_url: str, graph: str) -> None:
    """Remove one graph (HTTP DELETE); a graph the server does not hold (404) is fine."""
    try:
        response = client.delete(store_url, params={"graph": graph})
    except httpx.HTTPError as exc:
        raise StoreUnavailable(f"{store_url} does not answer ({type(exc).__name__})") from None
    if response.status_code not in (200, 204, 404):
        raise StoreUnavailable(f"{store_url} refused to delete <{graph}>: {response.status_code} {response.text[:200]}")


def _graph_bodies(files: Sequence[SourceFile]) -> dict[str, tuple[str, bytes, str]]:
    """The body of each graph: a plain Turtle file alone in its graph as it is; the other
    formats, and files given one graph together (``--graph``), parsed (all before anything is
    sent, so a syntax error sends nothing) and each graph written as N-Triples, quads in their
    own graphs, triples in the file's graph."""
    bodies: dict[str, tuple[str, bytes, str]] = {}
    parsed: dict[str, list[ox.Triple]] = {}
    origins: dict[str, str] = {}
    per_graph = Counter(f.graph for f in files)
    for f in files:
        if f.format is TURTLE and not is_gzip(f.path) and per_graph[f.graph] == 1:
            bodies[f.graph] = (str(f.path), Path(f.path).read_bytes(), "text/turtle")
            continue
        try:
            with open_rdf(f.path) as stream:
                for q in ox.parse(stream, format=getattr(ox.RdfFormat, f.format.oxigraph)):
                    graph = q.graph_name.value if isinstance(q.graph_name, ox.NamedNode) else f.graph
                    parsed.setdefault(graph, []).append(q.triple)
                    origins.setdefault(graph, str(f.path))
        except SyntaxError as exc:
            raise file_syntax_error(f.path, f.format, exc) from None
    for graph, triples in parsed.items():
        if graph in bodies:  # a Turtle file's graph that quads elsewhere add to
            origin, body, _ = bodies[graph]
            triples = [*(q.triple for q in ox.parse(body, format=ox.RdfFormat.TURTLE)), *triples]
        bodies[graph] = (origins[graph], ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b"", "application/n-triples")
    return bodies
