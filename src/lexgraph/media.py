"""Media types of SPARQL results and RDF, and content negotiation over them.

Tables, not branches: each format is a row naming its media type, the aliases a client may
send in ``Accept`` or ``format=``, and whether it serves solutions (SELECT, ASK) or graphs
(CONSTRUCT, DESCRIBE, downloads). :func:`negotiate` is a pure function of the query form,
the ``format`` parameter and the ``Accept`` header; :func:`choose` does the same over any
list of formats, and :func:`pick` over plain media types.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Sequence

from .errors import UserError


class NotAcceptable(UserError):
    """No format we can produce matches what the client accepts."""

    code = "not_acceptable"


@dataclass(frozen=True)
class Format:
    """One serialisation we can produce."""

    name: str
    media_type: str
    kind: str
    """``solutions`` for SELECT/ASK results, ``graph`` for RDF."""
    extension: str
    aliases: tuple[str, ...] = ()
    """Other media types or ``format=`` values that mean this format."""
    datasets: bool = False
    """Whether the format can carry named graphs (TriG, N-Quads)."""

    @property
    def content_type(self) -> str:
        textual = self.media_type.startswith("text/") or self.media_type.endswith(("+json", "+xml", "json", "xml", "triples", "quads", "trig"))
        return f"{self.media_type}; charset=utf-8" if textual else self.media_type


SOLUTION_FORMATS: tuple[Format, ...] = (
    Format("json", "application/sparql-results+json", "solutions", "srj", ("application/json", "json", "srj")),
    Format("xml", "application/sparql-results+xml", "solutions", "srx", ("application/xml", "text/xml", "xml", "srx")),
    Format("csv", "text/csv", "solutions", "csv", ("csv",)),
    Format("tsv", "text/tab-separated-values", "solutions", "tsv", ("tsv",)),
)

GRAPH_FORMATS: tuple[Format, ...] = (
    # Turtle is N3 without N3's own extensions, so a client asking for N3 can read it.
    Format("turtle", "text/turtle", "graph", "ttl", ("application/x-turtle", "turtle", "ttl", "n3", "text/n3",
                                                      "text/rdf+n3")),
    Format("ntriples", "application/n-triples", "graph", "nt", ("text/plain", "ntriples", "nt", "n-triples")),
    Format("jsonld", "application/ld+json", "graph", "jsonld", ("application/json", "jsonld", "json-ld", "json",
                                                                "application/x-json+ld")),
    Format("rdfxml", "application/rdf+xml", "graph", "rdf", ("application/xml", "text/xml", "rdfxml", "rdf", "xml",
                                                              "rdf+xml")),
    Format("trig", "application/trig", "graph", "trig", ("trig",), datasets=True),
    Format("nquads", "application/n-quads", "graph", "nq", ("nquads", "nq", "n-quads"), datasets=True),
)

HTML = "text/html"


@dataclass(frozen=True)
class MediaRange:
    type: str
    subtype: str
    q: float
    order: int

    def matches(self, media_type: str) -> bool:
        main, _, sub = media_type.partition("/")
        return (self.type in ("*", main)) and (self.subtype in ("*", sub))

    @property
    def specificity(self) -> int:
        return (self.type != "*") + (self.subtype != "*")


def parse_accept(header: str | None) -> list[MediaRange]:
    """Parse an Accept header into media ranges; malformed parts are skipped, as browsers do."""
    ranges: list[MediaRange] = []
    for order, part in enumerate((header or "").split(",")):
        fields = [f.strip() for f in part.split(";")]
        media = fields[0].lower()
        if "/" not in media:
            continue
        q = 1.0
        for param in fields[1:]:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = max(0.0, min(1.0, float(value)))
                except ValueError:
                    q = 0.0
        main, _, sub = media.partition("/")
        ranges.append(MediaRange(main, sub, q, order))
    return ranges


def _quality(ranges: list[MediaRange], media_type: str) -> tuple[float, int, int]:
    """The q a client gives a media type: that of the most specific range that matches."""
    best: tuple[int, float, int] | None = None
    for r in ranges:
        if r.matches(media_type):
            key = (r.specificity, r.q, -r.order)
            if best is None or key > best:
                best = key
    if best is None:
        return (0.0, 0, 0)
    return (best[1], best[0], best[2])


@lru_cache(maxsize=1024)
def negotiate(kind: str, accept: str | None, format_param: str | None = None) -> Format:
    """Pick the format for ``kind`` (``solutions`` or ``graph``) with :func:`choose`: SPARQL
    JSON or Turtle when the client states no preference. Cached: clients send few distinct
    Accept headers, and this runs on every query."""
    return choose(SOLUTION_FORMATS if kind == "solutions" else GRAPH_FORMATS, accept, format_param)


def choose(formats: Sequence[Format], accept: str | None, format_param: str | None = None,
           also_offered: Sequence[str] = ()) -> Format:
    """The format of ``formats`` a client wants.

    ``format=`` wins when given (as on Wikidata's service; a comma-separated list of names or
    media types gets the first that fits); otherwise the Accept header
    decides, and an absent or ``*/*`` header gets the first of ``formats``. Raises
    :class:`NotAcceptable` when nothing fits, naming what is offered (``also_offered``: media
    types the caller serves itself, such as an HTML page)."""
    if format_param:
        # A name or media type, or a list of media types as SPARQLWrapper sends them
        # ("application/ld+json,application/x-json+ld"): the first we can produce.
        for wanted in (item.strip().lower() for item in format_param.split(",")):
            for fmt in formats:
                if wanted in (fmt.name, fmt.media_type, *fmt.aliases):
                    return fmt
        names = ", ".join(f.name for f in formats)
        raise NotAcceptable(f"format={format_param!r} cannot be produced here; use one of {names}")
    ranges = parse_accept(accept)
    if not ranges:
        return formats[0]
    scored = []
    for position, fmt in enumerate(formats):
        # A match on the format's own media type beats a match on one of its aliases.
        candidates = [(*_quality(ranges, fmt.media_type)[:2], 1)]
        candidates += [(*_quality(ranges, alias)[:2], 0) for alias in fmt.aliases if "/" in alias]
        q, specificity, canonical = max(candidates)
        if q > 0:
            scored.append((q, specificity, canonical, -position, fmt))
    if not scored:
        offered = ", ".join([*also_offered, *(f.media_type for f in formats)])
        raise NotAcceptable(f"none of the accepted media types can be produced here; offered: {offered}")
    return max(scored, key=lambda item: item[:4])[-1]  # type: ignore[no-any-return]


def pick(accept: str | None, offered: Sequence[str]) -> str:
    """The one of ``offered`` (plain media types) a client prefers: the q of the most specific
    range that matches, the earlier offered on a tie, the first when the client states no
    preference. :class:`NotAcceptable` when it accepts none of them."""
    ranges = parse_accept(accept)
    if not ranges:
        return offered[0]
    best = max(offered, key=lambda m: (_quality(ranges, m)[0], -offered.index(m)))
    if _quality(ranges, best)[0] <= 0:
        raise NotAcceptable(f"none of the accepted media types can be produced here; offered: {', '.join(offered)}")
    return best


def prefers_html(accept: str | None) -> bool:
    """True when a client (a browser) asks for HTML ahead of any RDF or results format."""
    ranges = parse_accept(accept)
    html_q = _quality(ranges, HTML)
    if html_q[0] == 0 or html_q[1] < 2:
        return False
    others = [_quality(ranges, f.media_type) for f in (*SOLUTION_FORMATS, *GRAPH_FORMATS)]
    return all(html_q >= other or other[1] < 2 for other in others)
