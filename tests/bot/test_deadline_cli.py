"""A deadline with a time of day from the command line: ``campaign create/extend --deadline`` read it in every
form staff write it, refuse a time that is none, print it («17:00 ngày 15/12/2030») and give it in ``--json``
(``deadline`` unchanged, ``deadline_time``, ``due_at``); a date alone is the end of the day."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from dialogs.messages import t
from tests.bot import test_cli_errors
from tests.bot.test_cli_errors import CLI, restore_logging  # noqa: F401  (the fixture is used by name)

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
#: ``reportbot`` on a database of its own (the fixture of the CLI's error tests).
cli = test_cli_errors.cli
CREATE = ("campaign", "create", "-t", "tdkt_5nam_2021_2025", "-d")


@pytest.mark.parametrize(
    ("text", "at"),
    [
        ("2030-12-15 17:00", "17:00"),
        ("2030-12-15T17:00", "17:00"),
        ("2030-12-15T17:00:00", "17:00"),
        ("15/12/2030 17:00", "17:00"),
        ("17:00 15/12/2030", "17:00"),
        ("17h 15/12/2030", "17:00"),
        ("17h30 15/12/2030", "17:30"),
        ("7:05 15-12-2030", "07:05"),
        ("2030-12-15", None),
        ("15/12/2030", None),
        ("15-12-2030", None),
    ],
)
def test_every_form_of_a_deadline_is_read(cli: CLI, text: str, at: str | None) -> None:
    made = cli.json(*CREATE, text)
    due = f"2030-12-15T{at or '23:59'}:{'00' if at else '59'}+07:00"
    assert (made["deadline"], made["deadline_time"], made["due_at"]) == ("2030-12-15", at, due)


@pytest.mark.parametrize(("text", "bad"), [("25:00 15/12/2030", "25:00"), ("15/12/2030 17:75", "17:75"),
                                           ("24h 15/12/2030", "24h"), ("17h5 15/12/2030", "17h5"),
                                           ("2030-12-15T17:00+07:00", "17:00+07:00"),
                                           ("17:00 18:00 15/12/2030", "17:00 18:00")])
def test_a_time_that_is_no_time_of_day_is_refused_with_an_example(cli: CLI, text: str, bad: str) -> None:
    cli.refuses(*CREATE, text, code=1, msg="bot.cli.bad_time", option="--deadline", text=text, time=bad)
    assert cli.json("campaign", "list")["campaigns"] == []  # nothing made


def test_the_time_is_shown_kept_and_cleared_by_a_date_alone(cli: CLI) -> None:
    out, _ = cli(*CREATE, "17:00 15/12/2030")
    assert "hạn nộp 17:00 ngày 15/12/2030," in out
    cid = str(cli.json("campaign", "list")["campaigns"][0]["id"])
    shown = cli.json("campaign", "show", "-c", cid)
    assert (shown["deadline"], shown["deadline_time"], shown["due_at"]) == ("2030-12-15", "17:00",
                                                                             "2030-12-15T17:00:00+07:00")
    listed: dict[str, Any] = cli.json("campaign", "list")["campaigns"][0]
    assert (listed["deadline"], listed["deadline_time"]) == ("2030-12-15", "17:00")
    progress = cli.json("progress", "-c", cid)
    assert (progress["deadline"], progress["deadline_time"]) == ("2030-12-15", "17:00")
    for args in (("campaign", "show", "-c", cid), ("campaign", "list"), ("progress", "-c", cid)):
        assert "17:00 ngày 15/12/2030" in cli(*args)[0], args
    # Earlier on the same day: a warning; a date alone: the end of that day (the time is cleared).
    moved = cli.json("campaign", "extend", "-c", cid, "-d", "2030-12-15 08:00")
    assert moved["deadline_time"] == "08:00" and moved["warnings"] == [
        t("bot.campaign.warn_earlier", old="17:00 ngày 15/12/2030", new="08:00 ngày 15/12/2030")]
    out, _ = cli("campaign", "extend", "-c", cid, "-d", "15/12/2030")
    assert out == t("bot.campaign.extended", id=cid, deadline="15/12/2030") + "\n"
    shown = cli.json("campaign", "show", "-c", cid)
    assert (shown["deadline_time"], shown["due_at"]) == (None, "2030-12-15T23:59:59+07:00")


def test_a_deadline_earlier_today_is_in_the_past(cli: CLI) -> None:
    today = datetime.now(HCM).date()
    _, err = cli(*CREATE, f"00:00 {today:%d/%m/%Y}")
    assert "đã qua" in err
    _, err = cli(*CREATE, f"{today:%d/%m/%Y}")  # the end of today: only short notice
    assert "đã qua" not in err and "chỉ còn 0 ngày" in err


def test_the_help_of_deadline_shows_the_time_form(cli: CLI) -> None:
    for command in ("create", "extend"):
        out, _ = cli("campaign", command, "--help")
        assert "17h30" in out and "hết ngày" in out, command
