"""The department's side from the command line, as a Sở uses it: every commune addressable and never guessed,
a campaign's life (units, deadline, close, reopen, counts), bulk invites, progress, returning a report, the
all-units export, and help and usage errors in Vietnamese."""

from __future__ import annotations

import csv
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from bot.cli.app import app
from dialogs.messages import t
from tests.bot.test_cli_errors import CLI, restore_logging  # noqa: F401  (the fixture is used by name)

ROOT = Path(__file__).resolve().parents[2]
FACTS_003 = ROOT / "tests" / "data" / "sample_003_answers.yaml"
#: Hải Phòng and a province that shares «Phường Đông Hải» with it.
HAI_PHONG, OTHER = "31", "56"


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
        restore_logging: None) -> CLI:  # noqa: F811
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("REPORTBOT_DATABASE_URL", f"sqlite:///{tmp_path}/rb.db")
    monkeypatch.setenv("REPORTBOT_LOG", str(tmp_path / "reportbot.log"))
    department = CLI(tmp_path, capsys)
    department("unit", "import", "--province", HAI_PHONG)
    department("unit", "import", "--province", OTHER)
    return department


def _unit(cli: CLI, text: str, *more: str) -> dict[str, Any]:
    """The unit ``invite`` resolves ``text`` to (the JSON every unit-acting command prints)."""
    return cli.json("invite", "--unit", text, "--role", "reporter", *more)["unit"]


def test_a_unit_by_code_id_name_and_province(cli: CLI) -> None:
    khuc = _unit(cli, "11224")  # the official code
    assert (khuc["name"], khuc["province"], khuc["code"]) == ("Xã Khúc Thừa Dụ", "Thành phố Hải Phòng", 11224)
    assert _unit(cli, f"#{khuc['id']}") == khuc == _unit(cli, str(khuc["id"]))  # the id, with or without "#"
    for spelling in ("khuc thua du", "KHÚC THỪA DỤ", "Xã Khúc Thừa Dụ", "xa  khuc thua du"):
        assert _unit(cli, spelling) == khuc, spelling
    assert _unit(cli, "Kiến Thuỵ")["name"] == "Xã Kiến Thụy"  # the other tone placement
    # A name two provinces share: refused with both listed, then taken with its province.
    _, err = cli("invite", "--unit", "Phường Đông Hải", "--role", "reporter", code=1)
    assert err.count("Phường Đông Hải (") == 2 and "Hải Phòng" in err
    hai_phong = _unit(cli, "Phường Đông Hải, Hải Phòng")
    assert hai_phong["province"] == "Thành phố Hải Phòng"
    assert _unit(cli, "dong hai", "--province", "Hải Phòng") == hai_phong
    assert _unit(cli, "Phường Đông Hải", "--province", OTHER)["province"] != "Thành phố Hải Phòng"


def test_a_typo_is_refused_with_suggestions_and_acts_on_nothing(cli: CLI) -> None:
    campaign = cli.json("campaign", "create", "-t", "tdkt_5nam_2021_2025", "-d", "15/12/2030",
                        "--province", HAI_PHONG)
    _, err = cli("answers", "import", "-c", str(campaign["id"]), "-u", "thua du", str(FACTS_003), "--submit", code=1)
    assert "có phải: Xã Khúc Thừa Dụ (Thành phố Hải Phòng, mã 11224" in err and err.count("\n") == 1
    progress = cli.json("progress", "-c", str(campaign["id"]))
    assert progress["reported"] == 0 and {u["state"] for u in progress["units"]} == {"not_started"}


def test_every_unit_acting_command_prints_the_unit_it_used(cli: CLI, tmp_path: Path) -> None:
    cid = str(cli.json("campaign", "create", "-t", "tdkt_5nam_2021_2025", "-d", "2030-12-15",
                       "-u", "khuc thua du")["id"])
    label = t("bot.cli.unit_used", unit="Xã Khúc Thừa Dụ (Thành phố Hải Phòng, mã 11224,")
    for args in (("invite", "-u", "khuc thua du", "-c", cid),
                 ("answers", "import", "-c", cid, "-u", "11224", str(FACTS_003), "--submit"),
                 ("export", "-c", cid, "-u", "Khúc Thừa Dụ", "-o", str(tmp_path / "u.docx")),
                 ("return", "-c", cid, "-u", "khuc thua du", "--comment", "Thiếu số liệu mục IV.2")):
        out, _ = cli(*args)
        assert out.startswith(label), args
    exported = cli.json("export", "-c", cid, "-u", "11224", "-o", str(tmp_path / "v.docx"))
    assert exported["unit"]["code"] == 11224 and exported["unit"]["province"] == "Thành phố Hải Phòng"


def test_a_campaigns_life(cli: CLI) -> None:
    # Opening: a staff-style date is taken, an impossible one explained; no unit and a past deadline warn.
    _, err = cli("campaign", "create", "-t", "tdkt_5nam_2021_2025", "-d", "2025-02-31", code=1)
    assert "28 ngày" in err
    _, err = cli("campaign", "create", "-t", "tdkt_5nam_2021_2025", "-d", "01/01/2020")
    assert "đã qua" in err and "chưa có đơn vị nào" in err
    created = cli.json("campaign", "create", "-t", "tdkt_5nam_2021_2025", "-d", "15/12/2030", "-u", "khuc thua du")
    cid = str(created["id"])
    assert created["deadline"] == "2030-12-15" and [u["code"] for u in created["units"]] == [11224]
    # Answers for a unit the campaign does not expect are refused, until it is added.
    _, err = cli("answers", "import", "-c", cid, "-u", "Kiến Thụy", str(FACTS_003), code=1)
    assert "không có trong đợt báo cáo" in err
    added = cli.json("campaign", "add-units", "-c", cid, "-u", "Kiến Thụy", "-u", "khuc thua du")
    assert (added["changed"], added["expected"]) == (1, 2)
    cli("answers", "import", "-c", cid, "-u", "Kiến Thụy", str(FACTS_003))
    assert cli.json("campaign", "extend", "-c", cid, "-d", "20/12/2030")["deadline"] == "2030-12-20"
    # Closed: nothing is taken until the department reopens it.
    cli("campaign", "close", "-c", cid)
    _, err = cli("answers", "import", "-c", cid, "-u", "11224", str(FACTS_003), "--submit", code=1)
    assert "đã đóng" in err and "campaign reopen" in err
    cli("campaign", "reopen", "-c", cid)
    receipt = cli.json("answers", "import", "-c", cid, "-u", "11224", str(FACTS_003), "--submit")["receipt"]
    assert receipt["version"] == 1 and receipt["on_time"] is True and receipt["ref"].startswith("BC-")
    shown = cli.json("campaign", "show", "-c", cid)
    assert shown["units"] == 2 and shown["status"] == "open" and shown["deadline"] == "2030-12-20"
    assert shown["states"]["on_time"] == 1 and shown["states"]["in_progress"] == 1 and shown["reporting_rate"] == 50
    removed = cli.json("campaign", "remove-units", "-c", cid, "-u", "Kiến Thụy")
    assert removed["expected"] == 1
    cli("campaign", "set", "-c", cid, "--signer-authority", "KT. GIÁM ĐỐC", "--signer-position", "PHÓ GIÁM ĐỐC",
        "--signer-name", "Trần Văn Bình", "--noi-nhan", "UBND thành phố (b/c)")
    assert cli.json("campaign", "show", "-c", cid)["settings"]["signer"]["name"] == "Trần Văn Bình"


def test_receipts_returns_and_progress(cli: CLI, tmp_path: Path) -> None:
    cid = str(cli.json("campaign", "create", "-t", "tdkt_5nam_2021_2025", "-d", "2030-12-15",
                       "--province", HAI_PHONG)["id"])
    first = cli.json("answers", "import", "-c", cid, "-u", "khuc thua du", str(FACTS_003), "--submit")["receipt"]
    again = cli.json("answers", "import", "-c", cid, "-u", "khuc thua du", str(FACTS_003), "--submit")["receipt"]
    assert again["unchanged"] is True and (again["ref"], again["version"]) == (first["ref"], 1)  # no new version
    out, _ = cli("answers", "import", "-c", cid, "-u", "khuc thua du", str(FACTS_003), "--submit")
    assert first["ref"] in out and "không tạo bản mới" in out
    returned = cli.json("return", "-c", cid, "-u", "11224", "--comment", "Mục IV.2 thiếu số tiền")
    assert returned["version"] == 1 and returned["unit"]["code"] == 11224
    _, err = cli("return", "-c", cid, "-u", "11224", "--comment", "lần nữa", code=1)
    assert "đã được trả lại" in err
    _, err = cli("return", "-c", cid, "-u", "Kiến Thụy", "--comment", "x", code=1)
    assert "chưa nộp" in err
    changed = tmp_path / "changed.yaml"
    changed.write_text(FACTS_003.read_text(encoding="utf-8").replace("so_tap_the:", "so_tap_the: 80 #"),
                       encoding="utf-8")
    cli("answers", "import", "-c", cid, "-u", "Kiến Thụy", str(changed))
    progress = cli.json("progress", "-c", cid)
    states = {u["unit"]["name"]: u for u in progress["units"]}
    assert states["Xã Khúc Thừa Dụ"]["state"] == "returned" and states["Xã Khúc Thừa Dụ"]["comment"]
    kien = states["Xã Kiến Thụy"]
    assert kien["state"] == "in_progress" and 0 < kien["answered"] <= kien["asked"]
    assert progress["expected"] == 114 and progress["reported"] == 0
    resubmitted = cli.json("answers", "import", "-c", cid, "-u", "11224", str(FACTS_003), "--submit")["receipt"]
    assert resubmitted["version"] == 2 and resubmitted["unchanged"] is False  # a returned report is submitted anew
    progress = cli.json("progress", "-c", cid)
    assert progress["reported"] == 1 and progress["reporting_rate"] == pytest.approx(round(100 / 114, 1))
    names = [u["unit"]["name"] for u in progress["units"]]
    assert names.index("Phường Ái Quốc") < names.index("Phường Việt Hòa")  # Vietnamese order, not code points
    out, _ = cli("progress", "-c", cid)
    assert "Xã Kiến Thụy (Thành phố Hải Phòng, mã 11680" in out and "đang làm" in out and "đã nộp đúng hạn" in out
    # Accepted: still counted as submitted on time; accepting twice is refused.
    assert cli.json("accept", "-c", cid, "-u", "11224")["version"] == 2
    _, err = cli("accept", "-c", cid, "-u", "11224", code=1)
    assert "đã được tiếp nhận" in err
    progress = cli.json("progress", "-c", cid)
    khuc = next(u for u in progress["units"] if u["unit"]["code"] == 11224)
    assert (khuc["state"], khuc["on_time"], progress["on_time"]) == ("accepted", True, 1)
    assert cli.json("campaign", "show", "-c", cid)["states"]["accepted"] == 1


def test_bulk_invites_list_and_revoke(cli: CLI, tmp_path: Path) -> None:
    cid = str(cli.json("campaign", "create", "-t", "tdkt_5nam_2021_2025", "-d", "2030-12-15",
                       "--province", HAI_PHONG)["id"])
    sheet = tmp_path / "moi.csv"
    cli("invite", "-c", cid, "--all-units", "-o", str(sheet))
    with sheet.open(encoding="utf-8-sig") as stream:
        rows = list(csv.DictReader(stream))
    assert len(rows) == 114 and len({r["Mã mời"] for r in rows}) == 114
    khuc = next(r for r in rows if r["Mã đơn vị"] == "11224")
    assert khuc["Đơn vị"] == "Xã Khúc Thừa Dụ" and khuc["Tỉnh, thành phố"] == "Thành phố Hải Phòng"
    assert khuc["Đường liên kết"] == f"https://t.me/reportbot?start={khuc['Mã mời']}"
    again = cli.json("invite", "-c", cid, "--all-units", "-o", str(tmp_path / "moi.xlsx"))
    # Only digests are kept, so a new sheet cannot reprint the old codes: it makes new ones and revokes the old.
    assert (again["made"], again["revoked"]) == (114, 114)
    book = openpyxl.load_workbook(tmp_path / "moi.xlsx").active
    assert book.freeze_panes == "B2" and book.max_row == 115
    new_khuc = next(i for i in again["invites"] if i["unit"] and i["unit"]["code"] == 11224)["code"]
    assert new_khuc != khuc["Mã mời"] and len(new_khuc) == 27
    revoked = cli.json("invite", "revoke", new_khuc)["revoked"][0]
    assert revoked["state"] == "revoked" and revoked["unit"]["code"] == 11224
    listed = cli.json("invite", "list", "-c", cid)["invites"]
    assert len(listed) == 228 and sum(i["state"] == "revoked" for i in listed) == 115
    assert all(i["code"].endswith("…") and len(i["code"]) == 5 for i in listed)  # a hint, never the code
    _, err = cli("invite", "-c", cid, "--all-units", code=1)
    assert "-o moi.csv" in err


def test_every_units_report_into_a_folder_or_a_zip(cli: CLI, tmp_path: Path) -> None:
    units = ("khuc thua du", "Phường Đông Hải, Hải Phòng", f"Phường Đông Hải, {OTHER}")
    cid = str(cli.json("campaign", "create", "-t", "tdkt_5nam_2021_2025", "-d", "2030-12-15",
                       *(arg for unit in units for arg in ("-u", unit)))["id"])
    for unit in units:
        cli("answers", "import", "-c", cid, "-u", unit, str(FACTS_003), "--submit")
    done = cli.json("export", "-c", cid, "--all-units", "-o", str(tmp_path / "all"))
    files = sorted(f["file"] for f in done["files"])
    assert done["written"] == 3 and done["missing"] == 0
    assert "xa-khuc-thua-du-hai-phong-11224.docx" in files
    assert len([f for f in files if f.startswith("phuong-dong-hai-")]) == 2  # told apart by province and code
    assert sorted(p.name for p in (tmp_path / "all").iterdir()) == files
    cli("export", "-c", cid, "--all-units", "-o", str(tmp_path / "all.zip"))
    assert sorted(zipfile.ZipFile(tmp_path / "all.zip").namelist()) == files


def _command_paths() -> list[tuple[str, ...]]:
    import typer.main

    group = typer.main.get_command(app)
    paths: list[tuple[str, ...]] = [()]
    for name, command in group.commands.items():  # type: ignore[attr-defined]
        paths.append((name,))
        paths += [(name, sub) for sub in getattr(command, "commands", {})]
    return paths


@pytest.mark.parametrize("path", _command_paths(), ids=lambda p: " ".join(p) or "reportbot")
def test_help_is_vietnamese(cli: CLI, path: tuple[str, ...]) -> None:
    out, _ = cli(*path, "--help")
    assert "Cách dùng:" in out and "Xem hướng dẫn này rồi thoát." in out
    for english in ("Usage:", "Show this message", "Options", "[required]", "[default:"):
        assert english not in out, (path, english)


@pytest.mark.parametrize("args", [("campaign", "show"), ("progress", "--campaign", "abc"), ("export", "--nope"),
                                  ("invite", "revoke")])
def test_a_usage_error_is_one_vietnamese_sentence(cli: CLI, args: tuple[str, ...]) -> None:
    _, err = cli(*args, code=2)
    assert err.startswith("reportbot: ") and err.count("\n") == 1 and "--help" in err
    for english in ("Usage:", "Error:", "Missing option", "No such option", "is not a valid"):
        assert english not in err


def test_a_unit_added_by_a_name_the_official_list_lacks_is_kept_with_a_warning(cli: CLI) -> None:
    out, err = cli("unit", "add", "Xã Khong Co That")
    assert "Xã Khong Co That" in out and t("bot.cli.unit_not_official", name="Xã Khong Co That") in err
    _, err = cli("unit", "add", "Xã Đại Sơn, Hải Phòng", code=1)  # imported already: refused as a duplicate
    assert "đã có" in err and "11" in err
