"""Load a report template from YAML into :mod:`dialogs.template.model` values, collecting EVERY located issue.

YAML is composed into nodes (which carry line numbers), then walked once: each key is checked against
the format (``docs/template-format.md``), aliases are mapped to their canonical spelling, and every
problem becomes an :class:`~dialogs.template.issues.Issue` naming file, line, section and field. Cross-field checks
(ids, expressions, render sentences, examples) run afterwards in :mod:`dialogs.template.checks`.

Nothing a file holds makes the check slow: its size is bounded before it is parsed, its values are counted
before they are composed (and counted again with aliases expanded before they are read), and the sections,
fields and issues read are bounded too (:mod:`dialogs.template.limits`); patterns compile under RE2, as the
bot matches answers (:mod:`dialogs.template.patterns`).

A template is checked in full when a campaign opens (:func:`load_template`, :func:`load_template_text`);
one stored with a campaign is loaded with :func:`load_stored_template`, which keeps what newer, stricter
checks say as warnings instead of refusing a template that people are already answering.

>>> [(i.code, i.line) for i in check_text("a: &x [1]\\nb: *x\\n") if i.code == "T111"]
[('T111', 2)]

>>> t = load_shipped()
>>> t.id, t.field("so_ca_nhan").section, t.field("so_ca_nhan").check
('tdkt_5nam_2021_2025', 'IV.2', 'so_ca_nhan >= so_tap_the')
>>> [i.code for i in check_text("id: x\\nversion: '1'\\ntitle: X\\ndocument: {subject: S}\\nsections: []\\n")]
['T201']
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import yaml

from dialogs.errors import TemplateError
from dialogs.messages import t
from dialogs.template.checks import (
    TYPE_ALIASES,
    FieldInfo,
    bounded_fields,
    check_fields,
    check_numbering,
    check_placeholders,
    read_field,
)
from dialogs.template.expr import ExprError, compile_expr
from dialogs.template.issues import Issue, Where, make, suggest
from dialogs.template.limits import (
    MAX_BYTES,
    MAX_DEADLINE_DAYS,
    MAX_FIELDS,
    MAX_ISSUES,
    MAX_LEVELS,
    MAX_NODES,
    MAX_SECTIONS,
    count_values,
    measure,
)
from dialogs.template.model import FIELD_TYPES, Field, Meta, Section, Signer, Template
from dialogs.template.patterns import PatternError, compile_pattern
from dialogs.template.yamlnodes import NodeReader, kind_of, line_of, shown, slug

__all__ = [
    "TYPE_ALIASES",
    "check_template",
    "check_text",
    "find_template",
    "load_shipped",
    "load_stored_template",
    "load_template",
    "load_template_text",
    "shipped_templates",
]

TEMPLATES_DIR = Path(__file__).parent.parent / "templates"
DEFAULT_TEMPLATE = "tdkt_5nam_2021_2025"

TOP_KEYS = ("id", "version", "title", "document", "deadline_days", "sections")
DOCUMENT_KEYS = ("subject", "request", "request_about", "recipients", "agency", "parent_agency", "kind",
                 "symbol", "opening", "closing", "noi_nhan", "signer", "department", "department_parent",
                 "kinh_gui")
SIGNER_KEYS = ("authority", "deputy", "position", "name_field")
SECTION_KEYS = ("number", "title", "intro", "in_report", "render_none", "fields", "sections", "items")
_ID = re.compile(r"[a-z][a-z0-9_]*")


def shipped_templates() -> list[Path]:
    """Paths of the templates shipped as package data, sorted by name."""
    return sorted(TEMPLATES_DIR.glob("*.yaml"))


def find_template(name_or_path: str | Path) -> Path:
    """The file a user means: an existing path, or the name of a shipped template (``tdkt_5nam_2021_2025``)."""
    path = Path(name_or_path)
    if path.is_file():
        return path
    shipped = TEMPLATES_DIR / f"{path.name.removesuffix('.yaml')}.yaml"
    if path.parent == Path(".") and shipped.is_file():
        return shipped
    issue = _missing_file_issue(str(name_or_path), t("template.file.missing"))
    raise TemplateError(str(issue), [issue])


def load_template(path: str | Path) -> Template:
    """Load a template file; raise :class:`TemplateError` whose ``issues`` lists every problem."""
    text = _read(Path(path))
    if isinstance(text, Issue):
        raise TemplateError(str(text), [text])
    return load_template_text(text, str(path))


def load_template_text(text: str, source: str) -> Template:
    """Load a template from its YAML ``text``; ``source`` names it in issues. Any issue refuses it."""
    template, issues = _load(text, source)
    if issues or template is None:
        raise _refused(source, issues)
    return template


def load_stored_template(text: str, source: str) -> tuple[Template, list[Issue]]:
    """Load a template stored with a campaign, returning what the checks find as warnings (for the log).

    It was checked in full when its campaign opened, but a newer, stricter reportbot may now find issues:
    the template is built all the same, with only what would fail at run time left out (an expression
    or ``pattern`` that does not compile; an unknown type is asked as ``text``). Raise
    :class:`TemplateError` only if ``text`` is not a template at all: not YAML, not a mapping, or past the
    limits of :mod:`dialogs.template.limits` (larger than 2 MB, or an alias bomb).

    >>> text = load_shipped().text.replace("so_ca_nhan >= so_tap_the", "so_ca_nhan >= so_nguoi")
    >>> template, warnings = load_stored_template(text, "tdkt@1")
    >>> template.field("so_ca_nhan").check, [w.code for w in warnings]
    ('so_ca_nhan >= so_nguoi', ['T402'])
    """
    template, issues = _load(text, source)
    if template is None:
        raise _refused(source, issues)
    return _runnable(template), issues


def _refused(source: str, issues: list[Issue]) -> TemplateError:
    lines = "\n".join(str(i) for i in issues)
    return TemplateError(issues=issues, msg="template.load_failed", source=source, count=len(issues), lines=lines)


def load_shipped(name: str = DEFAULT_TEMPLATE) -> Template:
    """Load a shipped template by name."""
    path = TEMPLATES_DIR / f"{name}.yaml"
    if not path.is_file():
        issue = _missing_file_issue(name, t("template.file.not_shipped"))
        raise TemplateError(str(issue), [issue])
    return load_template(path)


def check_template(path: str | Path) -> list[Issue]:
    """Every issue of a template file (an empty list when it is valid); never raises for a bad template."""
    text = _read(Path(path))
    if isinstance(text, Issue):
        return [text]
    return _load(text, str(path))[1]


def check_text(text: str, source: str = "<text>") -> list[Issue]:
    """Every issue of a template given as text."""
    return _load(text, source)[1]


def _read(path: Path) -> str | Issue:
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:  # not even read: a 50 MB file is refused at once
            return _too_large(str(path), size)
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        return _missing_file_issue(str(path), t("template.file.not_utf8"))
    except OSError as exc:
        return _missing_file_issue(str(path), exc.strerror or t("template.file.unreadable"))


def _too_large(source: str, size: int) -> Issue:
    return make("T112", Where(source, 1), detail=t("template.detail.too_many_bytes", size=size, max=MAX_BYTES))


def _missing_file_issue(name: str, detail: str) -> Issue:
    names = ", ".join(p.stem for p in shipped_templates()) or t("template.file.none_shipped")
    return make("T102", Where(name), detail=f"{name}: {detail}", names=names)


# libyaml composes ~10× faster than the pure-Python parser and keeps the same line marks.
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# PyYAML and libyaml explain in English; the usual problems (matched by their start) → the message saying it.
_YAML_PROBLEMS = (
    ("mapping values are not allowed", "template.yaml.colon"),
    ("could not find expected ':'", "template.yaml.missing_colon"),
    ("found character '\\t'", "template.yaml.tab"),
    ("found character that cannot start any token", "template.yaml.bad_start"),
    ("did not find expected key", "template.yaml.indent"),
    ("expected <block end>", "template.yaml.indent"),
    ("found undefined alias", "template.yaml.alias"),
    ("found unexpected end of stream", "template.yaml.eof"),
    ("did not find expected ',' or", "template.yaml.brackets"),
    ("expected ',' or", "template.yaml.brackets"),
)


def _load(text: str, source: str) -> tuple[Template | None, list[Issue]]:
    """Build the template and collect every issue; the template is ``None`` if the YAML is unreadable,
    is past the limits, or is not a mapping (the builder then still walks it, for the issues)."""
    if len(text) > MAX_BYTES:
        return None, [_too_large(source, len(text.encode("utf-8", "surrogatepass")))]
    try:
        size = len(text.encode("utf-8"))
    except UnicodeEncodeError as exc:  # a lone surrogate: no file holds one, and libyaml would raise
        line = text.count("\n", 0, exc.start) + 1
        return None, [make("T101", Where(source, line), detail=t("template.file.not_utf8"))]
    if size > MAX_BYTES:
        return None, [_too_large(source, size)]
    try:
        # Counted before it is composed: composing a million tiny values would take seconds.
        values = count_values(text, _YAML_LOADER, MAX_NODES)
        root = yaml.compose(text, Loader=_YAML_LOADER) if values.count <= MAX_NODES else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = str(exc.problem or exc.context or "")
        detail = next((t(key) for en, key in _YAML_PROBLEMS if problem.startswith(en)), problem)
        return None, [make("T101", Where(source, mark.line + 1 if mark else 0), detail=detail)]
    except yaml.YAMLError as exc:  # e.g. a reader error on a control character
        return None, [make("T101", Where(source, 1), detail=str(exc))]
    if values.count > MAX_NODES:
        return None, [make("T112", Where(source, 1), detail=t("template.detail.too_many_nodes", max=MAX_NODES))]
    builder = _Builder(source)
    if values.alias_line:
        builder.add("T111", values.alias_line, name=values.alias_name)
        # Measured before it is read: an alias bomb of 1 KB would otherwise be walked as billions of values.
        if measure(root, MAX_NODES).nodes > MAX_NODES:
            return None, builder.issues
    template = builder.template(root, text)
    issues = sorted(builder.issues, key=lambda i: (i.line, i.code))
    if builder.dropped:
        issues.append(make("T113", Where(source, builder.dropped_line), count=builder.dropped, shown=MAX_ISSUES))
    return (template if isinstance(root, yaml.MappingNode) else None), issues


def _runnable(template: Template) -> Template:
    """``template`` without what would fail at run time: expressions and patterns that do not compile,
    and unknown types (asked as text). A checked template comes back unchanged."""

    def field(f: Field) -> Field:
        changes: dict[str, Any] = {key: None for key in ("check", "when")
                                   if getattr(f, key) is not None and not _expression_compiles(getattr(f, key))}
        if f.pattern is not None and not _pattern_compiles(f.pattern):  # under RE2: see patterns.py
            changes["pattern"] = None
        if f.type not in FIELD_TYPES:
            changes["type"] = "text"
        columns = tuple(field(c) for c in f.fields)
        if columns != f.fields:
            changes["fields"] = columns
        return replace(f, **changes) if changes else f

    def section(s: Section) -> Section:
        children = tuple(section(c) if isinstance(c, Section) else field(c) for c in s.children)
        return s if children == s.children else replace(s, children=children)

    sections = tuple(section(s) for s in template.sections)
    return template if sections == template.sections else replace(template, sections=sections)


def _expression_compiles(src: str) -> bool:
    try:
        compile_expr(src)
    except ExprError:
        return False
    return True


def _pattern_compiles(pattern: str) -> bool:
    try:
        compile_pattern(pattern)
    except PatternError:
        return False
    return True


class _Builder(NodeReader):
    """Walks the node tree once, building model values and collecting issues."""

    def __init__(self, source: str) -> None:
        super().__init__(source)
        self.infos: list[FieldInfo] = []

    def template(self, root: yaml.Node | None, text: str) -> Template:
        required = ("id", "version", "title", "document", "sections")
        top = t("template.place.top")
        keys = self.keys(root, TOP_KEYS, top, required=required)
        if root is None:  # an empty file
            for key in required:
                self.add("T105", 1, key=key, place=top)
        tid = self.string(keys, "id", "")
        if "id" in keys and not _ID.fullmatch(tid):
            self.add("T301", line_of(keys["id"]), id=tid, suggested=slug(tid))
        version = self.string(keys, "version", "")
        if "version" in keys and not version.strip():
            self.add("T107", line_of(keys["version"]), key="version", detail=t("template.detail.empty"),
                     expected=t("template.expect.version"))
        sections = self.sections(keys.get("sections"), "", 1)
        fields = [f for s in sections for f in s.fields()]
        meta = self.meta(keys, fields)
        check_fields(self, self.infos)
        return Template(id=tid, version=version, meta=meta, sections=sections, source=self.source, text=text,
                        digest=hashlib.sha256(text.encode("utf-8")).hexdigest())

    # ---- metadata ------------------------------------------------------------------------------------
    def meta(self, top: dict[str, yaml.Node], fields: list[Field]) -> Meta:
        doc = self.keys(top.get("document"), DOCUMENT_KEYS, '"document"', required=("subject",))
        sig = self.keys(doc.get("signer"), SIGNER_KEYS, '"signer"')
        name_field = self.string(sig, "name_field", "") or None
        if name_field is not None and name_field not in {f.id for f in fields}:
            self.add("T109", line_of(sig["name_field"]), field=name_field, name=name_field,
                     suggestion=suggest(name_field, [f.id for f in fields]))
        defaults = Signer()
        signer = Signer(
            authority=self.string(sig, "authority", defaults.authority),
            deputy=self.string(sig, "deputy", defaults.deputy),
            position=self.string(sig, "position", defaults.position),
            name_field=name_field,
        )
        base = Meta(title="", subject="")
        deadline = base.deadline_days
        if "deadline_days" in top:
            value = self.scalar(top["deadline_days"])
            if not isinstance(value, int) or isinstance(value, bool) or not 0 < value <= MAX_DEADLINE_DAYS:
                self.add("T108", line_of(top["deadline_days"]), value=shown(top["deadline_days"]),
                         max=MAX_DEADLINE_DAYS)
            else:
                deadline = value
        texts = {k: self.string(doc, k, getattr(base, k)) for k in DOCUMENT_KEYS
                 if k not in ("recipients", "noi_nhan", "signer", "kinh_gui")}
        check_placeholders(self, doc, texts)
        kinh_gui = self.flag(doc, "kinh_gui", False) if "kinh_gui" in doc else None
        return Meta(
            title=self.string(top, "title", ""),
            recipients=self.strings(doc, "recipients"),
            noi_nhan=self.strings(doc, "noi_nhan"),
            signer=signer,
            deadline_days=deadline,
            kinh_gui=kinh_gui,
            **texts,
        )

    # ---- sections ------------------------------------------------------------------------------------
    def sections(self, node: yaml.Node | None, parent: str, level: int) -> tuple[Section, ...]:
        if node is None:  # "sections" missing: already reported as a missing key
            return ()
        if not isinstance(node, yaml.SequenceNode):
            self.add("T103", self.at(node), parent, key="sections", expected=t("template.expect.sections"),
                     actual=kind_of(node))
            return ()
        if level == 1 and not node.value:
            self.add("T201", self.at(node))
        out = [self.section(item, parent, level) for item in self.bounded_sections(node.value, parent)]
        check_numbering(self, out, parent, level)
        return tuple(out)

    def bounded_sections(self, nodes: list[yaml.Node], parent: str) -> Iterator[yaml.Node]:
        """``nodes`` up to the template's :data:`MAX_SECTIONS` (T208 at the first one past it)."""
        for node in nodes:
            if not self.within("T208", MAX_SECTIONS, node, parent):
                return
            yield node

    def section(self, node: yaml.Node, parent: str, level: int) -> Section:
        keys = self.keys(node, SECTION_KEYS, t("template.place.section"), required=("number", "title"),
                         section=parent)
        number = self.string(keys, "number", "?").strip().rstrip(".)").strip()
        path = f"{parent}.{number}" if parent else number
        line = line_of(node)
        if level > 3:
            self.add("T205", line, path)
        if level > MAX_LEVELS:  # already too deep (T205 above): not read further, so never a RecursionError
            return Section(number=number, title=self.string(keys, "title", ""), path=path, line=line)
        children: list[Field | Section] = []
        content_issues = len(self.issues)
        if "items" in keys:
            if "fields" in keys or "sections" in keys:
                self.add("T207", self.at(keys["items"]), path)
            items = keys["items"]
            if isinstance(items, yaml.SequenceNode):
                subsections: list[Section] = []
                for item in items.value:
                    if isinstance(item, yaml.MappingNode) and any(k.value == "number" for k, _ in item.value):
                        if not self.within("T208", MAX_SECTIONS, item, path):
                            break
                        sub = self.section(item, path, level + 1)
                        subsections.append(sub)
                        children.append(sub)
                    else:
                        children.extend(self.fields_of([item], path))
                check_numbering(self, subsections, path, level + 1)
            else:
                self.add("T103", self.at(items), path, key="items", expected=t("template.expect.list"),
                         actual=kind_of(items))
        else:
            fields_node = keys.get("fields")
            if fields_node is not None:
                if isinstance(fields_node, yaml.SequenceNode):
                    children.extend(self.fields_of(fields_node.value, path))
                else:
                    self.add("T103", self.at(fields_node), path, key="fields", expected=t("template.expect.fields"),
                             actual=kind_of(fields_node))
            if "sections" in keys:
                children.extend(self.sections(keys["sections"], path, level + 1))
        intro = self.string(keys, "intro", "")
        # A section whose content was unreadable, or not read (past MAX_FIELDS), already has its issue:
        # do not also call it empty.
        unread = len(self.issues) != content_issues or self.counts["T316"] > MAX_FIELDS
        if not children and not intro.strip() and "number" in keys and not unread:
            self.add("T206", line, path, number=number)
        in_report = self.flag(keys, "in_report", True, path)
        render_none = self.string(keys, "render_none", "", path) if "render_none" in keys else None
        return Section(number=number, title=self.string(keys, "title", ""), path=path, intro=intro,
                       children=tuple(children), in_report=in_report, render_none=render_none, line=line)

    def fields_of(self, nodes: list[yaml.Node], section: str) -> list[Field]:
        out: list[Field] = []
        for node in bounded_fields(self, nodes, section):
            info = read_field(self, node, section, None)
            if info is not None:
                self.infos.append(info)
                out.append(info.field)
        return out
