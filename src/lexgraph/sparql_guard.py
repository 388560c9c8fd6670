"""Look at a SPARQL request before anything evaluates it.

A small lexer (strings, IRIs, comments and prefixed names are skipped as whole tokens) is
enough to decide, without a full parser, what the store must never see: ``SERVICE`` in any
position, update operations on the query endpoint, dataset clauses that name ``http:`` or
``file:`` IRIs, and nesting deep enough to exhaust a recursive parser. It also tells the
query form, which content negotiation needs before the query runs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum
from functools import lru_cache

from .errors import UserError


class QueryRefused(UserError):
    """The request asks for something the public endpoint never does."""

    code = "query_refused"

    def __init__(self, message: str, *, line: int | None = None, column: int | None = None) -> None:
        where = f" (line {line}, column {column})" if line is not None else ""
        super().__init__(message + where)
        self.line = line
        self.column = column


class UpdateNotAllowed(QueryRefused):
    """An update operation sent to the query endpoint."""

    code = "update_not_allowed"


class QueryTooDeep(QueryRefused):
    """Nesting deeper than the server accepts."""

    code = "query_too_deep"


class QueryForm(str, Enum):
    SELECT = "SELECT"
    ASK = "ASK"
    CONSTRUCT = "CONSTRUCT"
    DESCRIBE = "DESCRIBE"

    @property
    def returns_graph(self) -> bool:
        return self in (QueryForm.CONSTRUCT, QueryForm.DESCRIBE)


UPDATE_KEYWORDS = frozenset(
    {"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH"}
)
_FORBIDDEN_DATASET_SCHEMES = ("http:", "file:")

_TOKEN = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<comment>\#[^\n]*)
  | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*")
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<var>[?$][A-Za-z0-9_\u00B7-\uFFFF]+)
  | (?P<pname>(?:[A-Za-z\u00C0-\uFFFF][\w.\-\u00B7-\uFFFF]*)?:[^\s{}()\[\];,]*)
  | (?P<word>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<open>[{(\[])
  | (?P<close>[})\]])
  | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)


@dataclass(frozen=True)
class Token:
    kind: str
    text: str
    line: int
    column: int


_CODEPOINT_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


def decode_codepoint_escapes(query: str) -> str:
    """Apply SPARQL's \\u and \\U escapes, which parsers process before anything else,
    so a keyword cannot hide behind them."""
    return _CODEPOINT_ESCAPE.sub(lambda m: chr(int(m.group(1) or m.group(2), 16)), query)


def tokens(query: str) -> list[Token]:
    """Split a query into tokens, with 1-based line and column of each."""
    query = decode_codepoint_escapes(query)
    out: list[Token] = []
    line, line_start = 1, 0
    for match in _TOKEN.finditer(query):
        kind = match.lastgroup or "other"
        text = match.group()
        if kind not in ("ws", "comment"):
            out.append(Token(kind, text, line, match.start() - line_start + 1))
        newlines = text.count("\n")
        if newlines:
            line += newlines
            line_start = match.start() + text.rfind("\n") + 1
    return out


@dataclass(frozen=True)
class QueryShape:
    """What the guard learned about a query."""

    form: QueryForm
    depth: int


@lru_cache(maxsize=4096)
def inspect_query(query: str, *, max_depth: int) -> QueryShape:
    """Check a query and return its form; raise :class:`QueryRefused` for what we never run.

    Syntax errors are left to the store's parser, which reports line and column; the guard
    only needs the tokens to be recognisable. Cached by text, so a repeated query is
    tokenised once.
    """
    toks = tokens(query)
    form: QueryForm | None = None
    depth = deepest = 0
    previous_word = ""
    for tok in toks:
        if tok.kind == "open":
            depth += 1
            deepest = max(deepest, depth)
            if depth > max_depth:
                raise QueryTooDeep(
                    f"query nesting deeper than {max_depth} levels is not accepted", line=tok.line, column=tok.column
                )
        elif tok.kind == "close":
            depth = max(0, depth - 1)
        elif tok.kind == "word":
            word = tok.text.upper()
            if word == "SERVICE":
                raise QueryRefused(
                    "SERVICE is not allowed: this endpoint never contacts other servers", line=tok.line, column=tok.column
                )
            if form is None and word in UPDATE_KEYWORDS:
                raise UpdateNotAllowed(
                    f"{word} is a SPARQL update; this endpoint answers queries only", line=tok.line, column=tok.column
                )
            if form is None and word in QueryForm.__members__:
                form = QueryForm(word)
            previous_word = word
            continue
        elif tok.kind == "iri" and previous_word in ("FROM", "NAMED"):
            iri = tok.text[1:-1]
            if iri.lower().startswith(_FORBIDDEN_DATASET_SCHEMES):
                raise QueryRefused(
                    f"the dataset clause names <{iri}>: graphs are chosen from this store, never fetched from "
                    "http: or file: locations",
                    line=tok.line,
                    column=tok.column,
                )
        previous_word = "" if tok.kind != "word" else previous_word
    if form is None:
        raise QueryRefused("no SELECT, ASK, CONSTRUCT or DESCRIBE found in the query")
    return QueryShape(form=form, depth=deepest)


def check_dataset_iris(iris: list[str]) -> None:
    """Refuse ``default-graph-uri``/``named-graph-uri`` values that point outside the store."""
    for iri in iris:
        if iri.lower().startswith(_FORBIDDEN_DATASET_SCHEMES):
            raise QueryRefused(
                f"the graph <{iri}> is an http: or file: location; graphs are chosen from this store, never fetched"
            )
