"""Repeated groups: a list of records (e.g. điển hình tiên tiến: họ tên, chức vụ, thành tích) asked column by column.

The group's progress lives in ``state.group`` = {"field", "items", "item", "col", "phase"} so that a user
can leave mid-record and come back to it; the whole list is saved as one answer when the user says
there are no more.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from dialogs.conversation import flow
from dialogs.conversation import wording as summary
from dialogs.effects import Ask, Button
from dialogs.fields import ParseResult, parse
from dialogs.messages import t
from dialogs.template.model import Field

if TYPE_CHECKING:
    from dialogs.conversation.engine import Turn


class GroupFlow:
    """Asks a repeated group's records one column at a time."""

    def __init__(self, turn: Turn) -> None:
        self.turn = turn

    @property
    def data(self) -> dict[str, Any]:
        """The group's progress (created on first use)."""
        assert self.turn.state.group is not None
        return self.turn.state.group

    def field(self) -> Field:
        """The group field being filled."""
        return self.turn.template.field(str(self.data["field"]))

    def begin(self, field: Field) -> None:
        """Start (or pick up) filling ``field``, then ask its next column."""
        st = self.turn.state
        if st.group is None or st.group.get("field") != field.id:
            st.group = {"field": field.id, "items": [], "item": {}, "col": 0, "phase": "col"}
        self.ask(intro=True)

    def ask(self, intro: bool = False) -> None:
        """Ask the next column, or whether there is another record."""
        field, data = self.field(), self.data
        number, total = flow.position(self.turn.template, self.turn.state, field.id)
        items = data["items"]
        if data["phase"] == "more":
            text = t("engine.group.more", count=len(items), noun=field.unit or t("engine.group.record"))
            self.turn.effects.append(Ask(field.id, text, summary.yesno_buttons()))
            return
        column = field.fields[int(data["col"])]
        head = ""
        if intro and not items and not data["item"] and data["col"] == 0:
            head = summary.question(field, number, total, self.turn.state.answers.get(field.id)) + "\n\n"
        text = head + t("engine.group.column", index=len(items) + 1, prompt=column.prompt,
                        example=column.example or "—")
        buttons: list[Button] = []
        if field.allow_none and not items and data["col"] == 0:
            buttons.append(Button(t("engine.button.none"), "cmd:none"))
        if not column.required:
            buttons.append(Button(t("engine.button.skip"), "cmd:skip"))
        self.turn.effects.append(Ask(f"{field.id}.{column.id}", text, tuple(buttons)))

    def answer(self, text: str) -> None:
        """Take ``text`` as the answer to the column (or to "another one?")."""
        field, data = self.field(), self.data
        if data["phase"] == "more":
            result = parse("yesno", text, None, self.turn.now.date())
            if not result.ok:
                self.turn.say(result.error or t("engine.not_understood"))
                self.ask()
            elif result.value:
                data.update(phase="col", col=0, item={})
                self.ask()
            else:
                self.finish()
            return
        column = field.fields[int(data["col"])]
        if column.type == "text" and column.max_length is None:
            result = ParseResult(ok=True, value=text.strip(), display=text.strip())
            if not result.value:
                result = parse("text", text, flow.spec_of(column), self.turn.now.date())
        else:
            result = parse(column.type, summary.option_by_number(column, text), flow.spec_of(column),
                           self.turn.now.date())
        if not result.ok:
            self.turn.state.failures += 1
            self.turn.say(result.ask or result.error or t("engine.not_understood"))
            self.ask()
            return
        self.put(column, result.value)

    def put(self, column: Field, value: Any) -> None:
        """Store one column of the current record and move to the next column or record."""
        field, data = self.field(), self.data
        data["item"][column.id] = value
        data["col"] = int(data["col"]) + 1
        self.turn.state.failures = 0
        if data["col"] < len(field.fields):
            self.ask()
            return
        data["items"].append(data["item"])
        data.update(item={}, col=0)
        if field.max_items is not None and len(data["items"]) >= field.max_items:
            self.finish()
            return
        data["phase"] = "more"
        self.ask()

    def skip_column(self) -> bool:
        """"bỏ qua" on an optional column; False if the column is required."""
        column = self.field().fields[int(self.data["col"])]
        if column.required or self.data["phase"] == "more":
            return False
        self.put(column, None)
        return True

    def done(self) -> None:
        """"xong": close the list if it has enough records, else say how many are needed."""
        field, data = self.field(), self.data
        if data["item"]:
            self.turn.tell("engine.group.partial_dropped")
        if not data["items"] and not field.allow_none:
            self.turn.tell("engine.group.need_one")
            self.ask()
            return
        self.finish()

    def finish(self) -> None:
        """Save the list as the field's answer and move on."""
        field, data = self.field(), self.data
        if field.min_items and len(data["items"]) < field.min_items:
            self.turn.tell("engine.group.too_few", min=field.min_items)
            data.update(phase="col", col=0, item={})
            self.ask()
            return
        items = data["items"]
        self.turn.state.group = None
        display = summary.group_display(field, items)
        self.turn.accept(field, ParseResult(ok=True, value=items, display=display), "")

    def none(self) -> bool:
        """"không có" at the start of a group that allows it: saved as nothing to report."""
        field, data = self.field(), self.data
        if not field.allow_none or data["items"] or data["item"]:
            return False
        self.turn.state.group = None
        self.turn.save(field, self.turn.record("none", raw="không có"))
        self.turn.tell("engine.saved_none")
        self.turn.advance()
        return True
