"""Per-client limits: concurrency, a query-time budget that refills, bounded bookkeeping."""

from __future__ import annotations

import pytest

from lexgraph import fairness
from lexgraph.errors import RateLimited
from lexgraph.fairness import ClientLimits


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_client_may_run_only_so_many_queries_at_once_others_are_unaffected() -> None:
    limits = ClientLimits(2, 60, Clock())
    first, second = limits.admit("a"), limits.admit("a")
    with pytest.raises(RateLimited, match="LEXGRAPH_CLIENT_CONCURRENCY") as refused:
        limits.admit("a")
    assert refused.value.retry_after_s >= 1
    limits.admit("b")  # another client is not held back
    limits.release(first)
    limits.admit("a")  # a slot is free again
    limits.release(second)
    assert limits.running("a") == 1


def test_query_time_is_charged_and_refills_at_the_budget_rate() -> None:
    clock = Clock()
    limits = ClientLimits(4, 60, clock)  # 60 s per minute: refills 1 s per second
    ticket = limits.admit("heavy")
    clock.now += 90  # one query ran 90 s: 30 s over the budget
    limits.release(ticket)
    with pytest.raises(RateLimited, match="LEXGRAPH_CLIENT_QUERY_S_PER_MIN") as refused:
        limits.admit("heavy")
    assert 29 <= refused.value.retry_after_s <= 31
    limits.admit("light")  # others still have their budget
    clock.now += 31
    limits.admit("heavy")  # refilled enough


def test_releasing_twice_charges_once() -> None:
    clock = Clock()
    limits = ClientLimits(1, 60, clock)
    ticket = limits.admit("a")
    clock.now += 10
    limits.release(ticket)
    limits.release(ticket)
    assert limits.running("a") == 0
    limits.admit("a")


def test_the_number_of_clients_remembered_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fairness, "MAX_TRACKED_CLIENTS", 100)
    limits = ClientLimits(1, 60, Clock())
    busy = limits.admit("busy")
    for i in range(1000):
        limits.release(limits.admit(f"10.0.{i // 256}.{i % 256}"))
    assert len(limits._clients) <= 101
    assert limits.running("busy") == 1  # a client with a query out is never forgotten
    limits.release(busy)
