"""Target profiles: what a trainer accepts, kept as data (one TOML file per target).

A profile names the roles and models of one target, and how its rules are set; a model names
the formats it trains on, its tokenizer and its token limit per example. Nothing else in the
code branches on a vendor. The keys of a profile file::

    name = "openai"                      # the file's name without .toml
    summary = "..."
    extends = "openai"                   # optional: start from another profile, override below
    default_model = "gpt-4o-mini-2024-07-18"
    any_model = "any"                    # optional: unknown model names take this entry's facts
    roles = ["system", "user", "assistant"]
    strict_alternation = false
    content_parts = true
    prices_date = "2025-11"

    [rules]                              # severity by code, code prefix or name:
    JL202 = "error"                      # "error" | "warning" | "info" | "off"
    JL7 = "off"                          # the most specific selector wins

    [params.too-few-examples]            # rule parameters, by rule name (`jsonl-lint rules NAME`)
    min = 10

    [models."gpt-4o-2024-08-06"]
    formats = ["chat", "preference"]
    encoding = "o200k_base"
    max_tokens = 65_536

With ``extends``, the child's ``[rules]`` entries and parameters override the base's one by one,
and its models are added to (or, entry by entry, override) the base's. Files are parsed the
first time a profile is needed, not at import.
"""

from __future__ import annotations

import dataclasses
import functools
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from jsonl_lint.problems import Parameter, Rule, Severity, UsageError

T = TypeVar("T")

DEFAULT_PROFILE = "openai"


@dataclass(frozen=True, slots=True, kw_only=True)
class ModelSpec:
    name: str
    formats: tuple[str, ...]
    encoding: str | None = None
    tokenizer: str | None = None  # instead of a tiktoken encoding: "mistral:v3", or a local model folder
    max_tokens: int | None = None
    vision: bool = False
    price_per_million: float | None = None
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class Profile:
    name: str
    summary: str
    default_model: str
    roles: tuple[str, ...]
    strict_alternation: bool
    content_parts: bool = True
    any_model: str | None = None  # unknown model names take this entry's facts (trainers of open models)
    prices_date: str | None = None
    models: Mapping[str, ModelSpec] = field(default_factory=dict)
    rules: Mapping[str, Severity | None] = field(default_factory=dict)  # selector -> severity (None: off)
    params: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)  # rule code -> parameter -> value

    def param(self, rule: Rule, parameter: Parameter[T]) -> T:
        """The value this profile gives a rule's parameter (its default when the profile is silent)."""
        value: T = self.params.get(rule.code, {}).get(parameter.name, parameter.default)
        return value

    def severity(self, rule: Rule) -> Severity | None:
        """The rule's severity on this target: the most specific ``[rules]`` entry, else its default."""
        from jsonl_lint.rules import specificity

        best: int = 0
        chosen: Severity | None = rule.severity if rule.default_on else None
        for selector, severity in self.rules.items():
            rank = specificity(rule, selector)
            if rank > best:
                best, chosen = rank, severity
        return chosen

    @property
    def rules_off(self) -> tuple[str, ...]:
        return tuple(selector for selector, severity in self.rules.items() if severity is None)

    def model(self, name: str | None) -> ModelSpec:
        """The model called ``name`` (or an alias of it); the profile's default for None. A fine-tuned
        model (``ft:BASE:ORG:SUFFIX:ID``) is its base model: it trains and tokenizes like it."""
        wanted = name or self.default_model
        if wanted.startswith("ft:") and wanted.count(":") >= 2:
            wanted = wanted.split(":")[1]
        for spec in self.models.values():
            if wanted == spec.name or wanted in spec.aliases:
                return spec
        if self.any_model is not None:
            return dataclasses.replace(self.models[self.any_model], name=wanted, aliases=())
        known = ", ".join(self.models)
        raise UsageError(f"unknown model {wanted!r} for profile {self.name!r}; known models: {known}")

    def target(
        self, name: str | None, *, max_tokens: int | None = None, encoding: str | None = None, tokenizer: str | None = None
    ) -> ModelSpec:
        """The model called ``name``, with its token limit and tokenizer replaced where given
        (an ``encoding`` names a tiktoken encoding, a ``tokenizer`` anything else)."""
        spec = self.model(name)
        if max_tokens is None and encoding is None and tokenizer is None:
            return spec
        spec = dataclasses.replace(
            spec,
            max_tokens=max_tokens or spec.max_tokens,
            encoding=encoding or spec.encoding,
            tokenizer=None if encoding and not tokenizer else tokenizer or spec.tokenizer,
        )
        if spec.max_tokens is not None and spec.encoding is None and spec.tokenizer is None:
            raise UsageError(f"--max-tokens needs --tokenizer or --encoding: no tokenizer is known for {spec.name}")
        return spec


def _model(name: str, table: Mapping[str, Any]) -> ModelSpec:
    return ModelSpec(
        name=name,
        formats=tuple(table["formats"]),
        encoding=table.get("encoding"),
        tokenizer=table.get("tokenizer"),
        max_tokens=table.get("max_tokens"),
        vision=bool(table.get("vision", False)),
        price_per_million=table.get("price_per_million"),
        aliases=tuple(table.get("aliases", ())),
    )


_PROFILE_KEYS = {
    "name",
    "summary",
    "extends",
    "default_model",
    "roles",
    "strict_alternation",
    "content_parts",
    "any_model",
    "prices_date",
    "models",
    "rules",
    "params",
}


def parse_severities(table: Mapping[str, Any], where: str) -> dict[str, Severity | None]:
    """``{selector: "error" | "warning" | "info" | "off"}``, each selector naming a known rule."""
    from jsonl_lint.rules import check_selectors

    check_selectors(tuple(table), where)
    severities: dict[str, Severity | None] = {}
    for selector, level in table.items():
        if level == "off":
            severities[selector] = None
            continue
        text = _string(level, f"{where}.{selector}")
        try:
            severities[selector] = Severity.parse(text)
        except ValueError:
            raise ValueError(f"{where}.{selector}: unknown severity {level!r} (expected error, warning, info or off)") from None
    return severities


def parse_params(table: Mapping[str, Any], where: str) -> dict[str, dict[str, Any]]:
    """``{rule name or code: {parameter: value}}`` -> values by rule code, each checked against
    the parameter the rule declares."""
    from jsonl_lint.rules import find_rule

    params: dict[str, dict[str, Any]] = {}
    for rule_name, values in table.items():
        rule = find_rule(rule_name)
        if rule is None:
            raise ValueError(f"{where}: unknown rule {rule_name!r}")
        if not isinstance(values, dict):
            raise ValueError(f"{where}.{rule_name} must be a table")
        for name, value in values.items():
            parameter = rule.parameter(name)
            if parameter is None:
                known = ", ".join(p.name for p in rule.parameters) or "none"
                raise ValueError(f"{where}.{rule_name}: unknown parameter {name!r} (parameters: {known})")
            params.setdefault(rule.code, {})[name] = parameter.parse(value, f"{where}.{rule_name}.{name}")
    return params


def _string(value: Any, where: str) -> str:
    if not isinstance(value, str):
        raise ValueError(f"{where} must be a string")
    return value


def _profile(table: Mapping[str, Any]) -> Profile:
    name = table.get("name")
    unknown = set(table) - _PROFILE_KEYS
    if unknown:
        raise ValueError(f"profile {name!r} has unknown keys: {', '.join(sorted(unknown))}")
    return Profile(
        name=table["name"],
        summary=table["summary"],
        default_model=table["default_model"],
        roles=tuple(table["roles"]),
        strict_alternation=table["strict_alternation"],
        content_parts=table.get("content_parts", True),
        any_model=table.get("any_model"),
        prices_date=table.get("prices_date"),
        models={name: _model(name, spec) for name, spec in table["models"].items()},
        rules=parse_severities(table.get("rules", {}), f"profile {name}: [rules]"),
        params=parse_params(table.get("params", {}), f"profile {name}: [params]"),
    )


def _merged(table: dict[str, Any], tables: Mapping[str, dict[str, Any]]) -> dict[str, Any]:
    """A profile's table on top of the one it ``extends``: its keys win; its models, ``[rules]``
    entries and rule parameters are added to (or, one by one, override) the base's."""
    if "extends" not in table:
        return table
    base = _merged(tables[table["extends"]], tables)
    models = {**base["models"], **{name: {**base["models"].get(name, {}), **spec} for name, spec in table.get("models", {}).items()}}
    base_params = base.get("params", {})
    params = {**base_params, **{rule: {**base_params.get(rule, {}), **values} for rule, values in table.get("params", {}).items()}}
    rules = {**base.get("rules", {}), **table.get("rules", {})}
    return {**base, **table, "models": models, "rules": rules, "params": params}


# This folder, not importlib.resources.files(): importing that (it loads tempfile and zipfile)
# cost every command about 7 ms, and the package is always installed as files.
_FOLDER = Path(__file__).parent


@functools.cache
def profile_names() -> tuple[str, ...]:
    """The profiles shipped with the package, without parsing them (for ``--profile`` choices)."""
    return tuple(sorted(entry.name.removesuffix(".toml") for entry in _FOLDER.iterdir() if entry.name.endswith(".toml")))


def all_profiles() -> dict[str, Profile]:
    return {name: get_profile(name) for name in profile_names()}


# Each profile is parsed the first time it is asked for, with the ones it extends: a check reads
# one or two of the TOML files, not every one (parsing them all took about 10 ms of its start-up).
_loaded: dict[str, Profile] = {}


def get_profile(name: str | None) -> Profile:
    wanted = name or DEFAULT_PROFILE
    if wanted not in _loaded:
        names = profile_names()
        if wanted not in names:
            raise UsageError(f"unknown profile {wanted!r}; known profiles: {', '.join(names)}")
        _loaded[wanted] = _load(wanted)
    return _loaded[wanted]


def _load(name: str) -> Profile:
    tables: dict[str, dict[str, Any]] = {}
    wanted: str | None = name
    while wanted is not None and wanted not in tables:  # the profile, then the ones it extends
        tables[wanted] = _table(wanted)
        wanted = tables[wanted].get("extends")
    return _profile(_merged(tables[name], tables))


@functools.cache
def _table(name: str) -> dict[str, Any]:
    return tomllib.loads((_FOLDER / f"{name}.toml").read_text(encoding="utf-8"))
