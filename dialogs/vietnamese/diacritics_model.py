"""The syllable trigram model the diacritics restorer decodes with: how it is built, stored and read.

Text is cut into sentences of tokens: syllables in lower case (tone placed the classic way), ``<num>``
for a number, and ``,`` and ``-`` (they carry context: "thi đua, khen thưởng", "kinh tế - xã hội").
Probabilities are interpolated Kneser–Ney (absolute discount :data:`DISCOUNT`, continuation counts for
single syllables). The shipped file (package data, rebuilt by ``scripts/build_diacritics_model.py``)
is zlib-compressed arrays, read in a fraction of a second and only once per process.

>>> m = LanguageModel.build([["thi", "đua", "khen", "thưởng"], ["khen", "thưởng", "kịp", "thời"]])
>>> m.forms("thuong")
('thưởng',)
>>> m.logprob("khen", "thưởng") > m.logprob("khen", "kịp")
True
>>> LanguageModel.decode(m.encode()).forms("dua")
('đua',)
"""

from __future__ import annotations

import itertools
import json
import math
import re
import struct
import unicodedata
import zlib
from array import array
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from functools import cache
from importlib import resources

from dialogs.vietnamese.text import normalize_tone, strip_diacritics

#: Absolute discount of the Kneser–Ney estimate: of 0.6–0.95, the one with the fewest errors on the held-out
#: report paragraphs (``benchmarks/diacritics.py``; 0.8 before: 206 errors there, 0.9: 203).
DISCOUNT = 0.9
BOS, EOS, NUM, UNK = "<s>", "</s>", "<num>", "<unk>"
#: Forms seen fewer times than this are no candidates (typos of the corpus), unless a syllable has no other.
MIN_FORM_COUNT = 2
_MAGIC = b"RBDM1"
_HEADER = "<8Q"
#: Where a sentence ends (and its context with it).
_BOUNDARY = re.compile(r"[.;:!?()\[\]{}\"“”«»…\n]+|(?<!\w)'|'(?!\w)")
_TOKEN = re.compile(r"[^\W\d_]+|\d+(?:[.,/]\d+)*|[,-]")


_TONE_MARKS = re.compile("[\u0300\u0301\u0303\u0309\u0323]")
_SYLLABLE = re.compile(r"^(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdđghklmnprstvx])?[aăâeêioôơuưy]{1,3}"
                       r"(?:ch|ng|nh|[cmnpt])?$")


def is_syllable(word: str) -> bool:
    """Whether ``word`` is shaped like one Vietnamese syllable (onset, one to three vowels, coda, at most one
    tone): "nghiêng", "khuyến" are; "manhcac", "tctín", "ng" (words run together or cut by OCR) are not.

    >>> [is_syllable(w) for w in ("nghiêng", "khuyến", "Đảng", "manhcac", "ng", "chỉvà")]
    [True, True, True, False, False, False]
    """
    decomposed = unicodedata.normalize("NFD", word.lower())
    if len(_TONE_MARKS.findall(decomposed)) > 1:
        return False
    return bool(_SYLLABLE.match(unicodedata.normalize("NFC", _TONE_MARKS.sub("", decomposed))))


def fold_syllable(syllable: str) -> str:
    """The syllable as typed without marks: lower case, no diacritics, ``đ`` as ``d``."""
    return strip_diacritics(syllable).lower()


def token_of(word: str) -> str:
    """The model's token for one word of text."""
    if word[0].isdigit():
        return NUM
    return normalize_tone(word.lower()) if not word.isascii() else word.lower()


def sentences_of(text: str, lower: bool = True) -> list[list[str]]:
    """``text`` as sentences of model tokens (``lower=False``: the words as written)."""
    out = []
    for part in _BOUNDARY.split(text):
        tokens = [token_of(w) if lower else w for w in _TOKEN.findall(part)]
        while tokens and tokens[0] in (",", "-"):
            tokens.pop(0)
        if tokens:
            out.append(tokens)
    return out


class LanguageModel:
    """Counts of syllable unigrams, bigrams and trigrams, and the smoothed probabilities they give."""

    def __init__(self, vocab: Sequence[str], unigrams: Sequence[int], continuation: Sequence[int],
                 bigrams: dict[int, int], trigrams: dict[int, int], names: Iterable[str] = ()) -> None:
        #: Names written with capitals wherever they occur (places, "Ủy ban nhân dân"), by their lower-case
        #: syllables (``names`` come with their tone placed the classic way, as :meth:`build` writes them).
        self.names = {tuple(n.lower().split()): tuple(n.split()) for n in names}
        self.vocab = list(vocab)
        self.ids = {w: i for i, w in enumerate(self.vocab)}
        self.size = len(self.vocab)
        self.unigrams = list(unigrams)
        self.bigrams = bigrams
        self.trigrams = trigrams
        total = sum(continuation) + self.size
        self._p1 = [(c + 1) / total for c in continuation]
        # Per context: its total count and how many different words follow it (for the back-off weight).
        self._ctx1: dict[int, list[int]] = defaultdict(lambda: [0, 0])
        for key, count in bigrams.items():
            stats = self._ctx1[key // self.size]
            stats[0] += count
            stats[1] += 1
        self._ctx2: dict[int, list[int]] = defaultdict(lambda: [0, 0])
        for key, count in trigrams.items():
            stats = self._ctx2[key // self.size]
            stats[0] += count
            stats[1] += 1
        self._ctx1, self._ctx2 = dict(self._ctx1), dict(self._ctx2)
        by_fold: dict[str, list[int]] = defaultdict(list)
        for i, word in enumerate(self.vocab):
            if word[0] != "<" and word not in (",", "-"):
                by_fold[fold_syllable(word)].append(i)
        self._forms = {}
        for folded, ids in by_fold.items():
            ids.sort(key=lambda i: -self.unigrams[i])
            kept = [i for i in ids if self.unigrams[i] >= MIN_FORM_COUNT] or ids[:1]
            self._forms[folded] = tuple(kept)

    # ---- building and storing -------------------------------------------------------------------------
    @classmethod
    def build(cls, sentences: Iterable[Sequence[str]], names: Iterable[str] = ()) -> LanguageModel:
        """Count the n-grams of ``sentences`` (lists of tokens, see :func:`sentences_of`)."""
        uni: Counter[str] = Counter()
        bi: Counter[tuple[str, str]] = Counter()
        tri: Counter[tuple[str, str, str]] = Counter()
        for sentence in sentences:
            seq = [BOS, BOS, *sentence, EOS]
            uni.update(seq[2:])
            bi.update(itertools.pairwise(seq[1:]))
            tri.update(zip(seq, seq[1:], seq[2:], strict=False))
        vocab = [BOS, UNK, *sorted(uni, key=lambda w: (-uni[w], w))]
        ids = {w: i for i, w in enumerate(vocab)}
        size = len(vocab)
        continuation = [0] * size
        for (_, b) in bi:
            continuation[ids[b]] += 1
        unigrams = [uni.get(w, 0) for w in vocab]
        bigrams = {ids[a] * size + ids[b]: c for (a, b), c in bi.items()}
        trigrams = {(ids[a] * size + ids[b]) * size + ids[c]: n for (a, b, c), n in tri.items()}
        return cls(vocab, unigrams, continuation, bigrams, trigrams, [normalize_tone(n) for n in names])

    def encode(self) -> bytes:
        """The model as bytes (the shipped file)."""
        continuation = [0] * self.size
        for key in self.bigrams:
            continuation[key % self.size] += 1
        parts = [json.dumps(self.vocab, ensure_ascii=False).encode(), array("I", self.unigrams).tobytes(),
                 array("I", continuation).tobytes()]
        for table in (self.bigrams, self.trigrams):
            keys = sorted(table)
            parts += [array("Q", keys).tobytes(), array("I", [table[k] for k in keys]).tobytes()]
        extra = {"names": sorted(" ".join(n) for n in self.names.values())}
        parts.append(json.dumps(extra, ensure_ascii=False).encode())
        header = struct.pack(_HEADER, *(len(p) for p in parts))
        return _MAGIC + zlib.compress(header + b"".join(parts), 9)

    @classmethod
    def decode(cls, blob: bytes) -> LanguageModel:
        """Read :meth:`encode`'s bytes."""
        if not blob.startswith(_MAGIC):
            raise ValueError("not a diacritics model")
        raw = zlib.decompress(blob[len(_MAGIC):])
        sizes = struct.unpack_from(_HEADER, raw)
        chunks, at = [], struct.calcsize(_HEADER)
        for size in sizes:
            chunks.append(raw[at: at + size])
            at += size

        def ints(kind: str, data: bytes) -> list[int]:
            values = array(kind)
            values.frombytes(data)
            return values.tolist()

        vocab = json.loads(chunks[0])
        bigrams = dict(zip(ints("Q", chunks[3]), ints("I", chunks[4]), strict=True))
        trigrams = dict(zip(ints("Q", chunks[5]), ints("I", chunks[6]), strict=True))
        extra = json.loads(chunks[7])
        return cls(vocab, ints("I", chunks[1]), ints("I", chunks[2]), bigrams, trigrams, extra["names"])

    # ---- asking -------------------------------------------------------------------------------------
    def forms(self, folded: str) -> tuple[str, ...]:
        """Every form the corpus writes for a syllable typed without marks, most frequent first."""
        return tuple(self.vocab[i] for i in self._forms.get(folded, ()))

    def form_ids(self, folded: str) -> tuple[int, ...]:
        """:meth:`forms` as token ids."""
        return self._forms.get(folded, ())

    def id(self, token: str) -> int:
        """The id of ``token`` (``<unk>``'s when the corpus never had it)."""
        return self.ids.get(token, 1)

    def count(self, token: str) -> int:
        """How often the corpus has ``token``."""
        return self.unigrams[self.id(token)] if token in self.ids else 0

    def prob(self, u: int, v: int, w: int) -> float:
        """P(w | u v), interpolated Kneser–Ney."""
        size = self.size
        p = self._p1[w]
        ctx = self._ctx1.get(v)
        if ctx is not None:
            c = self.bigrams.get(v * size + w, 0)
            p = (max(c - DISCOUNT, 0.0) + DISCOUNT * ctx[1] * p) / ctx[0]
        key = u * size + v
        ctx = self._ctx2.get(key)
        if ctx is not None:
            c = self.trigrams.get(key * size + w, 0)
            p = (max(c - DISCOUNT, 0.0) + DISCOUNT * ctx[1] * p) / ctx[0]
        return p

    def logprob(self, *tokens: str) -> float:
        """Natural log of P(last token | the two before it) — fewer tokens mean sentence start before them."""
        ids = [0, 0, *(self.id(t) for t in tokens)][-3:]
        return math.log(self.prob(ids[0], ids[1], ids[2]))


def encode_model(sentences: Iterable[Sequence[str]], names: Iterable[str] = ()) -> tuple[bytes, dict[str, int]]:
    """Build and encode a model; with its sizes (for the build script to print)."""
    model = LanguageModel.build(sentences, names)
    stats = {"syllables": sum(model.unigrams), "vocabulary": model.size, "bigrams": len(model.bigrams),
             "trigrams": len(model.trigrams), "names": len(model.names)}
    return model.encode(), stats


@cache
def shipped() -> LanguageModel:
    """The model shipped with the package (read once per process)."""
    blob = resources.files("dialogs.vietnamese").joinpath("data/diacritics.bin").read_bytes()
    return LanguageModel.decode(blob)


def load(path: str) -> LanguageModel:
    """A model from a file (the benchmark compares builds with it)."""
    with open(path, "rb") as fh:
        return LanguageModel.decode(fh.read())
