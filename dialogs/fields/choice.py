"""Choice and multi-choice fields: an option by its number ("2"), its label or an alias, fuzzily and
without diacritics; two close options are asked about, never guessed.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from dialogs.fields.base import Choice, ParseResult, ParseSpec
from dialogs.fields.common import ask_which, quote, refuse
from dialogs.messages import t
from dialogs.vietnamese.matching import Candidate, match, prepare, too_long
from dialogs.vietnamese.text import nfc

TODAY = date(2025, 8, 6)
_NUMBER = re.compile(r"^(?:so |lua chon |chon |muc )?([0-9]{1,3})$")
_SPLIT = re.compile(r"\s*[,;\n+/]\s*")
_AND = re.compile(r"\s+(?:và|va|với|voi)\s+", re.IGNORECASE)
#: How the parts of an option's label split at "và" are joined back.
_AND_JOIN = " và "
_ALL = {"tat ca", "tat ca cac muc", "all"}
#: "cả hai", "cả ba" … mean every option only when there are that many.
_ALL_OF = {"ca hai": 2, "ca 2": 2, "ca ba": 3, "ca 3": 3, "ca bon": 4, "ca 4": 4, "ca nam": 5, "ca 5": 5}


def _example(spec: ParseSpec, multi: bool) -> str:
    if spec.example:
        return spec.example
    if not spec.options:
        return t("parse.example.choice")
    labels = [o.label for o in spec.options[:2]]
    return ", ".join(labels) if multi else labels[0]


def _options_text(spec: ParseSpec) -> str:
    return "; ".join(f"{i}. {o.label}" for i, o in enumerate(spec.options, 1))


def _candidates(spec: ParseSpec) -> list[Candidate]:
    return [
        Candidate(str(i), (o.label, *o.aliases, *((o.value,) if isinstance(o.value, str) else ())))
        for i, o in enumerate(spec.options)
    ]


def _pick(piece: str, spec: ParseSpec, ex: str) -> int | list[int] | ParseResult:
    """The option index ``piece`` names, several indexes when ambiguous, or a refusal."""
    folded = prepare(piece)[0]
    number = _NUMBER.match(folded)
    if number:
        n = int(number.group(1))
        if 1 <= n <= len(spec.options):
            return n - 1
        # A label may itself be a number ("2025"); only then is a bare number not an index.
        if not any(prepare(o.label)[0] == folded for o in spec.options):
            return refuse(
                "parse.choice.bad_number",
                number=n,
                count=len(spec.options),
                options=_options_text(spec),
                example=ex,
            )
    # A word shared by several options' labels ("ubnd" for «UBND cấp huyện» and «UBND xã») names none of
    # them: ask which, never pick one silently.
    exact = [i for i, o in enumerate(spec.options) if prepare(o.label)[0] == folded]
    sharing = [i for i, o in enumerate(spec.options) if f" {folded} " in f" {prepare(o.label)[0]} "]
    if not exact and len(sharing) > 1:
        return sharing
    found = match(piece, _candidates(spec))
    if found.kind == "one":
        return int(found.key or 0)
    if found.kind == "ambiguous":
        return [int(k) for k in found.keys]
    return refuse("parse.choice.unknown", text=quote(piece), options=_options_text(spec), example=ex)


def parse_choice(text: str, spec: ParseSpec, today: date) -> ParseResult:
    """One of the field's options; value is the option's value.

    >>> from dialogs.fields.base import Choice, ParseSpec
    >>> spec = ParseSpec(options=(Choice("Xuất sắc", "xs"), Choice("Tốt", "tot"), Choice("Hoàn thành", "ht")))
    >>> parse_choice("xuat sac", spec, TODAY).value
    'xs'
    >>> parse_choice("2", spec, TODAY).display
    'Tốt'
    >>> parse_choice("hoan thanh", spec, TODAY).value
    'ht'
    """
    ex = _example(spec, multi=False)
    if not text.strip():
        return refuse("parse.empty", example=ex)
    if too_long(text):
        return refuse("parse.choice.unknown", text=quote(text), options=_options_text(spec), example=ex)
    got = _pick(text, spec, ex)
    if isinstance(got, ParseResult):
        return got
    if isinstance(got, list):
        return ask_which([Choice(spec.options[i].label, spec.options[i].value) for i in got])
    option = spec.options[got]
    return ParseResult(ok=True, value=option.value, display=option.label)


def _pieces(text: str, spec: ParseSpec) -> list[str]:
    """The parts of a multi-choice answer: split at punctuation, then at "và" unless a label has it."""
    folded = prepare(text)[0]
    if re.fullmatch(r"[0-9]+(?: [0-9]+)+", folded):
        return folded.split()  # "1 3 4"
    labels = {prepare(s)[0] for c in _candidates(spec) for s in c.spellings}
    pieces: list[str] = []
    for part in _SPLIT.split(nfc(text)):
        if not part.strip():
            continue
        # "Văn hóa và thể thao" may be one option; "tốt và xuất sắc" is two: join back the longest
        # runs of "và"-separated words that name an option.
        subs = [p for p in _AND.split(part) if p.strip()]
        i = 0
        while i < len(subs):
            j = next((j for j in range(len(subs), i + 1, -1) if prepare(_AND_JOIN.join(subs[i:j]))[0] in labels),
                     i + 1)
            pieces.append(_AND_JOIN.join(subs[i:j]))
            i = j
    return pieces


def parse_multichoice(text: str, spec: ParseSpec, today: date) -> ParseResult:
    """Several of the field's options ("1, 3", "tốt và xuất sắc", "tất cả"); value is a list of values.

    >>> from dialogs.fields.base import Choice, ParseSpec
    >>> spec = ParseSpec(options=(Choice("Xuất sắc", "xs"), Choice("Tốt", "tot"), Choice("Hoàn thành", "ht")))
    >>> parse_multichoice("1, 3", spec, TODAY).value
    ['xs', 'ht']
    >>> parse_multichoice("tốt và xuất sắc", spec, TODAY).display
    'Tốt, Xuất sắc'
    """
    ex = _example(spec, multi=True)
    if not text.strip():
        return refuse("parse.empty", example=ex)
    if too_long(text):
        return refuse("parse.choice.unknown", text=quote(text), options=_options_text(spec), example=ex)
    if len(_SPLIT.split(text)) > 2 * len(spec.options) + 2:
        return refuse("parse.choice.too_many", count=len(_SPLIT.split(text)), options=_options_text(spec), example=ex)
    folded = prepare(text)[0]
    if folded in _ALL or _ALL_OF.get(folded) == len(spec.options):
        return _result(list(range(len(spec.options))), spec)
    if folded in _ALL_OF:
        return refuse("parse.choice.all_of", text=quote(text), count=len(spec.options),
                      options=_options_text(spec), example=ex)
    whole = match(text, _candidates(spec))
    if whole.kind == "one" and whole.score == 100.0:
        return _result([int(whole.key or 0)], spec)
    picked: list[int] = []
    unsure: list[int] = []
    pieces = _pieces(text, spec)
    if len(pieces) > 2 * len(spec.options) + 2:
        return refuse("parse.choice.too_many", count=len(pieces), options=_options_text(spec), example=ex)
    for piece in pieces:
        got = _pick(piece, spec, ex)
        if isinstance(got, ParseResult):
            return got
        if isinstance(got, list):
            if unsure:
                return refuse("parse.choice.unknown", text=quote(piece), options=_options_text(spec), example=ex)
            unsure = got
            continue
        if got not in picked:
            picked.append(got)
    if unsure:
        choices = []
        for i in unsure:
            idx = picked + ([i] if i not in picked else [])
            values: list[Any] = [spec.options[k].value for k in idx]
            choices.append(Choice(", ".join(spec.options[k].label for k in idx), values))
        return ask_which(choices)
    return _result(picked, spec)


def _result(indexes: list[int], spec: ParseSpec) -> ParseResult:
    options = [spec.options[i] for i in indexes]
    return ParseResult(ok=True, value=[o.value for o in options], display=", ".join(o.label for o in options))
