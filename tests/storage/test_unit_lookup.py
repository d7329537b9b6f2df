"""Which unit ``--unit`` names, on both databases and on the fake: exact forms only, typos refused with
suggestions, shared names refused with the candidates (storage/unit_lookup.py)."""

from __future__ import annotations

from datetime import datetime

import pytest

from dialogs.errors import NotFound
from storage.errors import AmbiguousUnit
from storage.units_import import find_ward, import_units, official_name
from tests.fakes.uow import FakeStore


def _units(uow, now: datetime) -> dict[str, int]:
    ids = {}
    for name, code, province, province_name in (
        ("Xã Khúc Thừa Dụ", 11224, 31, "Thành phố Hải Phòng"),
        ("Xã Kiến Thụy", 11680, 31, "Thành phố Hải Phòng"),
        ("Phường Đông Hải", 11311, 31, "Thành phố Hải Phòng"),
        ("Phường Đông Hải", 26005, 56, "Tỉnh Khánh Hòa"),
        ("Xã Cẩm Giang", 10888, 31, "Thành phố Hải Phòng"),
        ("Xã Cẩm Giàng", 10903, 31, "Thành phố Hải Phòng"),
    ):
        unit = uow.units.add(name, now=now, code=code, province_code=province, province_name=province_name)
        ids[f"{name}/{province}"] = unit.id
    return ids


def _check(uow, ids: dict[str, int]) -> None:
    khuc = ids["Xã Khúc Thừa Dụ/31"]
    for text in ("11224", f"#{khuc}", str(khuc), "khuc thua du", "KHÚC THỪA DỤ", "Xã  Khúc Thừa Dụ", "Khúc Thừa Dụ"):
        assert uow.units.resolve(text).id == khuc, text
    assert uow.units.resolve("Kiến Thuỵ").id == ids["Xã Kiến Thụy/31"]  # tone placement
    assert uow.units.resolve("Cẩm Giàng").id == ids["Xã Cẩm Giàng/31"]  # the exact spelling decides
    assert uow.units.resolve("Phường Đông Hải, Hải Phòng").id == ids["Phường Đông Hải/31"]
    assert uow.units.resolve("dong hai", "Khánh Hòa").id == ids["Phường Đông Hải/56"]
    with pytest.raises(AmbiguousUnit) as shared:
        uow.units.resolve("Phường Đông Hải")
    assert shared.value.msg == "storage.unit_ambiguous" and len(shared.value.candidates) == 2
    assert "Phường Đông Hải, Thành phố Hải Phòng" in shared.value.params["example"] or \
        "Phường Đông Hải, Tỉnh Khánh Hòa" in shared.value.params["example"]
    with pytest.raises(NotFound) as typo:
        uow.units.resolve("thua du")  # a part of a name: suggested, never taken
    assert typo.value.msg == "storage.unit_not_found_suggest" and "Xã Khúc Thừa Dụ" in typo.value.params["listed"]
    with pytest.raises(NotFound) as typo:
        uow.units.resolve("khuc thua duu")
    assert typo.value.msg == "storage.unit_not_found_suggest"
    with pytest.raises(NotFound):
        uow.units.resolve("#99999")
    with pytest.raises(NotFound) as nothing:
        uow.units.resolve("zzzz qqqq")
    assert nothing.value.msg == "storage.unit_not_found"


def test_resolution_on_the_database(db, now: datetime) -> None:
    with db.uow() as uow:
        ids = _units(uow, now)
        uow.commit()
    with db.uow() as uow:
        _check(uow, ids)


def test_resolution_on_the_fake(now: datetime) -> None:
    with FakeStore().uow() as uow:
        _check(uow, _units(uow, now))


def test_a_number_both_a_code_and_an_id_is_refused(db, now: datetime) -> None:
    with db.uow() as uow:
        first = uow.units.add("Xã Một", now=now, code=999_001)
        uow.units.add("Xã Hai", now=now, code=first.id)  # its code is the first one's id
        with pytest.raises(AmbiguousUnit) as both:
            uow.units.resolve(str(first.id))
        assert both.value.msg == "storage.unit_number_ambiguous"
        assert uow.units.resolve(f"#{first.id}").id == first.id


def test_the_package_is_searched_exactly_too() -> None:
    assert find_ward("khuc thua du").name == "Xã Khúc Thừa Dụ"
    assert find_ward("11224").name == "Xã Khúc Thừa Dụ"
    assert find_ward("Xã An Lão, Hải Phòng").code.value is not None
    assert find_ward("thua du") is None and find_ward("an lao") is None  # a typo; a name of two provinces


def test_import_normalises_names(db, now: datetime) -> None:
    assert official_name("Xã  Hòa   Bình ") == "Xã Hòa Bình"
    with db.uow() as uow:
        import_units(uow, None, now)
        names = [u.name for u in uow.units.all()]
    assert len(names) == 3321 and not [n for n in names if "  " in n or n != n.strip()]
