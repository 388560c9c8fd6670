"""rdflib namespaces of our terms and of the vocabularies we reuse, built from
:mod:`lexgraph.prefixes` (where the base IRI is configured). A test checks that data files
use the same ``@base``."""

from rdflib import Namespace

from .prefixes import BASE_IRI, ID_IRI, ONTOLOGY_IRI, PREFIX_IRIS, sparql_prologue

__all__ = ["BASE_IRI", "ONTOLOGY_IRI", "PREFIXES", "LG", "LGV", "LGSH", "ID", "ELI", "ORG", "SCHEMA", "sparql_prologue"]

PREFIXES: dict[str, Namespace] = {name: Namespace(iri) for name, iri in PREFIX_IRIS.items()}
LG = PREFIXES["lg"]
LGV = PREFIXES["lgv"]
LGSH = PREFIXES["lgsh"]
ID = Namespace(ID_IRI)
ELI = PREFIXES["eli"]
ORG = PREFIXES["org"]
SCHEMA = PREFIXES["schema"]
