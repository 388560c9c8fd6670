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
"""

from __future__ import annotations

import re

from .sparql_guard import IRI_LIKE, LANGTAG, NUMBER, PN_LOCAL, PN_PREFIX, SKIP, STRING, VAR

_SKIP = rf"(?:{SKIP})?"
_IRI = IRI_LIKE.pattern  # "<" never means less-than here: there are no expressions
_NAME = rf"(?:{_IRI}|(?:{PN_PREFIX})?:(?:{PN_LOCAL})?)"
_VARIABLE = rf"(?P<var>{VAR})"
_LITERAL = rf"(?:{STRING})(?:{LANGTAG}|\^\^{_NAME})?|[+-]?(?:{NUMBER})"
_END_OF_WORD = r"(?![A-Za-z0-9_:\-])"

_PROLOGUE = re.compile(rf"(?:(?i:PREFIX){_SKIP}(?:{PN_PREFIX})?:{_SKIP}{_IRI}|(?i:BASE){_SKIP}{_IRI}){_SKIP}")
_FORM = re.compile(rf"(?:(?i:SELECT)(?:{_SKIP}\*|(?:{_SKIP}{VAR})+)|(?i:ASK)){_SKIP}(?:(?i:WHERE){_SKIP})?\{{{_SKIP}")
# Each term is an atomic group: once a token is read it is never read shorter, as Oxigraph's
# tokens are never re-read (a PEG). Without that, ``5.5`` could be read as ``5`` then ``.5``.
_TERM = {
    "subject": re.compile(rf"(?>{_VARIABLE}|{_NAME}){_SKIP}"),
    "predicate": re.compile(rf"(?>{_VARIABLE}|{_NAME}|a{_END_OF_WORD}){_SKIP}"),
    "object": re.compile(rf"(?>{_VARIABLE}|{_NAME}|{_LITERAL}){_SKIP}"),
}
_CLOSE = re.compile(rf"(?:\.{_SKIP})?\}}{_SKIP}(?:(?i:LIMIT){_SKIP}[0-9]+{_SKIP})?")
_LEADING = re.compile(_SKIP)


def is_one_pattern(query: str) -> bool:
    """Whether ``query`` is one triple pattern with no repeated variable and nothing else
    (see the module docstring for the exact form)."""
    pos = _LEADING.match(query).end()  # type: ignore[union-attr]  # it matches the empty string
    while m := _PROLOGUE.match(query, pos):
        pos = m.end()
    form = _FORM.match(query, pos)
    if form is None:
        return False
    pos = form.end()
    seen: set[str] = set()
    for position in ("subject", "predicate", "object"):
        term = _TERM[position].match(query, pos)
        if term is None:
            return False
        variable = term.group("var")
        if variable is not None:
            variable = variable[1:]  # ?x and $x are the same variable
            if variable in seen:
                return False
            seen.add(variable)
        pos = term.end()
    close = _CLOSE.match(query, pos)
    return close is not None and close.end() == len(query)
