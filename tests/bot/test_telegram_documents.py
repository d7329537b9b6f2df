"""Documents in the Telegram chat: the submitted report as .docx, and as .pdf where LibreOffice is installed;
without LibreOffice, or when it fails, the .docx still goes and the conversation goes on.

The PDF test runs wherever ``soffice`` is installed and always in CI (which installs it); elsewhere it skips.
"""

from __future__ import annotations

import os
import shutil
import struct
import subprocess
from pathlib import Path

import pytest

from dialogs.messages import t
from dialogs.vietnamese.text import fold
from exporters.pdf import find_soffice
from tests.bot.test_telegram import Tg, _fill, telegram
from tests.fakes import deployment
from tests.fakes.telegram_users import TgUser

needs_libreoffice = pytest.mark.skipif(
    find_soffice() is None and not os.environ.get("CI"),
    reason="LibreOffice (soffice) is not installed (CI installs it and runs this test)",
)


async def _submit(tg: Tg, user: TgUser) -> None:
    """Join with the first unit's code and fill the shipped report to its receipt."""
    await tg.says(user, f"/start {tg.codes[0]}")
    said = await _fill(tg, user, deployment.script(), buttons=False)
    assert "engine.receipt" in said[-1]


async def _document_msgs(tg: Tg, user: TgUser) -> list[tuple[str, ...]]:
    """The message ids of the bot's messages since the receipt (the receipt's own message first)."""
    said = [await tg.msgs(m) for m in user.replies()]
    receipt = max(n for n, ids in enumerate(said) if "engine.receipt" in ids)
    return said[receipt:]


@needs_libreoffice
async def test_the_submitted_report_comes_as_docx_then_pdf(tmp_path: Path) -> None:
    async with telegram(tmp_path, units=1) as tg:
        lan = tg.server.user(701, "Lan")
        await _submit(tg, lan)
        await lan.wait_until(lambda: len(lan.documents()) == 2, 120, "the report as .docx and .pdf")
        docx, pdf = lan.documents()
        assert docx.file_name.endswith(".docx") and pdf.file_name == Path(docx.file_name).with_suffix(".pdf").name
        assert await _document_msgs(tg, lan) == [("engine.receipt",), ("bot.document.unit",), ("bot.document.pdf",)]
        assert pdf.data.startswith(b"%PDF")
        assert await tg.says(lan, "xem lại")  # the conversation goes on after its documents
    path = tmp_path / pdf.file_name
    path.write_bytes(pdf.data)
    subprocess.run(["pdftoppm", "-png", "-r", "70", "-f", "1", "-l", "1", str(path), str(tmp_path / "page")],
                   check=True)
    (png,) = tmp_path.glob("page*.png")
    width, height = struct.unpack(">II", png.read_bytes()[16:24])
    assert png.stat().st_size > 5000 and abs(height / width - 297 / 210) < 0.01  # an A4 page, drawn
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", "-f", "1", "-l", "1", str(path), "-"], capture_output=True,
                              text=True, check=True).stdout
        assert "xa thu 0" in fold(" ".join(text.split())), text[:500]  # the unit's name, on the first page


@pytest.mark.parametrize("soffice", ["missing", "broken"])
async def test_without_a_working_libreoffice_the_docx_still_goes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                  soffice: str) -> None:
    program = tmp_path / "soffice"
    if soffice == "broken":  # found on lookup, fails on conversion (LibreOffice breaks after the lookup)
        program.write_text("#!/bin/sh\necho 'Error: source file could not be loaded' >&2\nexit 1\n")
        program.chmod(0o755)
    monkeypatch.setenv("REPORTBOT_SOFFICE", str(program))
    async with telegram(tmp_path, units=1) as tg:
        lan = tg.server.user(702, "Lan")
        await _submit(tg, lan)
        await lan.wait_until(lambda: lan.documents(), 30, "the report as .docx")
        assert [d.file_name[-5:] for d in lan.documents()] == [".docx"]
        after = await _document_msgs(tg, lan)
        if soffice == "missing":  # no PDF is promised
            assert after == [("engine.receipt",), ("bot.document.unit",)]
        else:  # the PDF's message says, in place of the PDF, that the .docx is the report
            assert after == [("engine.receipt",), ("bot.document.unit",), ("bot.document.pdf",)]
            assert lan.replies()[-1].text == t("bot.document.pdf_failed") and lan.replies()[-1].document is None
        assert "engine.review" in await tg.says(lan, "xem lại")  # nothing broke: the conversation goes on
