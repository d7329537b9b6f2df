"""Every parser of the registry on hostile text: a result (value, refusal or question back) within 1 s, never an
exception; a refusal or a question always renders; a value is always JSON."""

from __future__ import annotations

import json
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dialogs.fields import Choice, ParseSpec, parse, types
from dialogs.messages import render
from tests.fuzz.cases import count

SPECS = {
    "choice": ParseSpec(options=(Choice("Tốt", "tot"), Choice("Khá, giỏi", "kha"), Choice("1", "mot"))),
    "multichoice": ParseSpec(options=(Choice("Giáo dục", "gd", ("gd",)), Choice("Y tế", "yt"),
                                      Choice("Văn hóa, xã hội", "vh"))),
    "integer": ParseSpec(min=0, max=100_000, approximate=True),
    "text": ParseSpec(min_length=5, max_length=200),
    "date": ParseSpec(min="2020-01-01", max="2030-12-31"),
}
PIECES = ["\x00", "\ud800", "\x1b[2J", "²", "⁷⁵", "７５", "٣", "1.000", "1,000", "tr", "triệu", "tỷ", "%", "ngày",
          "tháng", "năm", "/", "-", "KH-UBND", "số", "hơn", "khoảng", "không", "có", "và", ",", " ", "9" * 40,
          "\u0301", "\u202e", "𝟕", "e308", "nan", "inf", "-0", "31/02", "29/02/2024", "0/0/0"]
hostile = st.one_of(st.text(st.characters(exclude_categories=()), max_size=80),
                    st.lists(st.sampled_from(PIECES), max_size=12).map("".join))


@pytest.mark.parametrize("type_name", types())
@settings(max_examples=200, deadline=1000, suppress_health_check=[HealthCheck.too_slow])
@given(text=hostile)
def test_a_parser_answers_anything(type_name: str, text: str) -> None:
    count("parsers (hostile text per field type)")
    result = parse(type_name, text, SPECS.get(type_name, ParseSpec()), date(2025, 8, 6))
    if result.ok:
        json.dumps(result.value, ensure_ascii=False, allow_nan=False)
    else:
        assert (result.error or result.ask) and result.code
        render(result.code, result.params)
