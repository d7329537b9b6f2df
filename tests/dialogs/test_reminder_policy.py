"""The reminder policy: its written form, the defaults, quiet hours and Sundays, the time zone."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from dialogs.errors import ConfigError
from dialogs.reminders import DEFAULT_POLICY, Quiet, Slot, parse_policy, parse_quiet, plan

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
#: A Thursday.
DEADLINE = date(2026, 12, 10)


def moments(spec: str | None, deadline: date = DEADLINE, zone: ZoneInfo = HCM, quiet: str | None = None,
            at: time | None = None) -> list[str]:
    return [f"{slot.key} {m:%a %d/%m %H:%M}" for slot, m in plan(parse_policy(spec, quiet), deadline, zone, at)]


def test_the_default_policy_is_7_3_1_days_before_the_day_and_3_days_after_at_8() -> None:
    assert parse_policy(None).spec == "7d,3d,1d,0d,+1d,+2d,+3d"
    assert parse_policy(parse_policy(None).spec) == parse_policy(DEFAULT_POLICY)
    assert moments(None) == [
        "7d Thu 03/12 08:00", "3d Mon 07/12 08:00", "1d Wed 09/12 08:00", "0d Thu 10/12 08:00",
        "+1d Fri 11/12 08:00", "+2d Sat 12/12 08:00",
        "+3d Mon 14/12 08:00",  # Sunday 13 is quiet: after the deadline, the next working morning
    ]


def test_the_written_form_of_the_issue_and_times_per_item() -> None:
    policy = parse_policy("7d,3d,1d,0d@08:00,+1d..+3d")
    assert [s.key for s in policy.slots] == ["7d", "3d", "1d", "0d", "+1d", "+2d", "+3d"]
    policy = parse_policy("2d@16:30, 0d@7:15")
    assert policy.slots == (Slot(-2, time(16, 30)), Slot(0, time(7, 15)))
    assert policy.spec == "2d@16:30,0d@07:15"
    assert parse_policy("off").slots == () and parse_policy("off").spec == "off"
    assert [s.key for s in parse_policy("3d..1d").slots] == ["3d", "2d", "1d"]


@pytest.mark.parametrize("spec", ["7", "7 ngay", "+1d..", "1d@25:00", "1d@8h", "tuần"])
def test_a_bad_item_is_refused_naming_it(spec: str) -> None:
    with pytest.raises(ConfigError) as refused:
        parse_policy(spec)
    assert refused.value.msg == "bot.remind.bad_policy"
    assert refused.value.params["example"] == DEFAULT_POLICY


def test_too_many_slots_are_refused() -> None:
    with pytest.raises(ConfigError) as refused:
        parse_policy("+1d..+90d")
    assert refused.value.msg == "bot.remind.too_many"


def test_quiet_hours_move_a_reminder_before_the_deadline_earlier_and_one_after_it_later() -> None:
    # 22:00 falls in the default quiet hours 21:00–07:00.
    assert moments("1d@22:00,+1d@22:00") == ["1d Wed 09/12 20:45", "+1d Sat 12/12 07:00"]
    assert moments("1d@06:00") == ["1d Tue 08/12 20:45"]  # the evening before, never at dawn
    assert moments("1d@22:00", quiet="off") == ["1d Wed 09/12 22:00"]
    assert moments("1d@12:30", quiet="12:00-13:00") == ["1d Wed 09/12 11:45"]


def test_nothing_on_sunday_unless_the_deadline_is_that_day() -> None:
    sunday = date(2026, 12, 13)
    assert moments("0d,1d,7d", deadline=sunday) == ["7d Sat 05/12 08:00", "1d Sat 12/12 08:00",
                                                    "0d Sun 13/12 08:00"]
    # Two slots that land on one moment are one reminder.
    assert [m[-15:] for m in moments("1d,2d", deadline=date(2026, 12, 14))] == ["Sat 12/12 08:00"]


def test_quiet_windows() -> None:
    quiet = parse_quiet(None)
    assert quiet == Quiet(time(21, 0), time(7, 0), sunday=True)
    deadline = DEADLINE
    assert quiet.hushed(datetime(2026, 12, 9, 21, 0, tzinfo=HCM), deadline)
    assert quiet.hushed(datetime(2026, 12, 9, 6, 59, tzinfo=HCM), deadline)
    assert not quiet.hushed(datetime(2026, 12, 9, 7, 0, tzinfo=HCM), deadline)
    assert quiet.next_allowed(datetime(2026, 12, 9, 23, 30, tzinfo=HCM), deadline) == \
        datetime(2026, 12, 10, 7, 0, tzinfo=HCM)
    # Saturday night: not at dawn on Sunday, but on Monday.
    assert quiet.next_allowed(datetime(2026, 12, 5, 23, 30, tzinfo=HCM), deadline) == \
        datetime(2026, 12, 7, 7, 0, tzinfo=HCM)
    with pytest.raises(ConfigError) as refused:
        parse_quiet("9pm")
    assert refused.value.msg == "bot.remind.bad_quiet"


def test_the_moments_are_in_the_reporting_time_zone() -> None:
    (_, hcm), = plan(parse_policy("0d"), DEADLINE, HCM)
    (_, tokyo), = plan(parse_policy("0d"), DEADLINE, ZoneInfo("Asia/Tokyo"))
    assert hcm.astimezone(UTC) == datetime(2026, 12, 10, 1, 0, tzinfo=UTC)
    assert tokyo.astimezone(UTC) == datetime(2026, 12, 9, 23, 0, tzinfo=UTC)
    # Quiet hours are local: 22:00 in Hồ Chí Minh is 15:00 UTC, and still quiet.
    assert moments("1d@22:00", zone=ZoneInfo("UTC")) == ["1d Wed 09/12 20:45"]


@pytest.mark.parametrize(
    ("at", "quiet", "on_the_day"),
    [
        (time(17, 0), None, "0d Thu 10/12 08:00"),  # well before the deadline: as without a time
        (time(9, 0), None, "0d Thu 10/12 08:00"),  # exactly an hour before
        (time(8, 30), None, "0d Thu 10/12 07:30"),  # an hour before the deadline
        (time(7, 30), None, "0d Wed 09/12 20:45"),  # 06:30 is quiet: the evening before
        (time(7, 30), "off", "0d Thu 10/12 06:30"),
        (time(0, 30), "off", "0d Wed 09/12 23:30"),
    ],
)
def test_a_deadline_time_keeps_the_reminders_of_the_day_before_it(at: time, quiet: str | None,
                                                                  on_the_day: str) -> None:
    # The day before stays as it was, and after the deadline the next morning, as ever.
    assert moments("1d@20:00,0d,+1d", at=at, quiet=quiet) == ["1d Wed 09/12 20:00", on_the_day,
                                                              "+1d Fri 11/12 08:00"]


def test_without_a_time_the_day_ends_at_midnight() -> None:
    assert moments("0d@20:30", quiet="off") == ["0d Thu 10/12 20:30"]
    assert moments("0d@20:30", quiet="off", at=time(20, 0)) == ["0d Thu 10/12 19:00"]
