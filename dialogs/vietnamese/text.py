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

from dialogs.vietnamese.cleaning import ascii_digits

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
    """Fold text for matching: lower case, no diacritics, single spaces, ASCII digits ("²" reads "2")."""
    return squash(strip_diacritics(ascii_digits(text)).casefold())


# ---- tone placement -------------------------------------------------------------------------------
# Vietnamese writes the tone of an open "oa", "oe", "uy" syllable in two ways: on the first vowel
# ("hòa", "thụy", "ủy": the classic placement official names use) or on the second ("hoà", "thuỵ",
# "uỷ": the placement of the 1980s spelling rules). Both are correct; folding ignores the difference,
# display picks one.
_TONES = "\u0300\u0301\u0303\u0309\u0323"
_WORD = re.compile(r"[^\W\d_]+")
_GLIDES = {"oa", "oe", "uy"}


def _place_tone(word: str, classic: bool) -> str:
    decomposed = unicodedata.normalize("NFD", word)
    tones = [c for c in decomposed if c in _TONES]
    if len(tones) != 1:
        return word
    bare = "".join(c for c in decomposed if c not in _TONES)
    letters = bare.casefold()
    # The last two base letters must be the glide pair, with nothing after them (an open syllable)
    # and no modifier (circumflex, breve, horn) on them; "qu" + "y" keeps its tone on the y.
    pair = letters[-2:]
    if pair not in _GLIDES or (pair == "uy" and letters[-3:-2] == "q"):
        return word
    if len(letters) >= 3 and letters[-3] in "aeiouy":
        return word
    target = len(bare) - (2 if classic else 1)
    return unicodedata.normalize("NFC", bare[: target + 1] + tones[0] + bare[target + 1 :])


def normalize_tone(text: str, style: str = "classic") -> str:
    """Write every "oa/oe/uy" tone one way: ``classic`` ("Thụy", "Hòa") or ``modern`` ("Thuỵ", "Hoà").

    >>> normalize_tone("Xã Kiến Thuỵ, Uỷ ban, hoà khí")
    'Xã Kiến Thụy, Ủy ban, hòa khí'
    >>> normalize_tone("Hòa Bình, quý, hoàng", style="modern")
    'Hoà Bình, quý, hoàng'
    """
    if style not in ("classic", "modern"):
        raise ValueError(f"unknown tone style {style!r}")
    classic = style == "classic"
    return _WORD.sub(lambda m: _place_tone(m.group(0), classic), nfc(text))
