"""Read composed YAML nodes (which keep line numbers) into plain values, recording located issues.

:class:`NodeReader` is the base of the template loader: it resolves a mapping's keys (aliases, unknown
keys with a suggestion, duplicates, missing required keys) and reads scalars without ever raising.

>>> r = NodeReader("t.yaml")
>>> keys = r.keys(yaml.compose("promt: Hỏi\\nid: a\\n"), ("id", "prompt"), "trường", required=("id",))
>>> sorted(keys), [(i.code, i.line, i.suggestion) for i in r.issues]
(['id'], [('T104', 1, 'prompt')])
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import yaml

from dialogs.messages import t
from dialogs.template.issues import Issue, Where, make, suggest
from dialogs.vietnamese.text import fold, nfc

__all__ = ["NodeReader", "iso_date", "kind_of", "line_of", "shown", "slug"]

_NULL = "tag:yaml.org,2002:null"


def line_of(node: yaml.Node | None) -> int:
    """The 1-based line where ``node`` starts (0 for none)."""
    return node.start_mark.line + 1 if node is not None else 0


def kind_of(node: yaml.Node) -> str:
    """What a node is, in words, for "expected X, got Y" messages."""
    if isinstance(node, yaml.MappingNode):
        return t("template.kind.mapping")
    if isinstance(node, yaml.SequenceNode):
        return t("template.kind.list")
    return f'"{node.value}"'


def shown(node: yaml.Node) -> str:
    """A node's text as written, for messages."""
    return str(node.value) if isinstance(node, yaml.ScalarNode) else kind_of(node)


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
        # Line of the key that holds each value node (a block list starts on the line after its key).
        self._key_lines: dict[int, int] = {}

    def at(self, node: yaml.Node | None) -> int:
        """The line of the key holding ``node`` (or of ``node`` itself when it is not a mapping value)."""
        return self._key_lines.get(id(node), line_of(node))

    def add(self, code: str, line: int, section: str = "", field: str = "", suggestion: str | None = None,
            **params: Any) -> None:
        """Record issue ``code`` at ``line`` of this file."""
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
                self.add("T104", line, section, field, suggest(name, set(allowed) | set(aliases)), key=name,
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
        """The Python value of a scalar node (``None`` for a list or mapping)."""
        if not isinstance(node, yaml.ScalarNode):
            return None
        try:
            return yaml.SafeLoader("").construct_object(node, deep=True)
        except yaml.YAMLError:
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
