"""The embedded store: ontology/ and data/ in an on-disk pyoxigraph store, queried by a
pool of executor processes (see :mod:`lexgraph.executor`)."""

from __future__ import annotations

import asyncio
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence

import pyoxigraph as ox

from ..errors import QueryTimeout, RdfSyntaxError, StoreUnavailable, SyntaxErrorLocation, UsageError
from ..executor import ExecutorLimits, ExecutorPool
from ..files import rdf_files
from ..media import Format
from ..prefixes import BASE_IRI
from ..results import Answer, write_graph
from .base import QueryRequest
from .oxigraph_run import run_on_store
from .select import ask, graph_names

GRAPH_BASE = BASE_IRI + "graph/"


@dataclass(frozen=True)
class SourceFile:
    """A file to load and the named graph it goes into."""

    path: Path
    graph: str


def source_files(folders: Sequence[Path], root: Path) -> list[SourceFile]:
    """Each Turtle file under ``folders`` with its graph IRI: ``…/graph/<path from root, no suffix>``."""
    out = []
    for path in rdf_files(folders):
        relative = path.resolve().relative_to(root.resolve()) if path.resolve().is_relative_to(root.resolve()) else Path(path.name)
        out.append(SourceFile(path, GRAPH_BASE + relative.with_suffix("").as_posix()))
    return out


def build_store(
    store_dir: Path,
    files: Sequence[SourceFile],
    on_progress: Callable[[int, int], None] | None = None,
) -> dict[str, int]:
    """Load ``files`` into a new on-disk store at ``store_dir``, one named graph each.

    pyoxigraph's bulk loader parses and writes in Rust, so a million triples load in seconds
    without a Python object per triple. All or nothing: on a syntax error (reported with file,
    line and column) the half-built store is removed. Returns the number of triples per graph.
    """
    if store_dir.exists() and any(store_dir.iterdir()):
        raise UsageError(f"{store_dir} is not empty; the embedded store is built in a new folder")
    total = sum(f.path.stat().st_size for f in files)
    done = 0
    counts: dict[str, int] = {}
    store = ox.Store(str(store_dir))
    try:
        for f in files:
            graph = ox.NamedNode(f.graph)
            try:
                store.bulk_load(path=str(f.path), format=ox.RdfFormat.TURTLE, to_graph=graph)
            except SyntaxError as exc:
                raise RdfSyntaxError(SyntaxErrorLocation(str(f.path), exc.lineno, exc.offset), exc.msg) from None
            (row,) = store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{f.graph}> {{ ?s ?p ?o }} }}")  # type: ignore[misc]
            counts[f.graph] = int(row["n"].value)
            done += f.path.stat().st_size
            if on_progress:
                on_progress(done, total)
        store.flush()
    except BaseException:
        store = None  # type: ignore[assignment]  # closes it, before its files go
        shutil.rmtree(store_dir, ignore_errors=True)
        raise
    store = None  # type: ignore[assignment]  # closes it: the executors open it read-only
    return counts


class EmbeddedStore:
    """The default store: on-disk pyoxigraph, read-only.

    Queries from users go to a pool of executor processes, which can be killed when a query
    runs past its time limit. lexgraph's own reads (``QueryRequest.whole``: timelines, pages,
    the graph view) are known queries, so they run in threads of this process on its own
    read-only handle: no pipe to cross, one shared cache, and pyoxigraph lets go of the GIL
    while it evaluates, so several run at once.
    """

    kind = "embedded"

    def __init__(self, store_dir: Path, executors: int, limits: ExecutorLimits = ExecutorLimits()) -> None:
        self.store_dir = store_dir
        self.pool = ExecutorPool(str(store_dir), executors, limits)
        self._reader: ox.Store | None = None

    async def start(self) -> None:
        await self.pool.start()
        self._reader = await asyncio.to_thread(ox.Store.read_only, str(self.store_dir))

    async def query(self, request: QueryRequest) -> Answer:
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
        return await graph_names(self)

    async def export(self, fmt: Format) -> bytes:
        """The whole store in ``fmt``: the dataset with its graphs for TriG and N-Quads,
        their merge for the graph formats."""
        return await asyncio.to_thread(_export, str(self.store_dir), fmt)

    async def close(self) -> None:
        await self.pool.close()
        self._reader = None


def _export(store_dir: str, fmt: Format) -> bytes:
    try:
        store = ox.Store.read_only(store_dir)
    except OSError as exc:
        raise StoreUnavailable(f"the embedded store cannot be read for the export ({exc.strerror or exc})") from None
    if fmt.datasets:
        return store.dump(format=ox.RdfFormat.N_QUADS if fmt.name == "nquads" else ox.RdfFormat.TRIG) or b""
    triples = store.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", use_default_graph_as_union=True)
    return write_graph(triples, fmt)  # type: ignore[arg-type]
