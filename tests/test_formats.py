"""Every RDF format lexgraph reads, by extension, plain and gzipped: the store keeps quads'
graph names and puts triples in the file's graph; unknown files and syntax errors are named."""

from __future__ import annotations

import gzip
from pathlib import Path

import pyoxigraph as ox
import pytest

from lexgraph.errors import RdfSyntaxError, UsageError
from lexgraph.files import FORMATS, rdf_files
from lexgraph.store.embedded import GRAPH_BASE, build_store, source_files

# Two triples in the file's own (default) graph; the quad formats add one in <urn:named>.
TRIPLES = {
    ".ttl": "<urn:a> <urn:p> <urn:b> .\n<urn:a> <urn:p> \"x\" .\n",
    ".nt": "<urn:a> <urn:p> <urn:b> .\n<urn:a> <urn:p> \"x\" .\n",
    ".rdf": ('<?xml version="1.0"?>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:e="urn:">\n'
             '  <rdf:Description rdf:about="urn:a"><e:p rdf:resource="urn:b"/><e:p>x</e:p></rdf:Description>\n</rdf:RDF>\n'),
    ".trig": "<urn:a> <urn:p> <urn:b> .\n<urn:a> <urn:p> \"x\" .\nGRAPH <urn:named> { <urn:a> <urn:p> <urn:c> . }\n",
    ".nq": "<urn:a> <urn:p> <urn:b> .\n<urn:a> <urn:p> \"x\" .\n<urn:a> <urn:p> <urn:c> <urn:named> .\n",
    ".jsonld": ('{"@graph": [{"@id": "urn:a", "urn:p": [{"@id": "urn:b"}, "x"]},\n'
                ' {"@id": "urn:named", "@graph": [{"@id": "urn:a", "urn:p": {"@id": "urn:c"}}]}]}\n'),
}
TRIPLES[".owl"] = TRIPLES[".rdf"]

# A syntax error on line 2 of each, with the column where the parser gives one.
BROKEN = {
    ".ttl": ("<urn:a> <urn:p> <urn:b> .\n<urn:a> <urn:p> .\n", 2),
    ".nt": ("<urn:a> <urn:p> <urn:b> .\n<urn:a> <urn:p> .\n", 2),
    ".trig": ("GRAPH <urn:g> {\n <urn:a> <urn:p> }\n", 2),
    ".nq": ("<urn:a> <urn:p> <urn:c> <urn:g> .\n<urn:a> <urn:p> <urn:c> <urn:g> <urn:x> .\n", 2),
    ".jsonld": ('{"@id": "urn:a",\n  "urn:p": [{"@id": "urn:c"}, ]}\n', 2),
    ".rdf": ('<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:e="urn:">\n'
             '<rdf:Description rdf:about="urn:a"><e:p>x</e:q></rdf:Description></rdf:RDF>\n', 2),
}
BROKEN[".owl"] = BROKEN[".rdf"]


def _write(path: Path, text: str) -> Path:
    if path.suffix == ".gz":
        path.write_bytes(gzip.compress(text.encode()))
    else:
        path.write_text(text, encoding="utf-8")
    return path


def test_the_table_covers_every_format_tested() -> None:
    assert set(FORMATS) == set(TRIPLES) == set(BROKEN)


@pytest.mark.parametrize("gz", [False, True], ids=["plain", "gz"])
@pytest.mark.parametrize("suffix", sorted(TRIPLES))
def test_each_format_loads_with_its_graph_names(tmp_path: Path, suffix: str, gz: bool) -> None:
    data = tmp_path / "data"
    data.mkdir()
    _write(data / (f"mine{suffix}" + (".gz" if gz else "")), TRIPLES[suffix])
    files = source_files([data], tmp_path)
    assert [f.graph for f in files] == [GRAPH_BASE + "data/mine"]
    counts = build_store(tmp_path / "store", files)
    expected = {GRAPH_BASE + "data/mine": 2}
    if FORMATS[suffix].quads:
        expected["urn:named"] = 1
    assert counts == expected
    store = ox.Store.read_only(str(tmp_path / "store"))
    assert len(list(store.quads_for_pattern(None, None, None, ox.DefaultGraph()))) == 0


@pytest.mark.parametrize("suffix", sorted(BROKEN))
def test_a_syntax_error_names_file_line_and_column(tmp_path: Path, suffix: str) -> None:
    text, line = BROKEN[suffix]
    for name in (f"bad{suffix}", f"bad{suffix}.gz"):
        bad = _write(tmp_path / name, text)
        with pytest.raises(RdfSyntaxError) as info:
            build_store(tmp_path / "store", source_files([bad], tmp_path))
        assert str(info.value).startswith(f"{bad}:{line}:"), str(info.value)
        assert info.value.location.column is not None
        assert "Parser error at" not in str(info.value)  # the position is said once
        assert not (tmp_path / "store").exists()


def test_a_file_we_do_not_read_is_named(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    _write(data / "a.ttl", TRIPLES[".ttl"])
    _write(data / "notes.csv", "a,b\n")
    with pytest.raises(UsageError, match=r"notes\.csv: not a format lexgraph reads \(extensions: \.ttl, .*\.jsonld\.gz"):
        source_files([data], tmp_path)
    with pytest.raises(UsageError, match="notes.csv"):
        rdf_files([data / "notes.csv"])
    assert rdf_files([data], unknown="skip") == [data / "a.ttl"]


def test_hidden_files_and_readmes_are_passed_over(tmp_path: Path) -> None:
    data = tmp_path / "data"
    (data / ".git").mkdir(parents=True)
    _write(data / ".git" / "config", "x")
    _write(data / ".gitkeep", "")
    _write(data / "README.md", "# my data\n")
    _write(data / "a.nt", TRIPLES[".nt"])
    assert rdf_files([data]) == [data / "a.nt"]


def test_two_files_for_one_graph_are_refused(tmp_path: Path) -> None:
    _write(tmp_path / "a.ttl", TRIPLES[".ttl"])
    _write(tmp_path / "a.nt.gz", TRIPLES[".nt"])
    with pytest.raises(UsageError, match="would both go to the graph"):
        source_files([tmp_path], tmp_path)


def test_files_outside_the_root_are_named_from_the_folder_given(tmp_path: Path) -> None:
    mine = tmp_path / "elsewhere" / "mydata"
    (mine / "sub").mkdir(parents=True)
    _write(mine / "sub" / "x.nq", TRIPLES[".nq"])
    root = tmp_path / "checkout"
    root.mkdir()
    assert [f.graph for f in source_files([mine], root)] == [GRAPH_BASE + "mydata/sub/x"]
    assert [f.graph for f in source_files([mine / "sub" / "x.nq"], root)] == [GRAPH_BASE + "x"]


# --- the validation side (rdflib) reads the same formats ---

@pytest.mark.parametrize("gz", [False, True], ids=["plain", "gz"])
@pytest.mark.parametrize("suffix", sorted(TRIPLES))
def test_validation_reads_each_format(tmp_path: Path, suffix: str, gz: bool) -> None:
    from lexgraph.load import load_graph

    path = _write(tmp_path / (f"mine{suffix}" + (".gz" if gz else "")), TRIPLES[suffix])
    graph = load_graph([tmp_path])
    assert len(graph) == (3 if FORMATS[suffix].quads else 2), path


@pytest.mark.parametrize("suffix", sorted(BROKEN))
def test_validation_names_file_and_line_of_a_syntax_error(tmp_path: Path, suffix: str) -> None:
    from lexgraph.load import load_graph

    text, line = BROKEN[suffix]
    for name in (f"bad{suffix}", f"bad{suffix}.gz"):
        bad = _write(tmp_path / name, text)
        with pytest.raises(RdfSyntaxError) as info:
            load_graph([bad])
        assert str(info.value).startswith(f"{bad}:{line}"), str(info.value)


def test_validation_refuses_a_file_we_do_not_read(tmp_path: Path) -> None:
    from lexgraph.load import load_graph

    _write(tmp_path / "a.ttl", TRIPLES[".ttl"])
    _write(tmp_path / "b.xml", TRIPLES[".rdf"])
    with pytest.raises(UsageError, match=r"b\.xml: not a format"):
        load_graph([tmp_path])
