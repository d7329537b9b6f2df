"""Documentation tests (datasette style): the README names every command, setting, field type and bot command."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.cli.app import app
from bot.config import Settings
from dialogs.conversation.recognise import SLASH
from dialogs.template.model import FIELD_TYPES

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _commands() -> list[str]:
    import typer.main

    group = typer.main.get_command(app)
    names: list[str] = []
    for name, command in group.commands.items():  # type: ignore[attr-defined]
        subs = getattr(command, "commands", None)
        if subs:
            names.extend(f"{name} {sub}" for sub in subs)
        else:
            names.append(name)
    return names


@pytest.mark.parametrize("command", _commands())
def test_every_cli_command_is_in_the_readme(command: str) -> None:
    assert f"reportbot {command}" in README


@pytest.mark.parametrize("variable", [f.alias for f in Settings.model_fields.values() if f.alias])
def test_every_setting_is_in_the_readme(variable: str) -> None:
    assert f"`{variable}`" in README


@pytest.mark.parametrize("field_type", FIELD_TYPES)
def test_every_field_type_is_in_the_readme(field_type: str) -> None:
    assert f"`{field_type}`" in README


@pytest.mark.parametrize("command", sorted({"start", "baocao", "xemlai", "sua", "nop", "tiendo", "tonghop", "trogiup"}))
def test_every_bot_command_is_in_the_readme_and_understood(command: str) -> None:
    assert f"/{command}" in README and command in SLASH


def test_readme_gives_one_run_and_one_test_command_and_ci_runs_the_test_one() -> None:
    blocks = re.findall(r"```sh\n(.*?)\n```", README, re.S)
    assert blocks[:2] == ["make chat", "make test"]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert re.search(r"^make test$", ci, re.M)
