"""The embedded store: ontology/ and data/ in an on-disk pyoxigraph store, queried by a
pool of executor processes (see :mod:`lexgraph.executor`)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence

import pyoxigraph as ox

from ..errors import RdfSyntaxError, SyntaxErrorLocation
from ..executor import ExecutorPool
from ..files import rdf_files
from ..media import Format
from ..prefixes import BASE_IRI
from ..results import Answer, write_graph
from .base import QueryRequest
from .select import graph_names

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

    All or nothing: every file is parsed before the store is written, so a syntax error
    (reported with file, line and column) leaves no half-built store behind.
    Returns the number of triples per graph.
    """
    parsed: list[tuple[SourceFile, list[ox.Quad]]] = []
    total = sum(f.path.stat().st_size for f in files)
    done = 0
    for f in files:
        graph = ox.NamedNode(f.graph)
        try:
            quads = [
                ox.Quad(q.subject, q.predicate, q.object, graph)
                for q in ox.parse(path=str(f.path), format=ox.RdfFormat.TURTLE)
            ]
        except SyntaxError as exc:
            line = getattr(exc, "lineno", None)
            column = getattr(exc, "offset", None)
            raise RdfSyntaxError(SyntaxErrorLocation(str(f.path), line, column), exc.msg) from None
        parsed.append((f, quads))
        done += f.path.stat().st_size
        if on_progress:
            on_progress(done, total)
    store = ox.Store(str(store_dir))
    counts: dict[str, int] = {}
    for f, quads in parsed:
        store.bulk_extend(quads)
        counts[f.graph] = len(quads)
    store.flush()
    del store
    return counts


class EmbeddedStore:
    """The default store: on-disk pyoxigraph, read-only, behind an executor pool."""

    kind = "embedded"

    def __init__(self, store_dir: Path, executors: int) -> None:
        self.store_dir = store_dir
        self.pool = ExecutorPool(str(store_dir), executors)

    async def start(self) -> None:
        await self.pool.start()

    async def query(self, request: QueryRequest) -> Answer:
        return await self.pool.run(request)

    async def graph_names(self) -> list[str]:
        return await graph_names(self)

    async def export(self, fmt: Format) -> bytes:
        """The whole store in ``fmt``: the dataset with its graphs for TriG and N-Quads,
        their merge for the graph formats."""
        return await asyncio.to_thread(_export, str(self.store_dir), fmt)

    async def close(self) -> None:
        await self.pool.close()


def _export(store_dir: str, fmt: Format) -> bytes:
    store = ox.Store.read_only(store_dir)
    if fmt.datasets:
        return store.dump(format=ox.RdfFormat.N_QUADS if fmt.name == "nquads" else ox.RdfFormat.TRIG) or b""
    triples = store.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", use_default_graph_as_union=True)
    return write_graph(triples, fmt)  # type: ignore[arg-type]
