"""What the engine's messages say, as message ids and parameters: questions, buttons, the review, the receipt.

The words are in :mod:`dialogs.messages`; this module picks the messages and fills their parameters
with the template's prompts and the report's answers. Nothing here is rendered.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import datetime
from typing import Any

from dialogs.answers import AnswerRecord
from dialogs.conversation import flow
from dialogs.effects import Button
from dialogs.messages import ref, t
from dialogs.template.model import NUMERIC_TYPES, Field, Template
from dialogs.vietnamese.cleaning import index
from dialogs.vietnamese.format import format_date_long
from dialogs.vietnamese.text import fold

#: How much of a long answer the summary shows.
SNIPPET = 80


def short(text: str, limit: int = SNIPPET) -> str:
    """``text`` on one line, cut to ``limit`` characters with an ellipsis."""
    one_line = " ".join(text.split())
    return one_line if len(one_line) <= limit else one_line[: limit - 1].rstrip() + "…"


#: A free text is shown up to this length in the summary (its start is enough to recognise it); every other
#: answer — a list of choices, a figure, a reference — is shown whole, so that it can be checked.
TEXT_SNIPPET = 300


def shown(record: AnswerRecord | None, whole: bool = False) -> Any:
    """An answer as the summary shows it (a message for "missing", "không có" and "bỏ qua"); ``whole``: a
    free text too is shown in full (when the user is asked to change it)."""
    if record is None:
        return ref("engine.summary.missing")
    if record.status == "none":
        return ref("engine.summary.none")
    if record.status == "skipped":
        return ref("engine.summary.skipped")
    text = record.display or ("" if record.value is None else str(record.value))
    if record.qualifier and not fold(text).startswith(fold(record.qualifier)):
        text = f"{record.qualifier} {text}"
    if whole:
        return text
    return short(text, TEXT_SNIPPET) if record.field_type in ("text", "") else " ".join(text.split())


def question(template: Template, answers: Mapping[str, AnswerRecord], field: Field,
             brief: bool = False) -> dict[str, Any]:
    """The parameters of ``engine.question`` for ``field``: where it is, the prompt, help, an example,
    the options, and the current answer (flagged when it must be checked again)."""
    number, total = flow.position(template, answers, field.id)
    current = answers.get(field.id)
    shows_example = bool(field.help) and not brief and "vi du" in fold(field.help)
    reason = flow.flag(field, current)
    return {
        "field": field.id,
        "head": ref("engine.ask.head", section=field.section, number=number, total=total),
        "prompt": field.prompt,
        "help": ref("engine.ask.help", help=field.help) if field.help and not brief else "",
        "example": ref("engine.ask.example", example=field.example) if field.example and not shows_example else "",
        "options": [f"{i}. {o.label}" for i, o in enumerate(field.options, start=1)],
        "multichoice": ref("engine.ask.multichoice") if field.type == "multichoice" else "",
        "long_text": ref("engine.ask.long_text") if flow.is_long_text(field) and not brief else "",
        "none_allowed": ref("engine.ask.none_allowed") if field.allow_none and not brief else "",
        "current": ref("engine.ask.current", answer=shown(current, whole=True)) if current is not None and not reason
        else "",
        "flag": ref("engine.ask.flagged", answer=shown(current), reason=ref(f"engine.flag.{reason}")) if reason else "",
    }


def buttons(field: Field, current: AnswerRecord | None) -> tuple[Button, ...]:
    """Buttons for a question: the options or yes/no, "không có", "bỏ qua", "giữ nguyên"."""
    out: list[Button] = []
    if field.type == "yesno":
        out.extend(yesno_buttons(field.id))
    elif field.type == "choice":
        out.extend(Button(f"opt:{field.id}:{i}", label=o.label) for i, o in enumerate(field.options))
    if field.allow_none:
        out.append(Button("cmd:none", msg="engine.button.none"))
    if not field.required:
        out.append(Button("cmd:skip", msg="engine.button.skip"))
    if current is not None and not flow.flag(field, current):
        out.append(Button("cmd:keep", msg="engine.button.keep"))
    return tuple(out)


def yesno_buttons(field_id: str) -> tuple[Button, ...]:
    """Có / Không, for the question about ``field_id``."""
    return (Button(f"opt:{field_id}:yes", msg="engine.button.yes"),
            Button(f"opt:{field_id}:no", msg="engine.button.no"))


def confirm_buttons() -> tuple[Button, ...]:
    """Đồng ý nộp / Xem lại / Chưa nộp."""
    return (
        Button("cmd:confirm", msg="engine.button.confirm_submit"),
        Button("cmd:review", msg="engine.button.review"),
        Button("cmd:cancel", msg="engine.button.cancel"),
    )


def edit_buttons(fields: list[Field]) -> tuple[Button, ...]:
    """One button per field to jump to it."""
    return tuple(Button(f"field:{f.id}", label=short(f"{f.section} {f.name}", 40)) for f in fields)


def pick_choice(text: str, choices: Collection[Mapping[str, Any]]) -> Mapping[str, Any] | None:
    """Which choice ``text`` names: by its label first, then by its number; None if neither."""
    listed = list(choices)
    folded = fold(text)
    for choice in listed:
        if fold(str(choice["label"])) == folded:
            return choice
    if any(index(fold(str(c["label"]))) is not None for c in listed):
        return None
    number = index(folded)
    if number is not None and 1 <= number <= len(listed):
        return listed[number - 1]
    return None


def choice_buttons(choices: Collection[Mapping[str, Any]]) -> tuple[Button, ...]:
    """One button per choice of a question asked back (its value is the choice's position)."""
    return tuple(Button(f"pick:{i}", label=str(c["label"])) for i, c in enumerate(choices))


def group_display(field: Field, items: list[dict[str, Any]]) -> str:
    """A group's records in one line, as stored with the answer: "2 gương: Nguyễn Văn A; Trần Thị B"."""
    if not items:
        return t("engine.summary.none")
    first = field.fields[0].id if field.fields else ""
    names = "; ".join(str(item.get(first) or "…") for item in items)
    return t("engine.group.display", count=len(items), noun=field.unit or t("engine.group.record"), names=names)


def record_line(field: Field, item: dict[str, Any]) -> str:
    """One record of a group on one line: its columns' values, "—" for an empty one."""
    return "; ".join(short(str(item.get(c.id) or "—"), 80) for c in field.fields)


def review(template: Template, answers: Mapping[str, AnswerRecord], version: int) -> dict[str, Any]:
    """The parameters of ``engine.review``: every applicable question, numbered, with its answer, what is
    missing, and what must be checked again."""
    items: list[Any] = []
    section = None
    applicable = flow.applicable(template, answers)
    for number, field in enumerate(applicable, start=1):
        if field.section != section:
            section = field.section
            items.append(ref("engine.summary.section", section=section))
        record = answers.get(field.id)
        reason = flow.flag(field, record)
        if reason:
            items.append(ref("engine.summary.item_flagged", number=number, prompt=short(field.name, 60),
                             answer=shown(record), reason=ref(f"engine.flag.{reason}")))
        else:
            items.append(ref("engine.summary.item", number=number, prompt=short(field.name, 60), answer=shown(record)))
    missing = flow.missing_required(template, answers)
    answered = sum(flow.is_done(f, answers) for f in applicable)
    return {
        "title": template.meta.title,
        "version": version,
        "items": items,
        "answered": answered,
        "total": len(applicable),
        "missing": len(missing),
    }


def receipt(template: Template, answers: Mapping[str, AnswerRecord], version: int, ref_no: str,
            now: datetime) -> dict[str, Any]:
    """The parameters of ``engine.receipt``: reference number, when, what was recorded, the figures."""
    figures = []
    applicable = flow.applicable(template, answers)
    for field in applicable:
        record = answers.get(field.id)
        if record and record.status == "answered" and field.type in NUMERIC_TYPES:
            figures.append(ref("engine.receipt.figure", prompt=short(field.name, 60), answer=shown(record)))
    return {
        "ref": ref_no,
        "version": version,
        "title": template.meta.title,
        "when": f"{now:%H:%M} {format_date_long(now.date())}",
        "answered": sum(flow.is_done(f, answers) for f in applicable),
        "figures": figures or [ref("engine.receipt.no_figures")],
    }


#: How many of the fields that block a submission are listed by name.
LISTED = 10


def missing_lines(fields: list[Field]) -> list[str]:
    """ "- I.2 Tên mục" lines for the fields that block submission (at most :data:`LISTED`)."""
    return [f"- {f.section} {short(f.name, 60)}" for f in fields[:LISTED]]
