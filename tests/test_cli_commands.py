"""The CLI as people run it: real processes, their output, their exit codes and their --help."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def lexgraph(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "lexgraph", *args], capture_output=True, text=True, cwd=REPO,
                          timeout=180)


def test_validate_counts_info_findings_and_lists_them_only_when_verbose() -> None:
    doc = json.loads(lexgraph("validate", "--format", "json").stdout)
    info = sum(f["level"] == "INFO" for f in doc["findings"])  # JSON keeps every finding
    assert info > 0, "the data has undated events: INFO findings"
    short = lexgraph("validate")
    assert short.returncode == 0, short.stdout[-2000:]
    lines = short.stdout.strip().splitlines()
    assert len(lines) == 1, short.stdout[:2000]
    assert f"0 errors, 0 warnings, {info} info; conforms (failing on ERROR); --verbose lists the info" in lines[0]
    verbose = lexgraph("validate", "--verbose")
    assert verbose.returncode == 0 and verbose.stdout.count("  INFO  ") == info
    assert "--verbose lists" not in verbose.stdout


def test_stats_offers_only_its_own_formats() -> None:
    help_text = lexgraph("stats", "--help").stdout
    assert "text|json" in help_text and "junit" not in help_text
    refused = lexgraph("stats", "--format", "junit")
    assert refused.returncode == 2 and "Traceback" not in refused.stderr


@pytest.mark.parametrize(("given", "day", "note"), [("2005", "2005-12-31", "the last day of that year"),
                                                    ("2004-02", "2004-02-29", "the last day of that month"),
                                                    ("2005-06-30", "2005-06-30", None)])
def test_in_force_takes_a_year_or_month_as_its_last_day(given: str, day: str, note: str | None) -> None:
    result = lexgraph("in-force", "--party", "kazakhstan", "--date", given, "--format", "json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["date"] == day
    assert (note in result.stderr) if note else result.stderr == ""


@pytest.mark.parametrize("bad", ["2005-13", "05", "2005-02-30", "last year"])
def test_in_force_refuses_what_its_message_does_not_offer(bad: str) -> None:
    result = lexgraph("in-force", "--party", "kazakhstan", "--date", bad)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "YYYY" in result.stderr


def test_piped_timeline_shows_quotes_and_sources_without_wrapping() -> None:
    result = lexgraph("timeline", "kazakhstan")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Journal article on WIPO treaties" in out
    assert "“According to WIPO database the date of entry into force was given as 25 December 1991.”" in out
    assert "1991-12-25 (day)  entry into force for the party: Convention Establishing the World Intellectual " \
           "Property Organization [treaty action]" in out
    assert max(len(line) for line in out.splitlines()) > 120, "piped output is not cut at 80 columns"
    assert not any(set(line) & set("┃│━") for line in out.splitlines()), "piped output is lines, not a table"


@pytest.mark.parametrize("command", ["validate", "stats", "timeline", "in-force", "load", "serve"])
def test_every_command_documents_its_exit_codes(command: str) -> None:
    result = lexgraph(command, "--help")
    assert result.returncode == 0 and "Exit codes" in result.stdout, result.stdout


def test_the_readme_documents_the_exit_codes() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Commands"):readme.index("## The SPARQL endpoint")]
    for code in ("**0**", "**1**", "**2**", "**4**"):
        assert code in section
