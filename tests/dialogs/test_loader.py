"""The template loader: every broken template reports its located issues; the shipped one loads clean."""

from __future__ import annotations

import re
from collections import Counter
from datetime import datetime
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dialogs.errors import TemplateError
from dialogs.template.checks import FIELD_KEYS, resolve_type
from dialogs.template.issues import CATALOGUE
from dialogs.template.loader import (
    check_template,
    check_text,
    find_template,
    load_shipped,
    load_stored_template,
    load_template,
    load_template_text,
    shipped_templates,
)
from dialogs.template.model import FIELD_TYPES, Section
from dialogs.vietnamese.text import fold, squash, strip_diacritics

REPO = Path(__file__).resolve().parents[2]
BROKEN = Path(__file__).parent / "broken_templates"
SAMPLES = REPO / "tests" / "data" / "samples"  # copies of the two real reports in shared/samples
DATA = REPO / "tests" / "data"
BROKEN_FILES = sorted(BROKEN.glob("*.yaml"))
_EXPECT = re.compile(r"#\s*expect:\s*(T\d{3})(.*)")


def expectations(path: Path) -> list[tuple[str, int, str, str, str | None]]:
    """The ``# expect: CODE line=N section=S field=F suggestion=W`` lines at the top of a broken template."""
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        m = _EXPECT.match(line)
        if not m:
            continue
        attrs = dict(re.findall(r"(\w+)=(.+?)(?=\s+\w+=|$)", m.group(2).strip()))
        out.append((m.group(1), int(attrs.get("line", 0)), attrs.get("section", ""), attrs.get("field", ""),
                    attrs.get("suggestion")))
    return out


def test_there_are_enough_broken_templates() -> None:
    assert len(BROKEN_FILES) >= 12
    assert all(expectations(p) for p in BROKEN_FILES), "every broken template names its expected issues"


@pytest.mark.parametrize("path", BROKEN_FILES, ids=[p.stem for p in BROKEN_FILES])
def test_broken_template_reports_its_located_issues(path: Path) -> None:
    issues = check_template(path)
    got = Counter((i.code, i.line, i.section, i.field, i.suggestion) for i in issues)
    assert got == Counter(expectations(path))
    for issue in issues:
        assert issue.file == str(path)
        assert issue.code in CATALOGUE
        assert issue.fix.startswith("Hãy")
        assert str(issue).startswith(f"{path}:{issue.line}:")
        if issue.suggestion:
            assert f'"{issue.suggestion}"' in str(issue)


def test_every_code_has_a_broken_template() -> None:
    covered = {code for p in BROKEN_FILES for code, *_ in expectations(p)}
    # T102 (missing file) is tested below; the limits of a large file (T112 2 MB, T113 500 issues, T208 1,000
    # sections, T316 2,000 fields) on generated texts, in tests/dialogs/test_template_limits.py.
    assert set(CATALOGUE) - covered == {"T102", "T112", "T113", "T208", "T316"}


def test_several_problems_in_one_file_are_all_reported_in_line_order() -> None:
    issues = check_template(BROKEN / "many_problems.yaml")
    assert len({i.code for i in issues}) >= 7
    assert [i.line for i in issues] == sorted(i.line for i in issues)
    with pytest.raises(TemplateError) as info:
        load_template(BROKEN / "many_problems.yaml")
    assert [i.code for i in info.value.issues] == [i.code for i in issues]
    assert "T303" in str(info.value) and "T402" in str(info.value)


def test_missing_file_is_one_issue_not_an_exception(tmp_path: Path) -> None:
    issues = check_template(tmp_path / "khong_co.yaml")
    assert [i.code for i in issues] == ["T102"]
    with pytest.raises(TemplateError) as info:
        load_template(tmp_path / "khong_co.yaml")
    assert info.value.issues[0].code == "T102"
    with pytest.raises(TemplateError):
        load_shipped("khong_co_mau_nay")
    with pytest.raises(TemplateError):
        find_template("khong_co_mau_nay")


def test_find_template_accepts_a_path_or_a_shipped_name(tmp_path: Path) -> None:
    assert find_template("tdkt_5nam_2021_2025") == shipped_templates()[0]
    own = tmp_path / "x.yaml"
    own.write_text("id: x\n", encoding="utf-8")
    assert find_template(own) == own


MINIMAL = """\
id: thu
version: "1"
title: Thử
document: {subject: Thử}
sections:
  - number: I
    title: Mục một
    fields:
%s
"""


def _one_field(lines: str) -> str:
    return MINIMAL % "\n".join("      " + line for line in lines.strip("\n").splitlines())


@pytest.mark.parametrize("spelling, canonical", [
    ("multi_choice", "multichoice"), ("Multiple-choice", "multichoice"), ("yes/no", "yesno"),
    ("boolean", "yesno"), ("number", "integer"), ("repeat", "group"), ("photo", "file"), ("tiền", "money"),
])
def test_type_aliases_map_to_one_canonical_type(spelling: str, canonical: str) -> None:
    assert resolve_type(spelling) == canonical
    options = "\n  options: [Một, Hai]" if canonical in ("choice", "multichoice") else ""
    columns = "\n  fields: [{id: ten, type: text, prompt: Tên}]" if canonical == "group" else ""
    text = _one_field(f"- id: a\n  type: {spelling}\n  prompt: Hỏi{options}{columns}")
    assert load_template_text(text, "t.yaml").field("a").type == canonical


def test_key_aliases_and_plain_string_options() -> None:
    text = _one_field("""
- id: co
  type: yesno
  label: Có không?
- id: cap
  type: choice
  question: Cấp nào?
  condition: co == true
  choices: [UBND cấp huyện, "Các cấp"]
""")
    t = load_template_text(text, "t.yaml")
    cap = t.field("cap")
    assert (cap.prompt, cap.when) == ("Cấp nào?", "co == true")
    assert [(o.value, o.label) for o in cap.options] == [("ubnd_cap_huyen", "UBND cấp huyện"), ("cac_cap", "Các cấp")]


def test_items_keep_fields_and_subsections_in_document_order() -> None:
    text = MINIMAL.replace("    fields:\n%s\n", """\
    items:
      - {id: truoc, type: text, prompt: Trước}
      - number: 1
        title: Tiểu mục
        fields: [{id: giua, type: text, prompt: Giữa}]
      - {id: sau, type: text, prompt: Sau}
""")
    t = load_template_text(text, "t.yaml")
    assert [f.id for f in t.fields()] == ["truoc", "giua", "sau"]
    assert [f.section for f in t.fields()] == ["I", "I.1", "I"]
    assert t.section("I.1").title == "Tiểu mục"


def test_vietnamese_letter_numbering_is_accepted() -> None:
    subs = "\n".join(f"          - {{number: {n}, title: Điểm {n}, intro: Chữ}}" for n in "abcdđe")
    text = MINIMAL.replace("    fields:\n%s\n", f"""\
    sections:
      - number: 1
        title: Tiểu mục
        sections:
{subs}
""")
    assert check_text(text) == []


def test_empty_yaml_reports_missing_keys_not_a_crash() -> None:
    codes = {i.code for i in check_text("")}
    assert "T105" in codes


# ---- the shipped template ----------------------------------------------------------------------------


def test_shipped_template_loads_clean() -> None:
    paths = shipped_templates()
    assert [p.stem for p in paths] == ["tdkt_5nam_2021_2025"]
    assert check_template(paths[0]) == []
    t = load_shipped()
    assert t.version == "2025.2"
    assert t.text == paths[0].read_text(encoding="utf-8")
    assert len(t.digest) == 64 and t.digest == load_template(paths[0]).digest
    assert t.source == str(paths[0])


def test_shipped_template_has_the_figures_and_their_sentence() -> None:
    t = load_shipped()
    for fid, ftype, unit in (("so_tap_the", "integer", "tập thể"), ("so_ca_nhan", "integer", "cá nhân"),
                             ("so_tien_khen_thuong", "money", "")):
        f = t.field(fid)
        assert (f.type, f.unit, f.approximate, f.section) == (ftype, unit, True, "IV.2")
    assert t.field("so_ca_nhan").check == "so_ca_nhan >= so_tap_the"
    sentence = t.field("cap_khen_thuong").render or ""
    from exporters.render import fill  # the sentence has optional parts "[…|…]" that only the exporter reads

    filled = fill(sentence, dict(value="UBND cấp huyện", so_tap_the="trên 75", so_ca_nhan="hơn 650",
                                 so_tien_khen_thuong="hơn 570 triệu đồng", unit_kind="xã"))
    assert filled == ("Hằng năm, xã đã đề nghị và được UBND cấp huyện khen thưởng cho trên 75 tập thể, hơn 650 "
                      "cá nhân với số tiền hơn 570 triệu đồng.")


def test_shipped_template_uses_every_kind_of_question() -> None:
    t = load_shipped()
    types = {f.type for f in t.fields()}
    assert {"text", "integer", "money", "date", "docref", "choice", "multichoice", "yesno", "group"} <= types
    group = t.field("dien_hinh_tien_tien")
    assert group.when == "co_dien_hinh == true"
    assert [c.id for c in group.fields] == ["ho_ten", "doi_tuong", "chuc_vu_don_vi", "thanh_tich"]
    assert t.field("ke_hoach_xhht").example.startswith("337/KH-UBND")
    assert t.meta.signer.name_field == "nguoi_ky"
    assert not t.section("VI").in_report
    assert t.meta.request == "Công văn số 5270/SGDĐT-VP ngày 05/8/2025 của Sở Giáo dục và Đào tạo"
    assert t.meta.noi_nhan == ("Sở GD&ĐT (b/c)", "Lãnh đạo UBND", "Lưu: VT, VHXH")
    assert all(re.fullmatch(r"[a-z][a-z0-9_]*", f.id) for f in t.fields())


def test_shipped_template_text_is_nfc_with_diacritics() -> None:
    import unicodedata

    text = shipped_templates()[0].read_text(encoding="utf-8")
    assert unicodedata.normalize("NFC", text) == text
    for f in load_shipped().fields():
        assert strip_diacritics(f.prompt) != f.prompt, f.id  # every prompt is written with diacritics


def _sample_headings(text: str) -> list[tuple[str, str]]:
    """``(number, following text)`` for every heading of a sample report, in order."""
    joined = squash(" ".join(text.splitlines()))
    marks = list(re.finditer(r"(?:^|(?<=\s))([IVX]+|[1-9])\.\s+(?=[A-ZĐÀ-Ỹ])", joined))
    return [(m.group(1), joined[m.end():m.end() + 300]) for m in marks]


def test_shipped_headings_equal_sample_003_headings_in_order() -> None:
    sample = _sample_headings((SAMPLES / "003_6eaa83ca13db2d54.txt").read_text(encoding="utf-8"))
    printed: list[Section] = [s for s in load_shipped().all_sections() if s.in_report]
    assert [n for n, _ in sample] == [s.number for s in printed]
    for (_, following), section in zip(sample, printed, strict=True):
        # Folding forgives case (IV. KẾT QUẢ …) and the sample's own typo (điền hình → điển hình).
        assert fold(following).startswith(fold(section.title)), section.path


# ---- the answer files of the samples -------------------------------------------------------------------


@pytest.mark.parametrize("name", ["sample_003_answers.yaml", "sample_000_answers.yaml"])
def test_answer_files_name_real_fields_and_every_required_question(name: str) -> None:
    from dialogs.template.expr import compile_expr

    t = load_shipped()
    answers = yaml.safe_load((DATA / name).read_text(encoding="utf-8"))
    assert set(answers) <= {f.id for f in t.fields()}
    values = {k: _rough_value(t.field(k).type, v) for k, v in answers.items()}
    asked = [f for f in t.fields() if f.when is None or compile_expr(f.when).evaluate(values) is True]
    missing = {f.id for f in asked if f.required and f.id not in answers}
    assert missing <= {"nguoi_ky"}  # sample 000's OCR lost the signature
    not_asked = {f.id for f in t.fields() if f not in asked}
    assert not (not_asked & set(answers)), "answers to questions the bot would not ask"


def _rough_value(ftype: str, answer: object) -> object:
    """Enough of a value for ``when`` conditions: yes/no, and ``None`` for "không có"."""
    text = fold(str(answer))
    if text == "khong co":
        return None
    if ftype == "yesno":
        return text in ("co", "yes")
    return answer


def test_sample_003_answers_hold_its_facts() -> None:
    answers = yaml.safe_load((DATA / "sample_003_answers.yaml").read_text(encoding="utf-8"))
    assert (answers["so_tap_the"], answers["so_ca_nhan"], answers["so_tien_khen_thuong"]) == (
        "trên 75", "hơn 650", "hơn 570 triệu")
    assert answers["nguoi_ky"] == "Nguyễn Đình Biểu"
    assert fold(answers["co_dien_hinh"]) == "khong"
    assert "kinh tế - xã hội, quốc phòng - an ninh" in answers["uu_diem"]
    assert len(answers["de_xuat_kien_nghi"].splitlines()) == 6


def test_sample_000_answers_are_typed_without_diacritics() -> None:
    raw = (DATA / "sample_000_answers.yaml").read_text(encoding="utf-8")
    answers = yaml.safe_load(raw)
    assert all(strip_diacritics(str(v)) == str(v) for v in answers.values())
    assert answers["ke_hoach_xhht"] == "337/KH-UBND ngay 29/12/2023"
    assert {answers[k] for k in ("so_tap_the", "so_ca_nhan", "so_tien_khen_thuong")} == {"khong co"}


@pytest.mark.parametrize("name", ["sample_003_answers.yaml", "sample_000_answers.yaml"])
def test_sample_answers_import_cleanly_into_the_shipped_template(name: str) -> None:
    from dialogs.conversation import importer
    raw = yaml.safe_load((DATA / name).read_text(encoding="utf-8"))
    from dialogs.conversation.report import Report

    imported = importer.import_answers(load_shipped(), Report(), raw, datetime(2025, 8, 6, 9, 0))
    records, problems = imported.records, imported.problems
    assert [(p.field_id, p.message) for p in problems] == []
    assert set(records) == set(raw)
    if name == "sample_003_answers.yaml":
        figures = [(records[k].value, records[k].qualifier) for k in ("so_tap_the", "so_ca_nhan",
                                                                       "so_tien_khen_thuong")]
        assert figures == [(75, "trên"), (650, "hơn"), (570_000_000, "hơn")]
        assert records["cap_khen_thuong"].value == "ubnd_cap_huyen"
    else:
        assert records["ke_hoach_xhht"].value["symbol"] == "KH-UBND"
        assert records["ngay_bao_cao"].value == "2025-08-06"
        assert {records[k].status for k in ("so_tap_the", "so_ca_nhan", "so_tien_khen_thuong")} == {"none"}


# ---- the reference documents every key, type and code ---------------------------------------------------


def test_format_reference_documents_every_key_type_and_code() -> None:
    doc = (REPO / "docs" / "template-format.md").read_text(encoding="utf-8")
    for word in (*FIELD_KEYS, *FIELD_TYPES, *CATALOGUE):
        assert f"`{word}`" in doc, word


# ---- stored templates load leniently: issues become warnings ---------------------------------------------

# Each would be refused today when a campaign opens, but may be stored by an older, laxer reportbot.
STRICTER = {
    "T308": """
- id: xep_loai
  type: choice
  prompt: Xếp loại nào?
  options: [{value: tot, label: Tốt}, {value: tot_2, label: tốt}]""",
    "T402": """
- id: so_tap_the
  type: integer
  prompt: Số tập thể?
  check: so_tap_the <= so_don_vi""",
    "T312": """
- id: so_tap_the
  type: integer
  prompt: Số tập thể?
  max: 10
  example: "75\"""",
}


@pytest.mark.parametrize("code", sorted(STRICTER))
def test_a_stored_template_loads_with_its_issues_as_warnings_but_a_new_one_is_refused(code: str) -> None:
    text = _one_field(STRICTER[code])
    with pytest.raises(TemplateError) as info:
        load_template_text(text, "t.yaml")
    assert [i.code for i in info.value.issues] == [code]
    template, warnings = load_stored_template(text, "t.yaml")
    assert [w.code for w in warnings] == [code]
    assert warnings[0].line > 0 and str(warnings[0]).startswith("t.yaml:")
    assert template.id == "thu" and [f.id for f in template.fields()] == [STRICTER[code].split()[2]]


def test_a_stored_template_keeps_its_duplicate_options_and_unknown_names() -> None:
    template, _ = load_stored_template(_one_field(STRICTER["T308"]), "t.yaml")
    assert [o.value for o in template.field("xep_loai").options] == ["tot", "tot_2"]
    template, _ = load_stored_template(_one_field(STRICTER["T402"]), "t.yaml")
    assert template.field("so_tap_the").check == "so_tap_the <= so_don_vi"


def test_a_stored_template_leaves_out_only_what_would_fail_at_run_time() -> None:
    text = _one_field("""
- id: co
  type: yesno
  prompt: Có không?
  when: co = = true
- id: ten
  type: text
  prompt: Tên?
  pattern: "[a-"
  check: ten != null
- id: so
  type: nuber
  prompt: Số?""")
    template, warnings = load_stored_template(text, "t.yaml")
    assert sorted(w.code for w in warnings) == ["T303", "T309", "T401"]
    assert template.field("co").when is None
    assert template.field("ten").pattern is None and template.field("ten").check == "ten != null"
    assert template.field("so").type == "text"


def test_a_checked_template_loads_the_same_either_way() -> None:
    shipped = load_shipped()
    template, warnings = load_stored_template(shipped.text, shipped.source)
    assert warnings == [] and template == shipped


@pytest.mark.parametrize("text", ["id: [a, b\n", "- id: a\n- id: b\n", "", "just text\n"])
def test_a_stored_text_that_is_no_template_at_all_is_refused(text: str) -> None:
    with pytest.raises(TemplateError) as info:
        load_stored_template(text, "t.yaml")
    assert info.value.issues and info.value.msg == "template.load_failed"


def refused_when_stored(path: Path) -> bool:
    """Whether a broken template is no template at all, even stored: not YAML, or marked ``# stored: refused``."""
    text = path.read_text(encoding="utf-8")
    return "T101" in {code for code, *_ in expectations(path)} or "\n# stored: refused" in f"\n{text}"


@pytest.mark.parametrize("path", BROKEN_FILES, ids=[p.stem for p in BROKEN_FILES])
def test_every_broken_template_builds_leniently_unless_it_is_not_yaml(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    if refused_when_stored(path):
        with pytest.raises(TemplateError):
            load_stored_template(text, str(path))
        return
    template, warnings = load_stored_template(text, str(path))
    assert [(w.code, w.line) for w in warnings] == [(i.code, i.line) for i in check_template(path)]
    for f in template.fields():
        assert f.type in FIELD_TYPES


_SHIPPED_LINES = load_shipped().text.splitlines()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.integers(0, len(_SHIPPED_LINES) - 1), st.sampled_from(["drop", "twice", "blank"])),
                min_size=1, max_size=6))
def test_a_damaged_stored_template_builds_or_is_refused_never_crashes(edits: list[tuple[int, str]]) -> None:
    lines = list(_SHIPPED_LINES)
    for index, how in edits:
        index %= len(lines)
        if how == "drop":
            del lines[index]
        elif how == "twice":
            lines.insert(index, lines[index])
        else:
            lines[index] = lines[index].split(":")[0] + ":"
        if not lines:
            lines = ["id: x"]
    try:
        template, _ = load_stored_template("\n".join(lines), "t.yaml")
    except TemplateError:
        return
    assert all(f.type in FIELD_TYPES for f in template.fields())
