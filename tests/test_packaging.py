"""The wheel ships the schemas and profiles, and the installed package reads them from itself."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from conftest import ROOT
from jsonl_lint import formats
from jsonl_lint.profiles import all_profiles

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--wheel-dir", str(out), str(ROOT)],
        check=True,
        capture_output=True,
        timeout=600,
    )
    [built] = out.glob("jsonl_lint-*.whl")
    return built


def test_wheel_contains_every_schema_and_profile(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for fmt in formats.FORMATS.values():
        assert f"jsonl_lint/schemas/{fmt.schema_file}" in names
    for profile in all_profiles():
        assert f"jsonl_lint/profiles/{profile}.toml" in names


def test_installed_wheel_reads_its_own_schemas(wheel: Path, tmp_path: Path) -> None:
    target = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(target), str(wheel)], check=True, timeout=600
    )
    code = "import jsonl_lint.formats as f, json; print(f._schema_dir()); print(f.load_schema('chat')['title'])"
    env = {**os.environ, "PYTHONPATH": str(target)}
    result = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True, check=True)
    schema_dir, title = result.stdout.splitlines()
    assert Path(schema_dir).is_relative_to(target)
    assert title == "Chat fine-tuning example"


def test_wheel_contains_every_module_of_the_source_tree(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    modules = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "jsonl_lint").rglob("*.py"))
    assert [m for m in modules if m not in names] == []
