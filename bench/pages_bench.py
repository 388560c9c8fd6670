"""Benchmark: Lighthouse scores of the pages a person opens first (target: >= 90 in every category).

Run:  python3 bench/pages_bench.py [--runs N] [--url BASE] [--also-desktop]
Writes bench/results/pages.md and bench/results/pages.json.

Lighthouse 12 (npm ``lighthouse``, pinned in bench/lighthouse/package.json and its lock file)
is installed by this script into bench/lighthouse/node_modules with ``npm ci`` the first time
(so the first run needs the npm registry; the service never loads it). It drives Debian's
/usr/bin/chromium, headless, against a ``lexgraph serve`` on a free 127.0.0.1 port (or the
server at ``--url``), with its default mobile settings: a phone-sized screen and simulated
slow 4G and a 4x slower CPU. Each page is scored ``--runs`` times in the four categories
(performance, accessibility, best practices, SEO); the table gives the median and the range.

Performance is measured on this machine's CPU, scaled by Lighthouse's own calibration
(``benchmarkIndex``, in the JSON); on a shared, busy machine it is lower and varies more than
on a quiet one, so the load average at the start is written with the results. The other three
categories do not depend on speed. ``--also-desktop`` adds a table with Lighthouse's desktop
settings (wide screen, no CPU slowdown), for information: the timeline page draws its time axis
only on a wide screen, so only there does the drawing's bundle load.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import httpx

from report import REPO, Service, machine, now, write_results

HERE = Path(__file__).resolve().parent
LIGHTHOUSE_DIR = HERE / "lighthouse"
LIGHTHOUSE = LIGHTHOUSE_DIR / "node_modules" / ".bin" / "lighthouse"
CHROMIUM = Path("/usr/bin/chromium")
CHROME_FLAGS = "--headless=new --no-sandbox --disable-gpu --no-first-run --disable-background-networking " \
               "--disable-component-update --disable-sync"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
PAGES = {
    "/": "home page",
    "/sparql": "SPARQL editor",
    "/timeline?party=kazakhstan": "timeline (Kazakhstan)",
    "/id/treaty/wct": "entity page (WCT)",
}
METRICS = {
    "first-contentful-paint": "FCP (s)", "largest-contentful-paint": "LCP (s)", "total-blocking-time": "TBT (ms)",
    "cumulative-layout-shift": "CLS", "speed-index": "Speed Index (s)",
}
TARGET = 90
BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


def install_lighthouse() -> str:
    """``npm ci`` into bench/lighthouse unless the pinned version is there; its version."""
    lock = LIGHTHOUSE_DIR / "package-lock.json"
    stamp = LIGHTHOUSE_DIR / "node_modules" / ".package-lock.json"
    if not (LIGHTHOUSE.exists() and stamp.exists() and stamp.stat().st_mtime >= lock.stat().st_mtime):
        print("pages_bench: installing Lighthouse into bench/lighthouse (npm ci)", flush=True)
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--ignore-scripts", "--loglevel=error"],
                       cwd=LIGHTHOUSE_DIR, check=True)
    return subprocess.run([str(LIGHTHOUSE), "--version"], capture_output=True, text=True, check=True).stdout.strip()


def lighthouse(url: str, out: Path, desktop: bool = False) -> dict[str, Any]:
    """One Lighthouse run of ``url`` (mobile, or ``desktop``; all four categories); its JSON report."""
    preset = ["--preset=desktop"] if desktop else []
    subprocess.run([str(LIGHTHOUSE), url, *preset, f"--chrome-path={CHROMIUM}", f"--chrome-flags={CHROME_FLAGS}",
                    f"--only-categories={','.join(CATEGORIES)}", "--output=json", f"--output-path={out}",
                    "--quiet", "--max-wait-for-load=60000"], check=True, timeout=300,
                   env={**os.environ, "CHROME_PATH": str(CHROMIUM)})
    report: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    if report.get("runtimeError"):
        raise RuntimeError(f"Lighthouse could not load {url}: {report['runtimeError']}")
    return report


def summary(report: dict[str, Any]) -> dict[str, Any]:
    """Scores (0-100), the performance metrics, and the audits that cost points, per category."""
    audits = report["audits"]
    failing: dict[str, list[str]] = {}
    for key, category in report["categories"].items():
        for ref in category["auditRefs"]:
            audit = audits[ref["id"]]
            if ref.get("weight", 0) > 0 and audit.get("score") is not None and audit["score"] < 0.9:
                shown = f" ({audit['displayValue']})" if audit.get("displayValue") else ""
                failing.setdefault(key, []).append(f"{audit['title']}{shown}")
    return {
        "scores": {k: round(c["score"] * 100) if c["score"] is not None else None
                   for k, c in report["categories"].items()},
        "metrics": {k: audits[k].get("numericValue") for k in METRICS if k in audits},
        "failing": failing,
        "benchmark_index": report.get("environment", {}).get("benchmarkIndex"),
    }


def median_run(runs: list[dict[str, Any]]) -> dict[str, Any]:
    scores = {c: statistics.median([r["scores"][c] for r in runs]) for c in CATEGORIES}
    spread = {c: (min(r["scores"][c] for r in runs), max(r["scores"][c] for r in runs)) for c in CATEGORIES}
    metrics = {m: statistics.median([r["metrics"][m] for r in runs]) for m in METRICS}
    # The audits below 0.9 in the run whose performance score is the median one.
    middle = sorted(runs, key=lambda r: r["scores"]["performance"])[len(runs) // 2]
    return {"scores": scores, "range": spread, "metrics": metrics, "failing": middle["failing"], "runs": runs}


def fmt_metric(key: str, value: float) -> str:
    if key == "cumulative-layout-shift":
        return f"{value:.3f}"
    if key == "total-blocking-time":
        return f"{value:.0f}"
    return f"{value / 1000:.1f}"


def score_table(pages: dict[str, Any]) -> list[str]:
    lines = ["| page | performance | accessibility | best practices | SEO |", "|---|---|---|---|---|"]
    for path, page in pages.items():
        cells = [f"{page['scores'][c]:.0f}" + (f" ({page['range'][c][0]}-{page['range'][c][1]})"
                                                 if page['range'][c][0] != page['range'][c][1] else "")
                 + ("" if page["scores"][c] >= TARGET else " **below**") for c in CATEGORIES]
        lines.append(f"| {PAGES[path]} `{path}` | " + " | ".join(cells) + " |")
    return lines


def metric_table(pages: dict[str, Any]) -> list[str]:
    lines = ["| page | " + " | ".join(METRICS.values()) + " |", "|---|" + "---|" * len(METRICS)]
    for path, page in pages.items():
        lines.append(f"| `{path}` | " + " | ".join(fmt_metric(k, page["metrics"][k]) for k in METRICS) + " |")
    return lines


def markdown(result: dict[str, Any]) -> str:
    lines = [
        "# Pages benchmark: Lighthouse", "",
        f"Generated by `python3 bench/pages_bench.py --runs {result['runs']}"
        f"{' --also-desktop' if result.get('desktop') else ''}` on {result['when']} "
        f"({result['machine']}; load average {result['load_average']} at the start; shared machine).", "",
        f"Lighthouse {result['lighthouse']}, {result['chromium']}, headless, mobile (Lighthouse's default: phone screen, "
        "simulated slow 4G, 4x CPU slowdown), against `lexgraph serve` on 127.0.0.1 (embedded store). "
        f"Median of {result['runs']} runs per page (range in brackets). Target: >= {TARGET} in every category.", "",
        *score_table(result["pages"]),
        "", "Performance metrics (medians):", "", *metric_table(result["pages"]),
    ]
    below = [(path, c) for path, page in result["pages"].items() for c in CATEGORIES if page["scores"][c] < TARGET]
    lines += ["", f"Target met on every page and category: {'yes' if not below else 'no'}."]
    if any(page["failing"] for page in result["pages"].values()):
        lines += ["", "Audits scoring below 0.9 (run with the median performance score):", ""]
        for path, page in result["pages"].items():
            for category, titles in page["failing"].items():
                lines.append(f"- `{path}`, {category}: " + "; ".join(titles))
    if result.get("desktop"):
        lines += ["", "## For information: desktop settings", "",
                  "Lighthouse's desktop preset (1350 x 940 screen, fast network, no CPU slowdown), same runs:", "",
                  *score_table(result["desktop"]), "", *metric_table(result["desktop"]), ""]
        for path, page in result["desktop"].items():
            for category, titles in page["failing"].items():
                lines.append(f"- desktop `{path}`, {category}: " + "; ".join(titles))
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="Lighthouse runs per page (median reported)")
    parser.add_argument("--url", help="score this running server instead of starting one")
    parser.add_argument("--also-desktop", action="store_true", help="add a table with the desktop preset")
    args = parser.parse_args()
    version = install_lighthouse()
    chromium = subprocess.run([str(CHROMIUM), "--version"], capture_output=True, text=True).stdout.strip()
    load = ", ".join(f"{v:.1f}" for v in os.getloadavg())
    service = None
    if args.url:
        base = args.url.rstrip("/")
    else:
        env = {k: v for k, v in os.environ.items() if k != "LEXGRAPH_STORE_DIR"}
        service = Service(env, REPO / "bench" / "work" / "pages")
        service.wait_ready()
        base = service.url
    try:
        for path in PAGES:  # the first request of each page and file warms caches and compresses static files
            response = httpx.get(base + path, headers={"Accept": BROWSER_ACCEPT}, timeout=60, trust_env=False)
            response.raise_for_status()
        scored: dict[str, dict[str, Any]] = {}
        with tempfile.TemporaryDirectory(prefix="lexgraph-lighthouse-") as tmp:
            for form in ["mobile", "desktop"] if args.also_desktop else ["mobile"]:
                scored[form] = {}
                for path in PAGES:
                    runs = []
                    for run in range(args.runs):
                        print(f"pages_bench: {form} {path} run {run + 1}/{args.runs}", flush=True)
                        report = lighthouse(base + path, Path(tmp) / "report.json", desktop=form == "desktop")
                        runs.append(summary(report))
                    scored[form][path] = median_run(runs)
        pages = scored["mobile"]
    finally:
        if service is not None:
            service.stop()
    result = {
        "benchmark": "Lighthouse scores of lexgraph's pages (mobile)", "when": now(), "machine": machine(),
        "load_average": load, "lighthouse": version, "chromium": chromium, "runs": args.runs, "target": TARGET,
        "pages": pages, "desktop": scored.get("desktop"),
        "meets_target": all(p["scores"][c] >= TARGET for p in pages.values() for c in CATEGORIES),
    }
    text = markdown(result)
    write_results("pages", result, text)
    print(text)


if __name__ == "__main__":
    main()
