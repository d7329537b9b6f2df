"""Buttons and questions asked back: what a press (or the typed label or number of an option) means."""

from __future__ import annotations

from typing import TYPE_CHECKING

from dialogs.conversation import wording as summary
from dialogs.conversation.recognise import Command
from dialogs.fields import ParseResult
from dialogs.messages import t

if TYPE_CHECKING:
    from dialogs.conversation.engine import Turn


def on_pick(turn: Turn, data: str) -> None:
    """Handle a button press: ``cmd:<command>``, ``field:<id>`` (edit it), ``opt:<n>`` or ``opt:yes|no``."""
    kind, _, value = data.partition(":")
    if kind == "cmd":
        turn.flush_buffer()
        turn.run(Command(value))
    elif kind == "field" and turn.template.has_field(value):
        turn.flush_buffer()
        turn.state.pending = None
        turn.edit_field(turn.template.field(value))
    elif kind == "opt" and value in {"yes", "no"}:
        turn.on_text(t("engine.button.yes" if value == "yes" else "engine.button.no"))
    elif kind == "opt" and value.isdigit():
        if turn.state.pending:
            resolve_pending(turn, str(int(value) + 1), by_index=True)
            return
        field = turn.current()
        if field is not None and field.options and int(value) < len(field.options):
            turn.on_text(field.options[int(value)].label)
        else:
            turn.ask_current()
    else:
        turn.tell("engine.unknown_button")
        turn.ask_current()


def resolve_pending(turn: Turn, text: str, by_index: bool = False) -> bool:
    """Answer a question asked back (which value was meant, which item to edit). True if ``text`` did."""
    pending = turn.state.pending or {}
    picked = summary.pick_choice(text, pending.get("choices") or [], by_index=by_index)
    turn.state.pending = None
    if picked is None:
        return False
    if pending.get("kind") == "edit":
        turn.edit_field(turn.template.field(str(picked["value"])))
        return True
    field = turn.current()
    if field is None:
        return False
    result = ParseResult(ok=True, value=picked["value"], display=str(picked.get("display") or picked["label"]))
    turn.accept(field, result, str(pending.get("raw", text)))
    return True
