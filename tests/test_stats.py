"""`lexgraph stats` reports the graph's size, and no fact lacks a quote."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
ID = "https://w3id.org/lexgraph/id/"
LG = "https://w3id.org/lexgraph/def/"


def test_stats_json() -> None:
    result = subprocess.run([sys.executable, "-m", "lexgraph", "stats", "--format", "json"], cwd=REPO,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    stats = json.loads(result.stdout)
    assert stats["facts_without_quote"] == 0
    assert stats["triples"] > stats["data_triples"] > 5000
    assert set(stats["facts_by_source"]) == {ID + s for s in (
        "source/zhunisbekova-1999", "source/cable-almaty-000753", "source/wipo-treaties-article",
        "source/ai-enforcement-article", "source/wto-checklist-kaz")}
    assert all(n > 0 for n in stats["facts_by_source"].values())
    assert stats["facts"] >= max(stats["facts_by_source"].values())
    assert stats["disagreements"] >= 20
    for cls in ("TreatyAction", "Provision", "EnforcementObservation", "LegalActEvent", "Disagreement"):
        assert stats["entities_by_class"][LG + cls] > 0


def test_stats_text_lists_sources_and_classes() -> None:
    result = subprocess.run([sys.executable, "-m", "lexgraph", "stats"], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0
    assert "facts without a quote:     0" in result.stdout
    assert "<source/wto-checklist-kaz>" in result.stdout and "lg:TreatyAction" in result.stdout
