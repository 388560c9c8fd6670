"""The OpenAPI schema documents every endpoint, so /docs is a usable manual."""

from __future__ import annotations

import httpx

from .servers import Server


def test_every_endpoint_is_documented(embedded_server: Server) -> None:
    schema = httpx.get(embedded_server.url + "/openapi.json", trust_env=False, timeout=30).json()
    paths = schema["paths"]
    for path in ("/sparql", "/data", "/queries", "/health", "/timeline", "/in-force", "/graph/neighbours",
                 "/graph/paths", "/graph/ancestors", "/graph/descendants", "/search"):
        assert path in paths, path
    assert any(p.startswith("/id/") for p in paths) and any(p.startswith("/def") for p in paths)
    for path in ("/timeline", "/in-force", "/graph/neighbours", "/search"):
        get = paths[path]["get"]
        assert get.get("parameters"), f"{path} documents its parameters"
        assert "200" in get["responses"] and get.get("description", "") + get.get("summary", "")
    docs = httpx.get(embedded_server.url + "/docs", trust_env=False, timeout=30)
    assert docs.status_code == 200 and "swagger" in docs.text.lower()
    # Swagger UI comes from this server, never from a CDN.
    assert "/static/swagger-ui/swagger-ui-bundle.js" in docs.text and "cdn" not in docs.text.lower()
    for asset in ("swagger-ui-bundle.js", "swagger-ui.css"):
        assert httpx.get(f"{embedded_server.url}/static/swagger-ui/{asset}", trust_env=False).status_code == 200
