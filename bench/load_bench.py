"""Benchmark: building an embedded store and starting on it again, by format and size (issue 12).

Run:  python3 bench/load_bench.py [--sizes 100k,1M] [--with-10m] [--formats-10m Turtle]
                                  [--builds 2] [--builds-10m 1] [--restarts 3]
Writes bench/results/load.md and bench/results/load.json (with other sizes or formats:
load-<sizes>.md/.json, so development runs never overwrite the real result).

Formats: every one lexgraph reads (src/lexgraph/files.py) — Turtle, TriG, N-Triples, N-Quads,
JSON-LD, RDF/XML, and a gzipped one (N-Triples). The entailed view is on (LEXGRAPH_ENTAILMENT=rdfs,
the default) for every format; one more row per size builds N-Triples (at 10M: the 10M format)
with LEXGRAPH_ENTAILMENT=off, so the table shows what the entailed view costs.

10M triples are off by default (`--with-10m` adds them, in Turtle alone, the format the generator
writes: no conversion; `--formats-10m` adds others). The default run (100k and 1M) takes about
20 minutes on this 2-core machine, most of it the 14 builds of 1M with the entailed view (about
50 s each: materialising the view alone takes about 40 s); `--with-10m` adds about half an hour
(generation, one build with the entailed view and one without, restarts, the background indexes'
warm-up; estimated from 1M, as if everything grew linearly).

Steps, for each size:
  1. synthetic Turtle from bench/generate.py in bench/work/load/ (reused when present with the
     same seed, size and generator), converted with pyoxigraph to each other format (TriG and
     N-Quads put every triple in one named graph; each file is reused when newer than the Turtle);
  2. for each format, the first build: `python3 -m lexgraph load FILE --store DIR` as a process,
     into a folder that does not exist yet (the ontology is loaded with the file, as always, and
     the entailed view materialised), timed from start to exit (Python's start and imports
     included), under `/usr/bin/time -v` for the peak resident memory (else
     ``getrusage(RUSAGE_CHILDREN)``); --builds times (--builds-10m at 10M), the median is the
     figure; the store's manifest gives the entailed view's triple count;
  3. the restart with an unchanged manifest: `python3 -m lexgraph serve --data FILE` with
     LEXGRAPH_STORE_DIR=DIR and the same LEXGRAPH_ENTAILMENT (the default 4 executors, the sandbox
     required, as a user runs it), timed from start until /health answers 200 (asked every 50 ms);
     the log must say `reused`; --restarts times, the median is the figure. The service's memory
     (the process tree) is read once /health answers, before its background indexes are built;
  4. once per size (the first format, entailed view on), the last restart is left running while
     the service builds its background indexes (labels, catalogue, timelines, graph view,
     overview): its process-tree memory is read every 0.5 s until /health reports them all built
     (when it reports them) and the memory has not grown for --settle seconds, or for
     --warm-timeout seconds at most; the largest reading is the figure.

A size whose generation or build fails is reported as failed (with the error) and the run goes on.
Everything binds 127.0.0.1; each server runs in its own process group and is stopped, errors or not.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Callable

import httpx

REPO = Path(__file__).resolve().parents[1]
BENCH = REPO / "bench"
WORK = BENCH / "work" / "load"
sys.path[:0] = [str(BENCH), str(REPO / "src")]

import generate  # noqa: E402  (bench/generate.py)
from report import Service, machine, now, write_results  # noqa: E402

from lexgraph.files import format_of  # noqa: E402
from lexgraph.store.entailed import ENTAILED_GRAPH  # noqa: E402
from lexgraph.store.manifest import Manifest  # noqa: E402

SEED = 1
RESTART_TARGET_S = 2.0
BUILD_TARGET_S = 10.0
MEMORY_TARGET_MIB = 2048
TARGET_SIZE = 1_000_000
BIG_SIZE = 10_000_000
QUAD_GRAPH = "http://example.org/bench/load"
FORMATS = {"Turtle": ".ttl", "TriG": ".trig", "N-Triples": ".nt", "N-Quads": ".nq", "JSON-LD": ".jsonld",
           "RDF/XML": ".rdf", "N-Triples gzipped": ".nt.gz"}
QUAD_SUFFIXES = (".trig", ".nq")
"""Written with every triple in the named graph :data:`QUAD_GRAPH` (quads keep their graphs)."""
OFF_FORMAT = "N-Triples"
"""The format built a second time with LEXGRAPH_ENTAILMENT=off (else a size's first format)."""
TIME = Path("/usr/bin/time")
NO_DATA = "(data)"
"""The format of the row that stands for a size whose data could not be written."""
INDEX_FAILED = "building a derived index at start failed"
"""What the service logs when a background index cannot be built (src/lexgraph/api/state.py)."""
WARM = ("indexes built", "memory steady (")
"""How a warm-up that measured every background index begins its ``settled``."""
GROWTH_MIB = 2.0
"""Memory that grows by no more than this between readings counts as steady."""


def log(message: str) -> None:
    print(f"[load_bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def _env(entailment: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LEXGRAPH_")}
    return {**env, "LEXGRAPH_ROOT": str(REPO), "LEXGRAPH_ENTAILMENT": entailment,
            "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO / "src"), env.get("PYTHONPATH")])), **extra}


def _check_formats() -> None:
    """Every file this benchmark writes must be one lexgraph reads, as the format it is named."""
    for name, suffix in FORMATS.items():
        fmt = format_of(Path("x" + suffix))
        if fmt is None or not name.startswith(fmt.name):
            raise SystemExit(f"load_bench: lexgraph does not read {suffix} as {name} (src/lexgraph/files.py)")


# --- data --------------------------------------------------------------------------------

def _generator_id() -> str:
    """Which bench/generate.py wrote a file: a generator that changed writes different data."""
    return hashlib.sha256((BENCH / "generate.py").read_bytes()).hexdigest()[:16]


def ensure_turtle(n: int, label: str) -> tuple[Path, dict[str, Any]]:
    path = WORK / f"synthetic-{label}.ttl"
    meta_file = WORK / f"synthetic-{label}.json"
    meta = json.loads(meta_file.read_text()) if meta_file.exists() else None
    generator = _generator_id()
    if (path.exists() and meta and meta.get("seed") == SEED and meta.get("generator") == generator
            and meta.get("bytes") == path.stat().st_size):
        log(f"reusing {path.relative_to(REPO)} ({meta['triples']} triples)")
        return path, meta
    log(f"generating {label} triples")
    started = time.perf_counter()
    count = generate.generate(n, path, SEED)
    meta = {"triples": count, "seed": SEED, "generator": generator, "bytes": path.stat().st_size,
            "seconds": round(time.perf_counter() - started, 2)}
    meta_file.write_text(json.dumps(meta))
    log(f"generated {count} triples in {meta['seconds']} s")
    return path, meta


def _convert(turtle: Path, out: Path) -> float:
    """``turtle`` in the format of ``out``'s extension, written by pyoxigraph; seconds taken."""
    import pyoxigraph as ox

    started = time.perf_counter()
    partial = out.with_name(out.name + ".part")
    quads = ox.parse(path=str(turtle), format=ox.RdfFormat.TURTLE)
    if out.name.endswith(QUAD_SUFFIXES):
        graph = ox.NamedNode(QUAD_GRAPH)
        quads = (ox.Quad(q.subject, q.predicate, q.object, graph) for q in quads)
    fmt = format_of(out)
    assert fmt is not None
    rdf_format = getattr(ox.RdfFormat, fmt.oxigraph)
    if out.name.endswith(".gz"):
        with gzip.open(partial, "wb", compresslevel=6) as f:
            ox.serialize(quads, output=f, format=rdf_format)
    else:
        ox.serialize(quads, output=str(partial), format=rdf_format)
    partial.replace(out)
    return time.perf_counter() - started


def ensure_formats(turtle: Path, label: str, formats: list[str]) -> tuple[dict[str, Path], dict[str, float]]:
    """Each format's file, and the seconds taken by the conversions done now."""
    files, seconds = {}, {}
    for name in formats:
        suffix = FORMATS[name]
        path = WORK / f"synthetic-{label}{suffix}"
        if suffix != ".ttl" and (not path.exists() or path.stat().st_mtime_ns < turtle.stat().st_mtime_ns):
            seconds[name] = round(_convert(turtle, path), 1)
            log(f"wrote {path.name} ({seconds[name]:.1f} s)")
        files[name] = path
    return files, seconds


# --- measurements ------------------------------------------------------------------------

def _peak_kib(stderr: str) -> int | None:
    match = re.search(r"Maximum resident set size \(kbytes\): (\d+)", stderr)
    return int(match.group(1)) if match else None


def _remove_store(store: Path) -> None:
    shutil.rmtree(store, ignore_errors=True)
    store.with_name(store.name + ".manifest.json").unlink(missing_ok=True)


def build(path: Path, store: Path, entailment: str) -> dict[str, Any]:
    """One first build: `lexgraph load FILE --store DIR` into a new folder."""
    _remove_store(store)
    cmd = [sys.executable, "-m", "lexgraph", "load", str(path), "--store", str(store)]
    wrapped = TIME.is_file()
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.perf_counter()
    result = subprocess.run([str(TIME), "-v", *cmd] if wrapped else cmd, cwd=REPO, env=_env(entailment),
                            capture_output=True, text=True, timeout=4 * 3600)
    seconds = time.perf_counter() - started
    if result.returncode != 0 or "built store" not in result.stderr:
        raise RuntimeError(f"lexgraph load failed ({result.returncode}):\n{result.stderr[-3000:]}")
    peak = _peak_kib(result.stderr) if wrapped else None
    if peak is None:  # the largest child so far: right when it is the largest
        peak = max(before, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
    triples = int(re.search(r"built store .*?: (\d+) triples", result.stderr).group(1))  # type: ignore[union-attr]
    manifest = Manifest.read(store)
    entailed = manifest.graphs.get(ENTAILED_GRAPH, 0) if manifest else 0
    return {"seconds": round(seconds, 2), "peak_rss_mib": round(peak / 1024, 1), "triples_in_store": triples,
            "entailed_triples": entailed}


def _derived(service: Service) -> dict[str, float | None] | None:
    """What /health says of the background indexes (seconds each took, None while building),
    or None when it does not say."""
    try:
        answer = httpx.get(service.url + "/health", timeout=10, trust_env=False)
        derived = answer.json().get("derived") if answer.status_code == 200 else None
    except (httpx.HTTPError, ValueError):
        return None
    return derived if isinstance(derived, dict) else None


def warm(service: Service, settle_s: float, timeout_s: float) -> dict[str, Any]:
    """The service's memory while it builds its background indexes: read every 0.5 s until
    /health reports them built (when it reports them) and the memory has been steady for
    ``settle_s``, or ``timeout_s`` at most."""
    started = time.monotonic()
    peak = service.rss_mib()
    grew = started
    derived: dict[str, float | None] | None = None
    settled = "no: indexes still building or memory still growing at the time limit"
    while time.monotonic() - started < timeout_s:
        time.sleep(0.5)
        rss = service.rss_mib()
        if rss > peak + GROWTH_MIB:
            grew = time.monotonic()
        peak = max(peak, rss)
        derived = _derived(service)
        failed = [line.strip() for line in service.log_path.read_text(errors="replace").splitlines()
                  if INDEX_FAILED in line]
        built = derived is None or bool(failed) or all(v is not None for v in derived.values())
        if built and time.monotonic() - grew >= settle_s:
            settled = (f"memory steady, but {len(failed)} index(es) failed to build: {failed[0][-300:]}" if failed
                       else "indexes built (/health) and memory steady" if derived is not None
                       else "memory steady (/health does not report the indexes)")
            break
    return {"peak_rss_mib": round(peak, 1), "final_rss_mib": service.rss_mib(), "settled": settled,
            "seconds": round(time.monotonic() - started, 1), "derived_seconds": derived}


def restart(path: Path, store: Path, entailment: str, warm_up: dict[str, float] | None = None) -> dict[str, Any]:
    """One restart over the unchanged store: `lexgraph serve --data FILE` until /health is 200;
    with ``warm_up`` (settle_s, timeout_s), then its memory while it builds its indexes."""
    service = Service(_env(entailment, LEXGRAPH_STORE_DIR=str(store)), WORK / "logs", ["--data", str(path)])
    try:
        seconds = service.wait_ready(poll_s=0.05)
        rss = service.rss_mib()
        if "reused" not in service.log_path.read_text():
            raise RuntimeError(f"the store was not reused:\n{service.log_tail()}")
        warmed = warm(service, **warm_up) if warm_up else None
    finally:
        service.stop()
    return {"seconds": round(seconds, 2), "service_rss_mib": rss, **({"warm": warmed} if warmed else {})}


def repeat(times: int, run: Callable[[int], dict[str, Any]], what: str) -> dict[str, Any]:
    """``run(i)`` ``times`` times; the median of each number, and every run."""
    runs = []
    for i in range(times):
        runs.append(run(i))
        log(f"  {what}: {runs[-1]}")
    figures = {k: statistics.median(r[k] for r in runs) for k in runs[0] if isinstance(runs[0][k], (int, float))}
    return {**figures, "runs": runs}


def measure(n: int, label: str, args: argparse.Namespace, rows: list[dict[str, Any]], data: dict[str, Any]) -> None:
    """Every row of one size, appended to ``rows``; a failure is appended as a row with its error."""
    formats = args.formats_10m if n == BIG_SIZE else args.formats
    builds = args.builds_10m if n == BIG_SIZE else args.builds
    off = OFF_FORMAT if OFF_FORMAT in formats else formats[0]
    cases = [(name, "rdfs") for name in formats] + [(off, "off")]
    try:
        turtle, meta = ensure_turtle(n, label)
        files, converted = ensure_formats(turtle, label, formats)
    except Exception as exc:  # noqa: BLE001  (any failure of the generator is a result to report)
        log(f"{label}: data not written: {exc!r}")
        data[label] = {"error": f"{type(exc).__name__}: {exc}"}
        rows.append({"triples": n, "label": label, "format": NO_DATA, "entailment": "", "error": data[label]["error"]})
        return
    data[label] = {**meta, "conversion_seconds": converted}
    for i, (name, entailment) in enumerate(cases):
        path = files[name]
        store = WORK / f"store-{label}-{FORMATS[name].strip('.').replace('.', '-')}-{entailment}"
        row: dict[str, Any] = {"triples": meta["triples"], "label": label, "format": name, "entailment": entailment,
                               "file": path.name, "file_mib": round(path.stat().st_size / 2**20, 1)}
        log(f"{label} {name}, entailment {entailment}: {builds} builds, {args.restarts} restarts"
            + (", then the warm-up" if i == 0 else ""))
        try:
            row["build"] = repeat(builds, lambda _: build(path, store, entailment), "build")
            warm_up = {"settle_s": args.settle, "timeout_s": args.warm_timeout} if i == 0 else None
            row["restart"] = repeat(args.restarts, lambda r: restart(
                path, store, entailment, warm_up if r == args.restarts - 1 else None), "restart")
            if warm_up:
                row["warm"] = row["restart"]["runs"][-1]["warm"]
        except (RuntimeError, OSError, subprocess.SubprocessError) as exc:
            log(f"{label} {name}: failed: {exc}")
            row["error"] = str(exc)[-2000:]
        finally:
            _remove_store(store)
        rows.append(row)


# --- report ------------------------------------------------------------------------------

def _met(ok: bool) -> str:
    return "**MET**" if ok else "**NOT MET**"


def _view(entailment: str) -> str:
    return "on (rdfs)" if entailment == "rdfs" else "off"


def _row(r: dict[str, Any]) -> str:
    head = f"| {r['label']} | {r['format']} | {_view(r['entailment']) if r['entailment'] else ''} |"
    if "error" in r:
        first = r["error"].strip().splitlines()[0] if r["error"].strip() else "error"
        size = f" {r['file_mib']:.1f} MiB |" if "file_mib" in r else " |"
        return head + size + f" failed: {first[:200]} | | | |"
    return head + (f" {r['file_mib']:.1f} MiB | {r['build']['seconds']:.2f} s | {r['build']['peak_rss_mib']:.0f} MiB | "
                   f"{r['restart']['seconds']:.2f} s | {r['restart']['service_rss_mib']:.0f} MiB |")


def _targets(rows: list[dict[str, Any]]) -> dict[str, Any]:
    def ok(size: int, entailment: str | None = None) -> list[dict[str, Any]]:
        return [r for r in rows if r["label"] == generate.size_label(size) and "error" not in r
                and entailment in (None, r["entailment"])]

    def tried(size: int) -> bool:
        return any(r["label"] == generate.size_label(size) for r in rows)

    def no_data(size: int) -> str | None:
        return next((r["error"] for r in rows if r["label"] == generate.size_label(size) and r["format"] == NO_DATA), None)

    targets: dict[str, Any] = {}
    if no_data(TARGET_SIZE):
        targets["restart_1m"] = targets["build_1m"] = {"met": False, "no_data": no_data(TARGET_SIZE)}
    elif tried(TARGET_SIZE):
        failed = [r["format"] for r in rows if r["label"] == generate.size_label(TARGET_SIZE) and "error" in r]
        restarts = {f"{r['format']} ({_view(r['entailment'])})": r["restart"]["seconds"] for r in ok(TARGET_SIZE)}
        targets["restart_1m"] = {"target_s": RESTART_TARGET_S, "by_row": restarts, "failed": failed,
                                 "met": bool(restarts) and not failed and max(restarts.values()) < RESTART_TARGET_S}
        on = {r["format"]: r["build"]["seconds"] for r in ok(TARGET_SIZE, "rdfs")}
        off = {r["format"]: r["build"]["seconds"] for r in ok(TARGET_SIZE, "off")}
        targets["build_1m"] = {"target_s": BUILD_TARGET_S, "with_entailed_view": on, "without": off, "failed": failed,
                               "met": bool(on) and not failed and max(on.values()) < BUILD_TARGET_S}
    if no_data(BIG_SIZE):
        targets["memory_10m"] = {"met": False, "no_data": no_data(BIG_SIZE)}
    elif tried(BIG_SIZE):
        big = [r for r in rows if r["label"] == generate.size_label(BIG_SIZE)]
        warmed = [r["warm"] for r in big if "warm" in r]
        at_ready = [r["restart"]["service_rss_mib"] for r in big if "restart" in r]
        worst = max([w["peak_rss_mib"] for w in warmed] + at_ready, default=None)
        failed = [f"{r['format']} ({_view(r['entailment'])}): {r['error'][-300:]}" for r in big if "error" in r]
        targets["memory_10m"] = {
            "target_mib": MEMORY_TARGET_MIB, "worst_mib": worst, "at_ready_mib": max(at_ready, default=None),
            "warm": warmed[0] if warmed else None, "failed": failed,
            "build_peak_mib": {f"{r['format']} ({_view(r['entailment'])})": r["build"]["peak_rss_mib"]
                               for r in big if "build" in r},
            "met": worst is not None and not failed and bool(warmed) and warmed[0]["settled"].startswith(WARM)
            and worst < MEMORY_TARGET_MIB}
    return targets


def _seconds(figures: dict[str, float]) -> str:
    return ", ".join(f"{k} {v:.2f} s" for k, v in figures.items())


def _target_lines(t: dict[str, Any]) -> list[str]:
    lines = []
    if "no_data" in t.get("build_1m", {}):
        lines.append(f"- Restart and first build of 1M: not measured (the data could not be generated: "
                     f"{t['build_1m']['no_data']}).")
    elif "restart_1m" in t:
        r = t["restart_1m"]
        worst = f"slowest {max(r['by_row'].values()):.2f} s" if r["by_row"] else "no restart measured"
        lines.append(f"- Restart with unchanged 1M data ready in under {RESTART_TARGET_S:.0f} s: {_met(r['met'])} "
                     f"({worst}, over every format, entailed view on and off)"
                     + (f"; failed: {', '.join(r['failed'])}." if r["failed"] else "."))
        b = t["build_1m"]
        on, off = b["with_entailed_view"], b["without"]
        without = (f"without it ({_seconds(off)}, LEXGRAPH_ENTAILMENT=off): "
                   f"{'met' if max(off.values()) < BUILD_TARGET_S else 'not met either'}"
                   if off else "not measured without it")
        if b["met"]:
            lines.append(f"- First build of 1M in under {BUILD_TARGET_S:.0f} s: {_met(True)} with the entailed view "
                         f"({_seconds(on)}).")
        else:
            lines.append(f"- First build of 1M in under {BUILD_TARGET_S:.0f} s: {_met(False)} with the entailed view "
                         f"({_seconds(on) or 'no build'}"
                         f"{'; failed: ' + ', '.join(b['failed']) if b['failed'] else ''}); {without}.")
    else:
        lines.append("- Restart and first build of 1M: not measured in this run (no 1M size).")
    m = t.get("memory_10m")
    goal = f"10M triples built and served with the service's memory under {MEMORY_TARGET_MIB / 1024:.0f} GB"
    if m is None:
        lines.append(f"- {goal}: not measured in this run (10M is off by default: `--with-10m`).")
    elif "no_data" in m:
        lines.append(f"- {goal}: not measured (the data could not be generated: {m['no_data']}).")
    else:
        builds = "; build peak " + ", ".join(f"{k} {v:.0f} MiB" for k, v in m["build_peak_mib"].items()) \
            if m["build_peak_mib"] else ""
        if m["warm"]:
            w = m["warm"]
            memory = (f"service memory {m['at_ready_mib']:.0f} MiB at ready, at most {w['peak_rss_mib']:.0f} MiB while "
                      f"its background indexes were built ({w['seconds']:.0f} s; settled: {w['settled']})")
        elif m["at_ready_mib"] is not None:
            memory = f"service memory {m['at_ready_mib']:.0f} MiB at ready; the background indexes not measured"
        else:
            memory = "not served"
        failed = f"; failed: {'; '.join(m['failed'])}" if m["failed"] else ""
        lines.append(f"- {goal}: {_met(m['met'])} ({memory}{builds}{failed}).")
    return lines


def markdown(result: dict[str, Any]) -> str:
    rows = result["rows"]
    big = any(r["label"] == generate.size_label(BIG_SIZE) for r in rows)
    ten_m = f" ({result['builds_10m']} at 10M)" if big else ""
    lines = [
        "# Load benchmark: building an embedded store, and starting on it again",
        "",
        f"{result['when']}; {result['machine']}; `python3 bench/load_bench.py{result['command_args']}` "
        f"({result['total_seconds']:.0f} s in all).",
        "",
        "Synthetic data from `bench/generate.py` (seed 1), written as Turtle and converted with pyoxigraph (TriG and "
        "N-Quads with every triple in one named graph); the ontology (about 2,200 triples) is loaded with it, as always. "
        "**Entailed view**: `LEXGRAPH_ENTAILMENT`; with `rdfs` (the default) the build materialises the subclass and "
        "subproperty closure into the graph `<" + ENTAILED_GRAPH + ">`. **First build**: `lexgraph load FILE --store "
        "DIR` into a new folder, as a process, start to exit (Python's start included); median of "
        f"{result['builds']}{ten_m}. **Peak memory**: the build process's maximum resident "
        f"set ({result['memory_by']}). **Restart**: `lexgraph serve --data FILE` with `LEXGRAPH_STORE_DIR=DIR`, the "
        "same `LEXGRAPH_ENTAILMENT` and the manifest unchanged (the log says `reused`), from start until `/health` "
        f"answers 200; median of {result['restarts']}; the service's memory (its process tree: web process, fork "
        "server, 4 executors) read then, before its background indexes are built.",
        "",
        "| triples | format | entailed view | file | first build | peak memory (build) | restart, unchanged manifest "
        "| service memory at ready |",
        "|---:|---|---|---:|---:|---:|---:|---:|",
        *(_row(r) for r in rows),
    ]
    warmed = [r for r in rows if "warm" in r]
    if warmed:
        lines += [
            "", "## The service's memory while it builds its background indexes", "",
            "Once per size (the first format, entailed view on): the last restart left running while the service "
            "builds its label index, catalogue, timeline index, graph view and home page overview; its process-tree "
            f"memory read every 0.5 s until /health reports them built and the memory has not grown (by more than "
            f"{GROWTH_MIB:.0f} MiB) for {result['settle_s']:.0f} s, at most {result['warm_timeout_s']:.0f} s.",
            "",
            "| triples | format | at ready | largest while building | at the end | seconds | settled |",
            "|---:|---|---:|---:|---:|---:|---|",
        ]
        for r in warmed:
            w = r["warm"]
            lines.append(f"| {r['label']} | {r['format']} | {r['restart']['runs'][-1]['service_rss_mib']:.0f} MiB | "
                         f"{w['peak_rss_mib']:.0f} MiB | {w['final_rss_mib']:.0f} MiB | {w['seconds']:.0f} s | "
                         f"{w['settled']} |")
    lines += ["", "## Targets (issue 12, this machine)", "", *_target_lines(result["targets"])]
    if result["notes"]:
        lines += ["", "## Notes", "", *result["notes"]]
    return "\n".join(lines)


def _notes(rows: list[dict[str, Any]], data: dict[str, Any]) -> list[str]:
    notes = []
    for label, meta in data.items():
        if "error" in meta:
            notes.append(f"- {label}: the data could not be generated ({meta['error']}).")
            continue
        built = [r for r in rows if r["label"] == label and "build" in r]
        off_row = next((r for r in built if r["entailment"] == "off"), None)
        on_row = next((r for r in built if r["entailment"] == "rdfs"
                       and (off_row is None or r["format"] == off_row["format"])), None)
        parts = [f"{meta['triples']:,} triples generated in {meta['seconds']:.1f} s"]
        if meta.get("conversion_seconds"):
            parts.append("converted in this run: " + ", ".join(f"{k} {v:.1f} s"
                                                               for k, v in meta["conversion_seconds"].items()))
        if on_row:
            on = on_row["build"]
            parts.append(f"the entailed view holds {on['entailed_triples']:,} triples "
                         f"({on['triples_in_store']:,} in the store with it)")
        if on_row and off_row:
            on, off = on_row["build"], off_row["build"]
            parts.append(f"building it costs {on['seconds'] - off['seconds']:.1f} s and "
                         f"{on['peak_rss_mib'] - off['peak_rss_mib']:.0f} MiB of peak memory "
                         f"({off_row['format']}, on against off)")
        notes.append(f"- {label}: " + "; ".join(parts) + ".")
    load = os.getloadavg()
    notes.append(f"- Load average at the end of the run: {load[0]:.2f} ({os.cpu_count()} cores; other work on the "
                 "machine slows these figures down).")
    return notes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100k,1M", help="sizes, comma-separated (100k,1M)")
    parser.add_argument("--with-10m", action="store_true", help="add 10M triples (about 45 minutes)")
    parser.add_argument("--formats", default=",".join(FORMATS), help="formats, comma-separated (all)")
    parser.add_argument("--formats-10m", default="Turtle", help="formats at 10M, comma-separated (Turtle)")
    parser.add_argument("--builds", type=int, default=2, help="first builds timed per format and size (2)")
    parser.add_argument("--builds-10m", type=int, default=1, help="first builds timed per format at 10M (1)")
    parser.add_argument("--restarts", type=int, default=3, help="restarts timed per format and size (3)")
    parser.add_argument("--settle", type=float, default=10, help="seconds of steady memory that end the warm-up (10)")
    parser.add_argument("--warm-timeout", type=float, default=1200, help="longest warm-up watched, seconds (1200)")
    args = parser.parse_args()
    _check_formats()
    args.formats = [f for f in args.formats.split(",") if f]
    args.formats_10m = [f for f in args.formats_10m.split(",") if f]
    unknown = [f for f in args.formats + args.formats_10m if f not in FORMATS]
    if unknown or not args.formats or not args.formats_10m:
        raise SystemExit(f"load_bench: unknown or no formats {unknown}; choose from {list(FORMATS)}")
    sizes = sorted({generate.parse_size(s) for s in args.sizes.split(",")} | ({BIG_SIZE} if args.with_10m else set()))
    labels = [generate.size_label(n) for n in sizes]
    stem = ("load" if {100_000, 1_000_000} <= set(sizes) and args.formats == list(FORMATS)
            else "load-" + "-".join(labels))
    run_started = time.perf_counter()
    WORK.mkdir(parents=True, exist_ok=True)

    rows: list[dict[str, Any]] = []
    data: dict[str, Any] = {}
    for n, label in zip(sizes, labels):
        measure(n, label, args, rows, data)
    result = {
        "when": now(), "machine": machine(), "command_args": "".join(f" {a}" for a in sys.argv[1:]),
        "builds": args.builds, "builds_10m": args.builds_10m, "restarts": args.restarts,
        "settle_s": args.settle, "warm_timeout_s": args.warm_timeout,
        "memory_by": "`/usr/bin/time -v`" if TIME.is_file() else "`getrusage(RUSAGE_CHILDREN)`",
        "entailed_graph": ENTAILED_GRAPH, "data": data, "rows": rows, "targets": _targets(rows),
        "notes": _notes(rows, data), "total_seconds": round(time.perf_counter() - run_started, 1),
    }
    json_path, md_path = write_results(stem, result, markdown(result))
    log(f"wrote {json_path.relative_to(REPO)} and {md_path.relative_to(REPO)} in {result['total_seconds']:.0f} s")


if __name__ == "__main__":
    main()
