"""Files that are not what the user thinks get one clear line, not a cascade; one bad file among
several is one line and the others are still checked; no library warning reaches stderr."""

from __future__ import annotations

import io
import json
import warnings
from collections.abc import Iterable
from pathlib import Path

import pytest

from jsonl_lint import check_file
from jsonl_lint.cli import main

GOOD = json.dumps({"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "hello"}]}) + "\n"


def rft_file(path: Path, examples: int = 12) -> Path:
    path.write_text(
        "".join(
            json.dumps(
                {
                    "messages": [{"role": "developer", "content": "Solve."}, {"role": "user", "content": f"2+{i}?"}],
                    "reference_answer": str(2 + i),
                }
            )
            + "\n"
            for i in range(examples)
        )
    )
    return path


def test_an_rft_file_checked_for_a_chat_model_is_one_problem_naming_rft_models(tmp_path: Path) -> None:
    report = check_file(rft_file(tmp_path / "rft.jsonl"), select=("JL1",))
    assert [(p.line, p.code, p.message) for p in report.problems] == [
        (
            1,
            "JL103",
            "this is a reinforcement (RFT) file, but gpt-4o-mini-2024-07-18 trains on chat (supervised) and preference (DPO); models that train on it: o4-mini-2025-04-16",
        ),
    ]
    assert check_file(tmp_path / "rft.jsonl", model="o4-mini-2025-04-16", select=("JL1",)).problems == ()


def test_a_chat_file_with_a_bad_first_record_is_still_chat(tmp_path: Path) -> None:
    path = tmp_path / "chat.jsonl"
    answered = [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "hello"}]
    path.write_text(json.dumps({"messages": answered, "weight": 1}) + "\n" + GOOD)
    report = check_file(path, select=("JL1",))
    assert report.data_format == "chat"
    assert [p.code for p in report.problems] == ["JL101"]


def test_a_missing_file_among_several_is_one_line_and_the_others_are_checked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("good.jsonl").write_text(GOOD)
    Path("folder").mkdir()
    Path("folder/inside.jsonl").write_text(GOOD)  # a folder is walked
    assert main(["check", "--select", "JL0", "good.jsonl", "folder", "missing.jsonl", "good.jsonl"]) == 2
    captured = capsys.readouterr()
    assert captured.err == "jsonl-lint: missing.jsonl: No such file or directory\n"
    assert captured.out == "Failed: no problems in 3 files, 3 records checked; 1 file could not be read.\n"


def test_a_directory_is_an_input_error_for_the_api(tmp_path: Path) -> None:
    from jsonl_lint.problems import UsageError

    with pytest.raises(UsageError, match="is a directory"):
        check_file(tmp_path)


def test_stats_reads_a_pipe(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    from jsonl_lint import stats

    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(GOOD.encode() * 3)))
    monkeypatch.setattr(stats.tokens, "encoding", lambda name: None)  # no encoding files needed
    monkeypatch.setattr(stats, "_count_block", lambda encoding, fmt, first, lines: _counted(lines))
    assert main(["stats", "--encoding", "o200k_base", "--format", "json", "-"]) == 0
    assert json.loads(capsys.readouterr().out)["examples"] == 3


def _counted(lines: object) -> object:
    from jsonl_lint.stats import Counts

    counts = Counts()
    for _ in lines:  # type: ignore[attr-defined]
        counts.examples += 1
        counts.messages.append(2)
        counts.tokens.append(10)
        counts.trained.append(5)
    return counts


def test_no_library_warning_reaches_stderr(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    from jsonl_lint.source import Source

    original = Source.sniff

    def noisy(self: Source) -> object:
        warnings.warn("a library complains", DeprecationWarning, stacklevel=1)
        return original(self)

    monkeypatch.setattr(Source, "sniff", noisy)
    monkeypatch.delenv("JSONL_LINT_DEBUG", raising=False)
    (tmp_path / "good.jsonl").write_text(GOOD)
    with warnings.catch_warnings():
        warnings.simplefilter("default")
        assert main(["check", "--select", "JL0", "--jobs", "1", str(tmp_path / "good.jsonl")]) == 0
    assert capsys.readouterr().err == ""


def test_stats_skips_a_line_over_the_configured_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from jsonl_lint import stats
    from jsonl_lint.source import LongLine

    seen: list[bytes] = []

    def counted(encoding: object, fmt: object, first: object, lines: Iterable[bytes]) -> object:
        kept = list(lines)
        seen.extend(kept)
        return _counted([line for line in kept if type(line) is not LongLine])

    monkeypatch.setattr(stats.tokens, "encoding", lambda name: None)
    monkeypatch.setattr(stats, "_count_block", counted)
    (tmp_path / "pyproject.toml").write_text("[tool.jsonl-lint]\nmax-line-bytes = 500\n")
    long = json.dumps({"messages": [{"role": "user", "content": "x" * 1000}, {"role": "assistant", "content": "y"}]}) + "\n"
    (tmp_path / "t.jsonl").write_text(GOOD + long + GOOD)
    assert main(["stats", "--encoding", "o200k_base", "--format", "json", str(tmp_path / "t.jsonl")]) == 0
    assert json.loads(capsys.readouterr().out)["examples"] == 2
    assert [type(line) is LongLine for line in seen] == [False, True, False]
