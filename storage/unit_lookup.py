"""Which unit a person means by ``--unit`` (or ``/tralai <unit>``): exact forms only, never a guess.

Accepted: the official code (``11224``), the id (``#1050`` or ``1050``), the name folded for case, diacritics
and tone placement, with or without its kind word (``khuc thua du``, ``Xã Khúc Thừa Dụ``), and
``name, province`` (``Xã An Lão, Hải Phòng``). Anything fuzzier — a typo, a part of a name — is refused with
the closest units as suggestions (:class:`NotFound` with ``suggestions``), so a typo never acts on another
commune. A name several units share is refused with them listed (:class:`AmbiguousUnit`).

Both the SQL repository and the tests' fake resolve through :func:`resolve_unit`, over the small
:class:`UnitSource` surface.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Protocol

from dialogs.messages import t
from dialogs.vietnamese.collation import sort_key
from dialogs.vietnamese.text import fold, nfc, normalize_tone, squash

from .errors import AmbiguousUnit, NotFound
from .models import Unit

#: How many units a refusal lists.
LISTED = 5
_NUMBER = re.compile(r"^(#?)\s*([0-9]{1,9})$")
#: Folded kind words a unit name may start with.
KIND_WORDS: tuple[str, ...] = ("xa", "phuong", "dac khu", "thi tran")


class UnitSource(Protocol):
    """What resolving needs from a unit repository."""

    def by_id(self, unit_id: int) -> Unit | None:
        """The unit with this id, if any."""

    def by_code(self, code: int) -> Unit | None:
        """The unit with this official code, if any."""

    def with_folded(self, folded: Sequence[str], province_code: int | None) -> list[Unit]:
        """Units whose folded name is one of ``folded`` (of one province when given)."""

    def all(self, province_code: int | None = None) -> list[Unit]:
        """Every unit (of one province when given)."""


def label(unit: Unit) -> str:
    """A unit as refusals and command output name it: ``Xã An Lão (Thành phố Hải Phòng, mã 11409, #1050)``."""
    return t("storage.unit_label", name=unit.name, province=unit.province_name or "—",
             code=unit.code if unit.code is not None else "—", id=unit.id)


def sorted_units(units: Sequence[Unit]) -> list[Unit]:
    """Units in Vietnamese alphabetical order of name, then province."""
    return sorted(units, key=lambda u: (sort_key(u.name), sort_key(u.province_name or ""), u.id))


def _names(folded: str) -> list[str]:
    """The folded names ``folded`` may stand for: itself, and with each kind word when it has none."""
    if any(folded.startswith(kind + " ") for kind in KIND_WORDS):
        return [folded]
    return [folded] + [f"{kind} {folded}" for kind in KIND_WORDS]


def spelling(text: str) -> str:
    """The name with its diacritics (tone placement, case, spacing and kind word aside)."""
    words = normalize_tone(squash(nfc(text))).casefold()
    folded = fold(words)
    for kind in KIND_WORDS:
        if folded.startswith(kind + " "):
            return words[len(kind) + 1 :]
    return words


def exact_matches(source: UnitSource, text: str, province_code: int | None = None) -> list[Unit]:
    """Units whose name is ``text`` folded (kind word optional); the same spelling wins when several fold alike."""
    folded = fold(text)
    if not folded:
        return []
    found = source.with_folded(_names(folded), province_code)
    if len(found) > 1:
        key = spelling(text)
        found = [u for u in found if spelling(u.name) == key] or found
    return sorted_units(found)


def suggestions(source: UnitSource, text: str, province_code: int | None = None) -> list[Unit]:
    """The units closest to ``text`` (fuzzy), best first: only ever offered, never acted on."""
    from dialogs.vietnamese.matching import match_unit

    units = source.all(province_code)
    found = match_unit(text, list(dict.fromkeys(u.name for u in units)), cutoff=70.0)
    keys = [found.key] if found.kind == "one" and found.key else list(found.keys or ())
    by_name: dict[str, list[Unit]] = {}
    for unit in units:
        by_name.setdefault(unit.name, []).append(unit)
    return [u for key in keys for u in by_name.get(str(key), [])][:LISTED]


def _province_code(text: str) -> int:
    from .units_import import find_province

    return int(find_province(text).code.value)


def split_province(typed: str, province_code: int | None) -> tuple[str, int | None]:
    """``"Xã An Lão, Hải Phòng"`` → the name and the province's code (``province_code`` when already chosen, or
    when the text after the last comma names no province: then the comma is part of the name)."""
    if "," not in typed or province_code is not None:
        return typed, province_code
    head, _, tail = typed.rpartition(",")
    try:
        return head.strip(), _province_code(tail)
    except NotFound:
        return typed, None


def resolve_unit(source: UnitSource, text: str, province: str | None = None) -> Unit:
    """The one unit ``text`` names (within ``province`` when given); a refusal naming the candidates otherwise."""
    typed = squash(nfc(text)).strip(" ,")
    province_code = _province_code(province) if province else None
    number = _NUMBER.match(typed)
    if number:
        return _by_number(source, typed, int(number.group(2)), by_id_only=bool(number.group(1)))
    name, province_code = split_province(typed, province_code)
    found = exact_matches(source, name, province_code)
    if len(found) == 1:
        return found[0]
    if found:
        first = found[0]
        example = f"{first.name}, {first.province_name}" if first.province_name else f"#{first.id}"
        raise AmbiguousUnit(candidates=found, msg="storage.unit_ambiguous", text=_shown(typed), count=len(found),
                            listed="; ".join(label(u) for u in found[:LISTED]), example=example)
    near = suggestions(source, name, province_code)
    if near:
        raise NotFound(msg="storage.unit_not_found_suggest", text=_shown(typed),
                       listed="; ".join(label(u) for u in near))
    raise NotFound(msg="storage.unit_not_found", text=_shown(typed))


def _shown(text: str, limit: int = 60) -> str:
    """What a refusal quotes of the text typed: a 5,000-character paste is not repeated."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _by_number(source: UnitSource, typed: str, number: int, *, by_id_only: bool) -> Unit:
    by_id = source.by_id(number)
    by_code = None if by_id_only else source.by_code(number)
    if by_id is not None and by_code is not None and by_id.id != by_code.id:
        raise AmbiguousUnit(candidates=[by_code, by_id], msg="storage.unit_number_ambiguous",
                            code=label(by_code), id=label(by_id), number=number)
    found = by_code or by_id
    if found is None:
        raise NotFound(msg="storage.unit_number_unknown", text=_shown(typed))
    return found


__all__ = ["UnitSource", "exact_matches", "label", "resolve_unit", "sorted_units", "split_province", "suggestions"]
