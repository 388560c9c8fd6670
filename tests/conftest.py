"""Shared fixtures: settings for this checkout, and the repository's graphs parsed once."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph

from lexgraph.config import Settings, load_settings
from lexgraph.load import load_graph

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def settings() -> Settings:
    return load_settings({"LEXGRAPH_ROOT": str(REPO)})


@pytest.fixture(scope="session")
def data_graph(settings: Settings) -> Graph:
    return load_graph([settings.data_dir])


@pytest.fixture(scope="session")
def ontology_graph(settings: Settings) -> Graph:
    return load_graph([settings.ontology_dir])
