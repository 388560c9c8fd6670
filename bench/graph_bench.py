"""Benchmark: the graph view and the traversal and timeline routes on synthetic data (issue 6).

Run:  python3 bench/graph_bench.py [--triples 1M] [--requests 200] [--warmup 20]
Writes bench/results/graph.md and bench/results/graph.json (with --triples other than 1M:
graph-<size>.md/.json, so development runs never overwrite the real result).

Steps:
  1. synthetic data from bench/generate.py into bench/work/graph/data-<size>/ (reused when present
     and its recorded size matches), so the folder holds only the synthetic file;
  2. lexgraph's embedded store of ontology/ + that folder, built as `lexgraph serve` does
     (``build_store``), into bench/work/graph/store-<size>/ (reused when built from the same data);
  3. the networkx view (``lexgraph.traverse.build_view``) and the timeline index
     (``lexgraph.timeline.build_timeline_index``), each built in this process from an
     ``EmbeddedStore`` over that store (lexgraph's own reads run on its read-only handle), timed
     with the process's peak memory (target: < 5 s each), and what the view keeps (tracemalloc,
     one more build); the request parameters are then chosen
     from the view (deterministic, seed 1): data nodes for neighbourhoods, pairs of nodes that the
     view shows connected (checked with ``paths``), states for timelines;
  4. ``python3 -m lexgraph serve`` on a free loopback port with LEXGRAPH_STORE_DIR (prebuilt) and
     LEXGRAPH_DATA_DIR (the synthetic folder); /health is polled until it reports the timeline
     index and the view built (the service builds them in the background at start): the time
     from start, each build's seconds as /health gives them, and the service's resident memory
     then (web process and executors; target < 700 MB); then for each route, warm-up requests
     and then --requests sequential requests over one keep-alive connection, rotating
     parameters: median, 99th percentile (nearest rank) and more (target: median < 50 ms). Each
     route has a time budget (--budget seconds): when spent, fewer requests are timed and the
     result says so.

Everything binds 127.0.0.1; the server runs in its own process group and is stopped at the end,
errors or not. Other benchmarks running on the machine at the same time slow these figures down.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import time
import tracemalloc
import urllib.parse
from pathlib import Path
from typing import Any

import httpx

REPO = Path(__file__).resolve().parents[1]
BENCH = REPO / "bench"
WORK = BENCH / "work" / "graph"
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(REPO / "src"))

import generate  # noqa: E402  (bench/generate.py)
from report import Service, machine, now, percentile, write_results  # noqa: E402

SEED = 1
BUILD_TARGET_S = 5.0  # each of the view and the timeline index
BUILD_RUNS = 3  # builds of each timed; the median is the figure
RSS_TARGET_MIB = 700.0  # the service after its warm-up
MEDIAN_TARGET_MS = 50.0
ROTATION = 50  # parameter values per route
FIRST_REQUESTS = 200  # countries whose timeline is asked once each (at most: as many as the data has)
FIRST_TIMELINE = "timeline of a country, first request for it"
ID = "https://w3id.org/lexgraph/id/"
LG = "https://w3id.org/lexgraph/def/"


def log(message: str) -> None:
    print(f"[graph_bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# --- data and store ----------------------------------------------------------------------

def ensure_data(n: int, label: str) -> tuple[Path, dict[str, Any]]:
    data_dir = WORK / f"data-{label}"
    data_file = data_dir / f"synthetic-{label}.ttl"
    meta_file = WORK / f"synthetic-{label}.json"
    meta = json.loads(meta_file.read_text()) if meta_file.exists() else None
    if data_file.exists() and meta and meta.get("seed") == SEED and meta.get("bytes") == data_file.stat().st_size:
        log(f"reusing {data_file.relative_to(REPO)} ({meta['triples']} triples)")
        return data_dir, {**meta, "reused": True}
    data_dir.mkdir(parents=True, exist_ok=True)
    for stale in data_dir.iterdir():
        stale.unlink()
    started = time.perf_counter()
    count = generate.generate(n, data_file, SEED)
    meta = {"triples": count, "seed": SEED, "seconds": round(time.perf_counter() - started, 2),
            "bytes": data_file.stat().st_size}
    meta_file.write_text(json.dumps(meta))
    log(f"generated {count} triples in {meta['seconds']} s")
    return data_dir, {**meta, "reused": False}


def _child_build(store_dir: str, data_dir: str, out: str) -> None:
    """Child process: build the embedded store exactly as `lexgraph serve` does."""
    from lexgraph.config import load_settings
    from lexgraph.store.embedded import build_store, source_files

    settings = load_settings({"LEXGRAPH_ROOT": str(REPO), "LEXGRAPH_DATA_DIR": data_dir})
    started = time.perf_counter()
    build_store(Path(store_dir), source_files([settings.ontology_dir, settings.data_dir], settings.root))
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    Path(out).write_text(json.dumps({"seconds": round(seconds, 2), "peak_rss_mib": round(peak, 1)}))


def ensure_store(label: str, data_dir: Path, meta: dict[str, Any]) -> tuple[Path, dict[str, Any]]:
    store_dir = WORK / f"store-{label}"
    marker = WORK / f"store-{label}.json"
    want = {"data_bytes": meta["bytes"], "seed": meta["seed"]}
    if store_dir.exists() and marker.exists():
        built = json.loads(marker.read_text())
        if built.get("data") == want:
            log(f"reusing the store {store_dir.relative_to(REPO)}")
            return store_dir, {**built["build"], "reused": True}
    if store_dir.exists():
        subprocess.run(["rm", "-rf", str(store_dir)], check=True)
    out = WORK / f"build-{label}.out.json"
    log("building the embedded store (build_store, child process)")
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import sys; sys.path[:0] = sys.argv[1:3]; import graph_bench as g; "
                    "g._child_build(*sys.argv[3:])", str(BENCH), str(REPO / "src"),
                    str(store_dir), str(data_dir), str(out)], cwd=REPO, check=True, timeout=1800)
    build = {**json.loads(out.read_text()), "wall_seconds": round(time.perf_counter() - started, 2)}
    marker.write_text(json.dumps({"data": want, "build": build}))
    log(f"store built in {build['seconds']} s")
    return store_dir, {**build, "reused": False}


# --- the view ----------------------------------------------------------------------------

async def _breakdown(store: Any) -> dict[str, Any]:
    """Where the build's time goes: reading the store (``read_view_rows``: one query per
    predicate, BUILD_CONCURRENCY at a time, on the web process's own read-only handle) and the networkx
    assembly (``GraphView.from_rows``); run once more after the timed builds."""
    from lexgraph.collector import collector_paused
    from lexgraph.traverse import BUILD_CONCURRENCY, GraphView, read_view_rows

    with collector_paused():
        started = time.perf_counter()
        rows = await read_view_rows(store)
        read_s = time.perf_counter() - started
        started = time.perf_counter()
        GraphView.from_rows(rows.links, rows.literals, rows.types, rows.sources)
    out = {"concurrency": BUILD_CONCURRENCY, "read_s": round(read_s, 2), "assemble_s": round(time.perf_counter() - started, 2),
           "links": len(rows.links), "literals": len(rows.literals), "types": len(rows.types),
           "sources": len(rows.sources)}
    log(f"view build breakdown: {out}")
    return out


async def _view_memory(store: Any) -> dict[str, Any]:
    """What the view keeps: the Python memory still allocated (tracemalloc) after one more
    build, once everything else the build made is freed, and the most it held at once (the
    store's own Rust allocations are not counted); run apart from the timed builds, which
    tracemalloc would slow down, and with no other view alive, whose strings it would share."""
    from lexgraph.traverse import build_view

    tracemalloc.start()
    try:
        view = await build_view(store)
        gc.collect()
        live, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    out = {"live_mib": round(live / 2**20, 1), "peak_mib": round(peak / 2**20, 1), "nodes": len(view)}
    log(f"view memory: {out}")
    return out


async def _timed_builds(store: Any, build: Any, what: str) -> tuple[Any, dict[str, Any]]:
    """BUILD_RUNS builds by ``build``, each with no other result of it alive (as the service's
    first one); the median time, and the process's peak memory before and after."""
    peak_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    runs = []
    value = None
    for _ in range(BUILD_RUNS):
        value = None
        started = time.perf_counter()
        value = await build(store)
        runs.append(round(time.perf_counter() - started, 3))
        log(f"{what} build: {runs[-1]:.2f} s")
    peak_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    seconds = statistics.median(runs)
    return value, {"seconds": round(seconds, 3), "runs": runs, "target_s": BUILD_TARGET_S,
                   "met": seconds < BUILD_TARGET_S, "peak_rss_before_mib": round(peak_before / 1024, 1),
                   "peak_rss_after_mib": round(peak_after / 1024, 1)}


async def _view_and_parameters(store_dir: Path, executors: int) -> tuple[dict[str, Any], dict[str, list[str]]]:
    from lexgraph.store.embedded import EmbeddedStore
    from lexgraph.timeline import build_timeline_index
    from lexgraph.traverse import build_view, paths

    store = EmbeddedStore(store_dir, executors)
    await store.start()
    try:
        index, timeline_figures = await _timed_builds(store, build_timeline_index, "timeline index")
        timeline_figures.update(parties=len(index.by_party), events=len(index.nodes))
        index = None
        memory = await _view_memory(store)
        view, figures = await _timed_builds(store, build_view, "view")
        breakdown = await _breakdown(store)
    finally:
        await store.close()
    figures.update(breakdown=breakdown, memory=memory, nodes=len(view), edges=view.triples,
                   executors=executors, timeline_index=timeline_figures)
    log(f"view: {figures['nodes']} nodes, {figures['edges']} edges in {figures['seconds']:.2f} s")

    rng = random.Random(SEED)
    data_nodes = sorted(n for n in view.graph if n.startswith(ID))

    def typed(cls: str) -> list[str]:
        return [n for n in data_nodes if cls in view.types.get(n, ())]

    def sample(values: list[str], k: int) -> list[str]:
        return rng.sample(values, min(k, len(values)))

    states = typed(LG + "State")
    labelled = [n for n in data_nodes if view.labels.get(n)]
    # Neighbourhoods: named things of every kind (states, treaties, acts, articles, agencies …).
    neighbours = sample(labelled, ROTATION)
    # Paths: walk 2 to 4 steps from a named thing over data nodes; keep pairs `paths` connects.
    pairs: list[str] = []
    attempts = 0
    while len(pairs) < ROTATION and attempts < ROTATION * 20:
        attempts += 1
        start = rng.choice(labelled)
        node, seen = start, {start}
        for _ in range(rng.randint(2, 4)):
            nexts = sorted(n for n in view.graph.neighbors(node) if n.startswith(ID) and n not in seen)
            if not nexts:
                break
            node = rng.choice(nexts)
            seen.add(node)
        if node == start or not view.labels.get(node):
            continue
        found = paths(view, start, node, 1, 6, False)
        if found.paths:
            pairs.append(f"{start}\t{node}\t{found.paths[0].length}")
    # Timelines: states (the countries of the synthetic data); repeated ones, and others asked once
    # each, so that the service's answer cache never holds them.
    countries = sample(states, ROTATION)
    once = sample([s for s in states if s not in countries], FIRST_REQUESTS)
    figures["parameters"] = {"neighbour_nodes": len(neighbours), "path_pairs": len(pairs),
                             "path_lengths": {str(L): c for L in range(1, 9)
                                              if (c := sum(1 for p in pairs if p.endswith("\t" + str(L))))},
                             "countries": len(countries), "countries_asked_once": len(once)}
    return figures, {"neighbours": neighbours, "paths": pairs, "timeline": countries, "timeline_once": once}


def _rel(iri: str) -> str:
    return iri[len(ID):] if iri.startswith(ID) else iri


def request_paths(params: dict[str, list[str]]) -> dict[str, list[str]]:
    q = urllib.parse.urlencode
    out = {
        "neighbourhood (depth 2)": [f"/graph/neighbours?{q({'node': _rel(n), 'depth': 2})}" for n in params["neighbours"]],
        "shortest path": [f"/graph/paths?{q({'from': _rel(a), 'to': _rel(b), 'max': 1})}"
                          for a, b, _ in (p.split("\t") for p in params["paths"])],
        "timeline of a country": [f"/timeline?{q({'party': _rel(c)})}" for c in params["timeline"]],
        FIRST_TIMELINE: [f"/timeline?{q({'party': _rel(c)})}" for c in params["timeline_once"]],
    }
    return out


# --- the service -------------------------------------------------------------------------

def start_service(store_dir: Path, data_dir: Path, logs: Path) -> Service:
    """The service over the prepared store (no build at start-up)."""
    return Service({**os.environ, "LEXGRAPH_STORE_DIR": str(store_dir), "LEXGRAPH_DATA_DIR": str(data_dir)}, logs)


def wait_warm(service: Service, timeout_s: float = 600, poll_s: float = 0.2) -> tuple[float, dict[str, Any]]:
    """Seconds from the service's start until /health reports the timeline index and the view
    built; returns once it reports every derived value built (the warm-up's end), with the
    build times it gives then."""
    deadline = time.monotonic() + timeout_s
    both_s = None
    while time.monotonic() < deadline:
        derived = httpx.get(service.url + "/health", timeout=30, trust_env=False).json()["derived"]
        if both_s is None and derived["timelines"] is not None and derived["view"] is not None:
            both_s = time.monotonic() - service.started
        if both_s is not None and all(v is not None for v in derived.values()):
            return both_s, derived
        time.sleep(poll_s)
    raise RuntimeError(f"the service did not finish its warm-up within {timeout_s:.0f} s")


def measure(client: httpx.Client, base: str, urls: list[str], requests: int, warmup: int,
            budget_s: float) -> dict[str, Any]:
    """Warm-up, then sequential timed requests rotating over ``urls``; every answer must be 200."""
    errors: list[str] = []
    for i in range(warmup):
        response = client.get(base + urls[i % len(urls)])
        if response.status_code != 200:
            errors.append(f"{response.status_code} {urls[i % len(urls)]}: {response.text[:200]}")
    times: list[float] = []
    sizes: list[int] = []
    deadline = time.monotonic() + budget_s
    for i in range(requests):
        if time.monotonic() > deadline:
            break
        url = urls[(i + warmup) % len(urls)]
        started = time.perf_counter()
        response = client.get(base + url)
        body = response.content
        times.append((time.perf_counter() - started) * 1000)
        sizes.append(len(body))
        if response.status_code != 200:
            errors.append(f"{response.status_code} {url}: {response.text[:200]}")
    ordered = sorted(times)
    return {
        "requests": len(times), "requested": requests, "warmup": warmup, "distinct_parameters": len(urls),
        "median_ms": round(statistics.median(ordered), 2), "p99_ms": round(percentile(ordered, 99), 2),
        "mean_ms": round(statistics.fmean(ordered), 2), "min_ms": round(ordered[0], 2), "max_ms": round(ordered[-1], 2),
        "median_bytes": int(statistics.median(sizes)), "errors": len(errors), "error_examples": errors[:3],
        "budget_spent": len(times) < requests, "target_median_ms": MEDIAN_TARGET_MS,
        "met": bool(not errors and statistics.median(ordered) < MEDIAN_TARGET_MS),
    }


# --- report ------------------------------------------------------------------------------

def markdown(result: dict[str, Any]) -> str:
    view, data, service = result["view"], result["data"], result["service"]
    index = view["timeline_index"]
    derived = service["derived_s"]
    yes = lambda ok: "met" if ok else "**NOT met**"  # noqa: E731
    lines = [
        "# Graph view and traversal benchmark",
        "",
        f"Generated by `python3 bench/graph_bench.py{result['command_args']}` on {result['when']} "
        f"({result['machine']}).",
        "",
        f"Data: {data['triples']:,} synthetic triples from `bench/generate.py` (seed {data['seed']}), plus the "
        f"ontology; embedded store built in {result['store']['seconds']} s"
        f"{' (reused)' if result['store'].get('reused') else ''}.",
        "",
        "| figure | value | target | |",
        "|---|---|---|---|",
        f"| timeline index built from the embedded store (`build_timeline_index`), median of {len(index['runs'])} | "
        f"{index['seconds']:.2f} s ({index['events']:,} events of {index['parties']:,} parties) | "
        f"< {BUILD_TARGET_S:.0f} s | {yes(index['met'])} |",
        f"| networkx view built from the embedded store (`build_view`), median of {len(view['runs'])} | "
        f"{view['seconds']:.2f} s ({view['nodes']:,} nodes, {view['edges']:,} edges) | < {BUILD_TARGET_S:.0f} s | "
        f"{yes(view['met'])} |",
        f"| the service (`lexgraph serve`) from start until its warm-up has built the timeline index and the view | "
        f"{service['warm_s']:.1f} s (index {derived['timelines']:.2f} s, view {derived['view']:.2f} s, as `/health` "
        f"gives them) | | |",
        f"| the service's resident memory after the warm-up (web process and executors) | "
        f"{service['rss_after_warm_up_mib']:,.0f} MiB | < {RSS_TARGET_MIB:.0f} MiB | {yes(service['rss_met'])} |",
    ]
    b = view["breakdown"]
    lines += [
        "",
        f"Each timeline index build: {', '.join(f'{r:.2f} s' for r in index['runs'])}; peak memory of this "
        f"process {index['peak_rss_before_mib']:,.0f} MiB before, {index['peak_rss_after_mib']:,.0f} MiB after. "
        f"Each view build: {', '.join(f'{r:.2f} s' for r in view['runs'])} (each in a process holding no other "
        f"view or index; peak memory {view['peak_rss_after_mib']:,.0f} MiB after). Where the view's time goes (one more build, step by step): reading the store {b['read_s']} s ({b['links']:,} links, {b['types']:,} types, "
        f"{b['literals']:,} literals, {b['sources']:,} claim sources; one query per predicate and per class, outside "
        f"the entailed graph, {b['concurrency']} at a time, in threads on the process's own read-only handle), "
        f"networkx assembly (`GraphView.from_rows`) {b['assemble_s']} s. What the view keeps: "
        f"{view['memory']['live_mib']:,.0f} MiB of Python objects after one more build (tracemalloc; "
        f"{view['memory']['peak_mib']:,.0f} MiB at most during the build).",
        "",
        "| figure | value | target | |",
        "|---|---|---|---|",
    ]
    for name, m in result["requests"].items():
        lines.append(f"| `{name}`: median / p99 over {m['requests']} requests | {m['median_ms']:.1f} ms / "
                     f"{m['p99_ms']:.1f} ms | median < {MEDIAN_TARGET_MS:.0f} ms | {yes(m['met'])} |")
    lines += [
        "",
        "| route | example request | requests | errors | median | p99 | mean | min | max | median answer |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name, m in result["requests"].items():
        lines.append(f"| {name} | `{m['example']}` | {m['requests']} (+{m['warmup']} warm-up; "
                     f"{m['distinct_parameters']} rotating values) | {m['errors']} | {m['median_ms']:.1f} ms | "
                     f"{m['p99_ms']:.1f} ms | {m['mean_ms']:.1f} ms | {m['min_ms']:.1f} ms | {m['max_ms']:.1f} ms | "
                     f"{m['median_bytes']:,} B |")
    lines += [
        "",
        f"Service: `python3 -m lexgraph serve` (1 web worker, default settings) with `LEXGRAPH_STORE_DIR` prebuilt "
        f"and `LEXGRAPH_DATA_DIR` holding only the synthetic file; answering `/health` {service['ready_s']:.1f} s "
        f"after start, and {service['warm_s']:.1f} s after start `/health` reported every build the routes below "
        f"need done, one after the other in the background, each in a child process that sends the value back "
        f"(seconds each, the transfer included: "
        + ", ".join(f"{k} {v:.2f}" for k, v in derived.items() if v is not None)
        + "); the requests were sent after that. Requests are sequential over one keep-alive connection from this "
        "process; latency is as the client sees it. Percentiles are nearest-rank.",
        "",
        "Parameters rotate over values chosen from the view with seed 1: neighbourhoods of named things of every "
        "kind (depth 2, default limit 100 nodes); shortest path (`max=1`) between pairs found by a 2–4-step walk and "
        f"checked connected (path lengths {view['parameters']['path_lengths']}); timelines of states "
        "(`Accept: application/json`). The service keeps timeline answers in a cache (emptied when the store "
        "changes), so after the first round the repeated timelines come from it; the row \"first request for it\" "
        f"asks {view['parameters']['countries_asked_once']} other states once each, with no warm-up, so every one "
        "is computed (from the timeline index).",
    ]
    if result.get("notes"):
        lines += ["", *result["notes"]]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--triples", type=generate.parse_size, default=1_000_000, help="about how many triples (1M)")
    parser.add_argument("--requests", type=int, default=200, help="timed requests per route (200)")
    parser.add_argument("--warmup", type=int, default=20, help="untimed requests per route first (20)")
    parser.add_argument("--budget", type=float, default=130.0, help="seconds of timed requests per route at most (130)")
    parser.add_argument("--executors", type=int, default=2, help="query executors of the store for the view build (2)")
    args = parser.parse_args()
    label = generate.size_label(args.triples)
    stem = "graph" if args.triples == 1_000_000 else f"graph-{label}"
    run_started = time.perf_counter()

    data_dir, data = ensure_data(args.triples, label)
    store_dir, store = ensure_store(label, data_dir, data)
    view, params = asyncio.run(_view_and_parameters(store_dir, args.executors))
    routes = request_paths(params)
    if not routes[FIRST_TIMELINE]:  # small data: every state is in the rotation already
        del routes[FIRST_TIMELINE]
    for name, urls in routes.items():
        if not urls:
            raise SystemExit(f"graph_bench: no parameters for {name}")

    service = start_service(store_dir, data_dir, WORK / "logs")
    requests: dict[str, Any] = {}
    try:
        ready = service.wait_ready()
        log(f"service ready in {ready:.1f} s at {service.url}")
        warm_s, derived = wait_warm(service)
        time.sleep(1)  # the warm-up hands freed memory back once everything is built
        service_rss_mib = service.rss_mib()
        log(f"service warm {warm_s:.1f} s after start ({derived}); {service_rss_mib} MiB")
        with httpx.Client(timeout=120, trust_env=False, headers={"Accept": "application/json"}) as client:
            for name, urls in routes.items():
                # Each country's first timeline is asked once, with no warm-up: no answer is cached.
                count, warmup = (len(urls), 0) if name == FIRST_TIMELINE else (args.requests, args.warmup)
                log(f"{name}: {warmup} warm-up + {count} requests")
                m = measure(client, service.url, urls, count, warmup, args.budget)
                m["example"] = urls[0]
                requests[name] = m
                log(f"{name}: median {m['median_ms']} ms, p99 {m['p99_ms']} ms, errors {m['errors']}")
    finally:
        service.stop()

    notes = []
    for name, m in requests.items():
        if m["budget_spent"]:
            notes.append(f"- `{name}`: the {args.budget:.0f} s budget ran out after {m['requests']} of "
                         f"{m['requested']} requests.")
        if m["errors"]:
            notes.append(f"- `{name}`: {m['errors']} answers were not 200, e.g. {m['error_examples'][0]}")
    load = os.getloadavg()
    notes.append(f"- Load average at the end of the run: {load[0]:.2f} (machine shared with other work; "
                 f"{os.cpu_count()} cores).")
    cmd = "".join(f" {a}" for a in sys.argv[1:])
    result = {
        "when": now(),
        "machine": machine(),
        "command_args": cmd, "data": data, "store": store, "view": view,
        "service": {"ready_s": round(ready, 2), "warm_s": round(warm_s, 2), "derived_s": derived,
                    "rss_after_warm_up_mib": service_rss_mib, "rss_met": service_rss_mib < RSS_TARGET_MIB},
        "requests": requests,
        "targets": {"build_s": BUILD_TARGET_S, "service_rss_mib": RSS_TARGET_MIB, "median_ms": MEDIAN_TARGET_MS},
        "all_met": (view["met"] and view["timeline_index"]["met"] and service_rss_mib < RSS_TARGET_MIB
                    and all(m["met"] for m in requests.values())),
        "run_seconds": round(time.perf_counter() - run_started, 1),
        "notes": notes,
    }
    js, md = write_results(stem, result, markdown(result))
    log(f"wrote {md.relative_to(REPO)} and {js.relative_to(REPO)} in {result['run_seconds']} s")


if __name__ == "__main__":
    main()
