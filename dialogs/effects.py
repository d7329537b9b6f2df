"""Effects the engine returns: data for the host to carry out (send, store, notify), never actions.

Messages carry a message id of :mod:`dialogs.messages` and its parameters, never rendered Vietnamese:
the channel renders them (:func:`dialogs.messages.render`), with buttons where it has them.

>>> say = Say("engine.saved", {"display": "75"}, (Button("cmd:review", msg="engine.button.review"),))
>>> effect_from_json(say.to_json()) == say
True
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar, Union

from dialogs.tagged import Tagged, decode


@dataclass(frozen=True)
class Button:
    """A button (Telegram) or a numbered choice (Zalo). ``data`` comes back as a :class:`~dialogs.events.Pick`
    and is taken as that value, never re-read as text. Its label is message ``msg`` or, for template
    words (an option, a field's name), ``label`` itself."""

    data: str
    msg: str = ""
    label: str = ""


@dataclass(frozen=True)
class Say(Tagged):
    """Send message ``msg`` rendered with ``params``."""

    kind: ClassVar[str] = "say"
    msg: str
    params: dict[str, Any] = field(default_factory=dict)
    buttons: tuple[Button, ...] = ()


@dataclass(frozen=True)
class Ask(Tagged):
    """Ask for what the conversation now waits for: ``field_id`` (``group.column`` inside a repeated group,
    empty for a question that is about no field), with message ``msg`` and its ``params``."""

    kind: ClassVar[str] = "ask"
    field_id: str
    msg: str
    params: dict[str, Any] = field(default_factory=dict)
    buttons: tuple[Button, ...] = ()


@dataclass(frozen=True)
class AnswerSaved(Tagged):
    """Store an answer (append-only): ``record`` is an :class:`~dialogs.answers.AnswerRecord` as JSON."""

    kind: ClassVar[str] = "answer_saved"
    field_id: str
    record: dict[str, Any]
    version: int = 1


@dataclass(frozen=True)
class Submitted(Tagged):
    """The report was submitted: freeze ``answers`` as submission ``version`` with reference ``ref``."""

    kind: ClassVar[str] = "submitted"
    version: int
    ref: str
    answers: dict[str, Any]


@dataclass(frozen=True)
class VersionOpened(Tagged):
    """Editing after submission opened a new draft ``version``; the submitted one is kept."""

    kind: ClassVar[str] = "version_opened"
    version: int


@dataclass(frozen=True)
class ContactRequested(Tagged):
    """The user asked for the department's help on ``field_id`` (after repeated failures or by command)."""

    kind: ClassVar[str] = "contact_requested"
    field_id: str
    note: str = ""


@dataclass(frozen=True)
class ExportRequested(Tagged):
    """The user asked for a document (``what``: "unit" or "compiled")."""

    kind: ClassVar[str] = "export_requested"
    what: str


Message = Union[Say, Ask]
Effect = Union[Say, Ask, AnswerSaved, Submitted, VersionOpened, ContactRequested, ExportRequested]
_KINDS: dict[str, type[Any]] = {
    c.kind: c for c in (Say, Ask, AnswerSaved, Submitted, VersionOpened, ContactRequested, ExportRequested)
}


def effect_to_json(effect: Effect) -> dict[str, Any]:
    """Serialise an effect to a JSON-ready dict with its ``kind``."""
    return effect.to_json()


def effect_from_json(data: dict[str, Any]) -> Effect:
    """Rebuild an effect from :func:`effect_to_json` output; unknown kinds raise ``StateError``."""
    if "buttons" in data:
        data = {**data, "buttons": tuple(Button(**b) for b in data["buttons"])}
    effect: Effect = decode(data, _KINDS, "effect")
    return effect
