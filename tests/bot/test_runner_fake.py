"""The in-memory unit of work (:mod:`tests.fakes.uow`) is faithful: the same conversation on the fake and on
SQLite stores and says the same things, and the fake keeps the schema's rules. (The runner's own tests and
the deployment transcripts run on the fake too, through the ``anydb`` fixture of ``tests/bot/conftest.py``.)
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from bot.runner import Binding, Handled, Outgoing, Runner, Update
from dialogs.answers import AnswerRecord
from dialogs.events import Event, Start, Text
from dialogs.template.loader import load_template
from storage import models
from storage.errors import ConcurrencyError, InviteExpired, InviteUsed, NotFound, StorageError
from tests.bot.test_runner import _boom_breaks_the_engine, _tiny_campaign
from tests.fakes.uow import FakeStore

ROOT = Path(__file__).resolve().parents[1]
MINI = ROOT / "dialogs" / "templates" / "mini.yaml"
TINY = ROOT / "bot" / "templates" / "tiny.yaml"
NOW = datetime(2025, 8, 10, 9, 0, tzinfo=UTC)


# ---- a small world on the fake -----------------------------------------------------------------------------
@pytest.fixture
def store() -> FakeStore:
    return FakeStore()


def _runner(store: FakeStore, binding: Binding | None = None, clock: Callable[[], datetime] = lambda: NOW,
            **options: Any) -> Runner:
    return Runner(None, clock, binding=binding, uow=store.uow, **options)


def _update(n: int, text: str | None, chat: str = "c1") -> Update:
    return Update("console", f"u{n}", chat, f"user-{chat}", Start() if text is None else Text(text))


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
    _boom_breaks_the_engine(monkeypatch)
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
        "updates": _sorted((u.channel, u.update_id, u.processed_at is None) for u in rows["inbox"]),
        "outbox": [(o.channel, o.chat_id, conversation.get(o.conversation_id), o.payload, o.attempts,
                    o.sent_at is None, o.last_error, o.lease_owner is None) for o in rows["outbox"]],
    }


MODELS = {"people": models.Person, "identities": models.Identity, "invites": models.Invite,
          "reports": models.Report, "submissions": models.Submission, "answers": models.Answer,
          "conversations": models.Conversation, "inbox": models.Inbox,
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
            "bot.report.which", "bot.dept.page", "bot.error.internal"} <= {m for msgs in flat for m in msgs}
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
        assert uow.inbox.add("telegram", "7", "chat", "user", {}, NOW) is not None
        assert uow.inbox.add("telegram", 7, "chat", "user", {}, NOW) is None
        uow.commit()
    with store.uow() as uow:
        assert uow.inbox.add("telegram", "7", "chat", "user", {}, NOW) is None
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
