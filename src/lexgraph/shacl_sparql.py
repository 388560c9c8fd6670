"""SHACL Core shapes compiled to SPARQL and run on pyoxigraph: validation in the store's own
engine instead of pyshacl's triple-at-a-time walk over rdflib (about 1 ms a triple).

Each constraint of a targeted shape becomes one SELECT that returns only its violations (a
focus node, and the value node where SHACL reports one); the shapes a constraint points to
(``sh:node``, ``sh:or``, ``sh:qualifiedValueShape`` …) become one boolean expression over the
value node, so a vocabulary check or a date's datatypes cost one filter, not a query per
value. The semantics are pyshacl's (the reference, kept as ``--engine pyshacl``): a SHACL
instance is ``rdf:type/rdfs:subClassOf*``, value nodes are sets, a datatype matches only a
well-formed literal as rdflib reads it.

A shape that uses anything not compiled here (SPARQL constraints, closed shapes, property
pair constraints, …) is returned as *unsupported*, for pyshacl to check.
"""

from __future__ import annotations

import json
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from itertools import combinations
from typing import Callable, Iterable, Iterator

import pyoxigraph as ox
from pyshacl.constraints.core.value_constraints import DatatypeConstraintComponent
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS, SH, XSD
from rdflib.term import Node

from .entailment import ancestors
from .oxistore import OxTerm, quiet_literals

_TARGETS = (SH.targetClass, SH.targetNode, SH.targetObjectsOf, SH.targetSubjectsOf)
_IGNORED = {RDF.type, RDFS.comment, RDFS.label, SH.name, SH.description, SH.order, SH.group, SH.defaultValue,
            SH.message, SH.severity, SH.path, *_TARGETS}
_VALUE_COMPONENTS = {
    SH["class"]: SH.ClassConstraintComponent, SH.datatype: SH.DatatypeConstraintComponent,
    SH.node: SH.NodeConstraintComponent, SH["or"]: SH.OrConstraintComponent,
    SH["and"]: SH.AndConstraintComponent, SH["not"]: SH.NotConstraintComponent,
    SH.xone: SH.XoneConstraintComponent, SH["in"]: SH.InConstraintComponent,
    SH.languageIn: SH.LanguageInConstraintComponent, SH.pattern: SH.PatternConstraintComponent,
    SH.minLength: SH.MinLengthConstraintComponent, SH.maxLength: SH.MaxLengthConstraintComponent,
    SH.nodeKind: SH.NodeKindConstraintComponent,
}
"""Constraints checked value node by value node (the result names the value)."""
_PROPERTY_ONLY = {SH.minCount, SH.maxCount, SH.uniqueLang, SH.qualifiedValueShape, SH.qualifiedMinCount,
                  SH.qualifiedMaxCount}
_NODE_KINDS = {
    SH.IRI: "isIRI({v})", SH.BlankNode: "isBlank({v})", SH.Literal: "isLiteral({v})",
    SH.BlankNodeOrIRI: "(isBlank({v}) || isIRI({v}))", SH.BlankNodeOrLiteral: "(isBlank({v}) || isLiteral({v}))",
    SH.IRIOrLiteral: "(isIRI({v}) || isLiteral({v}))",
}
SCOPE_GRAPH = "urn:lexgraph:validation-scope"
"""The graph that names the nodes a scoped run reports on (see :func:`scoped`)."""
_IN_SCOPE = ox.NamedNode("urn:lexgraph:in-scope")
SCOPE_MARK = f"{_IN_SCOPE} <{SCOPE_GRAPH}>"
_TYPE = "<" + str(RDF.type) + ">"


class Unsupported(Exception):
    """A shape uses a construct this compiler does not handle; pyshacl checks it."""


@dataclass(frozen=True)
class Check:
    """One compiled constraint: a query whose rows are its violations."""

    shape: Node
    """The shape that holds the constraint (SHACL's sh:sourceShape)."""
    component: URIRef
    path: Node | None
    query: str
    with_value: bool
    """Whether the rows' ?value is the result's sh:value."""


@dataclass(frozen=True)
class Result:
    """One validation result, as pyshacl would report it."""

    shape: Node
    component: URIRef
    focus: OxTerm
    path: Node | None
    value: OxTerm | None


@dataclass(frozen=True)
class Compiled:
    checks: list[Check]
    unsupported: list[Node]
    """Targeted shapes left to pyshacl."""


def targeted_shapes(shapes: Graph) -> list[Node]:
    """Every shape with a target, in a stable order."""
    found = {s for t in _TARGETS for s in shapes.subjects(t, None)}
    return sorted(found, key=str)


def compile_shapes(shapes: Graph, store: ox.Store, super_properties: dict[OxTerm, set[OxTerm]] | None = None,
                   scope: bool = False) -> Compiled:
    """Compile every targeted shape of ``shapes`` against the data in ``store`` (the store is
    read for the class hierarchy and the ill-typed literals, which the queries name).

    ``super_properties`` (each property's superproperties, transitively; None: no entailment):
    the hierarchies' entailment, applied by the queries instead of materialised: a path
    through a property follows its subproperties too (``rdfs:label`` also reads
    ``skos:prefLabel``), and the subclass entailment needs nothing, as SHACL reads classes
    through ``rdfs:subClassOf*`` anyway. No property may have ``rdf:type`` above it.

    ``scope``: the checks look only at focus nodes in the store's :data:`SCOPE_GRAPH`, or
    whose values on the path checked are (the results a scoped run keeps, found without
    checking every node: a changed file in a big repository)."""
    compiler = _Compiler(shapes, store, super_properties, SCOPE_GRAPH if scope else None)
    checks: list[Check] = []
    unsupported: list[Node] = []
    for shape in targeted_shapes(shapes):
        try:
            checks.extend(compiler.top_level(shape))
        except Unsupported:
            unsupported.append(shape)
    return Compiled(checks, unsupported)


def run_checks(store: ox.Store, checks: list[Check]) -> Iterator[Result]:
    """Run the compiled checks; yield their results."""
    for check in checks:
        for row in store.query(check.query, use_default_graph_as_union=True,  # type: ignore[union-attr]
                               custom_functions=FUNCTIONS):  # type: ignore[arg-type]
            yield Result(check.shape, check.component, row["focus"], check.path,  # type: ignore[index]
                         row["value"] if check.with_value else None)  # type: ignore[index]


@contextmanager
def scoped(store: ox.Store, nodes: Iterable[OxTerm]) -> Iterator[None]:
    """Name ``nodes`` in the store's :data:`SCOPE_GRAPH` for the time of a scoped run."""
    graph = ox.NamedNode(SCOPE_GRAPH)
    mark = ox.NamedNode(SCOPE_GRAPH)
    store.extend([ox.Quad(n, _IN_SCOPE, mark, graph) for n in nodes if not isinstance(n, ox.Literal)])
    try:
        yield
    finally:
        store.remove_graph(graph)


_UNCHECKED = (XSD.string, RDF.langString, RDFS.Literal)
"""Datatypes whose every literal matches ``sh:datatype``: not looked at by :func:`ill_typed`."""
WELL_TYPED = ox.NamedNode("urn:lexgraph:well-typed")
"""A query function (:data:`FUNCTIONS`): is a literal well-typed, as :func:`well_typed` says."""


@lru_cache(maxsize=65536)
def _well_typed(value: str, datatype: str) -> bool:
    with quiet_literals():  # rdflib logs each ill-typed literal it builds
        literal = Literal(value, datatype=URIRef(datatype))
        return not (literal.ill_typed is True or not DatatypeConstraintComponent._assert_actual_datatype(
            None, literal, URIRef(datatype)))  # type: ignore[arg-type]  # pyshacl's own test, not a copy of it


def well_typed(term: ox.Literal) -> bool:
    """Whether rdflib (and so pyshacl) reads the literal as well-typed, with a value of the
    datatype's Python type: an ill-typed literal does not match ``sh:datatype``."""
    return _well_typed(term.value, term.datatype.value)


def _well_typed_function(term: OxTerm) -> ox.Literal:
    return ox.Literal(isinstance(term, ox.Literal) and well_typed(term))


FUNCTIONS = {WELL_TYPED: _well_typed_function}
"""The custom functions the compiled checks may call (:func:`run_checks` passes them)."""


def ill_typed(store: ox.Store, datatypes: set[URIRef]) -> set[OxTerm]:
    """The literals of ``datatypes`` in the store that are not :func:`well_typed`."""
    checked = sorted(str(d) for d in datatypes if d not in _UNCHECKED)
    if not checked:
        return set()
    listed = ", ".join(f"<{d}>" for d in checked)
    query = f"SELECT DISTINCT ?v WHERE {{ ?s ?p ?v FILTER(isLiteral(?v) && datatype(?v) IN ({listed})) }}"
    rows = store.query(query, use_default_graph_as_union=True)
    return {row["v"] for row in rows if not well_typed(row["v"])}  # type: ignore[index]


class _Compiler:
    def __init__(self, shapes: Graph, store: ox.Store, super_properties: dict[OxTerm, set[OxTerm]] | None,
                 scope: str | None) -> None:
        self.shapes = shapes
        self._scope = scope
        self._counter = 0
        self._entailing = super_properties is not None
        self._sub_properties: dict[str, set[str]] = {}
        for sub, supers in (super_properties or {}).items():
            for sup in supers:
                self._sub_properties.setdefault(sup.value, set()).add(sub.value)  # type: ignore[union-attr]
        pairs = ((q.subject, q.object) for q in store.quads_for_pattern(None, ox.NamedNode(str(RDFS.subClassOf)), None))
        self._below: dict[str, set[str]] = {}
        for sub, supers in ancestors(pairs).items():  # type: ignore[arg-type]
            if isinstance(sub, ox.NamedNode):
                for sup in supers:
                    if isinstance(sup, ox.NamedNode):
                        self._below.setdefault(sup.value, set()).add(sub.value)
        # Over every node, the ill-typed literals are found once and named in the queries; in a
        # scope, the few literals the checks meet are tested one by one (no scan of the store).
        datatypes = {o for o in shapes.objects(None, SH.datatype) if isinstance(o, URIRef)}
        self._bad = ill_typed(store, datatypes) if scope is None else set()

    # -- helpers ------------------------------------------------------------------------

    def var(self, name: str) -> str:
        self._counter += 1
        return f"?{name}{self._counter}"

    def _one(self, shape: Node, predicate: URIRef) -> Node:
        values = list(self.shapes.objects(shape, predicate))
        if len(values) != 1:
            raise Unsupported(f"{predicate} given {len(values)} times")
        return values[0]

    def _list(self, node: Node) -> list[Node]:
        if node != RDF.nil and self.shapes.value(node, RDF.first) is None:
            raise Unsupported("not a list")
        return list(Collection(self.shapes, node))  # type: ignore[arg-type]

    def _check_keys(self, shape: Node) -> None:
        known = _IGNORED | set(_VALUE_COMPONENTS) | _PROPERTY_ONLY | {SH.property, SH.hasValue, SH.flags}
        for p in set(self.shapes.predicates(shape, None)):
            if p not in known:
                raise Unsupported(f"{p} is not compiled")
        if (shape, SH.deactivated, None) in self.shapes:
            raise Unsupported("sh:deactivated")
        if (shape, SH.qualifiedValueShapesDisjoint, None) in self.shapes:
            raise Unsupported("sh:qualifiedValueShapesDisjoint")

    def _classes(self, cls: Node) -> str:
        if not isinstance(cls, URIRef):
            raise Unsupported("a class that is not an IRI")
        return " ".join(f"<{c}>" for c in sorted({str(cls), *self._below.get(str(cls), set())}))

    def path(self, node: Node) -> str:
        """A SHACL path as a SPARQL property path."""
        if isinstance(node, URIRef):
            if node == RDF.type and self._entailing:
                raise Unsupported("a path through rdf:type, whose entailed values are not compiled")
            subs = self._sub_properties.get(str(node))
            if not subs:
                return f"<{node}>"
            return "(" + "|".join(f"<{p}>" for p in [str(node), *sorted(subs)]) + ")"
        if isinstance(node, BNode):
            if self.shapes.value(node, RDF.first) is not None:
                return "(" + "/".join(self.path(p) for p in self._list(node)) + ")"
            for predicate, template in ((SH.inversePath, "^{}"), (SH.zeroOrMorePath, "{}*"),
                                        (SH.oneOrMorePath, "{}+"), (SH.zeroOrOnePath, "{}?")):
                inner = self.shapes.value(node, predicate)
                if inner is not None:
                    return "(" + template.format(self.path(inner)) + ")"
            alternatives = self.shapes.value(node, SH.alternativePath)
            if alternatives is not None:
                return "(" + "|".join(self.path(p) for p in self._list(alternatives)) + ")"
        raise Unsupported("path")

    @staticmethod
    def term(node: Node) -> str:
        if isinstance(node, URIRef):
            return f"<{node}>"
        if isinstance(node, Literal):
            return node.n3()
        raise Unsupported("a blank node named in a constraint")

    # -- conformance of one node to a shape, as a boolean expression --------------------

    def conforms(self, shape: Node, v: str) -> str:
        """A SPARQL expression true when the node in ``v`` conforms to ``shape`` (errors count
        as not conforming, as in pyshacl)."""
        self._check_keys(shape)
        parts: list[str] = []
        path = self.shapes.value(shape, SH.path)
        if path is not None:
            parts.extend(self._property_conforms(shape, self.path(path), v))
        else:
            for predicate in _VALUE_COMPONENTS:
                for param in self.shapes.objects(shape, predicate):
                    parts.append(self.value_test(predicate, param, v, shape))
            for param in self.shapes.objects(shape, SH.hasValue):
                parts.append(f"sameTerm({v}, {self.term(param)})")
            if any(p in _PROPERTY_ONLY for p in self.shapes.predicates(shape, None)):
                raise Unsupported("a property constraint on a node shape")
            for prop in self.shapes.objects(shape, SH.property):
                parts.append(self.conforms(prop, v))
        return "COALESCE((" + (" && ".join(parts) or "true") + "), false)"

    def _property_conforms(self, shape: Node, path: str, v: str) -> list[str]:
        parts: list[str] = []
        if (shape, SH.property, None) in self.shapes:
            raise Unsupported("a property shape with property shapes")
        qualified = list(self.shapes.objects(shape, SH.qualifiedValueShape))
        if len(qualified) > 1:
            raise Unsupported("several qualified value shapes")
        for q in qualified:
            for param in self.shapes.objects(shape, SH.qualifiedMinCount):
                if int(param) > 0:
                    parts.append(f"EXISTS {{ {self._distinct_values(v, path, int(param), q)} }}")
            for param in self.shapes.objects(shape, SH.qualifiedMaxCount):
                parts.append(f"NOT EXISTS {{ {self._distinct_values(v, path, int(param) + 1, q)} }}")
        for param in self.shapes.objects(shape, SH.minCount):
            n = int(param)
            if n > 0:
                parts.append(f"EXISTS {{ {self._distinct_values(v, path, n)} }}")
        for param in self.shapes.objects(shape, SH.maxCount):
            parts.append(f"NOT EXISTS {{ {self._distinct_values(v, path, int(param) + 1)} }}")
        for param in self.shapes.objects(shape, SH.hasValue):
            parts.append(f"EXISTS {{ {v} {path} {self.term(param)} }}")
        if (shape, SH.uniqueLang, Literal(True)) in self.shapes:
            a, b = self.var("a"), self.var("b")
            parts.append(f"NOT EXISTS {{ {v} {path} {a}, {b} FILTER(!sameTerm({a}, {b}) && isLiteral({a}) && "
                         f"isLiteral({b}) && lang({a}) != \"\" && LCASE(lang({a})) = LCASE(lang({b}))) }}")
        for predicate in _VALUE_COMPONENTS:
            for param in self.shapes.objects(shape, predicate):
                a = self.var("a")
                parts.append(f"NOT EXISTS {{ {v} {path} {a} FILTER(!{self.value_test(predicate, param, a, shape)}) }}")
        return parts

    def _distinct_values(self, v: str, path: str, n: int, qualifying: Node | None = None) -> str:
        """A pattern that matches when ``v`` has at least ``n`` distinct values on ``path``
        (that conform to the shape ``qualifying``, if given)."""
        if n > 3:
            raise Unsupported("a count above 3 in a nested shape")
        names = [self.var("c") for _ in range(n)]
        pattern = " ".join(f"{v} {path} {name} ." for name in names)
        tests = [f"!sameTerm({a}, {b})" for a, b in combinations(names, 2)]
        if qualifying is not None:
            tests += [self.conforms(qualifying, name) for name in names]
        return pattern + (f" FILTER({' && '.join(tests)})" if tests else "")

    def value_test(self, predicate: Node, param: Node, v: str, shape: Node) -> str:
        """A SPARQL expression true when the value node in ``v`` meets one value constraint."""
        if predicate == SH["class"]:
            t = self.var("t")
            return f"EXISTS {{ VALUES {t} {{ {self._classes(param)} }} {v} {_TYPE} {t} }}"
        if predicate == SH.datatype:
            return self._datatype(param, v)
        if predicate == SH.node:
            return self.conforms(param, v)
        if predicate in (SH["or"], SH["and"], SH.xone):
            members = [self.conforms(m, v) for m in self._list(param)]
            if predicate == SH.xone:
                return "((" + " + ".join(f"IF({m}, 1, 0)" for m in members) + ") = 1)" if members else "false"
            joiner = " || " if predicate == SH["or"] else " && "
            return "(" + joiner.join(members) + ")" if members else ("false" if predicate == SH["or"] else "true")
        if predicate == SH["not"]:
            return f"!{self.conforms(param, v)}"
        if predicate == SH["in"]:
            members = [f"sameTerm({v}, {self.term(m)})" for m in self._list(param)]
            return "(" + (" || ".join(members) or "false") + ")"
        if predicate == SH.languageIn:
            langs = sorted({str(m).lower() for m in self._list(param)})
            if "*" in langs:
                return f"(isLiteral({v}) && lang({v}) != \"\")"
            listed = ", ".join(json.dumps(lang) for lang in langs)
            return (f"(isLiteral({v}) && lang({v}) != \"\" && (LCASE(lang({v})) IN ({listed}) || "
                    f"LCASE(IF(CONTAINS(lang({v}), \"-\"), STRBEFORE(lang({v}), \"-\"), lang({v}))) IN ({listed})))")
        if predicate == SH.pattern:
            flags = self.shapes.value(shape, SH.flags)
            return f"(!isBlank({v}) && REGEX(STR({v}), {json.dumps(str(param))}, {json.dumps(str(flags or ''))}))"
        if predicate in (SH.minLength, SH.maxLength):
            op = ">=" if predicate == SH.minLength else "<="
            return f"(!isBlank({v}) && STRLEN(STR({v})) {op} {int(param)})"
        if predicate == SH.nodeKind:
            if param not in _NODE_KINDS:
                raise Unsupported("node kind")
            return _NODE_KINDS[param].format(v=v)
        raise Unsupported(str(predicate))

    def _datatype(self, datatype: Node, v: str) -> str:
        if datatype == RDFS.Literal:
            return f"isLiteral({v})"
        if datatype == RDF.langString:
            return f"(isLiteral({v}) && lang({v}) != \"\")"
        if not isinstance(datatype, URIRef) or datatype == RDFS.Datatype:
            raise Unsupported("datatype")
        test = f"(isLiteral({v}) && datatype({v}) = <{datatype}>"
        if self._scope is not None and datatype not in _UNCHECKED:
            return test + f" && <{WELL_TYPED.value}>({v}))"
        bad = [t for t in self._bad if isinstance(t, ox.Literal) and t.datatype.value == str(datatype)]
        for term in sorted(bad, key=str):
            test += f" && !sameTerm({v}, {term})"
        return test + ")"

    # -- targeted shapes ----------------------------------------------------------------

    def focus_pattern(self, shape: Node, x: str, reaching: str | None = None) -> str:
        """A group pattern binding ``x`` to the shape's focus nodes, each once; with a scope,
        only those in it, or (``reaching``: a path) those whose values on the path are."""
        alternatives: list[str] = []
        for cls in self.shapes.objects(shape, SH.targetClass):
            t = self.var("t")
            alternatives.append(f"VALUES {t} {{ {self._classes(cls)} }} {x} {_TYPE} {t} .")
        for node in self.shapes.objects(shape, SH.targetNode):
            alternatives.append(f"VALUES {x} {{ {self.term(node)} }}")
        for p in self.shapes.objects(shape, SH.targetObjectsOf):
            alternatives.append(f"[] {self.path(p)} {x} .")
        for p in self.shapes.objects(shape, SH.targetSubjectsOf):
            alternatives.append(f"{x} {self.path(p)} [] .")
        union = " UNION ".join("{ " + a + " }" for a in alternatives)
        if self._scope is None:
            return f"{{ SELECT DISTINCT {x} WHERE {{ {union} }} }}"
        within = f"GRAPH <{self._scope}> {{ {x} {SCOPE_MARK} }}"
        if reaching is not None:
            s = self.var("scoped")
            within = f"{{ {within} }} UNION {{ GRAPH <{self._scope}> {{ {s} {SCOPE_MARK} }} {x} {reaching} {s} . }}"
        # the few nodes in scope first, each then tested against the targets
        return f"{{ SELECT DISTINCT {x} WHERE {{ {within} FILTER EXISTS {{ {union} }} }} }}"

    def top_level(self, shape: Node) -> list[Check]:
        """The checks of one targeted shape (its property shapes' included)."""
        self._check_keys(shape)
        x = "?focus"
        focus = self.focus_pattern(shape, x)
        if self.shapes.value(shape, SH.path) is not None:
            return self._property_checks(shape, x, lambda path: self.focus_pattern(shape, x, path))
        if any(p in _PROPERTY_ONLY for p in self.shapes.predicates(shape, None)):
            raise Unsupported("a property constraint on a node shape")
        checks: list[Check] = []
        for predicate, component in _VALUE_COMPONENTS.items():
            for param in self.shapes.objects(shape, predicate):
                test = self.value_test(predicate, param, x, shape)
                query = f"SELECT DISTINCT ?focus (?focus AS ?value) WHERE {{ {focus} FILTER(!COALESCE({test}, false)) }}"
                checks.append(Check(shape, component, None, query, True))
        for param in self.shapes.objects(shape, SH.hasValue):
            query = f"SELECT ?focus WHERE {{ {focus} FILTER(!sameTerm(?focus, {self.term(param)})) }}"
            checks.append(Check(shape, SH.HasValueConstraintComponent, None, query, False))
        for prop in self.shapes.objects(shape, SH.property):
            self._check_keys(prop)
            checks.extend(self._property_checks(prop, x, lambda path: self.focus_pattern(shape, x, path), focus))
        return checks

    def _property_checks(self, shape: Node, x: str, reaching: Callable[[str], str], focus: str | None = None) -> list[Check]:
        """The checks of one property shape; ``reaching(path)`` gives the focus pattern of
        the checks whose results name a value (in a scope, a value in it makes a result in it)."""
        if (shape, SH.property, None) in self.shapes:
            raise Unsupported("a property shape with property shapes")
        path_node = self._one(shape, SH.path)
        path = self.path(path_node)
        focus = focus or reaching(None)  # type: ignore[arg-type]
        valued = reaching(path) if self._scope is not None else focus
        checks: list[Check] = []

        def add(component: URIRef, query: str, with_value: bool = False) -> None:
            checks.append(Check(shape, component, path_node, query, with_value))

        def then(focus: str, body: str) -> str:
            """``body`` after the focus pattern; in a scope, run once per focus node (the few
            in scope) instead of over every node and joined."""
            return f"{focus} LATERAL {{ {body} }}" if self._scope is not None else f"{focus} {body}"

        for param in self.shapes.objects(shape, SH.minCount):
            if int(param) > 0:
                add(SH.MinCountConstraintComponent, f"SELECT ?focus WHERE {{ {then(focus, f'OPTIONAL {{ {x} {path} ?v }}')} }} "
                    f"GROUP BY ?focus HAVING (COUNT(DISTINCT ?v) < {int(param)})")
        for param in self.shapes.objects(shape, SH.maxCount):
            add(SH.MaxCountConstraintComponent, f"SELECT ?focus WHERE {{ {then(focus, f'{x} {path} ?v')} }} "
                f"GROUP BY ?focus HAVING (COUNT(DISTINCT ?v) > {int(param)})")
        for param in self.shapes.objects(shape, SH.hasValue):
            add(SH.HasValueConstraintComponent,
                f"SELECT ?focus WHERE {{ {focus} FILTER NOT EXISTS {{ {x} {path} {self.term(param)} }} }}")
        if (shape, SH.uniqueLang, Literal(True)) in self.shapes:
            add(SH.UniqueLangConstraintComponent,
                "SELECT DISTINCT ?focus ?lang WHERE { " + then(
                    focus, f"{x} {path} ?a, ?b FILTER(!sameTerm(?a, ?b) && isLiteral(?a) && isLiteral(?b) && "
                    f"lang(?a) != \"\" && LCASE(lang(?a)) = LCASE(lang(?b))) BIND(LCASE(lang(?a)) AS ?lang)") + " }")
        qualified = list(self.shapes.objects(shape, SH.qualifiedValueShape))
        if len(qualified) > 1:
            raise Unsupported("several qualified value shapes")
        for q in qualified:
            test = self.conforms(q, "?v")
            for param in self.shapes.objects(shape, SH.qualifiedMinCount):
                add(SH.QualifiedMinCountConstraintComponent,
                    "SELECT ?focus WHERE { " + then(focus, f"OPTIONAL {{ {x} {path} ?v FILTER({test}) }}") + " } "
                    f"GROUP BY ?focus HAVING (COUNT(DISTINCT ?v) < {int(param)})")
            for param in self.shapes.objects(shape, SH.qualifiedMaxCount):
                add(SH.QualifiedMaxCountConstraintComponent,
                    "SELECT ?focus WHERE { " + then(focus, f"{x} {path} ?v FILTER({test})") + " } "
                    f"GROUP BY ?focus HAVING (COUNT(DISTINCT ?v) > {int(param)})")
        for predicate, component in _VALUE_COMPONENTS.items():
            for param in self.shapes.objects(shape, predicate):
                test = self.value_test(predicate, param, "?value", shape)
                add(component, "SELECT DISTINCT ?focus ?value WHERE { " + then(
                    valued, f"{x} {path} ?value FILTER(!COALESCE({test}, false))") + " }", True)
        return checks
