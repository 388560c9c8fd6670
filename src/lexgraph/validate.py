"""Check Turtle data against SHACL shapes and the quality queries.

Knows nothing of terminals or HTTP: :func:`validate` returns a
:class:`~lexgraph.findings.Report` that the CLI, the service and the tests all read.

Files can be checked alone, or *in context* (``context=True``, the CLI's default for named
files): the data folder's other files are read with them, the union is validated, and only
the findings about the named files' own nodes are kept. A file checked alone loses the nodes
the other files define (parties, sources, treaties), so every data file of the repository
fails alone; in context, checking one file gives the same findings for its nodes as checking
everything.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Sequence

from pyshacl import validate as shacl_validate
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, SH
from rdflib.term import Node

from .config import Settings
from .entailment import entail_hierarchies
from .files import rdf_files
from .findings import Finding, Level, Report
from .load import load_graph, new_graph, parse_into
from .oxistore import store_of
from .quality import read_checks, run_check

_SEVERITY = {SH.Violation: Level.ERROR, SH.Warning: Level.WARN, SH.Info: Level.INFO}


@dataclass(frozen=True)
class ValidationInputs:
    """The graphs one run checks: data, the ontology it is read with, and the shapes."""

    data_files: list[Path]
    data: Graph
    ontology: Graph
    shapes: Graph
    context_files: list[Path] = field(default_factory=list)
    """Data files read as context only (in-context runs)."""
    scope: frozenset[Node] | None = None
    """The nodes whose findings are reported (the subjects of the named files), or None: all."""
    stand_ins: dict[Path, Path] = field(default_factory=dict)
    """Named file -> the data file of the same name it stands in for (see :func:`read_inputs`)."""
    node_files: dict[Node, Path] = field(default_factory=dict)
    """The named file that defines each node of :attr:`scope`, for the report."""


def read_inputs(
    settings: Settings,
    data_paths: Sequence[Path] | None = None,
    shapes_paths: Sequence[Path] | None = None,
    *,
    context: bool = False,
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
    """
    ontology_files = rdf_files([settings.ontology_dir])
    # shapes/ holds the quality queries (.rq) beside the shapes
    shapes = load_graph(list(shapes_paths) if shapes_paths else [settings.shapes_dir], unknown="skip")
    if not data_paths or not context:
        files = rdf_files(list(data_paths) if data_paths else [settings.data_dir])
        return ValidationInputs(data_files=files, data=load_graph(files), ontology=load_graph(ontology_files),
                                shapes=shapes)
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
    node_files: dict[Node, Path] = {}
    data = new_graph()
    for f in named_data:
        node_files.update(dict.fromkeys(_parse_adding(data, f), f))
    for f in context_files:
        parse_into(data, f)
    ontology = new_graph()
    named_ontology = {f.resolve(): f for f in in_ontology}
    for f in ontology_files:
        subjects = _parse_adding(ontology, f)
        if f.resolve() in named_ontology:
            node_files.update(dict.fromkeys(subjects, named_ontology[f.resolve()]))
    return ValidationInputs(
        data_files=[*named_data, *in_ontology, *in_shapes],
        data=data,
        ontology=ontology,
        shapes=shapes,
        context_files=context_files,
        scope=None if in_shapes else frozenset(node_files),
        stand_ins=stand_ins,
        node_files=node_files,
    )


def _under(path: Path, folder: Path) -> bool:
    return path.resolve().is_relative_to(folder.resolve())


def _parse_adding(graph: Graph, path: Path) -> set[Node]:
    """Parse ``path`` into ``graph``; return the subjects it defines (blank nodes too: rdflib
    keeps their identity when one graph is added to another)."""
    scratch = Graph()
    parse_into(scratch, path)
    graph += scratch
    return set(scratch.subjects(unique=True))


def validate(
    settings: Settings,
    data_paths: Sequence[Path] | None = None,
    *,
    shapes_paths: Sequence[Path] | None = None,
    inference: bool = True,
    quality: bool = True,
    context: bool = False,
) -> Report:
    """Validate data against the shapes (with the ontology's subclass and subproperty
    entailment unless switched off) and run the quality checks over ontology and data.

    ``context``: check ``data_paths`` with the data folder's other files (see
    :func:`read_inputs`) and keep a finding when its focus node, or its value node (a link
    from another file to a node the named files broke), is a subject of a named file.
    Quality findings about a blank node cannot be traced to a file once copied into the
    query store, so they are all kept."""
    inputs = read_inputs(settings, data_paths, shapes_paths, context=context)
    findings = shacl_findings(inputs, inference=inference)
    checks = sorted({_qname(inputs.shapes, s) for s in inputs.shapes.subjects(RDF.type, SH.NodeShape)})
    if quality:
        store = store_of(inputs.ontology, inputs.data)
        files = {str(n): str(f) for n, f in inputs.node_files.items() if isinstance(n, URIRef)}
        for check in read_checks(settings.quality_dir):
            checks.append(f"quality:{check.name}")
            for f in run_check(store, check):
                file = files.get(f.focus) or files.get(f.value or "")
                if inputs.scope is None or file or f.focus.startswith("_:"):
                    findings.append(replace(f, file=file))
    findings.sort(key=lambda f: (-f.level, f.focus, f.check, f.path or ""))
    return Report(files=inputs.data_files, triples=len(inputs.data), checks=checks, findings=findings,
                  context_files=inputs.context_files, stand_ins=inputs.stand_ins)


def shacl_findings(inputs: ValidationInputs, *, inference: bool) -> list[Finding]:
    """Run pyshacl and turn its results graph into findings.

    The ontology (with the vocabularies) is merged into the data graph we hand pyshacl, so
    class hierarchies and vocabulary membership see it. Inference entails the subclass and
    subproperty hierarchies only (see :mod:`lexgraph.entailment`).
    """
    graph = inputs.data + inputs.ontology
    if inference:
        graph = entail_hierarchies(graph, inputs.ontology)
    _conforms, results, _text = shacl_validate(
        graph,
        shacl_graph=inputs.shapes,
        inference="none",
        inplace=True,  # the graph was built for this run alone; no need for pyshacl to copy it
        abort_on_first=False,
        allow_warnings=True,
        meta_shacl=False,
    )
    assert isinstance(results, Graph)
    findings = []
    # Only the report's own results: nested sh:detail results explain these, not add to them.
    for result in results.objects(None, SH.result):
        focus = results.value(result, SH.focusNode)
        path = results.value(result, SH.resultPath)
        value = results.value(result, SH.value)
        file = inputs.node_files.get(focus) or inputs.node_files.get(value)  # type: ignore[arg-type]
        if inputs.scope is not None and file is None:
            continue
        findings.append(
            Finding(
                level=_SEVERITY.get(results.value(result, SH.resultSeverity), Level.ERROR),  # type: ignore[arg-type]
                check=_shape_name(inputs.shapes, results.value(result, SH.sourceShape)),
                focus=_describe(inputs.data, focus),
                message=str(results.value(result, SH.resultMessage) or "constraint not met"),
                path=_qname(inputs.shapes, path) if isinstance(path, URIRef) else None,
                value=_describe(inputs.data, value) if value is not None else None,
                file=str(file) if file else None,
            )
        )
    return findings


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


def _describe(data: Graph, node: Node | None) -> str:
    """A node as a reader can find it: IRIs in full, literals as written, and a blank node
    by the triple that points to it (such as the evidence of a claim)."""
    if node is None:
        return ""
    if isinstance(node, Literal):
        return str(node)
    if isinstance(node, BNode):
        for subject, predicate in data.subject_predicates(node):
            return f"{_qname(data, predicate)} of {_describe(data, subject)}"
        return f"_:{node}"
    return str(node)
