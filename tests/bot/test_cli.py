"""The command line as an administrator uses it: JSON for scripts, one-sentence errors, exit codes."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook

ROOT = Path(__file__).resolve().parents[2]
FACTS_003 = ROOT / "tests" / "data" / "sample_003_answers.yaml"


class CLI:
    """Runs ``reportbot`` in a subprocess on one SQLite database."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.env = {**os.environ, "REPORTBOT_DATABASE_URL": f"sqlite:///{folder}/rb.db"}

    def __call__(self, *args: str, code: int = 0) -> subprocess.CompletedProcess[str]:
        result = subprocess.run([sys.executable, "-m", "bot", *args], capture_output=True, text=True,
                                cwd=self.folder, env=self.env, timeout=120)
        assert result.returncode == code, (result.stdout, result.stderr)
        assert "Traceback" not in result.stderr
        return result

    def json(self, *args: str) -> dict[str, object]:
        return json.loads(self(*args, "--json").stdout)


@pytest.fixture(scope="module")
def cli(tmp_path_factory: pytest.TempPathFactory) -> CLI:
    return CLI(tmp_path_factory.mktemp("cli"))


def test_units_campaign_invite_import_export(cli: CLI) -> None:
    unit = cli.json("unit", "add", "khuc thua du")
    assert unit["name"] == "Xã Khúc Thừa Dụ" and unit["code"] == 11224
    other = cli.json("unit", "add", "Kiến Thuỵ")
    assert other["name"] == "Xã Kiến Thụy"
    duplicate = cli("unit", "add", "Kien Thuy", code=1)
    assert duplicate.stderr.count("\n") == 1 and "đã có" in duplicate.stderr

    campaign = cli.json("campaign", "create", "--template", "tdkt_5nam_2021_2025", "--deadline", "2025-08-20",
                        "--unit", "Khúc Thừa Dụ", "--unit", "xa kien thuy")
    cid = str(campaign["id"])
    invite = cli.json("invite", "--unit", "khuc thua du", "--role", "reporter", "--campaign", cid)
    assert set(invite) >= {"code", "link", "expires"} and str(invite["link"]).endswith(f"start={invite['code']}")
    assert invite["unit"] == {"id": unit["id"], "name": "Xã Khúc Thừa Dụ", "province": "Thành phố Hải Phòng",
                              "code": 11224}

    imported = cli.json("answers", "import", "--campaign", cid, "--unit", "khuc thua du", str(FACTS_003), "--submit")
    assert imported["ok"] is True and int(str(imported["imported"])) >= 20

    out = cli.folder / "out"
    cli("export", "--campaign", cid, "--unit", "Khúc Thừa Dụ", "--format", "docx", "-o", str(out / "u.docx"))
    text = "\n".join(p.text for p in Document(str(out / "u.docx")).paragraphs)
    assert "Kính gửi" not in text and "./." in text  # a báo cáo has no "Kính gửi" (sample 003)
    cli("export", "--campaign", cid, "--compiled", "--format", "xlsx", "-o", str(out / "c.xlsx"))
    sheet = load_workbook(out / "c.xlsx").worksheets[0]
    rows = {row[2]: row for row in sheet.iter_rows(values_only=True) if row[2]}
    assert rows["Xã Khúc Thừa Dụ"][4] != rows["Xã Kiến Thụy"][4]  # submitted vs not submitted
    assert 75 in rows["Xã Khúc Thừa Dụ"]


def test_a_bad_answers_file_lists_every_problem_and_imports_nothing(cli: CLI, tmp_path: Path) -> None:
    campaign = cli.json("campaign", "create", "--template", "tdkt_5nam_2021_2025", "--deadline", "2025-09-01",
                        "--unit", "Xã Kiến Thụy")
    bad = tmp_path / "bad.yaml"
    bad.write_text("so_tap_the: bảy mươi lăm\nso_ca_nhan: 'hơn 1,000'\nso_tien_khen_thuong: nhiều lắm\n"
                   "khong_co_muc_nay: 5\n", encoding="utf-8")
    result = cli("answers", "import", "--campaign", str(campaign["id"]), "--unit", "kien thuy", str(bad), "--json",
                 code=1)
    errors = {e["field"] for e in json.loads(result.stdout)["errors"]}
    assert errors >= {"so_tien_khen_thuong", "khong_co_muc_nay"} and "so_tap_the" not in errors
    con = sqlite3.connect(cli.folder / "rb.db")
    count = con.execute("SELECT count(*) FROM answers WHERE campaign_id = ?", (campaign["id"],)).fetchone()[0]
    con.close()
    assert count == 0


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (("campaign", "create", "--template", "tdkt_5nam_2021_2025", "--deadline", "2025-02-31"), "28 ngày"),
        (("campaign", "create", "--template", "khong-co-mau-nay", "--deadline", "2025-08-20"), "tdkt_5nam_2021_2025"),
        (("export", "--campaign", "999", "--compiled", "--format", "docx", "-o", "x.docx"), "đợt báo cáo số 999"),
        (("export", "--campaign", "1", "--format", "docx", "-o", "x.docx"), "--unit"),
        (("invite", "--role", "reporter"), "--unit"),
        (("unit", "import", "--province", "Atlantis"), "Atlantis"),
    ],
)
def test_errors_are_one_sentence_and_an_exit_code(cli: CLI, args: tuple[str, ...], fragment: str) -> None:
    result = cli(*args, code=1)
    assert fragment in result.stderr and result.stderr.strip().count("\n") == 0


def test_a_campaign_fills_the_department_word_template(cli: CLI) -> None:
    """A department's Word template (docxtpl) is stored with the campaign and filled for each unit."""
    example = cli.folder / "mau.docx"
    cli("template", "word-example", "-o", str(example))
    document = Document(str(example))
    document.add_paragraph("Mẫu riêng của Sở: {{ unit.name }} — {{ so_tap_the }} tập thể")
    document.save(str(example))
    campaign = cli.json("campaign", "create", "--template", "tdkt_5nam_2021_2025", "--deadline", "2025-08-20",
                        "--unit", "Khúc Thừa Dụ", "--word-template", str(example))
    cid = str(campaign["id"])
    cli("answers", "import", "--campaign", cid, "--unit", "khuc thua du", str(FACTS_003), "--submit")
    out = cli.folder / "word.docx"
    cli("export", "--campaign", cid, "--unit", "Khúc Thừa Dụ", "--format", "docx", "-o", str(out))
    text = "\n".join(p.text for p in Document(str(out)).paragraphs)
    assert "Mẫu riêng của Sở: Xã Khúc Thừa Dụ — trên 75 tập thể" in text
    broken = cli.folder / "hong.docx"
    broken.write_text("không phải docx", encoding="utf-8")
    result = cli("campaign", "create", "--template", "tdkt_5nam_2021_2025", "--deadline", "2025-08-20",
                 "--word-template", str(broken), code=1)
    assert "không dùng làm mẫu Word được" in result.stderr


def test_parse_prints_the_design_json(cli: CLI) -> None:
    assert json.loads(cli("parse", "money", "570 trieu").stdout)["value"] == 570_000_000
