"""Find dates in an answer: "5/8/2025", "05-08-25", "05.8.2025", "2025-08-05", "ngày 5 tháng 8 năm 2025",
"5 thg 8 2025", "6 thang8 2025", "mùng năm tháng tám", "hôm nay", "hôm qua" — day before month.

>>> from datetime import date
>>> [h.check()[0] for h in find_dates("ngay 6 thang8 2025", date(2025, 1, 1))]
[datetime.date(2025, 8, 6)]
>>> [h.check()[1] for h in find_dates("31/02/2025", date(2025, 1, 1))]
['parse.date.bad_day']
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Any

from dialogs.fields.grammar.amounts import number_words, word_number
from dialogs.fields.grammar.tokens import LONG_TEXT, Token, tokenize, unspaced, windows
from dialogs.vietnamese.text import nfc

#: Places a date can start in a long text: digits and the words of a date.
_ANCHOR = re.compile(r"[0-9]+|(?:hôm|hom|hnay|hqua|bữa|bua|ngày|ngay|tháng|thang|thg|mùng|mung|mồng|mong)(?!\w)")
#: A long text with more such places than this is not read: the user is asked for the date alone.
MAX_ANCHORS = 10
_DOTTED = re.compile(r"^([0-9]{1,2})[.,]([0-9]{1,2})[.,]([0-9]{2,4})$")
_RELATIVE: dict[tuple[str, ...], tuple[int, tuple[str, ...]]] = {
    ("hom", "nay"): (0, ("hôm", "nay")),
    ("bua", "nay"): (0, ("bữa", "nay")),
    ("hnay",): (0, ("hnay",)),
    ("hom", "qua"): (-1, ("hôm", "qua")),
    ("hqua",): (-1, ("hqua",)),
    ("hom", "kia"): (-2, ("hôm", "kia")),
    ("ngay", "mai"): (1, ("ngày", "mai")),
    ("ngay", "kia"): (2, ("ngày", "kia")),
}
_MONTH_WORDS = {"gieng": 1, "chap": 12, "tu": 4}
_MONTH_MARKS = {"thang", "thg", "th"}
_DAY_MARKS = {"ngay", "hom", "mung", "mong"}
_YEAR_MARKS = {"nam", "n"}
_OCR_NAM = re.compile(r"n[a-z]{1,3}")
_STARTS = {k[0] for k in _RELATIVE} | _DAY_MARKS | _MONTH_MARKS


@dataclass(frozen=True)
class DateHit:
    """A date as written, not yet checked: ``day`` is None for "tháng 8/2025"."""

    day: int | None
    month: int
    year: int
    raw: str
    start: int
    end: int
    params: dict[str, Any] = field(default_factory=dict, compare=False)

    def check(self) -> tuple[date | None, str | None, dict[str, Any]]:
        """The date, or None with the message key saying why it is impossible and its parameters."""
        p: dict[str, Any] = {"date": self.raw, "day": self.day, "month": self.month, "year": self.year}
        if not 1900 <= self.year <= 2100:
            return None, "parse.date.bad_year", p
        if not 1 <= self.month <= 12:
            return None, "parse.date.bad_month", p
        if self.day is None:
            return None, "parse.date.no_day", p
        days = calendar.monthrange(self.year, self.month)[1]
        if not 1 <= self.day <= days:
            return None, "parse.date.bad_day", {**p, "days": days}
        return date(self.year, self.month, self.day), None, p


def _year(raw: str) -> int:
    y = int(raw)
    if len(raw) == 2:
        return 2000 + y if y < 70 else 1900 + y  # "25" is 2025, "98" is 1998
    return y


def _is_digits(tok: Token | None, most: int = 4) -> bool:
    return tok is not None and tok.kind == "num" and tok.text.isdigit() and len(tok.text) <= most


class _Finder:
    def __init__(self, text: str, today: date, pair: tuple[str, str] | None = None) -> None:
        self.text, self.today = text, today
        self.toks = unspaced(tokenize(text, pair))
        self.infos = number_words(self.toks)
        self.hits: list[DateHit] = []

    def tok(self, i: int) -> Token | None:
        return self.toks[i] if i < len(self.toks) else None

    def hit(self, first: int, last: int, day: int | None, month: int, year: int) -> None:
        start, end = self.toks[first].start, self.toks[last].end
        self.hits.append(DateHit(day, month, year, self.text[start:end].strip(), start, end))

    def run(self) -> list[DateHit]:
        i = 0
        while i < len(self.toks):
            i = self.at(i)
        return self.hits

    def small(self, i: int, most: int) -> tuple[int, int] | None:
        """A day or month at token ``i`` in digits or words, and the index after it."""
        t = self.tok(i)
        if t is None:
            return None
        if _is_digits(t, 2):
            return int(t.text), i + 1
        if t.kind == "word" and most == 12 and t.text in _MONTH_WORDS:
            return _MONTH_WORDS[t.text], i + 1
        got = word_number(self.toks, self.infos, i) if t.kind == "word" else None
        return got if got is not None and got[0] <= most else None

    def year_after(self, i: int) -> tuple[int | None, int]:
        """The year after a month ("năm 2025", ", 2025", "/25") and the index after it."""
        j = i
        t = self.tok(j)
        if t is not None and t.kind == "sym" and t.text in ",/-.":
            j += 1
        t = self.tok(j)
        if t is not None and t.kind == "word" and t.text in _YEAR_MARKS:
            j += 1
        elif t is not None and t.kind == "word" and _OCR_NAM.fullmatch(t.text) and self._year_next(j):
            j += 1  # "ndam", "nim": "năm" as a scanner reads it, but only when a four-digit year follows
        t = self.tok(j)
        if _is_digits(t) and len(t.text) in (2, 3, 4):  # type: ignore[union-attr]
            return _year(t.text), j + 1  # type: ignore[union-attr]
        return None, i

    def _year_next(self, j: int) -> bool:
        nxt = self.tok(j + 1)
        return nxt is not None and _is_digits(nxt) and len(nxt.text) == 4

    def at(self, i: int) -> int:
        t = self.toks[i]
        if t.kind == "sym" or (t.kind == "word" and t.text not in _STARTS and self.infos[i] is None):
            return i + 1  # most words of a sentence cannot start a date
        for size in (2, 1):
            key = tuple(x.text for x in self.toks[i : i + size])
            rel = _RELATIVE.get(key)
            window = self.toks[i : i + size]
            if rel and len(key) == size and all(x.orig in (x.text, s) for x, s in zip(window, rel[1], strict=True)):
                d = self.today + timedelta(days=rel[0])
                self.hit(i, i + size - 1, d.day, d.month, d.year)
                return i + size
        first = i
        while t.kind == "word" and t.text in _DAY_MARKS and i + 1 < len(self.toks):
            i += 1
            t = self.toks[i]
        if t.kind == "num" and (m := _DOTTED.match(t.text)):
            self.hit(first, i, int(m.group(1)), int(m.group(2)), _year(m.group(3)))
            return i + 1
        if t.kind == "word" and t.text in _MONTH_MARKS:
            month = self.small(i + 1, 12)
            if month is not None:
                year, j = self.year_after(month[1])
                if year is not None:
                    self.hit(first, j - 1, None, month[0], year)
                    return j
        if _is_digits(t) and self.numeric(first, i):
            return self.next_i
        day = self.small(i, 31)
        mark = self.tok(day[1]) if day else None
        if day is not None and mark is not None and mark.kind == "word" and mark.text in _MONTH_MARKS:
            month = self.small(day[1] + 1, 12)
            if month is not None:
                year, j = self.year_after(month[1])
                self.hit(first, j - 1, day[0], month[0], year if year is not None else self.today.year)
                return j
        return i + 1

    def numeric(self, first: int, i: int) -> bool:
        """ "5/8/2025", "05-08-25", "2025-08-05", "5/8", "8/2025" starting at token ``i``."""
        sep, b = self.tok(i + 1), self.tok(i + 2)
        if sep is None or sep.kind != "sym" or sep.text not in "/-" or not _is_digits(b):
            return False
        a = self.toks[i]
        sep2, c = self.tok(i + 3), self.tok(i + 4)
        assert b is not None
        if sep2 is not None and sep2.kind == "sym" and sep2.text in "/-" and _is_digits(c):
            assert c is not None
            if len(a.text) == 4:
                self.hit(first, i + 4, int(c.text), int(b.text), int(a.text))
            else:
                self.hit(first, i + 4, int(a.text), int(b.text), _year(c.text))
            self.next_i = i + 5
            return True
        if len(a.text) > 2:
            return False  # "2021-2025" is a period, "337/..." a reference
        if len(b.text) == 4:
            self.hit(first, i + 2, None, int(a.text), int(b.text))
        else:
            self.hit(first, i + 2, int(a.text), int(b.text), self.today.year)
        self.next_i = i + 3
        return True

    next_i = 0


def scan_dates(text: str, today: date) -> tuple[list[DateHit], int]:
    """The dates written in ``text`` and, for a long text, how many places could hold one.

    A long text is read only around its digits and date words; with more than :data:`MAX_ANCHORS`
    of them it is not read at all (no dates, and the count says why).
    """
    text = nfc(text)
    if len(text) <= LONG_TEXT:
        return _Finder(text, today).run(), 0
    lower = text.lower()
    anchors = []
    for m in _ANCHOR.finditer(lower):
        # The word boundary before is checked here: a look-behind first would slow every position down.
        if m.start() == 0 or not lower[m.start() - 1].isalnum() or m.group(0)[0].isdigit():
            anchors.append(m.span())
            if len(anchors) > MAX_ANCHORS:
                return [], len(anchors)
    hits: list[DateHit] = []
    for s, e in windows(text, anchors, 24):
        finder = _Finder(text[s:e], today)
        hits += [replace(h, start=h.start + s, end=h.end + s) for h in finder.run()]
    return hits, len(anchors)


def find_dates(text: str, today: date) -> list[DateHit]:
    """Every date written in ``text``, in order, unchecked (see :meth:`DateHit.check`)."""
    return scan_dates(text, today)[0]
