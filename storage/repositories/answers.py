"""The append-only answer history: every answer ever given, with who, when and through which channel."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from sqlalchemy import String, bindparam, func, insert, select, type_coerce
from sqlalchemy.orm import Session

from dialogs.answers import AnswerRecord

from ..models import Answer
from ._sql import new_id, table_of

_ANSWERS = table_of(Answer)
# A plain INSERT, not an ORM add: no UPDATE or DELETE can ever come from this repository.
_INSERT = insert(_ANSWERS)
# Every answer of one report, oldest first, as plain rows (read on every turn: built once, no ORM objects).
# The time comes as the driver gives it (SQLite: text), turned into ISO text by ``_iso`` without the
# column type's regular expression: the engine keeps it as text anyway.
_REPORT_ROWS = (
    select(_ANSWERS.c.field_id, _ANSWERS.c.status, _ANSWERS.c.value, _ANSWERS.c.raw, _ANSWERS.c.display,
           _ANSWERS.c.approximate, _ANSWERS.c.qualifier, type_coerce(_ANSWERS.c.created_at, String),
           _ANSWERS.c.field_type)
    .where(_ANSWERS.c.campaign_id == bindparam("campaign_id"), _ANSWERS.c.unit_id == bindparam("unit_id"))
    .order_by(_ANSWERS.c.id)
)


class AnswerRepository:
    """Answers are only ever appended; "the answer" to a field is its newest row."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def append(
        self,
        *,
        campaign_id: int,
        unit_id: int,
        field_id: str,
        record: AnswerRecord,
        person_id: int | None,
        channel: str,
        now: datetime,
        submission_version: int = 1,
        field_type: str = "",
    ) -> int:
        """Record one answer in the caller's transaction and return its id.

        ``field_type``: the type of the field it answers (default: the record's own ``field_type``).
        """
        values = {
            "campaign_id": campaign_id,
            "unit_id": unit_id,
            "submission_version": submission_version,
            "field_id": field_id,
            "status": record.status,
            "value": record.value,
            "raw": record.raw,
            "display": record.display,
            "approximate": record.approximate,
            "qualifier": record.qualifier,
            "person_id": person_id,
            "channel": channel,
            "created_at": now,
            "field_type": field_type or record.field_type,
        }
        return new_id(self.session.execute(_INSERT, values))

    def history(self, campaign_id: int, unit_id: int, field_id: str | None = None) -> list[Answer]:
        """Every answer of a unit in a campaign (of one field when given), oldest first."""
        query = select(Answer).where(Answer.campaign_id == campaign_id, Answer.unit_id == unit_id)
        if field_id is not None:
            query = query.where(Answer.field_id == field_id)
        return list(self.session.scalars(query.order_by(Answer.id)))

    def current(
        self, campaign_id: int, unit_id: int, submission_version: int | None = None
    ) -> dict[str, Answer]:
        """The newest answer per field; with ``submission_version``, as that version saw them.

        Answers given for earlier versions carry over: version 2 starts from version 1's answers.
        """
        newest = (
            select(func.max(Answer.id))
            .where(Answer.campaign_id == campaign_id, Answer.unit_id == unit_id)
            .group_by(Answer.field_id)
        )
        if submission_version is not None:
            newest = newest.where(Answer.submission_version <= submission_version)
        rows = self.session.scalars(select(Answer).where(Answer.id.in_(newest)).order_by(Answer.id))
        return {row.field_id: row for row in rows}

    def current_records(
        self, campaign_id: int, unit_id: int, submission_version: int | None = None
    ) -> dict[str, AnswerRecord]:
        """:meth:`current` as :class:`~dialogs.answers.AnswerRecord` values (what the engine keeps)."""
        if submission_version is not None:
            current = self.current(campaign_id, unit_id, submission_version)
            return {field_id: answer.to_record() for field_id, answer in current.items()}
        out: dict[str, AnswerRecord] = {}
        rows = self.session.execute(_REPORT_ROWS, {"campaign_id": campaign_id, "unit_id": unit_id})
        for field_id, status, value, raw, display, approximate, qualifier, at, field_type in rows:
            # Oldest first: a later answer to the same field replaces an earlier one.
            out[field_id] = AnswerRecord(status=status, value=value, raw=raw, display=display,
                                         approximate=approximate, qualifier=qualifier, at=_iso(at),
                                         field_type=field_type)
        return out

    @staticmethod
    def as_read(record: AnswerRecord, now: datetime, field_type: str = "") -> AnswerRecord:
        """``record`` as :meth:`current_records` reads it back once :meth:`append` stored it at ``now`` (its value
        through JSON, its time as stored), for a cache kept beside the table."""
        return AnswerRecord(status=record.status, value=json.loads(json.dumps(record.value)), raw=record.raw,
                            display=record.display, approximate=record.approximate, qualifier=record.qualifier,
                            at=_iso(now), field_type=field_type or record.field_type)

    def count(self, campaign_id: int, unit_id: int | None = None) -> int:
        """How many answer rows a campaign (or one of its units) has."""
        query = select(func.count()).select_from(Answer).where(Answer.campaign_id == campaign_id)
        if unit_id is not None:
            query = query.where(Answer.unit_id == unit_id)
        return int(self.session.scalar(query) or 0)


def _iso(value: datetime | str) -> str:
    """An answer's time as aware UTC ISO text, from what the driver gave (SQLite: naive UTC text).

    >>> _iso("2025-08-06 07:30:00.000000"), _iso(datetime(2025, 8, 6, 14, 30, tzinfo=UTC))
    ('2025-08-06T07:30:00+00:00', '2025-08-06T14:30:00+00:00')
    """
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return (moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)).isoformat()
