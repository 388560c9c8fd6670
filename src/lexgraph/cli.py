"""The ``lexgraph`` command. Each command is a thin shell over a package function."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import signal
import socket
import sys
import tempfile
from contextlib import contextmanager
from dataclasses import replace
from enum import Enum
from pathlib import Path
from typing import Any, Awaitable, Callable, Iterator, List, Optional, Sequence, TypeVar

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from .config import Settings, load_settings
from .errors import ConfigError, LexgraphError, StoreUnavailable, UsageError, UserError
from .store.base import GraphStore
from .store.embedded import EmbeddedStore, SourceFile, build_store, source_files
from .store.manifest import SyncResult
from .timeline import InForce, InForceItem, Timeline, as_json, in_force, parse_date, timeline

# Validation and statistics import rdflib and pyshacl; the commands that need them import
# them when they run, so that `lexgraph serve` starts without them.

app = typer.Typer(
    help="lexgraph: a knowledge graph of treaties, laws and institutions, and the tools to check and query it.",
    no_args_is_help=True,
    add_completion=False,
)
err = Console(stderr=True)

EXIT_OK, EXIT_VIOLATIONS, EXIT_USAGE, EXIT_UNAVAILABLE = 0, 1, 2, 4


@app.callback()
def _root() -> None:
    """lexgraph: a knowledge graph of treaties, laws and institutions, and the tools to check and query it."""


class OutputFormat(str, Enum):
    text = "text"
    json = "json"
    junit = "junit"


class ShaclEngine(str, Enum):
    sparql = "sparql"
    pyshacl = "pyshacl"


class DataFormat(str, Enum):
    """Formats of the commands that report data (stats, timeline, in-force): no JUnit."""

    text = "text"
    json = "json"


class FailOn(str, Enum):
    ERROR = "ERROR"
    WARN = "WARN"
    INFO = "INFO"


@contextmanager
def user_errors() -> Iterator[None]:
    """Turn lexgraph's own errors into a one-line message and exit code 2."""
    try:
        yield
    except (UserError, ConfigError) as exc:
        _print_error("error", exc)
        raise typer.Exit(EXIT_USAGE) from None
    except StoreUnavailable as exc:  # the store or its executors cannot be reached: not a bug
        _print_error("error", exc)
        raise typer.Exit(EXIT_UNAVAILABLE) from None
    except LexgraphError as exc:  # a bug of ours, reported without a traceback wall
        _print_error("internal error", exc)
        raise typer.Exit(3) from None


def _print_error(label: str, exc: Exception) -> None:
    """One line, the message as plain text: a file:line:column such as ``x.ttl:100:79`` must
    not turn into rich markup or an emoji."""
    err.print(f"[bold red]{label}:[/] {escape(str(exc))}", highlight=False, soft_wrap=True, emoji=False)


@app.command()
def validate(
    paths: Optional[List[Path]] = typer.Argument(
        None, help="RDF files or folders to check. Default: the repository's data/ (the ontology is always read with it)."
    ),
    context: bool = typer.Option(
        True, "--context/--no-context", help="Check the PATHS with the data folder's other files (LEXGRAPH_DATA_DIR) "
        "and report only their own nodes' findings; --no-context checks them alone."),
    shapes: Optional[List[Path]] = typer.Option(
        None, "--shapes", help="Shapes files or folders to use instead of ours (repeatable)."
    ),
    inference: bool = typer.Option(True, "--inference/--no-inference", help="RDFS inference with the ontology."),
    quality: bool = typer.Option(True, "--quality/--no-quality", help="Run the quality queries as well."),
    engine: ShaclEngine = typer.Option(ShaclEngine.sparql, "--engine", help="sparql: the shapes compiled to SPARQL "
                                       "on pyoxigraph (fast); pyshacl: pyshacl for every shape (the reference)."),
    fmt: OutputFormat = typer.Option(OutputFormat.text, "--format", "-f", help="Report format."),
    fail_on: FailOn = typer.Option(FailOn.ERROR, "--fail-on", help="Lowest level that makes the run fail."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write the report to this file."),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="List INFO findings in the text report too "
                                 "(otherwise counted in the summary)."),
) -> None:
    """Check data against the SHACL shapes and quality checks.

    Files named are checked in the context of the data folder: the ontology and the folder's
    other files are read with them and the union is validated, but only findings about the
    nodes the named files define (as focus or as value) are reported, so one changed file
    can be checked as a pre-commit hook does. A file inside the data folder is checked as its
    new version; one outside stands in for the data file of the same name, if any; a shapes
    file checks everything. LEXGRAPH_VALIDATE_CACHE (a folder) keeps the parsed context
    between runs.

    Exit codes: 0 conforms, 1 findings at or above --fail-on, 2 usage or syntax error (the
    message names the file and line). The text report lists ERROR and WARN findings by node
    and counts INFO ones (--verbose lists them); JSON and JUnit always hold every finding.
    """
    from .findings import Level
    from .reports import render
    from .validate import validate as run_validation

    with user_errors():
        settings = load_settings()
        with err.status("validating…", spinner="dots") if err.is_terminal else _nothing():
            report = run_validation(settings, paths or None, shapes_paths=shapes or None,
                                    inference=inference, quality=quality, context=context, engine=engine.value)
        level = Level[fail_on.value]
        text = render(report, fmt.value, level, verbose=verbose)
        if output:
            output.write_text(text, encoding="utf-8")
        else:
            sys.stdout.write(text)
    raise typer.Exit(EXIT_OK if report.conforms(level) else EXIT_VIOLATIONS)


@app.command()
def stats(
    fmt: DataFormat = typer.Option(DataFormat.text, "--format", "-f", help="text or json."),
) -> None:
    """Report the graph's size: triples, entities by class, facts by source, disagreements,
    and facts without a quote (which must be zero).

    Exit codes: 0 ok, 1 facts without a quote, 2 usage or input error.
    """
    from .load import load_graph
    from .oxistore import store_of
    from .reports import stats_json, stats_text
    from .stats import graph_stats

    with user_errors():
        settings = load_settings()
        store = store_of(load_graph([settings.ontology_dir]), load_graph([settings.data_dir]))
        result = graph_stats(store)
        sys.stdout.write(stats_json(result) if fmt is DataFormat.json else stats_text(result))
    raise typer.Exit(EXIT_OK if result.facts_without_quote == 0 else EXIT_VIOLATIONS)


@app.command()
def serve(
    data: Optional[List[Path]] = typer.Option(
        None, "--data", help="RDF files or folders to serve (repeatable). Default: LEXGRAPH_DATA_DIR, or the sources of "
        "the store LEXGRAPH_STORE_DIR names. The ontology is always served with them."),
    host: Optional[str] = typer.Option(None, help="Address to bind (LEXGRAPH_HOST, default 127.0.0.1)."),
    port: Optional[int] = typer.Option(None, help="Port (LEXGRAPH_PORT, default 8000)."),
    workers: Optional[int] = typer.Option(None, help="Worker processes (LEXGRAPH_WORKERS, default 1)."),
    access_log: bool = typer.Option(True, "--access-log/--no-access-log", help="Log every request."),
) -> None:
    """Serve the graph over SPARQL 1.1 (and the query editor) from an embedded store, or from
    the remote SPARQL server that LEXGRAPH_STORE=remote names.

    With LEXGRAPH_STORE_DIR naming a store built before (by `serve` or `load --store`), the
    store is reused when its sources are unchanged, and only the graphs of changed files are
    loaded again otherwise. Without it, the store is built in a temporary folder that is
    removed when the server stops (Ctrl+C, SIGTERM or SIGHUP).

    Exit codes: 0 stopped, 2 usage or input error (a bad setting, a port in use, a syntax
    error in the data), 4 the remote store does not answer.
    """
    from .executor import start_fork_server

    _exit_on_signals()
    start_fork_server()
    import uvicorn

    overrides = {"LEXGRAPH_HOST": host, "LEXGRAPH_PORT": port, "LEXGRAPH_WORKERS": workers}
    for name, value in overrides.items():
        if value is not None:
            os.environ[name] = str(value)
    cleanup: Path | None = None
    try:
        with user_errors():
            settings = load_settings()
            _check_port(settings)
            if settings.store == "embedded":
                if settings.store_dir is None:
                    cleanup = Path(tempfile.mkdtemp(prefix="lexgraph-"))
                store_dir = settings.store_dir or cleanup / "store"  # type: ignore[operator]
                _prepare_store(settings, store_dir, data)
                os.environ["LEXGRAPH_STORE_DIR"] = str(store_dir)
            elif data:
                raise UsageError("--data serves files from an embedded store; LEXGRAPH_STORE=remote serves what the "
                                 "remote server holds (load it with lexgraph load --to)")
            _check_before_serving(settings)
        from .api.http_protocol import PROTOCOL

        config = dict(app="lexgraph.api.app:app_from_env", factory=True, host=settings.host, port=settings.port,
                      access_log=access_log, log_level="info", timeout_graceful_shutdown=5, http=PROTOCOL,
                      server_header=False)
        if settings.workers == 1:
            uvicorn.run(**config)  # type: ignore[arg-type]
        else:
            from .api.workers import Workers

            with user_errors():
                Workers(uvicorn.Config(workers=settings.workers, **config), settings.workers).run()  # type: ignore[arg-type]
    finally:
        if cleanup is not None:
            shutil.rmtree(cleanup, ignore_errors=True)


def _exit_on_signals() -> None:
    """SIGTERM and SIGHUP end the program as Ctrl+C does, through every ``finally``, so a
    temporary store is removed. (uvicorn handles them while it serves, then raises the signal
    again once it has stopped: this handler turns that into a normal exit.)"""
    def leave(signum: int, frame: object) -> None:
        raise SystemExit(128 + signum)

    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, leave)


def _sources(settings: Settings, store_dir: Path, paths: Sequence[Path] | None,
             graph: str | None = None) -> tuple[list[Path], str | None]:
    """What a store holds, and the one graph its data's triples go to (None: each file's own):
    the ontology, and ``paths`` if given (with ``graph``); else LEXGRAPH_DATA_DIR if it is set;
    else the sources in the store's manifest, with the graph it records; else the data folder."""
    from .store.manifest import Manifest

    if not paths and "LEXGRAPH_DATA_DIR" not in os.environ and store_dir.exists():
        manifest = Manifest.read(store_dir)
        if manifest is not None and manifest.sources:
            return [Path(p) for p in manifest.sources], manifest.graph
    chosen = list(paths) if paths else [settings.data_dir]
    return [settings.ontology_dir, *(p for p in chosen if p.resolve() != settings.ontology_dir.resolve())], graph


def _source_files(settings: Settings, sources: Sequence[Path], graph: str | None) -> list[SourceFile]:
    """The files of ``sources`` with their graphs: the ontology's own, and ``graph`` for the
    triples of every other file when it is given."""
    if graph is None:
        return source_files(sources, settings.root)
    ontology = [s for s in sources if s.resolve() == settings.ontology_dir.resolve()]
    files = source_files(ontology, settings.root)
    if graph in {f.graph for f in files}:
        raise UsageError(f"--graph {graph}: that is the graph of the ontology's {_name_of(files, graph)}; name another")
    return files + source_files([s for s in sources if s not in ontology], settings.root, graph)


def _name_of(files: Sequence[SourceFile], graph: str) -> str:
    return next(f.path.name for f in files if f.graph == graph)


def _graph_option(graph: str | None, paths: Sequence[Path] | None) -> str | None:
    """``--graph``: an absolute IRI, and only with files named (the default data folder keeps its
    graph per file, as the service and the tests expect)."""
    if graph is None:
        return None
    if not paths:
        raise UsageError("--graph IRI puts the triples of the files you name into one graph: name them "
                         "(lexgraph load PATH... --graph IRI)")
    import pyoxigraph as ox

    try:
        ox.NamedNode(graph)
    except ValueError as exc:
        raise UsageError(f"--graph {graph!r}: not an absolute IRI ({exc})") from None
    return graph


def _prepare_store(settings: Settings, store_dir: Path, paths: Sequence[Path] | None) -> None:
    """Build the embedded store at ``store_dir``, or bring the one there up to date with its
    sources (:func:`~lexgraph.store.manifest.sync_store`). A store without lexgraph's manifest
    (built by another tool) is served as it is, unless files to serve were named."""
    from .store.manifest import manifest_path

    if store_dir.is_dir() and any(store_dir.iterdir()) and not manifest_path(store_dir).exists() and not paths:
        err.print(f"serving store {store_dir} as it is: it has no manifest of its sources", highlight=False)
        return
    sources, graph = _sources(settings, store_dir, paths)
    try:
        result = _sync_showing_progress(settings, store_dir, _source_files(settings, sources, graph), sources, graph)
    except OSError as exc:
        raise ConfigError(f"LEXGRAPH_STORE_DIR={store_dir}: the store cannot be built there "
                          f"({exc.strerror or exc})") from None
    err.print(escape(result.describe(store_dir)), highlight=False, soft_wrap=True)


def _sync_showing_progress(settings: Settings, store_dir: Path, files: Sequence[SourceFile], sources: Sequence[Path],
                           graph: str | None) -> SyncResult:
    """:func:`~lexgraph.store.manifest.sync_store`, with a progress bar (bytes loaded) on a
    terminal; nothing when stderr is piped."""
    from .store.manifest import sync_store

    with Progress(TextColumn("loading"), BarColumn(), DownloadColumn(), TimeElapsedColumn(),
                  console=err, transient=True, disable=not err.is_terminal) as progress:
        task = progress.add_task("load", total=sum(f.path.stat().st_size for f in files))
        return sync_store(store_dir, files, sources, lambda done, total: progress.update(task, completed=done, total=total),
                          graph, settings.entailment)


def _check_port(settings: Settings) -> None:
    """A port in use (or an address not of this machine) fails in one line, before the store is built."""
    try:
        with socket.create_server((settings.host, settings.port)):
            pass
    except OSError as exc:
        reason = os.strerror(exc.errno) if exc.errno else str(exc)
        raise ConfigError(f"cannot listen on {settings.host} port {settings.port} ({reason}); "
                          "choose another with --port or LEXGRAPH_PORT") from None


def _check_before_serving(settings: Settings) -> None:
    """Fail now, in one line, on what would otherwise stop the server with a traceback
    once it starts: a remote store that does not answer, a kernel that cannot sandbox the
    query executors, a store folder that cannot be opened, a store too big for the executors'
    copies of it in memory (LEXGRAPH_EXECUTOR_STORE=memory)."""
    if settings.store == "remote":
        from .store.remote import remote_store

        async def ping() -> None:
            store = remote_store(settings)
            try:
                await store.ping(10.0)
            finally:
                await store.close()

        asyncio.run(ping())
        return
    store_dir = os.environ.get("LEXGRAPH_STORE_DIR") or str(settings.store_dir)
    if not os.access(store_dir, os.R_OK | os.X_OK):
        raise ConfigError(f"LEXGRAPH_STORE_DIR={store_dir}: the store folder cannot be read")
    if settings.sandbox == "required":
        from .sandbox import probe_sandbox

        report = replace(probe_sandbox(store_dir), memory_bytes=settings.executor_memory_bytes)
        err.print(escape(report.describe()), highlight=False, soft_wrap=True)
    if settings.executor_store == "memory":
        import pyoxigraph as ox

        from .store.memory_copy import check_fits

        check_fits(len(ox.Store.read_only(store_dir)), settings.executor_memory_bytes)


@app.command()
def load(
    paths: Optional[List[Path]] = typer.Argument(
        None, help="RDF files or folders. Default: the data folder. The ontology is always loaded with them."),
    to: Optional[str] = typer.Option(None, "--to", help="Graph Store Protocol endpoint of a SPARQL server to push "
                                     "into, e.g. http://127.0.0.1:7878/store"),
    store: Optional[Path] = typer.Option(None, "--store", help="Folder of an embedded store to build, or to bring up "
                                         "to date, for `LEXGRAPH_STORE_DIR=DIR lexgraph serve`."),
    graph: Optional[str] = typer.Option(None, "--graph", help="Put the triples of the PATHs into this named graph "
                                        "(an absolute IRI) instead of one graph per file; quads keep their graphs."),
) -> None:
    """Load the ontology and data into a remote SPARQL server (--to: one HTTP PUT per named
    graph, so loading twice leaves no duplicates) or into an embedded store kept in a folder
    (--store: built once, then only the graphs of changed files are loaded again; the store
    remembers --graph).

    Exit codes: 0 loaded, 2 usage or input error (a missing file, a syntax error, a store
    folder that cannot be written), 4 the SPARQL server does not answer.
    """
    with user_errors():
        if (to is None) == (store is None):
            raise UsageError("name where to load: --to URL (a remote SPARQL server) or --store DIR (an embedded store)")
        graph = _graph_option(graph, paths)
        settings = load_settings()
        if store is not None:
            store_dir = store.resolve()
            sources, graph = _sources(settings, store_dir, paths, graph)
            try:
                result = _sync_showing_progress(settings, store_dir, _source_files(settings, sources, graph), sources, graph)
            except OSError as exc:
                raise UsageError(f"--store {store}: the store cannot be built there ({exc.strerror or exc})") from None
            err.print(escape(result.describe(store_dir)), highlight=False, soft_wrap=True)
            return
        from .store.credentials import redact
        from .store.remote import push_files

        assert to is not None
        if not to.startswith(("http://", "https://")):
            raise UsageError(f"--to {redact(to)!r}: expected an http:// or https:// URL")
        chosen = list(paths) if paths else [settings.data_dir]
        files = _source_files(settings, [settings.ontology_dir, *chosen], graph)
        sent = push_files(to, files, entailment=settings.entailment, user=settings.remote_user,
                          password=settings.remote_password)
        err.print(f"loaded {len(sent)} graphs ({sum(sent.values())} bytes) into {redact(to)}", highlight=False)


# --- timelines and point-in-time questions (the same answers as GET /timeline, /in-force) ---

_T = TypeVar("_T")


def _on_temporary_store(work: Callable[[GraphStore], Awaitable[_T]]) -> _T:
    """Run ``work`` on an embedded store of this checkout's ontology and data (one executor),
    so the CLI answers exactly as the service would; the store is closed and removed after."""
    settings = load_settings()
    base = Path(tempfile.mkdtemp(prefix="lexgraph-"))
    try:
        build_store(base / "store", source_files([settings.ontology_dir, settings.data_dir], settings.root),
                    entailment=settings.entailment)
        return asyncio.run(_with_store(EmbeddedStore(base / "store", 1), work))
    finally:
        shutil.rmtree(base, ignore_errors=True)


async def _with_store(store: EmbeddedStore, work: Callable[[GraphStore], Awaitable[_T]]) -> _T:
    """Start the store's executor, run ``work``, and close the executor even on error."""
    await store.start()
    try:
        return await work(store)
    finally:
        await store.close()


def _print_json(data: dict[str, Any]) -> None:
    """JSON as the API sends it, indented for people."""
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")


@app.command("timeline")
def timeline_command(
    party: str = typer.Argument(..., help="The party: a name (any case), an id such as party/kazakhstan, or an IRI."),
    treaty: Optional[str] = typer.Option(None, "--treaty", help="Only events about this treaty: name, short name (WCT), id or IRI."),
    date_from: Optional[str] = typer.Option(None, "--from", help="Only events that can fall on or after this date: YYYY, YYYY-MM or YYYY-MM-DD."),
    date_to: Optional[str] = typer.Option(None, "--to", help="Only events that can fall on or before this date: YYYY, YYYY-MM or YYYY-MM-DD."),
    fmt: DataFormat = typer.Option(DataFormat.text, "--format", "-f", help="text (a table) or json."),
) -> None:
    """A party's dated events in date order, each with its source, its quote and the
    disagreements it is part of. On a terminal the table fits its width; piped, each event is
    a block of unwrapped lines.

    Exit codes: 0 ok, 2 usage or input error (an unknown party or treaty, a bad date).
    """
    with user_errors():
        for name, value in (("--from", date_from), ("--to", date_to)):
            if value is not None:
                parse_date(value, name)  # a bad date fails before the store is built
        result = _on_temporary_store(lambda store: timeline(store, party, treaty, date_from, date_to))
    if fmt is DataFormat.json:
        _print_json(as_json(result))
    else:
        _timeline_table(result)


@app.command("in-force")
def in_force_command(
    party: str = typer.Option(..., "--party", help="The party: a name (any case), an id such as party/kazakhstan, or an IRI."),
    day: str = typer.Option(..., "--date", help="The day, as YYYY-MM-DD; YYYY or YYYY-MM mean the last day of "
                            "that year or month (what was in force by its end)."),
    fmt: DataFormat = typer.Option(DataFormat.text, "--format", "-f", help="text (tables) or json."),
) -> None:
    """The treaties, laws and articles binding a party on a day: "in force" or "unknown", with the reason.

    Exit codes: 0 ok, 2 usage or input error (an unknown party, a bad date).
    """
    with user_errors():
        when = parse_date(day, "--date")
        if when.precision != "day":
            err.print(f"--date {escape(day)}: read as {when.latest.isoformat()}, the last day of that "
                      f"{when.precision}", highlight=False)
        result = _on_temporary_store(lambda store: in_force(store, party, when.latest))
    if fmt is DataFormat.json:
        _print_json(as_json(result))
    else:
        _in_force_tables(result)


def _timeline_table(result: Timeline) -> None:
    """The events with their sources, quotes and disagreements: a table that fits a terminal's
    width, or (piped) a block of unwrapped lines per event, which grep and less read whole."""
    title = f"Timeline of {result.party.label}" + (f": {result.treaty.label}" if result.treaty else "")
    out = Console(highlight=False, emoji=False)
    if not out.is_terminal:
        _timeline_lines(result, title)
        return
    table = Table(title=escape(title), expand=True)
    table.add_column("date", no_wrap=True)
    table.add_column("event", ratio=2)
    table.add_column("source and quote", ratio=4)
    table.add_column("disagreements", ratio=1)
    for e in result.events:
        evidence = "\n".join(f"[bold]{escape(ev.source.label)}[/]: “{escape(ev.quote)}”" for ev in e.evidence)
        table.add_row(f"{e.date}\n[dim]{e.precision}[/]", f"{escape(e.label)}\n[dim]{escape(e.cls.label)}[/]",
                      evidence, "\n".join(escape(_disagreement(d)) for d in e.disagreements))
    out.print(table)
    if result.undated_left_out:
        out.print(_undated(result))


def _timeline_lines(result: Timeline, title: str) -> None:
    lines = [title, ""]
    for e in result.events:
        lines.append(f"{e.date} ({e.precision})  {e.label} [{e.cls.label}]")
        lines += [f"    {ev.source.label}: “{ev.quote}”" for ev in e.evidence]
        lines += [f"    {_disagreement(d)}" for d in e.disagreements]
    if result.undated_left_out:
        lines += ["", _undated(result)]
    sys.stdout.write("\n".join(lines) + "\n")


def _disagreement(d: Any) -> str:
    return f"{d.kind.label if d.kind else 'disagreement'}: {d.iri.rsplit('/', 1)[-1]}"


def _undated(result: Timeline) -> str:
    return (f"{len(result.undated_left_out)} undated claims left out, e.g. "
            + "; ".join(r.label for r in result.undated_left_out[:3]))


def _in_force_tables(result: InForce) -> None:
    """Treaties, acts and articles, each with its status and (for treaties and acts) the reason."""
    out = Console()
    for title, items in (("Treaties", result.treaties), ("Laws and other acts", result.acts)):
        table = Table("status", "subject", "reason", "sources", title=escape(f"{title}: {result.party.label} on {result.date}"))
        for item in items:
            table.add_row(_status(item), escape(item.subject.label), escape(item.reason),
                          escape("\n".join(dict.fromkeys(e.source.label for e in item.evidence))))
        out.print(table)
    articles = Table("status", "article", "act", title=escape(f"Articles: {result.party.label} on {result.date}"))
    for item in result.articles:
        articles.add_row(_status(item), escape(item.subject.label), escape(item.part_of.label if item.part_of else ""))
    out.print(articles)


def _status(item: InForceItem) -> str:
    """Colour the status so "unknown" never reads like "in force"."""
    return "[green]in force[/]" if item.status == "in force" else "[yellow]unknown[/]"


@contextmanager
def _nothing() -> Iterator[None]:
    yield


def main() -> None:
    """Console-script entry point."""
    app()
