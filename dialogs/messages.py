"""Every Vietnamese string a user sees, keyed by id (NFC, full diacritics), and :func:`t` to fill one in.

Prompts and help come from the template; everything else the bot says is here. Tests assert ids and
parameters, and one test renders every message and checks its placeholders and the Zalo length limit.
Sections are owned by the module that uses them: keep each key's prefix (``engine.``, ``parse.``, …).
"""

from __future__ import annotations

import string
import unicodedata
from typing import Any

MESSAGES: dict[str, str] = {
    # ---- parse.*: field parsers (dialogs/fields) ------------------------------------------------
    # ---- engine.*: the conversation engine (dialogs/engine.py) -------------------------------------
    # ---- bot.*: runner, channels and CLI (bot/) ------------------------------------------------------
}


def t(key: str, /, **params: Any) -> str:
    """Render message ``key`` with ``params``; a missing key or parameter is a programming error."""
    return MESSAGES[key].format(**params)


def placeholders(key: str) -> set[str]:
    """The parameter names message ``key`` expects."""
    return {name for _, name, _, _ in string.Formatter().parse(MESSAGES[key]) if name}


def _check_nfc() -> None:
    for key, text in MESSAGES.items():
        if unicodedata.normalize("NFC", text) != text:
            raise ValueError(f"message {key} is not NFC")
