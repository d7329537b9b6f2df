"""The place in the date line: the unit's name without its type, or in full when NĐ 30 says so.

NĐ 30/2020, Phụ lục I, Phần I, mục II.4: the place is the name of the administrative unit where the agency
sits; units named after a person, a number or a historical event keep their full name.

>>> from exporters.model import UnitInfo
>>> place_name(UnitInfo("Xã Kiến Thụy", "xã"))
'Kiến Thụy'
>>> place_name(UnitInfo("Xã Khúc Thừa Dụ", "xã"))
'Xã Khúc Thừa Dụ'
>>> place_name(UnitInfo("Phường 1 Bảo Lộc", "phường"))
'Phường 1 Bảo Lộc'
>>> department_place("UBND THÀNH PHỐ HẢI PHÒNG")
'Hải Phòng'
>>> department_place("Ủy ban nhân dân Thành phố Hồ Chí Minh")
'Thành phố Hồ Chí Minh'
"""

from __future__ import annotations

import re

from dialogs.vietnamese.text import fold, nfc, squash
from exporters.model import UnitInfo

#: Unit names (without their type) that are a person's name or a historical event: the full name is kept.
#: Taken from the 3,321 communes of ``vietnam-provinces`` (1/7/2025); add to it as new names appear.
NAMED_AFTER: frozenset[str] = frozenset(
    fold(n)
    for n in (
        # people
        "Chu Văn An", "Đào Duy Từ", "Hà Huy Tập", "Hai Bà Trưng", "Hồ Chí Minh", "Hoàng Hoa Thám",
        "Hoàng Văn Thụ", "Khúc Thừa Dụ", "Kim Đồng", "Lê Chân", "Lê Đại Hành", "Lê Lợi", "Lê Quý Đôn",
        "Lê Thanh Nghị", "Lý Thường Kiệt", "Ngô Quyền", "Nguyễn Bỉnh Khiêm", "Nguyễn Du", "Nguyễn Huệ",
        "Nguyễn Lương Bằng", "Nguyễn Trãi", "Nguyễn Văn Linh", "Phạm Ngũ Lão", "Phan Đình Phùng",
        "Quang Trung", "Tô Hiệu", "Trần Hưng Đạo", "Trần Nhân Tông", "Trần Phú", "Tuệ Tĩnh", "Yết Kiêu",
        # events
        "Chiến Thắng", "Độc Lập", "Đồng Khởi", "Thống Nhất",
    )
)

#: Explicit places for units whose date line differs from both rules (unit name → place).
PLACE_OVERRIDES: dict[str, str] = {}

_DIGIT = re.compile(r"\d")
_PARENT_PREFIX = re.compile(r"^(ubnd|uy ban nhan dan)\s+", re.IGNORECASE)
_PROVINCE_KIND = re.compile(r"^(thanh pho|tinh)\s+", re.IGNORECASE)


def keeps_full_name(bare_name: str) -> bool:
    """Whether a unit called ``bare_name`` is named after a person, a number or an event."""
    return bool(_DIGIT.search(bare_name)) or fold(bare_name) in NAMED_AFTER


def place_name(unit: UnitInfo) -> str:
    """The place written before ", ngày …" for this unit."""
    full = squash(nfc(unit.name))
    if full in PLACE_OVERRIDES:
        return PLACE_OVERRIDES[full]
    bare = unit.bare_name
    if keeps_full_name(bare):
        return full[0].upper() + full[1:]
    return bare


def department_place(parent: str) -> str:
    """The place of a provincial department from its parent body ("UBND THÀNH PHỐ HẢI PHÒNG" → "Hải Phòng")."""
    text = squash(nfc(parent))
    text = _strip_prefix(text, _PARENT_PREFIX)
    bare = _strip_prefix(text, _PROVINCE_KIND)
    if text.isupper():
        text, bare = _title(text), _title(bare)
    return text[0].upper() + text[1:] if keeps_full_name(bare) and text else bare


def _strip_prefix(text: str, pattern: re.Pattern[str]) -> str:
    # Match on the folded text (no diacritics) and cut the same number of characters from the original:
    # folding keeps one character per character for Vietnamese letters.
    match = pattern.match(fold(text))
    return text[match.end():] if match else text


def _title(text: str) -> str:
    return " ".join(w[:1].upper() + w[1:].lower() for w in text.split(" "))
