"""How the engine words things: questions, buttons, the review summary and the receipt.

The words themselves are in :mod:`dialogs.messages`; this module puts them together with the
template's prompts and the user's answers.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from dialogs.answers import AnswerRecord
from dialogs.conversation import flow
from dialogs.conversation.state import State
from dialogs.effects import Button
from dialogs.messages import t
from dialogs.template.model import Field, Template
from dialogs.vietnamese.format import format_date_long
from dialogs.vietnamese.text import fold

#: How much of a long answer the summary shows.
SNIPPET = 80


def short(text: str, limit: int = SNIPPET) -> str:
    """``text`` on one line, cut to ``limit`` characters with an ellipsis."""
    one_line = " ".join(text.split())
    return one_line if len(one_line) <= limit else one_line[: limit - 1].rstrip() + "…"


def shown(record: AnswerRecord | None) -> str:
    """An answer as the summary shows it."""
    if record is None:
        return t("engine.summary.missing")
    if record.status == "none":
        return t("engine.summary.none")
    if record.status == "skipped":
        return t("engine.summary.skipped")
    text = record.display or ("" if record.value is None else str(record.value))
    if record.qualifier:
        text = f"{record.qualifier} {text}"
    return short(text)


def question(field: Field, number: int, total: int, current: AnswerRecord | None, brief: bool = False) -> str:
    """The question for ``field``: where it is, the prompt, help, an example, and the current answer."""
    lines = [t("engine.ask.head", section=field.section, number=number, total=total), field.prompt]
    shows_example = bool(field.help) and not brief and "vi du" in fold(field.help)
    if not brief and field.help:
        lines.append(t("engine.ask.help", help=field.help))
    if field.example and not shows_example:
        lines.append(t("engine.ask.example", example=field.example))
    if field.options:
        lines.extend(f"{i}. {o.label}" for i, o in enumerate(field.options, start=1))
        if field.type == "multichoice":
            lines.append(t("engine.ask.multichoice"))
    if flow.is_long_text(field) and not brief:
        lines.append(t("engine.ask.long_text"))
    if field.allow_none and not brief:
        lines.append(t("engine.ask.none_allowed"))
    if current is not None:
        lines.append(t("engine.ask.current", answer=shown(current)))
    return "\n".join(lines)


def buttons(field: Field, current: AnswerRecord | None) -> tuple[Button, ...]:
    """Buttons for a question: the options or yes/no, "không có", "bỏ qua", "giữ nguyên"."""
    out: list[Button] = []
    if field.type == "yesno":
        out.extend(yesno_buttons())
    elif field.type == "choice":
        out.extend(Button(o.label, f"opt:{i}") for i, o in enumerate(field.options))
    if field.allow_none:
        out.append(Button(t("engine.button.none"), "cmd:none"))
    if not field.required:
        out.append(Button(t("engine.button.skip"), "cmd:skip"))
    if current is not None:
        out.append(Button(t("engine.button.keep"), "cmd:keep"))
    return tuple(out)


def yesno_buttons() -> tuple[Button, ...]:
    """Có / Không."""
    return (Button(t("engine.button.yes"), "opt:yes"), Button(t("engine.button.no"), "opt:no"))


def confirm_buttons() -> tuple[Button, ...]:
    """Nộp / Xem lại / Sửa."""
    return (
        Button(t("engine.button.confirm_submit"), "cmd:confirm"),
        Button(t("engine.button.review"), "cmd:review"),
        Button(t("engine.button.cancel"), "cmd:cancel"),
    )


def edit_buttons(fields: list[Field]) -> tuple[Button, ...]:
    """One button per field to jump to it."""
    return tuple(Button(short(f"{f.section} {f.name}", 40), f"field:{f.id}") for f in fields)


def option_by_number(field: Field, text: str) -> str:
    """For choice fields, "2" (or "1, 3") means the options with those numbers; other text is unchanged."""
    if not field.options:
        return text
    parts = [p.strip() for p in text.replace(";", ",").replace(" va ", ",").split(",") if p.strip()]
    if parts and all(p.isdigit() and 1 <= int(p) <= len(field.options) for p in parts):
        if field.type == "choice" and len(parts) > 1:
            return text
        return ", ".join(field.options[int(p) - 1].label for p in parts)
    return text


def pick_choice(text: str, choices: list[dict[str, Any]], by_index: bool = False) -> dict[str, Any] | None:
    """Which choice ``text`` names: by its label first, then by its number; None if neither."""
    folded = fold(text)
    if not by_index:
        for choice in choices:
            if fold(str(choice["label"])) == folded:
                return choice
        if any(fold(str(c["label"])).isdigit() for c in choices):
            return None
    if folded.isdigit() and 1 <= int(folded) <= len(choices):
        return choices[int(folded) - 1]
    return None


def group_display(field: Field, items: list[dict[str, Any]]) -> str:
    """A group's records in one line: "2 gương: Nguyễn Văn A; Trần Thị B"."""
    if not items:
        return t("engine.summary.none")
    first = field.fields[0].id if field.fields else ""
    names = "; ".join(str(item.get(first) or "…") for item in items)
    return t("engine.group.display", count=len(items), noun=field.unit or t("engine.group.record"), names=names)


def review(template: Template, state: State) -> str:
    """The summary: every applicable question, numbered, with its answer or what is missing."""
    lines = [t("engine.summary.title", title=template.meta.title, version=state.version)]
    section = None
    for number, field in enumerate(flow.applicable(template, state), start=1):
        if field.section != section:
            section = field.section
            lines.append(t("engine.summary.section", section=section))
        lines.append(t("engine.summary.item", number=number, prompt=short(field.name, 60),
                       answer=shown(state.answers.get(field.id))))
    missing = flow.missing_required(template, state)
    lines.append(t("engine.summary.counts", answered=sum(flow.is_done(f.id, state) for f in
                                                          flow.applicable(template, state)),
                   total=len(flow.applicable(template, state)), missing=len(missing)))
    lines.append(t("engine.summary.how_to_edit"))
    return "\n".join(lines)


def receipt(template: Template, state: State, ref: str, now: datetime) -> str:
    """The receipt after submitting: reference number, when, what was recorded, and the figures."""
    figures = []
    for field in flow.applicable(template, state):
        record = state.answers.get(field.id)
        if record and record.status == "answered" and field.type in {"integer", "decimal", "percent", "money"}:
            figures.append(t("engine.receipt.figure", prompt=short(field.name, 60), answer=shown(record)))
    answered = sum(flow.is_done(f.id, state) for f in flow.applicable(template, state))
    return t(
        "engine.receipt",
        ref=ref,
        version=state.version,
        title=template.meta.title,
        when=f"{now:%H:%M} {format_date_long(now.date())}",
        answered=answered,
        figures="\n".join(figures) or t("engine.receipt.no_figures"),
    )
