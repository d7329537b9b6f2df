"""Submitting a report: the confirmation, the frozen version with its receipt number, and revisions."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import TYPE_CHECKING, Any

from dialogs.conversation import wording as summary
from dialogs.conversation.state import ASKING, REVIEW, SUBMITTED, State
from dialogs.effects import Submitted, VersionOpened
from dialogs.fields import parse
from dialogs.template.model import Template

if TYPE_CHECKING:
    from dialogs.conversation.engine import Turn


def confirm(turn: Turn, text: str) -> None:
    """The user answers "Nộp báo cáo?": yes submits, no goes back to the review."""
    result = parse("yesno", text, None, turn.now.date())
    if result.ok and result.value is True:
        submit_now(turn)
    elif result.ok:
        turn.state.mode = REVIEW
        turn.tell("engine.submit_cancelled")
    else:
        turn.tell("engine.confirm_unclear", buttons=summary.confirm_buttons())


def submit_now(turn: Turn) -> None:
    """Freeze the answers as a submitted version and give the receipt."""
    st = turn.state
    answers = {k: v.to_json() for k, v in st.answers.items()}
    ref = reference(turn.template, st, answers, turn.now)
    st.submitted.append({"version": st.version, "ref": ref, "at": turn.now.isoformat()})
    st.mode = SUBMITTED
    st.cursor = None
    turn.effects.append(Submitted(st.version, ref, answers))
    turn.say(summary.receipt(turn.template, st, ref, turn.now))


def open_new_version(turn: Turn) -> None:
    """Editing after submission: a new draft version; the submitted one stays as it was."""
    st = turn.state
    st.version += 1
    st.mode = ASKING
    turn.effects.append(VersionOpened(st.version))
    turn.tell("engine.new_version", version=st.version)


def reference(template: Template, state: State, answers: dict[str, Any], now: datetime) -> str:
    """A receipt number derived from the content and time (no randomness): ``BC-251124-1A2B3C``."""
    blob = json.dumps([template.id, template.digest, state.version, answers, now.isoformat()], sort_keys=True,
                      ensure_ascii=False, default=str)
    return f"BC-{now:%y%m%d}-{hashlib.sha256(blob.encode()).hexdigest()[:6].upper()}"
