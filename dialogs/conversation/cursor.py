"""Moving the conversation: which wait comes next (the field to answer, a group's column, the review).

Nothing here speaks: each move sets what the state waits for and asks for the question to be put at
the end of the turn.
"""

from __future__ import annotations

from dialogs.conversation import flow
from dialogs.conversation.context import Turn
from dialogs.conversation.state import GroupProgress, Wait
from dialogs.template.model import Field


def go_to(turn: Turn, field: Field) -> None:
    """Wait for ``field``'s answer (picking up a group where it was left)."""
    st = turn.state
    if st.wait.field != field.id:
        st.failures = 0
        if st.buffer and st.wait.field:
            st.drafts[st.wait.field] = st.buffer  # an unfinished paragraph waits for its field
        st.buffer = []
    if field.type == "group":
        if st.group is None or st.group.field != field.id:
            st.group = GroupProgress(field.id)
        st.wait = Wait("column", field.id, next_column(field, st.group))
    elif flow.is_long_text(field):
        if not st.buffer:
            st.buffer = st.drafts.pop(field.id, [])
        st.wait = Wait("text", field.id)
    else:
        st.wait = Wait("answer", field.id)
    turn.reask()


def next_column(field: Field, progress: GroupProgress) -> str:
    """The first column of the record being typed that has no value yet."""
    for column in field.fields:
        if column.id not in progress.item:
            return column.id
    return field.fields[0].id if field.fields else ""


def review(turn: Turn) -> None:
    """Nothing left to ask: wait at the review (after an edit begun there, one line instead of the summary)."""
    st = turn.state
    st.wait = Wait("review")
    st.failures = 0
    if st.from_review:
        st.from_review = False
        missing = len(flow.missing_required(turn.template, turn.answers))
        turn.say("engine.review_back", missing=missing)
        return
    turn.reask()


def move_on(turn: Turn) -> None:
    """Go back to where the user was after an edit, else to the first unanswered question, else the review."""
    st = turn.state
    st.failures = 0
    target = turn.field(st.return_to)
    st.return_to = None
    nxt = flow.next_field(turn.template, turn.answers, st.deferred)
    follow = _depending_on(turn, turn.answered)
    if target is not None and follow is not None and follow.id != target.id:
        # The answer just given (in an edit) opened questions about it ("Có gương điển hình?" → "có"): ask
        # them now, while the user has it in mind, then go back to where they were.
        go_to(turn, follow)
        st.return_to = target.id
        return
    if target is not None:
        unfinished = st.group is not None and st.group.field == target.id
        if (unfinished or not flow.is_done(target, turn.answers)) and flow.applies(target, flow.values(turn.answers)):
            if nxt is not None and nxt.id != target.id and flow.comes_before(turn.template, nxt.id, target.id):
                # The edit made an earlier question apply: ask it first, then go back.
                go_to(turn, nxt)
                st.return_to = target.id
                return
            go_to(turn, target)
            return
    if nxt is not None:
        go_to(turn, nxt)
    else:
        review(turn)


def _depending_on(turn: Turn, field_id: str) -> Field | None:
    """The first question still to answer whose condition names ``field_id`` (None when there is none)."""
    if not field_id:
        return None
    vals = flow.values(turn.answers)
    for f in turn.template.fields():
        if (f.when and field_id in flow.expression(f.when).names and flow.applies(f, vals)
                and f.id not in turn.answers and f.id not in turn.state.deferred):
            return f
    return None


def edit(turn: Turn, field: Field) -> None:
    """Jump to ``field`` to change its answer; afterwards come back to where the user was."""
    st = turn.state
    turn.ensure_draft()
    st.from_review = st.from_review or st.wait.kind == "review"
    here = turn.current()
    if here is not None and here.id != field.id and st.return_to is None and not flow.is_done(here, turn.answers):
        st.return_to = here.id
    items: list[dict[str, object]] = []
    if field.type == "group" and (st.group is None or st.group.field != field.id):
        record = turn.answers.get(field.id)
        if record is not None and isinstance(record.value, list):
            items = [dict(i) for i in record.value if isinstance(i, dict)]
        # Start from the records it has (the list is saved again only when the user says it is done).
        st.group = GroupProgress(field.id, items=items)
    go_to(turn, field)
    if items:
        st.wait = Wait("more", field.id)  # the list, and what to change in it
