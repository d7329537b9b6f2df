"""Bad input never breaks the command line: every failure is one sentence of dialogs.messages and an exit code
of the README's table, never a traceback; internal errors and their tracebacks go to the log file."""

from __future__ import annotations

import errno
import json
import logging
import os
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.cli import errors, logs, run
from bot.cli.files import writing
from bot.services import Services
from dialogs.messages import t

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")
TINY = ROOT / "tests" / "bot" / "templates" / "tiny.yaml"
HUGE = "9" * 5000


@pytest.fixture
def restore_logging() -> Iterator[None]:
    """bot.cli.run configures the process's logging; put back what pytest had."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    hooks = sys.unraisablehook, threading.excepthook
    yield
    for handler in [h for h in root.handlers if h not in handlers]:
        root.removeHandler(handler)
        handler.close()
    root.setLevel(level)
    sys.unraisablehook, threading.excepthook = hooks
    logging.raiseExceptions = True
    logging.captureWarnings(False)


class CLI:
    """``reportbot`` in this process (``bot.cli.run``), on a database and a log file of its own."""

    def __init__(self, folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
        self.folder, self.capsys = folder, capsys
        self.log = folder / "reportbot.log"

    def __call__(self, *args: str, code: int = 0) -> tuple[str, str]:
        got = run(args)
        out, err = self.capsys.readouterr()
        assert got == code, (out, err)
        assert "Traceback" not in out + err
        return out, err

    def json(self, *args: str, code: int = 0) -> Any:
        """The command's ``--json`` output, parsed."""
        out, _ = self(*args, "--json", code=code)
        return json.loads(out)

    def refuses(self, *args: str, code: int, msg: str, **params: Any) -> None:
        """The command fails with exactly one sentence: message ``msg`` with ``params``."""
        _, err = self(*args, code=code)
        assert err == f"reportbot: {t(msg, **params)}\n"


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
        restore_logging: None) -> CLI:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("REPORTBOT_DATABASE_URL", f"sqlite:///{tmp_path}/rb.db")
    monkeypatch.setenv("REPORTBOT_LOG", str(tmp_path / "reportbot.log"))
    monkeypatch.delenv(logs.DEBUG_ENV, raising=False)
    return CLI(tmp_path, capsys)


def _subprocess(folder: Path, *args: str, script: str | None = None,
                stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "REPORTBOT_DATABASE_URL": f"sqlite:///{folder}/rb.db", "REPORTBOT_LOG": str(folder / "rb.log")}
    env.pop(logs.DEBUG_ENV, None)
    command = [sys.executable, "-c", script] if script else [sys.executable, "-m", "bot"]
    return subprocess.run([*command, *args], input=stdin, capture_output=True, text=True, cwd=folder, env=env,
                          timeout=120)


# ---- option values ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("args", "msg", "params"),
    [
        (("parse", "integer", "5", "--min", "nan"), "bot.cli.parse_bad_bound",
         {"option": "--min", "value": "nan", "type": "integer"}),
        (("parse", "percent", "5", "--max", "inf"), "bot.cli.parse_bad_bound",
         {"option": "--max", "value": "inf", "type": "percent"}),
        (("parse", "decimal", "5", "--min", "1e400"), "bot.cli.parse_bound_too_big",
         {"option": "--min", "value": "1e400", "limit": "10^18"}),
        (("parse", "money", "5", "--max", HUGE), "bot.cli.parse_bound_too_big",
         {"option": "--max", "value": errors.shown(HUGE), "limit": "10^18"}),
        (("parse", "date", "hôm qua", "--today", "0001-01-01"), "bot.cli.parse_bad_today",
         {"value": "0001-01-01", "first": 1900, "last": 2100}),
        (("parse", "date", "ngày mai", "--today", "9999-12-31"), "bot.cli.parse_bad_today",
         {"value": "9999-12-31", "first": 1900, "last": 2100}),
        (("parse", "date", "5/8/2025", "--min", "2025-02-30"), "bot.cli.parse_bad_date_bound",
         {"option": "--min", "value": "2025-02-30", "first": 1900, "last": 2100}),
        (("parse", "text", "ngắn", "--max-length", "-1"), "bot.cli.parse_bad_length",
         {"option": "--max-length", "value": -1, "limit": 1_000_000}),
        (("parse", "colour", "red"), "bot.cli.parse_unknown_type",
         {"type": "colour", "known": "choice, date, decimal, docref, file, integer, money, multichoice, percent, "
                                     "text, yesno"}),
    ],
)
def test_parse_refuses_an_unusable_option_in_one_sentence(cli: CLI, args: tuple[str, ...], msg: str,
                                                          params: dict[str, Any]) -> None:
    cli.refuses(*args, code=2, msg=msg, **params)


def test_parse_still_reads_usable_bounds(cli: CLI) -> None:
    out, _ = cli("parse", "date", "5/8/2025", "--max", "hôm nay", "--today", "2025-09-01")
    assert '"ok": true' in out
    cli("parse", "integer", "5", "--min", "1e17", code=1)


@pytest.mark.parametrize("days", ["0", "-5"])
def test_invite_days_must_be_at_least_1(cli: CLI, days: str) -> None:
    cli.refuses("invite", "--role", "department", "--days", days, code=1, msg="bot.cli.bad_days", days=int(days),
                max=365)


@pytest.mark.parametrize("days", ["99999999", "366"])
def test_a_silly_expiry_is_capped_at_a_year(cli: CLI, days: str) -> None:
    out, err = cli("invite", "--role", "department", "--days", days, "--json")
    assert err == f"reportbot: {t('bot.cli.warning', text=t('bot.invite_sheet.capped', days=int(days), max=365))}\n"
    expires = datetime.fromisoformat(json.loads(out)["expires"])
    assert timedelta(days=364) < expires - datetime.now(expires.tzinfo) <= timedelta(days=365)


def test_invite_for_a_year_is_fine(cli: CLI) -> None:
    out, _ = cli("invite", "--role", "department", "--days", "365", "--json")
    assert '"expires"' in out


@pytest.mark.parametrize("at", ["hôm qua", "2025-13-01", "20/8/2025 08:00"])
def test_remind_at_must_be_a_datetime_with_an_example(cli: CLI, at: str) -> None:
    cli.refuses("remind", "--at", at, code=1, msg="bot.cli.bad_at", text=at)
    assert "2025-08-20T08:00" in t("bot.cli.bad_at", text=at)


def test_a_deadline_outside_the_readable_years_is_refused(cli: CLI) -> None:
    cli.refuses("campaign", "create", "--template", str(TINY), "--deadline", "9999-12-31", code=1,
                msg="bot.cli.day_out_of_range", option="--deadline", text="9999-12-31", first=1900, last=2100)


# ---- usage errors ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("args", "msg", "params"),
    [
        (("exprt",), "bot.cli.usage_no_command_suggest", {"name": "exprt", "command": "reportbot",
                                                          "suggestion": "export"}),
        (("export", "--bogus"), "bot.cli.usage_no_option", {"option": "--bogus", "command": "reportbot export"}),
        (("parse",), "bot.cli.usage_missing", {"name": "TYPE", "command": "reportbot parse"}),
        (("invite", "--days", "abc"), "bot.cli.usage_not_integer",
         {"option": "--days", "value": "abc", "command": "reportbot invite"}),
        (("unit", "add", "Xã A", "thừa"), "bot.cli.usage_extra", {"args": "thừa", "command": "reportbot unit add"}),
    ],
)
def test_usage_errors_are_one_vietnamese_sentence_and_exit_2(cli: CLI, args: tuple[str, ...], msg: str,
                                                             params: dict[str, Any]) -> None:
    cli.refuses(*args, code=2, msg=msg, **params)


# ---- files: folders, encodings, full disks, permissions -------------------------------------------------
def test_a_folder_where_a_file_is_expected_is_refused(cli: CLI) -> None:
    folder = cli.folder / "thu-muc"
    folder.mkdir()
    for args in (("template", "check", str(folder)),
                 ("campaign", "create", "--template", str(folder), "--deadline", "2025-09-01"),
                 ("campaign", "create", "--template", str(TINY), "--deadline", "2025-09-01",
                  "--word-template", str(folder)),
                 ("answers", "import", "--campaign", "1", "--unit", "Xã Khúc Thừa Dụ", str(folder))):
        cli.refuses(*args, code=1, msg="bot.cli.input_is_directory", path=str(folder))


def test_a_latin1_answers_file_names_the_file_and_the_line(cli: CLI) -> None:
    latin = cli.folder / "tra-loi.yaml"
    latin.write_bytes("so_tap_the: 75\nmuc_do: Khá\n".encode("latin-1"))
    cli.refuses("answers", "import", "--campaign", "1", "--unit", "Xã Khúc Thừa Dụ", str(latin), code=1,
                msg="bot.cli.not_utf8", path=str(latin), line=2)
    assert "UTF-8" in t("bot.cli.not_utf8", path=latin, line=2)


def test_answers_yaml_scalars_yaml_cannot_read_are_answers_for_the_parsers(cli: CLI) -> None:
    cli("campaign", "create", "--template", str(TINY), "--deadline", "2025-09-01", "--unit", "Xã Khúc Thừa Dụ")
    weird = cli.folder / "la.yaml"
    weird.write_text(f"so_tap_the: !!int abc\nmuc_do: .nan\nkhong_co: 2025-02-30\nkhac: {HUGE}\n", encoding="utf-8")
    _, err = cli("answers", "import", "--campaign", "1", "--unit", "Xã Khúc Thừa Dụ", str(weird), code=1)
    assert {line.split(": ")[1] for line in err.splitlines()[:-1]} == {"so_tap_the", "muc_do", "khong_co", "khac"}
    broken = cli.folder / "hong.yaml"
    broken.write_text("so_tap_the: [1, 2\n", encoding="utf-8")
    cli.refuses("answers", "import", "--campaign", "1", "--unit", "Xã Khúc Thừa Dụ", str(broken), code=1,
                msg="bot.cli.bad_yaml", path=str(broken), line=2, column=1)


@pytest.mark.parametrize("scalar", ["2025-02-30", "!!int abc", ".nan", HUGE])
def test_odd_template_scalars_are_template_issues(cli: CLI, scalar: str) -> None:
    template = cli.folder / "mau.yaml"
    template.write_text(TINY.read_text(encoding="utf-8").replace("min: 0", f"min: {scalar}"), encoding="utf-8")
    out, _ = cli("template", "check", str(template), code=1)
    assert "so_tap_the" in out
    _, err = cli("campaign", "create", "--template", str(template), "--deadline", "2025-09-01", code=1)
    assert "so_tap_the" in err and t("bot.cli.internal_error", log=cli.log) not in err


def _campaign(cli: CLI) -> None:
    cli("campaign", "create", "--template", str(TINY), "--deadline", "2025-09-01", "--unit", "Xã Khúc Thừa Dụ")


def test_an_output_folder_gets_the_file_named_inside(cli: CLI) -> None:
    _campaign(cli)
    out = cli.folder / "ra"
    out.mkdir()
    cli("export", "--campaign", "1", "--compiled", "--format", "xlsx", "-o", str(out))
    cli("export", "--campaign", "1", "--unit", "Xã Khúc Thừa Dụ", "--format", "docx", "-o", str(out))
    cli("template", "word-example", "-o", str(out))
    assert sorted(p.name for p in out.iterdir()) == ["bao-cao-xa-khuc-thua-du-v1-du-thao.docx", "mau-bao-cao.docx",
                                                      "tong-hop-dot-1.xlsx"]


def test_an_export_never_overwrites_a_file_it_did_not_write(cli: CLI) -> None:
    """A clerk's hand-corrected copy of last week's export stays as it was; the new export gets a new name."""
    _campaign(cli)
    out = cli.folder / "ra"
    out.mkdir()
    cli("export", "--campaign", "1", "--unit", "Xã Khúc Thừa Dụ", "--format", "docx", "-o", str(out))
    corrected = out / "bao-cao-xa-khuc-thua-du-v1-du-thao.docx"
    corrected.write_bytes(b"the clerk's corrected copy")
    cli("export", "--campaign", "1", "--unit", "Xã Khúc Thừa Dụ", "--format", "docx", "-o", str(out))
    assert corrected.read_bytes() == b"the clerk's corrected copy"
    assert (out / "bao-cao-xa-khuc-thua-du-v1-du-thao (2).docx").stat().st_size > 1000


def test_no_permission_to_write_is_one_sentence_and_exit_3(cli: CLI, monkeypatch: pytest.MonkeyPatch) -> None:
    _campaign(cli)
    target = cli.folder / "khoa" / "tong-hop.docx"

    def denied(self: Services, campaign_id: int, fmt: str, out: Path) -> Path:
        raise PermissionError(errno.EACCES, "Permission denied", str(out))

    monkeypatch.setattr(Services, "export_compiled", denied)
    cli.refuses("export", "--campaign", "1", "--compiled", "-o", str(target), code=3, msg="bot.cli.write_denied",
                path=str(target))
    assert "Traceback" in cli.log.read_text(encoding="utf-8")


def test_a_file_half_written_on_a_full_disk_is_removed(tmp_path: Path) -> None:
    target, kept = tmp_path / "moi.docx", tmp_path / "cu.docx"
    kept.write_bytes(b"an earlier export")
    for path in (target, kept):
        with pytest.raises(errors.OperationalProblem) as refused, writing(path):
            path.write_bytes(b"half a zip")
            raise OSError(errno.ENOSPC, "No space left on device")
        assert (refused.value.msg, refused.value.params) == ("bot.cli.write_disk_full", {"path": str(path)})
    assert not target.exists() and kept.exists()  # only what this write created is removed


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root writes into read-only folders")
def test_a_read_only_folder_is_one_sentence(tmp_path: Path) -> None:
    assert _subprocess(tmp_path, "campaign", "create", "--template", str(TINY), "--deadline", "2025-09-01",
                       "--unit", "Xã Khúc Thừa Dụ").returncode == 0
    locked = tmp_path / "khoa"
    locked.mkdir()
    locked.chmod(0o555)
    try:
        result = _subprocess(tmp_path, "export", "--campaign", "1", "--compiled", "-o", str(locked / "c.docx"))
    finally:
        locked.chmod(0o755)
    denied = t("bot.cli.write_denied", path=locked / "c.docx")
    assert (result.returncode, result.stderr) == (3, f"reportbot: {denied}\n")


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_a_full_disk_is_one_sentence_and_no_traceback(tmp_path: Path) -> None:
    assert _subprocess(tmp_path, "campaign", "create", "--template", str(TINY), "--deadline", "2025-09-01",
                       "--unit", "Xã Khúc Thừa Dụ").returncode == 0
    full = t("bot.cli.write_disk_full", path="/dev/full")
    for args in (("--compiled", "--format", "xlsx"), ("--compiled", "--format", "docx"),
                 ("--unit", "Xã Khúc Thừa Dụ", "--format", "docx")):
        result = _subprocess(tmp_path, "export", "--campaign", "1", *args, "-o", "/dev/full")
        assert (result.returncode, result.stderr) == (3, f"reportbot: {full}\n")
    # The zip files the garbage collector closes on the full disk are logged, not printed.
    assert "Traceback" in (tmp_path / "rb.log").read_text(encoding="utf-8")


# ---- internal errors and logging --------------------------------------------------------------------
def test_an_internal_error_is_one_sentence_and_its_traceback_goes_to_the_log(
        cli: CLI, monkeypatch: pytest.MonkeyPatch) -> None:
    def crash(path: str) -> list[object]:
        raise OverflowError("the loader crashed")

    monkeypatch.setattr("bot.cli.template_cmd.check_template", crash)
    cli.refuses("template", "check", str(TINY), code=4, msg="bot.cli.internal_error", log=cli.log)
    logged = cli.log.read_text(encoding="utf-8")
    assert "Traceback" in logged and "OverflowError: the loader crashed" in logged


def test_with_debug_the_traceback_is_also_on_the_terminal(cli: CLI, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("bot.cli.template_cmd.check_template", lambda path: 1 / 0)
    assert run(["--debug", "template", "check", str(TINY)]) == 4
    err = cli.capsys.readouterr().err
    assert "Traceback" in err and err.endswith(f"reportbot: {t('bot.cli.internal_error', log=cli.log)}\n")


def test_a_log_file_that_cannot_be_written_is_said_not_printed(cli: CLI, monkeypatch: pytest.MonkeyPatch) -> None:
    (cli.folder / "tep").write_text("a file, not a folder", encoding="utf-8")
    nowhere = cli.folder / "tep" / "rb.log"
    monkeypatch.setenv("REPORTBOT_LOG", str(nowhere))
    monkeypatch.setattr("bot.cli.template_cmd.check_template", lambda path: 1 / 0)
    cli.refuses("template", "check", str(TINY), code=4, msg="bot.cli.internal_error_no_log", log=nowhere)


def test_logging_goes_to_the_file_never_to_the_terminal(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                        restore_logging: None) -> None:
    path = logs.configure(tmp_path / "rb.log")
    try:
        raise RuntimeError("a turn failed")
    except RuntimeError as exc:
        logging.getLogger("bot.runner").error("update failed: %s", exc, exc_info=exc)
    logging.getLogger("alembic").info("migrations are not worth a line")
    assert capsys.readouterr() == ("", "")
    logged = path.read_text(encoding="utf-8")
    assert "Traceback" in logged and "RuntimeError: a turn failed" in logged and "alembic" not in logged


def test_a_command_that_logs_nothing_leaves_no_log_file(cli: CLI) -> None:
    cli("parse", "integer", "75")
    cli("invite", "--role", "department", "--days", "0", code=1)
    assert not cli.log.exists()


_FAILING_TURN = """
import sys
import bot.runner
from dialogs.events import Text

engine = bot.runner.resume


def resume(template, report, state, event, now):
    if isinstance(event, Text) and event.text == "boom":
        raise RuntimeError("engine failure forced by the test")
    return engine(template, report, state, event, now)


bot.runner.resume = resume
from bot.cli import main

main()
"""


def test_a_failed_chat_turn_shows_the_apology_and_logs_the_traceback(tmp_path: Path) -> None:
    result = _subprocess(tmp_path, "chat", "--template", str(TINY), "--out", str(tmp_path), script=_FAILING_TURN,
                         stdin="boom\n75\n")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert t("bot.error.internal") in result.stdout
    logged = (tmp_path / "rb.log").read_text(encoding="utf-8")
    assert "Traceback" in logged and "RuntimeError: engine failure forced by the test" in logged


def test_every_exit_code_is_in_the_readme() -> None:
    table = README.split("### Exit codes", 1)[1].split("\n## ", 1)[0]
    codes = {int(code) for code in re.findall(r"^\| (\d+) \|", table, re.M)}
    assert codes == {value for name, value in vars(errors).items() if name.startswith("EXIT_")}


def test_an_output_without_an_extension_is_a_folder_made_for_it(cli: CLI) -> None:
    """Release 0.1 wrote a file called «ra» that no program opens."""
    _campaign(cli)
    cli("export", "--campaign", "1", "--unit", "Xã Khúc Thừa Dụ", "--format", "docx", "-o", str(cli.folder / "ra"))
    assert (cli.folder / "ra").is_dir()
    assert [p.suffix for p in (cli.folder / "ra").iterdir()] == [".docx"]
