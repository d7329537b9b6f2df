"""The runner on the fake store, SQLite and PostgreSQL (one body each): one update = one transaction, then delivery."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot import delivery
from bot import runner as runner_module
from bot.runner import Binding, Cycle, Handled, Outgoing, Runner, Update
from dialogs.answers import AnswerRecord
from dialogs.effects import AnswerSaved
from dialogs.events import Start, Text
from dialogs.template.loader import load_template

TEMPLATE = Path(__file__).resolve().parents[1] / "dialogs" / "templates" / "mini.yaml"
TINY = Path(__file__).resolve().parent / "templates" / "tiny.yaml"
NOW = datetime(2025, 8, 10, 9, 0, tzinfo=UTC)


@pytest.fixture
def world(anydb: Any) -> tuple[Any, Binding]:
    """A database with the mini template, one unit and one campaign."""
    template = load_template(TEMPLATE)
    with anydb.uow() as uow:
        unit = uow.units.add("Xã Khúc Thừa Dụ", now=NOW)
        version = uow.templates.ensure(template, NOW)
        campaign = uow.campaigns.create(version, "Thử", date(2025, 8, 20), NOW, [unit.id])
        uow.commit()
        return anydb, Binding(campaign.id, unit.id)


def _runner(db: Any, binding: Binding | None) -> Runner:
    return Runner(db.session_factory, lambda: NOW, binding=binding, uow=db.uow)


def _update(n: int, text: str | None, chat: str = "c1") -> Update:
    return Update("console", f"u{n}", chat, f"user-{chat}", Start() if text is None else Text(text))


def _conversation(uow: Any, channel: str, user: str) -> Any:
    """The conversation of the person behind this account (on the report they work on)."""
    found = uow.people.lookup(channel, user)
    if found is None:
        return None
    person, identity = found
    return uow.conversations.get(person.id, identity.report_id, for_update=False)


def _sent(runner: Runner, channel: str = "console") -> list[Outgoing]:
    """What a background sender would deliver now (messages not claimed by the update that made them)."""
    out: list[Outgoing] = []
    runner.deliver(out.append, channel=channel)
    return out


def _turn(runner: Runner, *updates: Update) -> list[Outgoing]:
    """Process updates in one commit and send their replies, as a channel does."""
    out: list[Outgoing] = []
    runner.send_replies(runner.process_batch(list(updates)), out.append)
    return out


def _boom_breaks_the_engine(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the engine raise on the text "boom" (an engine bug, as far as the runner can tell)."""
    real = runner_module.resume

    def flaky(template: Any, report: Any, state: Any, event: Any, now: datetime) -> Any:
        if isinstance(event, Text) and event.text == "boom":
            raise RuntimeError("engine bug")
        return real(template, report, state, event, now)

    monkeypatch.setattr(runner_module, "resume", flaky)


def test_one_update_stores_state_answers_and_outbox(world: tuple[Any, Binding]) -> None:
    db, binding = world
    runner = _runner(db, binding)
    _turn(runner, _update(1, None))
    _turn(runner, _update(2, "Tình hình tốt."))
    messages = _turn(runner, _update(3, "xong"))
    assert "Họ tên cán bộ phụ trách?" in messages[-1].text
    runner.flush()
    with db.uow() as uow:
        answers = uow.answers.current_records(binding.campaign_id, binding.unit_id)
        conv = _conversation(uow, "console", "user-c1")
        assert answers["tinh_hinh"].value == "Tình hình tốt."
        assert conv is not None and conv.state["wait"] == {"kind": "answer", "field": "can_bo"}
        assert "engine.question" in messages[-1].msgs
        assert uow.outbox.pending(NOW) == []


def test_a_cycle_processes_no_more_updates_than_its_limit(world: tuple[Any, Binding]) -> None:
    """The batch bounds a cycle's commit (and so the wait of every webhook behind it)."""
    db, binding = world
    runner = _runner(db, binding)
    first = runner.cycle(Cycle(updates=[_update(n, None, chat=f"c{n}") for n in range(5)], limit=2))
    assert len(first.handled) == 2 and len([i for i in first.inbox_ids if i is not None]) == 5
    rest = runner.cycle(Cycle(limit=10))
    assert sorted(h.update.chat_id for h in first.handled + rest.handled) == [f"c{n}" for n in range(5)]


def test_a_duplicate_update_is_processed_once(world: tuple[Any, Binding]) -> None:
    db, binding = world
    runner = _runner(db, binding)
    _turn(runner, _update(1, None))
    first = _turn(runner, _update(2, "Tình hình tốt."))
    again = runner.process(_update(2, "Tình hình tốt."))
    assert again.duplicate and again.outgoing == [] and first
    _turn(runner, _update(3, "xong"))
    with db.uow() as uow:
        assert uow.answers.current_records(binding.campaign_id, binding.unit_id)["tinh_hinh"].value == "Tình hình tốt."


def test_a_failing_update_in_a_batch_does_not_take_the_others_with_it(
    world: tuple[Any, Binding], monkeypatch: pytest.MonkeyPatch
) -> None:
    db, binding = world
    runner = _runner(db, binding)
    _boom_breaks_the_engine(monkeypatch)
    results = runner.process_batch([_update(1, None, "a"), _update(2, "boom", "b"), _update(3, None, "c")])
    assert [r.error is None for r in results] == [True, False, True]
    out: list[Outgoing] = []
    runner.send_replies(results, out.append)
    texts = {m.chat_id: m.text for m in out}
    assert "Xin lỗi" in texts["b"] and "Xin chào" in texts["a"] and "Xin chào" in texts["c"]
    assert "engine bug" not in texts["b"]  # internal exception text never reaches a user
    with db.uow() as uow:
        assert _conversation(uow, "console", "user-a") is not None
        assert uow.inbox.processed("console", "u2")  # set aside after its attempts: answered once, kept
        assert [row.update_id for row in uow.inbox.set_aside()] == ["u2"]
    assert [m.chat_id for m in out].count("b") == 1


def test_a_turn_failing_after_it_wrote_leaves_nothing_of_itself_and_everything_of_the_others(
    world: tuple[Any, Binding], monkeypatch: pytest.MonkeyPatch
) -> None:
    # A cycle runs its turns without savepoints first; the failure makes it start again with them: the failing
    # turn's answer (written before it failed) must be gone, the others' kept once, the apology sent once.
    db, binding = world
    runner = _runner(db, binding)
    runner.cycle(Cycle(updates=[_update(1, None, "a"), _update(2, None, "b"), _update(3, None, "c")], limit=10))
    runner.cycle(Cycle(updates=[_update(4, "Tình hình của a.", "a"), _update(5, "Sai sau khi ghi.", "b"),
                                _update(6, "Tình hình của c.", "c")], limit=10))
    real = runner_module.apply_effects

    def writes_then_fails(uow: Any, row: Any, effects: Any, now: datetime, **options: Any) -> Any:
        said = real(uow, row, effects, now, **options)
        if any(isinstance(e, AnswerSaved) and e.record.get("value") == "Sai sau khi ghi." for e in effects):
            raise RuntimeError("failed after writing")
        return said

    monkeypatch.setattr(runner_module, "apply_effects", writes_then_fails)
    updates = [_update(7, "xong", "a"), _update(8, "xong", "b"), _update(9, "xong", "c")]
    result = runner.cycle(Cycle(updates=updates, limit=10))
    assert sorted((h.update.chat_id, h.error is None) for h in result.handled) == [
        ("a", True), ("b", False), ("c", True)]
    with db.uow() as uow:
        values = [a.value for a in uow.answers.history(binding.campaign_id, binding.unit_id, "tinh_hinh")]
        assert values == ["Tình hình của a.", "Tình hình của c."]
        assert [row.update_id for row in uow.inbox.set_aside()] == ["u8"]
        assert uow.inbox.processed("console", "u7") and uow.inbox.processed("console", "u9")
    apologies = [m for h in result.handled for m in h.outgoing if "bot.error.internal" in m.msgs]
    assert [m.chat_id for m in apologies] == ["b"]


def test_nothing_is_kept_when_the_commit_never_happens(
    world: tuple[Any, Binding], monkeypatch: pytest.MonkeyPatch
) -> None:
    db, binding = world
    runner = _runner(db, binding)
    _turn(runner, _update(1, None))

    def crash(name: str) -> None:
        if name == "before_commit":
            raise SystemExit("power cut")

    monkeypatch.setattr(runner_module.faults, "point", crash)
    with pytest.raises(SystemExit):
        runner.process(_update(2, "Tình hình tốt."))
    monkeypatch.undo()
    with db.uow() as uow:
        assert not uow.inbox.seen("console", "u2")
        assert uow.answers.count(binding.campaign_id) == 0
    runner.process(_update(2, "Tình hình tốt."))  # the channel redelivers it
    runner.process(_update(3, "xong"))
    with db.uow() as uow:
        assert uow.answers.current_records(binding.campaign_id, binding.unit_id)["tinh_hinh"].value == "Tình hình tốt."


def test_a_reply_whose_sender_died_is_sent_again_once_its_lease_ran_out(world: tuple[Any, Binding]) -> None:
    db, binding = world
    clock = [NOW]
    runner = Runner(db.session_factory, lambda: clock[0], binding=binding, uow=db.uow)
    handled = runner.process(_update(1, None))  # committed and leased; then the process "dies" unsent
    assert handled.outgoing
    other = Runner(db.session_factory, lambda: clock[0], binding=binding, uow=db.uow)
    assert _sent(other) == []  # still leased to the dead runner
    clock[0] = NOW + runner_module.LEASE + timedelta(seconds=1)
    again = _sent(other)
    assert [m.msgs for m in again] == [m.msgs for m in handled.outgoing]  # at least once, never silent
    assert _sent(other) == []  # and only once more


def test_a_reply_in_doubt_is_superseded_by_the_next_turns_reply(world: tuple[Any, Binding]) -> None:
    db, binding = world
    clock = [NOW]
    dead = Runner(db.session_factory, lambda: clock[0], binding=binding, uow=db.uow)
    _turn(dead, _update(1, None))
    dead.flush()
    stale = dead.process(_update(2, "Tình hình tốt."))  # leased, never sent: the worker dies
    alive = Runner(db.session_factory, lambda: clock[0], binding=binding, uow=db.uow)
    newer = alive.process(_update(3, "xong"))
    assert newer.outgoing == []  # queued behind the reply in doubt (per-chat order)
    clock[0] = NOW + runner_module.LEASE + timedelta(seconds=1)
    delivered = _sent(alive)
    assert [m.turn for m in delivered] == [newer.inbox_id]  # the stale one is superseded, not sent
    assert "Họ tên cán bộ phụ trách?" in delivered[-1].text
    with db.uow() as uow:
        assert all(uow.outbox.get(m.id).superseded_at is not None for m in stale.outgoing)


def test_a_failed_send_is_retried_later(world: tuple[Any, Binding]) -> None:
    db, binding = world
    clock = [NOW]
    runner = Runner(db.session_factory, lambda: clock[0], binding=binding, uow=db.uow)
    handled = runner.process(_update(1, None))

    def broken(message: Outgoing) -> None:
        raise ConnectionError("network down")

    assert runner.send_replies([handled], broken) == 0
    assert _sent(runner) == []  # not due yet
    clock[0] = NOW + timedelta(seconds=delivery.FIRST_BACKOFF * 2)
    assert len(_sent(runner)) == 1


def test_start_with_an_invite_code_binds_the_conversation(world: tuple[Any, Binding]) -> None:
    db, binding = world
    with db.uow() as uow:
        uow.invites.create("AB12CD34", "reporter", binding.unit_id, binding.campaign_id,
                           datetime(2025, 9, 1, tzinfo=UTC), NOW)
        uow.commit()
    runner = _runner(db, None)
    assert "mã mời" in _turn(runner, Update("telegram", "1", "42", "42", Text("xin chào")))[0].text
    texts = [m.text for m in _turn(runner, Update("telegram", "2", "42", "42", Text("/start AB12CD34")))]
    assert "Mã mời hợp lệ" in texts[0] and "Tình hình chung" in texts[-1]
    with db.uow() as uow:
        person, identity = uow.people.lookup("telegram", "42")
        report = uow.reports.by_campaign_unit(binding.campaign_id, binding.unit_id)
        assert person.unit_id == binding.unit_id and report is not None and identity.report_id == report.id
        assert _conversation(uow, "telegram", "42") is not None


def test_a_submission_is_stored_as_a_frozen_version(world: tuple[Any, Binding]) -> None:
    db, binding = world
    runner = _runner(db, binding)
    answers = {f: AnswerRecord("skipped") for f in ("van_ban", "ty_le", "diem_tb", "anh_minh_hoa")} | {
        "tinh_hinh": AnswerRecord("answered", "Tốt"), "can_bo": AnswerRecord("answered", "An"),
        "ngay_hop": AnswerRecord("answered", "2025-08-06"), "so_tap_the": AnswerRecord("answered", 75),
        "so_ca_nhan": AnswerRecord("answered", 650), "so_tien": AnswerRecord("answered", 570000000),
        "muc_do": AnswerRecord("answered", "tot"), "linh_vuc": AnswerRecord("answered", ["y_te"]),
        "co_dien_hinh": AnswerRecord("answered", False), "nguoi_ky": AnswerRecord("answered", "Nguyễn Đình Biểu")}
    with db.uow() as uow:
        for field_id, record in answers.items():
            uow.answers.append(campaign_id=binding.campaign_id, unit_id=binding.unit_id, field_id=field_id,
                               record=record, person_id=None, channel="import", now=NOW)
        uow.commit()
    assert "engine.review_ready" in [m for o in _turn(runner, _update(0, None)) for m in o.msgs]
    runner.process(_update(1, "nop"))
    runner.process(_update(2, "dong y"))
    runner.process(_update(3, "sua so_tap_the"))
    runner.process(_update(4, "80"))
    with db.uow() as uow:
        first = uow.submissions.last_submitted(binding.campaign_id, binding.unit_id)
        assert first is not None and first.version == 1 and first.answers["so_tap_the"]["value"] == 75
        assert first.ref and first.ref.startswith("BC-")
        assert uow.answers.current_records(binding.campaign_id, binding.unit_id)["so_tap_the"].value == 80
        assert [s.version for s in uow.submissions.versions(binding.campaign_id, binding.unit_id)] == [1, 2]


def test_department_staff_see_who_has_reported(world: tuple[Any, Binding]) -> None:
    """A department invite makes the chat a department one: /tiendo lists the rate and who is missing."""
    db, binding = world
    with db.uow() as uow:
        other = uow.units.add("Xã Kiến Thụy", now=NOW)
        uow.campaigns.invite_units(binding.campaign_id, [other.id])
        uow.invites.create("SO123456", "department", None, binding.campaign_id, datetime(2025, 9, 1, tzinfo=UTC), NOW)
        uow.commit()
    runner = _runner(db, None)
    welcome = _turn(runner, Update("telegram", "d1", "99", "99", Text("/start SO123456")))
    assert "/tiendo" in welcome[-1].text
    progress = _turn(runner, Update("telegram", "d2", "99", "99", Text("tien do")))[-1].text
    assert "Đã nộp 0/2" in progress and "Xã Khúc Thừa Dụ" in progress and "Xã Kiến Thụy" in progress
    reporter = _runner(db, binding)
    _turn(reporter, _update(1, None))
    assert "dành cho cán bộ Sở" in _turn(reporter, _update(2, "/tiendo"))[0].text
    with db.uow() as uow:
        draft = uow.submissions.open_draft(binding.campaign_id, binding.unit_id, NOW)
        uow.submissions.submit(draft, {}, "BC-1", None, NOW)
        uow.commit()
    progress = _turn(runner, Update("telegram", "d3", "99", "99", Text("/tiendo")))[-1].text
    assert "Đã nộp 1/2 đơn vị: tỉ lệ nộp 50%, đúng hạn 50% (1 đúng hạn, 0 muộn)" in progress
    assert "Xã Kiến Thụy — chưa bắt đầu" in progress and "Xã Khúc Thừa Dụ — đã nộp đúng hạn" in progress


def test_a_request_for_help_with_nobody_at_the_department_says_so(world: tuple[Any, Binding]) -> None:
    """No department staff use the bot yet: the user is told the truth, and whom to contact instead."""
    db, binding = world
    runner = _runner(db, binding)
    _turn(runner, _update(1, None))
    reply = _turn(runner, _update(2, "lien he so"))
    msgs = [m for o in reply for m in o.msgs]
    assert "bot.contact.nobody" in msgs and "bot.contact.sent" not in msgs
    with db.uow() as uow:
        campaign = uow.campaigns.get(binding.campaign_id)
        campaign.contact = "chị Lan, Văn phòng Sở, 0225 3842 xxx"
        uow.commit()
    reply = _turn(runner, _update(3, "lien he so"))
    assert "chị Lan, Văn phòng Sở, 0225 3842 xxx" in "\n".join(o.text for o in reply)
    with db.uow() as uow:
        assert uow.outbox.pending(NOW) == []  # nothing queued for anybody else


def test_a_request_for_help_reaches_department_staff_through_the_outbox(world: tuple[Any, Binding]) -> None:
    """"liên hệ sở" queues a message to every department chat; a sender delivers it once."""
    db, binding = world
    with db.uow() as uow:
        staff = uow.people.get_or_create("telegram", "777", "Cán bộ Sở", NOW, role="department")
        assert staff.role == "department"
        uow.commit()
    runner = _runner(db, binding)
    _turn(runner, _update(1, None))
    reply = _turn(runner, _update(2, "lien he so"))
    assert "bot.contact.sent" in reply[0].msgs and all(m.chat_id == "c1" for m in reply)
    delivered: list[Outgoing] = []
    assert runner.deliver(delivered.append, channel="telegram") == 1
    assert delivered[0].chat_id == "777" and "Xã Khúc Thừa Dụ" in delivered[0].text
    assert runner.deliver(delivered.append, channel="telegram") == 0
    with db.uow() as uow:
        assert uow.outbox.unsent_count() == 0


def test_a_wrong_invite_code_is_one_sentence_and_spoils_no_batch(
    world: tuple[Any, Binding], caplog: pytest.LogCaptureFixture
) -> None:
    """A wrong code in a group commit is answered in Vietnamese; the batch is not replayed, nothing is logged
    as an error, and the other chat's answer is stored."""
    db, binding = world
    runner = _runner(db, None)
    with db.uow() as uow:
        uow.invites.create("GOOD0001", "reporter", binding.unit_id, binding.campaign_id, None, NOW)
        uow.commit()
    _turn(runner, Update("telegram", "s1", "a", "a", Text("/start GOOD0001")))
    caplog.clear()
    results = runner.process_batch([Update("telegram", "s2", "x", "x", Text("/start WRONG999")),
                                    Update("telegram", "s3", "a", "a", Text("Tình hình tốt."))])
    assert [r.error for r in results] == [None, None]
    out: list[Outgoing] = []
    runner.send_replies(results, out.append)
    wrong = [m for m in out if m.chat_id == "x"]
    assert [m.msgs for m in wrong] == [("bot.invite.unknown",)] and "WRONG999" in wrong[0].text
    assert "Traceback" not in wrong[0].text and "NotFound" not in wrong[0].text
    assert not [r for r in caplog.records if r.levelname in ("ERROR", "CRITICAL") or r.exc_info]
    with db.uow() as uow:
        assert uow.people.lookup("telegram", "x") is not None  # the person exists, with no unit
        assert uow.people.lookup("telegram", "x")[0].unit_id is None


def test_a_person_created_in_a_rolled_back_batch_is_never_reused(
    world: tuple[Any, Binding], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A new person whose transaction rolls back is gone: the next new person gets their own id, and the
    first one is created afresh when they write again."""
    db, binding = world
    runner = _runner(db, binding)
    _boom_breaks_the_engine(monkeypatch)
    # "first" is new; its batch fails as a whole and is replayed alone, where it fails again: nothing is kept.
    failed = runner.process_batch([Update("console", "r1", "first", "first", Text("boom"))])
    assert failed[0].error is not None
    with db.uow() as uow:
        assert uow.people.lookup("console", "first") is None
    runner.process(Update("console", "r2", "second", "second", Start()))
    runner.process(Update("console", "r3", "first", "first", Start()))
    with db.uow() as uow:
        second = uow.people.lookup("console", "second")
        first = uow.people.lookup("console", "first")
        assert second is not None and first is not None
        assert second[0].id != first[0].id
        assert [i.external_id for i in uow.people.identities(second[0].id)] == ["second"]
        assert [i.external_id for i in uow.people.identities(first[0].id)] == ["first"]


def test_a_full_disk_is_said_and_the_conversation_continues_once_there_is_room(tmp_path: Any) -> None:
    """SQLite refuses to grow (as on a full disk): the user is told, nothing is half-stored, and once there
    is room again the same message goes through and the conversation is where it was."""
    from sqlalchemy import event

    from storage.db import make_engine, make_session_factory, migrate

    engine = make_engine(f"sqlite:///{tmp_path}/full.db")
    migrate(engine)
    factory = make_session_factory(engine)
    template = load_template(TEMPLATE)
    from storage.uow import UnitOfWork

    with UnitOfWork(factory) as uow:
        unit = uow.units.add("Xã Khúc Thừa Dụ", now=NOW)
        campaign = uow.campaigns.create(uow.templates.ensure(template, NOW), "Thử", date(2025, 8, 20), NOW,
                                        [unit.id])
        uow.commit()
        binding = Binding(campaign.id, unit.id)
    runner = Runner(factory, lambda: NOW, binding=binding)
    _turn(runner, _update(1, None))
    runner.flush()
    full = {"on": True}

    @event.listens_for(engine, "begin")
    def no_room(conn: Any) -> None:
        if full["on"]:
            pages = conn.exec_driver_sql("PRAGMA page_count").scalar()
            conn.exec_driver_sql(f"PRAGMA max_page_count = {pages}")

    long = "Đơn vị đã ban hành kế hoạch thi đua. " * 3000  # needs new pages
    out = _turn(runner, _update(2, long))
    assert [m.msgs for m in out] == [("bot.error.storage_full",)] and "hết chỗ lưu" in out[0].text
    with UnitOfWork(factory) as uow:
        assert not uow.inbox.seen("console", "u2")  # not kept: the channel redelivers it, or the user sends it again
        assert uow.answers.count(binding.campaign_id) == 0
    full["on"] = False
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA max_page_count = 1073741823")
    out = _turn(runner, _update(2, long))  # the channel redelivers it (or the user sends it again)
    assert "engine.text_part" in [m for o in out for m in o.msgs]
    _turn(runner, _update(3, "xong"))
    with UnitOfWork(factory) as uow:
        assert uow.answers.current_records(binding.campaign_id, binding.unit_id)["tinh_hinh"].value.startswith("Đơn vị")
    engine.dispose()


def test_a_nul_byte_or_a_lone_surrogate_never_sticks_a_conversation(world: tuple[Any, Binding]) -> None:
    """On release 0.1 one such line made every later message of the chat fail (SQLite: surrogates;
    PostgreSQL: NUL). Now it is cleaned on the way in and the conversation goes on."""
    db, binding = world
    runner = _runner(db, binding)
    _turn(runner, _update(1, None))
    for n, text in enumerate(["Tình hình\x00 tốt", "thêm \ud800 phần", "xong"], start=2):
        out = _turn(runner, _update(n, text))
        assert "bot.error.internal" not in [m for o in out for m in o.msgs], text
    with db.uow() as uow:
        value = uow.answers.current_records(binding.campaign_id, binding.unit_id)["tinh_hinh"].value
    assert value == "Tình hình tốt thêm \ufffd phần"  # the first part stops mid-sentence: one line
    out = _turn(runner, _update(9, "Nguyễn Văn An"))
    assert "engine.saved" in [m for o in out for m in o.msgs]

def _tiny_campaign(store: Any, *codes: str, unit_name: str = "Xã Kiến Thụy") -> tuple[int, int]:
    """A unit, a campaign on the tiny template and reporter invites ``codes``; (campaign id, unit id)."""
    with store.uow() as uow:
        unit = uow.units.add(unit_name, now=NOW)
        version = uow.templates.ensure(load_template(TINY), NOW)
        campaign = uow.campaigns.create(version, "Quý I", date(2025, 8, 20), NOW, [unit.id])
        for code in codes:
            uow.invites.create(code, "reporter", unit.id, campaign.id, None, NOW)
        uow.commit()
        return campaign.id, unit.id


def _msgs(out: list[Outgoing]) -> list[str]:
    return [m for o in out for m in o.msgs]


def test_an_invite_then_answers_then_a_stored_submission(anydb: Any) -> None:
    store = anydb
    campaign_id, unit_id = _tiny_campaign(store, "KT000001")
    runner = _runner(store, None)
    steps = [("/start KT000001", "bot.invite_accepted"), ("75", "engine.saved"), ("tot", "engine.review_ready"),
             ("nop", "engine.confirm_submit"), ("dong y", "engine.receipt")]
    for n, (text, says) in enumerate(steps):
        assert says in _msgs(_turn(runner, Update("telegram", str(n), "42", "42", Text(text)))), text
    with store.uow() as uow:
        report = uow.reports.by_campaign_unit(campaign_id, unit_id)
        submitted = uow.submissions.last_submitted(campaign_id, unit_id)
        assert report is not None and report.status == "submitted" and report.ref
        assert submitted is not None and submitted.version == 1 and submitted.ref == report.ref
        assert submitted.answers is not None
        assert {k: v["value"] for k, v in submitted.answers.items()} == {"so_tap_the": 75, "muc_do": "tot"}
        assert uow.people.lookup("telegram", "42")[0].id == submitted.submitted_by


def test_two_staff_of_one_unit_share_the_reports_answers(anydb: Any) -> None:
    store = anydb
    campaign_id, unit_id = _tiny_campaign(store, "AN000001", "BI000001")
    runner = _runner(store, None)

    def say(user: str, n: int, text: str) -> tuple[Handled, list[Outgoing]]:
        handled = runner.process(Update("telegram", f"{user}{n}", user, user, Text(text), display_name=user))
        out: list[Outgoing] = []
        runner.send_replies([handled], out.append)
        return handled, out

    say("an", 1, "/start AN000001")
    say("an", 2, "75")
    _, joined = say("binh", 1, "/start BI000001")
    assert "bot.invite_accepted" in _msgs(joined) and "Tự đánh giá" in joined[-1].text  # asked what is left
    say("binh", 2, "kha")
    _, review = say("an", 3, "xem lai")
    assert "engine.review" in _msgs(review) and "75" in review[-1].text and "Khá" in review[-1].text
    with store.uow() as uow:
        an, binh = uow.people.lookup("telegram", "an")[0], uow.people.lookup("telegram", "binh")[0]
        report = uow.reports.by_campaign_unit(campaign_id, unit_id)
        assert report is not None
        assert [(a.field_id, a.person_id) for a in uow.answers.history(campaign_id, unit_id)] == [
            ("so_tap_the", an.id), ("muc_do", binh.id)]
        assert {c.person_id for c in uow.conversations.for_report(report.id)} == {an.id, binh.id}
        assert len(uow.reports.for_campaign(campaign_id)) == 1


def test_the_answers_a_runner_keeps_between_turns_are_the_databases_and_follow_other_writers(
    anydb: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A runner keeps each report's answers from one turn to the next (keyed by their count and newest id):
    what it keeps is what the database holds; an answer another process added, or a turn that never
    committed, is not hidden by it."""
    store = anydb
    campaign_id, unit_id = _tiny_campaign(store, "AN000001", "BI000001")
    one, two = _runner(store, None), _runner(store, None)  # two processes

    def say(runner: Runner, user: str, n: int, text: str) -> list[Outgoing]:
        out: list[Outgoing] = []
        runner.send_replies([runner.process(Update("telegram", f"{user}{n}", user, user, Text(text)))], out.append)
        return out

    def kept(runner: Runner) -> tuple[tuple[int, int], dict[str, AnswerRecord]]:
        with store.uow() as uow:
            report = uow.reports.by_campaign_unit(campaign_id, unit_id)
        return runner._answers[report.id]

    say(one, "an", 1, "/start AN000001")
    say(one, "an", 2, "75")
    say(one, "an", 3, "xem lai")  # a turn that reads the answers kept (none is added)
    with store.uow() as uow:
        history = uow.answers.history(campaign_id, unit_id)
        current = uow.answers.current_records(campaign_id, unit_id)
    assert kept(one) == ((1, history[-1].id), current)
    say(two, "binh", 1, "/start BI000001")
    say(two, "binh", 2, "kha")  # another process adds an answer: runner one's count is behind
    review = say(one, "an", 4, "xem lai")
    assert "engine.review" in _msgs(review) and "75" in review[-1].text and "Khá" in review[-1].text
    with store.uow() as uow:
        current = uow.answers.current_records(campaign_id, unit_id)
    assert kept(one)[1] == current

    def crash(name: str) -> None:
        if name == "before_commit":
            raise SystemExit("power cut")

    say(one, "an", 5, "sua so tap the")
    before = kept(one)
    monkeypatch.setattr(runner_module.faults, "point", crash)
    with pytest.raises(SystemExit):
        say(one, "an", 6, "80")
    monkeypatch.undo()
    assert kept(one) == before  # what never committed is not kept
    assert "engine.saved" in _msgs(say(one, "an", 7, "90"))
    with store.uow() as uow:
        current = uow.answers.current_records(campaign_id, unit_id)
    assert current["so_tap_the"].value == 90 and kept(one)[1] == current


def test_an_unreachable_database_is_said_in_one_sentence(tmp_path: Any) -> None:
    """The database cannot be reached (here: its folder is gone): the user is told, and nothing pretends
    to be stored."""
    from storage.db import make_engine, make_session_factory

    engine = make_engine(f"sqlite:///{tmp_path}/gone/nowhere.db")
    runner = Runner(make_session_factory(engine), lambda: NOW)
    out = _turn(runner, Update("telegram", "1", "42", "42", Text("/start AB12CD34")))
    assert [m.msgs for m in out] == [("bot.error.storage_down",)] and out[0].id == 0
    assert "chưa được lưu" in out[0].text
    engine.dispose()


def test_two_workers_whose_batches_share_reports_in_opposite_orders_never_deadlock(
    db: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Worker 1 takes [unit A's staff, unit B's staff], worker 2 [B's other staff, A's other staff], at once:
    the reports are locked up front in id order, so one waits for the other instead of a deadlock."""
    import threading
    import time

    with db.uow() as uow:
        version = uow.templates.ensure(load_template(TINY), NOW)
        units = [uow.units.add(name, now=NOW) for name in ("Xã A", "Xã B")]
        campaign = uow.campaigns.create(version, "Quý I", date(2025, 8, 20), NOW, [u.id for u in units])
        for code, unit in (("A1", units[0]), ("A2", units[0]), ("B1", units[1]), ("B2", units[1])):
            uow.invites.create(f"KT0000{code}", "reporter", unit.id, campaign.id, None, NOW)
        uow.commit()
    setup = Runner(db.session_factory, lambda: NOW, uow=db.uow)
    for code in ("A1", "A2", "B1", "B2"):
        setup.process(Update("telegram", f"start-{code}", code, code, Text(f"/start KT0000{code}")))
    real_point = runner_module.faults.point

    def slow(name: str) -> None:  # each update holds its locks a while, so the two batches overlap
        if name == "after_update":
            time.sleep(0.2)
        real_point(name)

    monkeypatch.setattr(runner_module.faults, "point", slow)
    results: dict[str, list[Handled]] = {}

    def worker(name: str, chats: list[str]) -> None:
        runner = Runner(db.session_factory, lambda: NOW, uow=db.uow)
        results[name] = runner.process_batch([Update("telegram", f"{name}-{c}", c, c, Text("75")) for c in chats])

    threads = [threading.Thread(target=worker, args=("w1", ["A1", "B1"])),
               threading.Thread(target=worker, args=("w2", ["B2", "A2"]))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert all(h.error is None for handled in results.values() for h in handled), results
    with db.uow() as uow:
        rows = uow.answers.count(campaign.id)
    assert rows == 4  # every staff member's answer kept (two per report)


def test_wrong_invite_codes_lock_the_account_out_for_a_while(anydb: Any) -> None:
    """Codes are long (≥ 128 bits) and kept only as digests; guessing is stopped after a few wrong codes."""
    store = anydb
    _tiny_campaign(store, "KT000001")
    clock = [NOW]
    runner = Runner(store.session_factory, lambda: clock[0], uow=store.uow)

    def say(n: int, text: str) -> list[str]:
        return _msgs(_turn(runner, Update("telegram", str(n), "42", "42", Text(text))))

    for n in range(4):
        assert say(n, f"/start WRONG{n:04d}") == ["bot.invite.unknown"]
    assert say(4, "/start WRONG0004") == ["bot.invite.locked"]
    assert say(5, "/start KT000001") == ["bot.invite.locked"]  # even the right code waits
    clock[0] = NOW + timedelta(minutes=16)
    assert "bot.invite_accepted" in say(6, "/start kt000001")  # any case
    with store.uow() as uow:
        assert all(len(i.code) == 64 and i.code != "KT000001" for i in store_rows(store, uow, "invites"))
    assert len(runner_module.new_code()) == 27


def store_rows(store: Any, uow: Any, table: str) -> list[Any]:
    """Every row of a table, on the fake or a real database."""
    if hasattr(store, "store"):
        return list(store.store.rows(table))
    from storage import models

    model = {"invites": models.Invite}[table]
    return list(uow.session.query(model))
