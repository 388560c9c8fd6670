"""Shared fixtures: settings for this checkout, and the repository's graphs parsed once."""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path
from types import ModuleType

import pytest
from rdflib import Graph

from lexgraph.config import Settings, load_settings
from lexgraph.load import load_graph

REPO = Path(__file__).resolve().parents[1]


def _settings() -> Settings:
    env = {"LEXGRAPH_ROOT": str(REPO)}
    if os.environ.get("LEXGRAPH_SEEDS_DIR"):
        env["LEXGRAPH_SEEDS_DIR"] = os.environ["LEXGRAPH_SEEDS_DIR"]
    return load_settings(env)


def pytest_report_header() -> str:
    """Say where the quote checks look for the source documents, and why there."""
    seeds = _settings().seeds_dir
    origin = "LEXGRAPH_SEEDS_DIR" if os.environ.get("LEXGRAPH_SEEDS_DIR") else "beside the checkout; LEXGRAPH_SEEDS_DIR unset"
    found = "found" if seeds.is_dir() else "MISSING: the quote checks will fail"
    return f"source documents: {seeds} ({origin}; {found})"


@pytest.fixture(scope="session")
def settings() -> Settings:
    """This checkout's settings; the source documents where LEXGRAPH_SEEDS_DIR says, else
    beside the checkout (``../shared/seeds``)."""
    return _settings()


@pytest.fixture(scope="session")
def seeds_dir(settings: Settings) -> Path:
    """The folder of the five source documents; without it the quote checks fail in one line."""
    if not settings.seeds_dir.is_dir():
        pytest.fail(f"the source documents are not in {settings.seeds_dir}: set LEXGRAPH_SEEDS_DIR to their folder "
                    "(shared/seeds beside this checkout)", pytrace=False)
    return settings.seeds_dir


@pytest.fixture(scope="session")
def data_graph(settings: Settings) -> Graph:
    return load_graph([settings.data_dir])


@pytest.fixture(scope="session")
def ontology_graph(settings: Settings) -> Graph:
    return load_graph([settings.ontology_dir])


@pytest.fixture(scope="session")
def bench_generator() -> ModuleType:
    """bench/generate.py (the benchmarks' synthetic data), imported from its file: bench/ is
    not a package."""
    spec = importlib.util.spec_from_file_location("bench_generate", REPO / "bench" / "generate.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module
