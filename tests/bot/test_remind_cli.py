"""Reminders from the command line: ``campaign create/set --remind/--quiet/--digest``, ``campaign show`` and
``reportbot remind [--dry-run] [--at]``, as a Sở uses them."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.services import Services
from dialogs.messages import t
from tests.bot.test_cli_errors import CLI, restore_logging  # noqa: F401  (the fixture is used by name)


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
        restore_logging: None) -> CLI:  # noqa: F811
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("REPORTBOT_DATABASE_URL", f"sqlite:///{tmp_path}/rb.db")
    monkeypatch.setenv("REPORTBOT_LOG", str(tmp_path / "reportbot.log"))
    department = CLI(tmp_path, capsys)
    department("unit", "add", "Xã Khúc Thừa Dụ")
    department("unit", "add", "Xã Kiến Thụy")
    return department


def _reporter(unit: str, telegram_id: str, name: str) -> None:
    """Someone who accepted an invite for ``unit`` in Telegram (what ``/start CODE`` leaves in the database)."""
    services = Services()
    with services.uow() as uow:
        person = uow.people.get_or_create("telegram", telegram_id, name, services.now())
        uow.people.attach_unit(person, services.find_unit(uow, unit).id)
        uow.commit()


def test_a_campaign_with_its_own_reminders_and_a_dry_run(cli: CLI) -> None:
    made = cli.json("campaign", "create", "-t", "tdkt_5nam_2021_2025", "-d", "2030-12-12", "-u", "khuc thua du",
                    "-u", "kien thuy", "--remind", "3d, 0d@09:30", "--digest", "17:00")
    assert made["reminders"] == {"policy": "3d,0d@09:30", "quiet": "21:00-07:00", "digest": "17:00"}
    cid = str(made["id"])
    _reporter("khuc thua du", "4242", "Chị Hoa")
    _reporter("kien thuy", "4343", "Anh Nam")
    out, _ = cli("remind", "--dry-run", "--at", "2030-12-09T08:00")
    assert out.startswith(t("bot.remind.dry_run_head", at="08:00 09/12/2030", count=2))
    assert t("bot.remind.dry_run_line", campaign=cid, who="Chị Hoa", unit="Xã Khúc Thừa Dụ",
             channel="telegram") in out
    assert "còn 3 ngày nữa là hạn nộp báo cáo (12/12/2030). Còn thiếu mục I.1, I.2" in out
    listed = cli.json("remind", "--dry-run", "--at", "2030-12-12T09:30")["messages"]
    assert [(m["person"], m["slot"]) for m in listed] == [("Chị Hoa", "0d"), ("Anh Nam", "0d")]
    # The digest goes to the department's staff (nobody there uses the bot yet): nothing to list at 17:00.
    assert cli.json("remind", "--dry-run", "--at", "2030-12-05T17:00")["messages"] == []
    # A dry run sends nothing: the real run (now, years before the deadline) queues nothing either.
    assert cli.json("remind") == {"planned": 0, "queued": 0}
    shown = cli.json("campaign", "show", "-c", cid)["reminders"]
    digests = shown["planned"] - 2 * 2  # planned two weeks ahead at most, none on a Sunday
    assert 10 <= digests <= 13


def test_campaign_set_changes_the_reminders_and_plans_them_again(cli: CLI) -> None:
    cid = str(cli.json("campaign", "create", "-t", "tdkt_5nam_2021_2025", "-d", "2030-12-12",
                       "-u", "khuc thua du")["id"])
    _reporter("khuc thua du", "4242", "Chị Hoa")
    assert cli.json("campaign", "show", "-c", cid)["reminders"]["planned"] == 7 + 3  # the default: 7 slots, 3 after
    cli("campaign", "set", "-c", cid, "--remind", "off")
    assert cli.json("campaign", "show", "-c", cid)["reminders"]["planned"] == 0
    assert cli.json("remind", "--dry-run", "--at", "2030-12-11T08:00")["messages"] == []
    cli("campaign", "set", "-c", cid, "--remind", "1d@10:00", "--quiet", "off")
    out, _ = cli("campaign", "show", "-c", cid)
    assert t("bot.campaign.reminders", policy="1d@10:00", quiet="off", digest=t("bot.campaign.digest_off")) in out
    assert len(cli.json("remind", "--dry-run", "--at", "2030-12-11T10:00")["messages"]) == 1
    cli("campaign", "extend", "-c", cid, "-d", "2030-12-20")
    assert cli.json("remind", "--dry-run", "--at", "2030-12-11T10:00")["messages"] == []
    assert len(cli.json("remind", "--dry-run", "--at", "2030-12-19T10:00")["messages"]) == 1


@pytest.mark.parametrize(("option", "value", "msg"), [
    ("--remind", "3 ngay", "bot.remind.bad_policy"),
    ("--quiet", "9pm", "bot.remind.bad_quiet"),
    ("--digest", "chiều", "bot.remind.bad_digest"),
])
def test_bad_reminder_options_are_refused_with_an_example(cli: CLI, option: str, value: str,
                                                          msg: str) -> None:
    _, err = cli("campaign", "create", "-t", "tdkt_5nam_2021_2025", "-d", "2030-12-12", "-u", "khuc thua du",
                 option, value, code=1)
    assert err.startswith("reportbot: ") and "ví dụ" in err.lower()
    assert cli.json("campaign", "list")["campaigns"] == []  # nothing half-made


def test_at_is_only_for_a_dry_run(cli: CLI) -> None:
    cli.refuses("remind", "--at", "2030-12-11T08:00", code=1, msg="bot.remind.at_needs_dry_run")
