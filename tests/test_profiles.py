"""Target profiles are data; their tables match the documented limits (../shared/docs/FORMATS.md)."""

from __future__ import annotations

import pytest

from jsonl_lint import UsageError
from jsonl_lint.cli import main
from jsonl_lint.profiles import all_profiles, get_profile
from jsonl_lint.rules.example_count import (
    FEW,
    MIN_EXAMPLES,
    RECOMMENDED_EXAMPLES,
    TOO_FEW,
)
from jsonl_lint.rules.images import (
    IMAGE_TYPES,
    INVALID_IMAGE,
    MAX_IMAGE_BYTES,
    MAX_IMAGES,
    TOO_MANY,
)

# FORMATS.md, "Limits": model -> (tokens per example, encoding, formats)
DOCUMENTED = {
    "gpt-4.1-2025-04-14": (65_536, "o200k_base", ("chat", "preference")),
    "gpt-4.1-mini-2025-04-14": (65_536, "o200k_base", ("chat", "preference")),
    "gpt-4.1-nano-2025-04-14": (32_768, "o200k_base", ("chat", "preference")),
    "gpt-4o-2024-08-06": (65_536, "o200k_base", ("chat", "preference")),
    "gpt-4o-mini-2024-07-18": (65_536, "o200k_base", ("chat", "preference")),
    "gpt-3.5-turbo-0125": (16_385, "cl100k_base", ("chat",)),
    "gpt-3.5-turbo-1106": (16_385, "cl100k_base", ("chat",)),
    "gpt-3.5-turbo-0613": (4_096, "cl100k_base", ("chat",)),
    "babbage-002": (None, "cl100k_base", ("completion",)),
    "davinci-002": (None, "cl100k_base", ("completion",)),
    "o4-mini-2025-04-16": (None, "o200k_base", ("rft",)),
}
PRICES = {
    "gpt-4.1-2025-04-14": 25.0,
    "gpt-4.1-mini-2025-04-14": 5.0,
    "gpt-4.1-nano-2025-04-14": 1.5,
    "gpt-4o-2024-08-06": 25.0,
    "gpt-4o-mini-2024-07-18": 3.0,
    "gpt-3.5-turbo-0125": 8.0,
    "davinci-002": 6.0,
    "babbage-002": 0.4,
}


@pytest.mark.parametrize("profile", ["openai", "azure-openai"])
@pytest.mark.parametrize("model", list(DOCUMENTED))
def test_openai_models_match_the_documented_limits(profile: str, model: str) -> None:
    spec = get_profile(profile).model(model)
    assert (spec.max_tokens, spec.encoding, spec.formats) == DOCUMENTED[model]
    if model in PRICES:
        assert spec.price_per_million == PRICES[model]


def test_openai_profile_limits() -> None:
    openai = get_profile("openai")
    limits = (openai.param(TOO_FEW, MIN_EXAMPLES), openai.param(FEW, RECOMMENDED_EXAMPLES), openai.param(TOO_MANY, MAX_IMAGES))
    assert limits == (10, 50, 10) and openai.param(INVALID_IMAGE, MAX_IMAGE_BYTES) == 10 * 1024 * 1024
    assert openai.param(INVALID_IMAGE, IMAGE_TYPES) == ("image/jpeg", "image/png", "image/webp")
    assert openai.default_model == "gpt-4o-mini-2024-07-18" and openai.prices_date == "2025-11"
    assert [m.name for m in openai.models.values() if m.vision] == ["gpt-4.1-2025-04-14", "gpt-4o-2024-08-06"]


def test_azure_extends_openai_with_azure_names() -> None:
    azure = get_profile("azure-openai")
    assert azure.model("gpt-35-turbo-0613").name == "gpt-3.5-turbo-0613"
    assert azure.param(TOO_FEW, MIN_EXAMPLES) == 10 and azure.roles == get_profile("openai").roles


def test_together_follows_its_sdk_checks() -> None:
    together = get_profile("together")
    assert together.roles == ("system", "user", "assistant", "tool")
    assert together.strict_alternation and together.content_parts and together.param(TOO_FEW, MIN_EXAMPLES) == 1
    model = together.model("meta-llama/Llama-3.3-70B-Instruct-Reference")
    assert model.name == "meta-llama/Llama-3.3-70B-Instruct-Reference"
    assert set(model.formats) == {"chat", "instruction", "text", "preference"} and model.max_tokens is None


def test_mistral_and_structural() -> None:
    assert get_profile("mistral").roles == ("system", "user", "assistant", "tool")
    structural = get_profile("structural")
    assert structural.rules_off == ("JL2", "JL3", "JL4", "JL5", "JL6", "JL7", "JL8")
    assert {"chat", "preference", "completion", "text", "rft", "instruction", "trl-chat"} <= set(structural.model("whatever").formats)


def test_every_profile_has_a_usable_default_model() -> None:
    for profile in all_profiles().values():
        assert profile.model(None).formats


def test_unknown_model_of_a_closed_profile() -> None:
    with pytest.raises(UsageError):
        get_profile("openai").model("llama-3")


def test_profiles_command_lists_limits(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["profiles"]) == 0
    out = capsys.readouterr().out
    assert "together: Together AI" in out
    assert main(["profiles", "openai"]) == 0
    assert "  - gpt-3.5-turbo-0613: chat; 4,096 tokens; cl100k_base\n" in capsys.readouterr().out
