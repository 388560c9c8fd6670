"""A store that lasts: the embedded store's manifest of its sources, and bringing a store up
to date with its files by reloading only the graphs whose files changed.

The manifest is a JSON file beside the store folder (``<store>.manifest.json``; the RocksDB
folder holds only RocksDB's files). For each source file it records the path, size,
modification time, SHA-256, the graph of its triples and the graphs it wrote with their
triple counts, and it records the paths the store was built from (files or folders, so a
file added to a folder is found next time).

Bringing a store up to date (:func:`sync_store`) is all or nothing: the changed files are
parsed in full first (a syntax error stops there, with the store and the manifest as they
were); then the manifest is marked incomplete, the graphs of changed files are cleared and
loaded again, and the manifest is written complete. A store whose manifest is incomplete
(the process died during an update) is rebuilt whole on the next start. The entailed graph
(:mod:`lexgraph.store.entailed`) belongs to no file: it is rebuilt after every change, and
when ``LEXGRAPH_ENTAILMENT`` differs from the one the manifest records.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
import traceback
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Sequence

import pyoxigraph as ox

from ..errors import UsageError
from ..files import open_rdf, syntax_error
from .embedded import SourceFile, build_store, count_graphs, load_files, settle
from .entailed import ENTAILED_GRAPH, Entailment, materialise

VERSION = 1


def manifest_path(store_dir: Path) -> Path:
    """``/x/store`` -> ``/x/store.manifest.json``."""
    return store_dir.with_name(store_dir.name + ".manifest.json")


@dataclass
class FileEntry:
    path: str
    size: int
    mtime_ns: int
    sha256: str
    graph: str
    graphs: list[str]
    triples: int


@dataclass
class Manifest:
    sources: list[str]
    files: dict[str, FileEntry]
    graphs: dict[str, int]
    complete: bool = True
    graph: str | None = None
    """The graph ``lexgraph load --graph`` put the sources' triples in (None: each file's own)."""
    entailment: str | None = None
    """The ``LEXGRAPH_ENTAILMENT`` the entailed graph was built with (None: a manifest from
    before the entailed graph, so it is built on the next run)."""

    @classmethod
    def read(cls, store_dir: Path) -> "Manifest | None":
        path = manifest_path(store_dir)
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as exc:
            raise UsageError(f"{path}: the store's manifest cannot be read ({exc}); remove it and the store to rebuild") from None
        if raw.get("version") != VERSION:
            return cls(sources=raw.get("sources", []), files={}, graphs={}, complete=False)
        files = {f["path"]: FileEntry(**f) for f in raw["files"]}
        return cls(sources=raw["sources"], files=files, graphs=raw["graphs"], complete=raw["complete"],
                   graph=raw.get("graph"), entailment=raw.get("entailment"))

    def write(self, store_dir: Path) -> None:
        """Atomically: a new file renamed over the old one."""
        path = manifest_path(store_dir)
        data: dict[str, Any] = {
            "version": VERSION, "complete": self.complete, "written": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "sources": self.sources, **({"graph": self.graph} if self.graph else {}),
            **({"entailment": self.entailment} if self.entailment else {}),
            "graphs": dict(sorted(self.graphs.items())),
            "files": [vars(f) for f in sorted(self.files.values(), key=lambda f: f.path)],
        }
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
        os.replace(tmp, path)


@dataclass
class SyncResult:
    """What :func:`sync_store` did: ``built`` (a new store), ``reused`` (nothing changed) or
    ``updated`` (the graphs in ``reloaded`` loaded again from their files, ``removed`` dropped,
    and the entailed graph built again: ``entailed`` says so)."""

    action: str
    counts: dict[str, int]
    reloaded: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    entailed: str = ""
    """``rebuilt`` or ``removed`` (LEXGRAPH_ENTAILMENT=off) when the entailed graph changed with an update."""

    def describe(self, store_dir: Path) -> str:
        total = f"{sum(self.counts.values())} triples in {len(self.counts)} graphs"
        if self.action == "reused":
            return f"store {store_dir} is up to date with its sources: reused ({total})"
        if self.action == "built":
            return f"built store {store_dir}: {total}"
        entailed = f", entailed graph {self.entailed}" if self.entailed else ""
        return (f"updated store {store_dir}: reloaded {len(self.reloaded)} graphs, removed {len(self.removed)}"
                f"{entailed} ({total})")


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _entry(f: SourceFile, digest: str | None = None) -> FileEntry:
    st = f.path.stat()
    return FileEntry(str(f.path.resolve()), st.st_size, st.st_mtime_ns, digest or sha256(f.path), f.graph, [], 0)


def _scan(f: SourceFile) -> tuple[set[str], int]:
    """Parse ``f`` in full without storing it: the graphs it writes and its number of
    statements; a syntax error is raised as :class:`RdfSyntaxError`."""
    fmt = f.format
    graphs: set[str] = set()
    n = 0
    try:
        with open_rdf(f.path) as stream:
            for quad in ox.parse(stream, format=getattr(ox.RdfFormat, fmt.oxigraph)):
                g = quad.graph_name
                graphs.add(g.value if isinstance(g, ox.NamedNode) else f.graph)
                n += 1
    except SyntaxError as exc:
        raise syntax_error(f.path, fmt, exc) from None
    return graphs or {f.graph}, n


def _fill(entries: dict[str, FileEntry], files: Sequence[SourceFile], counts: dict[str, int],
          scanned: dict[str, tuple[set[str], int]]) -> None:
    """Record each file's graphs and statements: from its parse where there was one, from the
    store's count for a triple format alone in its graph, else by parsing it (a quad format, or
    one of several files given one graph)."""
    shared = {g for g, n in Counter(f.graph for f in files).items() if n > 1}
    for f in files:
        e = entries[str(f.path.resolve())]
        if e.path in scanned:
            graphs, n = scanned[e.path]
        elif not f.format.quads and f.graph not in shared:
            graphs, n = {f.graph}, counts.get(f.graph, 0)
        else:
            graphs, n = _scan(f)
        e.graphs, e.triples = sorted(graphs), n


def sync_store(
    store_dir: Path,
    files: Sequence[SourceFile],
    sources: Sequence[Path],
    on_progress: Callable[[int, int], None] | None = None,
    graph: str | None = None,
    entailment: Entailment = "rdfs",
) -> SyncResult:
    """Make the store at ``store_dir`` hold exactly ``files``, recording them in its manifest.

    No store yet (or an empty folder): build one. A store with a manifest: files whose size
    and modification time are unchanged are taken as unchanged; others are compared by
    SHA-256; only the graphs of changed, added and removed files are cleared and loaded
    again (with any other file that writes into one of those graphs). A non-empty folder
    without a manifest is not ours to change: :class:`UsageError`. ``graph`` (the one graph
    the files were given, if any) is recorded, so a later run over the manifest's sources keeps it.
    The entailed graph is built again after any change, or alone when ``entailment`` is not
    the one the manifest records.
    """
    sources_text = [str(Path(s).resolve()) for s in sources]
    manifest = Manifest.read(store_dir) if store_dir.exists() else None
    if manifest is None:
        if store_dir.exists() and any(store_dir.iterdir()):
            raise UsageError(f"{store_dir} holds a store without lexgraph's manifest ({manifest_path(store_dir).name}); "
                             "name a new folder to build one")
        entries = {str(f.path.resolve()): _entry(f) for f in files}
        store_dir.parent.mkdir(parents=True, exist_ok=True)
        counts = build_store(store_dir, files, on_progress, entailment)
        new = Manifest(sources_text, entries, counts, graph=graph, entailment=entailment)
        _fill(entries, files, counts, {})
        new.write(store_dir)
        return SyncResult("built", counts)

    current: dict[str, FileEntry] = {}
    changed: list[SourceFile] = []
    by_path = {str(f.path.resolve()): f for f in files}
    for key, f in by_path.items():
        old = manifest.files.get(key) if manifest.complete else None
        st = f.path.stat()
        if old is not None and old.size == st.st_size and old.mtime_ns == st.st_mtime_ns and old.graph == f.graph:
            current[key] = old
            continue
        digest = sha256(f.path)
        if old is not None and old.sha256 == digest and old.graph == f.graph:
            current[key] = FileEntry(key, st.st_size, st.st_mtime_ns, digest, old.graph, old.graphs, old.triples)
            continue
        current[key] = _entry(f, digest)
        changed.append(f)
    removed_files = [e for k, e in manifest.files.items() if k not in by_path]
    if manifest.complete and not changed and not removed_files:
        if entailment != manifest.entailment:
            return _entail_again(store_dir, Manifest(sources_text, current, manifest.graphs, graph=graph), entailment)
        if current != manifest.files or sources_text != manifest.sources or graph != manifest.graph:
            Manifest(sources_text, current, manifest.graphs, graph=graph, entailment=entailment).write(store_dir)
        return SyncResult("reused", dict(manifest.graphs))

    # Parse every changed file first: a syntax error leaves store and manifest untouched.
    scanned = {str(f.path.resolve()): _scan(f) for f in changed}
    if not manifest.complete:
        reload = list(files)
        affected = set(manifest.graphs) | {g for graphs, _ in scanned.values() for g in graphs}
    else:
        affected = {g for e in removed_files for g in e.graphs}
        affected |= {g for f in changed for g in manifest.files.get(str(f.path.resolve()), _none).graphs}
        affected |= {g for graphs, _ in scanned.values() for g in graphs}
        reload = list(changed)
        grew = True
        while grew:  # an unchanged file that shares a graph with a changed one is loaded again too
            grew = False
            for key, f in by_path.items():
                if f not in reload and affected & set(current[key].graphs):
                    reload.append(f)
                    affected |= set(current[key].graphs)
                    grew = True
    for f in reload:
        key = str(f.path.resolve())
        if key not in scanned:
            scanned[key] = _scan(f)

    Manifest(manifest.sources, manifest.files, manifest.graphs, complete=False, graph=manifest.graph).write(store_dir)
    affected.add(ENTAILED_GRAPH)
    store = ox.Store(str(store_dir))
    try:
        if not manifest.complete:
            store.clear()
        for g in sorted(affected):
            store.remove_graph(ox.NamedNode(g))
        load_files(store, sorted(reload, key=lambda f: str(f.path)), on_progress, entailment)
        counts = {g: n for g, n in manifest.graphs.items() if g not in affected}
        counts.update({g: n for g, n in count_graphs(store, affected).items() if n})
    except BaseException as exc:
        traceback.clear_frames(exc.__traceback__)  # load_file's frame holds the store open
        raise
    finally:
        store = None  # type: ignore[assignment]  # closes it: the executors open it read-only
    _fill(current, reload, counts, scanned)
    Manifest(sources_text, current, counts, graph=graph, entailment=entailment).write(store_dir)
    reloaded = sorted({g for f in reload for g in scanned[str(f.path.resolve())][0]})
    removed = sorted(affected - set(counts) - {ENTAILED_GRAPH})
    return SyncResult("updated", counts, reloaded, removed, _entailed_change(manifest.graphs, counts))


def _entail_again(store_dir: Path, manifest: Manifest, entailment: Entailment) -> SyncResult:
    """Only the entailment setting changed: rebuild the entailed graph alone (all or nothing,
    as any update: the manifest is incomplete meanwhile)."""
    Manifest(manifest.sources, manifest.files, manifest.graphs, complete=False, graph=manifest.graph).write(store_dir)
    store = ox.Store(str(store_dir))
    try:
        n = materialise(store, entailment)
        settle(store)
    finally:
        store = None  # type: ignore[assignment]  # closes it: the executors open it read-only
    counts = {g: c for g, c in manifest.graphs.items() if g != ENTAILED_GRAPH} | ({ENTAILED_GRAPH: n} if n else {})
    Manifest(manifest.sources, manifest.files, counts, graph=manifest.graph, entailment=entailment).write(store_dir)
    return SyncResult("updated", counts, entailed=_entailed_change(manifest.graphs, counts))


def _entailed_change(before: dict[str, int], after: dict[str, int]) -> str:
    if ENTAILED_GRAPH in after:
        return "rebuilt"
    return "removed" if ENTAILED_GRAPH in before else ""


_none = FileEntry("", 0, 0, "", "", [], 0)
