"""Every message renders with its placeholders, is NFC with diacritics, and fits a Zalo message."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest

from dialogs.messages import MESSAGES, placeholders, t

ZALO_LIMIT = 2000
ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("key", sorted(MESSAGES))
def test_message_renders_and_fits(key: str) -> None:
    params = {name: "x" * 40 for name in placeholders(key)}
    text = t(key, **params)
    assert text.strip()
    assert unicodedata.normalize("NFC", MESSAGES[key]) == MESSAGES[key]
    assert len(text) <= ZALO_LIMIT
    assert "{" not in text and "}" not in text


def test_every_message_key_used_in_code_exists_and_every_message_is_used() -> None:
    sources = "\n".join(p.read_text(encoding="utf-8") for folder in ("dialogs", "bot", "exporters")
                        for p in (ROOT / folder).rglob("*.py"))
    used = set(re.findall(r"[\"']((?:engine|bot|parse)\.[a-z0-9_.]+)[\"']", sources))
    missing = sorted(k for k in used if k not in MESSAGES and not k.endswith("."))
    assert not missing, missing


def test_messages_use_vietnamese_diacritics() -> None:
    """A message written without diacritics (as if typed on a phone) is a mistake in this module."""
    plain = [k for k, v in MESSAGES.items() if len(v) > 30 and v.isascii()]
    assert not plain, plain
