"""The ontology: its header, OWL RL consistency, OWL 2 DL typing discipline, one base IRI."""

from __future__ import annotations

import re
from pathlib import Path

import owlrl
import pytest
from owlrl.Namespaces import ERRNS
from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, XSD

from lexgraph.config import Settings
from lexgraph.load import load_graph
from lexgraph.namespaces import ID, LG, ONTOLOGY_IRI

BUILTIN = (str(RDF), str(RDFS), str(OWL), str(XSD))
PROPERTY_KINDS = (OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)


@pytest.fixture(scope="module")
def ontology_only(settings: Settings) -> Graph:
    return load_graph([settings.ontology_dir / "lexgraph.ttl"])


def test_header_has_title_description_licence_version_and_creators(ontology_only: Graph) -> None:
    onto = URIRef(ONTOLOGY_IRI)
    assert (onto, RDF.type, OWL.Ontology) in ontology_only
    for prop in (DCTERMS.title, DCTERMS.description, DCTERMS.license, DCTERMS.creator, OWL.versionIRI):
        assert ontology_only.value(onto, prop) is not None, prop
    assert str(ontology_only.value(onto, OWL.versionIRI)).startswith(ONTOLOGY_IRI + "/")


def test_owl_rl_closure_finds_no_clash(ontology_graph: Graph, data_graph: Graph) -> None:
    graph = ontology_graph + data_graph
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(graph)
    errors = [str(o) for s in graph.subjects(RDF.type, ERRNS.ErrorMessage) for o in graph.objects(s, ERRNS.error)]
    assert errors == []


def _declared(graph: Graph, kind: URIRef) -> set[URIRef]:
    return {s for s in graph.subjects(RDF.type, kind) if isinstance(s, URIRef)}


def test_every_predicate_is_declared_as_exactly_one_kind_of_property(ontology_only: Graph) -> None:
    kinds = {kind: _declared(ontology_only, kind) for kind in PROPERTY_KINDS}
    used = {p for p in ontology_only.predicates() if not str(p).startswith(BUILTIN)}
    for prop in used | set().union(*kinds.values()):
        declared_as = [kind for kind, members in kinds.items() if prop in members]
        assert len(declared_as) == 1, f"{prop} declared as {declared_as or 'nothing'} (OWL 2 DL needs exactly one)"


def test_classes_in_axioms_are_declared_classes(ontology_only: Graph) -> None:
    classes = _declared(ontology_only, OWL.Class)
    for s, o in ontology_only.subject_objects(RDFS.subClassOf):
        assert s in classes and o in classes, (s, o)
    object_props = _declared(ontology_only, OWL.ObjectProperty)
    for prop, rng in ontology_only.subject_objects(RDFS.range):
        if prop in object_props:
            assert rng in classes, f"range of object property {prop} is not a declared class"
        else:
            assert str(rng).startswith(str(XSD)) or rng == RDFS.Literal, f"range of {prop} is not a datatype"
    for prop, dom in ontology_only.subject_objects(RDFS.domain):
        assert dom in classes, f"domain of {prop} is not a declared class"


def test_sub_properties_relate_properties_of_the_same_kind(ontology_only: Graph) -> None:
    kind_of = {p: kind for kind in PROPERTY_KINDS for p in _declared(ontology_only, kind)}
    for sub, sup in ontology_only.subject_objects(RDFS.subPropertyOf):
        assert kind_of.get(sub) == kind_of.get(sup), f"{sub} ⊑ {sup} mixes property kinds"


def test_shapes_use_only_declared_terms_of_ours(settings: Settings, ontology_graph: Graph) -> None:
    shapes = load_graph([settings.shapes_dir], unknown="skip")
    declared = {s for s in ontology_graph.subjects(RDF.type, None)}
    ours = {t for triple in shapes for t in triple if isinstance(t, URIRef) and str(t).startswith((str(LG), str(LG).replace("def/", "vocab/")))}
    assert ours, "the shapes should use our terms"
    assert sorted(ours - declared) == []


def test_data_files_share_the_configured_base_iri(settings: Settings) -> None:
    for path in sorted(Path(settings.data_dir).glob("*.ttl")):
        bases = re.findall(r"^@base <([^>]*)> \.", path.read_text(encoding="utf-8"), flags=re.M)
        assert bases == [str(ID)], f"{path.name} must declare exactly '@base <{ID}> .'"
