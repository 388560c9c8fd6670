"""The base IRI and the prefixes we use, as plain strings.

This is the one place they are configured. It imports only pyoxigraph, so the query
executors and the web workers can use it without loading rdflib; :mod:`lexgraph.namespaces` builds rdflib
namespaces from it for the validation side.
"""

import pyoxigraph as ox

BASE_IRI = "https://w3id.org/lexgraph/"
ONTOLOGY_IRI = BASE_IRI + "def"
ID_IRI = BASE_IRI + "id/"
"""The data: sources, treaties, acts, bodies, claims (data files use it as ``@base``)."""

PREFIX_IRIS: dict[str, str] = {
    "lg": BASE_IRI + "def/",
    "lgv": BASE_IRI + "vocab/",
    "lgsh": BASE_IRI + "shapes/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dct": "http://purl.org/dc/terms/",
    "prov": "http://www.w3.org/ns/prov#",
    "org": "http://www.w3.org/ns/org#",
    "eli": "http://data.europa.eu/eli/ontology#",
    "qb": "http://purl.org/linked-data/cube#",
    "time": "http://www.w3.org/2006/time#",
    "schema": "https://schema.org/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "sh": "http://www.w3.org/ns/shacl#",
    "sd": "http://www.w3.org/ns/sparql-service-description#",
    "void": "http://rdfs.org/ns/void#",
}
"""Prefixes bound in every graph we build and declared in every query we run."""


class Terms(str):
    """An IRI prefix whose attributes and string items are its terms' IRIs, as plain strings
    (``LG.date``, ``LGV["act-adoption"]``): rdflib's Namespace without rdflib."""

    def __getattr__(self, name: str) -> str:
        if name.startswith("__"):
            raise AttributeError(name)
        iri = self.__dict__[name] = str(self) + name  # found without this method next time
        return iri

    def __getitem__(self, key):  # type: ignore[no-untyped-def, override]
        if isinstance(key, str):
            return str(self) + key
        return str.__getitem__(self, key)


LG_TERMS = Terms(PREFIX_IRIS["lg"])
LGV_TERMS = Terms(PREFIX_IRIS["lgv"])
RDF_TERMS = Terms(PREFIX_IRIS["rdf"])
ID_TERMS = Terms(ID_IRI)


_IRI_FORBIDDEN = frozenset('<>"{}|^`\\') | frozenset(chr(c) for c in range(0x21))


def writable_iri(iri: str) -> bool:
    """Whether ``iri`` can be written into a query between ``<`` and ``>`` as it is: the
    characters SPARQL's IRIREF excludes (controls, space, ``<>"{}|^`\\``) would end it early
    or make the query unreadable, and the store refuses what is not an IRI (such as U+FFFD),
    so values from a request failing either test are never spliced in."""
    if not iri or any(ch in _IRI_FORBIDDEN for ch in iri):
        return False
    try:
        ox.NamedNode(iri)
    except ValueError:
        return False
    return True


def sparql_prologue() -> str:
    """PREFIX and BASE lines that make our prefixed names and relative IDs work in SPARQL."""
    lines = [f"BASE <{ID_IRI}>"]
    lines += [f"PREFIX {name}: <{iri}>" for name, iri in PREFIX_IRIS.items()]
    return "\n".join(lines) + "\n"
