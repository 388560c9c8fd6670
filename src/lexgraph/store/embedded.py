"""The embedded store: ontology/ and data/ (any RDF format of :mod:`lexgraph.files`) in an on-disk pyoxigraph store, queried by a
pool of executor processes (see :mod:`lexgraph.executor`)."""

from __future__ import annotations

import asyncio
import shutil
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Awaitable, Callable, Iterable, Sequence

import pyoxigraph as ox

from ..errors import QueryTimeout, StoreUnavailable, UsageError
from ..executor import ExecutorOptions, ExecutorPool
from ..files import READ_EXTENSIONS, RdfFormat, format_of, is_gzip, open_rdf, rdf_files, stem, syntax_error
from ..media import Format
from ..prefixes import BASE_IRI
from ..results import Answer, write_graph
from .base import GraphStore, QueryRequest, T
from .child_build import build_in_child
from .entailed import ENTAILED_GRAPH, Entailment, entailed_triples, materialise
from .oxigraph_run import run_if_small, run_on_store
from .select import ask, graph_names

GRAPH_BASE = BASE_IRI + "graph/"
ROWS_IN_PROCESS = 64
"""A one-pattern query (``QueryRequest.one_pattern``) is answered in the web process, on the
event loop, when it has at most this many rows: reading them costs about as many index steps
(:mod:`lexgraph.one_pattern`). Measured in the service at 100k triples, a one-row lookup took
the web process about 0.1 ms this way, where the trip to an executor cost the two processes
about 0.35 ms of CPU. One with more rows goes to an executor after that much work."""


@dataclass(frozen=True)
class SourceFile:
    """A file to load and the named graph its triples go into (quads keep their own graph)."""

    path: Path
    graph: str

    @property
    def format(self) -> RdfFormat:
        fmt = format_of(self.path)
        if fmt is None:
            raise UsageError(f"{self.path}: not a format lexgraph reads (extensions: {READ_EXTENSIONS})")
        return fmt


def graph_of(path: Path, root: Path, given: Path) -> str:
    """The graph of a file's triples: ``…/graph/<path without format extension>``, the path
    taken from ``root`` when the file is under it, else from the folder that holds ``given``
    (the file or folder named on the command line)."""
    resolved = path.resolve()
    base = root.resolve() if resolved.is_relative_to(root.resolve()) else given.resolve().parent
    return GRAPH_BASE + stem(resolved.relative_to(base)).as_posix()


def source_files(folders: Sequence[Path], root: Path, graph: str | None = None) -> list[SourceFile]:
    """Each RDF file under ``folders`` with the graph of its triples (:func:`graph_of`), or
    ``graph`` for all of them when it is given (``lexgraph load --graph``: several files into one
    graph, by choice).

    Raises :class:`UsageError` for a file in a format we do not read, for two files whose
    triples would go to the same graph (``a.ttl`` and ``a.nt`` side by side) unless ``graph`` is
    given, and for a file whose graph would be the entailed one (:data:`ENTAILED_GRAPH`).
    """
    out: list[SourceFile] = []
    seen: dict[str, Path] = {}
    files: dict[Path, None] = {}
    for given in folders:
        for path in rdf_files([given]):
            if path.resolve() in files:
                continue
            files[path.resolve()] = None
            if graph is not None:
                out.append(SourceFile(path, graph))
                continue
            named = graph_of(path, root, given)
            if named == ENTAILED_GRAPH:
                raise UsageError(f"{path} would go to the graph <{named}>, which holds the entailed triples; rename it")
            if named in seen:
                raise UsageError(f"{seen[named]} and {path} would both go to the graph <{named}>; rename one")
            seen[named] = path
            out.append(SourceFile(path, named))
    return out


def load_file(store: ox.Store, f: SourceFile) -> None:
    """Bulk-load one file: triples into ``f.graph``, quads into their own graphs; a syntax
    error becomes :class:`RdfSyntaxError` with the file, line and column."""
    fmt = f.format
    try:
        if is_gzip(f.path):
            with open_rdf(f.path) as stream:
                store.bulk_load(stream, format=getattr(ox.RdfFormat, fmt.oxigraph), to_graph=ox.NamedNode(f.graph))
        else:
            store.bulk_load(path=str(f.path), format=getattr(ox.RdfFormat, fmt.oxigraph), to_graph=ox.NamedNode(f.graph))
    except SyntaxError as exc:
        raise syntax_error(f.path, fmt, exc) from None


def load_files(store: ox.Store, files: Sequence[SourceFile], on_progress: Callable[[int, int], None] | None,
               entailment: Entailment) -> None:
    """Load ``files`` in order (:func:`load_file`), reporting bytes done of bytes in all, then
    rebuild the entailed graph and :func:`settle` the store: what a new store and a kept
    store's update share."""
    total = sum(f.path.stat().st_size for f in files)
    done = 0
    for f in files:
        load_file(store, f)
        done += f.path.stat().st_size
        if on_progress:
            on_progress(done, total)
    materialise(store, entailment)
    settle(store)


def settle(store: ox.Store) -> None:
    """Flush and compact a store that was just written, before it is served.

    Loading and entailing leave dozens of overlapping files that every read then merges;
    compacted, a scan over all labels ran in 61 ms instead of 99 ms at a million triples
    (pyoxigraph 0.5.13), for 1.3 s of compaction."""
    store.flush()
    store.optimize()


def count_graphs(store: ox.Store, graphs: Iterable[str] | None = None) -> dict[str, int]:
    """Triples per named graph (every named graph of the store unless ``graphs`` is given)."""
    names = sorted(graphs) if graphs is not None else sorted(g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode))
    counts: dict[str, int] = {}
    for name in names:
        (row,) = store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{name}> {{ ?s ?p ?o }} }}")  # type: ignore[misc]
        counts[name] = int(row["n"].value)
    return counts


def build_store(
    store_dir: Path,
    files: Sequence[SourceFile],
    on_progress: Callable[[int, int], None] | None = None,
    entailment: Entailment = "rdfs",
) -> dict[str, int]:
    """Load ``files`` into a new on-disk store at ``store_dir`` (:func:`load_file` each), with
    the graph of what they entail (:func:`~lexgraph.store.entailed.materialise`) unless
    ``entailment`` is ``off``.

    pyoxigraph's bulk loader parses and writes in Rust, so a million triples load in seconds
    without a Python object per triple. All or nothing: on a syntax error (reported with file,
    line and column) the half-built store is removed (an empty folder that was there before
    is left, empty). Returns the number of triples per named graph.
    """
    existed = store_dir.exists()
    if existed and any(store_dir.iterdir()):
        raise UsageError(f"{store_dir} is not empty; the embedded store is built in a new folder")
    store = ox.Store(str(store_dir))
    try:
        load_files(store, files, on_progress, entailment)
        counts = count_graphs(store)
    except BaseException as exc:
        traceback.clear_frames(exc.__traceback__)  # load_file's frame holds the store open
        store = None  # type: ignore[assignment]  # closes it, before its files go
        shutil.rmtree(store_dir, ignore_errors=True)
        if existed:
            store_dir.mkdir()
        raise
    store = None  # type: ignore[assignment]  # closes it: the executors open it read-only
    return counts


def entailed_ntriples(files: Sequence[SourceFile]) -> bytes:
    """The entailed graph of ``files`` as N-Triples, for a store that is pushed graph by graph
    (``lexgraph load --to``): the files are read into a scratch store in memory for it.
    Triples about a blank node are left out: a graph sent on its own cannot name the blank
    nodes of another (the data has none)."""
    scratch = ox.Store()
    for f in files:
        load_file(scratch, f)
    triples = [ox.Triple(s, p, o) for s, p, o in entailed_triples(scratch)  # type: ignore[arg-type]
               if not isinstance(s, ox.BlankNode) and not isinstance(o, ox.BlankNode)]
    return ox.serialize(sorted(triples, key=str), format=ox.RdfFormat.N_TRIPLES) or b""


class EmbeddedStore:
    """The default store: on-disk pyoxigraph, read-only.

    Queries from users go to a pool of executor processes, which can be killed when a query
    runs past its time limit; only a one-pattern query with a small answer, whose work is
    bounded by its form, is answered here (:data:`ROWS_IN_PROCESS`). lexgraph's own reads (``QueryRequest.whole``: timelines, pages,
    the graph view) are known queries, so they run in threads of this process on its own
    read-only handle: no pipe to cross, one shared cache. They do not run at once, though:
    pyoxigraph keeps the GIL while it evaluates and serialises an answer (measured at a million
    triples: two threads reading 0.41 s, one after the other 0.48 s), which is one more reason
    the derived values are built in a child process (:meth:`derive`).
    """

    kind = "embedded"

    def __init__(self, store_dir: Path, executors: int, options: ExecutorOptions = ExecutorOptions()) -> None:
        self.store_dir = store_dir
        self.pool = ExecutorPool(str(store_dir), executors, options)
        self._reader: ox.Store | None = None

    async def start(self) -> None:
        await self.pool.start()
        self._reader = await asyncio.to_thread(ox.Store.read_only, str(self.store_dir))

    async def query(self, request: QueryRequest) -> Answer:
        if request.one_pattern is not None and self._reader is not None:
            small = run_if_small(self._reader, request, ROWS_IN_PROCESS)
            if small is not None:
                return small
        if request.whole and self._reader is not None:
            try:
                return await asyncio.wait_for(asyncio.to_thread(run_on_store, self._reader, request), request.timeout_s)
            except asyncio.TimeoutError:
                raise QueryTimeout(request.timeout_s) from None
        return await self.pool.run(request)

    async def ping(self, timeout_s: float = 5.0) -> None:
        """The store answers, and at least one query executor is alive (dead ones are
        replaced as they are found)."""
        if not self.pool.alive():
            raise StoreUnavailable("no query executor is running")
        await ask(self, "ASK {}", timeout_s=timeout_s)

    async def graph_names(self) -> list[str]:
        """The named graphs that hold triples, from the store's graph index: the portable
        query (``GRAPH ?g { ?s ?p ?o }``) reads every quad, seconds at start for a million."""
        if self._reader is None:
            return await graph_names(self)
        return await asyncio.to_thread(_graph_names, self._reader)

    async def export(self, fmt: Format) -> bytes:
        """The whole store in ``fmt``: the dataset with its graphs for TriG and N-Quads,
        their merge for the graph formats."""
        return await asyncio.to_thread(_export, str(self.store_dir), fmt)

    async def derive(self, builder: Callable[[GraphStore], Awaitable[T]]) -> T:
        """Build in a child process over this store's folder (see :mod:`.child_build`)."""
        return await build_in_child(str(self.store_dir), builder)

    async def close(self) -> None:
        await self.pool.close()
        self._reader = None


def _graph_names(store: ox.Store) -> list[str]:
    names = sorted(g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode))
    return [g for g in names if next(iter(store.quads_for_pattern(None, None, None, ox.NamedNode(g))), None) is not None]


def _export(store_dir: str, fmt: Format) -> bytes:
    try:
        store = ox.Store.read_only(store_dir)
    except OSError as exc:
        raise StoreUnavailable(f"the embedded store cannot be read for the export ({exc.strerror or exc})") from None
    if fmt.datasets:
        return store.dump(format=ox.RdfFormat.N_QUADS if fmt.name == "nquads" else ox.RdfFormat.TRIG) or b""
    triples = store.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", use_default_graph_as_union=True)
    return write_graph(triples, fmt)  # type: ignore[arg-type]
