"""Damaged and hostile templates through the loader: every input is a list of located issues (or, stored, a
built template), never an exception other than :class:`TemplateError` for a text that is no template, and
never more than a second.

Inputs are the shipped template with its lines deleted, duplicated, swapped and cut, its values replaced by
random scalars (huge and tiny numbers, dates that do not exist, tags, control characters, catastrophic
patterns, expressions with 400-digit numbers), anchors and aliases added, bombs of aliases appended; and
random text. A template that is built leniently is then answered: each field's pattern and check run on a
few answers, and must not raise either.
"""

from __future__ import annotations

from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dialogs.conversation.checks import check_answer
from dialogs.errors import TemplateError
from dialogs.template.checks import FIELD_KEYS
from dialogs.template.issues import CATALOGUE
from dialogs.template.loader import check_text, load_shipped, load_stored_template
from dialogs.template.model import FIELD_TYPES
from tests.fuzz.cases import count

SHIPPED = load_shipped().text.splitlines()
#: Where a field starts ("- id: …"), and the indentation of its keys.
FIELD_STARTS = [(i, len(line) - len(line.lstrip()) + 2) for i, line in enumerate(SHIPPED)
                if line.lstrip().startswith("- id:")]
#: Numbers and dates that have no value, or too large a one.
NUMBERS = [
    "0", "-0", "00", "0x1F", "0o17", "1_000", "1e999", "-1e999", ".nan", ".inf", "-.inf", "9" * 400, "9" * 5000,
    "-" + "9" * 30, "0." + "0" * 30 + "1", "1e15", "999999999999999", "1000000000000000", "2021-13-45",
    "2021-02-30", "2021-01-01 25:61:61", "!!binary x", "!!timestamp 2021-99-99", "!!int 99x", "!!float abc",
    "!!int " + "9" * 5000, "3650", "3651", "-1",
]
SCALARS = [
    "", "~", "null", "yes", "no", "on", "true", *NUMBERS,
    "!!str", "!!map {}", "!!seq []", "!!set {a}", "!!omap [a: 1]", "!!python/object:os.system x", "!mine x",
    "'(a+)+$'", "'(\\d)\\1'", "'(?=a)b'", "'[0-9'", "'[^\\W\\d]+'", "'a{99999}'", "'\\p{L}+'",
    "x / 0 > 1", "x < " + "9" * 400 + " / 1", "so_tap_the * 1" + "0" * 20, "((((((((((x))))))))))",
    "{value} {so_tap_the", "{{}}", "\"\\x00\"", "\"\\ud800\"", "\"\\u202e\"", "\"\\x1b[31m\"", "\t", "\x00",
    "\x7f", "\u0085", "\ufeff", "\ufffe", "ạ" * 300, "*a", "&a x", "&a [*a]", "<<: *a", "? x", "- x", "[", "{",
    "|", ">-", "#", "%YAML 1.1", "---", "...", "@x", "`x",
]
scalar = st.one_of(st.sampled_from(NUMBERS), st.sampled_from(SCALARS),
                   st.text(st.characters(exclude_categories=()), max_size=12), st.integers().map(str),
                   st.floats().map(repr))


@st.composite
def damaged(draw: st.DrawFn) -> str:
    """The shipped template, damaged by a few random edits."""
    lines = list(SHIPPED)
    # Keys set to random values, most often: a field's, or the top's (inserted from the end, so the line
    # numbers of the fields still hold).
    for start, indent in sorted(draw(st.lists(st.sampled_from(FIELD_STARTS), min_size=1, max_size=4)), reverse=True):
        key = draw(st.sampled_from([*FIELD_KEYS, "regex", "constraint", "choices"]))
        lines.insert(start + 1, f"{' ' * indent}{key}: {draw(scalar)}")
    if draw(st.booleans()):
        key = draw(st.sampled_from(["deadline_days", "id", "version", "title", "document", "sections"]))
        lines.insert(0, f"{key}: {draw(scalar)}")
    # Lines damaged, now and then (most of these make the file unreadable as YAML: one T101).
    for _ in range(draw(st.sampled_from([0, 0, 0, 1, 2, 6]))):
        i = draw(st.integers(0, len(lines) - 1)) if lines else 0
        how = draw(st.sampled_from(["drop", "twice", "swap", "value", "key", "cut", "insert", "anchor", "alias"]))
        if not lines:
            lines = ["id: x"]
        line = lines[i]
        key, sep, _ = line.partition(": ")
        if how == "drop":
            del lines[i]
        elif how == "twice":
            lines.insert(i, line)
        elif how == "swap":
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        elif how == "value" and sep:
            lines[i] = f"{key}: {draw(scalar)}"
        elif how == "key":
            lines[i] = f"{key[: len(key) - len(key.lstrip())]}{draw(scalar)}: {line.partition(': ')[2]}"
        elif how == "cut":
            lines[i] = line[: draw(st.integers(0, len(line)))]
        elif how == "insert":
            lines.insert(i, draw(scalar))
        elif how == "anchor" and sep:
            lines[i] = f"{key}: &a {line.partition(': ')[2]}"
        elif how == "alias" and sep:
            lines[i] = f"{key}: *a"
    if draw(st.booleans()) and draw(st.integers(0, 9)) == 0:  # now and then, a bomb of aliases at the end
        lines += ["l0: &l0 [x, x, x, x, x, x, x, x, x]"] + [
            f"l{k}: &l{k} [{', '.join([f'*l{k - 1}'] * 9)}]" for k in range(1, 9)] + ["sections: [*l8, *l8]"]
    return "\n".join(lines) + draw(st.sampled_from(["\n"] * 7 + ["", "\r\n", "\n\x00"]))


texts = st.one_of(damaged(), st.text(st.characters(exclude_categories=()), max_size=200),
                  st.lists(st.sampled_from(SCALARS + SHIPPED[:40]), max_size=30).map("\n".join))

ANSWERS: list[Any] = ["", "75", "trên 75", "a" * 40 + "b", "Nguyễn Đình Biểu", "\x00", "\ud800", 10**400, -(10**18),
                      1e308, 0, True, None, ["x"], {"a": 1}]


def _answer_every_field(template: Any) -> None:
    values = {f.id: None for f in template.fields()}
    for f in template.fields():
        for column in (f, *f.fields):
            for answer in ANSWERS:
                check_answer(column, answer, values)


@settings(max_examples=600, deadline=1000, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(texts)
def test_a_damaged_template_is_issues_or_a_template_never_an_exception(text: str) -> None:
    count("loader (damaged and hostile templates)")
    issues = check_text(text, "t.yaml")
    assert all(i.code in CATALOGUE and i.fix.startswith("Hãy") for i in issues)
    try:
        template, warnings = load_stored_template(text, "t.yaml")
    except TemplateError as exc:
        assert exc.issues
        return
    assert [w.code for w in warnings] == [i.code for i in issues]
    assert all(f.type in FIELD_TYPES for f in template.fields())
    _answer_every_field(template)


LEAVES = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=8),
                   st.sampled_from(NUMBERS))
NESTED = st.recursive(LEAVES, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(
    st.sampled_from(["number", "title", "fields", "sections", "items", "id", "type", "prompt", "pattern", "check",
                     "when", "render", "options", "min", "max", "example", "signer", "subject"]),
    inner, max_size=5), max_leaves=30)


@settings(max_examples=100, deadline=1000)
@given(st.dictionaries(st.sampled_from(["id", "version", "title", "document", "deadline_days", "sections", "x"]),
                       NESTED))
def test_any_yaml_shaped_like_a_template_is_issues_never_an_exception(data: dict[str, Any]) -> None:
    count("loader (random YAML shaped like a template)")
    text = yaml.safe_dump(data, allow_unicode=True)
    check_text(text, "t.yaml")
    try:
        template, _ = load_stored_template(text, "t.yaml")
    except TemplateError:
        return
    _answer_every_field(template)
