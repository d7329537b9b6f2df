"""The runner over the in-memory unit of work (:mod:`tests.fakes.uow`): the runner's guarantees without a database,
the deployment transcripts on the fake, and proof that the fake behaves like SQLite where the runner can tell.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from bot import runner as runner_module
from bot.runner import Binding, Handled, Outgoing, Runner, Update
from dialogs.answers import AnswerRecord
from dialogs.events import Event, Start, Text
from dialogs.template.loader import load_template
from storage import models
from storage.errors import ConcurrencyError, InviteExpired, InviteUsed, NotFound, StorageError
from tests.bot.test_runner_transcripts import TRANSCRIPTS, Deployment, _event, check
from tests.fakes.uow import FakeStore, FakeUnitOfWork

ROOT = Path(__file__).resolve().parents[1]
MINI = ROOT / "dialogs" / "templates" / "mini.yaml"
TINY = ROOT / "bot" / "templates" / "tiny.yaml"
NOW = datetime(2025, 8, 10, 9, 0, tzinfo=UTC)


# ---- a small world on the fake -----------------------------------------------------------------------------
@pytest.fixture
def store() -> FakeStore:
    return FakeStore()


@pytest.fixture
def world(store: FakeStore) -> tuple[FakeStore, Binding]:
    """The mini template, one unit and one campaign, committed."""
    with store.uow() as uow:
        unit = uow.units.add("Xã Khúc Thừa Dụ", now=NOW)
        version = uow.templates.ensure(load_template(MINI), NOW)
        campaign = uow.campaigns.create(version, "Thử", date(2025, 8, 20), NOW, [unit.id])
        uow.commit()
        return store, Binding(campaign.id, unit.id)


def _runner(store: FakeStore, binding: Binding | None = None, clock: Callable[[], datetime] = lambda: NOW,
            **options: Any) -> Runner:
    return Runner(None, clock, binding=binding, uow=store.uow, **options)


def _update(n: int, text: str | None, chat: str = "c1") -> Update:
    return Update("console", f"u{n}", chat, f"user-{chat}", Start() if text is None else Text(text))


def _turn(runner: Runner, *updates: Update) -> list[Outgoing]:
    """Process updates in one commit and send their replies, as a channel does."""
    out: list[Outgoing] = []
    runner.send_replies(runner.process_batch(list(updates)), out.append)
    return out


def _msgs(out: list[Outgoing]) -> list[str]:
    return [m for o in out for m in o.msgs]


def _conversation(uow: Any, channel: str, user: str) -> Any:
    found = uow.people.lookup(channel, user)
    if found is None:
        return None
    person, identity = found
    return uow.conversations.get(person.id, identity.report_id, for_update=False)


def _flaky(monkeypatch: pytest.MonkeyPatch) -> None:
    """The engine fails on the text "boom" (a bug in one update)."""
    real = runner_module.resume

    def flaky(template: Any, report: Any, state: Any, event: Any, now: datetime) -> Any:
        if isinstance(event, Text) and event.text == "boom":
            raise RuntimeError("engine bug")
        return real(template, report, state, event, now)

    monkeypatch.setattr(runner_module, "resume", flaky)


def _tiny_campaign(store: FakeStore, *codes: str, unit_name: str = "Xã Kiến Thụy") -> tuple[int, int]:
    """A unit, a campaign on the tiny template and reporter invites ``codes``; (campaign id, unit id)."""
    with store.uow() as uow:
        unit = uow.units.add(unit_name, now=NOW)
        version = uow.templates.ensure(load_template(TINY), NOW)
        campaign = uow.campaigns.create(version, "Quý I", date(2025, 8, 20), NOW, [unit.id])
        for code in codes:
            uow.invites.create(code, "reporter", unit.id, campaign.id, None, NOW)
        uow.commit()
        return campaign.id, unit.id


# ---- the runner's guarantees, on the fake --------------------------------------------------------------------
def test_one_update_stores_state_answers_and_outbox(world: tuple[FakeStore, Binding]) -> None:
    store, binding = world
    runner = _runner(store, binding)
    _turn(runner, _update(1, None))
    _turn(runner, _update(2, "Tình hình tốt."))
    messages = _turn(runner, _update(3, "xong"))
    assert "Họ tên cán bộ phụ trách?" in messages[-1].text and "engine.question" in messages[-1].msgs
    runner.flush()
    with store.uow() as uow:
        answers = uow.answers.current_records(binding.campaign_id, binding.unit_id)
        conv = _conversation(uow, "console", "user-c1")
        assert answers["tinh_hinh"].value == "Tình hình tốt." and answers["tinh_hinh"].field_type == "text"
        assert conv is not None and conv.state["wait"] == {"kind": "answer", "field": "can_bo"}
        assert uow.outbox.pending(NOW) == [] and uow.outbox.unsent_count() == 0


def test_an_invite_then_answers_then_a_stored_submission() -> None:
    store = FakeStore()
    campaign_id, unit_id = _tiny_campaign(store, "KT000001")
    runner = _runner(store)
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


def test_a_duplicate_update_is_processed_once(world: tuple[FakeStore, Binding]) -> None:
    store, binding = world
    runner = _runner(store, binding)
    _turn(runner, _update(1, None))
    first = _turn(runner, _update(2, "Tình hình tốt."))
    again = runner.process(_update(2, "Tình hình tốt."))
    assert again.duplicate and again.outgoing == [] and first
    _turn(runner, _update(3, "xong"))
    with store.uow() as uow:
        assert uow.answers.count(binding.campaign_id) == 1
        assert uow.answers.current_records(binding.campaign_id, binding.unit_id)["tinh_hinh"].value == "Tình hình tốt."


def test_a_failing_update_in_a_batch_does_not_take_the_others_with_it(
    world: tuple[FakeStore, Binding], monkeypatch: pytest.MonkeyPatch
) -> None:
    store, binding = world
    runner = _runner(store, binding)
    _flaky(monkeypatch)
    results = runner.process_batch([_update(1, None, "a"), _update(2, "boom", "b"), _update(3, None, "c")])
    assert [r.error is None for r in results] == [True, False, True]
    out: list[Outgoing] = []
    runner.send_replies(results, out.append)
    texts = {m.chat_id: m.text for m in out}
    assert "Xin lỗi" in texts["b"] and "Xin chào" in texts["a"] and "Xin chào" in texts["c"]
    assert "engine bug" not in texts["b"]
    with store.uow() as uow:
        assert _conversation(uow, "console", "user-a") is not None
        assert _conversation(uow, "console", "user-c") is not None
        assert uow.updates.seen("console", "u2")
        assert uow.people.lookup("console", "user-b") is None  # the failed update's writes are gone


def test_nothing_is_kept_when_the_commit_never_happens(
    world: tuple[FakeStore, Binding], monkeypatch: pytest.MonkeyPatch
) -> None:
    store, binding = world
    runner = _runner(store, binding)
    _turn(runner, _update(1, None))
    before = {name: store.rows(name) for name in store.tables}

    def crash(name: str) -> None:
        if name == "before_commit":
            raise SystemExit("power cut")

    monkeypatch.setattr(runner_module.faults, "point", crash)
    with pytest.raises(SystemExit):
        runner.process(_update(2, "Tình hình tốt."))
    monkeypatch.undo()
    assert {name: store.rows(name) for name in store.tables} == before  # not one row changed
    runner.process(_update(2, "Tình hình tốt."))  # the channel redelivers it
    runner.process(_update(3, "xong"))
    with store.uow() as uow:
        assert uow.answers.current_records(binding.campaign_id, binding.unit_id)["tinh_hinh"].value == "Tình hình tốt."


def test_a_person_created_in_a_rolled_back_batch_is_never_reused(
    world: tuple[FakeStore, Binding], monkeypatch: pytest.MonkeyPatch
) -> None:
    store, binding = world
    runner = _runner(store, binding)
    _flaky(monkeypatch)
    assert runner.process_batch([Update("console", "r1", "first", "first", Text("boom"))])[0].error is not None
    with store.uow() as uow:
        assert uow.people.lookup("console", "first") is None
    runner.process(Update("console", "r2", "second", "second", Start()))
    runner.process(Update("console", "r3", "first", "first", Start()))
    with store.uow() as uow:
        second, first = uow.people.lookup("console", "second"), uow.people.lookup("console", "first")
        assert second is not None and first is not None and second[0].id != first[0].id
        assert [i.external_id for i in uow.people.identities(first[0].id)] == ["first"]


def test_a_message_is_never_sent_twice_and_a_failed_send_is_retried(world: tuple[FakeStore, Binding]) -> None:
    store, binding = world
    clock = [NOW]
    runner = _runner(store, binding, clock=lambda: clock[0])
    handled = runner.process(_update(1, None))  # committed and claimed
    delivered: list[Outgoing] = []
    assert _runner(store, binding).deliver(delivered.append) == 0  # in doubt: never offered again
    with store.uow() as uow:
        uow.outbox.add("console", "other", {"text": "nhắc hạn", "buttons": []}, NOW)
        uow.commit()
    assert [m.text for m in _runner(store, binding).claim("console")] == ["nhắc hạn"]  # then the sender dies
    assert _runner(store, binding).deliver(delivered.append) == 0

    def broken(message: Outgoing) -> None:
        raise ConnectionError("network down")

    assert runner.send_replies([handled], broken) == 0
    assert runner.deliver(delivered.append) == 0  # not due yet
    clock[0] = NOW + runner_module.RETRY_AFTER * 2
    assert runner.deliver(delivered.append) == 1 and delivered[0].id == handled.outgoing[0].id
    with store.uow() as uow:
        row = uow.outbox.get(handled.outgoing[0].id)
        # claimed with the reply, failed, claimed again (the error cleared), sent
        assert row.sent_at == clock[0] and row.last_error is None and row.attempts == 4


def test_two_staff_of_one_unit_share_the_reports_answers() -> None:
    store = FakeStore()
    campaign_id, unit_id = _tiny_campaign(store, "AN000001", "BI000001")
    runner = _runner(store)

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


def test_a_wrong_invite_code_is_one_message_and_spoils_no_batch(
    world: tuple[FakeStore, Binding], caplog: pytest.LogCaptureFixture
) -> None:
    store, binding = world
    runner = _runner(store)
    with store.uow() as uow:
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
    assert not [r for r in caplog.records if r.levelname in ("ERROR", "CRITICAL") or r.exc_info]
    with store.uow() as uow:
        found = uow.people.lookup("telegram", "x")
        assert found is not None and found[0].unit_id is None
        assert uow.updates.seen("telegram", "s3") and [m for m in out if m.chat_id == "a"]
        assert _conversation(uow, "telegram", "a").state_version == 3  # the other chat's turn was kept


def test_department_staff_progress_and_a_request_for_help(world: tuple[FakeStore, Binding]) -> None:
    store, binding = world
    with store.uow() as uow:
        other = uow.units.add("Xã Kiến Thụy", now=NOW)
        uow.campaigns.invite_units(binding.campaign_id, [other.id])
        uow.invites.create("SO123456", "department", None, binding.campaign_id, datetime(2025, 9, 1, tzinfo=UTC), NOW)
        uow.commit()
    staff = _runner(store)
    assert "/tiendo" in _turn(staff, Update("telegram", "d1", "99", "99", Text("/start SO123456")))[-1].text
    progress = _turn(staff, Update("telegram", "d2", "99", "99", Text("tien do")))[-1].text
    assert "Đã nộp 0/2" in progress and "Xã Kiến Thụy" in progress
    reporter = _runner(store, binding)
    _turn(reporter, _update(1, None))
    assert "Đã báo cho cán bộ Sở" in _turn(reporter, _update(2, "lien he so"))[0].text
    delivered: list[Outgoing] = []
    assert reporter.deliver(delivered.append, channel="telegram") == 1
    assert delivered[0].chat_id == "99" and "Xã Khúc Thừa Dụ" in delivered[0].text
    assert reporter.deliver(delivered.append, channel="telegram") == 0


# ---- the deployment transcripts, on the fake -----------------------------------------------------------------
@dataclass
class _FakeDatabase:
    """What :class:`Deployment` needs of a database, over a fake store."""

    store: FakeStore
    session_factory: None = None

    def uow(self, **options: bool) -> FakeUnitOfWork:
        return self.store.uow(**options)


@pytest.mark.parametrize("path", TRANSCRIPTS, ids=[p.stem for p in TRANSCRIPTS])
def test_deployment_transcript_on_the_fake(path: Path) -> None:
    """tests/bot/transcripts/*.yaml (a second campaign starting fresh while the first stays submitted, two
    channels of one person, refused invites …) played over the fake; counts are read from the store."""
    store = FakeStore()
    world = Deployment(_FakeDatabase(store))
    script = yaml.safe_load(path.read_text(encoding="utf-8"))
    world.setup(script.get("setup") or {})
    for number, step in enumerate(script["steps"], start=1):
        where = f"{path.name} step {number}"
        if "open_campaign" in step:
            world.open_campaign(step["open_campaign"])
        event = _event(step)
        effects, out = world.send(str(step["from"]), event) if event is not None else ([], [])
        check(world, {k: v for k, v in step.items() if k not in ("people", "conversations")}, effects, out, where)
        if "people" in step:
            assert store.count("people") == step["people"], where
        if "conversations" in step:
            assert store.count("conversations") == step["conversations"], where


# ---- the fake is faithful: the same conversation on the fake and on SQLite ----------------------------------
SCRIPT: list[tuple[str, ...]] = [
    ("x@telegram", "xin chao"),
    ("x@telegram", "/start SAIMA999"),
    ("an@telegram", "/start an000001"),
    ("an@telegram", "bay muoi lam"),
    ("dup",),                                   # the last update delivered again
    ("binh@telegram", "/start BI000001"),       # a second reporter of the same unit
    ("binh@telegram", "xem lai"),
    ("binh@telegram", "lien he so"),            # no department staff yet: no one to tell
    ("cuong@telegram", "/start AN000001"),     # used already
    ("an@telegram", "/lienket"),
    ("an@zalo", "/start LINK0001"),
    ("an@zalo", "2"),
    ("an@zalo", "sua so_tap_the"),
    ("an@zalo", "80"),
    ("an@zalo", "nop"),
    ("an@zalo", "dong y"),
    ("binh@telegram", "chao"),
    ("open q2",),
    ("an@telegram", "chao"),
    ("an@telegram", "12"),
    ("batch", "an@telegram", "boom", "binh@telegram", "chao", "moi@telegram", "xin chao"),
    ("an@telegram", "/baocao"),
    ("an@telegram", "1"),
    ("so@telegram", "/start SO000001"),
    ("so@telegram", "/tiendo"),
    ("binh@telegram", "lien he so"),
    ("deliver",),
]


def _play_script(make_uow: Callable[..., Any], runner: Runner, monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Play :data:`SCRIPT`; what each step replied (message ids and texts, errors, duplicates)."""
    with make_uow() as uow:
        unit = uow.units.add("Xã Khúc Thừa Dụ", now=NOW)
        version = uow.templates.ensure(load_template(TINY), NOW)
        q1 = uow.campaigns.create(version, "Quý I", date(2025, 8, 20), NOW, [unit.id])
        for code, role in (("AN000001", "reporter"), ("BI000001", "reporter"), ("SO000001", "department")):
            uow.invites.create(code, role, unit.id if role == "reporter" else None, q1.id, None, NOW)
        uow.commit()
        unit_id, version_id = unit.id, version.id
    _flaky(monkeypatch)
    numbers = itertools.count(1)
    last: list[Update] = []
    replies: list[Any] = []

    def update(sender: str, text: str) -> Update:
        user, _, channel = sender.partition("@")
        event: Event = Text(text)
        last[:] = [Update(channel, str(next(numbers)), user, user, event, display_name=user)]
        return last[0]

    def outcome(handled: list[Handled]) -> list[Any]:
        out: list[Outgoing] = []
        runner.send_replies(handled, out.append)
        return [[(h.duplicate, h.error is not None) for h in handled], [(o.chat_id, o.msgs, o.text) for o in out]]

    for step in SCRIPT:
        if step[0] == "dup":
            replies.append(outcome([runner.process(last[0])]))
        elif step[0] == "open q2":
            with make_uow() as uow:
                uow.campaigns.create(version_id, "Quý II", date(2025, 8, 25), NOW + timedelta(hours=1), [unit_id])
                uow.commit()
        elif step[0] == "deliver":
            delivered: list[Outgoing] = []
            runner.deliver(delivered.append)
            replies.append([(o.channel, o.chat_id, o.msgs, o.text) for o in delivered])
        elif step[0] == "batch":
            pairs = list(zip(step[1::2], step[2::2], strict=True))
            replies.append(outcome(runner.process_batch([update(s, t) for s, t in pairs])))
        else:
            replies.append(outcome([runner.process(update(step[0], step[1]))]))
    return replies


def _sorted(items: Iterable[Any]) -> list[Any]:
    return sorted(items, key=repr)


def _stored(rows: dict[str, list[Any]]) -> dict[str, Any]:
    """The stored tables with ids replaced by what they stand for (ids may differ after a rollback)."""
    person = {p.id: p.display_name for p in rows["people"]}
    campaign = {c.id: c.title for c in rows["campaigns"]}
    unit = {u.id: u.name for u in rows["units"]}
    report = {r.id: (campaign[r.campaign_id], unit[r.unit_id]) for r in rows["reports"]}
    conversation = {c.id: (person[c.person_id], report.get(c.report_id)) for c in rows["conversations"]}
    return {
        "people": _sorted((p.display_name, p.role, unit.get(p.unit_id)) for p in rows["people"]),
        "identities": _sorted((i.channel, i.external_id, person[i.person_id], report.get(i.report_id), i.choice)
                             for i in rows["identities"]),
        "invites": [(i.code, person.get(i.used_by), i.used_at) for i in rows["invites"]],
        "reports": _sorted((report[r.id], r.status, r.version, r.ref, r.row_version) for r in rows["reports"]),
        "submissions": _sorted((campaign[s.campaign_id], s.version, s.status, s.ref, s.answers,
                               person.get(s.submitted_by), s.submitted_at) for s in rows["submissions"]),
        "answers": [(campaign[a.campaign_id], a.field_id, a.to_record(), a.submission_version,
                     person.get(a.person_id), a.channel) for a in rows["answers"]],
        "conversations": _sorted((conversation[c.id], c.channel, c.chat_id, c.state, c.state_version)
                                for c in rows["conversations"]),
        "updates": _sorted((u.channel, u.update_id) for u in rows["processed_updates"]),
        "outbox": [(o.channel, o.chat_id, conversation.get(o.conversation_id), o.payload, o.attempts,
                    o.sent_at is None, o.last_error) for o in rows["outbox"]],
    }


MODELS = {"people": models.Person, "identities": models.Identity, "invites": models.Invite,
          "reports": models.Report, "submissions": models.Submission, "answers": models.Answer,
          "conversations": models.Conversation, "processed_updates": models.ProcessedUpdate,
          "outbox": models.Outbox, "campaigns": models.Campaign, "units": models.Unit}


@pytest.mark.parametrize("backend", ["sqlite"])
def test_the_fake_stores_and_says_what_sqlite_does(db: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """One scripted deployment (invites right and wrong, a duplicate, two staff, two channels, a correction, a
    submission, a second campaign, department staff, the outbox, a batch with a failing update) on the fake and
    on SQLite: the same replies, message ids and stored rows."""
    codes_fake, codes_db = (f"LINK{n:04d}" for n in itertools.count(1)), (f"LINK{n:04d}" for n in itertools.count(1))
    store = FakeStore()
    on_fake = _play_script(store.uow, _runner(store, codes=lambda: next(codes_fake)), monkeypatch)
    on_db = _play_script(db.uow, Runner(db.session_factory, lambda: NOW, codes=lambda: next(codes_db)), monkeypatch)
    assert on_fake == on_db
    flat = [m for step in on_fake for part in step for item in part for m in item if isinstance(m, tuple)]
    assert {"bot.invite.unknown", "bot.invite.used", "bot.link.done", "engine.receipt", "bot.report.switched",
            "bot.report.which", "bot.dept.progress", "bot.error.internal"} <= {m for msgs in flat for m in msgs}
    with db.uow() as uow:
        real = {name: list(uow.session.scalars(select(model).order_by(*model.__table__.primary_key.columns)))
                for name, model in MODELS.items()}
        stored_db = _stored(real)
    stored_fake = _stored({name: store.rows(name) for name in MODELS})
    assert stored_fake == stored_db
    assert stored_fake["submissions"] and stored_fake["answers"] and len(stored_fake["reports"]) == 2


# ---- the fake's own guarantees --------------------------------------------------------------------------------
@pytest.fixture
def seeded(store: FakeStore) -> Iterator[tuple[FakeStore, dict[str, int]]]:
    """A unit, a campaign on the tiny template, a reporter with a conversation on the unit's report."""
    campaign_id, unit_id = _tiny_campaign(store, "KT000001", unit_name="Xã Khúc Thừa Dụ")
    with store.uow() as uow:
        person = uow.people.get_or_create("telegram", "1", "An", NOW)
        report = uow.reports.get_or_create(campaign_id, unit_id, NOW)
        conv, _ = uow.conversations.get_or_create(person.id, report.id, channel="telegram", chat_id="1", state={},
                                                  now=NOW)
        uow.commit()
        yield store, {"campaign": campaign_id, "unit": unit_id, "person": person.id, "report": report.id,
                      "conversation": conv.id}


def test_unserialisable_json_fails_where_it_is_written(seeded: tuple[FakeStore, dict[str, int]]) -> None:
    store, ids = seeded
    with store.uow() as uow:
        conv = uow.conversations.by_id(ids["conversation"])
        with pytest.raises(TypeError, match=r"Conversation\.state.*set"):
            uow.conversations.save(conv, {"seen": {"a", "b"}}, NOW)
        with pytest.raises(TypeError, match=r"Outbox\.payload.*date"):
            uow.outbox.add("telegram", "1", {"text": "x", "when": date(2025, 8, 1)}, NOW)
        with pytest.raises(ValueError, match=r"Answer\.value"):
            uow.answers.append(campaign_id=ids["campaign"], unit_id=ids["unit"], field_id="so_tap_the",
                               record=AnswerRecord("answered", float("nan")), person_id=None, channel="x", now=NOW)
        with pytest.raises(ValueError, match="naive datetime"):
            uow.outbox.add("telegram", "1", {"text": "x"}, datetime(2025, 8, 1))
        uow.conversations.save(conv, {"path": ("a", "b"), 3: "three"}, NOW)
        assert conv.state == {"path": ["a", "b"], "3": "three"}  # decoded as the database gives it back


def test_a_json_value_changed_in_place_is_refused_at_commit(seeded: tuple[FakeStore, dict[str, int]]) -> None:
    store, ids = seeded
    with store.uow() as uow:
        conv = uow.conversations.by_id(ids["conversation"])
        conv.state["wait"] = "x"  # the ORM would not notice this
        with pytest.raises(StorageError, match="changed in place"):
            uow.commit()


def test_writes_are_kept_only_when_committed(seeded: tuple[FakeStore, dict[str, int]]) -> None:
    store, ids = seeded
    with store.uow() as uow:
        uow.units.add("Xã Kiến Thụy", now=NOW)
        uow.people.attach_unit(uow.people.get(ids["person"]), ids["unit"])
    with store.uow() as uow:
        assert [u.name for u in uow.units.all()] == ["Xã Khúc Thừa Dụ"]
        assert uow.people.get(ids["person"]).unit_id is None
        uow.people.attach_unit(uow.people.get(ids["person"]), ids["unit"])
        uow.commit()
        uow.units.add("Xã Kiến Thụy", now=NOW)
        uow.rollback()
        assert len(uow.units.all()) == 1
        with pytest.raises(RuntimeError), uow.savepoint():
            uow.units.add("Xã Tú Sơn", now=NOW)
            raise RuntimeError("inside")
        assert len(uow.units.all()) == 1
    assert store.rows("people")[0].unit_id == ids["unit"]
    with pytest.raises(RuntimeError, match="not open"):
        uow.units.all()


def test_uniqueness_as_in_the_schema(seeded: tuple[FakeStore, dict[str, int]]) -> None:
    store, ids = seeded
    with store.uow() as uow:
        assert uow.updates.claim("telegram", "7", NOW) and not uow.updates.claim("telegram", 7, NOW)
        uow.commit()
    with store.uow() as uow:
        assert not uow.updates.claim("telegram", "7", NOW)
        assert uow.reports.get_or_create(ids["campaign"], ids["unit"], NOW).id == ids["report"]
        found = uow.conversations.get_or_create(ids["person"], ids["report"], channel=None, chat_id=None, state={},
                                                now=NOW)
        assert found[0].id == ids["conversation"] and not found[1]
        other = uow.people.get_or_create("telegram", "2", "Bình", NOW)
        uow.people.move_identity(uow.people.identity("telegram", "2"), ids["person"])
        uow.people.identity("telegram", "2").external_id = "1"  # the same account twice
        with pytest.raises(IntegrityError, match="identities"):
            uow.flush()
        assert other.id != ids["person"]
    with store.uow() as uow:
        uow.outbox.add("telegram", "1", {"text": "x"}, NOW, conversation_id=999)
        with pytest.raises(IntegrityError, match="FOREIGN KEY"):
            uow.commit()


def test_invites_are_used_once(seeded: tuple[FakeStore, dict[str, int]]) -> None:
    store, ids = seeded
    with store.uow() as uow:
        with pytest.raises(NotFound) as unknown:
            uow.invites.get("NOPE0000")
        assert unknown.value.msg == "storage.invite_unknown"
        uow.invites.create("OLD00001", "reporter", ids["unit"], None, NOW - timedelta(days=1), NOW)
        with pytest.raises(InviteExpired):
            uow.invites.use("OLD00001", ids["person"], NOW)
        uow.invites.use("KT000001", ids["person"], NOW)
        with pytest.raises(InviteUsed) as used:
            uow.invites.use("KT000001", ids["person"], NOW)
        assert used.value.msg == "storage.invite_used"


def test_stale_versions_are_refused(seeded: tuple[FakeStore, dict[str, int]]) -> None:
    store, ids = seeded
    with store.uow() as first:
        report = first.reports.get(ids["report"])
        conv = first.conversations.by_id(ids["conversation"])
    with store.uow() as second:  # another worker saves first
        assert second.reports.save(second.reports.get(ids["report"]), NOW, status="submitted") == 2
        second.conversations.save(second.conversations.by_id(ids["conversation"]), {"a": 1}, NOW)
        second.commit()
    with store.uow() as third:
        with pytest.raises(ConcurrencyError):
            third.reports.save(report, NOW, status="draft")
        with pytest.raises(ConcurrencyError):
            third.conversations.save(conv, {"b": 2}, NOW)
        assert third.reports.get(ids["report"]).status == "submitted"


def test_interleaved_units_of_work_merge_or_conflict(seeded: tuple[FakeStore, dict[str, int]]) -> None:
    store, ids = seeded
    with store.uow() as outer:
        outer.units.add("Xã Kiến Thụy", now=NOW)
        with store.uow() as inner:
            inner.outbox.add("telegram", "1", {"text": "x"}, NOW)
            inner.commit()
        outer.commit()  # different rows: both kept
    assert store.count("units") == 2 and store.count("outbox") == 1
    with store.uow() as outer:
        outer.people.attach_unit(outer.people.get(ids["person"]), ids["unit"])
        with store.uow() as inner:
            inner.people.set_role(inner.people.get(ids["person"]), "admin")
            inner.commit()
        with pytest.raises(ConcurrencyError):
            outer.commit()


def test_answers_are_append_only_and_current_is_the_newest(seeded: tuple[FakeStore, dict[str, int]]) -> None:
    store, ids = seeded
    where = {"campaign_id": ids["campaign"], "unit_id": ids["unit"], "person_id": ids["person"], "channel": "telegram"}
    with store.uow() as uow:
        uow.answers.append(field_id="so_tap_the", record=AnswerRecord("answered", 75, field_type="integer"),
                           now=NOW, **where)
        uow.answers.append(field_id="so_tap_the", record=AnswerRecord("answered", 80), now=NOW + timedelta(hours=1),
                           submission_version=2, field_type="integer", **where)
        uow.commit()
        current = uow.answers.current_records(ids["campaign"], ids["unit"])
        assert current == {"so_tap_the": AnswerRecord("answered", 80, at="2025-08-10T10:00:00+00:00",
                                                       field_type="integer")}
        assert uow.answers.current_records(ids["campaign"], ids["unit"], 1)["so_tap_the"].value == 75
        uow.answers.history(ids["campaign"], ids["unit"])[0].raw = "edited"
        with pytest.raises(StorageError, match="write-once"):
            uow.commit()
