"""The shipped template filled with sample 003's facts reads like sample 003: same headings, figures, order."""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path

import pytest
import yaml
from docx.oxml.ns import qn

from dialogs.conversation.importer import import_answers
from dialogs.conversation.report import Report
from dialogs.template.loader import load_shipped
from dialogs.vietnamese.text import fold, squash
from exporters.docx_unit import write_unit_docx
from exporters.model import DocInfo
from tests.exporters.conftest import KHUC_THUA_DU
from tests.exporters.docxlook import Look

ROOT = Path(__file__).resolve().parents[2]
#: A copy of /work/shared/samples/003_6eaa83ca13db2d54.txt (xã Khúc Thừa Dụ), so CI needs nothing outside the repo.
SAMPLE = Path(__file__).parent / "data" / "sample_003.txt"
FACTS = ROOT / "tests" / "data" / "sample_003_answers.yaml"
_DASHES = re.compile(r"[–—‒−]")
_MONEY = re.compile(r"(\d+) triệu đồng")
_LINE_BREAK_DASH = re.compile(r"(\S[-–])[ \t]*\n\s*")


def normal(text: str) -> str:
    """Compare text as a reader would: no diacritics or case, one kind of dash, single spaces."""
    return squash(_DASHES.sub("-", fold(text))).strip(" :.")


@pytest.fixture(scope="module")
def sample_text() -> str:
    # The sample writes "570 triệu đồng"; the report writes the amount in full, as NĐ 30 documents do.
    text = _MONEY.sub(lambda m: f"{int(m.group(1)) * 1_000_000:,} đồng".replace(",", "."), SAMPLE.read_text())
    # A line of the PDF the sample came from broke after a dash ("viện–" / "trường"): join it back.
    return _LINE_BREAK_DASH.sub(r"\1", text)


@pytest.fixture(scope="module")
def look(tmp_path_factory: pytest.TempPathFactory) -> Look:
    template = load_shipped()
    imported = import_answers(template, Report(), yaml.safe_load(FACTS.read_text()), datetime(2025, 8, 6, 9, 0))
    answers, problems = imported.records, imported.problems
    assert problems == []
    path = tmp_path_factory.mktemp("s003") / "khuc_thua_du.docx"
    return Look(write_unit_docx(template, KHUC_THUA_DU, answers, DocInfo(5, date(2025, 8, 6)), path))


def _in_order(needles: list[str], haystack: str) -> list[str]:
    """The needles not found in ``haystack`` after the previous one (empty when all are, in order)."""
    missing, at = [], 0
    for needle in needles:
        found = haystack.find(needle, at)
        if found < 0:
            missing.append(needle)
        else:
            at = found + len(needle)
    return missing


def _body_paragraphs(look: Look) -> list:
    return [p for p in look.body.findall(qn("w:p")) if look.text(p).strip()]


def test_headings_match_the_sample_in_order(look: Look, sample_text: str) -> None:
    headings = [look.text(p) for p in _body_paragraphs(look) if (look.style_of(p) or "").startswith("ND30Heading")]
    assert len(headings) == 19
    assert headings[0] == "I. CÔNG TÁC LÃNH ĐẠO, CHỈ ĐẠO" and headings[-1] == "5. Đề xuất, kiến nghị"
    assert _in_order([normal(h) for h in headings], normal(sample_text)) == []


def test_every_paragraph_matches_the_sample_in_order(look: Look, sample_text: str) -> None:
    paragraphs = [look.text(p) for p in _body_paragraphs(look)]
    start = paragraphs.index("BÁO CÁO")
    body = paragraphs[start + 2:]  # after the title and the subject: a báo cáo has no "Kính gửi" (sample 003)
    assert body[0].startswith("Thực hiện Công văn số 5270/SGDĐT-VP ngày 05/8/2025")
    assert _in_order([normal(p) for p in body], normal(sample_text)) == []


def test_figures_match_the_sample(look: Look, sample_text: str) -> None:
    text = "\n".join(look.texts())
    sentence = ("Hằng năm, xã đã đề nghị và được UBND cấp huyện khen thưởng cho trên 75 tập thể, hơn 650 cá nhân "
                "với số tiền hơn 570.000.000 đồng.")
    assert sentence in text
    figures = re.findall(r"(trên|hơn) ([\d.]+)", text)
    assert figures == re.findall(r"(trên|hơn) ([\d.]+)", squash(sample_text))
    assert figures == [("trên", "75"), ("hơn", "650"), ("hơn", "570.000.000")]


def test_title_recipients_and_signature_match_the_sample(look: Look, sample_text: str) -> None:
    texts = look.texts()
    assert "BÁO CÁO" in texts
    assert normal("Tổng kết phong trào thi đua yêu nước") in normal(texts[texts.index("BÁO CÁO") + 1])
    sign = look.tables()[-1]
    lines = [look.text(p) for p in look.paragraphs(sign) if look.text(p).strip()]
    assert lines == ["Nơi nhận:", "- Sở GD&ĐT (b/c);", "- Lãnh đạo UBND;", "- Lưu: VT, VHXH.",
                     "TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Nguyễn Đình Biểu"]
    assert _in_order([normal(line) for line in lines], normal(sample_text)) == []
    assert texts[-len(lines) - 1].endswith("tại cơ sở./.")
