"""Document references: "5270/SGDĐT-VP", "Kế hoạch số 337/KH-UBND ngày 29/12/2023", "QĐ 479/QĐ-TTg ngày
03/6/2020", "Chỉ thị 34-CT/TW", "Ke hoach so 337/KH-UBND" → number, symbol, kind, date, and the issuer
when "của …" names it ("… của Ủy ban nhân dân thành phố").

The symbol is written the way Nghị định 30/2020 writes it: upper case, with its "Đ" and its fixed
mixed-case parts ("QĐ-TTg", "CTr/TU") restored when typed without them ("qd-ttg", "SGDDT-VP").
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from dialogs.fields.base import Choice, ParseResult, ParseSpec
from dialogs.fields.common import ask, example_for, join_or, quote, refuse
from dialogs.fields.grammar.dates import find_dates
from dialogs.messages import t
from dialogs.vietnamese.format import docref_code, format_docref
from dialogs.vietnamese.text import fold, nfc, strip_diacritics

EXAMPLE = t("parse.example.docref")
#: More references than this in one answer and none is picked: the user is asked for the one meant.
MAX_REFS = 4
_WORDS = re.compile(r"[^\W_]+")

# Number, optional year ("30/2020/NĐ-CP"), "/" or "-" (party documents), then the symbol: parts of
# letters and digits joined by "-" or "/", spaces allowed around them as hurried typing puts them
# ("337 / KH - UBND"). Every repetition starts with spaces or a separator that the parts cannot
# contain, so matching stays linear on long messages.
_REF = re.compile(
    r"(?P<number>[0-9](?<![0-9][0-9])[0-9]{0,5})(?:/(?P<year>(?:19|20)[0-9]{2}))?"
    r" {0,3}[/\-–] {0,3}(?P<symbol>[^\W\d_][\w&]*(?: {0,3}[-–/] {0,3}[\w&]+)*)"
)
_SYMBOL_SEP = re.compile(r"( *[-–/] *)")
#: "của" (or "cua") after the reference, and its date when written first: the issuing body follows.
_OF = re.compile(r"[ \t,]*(?:của|cua)[ \t]+", re.IGNORECASE)
#: Where the issuer's name ends: punctuation or a word that starts the rest of the sentence.
_ISSUER_END = re.compile(r"[,;.!?:()\[\]\n\"“”]| [-–] ")
_ISSUER_STOP = frozenset({
    "ngày", "ngay", "về", "ve", "v/v", "vv", "nhằm", "nham", "để", "đã", "sẽ", "thì", "theo", "số", "so",
    "trong", "tại", "tai", "trên", "tren", "đến", "được", "duoc", "cho", "khi", "với", "voi", "như", "nhu",
})  # fmt: skip
_ISSUER_MAX_WORDS = 12
#: Abbreviations of an issuer written out (NĐ 30 spells a body's name in full), only these sure ones.
_ISSUER_ABBR = {"UBND": "Ủy ban nhân dân", "HĐND": "Hội đồng nhân dân", "HDND": "Hội đồng nhân dân"}
#: Symbol parts whose canonical spelling cannot be recovered by upper-casing (Nghị định 30/2020, Phụ lục III).
_CANON = {
    p.replace("Đ", "D").upper(): p
    for p in [
        "QĐ",
        "NĐ",
        "TTg",
        "CTr",
        "TTr",
        "QyĐ",
        "TTh",
        "CĐ",
        "SGDĐT",
        "BGDĐT",
        "GDĐT",
        "PGDĐT",
        "HĐND",
        "ĐU",
        "ĐTN",
        "LĐLĐ",
        "TLĐ",
        "SLĐTBXH",
        "BLĐTBXH",
        "LĐTBXH",
        "BCĐ",
        "HĐTĐKT",
        "TĐKT",
        "BTĐKT",
        "ĐHQG",
        "ĐBQH",
        "ĐĐBQH",
        "QLĐT",
        "ĐT-VP",
    ]
}
#: Document kind from the first part of the symbol (Nghị định 30/2020, Phụ lục III).
_KIND_BY_CODE = {
    "KH": "Kế hoạch", "QĐ": "Quyết định", "CT": "Chỉ thị", "NQ": "Nghị quyết", "CTr": "Chương trình",
    "KL": "Kết luận", "TB": "Thông báo", "HD": "Hướng dẫn", "NĐ": "Nghị định", "TT": "Thông tư",
    "BC": "Báo cáo", "TTr": "Tờ trình", "CĐ": "Công điện", "QC": "Quy chế", "QyĐ": "Quy định",
    "PA": "Phương án", "GM": "Giấy mời", "L": "Luật",
}  # fmt: skip
#: Kind words before the number, folded → as written in a report.
_KIND_WORDS = {
    tuple(strip_diacritics(k).lower().split()): k
    for k in (
        "Kế hoạch", "Quyết định", "Chỉ thị", "Nghị quyết", "Công văn", "Chương trình hành động", "Chương trình",
        "Kết luận", "Thông báo", "Hướng dẫn", "Nghị định", "Thông tư", "Luật", "Báo cáo", "Tờ trình",
        "Công điện", "Quy định", "Quy chế", "Đề án", "Phương án", "Giấy mời", "Thông tri", "Quy chế",
    )
}  # fmt: skip
_KIND_WORDS.update({(strip_diacritics(c).lower(),): k for c, k in _KIND_BY_CODE.items() if len(c) > 1})
_KIND_WORDS[("cv",)] = "Công văn"
_KIND_MAX = max(len(k) for k in _KIND_WORDS)


def normalize_symbol(symbol: str) -> str:
    """Write a symbol the NĐ 30 way: "qd-ttg" → "QĐ-TTg", "sgddt-vp" → "SGDĐT-VP", "ctr/tu" → "CTr/TU"."""
    parts = re.split(r"([-/])", nfc(symbol))
    out = []
    for part in parts:
        key = strip_diacritics(part).upper()
        out.append(_CANON.get(key, part.upper()))
    return "".join(out)


def _kind_before(text: str, start: int) -> str | None:
    words = _WORDS.findall(fold(text[max(0, start - 48) : start]))
    # Skip "số" and its OCR look-alikes ("s6", "sé") between the kind and the number.
    while words and (words[-1] in ("so", "s", "sb", "se") or len(words[-1]) == 1):
        words.pop()
    for size in range(min(_KIND_MAX, len(words)), 0, -1):
        kind = _KIND_WORDS.get(tuple(words[-size:]))
        if kind:
            return kind
    return None


def _is_symbol(symbol: str) -> bool:
    # "337/KH-UBND" or "34-CT/TW" have two parts; a single part must be typed in capitals ("337/KH").
    return bool(re.search(r"[-/]", symbol)) or symbol == symbol.upper()


def _symbol(m: re.Match[str]) -> tuple[str, int]:
    """The symbol as typed and its end; spaced parts are kept while in capitals ("KH - UBND", not "VP - Công")."""
    raw = m.group("symbol")
    pieces = _SYMBOL_SEP.split(raw)
    symbol, length = pieces[0], len(pieces[0])
    for sep, part in zip(pieces[1::2], pieces[2::2], strict=True):
        if sep.strip() != sep and not (part[:1].isalpha() and part == part.upper()):
            break
        symbol += sep.strip().replace("–", "-") + part
        length += len(sep) + len(part)
    return symbol, m.start("symbol") + length


def _issuer(text: str, start: int, end: int) -> tuple[str | None, int]:
    """The body after "của" at ``start`` ("Ủy ban nhân dân thành phố"), as typed, and where it ends."""
    of = _OF.match(text, start, end)
    if not of:
        return None, start
    tail = text[of.end() : end]
    stop = _ISSUER_END.search(tail)
    words: list[str] = []
    for word in (tail[: stop.start()] if stop else tail).split(" "):
        if not word:
            continue
        if nfc(word).lower() in _ISSUER_STOP or len(words) == _ISSUER_MAX_WORDS:
            break
        words.append(word)
    if not words:
        return None, start
    issuer_end = text.index(words[-1], of.end()) + len(words[-1])
    # Written out only when the rest was typed with its marks (or is the abbreviation alone): never a mix.
    if len(words) == 1 or strip_diacritics(" ".join(words)) != " ".join(words):
        words = [_ISSUER_ABBR.get(w, w) for w in words]
    return " ".join(words), issuer_end


def find_refs(text: str, today: date, example: str) -> list[tuple[dict[str, Any], ParseResult | None]]:
    """Each reference in ``text`` as its value, with a refusal when its date is impossible."""
    text = nfc(text)
    matches = []
    for m in _REF.finditer(text):
        # Checked here rather than as a look-behind, which would slow the search down at every position.
        glued = m.start() > 0 and (text[m.start() - 1].isalnum() or text[m.start() - 1] in "/.,-_")
        if not glued and _is_symbol(m.group("symbol")):
            matches.append(m)
            if len(matches) > MAX_REFS:
                break
    found: list[tuple[dict[str, Any], ParseResult | None]] = []
    for k, m in enumerate(matches):
        typed, sym_end = _symbol(m)
        symbol = normalize_symbol(typed)
        number = m.group("number") + (f"/{m.group('year')}" if m.group("year") else "")
        kind = _kind_before(text, m.start()) or _KIND_BY_CODE.get(re.split(r"[-/]", symbol)[0])
        value: dict[str, Any] = {"number": number, "symbol": symbol, "kind": kind, "date": None}
        end = matches[k + 1].start() if k + 1 < len(matches) else len(text)
        hits = find_dates(text[sym_end : min(end, sym_end + 40)], today)
        # "… ngày 29/12/2023 của Ủy ban nhân dân thành phố" or "… của UBND thành phố ngày 29/12/2023".
        after = sym_end + hits[0].end if hits and not text[sym_end : sym_end + hits[0].start].strip() else sym_end
        issuer, issuer_end = _issuer(text, after, end)
        if issuer:
            value["issuer"] = issuer
            if not hits:
                hits = find_dates(text[issuer_end : min(end, issuer_end + 40)], today)
        problem = None
        if hits:
            when, key, params = hits[0].check()
            if when is not None:
                value["date"] = when.isoformat()
            else:
                reason = t(key or "parse.date.not_a_date", **params, example=example)
                problem = refuse("parse.docref.bad_date", ref=docref_code(number, symbol), reason=reason)
        found.append((value, problem))
    return found


def parse_docref(text: str, spec: ParseSpec, today: date) -> ParseResult:
    """A document's number and symbol, with its kind, date and issuer when given; value is a dict.

    The value has "number", "symbol", "kind" and "date" always, and "issuer" only when one is named.

    >>> r = parse_docref("Ke hoach so 337/KH-UBND ngay 29/12/2023", ParseSpec(), date(2025, 8, 6))
    >>> r.value
    {'number': '337', 'symbol': 'KH-UBND', 'kind': 'Kế hoạch', 'date': '2023-12-29'}
    >>> r.display
    'Kế hoạch số 337/KH-UBND ngày 29/12/2023'
    >>> parse_docref("Kế hoạch 337 / KH - UBND của UBND thành phố", ParseSpec(), date(2025, 8, 6)).display
    'Kế hoạch số 337/KH-UBND của Ủy ban nhân dân thành phố'
    >>> parse_docref("so 5270/sgddt-vp", ParseSpec(), date(2025, 8, 6)).value["symbol"]
    'SGDĐT-VP'
    >>> parse_docref("Chương trình hành động số 76- CTr/TU ngày 08/7/2019", ParseSpec(), date(2025, 8, 6)).display
    'Chương trình hành động số 76-CTr/TU ngày 08/7/2019'
    """
    ex = example_for(spec, EXAMPLE)
    if not text.strip():
        return refuse("parse.empty", example=ex)
    found = find_refs(text, today, ex)
    if len(found) > MAX_REFS:
        return refuse("parse.too_long", length=len(text), example=ex)
    if not found:
        return refuse("parse.docref.not_a_ref", text=quote(text), example=ex)
    distinct: list[dict[str, Any]] = []
    for value, _ in found:
        if value not in distinct:
            distinct.append(value)
    if len(distinct) > 1:
        choices = [Choice(format_docref(v), v) for v in distinct]
        return ask("parse.docref.several", choices, refs=join_or(c.label for c in choices))
    value, problem = found[0]
    if problem is not None:
        return problem
    return ParseResult(ok=True, value=value, display=format_docref(value))
