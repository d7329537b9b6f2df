"""Import communes (wards after the 1/7/2025 reform) from the ``vietnam-provinces`` package.

Provinces are chosen by name, codename or code, compared folded: "hai phong", "Hải Phòng",
"Thành phố Hải Phòng", "thanh_pho_hai_phong" and "31" all name the same one. Re-running an import
adds nothing twice, and a unit typed in by hand earlier (no code yet) is linked to its official ward.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import select
from vietnam_provinces import Province, Ward

from dialogs.errors import NotFound
from dialogs.vietnamese.text import fold, nfc, squash

from .models import Unit
from .uow import UnitOfWork

#: Folded words in front of a province name that users may or may not type.
_PROVINCE_PREFIXES: tuple[str, ...] = ("thanh pho ", "tinh ", "tp ", "tp. ")


@dataclass(frozen=True)
class ImportReport:
    """What an import did: units added, already present (skipped), hand-made ones given their code."""

    added: int
    skipped: int
    linked: int = 0
    #: The province imported (its full name), None for the whole country.
    province: str | None = None


def _province_key(text: str) -> str:
    folded = fold(text.replace("_", " "))
    for prefix in _PROVINCE_PREFIXES:
        if folded.startswith(prefix):
            return folded[len(prefix) :].strip()
    return folded


def find_province(text: str) -> Province:
    """The province named by ``text`` (name, codename or code, any spelling); :class:`NotFound` if none.

    >>> find_province("thanh_pho_hai_phong").name == find_province("Hải Phòng").name
    True
    >>> find_province("khanh hoa").codename
    'khanh_hoa'
    """
    key = _province_key(text)
    for province in Province.iter_all():
        codes = {_province_key(province.name), _province_key(province.codename), str(province.code.value)}
        if key in codes:
            return province
    raise NotFound(msg="storage.province_unknown", text=text)


def import_units(uow: UnitOfWork, province: str | None, now: datetime) -> ImportReport:
    """Add the wards of ``province`` (all 3,321 of the country when None) as units; idempotent.

    Runs in the caller's transaction: the caller commits.
    """
    chosen = find_province(province) if province is not None else None
    provinces = {p.code: p for p in Province.iter_all()}
    wards = [w for w in Ward.iter_all() if chosen is None or w.province_code == chosen.code]
    session = uow.session
    known_codes = set(session.scalars(select(Unit.code).where(Unit.code.is_not(None))))
    # Units typed in by hand before the import: matched by folded name, within the province if set.
    by_folded: dict[str, list[Unit]] = {}
    for unit in session.scalars(select(Unit).where(Unit.code.is_(None)).order_by(Unit.id)):
        by_folded.setdefault(unit.folded, []).append(unit)
    added = skipped = linked = 0
    for ward in wards:
        code = int(ward.code.value)
        if code in known_codes:
            skipped += 1
            continue
        ward_province = provinces[ward.province_code]
        name = official_name(ward.name)
        folded = fold(name)
        handmade = [
            u
            for u in by_folded.get(folded, [])
            if u.province_code is None or u.province_code == ward_province.code.value
        ]
        if handmade:
            unit = handmade[0]
            by_folded[folded].remove(unit)
            unit.code = code
            unit.kind = ward.division_type.value
            unit.province_code = int(ward_province.code.value)
            unit.province_name = ward_province.name
            linked += 1
        else:
            session.add(
                Unit(
                    code=code,
                    name=name,
                    kind=ward.division_type.value,
                    province_code=int(ward_province.code.value),
                    province_name=ward_province.name,
                    folded=folded,
                    created_at=now,
                )
            )
            added += 1
        known_codes.add(code)
    session.flush()
    return ImportReport(
        added=added, skipped=skipped, linked=linked, province=chosen.name if chosen is not None else None
    )


def official_name(name: str) -> str:
    """A ward's name as stored: NFC, single spaces (ten names of the package hold a double space).

    >>> official_name("Xã  Hòa  Bình ")
    'Xã Hòa Bình'
    """
    return squash(nfc(name))


@cache
def _wards_by_folded() -> dict[str, list[Any]]:
    """Every ward of the package by its folded name (built once: 3,321 entries)."""
    index: dict[str, list[Any]] = {}
    for ward in Ward.iter_all():
        index.setdefault(fold(ward.name), []).append(ward)
    return index


def find_ward(text: str, province: str | None = None) -> Any | None:
    """The one ward ``text`` names exactly — its code, its name folded (kind word optional), or "name,
    province" — as :func:`storage.unit_lookup.resolve_unit` reads it; None when none or several do (Hải Phòng
    has both "Xã Cẩm Giang" and "Xã Cẩm Giàng"). A typo finds nothing: it is never a guess."""
    from .unit_lookup import KIND_WORDS, spelling, split_province

    typed = squash(text)
    if typed.isascii() and typed.isdigit():  # "¹" is a digit to str.isdigit, not to int()
        return next((w for w in Ward.iter_all() if int(w.code.value) == int(typed)), None)
    typed, province_code = split_province(typed, int(find_province(province).code.value) if province else None)
    folded = fold(typed)
    has_kind = any(folded.startswith(k + " ") for k in KIND_WORDS)
    names = [folded] if has_kind else [f"{k} {folded}" for k in KIND_WORDS]
    index = _wards_by_folded()
    found = [w for n in names for w in index.get(n, [])
             if province_code is None or int(w.province_code.value) == province_code]
    if len(found) > 1:
        spelled = [w for w in found if spelling(w.name) == spelling(typed)]
        found = spelled if len(spelled) == 1 else found
    return found[0] if len(found) == 1 else None


def add_ward(uow: UnitOfWork, ward: Any, now: datetime) -> Unit:
    """Store one ward of the package as a unit, with its code and province."""
    province = next(p for p in Province.iter_all() if p.code == ward.province_code)
    return uow.units.add(official_name(ward.name), code=int(ward.code.value), kind=ward.division_type.value,
                         province_code=int(province.code.value), province_name=province.name, now=now)
