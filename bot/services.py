"""Application services: what the CLI and the channels do, each in one unit of work.

Opening the database applies its migrations, so every command works on a fresh machine.
"""

from __future__ import annotations

import tempfile
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from bot.config import Settings
from bot.department import unit_statuses
from bot.exports import campaign_info, slug
from bot.progress import unit_info
from bot.reporting import apply_effects, campaign_template, report_view
from bot.runner import Binding, new_code
from dialogs.answers import AnswerRecord
from dialogs.conversation.importer import ImportProblem, import_answers
from dialogs.conversation.report import DRAFT, RETURNED, SUBMITTED, Report
from dialogs.effects import VersionOpened
from dialogs.errors import ConfigError, NotFound, ReportbotError
from dialogs.messages import t
from dialogs.template.loader import find_template, load_template
from dialogs.template.model import Template
from dialogs.vietnamese.cleaning import clean
from dialogs.vietnamese.text import squash
from storage.db import make_engine, make_session_factory, migrate
from storage.models import Campaign, Unit
from storage.units_import import add_ward, find_ward
from storage.uow import UnitOfWork

#: The template `reportbot chat` uses when none is named.
DEFAULT_TEMPLATE = "tdkt_5nam_2021_2025"
#: The unit `reportbot chat` reports for when none is named (sample 003's commune).
DEFAULT_UNIT = "Xã Khúc Thừa Dụ"


class ImportRefused(ReportbotError):
    """An answers file had problems; nothing was imported."""

    def __init__(self, problems: list[ImportProblem]) -> None:
        super().__init__(msg="bot.import_refused", count=len(problems))
        self.problems = problems


@dataclass(frozen=True)
class InviteInfo:
    """A new invite: its code, the Telegram deep link and when it expires."""

    code: str
    link: str
    expires: datetime
    unit: Unit | None = None
    role: str = "reporter"
    campaign_id: int | None = None
    campaign_title: str | None = None


@dataclass(frozen=True)
class Receipt:
    """A submission's receipt: reference, version, whether it came by the deadline, and whether it was the
    same report submitted again (then no new version was made)."""

    ref: str
    version: int
    on_time: bool
    unchanged: bool
    submitted_at: datetime


@dataclass(frozen=True)
class Imported:
    """What ``answers import`` did: answers stored, for which unit and campaign, the receipt with ``--submit``."""

    count: int
    unit: Unit
    campaign: Campaign
    receipt: Receipt | None


def _same(new: AnswerRecord, old: AnswerRecord | None) -> bool:
    """Whether an imported answer says what the stored one says (its time aside)."""
    return old is not None and (new.status, new.value, new.approximate, new.qualifier) == (
        old.status, old.value, old.approximate, old.qualifier)


def resolve_template(name_or_path: str | None) -> Template:
    """A shipped template by name, or a template file by path (the shipped report when None)."""
    return load_template(find_template(name_or_path or DEFAULT_TEMPLATE))


class Services:
    """The database and the operations on it."""

    def __init__(self, settings: Settings | None = None, *, session_factory: sessionmaker[Session] | None = None
                 ) -> None:
        """Open (and migrate) the database of ``settings``; with ``session_factory``, use that one as it is."""
        self.settings = settings or Settings()
        #: Warnings of the last operation (a short deadline, a capped expiry …), for the command to print.
        self.warnings: list[str] = []
        #: The units the last operation acted on, for the command to name.
        self.units_used: list[Unit] = []
        #: The annex written beside the last compiled .docx (every unit's full text), if any.
        self.annex: Path | None = None
        self._templates: dict[int, Template] = {}
        if session_factory is not None:
            self.session_factory: sessionmaker[Session] = session_factory
            return
        self.engine = make_engine(self.settings.database_url)
        migrate(self.engine)
        self.session_factory = make_session_factory(self.engine)

    def uow(self) -> UnitOfWork:
        """A new unit of work."""
        return UnitOfWork(self.session_factory)

    def now(self) -> datetime:
        """Now, in the reporting time zone."""
        return self.settings.now()

    # ---- units -------------------------------------------------------------------------------------
    def find_unit(self, uow: UnitOfWork, name: str, province: str | None = None) -> Unit:
        """The unit ``name`` names exactly (code, id, folded name, "name, province"; within ``province`` when
        given); from `vietnam-provinces` if it is named exactly there but not stored yet. A typo is refused
        with suggestions (:mod:`storage.unit_lookup`), never guessed."""
        try:
            return uow.units.resolve(name, province)
        except NotFound:
            ward = find_ward(name, province)
            if ward is None:
                raise
            known = uow.units.by_code(int(ward.code.value))
            return known if known is not None else add_ward(uow, ward, self.now())

    def add_unit(self, name: str) -> Unit:
        """Add a unit by name (with its code and province when `vietnam-provinces` knows it)."""
        name = squash(clean(name, limit=200))
        if not name:
            raise ConfigError(msg="bot.cli.unit_name_empty")
        with self.uow() as uow:
            ward = find_ward(name)
            unit = add_ward(uow, ward, self.now()) if ward is not None else uow.units.add(name, now=self.now())
            uow.commit()
        # A name the official list does not hold exactly is kept as typed, and said so (it has no code).
        self.warnings = [] if ward is not None else [t("bot.cli.unit_not_official", name=unit.name)]
        return unit

    # ---- campaigns ---------------------------------------------------------------------------------
    def create_campaign(self, template: Template, deadline: date, title: str | None = None,
                        unit_names: tuple[str, ...] = (), all_units: bool = False,
                        word_template: Path | None = None, contact: str | None = None, *,
                        province: str | None = None,
                        signer: dict[str, str | None] | None = None,
                        noi_nhan: tuple[str, ...] | None = None,
                        remind: dict[str, str | None] | None = None,
                        deadline_time: time | None = None) -> Campaign:
        """Open a campaign on a template version, due on ``deadline`` at ``deadline_time`` (None: the end of that
        day), inviting the named units (or every stored unit, or those of ``province``); no unit, or a deadline
        in the past or days away, is a warning (in ``self.warnings``).

        ``word_template``: a department's Word (.docx, docxtpl) template to fill instead of the built-in
        layout; it is checked by filling it once with an empty report. ``remind``: the reminder options
        (``policy``, ``quiet``, ``digest``; :func:`bot.reminders.configure`).
        """
        from bot import reminders
        from bot.campaigns import check_deadline, check_units, set_settings

        self.warnings = check_deadline(deadline, deadline_time, self.now())
        blob = _checked_word_template(template, word_template) if word_template else None
        with self.uow() as uow:
            version = uow.templates.ensure(template, self.now())
            units = self.units_named(uow, unit_names, province, all_units)
            self.warnings += check_units(len(units))
            campaign = uow.campaigns.create(version, title or template.meta.title, deadline, self.now(),
                                            unit_ids=[u.id for u in units], word_template=blob, contact=contact,
                                            word_template_name=word_template.name if word_template else None,
                                            deadline_time=deadline_time)
            if signer or noi_nhan is not None:
                set_settings(campaign, signer or {}, noi_nhan)
            if remind is not None:
                reminders.configure(campaign, **remind)
            reminders.plan_campaign(uow, campaign, self.now())
            uow.commit()
            self.units_used = units
            return campaign

    def units_named(self, uow: UnitOfWork, names: tuple[str, ...], province: str | None,
                    all_units: bool) -> list[Unit]:
        """The units a command names: each ``--unit`` (within ``--province`` when given), else every stored unit
        of ``--province`` (or of the country with ``--all-units``)."""
        if names:
            return list({u.id: u for u in (self.find_unit(uow, n, province) for n in names)}.values())
        if province is not None:
            from storage.units_import import find_province

            return uow.units.all(int(find_province(province).code.value))
        return uow.units.all() if all_units else []

    def local_binding(self, template: Template, unit_name: str | None) -> Binding:
        """The campaign and unit a local chat reports for (created on first use)."""
        with self.uow() as uow:
            unit = self.find_unit(uow, unit_name or DEFAULT_UNIT)
            version = uow.templates.ensure(template, self.now())
            campaigns = [c for c in uow.campaigns.open_for_unit(unit.id) if c.template_version_id == version.id]
            if campaigns:
                campaign = campaigns[-1]
            else:
                deadline = self.now().date() + timedelta(days=template.meta.deadline_days)
                campaign = uow.campaigns.create(version, template.meta.title, deadline, self.now(),
                                                unit_ids=[unit.id])
            uow.commit()
            return Binding(campaign.id, unit.id)

    def create_invite(self, unit_name: str | None, role: str, campaign_id: int | None, days: int = 14,
                      bot_username: str = "reportbot", province: str | None = None) -> InviteInfo:
        """A one-time invite code for a reporter of a unit (or for department staff); an expiry past
        :data:`bot.invite_sheet.MAX_INVITE_DAYS` is capped (the warning is in ``self.warnings``)."""
        from bot.campaigns import expected_unit, open_campaign
        from bot.invite_sheet import capped_days, telegram_link

        days, warning = capped_days(days)
        self.warnings = [warning] if warning else []
        now = self.now()
        code = new_code()
        expires = now + timedelta(days=days)
        with self.uow() as uow:
            unit = self.find_unit(uow, unit_name, province) if unit_name else None
            campaign = open_campaign(uow, campaign_id) if campaign_id is not None else None
            if campaign is not None and unit is not None:
                expected_unit(uow, campaign, unit)
            uow.invites.create(code, role, unit.id if unit else None, campaign_id, expires, now)
            uow.commit()
        return InviteInfo(code, telegram_link(bot_username, code), expires, unit, role, campaign_id,
                          campaign.title if campaign is not None else None)

    # ---- answers -----------------------------------------------------------------------------------
    def import_answers(self, campaign_id: int, unit_name: str, raw: Mapping[str, Any], submit: bool = False,
                       province: str | None = None) -> Imported:
        """Import answers given as field id → text, typed into the engine exactly as in the chat; every
        problem listed, nothing half-imported. The campaign must be open and expect the unit.

        With ``submit``, the unit's report (earlier answers and these) is also submitted as a version, and the
        receipt comes back; a submitted report given the same answers again is left as it is (no new version).
        """
        from bot.campaigns import expected_unit, open_campaign
        from bot.progress import deadline_end

        now = self.now()
        with self.uow() as uow:
            campaign = open_campaign(uow, campaign_id)
            template = self.template_of(uow, campaign)
            unit = expected_unit(uow, campaign, self.find_unit(uow, unit_name, province))
            row = uow.reports.get_or_create(campaign.id, unit.id, now)
            view = report_view(uow, row)
            working, opened = view, []
            if view.status in (SUBMITTED, RETURNED):
                # As «sửa» in the chat: the answers go into the next version (kept only if something changed).
                working = Report.of(view.answers, version=view.version + 1, status=DRAFT, ref=view.ref)
                opened = [VersionOpened(view.version + 1)]
            imported = import_answers(template, working, raw, now, submit=submit)
            if imported.problems:
                raise ImportRefused(imported.problems)
            unchanged = view.submitted and all(_same(r, view.answers.get(k)) for k, r in imported.records.items())
            if not unchanged:
                apply_effects(uow, row, [*opened, *imported.effects], now, person_id=None, channel="import")
            receipt = None
            if submit:
                last = uow.submissions.last_submitted(campaign.id, unit.id)
                if last is not None and last.submitted_at is not None:
                    at = last.submitted_at.astimezone(self.settings.zone())
                    receipt = Receipt(last.ref or "", last.version, at <= deadline_end(campaign, self.settings.zone()),
                                      unchanged, at)
            uow.commit()
            return Imported(0 if unchanged else len(imported.records), unit, campaign, receipt)

    def template_of(self, uow: UnitOfWork, campaign: Campaign) -> Template:
        """The template version a campaign was opened on (loaded once per command: versions never change)."""
        found = self._templates.get(campaign.template_version_id)
        if found is None:
            found = self._templates[campaign.template_version_id] = campaign_template(uow, campaign.template_version_id)
        return found

    def unit_answers(
        self, uow: UnitOfWork, campaign_id: int, unit_id: int
    ) -> tuple[dict[str, AnswerRecord], bool, datetime | None]:
        """A unit's answers: the last submitted version if any (True), else the current draft (False)."""
        submitted = uow.submissions.last_submitted(campaign_id, unit_id)
        if submitted is not None and submitted.answers:
            records = {k: AnswerRecord.from_json(v) for k, v in submitted.answers.items()}
            return records, True, submitted.submitted_at
        return uow.answers.current_records(campaign_id, unit_id), False, None

    # ---- exports -----------------------------------------------------------------------------------
    def export_unit_docx(self, binding: Binding, out: Path, own: set[Path] | None = None,
                         name: str | None = None) -> tuple[Path, bool]:
        """Write one unit's report; returns the path and whether it is a submitted version.

        In a folder the file is named for the unit and the version (``bao-cao-xa-kien-thuy-v2.docx``,
        ``…-v3-du-thao.docx`` for a draft), or ``name``. A file that is already there is never overwritten
        unless it is in ``own`` (written earlier by the same command): the new one gets the next free name."""
        from exporters.docx_unit import write_unit_docx
        from exporters.model import DocInfo

        with self.uow() as uow:
            campaign = uow.campaigns.get(binding.campaign_id)
            template = self.template_of(uow, campaign)
            unit = uow.units.get(binding.unit_id)
            answers, submitted, when = self.unit_answers(uow, campaign.id, unit.id)
            info = unit_info(unit)
            word_template = campaign.word_template
            report = uow.reports.by_campaign_unit(campaign.id, unit.id)
            last = uow.submissions.last_submitted(campaign.id, unit.id)
            version = (last.version if submitted and last else report.version if report else 1)
        if out.is_dir():
            name = name or f"bao-cao-{slug(unit.name)}-v{version}{'' if submitted else '-du-thao'}.docx"
            out = out / name
        path = free_path(out, own or set())
        path.parent.mkdir(parents=True, exist_ok=True)
        issued = _signing_date(template, answers) or (when or self.now()).date()
        doc = DocInfo(number=None, issued_on=issued, draft=not submitted)
        if word_template:
            _fill_word_template(word_template, template, info, answers, doc, path)
        else:
            write_unit_docx(template, info, answers, doc, path)
        return path.resolve(), submitted

    def campaign_statuses(self, campaign_id: int) -> tuple[Template, Any, list[Any]]:
        """The campaign's template, its exporter view, and every invited unit's status and answers."""
        with self.uow() as uow:
            campaign = uow.campaigns.get(campaign_id)
            template = self.template_of(uow, campaign)
            statuses = unit_statuses(uow, campaign, self.settings.zone())
            info_c = campaign_info(template, campaign)
        return template, info_c, statuses

    def export_compiled(self, campaign_id: int, fmt: str, out: Path) -> Path:
        """Write the compiled department report (.docx with its annex beside it, .xlsx or .pdf)."""
        from exporters.docx_compiled import write_compiled_docx
        from exporters.xlsx import write_compiled_xlsx

        template, campaign, statuses = self.campaign_statuses(campaign_id)
        out = free_path(out, set())
        out.parent.mkdir(parents=True, exist_ok=True)
        self.annex = None
        if fmt == "xlsx":
            return write_compiled_xlsx(template, campaign, statuses, out)
        if fmt == "pdf":
            from exporters.pdf import convert_to_pdf

            with tempfile.TemporaryDirectory(prefix="reportbot-") as folder:  # no .docx left beside the PDF
                docx = Path(folder) / out.with_suffix(".docx").name
                write_compiled_docx(template, campaign, statuses, docx, issued_on=self.now().date())
                return convert_to_pdf(docx, out)
        annex = free_path(out.with_name(f"{out.stem}-phu-luc{out.suffix}"), set())
        write_compiled_docx(template, campaign, statuses, out, issued_on=self.now().date(), annex=annex)
        self.annex = annex if annex.exists() else None
        return out


def free_path(path: Path, own: set[Path]) -> Path:
    """``path``, or when a file the command did not write is there, the next free ``name (2).ext``.

    >>> import tempfile; folder = Path(tempfile.mkdtemp()); (folder / "a.docx").write_text("clerk's copy")
    12
    >>> free_path(folder / "a.docx", set()).name, free_path(folder / "b.docx", set()).name
    ('a (2).docx', 'b.docx')
    """
    if not path.is_file() or path.resolve() in {p.resolve() for p in own}:  # a device (/dev/full) is no file
        return path
    for n in range(2, 1000):
        candidate = path.with_name(f"{path.stem} ({n}){path.suffix}")
        if not candidate.exists():
            return candidate
    return path.with_name(f"{path.stem} ({uuid.uuid4().hex[:6]}){path.suffix}")


def _fill_word_template(blob: bytes, template: Template, unit: Any, answers: Mapping[str, AnswerRecord],
                        doc: Any, path: Path) -> None:
    """Fill a stored Word template (docxtpl) with one unit's report."""
    from exporters.docxtpl_fill import write_from_word_template

    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "mau.docx"
        source.write_bytes(blob)
        write_from_word_template(source, template, unit, answers, doc, path)


def _checked_word_template(template: Template, path: Path) -> bytes:
    """The bytes of a Word template that fills without error (else a clear ConfigError)."""
    from exporters.model import DocInfo, UnitInfo

    if not path.exists():
        raise ConfigError(msg="bot.cli.no_file", path=path)
    blob = path.read_bytes()
    try:
        with tempfile.TemporaryDirectory() as folder:
            _fill_word_template(blob, template, UnitInfo("Xã Thử"), {}, DocInfo(None, date(2025, 1, 1)),
                                Path(folder) / "thu.docx")
    except Exception as exc:  # whatever fails, the file is not a usable template
        detail = f"{type(exc).__name__}: {exc}"
        raise ConfigError(msg="bot.word_template_invalid", name=path.name, detail=detail) from exc
    return blob


def _signing_date(template: Template, answers: Mapping[str, AnswerRecord]) -> date | None:
    """The date the report says it was signed, when the template asks for one and it was answered."""
    hidden = [s for s in template.all_sections() if not s.in_report]
    for field in (f for s in hidden for f in s.fields()):
        record = answers.get(field.id)
        if field.type == "date" and record is not None and record.status == "answered":
            return date.fromisoformat(str(record.value))
    return None
