"""Every quote in the data occurs verbatim in the source document it cites."""

from __future__ import annotations

from pathlib import Path

from rdflib import Graph

from lexgraph.config import Settings
from lexgraph.load import load_graph
from lexgraph.namespaces import LG
from lexgraph.quotes import check_quotes, collapse


def test_seeds_are_present(seeds_dir: Path) -> None:
    assert len([p for p in seeds_dir.iterdir() if p.is_file()]) >= 5, f"the five source documents are expected in {seeds_dir}"


def test_every_quote_is_in_its_source(data_graph: Graph, seeds_dir: Path) -> None:
    problems = check_quotes(data_graph, seeds_dir)
    report = "\n".join(f"{p.subject} [{p.source}]: {p.reason}: {p.quote[:120]!r}" for p in problems)
    assert not problems, f"{len(problems)} quotes not found:\n{report}"


def test_every_source_has_its_text_file(data_graph: Graph, seeds_dir: Path) -> None:
    sources = set(data_graph.subjects(predicate=None, object=LG.SourceDocument))
    assert len(sources) == 5
    for source in sources:
        name = data_graph.value(source, LG.textFile)
        assert name is not None and (seeds_dir / str(name)).is_file(), source


def test_collapse_joins_wrapped_lines() -> None:
    assert collapse("  signed on 9 September\n  1886, entered ") == "signed on 9 September 1886, entered"


def test_a_changed_word_is_caught(tmp_path: Path, settings: Settings) -> None:
    (tmp_path / "doc.txt").write_text("Kazakhstan ratified the WCT on 12 August 2004, and it entered", encoding="utf-8")
    (tmp_path / "facts.ttl").write_text(
        """@base <https://w3id.org/lexgraph/id/> .
@prefix lg: <https://w3id.org/lexgraph/def/> .
<source/x> a lg:SourceDocument ; lg:textFile "doc.txt" .
<claim/good> lg:evidence [ lg:source <source/x> ; lg:quote "ratified the WCT on\\n 12 August 2004" ] .
<claim/bad> lg:evidence [ lg:source <source/x> ; lg:quote "ratified the WCT on 12 August 2005" ] .
""",
        encoding="utf-8",
    )
    problems = check_quotes(load_graph([tmp_path / "facts.ttl"]), tmp_path)
    assert [p.subject for p in problems] == ["https://w3id.org/lexgraph/id/claim/bad"]
