"""Target profiles: what a trainer accepts, kept as data (one TOML file per target).

A profile names the roles, limits and models of one target; a model names the formats it
trains on, its tokenizer and its token limit per example. Nothing else in the code branches
on a vendor.
"""
from __future__ import annotations

import dataclasses
import functools
import importlib.resources
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from jsonl_lint.problems import UsageError

DEFAULT_PROFILE = "openai"


@dataclass(frozen=True, slots=True, kw_only=True)
class ModelSpec:
    name: str
    formats: tuple[str, ...]
    encoding: str | None = None
    max_tokens: int | None = None
    vision: bool = False
    price_per_million: float | None = None
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class Profile:
    name: str
    summary: str
    default_model: str
    min_examples: int
    recommended_examples: int
    roles: tuple[str, ...]
    strict_alternation: bool
    content_parts: bool = True
    ignore: tuple[str, ...] = ()  # rules this target does not need (selectors, as in --ignore)
    any_model: str | None = None  # unknown model names take this entry's facts (trainers of open models)
    max_images: int | None = None
    max_image_bytes: int | None = None
    image_types: tuple[str, ...] = ()
    prices_date: str | None = None
    models: Mapping[str, ModelSpec] = field(default_factory=dict)

    def model(self, name: str | None) -> ModelSpec:
        """The model called ``name`` (or an alias of it); the profile's default for None."""
        wanted = name or self.default_model
        for spec in self.models.values():
            if wanted == spec.name or wanted in spec.aliases:
                return spec
        if self.any_model is not None:
            return dataclasses.replace(self.models[self.any_model], name=wanted, aliases=())
        known = ", ".join(self.models)
        raise UsageError(f"unknown model {wanted!r} for profile {self.name!r}; known models: {known}")

    def target(self, name: str | None, *, max_tokens: int | None = None, encoding: str | None = None) -> ModelSpec:
        """The model called ``name``, with its token limit and encoding replaced where given."""
        spec = self.model(name)
        if max_tokens is None and encoding is None:
            return spec
        spec = dataclasses.replace(spec, max_tokens=max_tokens or spec.max_tokens, encoding=encoding or spec.encoding)
        if spec.max_tokens is not None and spec.encoding is None:
            raise UsageError(f"--max-tokens needs --encoding: no tiktoken encoding is known for {spec.name}")
        return spec


def _model(name: str, table: Mapping[str, Any]) -> ModelSpec:
    return ModelSpec(
        name=name,
        formats=tuple(table["formats"]),
        encoding=table.get("encoding"),
        max_tokens=table.get("max_tokens"),
        vision=bool(table.get("vision", False)),
        price_per_million=table.get("price_per_million"),
        aliases=tuple(table.get("aliases", ())),
    )


_PROFILE_KEYS = {
    "name", "summary", "extends", "default_model", "min_examples", "recommended_examples", "roles",
    "strict_alternation", "content_parts", "ignore", "any_model", "max_images", "max_image_bytes",
    "image_types", "prices_date", "models",
}


def _profile(table: Mapping[str, Any]) -> Profile:
    unknown = set(table) - _PROFILE_KEYS
    if unknown:
        raise ValueError(f"profile {table.get('name')!r} has unknown keys: {', '.join(sorted(unknown))}")
    return Profile(
        name=table["name"],
        summary=table["summary"],
        default_model=table["default_model"],
        min_examples=table["min_examples"],
        recommended_examples=table["recommended_examples"],
        roles=tuple(table["roles"]),
        strict_alternation=table["strict_alternation"],
        content_parts=table.get("content_parts", True),
        ignore=tuple(table.get("ignore", ())),
        any_model=table.get("any_model"),
        max_images=table.get("max_images"),
        max_image_bytes=table.get("max_image_bytes"),
        image_types=tuple(table.get("image_types", ())),
        prices_date=table.get("prices_date"),
        models={name: _model(name, spec) for name, spec in table["models"].items()},
    )


def _merged(table: dict[str, Any], tables: Mapping[str, dict[str, Any]]) -> dict[str, Any]:
    """A profile's table on top of the one it ``extends``: its keys win, its models are added to
    (or, entry by entry, override) the base's models."""
    if "extends" not in table:
        return table
    base = _merged(tables[table["extends"]], tables)
    models = {**base["models"], **{name: {**base["models"].get(name, {}), **spec} for name, spec in table.get("models", {}).items()}}
    return {**base, **table, "models": models}


@functools.cache
def all_profiles() -> dict[str, Profile]:
    folder = importlib.resources.files(__name__)
    tables = {}
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".toml"):
            table = tomllib.loads(entry.read_text(encoding="utf-8"))
            tables[table["name"]] = table
    return {name: _profile(_merged(table, tables)) for name, table in tables.items()}


def get_profile(name: str | None) -> Profile:
    profiles = all_profiles()
    wanted = name or DEFAULT_PROFILE
    if wanted not in profiles:
        raise UsageError(f"unknown profile {wanted!r}; known profiles: {', '.join(profiles)}")
    return profiles[wanted]
