"""Look at a SPARQL request before anything evaluates it.

Every public query passes :func:`inspect_query` before a store sees it: pyoxigraph in an
executor process, or an Oxigraph server. Oxigraph's parser is a recursive-descent PEG, so
the guard has two jobs that a full parser cannot do for us:

* refuse what the endpoint never runs, wherever it hides: ``SERVICE`` (the store would
  contact any server named in the query) and update operations;
* refuse, before parsing, what would crash the parser or the planner. Oxigraph recurses
  once per operator, ``UNION``/``MINUS`` and nesting level, and its 8 MiB stack overflows,
  killing the executor (or the whole Oxigraph server, which aborts), at about 6,700 terms
  of ``1+1+…``, 9,300 of ``||``, 6,600 chained ``UNION``, 2,550 chained ``MINUS``, 2,550
  ``BIND`` or projected ``AS``, 2,200 nested ``{``, 820 nested ``EXISTS`` and 900 nested
  function calls; a 3,000-step property path never finishes planning. Its join planner
  also grows with about the fourth power of the number of joined triple patterns (1.2 s
  for 128 on an empty store, 7 s for 200, more than 20 s for 256), so the pattern limit is
  bounded by time, not by the stack: 128 keeps the worst case near a second. Hence the
  limits in :class:`QueryLimits`, checked on the query text alone and counted as upper
  estimates: operators (``|| && = != < > <= >= + - * / | ^ ! ?`` in expressions and
  paths; list items are none), ``UNION``/``MINUS`` keywords, patterns (``.``, ``;`` and
  ``,`` inside groups and blank nodes, each ``{`` and ``[``, the clause keywords
  ``OPTIONAL MINUS FILTER BIND GRAPH SERVICE VALUES LATERAL AS``, two per collection item,
  one per ``DESCRIBE`` target and per ``HAVING``/``GROUP BY``/``ORDER BY`` bracket) and
  nesting of ``{ ( [ <<``.

The lexer mirrors the terminals of Oxigraph's grammar (SPARQL 1.1, section 19.8, as
spargebra implements it), because the guard is only as good as its agreement with the
parser it protects: white space is exactly space, tab, CR and LF (a form feed or a
no-break space is a syntax error there, and here just one more token, which can only make
the guard see more); a comment runs from ``#`` to the next LF *or* CR; strings, IRIs and
prefixed names with their escapes (``\\#`` in a local name) are single tokens.

Two places where Oxigraph's tokens depend on where the parser is:

* ``<`` is the less-than operator right after an operand inside an expression, and starts
  an IRI (``<`` up to the next ``>``, checked afterwards) or a triple term ``<<``
  everywhere else. The guard follows the same rule, so it tracks whether each ``(`` opens
  an expression (``FILTER(``, ``BIND(``, function calls, ``SELECT (…)``, ``GROUP BY``,
  ``ORDER BY``, ``HAVING``) or a list of terms (collections, ``VALUES`` rows, ``<<( )>>``).
  Without that, ``FILTER(?a<?b)SERVICE#>`` would read as an IRI to a context-free lexer
  and hide a real ``SERVICE``, while ``(?x <urn:a#b>) SERVICE …`` would read as a comment.
* A keyword is matched by its letters, not as a whole word, and the parser backtracks
  when a prefix is undeclared or an IRI is invalid: ``SERVICESILENT<x>{}``,
  ``?s ?p trueSERVICE <x> {}`` and ``service:x {}`` (with ``:`` declared) are all a
  ``SERVICE`` to Oxigraph. So any bare word containing ``SERVICE`` is refused, and so is a
  prefixed name containing it inside a group that a ``{`` follows (directly or after one
  more term), unless it surely expands (see :func:`_expands_safely`) or names a ``GRAPH``.

``\\u`` escapes: Oxigraph (without its ``standard-unicode-escaping`` feature, as in
pyoxigraph 0.5 and the ``oxigraph`` server) decodes them only inside IRIs and strings, so
``\\u0053ERVICE`` is a syntax error to it and ``"a\\u0022 #"`` one string. The guard lexes the
text as Oxigraph does; when the text holds such an escape it also looks for ``SERVICE`` and
updates in the decoded text, as a parser following the SPARQL 1.1 text (which decodes
first) would see it. A refusal on that reading alone is harmless over-refusal for Oxigraph
and keeps a remote store of another make safe.

Dataset clauses (``FROM``/``FROM NAMED``) are reported resolved, for the caller to check
against the store's graph names; a store never fetches them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING

from .digest_memo import DigestMemo, text_digest
from .errors import PayloadTooLarge, UserError

if TYPE_CHECKING:
    from .config import Settings


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


class QueryTooComplex(QueryRefused):
    """More operators, unions, patterns or nesting than the parser and planner bear."""

    code = "query_too_complex"

    def __init__(
        self, message: str, *, setting: str, found: int, limit: int, line: int | None = None, column: int | None = None
    ) -> None:
        super().__init__(message, line=line, column=column)
        self.message = message
        self.setting = setting
        self.found = found
        self.limit = limit

    def __reduce__(self) -> tuple[object, ...]:
        # keyword-only arguments: picklable with its fields, like the other errors that travel
        return (_rebuild, (type(self), (self.message,), {"setting": self.setting, "found": self.found,
                "limit": self.limit, "line": self.line, "column": self.column}))


class QueryTooDeep(QueryTooComplex):
    """Nesting deeper than the server accepts."""

    code = "query_too_deep"


class QueryTooLarge(PayloadTooLarge):
    """A query text longer than the server reads at all; refused before any tokenising."""

    code = "query_too_large"

    def __init__(self, size: int, limit: int) -> None:
        super().__init__(f"the query is {size} bytes long; at most {limit} are accepted (LEXGRAPH_MAX_QUERY_BYTES)")
        self.size = size
        self.limit = limit
        self.setting = "LEXGRAPH_MAX_QUERY_BYTES"

    def __reduce__(self) -> tuple[object, ...]:
        return (type(self), (self.size, self.limit))


def _rebuild(cls: type[QueryTooComplex], args: tuple[str], kwargs: dict[str, object]) -> QueryTooComplex:
    return cls(*args, **kwargs)  # type: ignore[arg-type]


class QueryForm(str, Enum):
    SELECT = "SELECT"
    ASK = "ASK"
    CONSTRUCT = "CONSTRUCT"
    DESCRIBE = "DESCRIBE"

    @property
    def returns_graph(self) -> bool:
        return self in (QueryForm.CONSTRUCT, QueryForm.DESCRIBE)


@dataclass(frozen=True)
class QueryLimits:
    """How much of each costly thing a query may hold (see the module docstring for why)."""

    max_bytes: int
    max_depth: int
    max_operators: int
    max_unions: int
    max_patterns: int

    @classmethod
    def from_settings(cls, settings: Settings) -> QueryLimits:
        return cls(
            max_bytes=settings.max_query_bytes,
            max_depth=settings.max_query_depth,
            max_operators=settings.max_query_operators,
            max_unions=settings.max_query_unions,
            max_patterns=settings.max_query_patterns,
        )


@dataclass(frozen=True)
class QueryShape:
    """What the guard learned about an accepted query."""

    form: QueryForm
    depth: int
    from_graphs: tuple[str, ...] = ()
    """IRIs of ``FROM`` clauses, resolved against ``BASE`` and prefixes."""
    from_named: tuple[str, ...] = ()
    """IRIs of ``FROM NAMED`` clauses, resolved likewise."""
    operators: int = 0
    unions: int = 0
    patterns: int = 0


UPDATE_KEYWORDS = ("INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH")
_FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")
_PATTERN_KEYWORDS = ("OPTIONAL", "MINUS", "FILTER", "BIND", "GRAPH", "SERVICE", "VALUES", "LATERAL")

# Terminals as spargebra (Oxigraph 0.5) writes them; note its PN_CHARS_BASE stops at U+FFFD.
_BASE = (
    "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c-\u200d"
    "\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd"
)
_CHARS_U = _BASE + "_"
_CHARS = _CHARS_U + "\\-0-9\u00b7\u0300-\u036f\u203f-\u2040"
_PLX = r"%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%]"
_ESC = r"\\[tbnrf\"'\\]|\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8}"
STRING = (
    rf"'''(?>(?:''|')?(?:[^'\\]|{_ESC}))*+'''"
    rf'|"""(?>(?:""|")?(?:[^"\\]|{_ESC}))*+"""'
    rf"|'(?:[^'\\\n\r]|{_ESC})*+'"
    rf'|"(?:[^"\\\n\r]|{_ESC})*+"'
)
PN_PREFIX = rf"[{_BASE}][{_CHARS}]*+(?:\.+[{_CHARS}]++)*+"
# spargebra's PN_LOCAL takes at most one run of dots inside a local name: ex:a.b.c is ex:a.b
PN_LOCAL = rf"(?:[{_CHARS_U}:0-9]|{_PLX})(?:[{_CHARS}:]|{_PLX})*+(?:\.+(?:[{_CHARS}:]|{_PLX})++)?+"
VAR = rf"[?$][{_CHARS_U}0-9][{_CHARS_U}0-9\u00b7\u0300-\u036f\u203f-\u2040]*+"
SKIP = r"(?:[\x20\t\r\n]++|#[^\r\n]*+)++"
"""White space and comments: exactly what Oxigraph skips (see the module docstring)."""
NUMBER = r"(?:[0-9]+\.[0-9]*|\.[0-9]+|[0-9]+)[eE][+-]?[0-9]+|[0-9]*\.[0-9]+|[0-9]+"
LANGTAG = r"@[A-Za-z]+(?:-[A-Za-z0-9]+)*+(?:--[A-Za-z]+)?"
_TOKEN = re.compile(
    rf"(?P<skip>{SKIP})"
    rf"|(?P<str>{STRING})"
    rf"|(?P<var>{VAR})"
    rf"|(?P<bnode>_:[{_CHARS_U}0-9][{_CHARS}]*+(?:\.+[{_CHARS}]++)*+)"
    rf"|(?P<pname>(?:{PN_PREFIX})?:(?:{PN_LOCAL})?)"
    r"|(?P<word>[A-Za-z_][A-Za-z0-9_]*+)"
    rf"|(?P<num>{NUMBER})"
    rf"|(?P<lang>{LANGTAG})"
    r"|(?P<lt><)|(?P<gt>>)|(?P<dt>\^\^)"
    r"|(?P<op>\|\||&&|!=|[=+\-*/|^!?])"
    r"|(?P<open>[{(\[])|(?P<close>[})\]])|(?P<sep>[.;,])"
    r"|(?P<other>[\s\S])"
)
# An IRI as Oxigraph may accept it, without (_IRI_CLEAN) or with (IRI_LIKE) the characters
# that would start a comment, a string or a bracket if the '<' were the less-than operator.
_IRI_CHAR = r"[^>\x00-\x20\"<{}|^`\\#'()\[\]]|\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8}"
_IRI_CLEAN = re.compile(rf"<(?:{_IRI_CHAR})*+>")
IRI_LIKE = re.compile(rf"<(?:{_IRI_CHAR}|[#'()\[\]])*+>")
_CODEPOINT_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")

# What an open bracket holds. TOP is the query outside any bracket.
_TOP, _BRACE, _BRACKET, _EXPR, _TERMS, _VALUES_TERMS, _VALUES_BLOCK, _TRIPLE, _AMBIGUOUS = range(9)
# Flags of a level: a SELECT clause is open; solution modifiers (GROUP/ORDER/HAVING) began;
# a VALUES block is coming; DESCRIBE targets are listed; the level holds a subquery.
_SELECT, _MODIFIER, _VALUES, _DESCRIBE, _SUBQUERY = 1, 2, 4, 8, 16
_OPERAND = frozenset({"var", "str", "bnode", "pname", "iri", "num", "lang", ")", ">>"})
_TERM_KINDS = frozenset({"var", "str", "bnode", "pname", "iri", "num", "word"})


def _codepoint(m: re.Match[str]) -> str:
    value = int(m.group(1) or m.group(2), 16)
    return chr(value) if value <= 0x10FFFF else m.group()


def _decode_codepoint_escapes(text: str) -> str:
    """``text`` with its ``\\u`` escapes decoded: an IRI as Oxigraph reads it, or a whole query as
    a parser that decodes them before anything else (SPARQL 1.1, section 19.2) reads it."""
    return _CODEPOINT_ESCAPE.sub(_codepoint, text)


_IRI_PARTS = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]*:)?(//[^/?#]*)?([^?#]*)(\?[^#]*)?(#.*)?", re.DOTALL)


def _remove_dot_segments(path: str) -> str:
    """RFC 3986 section 5.2.4, by index so that a long path costs linear time."""
    out: list[str] = []
    i, n = 0, len(path)
    while i < n:
        if path.startswith("../", i):
            i += 3
        elif path.startswith("./", i) or path.startswith("/./", i):
            i += 2
        elif path.startswith("/../", i):
            i += 3
            if out:
                out.pop()
        elif i + 2 == n and path.startswith("/.", i):
            out.append("/")
            i = n
        elif i + 3 == n and path.startswith("/..", i):
            if out:
                out.pop()
            out.append("/")
            i = n
        elif (i + 1 == n and path[i] == ".") or (i + 2 == n and path.startswith("..", i)):
            i = n
        else:
            j = path.find("/", i + 1) if path[i] == "/" else path.find("/", i)
            j = n if j < 0 else j
            out.append(path[i:j])
            i = j
    return "".join(out)


def _resolve(base: str | None, ref: str) -> str:
    """RFC 3986 section 5.2 resolution, as Oxigraph resolves IRIs against ``BASE`` (without a
    base, Oxigraph takes an IRI as written)."""
    if base is None:
        return ref
    scheme, authority, path, query, fragment = _IRI_PARTS.fullmatch(ref).groups()  # type: ignore[union-attr]
    if scheme is None:
        b_scheme, b_authority, b_path, b_query, _ = _IRI_PARTS.fullmatch(base).groups()  # type: ignore[union-attr]
        scheme = b_scheme or ""
        if authority is None:
            authority = b_authority
            if path == "":
                query = b_query if query is None else query
                return "".join((scheme, authority or "", b_path, query or "", fragment or ""))
            if not path.startswith("/"):
                path = ("/" if b_authority is not None and b_path == "" else b_path[: b_path.rfind("/") + 1]) + path
    return "".join((scheme, authority or "", _remove_dot_segments(path), query or "", fragment or ""))


class _Scan:
    """One pass over a query: what it holds and the first reason to refuse it."""

    __slots__ = ("form", "depth", "depth_at", "operators", "operators_at", "unions", "unions_at",
                 "patterns", "patterns_at", "refusal", "from_graphs", "from_named")

    def __init__(self) -> None:
        self.form: str | None = None
        self.depth = 0
        self.operators = self.unions = self.patterns = 0
        self.depth_at = self.operators_at = self.unions_at = self.patterns_at = -1
        self.refusal: tuple[type[QueryRefused], str, int] | None = None
        self.from_graphs: list[str] = []
        self.from_named: list[str] = []


def _scan(text: str, limits: QueryLimits | None) -> _Scan:
    """Tokenise ``text`` once, left to right, in time linear in its length.

    Records, without stopping, the first ``SERVICE`` or update keyword, the counts behind
    each limit and where each limit was first passed, the query form and the dataset.
    """
    out = _Scan()
    max_depth = limits.max_depth if limits else 1 << 60
    max_operators = limits.max_operators if limits else 1 << 60
    max_unions = limits.max_unions if limits else 1 << 60
    max_patterns = limits.max_patterns if limits else 1 << 60
    match = _TOKEN.match
    n = len(text)
    pos = 0
    kinds = [_TOP]
    modes = [0]
    triples_open = 0  # open << … >>
    next_gt = -1  # cached position of the next '>' (n when there is none)
    prev = prev2 = ""  # kinds (or texts, for punctuation) of the two previous tokens
    prev_text = prev2_text = ""
    prev_operand = False
    service_watch = 0  # tokens left in which a '{' makes a prefixed name with SERVICE a SERVICE
    service_watch_at = 0
    # prologue and dataset clauses
    base: str | None = None
    prefixes: dict[str, str] = {}
    pending = ""  # "base", "prefix", "prefix_iri", "from", "named"
    pending_prefix = ""

    def refuse(kind: type[QueryRefused], message: str, at: int) -> None:
        if out.refusal is None:
            out.refusal = (kind, message, at)

    def graph(iri: str) -> None:
        (out.from_named if pending == "named" else out.from_graphs).append(iri)

    while pos < n:
        m = match(text, pos)
        assert m is not None  # the last alternative matches any character
        kind = m.lastgroup
        start, end = pos, m.end()
        tok = m.group()
        if kind == "skip":
            pos = end
            continue
        top = kinds[-1]
        if kind == "lt":
            if top == _EXPR and prev_operand:
                kind = tok = "<"
                if text.startswith("<=", pos):
                    tok, end = "<=", pos + 2
            elif top == _AMBIGUOUS and prev_operand:
                clean = _IRI_CLEAN.match(text, pos)
                if clean:  # read either way, the tokens meet again right after the '>'
                    if "SERVICE" in clean.group().upper():
                        refuse(QueryRefused, "SERVICE is not allowed: this endpoint never contacts other servers", pos)
                    kind, tok, end = "iri", clean.group(), clean.end()
                else:
                    if IRI_LIKE.match(text, pos):
                        refuse(QueryRefused, "cannot tell whether '<' starts an IRI or is the less-than operator "
                               "here; put a space after '<' when it compares", pos)
                    kind = tok = "<"
                    if text.startswith("<=", pos):
                        tok, end = "<=", pos + 2
            elif text.startswith("<<", pos):
                kind = tok = "<<"
                end = pos + 2
            else:
                if next_gt < pos:
                    next_gt = text.find(">", pos + 1)
                    next_gt = n if next_gt < 0 else next_gt
                if next_gt < n:
                    kind, end = "iri", next_gt + 1
                    tok = text[pos:end]
                else:
                    kind = "other"
        elif kind == "gt":
            if triples_open and text.startswith(">>", pos):
                kind = tok = ">>"
                end = pos + 2
            else:
                kind = ">"
                if text.startswith(">=", pos):
                    tok, end = ">=", pos + 2
        pos = end

        if service_watch:
            if tok == "{":
                refuse(QueryRefused, "SERVICE is not allowed: this endpoint never contacts other servers",
                       service_watch_at)
            service_watch = service_watch - 1 if kind in ("var", "iri", "pname") else 0

        if kind == "word":
            upper = tok.upper()
            if "SERVICE" in upper:
                refuse(QueryRefused, "SERVICE is not allowed: this endpoint never contacts other servers", start)
            if upper.startswith(UPDATE_KEYWORDS):
                keyword = next(k for k in UPDATE_KEYWORDS if upper.startswith(k))
                refuse(UpdateNotAllowed, f"{keyword} is a SPARQL update; this endpoint answers queries only", start)
            if top == _TOP:
                if out.form is None:
                    if upper == "BASE":
                        pending = "base"
                    elif upper == "PREFIX":
                        pending = "prefix"
                    else:
                        for form in _FORMS:
                            if upper.startswith(form):
                                out.form = form
                                if form == "DESCRIBE":
                                    modes[0] |= _DESCRIBE
                                break
                elif upper.startswith("FROM"):
                    pending = "named" if upper[4:].startswith("NAMED") else "from"
                elif upper == "NAMED" and pending == "from":
                    pending = "named"
            if "SELECT" in upper:
                modes[-1] |= _SELECT | _SUBQUERY
            if top == _TOP or modes[-1] & _SUBQUERY:  # never in a plain group: collections follow
                if "GROUP" in upper or "ORDER" in upper or "HAVING" in upper:
                    modes[-1] |= _MODIFIER
            if "WHERE" in upper or upper.startswith("FROM"):
                modes[-1] &= ~(_SELECT | _DESCRIBE)
            if "VALUES" in upper:
                modes[-1] = (modes[-1] & ~_MODIFIER) | _VALUES
            unions = upper.count("UNION") + upper.count("MINUS")
            if unions:
                out.unions += unions
                if out.unions > max_unions and out.unions_at < 0:
                    out.unions_at = start
            patterns = sum(upper.count(k) for k in _PATTERN_KEYWORDS) + (upper == "AS")
            if patterns:
                out.patterns += patterns
                if out.patterns > max_patterns and out.patterns_at < 0:
                    out.patterns_at = start
            prev_operand = upper.endswith(("TRUE", "FALSE"))
        elif kind == "pname":
            colon = tok.index(":")
            prefix, local = tok[:colon], tok[colon + 1:]
            if "SERVICE" in tok.upper() and top == _BRACE and not (prev == "word" and prev_text.upper().endswith("GRAPH")):
                if not _expands_safely(prefix, local, prefixes):
                    service_watch, service_watch_at = 2, start
            if top == _TOP:
                pupper = prefix.upper()
                if out.form is None:
                    if pending == "prefix" and not local:
                        pending, pending_prefix = "prefix_iri", prefix
                    elif pupper.startswith("PREFIX") and not local:
                        pending, pending_prefix = "prefix_iri", prefix[6:]
                else:
                    if not pending and pupper.startswith("FROM") and (
                        out.form != "DESCRIBE" or prefix not in prefixes  # else a DESCRIBE target
                    ):
                        pending, prefix, pupper = "from", prefix[4:], pupper[4:]
                    if pending == "from" and pupper.startswith("NAMED") and prefix not in prefixes:
                        pending, prefix = "named", prefix[5:]
                    if pending in ("from", "named"):
                        if prefix in prefixes:
                            graph(prefixes[prefix] + local.replace("\\", ""))
                        pending = ""
            if top == _TOP or modes[-1] & _SUBQUERY:
                pupper = prefix.upper()
                if "GROUP" in pupper or "ORDER" in pupper or "HAVING" in pupper:
                    modes[-1] |= _MODIFIER
            prev_operand = True
        elif kind == "iri":
            if top == _TOP:
                iri = _resolve(base, _decode_codepoint_escapes(tok[1:-1]))
                if pending == "base":
                    base = iri
                elif pending == "prefix_iri":
                    prefixes[pending_prefix] = iri
                elif pending in ("from", "named"):
                    graph(iri)
                pending = ""
            prev_operand = True
        elif kind == "open" or kind == "<<":
            if kind == "<<":
                new = _TRIPLE
                triples_open += 1
            elif tok == "{":
                new = _VALUES_BLOCK if modes[-1] & _VALUES else _BRACE
                modes[-1] &= ~(_VALUES | _SELECT | _DESCRIBE)
                out.patterns += 1
            elif tok == "[":
                new = _BRACKET
                out.patterns += 1
            else:
                new = _paren_kind(top, modes[-1], prev, prev_text, prev2, prev2_text)
                if modes[-1] & _MODIFIER and top != _EXPR:
                    out.patterns += 1  # a HAVING constraint, a GROUP BY or ORDER BY expression
            if out.patterns > max_patterns and out.patterns_at < 0:
                out.patterns_at = start
            kinds.append(new)
            modes.append(0)
            if len(kinds) - 1 > out.depth:
                out.depth = len(kinds) - 1
                if out.depth > max_depth and out.depth_at < 0:
                    out.depth_at = start
            prev_operand = False
        elif kind == "close" or kind == ">>":
            if len(kinds) > 1:
                if kinds.pop() == _TRIPLE:
                    triples_open -= 1
                modes.pop()
            # EXISTS { … } is an operand too: after it '<' compares
            prev_operand = tok in (")", ">>") or (tok == "}" and kinds[-1] in (_EXPR, _AMBIGUOUS))
        elif kind in ("op", "<", ">"):
            if not (tok == "*" and (prev == "word" or prev_text == "(")):
                out.operators += 1
                if out.operators > max_operators and out.operators_at < 0:
                    out.operators_at = start
            prev_operand = False
        elif kind == "sep":
            if top == _BRACE or top == _BRACKET:
                out.patterns += 1
                if out.patterns > max_patterns and out.patterns_at < 0:
                    out.patterns_at = start
            prev_operand = False
        else:  # str, var, bnode, num, lang, dt, other
            prev_operand = kind in _OPERAND
        if kind in _TERM_KINDS and (top == _TERMS or (top == _TOP and modes[0] & _DESCRIBE and kind != "word")):
            out.patterns += 2 if top == _TERMS else 1  # a collection item is two triple patterns
            if out.patterns > max_patterns and out.patterns_at < 0:
                out.patterns_at = start
        prev2, prev2_text = prev, prev_text
        prev, prev_text = kind, tok
    return out


_SIMPLE_LOCAL = re.compile(r"[A-Za-z0-9_\-]*")


def _expands_safely(prefix: str, local: str, prefixes: dict[str, str]) -> bool:
    """Whether Oxigraph surely expands a prefixed name whose local part (only) holds SERVICE.

    Oxigraph reads a prefixed name again as other tokens when its prefix is undeclared or
    the IRI it makes is invalid: ``h:SERVICE:x{}`` is ``h: SERVICE :x {}`` when ``h:`` is
    ``<http://>`` (``x`` is no port). A declared prefix whose IRI already has a path (or no
    authority), followed by letters, digits, ``_`` and ``-``, always makes a valid IRI.
    """
    iri = prefixes.get(prefix)
    if iri is None or "SERVICE" in prefix.upper() or not _SIMPLE_LOCAL.fullmatch(local):
        return False
    _, authority, path, query, fragment = _IRI_PARTS.fullmatch(iri).groups()  # type: ignore[union-attr]
    return authority is None or bool(path or query or fragment)


def _paren_kind(top: int, mode: int, prev: str, prev_text: str, prev2: str, prev2_text: str) -> int:
    """Whether a ``(`` opens an expression (where ``<`` after an operand compares) or a
    list of terms (where ``<`` always starts an IRI), as Oxigraph's grammar decides."""
    if prev == "<<":
        return _TERMS  # <<( s p o )>>
    if top in (_EXPR, _TERMS, _AMBIGUOUS):
        return top
    if top == _VALUES_BLOCK or mode & _VALUES:
        return _VALUES_TERMS
    if mode & (_SELECT | _MODIFIER):
        return _EXPR
    if prev == "word":
        return _TERMS if prev_text.upper().endswith(("TRUE", "FALSE", "UNDEF", "A")) else _EXPR
    if prev == "pname" and "FILTER" in prev_text.upper():
        return _AMBIGUOUS  # FILTER glued to a prefixed name: a call, or a collection
    if prev in ("iri", "pname") and prev2 == "word" and prev2_text.upper().endswith("FILTER"):
        return _EXPR
    return _TERMS


def _position(text: str, at: int) -> tuple[int, int]:
    """1-based line and column of ``at``, lines ended by LF as the store's parser counts them."""
    line_start = text.rfind("\n", 0, at) + 1
    return text.count("\n", 0, at) + 1, at - line_start + 1


_CHECKED: DigestMemo[QueryShape] = DigestMemo(4096)


def inspect_query(query: str, limits: QueryLimits) -> QueryShape:
    """Check a query; return its shape, or raise :class:`QueryRefused` (or a subclass) for
    what the endpoint never runs and :class:`QueryTooLarge` for a text over the size limit.

    Syntax errors are left to the store's parser, which reports line and column. Accepted
    queries are remembered by a digest of their text (never the text) and the limits, so a
    repeated query is tokenised once.
    """
    if len(query) > limits.max_bytes:
        raise QueryTooLarge(len(query.encode("utf-8", "surrogatepass")), limits.max_bytes)
    encoded = query.encode("utf-8", "surrogatepass")
    if len(encoded) > limits.max_bytes:
        raise QueryTooLarge(len(encoded), limits.max_bytes)
    key = (text_digest(encoded), limits)
    shape = _CHECKED.get(key)
    if shape is None:
        shape = _check(query, limits)
        _CHECKED.put(key, shape)
    return shape


def _check(query: str, limits: QueryLimits) -> QueryShape:
    scan = _scan(query, limits)
    if scan.refusal is not None:
        kind, message, at = scan.refusal
        line, column = _position(query, at)
        raise kind(message, line=line, column=column)
    if _CODEPOINT_ESCAPE.search(query):
        decoded = _scan(_decode_codepoint_escapes(query), None)
        if decoded.refusal is not None:
            kind, message, _ = decoded.refusal
            raise kind(message + " (once the query's \\u escapes are decoded, as SPARQL 1.1 parsers do)")
    for found, at, limit, setting, what in (
        (scan.depth, scan.depth_at, limits.max_depth, "LEXGRAPH_MAX_QUERY_DEPTH", "levels of nesting"),
        (scan.unions, scan.unions_at, limits.max_unions, "LEXGRAPH_MAX_QUERY_UNIONS", "UNION and MINUS keywords"),
        (scan.operators, scan.operators_at, limits.max_operators, "LEXGRAPH_MAX_QUERY_OPERATORS", "operators"),
        (scan.patterns, scan.patterns_at, limits.max_patterns, "LEXGRAPH_MAX_QUERY_PATTERNS",
         "triple patterns and graph-pattern clauses (an upper estimate)"),
    ):
        if found > limit:
            line, column = _position(query, at)
            error = QueryTooDeep if setting == "LEXGRAPH_MAX_QUERY_DEPTH" else QueryTooComplex
            raise error(f"the query has {found} {what}; at most {limit} are accepted ({setting})",
                        setting=setting, found=found, limit=limit, line=line, column=column)
    if scan.form is None:
        raise QueryRefused("no SELECT, ASK, CONSTRUCT or DESCRIBE found in the query")
    return QueryShape(
        form=QueryForm(scan.form),
        depth=scan.depth,
        from_graphs=tuple(dict.fromkeys(scan.from_graphs)),
        from_named=tuple(dict.fromkeys(scan.from_named)),
        operators=scan.operators,
        unions=scan.unions,
        patterns=scan.patterns,
    )
