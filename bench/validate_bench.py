"""Benchmark: `lexgraph validate` on the repository graph and on generated data (100k and 1M
triples), and one changed file checked in the context of the 1M-triple repository.

Run:  python3 bench/validate_bench.py [--runs N] [--sizes repo,100k,1M,changed,kept] [--no-compare]
Writes bench/results/validate.md and bench/results/validate.json.

Targets (issue 14): the repository graph under 5 s, 100k triples under 10 s, 1M under 60 s
and 2 GB, one changed file in a 1M-triple repository under 5 s. That file is timed twice: as
is (``changed``: the repository parsed at every run) and with LEXGRAPH_VALIDATE_CACHE set
(``kept``: the parsed repository kept on disk; a first run builds it, timed apart, then the
runs that read it).

Each figure times the command as CI runs it (a fresh process, wall clock, CPU time and peak
RSS from the OS's accounting of the child, the report written as JSON), after one warm-up
run of the repository graph. The phases of one in-process run follow, so a slow run can be
traced to parsing, the quality queries or SHACL. With compare (the default), the 100k data is
also checked by pyshacl (``--engine pyshacl``, the reference) and the findings compared.

The generated data comes from bench/generate.py (fixed seed). It conforms to the shapes of
the day it was written; shapes added since may report findings on it (counted in the table).
The comparison runs on a damaged copy of the 100k data (see :func:`damaged`), so that both
engines have many findings to agree on.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from report import machine, now, write_results

REPO = Path(__file__).resolve().parents[1]
TARGETS = {"repo": (5.0, None), "100k": (10.0, None), "1M": (60.0, 2048.0), "changed": (5.0, None), "kept": (5.0, None)}
CHANGED_FILE = REPO / "tests" / "fixtures" / "cli" / "valid.ttl"
"""The file checked in the 1M repository's context (a user's own file of a few dozen triples)."""


def timed_process(cmd: list[str], env: dict[str, str]) -> dict[str, Any]:
    """Wall and CPU seconds, peak RSS in MiB, exit code and finding counts of one run."""
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        start = time.perf_counter()
        proc = subprocess.Popen([*cmd, "--format", "json", "--output", out.name], cwd=REPO, env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _pid, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        text = Path(out.name).read_text(encoding="utf-8")
    counts = json.loads(text)["counts"] if text else {}
    return {"wall_s": wall, "cpu_s": usage.ru_utime + usage.ru_stime, "peak_rss_mib": usage.ru_maxrss / 1024,
            "exit_code": os.waitstatus_to_exitcode(status), "counts": counts}


def phases(env: dict[str, str], named: list[Path] | None) -> dict[str, float]:
    """CPU seconds of each phase of one in-process validation (the machine may be shared:
    CPU time is what the run itself cost)."""
    sys.path.insert(0, str(REPO / "src"))
    from lexgraph.config import load_settings
    from lexgraph.quality import read_checks
    from lexgraph.validate import quality_findings, read_inputs, shacl_findings

    settings = load_settings({k: v for k, v in env.items() if k.startswith("LEXGRAPH_")})
    out: dict[str, float] = {}
    with ExitStack() as resources:  # a kept context's copy, removed at the end
        t = time.process_time()
        inputs = read_inputs(settings, named, context=bool(named), resources=resources)
        out["parse (pyoxigraph)"] = time.process_time() - t
        t = time.process_time()
        quality_findings(inputs, read_checks(settings.quality_dir))
        out["quality queries"] = time.process_time() - t
        t = time.process_time()
        shacl_findings(inputs, engine="sparql", inference=True)
        out["shacl (compiled, with entailment) and findings"] = time.process_time() - t
        out["triples (data)"] = float(inputs.triples)
        del inputs
    return out


def damaged(data_dir: Path, folder: Path) -> Path:
    """A copy of ``data_dir``'s data with defects, so the engines have findings to agree on:
    every 37th triple left out (missing sources, quotes, labels, types) and every 53rd literal
    made a language-tagged string (wrong datatypes and languages)."""
    import pyoxigraph as ox

    target = folder / "damaged"
    target.mkdir(parents=True, exist_ok=True)
    kept = []
    for i, quad in enumerate(ox.parse(path=str(data_dir / "data.ttl"), format=ox.RdfFormat.TURTLE)):
        if i % 37 == 0:
            continue
        obj = quad.object
        if isinstance(obj, ox.Literal) and i % 53 == 0:
            obj = ox.Literal(obj.value, language="xx")
        kept.append(ox.Triple(quad.subject, quad.predicate, obj))
    ox.serialize(kept, output=str(target / "data.nt"), format=ox.RdfFormat.N_TRIPLES)
    return target


def compare(data_dir: Path) -> dict[str, Any]:
    """Both engines on one parse of ``data_dir``: are the SHACL findings the same?"""
    sys.path.insert(0, str(REPO / "src"))
    from lexgraph.config import load_settings
    from lexgraph.validate import read_inputs, shacl_findings

    settings = load_settings({"LEXGRAPH_ROOT": str(REPO), "LEXGRAPH_DATA_DIR": str(data_dir)})
    inputs = read_inputs(settings)
    found: dict[str, Counter[tuple[object, ...]]] = {}
    seconds: dict[str, float] = {}
    for engine in ("sparql", "pyshacl"):
        t = time.process_time()
        findings = shacl_findings(inputs, engine=engine, inference=True)  # type: ignore[arg-type]
        seconds[engine] = time.process_time() - t
        found[engine] = Counter((f.level, f.check, f.focus, f.path, f.value, f.message, f.file) for f in findings)
    return {"triples": inputs.triples, "findings": sum(found["sparql"].values()),
            "identical": found["sparql"] == found["pyshacl"], "cpu_s": seconds,
            "only_sparql": sum((found["sparql"] - found["pyshacl"]).values()),
            "only_pyshacl": sum((found["pyshacl"] - found["sparql"]).values())}


def generated(size: str, folder: Path) -> Path:
    """A data folder holding bench/generate.py's data of ``size`` triples."""
    target = folder / size
    target.mkdir(parents=True, exist_ok=True)
    data = target / "data.ttl"
    if not data.exists():
        subprocess.run([sys.executable, str(REPO / "bench" / "generate.py"), "--triples", size, "--out", str(data),
                        "--seed", "14"], check=True, cwd=REPO, stdout=subprocess.DEVNULL)
    return target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs of the repository graph (the others: 2 and 1)")
    parser.add_argument("--sizes", default="repo,100k,1M,changed")
    parser.add_argument("--no-compare", action="store_true", help="skip the pyshacl comparison at 100k")
    parser.add_argument("--work", type=Path, default=None, help="folder for the generated data (default: a temp dir)")
    args = parser.parse_args()
    sizes = args.sizes.split(",")
    work = args.work or Path(tempfile.mkdtemp(prefix="lexgraph-validate-bench-"))
    cmd = [sys.executable, "-m", "lexgraph", "validate"]
    base_env = {**os.environ, "LEXGRAPH_ROOT": str(REPO)}
    timed_process(cmd, base_env)  # warm-up: file cache, bytecode
    load = os.getloadavg()
    rows: dict[str, Any] = {}
    envs: dict[str, dict[str, str]] = {}
    for size in sizes:
        one_file = size in ("changed", "kept")
        data_dir = None if size == "repo" else generated("1M" if one_file else size, work)
        env = {**base_env, **({"LEXGRAPH_DATA_DIR": str(data_dir)} if data_dir else {})}
        env.pop("LEXGRAPH_VALIDATE_CACHE", None)
        row: dict[str, Any] = {}
        if size == "kept":
            cache = work / "validate-cache"
            shutil.rmtree(cache, ignore_errors=True)
            env["LEXGRAPH_VALIDATE_CACHE"] = str(cache)
            row["build"] = timed_process([*cmd, str(CHANGED_FILE)], env)  # parses the 1M context, keeps it
        run_cmd = [*cmd, str(CHANGED_FILE)] if one_file else cmd
        n = args.runs if size in ("repo", "kept") else 2 if size in ("100k", "changed") else 1
        row["runs"] = [timed_process(run_cmd, env) for _ in range(n)]
        rows[size], envs[size] = row, env
    # after every timed run: Linux keeps a process's peak RSS across exec, so a child forked
    # once this process holds a parsed repository would report this process's peak as its own
    for size, row in rows.items():
        row["phases_cpu_s"] = phases(envs[size], [CHANGED_FILE] if size in ("changed", "kept") else None)
    comparison = compare(damaged(generated("100k", work), work)) if not args.no_compare else None
    result = {
        "benchmark": "lexgraph validate: repository graph, generated 100k and 1M triples, one changed file at 1M",
        "when": now(),
        "machine": machine(),
        "load_average_at_start": load,
        "shared_machine": "the machine was shared with other sessions' tests and benchmarks: wall times include "
                          "waiting for a core; CPU times are the run's own",
        "sizes": rows,
        "targets": {k: {"wall_s": w, "peak_rss_mib": m} for k, (w, m) in TARGETS.items()},
        "comparison_100k": comparison,
    }
    names = {"repo": "repository graph", "100k": "generated, 100k triples", "1M": "generated, 1M triples",
             "changed": "one file in the context of the 1M repository",
             "kept": "the same, the context kept (LEXGRAPH_VALIDATE_CACHE)"}
    lines = [
        "# lexgraph validate benchmark",
        "",
        f"Generated by `python3 bench/validate_bench.py` on {result['when']} ({result['machine']}). "
        f"**Shared machine**: load average {load[0]:.1f} on {os.cpu_count()} cores at the start (other sessions' "
        "tests and benchmarks ran beside it), so wall times include waiting for a core; CPU time (user + system) "
        "is what the run itself cost.",
        "",
        "| data | runs | wall (s), median | CPU (s), median | peak RSS (MiB) | findings (E/W/I) | target |",
        "|---|---|---|---|---|---|---|",
    ]
    for size, row in rows.items():
        runs = row["runs"]
        wall = sorted(r["wall_s"] for r in runs)[len(runs) // 2]
        cpu = sorted(r["cpu_s"] for r in runs)[len(runs) // 2]
        rss = max(r["peak_rss_mib"] for r in runs)
        c = runs[0]["counts"]
        w, m = TARGETS.get(size, (None, None))
        target = (f"< {w:.0f} s" + (f", < {m / 1024:.0f} GB" if m else "")) if w else ""
        verdict = ""
        if w:
            memory_ok = not m or rss < m
            verdict = ("met" if wall < w and memory_ok else "met in CPU time, not in wall time" if cpu < w and memory_ok
                       else "NOT met")
        lines.append(f"| {names.get(size, size)} | {len(runs)} | {wall:.1f} | {cpu:.1f} | {rss:.0f} | "
                     f"{c.get('ERROR', '?')}/{c.get('WARN', '?')}/{c.get('INFO', '?')} | {target} {verdict} |")
    lines += ["", "CPU seconds of each phase of one in-process run:", "",
              "| data | " + " | ".join(next(iter(rows.values()))["phases_cpu_s"]) + " |",
              "|---|" + "---|" * len(next(iter(rows.values()))["phases_cpu_s"])]
    for size, row in rows.items():
        lines.append(f"| {names.get(size, size)} | " + " | ".join(
            f"{v:.0f}" if k.startswith("triples") else f"{v:.2f}" for k, v in row["phases_cpu_s"].items()) + " |")
    if "kept" in rows:
        b = rows["kept"]["build"]
        lines += ["", f"With the context kept, the first run parses the 1M repository into the on-disk store: "
                  f"{b['wall_s']:.1f} s wall, {b['cpu_s']:.1f} s CPU, {b['peak_rss_mib']:.0f} MiB (findings "
                  f"{b['counts'].get('ERROR', '?')}/{b['counts'].get('WARN', '?')}/{b['counts'].get('INFO', '?')}); "
                  "the runs in the table read it, each on a hard-link copy of the store removed after the run. A "
                  "context file changed, added or removed gives another store: its key holds every context file's "
                  "path, size and SHA-256."]
    if comparison:
        lines += ["", f"Findings equality at 100k ({comparison['triples']} triples: the generated data with every 37th "
                  "triple left out and every 53rd literal given a language tag, SHACL only): the compiled checks "
                  f"and pyshacl give {'identical' if comparison['identical'] else 'DIFFERENT'} findings "
                  f"({comparison['findings']} findings; only compiled: {comparison['only_sparql']}, only pyshacl: "
                  f"{comparison['only_pyshacl']}); CPU {comparison['cpu_s']['sparql']:.1f} s compiled, "
                  f"{comparison['cpu_s']['pyshacl']:.1f} s pyshacl."]
    lines += ["", "The generated data conforms (bench/generate.py writes evidence as IRIs, as data/ does): the INFO "
              "findings above are undated events; any ERROR or WARN would be a generator bug."]
    result["load_average_at_end"] = os.getloadavg()
    lines += ["", f"Load average at the end: {result['load_average_at_end'][0]:.1f}."]
    write_results("validate", result, "\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
