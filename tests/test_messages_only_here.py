"""Every Vietnamese string a user sees lives in dialogs/messages.py: no other module of bot/, dialogs/,
storage/ or exporters/ holds Vietnamese text, except the Vietnamese *data* allowed below, each with why.

A string is Vietnamese when it has a letter with a Vietnamese diacritic; docstrings and comments do not
count. An entry names a module, a folder (ending in "/"), or one top-level name of a module
("path::NAME": a constant, a function or a class), so that the rest of that module is still checked.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FOLDERS = ("bot", "dialogs", "storage", "exporters")
_LETTERS = "àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ"
VIETNAMESE = re.compile(f"[{_LETTERS}{_LETTERS.upper()}]")

#: Vietnamese that is data (words the bot reads, wording printed into documents), not chat or CLI text.
ALLOWED: dict[str, str] = {
    "dialogs/messages.py": "the one module of user-visible text",
    "dialogs/vietnamese/": "folding tables, tone placement, and how numbers, money and dates are written",
    "dialogs/fields/grammar/": "number words, unit words and date words that the parsers read",
    "dialogs/conversation/recognise.py": "the spellings of commands users type (xem lại, sửa, nộp …)",
    "dialogs/fields/choice.py::_AND": '"và"/"với" that split a multi-choice answer',
    "dialogs/fields/choice.py::_AND_JOIN": 'joins back an option label that contains "và"',
    "dialogs/fields/date.py::_TODAY_WORDS": '"hôm nay" as a date bound',
    "dialogs/fields/docref.py::_CANON": "symbol parts spelt as Nghị định 30/2020 spells them (QĐ-TTg, SGDĐT)",
    "dialogs/fields/docref.py::_KIND_BY_CODE": "document kinds by symbol code (Nghị định 30/2020, Phụ lục III)",
    "dialogs/fields/docref.py::_KIND_WORDS": "document kind words users type before a number",
    "dialogs/fields/docref.py::_OF": '"của" that introduces the issuer after a reference',
    "dialogs/fields/docref.py::_ISSUER_STOP": "words that end an issuer's name (the sentence goes on: ngày, về …)",
    "dialogs/fields/docref.py::_ISSUER_ABBR": "issuer abbreviations written out (UBND → Ủy ban nhân dân)",
    "dialogs/template/checks.py::_VN_LETTERS": "the Vietnamese alphabet order of section letters (a, b, c, d, đ)",
    "dialogs/template/model.py::Signer": "default signature block printed into the .docx",
    "dialogs/template/model.py::Meta": "default document wording printed into the .docx",
    "storage/repositories/units.py::KIND_PREFIXES": "unit kind words (xã, phường) stored in Unit.kind",
    "storage/repositories/units.py::DEFAULT_KIND": "the unit kind stored when a name has none",
    "bot/services.py::DEFAULT_UNIT": "the commune `reportbot chat` reports for by default (data: a unit's name)",
    "bot/services.py::_checked_word_template": "the sample commune a Word template is tried on (data)",
    # Exporters build the formal report: its wording goes into the .docx/.xlsx, never into a chat.
    "exporters/compose.py": "report document wording (Số:, Nơi nhận, Lưu: VT)",
    "exporters/compose_compiled.py": "compiled report wording and table headings",
    "exporters/compiled_parts.py": "the yes/no labels tallied in the compiled report",
    "exporters/docx_compiled.py": "compiled .docx headings",
    "exporters/docxtpl_fill.py": "the example Word template's wording",
    "exporters/metrics.py": "glyph width table that includes Vietnamese letters",
    "exporters/model.py": "unit kind words and the default signer title of documents",
    "exporters/nd30_blocks.py": "the national motto and fixed headings of Nghị định 30/2020",
    "exporters/places.py": "place names and the words before them in a sentence",
    "exporters/render.py": "how answers read in the report",
    "exporters/xlsx.py": ".xlsx sheet names and column headings",
}

#: Allowed for now only, while the module's owner moves its text into dialogs/messages.py; to be emptied.
PENDING: dict[str, str] = {
}


def _sources() -> list[Path]:
    files = [p for folder in FOLDERS for p in sorted((ROOT / folder).rglob("*.py"))]
    return [p for p in files if p.name != "conftest.py" and not p.name.startswith("test_")]


def _docstrings(tree: ast.AST) -> set[int]:
    """Ids of string constants that are statements on their own: docstrings (and attribute docstrings)."""
    return {id(node.value) for node in ast.walk(tree)
            if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
            and isinstance(node.value.value, str)}


def _names(stmt: ast.stmt) -> set[str]:
    """The names a top-level statement defines: assignment targets (``X[k] = …`` counts for ``X``), defs."""
    if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return {stmt.name}
    targets: list[ast.expr] = []
    if isinstance(stmt, ast.Assign):
        targets = list(stmt.targets)
    elif isinstance(stmt, (ast.AnnAssign, ast.AugAssign)):
        targets = [stmt.target]
    out = set()
    for target in targets:
        while isinstance(target, (ast.Subscript, ast.Attribute)):
            target = target.value
        if isinstance(target, ast.Name):
            out.add(target.id)
    return out


def vietnamese_strings(path: Path) -> list[tuple[int, str, set[str]]]:
    """(line, text, names of the enclosing top-level statement) of every Vietnamese string constant."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    skip = _docstrings(tree)
    out = []
    for stmt in tree.body:
        names = _names(stmt)
        for node in ast.walk(stmt):
            if (isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip
                    and VIETNAMESE.search(node.value)):
                out.append((node.lineno, node.value, names))
    return sorted(out, key=lambda found: found[0])


def _entry(relative: str, names: set[str], entries: dict[str, str]) -> str | None:
    """The entry of ``entries`` that allows a string of module ``relative`` defined under ``names``."""
    for entry in entries:
        module, _, name = entry.partition("::")
        if module.endswith("/") and relative.startswith(module):
            return entry
        if module == relative and (not name or name in names):
            return entry
    return None


def _scan() -> tuple[list[str], set[str]]:
    offenders: list[str] = []
    used: set[str] = set()
    for path in _sources():
        relative = path.relative_to(ROOT).as_posix()
        for line, text, names in vietnamese_strings(path):
            entry = _entry(relative, names, ALLOWED) or _entry(relative, names, PENDING)
            if entry is None:
                offenders.append(f"{relative}:{line}: {text[:70]!r}")
            else:
                used.add(entry)
    return offenders, used


def test_user_visible_vietnamese_lives_only_in_messages() -> None:
    offenders, _ = _scan()
    assert not offenders, (
        "Vietnamese text outside dialogs/messages.py: move it there under an id (t('prefix.id', …)), or, if "
        "it is data rather than text a person reads, allow it in ALLOWED with the reason:\n" + "\n".join(offenders))


def test_every_allowance_is_still_needed() -> None:
    _, used = _scan()
    stale = sorted((set(ALLOWED) | set(PENDING)) - used - {"dialogs/messages.py"})
    assert not stale, f"these entries allow nothing any more; remove them: {stale}"


def test_the_scan_finds_vietnamese_but_not_docstrings_or_comments(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text('"""Mô-đun."""\n# chú thích\nWORDS = {"xa": "xã"}\n\n\ndef f() -> str:\n'
                      '    """Hàm."""\n    return f"Đã ghi {1}"\n', encoding="utf-8")
    assert [(line, text, names) for line, text, names in vietnamese_strings(sample)] == [
        (3, "xã", {"WORDS"}), (8, "Đã ghi ", {"f"})]
