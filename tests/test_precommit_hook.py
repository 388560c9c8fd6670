"""Our published pre-commit hook, run by the real ``pre-commit`` in a temporary git repository.

The repository holds a copy of this checkout's ontology, shapes and data. The hook is the one
``.pre-commit-hooks.yaml`` publishes, declared as a ``repo: local`` hook whose entry is this
virtualenv's ``lexgraph`` (``language: system``), so pre-commit fetches and installs nothing
and the test runs offline.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
BROKEN_ACTION = "https://w3id.org/lexgraph/id/treaty-action/kz-paris-joined-before-1992-paper1999"

pytestmark = pytest.mark.slow


def _local_config() -> str:
    """The published hook as a local one: its files, filenames and serial settings, our entry."""
    (hook,) = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert hook["entry"] == "lexgraph validate" and hook["pass_filenames"] is True
    local = {**hook, "entry": f"{BIN / 'lexgraph'} validate", "language": "system"}
    return yaml.safe_dump({"repos": [{"repo": "local", "hooks": [local]}]}, sort_keys=False)


@pytest.fixture
def git_repo(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    work = tmp_path / "repo"
    for folder in ("ontology", "shapes", "data", "queries"):
        shutil.copytree(REPO / folder, work / folder)
    (work / ".pre-commit-config.yaml").write_text(_local_config(), encoding="utf-8")
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("LEXGRAPH_", "GIT_"))},
        "LEXGRAPH_ROOT": str(work),
        "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"),
        "HOME": str(tmp_path),
        "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
        "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org",
        "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org",
    }
    git(work, env, "init", "-q", "-b", "main")
    pre_commit = subprocess.run([str(BIN / "pre-commit"), "install"], cwd=work, env=env, capture_output=True,
                                text=True, timeout=120)
    assert pre_commit.returncode == 0, pre_commit.stdout + pre_commit.stderr
    git(work, env, "add", ".")
    first = git(work, env, "commit", "-q", "-m", "the graph", check=False)
    assert first.returncode == 0, "every file of a valid checkout passes the hook\n" + first.stdout + first.stderr
    return work, env


def git(work: Path, env: dict[str, str], *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(["git", *args], cwd=work, env=env, capture_output=True, text=True, timeout=300)
    if check:
        assert result.returncode == 0, result.stdout + result.stderr
    return result


def test_a_valid_change_is_committed(git_repo: tuple[Path, dict[str, str]]) -> None:
    work, env = git_repo
    treaties = work / "data" / "treaties.ttl"
    treaties.write_text(treaties.read_text(encoding="utf-8").replace(
        "it gives no date.", "it gives no date (checked again)."), encoding="utf-8")
    git(work, env, "add", "data/treaties.ttl")
    result = git(work, env, "commit", "-m", "a clearer note", check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout + result.stderr
    assert "lexgraph validate" in out and "Passed" in out, out
    assert git(work, env, "status", "--porcelain").stdout == ""


def test_an_invalid_change_is_blocked_naming_file_and_node(git_repo: tuple[Path, dict[str, str]]) -> None:
    work, env = git_repo
    treaties = work / "data" / "treaties.ttl"
    head = "<treaty-action/kz-paris-joined-before-1992-paper1999> a lg:TreatyAction ;\n"
    text = treaties.read_text(encoding="utf-8")
    assert head + "    lg:party <party/kazakhstan> ;\n" in text
    treaties.write_text(text.replace(head + "    lg:party <party/kazakhstan> ;\n", head), encoding="utf-8")
    git(work, env, "add", "data/treaties.ttl")
    result = git(work, env, "commit", "-m", "lose a party", check=False)
    assert result.returncode != 0, result.stdout + result.stderr
    out = result.stdout + result.stderr
    assert "Failed" in out and f"{BROKEN_ACTION}  (data/treaties.ttl)" in out, out[-3000:]
    assert "A treaty action is taken by exactly one party" in out
    assert "1 files in the context of 9 data files" in out and "1 errors" in out
    assert "lose a party" not in git(work, env, "log", "--oneline").stdout
