"""The SHACL shapes do what they say: one valid and at least one invalid fixture per node shape.

Every folder ``tests/fixtures/shapes/<ShapeLocalName>/`` holds ``valid.ttl`` and one or more
``invalid*.ttl``. Each fixture is validated together with ``_support.ttl`` (the shared
documents, bodies, treaties and acts it points to), exactly as ``lexgraph validate`` would
check it: with the ontology and vocabularies and validate()'s default entailment, quality
queries off.

A valid fixture must give no ERROR finding. An invalid fixture starts with header comments
that say why it must fail::

    # expect-shape: lgsh:TreatyActionShape      the finding's check (a node shape)
    # expect-path: lg:party                     its path as the report prints it ("none": node-level)
    # expect-focus: <treaty-action/x>           its focus; IRIs relative to the data @base, and
                                                a blank node as the report names it:
                                                ``lg:evidence of <claim/x>``
    # expect-value: 2004-08-12T00:00:00         optional: the offending value
    # xfail: why this cannot pass today          optional: a known shape bug (strict xfail)

and must give at least one ERROR finding with exactly that shape, path and focus (and value,
if given), and no finding at all on any other shape, path or focus: it fails for its reason
only. Each invalid fixture is its folder's valid fixture with one defect, so its focus node is
also in ``valid.ttl``. The value shapes (``lgsh:PreciseDate``, ``lgsh:Amount``, ``lgsh:In*``)
have no targets and surface through the property shape that uses them with ``sh:node``; their
fixtures name that shape and path, and a test checks the property shape really uses them.

Each validate() call costs a noticeable fraction of a second (ontology, entailment, SHACL), so
the runs are done once per session in a small pool of forked worker processes (each parses
the ontology and shapes once), fixtures with identical Turtle are validated once, and the valid
fixtures are validated together in one run: a test proves they are independent (no node
described twice, no pointer to another fixture's node), and each valid fixture's test checks
that no finding falls on its nodes, while another checks that the joint run has none at all.
"""

from __future__ import annotations

import multiprocessing
import os
import re
import warnings
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin

import pyshacl
import pytest
from rdflib import BNode, Graph, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, SH

import lexgraph.validate as lexgraph_validate
from lexgraph.config import Settings
from lexgraph.findings import Finding, Level
from lexgraph.load import load_graph
from lexgraph.namespaces import ID, LGSH

REPO = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "shapes"
SUPPORT = FIXTURES / "_support.ttl"
SHAPES_FILE = REPO / "shapes" / "lexgraph.shapes.ttl"

_HEADER = re.compile(r"^#\s*([\w-]+)\s*:\s*(.*?)\s*$")
_KEYS = {"expect-shape", "expect-path", "expect-focus", "expect-value", "xfail"}


# ---------------------------------------------------------------------------------------------
# Reading the shapes and the fixtures
# ---------------------------------------------------------------------------------------------


def _shapes_graph() -> Graph:
    return load_graph([SHAPES_FILE])


SHAPES = _shapes_graph()
NODE_SHAPES = sorted(str(s) for s in SHAPES.subjects(RDF.type, SH.NodeShape) if isinstance(s, URIRef))
"""Every named node shape, as a full IRI."""


def _local(shape: str) -> str:
    assert shape.startswith(str(LGSH)), shape
    return shape[len(str(LGSH)) :]


def _qname(iri: URIRef) -> str:
    return SHAPES.namespace_manager.normalizeUri(iri)


def _resolve(text: str) -> str:
    """``<relative/iri>`` (also inside ``lg:evidence of <claim/x>``) as the report prints it."""
    return re.sub(r"<([^>]*)>", lambda m: urljoin(str(ID), m.group(1)), text)


@dataclass(frozen=True)
class Expectation:
    shape: str
    path: str | None
    focus: str
    value: str | None


@dataclass(frozen=True)
class Fixture:
    path: Path
    headers: dict[str, str]

    @property
    def folder(self) -> str:
        return self.path.parent.name

    @property
    def id(self) -> str:
        return f"{self.folder}/{self.path.stem}"

    @property
    def valid(self) -> bool:
        return self.path.stem == "valid"

    @property
    def expectation(self) -> Expectation:
        h = self.headers
        for key in ("expect-shape", "expect-path", "expect-focus"):
            assert key in h, f"{self.id}: header '# {key}: …' is missing"
        path = None if h["expect-path"].lower() in ("none", "") else h["expect-path"]
        value = h.get("expect-value")
        return Expectation(h["expect-shape"], path, _resolve(h["expect-focus"]), None if value is None else _resolve(value))


def _read_headers(path: Path) -> dict[str, str]:
    headers: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            break
        match = _HEADER.match(line)
        if match:
            headers[match.group(1)] = match.group(2)
    return headers


def _fixtures() -> list[Fixture]:
    files = sorted(p for p in FIXTURES.glob("*/*.ttl") if p.stem == "valid" or p.stem.startswith("invalid"))
    return [Fixture(p, _read_headers(p)) for p in files]


FIXTURE_LIST = _fixtures()
VALID = [f for f in FIXTURE_LIST if f.valid]
INVALID = [f for f in FIXTURE_LIST if not f.valid]


def _param(fixture: Fixture):
    marks = []
    if "xfail" in fixture.headers:
        marks.append(pytest.mark.xfail(strict=True, reason=fixture.headers["xfail"]))
    return pytest.param(fixture, id=fixture.id, marks=marks)


# ---------------------------------------------------------------------------------------------
# Validating every fixture once per session, in parallel
# ---------------------------------------------------------------------------------------------

_WORKER_SETTINGS: Settings | None = None


def _init_worker(settings: Settings) -> None:
    """In a worker process: parse the ontology and the shapes once, not once per fixture.

    ``validate()`` reads them with ``load_graph([dir])``; the worker answers those two calls
    from its cache (neither graph is modified by a run) and parses the data as usual.
    """
    global _WORKER_SETTINGS
    _WORKER_SETTINGS = settings
    parse = lexgraph_validate.load_graph
    cache = {settings.ontology_dir: parse([settings.ontology_dir]),
             settings.shapes_dir: parse([settings.shapes_dir], unknown="skip")}

    def cached_load_graph(paths, **options):
        paths = list(paths)
        if len(paths) == 1 and paths[0] in cache:
            return cache[paths[0]]
        return parse(paths, **options)

    lexgraph_validate.load_graph = cached_load_graph  # only in this worker process


REPOSITORY_RUN: tuple[Path, ...] = ()
"""The job that validates the repository's own data (default paths, quality checks on)."""


def _validate(paths: tuple[Path, ...]) -> tuple[int, list[Finding]] | str:
    """(triples, findings) of one validate() run over ``paths``, or the error that stopped it."""
    assert _WORKER_SETTINGS is not None
    try:
        if paths == REPOSITORY_RUN:
            report = lexgraph_validate.validate(_WORKER_SETTINGS)
        else:
            report = lexgraph_validate.validate(_WORKER_SETTINGS, list(paths), quality=False)
        return report.triples, report.findings
    except Exception as exc:  # reported by the tests that read this run, not by every test
        return f"{type(exc).__name__}: {exc}"


def _body(path: Path) -> str:
    """A fixture's text without its leading comment lines: equal bodies give equal reports."""
    lines = path.read_text(encoding="utf-8").splitlines()
    while lines and lines[0].startswith("#"):
        lines.pop(0)
    return "\n".join(lines)


def _unique(fixtures: list[Fixture]) -> dict[str, Path]:
    """One fixture file per distinct body (a value shape's valid fixture is often the using
    shape's, with the same data and another header)."""
    unique: dict[str, Path] = {}
    for fixture in fixtures:
        unique.setdefault(_body(fixture.path), fixture.path)
    return unique


UNIQUE_VALID = _unique(VALID)
UNIQUE_INVALID = _unique(INVALID)
VALID_RUN = (SUPPORT, *UNIQUE_VALID.values())
"""The valid fixtures are validated together in one run (see test_valid_fixtures_are_independent)."""


@pytest.fixture(scope="session")
def runs(settings: Settings) -> dict[tuple[Path, ...], tuple[int, list[Finding]] | str]:
    """Every validate() run the tests read, done once: the repository's data (the longest, so it
    starts first), the support file with all valid fixtures, and with each invalid fixture."""
    jobs = [REPOSITORY_RUN, VALID_RUN] + [(SUPPORT, path) for path in UNIQUE_INVALID.values()]
    workers = min(len(jobs), os.cpu_count() or 1, 4)
    if workers > 1 and "fork" in multiprocessing.get_all_start_methods():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)  # "fork() in a multi-threaded process"
            with multiprocessing.get_context("fork").Pool(workers, _init_worker, (settings,)) as pool:
                results = pool.map(_validate, jobs, chunksize=1)
    else:
        saved = lexgraph_validate.load_graph
        try:
            _init_worker(settings)
            results = [_validate(job) for job in jobs]
        finally:
            lexgraph_validate.load_graph = saved
    return dict(zip(jobs, results))


def _findings(runs: dict[tuple[Path, ...], tuple[int, list[Finding]] | str], job: tuple[Path, ...]) -> list[Finding]:
    result = runs[job]
    if isinstance(result, str):
        what = [str(p.relative_to(FIXTURES)) for p in job] if job else "the repository's data"
        pytest.fail(f"validating {what} failed: {result}")
    return result[1]


def _focus_iri(focus: str) -> str:
    """The IRI a finding is about: the focus itself, or for ``lg:evidence of <iri>`` the iri."""
    iris = re.findall(r"https?://\S+", focus)
    return iris[-1] if iris else focus


def _subjects(path: Path) -> set[URIRef]:
    return {s for s in Graph().parse(path, format="turtle").subjects() if isinstance(s, URIRef)}


def _show(findings: list[Finding]) -> str:
    return "\n".join(f"  {f.level.name} {f.check} path={f.path} focus={f.focus} value={f.value}: {f.message}" for f in findings) or "  (none)"


# ---------------------------------------------------------------------------------------------
# The fixtures
# ---------------------------------------------------------------------------------------------


def test_support_and_valid_fixtures_conform_together(runs) -> None:
    errors = [f for f in _findings(runs, VALID_RUN) if f.level >= Level.ERROR]
    assert not errors, f"_support.ttl with every valid fixture must give no ERROR finding:\n{_show(errors)}"


@pytest.mark.parametrize("fixture", [_param(f) for f in VALID])
def test_valid_fixture_conforms(fixture: Fixture, runs) -> None:
    subjects = {str(s) for s in _subjects(fixture.path)}
    assert subjects, f"{fixture.id} describes nothing"
    errors = [f for f in _findings(runs, VALID_RUN) if f.level >= Level.ERROR and _focus_iri(f.focus) in subjects]
    assert not errors, f"{fixture.id} should conform:\n{_show(errors)}"


def test_valid_fixtures_are_independent() -> None:
    """Validating the valid fixtures together is the same as one at a time when no two of them
    (nor the support file) describe the same node, and each points only to its own nodes, the
    support file's, or the vocabularies': then no fixture's data can fix another's defect."""
    support = _subjects(SUPPORT)
    owner: dict[URIRef, str] = {s: "_support.ttl" for s in support}
    for body, path in UNIQUE_VALID.items():
        name = str(path.relative_to(FIXTURES))
        graph = Graph().parse(path, format="turtle")
        own = {s for s in graph.subjects() if isinstance(s, URIRef)}
        for s in sorted(own):
            assert s not in owner, f"{name} and {owner[s]} both describe {s}"
            owner[s] = name
        dangling = sorted(
            o for o in graph.objects() if isinstance(o, URIRef) and o.startswith(str(ID)) and o not in own and o not in support
        )
        assert not dangling, f"{name} points to nodes it does not describe and _support.ttl lacks: {dangling}"


@pytest.mark.parametrize("fixture", [_param(f) for f in INVALID])
def test_invalid_fixture_fails_for_its_reason(fixture: Fixture, runs) -> None:
    expected = fixture.expectation
    findings = _findings(runs, (SUPPORT, UNIQUE_INVALID[_body(fixture.path)]))
    hits = [
        f
        for f in findings
        if f.level == Level.ERROR
        and (f.check, f.path, f.focus) == (expected.shape, expected.path, expected.focus)
        and (expected.value is None or f.value == expected.value)
    ]
    assert hits, f"{fixture.id}: expected an ERROR from {expected}, got:\n{_show(findings)}"
    stray = [f for f in findings if (f.check, f.path, f.focus) != (expected.shape, expected.path, expected.focus)]
    assert not stray, f"{fixture.id} must fail only for its reason, but also:\n{_show(stray)}"


# ---------------------------------------------------------------------------------------------
# The fixtures are complete and well-formed
# ---------------------------------------------------------------------------------------------


def test_every_node_shape_has_fixtures() -> None:
    """A new shape without fixtures fails the suite, and so does a folder for no shape."""
    folders = {p.name for p in FIXTURES.iterdir() if p.is_dir()}
    shapes = {_local(s) for s in NODE_SHAPES}
    assert shapes, f"no node shapes in {SHAPES_FILE}"
    missing = sorted(s for s in shapes if not (FIXTURES / s / "valid.ttl").is_file() or not list((FIXTURES / s).glob("invalid*.ttl")))
    assert not missing, f"node shapes without valid.ttl and invalid*.ttl fixtures: {missing}"
    assert not sorted(folders - shapes), f"fixture folders for no node shape: {sorted(folders - shapes)}"


def _property_shapes(shape: URIRef, path: str) -> list[BNode | URIRef]:
    """The property shapes of ``shape`` whose sh:path is the IRI ``path`` (a prefixed name)."""
    found = []
    for prop in SHAPES.objects(shape, SH.property):
        prop_path = SHAPES.value(prop, SH.path)
        if isinstance(prop_path, URIRef) and _qname(prop_path) == path:
            found.append(prop)
    return found


@pytest.mark.parametrize("fixture", [pytest.param(f, id=f.id) for f in INVALID])
def test_invalid_fixture_names_its_own_shape(fixture: Fixture) -> None:
    """An invalid fixture's expected shape is its folder's shape; for a value shape with no
    target (PreciseDate, Amount, In*), a shape whose property shape on the expected path uses
    the folder's shape with sh:node."""
    expected = fixture.expectation
    folder_shape = LGSH[fixture.folder]
    shape_iri = SHAPES.namespace_manager.expand_curie(expected.shape) if ":" in expected.shape else None
    assert shape_iri is not None and str(shape_iri) in NODE_SHAPES, f"{fixture.id}: {expected.shape} is no node shape"
    if any(SHAPES.value(folder_shape, t) for t in (SH.targetClass, SH.targetObjectsOf, SH.targetSubjectsOf)):
        assert shape_iri == folder_shape, f"{fixture.id} names {expected.shape}, not lgsh:{fixture.folder}"
    else:
        assert expected.path is not None, f"{fixture.id}: a value shape is reached through a path"
        users = [p for p in _property_shapes(shape_iri, expected.path) if (p, SH.node, folder_shape) in SHAPES]
        assert users, f"{fixture.id}: {expected.shape} has no property shape on {expected.path} with sh:node lgsh:{fixture.folder}"


@pytest.mark.parametrize("fixture", [pytest.param(f, id=f.id) for f in INVALID])
def test_invalid_fixture_is_a_variant_of_the_valid_one(fixture: Fixture) -> None:
    """The node an invalid fixture fails on is also in the folder's valid fixture, so the valid
    fixture exercises the same shape on the same kind of node."""
    focus_iris = re.findall(r"https?://\S+", fixture.expectation.focus)
    assert focus_iris, f"{fixture.id}: expect-focus names no IRI"
    valid = Graph().parse(fixture.path.parent / "valid.ttl")
    assert URIRef(focus_iris[-1]) in set(valid.subjects()), f"{fixture.id}: {focus_iris[-1]} is not described in valid.ttl"


def test_fixture_headers_are_known() -> None:
    """A misspelt header (``# expect-foucs:``) is an error, not silently ignored; valid
    fixtures expect nothing; every .ttl in a fixture folder is valid.ttl or invalid*.ttl."""
    unknown = [(f.id, k) for f in FIXTURE_LIST for k in f.headers if k.startswith(("expect", "xfail")) and k not in _KEYS]
    assert not unknown, f"unknown headers: {unknown}"
    confused = [f.id for f in VALID if any(k.startswith("expect") for k in f.headers)]
    assert not confused, f"valid fixtures with expect-* headers: {confused}"
    strays = sorted(
        str(p.relative_to(FIXTURES))
        for p in FIXTURES.glob("*/*")
        if p.name != "valid.ttl" and not re.fullmatch(r"invalid[\w-]*\.ttl", p.name)
    )
    assert not strays, f"files in fixture folders that no test reads: {strays}"


# ---------------------------------------------------------------------------------------------
# The shapes file itself
# ---------------------------------------------------------------------------------------------


def _has_message_and_severity(node) -> list[str]:
    lacks = []
    if SHAPES.value(node, SH.message) is None:
        lacks.append("sh:message")
    if SHAPES.value(node, SH.severity) is None:
        lacks.append("sh:severity")
    return lacks


@pytest.mark.parametrize("shape", [pytest.param(s, id=_local(s)) for s in NODE_SHAPES])
def test_every_constraint_has_message_and_severity(shape: str) -> None:
    """Each property shape, and each node-level sh:or / sh:sparql constraint, carries an
    sh:message and an sh:severity where SHACL reads them: severity on the shape, the message on
    the shape or (for SPARQL) on the constraint."""
    node = URIRef(shape)
    problems = []
    for prop in SHAPES.objects(node, SH.property):
        path = SHAPES.value(prop, SH.path)
        problems += [f"property {_qname(path) if isinstance(path, URIRef) else path}: no {x}" for x in _has_message_and_severity(prop)]
    if (node, SH["or"], None) in SHAPES:
        problems += [f"sh:or: no {x}" for x in _has_message_and_severity(node)]
    for sparql in SHAPES.objects(node, SH.sparql):
        if SHAPES.value(sparql, SH.message) is None and SHAPES.value(node, SH.message) is None:
            problems.append("sh:sparql: no sh:message")
        if SHAPES.value(node, SH.severity) is None:
            problems.append("sh:sparql: no sh:severity on the shape")
    assert not problems, f"{_local(shape)}: " + "; ".join(problems)


def test_severities_are_valid_and_every_shape_constrains_something() -> None:
    allowed = {SH.Violation, SH.Warning, SH.Info}
    bad = sorted(str(s) for s, o in SHAPES.subject_objects(SH.severity) if o not in allowed)
    assert not bad, f"unknown severities on {bad}"
    empty = [
        _local(s)
        for s in NODE_SHAPES
        if not any((URIRef(s), p, None) in SHAPES for p in (SH.property, SH["or"], SH.sparql))
    ]
    assert not empty, f"node shapes with no constraint: {empty}"


def _shacl_shacl() -> Graph:
    """The SHACL-SHACL shapes graph (the W3C shapes for shapes) as pyshacl ships it."""
    path = Path(pyshacl.__file__).resolve().parent / "assets" / "shacl-shacl.ttl"
    assert path.is_file(), f"pyshacl no longer ships {path}"
    return Graph().parse(path, format="turtle")


def test_shapes_file_is_valid_shacl() -> None:
    conforms, _graph, text = pyshacl.validate(SHAPES, shacl_graph=_shacl_shacl(), inference="none")
    assert conforms, text


def test_shacl_shacl_check_catches_a_broken_shape() -> None:
    """The check above can fail: a property shape with two paths and a bad sh:minCount does not pass."""
    broken = Graph().parse(
        data="""
        @prefix sh: <http://www.w3.org/ns/shacl#> .
        @prefix lg: <https://w3id.org/lexgraph/def/> .
        <https://w3id.org/lexgraph/shapes/BrokenShape> a sh:NodeShape ;
            sh:targetClass lg:TreatyAction ;
            sh:property [ sh:path lg:party , lg:treaty ; sh:minCount "one" ;
                sh:message "broken" ; sh:severity sh:Violation ] .
        """,
        format="turtle",
    )
    conforms, _graph, _text = pyshacl.validate(broken, shacl_graph=_shacl_shacl(), inference="none")
    assert not conforms


def test_sh_or_lists_are_well_formed() -> None:
    """Every sh:or is an RDF list of at least two alternatives."""
    for owner, head in SHAPES.subject_objects(SH["or"]):
        members = list(Collection(SHAPES, head))
        assert len(members) >= 2, f"sh:or of {owner} has {len(members)} members"


# ---------------------------------------------------------------------------------------------
# The repository's own data
# ---------------------------------------------------------------------------------------------


def test_repository_data_has_no_errors(runs) -> None:
    """``validate(settings)`` over data/ (run in the pool with the fixtures) finds no ERROR."""
    findings = _findings(runs, REPOSITORY_RUN)
    triples = runs[REPOSITORY_RUN][0]  # type: ignore[index]
    assert triples > 0, "data/ holds no triples"
    errors = [f for f in findings if f.level >= Level.ERROR]
    assert not errors, f"{len(errors)} ERROR findings in data/:\n{_show(errors)}"
