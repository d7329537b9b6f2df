"""Vietnamese alphabetical order: a sort key, so lists read as a Vietnamese reader expects.

Code point order puts «Ái Quốc» after «Việt Hòa» and «Đông Hải» after «Xuân Hòa». Here letters come in the
order of the Vietnamese alphabet (a ă â b c d đ e ê … o ô ơ … u ư v x y), then tones (none, huyền, hỏi, ngã,
sắc, nặng) decide between words with the same letters, then case. Tone placement ("Thuỵ"/"Thụy") does not
matter. A small table does what PyICU's ``vi`` collation does for names, without a C library.

>>> sorted(["Phường Việt Hòa", "Phường Ái Quốc", "Xã Đông Hải", "Xã Dương Kinh", "Xã An Lão"], key=sort_key)
['Phường Ái Quốc', 'Phường Việt Hòa', 'Xã An Lão', 'Xã Dương Kinh', 'Xã Đông Hải']
>>> sorted(["ơ", "o", "ô", "ò", "ó"], key=sort_key)
['o', 'ò', 'ó', 'ô', 'ơ']
>>> sort_key("Kiến Thuỵ") == sort_key("Kiến Thụy")
True
"""

from __future__ import annotations

import unicodedata

from dialogs.vietnamese.text import normalize_tone, squash

_ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
_RANK = {letter: n for n, letter in enumerate(_ALPHABET, start=1)}
#: Tone marks (combining), in dictionary order after "no tone" (0).
_TONE_RANK = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}
#: Marks that make a letter of its own (ă â ê ô ơ ư), kept with the letter; đ is precomposed already.
_LETTER_MARKS = frozenset("\u0306\u0302\u031b")


def _letters(text: str) -> list[tuple[str, int]]:
    """Each letter (with its breve, circumflex or horn) and its tone."""
    out: list[tuple[str, int]] = []
    for char in unicodedata.normalize("NFD", text):
        if char in _TONE_RANK and out:
            out[-1] = (out[-1][0], _TONE_RANK[char])
        elif char in _LETTER_MARKS and out:
            out[-1] = (unicodedata.normalize("NFC", out[-1][0] + char), out[-1][1])
        else:
            out.append((char, 0))
    return out


def sort_key(text: str) -> tuple[tuple[int, ...], tuple[int, ...], tuple[int, ...]]:
    """The key that sorts ``text`` in Vietnamese alphabetical order (letters, then tones, then case)."""
    letters = _letters(normalize_tone(squash(text)))
    primary = []
    for char, _ in letters:
        low = char.lower()
        # Letters by the alphabet; digits and other characters before letters, by code point; space first.
        primary.append(_RANK[low] + 0x110000 if low in _RANK else (0 if low == " " else ord(low)))
    tones = tuple(tone for _, tone in letters)
    case = tuple(int(char != char.lower()) for char, _ in letters)
    return tuple(primary), tones, case


__all__ = ["sort_key"]
