"""A kept store of the context of an in-context validation (LEXGRAPH_VALIDATE_CACHE), so that
checking one changed file beside a big repository does not parse the repository every time.

The context (the data folder's other files, and the ontology) is parsed once into an
on-disk pyoxigraph store, a folder of the cache named by a SHA-256 key over every context
file's role, resolved path (relative IRIs resolve against it), size and content hash, with
this module's format and pyoxigraph's version: a context file changed, added or removed gives
another key, so a stale store is never read. A store is built in a scratch folder and renamed
into place when complete (a process that dies while building leaves no entry).

Each run works on a checkpoint of the entry (:meth:`pyoxigraph.Store.backup`: hard links to
its immutable files, made in milliseconds), adds the named files there and removes it at the
end: runs never change an entry and may run side by side. The two entries used last are kept.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator, Sequence

import pyoxigraph as ox

FORMAT = 1
"""Changes when what an entry holds changes: older entries are then never read."""
KEEP = 2
"""Entries kept: the ones used last."""


@dataclass(frozen=True)
class Context:
    """A run's writable copy of the context store, and what the entry recorded of it."""

    store: ox.Store
    triples: int
    """Triples of the context's data graph."""


def context_key(files: Sequence[tuple[str, Path]]) -> str:
    """The entry of a context: ``files`` as (role, path), in load order."""
    digest = hashlib.sha256(f"lexgraph-validate-context {FORMAT} pyoxigraph {ox.__version__}\n".encode())
    for role, path in files:
        content = hashlib.sha256()
        with path.open("rb") as stream:
            for block in iter(lambda: stream.read(1 << 20), b""):
                content.update(block)
        digest.update(f"{role}\0{path.resolve()}\0{path.stat().st_size}\0{content.hexdigest()}\n".encode())
    return digest.hexdigest()


@contextmanager
def cached_context(folder: Path, files: Sequence[tuple[str, Path]],
                   build: Callable[[ox.Store], int]) -> Iterator[Context]:
    """A writable copy of the context store of ``files``; ``build`` fills an empty store with
    them on a miss and returns the data graph's triples. The copy is removed on exit."""
    folder.mkdir(parents=True, exist_ok=True)
    entry = folder / context_key(files)
    runs = folder / "runs"
    runs.mkdir(exist_ok=True)
    _remove_dead_runs(runs)
    run = Path(tempfile.mkdtemp(prefix=f"{os.getpid()}-", dir=runs))
    try:
        copy = run / "store"
        for attempt in (1, 2):
            if not (entry / "context.json").is_file():
                _build(folder, entry, build)
            try:
                os.utime(entry)  # used last: kept
                triples = int(json.loads((entry / "context.json").read_text(encoding="utf-8"))["triples"])
                ox.Store.read_only(str(entry / "store")).backup(str(copy))
                break
            except OSError:  # the entry was evicted by another run meanwhile: built again
                if attempt == 2:
                    raise
                shutil.rmtree(copy, ignore_errors=True)
        yield Context(ox.Store(str(copy)), triples)
    finally:
        shutil.rmtree(run, ignore_errors=True)
    _evict(folder)


def _build(folder: Path, entry: Path, build: Callable[[ox.Store], int]) -> None:
    scratch = Path(tempfile.mkdtemp(prefix="building-", dir=folder))
    try:
        store = ox.Store(str(scratch / "store"))
        try:
            triples = build(store)
            store.flush()
        finally:
            del store  # closed before the folder moves or goes
        (scratch / "context.json").write_text(json.dumps({"triples": triples}), encoding="utf-8")
        try:
            scratch.rename(entry)
        except OSError:  # another run built the same entry meanwhile: theirs is as good
            if not (entry / "context.json").is_file():
                raise
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _remove_dead_runs(runs: Path) -> None:
    """Copies left by runs that died (a run's folder starts with its process id)."""
    for run in runs.iterdir():
        pid = run.name.split("-", 1)[0]
        if pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(run, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _evict(folder: Path) -> None:
    entries = sorted((e for e in folder.iterdir() if len(e.name) == 64 and (e / "context.json").is_file()),
                     key=lambda e: e.stat().st_mtime_ns, reverse=True)
    for stale in entries[KEEP:]:
        shutil.rmtree(stale, ignore_errors=True)
