"""The answer corpus (tests/corpus/answers.tsv): every line parsed through the one registry."""

from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from dialogs.fields import Choice, ParseSpec, parse, types

CORPUS = Path(__file__).resolve().parents[1] / "corpus" / "answers.tsv"
TODAY = date(2025, 8, 6)


@dataclass(frozen=True)
class Case:
    """One corpus line."""

    line: int
    type: str
    text: str
    expected: dict[str, Any]
    spec: dict[str, Any]


def load_corpus(path: Path = CORPUS) -> list[Case]:
    """Every case of the corpus file, with its line number."""
    cases = []
    for n, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not raw.strip() or raw.startswith("#"):
            continue
        cols = raw.split("\t")
        assert len(cols) in (3, 4), f"line {n}: expected 3 or 4 tab-separated columns, got {len(cols)}"
        spec = json.loads(cols[3]) if len(cols) == 4 else {}
        cases.append(Case(n, cols[0], cols[1].replace("\\n", "\n"), json.loads(cols[2]), spec))
    return cases


def build(case: Case) -> tuple[str, ParseSpec, date]:
    """The text, spec and today a case describes."""
    spec = dict(case.spec)
    today = date.fromisoformat(spec.pop("today", TODAY.isoformat()))
    text = unicodedata.normalize("NFD", case.text) if spec.pop("nfd", False) else case.text
    options = tuple(Choice(o[0], o[1], tuple(o[2:])) for o in spec.pop("options", []))
    return text, ParseSpec(options=options, **spec), today


CASES = load_corpus()


def test_the_corpus_is_big_and_covers_every_type() -> None:
    assert len(CASES) >= 300
    assert {c.type for c in CASES} == set(types())
    for kind in ("value", "ask", "error"):
        assert any(kind in c.expected for c in CASES if c.type in ("integer", "money", "date"))


@pytest.mark.parametrize("case", CASES, ids=[f"{c.line}:{c.type}:{c.text[:30]}" for c in CASES])
def test_corpus(case: Case) -> None:
    text, spec, today = build(case)
    result = parse(case.type, text, spec, today)
    exp = case.expected
    got = json.dumps(result.to_json(), ensure_ascii=False)
    if "value" in exp:
        assert result.ok, f"line {case.line}: {got}"
        assert isinstance(result.value, bool) == isinstance(exp["value"], bool), f"line {case.line}: {got}"
        assert result.value == exp["value"], f"line {case.line}: {got}"
        if "display" in exp:
            assert result.display == exp["display"], f"line {case.line}: {got}"
        assert result.qualifier == exp.get("qualifier", ""), f"line {case.line}: {got}"
        assert result.approximate == bool(exp.get("qualifier")), f"line {case.line}: {got}"
    elif "ask" in exp:
        assert not result.ok and result.ask, f"line {case.line}: {got}"
        assert result.code == exp["ask"], f"line {case.line}: {got}"
        if "choices" in exp:
            assert [c.value for c in result.choices] == exp["choices"], f"line {case.line}: {got}"
    else:
        assert not result.ok and result.error and not result.ask, f"line {case.line}: {got}"
        assert result.code == exp["error"], f"line {case.line}: {got}"


PROSE = "Trong các phong trào thi đua yêu nước tại xã, nhiều tập thể và cá nhân tiêu biểu đã nổi bật. "


def _long(middle: str, size: int = 2000) -> str:
    half = (PROSE * 30)[: (size - len(middle)) // 2]
    return half + middle + " " + half


@pytest.mark.parametrize(
    ("type_name", "middle", "value"),
    [
        ("integer", "Kết quả: được khen hơn 75 tập thể.", 75),
        ("money", "với số tiền 570 triệu đồng", 570_000_000),
        ("date", "ngày 5 tháng 8 năm 2025", "2025-08-05"),
        ("yesno", "", None),
    ],
)
def test_a_long_message_is_read_around_its_figure(type_name: str, middle: str, value: Any) -> None:
    if type_name == "yesno":
        result = parse("yesno", "Có, " + _long(""), ParseSpec(), TODAY)
        assert result.ok and result.value is True
        return
    result = parse(type_name, _long(middle), ParseSpec(approximate=True), TODAY)
    assert result.ok and result.value == value


def test_a_long_message_with_one_reference_keeps_it_and_with_many_asks_for_one() -> None:
    one = parse("docref", _long("theo Kế hoạch số 337/KH-UBND ngày 29/12/2023 của UBND"), ParseSpec(), TODAY)
    assert one.ok and one.value["number"] == "337" and one.value["date"] == "2023-12-29"
    many = parse("docref", _long(" ".join(f"Kế hoạch số {n}/KH-UBND" for n in range(100, 106))), ParseSpec(), TODAY)
    assert many.code == "parse.too_long"


def test_a_long_message_with_too_many_figures_or_dates_is_not_guessed_from() -> None:
    figures = _long(", ".join(f"{n} tập thể" for n in range(10, 20)))
    assert parse("integer", figures, ParseSpec(), TODAY).code == "parse.number.too_many"
    dates = _long(", ".join(f"ngày {d}/8/2025" for d in range(1, 15)))
    assert parse("date", dates, ParseSpec(), TODAY).code == "parse.too_long"


@pytest.mark.parametrize(
    ("text", "value"),
    [
        (
            "Kế hoạch số 337/KH-UBND ngày 29/12/2023 của Ủy ban nhân dân thành phố",
            {"number": "337", "symbol": "KH-UBND", "kind": "Kế hoạch", "date": "2023-12-29",
             "issuer": "Ủy ban nhân dân thành phố"},
        ),
        # Typed without marks: kept as typed (no "Ủy ban nhân dân thanh pho" mix).
        (
            "Ke hoach so 337/KH-UBND ngay 29/12/2023 cua UBND thanh pho",
            {"number": "337", "symbol": "KH-UBND", "kind": "Kế hoạch", "date": "2023-12-29",
             "issuer": "UBND thanh pho"},
        ),
        # With its marks, the abbreviation is written out; the date after the issuer is still read.
        (
            "theo KH 337/KH-UBND của UBND thành phố ngày 29/12/2023, xã đã triển khai",
            {"number": "337", "symbol": "KH-UBND", "kind": "Kế hoạch", "date": "2023-12-29",
             "issuer": "Ủy ban nhân dân thành phố"},
        ),
        (
            "Công văn số 5270/SGDĐT-VP ngày 05/8/2025 của Sở Giáo dục và Đào tạo về việc báo cáo tổng kết",
            {"number": "5270", "symbol": "SGDĐT-VP", "kind": "Công văn", "date": "2025-08-05",
             "issuer": "Sở Giáo dục và Đào tạo"},
        ),
        ("337 / KH - UBND", {"number": "337", "symbol": "KH-UBND", "kind": "Kế hoạch", "date": None}),
        ("337/ KH-UBND", {"number": "337", "symbol": "KH-UBND", "kind": "Kế hoạch", "date": None}),
        (
            "Kế hoạch số 337 / KH - UBND ngày 29/12/2023",
            {"number": "337", "symbol": "KH-UBND", "kind": "Kế hoạch", "date": "2023-12-29"},
        ),
        # A spaced dash before an ordinary word is the sentence going on, not a part of the symbol.
        ("CV 5270/SGDĐT-VP - Công văn gửi các xã", {"number": "5270", "symbol": "SGDĐT-VP", "kind": "Công văn",
                                                    "date": None}),
    ],
)
def test_docref_keeps_its_issuer_and_a_spaced_symbol(text: str, value: dict[str, Any]) -> None:
    result = parse("docref", text, ParseSpec(), TODAY)
    assert result.ok and result.value == value


def test_docref_issuer_is_shown_after_the_date() -> None:
    result = parse("docref", "Kế hoạch số 337/KH-UBND ngày 29/12/2023 của Ủy ban nhân dân thành phố", ParseSpec(),
                   TODAY)
    assert result.display == "Kế hoạch số 337/KH-UBND ngày 29/12/2023 của Ủy ban nhân dân thành phố"


def test_docref_issuer_in_a_long_message_stops_where_the_sentence_goes_on() -> None:
    one = parse("docref", _long("theo Kế hoạch số 337/KH-UBND ngày 29/12/2023 của UBND"), ParseSpec(), TODAY)
    assert one.ok and one.value["issuer"] == "Ủy ban nhân dân"
