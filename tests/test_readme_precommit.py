"""The README's pre-commit snippet names this release's tag and hooks that exist."""

from __future__ import annotations

import re
import tomllib

import yaml

from conftest import ROOT


def readme_snippet() -> dict[str, object]:
    readme = (ROOT / "README.md").read_text()
    section = readme[readme.index("## pre-commit") :]
    block = re.search(r"```yaml\n(.*?)```", section, re.DOTALL)
    assert block, "no yaml block in the README's pre-commit section"
    config = yaml.safe_load(block.group(1))
    assert isinstance(config, dict)
    return config


def test_rev_is_the_tag_of_this_version() -> None:
    version = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    [repo] = readme_snippet()["repos"]  # type: ignore[misc]
    assert repo["rev"] == f"v{version}"  # releases are tagged v + version (see the README)


def test_hooks_exist_and_their_args_end_file_options() -> None:
    hooks = {hook["id"]: hook for hook in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())}
    [repo] = readme_snippet()["repos"]  # type: ignore[misc]
    for hook in repo["hooks"]:
        assert hook["id"] in hooks
        assert hook.get("args", ["--"])[-1] == "--"  # file names after args are never options
