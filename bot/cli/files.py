"""Files the command line reads and writes, with one sentence for whatever goes wrong: a folder where a file
is expected, a file that is not UTF-8, a full disk, a path without write permission."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

from bot.cli.errors import file_problem
from dialogs.errors import ConfigError


def not_a_folder(path: Path | str | None) -> None:
    """Refuse a folder given where a file is expected (a template, a Word template, an answers file)."""
    if path is not None and Path(path).is_dir():
        raise ConfigError(msg="bot.cli.input_is_directory", path=path)


def read_text(path: Path) -> str:
    """The text of a UTF-8 file (a byte-order mark is allowed); a ConfigError naming the file otherwise."""
    not_a_folder(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise file_problem(exc, path, writing=False) from exc
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ConfigError(msg="bot.cli.not_utf8", path=path, line=line) from exc


class _AnswerLoader(yaml.SafeLoader):
    """YAML whose scalars stay as typed when YAML cannot read them as what they look like: ``2025-02-30``,
    ``!!int abc``, ``.nan`` or a 5,000-digit number are answers for the parsers to judge, not crashes."""


def _tolerant(construct: Any) -> Any:
    def build(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Any:
        try:
            value = construct(loader, node)
        except (ValueError, OverflowError, AttributeError, TypeError):  # PyYAML's own errors for these
            return loader.construct_scalar(node)
        if isinstance(value, float) and (value != value or value in (float("inf"), float("-inf"))):
            return loader.construct_scalar(node)  # ".nan", ".inf": the text, for the parser to refuse
        return value

    return build


for _tag, _method in (("int", "construct_yaml_int"), ("float", "construct_yaml_float"),
                      ("timestamp", "construct_yaml_timestamp")):
    _AnswerLoader.add_constructor(f"tag:yaml.org,2002:{_tag}", _tolerant(getattr(yaml.SafeLoader, _method)))


def load_answers(path: Path) -> Any:
    """The YAML document of an answers file (None when empty); a ConfigError saying where it is broken."""
    text = read_text(path)
    try:
        return yaml.load(text, Loader=_AnswerLoader)  # a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line, column = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
        raise ConfigError(msg="bot.cli.bad_yaml", path=path, line=line, column=column) from exc


def in_folder(out: Path, name: str) -> Path:
    """``out``, or ``out/name`` when ``out`` is an existing folder."""
    return out / name if out.is_dir() else out


@contextlib.contextmanager
def writing(path: Path) -> Iterator[None]:
    """Turn an OSError while writing ``path`` into one sentence; a file this write created half is removed."""
    existed = path.exists()
    try:
        yield
    except OSError as exc:
        if not existed and path.is_file():
            path.unlink(missing_ok=True)
        raise file_problem(exc, path, writing=True) from exc
