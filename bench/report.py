"""What every benchmark shares: a free loopback port, a line naming the machine and the time,
the processes and memory of a server under test, and writing its results to bench/results/ as
JSON (for programs) and Markdown (for people)."""

from __future__ import annotations

import json
import os
import platform
import socket
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parent / "results"


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
