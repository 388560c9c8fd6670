"""``/graph/…`` against a real server: JSON and Turtle answers, errors, caps."""

from __future__ import annotations

import httpx
import pyoxigraph as ox

from .servers import Server

ID = "https://w3id.org/lexgraph/id/"
LG = "https://w3id.org/lexgraph/def/"
TRIPS_51_TO_CODE = {"from": "treaty/trips/article/51", "to": "act/kz/code-on-customs-regulation"}


def get(server: Server, path: str, params: dict[str, object], accept: str | None = None) -> httpx.Response:
    headers = {"Accept": accept} if accept else {}
    return httpx.get(server.url + path, params=params, headers=headers, trust_env=False, timeout=60)  # type: ignore[arg-type]


def test_paths_answer_in_json_through_the_provision(embedded_server: Server) -> None:
    response = get(embedded_server, "/graph/paths", {**TRIPS_51_TO_CODE, "max": 3})
    assert response.status_code == 200 and response.headers["content-type"].startswith("application/json")
    assert "Accept" in response.headers["vary"]
    body = response.json()
    assert body["source"]["id"] == "treaty/trips/article/51" and body["truncated"] is True
    first = body["paths"][0]
    assert first["length"] == 4
    assert first["nodes"][1]["id"] == "provision/customs-code-458-5-registered-and-unregistered-objects-checklist"
    assert first["edges"][0] == {
        "subject": ID + "provision/customs-code-458-5-registered-and-unregistered-objects-checklist",
        "predicate": LG + "implementsTreatyArticle", "predicate_label": "implements treaty article",
        "object": ID + "treaty/trips/article/51", "hop": 1, "direction": "backward"}


def test_paths_answer_in_turtle(embedded_server: Server) -> None:
    response = get(embedded_server, "/graph/paths", {**TRIPS_51_TO_CODE, "max": 1}, accept="text/turtle")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/turtle")
    triples = list(ox.parse(response.content, format=ox.RdfFormat.TURTLE))
    assert len(triples) == 4
    assert ox.NamedNode(LG + "implementsTreatyArticle") in {t.predicate for t in triples}


def test_no_path_is_an_empty_list(embedded_server: Server) -> None:
    response = get(embedded_server, "/graph/paths", {"from": "treaty/trips/article/51", "to": "org/kz-customs-authority",
                                                     "max_length": 2})
    assert response.status_code == 200
    assert response.json()["paths"] == [] and response.json()["truncated"] is False


def test_neighbours_are_capped_and_say_so(embedded_server: Server) -> None:
    body = get(embedded_server, "/graph/neighbours", {"node": ID + "party/kazakhstan", "limit": 3}).json()
    assert len(body["nodes"]) == 3 and body["truncated"] is True and body["limit"] == 3
    full = get(embedded_server, "/graph/neighbours",
               {"node": "party/kazakhstan", "predicate": "lg:party", "direction": "in", "limit": 1000}).json()
    assert full["truncated"] is False and any("lg:TreatyAction" in n["types"] for n in full["nodes"])
    assert all(e["predicate"] == LG + "party" and e["object"] == ID + "party/kazakhstan" for e in full["edges"])


def test_ancestors_carry_claim_and_source(embedded_server: Server) -> None:
    body = get(embedded_server, "/graph/ancestors", {"node": "org/kz-customs-authority", "relation": "parent-body"}).json()
    step = body["chains"][0][0]
    assert step["parent"]["id"] == "org/kz-ministry-of-finance"
    claim = step["claims"][0]
    assert set(claim) >= {"as_of", "from", "until"}
    assert claim["sources"][0]["iri"] == ID + "source/cable-almaty-000753"
    down = get(embedded_server, "/graph/descendants", {"node": "act/kz/criminal-code", "relation": "edition-of"}).json()
    assert len(down["chains"]) == 3


def test_hierarchy_answers_in_turtle(embedded_server: Server) -> None:
    response = get(embedded_server, "/graph/ancestors",
                   {"node": "act/kz/criminal-code-checklist-edition/article/198/part/1", "relation": "part-of"},
                   accept="text/turtle")
    triples = list(ox.parse(response.content, format=ox.RdfFormat.TURTLE))
    assert len(triples) == 3


def test_unknown_node_is_404(embedded_server: Server) -> None:
    response = get(embedded_server, "/graph/neighbours", {"node": "treaty/no-such-treaty"})
    assert response.status_code == 404
    assert response.json()["error"] == "not_found" and "treaty/no-such-treaty" in response.json()["message"]


def test_bad_parameters_are_422_with_the_bound(embedded_server: Server) -> None:
    cases = [
        ("/graph/neighbours", {"node": "party/kazakhstan", "depth": 4}, "depth: Input should be less than or equal to 3"),
        ("/graph/neighbours", {"node": "party/kazakhstan", "limit": 1001}, "limit: Input should be less than or equal to 1000"),
        ("/graph/paths", {**TRIPS_51_TO_CODE, "max": 21}, "max: Input should be less than or equal to 20"),
        ("/graph/paths", {**TRIPS_51_TO_CODE, "max_length": 0}, "max_length: Input should be greater than or equal to 1"),
        ("/graph/ancestors", {"node": "party/kazakhstan", "relation": "sibling"}, "relation: Input should be"),
        ("/graph/neighbours", {"node": "party/kazakhstan", "predicate": "lg:noSuchProperty"}, "lg:noSuchProperty"),
    ]
    for path, params, expected in cases:
        response = get(embedded_server, path, params)
        assert response.status_code == 422, (path, params)
        assert response.json()["error"] == "invalid_parameters" and expected in response.json()["message"]


def test_other_media_types_are_406(embedded_server: Server) -> None:
    response = get(embedded_server, "/graph/neighbours", {"node": "party/kazakhstan"}, accept="text/html")
    assert response.status_code == 406 and response.json()["error"] == "not_acceptable"


def test_openapi_documents_the_graph_routes(embedded_server: Server) -> None:
    spec = httpx.get(embedded_server.url + "/openapi.json", trust_env=False).json()
    paths = spec["paths"]["/graph/paths"]["get"]
    params = {p["name"]: p for p in paths["parameters"]}
    assert set(params) == {"from", "to", "max", "max_length", "via_terms"}
    assert params["max"]["schema"]["maximum"] == 20 and all(p.get("description") for p in params.values())
    assert "text/turtle" in paths["responses"]["200"]["content"] and "422" in paths["responses"]
    assert spec["components"]["schemas"]["PathsOut"]["examples"]


def test_both_store_modes_give_the_same_neighbourhood(embedded_server: Server, remote_server: Server) -> None:
    params = {"node": "act/kz/code-on-customs-regulation", "depth": 2, "limit": 1000}
    answers = [get(s, "/graph/neighbours", params).json() for s in (embedded_server, remote_server)]
    assert answers[0] == answers[1] and answers[0]["nodes"]
