"""Reminders with a controllable clock, on the fake, SQLite and PostgreSQL: planned rows claimed by the runner's
reminder step, sent once; quiet hours, the time zone, a deadline change, a submission, a return, escalation,
the digest, a restart after a missed window — and three workers on PostgreSQL producing each reminder once."""

from __future__ import annotations

import asyncio
import threading
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import yaml
from sqlalchemy import select

from bot import reminders
from bot.campaigns import return_report, set_deadline
from bot.envelopes import Update
from bot.reporting import apply_effects, report_view
from bot.runner import Runner
from dialogs.conversation import flow
from dialogs.conversation.importer import import_answers
from dialogs.events import Text
from dialogs.messages import render
from dialogs.template.loader import load_shipped
from storage.models import Outbox
from tests.bot.test_campaigns import FACTS_003

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
#: A Thursday; the default policy then reminds on Thu 3, Mon 7, Wed 9, Thu 10, Fri 11, Sat 12 and Mon 14/12.
DEADLINE = date(2026, 12, 10)
START = datetime(2026, 12, 1, 9, 0, tzinfo=HCM)
TEMPLATE = load_shipped()


class Clock:
    """The time the runner reads: set by the test."""

    def __init__(self, at: datetime) -> None:
        self.at = at

    def __call__(self) -> datetime:
        return self.at

    def set(self, *args: int, zone: ZoneInfo = HCM) -> datetime:
        self.at = datetime(*args, tzinfo=zone)  # type: ignore[misc]
        return self.at


@dataclass
class World:
    db: Any
    clock: Clock
    runner: Runner
    campaign: int
    units: list[int]

    def fire(self) -> list[tuple[str, list[str], str]]:
        """Run the runner's reminder step; the messages it queued (chat, message ids, text), marked sent."""
        self.runner.remind(limit=1000)
        rows: list[Any] = []
        with self.db.uow() as uow:
            while heads := uow.outbox.pending(self.clock() + timedelta(days=400), limit=10_000):
                for row in heads:  # each chat's oldest; the next becomes the head once it is sent
                    uow.outbox.mark_sent(row.id, self.clock())
                rows.extend(heads)
            uow.commit()
        return sorted((r.chat_id, list(r.payload.get("msgs", [])), r.payload["text"]) for r in rows)

    def chats(self) -> list[str]:
        return [chat for chat, _, _ in self.fire()]


def make_world(db: Any, units: int = 2, *, zone: ZoneInfo = HCM, policy: str | None = None,
               digest: str | None = None, start: datetime = START, deadline_time: time | None = None) -> World:
    start = start.astimezone(zone)
    clock = Clock(start)
    with db.uow() as uow:
        version = uow.templates.ensure(TEMPLATE, start)
        made = [uow.units.add(f"Xã Thử Nghiệm {i}", now=start, code=90_000 + i, province_code=31,
                              province_name="Thành phố Hải Phòng") for i in range(units)]
        campaign = uow.campaigns.create(version, "Tổng kết", DEADLINE, start, unit_ids=[u.id for u in made],
                                        deadline_time=deadline_time)
        for i, unit in enumerate(made):
            person = uow.people.get_or_create("telegram", str(100 + i), f"Cán bộ {i}", start)
            uow.people.attach_unit(person, unit.id)
        staff = uow.people.get_or_create("telegram", "900", "Chị Lan (Sở)", start)
        uow.people.set_role(staff, "department")
        reminders.configure(campaign, policy=policy, digest=digest)
        reminders.plan_campaign(uow, campaign, start)
        uow.commit()
        ids = campaign.id, [u.id for u in made]
    runner = Runner(db.session_factory, clock, uow=db.uow)
    return World(db, clock, runner, ids[0], ids[1])


def test_each_slot_reminds_each_unit_once_then_the_department_after_the_deadline(anydb: Any) -> None:
    world = make_world(anydb)
    assert world.fire() == []  # 1/12 09:00: nothing due yet
    world.clock.set(2026, 12, 3, 8, 0)
    sent = world.fire()
    assert [chat for chat, _, _ in sent] == ["100", "101"]
    _, msgs, text = sent[0]
    assert msgs == ["engine.reminder"]
    sections = list(dict.fromkeys(f.section for f in flow.missing_required(TEMPLATE, {})))
    assert render("engine.reminder_missing", {"sections": ", ".join(sections[:8]) + "…",
                                              "count": len(flow.missing_required(TEMPLATE, {}))}) in text
    assert "7 ngày" in text and "10/12/2026" in text and "«tiếp tục»" in text
    assert world.fire() == []  # claimed once
    world.clock.set(2026, 12, 7, 8, 0)
    assert world.chats() == ["100", "101"]
    world.clock.set(2026, 12, 10, 8, 0)
    assert [m for _, m, _ in world.fire()] == [["engine.reminder_today"]] * 2
    world.clock.set(2026, 12, 11, 8, 0)
    after = world.fire()
    assert [(chat, msgs) for chat, msgs, _ in after] == [("100", ["engine.reminder_late"]),
                                                          ("101", ["engine.reminder_late"]),
                                                          ("900", ["bot.remind.escalation"])]
    escalation = after[2][2]
    assert "Còn 2 đơn vị chưa nộp: 2 chưa bắt đầu, 0 đang làm" in escalation
    assert "• Xã Thử Nghiệm 0, Thành phố Hải Phòng: chưa bắt đầu" in escalation
    with anydb.uow() as uow:
        deliveries = uow.reminders.deliveries(world.campaign)
        assert len(deliveries) == 2 * 4 + 1  # 9/12 was missed: on 10/12 only that day's went
        assert all(d.outbox_id is not None for _, d in deliveries)


def test_a_reminder_in_the_middle_of_a_question_leaves_the_question_waiting(anydb: Any) -> None:
    world = make_world(anydb, units=1)
    with anydb.uow() as uow:
        uow.invites.create("MOI00001", "reporter", world.units[0], world.campaign, None, world.clock())
        uow.commit()
    for n, text in enumerate(["/start MOI00001", "bắt đầu"]):
        world.runner.process(Update("telegram", f"u{n}", "100", "100", Text(text)))
    world.fire()  # the replies, sent
    with anydb.uow() as uow:
        (conversation,) = uow.conversations.for_person(uow.people.by_identity("telegram", "100").id)
        waiting = conversation.state["wait"]["field"]
    assert TEMPLATE.field(waiting).type == "text"  # a paragraph, sent in several messages
    world.runner.process(Update("telegram", "u2", "100", "100", Text("Đảng ủy đã ban hành kế hoạch 337/KH-UBND")))
    world.fire()
    world.clock.set(2026, 12, 3, 8, 0)
    ((_, msgs, _),) = world.fire()
    assert msgs[0] == "engine.reminder" and len(msgs) > 1  # the question, shown again after the reminder
    with anydb.uow() as uow:
        (conversation,) = uow.conversations.for_report(uow.reports.by_campaign_unit(world.campaign,
                                                                                     world.units[0]).id)
        assert conversation.state["wait"]["field"] == waiting
    world.runner.process(Update("telegram", "u3", "100", "100", Text("và tổ chức hội nghị sơ kết hằng năm.")))
    handled = world.runner.process(Update("telegram", "u4", "100", "100", Text("xong")))
    with anydb.uow() as uow:
        record = uow.answers.current_records(world.campaign, world.units[0])[waiting]
    assert "337/KH-UBND" in str(record.value) and "sơ kết hằng năm" in str(record.value), handled.effects


def test_a_restart_after_a_missed_window_sends_one_catch_up(anydb: Any) -> None:
    world = make_world(anydb)
    world.clock.set(2026, 12, 7, 10, 30)  # the bot was down on 3/12 and on 7/12 at 08:00
    sent = world.fire()
    assert [chat for chat, _, _ in sent] == ["100", "101"]
    assert all("còn 3 ngày" in text for _, _, text in sent)
    restarted = Runner(anydb.session_factory, world.clock, uow=anydb.uow)
    restarted.remind()
    assert world.fire() == []
    with anydb.uow() as uow:
        statuses = Counter(r.status for r in uow.reminders.of_campaign(world.campaign) if r.kind == "unit")
    assert statuses == {"sent": 2, "skipped": 2, "planned": 10}


def test_quiet_hours_hold_a_catch_up_until_morning(anydb: Any) -> None:
    world = make_world(anydb)
    world.clock.set(2026, 12, 3, 22, 15)  # missed at 08:00, back at night
    assert world.fire() == []
    world.clock.set(2026, 12, 4, 6, 59)
    assert world.fire() == []
    world.clock.set(2026, 12, 4, 7, 0)
    assert world.chats() == ["100", "101"]


def test_the_time_zone_of_the_reminders_is_reportbot_tz(anydb: Any) -> None:
    tokyo = ZoneInfo("Asia/Tokyo")
    world = make_world(anydb, units=1, zone=tokyo, policy="0d")
    with anydb.uow() as uow:
        (row,) = uow.reminders.of_campaign(world.campaign, status="planned")[:1]
        assert row.due_at.astimezone(UTC) == datetime(2026, 12, 9, 23, 0, tzinfo=UTC)  # 08:00 in Tokyo
    world.clock.set(2026, 12, 10, 7, 59, zone=tokyo)
    assert world.fire() == []
    world.clock.set(2026, 12, 10, 8, 0, zone=tokyo)
    assert world.chats() == ["100"]


def test_a_deadline_change_plans_the_reminders_again(anydb: Any) -> None:
    world = make_world(anydb, units=1)
    world.clock.set(2026, 12, 4, 9, 0)
    with anydb.uow() as uow:
        set_deadline(uow, uow.campaigns.get(world.campaign), date(2026, 12, 17), world.clock())
        uow.commit()
    world.clock.set(2026, 12, 7, 8, 0)  # the old deadline's 3-day reminder
    assert world.fire() == []
    world.clock.set(2026, 12, 10, 8, 0)  # the new one's 7-day reminder
    ((_, msgs, text),) = world.fire()
    assert msgs == ["engine.reminder"] and "còn 7 ngày" in text and "17/12/2026" in text


def _planned(db: Any, world: World) -> dict[str, datetime]:
    """The campaign's planned unit reminders of its first unit: slot → when (in Hồ Chí Minh City)."""
    with db.uow() as uow:
        return {r.slot: r.due_at.astimezone(HCM) for r in uow.reminders.of_campaign(world.campaign, status="planned")
                if r.unit_id == world.units[0]}


def test_a_deadline_time_is_said_and_the_on_day_reminder_stays_before_it(anydb: Any) -> None:
    world = make_world(anydb, units=1, deadline_time=time(17, 0))
    assert _planned(anydb, world)["0d"] == datetime(2026, 12, 10, 8, 0, tzinfo=HCM)  # 08:00 is well before 17:00
    world.clock.set(2026, 12, 10, 8, 0)
    ((_, msgs, text),) = world.fire()
    assert msgs[0] == "engine.reminder_today" and "hôm nay (17:00 ngày 10/12/2026) là hạn nộp" in text
    world.clock.set(2026, 12, 11, 8, 0)  # after the deadline: still the next morning, and the department too
    after = world.fire()
    assert [(chat, m[0]) for chat, m, _ in after] == [("100", "engine.reminder_late"), ("900", "bot.remind.escalation")]
    assert "quá hạn 1 ngày (hạn nộp 17:00 ngày 10/12/2026)" in after[0][2]
    assert "(hạn nộp 17:00 ngày 10/12/2026)" in after[1][2]


def test_an_early_deadline_moves_the_on_day_reminder_before_it_out_of_quiet_hours(anydb: Any) -> None:
    world = make_world(anydb, units=1, deadline_time=time(7, 30))
    planned = _planned(anydb, world)
    # 08:00 would be after 07:30 and 06:30 (an hour before) is a quiet hour: the evening before, at 20:45.
    assert planned["0d"] == datetime(2026, 12, 9, 20, 45, tzinfo=HCM)
    assert planned["1d"] == datetime(2026, 12, 9, 8, 0, tzinfo=HCM) and planned["+1d"] == datetime(2026, 12, 11, 8, 0,
                                                                                                   tzinfo=HCM)
    world.clock.set(2026, 12, 9, 20, 45)
    ((_, msgs, text),) = world.fire()
    assert msgs[0] == "engine.reminder" and "còn 1 ngày nữa là hạn nộp báo cáo (07:30 ngày 10/12/2026)" in text
    world.clock.set(2026, 12, 10, 8, 0)
    assert world.fire() == []


def test_a_change_of_only_the_time_plans_the_reminders_again(anydb: Any) -> None:
    world = make_world(anydb, units=1, deadline_time=time(17, 0))
    world.clock.set(2026, 12, 4, 9, 0)
    with anydb.uow() as uow:
        set_deadline(uow, uow.campaigns.get(world.campaign), DEADLINE, world.clock(), time(7, 30))
        uow.commit()
    assert _planned(anydb, world)["0d"] == datetime(2026, 12, 9, 20, 45, tzinfo=HCM)
    with anydb.uow() as uow:
        rows = uow.reminders.of_campaign(world.campaign)
        # Each slot planned anew for 07:30 (even 7d, whose moment is the same); those for 17:00 are cancelled.
        assert {r.status for r in rows if r.deadline_time == time(17, 0)} == {"cancelled"}
        assert {r.status for r in rows if r.deadline_time == time(7, 30)} == {"planned"}
    world.clock.set(2026, 12, 9, 20, 45)
    assert [m[0] for _, m, _ in world.fire()] == ["engine.reminder"]
    # A date alone clears the time: the deadline is the end of the day again, the on-day reminder at 08:00.
    world.clock.set(2026, 12, 9, 21, 0)
    with anydb.uow() as uow:
        campaign = uow.campaigns.get(world.campaign)
        set_deadline(uow, campaign, DEADLINE, world.clock())
        assert campaign.deadline_time is None
        uow.commit()
    assert _planned(anydb, world)["0d"] == datetime(2026, 12, 10, 8, 0, tzinfo=HCM)
    world.clock.set(2026, 12, 10, 8, 0)
    ((_, msgs, text),) = world.fire()
    assert msgs[0] == "engine.reminder_today" and "hôm nay (10/12/2026) là hạn nộp" in text


def test_a_reminder_planned_for_another_time_is_not_sent(anydb: Any) -> None:
    """A worker that planned before the time changed (no re-plan seen yet) must not send the stale reminder."""
    world = make_world(anydb, units=1, deadline_time=time(17, 0))
    with anydb.uow() as uow:
        uow.campaigns.get(world.campaign).deadline_time = time(16, 0)  # changed, reminders not planned again
        uow.commit()
    world.clock.set(2026, 12, 3, 8, 0)
    assert world.fire() == []
    with anydb.uow() as uow:
        (row,) = [r for r in uow.reminders.of_campaign(world.campaign) if r.slot == "7d"]
        assert row.status == "cancelled"


def test_a_catch_up_after_the_deadline_time_on_its_day_says_it_has_passed(anydb: Any) -> None:
    world = make_world(anydb, units=1, deadline_time=time(7, 30))
    world.clock.set(2026, 12, 10, 10, 0)  # the bot was down from 9/12 08:00; the deadline (07:30) has passed
    ((_, msgs, text),) = world.fire()
    assert msgs[0] == "engine.reminder_passed" and "đã quá hạn nộp (07:30 ngày 10/12/2026)" in text


def _submit(db: Any, world: World, unit_id: int) -> None:
    raw = yaml.safe_load(FACTS_003.read_text(encoding="utf-8"))
    with db.uow() as uow:
        row = uow.reports.get_or_create(world.campaign, unit_id, world.clock())
        done = import_answers(TEMPLATE, report_view(uow, row), raw, world.clock(), submit=True)
        apply_effects(uow, row, done.effects, world.clock(), person_id=None, channel="console")
        uow.commit()


def test_a_submission_stops_the_reminders_and_a_return_restarts_them(anydb: Any) -> None:
    world = make_world(anydb)
    _submit(anydb, world, world.units[0])
    world.clock.set(2026, 12, 3, 8, 0)
    assert world.chats() == ["101"]
    world.clock.set(2026, 12, 4, 10, 0)
    with anydb.uow() as uow:
        return_report(uow, world.campaign, uow.units.get(world.units[0]), "Mục IV.2 thiếu số tiền", world.clock())
        uow.commit()
    assert world.chats() == ["100"]  # the return's notice (not a reminder)
    world.clock.set(2026, 12, 7, 8, 0)
    assert world.chats() == ["100", "101"]
    # After the deadline with every slot gone, a return still plans one more reminder, the next morning.
    _submit(anydb, world, world.units[0])
    world.clock.set(2026, 12, 15, 9, 0)
    with anydb.uow() as uow:
        return_report(uow, world.campaign, uow.units.get(world.units[0]), "Thiếu chữ ký", world.clock())
        uow.commit()
    world.fire()
    world.clock.set(2026, 12, 16, 8, 0)
    ((chat, msgs, text),) = world.fire()
    assert (chat, msgs) == ("100", ["engine.reminder_late"]) and "quá hạn 6 ngày" in text


def test_the_daily_digest_goes_to_the_department_when_asked(anydb: Any) -> None:
    world = make_world(anydb, policy="off", digest="17:00")
    _submit(anydb, world, world.units[0])
    world.clock.set(2026, 12, 1, 17, 0)
    ((chat, msgs, text),) = world.fire()
    assert (chat, msgs) == ("900", ["bot.remind.digest"])
    assert "đã nộp 1/2 đơn vị (50%)" in text and "chưa bắt đầu 1" in text
    world.clock.set(2026, 12, 6, 17, 0)  # Sunday: no digest
    assert world.fire() == []  # (and without ``digest`` none at all: see the first test's exact lists)


def test_a_dry_run_lists_who_would_be_reminded_and_changes_nothing(anydb: Any) -> None:
    make_world(anydb)
    with anydb.uow() as uow:
        listed = reminders.preview(uow, datetime(2026, 12, 9, 8, 0, tzinfo=HCM))
        assert [(m.person.display_name, m.channel, m.reminder.slot) for m in listed] == [
            ("Cán bộ 0", "telegram", "1d"), ("Cán bộ 1", "telegram", "1d")]
        assert "còn 1 ngày" in reminders.rendered(listed[0])
    with anydb.uow() as uow:
        assert uow.reminders.count("planned") == 2 * 7 + 3 and uow.reminders.count("sent") == 0


def test_three_workers_on_postgresql_send_each_reminder_once(pg_migrated: Any, request: Any) -> None:
    from tests.storage.dbfixtures import open_database

    db = next(open_database("postgresql", None, request))
    world = make_world(db, units=60)
    world.clock.set(2026, 12, 11, 8, 0)  # each unit's +1d reminder, and the escalation
    barrier = threading.Barrier(3)
    errors: list[BaseException] = []

    def worker() -> None:
        runner = Runner(db.session_factory, world.clock)
        barrier.wait()
        try:
            for _ in range(10):
                runner.remind(limit=7)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with db.uow() as uow:
        rows = list(uow.session.scalars(select(Outbox)))  # every row, not only each chat's head
        deliveries = uow.reminders.deliveries(world.campaign)
    assert Counter(r.chat_id for r in rows) == {**{str(100 + i): 1 for i in range(60)}, "900": 1}
    assert len(deliveries) == 61 and len({d.outbox_id for _, d in deliveries}) == 61


async def test_the_runtime_sends_due_reminders_once_through_telegram_paced(tmp_path: Any) -> None:
    from bot.channels.telegram import TelegramChannel
    from bot.pacing import Limits
    from bot.runtime import Runtime
    from storage.db import make_engine, make_session_factory, migrate
    from tests.fakes.telegram import FakeTelegram
    from tests.fakes.telegram_api import Flood
    from tests.storage.dbfixtures import Database

    engine = make_engine(f"sqlite:///{tmp_path}/rt.db")
    migrate(engine)
    db = Database("sqlite", engine, make_session_factory(engine))
    make_world(db, units=8)
    moved = datetime(2026, 12, 7, 8, 0, tzinfo=HCM) - datetime.now(HCM)
    async with FakeTelegram(flood=Flood(rate=5, burst=5, chat_rate=1, chat_burst=1)) as fake:
        for n in (*range(100, 108), 900):
            fake.user(n, f"u{n}")
        channel = TelegramChannel(fake.token, fake.base_url)
        await channel.start()
        runner = Runner(db.session_factory, lambda: datetime.now(HCM) + moved)
        runtime = Runtime(runner, {channel.name: channel}, limits={channel.name: Limits(5, 1, 1)})
        runtime.start()
        for _ in range(100):
            await asyncio.sleep(0.1)
            if fake.stats.sent >= 8:
                break
        await asyncio.sleep(1.5)  # a second worker's turn, or a duplicate, would show now
        await runtime.stop()
        await channel.close()
        counts = {n: len(fake.messages(n)) for n in range(100, 108)}
        assert counts == dict.fromkeys(range(100, 108), 1) and fake.messages(900) == []
        assert fake.stats.http_429 == 0
        assert "còn 3 ngày" in fake.messages(100)[0].text
    with db.uow() as uow:
        assert uow.reminders.count("sent") == 8 and len(uow.reminders.deliveries()) == 8
    engine.dispose()
