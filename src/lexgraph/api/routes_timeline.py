"""``GET /timeline`` and ``GET /in-force``: a party's dated events, and what bound it on a day.

A thin HTTP shell over :mod:`lexgraph.timeline`: parameters, content negotiation (JSON, CSV,
Turtle) and the response schemas of the OpenAPI document; errors become 404, 406 and 422 in `errors.py`.
"""

from __future__ import annotations

import json
from typing import Any, Awaitable, Callable, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field

from ..cache import digest
from ..media import GRAPH_FORMATS, pick, prefers_html
from ..results import Answer
from ..timeline import InForce, Timeline, as_json, in_force, timeline, timeline_csv, timeline_graph
from .errors import VARY_ACCEPT
from .in_force_page import in_force_page
from .routes_timeline_page import timeline_page
from .state import ServiceState, get_state

router = APIRouter(tags=["timelines"])

JSON, CSV, TURTLE = "application/json", "text/csv", "text/turtle"
TURTLE_FORMAT = next(f for f in GRAPH_FORMATS if f.name == "turtle")


# --- response schemas --------------------------------------------------------------------

class RefModel(BaseModel):
    iri: str = Field(description="The IRI of the thing.")
    label: str = Field(description="Its label: skos:prefLabel, else rdfs:label, else the last segment of the IRI.")


class EvidenceModel(BaseModel):
    source: RefModel = Field(description="The source document.")
    quote: str = Field(description="The document's verbatim words.")
    locator: str | None = Field(None, description="Where in the document the quote stands.")


class DisagreementModel(BaseModel):
    iri: str = Field(description="The lg:Disagreement.")
    kind: RefModel | None = Field(description="Its kind (contradiction, different precision, change over time…).")
    note: str | None = Field(description="What the disagreement is, in the graph's words.")
    between: list[str] = Field(description="Every claim it links (lg:between), this one included.")


class EventModel(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    iri: str = Field(description="The event claim.")
    label: str = Field(description="Its kind and what it is about, for people.")
    class_: RefModel = Field(alias="class", description="lg:TreatyAction, lg:LegalActEvent, lg:PolicyEvent…")
    kind: RefModel | None = Field(description="lg:eventKind, a concept of the vocabularies.")
    date: str = Field(description="The date as the source gives it: YYYY-MM-DD, YYYY-MM or YYYY (never widened).")
    precision: Literal["day", "month", "year"]
    about: RefModel | None = Field(description="The treaty (lg:treaty), act (lg:act) or body the event is about; "
                                               "a policy event concerning the party is about the party.")
    concerns: list[RefModel] = Field(description="What else it concerns (lg:concerns), the party left out.")
    agent: RefModel | None = Field(description="Who carried it out (lg:agent).")
    description: str | None
    evidence: list[EvidenceModel]
    disagreements: list[DisagreementModel]


class TimelineModel(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    party: RefModel
    treaty: RefModel | None = Field(description="The treaty filter, resolved; null when none was given.")
    from_: str | None = Field(alias="from", description="The `from` parameter as given.")
    to: str | None = Field(description="The `to` parameter as given.")
    events: list[EventModel] = Field(description="Dated events in order: earliest day the date can mean, "
                                                 "then finer precision first, then label.")
    undated_left_out: list[RefModel] = Field(description="Claims that match but carry no date, so have no place "
                                                         "on the timeline.")


class ClaimModel(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    iri: str
    class_: RefModel = Field(alias="class")
    kind: RefModel | None = Field(description="Event kind, or treaty status for an lg:TreatyStatus.")
    date: str | None = Field(description="The date used, at its precision (see `basis`).")
    precision: Literal["day", "month", "year"] | None
    basis: str = Field(description="`stated` (lg:date), `as of` (lg:asOf), `source date` (a status at its "
                                   "document's date), `on or before source date` (an undated past event) or `none`.")
    verdict: Literal["before", "straddles", "after", "undated"] = Field(
        description="Where the date lies against the day: wholly on or before it, straddling it, after it, or unknown.")
    evidence: list[EvidenceModel]


class InForceItemModel(BaseModel):
    subject: RefModel = Field(description="The treaty, act or article.")
    status: Literal["in force", "unknown"] = Field(description="`in force` only when every stated date of entry "
                                                               "into force is on or before the day.")
    reason: str
    decided_by: list[str] = Field(description="The claims that decided the status.")
    claims: list[ClaimModel] = Field(description="The claims weighed, each with its verdict.")
    evidence: list[EvidenceModel] = Field(description="The deciding claims' evidence (for an act no claim dates, "
                                                      "the act's own).")
    disagreements: list[DisagreementModel]
    part_of: RefModel | None = Field(None, description="For an article: the act whose status it inherits (its "
                                                       "`claims` are then the act's deciding claims).")


class InForceModel(BaseModel):
    party: RefModel
    date: str = Field(description="The day asked about (YYYY-MM-DD).")
    treaties: list[InForceItemModel]
    acts: list[InForceItemModel]
    articles: list[InForceItemModel]


class ErrorModel(BaseModel):
    error: str = Field(description="A stable code: not_found, not_acceptable, invalid_parameters.")
    message: str


# --- examples ----------------------------------------------------------------------------

_ID = "https://w3id.org/lexgraph/id/"
_WIPO_ARTICLE = {"iri": _ID + "source/wipo-treaties-article",
                 "label": "Journal article on WIPO treaties and copyright protection in Kazakhstan (undated, no author given)"}
_KZ = {"iri": _ID + "party/kazakhstan", "label": "Kazakhstan"}
_WCT = {"iri": _ID + "treaty/wct", "label": "WIPO Copyright Treaty"}
TIMELINE_EXAMPLE: dict[str, Any] = {
    "party": _KZ, "treaty": _WCT, "from": None, "to": None,
    "events": [{
        "iri": _ID + "treaty-action/kz-wct-entry-into-force-wipoarticle",
        "label": "entry into force for the party: WIPO Copyright Treaty",
        "class": {"iri": "https://w3id.org/lexgraph/def/TreatyAction", "label": "treaty action"},
        "kind": {"iri": "https://w3id.org/lexgraph/vocab/entry-into-force-for-party",
                 "label": "entry into force for the party"},
        "date": "2004-11-12", "precision": "day", "about": _WCT, "concerns": [], "agent": None, "description": None,
        "evidence": [{"source": _WIPO_ARTICLE, "locator": "paragraph on the WCT",
                      "quote": "Kazakhstan ratified the WCT on 12 August 2004, and, it entered into force for "
                               "Kazakhstan on 12 November 2004 [8]."}],
        "disagreements": [],
    }],
    "undated_left_out": [{"iri": _ID + "treaty-action/kz-wct-signature-paper1999",
                          "label": "signature: WIPO Copyright Treaty"}],
}
IN_FORCE_EXAMPLE: dict[str, Any] = {
    "party": _KZ, "date": "2005-01-01", "acts": [], "articles": [],
    "treaties": [{
        "subject": {"iri": _ID + "treaty/berne-convention",
                    "label": "Berne Convention for the Protection of Literary and Artistic Works"},
        "status": "in force", "reason": "entered into force on 1999-04-12",
        "decided_by": [_ID + "treaty-action/kz-berne-entry-into-force-wipoarticle"],
        "claims": [{"iri": _ID + "treaty-action/kz-berne-entry-into-force-wipoarticle",
                    "class": {"iri": "https://w3id.org/lexgraph/def/TreatyAction", "label": "treaty action"},
                    "kind": {"iri": "https://w3id.org/lexgraph/vocab/entry-into-force-for-party",
                             "label": "entry into force for the party"},
                    "date": "1999-04-12", "precision": "day", "basis": "stated", "verdict": "before",
                    "evidence": [{"source": _WIPO_ARTICLE, "locator": "paragraph on the Berne Convention",
                                  "quote": "It entered into force for Kazakhstan on 12 April 1999."}]}],
        "evidence": [{"source": _WIPO_ARTICLE, "locator": "paragraph on the Berne Convention",
                      "quote": "It entered into force for Kazakhstan on 12 April 1999."}],
        "disagreements": [],
    }],
}
CSV_EXAMPLE = ("date,precision,event,class,kind,kind_label,about,about_label,sources,quotes,disagreements\r\n"
               f"2004-11-12,day,{_ID}treaty-action/kz-wct-entry-into-force-wipoarticle,treaty action,"
               "https://w3id.org/lexgraph/vocab/entry-into-force-for-party,entry into force for the party,"
               f"{_ID}treaty/wct,WIPO Copyright Treaty,Journal article on WIPO treaties …,"
               "\"Kazakhstan ratified the WCT on 12 August 2004, and, it entered into force …\",\r\n")
TURTLE_EXAMPLE = ("@prefix lg: <https://w3id.org/lexgraph/def/> .\n"
                  f"<{_ID}treaty-action/kz-wct-entry-into-force-wipoarticle> a lg:TreatyAction ;\n"
                  f"  lg:party <{_ID}party/kazakhstan> ;\n  lg:treaty <{_ID}treaty/wct> ;\n"
                  "  lg:eventKind <https://w3id.org/lexgraph/vocab/entry-into-force-for-party> ;\n"
                  '  lg:date "2004-11-12"^^xsd:date ;\n  lg:evidence [ lg:source … ; lg:quote "…" ] .\n')

_PARTY_EXAMPLES = {"name": {"summary": "By name (any case, accents ignored)", "value": "Kazakhstan"},
                   "id": {"summary": "By id", "value": "party/kazakhstan"},
                   "iri": {"summary": "By IRI", "value": _ID + "party/kazakhstan"}}
_ERRORS: dict[int | str, dict[str, Any]] = {
    404: {"model": ErrorModel, "description": "No party (or treaty) in the graph matches.",
          "content": {JSON: {"example": {"error": "not_found", "message": "no party in the graph matches 'Atlantis'; "
                                         "give a name (Kazakhstan, party/kazakhstan), an id or a full IRI"}}}},
    406: {"model": ErrorModel, "description": "The Accept header allows none of the media types offered.",
          "content": {JSON: {"example": {"error": "not_acceptable", "message": "none of the accepted media types "
                                         "can be produced here; offered: application/json"}}}},
    422: {"model": ErrorModel, "description": "A parameter is missing, malformed or ambiguous.",
          "content": {JSON: {"example": {"error": "invalid_parameters", "message": "from: expected a date as YYYY, "
                                         "YYYY-MM or YYYY-MM-DD, got '2004/10'"}}}},
}


# --- helpers -----------------------------------------------------------------------------

def _json(model: type[BaseModel], result: Timeline | InForce) -> bytes:
    """The result checked against its published schema, as JSON."""
    body = as_json(result)
    model.model_validate(body)
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()


async def _answer(state: ServiceState, key: tuple[str, ...], produce: Callable[[], Awaitable[tuple[bytes, str]]]) -> Response:
    """The answer for ``key`` from the service's cache of derived answers (emptied when the
    store changes), else from ``produce``. Errors raised by ``produce`` are never cached."""
    hashed = digest(*key)
    found = state.derived.get(hashed)
    if found is None:
        generation = state.derived.generation
        body, media_type = await produce()
        found = Answer(body, media_type, -1, False)
        state.derived.put(hashed, found, generation)
    return Response(found.body, media_type=found.content_type, headers=VARY_ACCEPT)


# --- routes ------------------------------------------------------------------------------

@router.get(
    "/timeline",
    summary="A party's dated events in date order",
    description=(
        "Every dated event for a party: its treaty actions (lg:party), events of the legal acts under its "
        "jurisdiction (eli:jurisdiction), and the policy or institution events that concern it (lg:concerns). "
        "Each event keeps the date and precision its source gives (a month is never shown as its first day), "
        "with its source, verbatim quotes and the disagreements it is part of. Undated claims are listed in "
        "`undated_left_out`.\n\n"
        "Answers JSON by default, `text/csv` (one row per event) or `text/turtle` (the events' triples, "
        "evidence, labels and disagreements) by `Accept`; 406 otherwise. A browser (`Accept` preferring "
        "`text/html`) gets the timeline page: the events drawn on a time axis, coloured by class, contested "
        "ones marked, each linking to its `/id/…` page, and the same events as a table. "
        "Example: `/timeline?party=kazakhstan&treaty=wct`."),
    response_model=None,
    responses={200: {"model": TimelineModel, "description": "The timeline.",
                     "content": {JSON: {"example": TIMELINE_EXAMPLE},
                                 CSV: {"schema": {"type": "string"}, "example": CSV_EXAMPLE},
                                 TURTLE: {"schema": {"type": "string"}, "example": TURTLE_EXAMPLE},
                                 "text/html": {"schema": {"type": "string"}}}},
               **_ERRORS},
)
async def get_timeline(
    request: Request,
    party: str | None = Query(None, description="Required. The party: a name or alternative name (case and "
                              "accents ignored), an id such as `party/kazakhstan`, or a full IRI.",
                              openapi_examples=_PARTY_EXAMPLES),
    treaty: str | None = Query(None, description="Only events about this treaty (or that concern it): a name, "
                               "short name (WCT), id (`treaty/wct`) or IRI.",
                               openapi_examples={"wct": {"summary": "By short name", "value": "wct"},
                                                 "berne": {"summary": "By name", "value": "Berne Convention"}}),
    date_from: str | None = Query(None, alias="from", description="Only events whose date can fall on or after "
                                  "the first day of this date: YYYY, YYYY-MM or YYYY-MM-DD.",
                                  openapi_examples={"year": {"summary": "A year", "value": "2004"}}),
    date_to: str | None = Query(None, alias="to", description="Only events whose date can fall on or before the "
                                "last day of this date: YYYY, YYYY-MM or YYYY-MM-DD.",
                                openapi_examples={"month": {"summary": "A month", "value": "2004-10"}}),
    state: ServiceState = Depends(get_state),
) -> Response:
    if prefers_html(request.headers.get("accept")):  # a browser: the page (routes_timeline_page)
        return await timeline_page(state.store, party, treaty, date_from, date_to, await state.timelines.get())
    media = pick(request.headers.get("accept"), (JSON, CSV, TURTLE))

    async def produce() -> tuple[bytes, str]:
        result = await timeline(state.store, party or "", treaty or None, date_from, date_to, await state.timelines.get())
        if media == CSV:
            return timeline_csv(result).encode(), "text/csv; charset=utf-8"
        if media == TURTLE:
            return await timeline_graph(state.store, result, TURTLE_FORMAT), TURTLE_FORMAT.content_type
        return _json(TimelineModel, result), JSON

    return await _answer(state, ("timeline", party or "", treaty or "", date_from or "", date_to or "", media), produce)


@router.get(
    "/in-force",
    summary="What bound a party on a given day",
    description=(
        "The treaties, laws and articles binding a party on a day, each with a status, the reason, the claims "
        "weighed (with their evidence) and the disagreements among them. `in force` only when the sources' "
        "stated dates of entry into force are all on or before the day; a stated month or year that straddles "
        "the day, a joining or adoption with no entry into force recorded, a `party` status, or a draft whose "
        "adoption no source records, give `unknown`. Articles inherit the status of their act. A browser (`Accept` "
        "preferring `text/html`) gets the in-force page: a form, and tables of what was in force and what is "
        "unknown with the reasons and the sources' quotes. "
        "Example: `/in-force?party=kazakhstan&date=2005-01-01`."),
    response_model=None,
    responses={200: {"model": InForceModel, "description": "What was in force.",
                     "content": {JSON: {"example": IN_FORCE_EXAMPLE}, "text/html": {"schema": {"type": "string"}}}},
               **_ERRORS},
)
async def get_in_force(
    request: Request,
    party: str | None = Query(None, description="Required. The party: a name (case and accents ignored), an id "
                              "such as `party/kazakhstan`, or a full IRI.", openapi_examples=_PARTY_EXAMPLES),
    date: str | None = Query(None, description="Required. The day, as YYYY-MM-DD.",
                             openapi_examples={"day": {"summary": "A day", "value": "2005-01-01"}}),
    state: ServiceState = Depends(get_state),
) -> Response:
    if prefers_html(request.headers.get("accept")):  # a browser: the page (in_force_page)
        return await in_force_page(state, party, date)
    pick(request.headers.get("accept"), (JSON,))

    async def produce() -> tuple[bytes, str]:
        return _json(InForceModel, await in_force(state.store, party or "", date or "")), JSON

    return await _answer(state, ("in-force", party or "", date or ""), produce)
