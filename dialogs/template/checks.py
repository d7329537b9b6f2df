"""Read one field of a template and run the checks that need the whole template (ids, expressions, order).

Used by :mod:`dialogs.template.loader`; every problem is recorded on the :class:`~dialogs.template.yamlnodes.NodeReader`
as a located :class:`~dialogs.template.issues.Issue`, never raised. The checks across fields are linear in
the number of fields: each field looks names up in shared maps, never in a copy of them.
"""

from __future__ import annotations

import math
import re
from collections import ChainMap
from collections.abc import Collection, Container, Mapping
from dataclasses import dataclass
from dataclasses import field as dc_field
from typing import Any

import yaml

from dialogs.messages import t
from dialogs.template.expr import ExprError, compile_expr, render_names
from dialogs.template.limits import MAX_DIGITS, MAX_FIELDS
from dialogs.template.model import FIELD_TYPES, Field, Option, Section
from dialogs.template.patterns import PatternError, compile_pattern
from dialogs.template.yamlnodes import NodeReader, iso_date, line_of, shown, slug
from dialogs.vietnamese.format import roman, roman_value
from dialogs.vietnamese.text import fold, nfc

__all__ = ["FIELD_KEYS", "KEY_ALIASES", "TYPE_ALIASES", "FieldInfo", "bounded_fields", "check_fields",
           "check_numbering", "check_placeholders", "read_field", "resolve_type"]

FIELD_KEYS: tuple[str, ...] = (
    "id", "type", "prompt", "short", "help", "example", "required", "allow_none", "min", "max", "min_length",
    "max_length", "pattern", "pattern_message", "check", "check_message", "check_severity", "when", "render",
    "render_none",
    "approximate", "unit", "options", "fields", "min_items", "max_items",
)
#: What a failing ``check`` may do.
SEVERITIES = ("refuse", "warn")
#: Other spellings of field keys (XLSForm habits, Vietnamese words) → the canonical key.
KEY_ALIASES: dict[str, str] = {
    "label": "prompt", "question": "prompt", "cau_hoi": "prompt", "hint": "help", "huong_dan": "help",
    "vi_du": "example", "choices": "options", "lua_chon": "options", "columns": "fields", "cot": "fields",
    "condition": "when", "relevant": "when", "dieu_kien": "when", "constraint": "check",
    "constraint_message": "check_message", "regex": "pattern", "minimum": "min", "maximum": "max",
}
#: Other spellings of field types (folded, "_" for spaces and dashes) → the canonical type.
TYPE_ALIASES: dict[str, str] = {
    "string": "text", "van_ban": "text", "chu": "text", "long_text": "text",
    "number": "integer", "int": "integer", "so": "integer", "so_nguyen": "integer",
    "float": "decimal", "so_thap_phan": "decimal",
    "percentage": "percent", "phan_tram": "percent", "ty_le": "percent",
    "currency": "money", "vnd": "money", "tien": "money", "so_tien": "money",
    "ngay": "date", "ngay_thang": "date",
    "document": "docref", "doc_ref": "docref", "so_hieu_van_ban": "docref",
    "select": "choice", "select_one": "choice", "single_choice": "choice", "chon_mot": "choice",
    "multi_choice": "multichoice", "multiple_choice": "multichoice", "select_multiple": "multichoice",
    "chon_nhieu": "multichoice",
    "yes_no": "yesno", "boolean": "yesno", "bool": "yesno", "co_khong": "yesno",
    "repeat": "group", "table": "group", "nhom": "group", "bang": "group",
    "photo": "file", "image": "file", "attachment": "file", "tep": "file", "anh": "file",
}
#: Keys that only some types take (``options`` has its own code, T306).
APPLIES: dict[str, tuple[str, ...]] = {
    "min": ("integer", "decimal", "percent", "money", "date"),
    "max": ("integer", "decimal", "percent", "money", "date"),
    "approximate": ("integer", "decimal", "percent", "money"),
    "unit": ("integer", "decimal", "percent", "money"),
    "min_length": ("text",), "max_length": ("text",), "pattern": ("text",), "pattern_message": ("text",),
    "options": ("choice", "multichoice"),
    "fields": ("group",), "min_items": ("group", "multichoice"), "max_items": ("group", "multichoice"),
}
_ID = re.compile(r"[a-z][a-z0-9_]*")
_PAIRS = (("min", "max"), ("min_length", "max_length"), ("min_items", "max_items"))
_DOC_PLACEHOLDERS = {
    "opening": ("request", "request_about", "agency", "unit", "unit_kind"),
    "closing": ("request", "request_about", "agency", "unit", "unit_kind"),
    "agency": ("unit",),
    "parent_agency": ("unit",),
}
_VN_LETTERS = "abcdđeghiklmnopqrstuvxy"
_ROMAN = re.compile(r"M{0,3}(CM|CD|D?C{0,3})(XC|XL|L?X{0,3})(IX|IV|V?I{0,3})")


@dataclass
class FieldInfo:
    """A field as read, with the line of each of its keys and its group's columns."""

    field: Field
    lines: dict[str, int]
    columns: list[FieldInfo] = dc_field(default_factory=list)
    type_known: bool = True


def resolve_type(raw: str) -> str:
    """The canonical type for a spelling (``"Multi-choice"`` → ``multichoice``), or ``raw`` if unknown.

    >>> resolve_type("yes/no"), resolve_type("number"), resolve_type("nuber")
    ('yesno', 'integer', 'nuber')
    """
    key = re.sub(r"[\s\-/]+", "_", fold(raw)).strip("_")
    if key in FIELD_TYPES:
        return key
    return TYPE_ALIASES.get(key, raw)


def read_field(r: NodeReader, node: yaml.Node, section: str, group: str | None) -> FieldInfo | None:
    """Read one field (or one column of ``group``) and check what it says about itself."""
    if not isinstance(node, yaml.MappingNode):
        r.add("T103", line_of(node), section, key=t("template.place.field"), expected=t("template.expect.field"),
              actual=shown(node))
        return None
    fid = next((str(v.value) for k, v in node.value if k.value == "id" and isinstance(v, yaml.ScalarNode)), "")
    where = t("template.place.column", group=group) if group else t("template.place.field")
    keys = r.keys(node, FIELD_KEYS, where, ("id", "type", "prompt"), KEY_ALIASES, section, fid)
    lines = {k: r.at(v) for k, v in keys.items()}
    loc: dict[str, Any] = {"section": section, "field": fid}
    if "id" in keys and not _ID.fullmatch(fid):
        r.add("T301", lines["id"], **loc, id=fid, suggested=slug(fid))
    raw_type = r.string(keys, "type", "", **loc)
    ftype = resolve_type(raw_type)
    known = ftype in FIELD_TYPES
    if "type" in keys and not known:
        r.add("T303", lines["type"], **loc, suggestion=r.suggest(raw_type, {*FIELD_TYPES, *TYPE_ALIASES}),
              type=raw_type, types=", ".join(FIELD_TYPES))
    if known:
        for key in keys:
            if key in APPLIES and ftype not in APPLIES[key]:
                code = "T306" if key == "options" else "T305"
                r.add(code, lines[key], **loc, key=key, type=ftype, types=", ".join(APPLIES[key]))
        if ftype in ("choice", "multichoice") and "options" not in keys:
            r.add("T307", line_of(node), **loc, type=ftype)
        if ftype == "group" and group is not None:
            r.add("T311", line_of(node), **loc)
    bounds = {k: _bound(r, keys, k, ftype if known else "", loc) for k in ("min", "max")}
    counts = {k: r.count(keys, k, **loc) for k in ("min_length", "max_length", "min_items", "max_items")}
    values: dict[str, Any] = {**bounds, **counts}
    for low, high in _PAIRS:
        a, b = values[low], values[high]
        if a is not None and b is not None and type(a) is type(b) and a > b:
            r.add("T304", lines[low], **loc, low_key=low, high_key=high, low=a, high=b)
    pattern = r.string(keys, "pattern", "", **loc) or None
    if pattern is not None:
        try:
            compile_pattern(pattern)
        except PatternError as exc:
            r.add(exc.code, lines["pattern"], **loc, detail=exc.detail)
    severity = r.string(keys, "check_severity", "refuse", **loc) or "refuse"
    if severity not in SEVERITIES:
        r.add("T107", lines["check_severity"], **loc, key="check_severity", detail=f'"{severity}"',
              expected=t("template.expect.severity"))
        severity = "refuse"
    for message, rule in (("pattern_message", "pattern"), ("check_message", "check"),
                          ("check_severity", "check"), ("render_none", "allow_none")):
        if message in keys and rule not in keys:
            r.add("T313", lines[message], **loc, key=message, rule=rule)
    options = _options(r, keys["options"], loc) if "options" in keys else ()
    columns: list[FieldInfo] = []
    if ftype == "group" and group is None:
        columns = _columns(r, keys.get("fields"), section, fid, line_of(node))
    def text(key: str) -> str:
        return r.string(keys, key, "", **loc)

    def optional(key: str) -> str | None:
        return text(key) or None

    render = optional("render")
    if "render" in keys and render is None:
        render = ""  # "render:" left empty means: print nothing for this field
    render_none = optional("render_none")
    if "render_none" in keys and render_none is None:
        render_none = ""  # likewise: a "không có" answer prints nothing
    fld = Field(
        id=fid, type=ftype, prompt=text("prompt"), short=text("short"), help=text("help"), example=text("example"),
        required=r.flag(keys, "required", True, **loc), allow_none=r.flag(keys, "allow_none", False, **loc),
        min=values["min"], max=values["max"], min_length=values["min_length"], max_length=values["max_length"],
        pattern=pattern, pattern_message=optional("pattern_message"), check=optional("check"),
        check_message=optional("check_message"), check_severity=severity, when=optional("when"), render=render,
        render_none=render_none, approximate=r.flag(keys, "approximate", False, **loc),
        unit=text("unit"), options=options, fields=tuple(c.field for c in columns),
        min_items=values["min_items"], max_items=values["max_items"], section=section, line=line_of(node),
    )
    return FieldInfo(fld, lines, columns, known)


def _bound(r: NodeReader, keys: dict[str, yaml.Node], key: str, ftype: str, loc: dict[str, Any]) -> Any:
    node = keys.get(key)
    if node is None or ftype not in APPLIES[key]:
        return None
    value = r.scalar(node)
    if ftype == "date":
        iso = iso_date(value)
        if iso is None:
            r.add("T314", line_of(node), **loc, key=key, type=ftype, value=shown(node),
                  expected=t("template.expect.date"), example='"2021-01-01"')
        return iso
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        r.add("T314", line_of(node), **loc, key=key, type=ftype, value=shown(node),
              expected=t("template.expect.number"), example=t("template.expect.number_example"))
        return None
    # A bound of 10^15 or more (or .inf, .nan) is a typing accident, and no answer could be compared with it.
    if not math.isfinite(value) or abs(value) >= 10**MAX_DIGITS:
        r.add("T314", line_of(node), **loc, key=key, type=ftype, value=shown(node),
              expected=t("template.expect.bounded_number", max=MAX_DIGITS), example=t("template.expect.number_example"))
        return None
    return value


def _options(r: NodeReader, node: yaml.Node, loc: dict[str, Any]) -> tuple[Option, ...]:
    if not isinstance(node, yaml.SequenceNode):
        r.add("T103", r.at(node), **loc, key="options", expected=t("template.expect.options"), actual=shown(node))
        return ()
    out: list[Option] = []
    seen: dict[str, int] = {}
    labels: dict[str, int] = {}
    aliases: tuple[str, ...]
    for item in node.value:
        if isinstance(item, yaml.ScalarNode):
            label, value, aliases = nfc(str(item.value)), slug(str(item.value)), ()
        else:
            keys = r.keys(item, ("value", "label", "aliases"), t("template.place.option"), **loc)
            label, value = r.string(keys, "label", "", **loc), r.string(keys, "value", "", **loc)
            if not label and not value:
                r.add("T105", line_of(item), **loc, key="label", place=t("template.place.option"))
                continue
            label, value, aliases = label or value, value or slug(label), r.strings(keys, "aliases", **loc)
        if value in seen:
            r.add("T308", line_of(item), **loc,
                  detail=t("template.detail.duplicate_value", value=value, first=seen[value]))
            continue
        # Two options shown alike cannot be told apart by the user, whatever their values.
        if fold(label) in labels:
            r.add("T308", line_of(item), **loc,
                  detail=t("template.detail.duplicate_label", label=label, first=labels[fold(label)]))
        else:
            labels[fold(label)] = line_of(item)
        seen[value] = line_of(item)
        out.append(Option(value=value, label=label, aliases=aliases))
    if len(out) == 1 and len(node.value) == 1:
        r.add("T308", r.at(node), **loc, detail=t("template.detail.one_option"))
    elif not out and not node.value:
        r.add("T307", r.at(node), **loc, type="choice")
    return tuple(out)


def _columns(r: NodeReader, node: yaml.Node | None, section: str, gid: str, line: int) -> list[FieldInfo]:
    if node is None or (isinstance(node, yaml.SequenceNode) and not node.value):
        r.add("T310", r.at(node) if node is not None else line, section, gid, id=gid)
        return []
    if not isinstance(node, yaml.SequenceNode):
        r.add("T103", r.at(node), section, gid, key="fields", expected=t("template.expect.columns"),
              actual=shown(node))
        return []
    infos = [read_field(r, item, section, gid or "?") for item in bounded_fields(r, node.value, section)]
    return [i for i in infos if i is not None]


def bounded_fields(r: NodeReader, nodes: list[yaml.Node], section: str) -> list[yaml.Node]:
    """The nodes of ``nodes`` within the template's :data:`~dialogs.template.limits.MAX_FIELDS` (T316 past it)."""
    out: list[yaml.Node] = []
    for node in nodes:
        if not r.within("T316", MAX_FIELDS, node, section):
            break
        out.append(node)
    return out


def check_fields(r: NodeReader, infos: list[FieldInfo]) -> None:
    """Checks across fields: unique ids, expressions and render sentences name real, earlier fields."""
    line_of_id: dict[str, int] = {}
    for info in infos:
        _unique(r, info, line_of_id)
    earlier: dict[str, int] = {}
    # Besides field ids: the answer itself, and the reporting unit ("xã Khúc Thừa Dụ") and its kind ("phường").
    value = {"value": 0, "unit": 0, "unit_kind": 0}
    for info in infos:
        column_lines: dict[str, int] = {}
        for col in info.columns:
            _unique(r, col, column_lines)
        # Views, not copies: a field's own check costs the same whether the template has 10 fields or 2,000.
        placeholders = ChainMap(value, column_lines, line_of_id)
        _check_one(r, info, line_of_id, earlier, placeholders, line_of_id)
        with_columns = ChainMap(column_lines, line_of_id)
        col_earlier: ChainMap[str, int] = ChainMap({}, earlier)
        for col in info.columns:
            _check_one(r, col, with_columns, col_earlier, placeholders, with_columns)
            col_earlier[col.field.id] = 0  # written to the group's own map, not to ``earlier``
            _check_example(r, col)
        _check_example(r, info)
        earlier[info.field.id] = 0


def _unique(r: NodeReader, info: FieldInfo, seen: dict[str, int]) -> None:
    fid = info.field.id
    if not fid:
        return
    if fid in seen:
        r.add("T302", info.lines.get("id", info.field.line), info.field.section, fid, id=fid, first=seen[fid])
    else:
        seen[fid] = info.lines.get("id", info.field.line)


def _check_one(r: NodeReader, info: FieldInfo, known: Collection[str], earlier: Container[str],
               placeholders: Collection[str], lines: Mapping[str, int]) -> None:
    f = info.field
    loc = {"section": f.section, "field": f.id}
    for key in ("check", "when"):
        src = getattr(f, key)
        if src is None:
            continue
        try:
            names = compile_expr(src).names
        except ExprError as exc:
            if exc.reason_id == "template.expr.too_many_digits":
                r.add("T406", info.lines[key], **loc, key=key, src=src, **exc.reason_params)
            else:
                r.add("T401", info.lines[key], **loc, key=key, reason=exc.reason, src=src)
            continue
        for name in sorted(names):
            if name not in known:
                r.add("T402", info.lines[key], **loc, suggestion=r.suggest(name, known), key=key, name=name)
            elif key == "when" and name not in earlier:
                where = (t("template.when.self") if name == f.id
                         else t("template.when.later", line=lines.get(name, 0)))
                r.add("T403", info.lines[key], **loc, name=name, place=where)
    for key in ("render", "render_none"):
        text = getattr(f, key)
        if not text:
            continue
        try:
            used = render_names(text)
        except ExprError as exc:
            r.add("T405", info.lines[key], **loc, key=key, reason=str(exc))
            continue
        for name in used:
            if name not in placeholders:
                r.add("T404", info.lines[key], **loc, suggestion=r.suggest(name, placeholders), key=key, name=name)


def _check_example(r: NodeReader, info: FieldInfo) -> None:
    f = info.field
    if not f.example or not info.type_known or f.type in ("group", "file") or fold(f.example) == "khong co":
        return
    loc = {"section": f.section, "field": f.id}
    line = info.lines.get("example", f.line)
    if f.pattern and not _fits(f.pattern, f.example.strip()):
        r.add("T312", line, **loc, example=f.example, type=f.type,
              detail=t("template.detail.pattern_mismatch", pattern=f.pattern))
        return
    try:
        from dialogs.fields import Choice, ParseSpec, parse

        spec = ParseSpec(min=f.min, max=f.max, min_length=f.min_length, max_length=f.max_length,
                         approximate=f.approximate, unit=f.unit,
                         options=tuple(Choice(o.label, o.value, o.aliases) for o in f.options))
        result = parse(f.type, f.example, spec)
    except (ImportError, KeyError):
        return  # the parsers of dialogs.fields are not all there yet: nothing to check against
    if not result.ok:
        r.add("T312", line, **loc, example=f.example, type=f.type, detail=result.error or result.ask or "")


def _fits(pattern: str, text: str) -> bool:
    """Whether ``text`` matches ``pattern`` as the bot will match answers (a pattern that cannot be used
    already has its issue, T309 or T315)."""
    try:
        return compile_pattern(pattern).fullmatch(text)
    except PatternError:
        return True


def check_placeholders(r: NodeReader, doc: dict[str, yaml.Node], texts: dict[str, str]) -> None:
    """``document`` texts may only use the placeholders the exporter fills in."""
    for key, allowed in _DOC_PLACEHOLDERS.items():
        if key not in doc:
            continue
        try:
            used = render_names(texts[key])
        except ExprError as exc:
            r.add("T405", r.at(doc[key]), key=key, reason=str(exc))
            continue
        for name in used:
            if name not in allowed:
                r.add("T110", r.at(doc[key]), suggestion=r.suggest(name, allowed), key=key, name=name,
                      allowed=", ".join(f"{{{a}}}" for a in allowed))


def check_numbering(r: NodeReader, sections: list[Section], parent: str, level: int) -> None:
    """Sibling sections are numbered once each, in the level's style, from the first, without gaps."""
    if level > 3:
        return
    seen: dict[str, int] = {}
    previous: str | None = None
    for index, s in enumerate(sections):
        if s.number in seen:
            r.add("T202", s.line, s.path, number=s.number, first=seen[s.number])
            continue
        seen[s.number] = s.line
        if not _styled(s.number, level):
            r.add("T203", s.line, s.path, number=s.number, level=level, style=t(f"template.style.{level}"))
            previous = None
            continue
        if index == 0 and s.number != _FIRST[level]:
            r.add("T204", s.line, s.path, number=s.number, expected=_FIRST[level])
        elif previous is not None and not _follows(previous, s.number, level):
            r.add("T204", s.line, s.path, number=s.number, expected=_next(previous, level))
        previous = s.number


_FIRST = {1: "I", 2: "1", 3: "a"}


def _styled(number: str, level: int) -> bool:
    if level == 1:
        return bool(number) and _ROMAN.fullmatch(number) is not None
    if level == 2:
        # At most 15 digits, like every number of a template: a longer one is never a section's number.
        return number.isdigit() and not number.startswith("0") and len(number) <= 15
    return len(number) == 1 and (number in _VN_LETTERS or "a" <= number <= "z")


def _follows(previous: str, number: str, level: int) -> bool:
    if level == 1:
        return roman_value(number) == roman_value(previous) + 1
    if level == 2:
        return int(number) == int(previous) + 1
    # Both the Vietnamese order (a, b, c, d, đ, e, g) and the Latin one (a, b, c, d, e, f) are in use.
    vn = previous in _VN_LETTERS and number in _VN_LETTERS
    return (vn and _VN_LETTERS.index(number) == _VN_LETTERS.index(previous) + 1) or (
        previous.isascii() and number.isascii() and ord(number) == ord(previous) + 1)


def _next(previous: str, level: int) -> str:
    if level == 1:
        return roman(roman_value(previous) + 1)
    if level == 2:
        return str(int(previous) + 1)
    i = _VN_LETTERS.find(previous)
    return _VN_LETTERS[i + 1] if 0 <= i < len(_VN_LETTERS) - 1 else chr(ord(previous) + 1)
