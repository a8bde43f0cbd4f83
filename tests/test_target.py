"""One target per file: profile [rules] and [params], config over profile, flags over config;
a selector that names no rule is a usage error wherever it is written."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from conftest import TEST_ENCODING, lines_of
from jsonl_lint import Config, check_lines, profiles
from jsonl_lint.cli import main
from jsonl_lint.config import _config_in
from jsonl_lint.problems import Severity, UsageError
from jsonl_lint.profiles import Profile, _merged, _profile, get_profile
from jsonl_lint.rules.example_count import MIN_EXAMPLES, TOO_FEW
from jsonl_lint.rules.message_order import ENDS_WITHOUT_ASSISTANT, MISPLACED_SYSTEM
from jsonl_lint.target import resolve_target

# Ends with a user turn (JL202), and one example (JL701 below 10 on OpenAI).
ENDS_WITH_USER = (
    '{"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!"}, {"role": "user", "content": "x"}]}\n'
)
BASE: dict[str, Any] = {
    "name": "base",
    "summary": "s",
    "default_model": "any",
    "any_model": "any",
    "roles": ["system", "user", "assistant"],
    "strict_alternation": False,
    "models": {"any": {"formats": ["chat"]}},
}


def profile_from(table: dict[str, Any], *bases: dict[str, Any]) -> Profile:
    tables = {t["name"]: t for t in (*bases, table)}
    return _profile(_merged(table, tables))


@pytest.fixture
def custom(monkeypatch: pytest.MonkeyPatch) -> dict[str, Profile]:
    """Profiles a test defines, in place of the shipped ones."""
    registry = dict(profiles.all_profiles())
    monkeypatch.setattr(profiles, "_loaded", registry)
    return registry


def test_profile_sets_severity_by_code_name_and_prefix() -> None:
    profile = profile_from({**BASE, "rules": {"JL2": "off", "ends-without-assistant": "error", "JL20": "info"}})
    assert profile.severity(ENDS_WITHOUT_ASSISTANT) == Severity.ERROR  # the exact name beats prefixes
    assert profile.severity(MISPLACED_SYSTEM) == Severity.INFO  # JL20 beats JL2
    assert profile.severity(TOO_FEW) == TOO_FEW.severity  # not named: the rule's default


def test_extends_overrides_rules_and_params_one_by_one() -> None:
    base = {**BASE, "rules": {"JL202": "error", "JL203": "off"}, "params": {"too-few-examples": {"min": 10}}}
    child = {"name": "child", "extends": "base", "summary": "c", "rules": {"JL203": "warning"}, "params": {"JL701": {"min": 3}}}
    profile = profile_from(child, base)
    assert profile.severity(ENDS_WITHOUT_ASSISTANT) == Severity.ERROR and profile.severity(MISPLACED_SYSTEM) == Severity.WARNING
    assert profile.param(TOO_FEW, MIN_EXAMPLES) == 3


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ({"rules": {"JL9": "off"}}, "unknown rule 'JL9'"),
        ({"rules": {"JL202": "fatal"}}, "unknown severity 'fatal'"),
        ({"params": {"too-few-examples": {"least": 3}}}, "unknown parameter 'least' (parameters: min)"),
        ({"params": {"too-few-examples": {"min": "3"}}}, "too-few-examples.min must be int"),
        ({"params": {"nope": {"min": 3}}}, "unknown rule 'nope'"),
        ({"ignore": ["JL2"]}, "unknown keys: ignore"),
    ],
)
def test_invalid_profile_tables(table: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError) as error:
        profile_from({**BASE, **table})
    assert message in str(error.value)


def test_profile_rules_and_params_reach_the_check(custom: dict[str, Profile]) -> None:
    custom["strict"] = profile_from(
        {**BASE, "name": "strict", "rules": {"JL202": "error", "JL703": "off"}, "params": {"too-few-examples": {"min": 3}}}
    )
    report = check_lines(lines_of(ENDS_WITH_USER * 2), profile="strict")
    found = [(p.code, p.severity, p.message) for p in report.problems]
    assert [(code, severity) for code, severity, _ in found] == [("JL202", Severity.ERROR)] * 2 + [("JL701", Severity.ERROR)]
    assert found[-1][2] == "the file has 2 examples; strict needs at least 3"


def test_config_beats_profile_and_flags_beat_config() -> None:
    structural = get_profile("structural")
    assert structural.severity(ENDS_WITHOUT_ASSISTANT) is None
    config = Config(profile="structural", severity={"JL202": Severity.INFO}, params={"JL701": {"min": 5}})
    target = resolve_target("t.jsonl", config=config)
    assert target.severity(ENDS_WITHOUT_ASSISTANT) == Severity.INFO and target.param(TOO_FEW, MIN_EXAMPLES) == 5
    assert not resolve_target("t.jsonl", {"ignore": ("JL202",)}, config=config).enabled(ENDS_WITHOUT_ASSISTANT)


@pytest.mark.parametrize("selector", ["dupliate-key", "JL99", "JL9", "jl2"])
@pytest.mark.parametrize("option", ["--select", "--ignore"])
def test_unknown_selector_flag_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str], option: str, selector: str) -> None:
    data = tmp_path / "a.jsonl"
    data.write_text(ENDS_WITH_USER)
    assert main(["check", option, f"JL2,{selector}", str(data)]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.startswith(f"jsonl-lint: {option}: unknown rule {selector!r} (") and err.count("\n") == 1


@pytest.mark.parametrize(
    ("body", "where"),
    [
        ('select = ["JL9"]', "select"),
        ('ignore = ["dupliate-key"]', "ignore"),
        ('severity = {JL99 = "error"}', "severity"),
        ('[tool.jsonl-lint.per-file-ignores]\n"*.jsonl" = ["JL99"]', "per-file-ignores.*.jsonl"),
        ("[tool.jsonl-lint.params.too-few-examples]\nminimum = 3", "params.too-few-examples"),
    ],
)
def test_unknown_selector_in_config_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str], body: str, where: str) -> None:
    (tmp_path / "pyproject.toml").write_text(f"[tool.jsonl-lint]\n{body}\n")
    _config_in.cache_clear()
    data = tmp_path / "a.jsonl"
    data.write_text(ENDS_WITH_USER)
    assert main(["check", str(data)]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.startswith(f"jsonl-lint: invalid config: {tmp_path / 'pyproject.toml'}: {where}: unknown ")


def test_unknown_selector_through_the_api() -> None:
    with pytest.raises(UsageError, match="select: unknown rule 'JL99'"):
        check_lines(lines_of(ENDS_WITH_USER), select=("JL99",))


def test_validation_in_config_is_used_by_check(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """[tool.jsonl-lint] validation = "..." (relative to the config's folder) is honoured by the CLI."""
    example = {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!"}]}
    (tmp_path / "train.jsonl").write_text(json.dumps(example) + "\n")
    (tmp_path / "valid.jsonl").write_text(json.dumps(example) + "\n")
    (tmp_path / "pyproject.toml").write_text('[tool.jsonl-lint]\nvalidation = "valid.jsonl"\nselect = ["JL704"]\n')
    _config_in.cache_clear()
    assert main(["check", str(tmp_path / "train.jsonl")]) == 0
    out = capsys.readouterr().out
    assert (
        out.splitlines()[0]
        == f"{tmp_path / 'valid.jsonl'}:1:1: warning: JL704 this validation example is also in the training data ({tmp_path / 'train.jsonl'}, line 1)"
    )


def test_stats_uses_profile_and_model_from_config(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    example = {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!"}]}
    (tmp_path / "data.jsonl").write_text(json.dumps(example) + "\n")
    # gpt-35-turbo is a name only the azure-openai profile knows; the encoding the tests build counts offline.
    (tmp_path / "pyproject.toml").write_text(
        f'[tool.jsonl-lint]\nprofile = "azure-openai"\nmodel = "gpt-35-turbo"\nencoding = "{TEST_ENCODING}"\n'
    )
    _config_in.cache_clear()
    assert main(["stats", "--format", "json", str(tmp_path / "data.jsonl")]) == 0
    estimate = json.loads(capsys.readouterr().out)
    assert (estimate["model"], estimate["encoding"]) == ("gpt-3.5-turbo-0125", TEST_ENCODING)
