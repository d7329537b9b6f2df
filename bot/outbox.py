"""Turn the engine's message effects into outgoing messages: rendered from :mod:`dialogs.messages`, short ones
joined, long ones split at paragraphs, buttons on the last part.

>>> from dialogs.effects import Say, Ask
>>> [m["text"] for m in pack([Say("engine.saved", {"display": "75"}), Ask("x", "ui.text", {"text": "Câu 2?"})],
...                          limit=2000)]
['Đã ghi: 75.\\n\\nCâu 2?']
>>> len(pack([Say("ui.text", {"text": "a" * 3000})], limit=2000))
2
>>> copy = Say("engine.diacritics.copy", {"text": "Đã tổ chức."})
>>> [m["text"] for m in pack([copy, Ask("x", "ui.text", {"text": "Dùng?"})], limit=2000)]
['Đã tổ chức.', 'Dùng?']
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any, TypeVar

from bot.envelopes import Outgoing
from dialogs.effects import Ask, Button, Effect, Say
from dialogs.messages import render

#: Messages sent on their own, never joined to another: the restored text a user copies to correct it.
ALONE = frozenset({"engine.diacritics.copy"})
#: Per-channel message length limits (Telegram 4,096; Zalo 2,000).
LIMITS = {"telegram": 4096, "zalo": 2000, "zalo-oa": 2000, "console": 100_000, "loopback": 4096}
#: The document formats each channel carries (a report after its submission, the compiled report): Telegram
#: sends files; the Zalo OA uploads PDF/DOC/DOCX only; the Zalo Bot Platform sends a signed link to a .docx.
DOCUMENT_FORMATS = {"telegram": frozenset({"docx", "pdf", "xlsx"}), "zalo": frozenset({"docx"}),
                    "zalo-oa": frozenset({"docx"})}
E = TypeVar("E")
#: Channels that carry documents.
DOCUMENT_CHANNELS = frozenset(DOCUMENT_FORMATS)


@dataclass(frozen=True)
class DocumentDue:
    """A message carrying a document (:mod:`bot.documents`): its caption ``msg`` and the document's spec."""

    msg: str
    params: dict[str, Any] = field(default_factory=dict)
    spec: dict[str, Any] = field(default_factory=dict)


def carries(channel: str, spec: dict[str, Any]) -> bool:
    """Whether ``channel`` carries the document ``spec`` names (a unit's report is a .docx).

    >>> carries("zalo-oa", {"kind": "compiled", "campaign": 1, "format": "xlsx"}), carries("telegram", {})
    (False, True)
    """
    return str(spec.get("format") or "docx") in DOCUMENT_FORMATS.get(channel, frozenset())


def carried(channel: str, effects: Sequence[E | DocumentDue]) -> list[E | DocumentDue]:
    """``effects`` without the documents ``channel`` does not carry."""
    return [e for e in effects if not isinstance(e, DocumentDue) or carries(channel, e.spec)]


def text_only(message: Outgoing, note: str = "bot.document.failed", *, alone: bool = False) -> Outgoing:
    """A message carrying a document, sent as its text, saying (message ``note``) the file could not be sent;
    ``alone``: the note only (a PDF's caption says nothing once its .docx went before)."""
    said = render(note)
    return replace(message, text=said if alone else f"{message.text}\n{said}", document=None)


def label_of(button: Button) -> str:
    """A button's label: the template's words, or its message rendered."""
    return button.label or render(button.msg)


def pack(effects: Sequence[Effect | DocumentDue], limit: int) -> list[dict[str, Any]]:
    """Messages to send for ``effects``: consecutive texts joined while they fit; buttons go on the last.

    Each message also lists the ids of the messages it was rendered from (``msgs``), for tests and logs.
    """
    out: list[dict[str, Any]] = []
    for effect in effects:
        if isinstance(effect, DocumentDue):  # a message of its own, never joined with others
            out.append({"text": render(effect.msg, effect.params)[:1000], "buttons": [], "msgs": [effect.msg],
                        "document": effect.spec})
            continue
        if not isinstance(effect, (Say, Ask)):
            continue
        buttons = [{"label": label_of(b), "data": b.data} for b in effect.buttons]
        for chunk in split(render(effect.msg, effect.params), limit):
            last = out[-1] if out else None
            alone = effect.msg in ALONE or (last is not None and ALONE.intersection(last["msgs"]))
            joinable = last is not None and not last["buttons"] and "document" not in last and not alone
            if last is not None and joinable and len(last["text"]) + 2 + len(chunk) <= limit:
                last["text"] = f"{last['text']}\n\n{chunk}"
                last["msgs"].append(effect.msg)
            else:
                out.append({"text": chunk, "buttons": [], "msgs": [effect.msg]})
        if buttons and out:
            out[-1]["buttons"] = buttons
    return out


def split(text: str, limit: int) -> list[str]:
    """Cut ``text`` into pieces of at most ``limit`` characters, at paragraph, line or word boundaries.

    >>> split("một hai\\n\\nba bốn năm", 12)
    ['một hai', 'ba bốn năm']
    """
    if len(text) <= limit:
        return [text]
    pieces: list[str] = []
    rest = text
    while len(rest) > limit:
        # A paragraph boundary first, then a line, then a word, as long as the piece keeps half the limit.
        cut = next((at for at in (rest.rfind(sep, 0, limit) for sep in ("\n\n", "\n", " ")) if at > limit // 2),
                   limit)
        pieces.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest:
        pieces.append(rest)
    return pieces
