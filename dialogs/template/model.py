"""The report template model: document metadata and a tree of numbered sections whose leaves are fields.

Templates are immutable values built by :mod:`dialogs.template.loader` from YAML. Everything refers to fields by
their stable ``id``; the ``version`` names one immutable revision (stored once, never edited).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

#: Every field type the template language knows, in the order the reference documents them.
FIELD_TYPES: tuple[str, ...] = (
    "text",
    "integer",
    "decimal",
    "percent",
    "money",
    "date",
    "docref",
    "choice",
    "multichoice",
    "yesno",
    "group",
    "file",
)

#: Field types whose value is a number (they take ``min``/``max`` and may be approximate).
NUMERIC_TYPES: frozenset[str] = frozenset({"integer", "decimal", "percent", "money"})


@dataclass(frozen=True)
class Option:
    """One answer a choice field offers: a stable value, its label, and other spellings users type."""

    value: str
    label: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Field:
    """A question: one leaf of the section tree (or one column of a repeated group)."""

    id: str
    type: str
    prompt: str
    help: str = ""
    #: A short name for summaries and lists ("Số tập thể được khen thưởng"); the prompt when empty.
    short: str = ""
    example: str = ""
    required: bool = True
    #: The user may answer "không có" (nothing to report): an explicit answer, not a skip.
    allow_none: bool = False
    #: Numeric range (integer, decimal, percent, money) or date range as "YYYY-MM-DD".
    min: float | str | None = None
    max: float | str | None = None
    min_length: int | None = None
    max_length: int | None = None
    pattern: str | None = None
    pattern_message: str | None = None
    #: A small safe expression over field ids that must hold, e.g. ``so_ca_nhan >= so_tap_the``.
    check: str | None = None
    check_message: str | None = None
    #: What a failing ``check`` does: "refuse" the answer (the default), or "warn" and let the user confirm it.
    check_severity: str = "refuse"
    #: Ask this field only if the expression holds, e.g. ``co_dien_hinh == true``.
    when: str | None = None
    #: How the answer reads in the report, e.g. ``"Khen thưởng cho {value} tập thể."``.
    render: str | None = None
    #: How a "không có" answer reads in the report.
    render_none: str | None = None
    #: Numbers may be recorded as approximate ("hơn 650") instead of asking for the exact figure.
    approximate: bool = False
    #: A unit word shown after figures (``tập thể``, ``cá nhân``).
    unit: str = ""
    options: tuple[Option, ...] = ()
    #: Columns of a repeated group.
    fields: tuple[Field, ...] = ()
    min_items: int | None = None
    max_items: int | None = None
    #: The section this field belongs to, as a dotted number path, e.g. ``IV.2``.
    section: str = ""
    #: Line of the field in its source file (0 when built in code).
    line: int = 0

    @property
    def name(self) -> str:
        """What summaries call this field: ``short``, else the prompt."""
        return self.short or self.prompt


@dataclass(frozen=True)
class Section:
    """A numbered section ("I.", "1.", "a)") holding fixed text, fields and sub-sections, in order."""

    number: str
    title: str
    #: Dotted path of numbers from the top, e.g. ``IV.2`` (the key users name in "sửa IV.2").
    path: str
    #: Fixed text printed under the heading before the answers.
    intro: str = ""
    #: Fields and sub-sections in asking order.
    children: tuple[Field | Section, ...] = ()
    #: False for sections that are asked but not printed as a heading (e.g. the signer's name).
    in_report: bool = True
    #: What the report prints under the heading when nothing in the section is printed (None: no heading).
    render_none: str | None = None
    line: int = 0

    def fields(self) -> Iterator[Field]:
        """Yield the fields under this section, depth first, in asking order."""
        for child in self.children:
            if isinstance(child, Section):
                yield from child.fields()
            else:
                yield child


@dataclass(frozen=True)
class Signer:
    """The signature block: ``TM. ỦY BAN NHÂN DÂN`` / ``KT. CHỦ TỊCH`` / ``PHÓ CHỦ TỊCH`` / name."""

    authority: str = "TM. ỦY BAN NHÂN DÂN"
    deputy: str = ""
    position: str = "CHỦ TỊCH"
    #: The field whose answer is the signer's name.
    name_field: str | None = None


@dataclass(frozen=True)
class Meta:
    """Document metadata: what the report is, who asked for it, who receives it and who signs it."""

    title: str
    subject: str
    #: The requesting document, e.g. "Công văn số 5270/SGDĐT-VP ngày 05/8/2025 của Sở GD&ĐT".
    request: str = ""
    #: What the request is about, continuing the opening sentence ("về việc báo cáo …").
    request_about: str = ""
    recipients: tuple[str, ...] = ()
    #: Issuing agency with ``{unit}`` for the unit's name, e.g. "Ủy ban nhân dân {unit}".
    agency: str = "Ủy ban nhân dân {unit}"
    #: The agency's parent body, printed above it in the header (empty for none).
    parent_agency: str = ""
    #: Document kind and symbol: "BC" + issuing agency abbreviation → "BC-UBND".
    kind: str = "BÁO CÁO"
    symbol: str = "BC-UBND"
    #: Opening paragraph; ``{request}``, ``{request_about}`` and ``{agency}`` are filled in.
    opening: str = "Thực hiện {request} {request_about}, {agency} báo cáo như sau:"
    closing: str = ""
    noi_nhan: tuple[str, ...] = ()
    signer: Signer = field(default_factory=Signer)
    #: Days from the campaign's opening to its default deadline.
    deadline_days: int = 14
    #: The department that receives the compiled report (its letterhead).
    department: str = ""
    department_parent: str = ""
    #: Whether the document has a "Kính gửi" line; None: every kind but a báo cáo (NĐ 30, Mẫu 1.4).
    kinh_gui: bool | None = None


@dataclass(frozen=True)
class Template:
    """A loaded, valid report template: ``id`` + ``version`` name it for ever."""

    id: str
    version: str
    meta: Meta
    sections: tuple[Section, ...]
    #: Where it was loaded from (for messages), and the exact text (stored with each version).
    source: str = ""
    text: str = ""
    #: SHA-256 of ``text``: storage keeps one immutable row per digest; the engine notices changes by it.
    digest: str = ""

    def fields(self) -> list[Field]:
        """Every top-level field (not group columns) in asking order (worked out once: a turn asks often)."""
        cached: tuple[Field, ...] | None = self.__dict__.get("_fields")
        if cached is None:
            cached = tuple(f for section in self.sections for f in section.fields())
            object.__setattr__(self, "_fields", cached)
        return list(cached)

    def field(self, field_id: str) -> Field:
        """The field with this id; ``KeyError`` if there is none."""
        return self._index()[field_id]

    def has_field(self, field_id: str) -> bool:
        """Whether a field with this id exists."""
        return field_id in self._index()

    def all_sections(self) -> list[Section]:
        """Every section, depth first (worked out once)."""
        cached: tuple[Section, ...] | None = self.__dict__.get("_sections")
        if cached is not None:
            return list(cached)
        out: list[Section] = []

        def walk(section: Section) -> None:
            out.append(section)
            for child in section.children:
                if isinstance(child, Section):
                    walk(child)

        for s in self.sections:
            walk(s)
        object.__setattr__(self, "_sections", tuple(out))
        return out

    def section(self, path: str) -> Section:
        """The section with this dotted path (``IV.2``); ``KeyError`` if there is none."""
        for s in self.all_sections():
            if s.path == path:
                return s
        raise KeyError(path)

    def _index(self) -> dict[str, Field]:
        cached: dict[str, Field] | None = self.__dict__.get("_field_index")
        if cached is None:
            cached = {f.id: f for f in self.fields()}
            object.__setattr__(self, "_field_index", cached)
        return cached
