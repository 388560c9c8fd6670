"""The ``lexgraph`` command. Each command is a thin shell over a package function."""

from __future__ import annotations

import sys
from contextlib import contextmanager
from enum import Enum
from pathlib import Path
from typing import Iterator, List, Optional

import typer
from rich.console import Console

from .config import load_settings
from .errors import ConfigError, LexgraphError, UsageError, UserError
from .findings import Level
from .load import load_graph
from .oxistore import store_of
from .reports import render, stats_json, stats_text
from .stats import graph_stats
from .validate import validate as run_validation

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
    with user_errors():
        if fmt is OutputFormat.junit:
            raise UsageError("stats has no JUnit format; use text or json")
        settings = load_settings()
        store = store_of(load_graph([settings.ontology_dir]), load_graph([settings.data_dir]))
        result = graph_stats(store)
        sys.stdout.write(stats_json(result) if fmt is OutputFormat.json else stats_text(result))
    raise typer.Exit(EXIT_OK if result.facts_without_quote == 0 else EXIT_VIOLATIONS)


@contextmanager
def _nothing() -> Iterator[None]:
    yield


def main() -> None:
    """Console-script entry point."""
    app()
