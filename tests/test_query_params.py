"""The query endpoint's URL parameters (``query_params``): what urllib's ``parse_qsl`` gives
for every URL of ASCII characters, percent escapes valid or not, and UTF-8 sent unencoded read
as UTF-8."""

from __future__ import annotations

from urllib.parse import parse_qsl, quote

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lexgraph.api.query_endpoint import query_params
from lexgraph.errors import UsageError

PROPERTY = settings(max_examples=600, deadline=None, derandomize=True, database=None)

PIECES = st.one_of(
    st.text(alphabet=st.characters(min_codepoint=0x21, max_codepoint=0x7E), max_size=6),
    st.sampled_from(["%", "%4", "%4g", "%41", "%e9", "%C3%A9", "%c3", "%E6%96%87", "%ff", "%00", "%5C", "%25",
                     "+", "&", "=", "&&", "==", "\\", "\\x41", "\\%41", "%%41", " "]),
)


def _urllib(query_string: bytes) -> list[tuple[str, str]] | str:
    try:
        return parse_qsl(query_string.decode("latin-1"), keep_blank_values=True, encoding="utf-8", errors="strict")
    except UnicodeDecodeError:
        return "not UTF-8"


def _ours(query_string: bytes) -> list[tuple[str, str]] | str:
    try:
        return query_params(query_string)
    except UsageError as exc:
        assert "not valid UTF-8" in str(exc)
        return "not UTF-8"


@PROPERTY
@given(st.lists(PIECES, max_size=12).map("".join))
def test_ascii_urls_read_as_urllib_reads_them(url: str) -> None:
    assert _ours(url.encode("ascii")) == _urllib(url.encode("ascii"))


@pytest.mark.parametrize("text", ['SELECT ?s { ?s ?p "Қазақстан"@kk }', "a+b = c & d", "100% \\x41", "文"])
def test_an_encoded_query_comes_back_as_it_was(text: str) -> None:
    assert query_params(b"query=" + quote(text, safe="").encode() + b"&timeout=5") == [("query", text), ("timeout", "5")]


def test_utf8_sent_unencoded_is_read_as_utf8() -> None:
    raw = 'query=SELECT ?s { ?s ?p "Қазақстан" } %41'.encode()
    assert query_params(raw) == [("query", 'SELECT ?s { ?s ?p "Қазақстан" } A')]


@pytest.mark.parametrize("raw", [b"query=%ff", b"query=\xff", b"query=%C3", b"%ff=x", b"query=\xc3%41"])
def test_bytes_that_are_not_utf8_are_refused(raw: bytes) -> None:
    with pytest.raises(UsageError, match="not valid UTF-8"):
        query_params(raw)
