"""Yes/no fields: có / co / ok / đúng / vâng / dạ có / rồi; không / khong / ko / k / chưa / không có."""

from __future__ import annotations

import re
from datetime import date

from dialogs.fields.base import Choice, ParseResult, ParseSpec
from dialogs.fields.common import ask, example_for, quote, refuse
from dialogs.messages import t
from dialogs.vietnamese.text import fold

TODAY = date(2025, 8, 6)
EXAMPLE = t("parse.example.yesno")

_YES = {
    "co", "ok", "oke", "okay", "okie", "oki", "dung", "vang", "da", "roi", "yes", "y", "u", "uh", "um", "uhm",
    "dong y", "chuan", "phai", "co roi", "da co", "dung roi", "dung vay", "vang co", "da vang", "da dung",
    "da roi", "co a", "dung a", "roi a", "vang a", "da co a", "da vang a", "co nhe", "da co roi", "co chu",
    "dung the", "chinh xac", "duoc", "dc", "ok a",
}  # fmt: skip
_NO = {
    "khong", "ko", "k", "kg", "khg", "kh", "hong", "hok", "khum", "no", "n", "chua", "khong co", "chua co",
    "khong a", "chua a", "da khong", "da chua", "khong co a", "chua co a", "da khong co", "sai", "khong phai",
    "khong dung", "ko co", "k co", "kco", "khong nhe", "khong co gi", "chua roi",
}  # fmt: skip
#: Answers that are neither: ask again rather than guess.
_UNSURE = {
    "co le",
    "chac",
    "chac vay",
    "chac la co",
    "chac co",
    "chac khong",
    "hinh nhu",
    "co the",
    "co hoac khong",
}
#: Hedges anywhere in the answer ("không biết", "có lẽ", "chắc" but not "chắc chắn"): ask, never guess.
_HEDGE = re.compile(r"\b(?:khong biet|chua biet|khong ro|khong nho|khong hieu|co le|hinh nhu|co the|chac(?! chan))\b")
#: Words that say yes or no on their own: an answer holding both kinds is asked again.
_YES_WORDS = {"co", "vang", "dung", "roi", "ok", "duoc"}
_NO_WORDS = {"khong", "ko", "k", "chua", "sai"}
#: Only the start of a long answer decides yes or no ("có, … [a long explanation]").
_HEAD = 160
_PUNCT = re.compile(r"[^\w\s]")
_TRAILING = ("a", "nhe", "nha", "ah", "em", "anh", "chi", "nhe a", "oi")


def _clean(text: str) -> str:
    words = _PUNCT.sub(" ", fold(text)).split()
    while len(words) > 1 and words[-1] in _TRAILING:
        words.pop()
    return " ".join(words)


def parse_yesno(text: str, spec: ParseSpec, today: date) -> ParseResult:
    """Yes or no, in the many ways staff type them; value is a bool.

    >>> from dialogs.fields.base import ParseSpec
    >>> [parse_yesno(s, ParseSpec(), TODAY).value for s in ("Dạ có ạ", "ok", "rồi", "ko", "chưa", "Không có")]
    [True, True, True, False, False, False]
    >>> parse_yesno("có lẽ", ParseSpec(), TODAY).ask
    'Anh/chị trả lời «có» hay «không»?'
    >>> parse_yesno("không biết", ParseSpec(), TODAY).ok
    False
    """
    ex = example_for(spec, EXAMPLE)
    key = _clean(text[:_HEAD])
    if not key:
        return refuse("parse.empty", example=ex)
    choices = (Choice(t("parse.yes"), True), Choice(t("parse.no"), False))
    if key in _UNSURE:
        return ask("parse.yesno.ask", choices)
    for answer, table in ((True, _YES), (False, _NO)):
        if key in table:
            return ParseResult(ok=True, value=answer, display=t("parse.yes" if answer else "parse.no"))
    # "có, đã tổ chức 3 lần" / "không, chưa triển khai": the first words decide, unless they hedge.
    words = key.split()
    mixed = bool(_YES_WORDS & set(words)) and bool(_NO_WORDS & set(words))
    hedged = _HEDGE.search(key) is not None
    if len(words) > 1 and not mixed and not hedged:
        for size in (3, 2, 1):
            head = " ".join(words[:size])
            yes, no = head in _YES and not head.isdigit(), head in _NO and not head.isdigit()
            if yes != no and len(head) > 1:
                return ParseResult(ok=True, value=yes, display=t("parse.yes" if yes else "parse.no"))
    if mixed or hedged:
        return ask("parse.yesno.ask", choices)
    return refuse("parse.yesno.unclear", text=quote(text), example=ex)
