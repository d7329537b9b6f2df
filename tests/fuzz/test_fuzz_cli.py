"""Hostile text to every CLI command that takes text, and hostile lines to the console chat: always a documented
exit code and at most one sentence on standard error — never a traceback, never an internal error."""

from __future__ import annotations

import contextlib
import io
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.cli import run
from tests.fuzz.cases import count

#: Exit codes the README documents, but "internal error" (4): a bug is never an acceptable answer to input.
ACCEPTED = {0, 1, 2, 3}
# Command-line arguments cannot hold NUL or lone surrogates (the OS refuses them before we see them).
arg_text = st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\x00"), max_size=40)
COMMANDS = [
    lambda s: ["parse", "integer", s],
    lambda s: ["parse", "money", s],
    lambda s: ["parse", "date", s],
    lambda s: ["parse", "docref", s],
    lambda s: ["parse", "choice", s],
    lambda s: ["parse", s, "75"],
    lambda s: ["parse", "integer", "75", "--min", s],
    lambda s: ["unit", "add", s or " "],
    lambda s: ["unit", "list", "--province", s],
    lambda s: ["invite", "--unit", s, "--role", "reporter"],
    lambda s: ["invite", "--unit", "Xã Khúc Thừa Dụ", "--role", s],
    lambda s: ["campaign", "create", "--template", "tdkt_5nam_2021_2025", "--deadline", s],
    lambda s: ["template", "check", s or "."],
    lambda s: ["export", "--campaign", s, "--compiled", "--format", "docx", "-o", "x.docx"],
    lambda s: ["remind", "--dry-run", "--at", s],
]


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A working directory with its own database and log."""
    path = tmp_path_factory.mktemp("cli")
    old = os.getcwd()
    env = {"REPORTBOT_DATABASE_URL": f"sqlite:///{path}/fuzz.db", "REPORTBOT_LOG": str(path / "reportbot.log")}
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    os.chdir(path)
    yield path
    os.chdir(old)
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


def _run(args: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = run(args)
    return code, out.getvalue(), err.getvalue()


@settings(max_examples=150, deadline=1000, suppress_health_check=[HealthCheck.too_slow,
                                                                   HealthCheck.function_scoped_fixture])
@given(command=st.sampled_from(range(len(COMMANDS))), text=arg_text)
def test_a_cli_command_answers_any_text_with_a_sentence(folder: Path, command: int, text: str) -> None:
    count("cli (hostile text in command arguments)")
    args = COMMANDS[command](text)
    code, _, err = _run(args)
    assert code in ACCEPTED, (args, code, err)
    assert "Traceback" not in err and len(err.strip().splitlines()) <= 12, (args, err)


@settings(max_examples=20, deadline=20000, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(lines=st.lists(st.text(st.characters(exclude_categories=()), max_size=50), min_size=1, max_size=5))
def test_the_console_chat_takes_any_lines(folder: Path, lines: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    count("console chat (hostile lines)")
    raw = "\n".join(lines).encode("utf-8", "surrogatepass") + b"\n\xff\xfe\n"
    stdin = io.TextIOWrapper(io.BytesIO(raw), encoding="utf-8")
    monkeypatch.setattr("sys.stdin", stdin)
    code, out, err = _run(["chat", "--out", str(folder)])
    assert code == 0, err
    assert "Traceback" not in err and "Xin lỗi" not in out, (lines, out[-500:])
