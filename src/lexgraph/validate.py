"""Check Turtle data against SHACL shapes and the quality queries.

Knows nothing of terminals or HTTP: :func:`validate` returns a
:class:`~lexgraph.findings.Report` that the CLI, the service and the tests all read.

Files can be checked alone, or *in context* (``context=True``, the CLI's default for named
files): the data folder's other files are read with them, the union is validated, and only
the findings about the named files' own nodes are kept. A file checked alone loses the nodes
the other files define (parties, sources, treaties), so every data file of the repository
fails alone; in context, checking one file gives the same findings for its nodes as checking
everything. The checks of such a run look at the named files' nodes only (the compiled shapes
through the store's scope graph, the quality queries node by node), and with
LEXGRAPH_VALIDATE_CACHE the parsed context is kept between runs (:mod:`lexgraph.validate_cache`).

Data and ontology are parsed by pyoxigraph into one in-memory store, and the shapes are
checked there as SPARQL (:mod:`lexgraph.shacl_sparql`): a shape that uses a construct not
compiled there goes to pyshacl, which stays the reference (``engine="pyshacl"`` runs it for
every shape; a test asserts both engines give the same findings). The hierarchies' entailment
is materialised once into the store (:mod:`lexgraph.store.entailed`).
"""

from __future__ import annotations

from contextlib import ExitStack
from dataclasses import dataclass, field, replace
from pathlib import Path
import typing
from typing import Sequence

import pyoxigraph as ox
from pyshacl import validate as shacl_validate
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SH
from rdflib.term import Node

from .config import Settings
from .files import rdf_files
from .findings import Finding, Level, Report
from .load import load_graph, load_into_store
from .oxistore import DATA_GRAPH, ONTOLOGY_GRAPH, OxTerm, from_rdflib, quiet_literals, rdflib_graph, to_rdflib
from .quality import QualityCheck, check_rows, read_checks
from .shacl_sparql import Result, compile_shapes, run_checks, scoped
from .entailment import ancestors, entailed
from .store.entailed import ENTAILED_GRAPH
from .validate_cache import cached_context

Engine = typing.Literal["sparql", "pyshacl"]
ENGINES: tuple[Engine, ...] = ("sparql", "pyshacl")

RDF_TYPE = ox.NamedNode(str(RDF.type))
_SEVERITY = {SH.Violation: Level.ERROR, SH.Warning: Level.WARN, SH.Info: Level.INFO}


@dataclass(frozen=True)
class ValidationInputs:
    """What one run checks: the data and the ontology (in one store), and the shapes."""

    data_files: list[Path]
    store: ox.Store
    """The ontology in :data:`ONTOLOGY_GRAPH`, the data in :data:`DATA_GRAPH`."""
    shapes: Graph
    triples: int
    """Triples of the data (the ontology not counted)."""
    context_files: list[Path] = field(default_factory=list)
    """Data files read as context only (in-context runs)."""
    scope: frozenset[OxTerm] | None = None
    """The nodes whose findings are reported (the subjects of the named files), or None: all."""
    stand_ins: dict[Path, Path] = field(default_factory=dict)
    """Named file -> the data file of the same name it stands in for (see :func:`read_inputs`)."""
    node_files: dict[OxTerm, Path] = field(default_factory=dict)
    """The named file that defines each node of :attr:`scope`, for the report."""
    blank_files: dict[OxTerm, Path] = field(default_factory=dict)
    """The named file of each blank node the named files hold (as subject or object): a blank
    node belongs to one file, so a quality finding about one is traced to its file."""


def read_inputs(
    settings: Settings,
    data_paths: Sequence[Path] | None = None,
    shapes_paths: Sequence[Path] | None = None,
    *,
    context: bool = False,
    resources: ExitStack | None = None,
) -> ValidationInputs:
    """Parse everything a run needs, before any check starts, so syntax errors come first.

    Without ``data_paths`` the repository's own data is checked. The ontology (with the
    vocabularies) is always read alongside, so its terms and concepts are checked too.

    With ``data_paths`` and ``context``, the data folder's other files are read as context:

    - a named file inside the data folder is checked as that file's new version (so a
      pre-commit hook checks the staged files against the rest of the checkout);
    - a named file outside it is checked beside the whole data folder, except that it stands
      in for the data file of the same name when there is exactly one (a changed copy of
      ``treaties.ttl`` is checked as that change, not merged with the original);
    - a named file of the ontology folder is read once, as ontology, and its nodes reported;
    - a named file of the shapes folder (when the default shapes are used) changes what every
      node is checked against: the whole data folder is checked and every finding reported.

    With ``resources`` and LEXGRAPH_VALIDATE_CACHE set, the context comes from the kept store
    of :mod:`lexgraph.validate_cache` (parsed once), in a copy that ``resources`` removes
    (unless a named file is of the ontology folder).
    """
    ontology_files = rdf_files([settings.ontology_dir])
    # shapes/ holds the quality queries (.rq) beside the shapes
    shapes = load_graph(list(shapes_paths) if shapes_paths else [settings.shapes_dir], unknown="skip")
    if not data_paths or not context:
        files = rdf_files(list(data_paths) if data_paths else [settings.data_dir])
        store = ox.Store()
        return ValidationInputs(data_files=files, store=store, shapes=shapes, triples=_load_context(store, files, ontology_files))
    named = rdf_files(data_paths)
    in_ontology = [f for f in named if _under(f, settings.ontology_dir)]
    in_shapes = [f for f in named if not shapes_paths and _under(f, settings.shapes_dir)]
    named_data = [f for f in named if f not in in_ontology and f not in in_shapes]
    folder = rdf_files([settings.data_dir])
    by_name: dict[str, list[Path]] = {}
    for f in folder:
        by_name.setdefault(f.name, []).append(f)
    replaced = {f.resolve() for f in named_data if _under(f, settings.data_dir)}
    stand_ins: dict[Path, Path] = {}
    for f in named_data:
        same_name = by_name.get(f.name, [])
        if not _under(f, settings.data_dir) and len(same_name) == 1 and same_name[0].resolve() not in replaced:
            stand_ins[f] = same_name[0]
            replaced.add(same_name[0].resolve())
    context_files = [f for f in folder if f.resolve() not in replaced]
    named_quads = {f: _parse(f, DATA_GRAPH) for f in named_data}  # their syntax errors before any other work
    node_files: dict[OxTerm, Path] = {}
    blank_files: dict[OxTerm, Path] = {}
    named_ontology = {f.resolve(): f for f in in_ontology}
    if settings.validate_cache is not None and resources is not None and not in_ontology:
        files = [("data", f) for f in context_files] + [("ontology", f) for f in ontology_files]
        kept = resources.enter_context(cached_context(
            settings.validate_cache, files, lambda store: _load_context(store, context_files, ontology_files)))
        store, triples = kept.store, kept.triples
    else:
        store = ox.Store()
        triples = _load_context(store, context_files, [f for f in ontology_files if f.resolve() not in named_ontology])
        for f in in_ontology:
            _add_named(store, _parse(f, ONTOLOGY_GRAPH), f, node_files, blank_files)
    for f, quads in named_quads.items():
        triples += _add_named(store, quads, f, node_files, blank_files)
    return ValidationInputs(
        data_files=[*named_data, *in_ontology, *in_shapes],
        store=store,
        shapes=shapes,
        triples=triples,
        context_files=context_files,
        scope=None if in_shapes else frozenset(node_files),
        stand_ins=stand_ins,
        node_files=node_files,
        blank_files=blank_files,
    )


def _load_context(store: ox.Store, data_files: Sequence[Path], ontology_files: Sequence[Path]) -> int:
    """Load the files into an empty store; returns the data graph's triples."""
    for f in data_files:
        load_into_store(store, f, DATA_GRAPH)
    triples = len(store)  # the data graph alone, so far
    for f in ontology_files:
        load_into_store(store, f, ONTOLOGY_GRAPH)
    return triples


def _parse(path: Path, graph: str) -> list[ox.Quad]:
    """A named file's quads (a copy, for the few files a run is about)."""
    scratch = ox.Store()
    load_into_store(scratch, path, graph)
    return list(scratch)


def _add_named(store: ox.Store, quads: list[ox.Quad], path: Path, node_files: dict[OxTerm, Path],
               blank_files: dict[OxTerm, Path]) -> int:
    """Add a named file's quads, recording the subjects it describes and the blank nodes it
    holds; returns how many quads the store did not hold yet."""
    new = sum(1 for q in quads if q not in store)
    store.extend(quads)
    node_files.update(dict.fromkeys((q.subject for q in quads), path))  # type: ignore[misc]
    blank_files.update(dict.fromkeys((t for q in quads for t in (q.subject, q.object)
                                      if isinstance(t, ox.BlankNode)), path))
    return new


def _under(path: Path, folder: Path) -> bool:
    return path.resolve().is_relative_to(folder.resolve())


def validate(
    settings: Settings,
    data_paths: Sequence[Path] | None = None,
    *,
    shapes_paths: Sequence[Path] | None = None,
    inference: bool = True,
    quality: bool = True,
    context: bool = False,
    engine: Engine = "sparql",
) -> Report:
    """Validate data against the shapes (with the ontology's subclass and subproperty
    entailment unless switched off) and run the quality checks over ontology and data.

    ``context``: check ``data_paths`` with the data folder's other files (see
    :func:`read_inputs`) and keep a finding when its focus node, or its value node (a link
    from another file to a node the named files broke), is a subject of a named file; a
    quality finding also when its focus or value is a blank node of a named file. The quality
    queries then look at those nodes only (:func:`quality_findings`).
    ``engine``: ``sparql`` (compiled shapes, pyshacl for what is not compiled) or ``pyshacl``
    for every shape (the reference)."""
    with ExitStack() as resources:  # a kept context's copy, removed once the store is closed
        inputs = read_inputs(settings, data_paths, shapes_paths, context=context, resources=resources)
        report = _check(inputs, settings, inference=inference, quality=quality, engine=engine)
        del inputs  # the last reference to the store: closed before its copy is removed
    return report


def _check(inputs: ValidationInputs, settings: Settings, *, inference: bool, quality: bool, engine: Engine) -> Report:
    checks = sorted({_qname(inputs.shapes, s) for s in inputs.shapes.subjects(RDF.type, SH.NodeShape)})
    quality_checks = read_checks(settings.quality_dir) if quality else []
    checks += [f"quality:{check.name}" for check in quality_checks]
    # before the entailed graph exists: the queries see what the files assert
    found = quality_findings(inputs, quality_checks)
    findings = shacl_findings(inputs, engine=engine, inference=inference) + found
    findings.sort(key=lambda f: (-f.level, f.focus, f.check, f.path or ""))
    return Report(files=inputs.data_files, triples=inputs.triples, checks=checks, findings=findings,
                  context_files=inputs.context_files, stand_ins=inputs.stand_ins)


def quality_findings(inputs: ValidationInputs, checks: Sequence[QualityCheck], *, narrow: bool = True) -> list[Finding]:
    """Run the quality checks; in-context runs keep the rows whose focus or value is a
    subject or a blank node of a named file (``narrow``: the queries look at those nodes only,
    while they are few, instead of running over everything and being sorted out)."""
    owners = {**inputs.blank_files, **inputs.node_files}
    about = None if inputs.scope is None else frozenset(owners)
    findings = []
    for check in checks:
        for row in check_rows(inputs.store, check, about, inputs.triples if narrow else 0):
            file = owners.get(row.focus) or owners.get(row.value)  # type: ignore[arg-type]
            findings.append(replace(row.finding, file=str(file) if file else None))
    return findings


def super_properties(store: ox.Store) -> dict[OxTerm, set[OxTerm]]:
    """Each property's superproperties in the ontology's hierarchy, transitively."""
    return ancestors((q.subject, q.object) for q in store.quads_for_pattern(  # type: ignore[misc]
        None, ox.NamedNode(str(RDFS.subPropertyOf)), None, ox.NamedNode(ONTOLOGY_GRAPH)))


def entail(store: ox.Store) -> int:
    """Add to the store's entailed graph what the ontology's subclass and subproperty
    hierarchies entail from every triple (:mod:`lexgraph.entailment`'s rule). Unlike the
    service's view (:mod:`lexgraph.store.entailed`), triples asserted elsewhere are not
    weeded out one lookup at a time: the checks read distinct values. Returns the number of
    entailed triples."""
    rdf_type = ox.NamedNode(str(RDF.type))
    properties = super_properties(store)
    classes = ancestors((q.subject, q.object) for q in store.quads_for_pattern(  # type: ignore[misc]
        None, ox.NamedNode(str(RDFS.subClassOf)), None, ox.NamedNode(ONTOLOGY_GRAPH)))
    found: set[tuple[OxTerm, OxTerm, OxTerm]] = set()
    patterns = [(None, p, None) for p in properties] + [(None, rdf_type, c) for c in classes]
    for s, p, o in patterns:
        triples = ((q.subject, q.predicate, q.object) for q in store.quads_for_pattern(s, p, o))  # type: ignore[arg-type]
        found.update(entailed(triples, properties, classes, rdf_type))  # type: ignore[arg-type]
    graph = ox.NamedNode(ENTAILED_GRAPH)
    store.extend([ox.Quad(s, p, o, graph) for s, p, o in found])  # type: ignore[arg-type]
    return len(found)


def shacl_findings(inputs: ValidationInputs, *, engine: Engine = "sparql", inference: bool = True,
                   narrow: bool = True) -> list[Finding]:
    """Check the store (ontology and data) against the shapes, with the hierarchies'
    entailment unless ``inference`` is off, and turn the results into findings (in-context
    runs: only those in scope; ``narrow``: the compiled checks look at the scope's nodes and
    those linking to them only, instead of checking everything and keeping the scope's).

    The compiled checks apply the entailment in their queries; pyshacl (the ``pyshacl``
    engine, or the shapes not compiled) reads it materialised into the store."""
    store = inputs.store
    entailment = super_properties(store) if inference else None
    if entailment is not None and any(RDF_TYPE in above for above in entailment.values()):
        entail(store)  # a subproperty of rdf:type types nodes: the queries do not apply that
        entailment = None
    if engine == "pyshacl":
        if entailment is not None:
            entail(store)
        results = pyshacl_results(store, inputs.shapes)
    else:
        narrowed = narrow and inputs.scope is not None
        compiled = compile_shapes(inputs.shapes, store, entailment, scope=narrowed)
        with scoped(store, inputs.scope if narrowed and inputs.scope else ()):
            results = list(run_checks(store, compiled.checks))
        if compiled.unsupported:
            if entailment is not None:
                entail(store)
            results += pyshacl_results(store, inputs.shapes, only=compiled.unsupported)
    findings = []
    about: dict[tuple[Node, Node, Node | None], tuple[Level, str, str, str | None]] = {}
    for r in results:
        file = inputs.node_files.get(r.focus) or (inputs.node_files.get(r.value) if r.value is not None else None)
        if inputs.scope is not None and file is None:
            continue
        key = (r.shape, r.component, r.path)
        if key not in about:  # the same for every result of one constraint: worked out once
            about[key] = (_SEVERITY.get(inputs.shapes.value(r.shape, SH.severity), Level.ERROR),  # type: ignore[arg-type]
                          _shape_name(inputs.shapes, r.shape), _message(inputs.shapes, r.shape, r.component),
                          _qname(inputs.shapes, r.path) if isinstance(r.path, URIRef) else None)
        level, check, message, path = about[key]
        findings.append(Finding(
            level=level, check=check, focus=_describe(store, inputs.shapes, r.focus), message=message, path=path,
            value=_describe(store, inputs.shapes, r.value) if r.value is not None else None,
            file=str(file) if file else None))
    return findings


def pyshacl_results(store: ox.Store, shapes: Graph, only: Sequence[Node] | None = None) -> list[Result]:
    """Run pyshacl over every triple of the store (``only``: just those targeted shapes; the
    others stay in the shapes graph without their targets, for sh:node to find)."""
    if only is not None:
        shapes = _only(shapes, set(only))
    graph = rdflib_graph(store)
    with quiet_literals():
        _conforms, report, _text = shacl_validate(
            graph,
            shacl_graph=shapes,
            inference="none",  # the store's entailed graph holds what the hierarchies entail
            inplace=True,  # the graph was built for this run alone; no need for pyshacl to copy it
            abort_on_first=False,
            allow_warnings=True,
            meta_shacl=False,
        )
    assert isinstance(report, Graph)
    results = []
    # Only the report's own results: nested sh:detail results explain these, not add to them.
    for result in report.objects(None, SH.result):
        value = report.value(result, SH.value)
        results.append(Result(
            shape=report.value(result, SH.sourceShape),  # type: ignore[arg-type]
            component=report.value(result, SH.sourceConstraintComponent),  # type: ignore[arg-type]
            focus=from_rdflib(report.value(result, SH.focusNode)),  # type: ignore[arg-type]
            path=report.value(result, SH.resultPath),
            value=from_rdflib(value) if value is not None else None,
        ))
    return results


def _only(shapes: Graph, keep: set[Node]) -> Graph:
    copy = Graph()
    for prefix, namespace in shapes.namespaces():
        copy.bind(prefix, namespace, override=True)
    targets = {SH.targetClass, SH.targetNode, SH.targetObjectsOf, SH.targetSubjectsOf}
    for s, p, o in shapes:
        if p in targets and s not in keep:
            continue
        copy.add((s, p, o))
    return copy


def _message(shapes: Graph, shape: Node, component: Node) -> str:
    """The shape's sh:message, or one of ours naming the constraint that was not met (the same
    whichever engine found it)."""
    messages = sorted(str(m) for m in shapes.objects(shape, SH.message))
    if messages:
        return messages[0]
    name = str(component).rsplit("#", 1)[-1].removesuffix("ConstraintComponent")
    parameter = SH[name[0].lower() + name[1:]]
    value = shapes.value(shape, parameter)
    shown = _qname(shapes, value) if isinstance(value, URIRef) else str(value) if isinstance(value, Literal) else "[…]"
    return f"Not met: sh:{name[0].lower() + name[1:]} {shown}" if value is not None else f"Not met: sh:{name}"


def _qname(graph: Graph, node: Node) -> str:
    if isinstance(node, URIRef):
        try:
            return graph.namespace_manager.normalizeUri(node)
        except ValueError:
            return f"<{node}>"
    return str(node)


def _shape_name(shapes: Graph, shape: Node | None) -> str:
    """Name a result's shape; an anonymous property shape is named by its node shape."""
    if shape is None:
        return "shacl"
    if isinstance(shape, BNode):
        owner = next(shapes.subjects(SH.property, shape), None)
        if owner is not None:
            return _shape_name(shapes, owner)
    return _qname(shapes, shape)


def _describe(store: ox.Store, shapes: Graph, node: OxTerm, seen: frozenset[OxTerm] = frozenset()) -> str:
    """A node as a reader can find it: IRIs in full, literals as written, and a blank node
    by the triple of the data that points to it (such as the evidence of a claim; the first
    in order when several do)."""
    if isinstance(node, ox.Literal):
        with quiet_literals():
            return str(to_rdflib(node))
    if isinstance(node, ox.BlankNode):
        links = sorted(((q.predicate.value, str(q.subject)), q.subject)
                       for q in store.quads_for_pattern(None, None, node, ox.NamedNode(DATA_GRAPH)))
        for (predicate, _), subject in links:
            if subject not in seen:
                return f"{_qname(shapes, URIRef(predicate))} of {_describe(store, shapes, subject, seen | {node})}"
        return f"_:{node.value}"
    return node.value
