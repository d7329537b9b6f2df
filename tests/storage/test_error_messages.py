"""Storage refuses with a message id and its parameters (``storage.*``), and the error reads as that sentence."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from dialogs.errors import NotFound, ReportbotError
from dialogs.messages import t
from storage.errors import AmbiguousUnit, DuplicateUnit, InviteExpired, InviteUsed
from storage.units_import import find_province


def _refusal(info: pytest.ExceptionInfo[ReportbotError]) -> tuple[str, dict[str, object]]:
    exc = info.value
    assert str(exc) == t(exc.msg, **exc.params)
    return exc.msg, exc.params


def test_units_are_refused_with_ids(db, now: datetime) -> None:
    with db.uow() as uow:
        first = uow.units.add("Xã Khúc Thừa Dụ", now=now, code=11224)
        plain = uow.units.add("Xã Kiến Thụy", now=now)
        uow.units.add("Xã Cẩm Giang", now=now, code=10888)
        uow.units.add("Xã Cẩm Giàng", now=now, code=10903)
        with pytest.raises(DuplicateUnit) as by_code:
            uow.units.add("Xã Khác", now=now, code=11224)
        assert _refusal(by_code) == ("storage.unit_duplicate_code", {
            "name": "Xã Khác", "id": first.id, "existing": "Xã Khúc Thừa Dụ", "code": 11224})
        with pytest.raises(DuplicateUnit) as by_name:
            uow.units.add("xa kien thuy", now=now)
        assert _refusal(by_name) == ("storage.unit_duplicate", {
            "name": "xa kien thuy", "id": plain.id, "existing": "Xã Kiến Thụy"})
        assert by_name.value.existing_id == plain.id
        with pytest.raises(NotFound) as unknown:
            uow.units.get(99_999)
        assert _refusal(unknown) == ("storage.unit_unknown", {"id": 99_999})
        with pytest.raises(NotFound) as not_found:
            uow.units.resolve("Xã Không Có")
        assert _refusal(not_found) == ("storage.unit_not_found", {"text": "Xã Không Có"})
        with pytest.raises(AmbiguousUnit) as ambiguous:
            uow.units.resolve("cam giang")
        msg, params = _refusal(ambiguous)
        assert (msg, params["text"], params["count"]) == ("storage.unit_ambiguous", "cam giang", 2)
        assert len(ambiguous.value.candidates) == 2


def test_campaigns_and_invites_are_refused_with_ids(db, now: datetime) -> None:
    with db.uow() as uow:
        person = uow.people.get_or_create("telegram", "1", "A", now)
        uow.invites.create("USED", "department", None, None, None, now)
        uow.invites.create("OLD", "department", None, None, datetime(2025, 8, 7, tzinfo=now.tzinfo), now)
        uow.commit()
    with db.uow() as uow:
        uow.invites.use("USED", person.id, now)
        with pytest.raises(NotFound) as campaign:
            uow.campaigns.get(999)
        assert _refusal(campaign) == ("storage.campaign_unknown", {"id": 999})
        with pytest.raises(NotFound) as unknown:
            uow.invites.use("NOPE", person.id, now)
        assert _refusal(unknown) == ("storage.invite_unknown", {"code": "NOPE"})
        with pytest.raises(InviteUsed) as used:
            uow.invites.use("USED", person.id, now)
        assert _refusal(used) == ("storage.invite_used", {"code": "USED"})
        with pytest.raises(InviteExpired) as expired:
            uow.invites.use("OLD", person.id, now + timedelta(days=3650))
        assert _refusal(expired) == ("storage.invite_expired", {"code": "OLD", "date": "07/08/2025"})
        assert str(expired.value) == "mã mời OLD đã hết hạn từ 07/08/2025"


def test_an_unknown_province_is_refused_with_an_id() -> None:
    with pytest.raises(NotFound) as info:
        find_province("Atlantis")
    assert _refusal(info) == ("storage.province_unknown", {"text": "Atlantis"})
