"""The answer cache keeps no query text and counts every entry's bytes against its limit."""

from __future__ import annotations

from lexgraph.cache import ENTRY_OVERHEAD, AnswerCache, cache_key
from lexgraph.media import negotiate
from lexgraph.results import Answer
from lexgraph.store.base import QueryRequest

JSON = negotiate("solutions", None, "json")


def _request(query: str, **kw: object) -> QueryRequest:
    return QueryRequest(query, JSON, timeout_s=1.0, max_results=10, **kw)  # type: ignore[arg-type]


def test_keys_are_fixed_size_digests_that_tell_requests_apart() -> None:
    long_query = "SELECT * WHERE { ?s ?p ?o } #" + "x" * 256 * 1024
    key = cache_key(_request(long_query))
    assert isinstance(key, bytes) and len(key) == 32
    assert cache_key(_request(long_query)) == key
    different = {
        cache_key(_request("ASK {}")),
        cache_key(_request("ASK {}", default_graphs=("urn:a",))),
        cache_key(_request("ASK {}", named_graphs=("urn:a",))),
        cache_key(_request("ASK {}", default_graphs=("urn:a", "urn:b"))),
        cache_key(_request("ASK {}", default_graphs=("urn:a\x00urn:b",))),
        cache_key(QueryRequest("ASK {}", negotiate("solutions", None, "xml"), timeout_s=1.0, max_results=10)),
    }
    assert len(different) == 6


def test_many_distinct_queries_never_hold_more_than_the_limit() -> None:
    cache = AnswerCache(100_000)
    for i in range(2000):
        query = f"SELECT * WHERE {{ ?s ?p ?o }} # {i} " + "x" * 4096
        cache.put(cache_key(_request(query)), Answer(b"{}", "application/json", 0, False), cache.generation)
        assert cache._bytes <= cache.max_bytes
    assert len(cache._entries) <= 100_000 // (ENTRY_OVERHEAD + 2)
    assert all(len(key) == 32 for key in cache._entries)
