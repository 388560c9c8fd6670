"""A query that eats memory is stopped by its executor's memory limit, not by the machine; a
client that runs heavy queries cannot starve another one; and a client's query-time budget
is enforced with 429 and Retry-After."""

from __future__ import annotations

import threading
import time
import uuid
from typing import Any

import httpx
import pytest

from ..servers import Server
from .conftest import Servers
from .helpers import HEAVY, assert_answers, json_error, light, rss_bytes

GiB = 1024**3
MEMORY_LIMIT = 1 * GiB
MEMORY_HOG = "SELECT * { ?a ?b ?c . ?d ?e ?f } ORDER BY ?c ?f LIMIT 1"


def _from(address: str, timeout: float = 30.0) -> httpx.Client:
    return httpx.Client(transport=httpx.HTTPTransport(local_address=address), trust_env=False, timeout=timeout)


def _heavy(tag: str) -> str:
    return f"# {tag} {uuid.uuid4().hex}\n{HEAVY}"


class RssSampler:
    """Reads VmRSS of every process of a server every 50 ms, in a thread."""

    def __init__(self, server: Server) -> None:
        self.server = server
        self.peak: dict[int, int] = {}
        self.samples = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            for pid in self.server.pids():
                self.peak[pid] = max(self.peak.get(pid, 0), rss_bytes(pid))
            self.samples += 1
            self._stop.wait(0.05)

    def __enter__(self) -> "RssSampler":
        self._thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._stop.set()
        self._thread.join(timeout=5)


@pytest.fixture(scope="module")
def memory_server(servers: Servers) -> Server:
    return servers.lexgraph({"LEXGRAPH_EXECUTOR_MEMORY_BYTES": str(MEMORY_LIMIT), "LEXGRAPH_QUERY_TIMEOUT_S": "20"})


def test_a_query_past_the_memory_limit_is_stopped_before_the_machine_suffers(memory_server: Server) -> None:
    with RssSampler(memory_server) as sampler:
        started = time.monotonic()
        response = httpx.get(memory_server.url + "/sparql", params={"query": MEMORY_HOG}, trust_env=False, timeout=60)
        elapsed = time.monotonic() - started
    body = json_error(response, 503, "executor_failed")
    assert "memory" in body["message"].lower(), body
    assert elapsed < 20, f"answered after {elapsed:.1f} s: the memory limit did not stop the query before its time limit"
    assert sampler.samples > 5, sampler.samples
    worst_pid, worst = max(sampler.peak.items(), key=lambda item: item[1])
    assert worst < 1.5 * MEMORY_LIMIT, f"process {worst_pid} reached {worst / GiB:.2f} GiB of RSS (limit 1 GiB)"
    assert_answers(memory_server)


@pytest.fixture(scope="module")
def fair_server(servers: Servers) -> Server:
    return servers.lexgraph({})  # the defaults: 4 executors, 2 queries at once per client


def test_a_heavy_client_does_not_starve_a_light_one(fair_server: Server) -> None:
    heavy_answers: list[httpx.Response] = []

    def run_heavy(n: int) -> None:
        with _from("127.0.0.2") as a:
            heavy_answers.append(a.get(fair_server.url + "/sparql", params={"query": _heavy(f"A{n}"), "timeout": "8"}))

    threads = [threading.Thread(target=run_heavy, args=(n,)) for n in range(2)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    try:
        time.sleep(1.0)  # both heavy queries are running by now
        with _from("127.0.0.2") as a:
            third = a.get(fair_server.url + "/sparql", params={"query": _heavy("A3"), "timeout": "8"})
        json_error(third, 429, "rate_limited")
        assert int(third.headers["Retry-After"]) >= 1, third.headers
        latencies: list[float] = []
        statuses: list[int] = []
        with _from("127.0.0.3") as b:
            for n in range(30):
                t0 = time.monotonic()
                response = b.get(fair_server.url + "/sparql", params={"query": light(n)})
                latencies.append(time.monotonic() - t0)
                statuses.append(response.status_code)
        during = time.monotonic() - started
    finally:
        for thread in threads:
            thread.join(timeout=30)
    assert during < 8, f"client B's queries were not all answered while A's heavy queries ran ({during:.1f} s)"
    assert statuses == [200] * 30, statuses
    latencies.sort()
    p99 = latencies[int(0.99 * (len(latencies) - 1))]
    assert max(latencies) < 1.0, f"client B waited up to {max(latencies):.2f} s (p99 {p99:.2f} s): {latencies}"
    assert len(heavy_answers) == 2
    for response in heavy_answers:
        assert response.status_code in (200, 503), response.text[:300]
        if response.status_code == 503:
            json_error(response, 503, "query_timeout")


@pytest.fixture(scope="module")
def budget_server(servers: Servers) -> Server:
    return servers.lexgraph({"LEXGRAPH_CLIENT_QUERY_S_PER_MIN": "2"})


def test_a_client_past_its_query_time_budget_gets_429(budget_server: Server) -> None:
    statuses: list[int] = []
    limited: httpx.Response | None = None
    with _from("127.0.0.2", timeout=30) as a:
        for n in range(4):
            response = a.get(budget_server.url + "/sparql", params={"query": _heavy(f"budget{n}"), "timeout": "1.5"})
            statuses.append(response.status_code)
            if response.status_code == 429:
                limited = response
                break
    assert limited is not None, f"no 429 after {len(statuses)} queries of 1.5 s with a budget of 2 s/min: {statuses}"
    assert len(statuses) == 3 and statuses[:2] == [503, 503], \
        f"the 429 came after {len(statuses) - 1} queries (expected after 2 of 1.5 s): {statuses}"
    body = json_error(limited, 429, "rate_limited")
    assert int(limited.headers["Retry-After"]) >= 1, limited.headers
    assert "retry_after_s" not in body or body["retry_after_s"] > 0, body
    # another client is not affected
    with _from("127.0.0.3") as b:
        assert b.get(budget_server.url + "/sparql", params={"query": light(1)}).status_code == 200
