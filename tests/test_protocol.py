"""Every error case of the SPARQL 1.1 Protocol for queries, without a server."""

from __future__ import annotations

import pytest

from lexgraph.api.protocol import read_get, read_post
from lexgraph.errors import UnsupportedMediaType, UsageError
from lexgraph.sparql_guard import UpdateNotAllowed

FORM = "application/x-www-form-urlencoded"


def test_get_reads_query_and_dataset() -> None:
    call = read_get([("query", "ASK {}"), ("default-graph-uri", "a:1"), ("named-graph-uri", "a:2"),
                     ("named-graph-uri", "a:3"), ("timeout", "2"), ("format", "xml")])
    assert (call.query, call.default_graphs, call.named_graphs, call.timeout, call.formats) == (
        "ASK {}", ("a:1",), ("a:2", "a:3"), "2", ("xml",))


def test_more_than_one_query_is_refused() -> None:
    with pytest.raises(UsageError, match="more than one 'query'"):
        read_get([("query", "ASK {}"), ("query", "ASK {}")])
    with pytest.raises(UsageError, match="more than one"):
        read_post([("query", "ASK {}")], FORM, b"query=ASK+%7B%7D")
    with pytest.raises(UsageError, match="more than one"):
        read_post([("query", "ASK {}")], "application/sparql-query", b"ASK {}")


def test_post_form_and_direct() -> None:
    assert read_post([], FORM, b"query=ASK+%7B%7D&default-graph-uri=a%3A1").default_graphs == ("a:1",)
    assert read_post([("named-graph-uri", "a:2")], "application/sparql-query; charset=UTF-8", b"ASK {}").named_graphs == ("a:2",)


@pytest.mark.parametrize("content_type", [None, "", "text/plain", "application/json", "multipart/form-data; boundary=x"])
def test_missing_or_wrong_media_type_is_415(content_type: str | None) -> None:
    with pytest.raises(UnsupportedMediaType):
        read_post([], content_type, b"ASK {}")


def test_other_charsets_are_415() -> None:
    with pytest.raises(UnsupportedMediaType, match="charset"):
        read_post([], "application/sparql-query; charset=latin-1", b"ASK {}")


def test_body_not_utf8_is_refused_with_position() -> None:
    with pytest.raises(UsageError, match="not valid UTF-8 \\(byte 5\\)"):
        read_post([], "application/sparql-query", b"ASK {\xff}")
    with pytest.raises(UsageError, match="UTF-8"):
        read_post([], FORM, b"query=ASK%20%7B%FF%7D")


def test_updates_sent_to_the_query_endpoint_are_refused() -> None:
    with pytest.raises(UpdateNotAllowed):
        read_post([], FORM, b"update=CLEAR+ALL")
    with pytest.raises(UpdateNotAllowed):
        read_post([], "application/sparql-update", b"CLEAR ALL")
    with pytest.raises(UpdateNotAllowed):
        read_get([("update", "CLEAR ALL")])
