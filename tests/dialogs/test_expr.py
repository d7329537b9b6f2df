"""The safe expression language of ``check`` and ``when``: syntax, positions, three-valued logic, safety."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dialogs.errors import ReportbotError
from dialogs.template.expr import ExprError, compile_expr, fill, render_names

T, F, U = True, False, None  # U: unknown


@pytest.mark.parametrize("src, names", [
    ("so_ca_nhan >= so_tap_the", {"so_ca_nhan", "so_tap_the"}),
    ("co_dien_hinh == true", {"co_dien_hinh"}),
    ("not (a or b) and c != 'x'", {"a", "b", "c"}),
    ("x in [1, 2, y]", {"x", "y"}),
    ("1 + 2 * 3 > 6", set()),
])
def test_names_are_the_field_ids_read(src: str, names: set[str]) -> None:
    assert compile_expr(src).names == frozenset(names)


@pytest.mark.parametrize("src, values, expected", [
    ("so_ca_nhan >= so_tap_the", {"so_ca_nhan": 650, "so_tap_the": 75}, True),
    ("so_ca_nhan >= so_tap_the", {"so_ca_nhan": 50, "so_tap_the": 75}, False),
    ("1 + 2 * 3", {}, 7),
    ("(1 + 2) * 3", {}, 9),
    ("10 - 2 - 3", {}, 5),
    ("7 / 2", {}, 3.5),
    ("-a + 1", {"a": 4}, -3),
    ("so_tien / so_ca_nhan > 100_000", {"so_tien": 570_000_000, "so_ca_nhan": 650}, True),
    ("doi_tuong in ['hoc_sinh', 'giao_vien']", {"doi_tuong": "giao_vien"}, True),
    ("doi_tuong not in ['hoc_sinh']", {"doi_tuong": "giao_vien"}, True),
    ("'khac' in phong_trao", {"phong_trao": ["chuyen_doi_so", "khac"]}, True),
    ("ngay_ky >= '2025-08-05'", {"ngay_ky": "2025-08-06"}, True),
    ("ten == \"Nguyễn \\\"Biểu\\\"\"", {"ten": 'Nguyễn "Biểu"'}, True),
    ("co == true", {"co": True}, True),
    ("co == 1", {"co": True}, False),  # yes/no is not a number
    ("x == null", {}, True),
    ("x != null", {"x": 0}, True),
    ("x == null", {"x": 0}, False),
])
def test_evaluate(src: str, values: dict[str, Any], expected: Any) -> None:
    assert compile_expr(src).evaluate(values) == expected


@pytest.mark.parametrize("src", [
    "so_ca_nhan >= so_tap_the", "a + 1 > 2", "a * 2", "-a", "a < 'x'", "a in [1, 2]", "1 in a", "a / 0",
])
def test_missing_values_make_comparisons_and_arithmetic_unknown(src: str) -> None:
    values = {"so_ca_nhan": 650} if "so_ca_nhan" in src else {}
    if src == "a / 0":
        values = {"a": 1}  # division by zero is unknown too, never an exception
    assert compile_expr(src).evaluate(values) is None


def test_incomparable_types_are_unknown_not_an_error() -> None:
    assert compile_expr("a > b").evaluate({"a": "x", "b": 1}) is None
    assert compile_expr("a + b").evaluate({"a": "x", "b": "y"}) is None


KLEENE = [T, F, U]


@pytest.mark.parametrize("a", KLEENE)
@pytest.mark.parametrize("b", KLEENE)
def test_and_or_follow_kleene(a: bool | None, b: bool | None) -> None:
    values = {"a": a, "b": b}
    expected_and = F if F in (a, b) else (U if U in (a, b) else T)
    expected_or = T if T in (a, b) else (U if U in (a, b) else F)
    assert compile_expr("a and b").evaluate(values) is expected_and
    assert compile_expr("a or b").evaluate(values) is expected_or
    assert compile_expr("not a").evaluate(values) is (None if a is None else not a)


@pytest.mark.parametrize("src, position, fragment", [
    ("so_tap_the = 75", 11, '"=="'),
    ("a >= ", 5, "thiếu một giá trị"),
    ("(a > 1", 6, '")"'),
    ("a > 1)", 5, 'thừa ")"'),
    ("a && b", 2, '"and"'),
    ("a || b", 2, '"or"'),
    ("!a", 0, '"not"'),
    ("'không đóng", 0, "nháy"),
    ("", 0, "rỗng"),
    ("a b", 2, 'thừa "b"'),
    ("a > and", 4, 'trước "and"'),
    ("[1, 2", 5, '"]"'),
    ("a.b", 1, '"."'),
    ("len(a)", 3, 'thừa "("'),
    ("a[0]", 1, 'thừa "["'),
    ("__import__('os')", 10, 'thừa "("'),
    ("a ** 2", 3, 'trước "*"'),
    ("a @ b", 2, '"@"'),
    ("1 < 2 == true", 6, 'thừa "=="'),  # comparisons do not chain
])
def test_syntax_errors_say_what_and_where(src: str, position: int, fragment: str) -> None:
    with pytest.raises(ExprError) as info:
        compile_expr(src)
    assert info.value.position == position
    assert fragment in info.value.reason
    assert f"(ký tự {position + 1})" in str(info.value)
    assert isinstance(info.value, ReportbotError)


def test_deep_nesting_is_an_error_not_a_crash() -> None:
    with pytest.raises(ExprError):
        compile_expr("(" * 200 + "a" + ")" * 200)
    with pytest.raises(ExprError):
        compile_expr("not " * 200 + "a")
    with pytest.raises(ExprError):
        compile_expr("a" * 501)


@given(st.text(max_size=60))
def test_compile_raises_only_expr_errors(src: str) -> None:
    try:
        compile_expr(src)
    except ExprError as exc:
        assert 0 <= exc.position <= len(src)


_VALUES = st.one_of(st.none(), st.booleans(), st.integers(-10**9, 10**9), st.floats(allow_nan=False),
                    st.text(max_size=5), st.lists(st.integers(), max_size=3))


@given(a=_VALUES, b=_VALUES)
def test_evaluate_never_raises_on_any_answers(a: Any, b: Any) -> None:
    for src in ("a >= b", "a + b * 2 > 1 and not b", "a in [1, 'x'] or b == null", "a / b - 1", "b in a"):
        compile_expr(src).evaluate({"a": a, "b": b})


def test_render_names_and_fill() -> None:
    sentence = "Khen thưởng cho {so_tap_the} tập thể, {so_ca_nhan} cá nhân với số tiền {value}."
    assert render_names(sentence) == ["so_tap_the", "so_ca_nhan", "value"]
    assert fill(sentence, {"so_tap_the": "trên 75", "so_ca_nhan": "hơn 650", "value": "hơn 570 triệu đồng"}) == (
        "Khen thưởng cho trên 75 tập thể, hơn 650 cá nhân với số tiền hơn 570 triệu đồng.")
    assert render_names("{{giữ}} ngoặc") == []
    assert fill("{{giữ}} {a}", {"a": "x"}) == "{giữ} x"


@pytest.mark.parametrize("text, position", [("a {b", 2), ("a } b", 2), ("{B}", 0), ("{a.b}", 0), ("{0}", 0),
                                            ("{a!r}", 0), ("{a:>5}", 0), ("{}", 0)])
def test_render_names_refuse_malformed_placeholders(text: str, position: int) -> None:
    with pytest.raises(ExprError) as info:
        render_names(text)
    assert info.value.position == position
