"""Every message renders with its placeholders, is NFC with diacritics, and fits a Zalo message; every
message id the code names exists and is given exactly the parameters it expects."""

from __future__ import annotations

import ast
import re
import unicodedata
from pathlib import Path

import pytest

from dialogs.fields import types
from dialogs.messages import MESSAGES, placeholders, t
from dialogs.template.issues import CATALOGUE

ZALO_LIMIT = 2000
ROOT = Path(__file__).resolve().parents[2]
FOLDERS = ("bot", "dialogs", "storage", "exporters")
PREFIXES = sorted({key.split(".")[0] for key in MESSAGES})


def _sample(name: str) -> str:
    """A 40-character parameter value that names its placeholder, so the rendered text shows where it went."""
    return f"<{name}>".ljust(40, "x")


@pytest.mark.parametrize("key", sorted(MESSAGES))
def test_message_renders_and_fits(key: str) -> None:
    raw = MESSAGES[key]
    params = {name: _sample(name) for name in placeholders(key)}
    text = t(key, **params)
    assert text.strip()
    assert unicodedata.normalize("NFC", raw) == raw
    assert unicodedata.normalize("NFC", text) == text
    assert len(text) <= ZALO_LIMIT
    # Placeholders match: every parameter shows in the text, and the only braces left are the escaped ones.
    assert all(value in text for value in params.values())
    assert text.count("{") == raw.count("{{") and text.count("}") == raw.count("}}")


def _message_sources() -> list[Path]:
    return [p for folder in FOLDERS for p in sorted((ROOT / folder).rglob("*.py")) if p.name != "messages.py"]


def test_every_message_key_used_in_code_exists_and_every_message_is_used() -> None:
    sources = "\n".join(p.read_text(encoding="utf-8") for p in _message_sources())
    prefixes = "|".join(PREFIXES)
    used = set(re.findall(rf"[\"']((?:{prefixes})\.[A-Za-z0-9_.]+)[\"']", sources))
    missing = sorted(k for k in used if k not in MESSAGES and not k.endswith("."))
    assert not missing, missing


#: Keyword arguments of an exception raised with ``msg=`` that are not message parameters.
_NOT_PARAMS = {"msg", "existing_id", "candidates", "issues", "buttons"}


def _message_calls(path: Path) -> list[tuple[int, str, set[str]]]:
    """(line, message id, keyword names) of each call that names a message id by a literal and passes
    its parameters as keywords: ``t("id", …)``, ``ref``, ``refuse``, ``ask``, ``….say``, ``ExprError``,
    and exceptions raised with ``msg="id"``. Calls that spread a mapping (``**params``) are left out."""
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call) or any(k.arg is None for k in node.keywords):
            continue
        func = node.func
        name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
        key: object = None
        if name in {"t", "ref", "refuse", "ask", "say", "ExprError"} and node.args:
            first = node.args[0]
            key = first.value if isinstance(first, ast.Constant) else None
        for keyword in node.keywords:
            if keyword.arg == "msg" and isinstance(keyword.value, ast.Constant):
                key = keyword.value.value
        if isinstance(key, str) and key in MESSAGES:
            out.append((node.lineno, key, {k.arg for k in node.keywords if k.arg and k.arg not in _NOT_PARAMS}))
    return out


def _optional(key: str) -> set[str]:
    """Placeholders alone on a line: the line is left out when they are not given (dialogs.messages.render)."""
    return {m.group(1) for line in MESSAGES[key].split("\n") if (m := re.fullmatch(r"\{(\w+)\}", line))}


def test_code_passes_each_message_exactly_its_parameters() -> None:
    wrong = []
    for path in _message_sources():
        for line, key, given in _message_calls(path):
            expected = placeholders(key)
            if not (expected - _optional(key) <= given <= expected):
                where = path.relative_to(ROOT).as_posix()
                wrong.append(f"{where}:{line}: {key} expects {sorted(expected)}, is given {sorted(given)}")
    assert not wrong, "\n".join(wrong)


def test_every_issue_code_has_its_two_messages() -> None:
    codes = {key.split(".")[1] for key in MESSAGES if re.fullmatch(r"template\.T\d{3}(\.fix)?", key)}
    assert codes == set(CATALOGUE)
    assert all(f"template.{code}.fix" in MESSAGES and t(f"template.{code}.fix", **{
        n: "x" for n in placeholders(f"template.{code}.fix")}).startswith("Hãy") for code in CATALOGUE)


def test_every_field_type_has_an_example() -> None:
    examples = {key.removeprefix("parse.example.") for key in MESSAGES if key.startswith("parse.example.")}
    assert examples == set(types())


def test_messages_use_vietnamese_diacritics() -> None:
    """A message written without diacritics (as if typed on a phone) is a mistake in this module."""
    words = {k: re.sub(r"\{\w*\}", "", v) for k, v in MESSAGES.items()}  # a layout of placeholders has no words
    plain = [k for k, v in words.items() if len(v.strip()) > 30 and v.isascii()]
    assert not plain, plain
