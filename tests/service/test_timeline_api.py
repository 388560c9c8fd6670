"""GET /timeline and GET /in-force on a real server (embedded store): formats, errors, schema."""

from __future__ import annotations

import csv
import io

import httpx
import pyoxigraph as ox
import pytest

from .servers import Server

ID = "https://w3id.org/lexgraph/id/"
LG = "https://w3id.org/lexgraph/def/"


def get(server: Server, path: str, accept: str | None = None, **params: str) -> httpx.Response:
    headers = {"Accept": accept} if accept else {}
    return httpx.get(server.url + path, params=params, headers=headers, timeout=60, trust_env=False)


def test_timeline_json_by_default(embedded_server: Server) -> None:
    response = get(embedded_server, "/timeline", party="kazakhstan", treaty="wct")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    assert "accept" in response.headers["vary"].lower()
    data = response.json()
    assert data["party"]["iri"] == ID + "party/kazakhstan" and data["treaty"]["iri"] == ID + "treaty/wct"
    assert [(e["date"], e["precision"], e["kind"]["label"]) for e in data["events"]] == [
        ("2004", "year", "ratification"), ("2004-08-12", "day", "ratification"),
        ("2004-11-12", "day", "entry into force for the party")]
    assert data["events"][0]["class"]["iri"] == LG + "TreatyAction"
    assert ID + "treaty-action/kz-wct-signature-paper1999" in {r["iri"] for r in data["undated_left_out"]}


def test_timeline_csv(embedded_server: Server) -> None:
    response = get(embedded_server, "/timeline", accept="text/csv", party="KAZAKHSTAN", **{"from": "2004-10", "to": "2004-10"})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    sent = next(r for r in rows if r["event"].endswith("criminal-code-184-draft-sent-to-parliament-cable2005"))
    assert (sent["date"], sent["precision"]) == ("2004-10", "month")
    assert "2004-08-12" not in {r["date"] for r in rows}


def test_timeline_turtle_is_a_graph_of_the_events(embedded_server: Server) -> None:
    response = get(embedded_server, "/timeline", accept="text/turtle", party="kazakhstan", treaty="wct")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/turtle")
    store = ox.Store()
    store.load(response.content, format=ox.RdfFormat.TURTLE)
    event = ox.NamedNode(ID + "treaty-action/kz-wct-ratification-cable2005")
    dates = [q.object for q in store.quads_for_pattern(event, ox.NamedNode(LG + "date"), None)]
    assert dates == [ox.Literal("2004", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#gYear"))]
    quotes = {s["q"].value for s in store.query(
        f"SELECT ?q WHERE {{ <{event.value}> <{LG}evidence>/<{LG}quote> ?q }}")}  # type: ignore[union-attr]
    assert "Kazakhstan ratified the WIPO Treaties on Copyrights and Performances and Phonograms in 2004." in quotes
    signature = ox.NamedNode(ID + "treaty-action/kz-wct-signature-paper1999")
    assert not list(store.quads_for_pattern(signature, None, None))  # undated: not on the timeline


def test_unacceptable_media_type_is_406(embedded_server: Server) -> None:
    response = get(embedded_server, "/timeline", accept="application/pdf", party="kazakhstan")
    assert response.status_code == 406 and response.json()["error"] == "not_acceptable"
    assert get(embedded_server, "/in-force", accept="text/csv", party="kazakhstan", date="2005-01-01").status_code == 406


def test_unknown_party_is_404(embedded_server: Server) -> None:
    response = get(embedded_server, "/timeline", party="Atlantis")
    assert response.status_code == 404
    assert response.json()["error"] == "not_found" and "Atlantis" in response.json()["message"]
    assert get(embedded_server, "/in-force", party="Atlantis", date="2005-01-01").status_code == 404


@pytest.mark.parametrize("path,params,expected", [
    ("/timeline", {"party": "kazakhstan", "from": "2004/10"}, "YYYY-MM"),
    ("/timeline", {"party": "kazakhstan", "to": "2004-13"}, "YYYY-MM"),
    ("/timeline", {}, "party"),
    ("/in-force", {"party": "kazakhstan", "date": "2005"}, "YYYY-MM-DD"),
    ("/in-force", {"party": "kazakhstan"}, "YYYY-MM-DD"),
])
def test_bad_parameters_are_422_with_the_expected_format(embedded_server: Server, path: str, params: dict[str, str],
                                                          expected: str) -> None:
    response = get(embedded_server, path, **params)
    assert response.status_code == 422
    body = response.json()
    assert body["error"] == "invalid_parameters" and expected in body["message"]


def test_in_force(embedded_server: Server) -> None:
    response = get(embedded_server, "/in-force", party="party/kazakhstan", date="2005-01-01")
    assert response.status_code == 200
    data = response.json()
    treaties = {t["subject"]["iri"]: t for t in data["treaties"]}
    assert treaties[ID + "treaty/berne-convention"]["status"] == "in force"
    assert ID + "treaty/rome-convention" not in treaties
    assert treaties[ID + "treaty/paris-convention"]["status"] == "unknown"
    assert all(t["evidence"] for t in data["treaties"])
    acts = {a["subject"]["iri"]: a["status"] for a in data["acts"]}
    assert acts[ID + "act/kz/copyright-law-1996"] == "in force"


def test_openapi_documents_parameters_schemas_and_examples(embedded_server: Server) -> None:
    spec = get(embedded_server, "/openapi.json").json()
    timeline = spec["paths"]["/timeline"]["get"]
    assert {p["name"] for p in timeline["parameters"]} == {"party", "treaty", "from", "to"}
    assert all(p.get("description") for p in timeline["parameters"])
    content = timeline["responses"]["200"]["content"]
    assert {"application/json", "text/csv", "text/turtle"} <= set(content)
    assert content["application/json"]["example"]["events"]
    assert {"404", "406", "422"} <= set(timeline["responses"])
    in_force = spec["paths"]["/in-force"]["get"]
    assert {p["name"] for p in in_force["parameters"]} == {"party", "date"}
    assert "TimelineModel" in spec["components"]["schemas"] and "InForceModel" in spec["components"]["schemas"]
    assert "class" in spec["components"]["schemas"]["EventModel"]["properties"]
