"""The one catalogue of template problems: a stable code, what is wrong, and how to fix it.

Every problem the loader finds becomes an :class:`Issue` that says where (file, line, section, field),
what is wrong and how to fix it, in Vietnamese (template authors are department staff). Codes never
change meaning; tests assert codes and locations, never the prose.

>>> i = make("T303", Where("tdkt.yaml", 42, "IV.2", "so_ca_nhan"), "number", type="nuber", types="text")
>>> str(i).startswith('tdkt.yaml:42: [IV.2 / so_ca_nhan] T303 kiểu trường "nuber" không có. Có phải "number"?')
True
>>> i.code, i.line, i.field
('T303', 42, 'so_ca_nhan')
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

__all__ = ["CATALOGUE", "Issue", "Where", "make", "suggest"]

#: code → (short name, message, fix). Messages and fixes are ``str.format`` templates.
CATALOGUE: dict[str, tuple[str, str, str]] = {
    # ---- T1xx: the file and its keys ------------------------------------------------------------------
    "T101": ("yaml-syntax", "tệp không đọc được như YAML: {detail}.",
             ('Hãy sửa cú pháp YAML ở dòng này: thụt lề bằng dấu cách (không dùng Tab), sau dấu ":" có một '
             'dấu cách, hoặc đặt chuỗi có dấu ":" hay "#" trong nháy kép.')),
    "T102": ("file-missing", "không mở được tệp mẫu: {detail}.",
             "Hãy kiểm tra lại đường dẫn, hoặc dùng tên một mẫu có sẵn: {names}."),
    "T103": ("wrong-kind", '"{key}" phải là {expected}, nhưng đang là {actual}.',
             'Hãy viết "{key}" dưới dạng {expected}, hoặc xem ví dụ trong docs/template-format.md.'),
    "T104": ("unknown-key", 'khóa "{key}" không có trong {place}.',
             "Hãy sửa tên khóa, hoặc xóa nó đi. Các khóa dùng được: {allowed}."),
    "T105": ("missing-key", 'thiếu khóa bắt buộc "{key}" trong {place}.',
             'Hãy thêm "{key}: …" vào {place}, hoặc xem ví dụ trong docs/template-format.md.'),
    "T106": ("duplicate-key", 'khóa "{key}" được viết hai lần (dòng {first} và dòng {second}).',
             "Hãy giữ một lần, hoặc đổi tên lần sau cho đúng khóa bạn muốn."),
    "T107": ("bad-value", 'giá trị của "{key}" không hợp lệ: {detail}.',
             "Hãy viết {expected}, hoặc xóa khóa này để dùng mặc định."),
    "T108": ("deadline-days", '"deadline_days" phải là số ngày lớn hơn 0, đang là {value}.',
             'Hãy viết một số nguyên dương, ví dụ "deadline_days: 14", hoặc xóa khóa để dùng 14 ngày.'),
    "T109": ("signer-field", '"signer.name_field" chỉ tới trường "{name}" không có trong mẫu.',
             "Hãy viết id của trường hỏi họ tên người ký, hoặc xóa name_field."),
    "T110": ("document-placeholder", '"{key}" có chỗ trống "{{{name}}}" không dùng được ở đây.',
             "Hãy chỉ dùng {allowed}, hoặc viết thẳng nội dung thay cho chỗ trống."),
    # ---- T2xx: sections ------------------------------------------------------------------------------
    "T201": ("no-sections", "mẫu không có mục nào để hỏi.",
             'Hãy thêm "sections:" với ít nhất một mục có trường, ví dụ "- number: I".'),
    "T202": ("duplicate-section", 'số mục "{number}" trùng với mục cùng cấp ở dòng {first}.',
             "Hãy đánh số lại các mục cùng cấp, hoặc gộp hai mục làm một."),
    "T203": ("section-style", 'số mục "{number}" không đúng kiểu đánh số của cấp {level} (cần {style}).',
             ("Hãy đánh số cấp 1 bằng số La Mã (I, II, III), cấp 2 bằng số (1, 2, 3), cấp 3 bằng chữ thường "
             "(a, b, c), như Nghị định 30/2020/NĐ-CP.")),
    "T204": ("section-sequence", 'mục "{number}" không liền sau mục trước (cần "{expected}").',
             "Hãy đánh số liên tục, hoặc thêm mục còn thiếu."),
    "T205": ("section-depth", "mục lồng quá 3 cấp (I → 1 → a).",
             "Hãy gộp mục này vào mục cha, hoặc dùng một trường văn bản có gạch đầu dòng."),
    "T206": ("empty-section", 'mục "{number}" không có trường, mục con hay lời dẫn nào.',
             'Hãy thêm trường ("fields") hoặc lời dẫn ("intro"), hoặc xóa mục này.'),
    "T207": ("mixed-items", 'mục dùng cả "items" lẫn "fields"/"sections".',
             ('Hãy dùng một cách: hoặc "items" (trường và mục con xen nhau theo thứ tự hỏi), hoặc "fields" '
             'rồi "sections".')),
    # ---- T3xx: fields --------------------------------------------------------------------------------
    "T301": ("bad-id", 'id "{id}" không hợp lệ.',
             ('Hãy viết id bằng chữ thường không dấu, chữ số và dấu gạch dưới, bắt đầu bằng chữ, ví dụ '
             '"{suggested}".')),
    "T302": ("duplicate-id", 'id "{id}" trùng với trường ở dòng {first}.',
             "Hãy đổi một trong hai id: id là khóa lưu câu trả lời nên không được trùng."),
    "T303": ("unknown-type", 'kiểu trường "{type}" không có.',
             "Hãy dùng một trong các kiểu: {types}."),
    "T304": ("bad-range", '"{low_key}" ({low}) lớn hơn "{high_key}" ({high}).',
             'Hãy đổi chỗ hai giá trị, hoặc sửa cho "{low_key}" không lớn hơn "{high_key}".'),
    "T305": ("key-not-for-type", 'khóa "{key}" không dùng cho trường kiểu "{type}".',
             'Hãy xóa "{key}", hoặc đổi kiểu trường thành một trong: {types}.'),
    "T306": ("options-not-choice", ('trường kiểu "{type}" có "options", nhưng chỉ choice/multichoice mới có '
             "lựa chọn."),
             'Hãy đổi kiểu thành "choice" hoặc "multichoice", hoặc xóa "options".'),
    "T307": ("options-missing", 'trường kiểu "{type}" chưa có danh sách lựa chọn ("options").',
             'Hãy thêm "options:" với ít nhất hai lựa chọn, ví dụ "options: [Hằng quý, Hằng năm]".'),
    "T308": ("bad-option", "lựa chọn không hợp lệ: {detail}.",
             ("Hãy cho mỗi lựa chọn một nhãn (label) và một giá trị (value) riêng, không trùng nhau, và ít "
             "nhất hai lựa chọn.")),
    "T309": ("bad-pattern", '"pattern" không phải biểu thức chính quy hợp lệ: {detail}.',
             "Hãy sửa pattern (đặt trong nháy đơn để giữ dấu \\), hoặc xóa nó."),
    "T310": ("group-no-fields", 'nhóm lặp "{id}" chưa có cột nào ("fields").',
             'Hãy thêm "fields:" liệt kê các cột, ví dụ ho_ten, chuc_vu_don_vi, thanh_tich.'),
    "T311": ("nested-group", "nhóm lặp không được nằm trong một nhóm lặp khác.",
             "Hãy đưa nhóm con ra ngoài thành một trường riêng, hoặc đổi nó thành một cột văn bản."),
    "T312": ("bad-example", 'ví dụ "{example}" không đọc được theo kiểu "{type}": {detail}',
             "Hãy sửa ví dụ cho đúng như người dùng sẽ gõ, hoặc sửa kiểu và giới hạn của trường."),
    "T313": ("orphan-message", 'có "{key}" nhưng không có "{rule}".',
             'Hãy thêm "{rule}", hoặc xóa "{key}".'),
    "T314": ("bad-bound", '"{key}" của trường kiểu "{type}" phải là {expected}, đang là "{value}".',
             "Hãy viết {expected}, ví dụ {example}."),
    # ---- T4xx: expressions and render sentences ----------------------------------------------------
    "T401": ("expr-syntax", '"{key}" không đọc được: {reason} trong "{src}".',
             ('Hãy viết biểu thức như "so_ca_nhan >= so_tap_the" hoặc "co_dien_hinh == true" (so sánh '
             "bằng ==, nối bằng and/or/not, chuỗi trong nháy).")),
    "T402": ("expr-unknown-name", '"{key}" nhắc tới trường "{name}" không có trong mẫu.',
             "Hãy viết đúng id của một trường trong mẫu."),
    "T403": ("when-later", '"when" dựa vào trường "{name}" ({place}), nên chưa biết khi cần hỏi trường này.',
             'Hãy chuyển trường "{name}" lên trước trường này, hoặc bỏ điều kiện.'),
    "T404": ("render-unknown", '"{key}" có chỗ trống "{{{name}}}" không phải trường nào.',
             "Hãy dùng {{value}} cho câu trả lời của chính trường này, hoặc {{id}} của một trường khác."),
    "T405": ("render-syntax", '"{key}" viết sai: {reason}.',
             "Hãy viết chỗ trống dạng {{ten_truong}}; muốn in dấu ngoặc nhọn thì viết {{{{ hoặc }}}}."),
}


@dataclass(frozen=True)
class Where:
    """A place in a template file: file, 1-based line, section path and field id (either may be empty)."""

    file: str
    line: int = 0
    section: str = ""
    field: str = ""


@dataclass(frozen=True)
class Issue:
    """One located problem of a template, with its stable code and a fix."""

    code: str
    file: str
    line: int
    section: str
    field: str
    message: str
    fix: str
    #: The nearest valid spelling of a misspelt name ("nuber" → "number").
    suggestion: str | None = None

    def __str__(self) -> str:
        where = " / ".join(p for p in (self.section, self.field) if p)
        parts = [f"{self.file}:{self.line}:", f"[{where}]" if where else "", self.code, self.message]
        if self.suggestion:
            parts.append(f'Có phải "{self.suggestion}"?')
        parts.append(self.fix)
        return " ".join(p for p in parts if p)

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict of every attribute."""
        return asdict(self)


def make(code: str, where: Where, suggestion: str | None = None, /, **params: Any) -> Issue:
    """Build the issue ``code`` at ``where``, filling its message and fix with ``params``."""
    _, message, fix = CATALOGUE[code]
    return Issue(
        code=code,
        file=where.file,
        line=where.line,
        section=where.section,
        field=where.field,
        message=message.format(**params),
        fix=fix.format(**params),
        suggestion=suggestion,
    )


def suggest(word: str, choices: list[str] | tuple[str, ...] | set[str] | frozenset[str]) -> str | None:
    """The closest of ``choices`` to a misspelt ``word``, or ``None`` if nothing is close.

    >>> suggest("nuber", ["number", "text", "date"])
    'number'
    >>> suggest("xyz", ["number", "text"]) is None
    True
    """
    from rapidfuzz import fuzz, process

    if not word or not choices:
        return None
    found = process.extractOne(str(word).lower(), sorted(choices), scorer=fuzz.ratio, score_cutoff=70)
    return None if found is None else str(found[0])
