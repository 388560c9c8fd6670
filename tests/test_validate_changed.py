"""One changed file checked in the context of the repository (the fast path: the compiled
checks and the quality queries look at the file's nodes only) reports exactly the findings a
full validation reports for that file's nodes: on the same parse (every check run over
everything, then sorted out) and against a validation of the whole folder, with findings
that need another file (a link to a node of the wrong class, a date later than its source's)
and a finding about the file's node that stands in another file (a link to it)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from lexgraph import quality
from lexgraph.config import Settings, load_settings
from lexgraph.errors import ConfigError, RdfSyntaxError
from lexgraph.findings import Finding
from lexgraph.quality import read_checks
from lexgraph.validate import quality_findings, read_inputs, shacl_findings, validate

REPO = Path(__file__).resolve().parents[1]
ID = "https://w3id.org/lexgraph/id/"
PREFIXES = """@base <https://w3id.org/lexgraph/id/> .
@prefix lg:   <https://w3id.org/lexgraph/def/> .
@prefix lgv:  <https://w3id.org/lexgraph/vocab/> .
@prefix xsd:  <http://www.w3.org/2001/XMLSchema#> .
"""
MINE = PREFIXES + """
# a treaty action whose party is a source document of sources.ttl (the class is the context's)
# and whose date is later than that source's "1999-04" (the date is the context's too)
<treaty-action/mine-wrong-party> a lg:TreatyAction ;
    lg:party <source/zhunisbekova-1999> ;
    lg:treaty <treaty/paris-convention> ;
    lg:eventKind lgv:joined ;
    lg:date "2003-02"^^xsd:gYearMonth ;
    lg:evidence <treaty-action/mine-wrong-party/evidence/1> .

<treaty-action/mine-wrong-party/evidence/1> a lg:Evidence ;
    lg:states lg:date ;
    lg:source <source/zhunisbekova-1999> ;
    lg:quote "joined in February 2003" .

# no date: an INFO finding; evidence as a blank node: a WARN about its holder
<treaty-action/mine-undated> a lg:TreatyAction ;
    lg:party <party/kazakhstan> ;
    lg:treaty <treaty/pct> ;
    lg:eventKind lgv:joined ;
    lg:evidence [ a lg:Evidence ; lg:source <source/zhunisbekova-1999> ; lg:quote "joined the PCT" ] .

# a blank node nobody links to: a WARN whose focus is the blank node itself
[] a lg:Evidence ; lg:source <source/zhunisbekova-1999> ; lg:quote "a loose quote" .

# dates that are not dates: ill-typed literals match no sh:datatype
<treaty-action/mine-ill-typed> a lg:TreatyAction ;
    lg:party <party/kazakhstan> ;
    lg:treaty <treaty/pct> ;
    lg:eventKind lgv:joined ;
    lg:date "2001-02-30"^^xsd:date, "May 2001"^^xsd:date ;
    lg:evidence <treaty-action/mine-wrong-party/evidence/1> .

# linked as a party from context.ttl, but not a party: the finding's focus is in context.ttl
<party/mine-not-a-party> a lg:Evidence ;
    lg:source <source/zhunisbekova-1999> ;
    lg:quote "not a party" .
"""
CONTEXT = PREFIXES + """
<treaty-action/context-links-mine> a lg:TreatyAction ;
    lg:party <party/mine-not-a-party> ;
    lg:treaty <treaty/pct> ;
    lg:eventKind lgv:joined ;
    lg:evidence [ a lg:Evidence ; lg:source <source/zhunisbekova-1999> ; lg:quote "the context's own blank node" ] .

[] a lg:Evidence ; lg:source <source/zhunisbekova-1999> ; lg:quote "the context's loose quote" .
"""
Key = tuple[object, ...]


@pytest.fixture
def repository(tmp_path: Path) -> tuple[Settings, Path]:
    """The repository's data with context.ttl added, as a data folder; mine.ttl outside it."""
    data = tmp_path / "data"
    shutil.copytree(REPO / "data", data)
    (data / "context.ttl").write_text(CONTEXT, encoding="utf-8")
    mine = tmp_path / "mine.ttl"
    mine.write_text(MINE, encoding="utf-8")
    return load_settings({"LEXGRAPH_ROOT": str(REPO), "LEXGRAPH_DATA_DIR": str(data)}), mine


def _keys(findings: list[Finding]) -> Counter[Key]:
    return Counter((f.level, f.check, f.focus, f.path, f.value, f.message, f.file) for f in findings)


@pytest.mark.parametrize("per_node", [True, False], ids=["quality queries node by node", "quality queries whole"])
def test_the_fast_path_finds_what_every_check_over_everything_finds_for_the_file(
        repository: tuple[Settings, Path], per_node: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    settings, mine = repository
    # node by node while the nodes are few: force either way on this small repository
    monkeypatch.setattr(quality, "PER_NODE_TRIPLES", 0 if per_node else 10**9)
    inputs = read_inputs(settings, [mine], context=True)
    checks = read_checks(settings.quality_dir)
    fast = quality_findings(inputs, checks) + shacl_findings(inputs)
    full = quality_findings(inputs, checks, narrow=False) + shacl_findings(inputs, narrow=False)
    assert _keys(fast) == _keys(full)
    found = {(f.check, f.focus, f.value) for f in fast}
    wrong = ID + "treaty-action/mine-wrong-party"
    assert ("quality:date-after-source", wrong, "2003-02") in found, found
    assert any(c == "lgsh:TreatyActionShape" and focus == wrong and value == ID + "source/zhunisbekova-1999"
               for c, focus, value in found), "sh:class of a context node"
    assert any(focus == ID + "treaty-action/context-links-mine" and value == ID + "party/mine-not-a-party"
               for _c, focus, value in found), "a link from another file to this file's node"
    assert ("quality:undated-events", ID + "treaty-action/mine-undated", None) in found
    ill_typed = {value for c, focus, value in found if focus == ID + "treaty-action/mine-ill-typed" and c.startswith("lgsh:")}
    assert {"2001-02-30", "May 2001"} <= ill_typed, found
    blanks = [f for f in fast if f.check == "quality:blank-nodes"]
    assert {f.focus for f in blanks if not f.focus.startswith("_:")} == {ID + "treaty-action/mine-undated"}
    loose = [f.focus for f in blanks if f.focus.startswith("_:")]
    assert len(loose) == 1, "this file's loose blank node, not the context's"
    assert all(f.file == str(mine) for f in fast)
    assert not any("context-links-mine" in f.focus and f.check.startswith("quality:") for f in fast)


def test_the_fast_path_finds_what_validating_the_whole_folder_finds_for_the_file(
        repository: tuple[Settings, Path], tmp_path: Path) -> None:
    settings, mine = repository
    changed = validate(settings, [mine], context=True)
    whole_folder = tmp_path / "data"
    shutil.copy(mine, whole_folder / "mine.ttl")
    whole = validate(settings)
    nodes = {ID + n for n in ("treaty-action/mine-wrong-party", "treaty-action/mine-wrong-party/evidence/1",
                              "treaty-action/mine-undated", "treaty-action/mine-ill-typed", "party/mine-not-a-party")}

    def about_mine(f: Finding) -> bool:
        return f.focus in nodes or f.value in nodes

    def key(f: Finding) -> Key:  # a blank node's id differs between two parses
        return (f.level, f.check, "_:" if f.focus.startswith("_:") else f.focus, f.path, f.value, f.message)

    expected = Counter(key(f) for f in whole.findings if about_mine(f))
    loose = [f for f in changed.findings if f.focus.startswith("_:")]
    assert Counter(key(f) for f in changed.findings if not f.focus.startswith("_:")) == expected
    assert len(expected) >= 5 and whole.findings and not any(f.file for f in whole.findings)
    # the whole folder has two loose blank nodes (one in each file); the changed file's run only its own
    assert [f.check for f in loose] == ["quality:blank-nodes"]
    assert [f.check for f in whole.findings if f.focus.startswith("_:")] == ["quality:blank-nodes"] * 2


def test_ill_typed_literals_are_found_as_pyshacl_finds_them(repository: tuple[Settings, Path]) -> None:
    """The fast path tests a literal's datatype one literal at a time, the full path names the
    store's ill-typed literals in its queries (the test above holds them equal): this holds
    the latter to pyshacl, on the file alone (small enough for pyshacl)."""
    settings, mine = repository
    inputs = read_inputs(settings, [mine])
    compiled = shacl_findings(inputs)
    assert {"2001-02-30", "May 2001"} <= {f.value for f in compiled}
    assert _keys(compiled) == _keys(shacl_findings(inputs, engine="pyshacl"))


# --- the kept context (LEXGRAPH_VALIDATE_CACHE) ---


def _with_cache(settings: Settings, folder: Path) -> Settings:
    return load_settings({"LEXGRAPH_ROOT": str(REPO), "LEXGRAPH_DATA_DIR": str(settings.data_dir),
                          "LEXGRAPH_VALIDATE_CACHE": str(folder)})


def _stable(findings: list[Finding]) -> Counter[Key]:
    """Findings as keys, a blank node's id (new at each parse) left out."""
    return Counter((f.level, f.check, "_:" if f.focus.startswith("_:") else f.focus, f.path, f.value, f.message, f.file)
                   for f in findings)


def _entries(folder: Path) -> list[Path]:
    return [e for e in folder.iterdir() if e.name != "runs"]


def test_a_kept_context_gives_the_findings_of_a_cold_run_and_leaves_no_copy(
        repository: tuple[Settings, Path], tmp_path: Path) -> None:
    settings, mine = repository
    cache = tmp_path / "cache"
    cold = validate(settings, [mine], context=True)
    built = validate(_with_cache(settings, cache), [mine], context=True)
    kept = validate(_with_cache(settings, cache), [mine], context=True)
    assert _stable(cold.findings) == _stable(built.findings) == _stable(kept.findings) and cold.findings
    assert cold.triples == built.triples == kept.triples
    assert len(_entries(cache)) == 1 and not list((cache / "runs").iterdir()), "one entry; each run's copy removed"


@pytest.mark.parametrize("change", ["edited", "same size and time", "added", "removed"])
def test_a_kept_context_is_not_used_once_a_context_file_changes(
        repository: tuple[Settings, Path], tmp_path: Path, change: str) -> None:
    settings, mine = repository
    cache = tmp_path / "cache"
    cached = _with_cache(settings, cache)
    before = validate(cached, [mine], context=True)
    linking = ID + "treaty-action/context-links-mine"
    assert any(f.focus == linking for f in before.findings)
    context = settings.data_dir / "context.ttl"
    if change == "edited":  # the link to this file's node gone: so is its finding
        context.write_text(CONTEXT.replace("<party/mine-not-a-party>", "<party/kazakhstan>"), encoding="utf-8")
    elif change == "same size and time":
        stat = context.stat()
        context.write_text(CONTEXT.replace("<party/mine-not-a-party>", "<party/mine-not-a-partx>"), encoding="utf-8")
        os.utime(context, ns=(stat.st_atime_ns, stat.st_mtime_ns))
        assert context.stat().st_size == stat.st_size
    elif change == "added":  # one more file links to this file's node
        (settings.data_dir / "more.ttl").write_text(CONTEXT.replace("context-links-mine", "more-links-mine"),
                                                    encoding="utf-8")
    else:
        context.unlink()
    after = validate(cached, [mine], context=True)
    cold = validate(settings, [mine], context=True)
    assert _stable(after.findings) == _stable(cold.findings) != _stable(before.findings)
    assert after.triples == cold.triples
    assert len(_entries(cache)) == 2


def test_a_syntax_error_in_the_context_is_reported_and_nothing_kept(
        repository: tuple[Settings, Path], tmp_path: Path) -> None:
    settings, mine = repository
    cache = tmp_path / "cache"
    (settings.data_dir / "context.ttl").write_text(CONTEXT + "\n<broken> lg:party .\n", encoding="utf-8")
    with pytest.raises(RdfSyntaxError, match=r"context\.ttl:\d+"):
        validate(_with_cache(settings, cache), [mine], context=True)
    assert _entries(cache) == [] and not list((cache / "runs").iterdir()), "no entry, no half-built store"


def test_the_cli_keeps_the_context_where_the_setting_says(repository: tuple[Settings, Path], tmp_path: Path) -> None:
    settings, mine = repository
    cache = tmp_path / "cache"
    env = {**os.environ, "LEXGRAPH_DATA_DIR": str(settings.data_dir), "LEXGRAPH_VALIDATE_CACHE": str(cache)}
    command = [sys.executable, "-m", "lexgraph", "validate", "--format", "json", str(mine)]
    runs = [subprocess.run(command, capture_output=True, text=True, cwd=REPO, env=env, timeout=120) for _ in range(2)]
    assert [r.returncode for r in runs] == [1, 1], runs[0].stderr
    assert [r.stderr for r in runs] == ["", ""], "nothing logged of the ill-typed literals rdflib reads"
    first, second = (json.loads(r.stdout) for r in runs)
    assert first["counts"] == second["counts"] and first["counts"]["ERROR"] >= 3
    assert len(_entries(cache)) == 1 and not list((cache / "runs").iterdir())


def test_a_cache_setting_that_names_a_file_stops_at_startup(tmp_path: Path) -> None:
    (tmp_path / "a-file").write_text("", encoding="utf-8")
    for value in ("a-file", "a-file/below"):
        with pytest.raises(ConfigError, match="LEXGRAPH_VALIDATE_CACHE"):
            load_settings({"LEXGRAPH_ROOT": str(REPO), "LEXGRAPH_VALIDATE_CACHE": str(tmp_path / value)})
    assert load_settings({"LEXGRAPH_ROOT": str(REPO), "LEXGRAPH_VALIDATE_CACHE": str(tmp_path / "new" / "cache")}) \
        .validate_cache == tmp_path / "new" / "cache"


def test_runs_side_by_side_share_the_kept_context(repository: tuple[Settings, Path], tmp_path: Path) -> None:
    """Three processes at once on an empty cache: each may build the store, one entry stays,
    every report is the same and no copy is left behind."""
    settings, mine = repository
    cache = tmp_path / "cache"
    env = {**os.environ, "LEXGRAPH_DATA_DIR": str(settings.data_dir), "LEXGRAPH_VALIDATE_CACHE": str(cache)}
    command = [sys.executable, "-m", "lexgraph", "validate", "--format", "json", str(mine)]
    procs = [subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPO, env=env)
             for _ in range(3)]
    outputs = [proc.communicate(timeout=180) for proc in procs]
    assert [proc.returncode for proc in procs] == [1, 1, 1], [err for _out, err in outputs]
    reports = [json.loads(out) for out, _err in outputs]
    assert all(r["counts"] == reports[0]["counts"] for r in reports) and reports[0]["counts"]["ERROR"] >= 3
    assert len(_entries(cache)) == 1 and not list((cache / "runs").iterdir())
