"""Benchmark: how fast a cheap query answers while other clients are hostile (fair sharing).

Run:  python3 bench/hostile_bench.py [--requests 200] [--duration 50] [--clients 50] [--heavy-timeout 5]
Writes bench/results/hostile.md and bench/results/hostile.json.

One `python3 -m lexgraph serve` (embedded store built from this repository's ontology/ and data/,
every other setting at its default unless --set says otherwise) on a free 127.0.0.1 port. A
cheap query (one row: Kazakhstan's skos:prefLabel), made distinct per request by a `# n`
comment so the answer cache never answers it, is timed --requests times, paced evenly over
--duration seconds, from one client address, in three situations:

  1. alone (from 127.0.0.3);
  2. while one client (127.0.0.2) keeps two heavy queries running at all times (a three-way
     cross product of the whole store, `timeout=--heavy-timeout`, each resubmitted as soon as
     it ends), the cheap queries from 127.0.0.3;
  3. while --clients clients (127.0.0.10, 127.0.0.11, ...) each send distinct moderately cheap
     queries (`SELECT ?s ?p ?o WHERE { ?s ?p ?o } LIMIT k`, k from 1 to 100) one after another
     without pause, the cheap queries from 127.0.0.4.

The load runs in a separate process (asyncio, one httpx client per source address), so the
timed client in this process does not share an interpreter lock with it. A load client that
gets 429 waits --pause-after-429 seconds and sends again (it does not honour Retry-After).
The service's resident memory (VmRSS summed over its process tree) is read before the runs,
sampled every second during each, and read after each once the load has ended.

Every loop is bounded in count and in time (a situation's timed requests stop after
--duration + 10 s whatever happens; the load processes stop themselves soon after); all
traffic goes to 127.0.0.0/8; the server runs in its own process group and is stopped at the
end, errors or not.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing as mp
import os
import platform
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

import httpx

REPO = Path(__file__).resolve().parents[1]
BENCH = REPO / "bench"
WORK = BENCH / "work" / "hostile"
sys.path.insert(0, str(BENCH))

from report import Service, machine, now, percentile, write_results  # noqa: E402

TARGET_P99_MS = 1000.0
TARGET_TEXT = ("while one client runs two heavy queries, a cheap new query from another client answers in "
               "under 1 s at the 99th percentile")
HEAVY_ADDR = "127.0.0.2"
CHEAP_ADDR = {"alone": "127.0.0.3", "heavy": "127.0.0.3", "crowd": "127.0.0.4"}
CROWD_FIRST = 10  # the crowd's addresses: 127.0.0.10, 127.0.0.11, ...
CLIENT_TIMEOUT_S = 30.0  # a timed request that takes longer is counted as failed
ACCEPT = {"Accept": "application/sparql-results+json"}
CHEAP = ("# n {tag} {n}\nSELECT ?label WHERE {{ <https://w3id.org/lexgraph/id/party/kazakhstan> "
         "<http://www.w3.org/2004/02/skos/core#prefLabel> ?label }}")
HEAVY = "# heavy {stream} {n}\nSELECT (COUNT(*) AS ?n) WHERE {{ ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }}"
CROWD = "# crowd {client} {n}\nSELECT ?s ?p ?o WHERE {{ ?s ?p ?o }} LIMIT {k}"
SITUATIONS = {
    "alone": "1. alone",
    "heavy": "2. one client keeps two heavy queries running",
    "crowd": "3. many clients send moderately cheap queries continuously",
}


def log(message: str) -> None:
    print(f"[hostile_bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def latency_figures(ms: list[float]) -> dict[str, Any]:
    if not ms:
        return {"count": 0}
    ordered = sorted(ms)
    return {"count": len(ordered), "p50_ms": round(percentile(ordered, 50), 2), "p99_ms": round(percentile(ordered, 99), 2),
            "max_ms": round(ordered[-1], 2), "mean_ms": round(statistics.fmean(ordered), 2),
            "min_ms": round(ordered[0], 2)}


def outcome(response: httpx.Response) -> str:
    """``200``, or the status with the service's error code (``503 query_timeout``)."""
    if response.status_code == 200:
        return "200"
    try:
        code = response.json().get("error")
    except (ValueError, AttributeError):
        code = None
    return f"{response.status_code} {code}" if code else str(response.status_code)


def by_status(outcomes: Counter[str]) -> dict[str, int]:
    """``{"200": n, "429": n, "503": n, ...}`` from outcomes such as ``503 query_timeout``."""
    out: Counter[str] = Counter()
    for key, count in outcomes.items():
        out[key.split()[0]] += count
    return dict(sorted(out.items()))


# --- the machine -------------------------------------------------------------------------

def source_revision() -> str:
    """The commit the service's code comes from, and whether the working tree differs from it."""
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True,
                              timeout=10).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "src"], cwd=REPO, capture_output=True,
                               text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return f"{head or 'unknown'}{' with uncommitted changes to src/' if dirty else ''}"


def machine_facts() -> dict[str, Any]:
    mem_kib = 0
    try:
        mem_kib = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                       if line.startswith("MemTotal:"))
    except (OSError, StopIteration, ValueError):
        pass
    try:
        usable = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        usable = os.cpu_count()
    return {"summary": machine(), "nproc": usable, "cpu_count": os.cpu_count(),
            "ram_gib": round(mem_kib / 1024**2, 1), "kernel": platform.release(),
            "python": platform.python_version(), "loadavg_start": [round(x, 2) for x in os.getloadavg()]}


# --- the service -------------------------------------------------------------------------

def start_service(extra_env: dict[str, str], logs: Path) -> Service:
    """The service with its defaults, and a store of this repository's data built afresh."""
    env = {n: v for n, v in os.environ.items() if not n.startswith("LEXGRAPH_")}
    return Service({**env, **extra_env}, logs)


def service_settings(env: dict[str, str]) -> dict[str, Any]:
    """The settings the service runs with, as lexgraph reads them (for the record)."""
    try:
        sys.path.insert(0, str(REPO / "src"))
        from lexgraph.config import load_settings

        s = load_settings(env)
    except Exception as exc:  # noqa: BLE001 - only for the record
        return {"unknown": f"{type(exc).__name__}: {exc}"}
    return {"workers": s.workers, "executors": s.executors, "client_concurrency": s.client_concurrency,
            "client_query_s_per_min": s.client_query_s_per_min, "query_timeout_s": s.query_timeout_s,
            "cache_bytes": s.cache_bytes, "executor_memory_bytes": s.executor_memory_bytes, "sandbox": s.sandbox,
            "max_results": s.max_results, "store": s.store}


class RssSampler:
    """The service's resident memory once a second, in a thread; the peak is kept."""

    def __init__(self, service: Service) -> None:
        self.service = service
        self.peak = 0.0
        self.samples = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self.service.rss_mib())
            self.samples += 1
            self._stop.wait(1.0)

    def __enter__(self) -> "RssSampler":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=5)


# --- the timed cheap queries -------------------------------------------------------------

def cheap_query(tag: str, n: int) -> str:
    return CHEAP.format(tag=tag, n=n)


def measure_cheap(url: str, address: str, tag: str, requests: int, interval_s: float, hard_s: float,
                  warmup: int) -> dict[str, Any]:
    """``requests`` sequential cheap queries from ``address``, the i-th sent at i x interval_s
    (or as soon as the previous one answered, if later), stopping after ``hard_s`` seconds."""
    transport = httpx.HTTPTransport(local_address=address)
    outcomes: Counter[str] = Counter()
    times: list[float] = []
    ok_times: list[float] = []
    rows: Counter[int] = Counter()
    with httpx.Client(transport=transport, timeout=CLIENT_TIMEOUT_S, trust_env=False, headers=ACCEPT) as client:
        for i in range(warmup):  # opens the keep-alive connection; distinct queries too, not timed
            try:
                client.get(url, params={"query": cheap_query(f"{tag}-warmup", i)})
            except httpx.HTTPError:
                pass
        started = time.monotonic()
        deadline = started + hard_s
        for i in range(requests):
            current = time.monotonic()
            if current >= deadline:
                break
            due = started + i * interval_s
            if due > current:
                time.sleep(min(due, deadline) - current)
            t0 = time.perf_counter()
            try:
                response = client.get(url, params={"query": cheap_query(tag, i)})
                elapsed = (time.perf_counter() - t0) * 1000
                result = outcome(response)
                if response.status_code == 200:
                    ok_times.append(elapsed)
                    try:
                        rows[len(response.json()["results"]["bindings"])] += 1
                    except (ValueError, KeyError, TypeError):
                        rows[-1] += 1
            except httpx.HTTPError as exc:
                elapsed = (time.perf_counter() - t0) * 1000
                result = f"error {type(exc).__name__}"
            times.append(elapsed)
            outcomes[result] += 1
        seconds = time.monotonic() - started
    return {"address": address, "requested": requests, "sent": len(times), "seconds": round(seconds, 2),
            "interval_s": round(interval_s, 4), "warmup": warmup, "outcomes": dict(outcomes),
            "by_status": by_status(outcomes), "all": latency_figures(times), "ok": latency_figures(ok_times),
            "rows_per_answer": {str(k): v for k, v in sorted(rows.items())},
            "stopped_by_time": len(times) < requests}


# --- the load (in a child process) -------------------------------------------------------

async def _heavy_load(url: str, conf: dict[str, Any], stop: Any, ready: Any) -> dict[str, Any]:
    """One client keeping ``streams`` heavy queries running, each resubmitted as it ends."""
    hard_deadline = time.monotonic() + conf["hard_s"]
    outcomes: Counter[str] = Counter()
    durations: dict[str, list[float]] = {}
    transport = httpx.AsyncHTTPTransport(local_address=conf["address"])
    async with httpx.AsyncClient(transport=transport, timeout=conf["timeout_s"] + 30, trust_env=False,
                                 headers=ACCEPT) as client:

        async def stream(k: int) -> None:
            n = 0
            while not stop.is_set() and time.monotonic() < hard_deadline:
                t0 = time.perf_counter()
                status = 0
                try:
                    response = await client.get(url, params={"query": HEAVY.format(stream=k, n=n),
                                                             "timeout": f"{conf['timeout_s']:g}"})
                    status, result = response.status_code, outcome(response)
                except httpx.HTTPError as exc:
                    result = f"error {type(exc).__name__}"
                n += 1
                outcomes[result] += 1
                durations.setdefault(result, []).append((time.perf_counter() - t0) * 1000)
                if status == 429:
                    await asyncio.sleep(conf["pause_after_429_s"])

        started = time.monotonic()
        tasks = [asyncio.create_task(stream(k)) for k in range(conf["streams"])]
        await asyncio.sleep(0.05)
        ready.set()
        await asyncio.gather(*tasks)
        seconds = time.monotonic() - started
    return {"address": conf["address"], "streams": conf["streams"], "timeout_param_s": conf["timeout_s"],
            "sent": sum(outcomes.values()), "seconds": round(seconds, 2), "outcomes": dict(outcomes),
            "by_status": by_status(outcomes),
            "duration_by_outcome": {k: latency_figures(v) for k, v in sorted(durations.items())}}


async def _crowd_load(url: str, conf: dict[str, Any], stop: Any, ready: Any) -> dict[str, Any]:
    """``len(addresses)`` clients, each sending distinct moderately cheap queries back to back."""
    hard_deadline = time.monotonic() + conf["hard_s"]
    outcomes: Counter[str] = Counter()
    per_client: list[Counter[str]] = [Counter() for _ in conf["addresses"]]
    ok_ms: list[float] = []
    clients = [httpx.AsyncClient(transport=httpx.AsyncHTTPTransport(local_address=address), timeout=CLIENT_TIMEOUT_S,
                                 trust_env=False, headers=ACCEPT) for address in conf["addresses"]]
    try:
        async def one_client(idx: int, client: httpx.AsyncClient) -> None:
            n = 0
            while not stop.is_set() and time.monotonic() < hard_deadline:
                k = 1 + (n * 7 + idx) % conf["max_limit"]
                t0 = time.perf_counter()
                status = 0
                try:
                    response = await client.get(url, params={"query": CROWD.format(client=idx, n=n, k=k)})
                    status, result = response.status_code, outcome(response)
                    if status == 200:
                        ok_ms.append((time.perf_counter() - t0) * 1000)
                except httpx.HTTPError as exc:
                    result = f"error {type(exc).__name__}"
                n += 1
                outcomes[result] += 1
                per_client[idx][result] += 1
                if status == 429:
                    await asyncio.sleep(conf["pause_after_429_s"])

        started = time.monotonic()
        tasks = [asyncio.create_task(one_client(i, c)) for i, c in enumerate(clients)]
        await asyncio.sleep(0.05)
        ready.set()
        await asyncio.gather(*tasks)
        seconds = time.monotonic() - started
    finally:
        await asyncio.gather(*(c.aclose() for c in clients), return_exceptions=True)
    sent = sum(outcomes.values())
    status = by_status(outcomes)
    return {"clients": len(conf["addresses"]), "addresses": f"{conf['addresses'][0]} - {conf['addresses'][-1]}",
            "sent": sent, "seconds": round(seconds, 2), "outcomes": dict(outcomes), "by_status": status,
            "throughput_per_s": round(sent / seconds, 1) if seconds else 0.0,
            "throughput_200_per_s": round(status.get("200", 0) / seconds, 1) if seconds else 0.0,
            "clients_with_a_429": sum(1 for c in per_client if any(k.startswith("429") for k in c)),
            "clients_with_no_200": sum(1 for c in per_client if not c.get("200")),
            "latency_of_200": latency_figures(ok_ms)}


def _load_process(kind: str, url: str, conf: dict[str, Any], stop: Any, ready: Any, conn: Any) -> None:
    try:
        load = _heavy_load if kind == "heavy" else _crowd_load
        conn.send(asyncio.run(load(url, conf, stop, ready)))
    except BaseException as exc:  # noqa: BLE001 - reported to the parent
        ready.set()
        conn.send({"failed": f"{type(exc).__name__}: {exc}"})
    finally:
        conn.close()


# --- one situation -----------------------------------------------------------------------

def run_situation(name: str, service: Service, args: argparse.Namespace, load: tuple[str, dict[str, Any]] | None
                  ) -> dict[str, Any]:
    log(f"situation {SITUATIONS[name]}")
    interval = args.duration / max(1, args.requests)
    hard_s = args.duration + 10
    out: dict[str, Any] = {"title": SITUATIONS[name], "rss_before_mib": service.rss_mib()}
    ctx = mp.get_context("spawn")
    child = stop = receiver = None
    with RssSampler(service) as sampler:
        try:
            if load is not None:
                kind, conf = load
                # The load stops itself at the latest this long after it starts.
                conf = {**conf, "hard_s": hard_s + args.settle + 10}
                stop, ready = ctx.Event(), ctx.Event()
                receiver, sender = ctx.Pipe(duplex=False)
                child = ctx.Process(target=_load_process, args=(kind, service.url + "/sparql", conf, stop, ready, sender),
                                    daemon=True)
                child.start()
                sender.close()
                if not ready.wait(60):
                    raise RuntimeError(f"the {kind} load did not start within 60 s")
                time.sleep(args.settle)  # the load is under way before the first timed request
            out["cheap"] = measure_cheap(service.url + "/sparql", CHEAP_ADDR[name], name, args.requests, interval,
                                         hard_s, args.warmup)
        finally:
            if child is not None:
                stop.set()
                wait = args.heavy_timeout + 40
                if receiver.poll(wait):
                    try:
                        out["load"] = receiver.recv()
                    except EOFError:
                        out["load"] = {"failed": "the load process ended without a report"}
                else:
                    out["load"] = {"failed": f"no report from the load process within {wait:.0f} s"}
                child.join(10)
                if child.is_alive():
                    child.terminate()
                    child.join(10)
                    if child.is_alive():
                        child.kill()
                        child.join(5)
                receiver.close()
        out["rss_peak_during_mib"] = round(sampler.peak, 1)
    time.sleep(args.quiet)  # the service finishes whatever the load left running
    out["healthy_after"] = service.healthy()
    out["rss_after_mib"] = service.rss_mib()
    c = out["cheap"]
    log(f"  cheap: {c['sent']} sent, {c['by_status']}, p50 {c['all'].get('p50_ms')} ms, p99 {c['all'].get('p99_ms')} ms, "
        f"max {c['all'].get('max_ms')} ms; RSS after {out['rss_after_mib']} MiB")
    if "load" in out:
        ld = out["load"]
        log(f"  load: {ld.get('failed') or (str(ld['sent']) + ' sent, ' + json.dumps(ld['outcomes']))}")
    return out


# --- report ------------------------------------------------------------------------------

def _outcomes_text(outcomes: dict[str, int]) -> str:
    return ", ".join(f"{k}: {v}" for k, v in sorted(outcomes.items(), key=lambda kv: -kv[1])) or "none"


def _load_text(name: str, s: dict[str, Any]) -> str:
    ld = s.get("load")
    if ld is None:
        return "none"
    if "failed" in ld:
        return f"load failed: {ld['failed']}"
    if name == "heavy":
        return (f"{ld['address']}: {ld['streams']} heavy queries at all times (`timeout={ld['timeout_param_s']:g}`); "
                f"{ld['sent']} answered in {ld['seconds']:.0f} s: {_outcomes_text(ld['outcomes'])}")
    return (f"{ld['clients']} clients ({ld['addresses']}): {ld['sent']} answered in {ld['seconds']:.0f} s "
            f"({ld['throughput_per_s']:g}/s; {ld['throughput_200_per_s']:g}/s with 200): "
            f"{_outcomes_text(ld['outcomes'])}")


def _ms(figures: dict[str, Any], key: str) -> str:
    return f"{figures[key]:,.1f} ms" if key in figures else "-"


def markdown(result: dict[str, Any]) -> str:
    m, st, sit = result["machine"], result["settings"], result["situations"]
    settings_text = (", ".join(f"{k}={v}" for k, v in st.items()) if "unknown" not in st
                     else f"(could not be read: {st['unknown']})")
    lines = [
        "# Hostile clients benchmark: a cheap query's latency under load",
        "",
        f"Generated by `python3 bench/hostile_bench.py{result['command_args']}` on {result['when']} in "
        f"{result['run_seconds']:.0f} s.",
        "",
        f"Machine: {m['nproc']} CPUs usable (nproc; {m['cpu_count']} in all), {m['ram_gib']} GiB RAM, "
        f"{m['summary']}, kernel {m['kernel']}; load average {m['loadavg_start'][0]} at the start, "
        f"{result['loadavg_end'][0]} at the end.",
        "",
        f"Service: `python3 -m lexgraph serve` on 127.0.0.1, embedded store built from this repository's "
        f"ontology/ and data/ at start-up (ready in {result['service']['ready_s']:.1f} s), code of "
        f"{result['service']['source']}; settings "
        f"{'at their defaults' if not result['extra_env'] else 'at their defaults except ' + json.dumps(result['extra_env'])}: "
        f"{settings_text}.",
        "",
        f"Target (from the issue): \"{TARGET_TEXT}\" — **{'MET' if result['target']['met'] else 'NOT MET'}**: "
        f"{result['target']['why']}.",
        "",
        "| situation | other traffic during it | cheap queries timed (status) | p50 | p99 | max | service RSS after (peak during) |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, s in sit.items():
        c = s["cheap"]
        lines.append(
            f"| {s['title']} | {_load_text(name, s)} | {c['sent']} from {c['address']} "
            f"({_outcomes_text(c['outcomes'])}) | {_ms(c['all'], 'p50_ms')} | {_ms(c['all'], 'p99_ms')} | "
            f"{_ms(c['all'], 'max_ms')} | {s['rss_after_mib']:,.0f} MiB ({s['rss_peak_during_mib']:,.0f} MiB) |")
    lines += [
        "",
        f"Service resident memory (VmRSS summed over the web process and its query executors): "
        f"{result['rss_before_mib']:,.0f} MiB before the runs, "
        + ", ".join(f"{s['rss_after_mib']:,.0f} MiB after situation {s['title'][0]}" for s in sit.values()) + ".",
    ]
    heavy = sit.get("heavy", {}).get("load", {})
    if heavy and "failed" not in heavy:
        per = "; ".join(f"{k}: median {v['p50_ms'] / 1000:.2f} s, max {v['max_ms'] / 1000:.2f} s"
                        for k, v in heavy["duration_by_outcome"].items() if v.get("count"))
        lines += ["", f"Heavy queries, time to their answer by outcome: {per}."]
    crowd = sit.get("crowd", {}).get("load", {})
    if crowd and "failed" not in crowd:
        lat = crowd["latency_of_200"]
        lines += ["", f"The {crowd['clients']} clients' requests by status: "
                  + ", ".join(f"{k}: {v}" for k, v in crowd["by_status"].items())
                  + f"; {crowd['clients_with_a_429']} of them got at least one 429, {crowd['clients_with_no_200']} "
                  f"never got a 200; their 200 answers took p50 {_ms(lat, 'p50_ms')}, p99 {_ms(lat, 'p99_ms')}."]
    a = result["args"]
    lines += [
        "",
        "## Method",
        "",
        f"One server for all three situations, run one after the other. In each, {a['requests']} cheap queries "
        f"(`SELECT ?label WHERE {{ <…/id/party/kazakhstan> skos:prefLabel ?label }}`, one row), each made distinct by "
        f"a `# n <situation> <i>` comment so the answer cache cannot answer it, are sent one at a time over one "
        f"keep-alive connection from a fixed source address, paced evenly over {a['duration']:g} s (one every "
        f"{a['duration'] / max(1, a['requests']):.2f} s, or at once if the previous answer came later), after "
        f"{a['warmup']} untimed ones; a situation's timed requests stop after {a['duration'] + 10:g} s whatever "
        "happens. Latency is from sending to the whole answer read, as the client sees it; p50/p99 are nearest-rank "
        "over every timed request (any status; a request with no answer within "
        f"{CLIENT_TIMEOUT_S:g} s counts as an error at that time).",
        "",
        f"The other traffic runs in a separate process (asyncio, one httpx client per source address) and starts "
        f"{a['settle']:g} s before the first timed request. Situation 2: client {HEAVY_ADDR} keeps "
        f"{a['heavy_streams']} `SELECT (COUNT(*) AS ?n) WHERE {{ ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }}` running with "
        f"`timeout={a['heavy_timeout']:g}`, each resubmitted (distinct comment) as soon as it ends. Situation 3: "
        f"{a['clients']} clients, 127.0.0.{CROWD_FIRST} onwards, each sends `SELECT ?s ?p ?o WHERE {{ ?s ?p ?o }} "
        f"LIMIT k` (k from 1 to {a['max_limit']}, distinct comment) back to back. A load client given 429 waits "
        f"{a['pause_after_429']:g} s and sends again (it ignores Retry-After); the figures count every answer it got. "
        "The service tells clients apart by network address only, so each source address is a client; the timed "
        "queries come from addresses the load does not use. After each situation the load's last requests are "
        f"let finish, {a['quiet']:g} s pass, and the service's memory is read (a sampler also reads it every second "
        "during the situation: the peak). Client, load and service share the machine's CPUs.",
    ]
    if result["notes"]:
        lines += ["", "## Notes", "", *result["notes"]]
    return "\n".join(lines)


def judge(situations: dict[str, Any]) -> dict[str, Any]:
    s = situations.get("heavy")
    if s is None or "cheap" not in s:
        return {"met": False, "why": "situation 2 did not run"}
    c = s["cheap"]
    p99 = c["all"].get("p99_ms")
    non_ok = c["sent"] - c["by_status"].get("200", 0)
    load = s.get("load", {})
    if p99 is None:
        return {"met": False, "why": "no cheap query was timed"}
    if "failed" in load or not load.get("sent"):
        return {"met": False, "p99_ms": p99, "why": f"the heavy load did not run ({load.get('failed', 'nothing sent')})"}
    met = p99 < TARGET_P99_MS and non_ok == 0 and not c["stopped_by_time"]
    why = (f"p99 {p99:,.1f} ms {'<' if p99 < TARGET_P99_MS else '>='} {TARGET_P99_MS:,.0f} ms over {c['sent']} cheap "
           f"queries, {non_ok} not answered 200")
    if c["stopped_by_time"]:
        why += f", only {c['sent']} of {c['requested']} sent in time"
    return {"met": met, "p99_ms": p99, "non_200": non_ok, "why": why}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200, help="timed cheap queries per situation (200)")
    parser.add_argument("--duration", type=float, default=50.0,
                        help="seconds the timed queries of a situation are paced over (50); each stops after this + 10")
    parser.add_argument("--warmup", type=int, default=5, help="untimed cheap queries first in each situation (5)")
    parser.add_argument("--heavy-streams", type=int, default=2, help="heavy queries kept running in situation 2 (2)")
    parser.add_argument("--heavy-timeout", type=float, default=5.0, help="`timeout` parameter of the heavy queries (5)")
    parser.add_argument("--clients", type=int, default=50, help="clients in situation 3 (50; at most 240)")
    parser.add_argument("--max-limit", type=int, default=100, help="largest LIMIT of the clients' queries (100)")
    parser.add_argument("--pause-after-429", type=float, default=0.1, help="a load client's wait after a 429 (0.1 s)")
    parser.add_argument("--settle", type=float, default=1.0, help="seconds of load before the first timed request (1)")
    parser.add_argument("--quiet", type=float, default=2.0, help="seconds after a situation before reading memory (2)")
    parser.add_argument("--only", choices=list(SITUATIONS), action="append", help="run only these situations")
    parser.add_argument("--set", action="append", default=[], metavar="LEXGRAPH_NAME=VALUE",
                        help="a setting for the service other than its default (repeatable)")
    args = parser.parse_args()
    if not 1 <= args.clients <= 255 - CROWD_FIRST:
        parser.error(f"--clients must be between 1 and {255 - CROWD_FIRST}")
    if args.requests < 1 or args.duration <= 0 or args.duration > 600:
        parser.error("--requests must be at least 1 and --duration between 0 and 600 s")
    extra_env: dict[str, str] = {}
    for item in args.set:
        name, _, value = item.partition("=")
        if not name.startswith("LEXGRAPH_") or name in ("LEXGRAPH_HOST", "LEXGRAPH_PORT", "LEXGRAPH_ROOT") or not _:
            parser.error(f"--set {item!r}: expected LEXGRAPH_NAME=VALUE (not HOST, PORT or ROOT)")
        extra_env[name] = value
    run_started = time.perf_counter()
    facts = machine_facts()
    log(f"machine: {facts['nproc']} CPUs, {facts['ram_gib']} GiB RAM")

    service = start_service(extra_env, WORK / "logs")
    situations: dict[str, Any] = {}
    notes: list[str] = []
    try:
        ready_s = service.wait_ready()
        log(f"service ready in {ready_s:.1f} s at {service.url} (log {service.log_path.relative_to(REPO)})")
        settings = service_settings(service.env)
        rss_before = service.rss_mib()
        crowd_addresses = [f"127.0.0.{CROWD_FIRST + i}" for i in range(args.clients)]
        plan: dict[str, tuple[str, dict[str, Any]] | None] = {
            "alone": None,
            "heavy": ("heavy", {"address": HEAVY_ADDR, "streams": args.heavy_streams, "timeout_s": args.heavy_timeout,
                                "pause_after_429_s": args.pause_after_429}),
            "crowd": ("crowd", {"addresses": crowd_addresses, "max_limit": args.max_limit,
                                "pause_after_429_s": args.pause_after_429}),
        }
        for name, load in plan.items():
            if args.only and name not in args.only:
                continue
            situations[name] = run_situation(name, service, args, load)
            if not situations[name]["healthy_after"]:
                notes.append(f"- The service did not answer /health after situation {SITUATIONS[name]}; "
                             "the remaining situations were not run.")
                log("the service is not healthy; stopping here")
                break
    except BaseException:
        log(f"failed; the service's log ends:\n{service.log_tail()}")
        raise
    finally:
        service.stop()

    for name, s in situations.items():
        c = s["cheap"]
        if c["stopped_by_time"]:
            notes.append(f"- {s['title']}: only {c['sent']} of {c['requested']} cheap queries were sent within "
                         f"{args.duration + 10:g} s.")
        rows = c.get("rows_per_answer", {})
        if rows and set(rows) != {"1"}:
            notes.append(f"- {s['title']}: the cheap query's answers had these row counts: {rows} (expected 1).")
        if "failed" in s.get("load", {}):
            notes.append(f"- {s['title']}: the load failed: {s['load']['failed']}")
    result = {
        "benchmark": "latency of a cheap query alone, beside one client running heavy queries, and beside many clients",
        "when": now(),
        "command_args": "".join(f" {a}" for a in sys.argv[1:]),
        "machine": facts,
        "loadavg_end": [round(x, 2) for x in os.getloadavg()],
        "service": {"ready_s": round(ready_s, 2), "log": str(service.log_path.relative_to(REPO)),
                    "source": source_revision()},
        "settings": settings,
        "extra_env": extra_env,
        "args": {"requests": args.requests, "duration": args.duration, "warmup": args.warmup,
                 "heavy_streams": args.heavy_streams, "heavy_timeout": args.heavy_timeout, "clients": args.clients,
                 "max_limit": args.max_limit, "pause_after_429": args.pause_after_429, "settle": args.settle,
                 "quiet": args.quiet},
        "rss_before_mib": rss_before,
        "situations": situations,
        "target": {"text": TARGET_TEXT, "p99_ms_under": TARGET_P99_MS, **judge(situations)},
        "notes": notes,
    }
    result["run_seconds"] = round(time.perf_counter() - run_started, 1)
    # A run of some situations only does not overwrite the full result.
    stem = "hostile" if not args.only else "hostile-" + "-".join(sorted(set(args.only)))
    js, md = write_results(stem, result, markdown(result))
    log(f"wrote {md.relative_to(REPO)} and {js.relative_to(REPO)} in {result['run_seconds']} s")


if __name__ == "__main__":
    main()
