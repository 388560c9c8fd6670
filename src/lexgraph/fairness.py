"""Share the query executors fairly among clients.

A heavy client must not take the service from everyone else. Like Wikidata's query service,
each client (its network address) may run a few uncached queries at once and may use a
budget of query time per minute; past either it is told 429 with ``Retry-After``. The
budget is a token bucket: it refills at ``seconds_per_minute / 60`` per second up to one
minute's worth, and each query's running time is taken from it when the query ends, so a
client that has used its minute waits until enough has refilled.

No HTTP here: the endpoint asks :meth:`ClientLimits.admit` before it sends a query to the
store and releases the returned ticket after.
"""

from __future__ import annotations

import math
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Callable

from .errors import RateLimited

MAX_TRACKED_CLIENTS = 10_000
"""Clients remembered at once; the least recently seen idle ones are forgotten first (a
forgotten client starts again with a full budget, which errs towards serving)."""


@dataclass
class _Client:
    tokens: float
    updated: float
    running: int = 0


@dataclass
class Ticket:
    """One admitted query: give it back with :meth:`ClientLimits.release`."""

    client: str
    started: float
    released: bool = field(default=False)


class ClientLimits:
    """Per-client concurrency and query-time budget, for one event loop (no locking)."""

    def __init__(self, concurrency: int, seconds_per_minute: float,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.concurrency = concurrency
        self.capacity = seconds_per_minute
        self.rate = seconds_per_minute / 60.0
        self.clock = clock
        self._clients: OrderedDict[str, _Client] = OrderedDict()

    def _client(self, name: str, now: float) -> _Client:
        client = self._clients.get(name)
        if client is None:
            client = self._clients[name] = _Client(self.capacity, now)
            self._forget_some()
        else:
            self._clients.move_to_end(name)
            client.tokens = min(self.capacity, client.tokens + (now - client.updated) * self.rate)
            client.updated = now
        return client

    def _forget_some(self) -> None:
        excess = len(self._clients) - MAX_TRACKED_CLIENTS
        if excess <= 0:
            return
        idle = [name for name, state in self._clients.items() if not state.running][:excess]
        for name in idle:  # oldest first; a client with queries out is kept
            del self._clients[name]

    def admit(self, name: str) -> Ticket:
        """Let one query of client ``name`` through, or raise :class:`RateLimited`."""
        now = self.clock()
        client = self._client(name, now)
        if client.running >= self.concurrency:
            raise RateLimited(
                f"this client already has {client.running} queries running; at most {self.concurrency} at once "
                "(LEXGRAPH_CLIENT_CONCURRENCY)", 1.0)
        if client.tokens <= 0:
            wait = -client.tokens / self.rate if client.tokens < 0 else 1.0
            raise RateLimited(
                f"this client used its {self.capacity:g} s of query time for the last minute "
                f"(LEXGRAPH_CLIENT_QUERY_S_PER_MIN); try again in {math.ceil(wait)} s", max(wait, 1.0))
        client.running += 1
        return Ticket(name, now)

    def release(self, ticket: Ticket) -> None:
        """The query ended (answered, failed or stopped): charge its time."""
        if ticket.released:
            return
        ticket.released = True
        now = self.clock()
        client = self._client(ticket.client, now)
        client.running = max(0, client.running - 1)
        client.tokens -= now - ticket.started

    def running(self, name: str) -> int:
        client = self._clients.get(name)
        return client.running if client else 0
