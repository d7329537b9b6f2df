"""Plain data the exporters read: the unit, the document's number and date, the campaign, each unit's status.

The lead's storage layer builds these; exporters never query anything themselves.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Literal

from dialogs.answers import AnswerRecord
from dialogs.vietnamese.text import nfc, squash

UnitState = Literal["on_time", "late", "missing"]

#: Administrative unit kinds, longest first so "thị trấn" wins over a one-word match.
_KINDS: tuple[str, ...] = ("đặc khu", "thị trấn", "phường", "xã")


@dataclass(frozen=True)
class UnitInfo:
    """A reporting unit: ``UnitInfo("Xã Khúc Thừa Dụ", "xã", "11459", "Thành phố Hải Phòng")``."""

    name: str
    kind: str = ""
    code: str = ""
    province_name: str = ""

    @property
    def type_word(self) -> str:
        """The unit's type in lower case ("xã"), taken from ``kind`` or from the name."""
        if self.kind:
            return nfc(self.kind).lower()
        lowered = nfc(self.name).lower()
        return next((k for k in _KINDS if lowered.startswith(k + " ")), "")

    @property
    def bare_name(self) -> str:
        """The name without its type: ``Khúc Thừa Dụ``."""
        name = squash(nfc(self.name))
        kind = self.type_word
        if kind and name.lower().startswith(kind + " "):
            return name[len(kind) + 1 :]
        return name

    @property
    def in_sentence(self) -> str:
        """The name as written inside a sentence: ``xã Khúc Thừa Dụ``."""
        kind = self.type_word
        return f"{kind} {self.bare_name}" if kind else self.bare_name


@dataclass(frozen=True)
class DocInfo:
    """The document's number (``None`` leaves it blank for the văn thư), issue date and place override.

    ``draft``: the report is not submitted yet: it is marked "DỰ THẢO" and its day is left blank.
    """

    number: int | None
    issued_on: date
    place: str | None = None
    draft: bool = False


@dataclass(frozen=True)
class CampaignInfo:
    """A reporting campaign as the compiled report needs it."""

    id: str
    title: str
    deadline: datetime | date
    department: str
    department_parent: str = ""
    opened_at: datetime | date | None = None
    #: The deadline's time of day ("đến 17:00 ngày …"); None: the end of the deadline day.
    deadline_time: time | None = None
    #: The department's symbol in "Số: …/BC-SGDĐT"; derived from ``department`` when empty.
    symbol: str = ""
    #: The place in the date line ("Hải Phòng"); derived from ``department_parent`` when empty.
    place: str = ""
    #: Signature block of the compiled report (the department head by default).
    signer_lines: tuple[str, ...] = ("GIÁM ĐỐC",)
    signer_name: str = ""
    #: Recipients of the compiled report ("Nơi nhận"), without the closing "Lưu: VT".
    noi_nhan: tuple[str, ...] = ()
    #: A department-supplied Word (docxtpl) template to fill instead of the built-in layout.
    word_template: str | None = None


@dataclass(frozen=True)
class UnitStatus:
    """One invited unit in a campaign: whether it reported on time, late or not at all, and its answers."""

    unit: UnitInfo
    status: UnitState
    submitted_at: datetime | None = None
    version: int | None = None
    answers: Mapping[str, AnswerRecord] = field(default_factory=dict)
