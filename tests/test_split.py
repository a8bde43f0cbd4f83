"""jsonl-lint split: deterministic, disjoint, duplicates together, stable when data is appended."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from jsonl_lint.cli import main
from jsonl_lint.split import split_file


def lines(n: int, start: int = 0) -> list[str]:
    return [
        json.dumps({"messages": [{"role": "user", "content": f"q{i}"}, {"role": "assistant", "content": f"a{i}"}]}) + "\n"
        for i in range(start, start + n)
    ]


def run(tmp_path: Path, text: str, name: str = "d", **options: object) -> tuple[list[str], list[str]]:
    source, train, valid = tmp_path / f"{name}.jsonl", tmp_path / f"{name}.train.jsonl", tmp_path / f"{name}.valid.jsonl"
    source.write_text(text)
    split_file(str(source), train=str(train), validation=str(valid), **{"fraction": 0.1, **options})  # type: ignore[arg-type]
    return train.read_text().splitlines(keepends=True), valid.read_text().splitlines(keepends=True)


def test_same_input_same_bytes(tmp_path: Path) -> None:
    data = "".join(lines(500))
    assert run(tmp_path, data, "a") == run(tmp_path, data, "b")


def test_disjoint_and_complete(tmp_path: Path) -> None:
    data = lines(1000)
    train, valid = run(tmp_path, "".join(data))
    assert Counter(train) + Counter(valid) == Counter(data) and not set(train) & set(valid)
    assert 60 <= len(valid) <= 140  # about 10%


def test_duplicates_whatever_their_spelling_land_together(tmp_path: Path) -> None:
    data = lines(300)
    again = [json.dumps(json.loads(line), indent=None, separators=(",", ":"), sort_keys=True) + "\n" for line in data]
    train, _ = run(tmp_path, "".join(data + again))
    for original, respelled in zip(data, again):
        assert (original in train) == (respelled in train)


def test_appending_never_moves_existing_examples(tmp_path: Path) -> None:
    first_train, first_valid = run(tmp_path, "".join(lines(400)), "a")
    more_train, more_valid = run(tmp_path, "".join(lines(400) + lines(400, start=400)), "b")
    assert set(first_train) <= set(more_train) and set(first_valid) <= set(more_valid)


def test_seed_and_fraction(tmp_path: Path) -> None:
    data = "".join(lines(400))
    assert run(tmp_path, data, "a", seed=1) != run(tmp_path, data, "b", seed=2)
    _, valid = run(tmp_path, data, "c", fraction=0.5)
    assert 160 <= len(valid) <= 240


def test_cli_reports_sizes_and_refuses_overwriting(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "d.jsonl"
    source.write_text("".join(lines(50)) + "\n{not json\n")
    assert (
        main(
            [
                "split",
                str(source),
                "--train",
                str(tmp_path / "t.jsonl"),
                "--validation",
                str(tmp_path / "v.jsonl"),
                "--validation-fraction",
                "0.2",
            ]
        )
        == 0
    )
    err = capsys.readouterr().err
    assert err.startswith(f"{tmp_path / 't.jsonl'}: ") and "  1 blank line left out\n" in err and "  1 line is not JSON:" in err
    assert main(["split", str(source), "--train", str(source), "--validation", str(tmp_path / "v.jsonl")]) == 2
    assert capsys.readouterr().err == f"jsonl-lint: {source}: is an input file; refusing to overwrite it\n"
    assert main(["split", str(source), "--train", "a", "--validation", "b", "--validation-fraction", "1.5"]) == 2
