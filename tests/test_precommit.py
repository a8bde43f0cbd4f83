"""The real pre-commit client runs our hook from .pre-commit-hooks.yaml (installs from PyPI: slow)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import ROOT

pytestmark = pytest.mark.slow

GOOD = "".join(
    f'{{"messages": [{{"role": "user", "content": "hi {i}"}}, {{"role": "assistant", "content": "hello {i}"}}]}}\n' for i in range(50)
)
BAD = GOOD + '{"messages": [{"role": "user", "content": "hi"}], "weight": 1}\n\n'


def git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@t", *args], cwd=cwd, check=True, capture_output=True)


@pytest.fixture(scope="session")
def hook_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The working tree as it is now (uncommitted changes too), committed in a repo of its own."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    repo = tmp_path_factory.mktemp("hook-repo")
    listed = (
        subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"], cwd=ROOT, check=True, capture_output=True)
        .stdout.decode()
        .split("\0")
    )
    for name in filter(None, listed):
        source = ROOT / name
        if source.is_file():
            (repo / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, repo / name)
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "snapshot")
    return repo


@pytest.fixture(scope="session")
def pre_commit_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    return {**os.environ, "PRE_COMMIT_HOME": str(tmp_path_factory.mktemp("pre-commit-home"))}


def try_repo(hook_repo: Path, env: dict[str, str], hook: str, tmp_path: Path, files: dict[str, str]) -> subprocess.CompletedProcess[str]:
    data = tmp_path / "data"
    data.mkdir(parents=True)
    for name, text in files.items():
        (data / name).write_bytes(text.encode())
    git(data, "init", "-q")
    git(data, "add", "-A")
    return subprocess.run(
        ["pre-commit", "try-repo", str(hook_repo), hook, "--ref", "HEAD", "--all-files", "--color", "never"],
        cwd=data,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )


def test_hook_passes_a_good_file(hook_repo: Path, pre_commit_env: dict[str, str], tmp_path: Path) -> None:
    result = try_repo(hook_repo, pre_commit_env, "jsonl-lint", tmp_path, {"good.jsonl": GOOD, "notes.txt": "not checked\n"})
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Passed" in result.stdout


def test_hook_fails_a_bad_file_and_prints_the_line(hook_repo: Path, pre_commit_env: dict[str, str], tmp_path: Path) -> None:
    result = try_repo(hook_repo, pre_commit_env, "jsonl-lint", tmp_path, {"good.jsonl": GOOD, "bad.ndjson": BAD})
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Failed" in result.stdout
    assert 'bad.ndjson:51:51: error: JL101 unexpected key "weight" in the record' in result.stdout
    assert "bad.ndjson:52:1: error: JL003 blank line" in result.stdout
    assert "good.jsonl:" not in result.stdout


def test_fix_hook_repairs_and_reports(hook_repo: Path, pre_commit_env: dict[str, str], tmp_path: Path) -> None:
    fixable = "\ufeff" + GOOD.replace("\n", "\r\n") + "\r\n"
    result = try_repo(hook_repo, pre_commit_env, "jsonl-lint-fix", tmp_path, {"data.jsonl": fixable})
    # pre-commit fails a hook that modified files, and shows what the hook said
    assert result.returncode == 1, result.stdout + result.stderr
    assert "files were modified by this hook" in result.stdout
    assert "data.jsonl: fixed: removed the byte order mark; turned 51 CRLF line endings into LF; removed 1 blank line" in result.stdout
    assert (tmp_path / "data" / "data.jsonl").read_bytes() == GOOD.encode()
    again = try_repo(hook_repo, pre_commit_env, "jsonl-lint-fix", tmp_path / "again", {"data.jsonl": GOOD})
    assert again.returncode == 0, again.stdout + again.stderr


def test_file_names_that_look_like_options_stay_file_names(hook_repo: Path, pre_commit_env: dict[str, str], tmp_path: Path) -> None:
    files = {"v.jsonl": GOOD, "--output-file=v.jsonl": GOOD, "-x.jsonl": GOOD}
    result = try_repo(hook_repo, pre_commit_env, "jsonl-lint", tmp_path, files)
    assert result.returncode == 0, result.stdout + result.stderr
    assert (tmp_path / "data" / "v.jsonl").read_text() == GOOD  # not overwritten by a report


def test_the_readme_snippet_installs_and_runs(hook_repo: Path, pre_commit_env: dict[str, str], tmp_path: Path) -> None:
    """The README's configuration as written, with its repo pointing at a copy tagged as releases are."""
    import yaml
    from test_readme_precommit import readme_snippet

    config = readme_snippet()
    [repo] = config["repos"]  # type: ignore[misc]
    git(hook_repo, "tag", "-f", repo["rev"])
    repo["repo"] = str(hook_repo)
    data = tmp_path / "data"
    data.mkdir()
    (data / "good.jsonl").write_text(GOOD)
    (data / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config))
    git(data, "init", "-q")
    git(data, "add", "-A")
    result = subprocess.run(
        ["pre-commit", "run", "--all-files", "--color", "never"], cwd=data, env=pre_commit_env, capture_output=True, text=True, timeout=900
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count("Passed") == 2
