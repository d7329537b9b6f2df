"""One stored answer: the value a parser understood, the raw text, and whether it is "không có".

This is the shape the engine keeps in its state, storage appends to its history, and exporters read.
Values are JSON types: integer/money → int; decimal/percent → float; date → "YYYY-MM-DD";
docref → {"number", "symbol", "kind", "date", "issuer"?}; yesno → bool; choice → option value; multichoice →
list of option values; text → str; group → list of {column id: value}; file → {"file_id", "name", "mime"}.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

Status = Literal["answered", "none", "skipped"]


@dataclass(frozen=True)
class AnswerRecord:
    """An answer to one field: ``status`` "answered" (with ``value``), "none" (không có) or "skipped"."""

    status: Status
    value: Any = None
    raw: str = ""
    #: The value as shown back to the user ("570.000.000 đồng").
    display: str = ""
    approximate: bool = False
    #: The approximation word the user wrote ("hơn", "trên", "khoảng"), kept for the report.
    qualifier: str = ""
    #: ISO timestamp of when it was given.
    at: str = ""
    #: The field type it was given for ("" when not known): a changed type means it must be checked again.
    field_type: str = ""

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict (defaults omitted)."""
        data: dict[str, Any] = {"status": self.status, "value": self.value}
        if self.raw:
            data["raw"] = self.raw
        if self.display:
            data["display"] = self.display
        if self.approximate:
            data["approximate"] = True
        if self.qualifier:
            data["qualifier"] = self.qualifier
        if self.at:
            data["at"] = self.at
        if self.field_type:
            data["type"] = self.field_type
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> AnswerRecord:
        """Rebuild a record from :meth:`to_json` output, ignoring unknown keys."""
        return cls(
            status=data["status"],
            value=data.get("value"),
            raw=data.get("raw") or "",
            display=data.get("display") or "",
            approximate=bool(data.get("approximate")),
            qualifier=data.get("qualifier") or "",
            at=data.get("at") or "",
            field_type=data.get("type") or "",
        )
