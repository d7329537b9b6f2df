"""SQLAlchemy 2.0 models: what reportbot keeps, one class per table, no lazy relationships.

Rows refer to each other by id only (repositories join when they need to), so no attribute access
ever costs a hidden round trip. A :class:`Report` is (campaign, unit): the answers and submitted
versions belong to it; a :class:`Conversation` is (person, report) and holds only navigation.

Two tables are write-once: ``answers`` (the append-only history of every answer) and
``template_versions`` (immutable template revisions); the ORM refuses to update or delete their rows.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any, ClassVar

from sqlalchemy import (
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    Time,
    UniqueConstraint,
    event,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, Mapper, mapped_column

from dialogs.answers import AnswerRecord
from dialogs.errors import StorageError

from .types import BigIntKey, JSONType, NullableJSONType, UTCDateTime

#: Deterministic constraint names, so migrations can refer to them on both databases.
NAMING_CONVENTION: dict[str, str] = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base: shared metadata with the naming convention and the portable types."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: UTCDateTime(), date: Date(), time: Time()}


class Unit(Base):
    """A reporting unit (a commune: xã, phường, đặc khu), optionally tied to its official ward code."""

    __tablename__ = "units"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Ward code from ``vietnam-provinces`` (None for a unit added by hand).
    code: Mapped[int | None] = mapped_column(unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))
    province_code: Mapped[int | None]
    province_name: Mapped[str | None] = mapped_column(String(100))
    #: ``dialogs.vietnamese.text.fold(name)``: what user input is matched against.
    folded: Mapped[str] = mapped_column(String(200), index=True)
    created_at: Mapped[datetime]


class Person(Base):
    """Someone who talks to the bot: a reporter of a unit, department staff or an administrator."""

    __tablename__ = "people"

    id: Mapped[int] = mapped_column(primary_key=True)
    display_name: Mapped[str] = mapped_column(String(200))
    #: "reporter" | "department" | "admin".
    role: Mapped[str] = mapped_column(String(20))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    created_at: Mapped[datetime]


class Identity(Base):
    """One account of a person on one channel (a Telegram user id, a Zalo user id …)."""

    __tablename__ = "identities"
    __table_args__ = (UniqueConstraint("channel", "external_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    #: "console" | "telegram" | "zalo" | "zalo-oa".
    channel: Mapped[str] = mapped_column(String(20))
    external_id: Mapped[str] = mapped_column(String(100))
    #: The report this account is working on now (None: not chosen yet).
    report_id: Mapped[int | None] = mapped_column(ForeignKey("reports.id"))
    #: Report ids offered by a pending "which report?" question, else None.
    choice: Mapped[list[int] | None] = mapped_column(NullableJSONType)
    #: Wrong invite codes typed in a row from this account, and until when it may type none (a lockout).
    code_failures: Mapped[int] = mapped_column(default=0, server_default="0")
    locked_until: Mapped[datetime | None]
    #: What a department account's next message answers («which unit?», «the reason for returning»), else None.
    pending: Mapped[dict[str, Any] | None] = mapped_column(NullableJSONType)


class Invite(Base):
    """A single-use code that binds whoever uses it to a role (and a unit, and a campaign), or, with
    ``person_id``, makes the account it is used from another account of that person."""

    __tablename__ = "invites"

    #: The SHA-256 digest of the code (the code itself is never stored: only whoever holds it can use it).
    code: Mapped[str] = mapped_column(String(64), primary_key=True)
    #: The code's first characters, to tell invites apart in a list.
    hint: Mapped[str | None] = mapped_column(String(8))
    role: Mapped[str] = mapped_column(String(20))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("campaigns.id"))
    created_at: Mapped[datetime]
    #: None: never expires.
    expires_at: Mapped[datetime | None]
    used_at: Mapped[datetime | None]
    used_by: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    #: For a person who already exists: using the code links the account it is used from to them.
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    #: Set when the department revoked the code: it can no longer be used.
    revoked_at: Mapped[datetime | None]


class TemplateVersion(Base):
    """One immutable revision of a report template, stored once per digest of its YAML text."""

    __tablename__ = "template_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    template_id: Mapped[str] = mapped_column(String(100), index=True)
    version: Mapped[str] = mapped_column(String(50))
    #: SHA-256 of ``text``.
    digest: Mapped[str] = mapped_column(String(64), unique=True)
    title: Mapped[str] = mapped_column(Text)
    #: The YAML source, exactly as loaded.
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]


class Campaign(Base):
    """A request for reports: one template version, a deadline, the units expected to answer."""

    __tablename__ = "campaigns"

    id: Mapped[int] = mapped_column(primary_key=True)
    template_version_id: Mapped[int] = mapped_column(ForeignKey("template_versions.id"))
    title: Mapped[str] = mapped_column(Text)
    deadline: Mapped[date]
    #: The time of day of the deadline in ``REPORTBOT_TZ`` (None: the end of the deadline day).
    deadline_time: Mapped[time | None]
    opened_at: Mapped[datetime]
    #: "open" | "closed".
    status: Mapped[str] = mapped_column(String(10))
    closed_at: Mapped[datetime | None]
    created_by: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    #: A department-supplied Word template (docxtpl) filled instead of the built-in layout, and its name.
    word_template: Mapped[bytes | None] = mapped_column(LargeBinary)
    word_template_name: Mapped[str | None] = mapped_column(Text)
    #: Whom units contact at the department (name, phone, email), said when nobody there uses the bot.
    contact: Mapped[str | None] = mapped_column(Text)
    #: The department's settings for the compiled report: ``signer`` ({authority, deputy, position, name}),
    #: ``noi_nhan`` (list of recipients); None: the defaults.
    settings: Mapped[dict[str, Any] | None] = mapped_column(NullableJSONType)


class CampaignUnit(Base):
    """A unit invited to (expected to report in) a campaign."""

    __tablename__ = "campaign_units"

    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), primary_key=True)


class Submission(Base):
    """One version of a unit's report in a campaign; a new version opens after submit or return."""

    __tablename__ = "submissions"
    __table_args__ = (UniqueConstraint("campaign_id", "unit_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    version: Mapped[int]
    #: "draft" | "submitted" | "returned" | "accepted" (the department took it as final).
    status: Mapped[str] = mapped_column(String(10))
    #: The receipt reference given at submit.
    ref: Mapped[str | None] = mapped_column(String(50))
    #: Frozen snapshot at submit: field id → ``AnswerRecord.to_json()``.
    answers: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    created_at: Mapped[datetime]
    submitted_at: Mapped[datetime | None]
    submitted_by: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    returned_at: Mapped[datetime | None]
    #: The department's comment when it returns the report.
    comment: Mapped[str | None] = mapped_column(Text)


#: The states a report can be in.
REPORT_STATUSES: tuple[str, ...] = ("draft", "submitted", "returned")


class Report(Base):
    """One unit's report in one campaign: owns its answers and submissions; ``row_version`` guards saves."""

    __tablename__ = "reports"
    __table_args__ = (UniqueConstraint("campaign_id", "unit_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    #: "draft" | "submitted" | "returned".
    status: Mapped[str] = mapped_column(String(10))
    #: The submission version being edited (draft, returned) or last submitted; starts at 1.
    version: Mapped[int] = mapped_column(Integer)
    #: The receipt reference of the last submission.
    ref: Mapped[str | None] = mapped_column(String(50))
    #: The department's comment when it returned the report.
    comment: Mapped[str | None] = mapped_column(Text)
    #: Grows on every save (optimistic check, like ``conversations.state_version``).
    row_version: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class Answer(Base):
    """One answer given to one field: append-only (a correction is a newer row, never an edit)."""

    __tablename__ = "answers"
    __table_args__ = (Index(None, "campaign_id", "unit_id", "field_id", "id"),)

    id: Mapped[int] = mapped_column(BigIntKey, primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    #: The submission version the answer was given for.
    submission_version: Mapped[int]
    field_id: Mapped[str] = mapped_column(String(100))
    #: "answered" | "none" (không có) | "skipped".
    status: Mapped[str] = mapped_column(String(10))
    value: Mapped[Any] = mapped_column(JSONType, nullable=True)
    raw: Mapped[str] = mapped_column(Text)
    display: Mapped[str] = mapped_column(Text)
    approximate: Mapped[bool]
    qualifier: Mapped[str] = mapped_column(String(20))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    #: The channel the answer came from ("telegram", "zalo", "console", "import" …).
    channel: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime]
    #: The type of the field when the answer was given ("" when unknown, e.g. rows older than 0003).
    field_type: Mapped[str] = mapped_column(String(20), server_default="")

    def to_record(self) -> AnswerRecord:
        """The answer as the engine and the exporters know it."""
        return AnswerRecord(
            status=self.status,  # type: ignore[arg-type]  # the column holds only Status values
            value=self.value,
            raw=self.raw,
            display=self.display,
            approximate=self.approximate,
            qualifier=self.qualifier,
            at=self.created_at.isoformat(),
            field_type=self.field_type,
        )


class Conversation(Base):
    """One person working on one report: navigation state only; ``state_version`` grows on every save."""

    __tablename__ = "conversations"
    __table_args__ = (
        UniqueConstraint("person_id", "report_id"),
        # NULLs are distinct in a UNIQUE constraint: this keeps one report-less conversation per person.
        Index(
            "uq_conversations_person_id_no_report",
            "person_id",
            unique=True,
            sqlite_where=text("report_id IS NULL"),
            postgresql_where=text("report_id IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    #: None only for someone with no report (department staff).
    report_id: Mapped[int | None] = mapped_column(ForeignKey("reports.id"), index=True)
    #: The channel and chat this person last wrote from.
    channel: Mapped[str | None] = mapped_column(String(20))
    chat_id: Mapped[str | None] = mapped_column(String(100))
    state: Mapped[dict[str, Any]] = mapped_column(JSONType)
    state_version: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class ConversationState(Base):
    """Every saved state of a conversation, by version (to inspect or replay a conversation)."""

    __tablename__ = "conversation_states"

    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversations.id"), primary_key=True)
    state_version: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    state: Mapped[dict[str, Any]] = mapped_column(JSONType)
    saved_at: Mapped[datetime]


class Inbox(Base):
    """An incoming update, written before it is acknowledged: the dedupe (unique per channel and update id)
    and, while it waits, its chat's order (oldest id first)."""

    __tablename__ = "inbox"
    __table_args__ = (
        UniqueConstraint("channel", "update_id", name="uq_inbox_channel_update_id"),
        Index(
            "ix_inbox_waiting",
            "channel",
            "chat_id",
            "id",
            sqlite_where=text("processed_at IS NULL AND set_aside_at IS NULL"),
            postgresql_where=text("processed_at IS NULL AND set_aside_at IS NULL"),
        ),
        Index("ix_inbox_processed_at", "processed_at"),
    )

    id: Mapped[int] = mapped_column(BigIntKey, primary_key=True)
    channel: Mapped[str] = mapped_column(String(20))
    update_id: Mapped[str] = mapped_column(String(100))
    chat_id: Mapped[str] = mapped_column(String(100))
    user_id: Mapped[str] = mapped_column(String(100))
    #: The engine event (tagged JSON) and the sender's display name.
    payload: Mapped[dict[str, Any]] = mapped_column(JSONType)
    received_at: Mapped[datetime]
    processed_at: Mapped[datetime | None]
    attempts: Mapped[int] = mapped_column(default=0, server_default="0")
    last_error: Mapped[str | None] = mapped_column(Text)
    #: Set when the update failed too often: answered with an apology and kept for the operator.
    set_aside_at: Mapped[datetime | None]


class Outbox(Base):
    """A message to send, written in the same transaction as the state that produced it."""

    __tablename__ = "outbox"
    __table_args__ = (
        # Only unsent rows are ever scanned: keep that index small on both databases.
        Index(
            "ix_outbox_pending",
            "channel",
            "chat_id",
            "id",
            sqlite_where=text("sent_at IS NULL AND gave_up_at IS NULL AND superseded_at IS NULL"),
            postgresql_where=text("sent_at IS NULL AND gave_up_at IS NULL AND superseded_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(BigIntKey, primary_key=True)
    channel: Mapped[str] = mapped_column(String(20))
    chat_id: Mapped[str] = mapped_column(String(100))
    conversation_id: Mapped[int | None] = mapped_column(ForeignKey("conversations.id"))
    payload: Mapped[dict[str, Any]] = mapped_column(JSONType)
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    #: Do not try again before this time (set after a failure or a 429 ``retry_after``).
    not_before: Mapped[datetime | None]
    #: Set when delivery was abandoned (no retry left): the row stays for the record.
    gave_up_at: Mapped[datetime | None]
    #: The inbox row whose processing produced it (None: not a reply, e.g. a notice to other staff).
    turn: Mapped[int | None] = mapped_column(BigIntKey)
    #: A sender holds the row until then: nobody else sends it; after it, the row is in doubt.
    lease_until: Mapped[datetime | None]
    lease_owner: Mapped[str | None] = mapped_column(String(40))
    #: Set instead of resending a reply in doubt when a newer reply to the same chat exists.
    superseded_at: Mapped[datetime | None]
    #: The provider's id of the message once sent.
    provider_id: Mapped[str | None] = mapped_column(String(100))


def _refuse_change(mapper: Mapper[Any], connection: Any, target: Any) -> None:
    raise StorageError(f"{type(target).__name__} rows are write-once: add a new row instead")


# The append-only / immutable guarantee, enforced for every ORM flush (not only by convention).
for _model in (Answer, TemplateVersion):
    event.listen(_model, "before_update", _refuse_change)
    event.listen(_model, "before_delete", _refuse_change)


class ChannelToken(Base):
    """A channel's rotating credentials (the Zalo OA access token and its single-use refresh token), one row per
    channel: the pair is replaced in one transaction, under the row's lock, so that two workers never both
    spend the same refresh token."""

    __tablename__ = "channel_tokens"

    channel: Mapped[str] = mapped_column(String(20), primary_key=True)
    access_token: Mapped[str] = mapped_column(Text)
    refresh_token: Mapped[str] = mapped_column(Text)
    #: When the access token stops working (None: unknown).
    expires_at: Mapped[datetime | None]
    updated_at: Mapped[datetime]
    #: Bumped by every rotation (a worker that saw an older one knows another refreshed meanwhile).
    version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class Reminder(Base):
    """A planned reminder: to a unit's staff (``kind`` "unit"), or to the department (overdue list
    "escalation", daily "digest"). It goes out once: whoever claims it (row lock, ``SKIP LOCKED`` on
    PostgreSQL) sends it and marks it, in one transaction. ``name`` names it uniquely (campaign, unit, kind,
    slot, deadline with its time), so planning twice, or from two workers, plans it once."""

    __tablename__ = "reminders"
    __table_args__ = (Index("ix_reminders_due", "status", "due_at"),
                      Index("ix_reminders_unit", "campaign_id", "unit_id", "status"))

    id: Mapped[int] = mapped_column(BigIntKey, primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), index=True)
    #: None for the department's reminders.
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    #: "unit" | "escalation" | "digest".
    kind: Mapped[str] = mapped_column(String(12))
    #: The policy's slot (``7d``, ``0d``, ``+2d``), a digest's day, or ``r<version>`` after a return.
    slot: Mapped[str] = mapped_column(String(20))
    #: The deadline it was planned for, day and time (a new deadline, or a new time, plans new reminders).
    deadline: Mapped[date]
    deadline_time: Mapped[time | None]
    due_at: Mapped[datetime]
    #: "planned" | "sent" | "skipped" (a later one went instead) | "cancelled" (submitted, or re-planned).
    status: Mapped[str] = mapped_column(String(10))
    done_at: Mapped[datetime | None]
    created_at: Mapped[datetime]


class ReminderDelivery(Base):
    """One reminder to one person on one channel: the unique key that makes it go out once."""

    __tablename__ = "reminder_deliveries"
    __table_args__ = (UniqueConstraint("reminder_id", "person_id", "channel"),)

    id: Mapped[int] = mapped_column(BigIntKey, primary_key=True)
    reminder_id: Mapped[int] = mapped_column(BigIntKey, ForeignKey("reminders.id"))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    channel: Mapped[str] = mapped_column(String(20))
    #: The outbox row that carries it.
    outbox_id: Mapped[int | None] = mapped_column(BigIntKey)
    created_at: Mapped[datetime]
