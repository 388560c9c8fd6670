"""What every benchmark shares: a free loopback port, a line naming the machine and the time,
a `lexgraph serve` under test with its processes and memory, percentiles, and writing results
to bench/results/ as JSON (for programs) and Markdown (for people)."""

from __future__ import annotations

import json
import math
import os
import platform
import signal
import socket
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Sequence

import httpx

RESULTS = Path(__file__).resolve().parent / "results"
REPO = Path(__file__).resolve().parents[1]


def free_port() -> int:
    """A port on 127.0.0.1 that nothing listens on (benchmarks bind loopback only)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def machine() -> str:
    return f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"


def write_results(stem: str, result: dict[str, Any], markdown: str) -> tuple[Path, Path]:
    """``bench/results/<stem>.json`` and ``<stem>.md``; returns their paths."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    json_path, md_path = RESULTS / f"{stem}.json", RESULTS / f"{stem}.md"
    json_path.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    md_path.write_text(markdown.rstrip("\n") + "\n", encoding="utf-8")
    return json_path, md_path


def tree_pids(pid: int) -> list[int]:
    """A process and all its living descendants (a server, its fork server, its executors)."""
    out, stack = [], [pid]
    while stack:
        p = stack.pop()
        out.append(p)
        try:
            for task in Path(f"/proc/{p}/task").iterdir():
                children = task / "children"
                if children.exists():
                    stack += [int(c) for c in children.read_text().split()]
        except (FileNotFoundError, ProcessLookupError, ValueError):
            continue
    return out


def tree_rss_mib(pid: int) -> float:
    """Resident memory of a process and all its descendants, in MiB."""
    total = 0
    for p in tree_pids(pid):
        try:
            total += next((int(line.split()[1]) for line in Path(f"/proc/{p}/status").read_text().splitlines()
                           if line.startswith("VmRSS:")), 0)
        except (FileNotFoundError, ProcessLookupError, ValueError):
            continue
    return total / 1024


def percentile(sorted_values: list[float], p: float) -> float:
    """Nearest-rank percentile."""
    rank = max(1, math.ceil(p / 100 * len(sorted_values)))
    return sorted_values[rank - 1]


def stop_group(process: subprocess.Popen[bytes], wait_s: float) -> None:
    """Stop a server started in its own process group: SIGTERM, then SIGKILL after ``wait_s``;
    when the leader is already gone, kill whatever of its group is left."""
    if process.poll() is None:
        try:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=wait_s)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=wait_s)
        except ProcessLookupError:
            pass
    else:
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass


class Service:
    """`python3 -m lexgraph serve` of this checkout on a free loopback port, in its own
    process group (so stopping it stops its executors too), its output in ``logs``; ``args``
    are added to the command line (``--data PATH``)."""

    def __init__(self, env: dict[str, str], logs: Path, args: Sequence[str] = ()) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        logs.mkdir(parents=True, exist_ok=True)
        self.log_path = logs / f"serve-{self.port}.log"
        self.env = {**env, "LEXGRAPH_ROOT": str(REPO), "LEXGRAPH_HOST": "127.0.0.1", "LEXGRAPH_PORT": str(self.port),
                    "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO / "src"), env.get("PYTHONPATH")]))}
        with self.log_path.open("wb") as out:
            self.process = subprocess.Popen([sys.executable, "-m", "lexgraph", "serve", "--no-access-log", *args], cwd=REPO,
                                            env=self.env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        self.started = time.monotonic()

    def log_tail(self) -> str:
        return self.log_path.read_text(errors="replace")[-3000:]

    def wait_ready(self, timeout_s: float = 300, poll_s: float = 0.2) -> float:
        """Seconds from start until /health answers 200 (asked every ``poll_s``)."""
        deadline = self.started + timeout_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"lexgraph serve exited with {self.process.returncode}:\n{self.log_tail()}")
            try:
                if httpx.get(self.url + "/health", timeout=2, trust_env=False).status_code == 200:
                    return time.monotonic() - self.started
            except httpx.HTTPError:
                pass
            time.sleep(poll_s)
        raise RuntimeError(f"lexgraph serve not ready within {timeout_s:.0f} s; log: {self.log_path}")

    def healthy(self) -> bool:
        """Whether it still runs and /health answers 200."""
        if self.process.poll() is not None:
            return False
        try:
            return httpx.get(self.url + "/health", timeout=10, trust_env=False).status_code == 200
        except httpx.HTTPError:
            return False

    def rss_mib(self) -> float:
        return round(tree_rss_mib(self.process.pid), 1) if self.process.poll() is None else 0.0

    def stop(self) -> None:
        stop_group(self.process, 20)
