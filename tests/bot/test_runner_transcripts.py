"""Whole deployments kept as data (tests/bot/transcripts/*.yaml), played through the runner on SQLite and
PostgreSQL (and the fake store): several people, several channel accounts, several campaigns, invites and link codes.

``setup`` names ``units``, ``campaigns`` (``{id, template, units, deadline?, stored_as_is?}``: with
``stored_as_is`` the template is stored without today's checks, as an older release stored it) and
``invites`` (``{code, unit?, campaign?, role?}``). Each step comes ``from: <user>@<channel>`` and is an event
(``user`` text, ``pick`` a button's value) or an action (``open_campaign`` like a setup campaign). It then
checks ``says`` / ``not_says`` (message ids among the replies), ``asks`` (the field asked last, ``null``
for none), ``saved`` (field → value), ``contains`` (text in the replies), and the database: ``reports``
(campaign id → status, or ``{status, version, answers}``), ``people`` (how many), ``identities_of``
(user@channel → how many accounts their person has), ``conversations`` (how many).
"""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.runner import Outgoing, Runner, Update
from dialogs.effects import AnswerSaved, Ask
from dialogs.events import Event, Pick, Text
from dialogs.template.loader import load_stored_template, load_template

HERE = Path(__file__).parent
TRANSCRIPTS = sorted((HERE / "transcripts").glob("*.yaml"))
NOW = datetime(2025, 8, 10, 2, 0, tzinfo=UTC)


class Deployment:
    """A database, a runner, and the names a transcript uses for campaigns and units."""

    def __init__(self, db: Any) -> None:
        self.db = db
        self.codes = (f"LINK{n:04d}" for n in itertools.count(1))
        self.runner = Runner(db.session_factory, lambda: NOW, codes=lambda: next(self.codes), uow=db.uow)
        self.campaigns: dict[str, int] = {}
        self.units: dict[str, int] = {}
        self.updates = itertools.count(1)

    def setup(self, spec: dict[str, Any]) -> None:
        with self.db.uow() as uow:
            for name in spec.get("units") or []:
                self.units[name] = uow.units.add(name, now=NOW).id
            uow.commit()
        for campaign in spec.get("campaigns") or []:
            self.open_campaign(campaign)
        with self.db.uow() as uow:
            for invite in spec.get("invites") or []:
                unit = self.units[invite["unit"]] if invite.get("unit") else None
                campaign = self.campaigns[invite["campaign"]] if invite.get("campaign") else None
                uow.invites.create(invite["code"], invite.get("role", "reporter"), unit, campaign, None, NOW)
            uow.commit()

    def open_campaign(self, spec: dict[str, Any]) -> None:
        path = HERE / "templates" / spec["template"]
        if spec.get("stored_as_is"):
            template, issues = load_stored_template(path.read_text(encoding="utf-8"), source=str(path))
            assert issues, "a template stored as is should fail today's checks"
        else:
            template = load_template(path)
        with self.db.uow() as uow:
            version = uow.templates.ensure(template, NOW)
            units = [self.units[u] for u in spec["units"]]
            deadline = date.fromisoformat(str(spec.get("deadline", "2025-08-20")))
            self.campaigns[spec["id"]] = uow.campaigns.create(version, spec.get("title", spec["id"]), deadline,
                                                              NOW, units).id
            uow.commit()

    def send(self, sender: str, event: Event) -> tuple[list[Any], list[Outgoing]]:
        user, _, channel = sender.partition("@")
        update = Update(channel or "telegram", str(next(self.updates)), user, user, event, display_name=user)
        handled = self.runner.process(update)
        assert handled.error is None, handled.error
        out: list[Outgoing] = []
        self.runner.send_replies([handled], out.append)
        return handled.effects, out


def _event(step: dict[str, Any]) -> Event | None:
    if "user" in step:
        return Text(str(step["user"]))
    if "pick" in step:
        return Pick(str(step["pick"]))
    return None


def play(db: Any, path: Path) -> None:
    script = yaml.safe_load(path.read_text(encoding="utf-8"))
    world = Deployment(db)
    world.setup(script.get("setup") or {})
    for number, step in enumerate(script["steps"], start=1):
        where = f"{path.name} step {number} {step.get('from', '')} {step.get('user', step.get('pick', ''))!r}"
        if "open_campaign" in step:
            world.open_campaign(step["open_campaign"])
        event = _event(step)
        effects: list[Any] = []
        out: list[Outgoing] = []
        if event is not None:
            effects, out = world.send(str(step["from"]), event)
        check(world, step, effects, out, where)


def check(world: Deployment, step: dict[str, Any], effects: list[Any], out: list[Outgoing], where: str) -> None:
    msgs = [m for o in out for m in o.msgs]
    texts = "\n".join(o.text for o in out)
    for key in step.get("says") or []:
        assert key in msgs, f"{where}: no {key} among {msgs}\n{texts}"
    for key in step.get("not_says") or []:
        assert key not in msgs, f"{where}: unexpected {key}\n{texts}"
    if "asks" in step:
        asks = [e.field_id for e in effects if isinstance(e, Ask)]
        got = asks[-1] if asks else None
        assert got == step["asks"], f"{where}: asked {got}, expected {step['asks']}\n{texts}"
    saved = {e.field_id: e.record.get("value") for e in effects if isinstance(e, AnswerSaved)}
    for field_id, value in (step.get("saved") or {}).items():
        assert saved.get(field_id) == value, f"{where}: saved {saved}\n{texts}"
    for fragment in step.get("contains") or []:
        assert fragment in texts, f"{where}: {fragment!r} not in\n{texts}"
    with world.db.uow() as uow:
        for name, expected in (step.get("reports") or {}).items():
            report = None
            for unit_id in world.units.values():
                report = report or uow.reports.by_campaign_unit(world.campaigns[name], unit_id)
            assert report is not None, f"{where}: campaign {name} has no report"
            wanted = expected if isinstance(expected, dict) else {"status": expected}
            assert report.status == wanted.get("status", report.status), f"{where}: {name} is {report.status}"
            assert report.version == wanted.get("version", report.version), f"{where}: {name} v{report.version}"
            current = uow.answers.current_records(report.campaign_id, report.unit_id)
            for field_id, value in (wanted.get("answers") or {}).items():
                assert field_id in current and current[field_id].value == value, f"{where}: {field_id} {current}"
        if "people" in step:
            assert uow.people.count() == step["people"], where
        if "conversations" in step:
            count = uow.conversations.count()
            assert count == step["conversations"], f"{where}: {count} conversations"
        for sender, count in (step.get("identities_of") or {}).items():
            user, _, channel = sender.partition("@")
            found = uow.people.lookup(channel, user)
            assert found is not None and len(uow.people.identities(found[0].id)) == count, where


@pytest.mark.parametrize("path", TRANSCRIPTS, ids=[p.stem for p in TRANSCRIPTS])
def test_deployment_transcript(anydb: Any, path: Path) -> None:
    play(anydb, path)
