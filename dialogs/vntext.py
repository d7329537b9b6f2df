"""Vietnamese text helpers: Unicode normalisation, diacritic folding and tone placement.

>>> fold("Xã Khúc Thừa Dụ")
'xa khuc thua du'
>>> fold("THUỴ") == fold("thụy") == fold("thuy")
True
>>> nfc("Hoà") == nfc("Hoà")
True
>>> fold("  Sửa   mục  3 ")
'sua muc 3'
"""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")
_COMBINING = re.compile(r"[\u0300-\u036f]")


def nfc(text: str) -> str:
    """Return ``text`` in Unicode NFC form (phones send NFD and NFC alike)."""
    return unicodedata.normalize("NFC", text)


def squash(text: str) -> str:
    """Collapse runs of whitespace to one space and strip the ends."""
    return _SPACES.sub(" ", text).strip()


def strip_diacritics(text: str) -> str:
    """Remove every Vietnamese diacritic, keeping case; ``đ`` becomes ``d``."""
    decomposed = unicodedata.normalize("NFD", text)
    bare = _COMBINING.sub("", decomposed)
    return unicodedata.normalize("NFC", bare.replace("đ", "d").replace("Đ", "D"))


def fold(text: str) -> str:
    """Fold text for matching: lower case, no diacritics, single spaces."""
    return squash(strip_diacritics(text).casefold())
