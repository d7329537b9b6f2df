"""Submitting a report: what blocks it, the confirmation, the frozen version with its receipt number."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Any

from dialogs.conversation import cursor, flow, wording
from dialogs.conversation.context import Turn
from dialogs.conversation.report import RETURNED, SUBMITTED
from dialogs.conversation.state import Wait
from dialogs.effects import Submitted
from dialogs.messages import ref
from dialogs.template.model import Template


def request(turn: Turn) -> None:
    """"nộp": list what still blocks submission (and ask the first), else ask to confirm."""
    if turn.report.submitted:
        turn.reask()
        return
    missing = flow.missing_required(turn.template, turn.answers)
    flagged = [f for f in flow.flagged(turn.template, turn.answers) if f not in missing]
    blocking = missing + flagged
    if blocking:
        more = ref("engine.submit_more", count=len(blocking) - wording.LISTED) if len(blocking) > wording.LISTED else ""
        turn.say("engine.submit_missing", count=len(blocking), items=wording.missing_lines(blocking), more=more)
        first = blocking[0]
        if first.id in turn.state.deferred:
            turn.state.deferred.remove(first.id)
        cursor.go_to(turn, first)
        return
    turn.state.wait = Wait("confirm")
    turn.reask()


def confirm(turn: Turn, yes: bool) -> None:
    """The answer to "Nộp báo cáo?": yes submits, no goes back to the review."""
    if yes:
        submit_now(turn)
    else:
        turn.state.wait = Wait("review")
        turn.say("engine.submit_cancelled")


def submit_now(turn: Turn) -> None:
    """Freeze the answers as a submitted version and give the receipt."""
    if flow.missing_required(turn.template, turn.answers) or flow.flagged(turn.template, turn.answers):
        request(turn)  # a colleague's change since the confirmation question: list what blocks it now
        return
    if turn.report.status == RETURNED:
        turn.ensure_draft()  # a returned version stays returned: submitting it again makes the next one
    report = turn.report
    answers = {k: v.to_json() for k, v in report.answers.items() if turn.template.has_field(k)}
    ref = reference(turn.template, report.version, answers, turn.now)
    report.status, report.ref = SUBMITTED, ref
    turn.state.wait = Wait("review")
    turn.effects.append(Submitted(report.version, ref, answers))
    turn.say("engine.receipt", **wording.receipt(turn.template, report.answers, report.version, ref, turn.now))


def reference(template: Template, version: int, answers: dict[str, Any], now: datetime) -> str:
    """A receipt number derived from the content and time (no randomness): ``BC-251124-1A2B3C``."""
    blob = json.dumps([template.id, template.digest, version, answers, now.isoformat()], sort_keys=True,
                      ensure_ascii=False, default=str)
    return f"BC-{now:%y%m%d}-{hashlib.sha256(blob.encode()).hexdigest()[:6].upper()}"
