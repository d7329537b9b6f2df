"""Read composed YAML nodes (which keep line numbers) into plain values, recording located issues.

:class:`NodeReader` is the base of the template loader: it resolves a mapping's keys (aliases, unknown
keys with a suggestion, duplicates, missing required keys) and reads scalars without ever raising. It lists at
most :data:`~dialogs.template.limits.MAX_ISSUES` issues (:attr:`NodeReader.dropped` counts the rest), and
:meth:`NodeReader.within` counts things bounded by a limit (sections, fields).

>>> r = NodeReader("t.yaml")
>>> keys = r.keys(yaml.compose("promt: Hỏi\\nid: a\\n"), ("id", "prompt"), "trường", required=("id",))
>>> sorted(keys), [(i.code, i.line, i.suggestion) for i in r.issues]
(['id'], [('T104', 1, 'prompt')])
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Collection
from datetime import date
from typing import Any

import yaml

from dialogs.messages import t
from dialogs.template.issues import Issue, Where, make, suggest
from dialogs.template.limits import MAX_ISSUES
from dialogs.vietnamese.text import fold, nfc

__all__ = ["NodeReader", "iso_date", "kind_of", "line_of", "shown", "slug"]

_NULL = "tag:yaml.org,2002:null"
_SHOWN = 60  # characters of a value quoted in a message


def line_of(node: yaml.Node | None) -> int:
    """The 1-based line where ``node`` starts (0 for none)."""
    return node.start_mark.line + 1 if node is not None else 0


def kind_of(node: yaml.Node) -> str:
    """What a node is, in words, for "expected X, got Y" messages."""
    if isinstance(node, yaml.MappingNode):
        return t("template.kind.mapping")
    if isinstance(node, yaml.SequenceNode):
        return t("template.kind.list")
    return f'"{shown(node)}"'


def shown(node: yaml.Node) -> str:
    """A node's text as written (its start, when long), for messages."""
    if not isinstance(node, yaml.ScalarNode):
        return kind_of(node)
    text = str(node.value)
    return text if len(text) <= _SHOWN else text[: _SHOWN - 1] + "…"


def slug(text: str) -> str:
    """A valid id made from any text.

    >>> slug("Số cá nhân"), slug("6 tháng"), slug("")
    ('so_ca_nhan', 'f_6_thang', 'ten_truong')
    """
    out = re.sub(r"[^a-z0-9]+", "_", fold(str(text))).strip("_")
    if not out:
        return "ten_truong"
    return out if out[0].isalpha() else f"f_{out}"


def iso_date(value: Any) -> str | None:
    """``YYYY-MM-DD`` for a date or a date string, else ``None``."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
        try:
            return date.fromisoformat(value.strip()).isoformat()
        except ValueError:
            return None
    return None


class NodeReader:
    """Collects issues for one file and reads nodes without raising."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.issues: list[Issue] = []
        #: Issues found past :data:`MAX_ISSUES`, not listed; and the line of the first of them.
        self.dropped = 0
        self.dropped_line = 0
        #: How many of each bounded thing were met, by the code of the issue that bounds it.
        self.counts: Counter[str] = Counter()
        # Line of the key that holds each value node (a block list starts on the line after its key).
        self._key_lines: dict[int, int] = {}
        self._constructor: yaml.SafeLoader | None = None

    @property
    def full(self) -> bool:
        """Whether no more issues are listed (so that their suggestions need not be looked for)."""
        return len(self.issues) >= MAX_ISSUES

    def suggest(self, word: str, choices: Collection[str]) -> str | None:
        """The nearest of ``choices`` to ``word`` (see :func:`~dialogs.template.issues.suggest`), unless full."""
        return None if self.full else suggest(word, choices)

    def within(self, code: str, limit: int, node: yaml.Node | None, section: str = "") -> bool:
        """Count one more thing bounded by ``limit``: False past it (the first time, issue ``code`` at ``node``)."""
        self.counts[code] += 1
        if self.counts[code] == limit + 1:
            self.add(code, line_of(node), section, max=limit)
        return self.counts[code] <= limit

    def at(self, node: yaml.Node | None) -> int:
        """The line of the key holding ``node`` (or of ``node`` itself when it is not a mapping value)."""
        return self._key_lines.get(id(node), line_of(node))

    def add(self, code: str, line: int, section: str = "", field: str = "", suggestion: str | None = None,
            **params: Any) -> None:
        """Record issue ``code`` at ``line`` of this file (or count it, past :data:`MAX_ISSUES`)."""
        if self.full:
            self.dropped += 1
            self.dropped_line = self.dropped_line or line
            return
        self.issues.append(make(code, Where(self.source, line, section, field), suggestion, **params))

    def keys(self, node: yaml.Node | None, allowed: tuple[str, ...], where: str,
             required: tuple[str, ...] = (), aliases: dict[str, str] | None = None, section: str = "",
             field: str = "") -> dict[str, yaml.Node]:
        """A mapping's value nodes by canonical key; unknown, duplicate and missing keys become issues."""
        aliases = aliases or {}
        out: dict[str, yaml.Node] = {}
        first: dict[str, int] = {}
        if node is None:
            return out
        if not isinstance(node, yaml.MappingNode):
            self.add("T103", line_of(node), section, field, key=where, expected=t("template.expect.mapping"),
                     actual=kind_of(node))
            return out
        for key_node, value_node in node.value:
            name = str(key_node.value)
            canonical = aliases.get(name, name)
            line = line_of(key_node)
            if canonical not in allowed:
                self.add("T104", line, section, field, self.suggest(name, {*allowed, *aliases}), key=name,
                         place=where, allowed=", ".join(allowed))
                continue
            if canonical in out:
                self.add("T106", line, section, field, key=name, first=first[canonical], second=line)
                continue
            out[canonical] = value_node
            first[canonical] = line
            self._key_lines[id(value_node)] = line
        for key in required:
            if key not in out:
                self.add("T105", line_of(node), section, field, key=key, place=where)
        return out

    def scalar(self, node: yaml.Node | None) -> Any:
        """The Python value of a scalar node (``None`` for a list or mapping; its text if it has no value,
        like ``2021-13-45`` or a 5,000-digit number)."""
        if not isinstance(node, yaml.ScalarNode):
            return None
        if self._constructor is None:
            self._constructor = yaml.SafeLoader("")
        try:
            return self._constructor.construct_object(node, deep=True)
        except Exception:  # PyYAML's constructors raise what they like on a bad tagged scalar (!!timestamp abc)
            self._constructor = None  # it may be left mid-construction
            return node.value

    def string(self, keys: dict[str, yaml.Node], key: str, default: str, section: str = "",
               field: str = "") -> str:
        """A text value as written (``75`` stays "75", ``yes`` stays "yes"), NFC; ``default`` if absent."""
        node = keys.get(key)
        if node is None:
            return default
        if not isinstance(node, yaml.ScalarNode):
            self.add("T103", line_of(node), section, field, key=key, expected=t("template.expect.string"),
                     actual=kind_of(node))
            return default
        if node.tag == _NULL:
            return default
        return nfc(str(node.value))

    def strings(self, keys: dict[str, yaml.Node], key: str, section: str = "", field: str = "") -> tuple[str, ...]:
        """A list of texts (a single text is taken as a list of one)."""
        node = keys.get(key)
        if node is None:
            return ()
        if isinstance(node, yaml.ScalarNode) and node.tag != _NULL:
            return (nfc(str(node.value)),)
        if not isinstance(node, yaml.SequenceNode) or not all(isinstance(n, yaml.ScalarNode) for n in node.value):
            self.add("T103", line_of(node), section, field, key=key, expected=t("template.expect.strings"),
                     actual=kind_of(node))
            return ()
        return tuple(nfc(str(n.value)) for n in node.value)

    def flag(self, keys: dict[str, yaml.Node], key: str, default: bool, section: str = "",
             field: str = "") -> bool:
        """A true/false value."""
        node = keys.get(key)
        if node is None:
            return default
        value = self.scalar(node)
        if not isinstance(value, bool):
            self.add("T107", line_of(node), section, field, key=key, detail=f'"{shown(node)}"',
                     expected=t("template.expect.flag"))
            return default
        return value

    def count(self, keys: dict[str, yaml.Node], key: str, section: str = "", field: str = "") -> int | None:
        """A non-negative whole number (lengths, item counts)."""
        node = keys.get(key)
        if node is None:
            return None
        value = self.scalar(node)
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            self.add("T107", line_of(node), section, field, key=key, detail=f'"{shown(node)}"',
                     expected=t("template.expect.count"))
            return None
        return value
