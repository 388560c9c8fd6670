"""IRIs of our own terms and of the vocabularies we reuse.

The base IRI lives here and nowhere else in the code; data files spell it in their
``@base`` line, and a test checks that they agree with :data:`ID`.
"""

from rdflib import Namespace
from rdflib.namespace import DCTERMS, OWL, PROV, QB, RDF, RDFS, SH, SKOS, TIME, XSD, FOAF

BASE_IRI = "https://w3id.org/lexgraph/"

LG = Namespace(BASE_IRI + "def/")
"""Our ontology's terms."""
LGV = Namespace(BASE_IRI + "vocab/")
"""Our controlled vocabularies (SKOS concepts and schemes)."""
ID = Namespace(BASE_IRI + "id/")
"""The data: sources, treaties, acts, bodies, claims."""
LGSH = Namespace(BASE_IRI + "shapes/")
"""Our SHACL shapes."""
ONTOLOGY_IRI = BASE_IRI + "def"

ELI = Namespace("http://data.europa.eu/eli/ontology#")
ORG = Namespace("http://www.w3.org/ns/org#")
SCHEMA = Namespace("https://schema.org/")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
VOID = Namespace("http://rdfs.org/ns/void#")

PREFIXES: dict[str, Namespace] = {
    "lg": LG,
    "lgv": LGV,
    "lgsh": LGSH,
    "rdf": RDF,
    "rdfs": RDFS,
    "owl": OWL,
    "xsd": XSD,
    "skos": SKOS,
    "dct": DCTERMS,
    "prov": PROV,
    "org": ORG,
    "eli": ELI,
    "qb": QB,
    "time": TIME,
    "schema": SCHEMA,
    "foaf": FOAF,
    "sh": SH,
    "sd": SD,
    "void": VOID,
}
"""Prefixes bound in every graph we build and declared in every query we run."""


def sparql_prologue() -> str:
    """PREFIX and BASE lines that make our prefixed names and relative IDs work in SPARQL."""
    lines = [f"BASE <{ID}>"]
    lines += [f"PREFIX {name}: <{ns}>" for name, ns in PREFIXES.items()]
    return "\n".join(lines) + "\n"
