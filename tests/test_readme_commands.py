"""The README's two set-up commands, run as a new user on stock Debian would: in a fresh clone
of this repository, with Debian's own ``/usr/bin/python3`` (which refuses system-wide pip, PEP
668) first on ``PATH``. Both must build the project virtualenv ``.venv`` and work from it:
``bash scripts/serve.sh`` serves the graph until stopped, ``bash scripts/test.sh`` runs tests.
Slow (a virtualenv and the package's dependencies from PyPI, the editor's bundle from npm)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[1]
DEBIAN_PYTHON = Path("/usr/bin/python3")
SET_UP_S = 900


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def clone(tmp_path_factory: pytest.TempPathFactory, seeds_dir: Path) -> Path:
    """A fresh clone of this repository's committed state, without .venv or built bundles."""
    if not DEBIAN_PYTHON.exists():
        pytest.fail(f"{DEBIAN_PYTHON} is missing: this test is about Debian's python3")
    target = tmp_path_factory.mktemp("readme") / "lexgraph"
    subprocess.run(["git", "clone", "--quiet", str(REPO), str(target)], check=True, timeout=120)
    return target


def debian_env(seeds_dir: Path) -> dict[str, str]:
    """The user's environment with Debian's python3 first, nothing of this test run's
    virtualenv, and the source documents where they are (the clone has none beside it)."""
    env = {key: value for key, value in os.environ.items()
           if key not in ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME") and not key.startswith(("LEXGRAPH_", "PYTEST_"))}
    path = [entry for entry in env.get("PATH", "").split(os.pathsep) if ".venv" not in entry and "pyenv" not in entry]
    env["PATH"] = os.pathsep.join([str(DEBIAN_PYTHON.parent), *path])
    env["LEXGRAPH_SEEDS_DIR"] = str(seeds_dir)
    return env


@pytest.fixture(scope="module")
def served(clone: Path, seeds_dir: Path) -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    """``bash scripts/serve.sh`` on a free loopback port, until it answers /health."""
    port = free_port()
    log = clone.parent / "serve.log"
    with log.open("wb") as out:
        process = subprocess.Popen(["bash", "scripts/serve.sh", "--host", "127.0.0.1", "--port", str(port)], cwd=clone,
                                   env=debian_env(seeds_dir), stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + SET_UP_S
    try:
        while time.monotonic() < deadline and process.poll() is None:
            try:
                if httpx.get(url + "/health", trust_env=False, timeout=5).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            time.sleep(1)
        else:
            output = log.read_text(errors="replace")
            pytest.fail(f"bash scripts/serve.sh did not serve /health within {SET_UP_S} s: {output[-3000:]}")
        yield process, url
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=30)


def test_serve_builds_the_venv_with_debian_python_and_serves(clone: Path, served: tuple[subprocess.Popen[bytes], str]) -> None:
    process, url = served
    prefixes = subprocess.run([str(clone / ".venv" / "bin" / "python"), "-c", "import sys; print(sys.prefix, sys.base_prefix)"],
                              capture_output=True, text=True, check=True, timeout=60).stdout.split()
    assert prefixes == [str(clone / ".venv"), "/usr"], f"not a virtualenv of Debian's python3: {prefixes}"
    answer = httpx.get(url + "/sparql", params={"query": "ASK { ?s a ?o }"}, headers={"Accept": "application/sparql-results+json"},
                       trust_env=False, timeout=60)
    assert answer.status_code == 200 and answer.json()["boolean"] is True
    os.killpg(process.pid, signal.SIGINT)  # Ctrl+C, as the README says
    try:
        code = process.wait(timeout=60)
    except subprocess.TimeoutExpired:
        pytest.fail("serve.sh did not stop within 60 s of Ctrl+C; its log ends: "
                    + (clone.parent / "serve.log").read_text(errors="replace")[-3000:])
    assert code == 0, (clone.parent / "serve.log").read_text(errors="replace")[-3000:]


def test_the_test_command_reuses_the_venv_and_runs_tests(clone: Path, served: tuple[subprocess.Popen[bytes], str],
                                                          seeds_dir: Path) -> None:
    before = (clone / ".venv" / "bin" / "python").stat().st_ino
    run = subprocess.run(["bash", "scripts/test.sh", "-p", "no:cacheprovider", "tests/test_ontology.py", "tests/test_quotes.py"],
                         cwd=clone, env=debian_env(seeds_dir), capture_output=True, text=True, timeout=SET_UP_S)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    assert " passed" in run.stdout and "failed" not in run.stdout
    assert f"source documents: {seeds_dir} (LEXGRAPH_SEEDS_DIR; found)" in run.stdout
    assert (clone / ".venv" / "bin" / "python").stat().st_ino == before, "the test command made a second virtualenv"
