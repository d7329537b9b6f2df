"""Template versions are immutable and stored once per digest; campaigns know their units."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest

from dialogs.errors import NotFound, StorageError
from tests.storage.dbfixtures import make_template


def test_ensure_is_idempotent_by_digest(db, now: datetime) -> None:
    template = make_template("id: tdkt\nversion: '1'\n")
    with db.uow() as uow:
        first = uow.templates.ensure(template, now)
        again = uow.templates.ensure(template, now + timedelta(days=1))
        uow.commit()
    assert first.id == again.id and again.created_at == now
    changed = make_template("id: tdkt\nversion: '2'\n")
    with db.uow() as uow:
        second = uow.templates.ensure(changed, now)
        uow.commit()
    with db.uow() as uow:
        assert second.id != first.id
        latest = uow.templates.latest("tdkt")
        assert latest is not None and latest.id == second.id
        assert uow.templates.get(first.id).text == template.text
        assert uow.templates.by_digest(template.digest) is not None
        assert uow.templates.latest("other") is None
        with pytest.raises(NotFound):
            uow.templates.get(10_000)


def test_template_versions_are_immutable(db, now: datetime) -> None:
    with db.uow() as uow:
        version = uow.templates.ensure(make_template(), now)
        uow.commit()
    with db.uow() as uow:
        stored = uow.templates.get(version.id)
        stored.text = "edited"
        with pytest.raises(StorageError, match="write-once"):
            uow.flush()


def test_campaign_units_and_listing(db, seed, now: datetime) -> None:
    with db.uow() as uow:
        campaign = uow.campaigns.get(seed.campaign)
        assert (campaign.status, campaign.deadline, campaign.opened_at) == ("open", date(2025, 8, 20), now)
        assert [u.name for u in uow.campaigns.expected_units(seed.campaign)] == [
            "Xã Khúc Thừa Dụ",
            "Xã Kiến Thụy",
        ]
        extra = uow.units.add("Xã Tiên Lãng", now=now)
        assert uow.campaigns.invite_units(seed.campaign, [seed.unit_a, extra.id, extra.id]) == 1
        version = uow.templates.ensure(make_template(), now)
        second = uow.campaigns.create(version.id, "Báo cáo quý III", date(2025, 9, 30), now, [seed.unit_a])
        uow.campaigns.close(uow.campaigns.get(seed.campaign), now)
        uow.commit()
    with db.uow() as uow:
        assert len(uow.campaigns.expected_units(seed.campaign)) == 3
        assert [c.id for c in uow.campaigns.all()] == [second.id, seed.campaign]
        assert [c.id for c in uow.campaigns.all(status="open")] == [second.id]
        assert [c.id for c in uow.campaigns.open_for_unit(seed.unit_a)] == [second.id]
        assert uow.campaigns.open_for_unit(seed.unit_b) == []
        with pytest.raises(NotFound):
            uow.campaigns.get(10_000)


def test_a_deadline_keeps_its_time_of_day_and_the_nearest_comes_first(db, seed, now: datetime) -> None:
    with db.uow() as uow:
        version = uow.templates.ensure(make_template(), now)
        end_of_day = uow.campaigns.create(version.id, "Cả ngày", date(2025, 9, 30), now, [seed.unit_a])
        evening = uow.campaigns.create(version.id, "17 giờ", date(2025, 9, 30), now, [seed.unit_a],
                                       deadline_time=time(17, 0))
        morning = uow.campaigns.create(version.id, "7 giờ 30", date(2025, 9, 30), now, [seed.unit_a],
                                       deadline_time=time(7, 30))
        uow.commit()
    with db.uow() as uow:
        assert uow.campaigns.get(evening.id).deadline_time == time(17, 0)
        assert uow.campaigns.get(end_of_day.id).deadline_time is None
        # Nearest deadline first: on one day, 07:30 before 17:00 before the end of the day.
        assert [c.id for c in uow.campaigns.open_for_unit(seed.unit_a)] == [seed.campaign, morning.id, evening.id,
                                                                            end_of_day.id]
