"""What every benchmark shares: a free loopback port, a line naming the machine and the time,
and writing its results to bench/results/ as JSON (for programs) and Markdown (for people)."""

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
