"""Vietnamese number words ("bảy mươi lăm", "năm trăm bảy mươi", "hai mươi mốt"), with or without
diacritics, and the approximation and doubt words that may come with a figure.

A word counts as a number word when it is typed bare ("bay") or with the number's own diacritics
("bảy", "bẩy"); a look-alike typed with other diacritics ("bay" → "bày", "tầm", "từ") does not.

>>> word_info("bảy", "bay").role, word_info("bảy", "bay").value
('unit', 7)
>>> word_info("bày", "bay") is None
True
>>> word_info("tr", "tr").value
1000000
"""

from __future__ import annotations

from dataclasses import dataclass

#: role → kind of number word: "unit" 0–9, "ten" (mười/mươi), "cont" (mốt/tư/lăm after a ten or a
#: scale), "chuc" (chục), "scale" (trăm, nghìn, triệu, tỷ), "half" (rưỡi), "linh" (linh/lẻ: a zero
#: place), "point" (phẩy: decimal comma).
_WORDS: dict[str, tuple[str, int, tuple[str, ...]]] = {
    "khong": ("unit", 0, ("không",)),
    "mot": ("unit", 1, ("một", "mốt")),
    "hai": ("unit", 2, ("hai",)),
    "ba": ("unit", 3, ("ba",)),
    "bon": ("unit", 4, ("bốn",)),
    "tu": ("cont", 4, ("tư",)),
    "nam": ("unit", 5, ("năm",)),
    "lam": ("cont", 5, ("lăm",)),
    "nham": ("cont", 5, ("nhăm",)),
    "sau": ("unit", 6, ("sáu",)),
    "bay": ("unit", 7, ("bảy", "bẩy")),
    "tam": ("unit", 8, ("tám",)),
    "chin": ("unit", 9, ("chín",)),
    "muoi": ("ten", 10, ("mười", "mươi")),
    "chuc": ("chuc", 10, ("chục",)),
    "tram": ("scale", 100, ("trăm",)),
    "nghin": ("scale", 1000, ("nghìn",)),
    "ngan": ("scale", 1000, ("ngàn",)),
    "k": ("scale", 1000, ()),
    "trieu": ("scale", 1_000_000, ("triệu",)),
    "tr": ("scale", 1_000_000, ()),
    "ty": ("scale", 1_000_000_000, ("tỷ",)),
    "ti": ("scale", 1_000_000_000, ("tỉ",)),
    "ruoi": ("half", 0, ("rưỡi", "rưởi")),
    "linh": ("linh", 0, ("linh",)),
    "le": ("linh", 0, ("lẻ",)),
    "phay": ("point", 0, ("phẩy",)),
}

#: Words that are numbers but also common words ("năm" year, "một" a, "không" no, "ba" father,
#: "sau" after, "bay" fly…): alone in a sentence they are not taken for a figure.
AMBIGUOUS = frozenset({"khong", "mot", "ba", "nam", "sau", "bay", "tam", "hai", "chin", "muoi", "chuc"})


@dataclass(frozen=True, slots=True)
class NumberWord:
    """What a number word stands for; ``exact`` when typed with the number's own diacritics."""

    role: str
    value: int
    exact: bool
    #: For "muoi": "mười" (ten), "mươi" (tens) or "" when typed bare.
    orig: str


def word_info(orig: str, folded: str) -> NumberWord | None:
    """The number word ``orig`` (as typed, lower case) stands for, or None."""
    entry = _WORDS.get(folded)
    if entry is None:
        return None
    role, value, spellings = entry
    if orig != folded and orig not in spellings:
        return None
    return NumberWord(role, value, orig != folded, orig)


#: Approximation words before a figure → the word as it should read in the report.
QUALIFIERS: dict[tuple[str, ...], tuple[str, tuple[str, ...]]] = {
    ("hon",): ("hơn", ("hơn",)),
    ("tren",): ("trên", ("trên",)),
    ("tren", "duoi"): ("khoảng", ("trên", "dưới")),
    ("khoang",): ("khoảng", ("khoảng",)),
    ("vao", "khoang"): ("khoảng", ("vào", "khoảng")),
    ("khoang", "chung"): ("khoảng", ("khoảng", "chừng")),
    ("chung",): ("khoảng", ("chừng",)),
    ("tam",): ("khoảng", ("tầm",)),
    ("uoc",): ("khoảng", ("ước",)),
    ("uoc", "khoang"): ("khoảng", ("ước", "khoảng")),
    ("uoc", "tinh"): ("ước tính", ("ước", "tính")),
    ("phong", "chung"): ("khoảng", ("phỏng", "chừng")),
    ("gan",): ("gần", ("gần",)),
    ("ngot",): ("gần", ("ngót",)),
    ("xap", "xi"): ("xấp xỉ", ("xấp", "xỉ")),
    ("duoi",): ("dưới", ("dưới",)),
    ("it", "nhat"): ("ít nhất", ("ít", "nhất")),
    ("toi", "thieu"): ("ít nhất", ("tối", "thiểu")),
}
QUALIFIER_MAX_WORDS = 2

#: Words that label the digits after them as something other than a count ("năm 2024", "tháng 8").
LABELS: dict[str, tuple[str, ...]] = {
    "nam": ("năm",),
    "ngay": ("ngày",),
    "thang": ("tháng",),
    "quy": ("quý",),
    "khoa": ("khóa", "khoá"),
    "dot": ("đợt",),
    "lan": ("lần",),
}


def phrase_matches(origs: list[str], folded: list[str], spellings: tuple[str, ...]) -> bool:
    """True when every word is typed bare or with the phrase's own diacritics."""
    return all(o in (f, s) for o, f, s in zip(origs, folded, spellings, strict=True))
