"""People, identities and invites."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import text

from dialogs.errors import NotFound
from storage.errors import InviteExpired, InviteUsed


def test_get_or_create_finds_the_same_person(db, now: datetime) -> None:
    with db.uow() as uow:
        person = uow.people.get_or_create("telegram", "1001", "Nguyễn Văn A", now)
        assert uow.people.get_or_create("telegram", "1001", "other name", now).id == person.id
        other = uow.people.get_or_create("zalo", "1001", "Trần B", now)
        assert other.id != person.id
        uow.commit()
    with db.uow() as uow:
        found = uow.people.by_identity("telegram", "1001")
        assert found is not None and (found.display_name, found.role) == ("Nguyễn Văn A", "reporter")
        assert [i.channel for i in uow.people.identities(person.id)] == ["telegram"]
        assert uow.people.by_identity("telegram", "404") is None


def test_an_account_registered_by_two_workers_at_once_is_one_person(db, now: datetime) -> None:
    """PostgreSQL: both look and find nothing; the second's account insert waits for the first's commit, then
    does nothing: the person it made is deleted and the winner's returned. SQLite: the second waits for the
    first (its transaction starts with the write lock) and finds the account."""
    import threading

    got: dict[str, tuple[int, int]] = {}
    with db.uow() as first:
        person, identity = first.people.register("telegram", "2002", "Người thứ nhất", now)

        def second_worker() -> None:
            with db.uow() as second:
                p, i = second.people.register("telegram", "2002", "Người thứ hai", now)
                got["second"] = (p.id, i.id)
                second.commit()

        thread = threading.Thread(target=second_worker)
        thread.start()
        thread.join(0.5)  # blocked: on the account's unique key (PostgreSQL) or the write lock (SQLite)
        assert thread.is_alive()
        first.commit()
    thread.join(10)
    assert got["second"] == (person.id, identity.id)
    with db.uow() as uow:
        found = uow.people.lookup("telegram", "2002")
        assert found is not None and found[0].display_name == "Người thứ nhất"
        assert uow.session.execute(text("SELECT count(*) FROM people")).scalar_one() == 1


def test_roles_and_units(db, now: datetime) -> None:
    with db.uow() as uow:
        unit = uow.units.add("Xã Khúc Thừa Dụ", now=now)
        person = uow.people.get_or_create("console", "me", "Cán bộ", now)
        uow.people.attach_unit(person, unit.id)
        uow.people.set_role(person, "department")
        with pytest.raises(ValueError):
            uow.people.set_role(person, "boss")
        uow.commit()
    with db.uow() as uow:
        assert [p.id for p in uow.people.for_unit(unit.id)] == [person.id]
        assert [p.id for p in uow.people.with_role("department")] == [person.id]


def test_an_invite_is_used_once(db, now: datetime) -> None:
    with db.uow() as uow:
        unit = uow.units.add("Xã Khúc Thừa Dụ", now=now)
        person = uow.people.get_or_create("telegram", "1", "A", now)
        other = uow.people.get_or_create("telegram", "2", "B", now)
        uow.invites.create("K7Q2-9XZ", "reporter", unit.id, None, now + timedelta(days=7), now)
        uow.commit()
    with db.uow() as uow:
        used = uow.invites.use("K7Q2-9XZ", person.id, now + timedelta(hours=1))
        assert (used.used_by, used.used_at, used.unit_id) == (person.id, now + timedelta(hours=1), unit.id)
        uow.commit()
    with db.uow() as uow:
        with pytest.raises(InviteUsed):
            uow.invites.use("K7Q2-9XZ", other.id, now + timedelta(hours=2))
        with pytest.raises(NotFound):
            uow.invites.use("NOPE", other.id, now)
        assert uow.invites.get("K7Q2-9XZ").used_by == person.id


def test_an_expired_invite_is_refused(db, now: datetime) -> None:
    with db.uow() as uow:
        uow.invites.create("OLD", "department", None, None, now + timedelta(days=1), now)
        uow.invites.create("FOREVER", "admin", None, None, None, now)
        person = uow.people.get_or_create("telegram", "1", "A", now)
        uow.commit()
    with db.uow() as uow:
        with pytest.raises(InviteExpired):
            uow.invites.use("OLD", person.id, now + timedelta(days=1))
        assert uow.invites.get("OLD").used_at is None
        assert uow.invites.use("FOREVER", person.id, now + timedelta(days=3650)).used_by == person.id


def test_lookup_finds_the_person_and_the_identity_in_one_query(db, now: datetime) -> None:
    with db.uow() as uow:
        person = uow.people.get_or_create("zalo", "z-77", "Lê C", now)
        uow.commit()
    with db.uow() as uow:
        found = uow.people.lookup("zalo", "z-77")
        assert found is not None
        who, identity = found
        assert (who.id, identity.person_id, identity.channel, identity.external_id) == (
            person.id,
            person.id,
            "zalo",
            "z-77",
        )
        assert (identity.report_id, identity.choice) == (None, None)
        assert uow.people.identity("zalo", "z-77").id == identity.id
        assert uow.people.lookup("telegram", "z-77") is None
        assert uow.people.identity("zalo", "404") is None


def test_active_report_and_choice_round_trip(db, seed, now: datetime) -> None:
    """An identity remembers the report it works on and the reports a "which report?" question offered."""
    with db.uow() as uow:
        a = uow.reports.get_or_create(seed.campaign, seed.unit_a, now)
        b = uow.reports.get_or_create(seed.campaign, seed.unit_b, now)
        identity = uow.people.identity("telegram", "1001")
        assert identity is not None
        uow.people.set_active_report(identity, None, choice=[a.id, b.id])
        assert (identity.report_id, identity.choice) == (None, [a.id, b.id])
        assert not uow.session.dirty
        uow.commit()
    with db.uow() as uow:
        _, identity = uow.people.lookup("telegram", "1001")
        assert (identity.report_id, identity.choice) == (None, [a.id, b.id])
        uow.people.set_active_report(identity, b.id)
        uow.commit()
    with db.uow() as uow:
        _, identity = uow.people.lookup("telegram", "1001")
        assert (identity.report_id, identity.choice) == (b.id, None)
        # choice None is SQL NULL, not JSON null: "no question pending" is queryable.
        assert uow.session.execute(text("SELECT count(*) FROM identities WHERE choice IS NULL")).scalar() == 1


def test_working_reads_an_account_at_work_in_one_go_and_nothing_less(db, seed, now: datetime) -> None:
    with db.uow() as uow:
        assert uow.people.working("telegram", "1001") is None  # no report chosen yet
        identity = uow.people.identity("telegram", "1001")
        assert identity is not None
        report = uow.reports.get_or_create(seed.campaign, seed.unit_a, now)
        uow.people.set_active_report(identity, report.id)
        assert uow.people.working("telegram", "1001") is None  # no conversation on it yet
        conversation, _ = uow.conversations.get_or_create(seed.person, report.id, channel="telegram",
                                                          chat_id="1001", state={"x": 1}, now=now)
        uow.commit()
    with db.uow() as uow:
        found = uow.people.working("telegram", "1001")
        assert found is not None
        assert (found.person.id, found.identity.external_id, found.report.id, found.campaign.id,
                found.conversation.id) == (seed.person, "1001", report.id, seed.campaign, conversation.id)
        assert found.conversation.state == {"x": 1}
        assert uow.people.working("telegram", "404") is None
        assert uow.people.working("zalo", "1001") is None
