"""Building the embedded store: one named graph per file, all or nothing, file:line on errors."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from lexgraph.errors import RdfSyntaxError, UsageError
from lexgraph.store import embedded
from lexgraph.store.embedded import GRAPH_BASE, SourceFile, build_store, source_files

REPO = Path(__file__).resolve().parents[1]


def test_each_file_becomes_a_named_graph(tmp_path: Path) -> None:
    files = source_files([REPO / "ontology", REPO / "data"], REPO)
    assert GRAPH_BASE + "data/treaties" in {f.graph for f in files}
    counts = build_store(tmp_path / "store", files)
    store = ox.Store.read_only(str(tmp_path / "store"))
    assert {g.value for g in store.named_graphs()} == set(counts)
    assert counts[GRAPH_BASE + "data/sources"] > 50 and sum(counts.values()) == len(store)


def test_a_syntax_error_names_file_and_line_and_leaves_nothing(tmp_path: Path) -> None:
    good = tmp_path / "good.ttl"
    good.write_text("<urn:a> <urn:b> <urn:c> .\n", encoding="utf-8")
    bad = tmp_path / "bad.ttl"
    bad.write_text("<urn:a> <urn:b> <urn:c> .\n<urn:d> <urn:e> <urn:f> <urn:g> .\n", encoding="utf-8")
    target = tmp_path / "store"
    with pytest.raises(RdfSyntaxError) as info:
        build_store(target, [SourceFile(good, "urn:g:good"), SourceFile(bad, "urn:g:bad")])
    assert str(info.value).startswith(f"{bad}:2:")
    assert not target.exists()


def test_an_existing_store_is_never_overwritten(tmp_path: Path) -> None:
    target = tmp_path / "store"
    target.mkdir()
    (target / "keep.txt").write_text("x", encoding="utf-8")
    with pytest.raises(UsageError, match="not empty"):
        build_store(target, [])
    assert (target / "keep.txt").exists()


def test_a_built_store_is_flushed_and_compacted_before_it_is_served(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """Compaction (``settle``) makes every later read faster; it must not change what the store holds."""
    settled: list[int] = []

    def spy(store: ox.Store) -> None:
        real_settle(store)
        settled.append(len(store))

    real_settle = embedded.settle
    monkeypatch.setattr(embedded, "settle", spy)
    counts = build_store(tmp_path / "store", source_files([REPO / "ontology", REPO / "data"], REPO))
    assert settled == [sum(counts.values())]
    assert len(ox.Store.read_only(str(tmp_path / "store"))) == sum(counts.values())
