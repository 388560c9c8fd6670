"""A response's head and body leave in one write (``HeadWithBody``), and a head with no body
after it is never held for long: the transport's side, with a recording transport on a real
event loop. tests/service/test_one_write.py sends requests that rely on it to a real server."""

from __future__ import annotations

import asyncio

from lexgraph.api.http_protocol import HeadWithBody


class RecordingTransport:
    """What a transport was asked to write, one entry per call (``writelines`` is one call)."""

    def __init__(self) -> None:
        self.calls: list[bytes] = []
        self.closed = False

    def write(self, data: bytes) -> None:
        assert not self.closed, "written after close"
        self.calls.append(bytes(data))

    def writelines(self, parts: tuple[bytes, ...]) -> None:
        assert not self.closed, "written after close"
        self.calls.append(b"".join(parts))

    def close(self) -> None:
        self.closed = True

    def is_closing(self) -> bool:
        return self.closed

    def get_write_buffer_size(self) -> int:
        return 7


HEAD = b"HTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\n"


def _run(scenario):  # type: ignore[no-untyped-def]
    async def main() -> RecordingTransport:
        transport = RecordingTransport()
        await scenario(HeadWithBody(transport, asyncio.get_running_loop()))
        return transport
    return asyncio.run(main())


def test_head_and_body_leave_in_one_write() -> None:
    async def scenario(cycle: HeadWithBody) -> None:
        cycle.write(HEAD)
        cycle.write(b"hello")
        await asyncio.sleep(0)
    assert _run(scenario).calls == [HEAD + b"hello"]


def test_later_body_chunks_are_written_as_they_come() -> None:
    async def scenario(cycle: HeadWithBody) -> None:
        cycle.write(HEAD)
        cycle.write(b"one")
        cycle.write(b"two")
        await asyncio.sleep(0)
        cycle.write(b"three")
    assert _run(scenario).calls == [HEAD + b"one", b"two", b"three"]


def test_a_head_without_a_body_leaves_at_the_next_turn_of_the_loop() -> None:
    """A HEAD answer, or an interim 100 Continue the client waits for before it sends the body."""
    seen: list[list[bytes]] = []

    async def scenario(cycle: HeadWithBody) -> None:
        cycle.write(HEAD)
        seen.append(list(cycle._transport.calls))  # type: ignore[attr-defined]
        await asyncio.sleep(0)
        seen.append(list(cycle._transport.calls))  # type: ignore[attr-defined]
        cycle.write(b"later")
    assert _run(scenario).calls == [HEAD, b"later"]
    assert seen == [[], [HEAD]]


def test_closing_sends_a_held_head_first() -> None:
    async def scenario(cycle: HeadWithBody) -> None:
        cycle.write(HEAD)
        cycle.close()
        await asyncio.sleep(0)  # the pending flush finds nothing more to send
    transport = _run(scenario)
    assert transport.calls == [HEAD] and transport.closed


def test_a_head_is_dropped_if_the_connection_closed_meanwhile() -> None:
    async def scenario(cycle: HeadWithBody) -> None:
        cycle.write(HEAD)
        cycle._transport.close()  # type: ignore[attr-defined]  # the client went away
        await asyncio.sleep(0)
    assert _run(scenario).calls == []


def test_everything_else_is_the_transport_s() -> None:
    async def scenario(cycle: HeadWithBody) -> None:
        assert cycle.get_write_buffer_size() == 7
        assert not cycle.is_closing()
    _run(scenario)
