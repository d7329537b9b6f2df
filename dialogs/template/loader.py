"""Load a report template from YAML into :mod:`dialogs.template.model` values, collecting EVERY located issue.

YAML is composed into nodes (which carry line numbers), then walked once: each key is checked against
the format (``docs/template-format.md``), aliases are mapped to their canonical spelling, and every
problem becomes an :class:`~dialogs.template.issues.Issue` naming file, line, section and field. Cross-field checks
(ids, expressions, render sentences, examples) run afterwards in :mod:`dialogs.template.checks`.

>>> t = load_shipped()
>>> t.id, t.field("so_ca_nhan").section, t.field("so_ca_nhan").check
('tdkt_5nam_2021_2025', 'IV.2', 'so_ca_nhan >= so_tap_the')
>>> [i.code for i in check_text("id: x\\nversion: '1'\\ntitle: X\\ndocument: {subject: S}\\nsections: []\\n")]
['T201']
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import yaml

from dialogs.errors import TemplateError
from dialogs.template.checks import (
    TYPE_ALIASES,
    FieldInfo,
    check_fields,
    check_numbering,
    check_placeholders,
    read_field,
)
from dialogs.template.issues import Issue, Where, make, suggest
from dialogs.template.model import Field, Meta, Section, Signer, Template
from dialogs.template.yamlnodes import NodeReader, kind_of, line_of, shown, slug

__all__ = [
    "TYPE_ALIASES",
    "check_template",
    "check_text",
    "find_template",
    "load_shipped",
    "load_template",
    "load_template_text",
    "shipped_templates",
]

TEMPLATES_DIR = Path(__file__).parent.parent / "templates"
DEFAULT_TEMPLATE = "tdkt_5nam_2021_2025"

TOP_KEYS = ("id", "version", "title", "document", "deadline_days", "sections")
DOCUMENT_KEYS = ("subject", "request", "request_about", "recipients", "agency", "parent_agency", "kind",
                 "symbol", "opening", "closing", "noi_nhan", "signer", "department", "department_parent")
SIGNER_KEYS = ("authority", "deputy", "position", "name_field")
SECTION_KEYS = ("number", "title", "intro", "in_report", "fields", "sections", "items")
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
    issue = _missing_file_issue(str(name_or_path), "không có tệp này")
    raise TemplateError(str(issue), [issue])


def load_template(path: str | Path) -> Template:
    """Load a template file; raise :class:`TemplateError` whose ``issues`` lists every problem."""
    text = _read(Path(path))
    if isinstance(text, Issue):
        raise TemplateError(str(text), [text])
    return load_template_text(text, str(path))


def load_template_text(text: str, source: str) -> Template:
    """Load a template from its YAML ``text``; ``source`` names it in issues."""
    template, issues = _load(text, source)
    if issues or template is None:
        lines = "\n".join(str(i) for i in issues)
        raise TemplateError(f"mẫu {source} có {len(issues)} lỗi:\n{lines}", issues)
    return template


def load_shipped(name: str = DEFAULT_TEMPLATE) -> Template:
    """Load a shipped template by name."""
    path = TEMPLATES_DIR / f"{name}.yaml"
    if not path.is_file():
        issue = _missing_file_issue(name, "không có mẫu này")
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
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        return _missing_file_issue(str(path), "tệp không phải văn bản UTF-8")
    except OSError as exc:
        return _missing_file_issue(str(path), exc.strerror or "không đọc được")


def _missing_file_issue(name: str, detail: str) -> Issue:
    names = ", ".join(p.stem for p in shipped_templates()) or "(chưa có)"
    return make("T102", Where(name), detail=f"{name}: {detail}", names=names)


# libyaml composes ~10× faster than the pure-Python parser and keeps the same line marks.
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

_BRACKETS = ('trong ngoặc { } hoặc [ ] thiếu dấu đóng, hoặc có ký tự đặc biệt như "?", ":", "#" (hãy đặt '
             "chuỗi trong nháy kép, hoặc viết mỗi khóa một dòng)")
# PyYAML and libyaml explain in English; translate the usual ones (matched by their start).
_YAML_PROBLEMS = (
    ("mapping values are not allowed", 'có dấu ":" không đúng chỗ (chuỗi có ": " phải đặt trong nháy kép)'),
    ("could not find expected ':'", 'thiếu dấu ":" sau tên khóa'),
    ("found character '\\t'", "có ký tự Tab (hãy thụt lề bằng dấu cách)"),
    ("found character that cannot start any token", "có ký tự không được đứng đầu một giá trị (Tab, @, `…)"),
    ("did not find expected key", "thụt lề không khớp với các dòng trên"),
    ("expected <block end>", "thụt lề không khớp với các dòng trên"),
    ("found undefined alias", "dùng bí danh (*) chưa định nghĩa"),
    ("found unexpected end of stream", "tệp kết thúc khi một chuỗi hoặc ngoặc chưa đóng"),
    ("did not find expected ',' or", _BRACKETS),
    ("expected ',' or", _BRACKETS),
)


def _load(text: str, source: str) -> tuple[Template | None, list[Issue]]:
    """Build the template and collect every issue; the template is ``None`` if the YAML is unreadable."""
    try:
        root = yaml.compose(text, Loader=_YAML_LOADER)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = str(exc.problem or exc.context or "")
        detail = next((vi for en, vi in _YAML_PROBLEMS if problem.startswith(en)), problem)
        return None, [make("T101", Where(source, mark.line + 1 if mark else 0), detail=detail)]
    except yaml.YAMLError as exc:  # e.g. a reader error on a control character
        return None, [make("T101", Where(source, 1), detail=str(exc))]
    builder = _Builder(source)
    template = builder.template(root, text)
    return template, sorted(builder.issues, key=lambda i: (i.line, i.code))


class _Builder(NodeReader):
    """Walks the node tree once, building model values and collecting issues."""

    def __init__(self, source: str) -> None:
        super().__init__(source)
        self.infos: list[FieldInfo] = []

    def template(self, root: yaml.Node | None, text: str) -> Template:
        required = ("id", "version", "title", "document", "sections")
        keys = self.keys(root, TOP_KEYS, "phần đầu của mẫu", required=required)
        if root is None:  # an empty file
            for key in required:
                self.add("T105", 1, key=key, place="phần đầu của mẫu")
        tid = self.string(keys, "id", "")
        if "id" in keys and not _ID.fullmatch(tid):
            self.add("T301", line_of(keys["id"]), id=tid, suggested=slug(tid))
        version = self.string(keys, "version", "")
        if "version" in keys and not version.strip():
            self.add("T107", line_of(keys["version"]), key="version", detail="để trống",
                     expected='một chuỗi như "2025.1"')
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
            if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
                self.add("T108", line_of(top["deadline_days"]), value=shown(top["deadline_days"]))
            else:
                deadline = value
        texts = {k: self.string(doc, k, getattr(base, k)) for k in DOCUMENT_KEYS
                 if k not in ("recipients", "noi_nhan", "signer")}
        check_placeholders(self, doc, texts)
        return Meta(
            title=self.string(top, "title", ""),
            recipients=self.strings(doc, "recipients"),
            noi_nhan=self.strings(doc, "noi_nhan"),
            signer=signer,
            deadline_days=deadline,
            **texts,
        )

    # ---- sections ------------------------------------------------------------------------------------
    def sections(self, node: yaml.Node | None, parent: str, level: int) -> tuple[Section, ...]:
        if node is None:  # "sections" missing: already reported as a missing key
            return ()
        if not isinstance(node, yaml.SequenceNode):
            self.add("T103", self.at(node), parent, key="sections", expected="một danh sách mục (mỗi mục bắt "
                     'đầu bằng "- number: …")', actual=kind_of(node))
            return ()
        if level == 1 and not node.value:
            self.add("T201", self.at(node))
        out = [self.section(item, parent, level) for item in node.value]
        check_numbering(self, out, parent, level)
        return tuple(out)

    def section(self, node: yaml.Node, parent: str, level: int) -> Section:
        keys = self.keys(node, SECTION_KEYS, "mục", required=("number", "title"), section=parent)
        number = self.string(keys, "number", "?").strip().rstrip(".)").strip()
        path = f"{parent}.{number}" if parent else number
        line = line_of(node)
        if level > 3:
            self.add("T205", line, path)
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
                        sub = self.section(item, path, level + 1)
                        subsections.append(sub)
                        children.append(sub)
                    else:
                        children.extend(self.fields_of([item], path))
                check_numbering(self, subsections, path, level + 1)
            else:
                self.add("T103", self.at(items), path, key="items", expected="một danh sách", actual=kind_of(items))
        else:
            fields_node = keys.get("fields")
            if fields_node is not None:
                if isinstance(fields_node, yaml.SequenceNode):
                    children.extend(self.fields_of(fields_node.value, path))
                else:
                    self.add("T103", self.at(fields_node), path, key="fields", expected="một danh sách trường",
                             actual=kind_of(fields_node))
            if "sections" in keys:
                children.extend(self.sections(keys["sections"], path, level + 1))
        intro = self.string(keys, "intro", "")
        # A section whose content was unreadable already has its issue: do not also call it empty.
        if not children and not intro.strip() and "number" in keys and len(self.issues) == content_issues:
            self.add("T206", line, path, number=number)
        in_report = self.flag(keys, "in_report", True, path)
        return Section(number=number, title=self.string(keys, "title", ""), path=path, intro=intro,
                       children=tuple(children), in_report=in_report, line=line)

    def fields_of(self, nodes: list[yaml.Node], section: str) -> list[Field]:
        out: list[Field] = []
        for node in nodes:
            info = read_field(self, node, section, None)
            if info is not None:
                self.infos.append(info)
                out.append(info.field)
        return out
