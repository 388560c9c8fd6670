"""The ``lexgraph`` command. Each command is a thin shell over a package function."""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from contextlib import contextmanager
from enum import Enum
from pathlib import Path
from typing import Iterator, List, Optional

import typer
from rich.console import Console
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeElapsedColumn

from .config import load_settings
from .errors import ConfigError, LexgraphError, UsageError, UserError
from .store.embedded import build_store, source_files

# Validation and statistics import rdflib and pyshacl; the commands that need them import
# them when they run, so that `lexgraph serve` starts without them.

app = typer.Typer(
    help="lexgraph: a knowledge graph of treaties, laws and institutions, and the tools to check and query it.",
    no_args_is_help=True,
    add_completion=False,
)
err = Console(stderr=True)

EXIT_OK, EXIT_VIOLATIONS, EXIT_USAGE = 0, 1, 2


@app.callback()
def _root() -> None:
    """lexgraph: a knowledge graph of treaties, laws and institutions, and the tools to check and query it."""


class OutputFormat(str, Enum):
    text = "text"
    json = "json"
    junit = "junit"


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
        err.print(f"[bold red]error:[/] {exc}", highlight=False, soft_wrap=True)
        raise typer.Exit(EXIT_USAGE) from None
    except LexgraphError as exc:  # a bug of ours, reported without a traceback wall
        err.print(f"[bold red]internal error:[/] {exc}", highlight=False, soft_wrap=True)
        raise typer.Exit(3) from None


@app.command()
def validate(
    paths: Optional[List[Path]] = typer.Argument(
        None, help="Turtle files or folders to check. Default: the repository's data/ (the ontology is always read with it)."
    ),
    shapes: Optional[List[Path]] = typer.Option(
        None, "--shapes", help="Shapes files or folders to use instead of ours (repeatable)."
    ),
    inference: bool = typer.Option(True, "--inference/--no-inference", help="RDFS inference with the ontology."),
    quality: bool = typer.Option(True, "--quality/--no-quality", help="Run the quality queries as well."),
    fmt: OutputFormat = typer.Option(OutputFormat.text, "--format", "-f", help="Report format."),
    fail_on: FailOn = typer.Option(FailOn.ERROR, "--fail-on", help="Lowest level that makes the run fail."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write the report to this file."),
) -> None:
    """Check data against the SHACL shapes and quality checks.

    Exit codes: 0 conforms, 1 findings at or above --fail-on, 2 usage or syntax error.
    """
    from .findings import Level
    from .reports import render
    from .validate import validate as run_validation

    with user_errors():
        settings = load_settings()
        with err.status("validating…", spinner="dots") if err.is_terminal else _nothing():
            report = run_validation(settings, paths or None, shapes_paths=shapes or None,
                                    inference=inference, quality=quality)
        level = Level[fail_on.value]
        text = render(report, fmt.value, level)
        if output:
            output.write_text(text, encoding="utf-8")
        else:
            sys.stdout.write(text)
    raise typer.Exit(EXIT_OK if report.conforms(level) else EXIT_VIOLATIONS)


@app.command()
def stats(
    fmt: OutputFormat = typer.Option(OutputFormat.text, "--format", "-f", help="text or json."),
) -> None:
    """Report the graph's size: triples, entities by class, facts by source, disagreements,
    and facts without a quote (which must be zero)."""
    from .load import load_graph
    from .oxistore import store_of
    from .reports import stats_json, stats_text
    from .stats import graph_stats

    with user_errors():
        if fmt is OutputFormat.junit:
            raise UsageError("stats has no JUnit format; use text or json")
        settings = load_settings()
        store = store_of(load_graph([settings.ontology_dir]), load_graph([settings.data_dir]))
        result = graph_stats(store)
        sys.stdout.write(stats_json(result) if fmt is OutputFormat.json else stats_text(result))
    raise typer.Exit(EXIT_OK if result.facts_without_quote == 0 else EXIT_VIOLATIONS)


@app.command()
def serve(
    host: Optional[str] = typer.Option(None, help="Address to bind (LEXGRAPH_HOST, default 127.0.0.1)."),
    port: Optional[int] = typer.Option(None, help="Port (LEXGRAPH_PORT, default 8000)."),
    workers: Optional[int] = typer.Option(None, help="Worker processes (LEXGRAPH_WORKERS, default 1)."),
    access_log: bool = typer.Option(True, "--access-log/--no-access-log", help="Log every request."),
) -> None:
    """Serve the graph over SPARQL 1.1 (and the query editor) from an embedded store, or from
    the remote SPARQL server that LEXGRAPH_STORE=remote names."""
    from .executor import start_fork_server

    start_fork_server()
    import uvicorn

    overrides = {"LEXGRAPH_HOST": host, "LEXGRAPH_PORT": port, "LEXGRAPH_WORKERS": workers}
    for name, value in overrides.items():
        if value is not None:
            os.environ[name] = str(value)
    with user_errors():
        settings = load_settings()
        cleanup: Path | None = None
        if settings.store == "embedded" and (settings.store_dir is None or not settings.store_dir.exists()):
            base = settings.store_dir.parent if settings.store_dir else Path(tempfile.mkdtemp(prefix="lexgraph-"))
            cleanup = None if settings.store_dir else base
            store_dir = settings.store_dir or base / "store"
            files = source_files([settings.ontology_dir, settings.data_dir], settings.root)
            with Progress(TextColumn("loading"), BarColumn(), DownloadColumn(), TimeElapsedColumn(),
                          console=err, transient=True, disable=not err.is_terminal) as progress:
                task = progress.add_task("load", total=sum(f.path.stat().st_size for f in files))
                counts = build_store(store_dir, files, lambda done, total: progress.update(task, completed=done))
            err.print(f"loaded {sum(counts.values())} triples in {len(counts)} graphs", highlight=False)
            os.environ["LEXGRAPH_STORE_DIR"] = str(store_dir)
    try:
        uvicorn.run(
            "lexgraph.api.app:app_from_env", factory=True, host=settings.host, port=settings.port,
            workers=settings.workers, access_log=access_log, log_level="info", timeout_graceful_shutdown=5,
        )
    finally:
        if cleanup is not None:
            shutil.rmtree(cleanup, ignore_errors=True)


@app.command()
def load(
    to: str = typer.Option(..., "--to", help="Graph Store Protocol endpoint of the SPARQL server, e.g. http://127.0.0.1:7878/store"),
) -> None:
    """Push ontology/ and data/ into a remote SPARQL server, one named graph per file (HTTP PUT,
    so loading twice leaves no duplicates)."""
    from .store.remote import push_files

    with user_errors():
        if not to.startswith(("http://", "https://")):
            raise UsageError(f"--to {to!r}: expected an http:// or https:// URL")
        settings = load_settings()
        files = source_files([settings.ontology_dir, settings.data_dir], settings.root)
        sent = push_files(to, files)
        err.print(f"loaded {len(sent)} graphs ({sum(sent.values())} bytes of Turtle) into {to}", highlight=False)


@contextmanager
def _nothing() -> Iterator[None]:
    yield


def main() -> None:
    """Console-script entry point."""
    app()
