"""Property-based fuzzing of the running service over loopback.

* Every operation of the OpenAPI document, with Schemathesis (v4): data that fits the schema
  and data that does not, a bounded number of examples per operation; no answer may be a
  5xx (the ``not_a_server_error`` check, done here by hand on each response so that every
  failure is collected, not just the first).
* ``/sparql`` itself, with Hypothesis: random mixes of SPARQL keywords and punctuation, odd
  whitespace, comments, strings, escapes, ``SERVICE``/``LOAD`` fragments naming a loopback
  listener, random text and bytes; sent by GET, form POST and ``application/sparql-query``
  POST. No 5xx but 503 ``query_timeout``/``executor_failed``, every error JSON, and the
  listener is never contacted.
"""

from __future__ import annotations

import time
from typing import Any, Callable

import httpx
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from ..servers import Server
from .helpers import MarkerListener

EXAMPLES_PER_OPERATION = 25
SPARQL_EXAMPLES = 300
ALLOWED_503 = {"query_timeout", "executor_failed"}

_SETTINGS = dict(deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck),
                 phases=[Phase.explicit, Phase.generate], report_multiple_bugs=False, print_blob=False)


@pytest.fixture(params=["embedded", "remote"])
def server(request: pytest.FixtureRequest) -> Server:
    return request.getfixturevalue(f"{request.param}_server")


# --- every OpenAPI operation, with Schemathesis --------------------------------------------------

def _operations(server: Server) -> list[Any]:
    import schemathesis

    schema = schemathesis.openapi.from_url(server.url + "/openapi.json", timeout=30)
    operations = []
    for result in schema.get_all_operations():
        if hasattr(result, "err"):
            raise AssertionError(f"the OpenAPI document has an operation Schemathesis cannot read: {result.err()}")
        operations.append(result.ok())
    return operations


def _fuzz_operation(operation: Any, base_url: str, mode: Any, found: list[str], counter: list[int]) -> None:
    @settings(max_examples=EXAMPLES_PER_OPERATION, **_SETTINGS)  # type: ignore[arg-type]
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case: Any) -> None:
        response = case.call(base_url=base_url, timeout=60)
        counter[0] += 1
        if response.status_code >= 500:
            found.append(f"{operation.label} ({mode.value}): {response.status_code} {response.text[:300]!r}\n"
                         f"    {case.as_curl_command(base_url=base_url)}")

    run()


def test_no_openapi_operation_answers_a_5xx(server: Server) -> None:
    from schemathesis import GenerationMode

    operations = _operations(server)
    assert len(operations) >= 10, [op.label for op in operations]
    found: list[str] = []
    counter = [0]
    skipped: list[str] = []
    started = time.monotonic()
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            try:
                _fuzz_operation(operation, server.url, mode, found, counter)
            except Exception as exc:  # e.g. no negative data can be built for an operation without parameters
                if type(exc).__name__ in ("Unsatisfiable", "FailedHealthCheck") or "cannot" in str(exc).lower():
                    skipped.append(f"{operation.label} {mode.value}: {type(exc).__name__}")
                    continue
                raise
    elapsed = time.monotonic() - started
    assert counter[0] >= len(operations) * 5, (counter, skipped)
    assert not found, f"{len(found)} 5xx answers in {counter[0]} requests ({elapsed:.0f} s):\n" + "\n".join(found[:30])


# --- /sparql, with Hypothesis ------------------------------------------------------------------

KEYWORDS = ["SELECT", "ASK", "CONSTRUCT", "DESCRIBE", "WHERE", "FROM", "NAMED", "GRAPH", "SERVICE", "SILENT",
            "LOAD", "INSERT", "DELETE", "DATA", "CLEAR", "DROP", "WITH", "INTO", "OPTIONAL", "UNION", "MINUS",
            "FILTER", "BIND", "AS", "VALUES", "EXISTS", "NOT", "IN", "BASE", "PREFIX", "LIMIT", "OFFSET", "ORDER BY",
            "GROUP BY", "HAVING", "DISTINCT", "REDUCED", "COUNT", "SUM", "CONCAT", "REGEX", "STR", "IRI", "a", "true",
            "UNDEF", "select", "Service", "sErViCe", "load", "from named"]
PUNCTUATION = ["{", "}", "(", ")", "[", "]", ".", ";", ",", "*", "/", "|", "^", "!", "+", "-", "?", "$", "<", ">",
               "=", "!=", "&&", "||", "^^", "@en", ":", "_:b", "#"]
TERMS = ["?s", "?p", "?o", "$x", "<urn:x>", "<>", "<#>", "lg:Treaty", "skos:prefLabel", ":", "x:",
         "<https://w3id.org/lexgraph/graph/data/treaties>", "<https://w3id.org/lexgraph/id/party/kazakhstan>",
         "1", "-0.5e3", '"s"', "'s'", '"""a\nb"""', "'''x'''", '"\\u0053"', '"unterminated', "'''unterminated",
         "\\u0053ERVICE", "SERV\\u0049CE", "\\U00000053ELECT", "<urn:\\u003e>"]
SPACES = [" ", "\t", "\n", "\r\n", "\x0b", "\x0c", "\u00a0", "\u2028", "\u3000", "# comment\n", "#\r", "", "\x00"]


def _hostile_fragments(url: str) -> list[str]:
    return [f"SERVICE <{url}/sparql> {{ ?s ?p ?o }}", f"SERVICE SILENT <{url}/>{{}}", f"LOAD <{url}/x>",
            f"FROM <{url}/g>", f"FROM NAMED <{url}/g>", f"BASE <{url}/>", f"PREFIX h: <{url}/>", "SERVICE h:x {}",
            f"<{url}/>", "FROM <file:///etc/passwd>", f"SERVICE ?u {{}} BIND(<{url}/> AS ?u)"]


def _query_text(url: str) -> st.SearchStrategy[str]:
    printable = st.characters(blacklist_categories=("Cs",))
    token = st.one_of(
        st.sampled_from(KEYWORDS), st.sampled_from(PUNCTUATION), st.sampled_from(TERMS),
        st.sampled_from(_hostile_fragments(url)),
        st.text(alphabet=printable, max_size=12),
        st.integers(-10**6, 10**6).map(str),
    )
    built = st.lists(st.tuples(token, st.sampled_from(SPACES)), min_size=1, max_size=40).map(
        lambda parts: "".join(t + s for t, s in parts))
    # queries that start like real ones, so more of them reach past the parser's first token
    prefixed = st.tuples(st.sampled_from(["SELECT * WHERE {", "ASK {", "CONSTRUCT WHERE {", "SELECT ?s {",
                                          "DESCRIBE ?s WHERE {", "PREFIX lg: <https://w3id.org/lexgraph/def/> SELECT * {"]),
                         built, st.sampled_from(["}", "} LIMIT 1", "", "}}"])).map(lambda t: " ".join(t))
    return st.one_of(prefixed, built, st.text(alphabet=printable, max_size=200))


def _check(response: httpx.Response, listener: MarkerListener, found: list[str], what: str) -> None:
    assert listener.marker not in response.text, f"{what}: the listener's answer came back"
    status = response.status_code
    if status >= 500:
        code = None
        try:
            code = response.json().get("error")
        except ValueError:
            pass
        if not (status == 503 and code in ALLOWED_503):
            found.append(f"{what} -> {status} {response.text[:300]!r}")
            return
    if status >= 400:
        media = response.headers.get("content-type", "")
        try:
            body = response.json() if media.startswith("application/json") else None
        except ValueError:
            body = None
        if not (isinstance(body, dict) and isinstance(body.get("error"), str) and isinstance(body.get("message"), str)):
            found.append(f"{what} -> {status} not a JSON error: {media} {response.text[:200]!r}")


def _fuzz_sparql(server: Server, listener: MarkerListener, send: Callable[[httpx.Client, Any], httpx.Response],
                 strategy: st.SearchStrategy[Any]) -> list[str]:
    found: list[str] = []
    with httpx.Client(trust_env=False, timeout=60) as http:
        @settings(max_examples=SPARQL_EXAMPLES, **_SETTINGS)  # type: ignore[arg-type]
        @given(value=strategy)
        def run(value: Any) -> None:
            try:
                response = send(http, value)
            except httpx.InvalidURL:
                return  # httpx will not send it: nothing reached the server
            _check(response, listener, found, repr(value)[:300])

        run()
    return found


def test_fuzzed_queries_by_get(server: Server, listener: MarkerListener) -> None:
    found = _fuzz_sparql(server, listener, lambda http, q: http.get(server.url + "/sparql",
                                                                     params={"query": q, "timeout": "1"}),
                         _query_text(listener.url))
    time.sleep(0.3)
    assert listener.connections == 0, f"{listener.connections} connections reached the listener"
    assert not found, f"{len(found)} failures:\n" + "\n".join(found[:30])


def test_fuzzed_queries_by_post(server: Server, listener: MarkerListener) -> None:
    def send(http: httpx.Client, value: tuple[str, str]) -> httpx.Response:
        how, query = value
        if how == "form":
            return http.post(server.url + "/sparql", data={"query": query, "timeout": "1"})
        return http.post(server.url + "/sparql", params={"timeout": "1"}, content=query.encode("utf-8"),
                         headers={"Content-Type": "application/sparql-query"})

    found = _fuzz_sparql(server, listener, send, st.tuples(st.sampled_from(["form", "body"]), _query_text(listener.url)))
    time.sleep(0.3)
    assert listener.connections == 0, f"{listener.connections} connections reached the listener"
    assert not found, f"{len(found)} failures:\n" + "\n".join(found[:30])


CONTENT_TYPES = ["application/sparql-query", "application/x-www-form-urlencoded", "application/sparql-query; charset=utf-8",
                 "application/sparql-update", "text/plain", "", "multipart/form-data; boundary=x",
                 "application/x-www-form-urlencoded; charset=latin-1", "application/sparql-query;charset=\"UTF-8\""]


def test_fuzzed_bytes_by_post(server: Server, listener: MarkerListener) -> None:
    fragments = st.sampled_from([f.encode() for f in _hostile_fragments(listener.url)]
                                + [b"query=", b"update=", b"&", b"%", b"%ff", b"%00", b"SELECT * {", b"}", b"\xff\xfe"])
    body = st.lists(st.one_of(st.binary(max_size=40), fragments), max_size=12).map(b"".join)

    def send(http: httpx.Client, value: tuple[str, bytes, str]) -> httpx.Response:
        content_type, content, query_string = value
        headers = {"Content-Type": content_type} if content_type else {}
        return http.post(server.url + "/sparql?" + query_string, content=content, headers=headers)

    query_strings = st.sampled_from(["", "timeout=1", "query=ASK%7B%7D", "update=CLEAR%20ALL", "timeout=1&format=csv",
                                     "default-graph-uri=x", "%ff", "query=%ff", "format=%00"])
    found = _fuzz_sparql(server, listener, send, st.tuples(st.sampled_from(CONTENT_TYPES), body, query_strings))
    time.sleep(0.3)
    assert listener.connections == 0, f"{listener.connections} connections reached the listener"
    assert not found, f"{len(found)} failures:\n" + "\n".join(found[:30])


def test_remote_oxigraph_still_answers(oxigraph_check: object) -> None:
    oxigraph_check()  # type: ignore[operator]
