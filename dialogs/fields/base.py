"""The parser contract: every field type has one small parser, ``(text, spec, today) -> ParseResult``.

A parser never raises on user input: a bad answer comes back as ``ParseResult(ok=False, error=…)``
saying what was understood and giving a valid example; an answer that needs a question back
(ambiguous "1,000", approximate "hơn 650") comes back with ``ask`` and the candidate ``choices``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any


@dataclass(frozen=True)
class Choice:
    """One option a parser (or a choice field) offers: what to show and the value it stands for."""

    label: str
    value: Any
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class ParseSpec:
    """What a parser needs to know about the field it parses for (all optional)."""

    min: float | str | None = None
    max: float | str | None = None
    min_length: int | None = None
    max_length: int | None = None
    #: Record approximate figures ("hơn 650") as approximate instead of asking for the exact one.
    approximate: bool = False
    #: Options of a choice / multichoice field.
    options: tuple[Choice, ...] = ()
    #: The field's own example, used in error messages instead of the type's default.
    example: str = ""
    unit: str = ""


@dataclass(frozen=True)
class ParseResult:
    """What a parser understood: a value, or an error, or a question to ask back."""

    ok: bool
    value: Any = None
    #: The value written the Vietnamese way, for confirmations ("570.000.000 đồng").
    display: str = ""
    #: Why the answer was refused, in Vietnamese, with what was understood and a valid example.
    error: str | None = None
    #: A question to ask back before anything is stored.
    ask: str | None = None
    #: Candidate answers for ``ask`` (e.g. 1.000 or 1); the user picks one by number or button.
    choices: tuple[Choice, ...] = ()
    #: The value is approximate ("hơn 650") and the field allows that.
    approximate: bool = False
    #: The approximation word as written ("hơn", "trên", "khoảng"), kept for the report.
    qualifier: str = ""
    #: The id of the message in ``error`` or ``ask`` (``parse.date.bad_day``) and its parameters: what the
    #: engine sends (channels render it), while ``error`` / ``ask`` hold it rendered for the CLI.
    code: str = ""
    params: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """The JSON shape ``reportbot parse`` prints (DESIGN.md)."""
        if self.ok:
            out: dict[str, Any] = {"ok": True, "value": self.value, "display": self.display}
            if self.approximate:
                out["approximate"] = True
            return out
        if self.ask is not None:
            out = {"ok": False, "ask": self.ask}
            if self.choices:
                out["choices"] = [{"label": c.label, "value": c.value} for c in self.choices]
            return out
        return {"ok": False, "error": self.error or ""}


@dataclass(frozen=True)
class ParserInfo:
    """A registered parser with the example shown when an answer is refused."""

    type: str
    func: Callable[[str, ParseSpec, date], ParseResult]
    example: str
    description: str = field(default="")
