"""The compiled SHACL checks (:mod:`lexgraph.shacl_sparql`, the default engine) find exactly
what pyshacl (the reference) finds: same level, shape, focus, path, value, message and file,
on every shape and CLI fixture, on the repository's data, on generated data, in context, and
without inference; and a shape the compiler does not handle still gets checked, by pyshacl."""

from __future__ import annotations

import multiprocessing
import warnings
from collections import Counter
from dataclasses import replace
from pathlib import Path
from types import ModuleType

import pytest
from rdflib import URIRef

from lexgraph.config import Settings
from lexgraph.load import load_graph
from lexgraph.shacl_sparql import compile_shapes
from lexgraph.findings import Finding
from lexgraph.validate import read_inputs, shacl_findings, validate

REPO = Path(__file__).resolve().parents[1]
SHAPE_FIXTURES = REPO / "tests" / "fixtures" / "shapes"
CLI_FIXTURES = REPO / "tests" / "fixtures" / "cli"

Key = tuple[object, ...]


def _keys(findings: list[Finding]) -> Counter[Key]:
    return Counter((f.level, f.check, f.focus, f.path, f.value, f.message, f.file) for f in findings)


def _both(job: tuple[Settings, list[Path] | None, dict[str, object]]) -> tuple[Counter[Key], Counter[Key]]:
    """The compiled checks and the reference on one parse of the inputs (so a blank node that
    only a random id can name has the same id in both reports). The reference is pyshacl, or
    with ``narrowed``, the compiled checks run over every node and filtered (pyshacl gives the
    same for those: the other jobs; it would take a minute more on the repository's data)."""
    settings, paths, options = job
    inputs = read_inputs(settings, paths, options.get("shapes_paths"),  # type: ignore[arg-type]
                         context=bool(options.get("context", False)))
    inference = bool(options.get("inference", True))
    fast = _keys(shacl_findings(inputs, engine="sparql", inference=inference))
    if options.get("narrowed"):
        return fast, _keys(shacl_findings(inputs, engine="sparql", inference=inference, narrow=False))
    return fast, _keys(shacl_findings(inputs, engine="pyshacl", inference=inference))


def _fixture_jobs(settings: Settings) -> dict[str, tuple[Settings, list[Path] | None, dict[str, object]]]:
    support = SHAPE_FIXTURES / "_support.ttl"
    jobs: dict[str, tuple[Settings, list[Path] | None, dict[str, object]]] = {}
    for path in sorted(SHAPE_FIXTURES.glob("*/*.ttl")):
        jobs[str(path.relative_to(SHAPE_FIXTURES))] = (settings, [support, path], {})
        if path.name.startswith("invalid"):  # in the repository's context: only their nodes checked
            jobs[f"{path.relative_to(SHAPE_FIXTURES)} in context"] = (
                settings, [support, path], {"context": True, "narrowed": True})
    for path in sorted(CLI_FIXTURES.glob("*.ttl")):
        if "syntax" not in path.name:
            jobs[f"cli/{path.name} in context"] = (settings, [path], {"context": True})
            jobs[f"cli/{path.name} alone"] = (settings, [path], {})
            jobs[f"cli/{path.name} in context, no inference"] = (settings, [path], {"context": True, "inference": False})
    jobs["the repository's data"] = (settings, None, {})
    jobs["the repository's data, no inference"] = (settings, None, {"inference": False})
    return jobs


@pytest.fixture(scope="module")
def fixture_runs(settings: Settings) -> dict[str, tuple[Counter[Key], Counter[Key]]]:
    """Both engines on every job, once (pyshacl is the slow half: two forked workers)."""
    jobs = _fixture_jobs(settings)
    if "fork" in multiprocessing.get_all_start_methods():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)  # "fork() in a multi-threaded process"
            with multiprocessing.get_context("fork").Pool(2) as pool:
                results = pool.map(_both, list(jobs.values()), chunksize=4)
    else:
        results = [_both(job) for job in jobs.values()]
    return dict(zip(jobs, results))


def test_every_fixture_gives_the_same_findings_with_both_engines(
        fixture_runs: dict[str, tuple[Counter[Key], Counter[Key]]]) -> None:
    differing = {name: (dict(fast - reference), dict(reference - fast))
                 for name, (fast, reference) in fixture_runs.items() if fast != reference}
    assert not differing, differing


def test_the_fixtures_do_find_something(fixture_runs: dict[str, tuple[Counter[Key], Counter[Key]]]) -> None:
    # the equality above means something: the invalid fixtures give findings, with values and paths
    found = Counter[Key]()
    for fast, _reference in fixture_runs.values():
        found += fast
    assert sum(found.values()) > 50
    assert any(key[4] for key in found) and any(key[3] for key in found) and any(key[6] for key in found)


def test_generated_data_gives_the_same_findings_with_both_engines(settings: Settings, tmp_path: Path, bench_generator: ModuleType) -> None:
    data = tmp_path / "generated.ttl"
    bench_generator.generate(20_000, data, seed=11)
    fast, reference = _both((settings, [data], {}))
    assert fast == reference, (dict(fast - reference), dict(reference - fast))


CUSTOM_SHAPES = """@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ex: <urn:ex:> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
ex:ThingShape a sh:NodeShape ; sh:targetClass ex:Thing ;
    sh:property [ sh:path ex:name ; sh:minCount 1 ; sh:maxCount 1 ; sh:minLength 3 ; sh:maxLength 8 ] ,
        [ sh:path ex:label ; sh:uniqueLang true ; sh:languageIn ( "en" "fr" ) ] ,
        [ sh:path ex:label ; sh:qualifiedValueShape [ sh:languageIn ( "fr" ) ] ; sh:qualifiedMaxCount 1 ] ,
        [ sh:path [ sh:inversePath ex:owns ] ; sh:maxCount 1 ; sh:nodeKind sh:IRI ; sh:severity sh:Warning ] ,
        [ sh:path [ sh:alternativePath ( ex:colour ex:color ) ] ; sh:in ( "red" "blue" ) ] ,
        [ sh:path ( ex:part ex:name ) ; sh:datatype xsd:string ; sh:pattern "^[a-z]+$" ; sh:severity sh:Info ] ,
        [ sh:path [ sh:oneOrMorePath ex:part ] ; sh:class ex:Part ] ,
        [ sh:path ex:size ; sh:datatype xsd:integer ; sh:not [ sh:in ( 0 ) ] ] ,
        [ sh:path ex:kind ; sh:xone ( [ sh:hasValue ex:a ] [ sh:nodeKind sh:IRI ] ) ] ,
        [ sh:path ex:part ; sh:node ex:PartShape ; sh:and ( [ sh:nodeKind sh:IRI ] [ sh:class ex:Part ] ) ] ,
        [ sh:path ex:flag ; sh:hasValue true ] ,
        [ sh:path ex:name ; sh:pattern "^O" ; sh:flags "i" ] .
ex:PartShape a sh:NodeShape ; sh:property [ sh:path ex:name ; sh:minCount 1 ] .
ex:NamedShape a sh:NodeShape ; sh:targetSubjectsOf ex:name ; sh:targetNode ex:ghost ; sh:nodeKind sh:IRI ;
    sh:or ( [ sh:class ex:Thing ] [ sh:class ex:Part ] ) .
ex:SizeShape a sh:NodeShape ; sh:targetObjectsOf ex:size ; sh:datatype xsd:integer .
ex:ClosedShape a sh:NodeShape ; sh:targetClass ex:Part ; sh:closed true ; sh:ignoredProperties ( rdfs:label ) ;
    sh:property [ sh:path ex:name ] .
"""

CUSTOM_DATA = """@prefix ex: <urn:ex:> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
ex:SubThing <http://www.w3.org/2000/01/rdf-schema#subClassOf> ex:Thing .
ex:t1 a ex:Thing ; ex:name "ok name" ; ex:label "a"@en , "b"@fr ; ex:colour "red" ; ex:part ex:p1 ; ex:size 3 ;
    ex:kind ex:a ; ex:flag true .
ex:t2 a ex:SubThing ; ex:name "x" , "far too long a name" ; ex:label "a"@en , "b"@EN , "c"@de , "d"@fr , "e"@fr-CA ;
    ex:color "green" ; ex:part ex:p2 , [ ex:name "Caps" ] ; ex:size "3" , 0 , "4.5"^^xsd:integer ; ex:kind "lit" ;
    ex:flag false .
ex:p1 a ex:Part ; ex:name "wheel" ; ex:part ex:p3 .
ex:p2 ex:name "Gear 2" ; ex:colour "blue" .
ex:p3 a ex:Part ; ex:weight 2 .
ex:o1 ex:owns ex:t1 . ex:o2 ex:owns ex:t1 . _:o3 ex:owns ex:t2 .
"""


def test_other_shapes_give_the_same_findings_and_what_is_not_compiled_goes_to_pyshacl(
        settings: Settings, tmp_path: Path) -> None:
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text(CUSTOM_SHAPES, encoding="utf-8")
    data = tmp_path / "data.ttl"
    data.write_text(CUSTOM_DATA, encoding="utf-8")
    inputs = read_inputs(settings, [data], [shapes])
    compiled = compile_shapes(inputs.shapes, inputs.store)
    assert compiled.unsupported == [URIRef("urn:ex:ClosedShape")]
    for inference in (False, True):
        fast, reference = _both((settings, [data], {"shapes_paths": [shapes], "inference": inference}))
        assert fast == reference, (dict(fast - reference), dict(reference - fast))
        checks = {key[1] for key in fast}
        assert {"<urn:ex:ThingShape>", "<urn:ex:NamedShape>", "<urn:ex:SizeShape>", "<urn:ex:ClosedShape>"} <= checks, checks
        assert len(fast) > 15
    report = validate(settings, [data], shapes_paths=[shapes], quality=False)
    anonymous = [replace(f, value="_:") if (f.value or "").startswith("_:") else f for f in report.findings]
    assert _keys(anonymous) == Counter({(*k[:4], "_:" if (k[4] or "").startswith("_:") else k[4], *k[5:]): n
                                        for k, n in fast.items()}), "validate() runs the default engine"
    # shapes without sh:message: one message of ours per constraint, whichever engine found it
    assert any(key[5] == "Not met: sh:minLength 3" for key in fast), fast
    assert {key[4] for key in fast if key[5] == "Not met: sh:pattern ^O"} == {"x", "far too long a name"}, fast


def test_the_repository_shapes_are_all_compiled(settings: Settings) -> None:
    inputs = read_inputs(settings)
    compiled = compile_shapes(load_graph([settings.shapes_dir], unknown="skip"), inputs.store)
    assert compiled.unsupported == [] and len(compiled.checks) > 100
