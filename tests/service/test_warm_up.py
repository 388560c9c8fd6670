"""The service builds its derived values in the background at start, and /health says so."""

from __future__ import annotations

import time

import httpx

from .servers import Server

DERIVED = {"labels", "catalog", "timelines", "view", "overview"}


def test_health_reports_each_derived_value_once_built(server: Server) -> None:
    """Every derived value gets built without any request asking for it; until then /health
    gives null for it, then its build time (polled: the test data takes well under a minute)."""
    deadline = time.monotonic() + 120
    while True:
        derived = httpx.get(server.url + "/health", trust_env=False, timeout=30).json()["derived"]
        assert set(derived) == DERIVED
        if all(seconds is not None for seconds in derived.values()) or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert all(isinstance(seconds, float) and seconds >= 0 for seconds in derived.values()), derived
