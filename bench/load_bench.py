"""Benchmark: building an embedded store and starting on it again, by format and size (issue 12).

Run:  python3 bench/load_bench.py [--sizes 100k,1M] [--with-10m] [--builds 2] [--restarts 3]
Writes bench/results/load.md and bench/results/load.json (with sizes other than 100k and 1M:
load-<sizes>.md/.json, so development runs never overwrite the real result).

10M triples are off by default (`--with-10m` adds them): generating, converting and building
them takes several minutes per format on a 2-core machine, past this benchmark's ~10-minute
budget. The default run (100k and 1M) takes about 5 minutes here.

Steps, for each size:
  1. synthetic Turtle from bench/generate.py in bench/work/load/ (reused when present with the
     same seed and size), converted with pyoxigraph to N-Triples, N-Quads (every triple in one
     named graph) and gzipped N-Triples (each reused when newer than the Turtle file);
  2. for each format, the first build: `python3 -m lexgraph load FILE --store DIR` as a process,
     into a folder that does not exist yet (the ontology is loaded with the file, as always),
     timed from start to exit (Python's start and imports included), under `/usr/bin/time -v`
     for the peak resident memory (else ``getrusage(RUSAGE_CHILDREN)``); --builds times, the
     median is the figure;
  3. the restart with an unchanged manifest: `python3 -m lexgraph serve --data FILE` with
     LEXGRAPH_STORE_DIR=DIR (the default 4 executors, the sandbox required, as a user runs it),
     timed from start until /health answers 200 (asked every 50 ms); the log must say `reused`;
     --restarts times, the median is the figure. The service's memory (the process tree) is
     read once /health answers, before its background indexes are built.

Everything binds 127.0.0.1; each server runs in its own process group and is stopped, errors or not.
"""

from __future__ import annotations

import argparse
import gzip
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

REPO = Path(__file__).resolve().parents[1]
BENCH = REPO / "bench"
WORK = BENCH / "work" / "load"
sys.path.insert(0, str(BENCH))

import generate  # noqa: E402  (bench/generate.py)
from report import Service, machine, now, write_results  # noqa: E402

SEED = 1
RESTART_TARGET_S = 2.0
BUILD_TARGET_S = 10.0
TARGET_SIZE = 1_000_000
QUAD_GRAPH = "http://example.org/bench/load"
FORMATS = {"Turtle": ".ttl", "N-Triples": ".nt", "N-Quads": ".nq", "N-Triples gzipped": ".nt.gz"}
TIME = Path("/usr/bin/time")


def log(message: str) -> None:
    print(f"[load_bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LEXGRAPH_")}
    return {**env, "LEXGRAPH_ROOT": str(REPO),
            "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO / "src"), env.get("PYTHONPATH")])), **extra}


# --- data --------------------------------------------------------------------------------

def ensure_turtle(n: int, label: str) -> tuple[Path, dict[str, Any]]:
    path = WORK / f"synthetic-{label}.ttl"
    meta_file = WORK / f"synthetic-{label}.json"
    meta = json.loads(meta_file.read_text()) if meta_file.exists() else None
    if path.exists() and meta and meta.get("seed") == SEED and meta.get("bytes") == path.stat().st_size:
        log(f"reusing {path.relative_to(REPO)} ({meta['triples']} triples)")
        return path, meta
    started = time.perf_counter()
    count = generate.generate(n, path, SEED)
    meta = {"triples": count, "seed": SEED, "bytes": path.stat().st_size, "seconds": round(time.perf_counter() - started, 2)}
    meta_file.write_text(json.dumps(meta))
    log(f"generated {count} triples in {meta['seconds']} s")
    return path, meta


def _convert(turtle: Path, out: Path) -> float:
    """``turtle`` in the format of ``out``'s extension, written by pyoxigraph; seconds taken."""
    import pyoxigraph as ox

    started = time.perf_counter()
    partial = out.with_name(out.name + ".part")
    triples = ox.parse(path=str(turtle), format=ox.RdfFormat.TURTLE)
    if out.name.endswith(".nq"):
        graph = ox.NamedNode(QUAD_GRAPH)
        quads = (ox.Quad(q.subject, q.predicate, q.object, graph) for q in triples)
        ox.serialize(quads, output=str(partial), format=ox.RdfFormat.N_QUADS)
    elif out.name.endswith(".nt.gz"):
        with gzip.open(partial, "wb", compresslevel=6) as f:
            ox.serialize(triples, output=f, format=ox.RdfFormat.N_TRIPLES)
    else:
        ox.serialize(triples, output=str(partial), format=ox.RdfFormat.N_TRIPLES)
    partial.replace(out)
    return time.perf_counter() - started


def ensure_formats(turtle: Path, label: str) -> dict[str, Path]:
    files = {}
    for name, suffix in FORMATS.items():
        path = WORK / f"synthetic-{label}{suffix}"
        if suffix != ".ttl" and (not path.exists() or path.stat().st_mtime_ns < turtle.stat().st_mtime_ns):
            log(f"writing {path.name} ({_convert(turtle, path):.1f} s)")
        files[name] = path
    return files


# --- measurements ------------------------------------------------------------------------

def _peak_kib(stderr: str) -> int | None:
    match = re.search(r"Maximum resident set size \(kbytes\): (\d+)", stderr)
    return int(match.group(1)) if match else None


def build(path: Path, store: Path) -> dict[str, Any]:
    """One first build: `lexgraph load FILE --store DIR` into a new folder."""
    if store.exists():
        shutil.rmtree(store)
    store.with_name(store.name + ".manifest.json").unlink(missing_ok=True)
    cmd = [sys.executable, "-m", "lexgraph", "load", str(path), "--store", str(store)]
    wrapped = TIME.is_file()
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.perf_counter()
    result = subprocess.run([str(TIME), "-v", *cmd] if wrapped else cmd, cwd=REPO, env=_env(), capture_output=True,
                            text=True, timeout=3600)
    seconds = time.perf_counter() - started
    if result.returncode != 0 or "built store" not in result.stderr:
        raise RuntimeError(f"lexgraph load failed ({result.returncode}):\n{result.stderr[-3000:]}")
    peak = _peak_kib(result.stderr) if wrapped else None
    if peak is None:  # the largest child so far: right when it is the largest
        peak = max(before, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
    triples = int(re.search(r"built store .*?: (\d+) triples", result.stderr).group(1))  # type: ignore[union-attr]
    return {"seconds": round(seconds, 2), "peak_rss_mib": round(peak / 1024, 1), "triples_in_store": triples}


def restart(path: Path, store: Path) -> dict[str, Any]:
    """One restart over the unchanged store: `lexgraph serve --data FILE` until /health is 200."""
    service = Service(_env(LEXGRAPH_STORE_DIR=str(store)), WORK / "logs", ["--data", str(path)])
    try:
        seconds = service.wait_ready(poll_s=0.05)
        rss = service.rss_mib()
        if "reused" not in service.log_path.read_text():
            raise RuntimeError(f"the store was not reused:\n{service.log_tail()}")
    finally:
        service.stop()
    return {"seconds": round(seconds, 2), "service_rss_mib": rss}


def repeat(times: int, run: Callable[[], dict[str, Any]], what: str) -> dict[str, Any]:
    runs = []
    for _ in range(times):
        runs.append(run())
        log(f"  {what}: {runs[-1]}")
    figures = {k: statistics.median(r[k] for r in runs) for k in runs[0] if isinstance(runs[0][k], (int, float))}
    return {**figures, "runs": runs}


# --- report ------------------------------------------------------------------------------

def _met(ok: bool) -> str:
    return "**MET**" if ok else "**NOT MET**"


def markdown(result: dict[str, Any]) -> str:
    rows = result["rows"]
    lines = [
        "# Load benchmark: building an embedded store, and starting on it again",
        "",
        f"{result['when']}; {result['machine']}; `python3 bench/load_bench.py{result['command_args']}` "
        f"({result['total_seconds']:.0f} s in all).",
        "",
        "Synthetic data from `bench/generate.py` (seed 1), written as Turtle and converted with pyoxigraph; the "
        "ontology (about 1,400 triples) is loaded with it, as always. **First build**: `lexgraph load FILE --store DIR` "
        "into a new folder, as a process, start to exit (Python's start included); median of "
        f"{result['builds']}. **Peak memory**: the build process's maximum resident set ({result['memory_by']}). "
        "**Restart**: `lexgraph serve --data FILE` with `LEXGRAPH_STORE_DIR=DIR` and the manifest unchanged (the log "
        f"says `reused`), from start until `/health` answers 200; median of {result['restarts']}; the service's "
        "memory (its process tree: web process, fork server, 4 executors) read then, before its background indexes "
        "are built.",
        "",
        "| triples | format | file | first build | peak memory (build) | restart, unchanged manifest | service memory at ready |",
        "|---:|---|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(f"| {r['label']} | {r['format']} | {r['file_mib']:.1f} MiB | {r['build']['seconds']:.2f} s | "
                     f"{r['build']['peak_rss_mib']:.0f} MiB | {r['restart']['seconds']:.2f} s | "
                     f"{r['restart']['service_rss_mib']:.0f} MiB |")
    lines += ["", "## Targets (issue 12, this machine)", ""]
    t = result["targets"]
    if "restart_1m" in t:
        lines.append(f"- Restart with unchanged 1M data ready in under {RESTART_TARGET_S:.0f} s: "
                     f"{_met(t['restart_1m']['met'])} (slowest format {t['restart_1m']['worst_s']:.2f} s).")
        lines.append(f"- First build of 1M in under {BUILD_TARGET_S:.0f} s: {_met(t['build_1m']['met'])} "
                     f"({', '.join(f'{k} {v:.2f} s' for k, v in t['build_1m']['by_format'].items())}).")
    else:
        lines.append("- Restart and first build of 1M: not measured in this run (no 1M size).")
    if t.get("memory_10m") is None:
        lines.append("- 10M triples built and served with the service's memory under 2 GB: not measured in this run "
                     "(10M is off by default: `--with-10m`).")
    else:
        m = t["memory_10m"]
        lines.append(f"- 10M triples built and served with the service's memory under 2 GB: {_met(m['met'])} "
                     f"(largest service memory at ready {m['worst_mib']:.0f} MiB; the background indexes add to it).")
    if result["notes"]:
        lines += ["", "## Notes", "", *result["notes"]]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100k,1M", help="sizes, comma-separated (100k,1M)")
    parser.add_argument("--with-10m", action="store_true", help="add 10M triples (several minutes per format)")
    parser.add_argument("--builds", type=int, default=2, help="first builds timed per format and size (2)")
    parser.add_argument("--restarts", type=int, default=3, help="restarts timed per format and size (3)")
    parser.add_argument("--formats", default=",".join(FORMATS), help="formats, comma-separated (all)")
    args = parser.parse_args()
    sizes = [generate.parse_size(s) for s in args.sizes.split(",")] + ([10_000_000] if args.with_10m else [])
    sizes = sorted(set(sizes))
    formats = [f for f in args.formats.split(",") if f]
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise SystemExit(f"load_bench: unknown formats {unknown}; choose from {list(FORMATS)}")
    labels = [generate.size_label(n) for n in sizes]
    stem = "load" if {100_000, 1_000_000} <= set(sizes) and formats == list(FORMATS) else "load-" + "-".join(labels)
    run_started = time.perf_counter()
    WORK.mkdir(parents=True, exist_ok=True)

    rows: list[dict[str, Any]] = []
    data: dict[str, Any] = {}
    for n, label in zip(sizes, labels):
        turtle, meta = ensure_turtle(n, label)
        data[label] = meta
        files = ensure_formats(turtle, label)
        for name in formats:
            path = files[name]
            store = WORK / f"store-{label}-{FORMATS[name].strip('.').replace('.', '-')}"
            log(f"{label} {name}: {args.builds} builds, {args.restarts} restarts")
            built = repeat(args.builds, lambda: build(path, store), "build")
            restarted = repeat(args.restarts, lambda: restart(path, store), "restart")
            shutil.rmtree(store, ignore_errors=True)
            store.with_name(store.name + ".manifest.json").unlink(missing_ok=True)
            rows.append({"triples": meta["triples"], "label": label, "format": name, "file": path.name,
                         "file_mib": round(path.stat().st_size / 2**20, 1), "build": built, "restart": restarted})

    def at(size: int) -> list[dict[str, Any]]:
        return [r for r in rows if r["label"] == generate.size_label(size)]

    targets: dict[str, Any] = {}
    if at(TARGET_SIZE):
        worst = max(r["restart"]["seconds"] for r in at(TARGET_SIZE))
        targets["restart_1m"] = {"target_s": RESTART_TARGET_S, "worst_s": worst, "met": worst < RESTART_TARGET_S}
        by_format = {r["format"]: r["build"]["seconds"] for r in at(TARGET_SIZE)}
        targets["build_1m"] = {"target_s": BUILD_TARGET_S, "by_format": by_format,
                               "met": all(s < BUILD_TARGET_S for s in by_format.values())}
    if at(10_000_000):
        worst = max(r["restart"]["service_rss_mib"] for r in at(10_000_000))
        targets["memory_10m"] = {"target_mib": 2048, "worst_mib": worst, "met": worst < 2048}
    load = os.getloadavg()
    notes = [f"- Load average at the end of the run: {load[0]:.2f} ({os.cpu_count()} cores; other work on the "
             "machine slows these figures down)."]
    result = {
        "when": now(), "machine": machine(), "command_args": "".join(f" {a}" for a in sys.argv[1:]),
        "builds": args.builds, "restarts": args.restarts,
        "memory_by": "`/usr/bin/time -v`" if TIME.is_file() else "`getrusage(RUSAGE_CHILDREN)`",
        "data": data, "rows": rows, "targets": targets, "notes": notes,
        "total_seconds": round(time.perf_counter() - run_started, 1),
    }
    json_path, md_path = write_results(stem, result, markdown(result))
    log(f"wrote {json_path.relative_to(REPO)} and {md_path.relative_to(REPO)} in {result['total_seconds']:.0f} s")


if __name__ == "__main__":
    main()
