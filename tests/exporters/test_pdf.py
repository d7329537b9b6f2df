"""PDF through LibreOffice: page count, PNG pages, the Quốc hiệu on one line, the signer block on one page.

These tests run wherever ``soffice`` is installed and always in CI (``CI`` set); elsewhere they skip.
Times New Roman is drawn with Liberation Serif, its metric-compatible stand-in aliased by fontconfig.
"""

from __future__ import annotations

import os
import re
import shutil
import struct
import subprocess
from datetime import date
from pathlib import Path

import pytest
from lxml import etree

from dialogs.answers import AnswerRecord
from dialogs.errors import ExportError
from exporters.docx_compiled import write_compiled_docx
from exporters.docx_unit import write_unit_docx
from exporters.model import DocInfo
from exporters.pdf import convert_all_to_pdf, convert_to_pdf, find_soffice
from tests.exporters.conftest import KHUC_THUA_DU, small_answers, small_template

HAVE_TOOLS = find_soffice() is not None and shutil.which("pdftotext") is not None
needs_libreoffice = pytest.mark.skipif(
    not HAVE_TOOLS and not os.environ.get("CI"),
    reason="LibreOffice (soffice) and poppler-utils are not installed (CI installs them and runs these tests)",
)
DOC = DocInfo(5, date(2025, 8, 6))
XHTML = "{http://www.w3.org/1999/xhtml}"


def _pages(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", info, re.MULTILINE).group(1))


def _page_texts(pdf: Path) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return text.split("\f")


def _page_of(pages: list[str], needle: str) -> int:
    found = [n for n, text in enumerate(pages) if needle in re.sub(r"\s+", " ", text)]
    assert found, f"{needle!r} not in the PDF"
    return found[-1]


@needs_libreoffice
def test_unit_report_pages_and_png(tmp_path: Path) -> None:
    """PL I, I.1: the small report prints on 2 A4 pages, each rendered to a PNG."""
    docx_path = write_unit_docx(small_template(), KHUC_THUA_DU, small_answers(), DOC, tmp_path / "u.docx")
    pdf = convert_to_pdf(docx_path, tmp_path / "u.pdf")
    assert _pages(pdf) == 2
    subprocess.run(["pdftoppm", "-r", "40", "-png", str(pdf), str(tmp_path / "page")], check=True)
    pngs = sorted(tmp_path.glob("page-*.png"))
    assert len(pngs) == 2
    for png in pngs:
        width, height = struct.unpack(">II", png.read_bytes()[16:24])
        assert abs(height / width - 297 / 210) < 0.01
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    names = [line.split()[0] for line in fonts.splitlines()[2:]]
    assert names and all(re.search(r"LiberationSerif|TimesNewRoman", n) for n in names), names  # no fallback font


@needs_libreoffice
def test_quoc_hieu_does_not_wrap(tmp_path: Path) -> None:
    """PL I, II.1: "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" prints on one line in its column."""
    docx_path = write_unit_docx(small_template(), KHUC_THUA_DU, small_answers(), DOC, tmp_path / "q.docx")
    pdf = convert_to_pdf(docx_path, tmp_path / "q.pdf")
    xhtml = subprocess.run(["pdftotext", "-bbox-layout", "-f", "1", "-l", "1", str(pdf), "-"],
                           capture_output=True, check=True).stdout
    root = etree.fromstring(xhtml)
    lines = [[w.text for w in line.iter(f"{XHTML}word")] for line in root.iter(f"{XHTML}line")]
    assert ["CỘNG", "HÒA", "XÃ", "HỘI", "CHỦ", "NGHĨA", "VIỆT", "NAM"] in lines
    assert ["Độc", "lập", "-", "Tự", "do", "-", "Hạnh", "phúc"] in lines


@needs_libreoffice
def test_signer_block_never_splits_across_pages(tmp_path: Path) -> None:
    """PL I, II.7 and II.9: Nơi nhận and the signature stay on one page, whatever the length of the body."""
    paths = []
    sentence = "- Tăng cường nhân lực để thực hiện công tác thi đua khen thưởng một cách chuyên sâu và đồng bộ."
    for extra in range(0, 30, 2):
        answers = dict(small_answers())
        answers["de_xuat"] = AnswerRecord("answered", "\n".join([sentence] * (1 + extra)))
        paths.append(write_unit_docx(small_template(), KHUC_THUA_DU, answers, DOC, tmp_path / f"s{extra:02d}.docx"))
    pdfs = convert_all_to_pdf(paths, tmp_path / "pdf")
    page_counts = set()
    for pdf in pdfs:
        pages = _page_texts(pdf)
        page_counts.add(_pages(pdf))
        where = {_page_of(pages, needle) for needle in
                 ("Nơi nhận:", "- Lưu: VT, VHXH.", "TM. ỦY BAN NHÂN DÂN", "PHÓ CHỦ TỊCH", "Nguyễn Đình Biểu")}
        assert len(where) == 1, (pdf.name, where)
        # The last words of the content travel with the signature (keep with next).
        assert _page_of(pages, "đồng bộ./.") == where.pop()
    assert len(page_counts) > 1  # the bodies crossed a page break, so the block met the bottom of a page


@needs_libreoffice
def test_compiled_report_is_short_and_its_long_table_repeats_its_header(tmp_path: Path) -> None:
    """A director's report: 300 communes (180 reporting, long answers, two nominees each) print on a few pages,
    not hundreds; the nominees' table spans pages and repeats its header row on each of them."""
    from benchmarks.export import CAMPAIGN, communes, generated
    from dialogs.template.loader import load_shipped

    template = load_shipped()
    units = generated(template, communes(None)[::11][:300], submitted=180)
    docx_path = write_compiled_docx(template, CAMPAIGN, units, tmp_path / "c.docx", issued_on=date(2025, 8, 25))
    pdf = convert_to_pdf(docx_path, tmp_path / "c.pdf")
    assert _pages(pdf) <= 40
    pages = _page_texts(pdf)
    start, end = _page_of(pages, "IV. CÁC ĐIỂN HÌNH TIÊN TIẾN"), _page_of(pages, "V. DANH SÁCH ĐƠN VỊ CHƯA GỬI")
    table_pages = range(start, end + 1)
    assert len(table_pages) >= 2
    for n in table_pages:
        assert "Họ và tên" in pages[n], n


def test_missing_libreoffice_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without LibreOffice the error says so in Vietnamese and English (no traceback for the user)."""
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.delenv("REPORTBOT_SOFFICE", raising=False)
    with pytest.raises(ExportError) as caught:
        convert_to_pdf(tmp_path / "x.docx", tmp_path / "x.pdf")
    message = str(caught.value)
    assert "LibreOffice" in message and "chưa cài" in message and "not installed" in message




def test_a_conversion_that_hangs_is_killed_with_its_children(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Release 0.1 left a timed-out LibreOffice running (its soffice.bin child survived the parent)."""
    import os
    import time

    from dialogs.errors import ExportError
    from exporters import pdf

    pidfile = tmp_path / "child.pid"
    fake = tmp_path / "soffice"
    fake.write_text(f"#!/bin/sh\nsleep 60 &\necho $! > {pidfile}\nwait\n")
    fake.chmod(0o755)
    monkeypatch.setenv("REPORTBOT_SOFFICE", str(fake))
    monkeypatch.setattr(pdf, "TIMEOUT_S", 1)
    source = tmp_path / "r.docx"
    source.write_bytes(b"PK")
    with pytest.raises(ExportError) as refused:
        pdf.convert_to_pdf(source, tmp_path / "r.pdf")
    assert "--format docx" in str(refused.value)  # the refusal gives the alternative
    child = int(pidfile.read_text())
    for _ in range(50):
        try:
            os.kill(child, 0)
        except ProcessLookupError:
            break
        time.sleep(0.05)
    else:
        pytest.fail("the hung conversion's child process is still running")
