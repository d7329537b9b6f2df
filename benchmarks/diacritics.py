"""Diacritics restoration: syllable accuracy and flag recall on two texts, speed, model size and load time.

Texts, none used to build the model: the stripped text of sample 003 (``tests/data/samples/003_…txt``, a
commune's real report of this campaign — but the shipped template's examples were written from it, so its
figure is optimistic; ``--no-templates`` builds measure without them); held-out report paragraphs
(``benchmarks/data/diacritics_heldout_reports.txt``: every 5th block of 40 lines of the administrative
documents of ``scripts/corpus/``, left out by ``scripts/build_diacritics_model.py``); and held-out law
paragraphs (``benchmarks/data/diacritics_heldout.txt``: every 20th article of the six law codes).
Each text is stripped of its marks and lower-cased (as phones type it), restored, and compared syllable by
syllable with the original, case-insensitively and with the "oa/oe/uy" tone placement normalised (both
placements are correct). An error counts as flagged when the restorer marked that syllable uncertain.

Targets (issue 12): ≥ 97 % syllables right, ≥ 90 % of the errors flagged, ≤ 20 ms per 500-character
paragraph, model ≤ 30 MB on disk, loaded in < 1 s.

Run: ``.venv/bin/python benchmarks/diacritics.py [--model FILE] [--errors N]``; an ablation:
``scripts/build_diacritics_model.py --no-templates -o /tmp/m.bin --held-out /tmp/a --held-out-reports /tmp/b``
then ``--model /tmp/m.bin``.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
from collections import Counter
from importlib import resources
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from dialogs.vietnamese.diacritics import restore  # noqa: E402
from dialogs.vietnamese.diacritics_model import LanguageModel, fold_syllable  # noqa: E402
from dialogs.vietnamese.text import normalize_tone  # noqa: E402

SAMPLE = ROOT / "tests" / "data" / "samples" / "003_6eaa83ca13db2d54.txt"
HELD_OUT = ROOT / "benchmarks" / "data" / "diacritics_heldout.txt"
HELD_OUT_REPORTS = ROOT / "benchmarks" / "data" / "diacritics_heldout_reports.txt"
_SYLLABLE = re.compile(r"[^\W\d_]+")
PARAGRAPH = 500


def sample_paragraphs() -> list[str]:
    """Sample 003 as paragraphs: its hard line breaks (a PDF's) joined inside sentences."""
    lines = [line.strip() for line in SAMPLE.read_text(encoding="utf-8").splitlines() if line.strip()]
    paragraphs, current = [], ""
    for line in lines:
        current = f"{current} {line}".strip()
        if re.search(r"[.:;!?]$", line):
            paragraphs.append(current)
            current = ""
    return [*paragraphs, current] if current else paragraphs


def strip(text: str) -> str:
    """As typed on a phone: no marks, lower case."""
    return _SYLLABLE.sub(lambda m: fold_syllable(m.group(0)), text)


def syllables(text: str) -> list[tuple[int, int, str]]:
    """(start, end, syllable normalised for comparison) of every syllable."""
    return [(m.start(), m.end(), normalize_tone(m.group(0)).lower()) for m in _SYLLABLE.finditer(text)]


def evaluate(name: str, paragraphs: list[str], model: LanguageModel, show: int) -> None:
    total = right = flagged_errors = flagged = unseen = 0
    confusions: Counter[tuple[str, str]] = Counter()
    for gold in paragraphs:
        result = restore(strip(gold), force=True, model=model)
        spans = [(u.start, u.end) for u in result.uncertain]
        want, got = syllables(gold), syllables(result.text)
        if len(want) != len(got):
            raise SystemExit(f"{name}: syllables out of step in {gold[:60]!r}")
        for (_, _, w), (start, end, g) in zip(want, got, strict=True):
            total += 1
            unsure = any(s <= start and end <= e for s, e in spans)
            flagged += unsure
            if w == g:
                right += 1
            else:
                flagged_errors += unsure
                confusions[(w, g)] += 1
                unseen += w not in model.forms(fold_syllable(w))
    errors = total - right
    print(f"{name}: {len(paragraphs)} paragraphs, {total:,} syllables")
    print(f"  accuracy     {right / total:7.2%}  ({errors:,} syllables wrong; target ≥ 97%)")
    recall = flagged_errors / errors if errors else 1.0
    print(f"  flag recall  {recall:7.2%}  ({flagged_errors:,} of the wrong ones flagged; target ≥ 90%)")
    print(f"  flagged      {flagged / total:7.2%}  of all syllables ({flagged:,})")
    print(f"  unseen       {unseen:,} of the wrong syllables have a form the corpus never wrote (cannot be right)")
    if show:
        print("  commonest errors (expected → restored): "
              + ", ".join(f"{w}→{g} ×{n}" for (w, g), n in confusions.most_common(show)))


def speed(paragraphs: list[str], model: LanguageModel) -> None:
    text = strip(" ".join(paragraphs))
    chunks = [text[i: i + PARAGRAPH] for i in range(0, len(text) - PARAGRAPH, PARAGRAPH)][:200]
    times = []
    for chunk in chunks:
        best = float("inf")
        for _ in range(3):
            start = time.process_time()
            restore(chunk, force=True, model=model)
            best = min(best, time.process_time() - start)
        times.append(best * 1000)
    times.sort()
    print(f"speed: {len(chunks)} paragraphs of {PARAGRAPH} characters: median {statistics.median(times):.1f} ms, "
          f"p95 {times[int(len(times) * 0.95)]:.1f} ms, max {times[-1]:.1f} ms (target ≤ 20 ms)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, help="a model file (default: the shipped one)")
    parser.add_argument("--errors", type=int, default=12, help="how many of the commonest errors to show")
    args = parser.parse_args()
    path = args.model or Path(str(resources.files("dialogs.vietnamese").joinpath("data/diacritics.bin")))
    start = time.perf_counter()
    model = LanguageModel.decode(path.read_bytes())
    loaded = time.perf_counter() - start
    print(f"model: {path.stat().st_size / 1e6:.2f} MB on disk (target ≤ 30 MB), loaded in {loaded:.2f} s "
          f"(target < 1 s); {model.size:,} tokens, {len(model.bigrams):,} bigrams, {len(model.trigrams):,} trigrams")
    held = [line for line in HELD_OUT.read_text(encoding="utf-8").splitlines() if line.strip()]
    reports = [line for line in HELD_OUT_REPORTS.read_text(encoding="utf-8").splitlines() if line.strip()]
    evaluate("sample 003 (stripped)", sample_paragraphs(), model, args.errors)
    evaluate("held-out report paragraphs (administrative documents)", reports, model, args.errors)
    evaluate("held-out law paragraphs", held, model, args.errors)
    speed(held, model)


if __name__ == "__main__":
    main()
