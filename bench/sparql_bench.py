"""Benchmark: lexgraph's SPARQL service against Oxigraph and rdflib-endpoint on synthetic data (issues 5, 14).

Run:  python3 bench/sparql_bench.py [--sizes 100k,1M,10M] [--duration 10] [--quick]
Writes bench/results/sparql.md and bench/results/sparql.json (--quick writes *-quick.* instead).

For each size it
  1. generates synthetic data that conforms to our ontology and shapes (bench/generate.py) into
     bench/work/ (reused when present);
  2. builds lexgraph's embedded store with ``lexgraph.store.embedded.build_store`` in a child
     process (time of the call, wall time and peak RSS of the process: the load target), and an
     Oxigraph store of the same files (pyoxigraph ``bulk_load``, one named graph per file, then
     ``optimize``: compacted, as lexgraph's store is);
  3. starts, on free loopback ports: lexgraph twice (answer cache on, the default, and off with
     LEXGRAPH_CACHE_BYTES=0), ``oxigraph serve-read-only --union-default-graph`` and
     ``rdflib-endpoint serve`` over the same Turtle files (ontology, vocabularies, synthetic data);
     and, where Debian's Virtuoso is installed (``virtuoso-opensource``), Virtuoso 7 loaded with
     ``lexgraph load --to`` (the test suite's fixture: tests/service/servers.py) and lexgraph in
     remote mode over it, cache off;
  4. checks that every server answers every query with 200 and the same number of rows (a pair
     that fails is skipped and marked so);
  5. runs wrk on each query and server, at 1 connection (median and p99 latency) and at 8
     connections (requests/s), with ``Accept: application/sparql-results+json``; a Lua script
     rotates through many parameter values (entity IRIs, countries, years, search words) so
     consecutive requests differ;
  6. computes lexgraph/oxigraph and lexgraph/rdflib-endpoint throughput ratios at 8 connections
     and their geometric means, cache on and cache off, and lexgraph over Virtuoso / Virtuoso
     direct (the cost of lexgraph's layer), and checks them against the targets;
  7. runs the mixed workload (issue 14; --skip-mix leaves it out) on lexgraph with the cache off,
     Oxigraph, Virtuoso and lexgraph over it: 80 % lookups, 15 % timelines, 5 % aggregates (half
     by country, half by year), drawn from a seeded sequence whose parameter values come back
     only after all others of their kind; req/s (wrk), p50 and p99 overall and per kind (each
     answer timed in the wrk script), at 1 and 8 connections, and how many requests repeated a
     (kind, value).

Above 2M triples rdflib-endpoint is not started (it cannot load that much in reasonable time and
memory; the report says so); from 10M on lexgraph runs only with its cache off (every server runs
at once, so memory), with its query time limit raised to 60 s.

Everything binds 127.0.0.1; every wait is bounded; every server is stopped at the end, errors
or not (each runs in its own process group).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable

REPO = Path(__file__).resolve().parents[1]
BENCH = REPO / "bench"
WORK = BENCH / "work"
RESULTS = BENCH / "results"
sys.path.insert(0, str(BENCH))

import generate  # noqa: E402  (bench/generate.py)
sys.path.insert(0, str(REPO))
from tests.service.servers import load_into_virtuoso, start_virtuoso  # noqa: E402  (the suite's Virtuoso)
from report import free_port, now, percentile, stop_group, tree_pids, tree_rss_mib, write_results  # noqa: E402

ACCEPT = "application/sparql-results+json"
RDFLIB_MAX_TRIPLES = 2_000_000
"""Above this size rdflib-endpoint is not started: at 1M triples it took 68 s to load and held
1.25 GB (bench/results/sparql.md, 2026-11-22), so 10M would need ~12 GB and over ten minutes
before its first answer, and its runs at 1M already completed no request for two queries."""
LARGE_TRIPLES = 10_000_000
LARGE_QUERY_TIMEOUT_S = 60
"""From LARGE_TRIPLES on, lexgraph runs with LEXGRAPH_QUERY_TIMEOUT_S at its ceiling (60 s, the default
LEXGRAPH_QUERY_TIMEOUT_MAX_S) instead of 10 s: the scans of aggregate-year and label-search took
about 1 s at 1M, so at 10M they would hit a 10 s limit, and the servers compared have none."""
ROTATION = 200  # parameter values per query (fewer where the data has fewer)
VERIFY_VALUES = 4  # parameter values checked on every server before timing
SEED = 1

TARGETS = {
    "vs_oxigraph_geomean": 0.8,
    "vs_oxigraph_min": 0.5,
    "vs_rdflib_geomean": 15.0,
    "load_1m_s": 5.0,
    "load_1m_peak_mib": 1024.0,
    "over_virtuoso_geomean": 0.5,
}
"""Issue 5's targets (all sizes, cache on and off)."""
CACHE_OFF_TARGETS = {
    "100k": {"vs_oxigraph_geomean": 0.8, "vs_oxigraph_min": 0.4, "vs_rdflib_geomean": 20.0},
    "1M": {"vs_oxigraph_geomean": 1.0, "vs_oxigraph_min": 0.5, "vs_rdflib_geomean": 20.0},
}
"""Issue 14's targets, answer cache off, by size (it sets none at other sizes)."""

PREFIXES = """PREFIX lg: <https://w3id.org/lexgraph/def/>
PREFIX lgv: <https://w3id.org/lexgraph/vocab/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
"""

# The researcher queries. {value} is the rotated parameter.
QUERIES: dict[str, dict[str, str]] = {
    "lookup": {
        "title": "label of one entity by IRI",
        "param": "entity IRI (treaties, states, articles, parts, agencies)",
        "text": PREFIXES + "SELECT ?label WHERE { <{value}> skos:prefLabel ?label }",
    },
    "timeline": {
        "title": "one country's treaty actions by date, with treaty label and kind",
        "param": "country (lg:State IRI)",
        "text": PREFIXES + """SELECT ?date ?treaty ?treatyLabel ?kind ?kindLabel WHERE {
  ?action a lg:TreatyAction ; lg:party <{value}> ; lg:treaty ?treaty ; lg:eventKind ?kind .
  OPTIONAL { ?action lg:date ?date }
  BIND (COALESCE(STR(?date), "") AS ?sortDate)
  ?treaty skos:prefLabel ?treatyLabel .
  ?kind skos:prefLabel ?kindLabel .
}
ORDER BY ?sortDate ?treatyLabel ?kindLabel""",
    },
    "aggregate-country": {
        "title": "count one country's treaty actions per kind (GROUP BY)",
        "param": "country (lg:State IRI)",
        "text": PREFIXES + """SELECT ?kind (COUNT(?action) AS ?actions) WHERE {
  ?action a lg:TreatyAction ; lg:party <{value}> ; lg:eventKind ?kind .
}
GROUP BY ?kind ORDER BY DESC(?actions) ?kind""",
    },
    "aggregate-year": {
        "title": "treaties with most actions dated in one year (GROUP BY over all actions, top 20)",
        "param": "year (1950-2023)",
        "text": PREFIXES + """SELECT ?treaty (COUNT(?action) AS ?actions) WHERE {
  ?action a lg:TreatyAction ; lg:treaty ?treaty ; lg:date ?date .
  FILTER (STRSTARTS(STR(?date), "{value}"))
}
GROUP BY ?treaty ORDER BY DESC(?actions) ?treaty LIMIT 20""",
    },
    "label-search": {
        "title": "labels containing a word (CONTAINS on LCASE, LIMIT 20)",
        "param": "search word (country names: many hits; treaty place names: few hits, full scan)",
        "text": PREFIXES + """SELECT ?entity ?label WHERE {
  ?entity skos:prefLabel ?label .
  FILTER (CONTAINS(LCASE(STR(?label)), "{value}"))
}
LIMIT 20""",
    },
}

LUA_SUMMARY = """
-- wrk's own figures for the whole run, one line that run_wrk reads
local function write_summary(summary, latency)
  local e = summary.errors
  io.write(string.format(
    'WRKJSON {"requests":%d,"duration_us":%d,"bytes":%d,"connect":%d,"read":%d,"write":%d,' ..
    '"status":%d,"timeout":%d,"p50_us":%d,"p90_us":%d,"p99_us":%d,"mean_us":%.1f,"max_us":%d}\\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.mean, latency.max))
end
"""

LUA = """-- generated by bench/sparql_bench.py: rotate through the request paths of one query
local paths = {
%s
}
local n = #paths
local i = 0
wrk.method = "GET"
wrk.headers["Accept"] = "%s"
request = function()
  i = i + 1
  if i > n then i = 1 end
  return wrk.format(nil, paths[i])
end
"""
LUA_DONE = """
done = function(summary, latency, requests)
  write_summary(summary, latency)
end
"""

# The mixed workload (issue 14): query kinds by weight, each with its own parameter values.
MIX = {"lookup": 0.80, "timeline": 0.15, "aggregate-country": 0.025, "aggregate-year": 0.025}
MIX_SERVERS = ("lexgraph (cache off)", "oxigraph", "virtuoso", "lexgraph over virtuoso (cache off)")
MIX_LENGTH = 80_000  # entries of the seeded sequence of (kind, value) all mixed runs read
MIX_SEGMENT = 8_000  # entries per run and thread before it reaches the next one's start
MIX_LOOKUPS = 50_000  # distinct entities at most for the mix's lookups
MIX_CONNECTIONS = 8

LUA_MIX = """-- generated by bench/sparql_bench.py: the mixed workload. Each request takes the next entry of a
-- fixed, seeded sequence of (query kind, parameter value) read from @SEQUENCE@; every wrk thread has one
-- connection (-t = -c), so its request() and response() alternate and each answer's latency can be
-- timed here per kind (CLOCK_MONOTONIC through LuaJIT's ffi), beside wrk's own overall figures.
-- Each thread writes "kind<TAB>microseconds<TAB>status" lines to a file of its own (wrk's thread:get
-- cannot copy nested tables back), which the benchmark reads after wrk has exited.
local ffi = require("ffi")
ffi.cdef[[
typedef struct { long tv_sec; long tv_nsec; } lgbench_timespec;
int clock_gettime(int clk_id, lgbench_timespec *tp);
]]
local clock = ffi.new("lgbench_timespec")
local function now_us()
  ffi.C.clock_gettime(1, clock)
  return tonumber(clock.tv_sec) * 1e6 + tonumber(clock.tv_nsec) / 1e3
end
-- each kind's query as the request path up to its parameter and after it, URL-encoded
local templates = {
@TEMPLATES@
}
local kinds, values = {}, {}
for line in io.lines("@SEQUENCE@") do
  local tab = line:find("\\t", 1, true)
  kinds[#kinds + 1] = line:sub(1, tab - 1)
  values[#values + 1] = line:sub(tab + 1)
end
local n = #kinds
wrk.method = "GET"
wrk.headers["Accept"] = "@ACCEPT@"

local threads = {}
function setup(thread)
  thread:set("id", #threads)
  threads[#threads + 1] = thread
end

-- arguments: the sequence entry the first thread starts at, how far apart threads start, and the
-- path prefix of the threads' latency files
function init(args)
  local offset, stride = tonumber(args[1]), tonumber(args[2])
  position = (offset + id * stride) % n
  first = position
  sent = 0
  timings = assert(io.open(args[3] .. "-" .. id .. ".tsv", "w"))
end

function request()
  position = position % n + 1
  sent = sent + 1
  kind = kinds[position]
  local t = templates[kind]
  started = now_us()
  return wrk.format(nil, t[1] .. values[position] .. t[2])
end

function response(status)
  timings:write(string.format("%s\\t%.1f\\t%d\\n", kind, now_us() - started, status))
end
""" + LUA_SUMMARY + """
function done(summary, latency, requests)
  write_summary(summary, latency)
  local ranges = {}
  for _, t in ipairs(threads) do
    ranges[#ranges + 1] = string.format("[%d,%d]", t:get("first"), t:get("sent"))
  end
  io.write('MIXJSON {"ranges":[' .. table.concat(ranges, ",") .. ']}\\n')
end
"""


# --------------------------------------------------------------------------------------------
# small utilities
# --------------------------------------------------------------------------------------------

def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


_TICK = os.sysconf("SC_CLK_TCK")


def tree_cpu_s(pid: int) -> float:
    """CPU seconds (user + system) used so far by a process and its descendants: the living
    ones, and those that ended and were reaped (their parent's cutime and cstime). Without the
    ended ones, a child that exits during a measurement (lexgraph builds each derived value in
    a child process) would take its CPU out of the sum, and a busy server would look idle."""
    total = 0
    for p in tree_pids(pid):
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12]) + int(fields[13]) + int(fields[14])
        except (FileNotFoundError, ProcessLookupError, IndexError, ValueError):
            continue
    return total / _TICK


def system_cpu() -> list[int]:
    """The machine's CPU counters from /proc/stat: user nice system idle iowait irq softirq steal."""
    return [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]


def http_get(url: str, timeout: float) -> tuple[int, bytes]:
    request = urllib.request.Request(url, headers={"Accept": ACCEPT})
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback only, no proxies
    try:
        with opener.open(request, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def timed_child(cmd: list[str], timeout_s: float, env: dict[str, str] | None = None) -> tuple[float, float, int]:
    """Run ``cmd``; wall seconds, peak RSS (MiB, from the kernel's accounting) and exit code."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            start_new_session=True)
    deadline = time.monotonic() + timeout_s
    # The pipe is small (errors only); read it after the child ends.
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if time.monotonic() > deadline:
            os.killpg(proc.pid, signal.SIGKILL)
            pid, status, usage = os.wait4(proc.pid, 0)
            break
        time.sleep(0.02)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    if proc.stderr:
        proc.stderr.close()
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd[:4])}… failed ({proc.returncode}):\n{err[-3000:]}")
    return wall, usage.ru_maxrss / 1024, proc.returncode


# --------------------------------------------------------------------------------------------
# stores
# --------------------------------------------------------------------------------------------

def _child_build_lexgraph(store_dir: str, data_dir: str, out: str) -> None:
    """Child process: build lexgraph's embedded store exactly as `lexgraph serve` does."""
    from lexgraph.config import load_settings
    from lexgraph.store.embedded import build_store, source_files

    settings = load_settings({"LEXGRAPH_ROOT": str(REPO), "LEXGRAPH_DATA_DIR": data_dir})
    files = source_files([settings.ontology_dir, settings.data_dir], settings.root)
    start = time.perf_counter()
    counts = build_store(Path(store_dir), files)
    seconds = time.perf_counter() - start
    Path(out).write_text(json.dumps({"seconds": seconds, "triples": sum(counts.values()),
                                     "graphs": {k: v for k, v in counts.items()}}))


def _child_build_oxigraph(store_dir: str, data_dir: str, out: str) -> None:
    """Child process: the same files, one named graph each, with pyoxigraph's bulk loader."""
    import pyoxigraph as ox

    from lexgraph.config import load_settings
    from lexgraph.store.embedded import source_files

    settings = load_settings({"LEXGRAPH_ROOT": str(REPO), "LEXGRAPH_DATA_DIR": data_dir})
    files = source_files([settings.ontology_dir, settings.data_dir], settings.root)
    start = time.perf_counter()
    store = ox.Store(store_dir)
    for f in files:
        store.bulk_load(path=str(f.path), format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(f.graph))
    store.flush()
    store.optimize()  # compacted, as lexgraph compacts its own (lexgraph.store.embedded.settle)
    triples = len(store)
    del store
    Path(out).write_text(json.dumps({"seconds": time.perf_counter() - start, "triples": triples}))


def build(kind: str, store_dir: Path, data_dir: Path, timeout_s: float) -> dict[str, float]:
    if store_dir.exists():
        shutil.rmtree(store_dir)
    store_dir.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as tmp:
        out = Path(tmp.name)
    try:
        cmd = [sys.executable, str(Path(__file__).resolve()), f"--child-build-{kind}", str(store_dir), str(data_dir), str(out)]
        wall, rss, _ = timed_child(cmd, timeout_s=timeout_s)
        result = json.loads(out.read_text())
    finally:
        out.unlink(missing_ok=True)
    return {"call_s": result["seconds"], "process_wall_s": wall, "peak_rss_mib": rss, "triples": result["triples"]}


# --------------------------------------------------------------------------------------------
# servers
# --------------------------------------------------------------------------------------------

@dataclass
class Server:
    name: str
    process: subprocess.Popen[bytes]
    base: str
    query_path: str
    log_path: Path
    started: float
    ready_s: float = 0.0
    rss_mib: float = 0.0
    settings: dict[str, str] = field(default_factory=dict)

    def url(self, query: str) -> str:
        return self.base + self.query_path + "?" + urllib.parse.urlencode({"query": query}, quote_via=urllib.parse.quote)

    def path(self, query: str) -> str:
        return self.query_path + "?" + urllib.parse.urlencode({"query": query}, quote_via=urllib.parse.quote)

    def alive(self) -> bool:
        return self.process.poll() is None

    def stop(self) -> None:
        stop_group(self.process, 15)


def spawn(name: str, cmd: list[str], env: dict[str, str], query_path: str, logs: Path,
          settings: dict[str, str]) -> Server:
    port = int(env.pop("_PORT"))
    log_path = logs / f"{re.sub(r'[^a-z0-9]+', '-', name.lower()).strip('-')}.log"
    with log_path.open("wb") as out:
        process = subprocess.Popen(cmd, cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    return Server(name, process, f"http://127.0.0.1:{port}", query_path, log_path, time.monotonic(), settings=settings)


def wait_ready(server: Server, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    probe = server.url("ASK {}")
    while time.monotonic() < deadline:
        if not server.alive():
            raise RuntimeError(f"{server.name} exited with {server.process.returncode}:\n"
                               f"{server.log_path.read_text(errors='replace')[-3000:]}")
        try:
            status, _ = http_get(probe, timeout=5)
            if status == 200:
                server.ready_s = time.monotonic() - server.started
                return
        except (OSError, urllib.error.URLError):
            pass
        time.sleep(0.25)
    raise RuntimeError(f"{server.name} not ready within {timeout_s:.0f} s; log: {server.log_path}")


def start_lexgraph(name: str, store_dir: Path, data_dir: Path, logs: Path, workers: int, executors: int,
                   cache_bytes: int | None, query_timeout_s: float | None = None, executor_store: str = "disk") -> Server:
    port = free_port()
    # wrk is one client: the per-client limits are raised so that its requests are answered, not refused (429).
    settings = {"LEXGRAPH_WORKERS": str(workers), "LEXGRAPH_EXECUTORS": str(executors),
                "LEXGRAPH_EXECUTOR_STORE": executor_store,
                "LEXGRAPH_CLIENT_CONCURRENCY": "64", "LEXGRAPH_CLIENT_QUERY_S_PER_MIN": "1000000",
                "LEXGRAPH_STORE_DIR": str(store_dir), "LEXGRAPH_DATA_DIR": str(data_dir),
                "LEXGRAPH_ROOT": str(REPO), "LEXGRAPH_HOST": "127.0.0.1", "LEXGRAPH_PORT": str(port)}
    if cache_bytes is not None:
        settings["LEXGRAPH_CACHE_BYTES"] = str(cache_bytes)
    if query_timeout_s is not None:
        settings["LEXGRAPH_QUERY_TIMEOUT_S"] = f"{query_timeout_s:g}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("LEXGRAPH_")}
    env.update(settings)
    env["_PORT"] = str(port)
    shown = {k: v for k, v in settings.items()
             if k in ("LEXGRAPH_WORKERS", "LEXGRAPH_EXECUTORS", "LEXGRAPH_EXECUTOR_STORE", "LEXGRAPH_CACHE_BYTES",
                      "LEXGRAPH_QUERY_TIMEOUT_S")}
    shown.setdefault("LEXGRAPH_CACHE_BYTES", "67108864 (default)")
    return spawn(name, [sys.executable, "-m", "lexgraph", "serve", "--no-access-log"], env, "/sparql", logs, shown)


def start_oxigraph(store_dir: Path, logs: Path) -> Server:
    binary = shutil.which("oxigraph")
    if binary is None:
        raise RuntimeError("the `oxigraph` server binary is not installed (pip install oxigraph)")
    port = free_port()
    env = {**os.environ, "_PORT": str(port)}
    cmd = [binary, "serve-read-only", "--location", str(store_dir), "--bind", f"127.0.0.1:{port}",
           "--union-default-graph"]
    return spawn("oxigraph", cmd, env, "/query", logs, {"command": " ".join(["oxigraph"] + cmd[1:3] + ["…"] + cmd[5:])})


VIRTUOSO = "virtuoso"
OVER_VIRTUOSO = "lexgraph over virtuoso (cache off)"


def start_virtuoso_loaded(data_dir: Path, work: Path) -> Server:
    """Virtuoso 7 on loopback with the ontology and ``data_dir`` loaded by `lexgraph load --to`
    (no row limit below the data: ResultSetMaxRows 10,000,000)."""
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    started = time.monotonic()
    virtuoso = start_virtuoso(work, max_rows=10_000_000)
    try:
        loaded = load_into_virtuoso(virtuoso, str(data_dir))
    except subprocess.TimeoutExpired as exc:
        virtuoso.stop()
        raise RuntimeError(f"lexgraph load into Virtuoso did not finish within {exc.timeout:.0f} s") from exc
    if loaded.returncode != 0:
        virtuoso.stop()
        raise RuntimeError(f"lexgraph load into Virtuoso failed: {loaded.stderr[-500:]}")
    return Server(VIRTUOSO, virtuoso.process, virtuoso.url, "/sparql", virtuoso.log, started,
                  settings={"command": "virtuoso-t -f -c virtuoso.ini (tests/service/servers.py: ResultSetMaxRows 10000000)",
                            "load_s": f"{time.monotonic() - started:.1f} (start and lexgraph load --to)"})


def start_lexgraph_over(virtuoso: Server, logs: Path, workers: int) -> Server:
    port = free_port()
    # wrk is one client: the per-client limits are raised so that its requests are answered, not refused (429).
    settings = {"LEXGRAPH_WORKERS": str(workers), "LEXGRAPH_STORE": "remote", "LEXGRAPH_CACHE_BYTES": "0",
                "LEXGRAPH_CLIENT_CONCURRENCY": "64", "LEXGRAPH_CLIENT_QUERY_S_PER_MIN": "1000000",
                "LEXGRAPH_REMOTE_QUERY_URL": virtuoso.base + "/sparql",
                "LEXGRAPH_REMOTE_STORE_URL": virtuoso.base + "/sparql-graph-crud",
                "LEXGRAPH_ROOT": str(REPO), "LEXGRAPH_HOST": "127.0.0.1", "LEXGRAPH_PORT": str(port)}
    env = {k: v for k, v in os.environ.items() if not k.startswith("LEXGRAPH_")}
    env.update(settings)
    env["_PORT"] = str(port)
    shown = {k: v for k, v in settings.items() if k in ("LEXGRAPH_WORKERS", "LEXGRAPH_STORE", "LEXGRAPH_CACHE_BYTES")}
    return spawn(OVER_VIRTUOSO, [sys.executable, "-m", "lexgraph", "serve", "--no-access-log"], env, "/sparql", logs, shown)


def start_rdflib(files: list[Path], logs: Path) -> Server:
    binary = shutil.which("rdflib-endpoint")
    if binary is None:
        raise RuntimeError("rdflib-endpoint is not installed")
    port = free_port()
    env = {**os.environ, "_PORT": str(port)}
    cmd = [binary, "serve", "--host", "127.0.0.1", "--port", str(port), *map(str, files)]
    return spawn("rdflib-endpoint", cmd, env, "/", logs,
                 {"command": "rdflib-endpoint serve (in-memory rdflib Dataset, default store)"})


def drain(server: Server, timeout_s: float = 300) -> None:
    """Wait until the server has finished the backlog wrk left behind (requests of closed
    connections that it still evaluates), so it does not spill into the next measurement:
    first until it answers a trivial query, then until its processes use less than 5 % of a
    core over half a second."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            status, _ = http_get(server.url("ASK { }"), timeout=max(1.0, deadline - time.monotonic()))
            if status == 200:
                break
        except (OSError, urllib.error.URLError):
            pass
        time.sleep(0.2)
    while time.monotonic() < deadline:
        before = tree_cpu_s(server.process.pid)
        time.sleep(0.5)
        if tree_cpu_s(server.process.pid) - before < 0.025:
            return
    log(f"warning: {server.name} did not drain within {timeout_s:.0f} s")


# --------------------------------------------------------------------------------------------
# parameters, verification, wrk
# --------------------------------------------------------------------------------------------

ENTITY_CLASSES = ("lg:Treaty", "lg:State", "lg:Article", "lg:Part", "<http://www.w3.org/ns/org#FormalOrganization>")
"""The classes whose labelled members the lookup query asks for."""


def store_column(store_dir: Path) -> Callable[[str], list[str]]:
    """A reader of the first column of a query's answers over the store built for Oxigraph."""
    import pyoxigraph as ox

    store = ox.Store.read_only(str(store_dir))

    def column(q: str) -> list[str]:
        return [row[0].value for row in store.query(PREFIXES + q, use_default_graph_as_union=True)]

    return column


def parameter_values(store_dir: Path) -> dict[str, list[str]]:
    """Rotation values for each query, chosen deterministically from the data."""
    column = store_column(store_dir)
    rng = random.Random(SEED)

    def pick(values: list[str], k: int = ROTATION) -> list[str]:
        values = sorted(set(values))
        return rng.sample(values, k) if len(values) > k else rng.sample(values, len(values))

    states = column("SELECT ?s WHERE { ?s a lg:State }")
    entities: list[str] = []
    for cls in ENTITY_CLASSES:
        entities += pick(column(f"SELECT ?s WHERE {{ ?s a {cls} ; skos:prefLabel [] }}"), ROTATION // 5)
    rng.shuffle(entities)
    state_names = [v.lower() for v in column("SELECT ?l WHERE { ?s a lg:State ; skos:prefLabel ?l }")]
    places = [v.split()[0].lower() for v in column("SELECT ?l WHERE { ?s a lg:Treaty ; skos:prefLabel ?l }")]
    words_many, words_few = pick(state_names, ROTATION // 2), pick(places, ROTATION // 2)
    words = [w for pair in zip(words_many, words_few) for w in pair]
    words += words_many[len(words_few):] + words_few[len(words_many):]
    years = [str(y) for y in range(1950, 2024)]
    rng.shuffle(years)
    return {"lookup": entities, "timeline": pick(states), "aggregate-country": pick(states),
            "aggregate-year": years, "label-search": words}


def mix_parameters(store_dir: Path) -> dict[str, list[str]]:
    """The mixed workload's values per kind, as many distinct ones as the data has (lookups: up to
    MIX_LOOKUPS labelled entities of the lookup classes; every state; every year), in a seeded order."""
    column = store_column(store_dir)
    rng = random.Random(SEED + 1)
    entities = sorted({e for cls in ENTITY_CLASSES for e in column(f"SELECT ?s WHERE {{ ?s a {cls} ; skos:prefLabel [] }}")})
    entities = rng.sample(entities, min(MIX_LOOKUPS, len(entities)))
    states = sorted(set(column("SELECT ?s WHERE { ?s a lg:State }")))
    years = [str(y) for y in range(1950, 2024)]
    out = {"lookup": entities, "timeline": states, "aggregate-country": list(states), "aggregate-year": years}
    for values in out.values():
        rng.shuffle(values)
    return out


def mix_sequence(values: dict[str, list[str]]) -> list[tuple[str, str]]:
    """MIX_LENGTH (kind, value) entries: the kind drawn by weight (seeded), each kind's values taken
    in turn, so a value comes back only after all the kind's others."""
    rng = random.Random(SEED)
    kinds = rng.choices(list(MIX), weights=list(MIX.values()), k=MIX_LENGTH)
    taken = {k: 0 for k in MIX}
    out = []
    for kind in kinds:
        out.append((kind, values[kind][taken[kind] % len(values[kind])]))
        taken[kind] += 1
    return out


def mix_repeats(sequence: list[tuple[str, str]], runs: list[list[list[int]]]) -> dict[str, int]:
    """How many requests of a server's mixed runs (warm-up, 1 and 8 connections, in that order)
    asked a (kind, value) already asked before in them, from each thread's [first entry, requests sent]."""
    seen: set[tuple[str, str]] = set()
    requests = repeats = 0
    for ranges in runs:
        for first, sent in ranges:
            for j in range(sent):
                entry = sequence[(first + j) % len(sequence)]
                repeats += entry in seen
                seen.add(entry)
            requests += sent
    return {"requests": requests, "repeats": repeats, "distinct": len(seen)}


def query_text(name: str, value: str) -> str:
    return QUERIES[name]["text"].replace("{value}", value)


def verify(servers: list[Server], params: dict[str, list[str]]) -> dict[str, dict[str, Any]]:
    """Per query and server: ok (200 and the same row counts as the others) or why not."""
    out: dict[str, dict[str, Any]] = {}
    for qname, values in params.items():
        counts: dict[str, list[int | None]] = {}
        problems: dict[str, str] = {}
        for server in servers:
            row_counts: list[int | None] = []
            for value in values[:VERIFY_VALUES]:
                try:
                    status, body = http_get(server.url(query_text(qname, value)), timeout=120)
                except (OSError, urllib.error.URLError) as exc:
                    problems.setdefault(server.name, f"request failed: {exc}")
                    row_counts.append(None)
                    continue
                if status != 200:
                    problems.setdefault(server.name, f"HTTP {status}: {body[:200].decode(errors='replace')}")
                    row_counts.append(None)
                    continue
                try:
                    row_counts.append(len(json.loads(body)["results"]["bindings"]))
                except (ValueError, KeyError) as exc:
                    problems.setdefault(server.name, f"unreadable answer: {exc}")
                    row_counts.append(None)
            counts[server.name] = row_counts
        # The reference is the row counts most servers agree on.
        votes: dict[tuple, int] = {}
        for name, rc in counts.items():
            if name not in problems:
                votes[tuple(rc)] = votes.get(tuple(rc), 0) + 1
        reference = max(votes, key=lambda k: votes[k]) if votes else None
        for name, rc in counts.items():
            if name not in problems and tuple(rc) != reference:
                problems[name] = f"row counts {rc} differ from the others' {list(reference or ())}"
        out[qname] = {"reference_rows": list(reference) if reference else None,
                      "servers": {s.name: {"ok": s.name not in problems, "rows": counts[s.name],
                                           "problem": problems.get(s.name)} for s in servers}}
        for name, problem in problems.items():
            log(f"verify: {qname} on {name}: {problem}")
    return out


def run_wrk(server: Server, script: Path, connections: int, duration: float, threads: int = 1,
            script_args: tuple[str, ...] = ()) -> dict[str, Any]:
    cmd = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{max(1, round(duration))}s", "--timeout", "60s",
           "-s", str(script), server.base, *(["--", *script_args] if script_args else [])]
    cpu0, server0, wall0 = system_cpu(), tree_cpu_s(server.process.pid), time.monotonic()
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=duration + 120)
    cpu1, server1, wall1 = system_cpu(), tree_cpu_s(server.process.pid), time.monotonic()
    delta = [b - a for a, b in zip(cpu0, cpu1)]
    ticks = sum(delta) or 1
    cores = os.cpu_count() or 1
    cpu = {
        "server_cores": round((server1 - server0) / (wall1 - wall0), 2),
        "machine_busy_cores": round((ticks - delta[3] - delta[4] - delta[7]) / ticks * cores, 2),
        "steal_pct": round(100 * delta[7] / ticks, 1),
    }
    match = re.search(r"^WRKJSON (.*)$", result.stdout, re.MULTILINE)
    if result.returncode != 0 or not match:
        raise RuntimeError(f"wrk failed ({result.returncode}): {result.stdout[-1500:]} {result.stderr[-1500:]}")
    raw = json.loads(match.group(1))
    seconds = raw["duration_us"] / 1e6
    ok = raw["requests"] - raw["status"]
    mix = re.search(r"^MIXJSON (.*)$", result.stdout, re.MULTILINE)
    return {**(json.loads(mix.group(1)) if mix else {}),
        "connections": connections,
        "seconds": round(seconds, 3),
        "requests": raw["requests"],
        "non_2xx": raw["status"],
        "socket_errors": raw["connect"] + raw["read"] + raw["write"] + raw["timeout"],
        "timeouts": raw["timeout"],
        "rps": round(ok / seconds, 2) if seconds > 0 else 0.0,
        # wrk reports a latency of 0 when no request completed
        "p50_ms": round(raw["p50_us"] / 1000, 3) if raw["requests"] else None,
        "p90_ms": round(raw["p90_us"] / 1000, 3) if raw["requests"] else None,
        "p99_ms": round(raw["p99_us"] / 1000, 3) if raw["requests"] else None,
        "mean_ms": round(raw["mean_us"] / 1000, 3) if raw["requests"] else None,
        # busy cores of the whole machine include wrk and the benchmark itself; more than
        # server + ~0.3 means other work shared the cores during the run
        "cpu": cpu,
    }


def write_mix_script(path: Path, server: Server, sequence_file: Path) -> None:
    """The mixed workload's wrk script for ``server``: each kind's request path split at its
    parameter (percent-encoding is per character, so the parts join into the full path)."""
    templates = []
    for kind in MIX:
        left, right = QUERIES[kind]["text"].split("{value}")
        prefix = server.query_path + "?query="
        templates.append(f'  ["{kind}"] = {{"{prefix}{urllib.parse.quote(left, safe="")}", '
                         f'"{urllib.parse.quote(right, safe="")}"}},')
        assert server.path(query_text(kind, "v")) == prefix + urllib.parse.quote(left, safe="") + "v" + urllib.parse.quote(right, safe="")
    text = (LUA_MIX.replace("@TEMPLATES@", "\n".join(templates)).replace("@SEQUENCE@", str(sequence_file))
            .replace("@ACCEPT@", ACCEPT))
    path.write_text(text, encoding="utf-8")


def write_script(path: Path, server: Server, qname: str, values: list[str]) -> None:
    lines = ",\n".join(f'  "{server.path(query_text(qname, v))}"' for v in values)
    path.write_text(LUA % (lines, ACCEPT) + LUA_SUMMARY + LUA_DONE, encoding="utf-8")


# --------------------------------------------------------------------------------------------
# one size
# --------------------------------------------------------------------------------------------

def run_mix(server: Server, script: Path, sequence_file: Path, sequence: list[tuple[str, str]],
            checks: dict[str, dict[str, Any]], args: argparse.Namespace) -> dict[str, Any]:
    """The mixed workload on one server: a warm-up, 1 connection, then MIX_CONNECTIONS connections
    (one wrk thread each), every run starting at its own part of the sequence."""
    failed = [k for k in MIX if not checks[k]["servers"][server.name]["ok"]]
    if failed:
        return {"skipped": f"failed the answer check on {', '.join(failed)}"}
    write_mix_script(script, server, sequence_file)
    timings = script.with_suffix("")
    ranges = []
    try:
        if args.warmup > 0:
            ranges.append(run_wrk(server, script, 1, args.warmup, script_args=("0", "0", f"{timings}-warmup"))["ranges"])
            for path in script.parent.glob(f"{timings.name}-warmup-*.tsv"):
                path.unlink()
            drain(server)
        one = run_wrk(server, script, 1, args.duration, script_args=(str(MIX_SEGMENT), "0", f"{timings}-c1"))
        one["kinds"] = per_kind(script.parent.glob(f"{timings.name}-c1-*.tsv"))
        drain(server)
        eight = run_wrk(server, script, MIX_CONNECTIONS, args.duration, threads=MIX_CONNECTIONS,
                        script_args=(str(2 * MIX_SEGMENT), str(MIX_SEGMENT), f"{timings}-c{MIX_CONNECTIONS}"))
        eight["kinds"] = per_kind(script.parent.glob(f"{timings.name}-c{MIX_CONNECTIONS}-*.tsv"))
        drain(server)
    except (RuntimeError, subprocess.TimeoutExpired) as exc:
        return {"skipped": f"wrk: {exc}"[:500]}
    if not server.alive():
        return {"skipped": "server died during the run"}
    return {"c1": one, "c8": eight, "repeats": mix_repeats(sequence, [*ranges, one["ranges"], eight["ranges"]])}


def per_kind(files: Iterable[Path]) -> dict[str, dict[str, Any]]:
    """Answers, non-2xx, p50 / p99 / mean latency (ms) per query kind, and for all kinds together
    ("all"), from the wrk threads' timing files. The mix reports these, not wrk's own latency: with a
    response() callback and -t8, wrk's mean latency came out about 4 times what 8 connections at its
    measured request rate allow (Little's law), in development runs; these per-request timings agree."""
    latencies: dict[str, list[float]] = {}
    failures: dict[str, int] = {}
    for path in files:
        for line in path.read_text(encoding="utf-8").splitlines():
            kind, micros, status = line.split("\t")
            for key in (kind, "all"):
                latencies.setdefault(key, []).append(float(micros) / 1000)
                failures[key] = failures.get(key, 0) + (not 200 <= int(status) <= 299)
        path.unlink()
    out = {}
    for kind, values in latencies.items():
        values.sort()
        out[kind] = {"responses": len(values), "non_2xx": failures[kind], "p50_ms": round(percentile(values, 50), 3),
                     "p99_ms": round(percentile(values, 99), 3), "mean_ms": round(sum(values) / len(values), 3)}
    return out


def mix_ratios(runs: dict[str, Any]) -> dict[str, dict[str, float | None]]:
    """lexgraph ÷ the other server on the mix: throughput at 8 connections (higher is better for
    lexgraph) and p50 / p99 latency at 1 and 8 connections (lower is better)."""
    out = {}
    for lex, other in (("lexgraph (cache off)", "oxigraph"), (OVER_VIRTUOSO, VIRTUOSO)):
        a, b = runs.get(lex, {}), runs.get(other, {})
        if "c8" not in a or "c8" not in b:
            continue

        def ratio(x: float | None, y: float | None) -> float | None:
            return round(x / y, 3) if x and y else None

        out[f"{lex} / {other}"] = {
            "rps_c8": ratio(a["c8"]["rps"], b["c8"]["rps"]),
            **{f"{p}_{c}": ratio(a[c]["kinds"]["all"][p], b[c]["kinds"]["all"][p])
               for c in ("c1", "c8") for p in ("p50_ms", "p99_ms")}}
    return out


def geomean(values: list[float]) -> float | None:
    values = [v for v in values if v and v > 0]
    return math.exp(sum(math.log(v) for v in values) / len(values)) if values else None


def bench_size(n: int, args: argparse.Namespace, servers_out: list[Server]) -> dict[str, Any]:
    label = generate.size_label(n)
    data_dir = WORK / f"data-{label}"
    data_file = data_dir / f"synthetic-{label}.ttl"
    meta_file = WORK / f"synthetic-{label}.json"
    result: dict[str, Any] = {"size": label, "requested_triples": n}
    meta = json.loads(meta_file.read_text()) if meta_file.exists() else None
    if (data_file.exists() and meta and meta.get("seed") == SEED and meta.get("format") == generate.FORMAT
            and meta.get("bytes") == data_file.stat().st_size):
        log(f"{label}: reusing {data_file.relative_to(REPO)} ({meta['triples']} triples)")
        result["generated"] = {**meta, "reused": True}
    else:
        for stale in data_dir.glob("*"):
            stale.unlink()
        t = time.perf_counter()
        count = generate.generate(n, data_file, SEED)
        seconds = time.perf_counter() - t
        meta = {"triples": count, "seed": SEED, "format": generate.FORMAT, "seconds": round(seconds, 2),
                "bytes": data_file.stat().st_size}
        meta_file.write_text(json.dumps(meta))
        log(f"{label}: generated {count} triples in {seconds:.1f} s")
        result["generated"] = {**meta, "reused": False}

    log(f"{label}: building lexgraph's store (build_store, child process)")
    lex_store = WORK / f"store-lexgraph-{label}"
    millions = n / 1e6  # timeouts grow with the size: the 1M load took 14 s, lexgraph was ready after 10 s
    result["load_lexgraph"] = build("lexgraph", lex_store, data_dir, timeout_s=max(900, 300 * millions))
    log(f"{label}: build_store {result['load_lexgraph']['call_s']:.2f} s, peak RSS {result['load_lexgraph']['peak_rss_mib']:.0f} MiB")
    ox_store = WORK / f"store-oxigraph-{label}"
    result["load_oxigraph"] = build("oxigraph", ox_store, data_dir, timeout_s=max(900, 300 * millions))
    log(f"{label}: oxigraph bulk_load {result['load_oxigraph']['call_s']:.2f} s")

    params = parameter_values(ox_store)
    result["parameters"] = {q: {"values": len(v), "examples": v[:3]} for q, v in params.items()}
    mix_values = mix_parameters(ox_store)
    sequence = mix_sequence(mix_values)
    sequence_file = WORK / "scripts" / label / "mix-sequence.tsv"
    sequence_file.parent.mkdir(parents=True, exist_ok=True)
    sequence_file.write_text("".join(f"{k}\t{urllib.parse.quote(v, safe='')}\n" for k, v in sequence), encoding="utf-8")
    mix: dict[str, Any] = {"weights": MIX, "values": {k: len(v) for k, v in mix_values.items()},
                           "sequence_entries": MIX_LENGTH, "servers": {}}

    logs = WORK / "logs" / label
    logs.mkdir(parents=True, exist_ok=True)
    ontology_files = sorted((REPO / "ontology").glob("*.ttl"))
    query_timeout = LARGE_QUERY_TIMEOUT_S if n >= LARGE_TRIPLES else None
    result["lexgraph_query_timeout_s"] = query_timeout
    ready_s = max(180, 60 * millions)
    specs: list[tuple[str, Callable[[], Server], float]] = [
        ("lexgraph (cache on)", lambda: start_lexgraph("lexgraph (cache on)", lex_store, data_dir, logs,
                                                       args.workers, args.executors, None, query_timeout,
                                                       args.executor_store), ready_s),
        ("lexgraph (cache off)", lambda: start_lexgraph("lexgraph (cache off)", lex_store, data_dir, logs,
                                                        args.workers, args.executors, 0, query_timeout,
                                                        args.executor_store), ready_s),
        ("oxigraph", lambda: start_oxigraph(ox_store, logs), 120),
        ("rdflib-endpoint", lambda: start_rdflib([*ontology_files, data_file], logs), args.rdflib_start_timeout),
    ]
    if not args.skip_virtuoso and shutil.which("virtuoso-t"):
        def virtuoso() -> Server:
            return start_virtuoso_loaded(data_dir, WORK / f"virtuoso-{label}")

        def over() -> Server:
            direct = next(s for s in servers if s.name == VIRTUOSO)
            return start_lexgraph_over(direct, logs, args.workers)

        specs += [(VIRTUOSO, virtuoso, 120), (OVER_VIRTUOSO, over, ready_s)]
    servers: list[Server] = []
    startup: dict[str, Any] = {}
    if n > RDFLIB_MAX_TRIPLES and not args.skip_rdflib:
        result["not_run"] = {"rdflib-endpoint": f"above {RDFLIB_MAX_TRIPLES // 1_000_000}M triples: it loads everything into "
                             "rdflib's in-memory store (1.25 GB and 68 s at 1M in the last full run, 0 requests "
                             "completed on two queries there), so it cannot serve this size"}
        log(f"{label}: rdflib-endpoint not started (above {RDFLIB_MAX_TRIPLES} triples)")
    if n >= LARGE_TRIPLES:
        result.setdefault("not_run", {})["lexgraph (cache on)"] = (
            "at this size only the cache-off service runs (the issue's targets and the mix are cache off): all servers "
            "run at once, and lexgraph held 822 MiB per service at 1M")
        log(f"{label}: lexgraph (cache on) not started (at {generate.size_label(LARGE_TRIPLES)} and above)")
    for name, make, timeout in specs:
        if name == "rdflib-endpoint" and (args.skip_rdflib or n > RDFLIB_MAX_TRIPLES):
            continue
        if name == "lexgraph (cache on)" and n >= LARGE_TRIPLES:
            continue
        if name == OVER_VIRTUOSO and not startup.get(VIRTUOSO, {}).get("ok"):
            continue
        log(f"{label}: starting {name}")
        try:
            server = make()
        except RuntimeError as exc:  # Virtuoso that would not start or load
            startup[name] = {"ok": False, "problem": str(exc)[-500:], "settings": {}}
            log(f"{label}: {name} did not start: {exc}")
            continue
        servers.append(server)
        servers_out.append(server)
        try:
            wait_ready(server, timeout)
            server.rss_mib = tree_rss_mib(server.process.pid)
            startup[name] = {"ready_s": round(server.ready_s, 2), "rss_mib_at_start": round(server.rss_mib, 1),
                             "settings": server.settings, "ok": True}
            log(f"{label}: {name} ready in {server.ready_s:.1f} s ({server.rss_mib:.0f} MiB)")
        except RuntimeError as exc:
            startup[name] = {"ok": False, "problem": str(exc)[-500:], "settings": server.settings}
            log(f"{label}: {name} did not start: {exc}")
            server.stop()
    result["servers"] = startup
    live = [s for s in servers if startup[s.name]["ok"]]
    # lexgraph builds its indexes in the background after start (minutes at a million triples,
    # one build per worker and service): every server must be idle before any run, or one
    # service's warm-up takes the CPU from another's measurement.
    log(f"{label}: waiting until every server is idle (lexgraph's background indexes built)")
    quiet_from = time.monotonic()
    for server in live:
        drain(server, timeout_s=300 * max(1.0, millions))
    result["idle_after_s"] = round(time.monotonic() - quiet_from, 1)
    log(f"{label}: every server idle after {result['idle_after_s']} s")

    log(f"{label}: verifying answers ({VERIFY_VALUES} values per query)")
    checks = verify(live, params)
    result["verification"] = checks

    runs: dict[str, dict[str, Any]] = {q: {} for q in QUERIES}
    scripts = WORK / "scripts" / label
    scripts.mkdir(parents=True, exist_ok=True)
    for server in servers:
        if not startup[server.name]["ok"]:
            for q in QUERIES:
                runs[q][server.name] = {"skipped": "server did not start"}
            continue
        duration = args.rdflib_duration if server.name == "rdflib-endpoint" else args.duration
        for qname in QUERIES:
            check = checks[qname]["servers"][server.name]
            if not check["ok"]:
                runs[qname][server.name] = {"skipped": check["problem"]}
                continue
            script = scripts / f"{qname}-{re.sub(r'[^a-z]+', '-', server.name)}.lua"
            write_script(script, server, qname, params[qname])
            try:
                if args.warmup > 0:  # one connection, so it leaves no backlog behind
                    run_wrk(server, script, 1, args.warmup)
                    drain(server)
                one = run_wrk(server, script, 1, duration)
                drain(server)
                eight = run_wrk(server, script, 8, duration)
                drain(server)
            except (RuntimeError, subprocess.TimeoutExpired) as exc:
                runs[qname][server.name] = {"skipped": f"wrk: {exc}"[:500]}
                log(f"{label}: {qname} on {server.name}: {exc}")
                continue
            if not server.alive():
                runs[qname][server.name] = {"skipped": "server died during the run"}
                log(f"{label}: {server.name} DIED during {qname}")
                continue
            runs[qname][server.name] = {"c1": one, "c8": eight}
            log(f"{label}: {qname:18s} {server.name:21s} c1 p50 {one['p50_ms']} ms p99 {one['p99_ms']} ms "
                f"| c8 {eight['rps']:.1f} req/s (non-2xx {one['non_2xx'] + eight['non_2xx']})")
        if server.name in MIX_SERVERS and not args.skip_mix:
            run = run_mix(server, scripts / f"mix-{re.sub(r'[^a-z]+', '-', server.name)}.lua", sequence_file,
                          sequence, checks, args)
            mix["servers"][server.name] = run
            if "c8" in run:
                one, eight = run["c1"]["kinds"]["all"], run["c8"]["kinds"]["all"]
                log(f"{label}: {'mix':18s} {server.name:21s} c1 p50 {one['p50_ms']} ms p99 {one['p99_ms']} ms "
                    f"| c8 {run['c8']['rps']:.1f} req/s p50 {eight['p50_ms']} ms p99 {eight['p99_ms']} ms "
                    f"(repeats {run['repeats']['repeats']} of {run['repeats']['requests']})")
            else:
                log(f"{label}: mix on {server.name}: {run['skipped']}")
        startup[server.name]["rss_mib_after_runs"] = round(tree_rss_mib(server.process.pid), 1)
        if server.name != VIRTUOSO:  # lexgraph over Virtuoso runs after it: stopped with the rest at the end
            server.stop()
    result["runs"] = runs
    mix["ratios"] = mix_ratios(mix["servers"])
    result["mix"] = mix
    result["ratios"] = ratios(runs, {"oxigraph": args.duration, "rdflib-endpoint": args.rdflib_duration})
    return result


def ratios(runs: dict[str, dict[str, Any]], durations: dict[str, float]) -> dict[str, Any]:
    """lexgraph req/s ÷ other req/s at 8 connections, per query, and their geometric mean.

    When the other server completed no request in the run, its rate is below 1/duration, so
    the ratio is at least lexgraph's rate × duration: that lower bound is used, and flagged."""
    out: dict[str, Any] = {}
    for mode in ("cache on", "cache off"):
        lex = f"lexgraph ({mode})"
        for other, key in (("oxigraph", "vs_oxigraph"), ("rdflib-endpoint", "vs_rdflib")):
            per_query: dict[str, float | None] = {}
            lower_bounds: list[str] = []
            for qname, by_server in runs.items():
                a, b = by_server.get(lex, {}), by_server.get(other, {})
                if "c8" not in a or "c8" not in b or a["c8"]["rps"] <= 0:
                    per_query[qname] = None
                elif b["c8"]["rps"] > 0:
                    per_query[qname] = round(a["c8"]["rps"] / b["c8"]["rps"], 3)
                else:
                    per_query[qname] = round(a["c8"]["rps"] * durations[other], 3)
                    lower_bounds.append(qname)
            values = [v for v in per_query.values() if v]
            gm = geomean(values)
            out[f"{key} ({mode})"] = {"per_query": per_query, "geomean": round(gm, 3) if gm else None,
                                      "min": min(values) if values else None,
                                      "queries_compared": len(values), "lower_bounds": lower_bounds}
    over: dict[str, float | None] = {}
    for qname, by_server in runs.items():
        a, b = by_server.get(OVER_VIRTUOSO, {}), by_server.get(VIRTUOSO, {})
        ok = "c8" in a and "c8" in b and b["c8"]["rps"] > 0
        over[qname] = round(a["c8"]["rps"] / b["c8"]["rps"], 3) if ok else None
    values = [v for v in over.values() if v]
    gm = geomean(values)
    out["over_virtuoso (cache off)"] = {"per_query": over, "geomean": round(gm, 3) if gm else None,
                                        "min": min(values) if values else None, "queries_compared": len(values),
                                        "lower_bounds": []}
    return out


# --------------------------------------------------------------------------------------------
# report
# --------------------------------------------------------------------------------------------

def machine() -> dict[str, Any]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = 0
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem = int(line.split()[1]) // 1024
    except OSError:
        pass

    def version(pkg: str) -> str:
        try:
            from importlib.metadata import version as v
            return v(pkg)
        except Exception:
            return "?"

    wrk = subprocess.run(["wrk", "--version"], capture_output=True, text=True, timeout=10)
    return {
        "cpu": cpu, "cores": os.cpu_count(), "memory_mib": mem,
        "os": f"{platform.system()} {platform.release()}", "python": platform.python_version(),
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
        "versions": {"lexgraph": version("lexgraph"), "pyoxigraph": version("pyoxigraph"),
                     "oxigraph (server)": version("oxigraph"), "rdflib": version("rdflib"),
                     "rdflib-endpoint": version("rdflib-endpoint"), "uvicorn": version("uvicorn"),
                     "wrk": (wrk.stdout + wrk.stderr).split("\n")[0].strip()},
    }


OTHER_WORK_CORES = 0.4  # wrk and the benchmark took at most ~0.25 core in quiet development runs


def shared(run: dict[str, Any]) -> bool:
    """Whether other work on the machine took a noticeable share of the CPU during a run."""
    cpu = run.get("cpu") or {}
    return cpu.get("machine_busy_cores", 0) - cpu.get("server_cores", 0) > OTHER_WORK_CORES


def fmt(value: Any, digits: int = 1) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def met(flag: bool | None) -> str:
    return "–" if flag is None else ("**met**" if flag else "**not met**")


def evaluate_targets(sizes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    rows = []
    for size in sizes:
        label = size["size"]
        for mode in ("cache on", "cache off"):
            rows += throughput_rows(size, mode, TARGETS, "issue 5")
        if label in CACHE_OFF_TARGETS:
            rows += throughput_rows(size, "cache off", CACHE_OFF_TARGETS[label], "issue 14")
        over = size["ratios"].get("over_virtuoso (cache off)", {})
        if over.get("queries_compared"):
            rows.append({"size": label, "target": f"lexgraph over Virtuoso ÷ Virtuoso direct, geometric mean ≥ "
                                                  f"{TARGETS['over_virtuoso_geomean']} (cache off)",
                         "value": over["geomean"], "met": over["geomean"] >= TARGETS["over_virtuoso_geomean"]})
        if size["requested_triples"] >= 1_000_000:
            load = size["load_lexgraph"]
            rows.append({"size": label, "target": f"load (build_store) < {TARGETS['load_1m_s']:.0f} s",
                         "value": round(load["call_s"], 2), "met": load["call_s"] < TARGETS["load_1m_s"]})
            rows.append({"size": label, "target": f"load peak memory < {TARGETS['load_1m_peak_mib']:.0f} MiB (1 GB)",
                         "value": round(load["peak_rss_mib"]), "met": load["peak_rss_mib"] < TARGETS["load_1m_peak_mib"]})
    return rows


def throughput_rows(size: dict[str, Any], mode: str, goal: dict[str, float], issue: str) -> list[dict[str, Any]]:
    """One size's throughput ratios in one mode (cache on or off) against one issue's targets."""
    oxigraph, rdflib = size["ratios"][f"vs_oxigraph ({mode})"], size["ratios"][f"vs_rdflib ({mode})"]
    rows = []
    for target, value, least, lower_bound in (
        (f"vs Oxigraph, geometric mean ≥ {goal['vs_oxigraph_geomean']}", oxigraph["geomean"], goal["vs_oxigraph_geomean"], False),
        (f"vs Oxigraph, no query < {goal['vs_oxigraph_min']}", oxigraph["min"], goal["vs_oxigraph_min"], False),
        (f"vs rdflib-endpoint, geometric mean ≥ {goal['vs_rdflib_geomean']:.0f}", rdflib["geomean"],
         goal["vs_rdflib_geomean"], bool(rdflib.get("lower_bounds"))),
    ):
        ok = None if value is None else value >= least
        if ok is False and lower_bound:
            ok = None  # only a lower bound, and it is below the target: undecided
        rows.append({"size": size["size"], "target": f"{issue}: {target} ({mode})", "value": value, "met": ok,
                     "lower_bound": lower_bound})
    return rows


def mix_markdown(label: str, mix: dict[str, Any]) -> list[str]:
    """The "Mixed workload" tables of one size."""
    weights = ", ".join(f"{round(100 * w, 1):g} % {k}" for k, w in mix["weights"].items())
    values = ", ".join(f"{k} {n}" for k, n in mix["values"].items())
    lines = [
        "",
        f"### Mixed workload, {label}",
        "",
        f"One wrk script draws each request's query from a seeded sequence of {mix['sequence_entries']} entries: {weights} "
        f"(the queries above), each kind's parameter values taken in turn, so a value returns only after all the kind's "
        f"others (distinct values: {values}). Answer cache off; 1 connection, then {MIX_CONNECTIONS} connections "
        f"(one wrk thread each, so the script times every answer: request written to answer read; wrk's own latency "
        "figures are in the JSON but not used, see `per_kind` in the script); every run starts at its own part of the sequence. "
        "rdflib-endpoint is not run (one aggregate-year query takes it 0.7 s at 100k, 6 s at 1M).",
        "",
        f"| server | {MIX_CONNECTIONS} conn: req/s | {MIX_CONNECTIONS} conn: p50 ms | {MIX_CONNECTIONS} conn: p99 ms | "
        "1 conn: req/s | 1 conn: p50 ms | 1 conn: p99 ms | non-2xx | repeated (kind, value) / requests | "
        f"CPU cores, {MIX_CONNECTIONS} conn: server / machine |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name, run in mix["servers"].items():
        if "c8" not in run:
            lines.append(f"| {name} | skipped: {run['skipped'][:150]} | | | | | | | | |")
            continue
        one, eight, rep = run["c1"], run["c8"], run["repeats"]
        all1, all8 = one["kinds"]["all"], eight["kinds"]["all"]
        lines.append(
            f"| {name} | {fmt(eight['rps'])} | {fmt(all8['p50_ms'], 2)} | {fmt(all8['p99_ms'], 1)} | {fmt(one['rps'])} | "
            f"{fmt(all1['p50_ms'], 2)} | {fmt(all1['p99_ms'], 1)} | {one['non_2xx'] + eight['non_2xx']} | "
            f"{rep['repeats']} / {rep['requests']} | {eight['cpu']['server_cores']:.2f} / {eight['cpu']['machine_busy_cores']:.2f}"
            f"{' †' if shared(eight) else ''} |")
    if mix.get("ratios"):
        lines += ["", "lexgraph ÷ the other server on the mix (throughput: higher is better for lexgraph; latency: lower is):", "",
                  f"| pair | {MIX_CONNECTIONS} conn: req/s | {MIX_CONNECTIONS} conn: p50 | {MIX_CONNECTIONS} conn: p99 | "
                  "1 conn: p50 | 1 conn: p99 |", "|---|---|---|---|---|---|"]
        for pair, r in mix["ratios"].items():
            lines.append(f"| {pair} | {fmt(r['rps_c8'], 2)} | {fmt(r['p50_ms_c8'], 2)} | {fmt(r['p99_ms_c8'], 2)} | "
                         f"{fmt(r['p50_ms_c1'], 2)} | {fmt(r['p99_ms_c1'], 2)} |")
    lines += ["", "Latency per kind, ms:", "",
              f"| kind | server | 1 conn: answers | 1 conn: p50 | 1 conn: p99 | {MIX_CONNECTIONS} conn: answers | "
              f"{MIX_CONNECTIONS} conn: p50 | {MIX_CONNECTIONS} conn: p99 |", "|---|---|---|---|---|---|---|---|"]
    for kind in [*mix["weights"], "all"]:
        for name, run in mix["servers"].items():
            if "c8" not in run:
                continue
            one, eight = run["c1"].get("kinds", {}).get(kind), run["c8"].get("kinds", {}).get(kind)
            cells = [f"{k['responses']} | {fmt(k['p50_ms'], 2)} | {fmt(k['p99_ms'], 1)}" if k else "0 | – | –" for k in (one, eight)]
            lines.append(f"| {kind} | {name} | {cells[0]} | {cells[1]} |")
    if any("c8" in run and shared(run["c8"]) for run in mix["servers"].values()):
        lines += ["", "†: the run shared the machine with other work (see above)."]
    return lines


def markdown(report: dict[str, Any]) -> str:
    m = report["machine"]
    a = report["arguments"]
    lines = [
        "# SPARQL service benchmark (issues 5, 14)",
        "",
        f"Generated by `{report['command']}` on {report['when']}.",
        "",
        f"Machine: {m['cpu']}, {m['cores']} cores, {m['memory_mib']} MiB RAM, {m['os']}, Python {m['python']} "
        f"(load average at start {m['load_average_at_start']}; the machine runs other work, so expect noise).",
        "Versions: " + ", ".join(f"{k} {v}" for k, v in m["versions"].items()) + ".",
        "",
        f"Sizes: {', '.join(s['size'] for s in report['sizes'])} triples of synthetic data (`bench/generate.py`, seed {SEED}), "
        f"plus the ontology and vocabularies, in every server. wrk: 1 thread, {a['duration']} s per run "
        f"(rdflib-endpoint {a['rdflib_duration']} s), after a {a['warmup']} s warm-up at 1 connection with the same "
        f"script; `Accept: {ACCEPT}`; GET requests; each wrk script rotates through up to {ROTATION} parameter values. "
        "Load generator and servers share the same cores.",
        "",
        "Servers (all on 127.0.0.1):",
        "",
        f"* **lexgraph**: `python3 -m lexgraph serve --no-access-log`, LEXGRAPH_WORKERS={a['workers']}, "
        f"LEXGRAPH_EXECUTORS={a['executors']} ({a['workers']} event-loop process(es), each with {a['executors']} query "
        "executor process(es) and its own answer cache; see the notes), "
        f"LEXGRAPH_EXECUTOR_STORE={a.get('executor_store', 'disk')} ("
        + ("each executor answers from its own copy of the store in memory, made when it starts"
           if a.get("executor_store") == "memory" else "the executors read the store on disk") + "), the prebuilt store in LEXGRAPH_STORE_DIR, LEXGRAPH_DATA_DIR = a folder holding only the synthetic file; "
        "run twice: answer cache on (default, 64 MiB per worker) and off (LEXGRAPH_CACHE_BYTES=0). Defaults otherwise (query timeout 10 s, "
        "max 10000 results).",
        "* **oxigraph**: `oxigraph serve-read-only --location … --union-default-graph`, a store of the same files "
        "built with pyoxigraph `bulk_load` (one named graph per file, as lexgraph's) and compacted with `optimize()`, as "
        "lexgraph compacts its own store since issue 14 (compaction made scans over the bench's stores about a third faster). "
        "No `--timeout-s`: with it, Oxigraph "
        "0.5 starts a timer thread per query and, at thousands of requests/s, ran out of threads and died "
        "(`Resource temporarily unavailable (os error 11)`) during development runs.",
        "* **rdflib-endpoint**: `rdflib-endpoint serve` over the same Turtle files (in-memory rdflib Dataset, default union graph).",
        "",
        "With the cache on, an answer is cached the first time its parameter value is asked; the rotation has at most "
        f"{ROTATION} values, so wherever a run makes many more requests than that (compare the req/s columns), the "
        "cache-on figures measure lexgraph's cached path. The cache-off figures measure query evaluation: in an "
        "executor process, except for the lookup, which is one triple pattern with a one-row answer and so is answered "
        "in the web process (`lexgraph.one_pattern`, issue 14).",
        "",
        "Once every server has started, the benchmark waits until all of them are idle (lexgraph builds its indexes in "
        "the background after start; runs before this change could overlap one service's warm-up with another's "
        "measurement). Before every run it waits until the server has finished any backlog of the previous run (it "
        "answers `ASK {}` and its processes are idle). The last column of the result tables gives the CPU the server's processes "
        "used during the 8-connection run, and how many of the machine's cores were busy in all (wrk and the benchmark "
        "included; 2.00 = saturated).",
        "",
        "## Queries",
        "",
        "| query | what | rotated parameter |",
        "|---|---|---|",
    ]
    for name, q in QUERIES.items():
        lines.append(f"| {name} | {q['title']} | {q['param']} |")
    lines += ["", "The full text of each query is in `bench/results/sparql.json` (`queries`)."]
    for size in report["sizes"]:
        label = size["size"]
        gen = size["generated"]
        lex, ox = size["load_lexgraph"], size["load_oxigraph"]
        lines += [
            "",
            f"## {label} triples",
            "",
            f"Data: {gen['triples']} triples ({gen['bytes'] / 1e6:.1f} MB of Turtle); stores hold {lex['triples']} triples "
            "with the ontology.",
            "",
            "| load | time of the call (s) | process wall (s) | peak RSS (MiB) |",
            "|---|---|---|---|",
            f"| lexgraph `build_store` (what `lexgraph serve` runs) | {lex['call_s']:.2f} | {lex['process_wall_s']:.2f} | {lex['peak_rss_mib']:.0f} |",
            f"| pyoxigraph `bulk_load`, for the Oxigraph server (reference) | {ox['call_s']:.2f} | {ox['process_wall_s']:.2f} | {ox['peak_rss_mib']:.0f} |",
            "",
            "| server | ready after (s) | RSS at start (MiB) | RSS after the runs (MiB) |",
            "|---|---|---|---|",
        ]
        for name, s in size["servers"].items():
            if s.get("ok"):
                lines.append(f"| {name} | {s['ready_s']:.1f} | {s['rss_mib_at_start']:.0f} | {fmt(s.get('rss_mib_after_runs'), 0)} |")
            else:
                lines.append(f"| {name} | did not start: {s.get('problem', '')[:120]} | – | – |")
        lines += [
            "",
            "| query | server | rows (checked values) | 1 conn: median ms | 1 conn: p99 ms | 1 conn: req/s | 8 conn: req/s | 8 conn: p99 ms | non-2xx | CPU cores, 8 conn: server / machine |",
            "|---|---|---|---|---|---|---|---|---|---|",
        ]
        for qname, by_server in size["runs"].items():
            for name, run in by_server.items():
                rows = size["verification"][qname]["servers"].get(name, {}).get("rows")
                rows_text = ",".join("?" if r is None else str(r) for r in rows) if rows else "–"
                if "skipped" in run:
                    lines.append(f"| {qname} | {name} | {rows_text} | skipped: {run['skipped'][:150]} | | | | | | |")
                    continue
                one, eight = run["c1"], run["c8"]
                lines.append(
                    f"| {qname} | {name} | {rows_text} | {fmt(one['p50_ms'], 2)} | {fmt(one['p99_ms'], 2)} | {fmt(one['rps'])} | "
                    f"{fmt(eight['rps'])} | {fmt(eight['p99_ms'], 1)} | {one['non_2xx'] + eight['non_2xx']} | "
                    f"{eight['cpu']['server_cores']:.2f} / {eight['cpu']['machine_busy_cores']:.2f}"
                    f"{' †' if shared(eight) else ''} |")
        flagged = sum(1 for by in size["runs"].values() for run in by.values() if "c8" in run and shared(run["c8"]))
        if flagged:
            lines += ["", f"† {flagged} of these 8-connection runs shared the machine with other work: the machine's busy "
                      f"cores exceeded the server's by more than {OTHER_WORK_CORES} (wrk and the benchmark take about "
                      "0.1-0.25), so the server got less CPU than the machine has. Read their figures, and ratios built "
                      "on them, as lower than on a quiet machine."]
        lines += [
            "",
            "Throughput ratios at 8 connections (lexgraph req/s ÷ other req/s):",
            "",
            "| query | vs Oxigraph, cache on | vs Oxigraph, cache off | vs rdflib-endpoint, cache on | vs rdflib-endpoint, cache off |",
            "|---|---|---|---|---|",
        ]
        r = size["ratios"]
        keys = ["vs_oxigraph (cache on)", "vs_oxigraph (cache off)", "vs_rdflib (cache on)", "vs_rdflib (cache off)"]
        def cell(k: str, qname: str) -> str:
            text = fmt(r[k]["per_query"].get(qname), 2)
            return f"≥ {text}" if qname in r[k].get("lower_bounds", []) else text

        for qname in QUERIES:
            lines.append(f"| {qname} | " + " | ".join(cell(k, qname) for k in keys) + " |")
        lines.append("| **geometric mean** | " + " | ".join(
            f"**{'≥ ' if r[k].get('lower_bounds') else ''}{fmt(r[k]['geomean'], 2)}**" for k in keys) + " |")
        if any(r[k].get("lower_bounds") for k in keys):
            lines += ["", "≥: the other server completed no request in the run, so its rate is below 1/duration "
                      "and the ratio is at least lexgraph's rate × duration."]
        over = r.get("over_virtuoso (cache off)")
        if over and over["queries_compared"]:
            lines += ["", "lexgraph over Virtuoso ÷ Virtuoso direct at 8 connections, lexgraph's cache off "
                      "(the cost of lexgraph's layer: checks, dataset, answer repair):", "",
                      "| query | ratio |", "|---|---|"]
            lines += [f"| {q} | {fmt(v, 2)} |" for q, v in over["per_query"].items()]
            lines.append(f"| **geometric mean** | **{fmt(over['geomean'], 2)}** |")
        if size.get("mix", {}).get("servers"):
            lines += mix_markdown(label, size["mix"])
    lines += ["", "## Targets", "", "| size | target | value | |", "|---|---|---|---|"]
    for row in report["targets"]:
        value = row["value"]
        shown = fmt(value, 2) if isinstance(value, float) else fmt(value)
        verdict = met(row["met"]) if row["met"] is not None or value is None else "undecided (lower bound below target)"
        lines.append(f"| {row['size']} | {row['target']} | {'≥ ' if row.get('lower_bound') else ''}{shown} | {verdict} |")
    if report.get("notes"):
        lines += ["", "## Notes", ""] + [f"* {n}" for n in report["notes"]]
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------------------------
# main
# --------------------------------------------------------------------------------------------

def notes(report: dict[str, Any], args: argparse.Namespace) -> list[str]:
    if (args.workers, args.executors) == (2, 1):
        choice = ("lexgraph runs with LEXGRAPH_WORKERS=2 and LEXGRAPH_EXECUTORS=1: two uvicorn worker processes, each with "
                  "its own event loop, answer cache (2 × 64 MiB) and one query executor, so two executors in all, one per "
                  "core. With one worker (the default, 1 × 2 executors) the single event loop was the bottleneck: cached "
                  "answers ran at exactly 1.00 core while the other core idled. In a 100k development trial (4 s runs, "
                  "machine otherwise quiet by the CPU columns) 2 × 1 beat 1 × 2 in geometric mean vs Oxigraph: 12.96 vs "
                  "11.57 cache on, 0.61 vs 0.48 cache off; a 2 × 2 trial ran while other work took a core, so it was "
                  "not comparable.")
    else:
        choice = (f"lexgraph runs with LEXGRAPH_WORKERS={args.workers} and LEXGRAPH_EXECUTORS={args.executors} "
                  "(chosen on the command line).")
    out = [
        choice,
        "Each run's stores are rebuilt (the lexgraph build is the load figure); the synthetic Turtle is reused from "
        "bench/work/ when present. Rows were checked on the first "
        f"{VERIFY_VALUES} parameter values of each query on every server before timing.",
    ]
    for size in report["sizes"]:
        counts = ", ".join(f"{q} {p['values']}" for q, p in size["parameters"].items())
        out.append(f"{size['size']}: parameter values rotated per query: {counts}.")
        for name, why in size.get("not_run", {}).items():
            out.append(f"{size['size']}: {name} not run: {why}.")
        if size.get("lexgraph_query_timeout_s"):
            out.append(f"{size['size']}: lexgraph ran with LEXGRAPH_QUERY_TIMEOUT_S={size['lexgraph_query_timeout_s']} "
                       "(the default is 10 s): the full scans (aggregate-year, label-search) take about 1 s at 1M, "
                       "so at this size they would run into a 10 s limit that the servers compared do not have.")
        mix = size.get("mix", {})
        repeats = [f"{name} {run['repeats']['repeats']} of {run['repeats']['requests']}"
                   for name, run in mix.get("servers", {}).items() if "repeats" in run]
        if repeats:
            out.append(f"{size['size']}: mixed workload, requests that repeated a (kind, value) already asked of the same "
                       f"server in its mixed runs (warm-up included): " + "; ".join(repeats) + ". With "
                       f"{mix['values'].get('timeline')} states and {mix['values'].get('aggregate-year')} years the timelines "
                       "and aggregates repeat once a run asks more than that many; lexgraph's answer cache is off and "
                       "Oxigraph has none, so a repeat is evaluated again (only the stores' page caches are warm).")
        skipped = [f"{q} on {name} ({run['skipped'][:200]})" for q, by in size["runs"].items()
                   for name, run in by.items() if "skipped" in run]
        if skipped:
            out.append(f"{size['size']}: skipped pairs: " + "; ".join(skipped) + ".")
        errors = [f"{q} on {name}: {run['c1']['non_2xx'] + run['c8']['non_2xx']} non-2xx, "
                  f"{run['c1']['socket_errors'] + run['c8']['socket_errors']} socket errors/timeouts"
                  for q, by in size["runs"].items() for name, run in by.items()
                  if "c1" in run and (run["c1"]["non_2xx"] + run["c8"]["non_2xx"] + run["c1"]["socket_errors"]
                                      + run["c8"]["socket_errors"])]
        if errors:
            out.append(f"{size['size']}: runs with errors (req/s counts only 2xx answers): " + "; ".join(errors) + ".")
        busy = [f"{q} on {name}" for q, by in size["runs"].items() for name, run in by.items()
                if "c8" in run and shared(run["c8"])]
        if busy:
            out.append(f"{size['size']}: 8-connection runs that shared the CPU with other work (†): " + "; ".join(busy) + ".")
    return out


def render_only(out_name: str) -> None:
    path = RESULTS / f"{out_name}.json"
    report = json.loads(path.read_text(encoding="utf-8"))
    a = report["arguments"]
    args = argparse.Namespace(workers=a["workers"], executors=a["executors"])
    report["notes"] = notes(report, args)
    report["targets"] = evaluate_targets(report["sizes"])
    text = markdown(report)
    write_results(out_name, report, text)
    print(text)


def main() -> None:
    if len(sys.argv) == 5 and sys.argv[1] in ("--child-build-lexgraph", "--child-build-oxigraph"):
        child = _child_build_lexgraph if sys.argv[1].endswith("lexgraph") else _child_build_oxigraph
        child(*sys.argv[2:])
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default=None, help="comma-separated sizes, e.g. 100k,1M (default: 100k,1M; --quick: 20k)")
    parser.add_argument("--duration", type=float, default=None, help="seconds per wrk run (default 10; --quick: 2)")
    parser.add_argument("--rdflib-duration", type=float, default=None, help="seconds per wrk run on rdflib-endpoint (default: --duration)")
    parser.add_argument("--warmup", type=float, default=None, help="seconds of warm-up before each query's runs (default 2; --quick: 1)")
    parser.add_argument("--quick", action="store_true", help="development mode: 20k triples, 2 s runs, results in sparql-quick.*")
    parser.add_argument("--workers", type=int, default=2, help="LEXGRAPH_WORKERS (default 2, for 2 cores)")
    parser.add_argument("--executors", type=int, default=1, help="LEXGRAPH_EXECUTORS per worker (default 1)")
    parser.add_argument("--executor-store", choices=("disk", "memory"), default="disk",
                        help="LEXGRAPH_EXECUTOR_STORE of both lexgraph services (default disk)")
    parser.add_argument("--skip-rdflib", action="store_true", help="do not start rdflib-endpoint")
    parser.add_argument("--skip-virtuoso", action="store_true", help="do not start Virtuoso and lexgraph over it")
    parser.add_argument("--skip-mix", action="store_true", help="do not run the mixed workload")
    parser.add_argument("--rdflib-start-timeout", type=float, default=1200, help="seconds allowed for rdflib-endpoint to load (default 1200)")
    parser.add_argument("--render-only", action="store_true",
                        help="rewrite the .md (and the notes and targets of the .json) from the existing .json, measuring nothing")
    parser.add_argument("--out", default=None, help="results name under bench/results (default sparql, or sparql-quick)")
    args = parser.parse_args()
    if args.render_only:
        render_only(args.out or ("sparql-quick" if args.quick else "sparql"))
        return
    args.sizes = args.sizes or ("20k" if args.quick else "100k,1M")
    args.duration = args.duration or (2.0 if args.quick else 10.0)
    args.rdflib_duration = args.rdflib_duration or args.duration
    args.warmup = args.warmup if args.warmup is not None else (1.0 if args.quick else 2.0)
    out_name = args.out or ("sparql-quick" if args.quick else "sparql")
    for tool in ("wrk",):
        if shutil.which(tool) is None:
            sys.exit(f"{tool} is not installed")
    WORK.mkdir(parents=True, exist_ok=True)
    report: dict[str, Any] = {
        "benchmark": "SPARQL service: lexgraph vs Oxigraph vs rdflib-endpoint on synthetic data (issue 5)",
        "command": "python3 bench/sparql_bench.py " + " ".join(sys.argv[1:]),
        "when": now(),
        "machine": machine(),
        "arguments": {"sizes": args.sizes, "duration": args.duration, "rdflib_duration": args.rdflib_duration,
                      "warmup": args.warmup, "workers": args.workers, "executors": args.executors,
                      "executor_store": args.executor_store},
        "targets_definition": {**TARGETS, "cache_off_by_size": CACHE_OFF_TARGETS},
        "queries": {k: v["text"] for k, v in QUERIES.items()},
        "sizes": [],
        "notes": [],
    }
    servers: list[Server] = []
    started = time.monotonic()

    def stop_all(*_: Any) -> None:
        for s in servers:
            s.stop()

    previous = signal.signal(signal.SIGTERM, lambda *a: (stop_all(), sys.exit(143)))
    try:
        for text in args.sizes.split(","):
            n = generate.parse_size(text)
            report["sizes"].append(bench_size(n, args, servers))
    finally:
        stop_all()
        signal.signal(signal.SIGTERM, previous)
    report["total_s"] = round(time.monotonic() - started, 1)
    report["notes"] += notes(report, args)
    report["targets"] = evaluate_targets(report["sizes"])
    text = markdown(report)
    write_results(out_name, report, text)
    print(text)
    log(f"done in {report['total_s']:.0f} s; wrote bench/results/{out_name}.md and .json")


if __name__ == "__main__":
    main()
