"""Restore the diacritics of text typed without them, by context, and say which words are unsure.

Every syllable typed without marks may be any Vietnamese syllable that folds to it ("ban" → bản, bán,
ban, bàn); a syllable trigram model (:mod:`.diacritics_model`) and a beam search pick the likeliest
sentence. What the user typed with marks stays as typed (and is context for the rest); numbers and
codes stay as typed, standard abbreviations are written the standard way ("ubnd" → "UBND",
"337/kh-ubnd" → "337/KH-UBND"). A syllable is *uncertain* when another form of it scores almost as well
in its context; those come back with their alternatives.

>>> r = restore("ban thuong vu dang uy luon xac dinh thi dua la dong luc quan trong")
>>> r.text
'Ban Thường vụ Đảng ủy luôn xác định thi đua là động lực quan trọng.'
>>> restore("nguyen dinh bieu", kind="name").text
'Nguyễn Đình Biểu'
>>> restore("Đã tổ chức 3 hội nghị.").text
'Đã tổ chức 3 hội nghị.'
>>> restore("ubnd xa ban hanh ke hoach 337/kh-ubnd, phat trien kt-xh").text
'UBND xã ban hành kế hoạch 337/KH-UBND, phát triển KT-XH.'
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from dialogs.vietnamese.diacritics_model import EOS, NUM, LanguageModel, fold_syllable, shipped, token_of
from dialogs.vietnamese.names import alternatives, listed

Kind = Literal["paragraph", "line", "name"]

#: Standard abbreviations of reports, by how they are typed without marks.
ABBREVIATIONS: dict[str, str] = {
    "ubnd": "UBND", "hdnd": "HĐND", "ubmttq": "UBMTTQ", "mttq": "MTTQ", "sgddt": "SGDĐT", "gddt": "GDĐT",
    "gd&dt": "GD&ĐT", "sgd&dt": "SGD&ĐT", "pgddt": "PGDĐT", "pgd&dt": "PGD&ĐT", "kt-xh": "KT-XH",
    "ktxh": "KT-XH", "tdkt": "TĐKT", "td-kt": "TĐ-KT", "qp-an": "QP-AN", "an-qp": "AN-QP",
    "vh-xh": "VH-XH", "vhxh": "VHXH", "thcs": "THCS", "thpt": "THPT", "gdtx": "GDTX", "cbcc": "CBCC",
    "cbccvc": "CBCCVC", "cccd": "CCCD", "cnvc": "CNVC", "cntt": "CNTT", "cchc": "CCHC", "ntm": "NTM",
    "bch": "BCH", "btv": "BTV", "tw": "TW", "hcm": "HCM", "tp": "TP", "tnhh": "TNHH", "nd-cp": "NĐ-CP",
    "qd-ubnd": "QĐ-UBND", "kh-ubnd": "KH-UBND", "bc-ubnd": "BC-UBND", "qh": "QH", "nq": "NQ", "ct": "CT",
    "dtn": "ĐTN", "tncs": "TNCS", "lhpn": "LHPN", "hctl": "HCTL", "hccb": "HCCB", "ccb": "CCB",
    "skkn": "SKKN", "gvdg": "GVDG", "ldtt": "LĐTT", "ldxs": "LĐXS", "cstd": "CSTĐ", "cstdcs": "CSTĐCS",
    "mn": "MN", "th": "TH", "gdnn": "GDNN", "vhtt": "VHTT", "tt-tt": "TT-TT", "nckh": "NCKH", "ldld": "LĐLĐ",
    "gd": "GD",
}
#: Parts of document symbols ("337/qd-ubnd") written the standard way.
SYMBOL_PARTS: dict[str, str] = {
    "ubnd": "UBND", "hdnd": "HĐND", "nd": "NĐ", "qd": "QĐ", "cp": "CP", "kh": "KH", "bc": "BC", "tb": "TB",
    "hd": "HD", "cv": "CV", "ct": "CT", "nq": "NQ", "tt": "TT", "sgddt": "SGDĐT", "vp": "VP", "tw": "TW",
    "qh": "QH", "ttg": "TTg", "btc": "BTC", "bnv": "BNV", "bgddt": "BGDĐT", "tu": "TU", "hu": "HU",
    "du": "ĐU", "ttr": "TTr", "ubmttq": "UBMTTQ", "ld": "LĐ", "pgddt": "PGDĐT", "gddt": "GDĐT", "tđkt": "TĐKT",
    "tdkt": "TĐKT", "vpub": "VPUB", "snv": "SNV",
}
#: Beam width and the most forms tried per syllable (the speed / accuracy trade-off).
BEAM = 8
MAX_FORMS = 8
#: A syllable is uncertain when its chosen form has less than this share of the local probability.
SURE = 0.998
#: Below this share of syllables written with marks, a text counts as typed without diacritics.
MARKED_SHARE = 0.25

_PIECE = re.compile(r"[^\W_]*\d[^\W_]*(?:[-/.,&][^\W_]+)*|[^\W\d_]+(?:[-/&][^\W\d_]+)*")
_SENTENCE_END = re.compile(r"[.!?…]|\n")
_CONTEXT_BREAK = re.compile(r"[;:()\[\]\"“”«»]")
_DASH = re.compile(r"(?:^|\s)[-–—](?:\s|$)")
_STOPPED = re.compile(r"[.!?…:;]\s*$")
_VOWELS = set("aeiouy")
_LONGEST_NAME = 8


@dataclass(frozen=True)
class Uncertain:
    """A stretch of the restored text the model is unsure of, and the other forms it could have."""

    start: int
    end: int
    alternatives: tuple[str, ...]

    def to_json(self) -> dict[str, object]:
        """As the CLI prints it."""
        return {"start": self.start, "end": self.end, "alternatives": list(self.alternatives)}


@dataclass(frozen=True)
class Restoration:
    """What :func:`restore` proposes: the text, the unsure stretches, and whether anything changed."""

    text: str
    uncertain: tuple[Uncertain, ...] = ()
    changed: bool = False


@dataclass
class _Slot:
    """One token of the input: where it is, what it may become (token ids), and how it is written."""

    start: int
    end: int
    typed: str
    ids: tuple[int, ...] = ()
    forms: tuple[str, ...] = ()
    fixed: str = ""
    choice: int = 0
    alternatives: list[str] = field(default_factory=list)


def is_marked(word: str) -> bool:
    """Whether a word carries a Vietnamese diacritic (or any letter beyond ASCII)."""
    return not word.isascii()


def marked_share(text: str) -> float:
    """The share of syllables written with marks (1.0 for a text without syllables)."""
    # A syllable has a vowel or a letter beyond ASCII (an ASCII letter lowers to one ASCII letter).
    words = [w for w in re.findall(r"[^\W\d_]+", text) if not w.isascii() or not _VOWELS.isdisjoint(w.lower())]
    words = [w for w in words if w.lower() not in ABBREVIATIONS]
    if not words:
        return 1.0
    return sum(map(is_marked, words)) / len(words)


def lacks_diacritics(text: str, model: LanguageModel | None = None) -> bool:
    """Whether ``text`` was typed mostly without diacritics, and restoring would change it."""
    if marked_share(text) >= MARKED_SHARE:
        return False
    model = model or shipped()
    for word in re.findall(r"[^\W\d_]+", text):
        forms = model.forms(word.lower()) if word.isascii() else ()
        if forms and forms[0] != word.lower():
            return True
    return False


def restore(text: str, kind: Kind = "paragraph", *, force: bool = False,
            model: LanguageModel | None = None) -> Restoration:
    """The text with its diacritics restored (``kind`` says how to write it: a paragraph gets capitals at
    sentence starts and a final full stop, a name a capital on every syllable, a line neither).

    A text that already has its diacritics comes back unchanged, unless ``force``.
    """
    model = model or shipped()
    if not force and not lacks_diacritics(text, model):
        return Restoration(text)
    slots, sentences = _slots(text, model)
    for sentence in sentences:
        _decode(model, sentence)
        _flag(model, sentence)
    if kind == "name":
        _as_name(slots)
    out, spans = _write(text, slots, kind, model)
    return Restoration(out, tuple(spans), out != text)


# ---- reading the input -------------------------------------------------------------------------------
def _slots(text: str, model: LanguageModel) -> tuple[list[_Slot], list[list[_Slot]]]:
    """Every token of ``text``, and the sentences (lists of slots) the model decodes one by one."""
    slots: list[_Slot] = []
    sentences: list[list[_Slot]] = [[]]
    at = 0
    for match in _PIECE.finditer(text):
        gap = text[at:match.start()]
        if _SENTENCE_END.search(gap) or _CONTEXT_BREAK.search(gap):
            sentences.append([])
        elif "," in gap:
            sentences[-1].append(_Slot(at, at, "", (model.id(","),), fixed=""))
        elif _DASH.search(gap):
            sentences[-1].append(_Slot(at, at, "", (model.id("-"),), fixed=""))
        at = match.end()
        for slot in _pieces(match.group(0), match.start(), model):
            slots.append(slot)
            sentences[-1].append(slot)
    return slots, [s for s in sentences if any(slot.end > slot.start for slot in s)]


def _pieces(piece: str, start: int, model: LanguageModel) -> list[_Slot]:
    """The slots of one piece of text: a code, an abbreviation, or syllables joined by "-", "/", "&"."""
    lower = piece.lower()
    end = start + len(piece)
    if any(c.isdigit() for c in piece):
        return [_Slot(start, end, piece, (model.id(NUM),), fixed=_code(piece))]
    if piece.isascii() and lower in ABBREVIATIONS:
        written = ABBREVIATIONS[lower]
        return [_Slot(start, end, piece, (model.id(token_of(written)),), fixed=written)]
    out = []
    for part in re.finditer(r"[^\W\d_]+", piece):
        out.append(_syllable(part.group(0), start + part.start(), model))
    return out


def _syllable(word: str, start: int, model: LanguageModel) -> _Slot:
    end = start + len(word)
    if is_marked(word):
        return _Slot(start, end, word, (model.id(token_of(word)),), fixed=word)
    ids = model.form_ids(word.lower())[:MAX_FORMS]
    if not ids:
        return _Slot(start, end, word, (model.id(word.lower()),), fixed=word)
    return _Slot(start, end, word, ids, tuple(model.vocab[i] for i in ids))


def _code(piece: str) -> str:
    """A number or code as typed, with the letter parts of a document symbol written the standard way."""
    if "/" not in piece:
        return piece
    return re.sub(r"[^\W\d_]+", lambda m: SYMBOL_PARTS.get(m.group(0).lower(), m.group(0)), piece)


# ---- decoding ----------------------------------------------------------------------------------------
def _decode(model: LanguageModel, sentence: Sequence[_Slot]) -> None:
    """Choose each slot's form: a beam search over the sentence's trigram states."""
    prob = model.prob
    log = math.log
    beam: dict[tuple[int, int], tuple[float, tuple[object, int] | None]] = {(0, 0): (0.0, None)}
    for slot in sentence:
        grown: dict[tuple[int, int], tuple[float, tuple[object, int] | None]] = {}
        for (u, v), (score, back) in beam.items():
            for k, w in enumerate(slot.ids):
                total = score + log(prob(u, v, w))
                key = (v, w)
                if key not in grown or total > grown[key][0]:
                    grown[key] = (total, (back, k))
        if len(grown) > BEAM:
            beam = dict(sorted(grown.items(), key=lambda kv: -kv[1][0])[:BEAM])
        else:
            beam = grown
    eos = model.id(EOS)
    best = max(beam.items(), key=lambda kv: kv[1][0] + log(prob(kv[0][0], kv[0][1], eos)))
    back = best[1][1]
    for slot in reversed(sentence):
        assert back is not None
        node, slot.choice = back
        back = node  # type: ignore[assignment]


def _flag(model: LanguageModel, sentence: Sequence[_Slot]) -> None:
    """Note the other forms of each syllable that score nearly as well with the chosen neighbours."""
    ids = [0, 0, *(slot.ids[slot.choice] for slot in sentence), model.id(EOS)]
    prob = model.prob
    for i, slot in enumerate(sentence):
        if len(slot.ids) < 2:
            continue
        at = i + 2

        def local(w: int, at: int = at) -> float:
            seq = [*ids[at - 2: at], w, *ids[at + 1: at + 3]]
            return sum(math.log(prob(seq[j - 2], seq[j - 1], seq[j])) for j in range(2, len(seq)))

        scores = [local(w) for w in slot.ids]
        best = scores[slot.choice]
        shares = [math.exp(s - best) for s in scores]
        total = sum(shares)
        if 1 / total < SURE:
            ranked = sorted((k for k in range(len(scores)) if k != slot.choice), key=lambda k: -scores[k])
            slot.alternatives = [slot.forms[k] for k in ranked if shares[k] / total > (1 - SURE) / 4][:3]


def _as_name(slots: list[_Slot]) -> None:
    """A person's name: each syllable typed without marks takes the commonest listed name form."""
    for n, slot in enumerate(s for s in slots if s.end > s.start):
        if slot.fixed:
            continue
        names = listed(slot.typed.lower(), first=n == 0)
        if names:
            slot.forms, slot.choice = tuple(f.lower() for f in names), 0
            slot.alternatives = [f.lower() for f in alternatives(names)]


# ---- writing -----------------------------------------------------------------------------------------
def _write(text: str, slots: list[_Slot], kind: Kind, model: LanguageModel) -> tuple[str, list[Uncertain]]:
    """The restored text, with capitals and a final full stop as ``kind`` wants, and the unsure spans."""
    words = [s for s in slots if s.end > s.start]
    written = [_written(s) for s in words]
    lowered = [w.lower() for w in written]
    for i, slot in enumerate(words):
        if kind == "name" or (_starts_sentence(text, slot.start) and kind == "paragraph"):
            written[i] = _capital(written[i])
    _names(lowered, written, words, model)
    out, spans, at = [], [], 0
    for slot, word in zip(words, written, strict=True):
        out.append(text[at:slot.start])
        begin = sum(map(len, out))
        out.append(word)
        if slot.alternatives:
            spans.append(Uncertain(begin, begin + len(word), tuple(_cased(a, word) for a in slot.alternatives)))
        at = slot.end
    out.append(text[at:])
    result = "".join(out)
    if kind == "paragraph":
        result = _full_stop(result)
    return result, spans


def _written(slot: _Slot) -> str:
    """A slot's chosen form, in the case the user typed it."""
    if slot.fixed:
        return slot.fixed
    return _cased(slot.forms[slot.choice], slot.typed)


def _cased(form: str, like: str) -> str:
    """``form`` in the case of ``like`` (all capitals, a capital first, or lower case)."""
    if len(like) > 1 and like.isupper():
        return form.upper()
    if like[:1].isupper():
        return _capital(form)
    return form


def _capital(word: str) -> str:
    return word[:1].upper() + word[1:]


def _starts_sentence(text: str, start: int) -> bool:
    """Whether the word at ``start`` begins the text, a line, a sentence, or a bullet ("- …")."""
    before = text[:start].rstrip(" \t")
    before = before[:-1].rstrip(" \t") if before.endswith(("-", "–", "+", "•", "*")) else before
    return not before or before.endswith(("\n", ".", "!", "?", "…"))


def _names(lowered: list[str], written: list[str], slots: list[_Slot], model: LanguageModel) -> None:
    """Capitals for the place names the model knows ("xã khúc thừa dụ" → "xã Khúc Thừa Dụ")."""
    if not model.names:
        return
    i = 0
    while i < len(lowered):
        for size in range(min(_LONGEST_NAME, len(lowered) - i), 1, -1):
            cased = model.names.get(tuple(lowered[i: i + size]))
            if cased is not None:
                for j in range(i, i + size):
                    if not slots[j].fixed and (j > i or written[j][:1].islower()):
                        written[j] = cased[j - i] if not slots[j].typed.isupper() else written[j]
                i += size - 1
                break
        i += 1


def _full_stop(text: str) -> str:
    """A paragraph ends with a full stop (unless it ends with other final punctuation)."""
    stripped = text.rstrip()
    if not stripped or _STOPPED.search(stripped):
        return text
    return stripped + "." + text[len(stripped):]


def fold_text(text: str) -> str:
    """``text`` as typed without diacritics, lower case (what the benchmarks feed the restorer)."""
    return re.sub(r"[^\W\d_]+", lambda m: fold_syllable(m.group(0)), text)
