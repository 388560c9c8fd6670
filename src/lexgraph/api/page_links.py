"""Links from one page of the site to a party's views (its timeline, what bound it on a day),
shared by the home, entity and in-force pages so they name a party the same way."""

from __future__ import annotations

from urllib.parse import urlencode

from ..prefixes import ID_IRI


def party_param(iri: str) -> str:
    """How links name a party: its id under ``/id/`` (``party/kazakhstan``), which the
    timeline and in-force views accept; the IRI itself for things outside it."""
    return iri[len(ID_IRI):] if iri.startswith(ID_IRI) else iri


def timeline_href(iri: str) -> str:
    return "/timeline?" + urlencode({"party": party_param(iri)}, safe="/")


def in_force_href(iri: str, day: str | None = None) -> str:
    return "/in-force?" + urlencode({"party": party_param(iri), **({"date": day} if day else {})}, safe="/")
