"""One repository per aggregate, each a few named methods over one SQLAlchemy session.

Lookups by id (``get``) raise :class:`~dialogs.errors.NotFound`; lookups by another key
(``by_code``, ``by_digest``, ``by_campaign_unit``, ``latest`` …) and ``conversations.get`` return None
when absent.
Nothing here commits: the :class:`~storage.uow.UnitOfWork` does.
"""

from __future__ import annotations

from .answers import AnswerRepository
from .campaigns import CampaignRepository, SubmissionRepository, TemplateRepository, template_digest
from .conversations import KEEP, ConversationRepository
from .inbox import InboxRepository
from .outbox import OutboxRepository
from .people import ROLES, InviteRepository, PersonRepository, Working
from .reminders import ReminderRepository
from .reports import ReportRepository
from .units import KIND_PREFIXES, UnitRepository, bare_name, guess_kind

__all__ = [
    "KEEP",
    "KIND_PREFIXES",
    "ROLES",
    "AnswerRepository",
    "CampaignRepository",
    "ConversationRepository",
    "InboxRepository",
    "InviteRepository",
    "OutboxRepository",
    "PersonRepository",
    "ReminderRepository",
    "ReportRepository",
    "SubmissionRepository",
    "TemplateRepository",
    "UnitRepository",
    "Working",
    "bare_name",
    "guess_kind",
    "template_digest",
]
