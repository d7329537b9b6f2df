"""Units (communes): add by hand, look up by id, ward code or a name typed any which way."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from dialogs.vietnamese.text import fold, nfc, squash

from ..errors import DuplicateUnit, NotFound
from ..models import Unit
from ..unit_lookup import resolve_unit

#: Folded kind words a unit name starts with → the kind as written.
KIND_PREFIXES: dict[str, str] = {
    "xa": "xã",
    "phuong": "phường",
    "dac khu": "đặc khu",
    "thi tran": "thị trấn",
}
#: The kind of a unit whose name starts with no kind word.
DEFAULT_KIND = "xã"


def guess_kind(name: str) -> str:
    """The kind a unit name starts with ("xã" when it names none).

    >>> guess_kind("Phường Hồng Bàng"), guess_kind("Đặc khu Cát Hải"), guess_kind("Khúc Thừa Dụ")
    ('phường', 'đặc khu', 'xã')
    """
    return KIND_PREFIXES.get(_split_kind(fold(name))[0], DEFAULT_KIND)


def bare_name(folded: str) -> str:
    """A folded unit name without its kind word.

    >>> bare_name("xa khuc thua du"), bare_name("khuc thua du")
    ('khuc thua du', 'khuc thua du')
    """
    return _split_kind(folded)[1]


def _split_kind(folded: str) -> tuple[str, str]:
    for prefix in KIND_PREFIXES:
        if folded.startswith(prefix + " "):
            return prefix, folded[len(prefix) + 1 :]
    return "", folded


def _exact_key(text: str) -> str:
    # The name with its diacritics (case and spacing aside), kind word dropped: decides between
    # units whose folded names collide ("Xã Cẩm Giang" / "Xã Cẩm Giàng" in Hải Phòng).
    words = squash(nfc(text)).casefold()
    for kind in KIND_PREFIXES.values():
        if words.startswith(kind + " "):
            return words[len(kind) + 1 :]
    return words


class UnitRepository:
    """Reporting units; names are stored NFC and matched folded."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def add(
        self,
        name: str,
        *,
        now: datetime,
        code: int | None = None,
        kind: str | None = None,
        province_code: int | None = None,
        province_name: str | None = None,
    ) -> Unit:
        """Add a unit; :class:`DuplicateUnit` if the same code or the same unit name exists."""
        clean = squash(nfc(name))
        if not clean:
            raise ValueError("a unit needs a name")
        existing = self.duplicate_of(clean, code=code, province_code=province_code)
        if existing is not None:
            if existing.code is None:
                raise DuplicateUnit(existing_id=existing.id, msg="storage.unit_duplicate", name=clean,
                                    id=existing.id, existing=existing.name)
            raise DuplicateUnit(existing_id=existing.id, msg="storage.unit_duplicate_code", name=clean,
                                id=existing.id, existing=existing.name, code=existing.code)
        unit = Unit(
            code=code,
            name=clean,
            kind=kind or guess_kind(clean),
            province_code=province_code,
            province_name=province_name,
            folded=fold(clean),
            created_at=now,
        )
        self.session.add(unit)
        self.session.flush()
        return unit

    def duplicate_of(self, name: str, *, code: int | None, province_code: int | None) -> Unit | None:
        """The unit a new one would duplicate: same code, or same folded name in the same province.

        Two units with distinct official codes are never duplicates (Hải Phòng has both "Xã Cẩm
        Giang" and "Xã Cẩm Giàng"); a province left blank matches any province.
        """
        if code is not None and (same_code := self.by_code(code)) is not None:
            return same_code
        query = select(Unit).where(Unit.folded == fold(name)).order_by(Unit.id)
        if code is not None:
            query = query.where(Unit.code.is_(None))
        if province_code is not None:
            query = query.where(or_(Unit.province_code.is_(None), Unit.province_code == province_code))
        return self.session.scalars(query.limit(1)).first()

    def get(self, unit_id: int) -> Unit:
        """The unit with this id; :class:`NotFound` if there is none."""
        unit = self.session.get(Unit, unit_id)
        if unit is None:
            raise NotFound(msg="storage.unit_unknown", id=unit_id)
        return unit

    def by_code(self, code: int) -> Unit | None:
        """The unit with this official ward code, if any."""
        return self.session.scalars(select(Unit).where(Unit.code == code)).first()

    def all(self, province_code: int | None = None) -> list[Unit]:
        """Every unit (of one province when given), in the order they were added."""
        query = select(Unit).order_by(Unit.id)
        if province_code is not None:
            query = query.where(Unit.province_code == province_code)
        return list(self.session.scalars(query))

    def find(self, text: str) -> list[Unit]:
        """Units named by ``text``: exact folded matches (kind word optional), else fuzzy ones.

        An empty list means nothing matched; several mean the name is ambiguous.
        """
        folded = fold(text)
        if not folded:
            return []
        kind, bare = _split_kind(folded)
        names = [folded] if kind else [folded] + [f"{prefix} {bare}" for prefix in KIND_PREFIXES]
        exact = list(self.session.scalars(select(Unit).where(Unit.folded.in_(names)).order_by(Unit.id)))
        if exact:
            key = _exact_key(text)
            same_spelling = [u for u in exact if _exact_key(u.name) == key]
            return same_spelling or exact
        return self._find_fuzzy(text)

    def resolve(self, text: str, province: str | None = None) -> Unit:
        """The one unit ``text`` names exactly (code, id, folded name, "name, province"); a refusal with the
        candidates or suggestions otherwise (:func:`storage.unit_lookup.resolve_unit`)."""
        return resolve_unit(self, text, province)

    def by_id(self, unit_id: int) -> Unit | None:
        """The unit with this id, if any."""
        return self.session.get(Unit, unit_id)

    def with_folded(self, folded: Sequence[str], province_code: int | None) -> list[Unit]:
        """Units whose folded name is one of ``folded`` (of one province when given)."""
        query = select(Unit).where(Unit.folded.in_(list(folded))).order_by(Unit.id)
        if province_code is not None:
            query = query.where(Unit.province_code == province_code)
        return list(self.session.scalars(query))

    def _find_fuzzy(self, text: str) -> list[Unit]:
        # Imported here: dialogs.vietnamese.matching is optional for the exact path and loads rapidfuzz.
        from dialogs.vietnamese.matching import match_unit

        units = self.all()
        match = match_unit(text, list(dict.fromkeys(u.name for u in units)))
        # Match(kind, key, keys, score): "one" names ``key``; an ambiguous match lists ``keys``.
        if match.kind == "one" and match.key is not None:
            keys = [match.key]
        elif match.kind == "none":
            keys = []
        else:
            keys = list(match.keys or ())
        by_name: dict[str, list[Unit]] = {}
        for unit in units:
            by_name.setdefault(unit.name, []).append(unit)
        return [unit for key in keys for unit in by_name.get(str(key), [])]
