"""The one catalogue of template problems: a stable code, what is wrong, and how to fix it.

Every problem the loader finds becomes an :class:`Issue` that says where (file, line, section, field),
what is wrong and how to fix it, in Vietnamese (template authors are department staff); the sentences
are messages ``template.<code>`` and ``template.<code>.fix`` of :mod:`dialogs.messages`. Codes never
change meaning; tests assert codes and locations, never the prose.

>>> i = make("T303", Where("tdkt.yaml", 42, "IV.2", "so_ca_nhan"), "number", type="nuber", types="text")
>>> str(i).startswith('tdkt.yaml:42: [IV.2 / so_ca_nhan] T303 kiểu trường "nuber" không có. Có phải "number"?')
True
>>> i.code, i.line, i.field
('T303', 42, 'so_ca_nhan')
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import asdict, dataclass
from typing import Any

from dialogs.messages import t

__all__ = ["CATALOGUE", "Issue", "Where", "make", "suggest"]

#: code → short name. What is wrong and how to fix it are messages ``template.<code>`` and
#: ``template.<code>.fix`` of :mod:`dialogs.messages`, filled with the issue's parameters.
CATALOGUE: dict[str, str] = {
    # ---- T1xx: the file and its keys ------------------------------------------------------------------
    "T101": "yaml-syntax",
    "T102": "file-missing",
    "T103": "wrong-kind",
    "T104": "unknown-key",
    "T105": "missing-key",
    "T106": "duplicate-key",
    "T107": "bad-value",
    "T108": "deadline-days",
    "T109": "signer-field",
    "T110": "document-placeholder",
    "T111": "yaml-alias",
    "T112": "too-large",
    "T113": "too-many-issues",
    # ---- T2xx: sections ------------------------------------------------------------------------------
    "T201": "no-sections",
    "T202": "duplicate-section",
    "T203": "section-style",
    "T204": "section-sequence",
    "T205": "section-depth",
    "T206": "empty-section",
    "T207": "mixed-items",
    "T208": "too-many-sections",
    # ---- T3xx: fields --------------------------------------------------------------------------------
    "T301": "bad-id",
    "T302": "duplicate-id",
    "T303": "unknown-type",
    "T304": "bad-range",
    "T305": "key-not-for-type",
    "T306": "options-not-choice",
    "T307": "options-missing",
    "T308": "bad-option",
    "T309": "bad-pattern",
    "T310": "group-no-fields",
    "T311": "nested-group",
    "T312": "bad-example",
    "T313": "orphan-message",
    "T314": "bad-bound",
    "T315": "pattern-unsupported",
    "T316": "too-many-fields",
    # ---- T4xx: expressions and render sentences ----------------------------------------------------
    "T401": "expr-syntax",
    "T402": "expr-unknown-name",
    "T403": "when-later",
    "T404": "render-unknown",
    "T405": "render-syntax",
    "T406": "number-too-long",
}


@dataclass(frozen=True)
class Where:
    """A place in a template file: file, 1-based line, section path and field id (either may be empty)."""

    file: str
    line: int = 0
    section: str = ""
    field: str = ""


@dataclass(frozen=True)
class Issue:
    """One located problem of a template, with its stable code and a fix."""

    code: str
    file: str
    line: int
    section: str
    field: str
    message: str
    fix: str
    #: The nearest valid spelling of a misspelt name ("nuber" → "number").
    suggestion: str | None = None

    def __str__(self) -> str:
        where = " / ".join(p for p in (self.section, self.field) if p)
        parts = [f"{self.file}:{self.line}:", f"[{where}]" if where else "", self.code, self.message]
        if self.suggestion:
            parts.append(t("template.suggestion", suggestion=self.suggestion))
        parts.append(self.fix)
        return " ".join(p for p in parts if p)

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict of every attribute."""
        return asdict(self)


def make(code: str, where: Where, suggestion: str | None = None, /, **params: Any) -> Issue:
    """Build the issue ``code`` at ``where``, filling its messages ``template.<code>`` and ``….fix`` with ``params``."""
    if code not in CATALOGUE:
        raise KeyError(code)
    return Issue(
        code=code,
        file=where.file,
        line=where.line,
        section=where.section,
        field=where.field,
        message=t(f"template.{code}", **params),
        fix=t(f"template.{code}.fix", **params),
        suggestion=suggestion,
    )


def suggest(word: str, choices: Collection[str]) -> str | None:
    """The closest of ``choices`` to a misspelt ``word``, or ``None`` if nothing is close.

    >>> suggest("nuber", ["number", "text", "date"])
    'number'
    >>> suggest("xyz", ["number", "text"]) is None
    True
    """
    from rapidfuzz import fuzz, process

    if not word or not choices:
        return None
    found = process.extractOne(str(word).lower(), sorted(choices), scorer=fuzz.ratio, score_cutoff=70)
    return None if found is None else str(found[0])
