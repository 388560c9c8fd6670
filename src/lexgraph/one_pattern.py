"""Recognise queries that are a single triple pattern, whose cost grows only with their answer.

``SELECT ?label WHERE { <x> skos:prefLabel ?label }`` -- the lookups that entity pages,
editors' autocompletion and scripts send by the thousand -- is answered by one range scan of
one of the store's indexes (Oxigraph keeps every rotation of subject, predicate and object,
so any mix of bound and unbound positions is a prefix of one of them). Each step of that scan
yields a row, or over the union of graphs a copy of a row already given (at most one per
graph); with no repeated variable nothing is filtered out. So reading the first N rows of such
a query costs about N index steps, whatever the store holds and whatever the query names.

That bound is what lets the embedded store answer such a query in the web process, where
nothing could stop a running query: it reads only a few rows there, and hands the query to
a killable executor when there are more (:mod:`lexgraph.store.embedded`).

The recognizer accepts a strict subset of the SPARQL 1.1 grammar, token by token, and runs
only on queries the guard (:mod:`lexgraph.sparql_guard`) has accepted::

    ( PREFIX pname: <iri> | BASE <iri> )*
    ( SELECT ( * | ?var+ ) | ASK ) WHERE? { subject predicate object .? } ( LIMIT n )?

where the subject is an IRI, prefixed name or variable, the predicate one of those or ``a``,
the object one of those or a literal, and no variable appears twice. No blank node, path,
``DISTINCT``, ``ORDER BY``, ``OFFSET``, ``FROM``, expression or other clause: any of those can
make the scan read far more than it returns. Anything not accepted simply takes the usual
path; accepting too little costs speed, never safety.

Most such queries name their terms plainly (absolute IRIs, declared prefixes with plain local
names, strings without escapes, numbers). For those the recogniser also builds the terms
(:attr:`OnePattern.scan`), so the scan is read straight from the store's index
(``Store.quads_for_pattern``) without the store parsing and planning the query (at 100k triples,
9 µs against 28 µs for a lookup in a tight loop). The terms are the ones Oxigraph's parser builds
from the same text (a property test compares the answers over generated queries); any other
spelling (``BASE``, ``\\u`` escapes, long strings, escaped local names, a prefix declared twice)
leaves ``scan`` empty and the store evaluates the query.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pyoxigraph as ox

from .digest_memo import DigestMemo, text_digest
from .sparql_guard import IRI_LIKE, LANGTAG, NUMBER, PN_LOCAL, PN_PREFIX, SKIP, STRING, VAR

_SKIP = rf"(?:{SKIP})?"
_IRI = IRI_LIKE.pattern  # "<" never means less-than here: there are no expressions
_NAME = rf"(?:{_IRI}|(?:{PN_PREFIX})?:(?:{PN_LOCAL})?)"
_VARIABLE = rf"(?P<var>{VAR})"
_LITERAL = rf"(?:{STRING})(?:{LANGTAG}|\^\^{_NAME})?|[+-]?(?:{NUMBER})"
_END_OF_WORD = r"(?![A-Za-z0-9_:\-])"

_PROLOGUE = re.compile(rf"(?:(?i:PREFIX){_SKIP}(?P<prefix>(?:{PN_PREFIX})?):{_SKIP}(?P<iri>{_IRI})"
                       rf"|(?P<base>(?i:BASE)){_SKIP}{_IRI}){_SKIP}")
_FORM = re.compile(rf"(?:(?i:SELECT)(?P<vars>{_SKIP}\*|(?:{_SKIP}{VAR})+)|(?P<ask>(?i:ASK))){_SKIP}(?:(?i:WHERE){_SKIP})?\{{{_SKIP}")
# Each term is an atomic group: once a token is read it is never read shorter, as Oxigraph's
# tokens are never re-read (a PEG). Without that, ``5.5`` could be read as ``5`` then ``.5``.
_TERM = {
    "subject": re.compile(rf"(?>{_VARIABLE}|(?P<name>{_NAME})){_SKIP}"),
    "predicate": re.compile(rf"(?>{_VARIABLE}|(?P<name>{_NAME})|(?P<a>a){_END_OF_WORD}){_SKIP}"),
    "object": re.compile(rf"(?>{_VARIABLE}|(?P<name>{_NAME})|(?P<literal>{_LITERAL})){_SKIP}"),
}
_CLOSE = re.compile(rf"(?:\.{_SKIP})?\}}{_SKIP}(?:(?i:LIMIT){_SKIP}(?P<limit>[0-9]+){_SKIP})?")
_LEADING = re.compile(_SKIP)
_SELECTED = re.compile(VAR)

# The plain spellings whose terms are built here (anything else: ``OnePattern.scan`` is None).
_ABSOLUTE_IRI = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:[^\\]*")
_PLAIN_LOCAL = re.compile(r"(?:[A-Za-z0-9_][A-Za-z0-9_\-]*)?")
_PLAIN_STRING = re.compile(r"""(?P<quote>["'])(?P<text>(?:[^"'\\\n\r]|\\[tbnrf"'\\])*)(?P=quote)""")
_ECHAR = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f", '"': '"', "'": "'", "\\": "\\"}
_ECHAR_AT = re.compile(r"\\(.)")
_XSD = "http://www.w3.org/2001/XMLSchema#"
# Unsigned only: Oxigraph matches ``+7`` in a query otherwise than the term "+7"^^xsd:integer.
_NUMBER_TYPES = ((re.compile(r"[0-9]+"), ox.NamedNode(_XSD + "integer")),
                 (re.compile(r"[0-9]*\.[0-9]+"), ox.NamedNode(_XSD + "decimal")),
                 (re.compile(NUMBER), ox.NamedNode(_XSD + "double")))
_LIMIT_BOUND = 2**63
_RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")

Term = ox.NamedNode | ox.Literal


@dataclass(frozen=True)
class OnePattern:
    """A recognised one-pattern query, read as far as its spelling is plain."""

    ask: bool
    variables: tuple[str, ...]
    """The answer's variables, in its order (``SELECT *``: the pattern's, sorted, as Oxigraph
    gives them)."""
    limit: int | None
    scan: tuple[Term | None, Term | None, Term | None] | None
    """Subject, predicate and object as Oxigraph's parser reads them, None for a variable: what
    ``Store.quads_for_pattern`` is given. None as a whole when the text spells a term in a way
    not read here (the store then evaluates the query)."""
    columns: tuple[int | None, ...]
    """For each of ``variables``, its position in the pattern (0, 1, 2), or None if the pattern
    lacks it (the variable stays unbound)."""


_READ: DigestMemo[tuple[OnePattern | None]] = DigestMemo(4096)


def read_one_pattern(query: str) -> OnePattern | None:
    """``query`` read as one triple pattern with no repeated variable and nothing else (see the
    module docstring for the exact form), or None when it is anything else. Remembered by the
    text's digest: reading a lookup takes about 19 µs, finding it read 1 µs."""
    key = text_digest(query.encode("utf-8", "surrogatepass"))
    known = _READ.get(key)
    if known is None:
        known = (_read(query),)
        _READ.put(key, known)
    return known[0]


def _read(query: str) -> OnePattern | None:
    pos = _LEADING.match(query).end()  # type: ignore[union-attr]  # it matches the empty string
    prefixes: dict[str, str] | None = {}
    while m := _PROLOGUE.match(query, pos):
        pos = m.end()
        if prefixes is None:
            continue
        iri = None if m.group("base") or m.group("prefix") in prefixes else _iri(m.group("iri"), prefixes)
        if iri is None:
            prefixes = None  # BASE, a redeclared prefix, a relative IRI: the store's parser reads the query
        else:
            prefixes[m.group("prefix")] = iri.value
    form = _FORM.match(query, pos)
    if form is None:
        return None
    pos = form.end()
    at: dict[str, int] = {}  # each variable's position in the pattern
    scan: list[Term | None] = []
    unread = False  # a term spelt in a way not read here
    for position in ("subject", "predicate", "object"):
        term = _TERM[position].match(query, pos)
        if term is None:
            return None
        variable = term.group("var")
        if variable is not None:
            variable = variable[1:]  # ?x and $x are the same variable
            if variable in at:
                return None
            at[variable] = len(scan)
            scan.append(None)
        else:
            scan.append(_term(term, prefixes))
            unread = unread or scan[-1] is None
        pos = term.end()
    close = _CLOSE.match(query, pos)
    if close is None or close.end() != len(query):
        return None
    selected = form.group("vars")
    if selected is None:
        variables: tuple[str, ...] = ()
    elif selected.strip() == "*":
        variables = tuple(sorted(at))
    else:
        variables = tuple(v[1:] for v in _SELECTED.findall(selected))
    limit = None if close.group("limit") is None else int(close.group("limit"))
    plain = (prefixes is not None and not unread and "\\u" not in query and "\\U" not in query  # \u escapes are decoded first
             and len(set(variables)) == len(variables)  # the store's parser refuses SELECT ?x ?x
             and (limit is None or limit < _LIMIT_BOUND))  # and a LIMIT past its integers
    return OnePattern(ask=form.group("ask") is not None, variables=variables, limit=limit,
                      scan=tuple(scan) if plain else None,  # type: ignore[arg-type]
                      columns=tuple(at.get(v) for v in variables))


def _term(match: re.Match[str], prefixes: dict[str, str] | None) -> Term | None:
    groups = match.groupdict()
    if groups.get("a"):
        return _RDF_TYPE
    if groups["name"] is not None:
        return _iri(groups["name"], prefixes)
    literal = groups["literal"]
    for pattern, datatype in _NUMBER_TYPES:
        if pattern.fullmatch(literal):
            return ox.Literal(literal, datatype=datatype)
    string = _PLAIN_STRING.match(literal)
    suffix = literal[string.end():] if string else ""
    if string is None or not (suffix == "" or suffix.startswith(("@", "^^"))):
        return None  # a long string ("""…"""), or a string with a quote of the other kind in it
    text = _ECHAR_AT.sub(lambda m: _ECHAR[m.group(1)], string.group("text"))
    try:
        if suffix.startswith("@"):
            return ox.Literal(text, language=suffix[1:])
        if suffix.startswith("^^"):
            datatype = _iri(suffix[2:], prefixes)
            return None if datatype is None else ox.Literal(text, datatype=datatype)
    except ValueError:  # a language tag pyoxigraph refuses: the store's parser says why
        return None
    return ox.Literal(text)


def _iri(name: str, prefixes: dict[str, str] | None) -> ox.NamedNode | None:
    """The IRI an IRI reference or prefixed name stands for, when it is plainly spelt."""
    if name.startswith("<"):
        iri = name[1:-1]
    else:
        prefix, _, local = name.partition(":")
        if prefixes is None or prefix not in prefixes or not _PLAIN_LOCAL.fullmatch(local):
            return None
        iri = prefixes[prefix] + local
    if not _ABSOLUTE_IRI.fullmatch(iri):
        return None
    try:
        return ox.NamedNode(iri)
    except ValueError:
        return None
