"""The diacritics restorer (dialogs/vietnamese/diacritics.py), its CLI, and the raw text kept in the history."""

from __future__ import annotations

import json
import re
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from bot.cli import app
from dialogs.conversation.engine import resume
from dialogs.conversation.report import Report, apply
from dialogs.effects import AnswerSaved
from dialogs.events import Pick, Start, Text
from dialogs.template.loader import load_shipped
from dialogs.vietnamese.diacritics import fold_text, lacks_diacritics, marked_share, restore
from dialogs.vietnamese.diacritics_model import shipped

MODEL = shipped()
MARKED = sorted(w for w in MODEL.vocab if w[0] != "<" and not w.isascii() and w.isalpha())
PLAIN = sorted(w for w in MODEL.vocab if w.isascii() and w.isalpha() and w[0] != "<")
NOW = datetime.fromisoformat("2025-08-06T09:00:00+07:00")


@pytest.mark.parametrize(("typed", "kind", "expected"), [
    ("ban thuong vu dang uy luon xac dinh thi dua la dong luc quan trong", "paragraph",
     "Ban Thường vụ Đảng ủy luôn xác định thi đua là động lực quan trọng."),
    ("nguyen dinh bieu", "name", "Nguyễn Đình Biểu"),
    ("ubnd xa khuc thua du, thanh pho hai phong", "line", "UBND xã Khúc Thừa Dụ, thành phố Hải Phòng"),
    ("thuc hien ke hoach 337/kh-ubnd ngay 29/12/2023 cua sgddt", "paragraph",
     "Thực hiện kế hoạch 337/KH-UBND ngày 29/12/2023 của SGDĐT."),
    ("phat trien kt-xh. hdnd xa giam sat", "paragraph", "Phát triển KT-XH. HĐND xã giám sát."),
])
def test_restores_words_abbreviations_codes_capitals_and_the_full_stop(typed: str, kind: str, expected: str) -> None:
    assert restore(typed, kind).text == expected  # type: ignore[arg-type]


def test_marked_syllables_numbers_and_unknown_words_stay_as_typed() -> None:
    result = restore("đã to chuc 3 hoi nghi voi zalo va abcxyz", force=True)
    assert result.text.startswith("Đã tổ chức 3 hội nghị")
    assert "zalo" in result.text and "abcxyz" in result.text


def test_uncertain_spans_name_a_word_of_the_text_and_other_forms_of_it() -> None:
    result = restore("ubnd xa da to chuc hoi nghi tong ket cong tac thi dua khen thuong")
    assert result.uncertain
    for span in result.uncertain:
        word = result.text[span.start:span.end]
        assert re.fullmatch(r"\w+", word)
        for alternative in span.alternatives:
            assert alternative != word and fold_text(alternative) == fold_text(word)


def test_only_text_typed_mostly_without_diacritics_is_restored() -> None:
    assert lacks_diacritics("ban hanh ke hoach thi dua")
    assert not lacks_diacritics("Ban hành kế hoạch thi đua")
    assert not lacks_diacritics("75 337/KH-UBND")  # numbers and codes alone: nothing to restore
    assert not lacks_diacritics("UBND")
    assert marked_share("Ủy ban nhân dân xã") == 0.8  # "ban" has no mark, and needs none


_SENTENCE = st.lists(st.sampled_from(MARKED), min_size=1, max_size=12).map(" ".join)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(_SENTENCE, st.sampled_from([". ", ", ", "\n", "; "])), min_size=1, max_size=5),
       st.lists(st.sampled_from(PLAIN), max_size=3), st.sampled_from(["paragraph", "line", "name"]))
def test_text_that_has_its_diacritics_comes_back_unchanged(parts: list[tuple[str, str]], plain: list[str],
                                                           kind: str) -> None:
    text = "".join(s + sep for s, sep in parts).strip() + (" " + " ".join(plain) if plain else "")
    if marked_share(text) < 0.25:
        return  # mostly unmarked: that is text typed without diacritics
    assert restore(text, kind).text == text  # type: ignore[arg-type]


@settings(max_examples=100, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(MARKED), st.sampled_from(PLAIN)), min_size=1, max_size=20))
def test_forced_restoring_never_changes_a_syllable_typed_with_marks(words: list[str]) -> None:
    result = restore(" ".join(words), "line", force=True)
    got = result.text.split()
    assert len(got) == len(words)
    for typed, out in zip(words, got, strict=True):
        if not typed.isascii():
            assert out == typed


def test_the_restored_answer_keeps_the_typed_text_as_its_raw() -> None:
    template = load_shipped()
    report, state = Report(), None
    saved: list[AnswerSaved] = []
    typed = "ban thuong vu dang uy luon xac dinh thi dua la dong luc quan trong"
    for event in (Start(), Text(typed), Text("xong"), Text("co")):
        step = resume(template, report, state, event, NOW)
        state, report = step.state, apply(report, step.effects)
        saved += [e for e in step.effects if isinstance(e, AnswerSaved)]
    assert [e.field_id for e in saved] == ["lanh_dao_chi_dao"]
    assert saved[0].record["raw"] == typed
    assert saved[0].record["value"] == "Ban Thường vụ Đảng ủy luôn xác định thi đua là động lực quan trọng."


def test_an_import_keeps_the_text_as_the_file_gives_it() -> None:
    from dialogs.conversation.importer import import_answers

    out = import_answers(load_shipped(), Report(), {"nguoi_ky": "nguyen dinh bieu"}, NOW)
    assert not out.problems
    assert out.records["nguoi_ky"].value == "nguyen dinh bieu"


def test_cli_prints_one_json_object_from_the_argument_or_standard_input() -> None:
    runner = CliRunner()
    result = runner.invoke(app, ["diacritics", "ubnd xa to chuc hoi nghi"])
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["ok"] is True and data["text"] == "UBND xã tổ chức hội nghị."
    assert all(set(u) == {"start", "end", "alternatives"} for u in data["uncertain"])
    result = runner.invoke(app, ["diacritics", "--kind", "name"], input="nguyen dinh bieu\n")
    assert json.loads(result.stdout)["text"] == "Nguyễn Đình Biểu"
    assert runner.invoke(app, ["diacritics", "  "]).exit_code == 1
    assert runner.invoke(app, ["diacritics", "--kind", "poem", "x"]).exit_code == 2


def test_a_name_typed_in_a_group_column_is_proposed_and_goes_into_the_record() -> None:
    from dialogs.answers import AnswerRecord
    from dialogs.template.loader import load_template

    template = load_template(Path(__file__).parent / "templates" / "mini.yaml")
    report = Report.of({"co_dien_hinh": AnswerRecord("answered", True, raw="có", field_type="yesno")})
    state: dict[str, Any] | None = {"schema": 2, "started": True, "group": {"field": "dien_hinh"},
                                    "wait": {"kind": "column", "field": "dien_hinh", "column": "ho_ten"}}
    step = resume(template, report, state, Text("pham thi hoa"), NOW)
    assert step.state["wait"]["kind"] == "diacritics"
    assert step.state["wait"]["choices"][0]["value"] == "Phạm Thị Hoa"
    step = resume(template, report, step.state, Pick("opt:dien_hinh:yes"), NOW)
    assert step.state["group"]["item"] == {"ho_ten": "Phạm Thị Hoa"}
    assert step.state["wait"] == {"kind": "column", "field": "dien_hinh", "column": "chuc_vu"}
