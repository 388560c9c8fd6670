"""The remote store: an existing SPARQL 1.1 server reached through the standard protocols.

Queries go to its query endpoint (SPARQL 1.1 Protocol); loading and downloads use its Graph
Store Protocol endpoint when there is one. Answers come back as SPARQL JSON or N-Triples and
pass through the same capping and serialisation as the embedded store's, so clients see one
behaviour. The remote server must serve the union of its named graphs as the default graph
(for Oxigraph: ``oxigraph serve --union-default-graph``; Virtuoso does).

A server's own ways (:mod:`.dialect`) are repaired on the way: Virtuoso's blank node labels,
booleans and TSV; its row limit, flagged as a cap; its system graphs, left out of the
dataset by naming the served graphs in every query that names none; its error reasons,
passed on in lexgraph's error. Credentials (:mod:`.credentials`) answer the server's
challenges.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from pathlib import Path
from urllib.parse import urlencode
from typing import Awaitable, Callable, Sequence

import httpx
import pyoxigraph as ox

from ..config import Settings
from ..errors import BadGateway, QueryError, QuerySyntaxError, QueryTimeout, StoreUnavailable
from ..media import Format
from ..results import Answer, answer, write_graph, write_solutions
from .base import GraphStore, QueryRequest, T
from ..files import TURTLE, is_gzip, open_rdf
from ..files import syntax_error as file_syntax_error
from .credentials import Credentials, auth_for, redact, resolve
from .dialect import STANDARD, Dialect, detect, matches, partial, read_json, read_ntriples, reason, refusal, row_cap
from .embedded import SourceFile, entailed_ntriples
from .entailed import ENTAILED_GRAPH, Entailment
from .oxigraph_run import syntax_error
from .select import select

log = logging.getLogger("lexgraph.remote")

_GRAPH_KINDS = ("turtle", "ntriples", "jsonld", "rdfxml", "trig", "nquads")
_JSON = "application/sparql-results+json"
GET_QUERY_CHARS = 2000
"""Queries whose URL-encoded parameters fit in this many characters are sent with GET (every
server takes URLs this long); longer ones are POSTed as a form."""
_NO_GRAPH = "urn:x-lexgraph:no-graph"
"""Named as the default graph when no graph is served: an empty dataset, not the server's own."""


def _failed(exc: httpx.HTTPError, url: str) -> StoreUnavailable | BadGateway:
    """A transport failure: before the server answered (unavailable), or half-way through
    its answer (a bad gateway: what arrived cannot be trusted)."""
    if isinstance(exc, (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)):
        return StoreUnavailable(f"the remote SPARQL server at {url} does not answer ({type(exc).__name__})")
    return BadGateway(f"the remote SPARQL server's answer broke off ({type(exc).__name__})")


def _located(query: str) -> QuerySyntaxError | None:
    """Where the query's syntax error is, by Oxigraph's parser (on an empty store, so nothing
    is evaluated), for servers whose messages give no position (Virtuoso's counts lines of
    its own prefix); None when Oxigraph reads the query, so the server's reason stands."""
    try:
        ox.Store().query(query)
    except SyntaxError as exc:
        return syntax_error(str(exc))
    except (ValueError, OSError):
        return None
    return None


def _refused(response: httpx.Response, timeout_s: float, query: str) -> Exception:
    """The error for a server's non-200 answer to a query, with the server's reason when it
    is a refusal (the first line of a plain-text explanation: never the query or a payload it
    repeats)."""
    text = response.text if response.headers.get("content-type", "").startswith("text/plain") or \
        response.status_code == 400 else ""
    kind, why = refusal(response.status_code, text)
    if kind == "syntax":
        error = syntax_error(why)
        # A query Oxigraph reads is valid SPARQL that the server does not support: refused, not malformed.
        return error if error.line is not None else _located(query) or \
            QueryError(f"the remote SPARQL server refused the query: {why}")
    if kind == "timeout":
        return QueryTimeout(timeout_s)
    if kind == "refused":
        return QueryError(f"the remote SPARQL server refused the query: {why}")
    # A failure the server does not explain as a refusal may carry its internals (a stack
    # trace, paths): logged here for the operator, never passed on to the client.
    if why:
        log.warning("the remote SPARQL server answered %s: %s", response.status_code, why)
    return StoreUnavailable(f"the remote SPARQL server answered {response.status_code}")


class _Unscoped:
    """The store as the server sees it: every graph, its own included (to list them)."""

    def __init__(self, store: "RemoteStore") -> None:
        self._store = store

    async def query(self, request: QueryRequest) -> Answer:
        return await self._store._query(request, scoped=False)


class RemoteStore:
    """A SPARQL 1.1 server as lexgraph's store."""

    kind = "remote"

    def __init__(self, query_url: str, store_url: str | None = None, *, credentials: Credentials | None = None,
                 graphs: tuple[str, ...] = ("*",), system_graphs: tuple[str, ...] | None = None) -> None:
        """``graphs``: patterns of the graphs to serve; ``system_graphs``: patterns of graphs
        never served (None: the server's own, by its dialect)."""
        self.query_url = redact(query_url)
        self.store_url = redact(store_url) if store_url else None
        self.client = httpx.AsyncClient(timeout=None, follow_redirects=False, trust_env=False,
                                        auth=auth_for(credentials))
        self.dialect: Dialect = STANDARD
        self._graphs = graphs
        self._system_graphs = system_graphs
        self._scope: tuple[str, ...] | None = None
        """The served graphs, named as the dataset of every query that names none, when the
        server holds graphs that are not served; None while it holds only served graphs."""
        self.whole_server = _Unscoped(self)
        """The server with every graph it holds: what the change watcher counts, so that a graph
        new to the server is noticed although the queries' dataset does not name it yet."""

    async def start(self) -> None:
        """Check that the server answers before the service says it is ready."""
        await self.ping(10.0)

    async def ping(self, timeout_s: float = 5.0) -> None:
        """Raise StoreUnavailable unless the server answers a trivial query in time; learn
        what kind of server it is."""
        try:
            response = await self.client.get(self.query_url, params={"query": "ASK {}"},
                                             headers={"Accept": _JSON}, timeout=timeout_s)
        except httpx.HTTPError as exc:
            raise StoreUnavailable(f"the remote SPARQL server at {self.query_url} does not answer "
                                   f"({type(exc).__name__})") from None
        if response.status_code != 200:
            raise StoreUnavailable(f"the remote SPARQL server answered {response.status_code} to a test query")
        self.dialect = detect(response.headers)

    async def query(self, request: QueryRequest) -> Answer:
        return await self._query(request, scoped=True)

    async def _query(self, request: QueryRequest, *, scoped: bool) -> Answer:
        graph = request.format.name in _GRAPH_KINDS
        passed_on = request.whole and self.dialect.standard
        accept = "application/n-triples" if graph else _JSON
        if passed_on:
            accept = request.format.content_type
        data: list[tuple[str, str]] = [("query", request.query)]
        default_graphs, named_graphs = request.default_graphs, request.named_graphs
        if scoped and not request.dataset and self._scope is not None:
            default_graphs, named_graphs = self._scope or (_NO_GRAPH,), self._scope
        data += [("default-graph-uri", g) for g in default_graphs]
        data += [("named-graph-uri", g) for g in named_graphs]
        encoded = urlencode(data)
        if len(encoded) <= GET_QUERY_CHARS:  # one write to the server, where a POST takes two
            joiner = "&" if "?" in self.query_url else "?"  # an endpoint URL may carry parameters of its own
            sent = self.client.get(f"{self.query_url}{joiner}{encoded}", headers={"Accept": accept})
        else:
            sent = self.client.post(self.query_url, content=encoded.encode(),
                                    headers={"Accept": accept, "Content-Type": "application/x-www-form-urlencoded"})
        try:
            # The whole exchange, not each read, must fit in the limit.
            response = await asyncio.wait_for(sent, request.timeout_s)
        except (asyncio.TimeoutError, httpx.TimeoutException):
            raise QueryTimeout(request.timeout_s) from None
        except httpx.HTTPError as exc:
            raise _failed(exc, self.query_url) from None
        if response.status_code != 200:
            raise _refused(response, request.timeout_s, request.query)
        if partial(response.headers):
            raise QueryTimeout(request.timeout_s)
        cut_at = row_cap(response.headers)
        if request.whole and cut_at is not None:
            raise StoreUnavailable(f"the remote SPARQL server cut the answer to one of lexgraph's own queries at its "
                                   f"limit of {cut_at} rows: raise that limit (Virtuoso: ResultSetMaxRows)")
        if passed_on:
            return Answer(response.content, request.format.content_type, -1, False)
        try:
            if self.dialect.standard:  # pyoxigraph's own readers: the quick way, nothing to repair
                parsed = ox.parse(response.content, format=ox.RdfFormat.N_TRIPLES) if graph else \
                    ox.parse_query_results(response.content, format=ox.QueryResultsFormat.JSON)
                found = answer(parsed, request.format, request.max_results)  # type: ignore[arg-type]
            elif graph:
                found = answer(read_ntriples(response.content), request.format, request.max_results)  # type: ignore[arg-type]
            else:
                solutions = read_json(response.content)
                if solutions.boolean is not None:
                    return answer(solutions.boolean, request.format, 1)
                if request.whole:
                    body = write_solutions(solutions.variables, solutions.rows, request.format)
                    return Answer(body, request.format.content_type, -1, False)
                rows = solutions.rows[:request.max_results]
                found = Answer(write_solutions(solutions.variables, rows, request.format), request.format.content_type,
                               len(rows), len(solutions.rows) > len(rows))
        except (SyntaxError, ValueError, KeyError, TypeError) as exc:
            raise BadGateway(f"the remote SPARQL server's answer could not be read ({type(exc).__name__})") from None
        # The server cut its answer at its own limit: the answer is capped even when it is
        # within ours.
        return found if cut_at is None or found.capped else Answer(found.body, found.content_type, found.count, True)

    async def graph_names(self) -> list[str]:
        """The served graphs: the server's graphs that match the served patterns and are not
        its system graphs. The dataset of every later query is scoped to them when the
        server holds others."""
        # GROUP BY, not DISTINCT: Virtuoso 7.2 takes seconds for the same answer with DISTINCT.
        rows = await select(_Unscoped(self), "SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g",
                            timeout_s=30.0)
        every = [row["g"] for row in rows]
        system = self.dialect.system_graphs if self._system_graphs is None else self._system_graphs
        served = [g for g in every if matches(g, self._graphs) and not matches(g, system)]
        self._scope = None if len(served) == len(every) else tuple(served)
        return served

    async def export(self, fmt: Format) -> bytes:
        """The served graphs, each read whole (from the Graph Store Protocol endpoint, else
        by a CONSTRUCT query; one request for a whole store is refused by some servers, and
        one query for the default graph would bring the server's own graphs), written in
        ``fmt``: quads in their graphs, or the merge of the graphs' triples."""
        quads: list[ox.Quad] = []
        for name in await self.graph_names():
            graph = ox.NamedNode(name)
            quads += [ox.Quad(t.subject, t.predicate, t.object, graph) for t in await self._read_graph(name)]
        if fmt.datasets:
            return write_graph(quads, fmt)
        return write_graph(list(dict.fromkeys(q.triple for q in quads)), fmt)

    async def _read_graph(self, name: str) -> list[ox.Triple]:
        url = self.store_url or self.query_url
        try:
            if self.store_url:
                response = await self.client.get(self.store_url, params={"graph": name},
                                                 headers={"Accept": "application/n-triples"}, timeout=300)
            else:
                query = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{name}> {{ ?s ?p ?o }} }}"
                response = await self.client.post(self.query_url, data={"query": query},
                                                  headers={"Accept": "application/n-triples"}, timeout=300)
        except httpx.HTTPError as exc:
            raise _failed(exc, url) from None
        if response.status_code != 200:
            raise StoreUnavailable(f"the remote SPARQL server answered {response.status_code} to the download of <{name}>")
        cut_at = row_cap(response.headers)
        if cut_at is not None:
            raise StoreUnavailable(f"the remote SPARQL server cut graph <{name}> at its limit of {cut_at} triples: "
                                   "raise that limit (Virtuoso: ResultSetMaxRows) to serve downloads")
        try:
            return read_ntriples(response.content)
        except (SyntaxError, ValueError) as exc:
            raise BadGateway(f"the remote SPARQL server's download of <{name}> could not be read "
                             f"({type(exc).__name__})") from None

    async def derive(self, builder: Callable[[GraphStore], Awaitable[T]]) -> T:
        """Build here: the builder's memory goes to answers parsed from the server, which a
        child process would have to ask for over again with a client of its own."""
        return await builder(self)

    async def close(self) -> None:
        await self.client.aclose()


def remote_store(settings: Settings) -> RemoteStore:
    """The remote store the settings name, with its credentials and served graphs."""
    assert settings.remote_query_url
    url, credentials = resolve(settings.remote_query_url, settings.remote_user, settings.remote_password)
    return RemoteStore(url, settings.remote_store_url, credentials=credentials, graphs=settings.remote_graphs,
                       system_graphs=settings.remote_system_graphs)


def push_files(store_url: str, files: Sequence[SourceFile], timeout_s: float = 300.0,
               entailment: Entailment = "rdfs", user: str | None = None, password: str | None = None) -> dict[str, int]:
    """Load files into a remote store with the Graph Store Protocol: each named graph is
    replaced whole (HTTP PUT), so a repeated load leaves no duplicates, and so is the entailed
    graph (:func:`~lexgraph.store.embedded.entailed_ntriples`; with ``entailment`` off, one
    pushed before is deleted). Credentials (the URL's userinfo, else ``user`` and
    ``password``, else ``~/.netrc``) answer the server's Digest or Basic challenge. Returns
    bytes sent per graph."""
    store_url, credentials = resolve(store_url, user, password)
    sent: dict[str, int] = {}
    bodies = _graph_bodies(files)
    if entailment != "off":
        bodies[ENTAILED_GRAPH] = ("the entailed triples", entailed_ntriples(files), "application/n-triples")
    with httpx.Client(timeout=timeout_s, trust_env=False, auth=auth_for(credentials)) as client:
        if entailment == "off":
            _delete_graph(client, store_url, ENTAILED_GRAPH, credentials)
        for graph, (origin, body, media_type) in bodies.items():
            try:
                response = client.put(store_url, params={"graph": graph}, content=body,
                                      headers={"Content-Type": media_type})
            except httpx.HTTPError as exc:
                raise StoreUnavailable(f"{store_url} does not answer ({type(exc).__name__}); "
                                       f"{len(sent)} of {len(bodies)} graphs were loaded") from None
            if response.status_code not in (200, 201, 204):
                raise StoreUnavailable(f"{store_url} refused {origin} (graph <{graph}>): {_push_refusal(response, credentials)}")
            sent[graph] = len(body)
    return sent


def _push_refusal(response: httpx.Response, credentials: Credentials | None) -> str:
    """Why a server refused a graph: its status and reason, and what to do about credentials."""
    status = response.status_code
    if status == 401:
        return ("401: the credentials were not accepted" if credentials else
                "401: it asks for credentials (LEXGRAPH_REMOTE_USER and LEXGRAPH_REMOTE_PASSWORD, or the URL's userinfo)")
    if status == 403:
        return "403: writes are not allowed there (for Virtuoso, load into …/sparql-graph-crud-auth with credentials)"
    text = response.text if response.headers.get("content-type", "").startswith("text/plain") else ""
    why = reason(text)
    return f"{status}: {why}" if why else str(status)


def _delete_graph(client: httpx.Client, store_url: str, graph: str, credentials: Credentials | None) -> None:
    """Remove one graph (HTTP DELETE); a graph the server does not hold (404) is fine."""
    try:
        response = client.delete(store_url, params={"graph": graph})
    except httpx.HTTPError as exc:
        raise StoreUnavailable(f"{store_url} does not answer ({type(exc).__name__})") from None
    if response.status_code not in (200, 204, 404):
        raise StoreUnavailable(f"{store_url} refused to delete <{graph}>: {_push_refusal(response, credentials)}")


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
