"""What a profile changes relative to ``openai``, generated from the profiles' TOML files, for
``jsonl-lint profiles NAME`` and the profile table of the README."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from jsonl_lint import formats
from jsonl_lint.problems import Severity
from jsonl_lint.profiles import DEFAULT_PROFILE, Profile, get_profile

BASE = DEFAULT_PROFILE


@dataclass(frozen=True, slots=True)
class Change:
    """One aspect in which a profile differs from the base: ``aspect`` and what it is here."""

    aspect: str
    text: str
    short: str  # for the README's table


def _level(severity: Severity | None) -> str:
    return "off" if severity is None else severity.label


def _value(value: Any) -> str:
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, tuple):
        return "[" + ", ".join(str(item) for item in value) + "]" if value else "[]"
    if isinstance(value, int):
        return f"{value:_}" if value >= 100_000 else str(value)
    return str(value)


def _list(items: Iterable[str]) -> str:
    return ", ".join(items) or "none"


def _formats(profile: Profile) -> list[str]:
    found: list[str] = []
    for model in profile.models.values():
        found += [fmt for fmt in model.formats if fmt not in found]
    return found


def _models(profile: Profile) -> str:
    if profile.any_model is not None:
        return "any model name"
    return _list(profile.models)


def _aliases(profile: Profile) -> set[str]:
    return {alias for model in profile.models.values() for alias in model.aliases}


def _tokenizers(profile: Profile) -> str:
    encodings = sorted({name for m in profile.models.values() if (name := m.tokenizer or m.encoding)})
    limits = sorted({m.max_tokens for m in profile.models.values() if m.max_tokens})
    if not encodings:
        return "no tokenizer known: no token budget unless --max-tokens and --encoding (or --tokenizer) are given"
    limit = f"; {_list(f'{n:,}' for n in limits)} tokens per example" if limits else "; no per-example limit"
    return _list(encodings) + limit


def changes(profile: Profile, base: Profile | None = None) -> list[Change]:
    """How ``profile`` differs from ``base`` (``openai``): roles, turns, content, formats, models,
    tokenizer and limits, rule severities and rule parameters."""
    from jsonl_lint.rules import all_rules

    base = base or get_profile(BASE)
    found: list[Change] = []
    if profile.roles != base.roles:
        added = [r for r in profile.roles if r not in base.roles]
        dropped = [r for r in base.roles if r not in profile.roles]
        detail = "; ".join(part for part in (f"adds {_list(added)}" if added else "", f"drops {_list(dropped)}" if dropped else "") if part)
        found.append(Change("roles", f"{_list(profile.roles)} ({detail})", f"roles: {detail}"))
    if profile.strict_alternation != base.strict_alternation:
        turns = "user and assistant turns must alternate" if profile.strict_alternation else "turns need not alternate"
        found.append(Change("turns", turns, turns))
    if profile.content_parts != base.content_parts:
        content = "content parts accepted" if profile.content_parts else "string content only"
        found.append(Change("content", content, content))
    mine, theirs = _formats(profile), _formats(base)
    if mine != theirs:
        found.append(Change("formats", _list(formats.FORMATS[fmt].title for fmt in mine), f"formats: {_list(mine)}"))
    if _models(profile) != _models(base):
        found.append(Change("models", _models(profile), _models(profile)))
    aliases = [alias for model in profile.models.values() for alias in model.aliases if alias not in _aliases(base)]
    if aliases:
        found.append(Change("model names", f"also {_list(aliases)}", f"model names {_list(aliases)}"))
    if _tokenizers(profile) != _tokenizers(base):
        tokenizer = _tokenizers(profile)
        found.append(Change("tokenizer", tokenizer, "no token budget" if tokenizer.startswith("no ") else f"tokenizer: {tokenizer}"))
    for rule in all_rules().values():
        here, there = profile.severity(rule), base.severity(rule)
        if here != there:
            found.append(Change("rule", f"{rule.code} {rule.name}: {_level(there)} -> {_level(here)}", f"{rule.code} {_level(here)}"))
    for rule in all_rules().values():
        for parameter in rule.parameters:
            here_value, there_value = profile.param(rule, parameter), base.param(rule, parameter)
            if here_value != there_value:
                text = f"{rule.name}.{parameter.name}: {_value(there_value)} -> {_value(here_value)}"
                found.append(Change("parameter", text, f"{rule.name}.{parameter.name} = {_value(here_value)}"))
    return found


def describe(profile: Profile) -> list[str]:
    """The lines ``jsonl-lint profiles NAME`` prints."""
    lines = [f"{profile.name}: {profile.summary}"]
    if profile.name == BASE:
        lines.append("the reference profile; others are described as changes from it")
        lines.append(f"  roles: {_list(profile.roles)}")
        lines.append(f"  formats: {_list(_formats(profile))}")
        for model in profile.models.values():
            limit = f"{model.max_tokens:,} tokens" if model.max_tokens else "no token limit"
            tokenizer = model.tokenizer or model.encoding or "no tokenizer"
            lines.append(f"  - {model.name}: {'/'.join(model.formats)}; {limit}; {tokenizer}{', vision' if model.vision else ''}")
        return lines
    found = changes(profile)
    lines.append(f"compared with {BASE}:" if found else f"the same as {BASE}")
    rules = [c.text for c in found if c.aspect == "rule"]
    params = [c.text for c in found if c.aspect == "parameter"]
    lines += [f"  {c.aspect}: {c.text}" for c in found if c.aspect not in ("rule", "parameter")]
    if rules:
        lines.append("  rules (severity on openai -> here):")
        lines += [f"    {text}" for text in rules]
    if params:
        lines.append("  parameters (value on openai -> here):")
        lines += [f"    {text}" for text in params]
    return lines


def _grouped(profile: Profile, rule_changes: list[str]) -> list[str]:
    """``["JL201 off", "JL202 off", ...]``, a family (JL2) whose every rule is at one level on
    ``profile`` written once as ``"JL2xx off"``."""
    from jsonl_lint.rules import all_rules

    families: dict[str, list[str]] = {}
    for rule in all_rules().values():
        families.setdefault(rule.code[:3], []).append(_level(profile.severity(rule)))
    grouped: list[str] = []
    for change in rule_changes:
        code, level = change.split(" ", 1)
        family = code[:3]
        if set(families[family]) == {level}:
            if f"{family}xx {level}" not in grouped:
                grouped.append(f"{family}xx {level}")
        else:
            grouped.append(change)
    return grouped


def readme_table() -> str:
    """The README's profile table: one row a profile, what it changes from ``openai`` in short."""
    from jsonl_lint.profiles import all_profiles

    rows = ["| profile | what it follows | changes from `openai` |", "|---|---|---|"]
    for profile in sorted(all_profiles().values(), key=lambda p: (p.name != BASE, p.name)):
        if profile.name == BASE:
            rows.append(f"| `{profile.name}` | {profile.summary} | (the reference) |")
            continue
        found = changes(profile)
        parts = [c.short for c in found if c.aspect not in ("rule", "parameter")]
        rules = _grouped(profile, [c.short for c in found if c.aspect == "rule"])
        params = [c.short for c in found if c.aspect == "parameter"]
        if rules:
            parts.append("rules: " + ", ".join(rules))
        if params:
            parts.append("parameters: " + ", ".join(params))
        rows.append(f"| `{profile.name}` | {profile.summary} | {'; '.join(parts).replace('|', '/') or 'none'} |")
    return "\n".join(rows) + "\n"
