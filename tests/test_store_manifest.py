"""A store that lasts: the manifest, reuse when nothing changed, and updates that reload only
the graphs of changed files, all or nothing."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pyoxigraph as ox
import pytest

from lexgraph.errors import RdfSyntaxError, UsageError
from lexgraph.store.embedded import GRAPH_BASE, source_files
from lexgraph.store.manifest import manifest_path, sync_store


def _files_of(folder: Path) -> dict[str, int]:
    """RocksDB's files and their modification times: any write changes this."""
    return {p.name: p.stat().st_mtime_ns for p in folder.iterdir()}


def _objects(store_dir: Path, graph: str) -> set[str]:
    store = ox.Store.read_only(str(store_dir))
    return {q.object.value for q in store.quads_for_pattern(None, None, None, ox.NamedNode(graph))}


@pytest.fixture
def data(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "a.ttl").write_text('<urn:s> <urn:p> "a1" .\n', encoding="utf-8")
    (folder / "b.nt").write_text('<urn:s> <urn:p> "b1" .\n<urn:s> <urn:p> "b2" .\n', encoding="utf-8")
    (folder / "c.trig").write_text('GRAPH <urn:g:c> { <urn:s> <urn:p> "c1" . }\n', encoding="utf-8")
    return folder


def sync(tmp_path: Path, data: Path):  # type: ignore[no-untyped-def]
    return sync_store(tmp_path / "store", source_files([data], tmp_path), [data])


def test_a_new_store_records_its_sources(tmp_path: Path, data: Path) -> None:
    result = sync(tmp_path, data)
    assert result.action == "built"
    manifest = json.loads(manifest_path(tmp_path / "store").read_text())
    assert manifest["complete"] and manifest["sources"] == [str(data.resolve())]
    assert manifest_path(tmp_path / "store").parent == tmp_path  # beside the store, not in RocksDB's folder
    by_name = {Path(f["path"]).name: f for f in manifest["files"]}
    assert by_name["b.nt"]["graphs"] == [GRAPH_BASE + "data/b"] and by_name["b.nt"]["triples"] == 2
    assert by_name["c.trig"]["graphs"] == ["urn:g:c"] and by_name["c.trig"]["triples"] == 1
    assert len(by_name["a.ttl"]["sha256"]) == 64 and by_name["a.ttl"]["size"] == (data / "a.ttl").stat().st_size
    assert manifest["graphs"] == {GRAPH_BASE + "data/a": 1, GRAPH_BASE + "data/b": 2, "urn:g:c": 1}


def test_unchanged_sources_reuse_the_store_untouched(tmp_path: Path, data: Path) -> None:
    sync(tmp_path, data)
    before = _files_of(tmp_path / "store")
    os.utime(data / "a.ttl", ns=(1, 1))  # touched, same bytes: compared by SHA-256, still unchanged
    result = sync(tmp_path, data)
    assert result.action == "reused"
    assert _files_of(tmp_path / "store") == before
    assert sync(tmp_path, data).action == "reused"


def test_a_changed_file_reloads_only_its_graph(tmp_path: Path, data: Path) -> None:
    sync(tmp_path, data)
    (data / "b.nt").write_text('<urn:s> <urn:p> "b3" .\n', encoding="utf-8")
    result = sync(tmp_path, data)
    assert result.action == "updated" and result.reloaded == [GRAPH_BASE + "data/b"]
    store_dir = tmp_path / "store"
    assert _objects(store_dir, GRAPH_BASE + "data/b") == {"b3"}
    assert _objects(store_dir, GRAPH_BASE + "data/a") == {"a1"}
    assert _objects(store_dir, "urn:g:c") == {"c1"}
    assert result.counts[GRAPH_BASE + "data/b"] == 1
    assert sync(tmp_path, data).action == "reused"


def test_added_and_removed_files(tmp_path: Path, data: Path) -> None:
    sync(tmp_path, data)
    (data / "c.trig").unlink()
    (data / "d.nq").write_text('<urn:s> <urn:p> "d1" <urn:g:d> .\n<urn:s> <urn:p> "d0" .\n', encoding="utf-8")
    result = sync(tmp_path, data)
    assert result.removed == ["urn:g:c"]
    assert set(result.counts) == {GRAPH_BASE + "data/a", GRAPH_BASE + "data/b", GRAPH_BASE + "data/d", "urn:g:d"}
    store = ox.Store.read_only(str(tmp_path / "store"))
    assert {g.value for g in store.named_graphs()} == set(result.counts)


def test_files_sharing_a_graph_are_reloaded_together(tmp_path: Path, data: Path) -> None:
    (data / "e.nq").write_text('<urn:s> <urn:p> "e1" <urn:g:c> .\n', encoding="utf-8")
    sync(tmp_path, data)
    assert _objects(tmp_path / "store", "urn:g:c") == {"c1", "e1"}
    (data / "e.nq").write_text('<urn:s> <urn:p> "e2" <urn:g:c> .\n', encoding="utf-8")
    sync(tmp_path, data)
    assert _objects(tmp_path / "store", "urn:g:c") == {"c1", "e2"}


def test_a_syntax_error_leaves_store_and_manifest_as_they_were(tmp_path: Path, data: Path) -> None:
    sync(tmp_path, data)
    manifest = manifest_path(tmp_path / "store").read_bytes()
    before = _files_of(tmp_path / "store")
    (data / "b.nt").write_text('<urn:s> <urn:p> "b9" .\n<urn:s> <urn:p> .\n', encoding="utf-8")
    with pytest.raises(RdfSyntaxError, match=r"b\.nt:2:"):
        sync(tmp_path, data)
    assert manifest_path(tmp_path / "store").read_bytes() == manifest
    assert _files_of(tmp_path / "store") == before
    assert _objects(tmp_path / "store", GRAPH_BASE + "data/b") == {"b1", "b2"}


def test_an_interrupted_update_is_rebuilt_whole(tmp_path: Path, data: Path) -> None:
    sync(tmp_path, data)
    path = manifest_path(tmp_path / "store")
    manifest = json.loads(path.read_text())
    path.write_text(json.dumps({**manifest, "complete": False}))
    store = ox.Store(str(tmp_path / "store"))
    store.add(ox.Quad(ox.NamedNode("urn:junk"), ox.NamedNode("urn:p"), ox.Literal("x"), ox.NamedNode("urn:g:junk")))
    del store
    result = sync(tmp_path, data)
    assert result.action == "updated" and "urn:g:junk" not in result.counts
    assert _objects(tmp_path / "store", "urn:g:junk") == set()
    assert json.loads(path.read_text())["complete"]


def test_a_folder_with_a_store_of_someone_else_is_not_changed(tmp_path: Path, data: Path) -> None:
    foreign = tmp_path / "store"
    store = ox.Store(str(foreign))
    store.add(ox.Quad(ox.NamedNode("urn:x"), ox.NamedNode("urn:p"), ox.Literal("x")))
    del store
    before = _files_of(foreign)
    with pytest.raises(UsageError, match="without lexgraph's manifest"):
        sync(tmp_path, data)
    assert _files_of(foreign) == before


def test_a_syntax_error_in_a_named_empty_folder_leaves_the_folder(tmp_path: Path, data: Path) -> None:
    (tmp_path / "store").mkdir()
    (data / "a.ttl").write_text("<urn:s> <urn:p> .\n", encoding="utf-8")
    with pytest.raises(RdfSyntaxError):
        sync(tmp_path, data)
    assert (tmp_path / "store").is_dir() and not any((tmp_path / "store").iterdir())
    assert not manifest_path(tmp_path / "store").exists()
