"""Check Turtle data against SHACL shapes and the quality queries.

Knows nothing of terminals or HTTP: :func:`validate` returns a
:class:`~lexgraph.findings.Report` that the CLI, the service and the tests all read.
"""

from __future__ import annotations

from dataclasses import dataclass
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
from .load import load_graph
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


def read_inputs(
    settings: Settings,
    data_paths: Sequence[Path] | None = None,
    shapes_paths: Sequence[Path] | None = None,
) -> ValidationInputs:
    """Parse everything a run needs, before any check starts, so syntax errors come first.

    Without ``data_paths`` the repository's own data is checked. The ontology (with the
    vocabularies) is always read alongside, so its terms and concepts are checked too.
    """
    paths = list(data_paths) if data_paths else [settings.data_dir]
    files = rdf_files(paths)
    return ValidationInputs(
        data_files=files,
        data=load_graph(files),
        ontology=load_graph([settings.ontology_dir]),
        # shapes/ holds the quality queries (.rq) beside the shapes
        shapes=load_graph(list(shapes_paths) if shapes_paths else [settings.shapes_dir], unknown="skip"),
    )


def validate(
    settings: Settings,
    data_paths: Sequence[Path] | None = None,
    *,
    shapes_paths: Sequence[Path] | None = None,
    inference: bool = True,
    quality: bool = True,
) -> Report:
    """Validate data against the shapes (with the ontology's subclass and subproperty
    entailment unless switched off) and run the quality checks over ontology and data."""
    inputs = read_inputs(settings, data_paths, shapes_paths)
    findings = shacl_findings(inputs, inference=inference)
    checks = sorted({_qname(inputs.shapes, s) for s in inputs.shapes.subjects(RDF.type, SH.NodeShape)})
    if quality:
        store = store_of(inputs.ontology, inputs.data)
        for check in read_checks(settings.quality_dir):
            checks.append(f"quality:{check.name}")
            findings.extend(run_check(store, check))
    findings.sort(key=lambda f: (-f.level, f.focus, f.check, f.path or ""))
    return Report(files=inputs.data_files, triples=len(inputs.data), checks=checks, findings=findings)


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
        findings.append(
            Finding(
                level=_SEVERITY.get(results.value(result, SH.resultSeverity), Level.ERROR),  # type: ignore[arg-type]
                check=_shape_name(inputs.shapes, results.value(result, SH.sourceShape)),
                focus=_describe(inputs.data, focus),
                message=str(results.value(result, SH.resultMessage) or "constraint not met"),
                path=_qname(inputs.shapes, path) if isinstance(path, URIRef) else None,
                value=_describe(inputs.data, value) if value is not None else None,
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
