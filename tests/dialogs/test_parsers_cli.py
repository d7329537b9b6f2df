"""``reportbot parse TYPE TEXT`` prints the JSON shapes of DESIGN.md, with exit code 0 only when accepted."""

from __future__ import annotations

import json
from typing import Any

import pytest
from typer.testing import CliRunner

from bot.cli import app

RUNNER = CliRunner()


def run(*args: str) -> tuple[int, Any]:
    result = RUNNER.invoke(app, ["parse", *args])
    return result.exit_code, json.loads(result.stdout) if result.stdout.strip() else None


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["money", "570 trieu"], {"ok": True, "value": 570000000, "display": "570.000.000 đồng"}),
        (["integer", "75 tập thể"], {"ok": True, "value": 75, "display": "75"}),
        (["decimal", "1.234.567,5"], {"ok": True, "value": 1234567.5, "display": "1.234.567,5"}),
        (["percent", "85,5%"], {"ok": True, "value": 85.5, "display": "85,5%"}),
        (["date", "ngày 5 tháng 8 năm 2025"], {"ok": True, "value": "2025-08-05", "display": "05/8/2025"}),
        (
            ["date", "hôm qua", "--today", "2025-08-06"],
            {"ok": True, "value": "2025-08-05", "display": "05/8/2025"},
        ),
        (
            ["docref", "Ke hoach so 337/KH-UBND ngay 29/12/2023"],
            {
                "ok": True,
                "value": {"number": "337", "symbol": "KH-UBND", "kind": "Kế hoạch", "date": "2023-12-29"},
                "display": "Kế hoạch số 337/KH-UBND ngày 29/12/2023",
            },
        ),
        (["yesno", "dạ có"], {"ok": True, "value": True, "display": "Có"}),
        (["yesno", "ko"], {"ok": True, "value": False, "display": "Không"}),
        (
            ["text", "  Đã tổ chức 3 hội nghị.  "],
            {"ok": True, "value": "Đã tổ chức 3 hội nghị.", "display": "Đã tổ chức 3 hội nghị."},
        ),
        (
            ["choice", "xuat sac", "--option", "Xuất sắc=xs", "--option", "Tốt=tot"],
            {"ok": True, "value": "xs", "display": "Xuất sắc"},
        ),
        (
            ["multichoice", "1, 2", "--option", "Giáo dục", "--option", "Y tế"],
            {"ok": True, "value": ["Giáo dục", "Y tế"], "display": "Giáo dục, Y tế"},
        ),
        (
            ["integer", "hơn 650", "--approximate"],
            {"ok": True, "value": 650, "display": "hơn 650", "approximate": True},
        ),
    ],
)
def test_accepted_answers_print_value_and_display(args: list[str], expected: dict[str, Any]) -> None:
    code, out = run(*args)
    assert (code, out) == (0, expected)


def test_an_ambiguous_figure_prints_the_question_and_exits_1() -> None:
    code, out = run("integer", "1,000")
    assert code == 1
    assert out["ok"] is False and out["ask"] == "Ý anh/chị là 1.000 hay 1?"
    assert [c["value"] for c in out["choices"]] == [1000, 1]


def test_an_approximate_figure_asks_for_the_exact_one() -> None:
    code, out = run("integer", "hơn 650")
    assert code == 1 and out["ok"] is False and "650" in out["ask"]


def test_a_refused_answer_prints_the_error_and_exits_1() -> None:
    code, out = run("date", "31/02/2025")
    assert code == 1 and set(out) == {"ok", "error"} and out["ok"] is False
    assert "28" in out["error"]  # says why: February 2025 has 28 days


def test_the_range_options_reach_the_parser() -> None:
    assert run("integer", "1200", "--min", "0", "--max", "1000")[0] == 1
    assert run("integer", "1,000", "--max", "100")[1]["value"] == 1
    assert run("date", "05/8/2025", "--max", "2025-08-01")[0] == 1
    assert run("text", "ngắn", "--min-length", "10")[0] == 1


def test_file_fields_refuse_typed_text() -> None:
    code, out = run("file", "đã gửi")
    assert code == 1 and out["ok"] is False


def test_an_unknown_type_is_a_usage_error() -> None:
    result = RUNNER.invoke(app, ["parse", "colour", "red"])
    assert result.exit_code == 2 and "integer" in result.stderr


def test_a_bad_option_is_a_usage_error() -> None:
    assert RUNNER.invoke(app, ["parse", "integer", "5", "--min", "abc"]).exit_code == 2
    assert RUNNER.invoke(app, ["parse", "date", "5/8", "--today", "yesterday"]).exit_code == 2
