"""Dataset rules: example counts, duplicates, validation examples found in training (JL7xx)."""

from __future__ import annotations

from pathlib import Path

from conftest import found, messages_line, problems
from jsonl_lint import check_files
from jsonl_lint.cli import main


def example(i: int) -> str:
    return messages_line({"role": "user", "content": f"q{i}"}, {"role": "assistant", "content": f"a{i}"})


def dataset(n: int, start: int = 0) -> str:
    return "".join(example(i) + "\n" for i in range(start, start + n))


def test_example_counts_against_the_profile() -> None:
    assert found(dataset(9), select=("JL70",)) == [(None, None, "JL701")]
    assert found(dataset(10), select=("JL70",)) == [(None, None, "JL702")]
    assert found(dataset(49), select=("JL70",)) == [(None, None, "JL702")]
    assert found(dataset(50), select=("JL70",)) == []
    assert found(dataset(1), select=("JL70",), profile="together") == []


def test_count_messages() -> None:
    [few] = problems(dataset(7), select=("JL701",))
    assert few.message == "the file has 7 examples; openai needs at least 10"
    [some] = problems(dataset(12), select=("JL702",))
    assert some.message == "the file has 12 examples; fine-tuning usually starts to help from 50"


def test_duplicates_name_the_first_copy_whatever_the_key_order() -> None:
    reordered = '{"messages": [{"content": "q1", "role": "user"}, {"role": "assistant", "content": "a1"}]}\n'
    text = dataset(3) + reordered + example(0) + "\n"
    found_problems = problems(text, select=("JL703",))
    assert [(p.line, p.message) for p in found_problems] == [
        (4, "duplicate of the example on line 2"),
        (5, "duplicate of the example on line 1"),
    ]


def test_similar_examples_are_not_duplicates() -> None:
    assert found(example(1) + "\n" + example(1).replace("a1", "a1 ") + "\n", select=("JL703",)) == []


def test_validation_examples_found_in_training(tmp_path: Path) -> None:
    train, valid = tmp_path / "train.jsonl", tmp_path / "valid.jsonl"
    train.write_text(dataset(60))
    valid.write_text(dataset(3, start=58) + dataset(2, start=100))
    reports = check_files([train], validation=str(valid), select=("JL704",))
    assert [r.path for r in reports] == [str(train), str(valid)]
    assert [(p.path, p.line, p.message) for r in reports for p in r.problems] == [
        (str(valid), 1, f"this validation example is also in the training data ({train}, line 59)"),
        (str(valid), 2, f"this validation example is also in the training data ({train}, line 60)"),
    ]


def test_validation_option_on_the_command_line(tmp_path: Path, capsys: object) -> None:
    train, valid = tmp_path / "train.jsonl", tmp_path / "valid.jsonl"
    train.write_text(dataset(60))
    valid.write_text(dataset(1, start=5))
    code = main(["check", "--select", "JL704", str(train), "--validation", str(valid)])
    out = capsys.readouterr().out  # type: ignore[attr-defined]
    assert code == 0  # a warning
    assert out == (
        f"{valid}:1:1: warning: JL704 this validation example is also in the training data ({train}, line 6)\n"
        "Passed (no errors): 1 warning in 2 files, 61 records checked.\n"
    )
