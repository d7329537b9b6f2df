"""No template makes a check hang, and no answer makes a template's check raise (each case failed before).

The limits of :mod:`dialogs.template.limits` on generated templates (2 MB, 200,000 values, 1,000 sections,
2,000 fields, 500 issues), alias bombs, patterns under RE2 (the same at check time and at run time), and
bounded numbers in expressions. Nothing here is timed: the work done is counted instead.
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dialogs.conversation.checks import check_answer
from dialogs.errors import TemplateError
from dialogs.template import loader
from dialogs.template.expr import compile_expr
from dialogs.template.limits import MAX_BYTES, MAX_FIELDS, MAX_ISSUES, MAX_LEVELS, MAX_NODES, MAX_SECTIONS
from dialogs.template.loader import check_template, check_text, load_stored_template, load_template
from dialogs.template.model import Field
from dialogs.template.patterns import MAX_MATCHED, PatternError, compile_pattern
from dialogs.vietnamese.format import roman

HEAD = 'id: lon\nversion: "1"\ntitle: Mẫu lớn\ndocument: {subject: Thử}\n'


def big_template(fields: int, per_section: int = 50) -> str:
    """A valid template of ``fields`` fields, ``per_section`` to a section, like a real one: figures whose
    ``check`` and ``when`` name the field before, a render sentence, names with a ``pattern``, choices."""
    lines = [HEAD.rstrip("\n"), "sections:"]
    for i in range(fields):
        if i % per_section == 0:
            lines += [f"  - number: {roman(i // per_section + 1)}", f"    title: Mục {i // per_section + 1}",
                      "    fields:"]
        fid, previous = f"f{i}", f"f{i - 1}"
        kind = i % 4
        lines += [f"      - id: {fid}"]
        if kind == 3:
            lines += ["        type: text", f"        prompt: Họ tên người thứ {i}?",
                      "        example: Nguyễn Đình Biểu", "        pattern: '[^0-9]+'", "        required: false"]
        elif kind == 2:
            lines += ["        type: choice", f"        prompt: Cấp khen {i}?",
                      "        options: [Cấp huyện, Cấp tỉnh]"]
        else:
            lines += ["        type: integer", f"        prompt: Số tập thể {i}?", "        example: trên 75",
                      "        approximate: true", "        min: 0"]
            if i > 0 and (i - 1) % 4 in (0, 1):
                lines += [f"        check: {fid} >= 0 and ({previous} == null or {fid} <= {previous} + 1000)",
                          f"        when: {previous} != null",
                          f'        render: "Có {{value}} tập thể (trước đó {{{previous}}})."']
    return "\n".join(lines) + "\n"


def codes(issues: list[Any]) -> list[str]:
    return [i.code for i in issues]


@contextmanager
def counting(monkeypatch: pytest.MonkeyPatch, module: Any, name: str) -> Iterator[Counter[str]]:
    """Count the calls of ``module.name`` (a function the loader calls) while the block runs."""
    calls: Counter[str] = Counter()
    original: Callable[..., Any] = getattr(module, name)

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls[name] += 1
        return original(*args, **kwargs)

    monkeypatch.setattr(module, name, counted)
    yield calls
    monkeypatch.setattr(module, name, original)


# ---- the size of the file ------------------------------------------------------------------------------


def test_a_file_over_2_mb_is_refused_without_being_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "lon.yaml"
    with path.open("wb") as f:
        f.truncate(50 * 1024 * 1024)  # 50 MB (sparse): it used to be parsed for minutes
    monkeypatch.setattr(Path, "read_text", lambda *a, **k: pytest.fail("a 50 MB file was read"))
    assert codes(check_template(path)) == ["T112"]
    with pytest.raises(TemplateError) as info:
        load_template(path)
    assert codes(info.value.issues) == ["T112"] and info.value.issues[0].line == 1


def test_a_text_over_2_mb_is_refused_before_it_is_parsed() -> None:
    text = HEAD + "sections: []\n" + "# " + "ạ" * (MAX_BYTES // 2) + "\n"  # 1 M characters, but 3 MB of UTF-8
    assert len(text) < MAX_BYTES < len(text.encode("utf-8"))
    assert codes(check_text(text)) == ["T112"]
    with pytest.raises(TemplateError):
        load_stored_template(text, "t.yaml")


def test_more_yaml_values_than_the_bound_are_refused_before_they_are_read(monkeypatch: pytest.MonkeyPatch) -> None:
    text = big_template(1) + "ghi_chu: [" + ",".join("1" * MAX_NODES) + "]\n"  # 400 KB
    assert len(text.encode("utf-8")) < MAX_BYTES
    with counting(monkeypatch, loader, "read_field") as calls:
        assert codes(check_text(text)) == ["T112"]
    assert calls["read_field"] == 0
    with pytest.raises(TemplateError):
        load_stored_template(text, "t.yaml")


@pytest.mark.parametrize("text", ["\ud800", HEAD + "x: \udfff\n", HEAD + "\x00", HEAD + "x: \ufffe\n"])
def test_a_text_no_file_can_hold_is_one_yaml_issue(text: str) -> None:
    assert codes(check_text(text)) == ["T101"]  # a lone surrogate raised UnicodeEncodeError inside libyaml
    with pytest.raises(TemplateError):
        load_stored_template(text, "t.yaml")


# ---- aliases -------------------------------------------------------------------------------------------


def alias_bomb(levels: int) -> str:
    """A "billion laughs": each level a section whose sub-sections are nine aliases of the level below."""
    lines = [HEAD.rstrip("\n"), "l0: &l0 {number: I, title: T, fields: [{id: a, type: text, prompt: Viết?}]}"]
    for i in range(1, levels + 1):
        lines.append(f"l{i}: &l{i} {{number: I, title: T, sections: [{', '.join([f'*l{i - 1}'] * 9)}]}}")
    lines.append(f"sections: [{', '.join([f'*l{levels}'] * 9)}]")
    return "\n".join(lines) + "\n"


def test_an_alias_bomb_is_refused_without_being_walked(monkeypatch: pytest.MonkeyPatch) -> None:
    text = alias_bomb(9)  # 1 KB that expands to 9^10 sections: it took > 120 s and 2 GB
    assert len(text) < 1100
    with counting(monkeypatch, loader, "read_field") as calls:
        issues = check_text(text, "bom.yaml")
    assert [(i.code, i.line) for i in issues] == [("T111", 6)]  # the first alias, "*l0"
    assert calls["read_field"] == 0
    with pytest.raises(TemplateError) as info:
        load_stored_template(text, "bom.yaml")
    assert codes(info.value.issues) == ["T111"]


def test_a_small_alias_is_an_issue_but_a_stored_template_using_one_still_loads() -> None:
    text = big_template(3).replace("options: [Cấp huyện, Cấp tỉnh]", "options: &cap [Cấp huyện, Cấp tỉnh]")
    text += "  - number: II\n    title: Hai\n    fields:\n"
    text += "      - {id: cap2, type: choice, prompt: Cấp?, options: *cap}\n"
    assert codes(check_text(text)) == ["T111"]
    template, warnings = load_stored_template(text, "t.yaml")
    assert codes(warnings) == ["T111"]
    assert template.field("cap2").options == template.field("f2").options


# ---- sections, fields, depth and issues --------------------------------------------------------------


def test_2000_fields_check_clean_and_the_2001st_is_one_issue_and_never_read(monkeypatch: pytest.MonkeyPatch) -> None:
    assert check_text(big_template(MAX_FIELDS)) == []
    text = big_template(MAX_FIELDS + 1)
    with counting(monkeypatch, loader, "read_field") as calls:
        issues = check_text(text)
    assert [(i.code, i.line) for i in issues] == [("T316", text.splitlines().index(f"      - id: f{MAX_FIELDS}") + 1)]
    assert calls["read_field"] == MAX_FIELDS
    template, warnings = load_stored_template(text, "t.yaml")
    assert codes(warnings) == ["T316"] and len(template.fields()) == MAX_FIELDS


def test_group_columns_count_as_fields() -> None:
    columns = ", ".join(f"{{id: c{i}, type: text, prompt: Cột {i}?}}" for i in range(MAX_FIELDS))
    text = HEAD + "sections:\n  - number: I\n    title: T\n    fields:\n"
    text += f"      - {{id: g, type: group, prompt: Nhóm?, fields: [{columns}]}}\n"
    assert codes(check_text(text)) == ["T316"]  # the group and its 2,000 columns are 2,001 fields


def test_1001_sections_are_one_issue_and_the_later_ones_are_not_read() -> None:
    sections = [f"  - {{number: {roman(i + 1)}, title: Mục, fields: [{{id: f{i}, type: text, prompt: Hỏi?}}]}}"
                for i in range(MAX_SECTIONS + 5)]
    text = HEAD + "sections:\n" + "\n".join(sections) + "\n"
    issues = check_text(text)
    assert [(i.code, i.line) for i in issues] == [("T208", 6 + MAX_SECTIONS)]
    template, _ = load_stored_template(text, "t.yaml")
    assert len(template.sections) == MAX_SECTIONS


def test_sections_nested_500_deep_are_issues_not_a_recursion_error() -> None:
    section = "{number: a, title: T, fields: [{id: a, type: text, prompt: Hỏi?}]}"
    for _ in range(480):  # about as deep as YAML allows (1,000 levels of nesting)
        section = f"{{number: a, title: T, sections: [{section}]}}"
    issues = check_text(HEAD + f"sections: [{section}]\n")
    assert Counter(codes(issues))["T205"] == MAX_LEVELS - 2  # levels 4 to 7; nothing below 7 is read


def test_past_500_issues_the_rest_are_counted_in_one_last_issue() -> None:
    text = HEAD + "sections: [{number: I, title: T, fields: [{id: a, type: text, prompt: Hỏi?}]}]\n"
    text += "".join(f"khoa_{i}: 1\n" for i in range(MAX_ISSUES + 100))
    issues = check_text(text)
    assert Counter(codes(issues)) == {"T104": MAX_ISSUES, "T113": 1}
    assert issues[-1].code == "T113" and "100" in issues[-1].message
    assert issues[-1].line == 6 + MAX_ISSUES  # where the first issue not listed is


# ---- linear in the number of fields: the work is counted, not timed ------------------------------------


def calls_to_check(text: str) -> int:
    """Python and C function calls made by ``check_text(text)`` (a measure of the work done)."""
    calls = 0

    def profile(frame: Any, event: str, arg: Any) -> None:
        nonlocal calls
        if event in ("call", "c_call"):
            calls += 1

    sys.setprofile(profile)
    try:
        check_text(text)
    finally:
        sys.setprofile(None)
    return calls


def test_the_work_of_a_check_grows_linearly_with_the_number_of_fields() -> None:
    small, large = calls_to_check(big_template(250)), calls_to_check(big_template(1000))
    # Four times the fields, four times the calls (a quadratic check would make sixteen).
    assert 3.5 * small < large < 4.5 * small


# ---- patterns: RE2, linear in the answer, the same at check time and at run time -----------------------


def _no_backtracking(monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("a pattern was matched by Python's backtracking re")

    for name in ("fullmatch", "match", "search"):
        monkeypatch.setattr(re, name, boom)


def _field(pattern: str, example: str = "") -> Field:
    return Field(id="ma", type="text", prompt="Mã?", pattern=pattern, example=example)


def test_a_catastrophic_pattern_is_checked_in_linear_time(monkeypatch: pytest.MonkeyPatch) -> None:
    _no_backtracking(monkeypatch)
    answer = "a" * 30 + "b"  # one turn took 57 s with re.fullmatch
    assert check_answer(_field("(a+)+$"), answer, {}) == {"msg": "engine.pattern_failed", "params": {"example": "—"}}
    assert check_answer(_field("(a+)+$"), "a" * MAX_MATCHED, {}) is None
    text = big_template(4).replace("pattern: '[^0-9]+'", "pattern: '(a+)+$'").replace(
        "example: Nguyễn Đình Biểu", f"example: {'a' * 5000}b")
    assert codes(check_text(text)) == ["T312"]  # the example hung "template check"


def test_an_answer_longer_than_the_bound_never_matches() -> None:
    assert compile_pattern("a+").fullmatch("a" * MAX_MATCHED)
    assert not compile_pattern("a+").fullmatch("a" * (MAX_MATCHED + 1))


@pytest.mark.parametrize("pattern, code", [
    (r"(\d)\1", "T315"), (r"(?P<x>a)(?P=x)", "T315"), (r"(?=.*\d).+", "T315"), (r"(?<!a)b", "T315"),
    (r"(?>a+)", "T315"), (r"a++", "T315"), (r"(\p{L}{30}){30}", "T315"), (r"(\w{50}){50}", "T315"),
    (r"a{1001}", "T315"), ("a" * 1001, "T315"), (r"[^\W\d]+", "T315"), (r"[\S]", "T315"),
    ("[0-9", "T309"), ("(a", "T309"), ("a{2,1}", "T309"),
])
def test_a_pattern_re2_cannot_run_is_a_located_issue_and_left_out_when_stored(pattern: str, code: str) -> None:
    with pytest.raises(PatternError) as info:
        compile_pattern(pattern)
    assert info.value.code == code
    text = big_template(4).replace("pattern: '[^0-9]+'", f"pattern: '{pattern}'")
    issues = check_text(text)
    assert [(i.code, i.field) for i in issues] == [(code, "f3")]
    assert issues[0].fix.startswith("Hãy")
    template, _ = load_stored_template(text, "t.yaml")
    assert template.field("f3").pattern is None


PYTHON_PATTERNS = [r"[^0-9]+", r"\w+( \w+)*", r"\d{1,4}/[A-ZĐ]+(-[A-ZĐ]+)*", r"\s*\S+\s*", r"[\w.-]+@[\w-]+\.\w+",
                   r"(?i)xã [\w ]+", r"\D+", r"[\D\s]+", r"\W*", r"x\Z", r"\u0111\w*", r"[]a]+", r"[^]a]+", r"\\w"]
ANSWERS = st.one_of(
    st.text(st.sampled_from("aĐđễ Ểx0١9٣_-./@\t\u3000\xa0\\]w"), max_size=12),
    st.sampled_from(["Nguyễn Đình Biểu", "337/KH-UBND", "Xã Khúc Thừa Dụ", "xã kiến thụy", "١٢٣", "a@b.vn",
                     "đường", "x", "\\w", "]]a", "  ", "ab c"]),
)


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(PYTHON_PATTERNS), ANSWERS)
def test_re2_reads_python_patterns_as_python_does(pattern: str, answer: str) -> None:
    assert compile_pattern(pattern).fullmatch(answer) == (re.fullmatch(pattern, answer) is not None)


@settings(max_examples=100, deadline=None)
@given(st.sampled_from(PYTHON_PATTERNS), ANSWERS.filter(lambda a: a.strip() == a and a and a[0] not in "-[{"))
def test_an_example_passes_template_check_exactly_when_the_bot_accepts_it(pattern: str, example: str) -> None:
    text = HEAD + "sections:\n  - number: I\n    title: T\n    fields:\n      - id: ma\n        type: text\n" \
        f"        prompt: Mã?\n        pattern: '{pattern.replace(chr(39), chr(39) * 2)}'\n" \
        f"        example: \"{example.replace(chr(92), chr(92) * 2)}\"\n"
    example_refused = "T312" in codes(check_text(text))
    answer_refused = check_answer(_field(pattern, example), example, {}) is not None
    assert example_refused == answer_refused


def test_the_bot_and_template_check_use_one_compiled_pattern(monkeypatch: pytest.MonkeyPatch) -> None:
    _no_backtracking(monkeypatch)
    text = big_template(4)
    assert check_text(text) == []  # the example "Nguyễn Đình Biểu" matched without Python's re
    assert check_answer(_field("[^0-9]+"), "Nguyễn Đình Biểu", {}) is None
    assert check_answer(_field("[^0-9]+"), "Nguyễn 2", {}) is not None


# ---- numbers of expressions and bounds -----------------------------------------------------------------


def test_a_stored_check_with_a_400_digit_number_is_left_out_and_the_field_can_be_answered() -> None:
    text = big_template(1).replace("min: 0", f"check: f0 < {'9' * 400} / 1")
    assert codes(check_text(text)) == ["T406"]
    template, warnings = load_stored_template(text, "t.yaml")
    assert codes(warnings) == ["T406"]
    assert check_answer(template.field("f0"), 75, {}) is None  # raised OverflowError on every answer


HUGE = st.one_of(st.integers(), st.integers(10**15, 10**400), st.floats(), st.none(), st.booleans(),
                 st.sampled_from([10**400, -(10**400), float("inf"), float("nan"), 1e308, -0.0, 0, 0.0, "x"]))
EXPRESSIONS = ["a / b > 1", "a * b * b * b > a", "a - b == 0", "-a < b / 3", "(a + 1) / (b - b) > 0",
               "a * 999999999999999 * 999999999999999 > 1", "a / 0.000000000000001 > b", "a in [b, 1] or a > b",
               "not (a >= b) and a + b != 1"]


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(EXPRESSIONS), HUGE, HUGE)
def test_evaluate_never_raises_whatever_the_numbers(src: str, a: Any, b: Any) -> None:
    assert compile_expr(src).evaluate({"a": a, "b": b}) in (True, False, None)


@pytest.mark.parametrize("src", ["a / b > 1", "a * 2 > 1", "a - 1 < 0", "-a < 0"])
def test_arithmetic_on_a_number_too_large_is_unknown(src: str) -> None:
    assert compile_expr(src).evaluate({"a": 10**400, "b": 1}) is None


ONE_FIGURE = HEAD.replace("{", "{{").replace("}", "}}") + """deadline_days: {deadline_days}
sections:
  - number: I
    title: Mục một
    fields:
      - id: so
        type: integer
        prompt: Bao nhiêu?
        min: {min}
        max: {max}
        example: {example}
"""
GOOD = {"deadline_days": "14", "min": "0", "max": "1000", "example": "75"}


@pytest.mark.parametrize("value", ["2021-13-45", "2021-02-30", "9" * 5000, ".nan", ".inf", "-.inf", "1e999",
                                   "!!binary x", "!!timestamp 2021-99-99", "!!int 99x", "!!float abc"])
@pytest.mark.parametrize("key", sorted(GOOD))
def test_a_scalar_with_no_value_is_an_issue_not_an_exception(key: str, value: str) -> None:
    text = ONE_FIGURE.format(**{**GOOD, key: value})  # most raised ValueError or InvalidOperation before
    issues = check_text(text)
    template, warnings = load_stored_template(text, "t.yaml")
    assert codes(warnings) == codes(issues)
    field = template.field("so")
    assert all(b is None or abs(b) < 10**15 for b in (field.min, field.max))
    assert check_answer(field, 75, {}) is None


def test_a_tagged_scalar_pyyaml_cannot_build_is_an_issue_not_a_crash() -> None:
    """``min: !!timestamp abc`` made PyYAML raise AttributeError inside the check (found by the CLI tests)."""
    from dialogs.template.loader import check_text

    text = (Path(__file__).resolve().parents[1] / "bot" / "templates" / "tiny.yaml").read_text(encoding="utf-8")
    issues = check_text(text.replace("        min: 0", "        min: !!timestamp abc"))
    assert issues and all(issue.code.startswith("T") for issue in issues)
