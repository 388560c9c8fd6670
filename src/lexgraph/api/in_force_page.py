"""The in-force page: ``GET /in-force`` for a browser (``Accept`` preferring ``text/html``).

Programs get JSON from the same URL (:mod:`lexgraph.api.routes_timeline`); a browser gets a
form (party and day) and, once both are given, what bound the party on that day as
:func:`lexgraph.timeline.in_force` decides it: a table of what was in force and one of what
is unknown, each row with the reason and the deciding claims' quotes and sources. No
JavaScript; every value from the graph is escaped."""

from __future__ import annotations

from fastapi.responses import HTMLResponse

from ..entity import Ref
from ..errors import UserError
from ..overview import parties
from ..search import LabelIndex, page_path
from ..timeline import Evidence, InForce, InForceItem, in_force
from ..timeline import Ref as TimelineRef
from .errors import status_of
from .layout import esc
from .page_links import party_param, timeline_href
from .html_pages import html_response, link
from .state import ServiceState

DESCRIPTION = ("What bound a party on a given day: the treaties, laws and articles in force, and those the sources "
               "leave unknown, each with the reason and the sources' verbatim words.")


def _ref(r: TimelineRef) -> Ref:
    return Ref(r.iri, r.label, page_path(r.iri))


def _form(options: list[tuple[str, str]], chosen: str | None, day: str | None) -> str:
    """The party as a choice among the graph's parties (any other value given is kept as one),
    the day as a date field."""
    if chosen and chosen not in {value for value, _ in options}:
        options = [(chosen, chosen), *options]
    items = "".join(f'<option value="{esc(v)}"{" selected" if v == chosen else ""}>{esc(label)}</option>'
                    for v, label in options)
    return ('<form method="get" action="/in-force" class="filters">'
            f'<label for="in-force-party">Party</label> <select id="in-force-party" name="party">{items}</select> '
            f'<label for="in-force-date">Day</label> <input id="in-force-date" type="date" name="date" '
            f'value="{esc(day or "")}" required> <button type="submit">Show</button></form>')


def _evidence(items: list[Evidence]) -> str:
    quotes = "".join(f'<li><blockquote>{esc(e.quote)}</blockquote><p class="source">— {link(_ref(e.source))}'
                     f'{", " + esc(e.locator) if e.locator else ""}</p></li>' for e in items)
    return f'<ul class="evidence">{quotes}</ul>' if quotes else "<p>No quote: nothing states it.</p>"


def _what(item: InForceItem, kind: str) -> str:
    part_of = f' <span class="via">of {link(_ref(item.part_of))}</span>' if item.part_of else ""
    return f'{link(_ref(item.subject))}<br><span class="tag">{esc(kind)}</span>{part_of}'


def _contested(item: InForceItem) -> str:
    if not item.disagreements:
        return ""
    notes = "".join(f"<li>{link(Ref(d.iri, d.kind.label if d.kind else 'disagreement', page_path(d.iri)))}"
                    f"{': ' + esc(d.note) if d.note else ''}</li>" for d in item.disagreements)
    return (f'<details class="contested"><summary>Sources disagree ({len(item.disagreements)})</summary>'
            f'<ul class="notes">{notes}</ul></details>')


def _table(rows: list[tuple[InForceItem, str]], caption: str) -> str:
    body = "".join(f'<tr><th scope="row">{_what(item, kind)}</th><td>{esc(item.reason)}{_contested(item)}</td>'
                   f"<td>{_evidence(item.evidence)}</td></tr>" for item, kind in rows)
    return (f'<table class="verdicts"><caption class="visually-hidden">{esc(caption)}</caption><thead><tr>'
            '<th scope="col">What</th><th scope="col">Why</th><th scope="col">Evidence: quote and source</th></tr></thead>'
            f"<tbody>{body}</tbody></table>")


def _rows(result: InForce, status: str) -> list[tuple[InForceItem, str]]:
    kinds = (("treaty", result.treaties), ("legal act", result.acts), ("article", result.articles))
    return [(item, kind) for kind, items in kinds for item in items if item.status == status]


def in_force_body(result: InForce, form: str) -> str:
    """The HTML inside ``main`` for one answer."""
    bound, unknown = _rows(result, "in force"), _rows(result, "unknown")
    party = link(_ref(result.party))
    in_force_html = _table(bound, f"In force for {result.party.label} on {result.date}") if bound else (
        "<p>Nothing the sources record was in force on that day.</p>")
    unknown_html = _table(unknown, f"Unknown for {result.party.label} on {result.date}") if unknown else (
        "<p>None: the sources settle every treaty and act they name.</p>")
    return f"""<h1>In force for {party} on <time datetime="{esc(result.date)}">{esc(result.date)}</time></h1>
<p class="lead">What bound {party} on that day, as the sources state it: <a href="#in-force">{len(bound)} in force</a>,
<a href="#unknown">{len(unknown)} unknown</a>. In force only when every source's stated date of entry into force is on or
before the day; articles follow their act.</p>
{form}
<section id="in-force"><h2>In force ({len(bound)})</h2>{in_force_html}</section>
<section id="unknown"><h2>Unknown ({len(unknown)})</h2>
<p>The sources name these but do not settle whether they bound {party} that day; the reason says what is missing.</p>
{unknown_html}</section>
<p class="api">The same answer for programs: <code>GET /in-force?party=…&amp;date=YYYY-MM-DD</code> with
<code>Accept: application/json</code> (see <a href="/docs">/docs</a>). The party's dated events:
<a href="{esc(timeline_href(result.party.iri))}">its timeline</a>.</p>"""


def _title(result: InForce) -> str:
    return f"In force for {result.party.label} on {result.date}"


def _description(result: InForce) -> str:
    bound, unknown = _rows(result, "in force"), _rows(result, "unknown")
    return (f"What bound {result.party.label} on {result.date}: {len(bound)} treaties, laws and articles in force "
            f"and {len(unknown)} unknown, each with the reason and the sources' verbatim words.")


async def _options(state: ServiceState, index: LabelIndex) -> list[tuple[str, str]]:
    return [(party_param(p.iri), index.label(p.iri) or party_param(p.iri)) for p in await parties(state.store)]


async def in_force_page(state: ServiceState, party: str | None, day: str | None) -> HTMLResponse:
    """The page for browsers: the answer, or the form with what was wrong (404 unknown party,
    422 bad day); without a party or a day, the form with a hint."""
    options = await _options(state, await state.labels.get())
    chosen = party or (options[0][0] if options else None)
    if not party or not day:
        form = _form(options, chosen, day)
        body = f'<h1>What was in force on a day</h1><p class="lead">{esc(DESCRIPTION)}</p>{form}' \
               '<p>Choose a party and a day.</p>'
        return html_response("In force", DESCRIPTION, body, current="in-force")
    try:
        result = await in_force(state.store, party, day)
    except UserError as exc:
        body = (f'<h1>What was in force on a day</h1><p class="lead">{esc(DESCRIPTION)}</p>{_form(options, chosen, day)}'
                f'<p class="error">{esc(exc)}</p>')
        return html_response("In force", DESCRIPTION, body, current="in-force", status=status_of(exc))
    form = _form(options, party_param(result.party.iri), result.date)
    return html_response(_title(result), _description(result), in_force_body(result, form), current="in-force")
