"""The HTML of the entity, ontology, vocabulary and search pages (routes in
:mod:`.routes_pages`), in the site's layout (:mod:`.layout`). No JavaScript; every value from
the graph is escaped here."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi.responses import HTMLResponse

from ..entity import Catalog, Claim, Entity, Evidence, Fact, Link, Ref, Term, Value
from ..prefixes import ONTOLOGY_IRI, PREFIX_IRIS
from ..search import VOCAB_IRI, LabelIndex, page_path, short_name
from . import layout
from .errors import VARY_ACCEPT
from .layout import esc
from .page_links import in_force_href, timeline_href

LG, LGV = PREFIX_IRIS["lg"], PREFIX_IRIS["lgv"]
# No script runs on these pages. connect-src 'self' lets a browser's own tools read the site's
# robots.txt from the page (Lighthouse does; without it the fetch is blocked).
_CSP = ("default-src 'none'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; "
        "base-uri 'none'; frame-ancestors 'none'")
_HTML_HEADERS = {**VARY_ACCEPT, "Content-Security-Policy": _CSP, "X-Content-Type-Options": "nosniff"}


def _href(r: Ref) -> str | None:
    if r.page:
        return r.page
    return r.iri if r.iri.startswith(("http://", "https://")) else None


def link(r: Ref, text: str | None = None) -> str:
    href = _href(r)
    shown = esc(text if text is not None else r.label)
    return f'<a href="{esc(href)}">{shown}</a>' if href else shown


def html_response(title: str, description: str, body: str, *, current: str = "", status: int = 200,
                  alternates: str = "") -> HTMLResponse:
    """A page in the site's layout (:mod:`.layout`), with the pages' security headers."""
    text = layout.page(title, description, body, current=current, stylesheets=("pages.css",), head_extra=alternates)
    return HTMLResponse(text, status_code=status, headers=_HTML_HEADERS)


def _value(fact: Fact) -> str:
    v = fact.value
    if v.ref is not None and v.facts:  # a node of its own (a penalty, a time limit): its page and its facts
        return link(v.ref) + _value(Fact(fact.predicate, Value("", facts=v.facts)))
    if v.ref is not None:
        return link(v.ref)
    if v.facts:
        return "<dl class=\"nested\">" + "".join(f"<dt>{link(f.predicate)}</dt><dd>{_value(f)}</dd>" for f in v.facts) + "</dl>"
    extra = ""
    if v.lang:
        extra = f' <span class="tag">@{esc(v.lang)}</span>'
    elif v.datatype:
        extra = f' <span class="tag">{esc(v.datatype)}</span>'
    return f'<span class="literal">{esc(v.text)}</span>{extra}'


def _facts_table(facts: tuple[Fact, ...] | list[Fact]) -> str:
    rows = "".join(f"<tr><th scope=\"row\">{link(f.predicate)}</th><td>{_value(f)}</td></tr>" for f in facts)
    return f'<table class="facts"><tbody>{rows}</tbody></table>' if rows else "<p>None.</p>"


def _evidence(items: tuple[Evidence, ...]) -> str:
    out = []
    for e in items:
        source = link(e.source) if e.source else "an unnamed source"
        where = f", {esc(e.locator)}" if e.locator else ""
        quote = f"<blockquote>{esc(e.quote)}</blockquote>" if e.quote else ""
        out.append(f'<li class="evidence">{quote}<p class="source">— {source}{where}</p></li>')
    return f'<ul class="evidence">{"".join(out)}</ul>' if out else ""


def _claim_title(claim: Claim) -> str:
    kinds = [f.value.text for f in claim.facts if f.predicate.iri in (LG + "eventKind", LG + "penaltyKind", LG + "indicator")]
    dates = [f.value.text for f in claim.facts if f.predicate.iri in (LG + "date", LG + "asOf")]
    parts = [", ".join(t.label for t in claim.types)] + kinds[:1] + dates[:1]
    return ": ".join(p for p in parts[:2] if p) + (f" ({dates[0]})" if dates else "")


_PARTY_PROPERTIES = (LG + "party", PREFIX_IRIS["eli"] + "jurisdiction")


def _party_views(entity: Entity) -> str:
    """For a party (a state, or what treaty actions or acts name as party or jurisdiction):
    links to its timeline and in-force view."""
    is_party = any(t.iri == LG + "State" for t in entity.types) or any(
        g.predicate.iri in _PARTY_PROPERTIES and g.through is None for g in entity.incoming)
    if not is_party:
        return ""
    name = esc(entity.ref.label)
    return (f'<p class="party-views">Views: <a href="{esc(timeline_href(entity.ref.iri))}">{name}\'s timeline</a> · '
            f'<a href="{esc(in_force_href(entity.ref.iri))}">what bound {name} on a given day</a></p>')


def entity_description(entity: Entity) -> str:
    """The page's meta description: what the entity is, and what the page shows of it."""
    kinds = ", ".join(t.label for t in entity.types) or "Entity"
    return (f"{kinds}: {entity.ref.label}. Its facts, the claims about it with quotes from their sources, "
            "and what links to it in the lexgraph knowledge graph.")


def entity_page(entity: Entity, neighbourhood: list[tuple[Ref, list[tuple[str, Ref]]]], truncated: bool) -> str:
    """The HTML body of an entity page: its heading, links to its sections, the sections."""
    me = entity.ref
    types = ", ".join(link(t) for t in entity.types) or "no type"
    rdf_links = (f'<a href="{esc(me.page)}?format=turtle">Turtle</a> · '
                 f'<a href="{esc(me.page)}?format=jsonld">JSON-LD</a>')
    head = f"""<h1>{esc(me.label)}</h1>
<p class="iri"><code>{esc(me.iri)}</code></p>
<p class="types">Type: {types}. Data: {rdf_links}. Terms: <a href="/def">ontology</a>.</p>{_party_views(entity)}"""
    # (anchor, heading, body) of each section, in page order.
    sections = [("facts", "Facts", _facts_table([f for f in entity.facts if f.predicate.iri != PREFIX_IRIS["rdf"] + "type"]))]
    if entity.evidence:
        sections.append(("evidence", "Evidence", _evidence(entity.evidence)))
    if entity.incoming:  # before the claims: one line per thing, where the claims take a box each
        sections.append(("incoming", f"Links to it ({sum(g.total for g in entity.incoming)})", _incoming(entity)))
    if entity.claims:
        items = []
        for c in entity.claims:
            via = ", ".join(link(v) for v in c.via)
            items.append(f"""<li class="claim"><h3>{link(c.ref, _claim_title(c) or c.ref.label)}</h3>
<p class="claim-id"><code>{esc(c.ref.label if c.ref.label != _claim_title(c) else c.ref.iri)}</code> · links here by {via}</p>
{_facts_table(c.facts)}{_evidence(c.evidence)}</li>""")
        sections.append(("claims", f"Claims about it ({len(entity.claims)})", f'<ul class="claims">{"".join(items)}</ul>'))
    if entity.disagreements:
        items = []
        for d in entity.disagreements:
            kind = link(d.kind) if d.kind else "disagreement"
            between = ", ".join(link(b) for b in d.between)
            note = f"<p>{esc(d.note)}</p>" if d.note else ""
            items.append(f'<li class="disagreement"><p><strong>{kind}</strong> ({link(d.ref, "details")}) between {between}</p>{note}</li>')
        sections.append(("disagreements", "Disagreements", f'<ul>{"".join(items)}</ul>'))
    if neighbourhood:
        items = []
        for other, via in neighbourhood:
            ways = "; ".join(f"{'→' if d == 'out' else '←'} {link(p)}" for d, p in via)
            items.append(f"<li>{link(other)} <span class=\"via\">{ways}</span></li>")
        more = "<p>The neighbourhood is cut short.</p>" if truncated else ""
        sections.append(("neighbourhood", "Neighbourhood", f'<ul class="links">{"".join(items)}</ul>{more}'
                         f'<p><a href="/graph/neighbours?node={esc(entity.id)}">as JSON</a></p>'))
    contents = " · ".join(f'<a href="#{anchor}">{esc(heading)}</a>' for anchor, heading, _ in sections)
    return "\n".join([head, f'<nav class="contents" aria-label="On this page"><p>On this page: {contents}</p></nav>',
                      *(f'<section id="{anchor}"><h2>{esc(heading)}</h2>{body}</section>' for anchor, heading, body in sections)])


def _link_row(item: Link) -> str:
    """One thing that links here: its date, its label (for a claim without one, what kind of
    event or status it is, and what else it is about) and its classes."""
    kinds = ", ".join(k.label for k in item.kinds)
    date = f'<time class="date">{esc(item.date)}</time> ' if item.date else ""
    named = item.subject.label != short_name(item.subject.iri) or item.concept is None
    text = item.subject.label if named else item.concept.label  # type: ignore[union-attr]
    about = f' <span class="via">· {link(item.about)}</span>' if item.about else ""
    tag = f' <span class="tag">{esc(kinds)}</span>' if kinds else ""
    return f"<li>{date}{link(item.subject, text)}{about}{tag}</li>"


def _incoming(entity: Entity) -> str:
    """What links to the entity, one list per property, dated things first in date order."""
    groups = []
    for g in entity.incoming:
        name = link(g.predicate) + (f" › {link(g.through)}" if g.through else "")
        pattern = f"?thing <{g.predicate.iri}> " + (f"[ <{g.through.iri}> <{entity.ref.iri}> ]" if g.through
                                                     else f"<{entity.ref.iri}>")
        every = "/sparql#" + urlencode({"query": f"SELECT ?thing WHERE {{ {pattern} }}"})
        more = (f'<p class="via">The first {len(g.links)} of {g.total} are listed; '
                f'<a href="{esc(every)}">list them all in the SPARQL editor</a>.</p>' if g.total > len(g.links) else "")
        groups.append(f'<section class="link-group"><h3>As {name} ({g.total})</h3>'
                      f'<ul class="links">{"".join(_link_row(i) for i in g.links)}</ul>{more}</section>')
    return f'<p>Things that name {esc(entity.ref.label)}, grouped by the property they name it with.</p>{"".join(groups)}'


def _iri_list(catalog: Catalog, index: LabelIndex, iris: tuple[str, ...]) -> str:
    out = []
    for iri in iris:
        term = catalog.get(iri)
        r = Ref(iri, (term.label if term and term.label else None) or index.label(iri) or short_name(iri), page_path(iri))
        out.append(link(r) + ("" if r.page else f" <code>{esc(short_name(iri))}</code>"))
    return ", ".join(out) or "—"


def term_page(term: Term, catalog: Catalog, index: LabelIndex) -> str:
    rows = [("Kind", esc(term.kind)), ("Definition", esc(term.definition or "—"))]
    if term.kind in ("concept", "concept scheme"):
        rows.append(("In scheme", _iri_list(catalog, index, term.broader)))
        rows.append(("Used by", f'<span class="count">{term.triples}</span> data triples'))
    else:
        rows.append(("Broader", _iri_list(catalog, index, term.broader)))
        rows.append(("Aligned with", _iri_list(catalog, index, term.alignments)))
        rows.append(("Narrower", _iri_list(catalog, index, term.narrower)))
        if term.kind == "class":
            rows.append(("Instances", f'<span class="count">{term.instances}</span> '
                                      f'({term.instances_with_subclasses} with subclasses)'))
        else:
            rows += [("Domain", _iri_list(catalog, index, term.domain)), ("Range", _iri_list(catalog, index, term.range)),
                     ("Used in", f'<span class="count">{term.triples}</span> triples')]
    table = "".join(f'<tr><th scope="row">{k}</th><td>{v}</td></tr>' for k, v in rows)
    members = ""
    if term.kind == "concept scheme":
        items = "".join(f"<li>{link(Ref(m.iri, m.label or m.name, page_path(m.iri)))} — {esc(m.definition or '')}</li>"
                        for m in catalog.members(term.iri))
        members = f"<h2>Concepts</h2><ul>{items}</ul>" if items else ""
    back = '<a href="/vocab">all vocabularies</a>' if term.iri.startswith(LGV) else '<a href="/def">the whole ontology</a>'
    return (f'<h1>{esc(term.label or term.name)}</h1><p class="iri"><code>{esc(term.iri)}</code></p>'
            f'<table class="facts"><tbody>{table}</tbody></table>{members}<p>See {back}.</p>')


def _plural(kind: str) -> str:
    return kind + "es" if kind.endswith("s") else kind[:-1] + "ies" if kind.endswith("y") else kind + "s"


def ontology_index(catalog: Catalog) -> str:
    groups: dict[str, list[Term]] = {}
    for term in catalog.ontology_terms():
        groups.setdefault(term.kind, []).append(term)
    toc = " · ".join(f'<a href="#{esc(k.replace(" ", "-"))}">{esc(_plural(k))}</a>' for k in groups)
    sections = []
    for kind, terms in groups.items():
        rows = []
        for t in terms:
            usage = (f"{t.instances_with_subclasses} instances" if kind == "class" else f"{t.triples} triples")
            aligned = ", ".join(f"<code>{esc(short_name(a))}</code>" for a in t.alignments)
            rows.append(f'<tr><td><a href="/def/{esc(t.name)}">{esc(t.label or t.name)}</a><br><code>lg:{esc(t.name)}</code></td>'
                        f"<td>{esc(t.definition or '')}</td><td>{aligned}</td><td class=\"count\">{usage}</td></tr>")
        sections.append(f'<section id="{esc(kind.replace(" ", "-"))}"><h2>{esc(_plural(kind).capitalize())} '
                        f'({len(terms)})</h2><table class="terms"><thead><tr><th>term</th><th>definition</th>'
                        f'<th>aligned with</th><th>used</th></tr></thead><tbody>{"".join(rows)}</tbody></table></section>')
    return (f'<h1>lexgraph ontology</h1><p class="iri"><code>{esc(ONTOLOGY_IRI)}</code></p>'
            f'<p>Every class and property of the ontology, with its definition, the reused terms it specialises '
            f'and how often the data uses it. Controlled values: <a href="/vocab">the vocabularies</a>.</p>'
            f"<p>{toc}</p>{''.join(sections)}")


def vocab_index(catalog: Catalog) -> str:
    schemes = [t for t in catalog.concepts() if t.kind == "concept scheme" and t.iri != VOCAB_IRI]
    parts = []
    for scheme in schemes:
        items = "".join(f'<li>{link(Ref(m.iri, m.label or m.name, page_path(m.iri)))} <span class="count">({m.triples})</span></li>'
                        for m in catalog.members(scheme.iri))
        parts.append(f'<section><h2>{link(Ref(scheme.iri, scheme.label or scheme.name, page_path(scheme.iri)))}</h2>'
                     f"<p>{esc(scheme.definition or '')}</p><ul class=\"links\">{items}</ul></section>")
    return (f'<h1>lexgraph vocabularies</h1><p class="iri"><code>{esc(VOCAB_IRI)}</code></p>'
            f"<p>The controlled values of the ontology; each count is how many data triples use the concept.</p>{''.join(parts)}")


def search_page(q: str, hits: list[Any], message: str | None = None) -> str:
    form = (f'<form action="/search" method="get" class="big"><input type="search" name="q" value="{esc(q)}" '
            f'aria-label="Search"> <button type="submit">Search</button></form>')
    if message:
        return f'<h1>Search</h1>{form}<p class="error">{esc(message)}</p>'
    if not q:
        return f"<h1>Search</h1>{form}<p>Search treaties, laws, articles, bodies and sources by name or by quoted words.</p>"
    items = []
    for h in hits:
        r = Ref(h.iri, h.label, h.page)
        matched = "" if h.matched == h.label else f' <span class="matched">{esc(h.field)}: “{esc(h.matched[:200])}”</span>'
        types = ", ".join(short_name(t) for t in h.types)
        items.append(f'<li>{link(r)} <span class="tag">{esc(types or h.kind)}</span>{matched}</li>')
    results = f'<ol class="hits">{"".join(items)}</ol>' if items else "<p>Nothing matches.</p>"
    return f'<h1>Search: {esc(q)}</h1>{form}{results}'
