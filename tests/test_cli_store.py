"""`lexgraph load --store` and `lexgraph serve` over a store that lasts, as real processes:
reuse without a build, updates, syntax errors that leave the old store serving, and the
temporary store removed on SIGTERM while a named one survives."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from lexgraph.store.manifest import manifest_path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))
from service.servers import Server, free_port, wait_until_up  # noqa: E402


def _env(tmp: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LEXGRAPH_")}
    (tmp / "tmp").mkdir(exist_ok=True)
    return {**env, "LEXGRAPH_ROOT": str(REPO), "LEXGRAPH_SANDBOX": os.environ.get("LEXGRAPH_SANDBOX", "required"),
            "LEXGRAPH_EXECUTORS": "1", "TMPDIR": str(tmp / "tmp"), **extra}


def lexgraph(tmp: Path, *args: str | Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "lexgraph", *map(str, args)], capture_output=True, text=True,
                          cwd=REPO, timeout=120, env=_env(tmp, **env))


def serve(tmp: Path, *args: str | Path, **env: str) -> Server:
    port = free_port()
    log = tmp / f"serve-{port}.log"
    with log.open("wb") as out:
        process = subprocess.Popen([sys.executable, "-m", "lexgraph", "serve", "--no-access-log", *map(str, args)],
                                   stdout=out, stderr=subprocess.STDOUT, start_new_session=True, cwd=REPO,
                                   env=_env(tmp, LEXGRAPH_PORT=str(port), **env))
    server = Server(process, f"http://127.0.0.1:{port}", log)
    try:
        wait_until_up(server.url + "/health", process, log)
    except Exception:
        server.stop()
        raise
    return server


def objects(server: Server, graph: str) -> set[str]:
    query = f"SELECT ?o WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
    answer = httpx.get(server.url + "/sparql", params={"query": query}, headers={"Accept": "application/sparql-results+json"},
                       trust_env=False, timeout=30).json()
    return {b["o"]["value"] for b in answer["results"]["bindings"]}


def _rocksdb_files(folder: Path) -> dict[str, int]:
    return {p.name: p.stat().st_mtime_ns for p in folder.iterdir() if p.name != "LOCK" and not p.name.startswith("LOG")}


@pytest.fixture
def mine(tmp_path: Path) -> Path:
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "a.nt").write_text('<urn:s> <urn:p> "a1" .\n', encoding="utf-8")
    (folder / "b.trig").write_text('GRAPH <urn:g:b> { <urn:s> <urn:p> "b1" . }\n', encoding="utf-8")
    return folder


def test_load_store_then_serve_reuses_it_and_updates_only_what_changed(tmp_path: Path, mine: Path) -> None:
    store = tmp_path / "kept" / "store"
    built = lexgraph(tmp_path, "load", mine, "--store", store)
    assert built.returncode == 0, built.stderr
    assert "built store" in built.stderr
    sources = json.loads(manifest_path(store).read_text())["sources"]
    assert sources == [str((REPO / "ontology").resolve()), str(mine.resolve())]
    before = _rocksdb_files(store)

    server = serve(tmp_path, LEXGRAPH_STORE_DIR=str(store))
    try:
        assert "is up to date with its sources: reused" in server.log.read_text()
        assert objects(server, "https://w3id.org/lexgraph/graph/mine/a") == {"a1"}
        assert objects(server, "urn:g:b") == {"b1"}
        assert objects(server, "https://w3id.org/lexgraph/graph/ontology/lexgraph")  # the ontology is always there
    finally:
        server.stop()
    assert {k: v for k, v in _rocksdb_files(store).items() if k in before} == before  # nothing was rewritten

    (mine / "a.nt").write_text('<urn:s> <urn:p> "a2" .\n', encoding="utf-8")
    server = serve(tmp_path, LEXGRAPH_STORE_DIR=str(store))
    try:
        assert "reloaded 1 graphs" in server.log.read_text()
        assert objects(server, "https://w3id.org/lexgraph/graph/mine/a") == {"a2"}
        assert objects(server, "urn:g:b") == {"b1"}
    finally:
        server.stop()

    manifest = manifest_path(store).read_bytes()
    (mine / "a.nt").write_text('<urn:s> <urn:p> "a3" .\n<urn:s> <urn:p> .\n', encoding="utf-8")
    failed = lexgraph(tmp_path, "serve", LEXGRAPH_STORE_DIR=str(store), LEXGRAPH_PORT=str(free_port()))
    assert failed.returncode == 2
    assert f"{mine / 'a.nt'}:2:" in failed.stderr and len(failed.stderr.strip().splitlines()) == 1
    assert manifest_path(store).read_bytes() == manifest
    (mine / "a.nt").write_text('<urn:s> <urn:p> "a2" .\n', encoding="utf-8")  # back: same bytes as the store holds
    server = serve(tmp_path, LEXGRAPH_STORE_DIR=str(store))
    try:
        assert "reused" in server.log.read_text()
        assert objects(server, "https://w3id.org/lexgraph/graph/mine/a") == {"a2"}
    finally:
        server.stop()
    assert store.is_dir() and manifest_path(store).is_file()  # a named store survives its server


def test_a_syntax_error_leaves_the_old_store_answering(tmp_path: Path, mine: Path) -> None:
    store = tmp_path / "store"
    assert lexgraph(tmp_path, "load", mine, "--store", store).returncode == 0
    (mine / "b.trig").write_text('GRAPH <urn:g:b> {\n <urn:s> <urn:p> }\n', encoding="utf-8")
    failed = lexgraph(tmp_path, "load", "--store", store)
    assert failed.returncode == 2 and f"{mine / 'b.trig'}:2:" in failed.stderr
    (mine / "b.trig").write_text('GRAPH <urn:g:b> { <urn:s> <urn:p> "b1" . }\n', encoding="utf-8")
    os.utime(mine / "b.trig", ns=(1, 1))
    server = serve(tmp_path, LEXGRAPH_STORE_DIR=str(store))
    try:
        assert "reused" in server.log.read_text()
        assert objects(server, "urn:g:b") == {"b1"}
    finally:
        server.stop()


def test_serve_data_and_sigterm_remove_the_temporary_store(tmp_path: Path, mine: Path) -> None:
    server = serve(tmp_path, "--data", mine / "a.nt", "--data", mine / "b.trig")
    temporary = list((tmp_path / "tmp").glob("lexgraph-*"))
    try:
        assert len(temporary) == 1 and (temporary[0] / "store").is_dir()
        assert objects(server, "https://w3id.org/lexgraph/graph/a") == {"a1"}
        assert objects(server, "urn:g:b") == {"b1"}
        os.kill(server.process.pid, signal.SIGTERM)  # the main process only, as a supervisor would
        server.process.wait(timeout=30)
    finally:
        server.stop()
    deadline = time.monotonic() + 5
    while temporary[0].exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not temporary[0].exists(), server.log.read_text()[-2000:]


def test_load_needs_one_target_and_refuses_unknown_files(tmp_path: Path, mine: Path) -> None:
    both = lexgraph(tmp_path, "load", mine, "--store", tmp_path / "s", "--to", "http://127.0.0.1:9/store")
    assert both.returncode == 2 and "--to URL" in both.stderr
    (mine / "notes.txt").write_text("hello\n", encoding="utf-8")
    refused = lexgraph(tmp_path, "load", mine, "--store", tmp_path / "s")
    assert refused.returncode == 2 and "notes.txt: not a format lexgraph reads" in refused.stderr
    assert not (tmp_path / "s").exists()


def test_load_to_a_remote_server_sends_every_format_by_graph(tmp_path: Path, mine: Path) -> None:
    from service.servers import start_oxigraph

    (mine / "c.ttl.gz").write_bytes(__import__("gzip").compress(b'<urn:s> <urn:p> "c1" .\n'))
    (mine / "d.nq").write_text('<urn:s> <urn:p> "d1" <urn:g:b> .\n', encoding="utf-8")  # into b.trig's graph too
    oxigraph = start_oxigraph(tmp_path)
    try:
        for _ in range(2):  # twice: no duplicates
            pushed = lexgraph(tmp_path, "load", mine, "--to", oxigraph.url + "/store")
            assert pushed.returncode == 0, pushed.stderr
        query = "SELECT ?g ?o WHERE { GRAPH ?g { <urn:s> <urn:p> ?o } }"
        rows = httpx.get(oxigraph.url + "/query", params={"query": query}, headers={"Accept": "application/sparql-results+json"},
                         trust_env=False, timeout=30).json()["results"]["bindings"]
        got = sorted((r["g"]["value"], r["o"]["value"]) for r in rows)
        base = "https://w3id.org/lexgraph/graph/mine/"
        assert got == sorted([(base + "a", "a1"), ("urn:g:b", "b1"), ("urn:g:b", "d1"), (base + "c", "c1")])
    finally:
        oxigraph.stop()


def _store_objects(store: Path, graph: str) -> set[str]:
    import pyoxigraph as ox

    opened = ox.Store.read_only(str(store))
    return {q.object.value for q in opened.quads_for_pattern(None, None, None, ox.NamedNode(graph))}


def test_load_graph_puts_the_triples_of_the_files_named_into_one_graph(tmp_path: Path, mine: Path) -> None:
    (mine / "c.ttl").write_text('<urn:s> <urn:p> "c1" .\n', encoding="utf-8")
    store = tmp_path / "store"
    built = lexgraph(tmp_path, "load", mine, "--store", store, "--graph", "http://example.org/mine")
    assert built.returncode == 0, built.stderr
    manifest = json.loads(manifest_path(store).read_text())
    assert manifest["graph"] == "http://example.org/mine"
    assert manifest["graphs"]["http://example.org/mine"] == 2 and manifest["graphs"]["urn:g:b"] == 1
    assert "https://w3id.org/lexgraph/graph/mine/a" not in manifest["graphs"]
    assert any(g.startswith("https://w3id.org/lexgraph/graph/ontology/") for g in manifest["graphs"])  # the ontology keeps its own
    by_name = {Path(f["path"]).name: f for f in manifest["files"]}
    assert by_name["a.nt"]["triples"] == 1 and by_name["c.ttl"]["triples"] == 1  # counted per file, not per graph

    server = serve(tmp_path, LEXGRAPH_STORE_DIR=str(store))  # the manifest's sources, with its graph: reused
    try:
        assert "reused" in server.log.read_text()
        assert objects(server, "http://example.org/mine") == {"a1", "c1"}
        assert objects(server, "urn:g:b") == {"b1"}  # quads keep their graph
    finally:
        server.stop()

    (mine / "a.nt").write_text('<urn:s> <urn:p> "a2" .\n', encoding="utf-8")
    updated = lexgraph(tmp_path, "load", "--store", store)  # again from the manifest: the graph is kept
    assert updated.returncode == 0 and "reloaded 1 graphs" in updated.stderr, updated.stderr
    assert _store_objects(store, "http://example.org/mine") == {"a2", "c1"}  # c.ttl, unchanged, loaded again with it

    back = lexgraph(tmp_path, "load", mine, "--store", store)  # named again without --graph: a graph per file
    assert back.returncode == 0, back.stderr
    assert _store_objects(store, "http://example.org/mine") == set()
    assert _store_objects(store, "https://w3id.org/lexgraph/graph/mine/a") == {"a2"}
    assert "graph" not in json.loads(manifest_path(store).read_text())


@pytest.mark.parametrize(("args", "message"), [
    (["--graph", "http://example.org/g"], "--graph IRI puts the triples of the files you name into one graph"),
    (["MINE", "--graph", "not an iri"], "--graph 'not an iri': not an absolute IRI"),
    (["MINE", "--graph", "https://w3id.org/lexgraph/graph/ontology/lexgraph"], "that is the graph of the ontology's lexgraph.ttl"),
])
def test_load_graph_is_refused_where_it_makes_no_sense(tmp_path: Path, mine: Path, args: list[str], message: str) -> None:
    refused = lexgraph(tmp_path, "load", *[mine if a == "MINE" else a for a in args], "--store", tmp_path / "s")
    assert refused.returncode == 2, refused.stderr
    assert message in refused.stderr and len(refused.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "s").exists()


def test_load_graph_to_a_remote_server(tmp_path: Path, mine: Path) -> None:
    from service.servers import start_oxigraph

    (mine / "c.ttl").write_text('<urn:s> <urn:p> "c1" .\n', encoding="utf-8")  # two Turtle files, one graph
    (mine / "d.ttl").write_text('<urn:s> <urn:p> "d1" .\n', encoding="utf-8")
    oxigraph = start_oxigraph(tmp_path)
    try:
        for _ in range(2):  # twice: no duplicates
            pushed = lexgraph(tmp_path, "load", mine, "--to", oxigraph.url + "/store", "--graph", "urn:g:mine")
            assert pushed.returncode == 0, pushed.stderr
        query = "SELECT ?g ?o WHERE { GRAPH ?g { <urn:s> <urn:p> ?o } }"
        rows = httpx.get(oxigraph.url + "/query", params={"query": query}, headers={"Accept": "application/sparql-results+json"},
                         trust_env=False, timeout=30).json()["results"]["bindings"]
        got = sorted((r["g"]["value"], r["o"]["value"]) for r in rows)
        assert got == sorted([("urn:g:mine", "a1"), ("urn:g:mine", "c1"), ("urn:g:mine", "d1"), ("urn:g:b", "b1")])
    finally:
        oxigraph.stop()


def test_load_to_names_a_syntax_error_before_sending_anything(tmp_path: Path, mine: Path) -> None:
    (mine / "a.nt").write_text('<urn:s> <urn:p> "a1" .\n<urn:s> <urn:p> .\n', encoding="utf-8")
    result = lexgraph(tmp_path, "load", mine, "--to", "http://127.0.0.1:9/store")
    assert result.returncode == 2, result.stderr
    assert "a.nt:2" in result.stderr and "Traceback" not in result.stderr, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr


def _on_a_terminal(tmp: Path, *args: str | Path) -> tuple[int, str]:
    """Run lexgraph with its stderr on a pseudo-terminal (as a person at a terminal sees it);
    exit code and what the terminal received."""
    import pty

    leader, follower = pty.openpty()
    process = subprocess.Popen([sys.executable, "-m", "lexgraph", *map(str, args)], stdout=subprocess.DEVNULL,
                               stderr=follower, cwd=REPO, env=_env(tmp, COLUMNS="100", TERM="xterm"))
    os.close(follower)
    received = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the child closed its end
            break
        if not chunk:
            break
        received += chunk
    os.close(leader)
    return process.wait(timeout=120), received.decode(errors="replace")


def test_load_shows_a_progress_bar_on_a_terminal_and_none_when_piped(tmp_path: Path, mine: Path) -> None:
    code, terminal = _on_a_terminal(tmp_path, "load", mine, "--store", tmp_path / "store")
    assert code == 0, terminal
    assert "loading" in terminal and "━" in terminal  # rich's bar, drawn while the files load
    piped = lexgraph(tmp_path, "load", mine, "--store", tmp_path / "store2")
    assert piped.returncode == 0 and "━" not in piped.stderr and "loading" not in piped.stderr
