"""The console channel: a person fills a report in a terminal (or pipes answers on stdin), no token needed.

:class:`ConsoleChannel` is a channel like the others (:mod:`bot.channels.base`): a typed line becomes an
update, a message is sent by printing it. :class:`ConsoleChat` drives it through the same runner, inbox and
outbox as ``reportbot run``: each line is kept and processed in one transaction, its replies printed after
the commit and marked sent. At the end of input the report is written to a .docx and its path printed.
"""

from __future__ import annotations

import asyncio
import logging
import sys
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from bot.channels.base import Capabilities, SendResult, Sent
from bot.cli.errors import file_problem
from bot.runner import Binding, Outgoing, Runner, Update, storage_problem
from bot.services import Services
from dialogs.effects import Submitted
from dialogs.errors import ReportbotError
from dialogs.events import Event, Start, Text
from dialogs.messages import t

CHANNEL = "console"
log = logging.getLogger(__name__)


@dataclass
class ConsoleChannel:
    """A terminal: lines in, printed messages out (buttons shown as ``[label]``, typed by their label)."""

    stdout: TextIO
    chat_id: str
    name: str = CHANNEL
    capabilities: Capabilities = field(default_factory=lambda: Capabilities(
        buttons=False, documents=False, edits=False, text_limit=100_000))

    def parse(self, raw: dict[str, object]) -> Update | None:
        """A typed line (``{"text": …}``) as an update (None for an empty line)."""
        text = str(raw.get("text") or "")
        if not text.strip():
            return None
        return self.update(Text(text))

    def update(self, event: Event) -> Update:
        """An update of this terminal's user."""
        name = t("bot.console.display_name")
        return Update(CHANNEL, uuid.uuid4().hex, self.chat_id, "local", event, display_name=name)

    async def send(self, message: Outgoing) -> SendResult:
        """Print the message."""
        if message.chat_id == self.chat_id:
            self.stdout.write(message.text + "\n")
            if message.buttons:
                self.stdout.write("   " + "  ".join(f"[{label}]" for label, _ in message.buttons) + "\n")
            self.stdout.write("\n")
            self.stdout.flush()
        return Sent()

    async def close(self) -> None:
        """Nothing to release."""


@dataclass
class ConsoleChat:
    """A terminal conversation for one unit and campaign."""

    services: Services
    binding: Binding
    out: Path
    #: The streams read and written (the process's own when not given: looked up when the chat starts,
    #: so a redirection made after import is honoured).
    stdin: TextIO = field(default_factory=lambda: sys.stdin)
    stdout: TextIO = field(default_factory=lambda: sys.stdout)
    #: The documents this chat wrote (only those may be written again; anything else gets a new name).
    _written: set[Path] = field(default_factory=set)

    @property
    def chat_id(self) -> str:
        """One conversation per campaign and unit."""
        return f"{self.binding.campaign_id}:{self.binding.unit_id}"

    def run(self) -> int:
        """Chat until the end of input; write the report; return an exit code."""
        runner = Runner(self.services.session_factory, self.services.settings.now, binding=self.binding)
        self._channel = ConsoleChannel(self.stdout, self.chat_id)
        self._loop = asyncio.new_event_loop()
        try:
            return self._chat(runner)
        finally:
            self._loop.close()

    def _chat(self, runner: Runner) -> int:
        reconfigure = getattr(self.stdin, "reconfigure", None)
        if reconfigure is not None:  # bytes that are not UTF-8 (a pasted file) become U+FFFD, never an error
            reconfigure(errors="replace")
        interactive = self.stdin.isatty()
        if not self._deliver(runner):
            # A fresh start, or a restart after a crash: greet and ask the current question again.
            self._send(runner, Start())
        changed, written = False, False  # typed since the report was last written; written in this run
        while True:
            if interactive:
                self.stdout.write("› ")
                self.stdout.flush()
            try:
                line = self.stdin.readline()
            except KeyboardInterrupt:  # Ctrl-C ends the chat like the end of input: all is saved already
                line = ""
            if not line:
                break
            update = self._channel.parse({"text": line.rstrip("\r\n")})
            if update is None:
                continue
            handled = self._send(runner, update.event)
            changed = True
            if any(isinstance(e, Submitted) for e in handled):
                self._export()
                changed, written = False, True
        if interactive:
            self.stdout.write("\n")
        try:
            runner.flush()
        except Exception as exc:  # bookkeeping only (which replies went out): never worth a failed chat
            problem = storage_problem(exc)
            if problem is None:
                raise
            self.stdout.write(t(problem) + "\n")
        if changed or not written:
            self._export()
        self.stdout.write(t("bot.console.goodbye") + "\n")
        self.stdout.flush()
        return 0

    def _send(self, runner: Runner, event: Event) -> list[object]:
        handled = runner.process(self._channel.update(event))
        if runner.send_replies([handled], self._print) < len(handled.outgoing) or not handled.outgoing:
            runner.deliver(self._print, channel=CHANNEL)  # replies queued behind older ones
        # Printed is delivered: record it now, so that only a crash in this very instant prints it again.
        runner.flush()
        return list(handled.effects)

    def _deliver(self, runner: Runner) -> int:
        """Send what an earlier run left unsent or in doubt (the console is its channel's only sender)."""
        return runner.deliver(self._print, channel=CHANNEL, take_over=True)

    def _print(self, message: Outgoing) -> SendResult:
        return self._loop.run_until_complete(self._channel.send(message))

    def _export(self) -> None:
        """Write the report (the last submitted version, else the draft) and say where."""
        try:
            path, submitted = self.services.export_unit_docx(self.binding, self.out, own=self._written)
        except OSError as exc:  # the disk, not the report: say which in Vietnamese
            problem = file_problem(exc, self.out, writing=True)
            self.stdout.write(t("bot.console.export_failed", reason=problem) + "\n")
            return
        except ReportbotError as exc:
            self.stdout.write(t("bot.console.export_failed", reason=exc) + "\n")
            return
        except Exception:  # the chat must end cleanly whatever the exporter does; the log has the details
            log.exception("exporting the report failed")
            self.stdout.write(t("bot.console.export_failed", reason=t("bot.console.export_bug")) + "\n")
            return
        key = "bot.console.saved_docx" if submitted else "bot.console.draft_docx"
        self._written.add(path)
        self.stdout.write(t(key, path=path) + "\n")
        self.stdout.flush()
