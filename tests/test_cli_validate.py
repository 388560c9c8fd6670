"""`lexgraph validate` as CI pipelines run it: a real process, its exit code and its reports."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

FIXTURES = Path(__file__).parent / "fixtures" / "cli"
REPO = Path(__file__).resolve().parents[1]


def run(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "lexgraph", "validate", *map(str, args)],
        capture_output=True, text=True, cwd=REPO, timeout=120,
    )


def test_repository_data_conforms() -> None:
    result = run()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "conforms" in result.stdout and "does not conform" not in result.stdout


def test_users_own_valid_file_conforms() -> None:
    result = run(FIXTURES / "valid.ttl")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("1 files,")


def test_violations_exit_1_grouped_by_focus_with_message_path_and_value() -> None:
    result = run(FIXTURES / "violations.ttl")
    assert result.returncode == 1
    out = result.stdout
    focus = "https://w3id.org/lexgraph/id/treaty-action/examplestan-accession"
    assert out.count(focus + "\n") == 1, "findings are grouped under their focus node once"
    assert "path lg:party" in out and "A treaty action is taken by exactly one party" in out
    assert "value 'May 2001'" in out and "path lg:date" in out


def test_syntax_error_exits_2_and_names_file_and_line() -> None:
    result = run(FIXTURES / "syntax-error.ttl")
    assert result.returncode == 2
    assert "syntax-error.ttl:23" in result.stderr
    assert result.stdout == ""


def test_missing_path_and_bad_option_exit_2() -> None:
    assert run("no/such/file.ttl").returncode == 2
    assert run("--format", "yaml").returncode == 2


def test_json_report_lists_findings() -> None:
    result = run("--format", "json", FIXTURES / "violations.ttl")
    assert result.returncode == 1
    doc = json.loads(result.stdout)
    assert doc["conforms"] is False and doc["counts"]["ERROR"] == 2
    assert {f["path"] for f in doc["findings"]} == {"lg:party", "lg:date"}
    assert all(f["level"] == "ERROR" and f["message"] for f in doc["findings"])


def test_junit_report_is_well_formed_with_one_failed_case_per_violation(tmp_path: Path) -> None:
    out = tmp_path / "report.xml"
    result = run("--format", "junit", "--output", out, FIXTURES / "violations.ttl")
    assert result.returncode == 1
    root = ET.parse(out).getroot()
    assert root.tag == "testsuites"
    suites = root.findall("testsuite")
    assert len(suites) == 1
    cases = suites[0].findall("testcase")
    failed = [c for c in cases if c.find("failure") is not None]
    assert len(failed) == 2 == int(suites[0].get("failures", "-1")) == int(root.get("failures", "-1"))
    assert int(suites[0].get("tests", "-1")) == len(cases) > len(failed), "passing checks are listed too"
    for case in cases:
        assert case.get("classname") and case.get("name")
    for case in failed:
        failure = case.find("failure")
        assert failure is not None and failure.get("message") and failure.get("type") == "ERROR"


def test_junit_of_conforming_data_has_no_failures() -> None:
    result = run("--format", "junit", FIXTURES / "valid.ttl")
    assert result.returncode == 0
    root = ET.fromstring(result.stdout)
    assert root.get("failures") == "0" and int(root.get("tests", "0")) > 10


def test_inference_can_be_switched_off() -> None:
    # A lg:State is an org:Organization only through the ontology's subclass axioms, which
    # SHACL follows either way; switching inference off must still run and conform.
    result = run("--no-inference", FIXTURES / "valid.ttl")
    assert result.returncode == 0, result.stdout


def test_other_shapes_can_be_given(tmp_path: Path) -> None:
    shapes = tmp_path / "strict.ttl"
    shapes.write_text(
        """@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix lg: <https://w3id.org/lexgraph/def/> .
<urn:shape:needs-agent> a sh:NodeShape ; sh:targetClass lg:TreatyAction ;
    sh:property [ sh:path lg:agent ; sh:minCount 1 ; sh:severity sh:Warning ;
                  sh:message "Name the agent." ] .
""",
        encoding="utf-8",
    )
    lenient = run("--shapes", shapes, "--no-quality", FIXTURES / "valid.ttl")
    assert lenient.returncode == 0 and "1 warnings" in lenient.stdout
    strict = run("--shapes", shapes, "--no-quality", "--fail-on", "WARN", FIXTURES / "valid.ttl")
    assert strict.returncode == 1 and "Name the agent." in strict.stdout


@pytest.mark.parametrize("level", ["ERROR", "WARN", "INFO"])
def test_fail_on_levels_are_accepted(level: str) -> None:
    result = run("--fail-on", level, "--no-quality", FIXTURES / "valid.ttl")
    assert result.returncode == 0


def test_a_syntax_error_far_down_names_file_line_and_column_as_plain_text(tmp_path: Path) -> None:
    # "file:100:79" once printed as "file💯79" (rich read ":100:" as an emoji code); `serve`
    # builds its store with pyoxigraph, which gives the column too.
    bad = tmp_path / "treaties.ttl"
    bad.write_text("@prefix ex: <http://example.org/> .\n" + "ex:a ex:b ex:c .\n" * 98
                   + "ex:a ex:b " + " " * 60 + "ex:c ex:d ex:e ; ; ; ] .\n", encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "lexgraph", "serve", "--port", "1"], capture_output=True, text=True,
                            cwd=REPO, timeout=120, env={**os.environ, "LEXGRAPH_DATA_DIR": str(tmp_path)})
    assert result.returncode == 2, result.stdout + result.stderr
    assert "treaties.ttl:100:" in result.stderr and "\U0001F4AF" not in result.stderr, result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1, result.stderr
