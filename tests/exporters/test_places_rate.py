"""Place names in the date line, and the DHIS2 reporting rate."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from vietnam_provinces import Ward

from exporters.model import UnitInfo, UnitStatus
from exporters.places import NAMED_AFTER, department_place, keeps_full_name, place_name
from exporters.rate import reporting_rate


@pytest.mark.parametrize(("name", "kind", "expected"), [
    ("Xã Kiến Thụy", "xã", "Kiến Thụy"),
    ("Phường Hoàn Kiếm", "phường", "Hoàn Kiếm"),
    ("Xã Khúc Thừa Dụ", "xã", "Xã Khúc Thừa Dụ"),  # a person
    ("Phường Trần Hưng Đạo", "phường", "Phường Trần Hưng Đạo"),  # a person
    ("Xã Đồng Khởi", "xã", "Xã Đồng Khởi"),  # an event
    ("Phường 1 Bảo Lộc", "phường", "Phường 1 Bảo Lộc"),  # a number
    ("Xã A Lưới 2", "xã", "Xã A Lưới 2"),
    ("Đặc khu Phú Quốc", "đặc khu", "Phú Quốc"),
    ("Xã Kiến Thụy", "", "Kiến Thụy"),  # kind read from the name
])
def test_place_name(name: str, kind: str, expected: str) -> None:
    """PL I, II.4: the unit's name without its type, in full when named after a person, number or event."""
    assert place_name(UnitInfo(name, kind)) == expected


def test_every_override_names_a_real_commune() -> None:
    bare = {w.name.split(" ", 1)[1] for w in Ward.iter_all() if " " in w.name}
    from dialogs.vietnamese.text import fold

    folded = {fold(b) for b in bare} | {fold("Hồ Chí Minh")}
    assert folded >= NAMED_AFTER


def test_every_commune_gets_a_non_empty_place() -> None:
    for ward in Ward.iter_all():
        unit = UnitInfo(ward.name, ward.division_type.value)
        place = place_name(unit)
        assert place and (place == ward.name or ward.name.endswith(" " + place))
        assert keeps_full_name(unit.bare_name) == (place == ward.name)


@pytest.mark.parametrize(("parent", "expected"), [
    ("UBND THÀNH PHỐ HẢI PHÒNG", "Hải Phòng"),
    ("Ủy ban nhân dân tỉnh Quảng Ninh", "Quảng Ninh"),
    ("UBND Thành phố Hồ Chí Minh", "Thành phố Hồ Chí Minh"),
])
def test_department_place(parent: str, expected: str) -> None:
    assert department_place(parent) == expected


@given(st.lists(st.sampled_from(["on_time", "late", "missing"]), max_size=60))
def test_reporting_rate_counts_and_percentages(statuses: list[str]) -> None:
    """DHIS2: expected = invited; reported = on time + late; both rates are shares of expected."""
    units = [UnitStatus(UnitInfo(f"Xã {i}"), s) for i, s in enumerate(statuses)]  # type: ignore[arg-type]
    rate = reporting_rate(units)
    assert rate.expected == len(statuses)
    assert (rate.on_time, rate.late, rate.missing) == tuple(statuses.count(s) for s in ("on_time", "late", "missing"))
    assert rate.reported == rate.on_time + rate.late == rate.expected - rate.missing
    if statuses:
        assert rate.rate_pct == round(100 * rate.reported / len(statuses), 1)
        assert rate.on_time_pct == round(100 * rate.on_time / len(statuses), 1)
        assert 0 <= rate.on_time_pct <= rate.rate_pct <= 100
    else:
        assert rate.rate_pct == rate.on_time_pct == 0.0
