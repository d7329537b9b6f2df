"""What an input means depends on what the conversation waits for: one row per wait, in one table.

A row says which commands are taken as commands while waiting there, which yes/no words answer the
question instead ("không" answers "Còn gương nào nữa không?"), what typed text does, and what a button's
value does. Buttons carry values: they are never read again as typed text.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from rapidfuzz import fuzz

from dialogs.conversation import answering, asking, commands, cursor, flow, groups, proposals, submission, wording
from dialogs.conversation.context import Turn
from dialogs.conversation.recognise import Command, label, near, recognise
from dialogs.conversation.state import Wait
from dialogs.fields import ParseResult, parse
from dialogs.messages import t
from dialogs.template.model import Field
from dialogs.vietnamese.cleaning import index
from dialogs.vietnamese.text import fold

#: The commands that close a paragraph being sent in several messages (and save it) before they act.
CLOSE_TEXT = frozenset({"done", "submit", "confirm"})

#: Commands that leave the question on screen as it is: while a proposal waits, they do not settle it.
STAY = frozenset({"help", "review", "progress", "contact", "compile", "unknown"})
#: A corrected version resembles what was typed at least this much (0–100, folded); anything else is unclear.
CORRECTED = 60.0

#: Commands taken as such wherever the conversation waits.
EVERYWHERE = frozenset({"start", "resume", "review", "edit", "back", "skip", "later", "pause", "help", "contact",
                        "submit", "none", "keep", "progress", "compile", "unknown"})


@dataclass(frozen=True)
class Rules:
    """How one wait takes text, commands and button values."""

    #: Typed text that is not taken as a command.
    text: Callable[[Turn, str], None]
    #: A button's value for the question of this wait (``opt:<field>:<value>`` without the prefix).
    option: Callable[[Turn, str], None]
    commands: frozenset[str] = EVERYWHERE
    #: Whether the question is a yes/no one: its yes/no words answer it and are no commands.
    yesno: bool = False
    #: Text this wait takes before any command is looked for (True when it took it).
    first: Callable[[Turn, str], bool] | None = None


def on_text(turn: Turn, text: str) -> None:
    """Dispatch typed text by the rules of the current wait."""
    kind = effective(turn)
    rules = RULES[kind]
    if rules.first is not None and rules.first(turn, text):
        return
    command = recognise(text)
    if command is not None and takes(turn, rules, command, text):
        on_command(turn, command)
        return
    typo = near(text) if kind == "text" else None
    if typo is not None:  # "xog": a command mistyped, or a word of the paragraph? Ask, don't guess.
        turn.state.wait = Wait("maybe_command", turn.state.wait.field, raw=text,
                               choices=({"label": label(typo.name), "value": typo.name},))
        turn.reask()  # the question of that wait (dialogs.conversation.asking)
        return
    rules.text(turn, text)


def on_command(turn: Turn, command: Command) -> None:
    """Carry out a command (typed, or from a button: always meant as one).

    Inside a paragraph sent in several messages only "xong" and "nộp" close it; any other command acts on
    the question on screen and leaves the paragraph open, to be continued there."""
    if turn.state.wait.kind == "diacritics" and command.name not in STAY:
        settle(turn, turn.state.wait.raw)  # a command instead of an answer: the text is kept as typed, and said so
    if turn.state.wait.kind == "text" and command.name in CLOSE_TEXT:
        if not answering.flush(turn):
            turn.reask(brief=True)
            return
        if turn.state.wait.kind == "diacritics":  # the closed paragraph is proposed back first
            return
    if command.name == "confirm" and turn.state.wait.kind != "confirm":
        submission.request(turn)  # an old "Đồng ý nộp" button: ask again, with what may have changed
        return
    commands.run(turn, command)


def on_option(turn: Turn, field_id: str, value: str) -> None:
    """A button for an option of ``field_id``'s question; a button of an earlier question is refused."""
    wait = turn.state.wait
    if field_id and field_id != wait.field:
        turn.say("engine.stale_button")
        turn.reask()
        return
    RULES[effective(turn)].option(turn, value)


def on_pick(turn: Turn, index: int) -> None:
    """A button for one of the choices of a question asked back."""
    wait = turn.state.wait
    if wait.kind not in ("choose", "pick_field") or not 0 <= index < len(wait.choices):
        turn.say("engine.stale_button")
        turn.reask()
        return
    _picked(turn, index)


def effective(turn: Turn) -> str:
    """The wait whose rules apply: a submitted report waits for a command, whatever was asked before."""
    kind = turn.state.wait.kind
    if turn.report.submitted and kind != "pick_field":
        return "submitted"
    return kind


def takes(turn: Turn, rules: Rules, command: Command, text: str) -> bool:
    """Whether ``command`` is meant as one here."""
    if command.name not in rules.commands:
        return False
    field = turn.current()
    yesno = rules.yesno or (turn.state.wait.kind == "answer" and field is not None and field.type == "yesno")
    if yesno and command.name not in ("submit", "confirm") and is_yesno(turn, text):
        return False
    if command.name == "keep" and turn.state.wait.kind == "column":
        data = turn.state.group
        return data is not None and data.editing is not None
    if command.name == "keep":
        return field is not None and flow.is_done(field, turn.answers)
    in_paragraph = turn.state.wait.kind == "text" and bool(turn.state.buffer)
    if in_paragraph and command.name == "none":
        return False  # "không có" in the middle of a long text is part of it
    # "Sửa chữa trụ sở …" inside a paragraph: words, not a command.
    return not (in_paragraph and command.name == "edit" and command.arg
                and not commands.resolve_target(turn, command.arg))


def is_yesno(turn: Turn, text: str) -> bool:
    """Whether ``text`` reads as yes or no."""
    return parse("yesno", text, None, turn.now.date()).ok


# ---- the waits ---------------------------------------------------------------------------------------------
def _field(turn: Turn) -> Field | None:
    field = turn.current()
    if field is None:
        cursor.move_on(turn)
    return field


def _on_field(action: Callable[[Turn, Field, str], None]) -> Callable[[Turn, str], None]:
    """Typed text taken by ``action`` for the field waited on (or, if the template lost it, move on)."""

    def take(turn: Turn, text: str) -> None:
        field = _field(turn)
        if field is not None:
            action(turn, field, text)

    return take


def _answer_option(turn: Turn, value: str) -> None:
    field = _field(turn)
    if field is None:
        return
    if field.type == "yesno" and value in ("yes", "no"):
        yes = value == "yes"
        shown = t("parse.yes" if yes else "parse.no")
        answering.accept(turn, field, ParseResult(ok=True, value=yes, display=shown), shown)
    elif (number := index(value)) is not None and number < len(field.options):
        option = field.options[number]
        answering.accept(turn, field, ParseResult(ok=True, value=option.value, display=option.label), option.label)
    else:
        turn.say("engine.stale_button")
        turn.reask()


def _more_text(turn: Turn, text: str) -> None:
    field = _field(turn)
    if field is None:
        return
    result = parse("yesno", text, None, turn.now.date())
    if not result.ok:
        turn.say_problem(answering.parse_problem(result))
        turn.reask()
        return
    groups.answer_more(turn, field, bool(result.value))


def _more_option(turn: Turn, value: str) -> None:
    field = _field(turn)
    if field is None:
        return
    if value in ("yes", "no"):
        groups.answer_more(turn, field, value == "yes")
    else:
        _stale(turn, value)


def _try_pick(turn: Turn, text: str) -> bool:
    wait = turn.state.wait
    picked = wording.pick_choice(text, wait.choices)
    if picked is None:
        return False
    _picked(turn, next(i for i, c in enumerate(wait.choices) if c is picked))
    return True


def _choose_text(turn: Turn, text: str) -> None:
    # Not one of the readings offered: a new answer to the same question.
    _back_to_question(turn)
    on_text(turn, text)


def _pick_field_text(turn: Turn, text: str) -> None:
    # Not one of the fields offered: back to where the user was, and take the text there.
    cursor.move_on(turn)
    turn.asking = None
    on_text(turn, text)


def _back_to_question(turn: Turn) -> None:
    field = turn.current()
    if field is not None:
        column = turn.state.wait.column
        cursor.go_to(turn, field)
        if column and field.type == "group":
            turn.state.wait = Wait("column", field.id, column)
    else:
        cursor.move_on(turn)
    turn.asking = None


def _picked(turn: Turn, index: int) -> None:
    wait = turn.state.wait
    choice = wait.choices[index]
    if wait.kind == "pick_field":
        target = turn.field(str(choice["value"]))
        if target is None:
            cursor.move_on(turn)
        else:
            cursor.edit(turn, target)
        return
    field = turn.current()
    if field is None:
        cursor.move_on(turn)
        return
    result = ParseResult(ok=True, value=choice["value"], display=str(choice.get("display") or choice["label"]),
                         approximate=bool(choice.get("approximate")), qualifier=str(choice.get("qualifier") or ""))
    column = groups.column_of(field, wait.column) if wait.column else None
    if column is not None:
        groups.put(turn, field, column, result.value)
    else:
        answering.accept(turn, field, result, wait.raw or str(choice["label"]))


def _maybe_answer(turn: Turn, yes: bool) -> None:
    """The answer to "Ý anh/chị là «xong»?": yes runs the command, no keeps the word in the paragraph."""
    wait = turn.state.wait
    field = turn.field(wait.field)
    if field is None:
        cursor.move_on(turn)
        return
    turn.state.wait = Wait("text", field.id)
    if yes:
        on_command(turn, Command(str(wait.choices[0]["value"])))
    else:
        answering.add_part(turn, field, wait.raw)


def _maybe_text(turn: Turn, text: str) -> None:
    result = parse("yesno", text, None, turn.now.date())
    if result.ok:
        _maybe_answer(turn, bool(result.value))
        return
    # Neither: back to the paragraph, and this message is a new part of it (or a command).
    turn.state.wait = Wait("text", turn.state.wait.field)
    on_text(turn, text)


def _maybe_option(turn: Turn, value: str) -> None:
    if value in ("yes", "no"):
        _maybe_answer(turn, value == "yes")
    else:
        _stale(turn, value)


def settle(turn: Turn, text: str | None) -> None:
    """Answer the diacritics proposal (None: take it); a group's column goes into its record."""
    column = proposals.settle(turn, text)
    if column is not None:
        groups.put(turn, *column)


def _diacritics_text(turn: Turn, text: str) -> None:
    wait = turn.state.wait
    result = parse("yesno", text, None, turn.now.date())
    if result.ok:
        settle(turn, None if result.value else wait.raw)
    elif fuzz.ratio(fold(text), fold(wait.raw)) >= CORRECTED:
        settle(turn, text)
    else:  # neither yes, no, nor the same text corrected (the next answer typed too soon?): ask again
        turn.say("engine.diacritics.unclear")
        turn.reask()


def _diacritics_option(turn: Turn, value: str) -> None:
    if value in ("yes", "no"):
        settle(turn, None if value == "yes" else turn.state.wait.raw)
    else:
        _stale(turn, value)


def _review_text(turn: Turn, text: str) -> None:
    turn.say("engine.review_hint")
    turn.reask(brief=True)


def _confirm_text(turn: Turn, text: str) -> None:
    result = parse("yesno", text, None, turn.now.date())
    if result.ok:
        submission.confirm(turn, bool(result.value))
    else:
        turn.say("engine.confirm_unclear", wording.confirm_buttons())


def _confirm_option(turn: Turn, value: str) -> None:
    if value in ("yes", "no"):
        submission.confirm(turn, value == "yes")
    else:
        _stale(turn, value)


def _submitted_text(turn: Turn, text: str) -> None:
    asking.already_submitted(turn)


def _stale(turn: Turn, value: str) -> None:
    turn.say("engine.stale_button")
    turn.reask()


def _start_text(turn: Turn, text: str) -> None:
    commands.start(turn)


RULES: dict[str, Rules] = {
    "start": Rules(_start_text, _stale),
    "answer": Rules(_on_field(answering.answer), _answer_option),
    "text": Rules(_on_field(answering.add_part), _stale, EVERYWHERE | {"done", "redo", "append"}),
    "column": Rules(_on_field(groups.answer_column), _stale, EVERYWHERE | {"done"}),
    "more": Rules(_more_text, _more_option, EVERYWHERE | {"done", "delete"}, yesno=True),
    "choose": Rules(_choose_text, _stale, EVERYWHERE | {"cancel"}, first=_try_pick),
    "pick_field": Rules(_pick_field_text, _stale, EVERYWHERE | {"cancel"}, first=_try_pick),
    "review": Rules(_review_text, _stale),
    "confirm": Rules(_confirm_text, _confirm_option, EVERYWHERE | {"confirm", "cancel"}, yesno=True),
    "submitted": Rules(_submitted_text, _stale),
    "maybe_command": Rules(_maybe_text, _maybe_option, EVERYWHERE, yesno=True),
    "diacritics": Rules(_diacritics_text, _diacritics_option, EVERYWHERE | {"done"}, yesno=True),
}
