"""Units: add, refuse duplicates, find by any spelling, import from vietnam-provinces."""

from __future__ import annotations

from datetime import datetime

import pytest
from vietnam_provinces import Province, Ward

from dialogs.errors import NotFound
from dialogs.vietnamese.text import fold
from storage.errors import AmbiguousUnit, DuplicateUnit
from storage.units_import import find_province, import_units


def _wards_of(codename: str) -> list[Ward]:
    province = next(p for p in Province.iter_all() if p.codename == codename)
    return [w for w in Ward.iter_all() if w.province_code == province.code]


def test_add_normalises_and_guesses_the_kind(db, now: datetime) -> None:
    with db.uow() as uow:
        unit = uow.units.add("  Phường   Hồng Bàng ", now=now, province_code=31, province_name="Hải Phòng")
        uow.commit()
    assert (unit.name, unit.kind, unit.folded) == ("Phường Hồng Bàng", "phường", "phuong hong bang")


def test_duplicates_are_refused_by_code_or_folded_name(db, now: datetime) -> None:
    with db.uow() as uow:
        first = uow.units.add("Xã Khúc Thừa Dụ", now=now, code=11224, province_code=31)
        with pytest.raises(DuplicateUnit) as by_code:
            uow.units.add("Xã Khác", now=now, code=11224)
        with pytest.raises(DuplicateUnit) as by_name:
            uow.units.add("xa khuc thua du", now=now)  # typed without diacritics, no code
        assert by_code.value.existing_id == first.id == by_name.value.existing_id
        # Another province may have a commune of the same name.
        uow.units.add("Xã Khúc Thừa Dụ", now=now, province_code=1)
        # Two official wards whose names fold alike are distinct units (Hải Phòng has both).
        uow.units.add("Xã Cẩm Giang", now=now, code=10888, province_code=31)
        uow.units.add("Xã Cẩm Giàng", now=now, code=10903, province_code=31)
        uow.commit()


def test_find_by_any_spelling(db, now: datetime) -> None:
    with db.uow() as uow:
        khuc = uow.units.add("Xã Khúc Thừa Dụ", now=now)
        kien = uow.units.add("Xã Kiến Thụy", now=now)
        giang = uow.units.add("Xã Cẩm Giang", now=now, code=10888)
        giang2 = uow.units.add("Xã Cẩm Giàng", now=now, code=10903)
        uow.commit()
    with db.uow() as uow:
        for text in ("Xã Khúc Thừa Dụ", "xa khuc thua du", "KHÚC THỪA DỤ", "khuc  thua du"):
            assert [u.id for u in uow.units.find(text)] == [khuc.id], text
        assert [u.id for u in uow.units.find("Kiến Thuỵ")] == [kien.id]  # the other tone placement
        assert [u.id for u in uow.units.find("Cẩm Giàng")] == [giang2.id]  # exact spelling decides
        assert {u.id for u in uow.units.find("cam giang")} == {giang.id, giang2.id}
        with pytest.raises(AmbiguousUnit) as ambiguous:
            uow.units.resolve("cam giang")
        assert len(ambiguous.value.candidates) == 2
        assert uow.units.resolve("xã kiến thụy").id == kien.id
        assert uow.units.by_code(10888) is not None and uow.units.by_code(1) is None
        with pytest.raises(NotFound):
            uow.units.get(99_999)


@pytest.mark.parametrize("spelling", ["hai phong", "Hải Phòng", "Thành phố Hải Phòng", "thanh_pho_hai_phong", "31"])
def test_find_province_by_any_spelling(spelling: str) -> None:
    assert find_province(spelling).codename == "hai_phong"


def test_find_province_refuses_unknown_names() -> None:
    with pytest.raises(NotFound):
        find_province("Hải Dương")  # merged into Hải Phòng on 1/7/2025


def test_import_hai_phong(db, now: datetime) -> None:
    expected = _wards_of("hai_phong")
    with db.uow() as uow:
        report = import_units(uow, "Hải Phòng", now)
        uow.commit()
    assert (report.added, report.skipped, report.linked) == (len(expected), 0, 0)
    assert report.province == "Thành phố Hải Phòng"
    with db.uow() as uow:
        units = uow.units.all()
        assert {u.code for u in units} == {int(w.code.value) for w in expected}
        khuc = uow.units.resolve("Xã Khúc Thừa Dụ")
        kien = uow.units.resolve("xa kien thuy")
        assert (khuc.kind, khuc.province_name, khuc.province_code) == ("xã", "Thành phố Hải Phòng", 31)
        assert kien.name == next(w.name for w in expected if fold(w.name) == "xa kien thuy")
        again = import_units(uow, "hai_phong", now)
    assert (again.added, again.skipped) == (0, len(expected))


def test_import_links_a_unit_added_by_hand(db, now: datetime) -> None:
    with db.uow() as uow:
        handmade = uow.units.add("xa khuc thua du", now=now)  # typed before the import, no code
        uow.commit()
    with db.uow() as uow:
        report = import_units(uow, "Hải Phòng", now)
        uow.commit()
    assert report.linked == 1 and report.added == len(_wards_of("hai_phong")) - 1
    with db.uow() as uow:
        unit = uow.units.get(handmade.id)
        assert (unit.code, unit.province_code) == (11224, 31)
        assert len(uow.units.find("Khúc Thừa Dụ")) == 1


def test_import_the_whole_country(db, now: datetime) -> None:
    with db.uow() as uow:
        report = import_units(uow, None, now)
        uow.commit()
    total = sum(1 for _ in Ward.iter_all())
    assert report.added == total and report.province is None
    with db.uow() as uow:
        assert len(uow.units.all()) == total
        assert len(uow.units.all(province_code=31)) == len(_wards_of("hai_phong"))


def test_find_falls_back_to_fuzzy_matching(db, now: datetime) -> None:
    pytest.importorskip("dialogs.vietnamese.matching")
    with db.uow() as uow:
        khuc = uow.units.add("Xã Khúc Thừa Dụ", now=now)
        uow.units.add("Xã Kiến Thụy", now=now)
        uow.units.add("Xã Tiên Lãng", now=now)
        uow.commit()
    with db.uow() as uow:
        assert [u.id for u in uow.units.find("khuc thua duu")] == [khuc.id]  # a typo
        assert uow.units.find("zzzz qqqq") == []


def test_find_ward_matches_folded_names_and_refuses_to_guess() -> None:
    """One ward by folded, fuzzy name; None where two wards fold alike (Cẩm Giang / Cẩm Giàng)."""
    from storage.units_import import find_ward

    found = find_ward("khuc thua du")
    assert found is not None and found.name == "Xã Khúc Thừa Dụ"
    assert find_ward("Kiến Thuỵ").name == "Xã Kiến Thụy"
    assert find_ward("cam giang") is None
