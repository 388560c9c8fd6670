"""`lexgraph validate` as CI pipelines run it: a real process, its exit code and its reports."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

from lexgraph.config import Settings
from lexgraph.validate import validate

FIXTURES = Path(__file__).parent / "fixtures" / "cli"
REPO = Path(__file__).resolve().parents[1]


def _command(*args: str | Path) -> list[str]:
    return [sys.executable, "-m", "lexgraph", "validate", *map(str, args)]


def run(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(_command(*args), capture_output=True, text=True, cwd=REPO, timeout=120)


DATA_FILES = sorted((REPO / "data").glob("*.ttl"))
BROKEN_ACTION = "https://w3id.org/lexgraph/id/treaty-action/kz-paris-joined-before-1992-paper1999"


def _without_party(text: str) -> str:
    """treaties.ttl with one treaty action's party removed (a TreatyActionShape violation)."""
    head = "<treaty-action/kz-paris-joined-before-1992-paper1999> a lg:TreatyAction ;\n"
    party = "    lg:party <party/kazakhstan> ;\n"
    assert head + party in text
    return text.replace(head + party, head)


def test_repository_data_conforms() -> None:
    result = run()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "conforms" in result.stdout and "does not conform" not in result.stdout


def test_users_own_valid_file_conforms() -> None:
    result = run(FIXTURES / "valid.ttl")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("1 files in the context of 10 data files,")


def test_violations_exit_1_grouped_by_focus_with_message_path_and_value() -> None:
    result = run(FIXTURES / "violations.ttl")
    assert result.returncode == 1
    out = result.stdout
    focus = "https://w3id.org/lexgraph/id/treaty-action/examplestan-accession"
    assert out.count(focus + "  (") == 1, "findings are grouped under their focus node once, with its file"
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


# --- files checked in the context of the data folder ---


def test_each_repository_data_file_conforms_in_context() -> None:
    # Alone, every data file fails (it loses the parties, sources and treaties the others define).
    procs = [(f, subprocess.Popen(_command("data/" + f.name), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  text=True, cwd=REPO)) for f in DATA_FILES]
    assert len(procs) >= 10
    outcomes = [(f, proc.communicate(timeout=120), proc.returncode) for f, proc in procs]
    for f, (out, errors), code in outcomes:
        assert code == 0, f"{f.name}: {out[-2000:]}{errors}"
        assert " 0 errors, 0 warnings, " in out and "; conforms (failing on ERROR)" in out, out[-500:]
        assert "1 files in the context of 9 data files" in out


def test_no_context_checks_a_file_alone() -> None:
    result = run("--no-context", "data/treaties.ttl")
    assert result.returncode == 1 and result.stdout.rstrip().splitlines()[-1].startswith("1 files, "), result.stdout[-500:]


def test_in_context_findings_of_the_files_add_up_to_those_of_the_whole(settings: Settings) -> None:
    whole = {(f.level, f.check, f.focus, f.path, f.value) for f in validate(settings).findings}
    parts: set[tuple[object, ...]] = set()
    for path in DATA_FILES:
        report = validate(settings, [path], context=True)
        mine = {(f.level, f.check, f.focus, f.path, f.value) for f in report.findings}
        assert mine <= whole, f"{path.name}: {mine - whole}"
        assert all(f.file == str(path) for f in report.findings)
        parts |= mine
    assert parts == whole and whole, "every finding of the whole belongs to the file that defines its node"


def test_a_changed_copy_outside_the_data_folder_stands_in_for_its_original(tmp_path: Path) -> None:
    copy = tmp_path / "treaties.ttl"
    copy.write_text(_without_party((REPO / "data" / "treaties.ttl").read_text(encoding="utf-8")), encoding="utf-8")
    result = run(copy)
    assert result.returncode == 1, result.stdout[-2000:] + result.stderr
    assert f"{BROKEN_ACTION}  ({copy})\n  ERROR A treaty action is taken by exactly one party" in result.stdout
    summary = result.stdout.rstrip().splitlines()[-1]
    assert f"{copy} standing in for {REPO / 'data' / 'treaties.ttl'}" in summary and "1 errors" in summary


def test_a_broken_file_in_the_data_folder_is_checked_as_its_new_version(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    for f in DATA_FILES:
        text = f.read_text(encoding="utf-8")
        (data / f.name).write_text(_without_party(text) if f.name == "treaties.ttl" else text, encoding="utf-8")
    env = {**os.environ, "LEXGRAPH_DATA_DIR": str(data)}
    result = subprocess.run(_command("treaties.ttl", "parties.ttl"), capture_output=True, text=True, cwd=data,
                            timeout=120, env=env)
    assert result.returncode == 1, result.stdout[-2000:] + result.stderr
    assert f"{BROKEN_ACTION}  (treaties.ttl)" in result.stdout and "standing in" not in result.stdout
    assert "2 files in the context of 8 data files" in result.stdout
    fine = subprocess.run(_command("parties.ttl"), capture_output=True, text=True, cwd=data, timeout=120, env=env)
    assert fine.returncode == 0, "a file is not blamed for another file's faults"


def test_a_users_new_file_may_use_the_repositorys_nodes(tmp_path: Path) -> None:
    text = (REPO / "data" / "treaties.ttl").read_text(encoding="utf-8")
    prefixes = "".join(line + "\n" for line in text.splitlines() if line.startswith("@"))
    start = text.index("<treaty-action/kz-paris-joined-before-1992-paper1999>")
    end = text.index(" .\n", text.index("> a lg:Evidence ;", start)) + 3  # the claim and its evidence node
    block = text[start:end].replace("kz-paris-joined-before-1992-paper1999", "kz-paris-mine")
    mine = tmp_path / "my-claims.ttl"
    mine.write_text(prefixes + block, encoding="utf-8")
    in_context = run(mine)
    assert in_context.returncode == 0, in_context.stdout[-2000:]
    assert "1 files in the context of 10 data files" in in_context.stdout
    assert run("--no-context", mine).returncode == 1, "alone, the party, treaty and source it names are unknown"
