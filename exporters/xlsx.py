"""The compiled report as .xlsx, a sheet per purpose: figures per unit (totals as formulas), choices, nominees,
text answers, missing units, rates — each with a frozen header, a province column, units in Vietnamese order.

Written in openpyxl's write-only mode (rows streamed, constant memory). Numbers are stored as numbers
with the grouping format ``#,##0``: Excel and LibreOffice draw the separators of the reader's locale,
so a Vietnamese system shows 570.000.000 and the column still adds up.
"""

from __future__ import annotations

from collections.abc import Sequence
from copy import copy
from datetime import datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from dialogs.template.model import Template
from dialogs.vietnamese.collation import sort_key
from dialogs.vietnamese.format import format_number
from exporters.compiled_parts import by_unit_name, group_rows, province_short, tallies
from exporters.compose_compiled import (
    STATUS_LABELS,
    figure_fields,
    figure_headers,
    figure_value,
    group_fields,
    without_data,
)
from exporters.model import CampaignInfo, UnitStatus
from exporters.rate import reporting_rate
from exporters.render import DEFAULT_QUALIFIER, field_label

FONT = "Times New Roman"
#: Number formats by field type (percent answers are stored as fractions: 85,5 → 0.855).
NUMBER_FORMATS = {"integer": "#,##0", "money": "#,##0", "decimal": "#,##0.##", "percent": "0.0%"}
DATETIME_FORMAT = "dd/mm/yyyy hh:mm"
FIXED_COLUMNS = ("TT", "Mã đơn vị", "Đơn vị", "Tỉnh, thành phố", "Tình trạng", "Thời gian gửi", "Lần gửi")
#: Columns never grow wider than this many characters; headers wrap instead.
MAX_WIDTH, HEADER_WRAP = 45, 18

_THIN = Side(style="thin")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEADER_FONT = Font(name=FONT, bold=True, size=12)
_BODY_FONT = Font(name=FONT, size=12)
_WRAP_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)


def _cell(ws: WriteOnlyWorksheet, value: Any, *, fmt: str | None = None, header: bool = False,
          bold: bool = False) -> WriteOnlyCell:
    cell = WriteOnlyCell(ws, value=value)
    # Setting font, border and format looks each style up by hash (most of the time of a 3,321-unit
    # workbook): the combination is looked up once per workbook and its style ids copied into each cell.
    key = (id(ws.parent), fmt, header, bold)
    style = _STYLES.get(key)
    if style is None:
        cell.font = _HEADER_FONT if header or bold else _BODY_FONT
        cell.border = _BORDER
        if header:
            cell.alignment = _WRAP_CENTER
        if fmt:
            cell.number_format = fmt
        _STYLES[key] = copy(cell._style)
    else:
        cell._style = copy(style)
    return cell


#: Style ids by (workbook, number format, header, bold); a workbook's ids are its own.
_STYLES: dict[tuple[int, str | None, bool, bool], Any] = {}


def _stored(kind: str, value: float | None) -> float | int | None:
    if value is None:
        return None
    return value / 100 if kind == "percent" else value


def _approximations(fields: Sequence[Any], unit: UnitStatus) -> str:
    notes = []
    for field in fields:
        record = unit.answers.get(field.id)
        if record is not None and record.status == "answered" and record.approximate:
            notes.append(f"{field_label(field)}: {record.qualifier or DEFAULT_QUALIFIER} {format_number(record.value)}")
    return "; ".join(notes)


def _width(values: Sequence[str]) -> float:
    return min(MAX_WIDTH, max((len(v) for v in values), default=4) + 2)


def write_compiled_xlsx(template: Template, campaign: CampaignInfo, units: Sequence[UnitStatus],
                        path: str | Path) -> Path:
    """Write the compiled figures of ``campaign`` to an .xlsx at ``path`` and return it."""
    units = by_unit_name(units)
    fields = figure_fields(template)
    headers = [*FIXED_COLUMNS, *figure_headers(fields), "Ghi chú"]
    formats = [None, None, None, None, None, DATETIME_FORMAT, "0",
               *(NUMBER_FORMATS.get(f.type, "General") for f in fields), None]
    rows: list[list[Any]] = []
    for n, u in enumerate(units, 1):
        submitted = u.submitted_at.replace(tzinfo=None) if isinstance(u.submitted_at, datetime) else None
        figures = [_stored(f.type, figure_value(u.answers.get(f.id))) for f in fields]
        rows.append([n, u.unit.code, u.unit.name, u.unit.province_name, STATUS_LABELS[u.status], submitted,
                     u.version, *figures, _approximations(fields, u)])
    first, last_row = 2, len(rows) + 1
    # Totals are formulas over the column (a corrected cell re-adds itself); percentages are not added up.
    sums = [None if f.type == "percent" else f"=SUM({get_column_letter(len(FIXED_COLUMNS) + i + 1)}{first}:"
            f"{get_column_letter(len(FIXED_COLUMNS) + i + 1)}{last_row})" for i, f in enumerate(fields)]
    footer = ["", "", "Tổng cộng", "", f"{sum(u.status != 'missing' for u in units)}/{len(units)}", None, None,
              *sums, ""]
    # "Không có" is no data, not zero: blank in its row, out of the total, and counted here.
    no_data = ["", "", "Số đơn vị chưa có số liệu", "", "", None, None, *without_data(fields, units),
               "Ô để trống: không tính vào tổng cộng"]
    no_data_formats = [*formats[:7], *("#,##0" for _ in fields), None]

    wb = Workbook(write_only=True)
    _STYLES.clear()  # style ids belong to one workbook
    ws = wb.create_sheet("Tổng hợp")
    # Column widths from the longest value shown (numbers as they display, headers as they wrap).
    for col, header in enumerate(headers, 1):
        shown = [str(r[col - 1]) if not isinstance(r[col - 1], (int, float)) or isinstance(r[col - 1], bool)
                 else format_number(r[col - 1]) for r in rows if r[col - 1] is not None]
        if formats[col - 1] == DATETIME_FORMAT:
            shown = ["00/00/0000 00:00"]
        ws.column_dimensions[get_column_letter(col)].width = max(_width(shown), min(len(header), HEADER_WRAP) + 2)
    ws.freeze_panes = "D2"
    last = get_column_letter(len(headers))
    ws.auto_filter.ref = f"A1:{last}{len(rows) + 1}"
    ws.append([_cell(ws, h, header=True) for h in headers])
    for row in rows:
        ws.append([_cell(ws, v, fmt=f) for v, f in zip(row, formats, strict=True)])
    ws.append([_cell(ws, v, fmt=f, bold=True) for v, f in zip(footer, formats, strict=True)])
    ws.append([_cell(ws, v, fmt=f) for v, f in zip(no_data, no_data_formats, strict=True)])

    rate = reporting_rate(units)
    rate_ws = wb.create_sheet("Tỷ lệ báo cáo")
    rate_ws.column_dimensions["A"].width, rate_ws.column_dimensions["B"].width = 34, 14
    for label, value, fmt in (
        ("Số đơn vị được giao báo cáo", rate.expected, "#,##0"),
        ("Số đơn vị đã gửi báo cáo", rate.reported, "#,##0"),
        ("Gửi đúng hạn", rate.on_time, "#,##0"),
        ("Gửi muộn", rate.late, "#,##0"),
        ("Chưa gửi", rate.missing, "#,##0"),
        ("Tỷ lệ gửi báo cáo", rate.rate_pct / 100, "0.0%"),
        ("Tỷ lệ gửi đúng hạn", rate.on_time_pct / 100, "0.0%"),
    ):
        rate_ws.append([_cell(rate_ws, label), _cell(rate_ws, value, fmt=fmt)])

    missing_ws = wb.create_sheet("Chưa gửi")
    missing = sorted((u for u in units if u.status == "missing"),
                     key=lambda u: (sort_key(province_short(u.unit.province_name)), sort_key(u.unit.name)))
    for col, values in enumerate((["TT"], ["Mã đơn vị"], [u.unit.name for u in missing] + ["Đơn vị"],
                                  [u.unit.province_name for u in missing] + ["Tỉnh, thành phố"]), 1):
        missing_ws.column_dimensions[get_column_letter(col)].width = _width(values)
    missing_ws.freeze_panes = "A2"
    missing_ws.append([_cell(missing_ws, h, header=True) for h in ("TT", "Mã đơn vị", "Đơn vị", "Tỉnh, thành phố")])
    for n, u in enumerate(missing, 1):
        missing_ws.append([_cell(missing_ws, v) for v in (n, u.unit.code, u.unit.name, u.unit.province_name)])

    _choices_sheet(wb, template, units)
    for fld in group_fields(template):
        _list_sheet(wb, (fld.short or field_label(fld))[:31], [*(field_label(c) for c in fld.fields), "Đơn vị",
                    "Tỉnh, thành phố"], group_rows(fld, units))
    texts = [f for f in template.fields() if f.type == "text" and f.render != ""]
    text_rows = [(u.unit.name, u.unit.province_name,
                  *(_text(u.answers.get(f.id)) for f in texts)) for u in units if u.status != "missing"]
    _list_sheet(wb, "Nội dung", ["Đơn vị", "Tỉnh, thành phố", *(f.short or field_label(f) for f in texts)], text_rows,
                width=60)
    wb.move_sheet("Chưa gửi", offset=len(wb.sheetnames))
    wb.move_sheet("Tỷ lệ báo cáo", offset=len(wb.sheetnames))
    out = Path(path)
    wb.save(str(out))
    return out


#: Excel keeps at most this many characters in a cell.
CELL_LIMIT = 32_767


def _text(record: Any) -> str:
    if record is None or record.status != "answered":
        return "Không có" if record is not None and record.status == "none" else ""
    return str(record.value or "")[:CELL_LIMIT]


def _list_sheet(wb: Workbook, title: str, headers: Sequence[str], rows: Sequence[Sequence[Any]], *,
                width: float = 30) -> None:
    """A sheet of rows under a frozen, filtered header."""
    ws = wb.create_sheet(title)
    for col in range(1, len(headers) + 1):
        ws.column_dimensions[get_column_letter(col)].width = 28 if col <= 2 and width > 30 else width
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{len(rows) + 1}"
    ws.append([_cell(ws, h, header=True) for h in headers])
    for row in rows:
        ws.append([_cell(ws, v) for v in row])


def _choices_sheet(wb: Workbook, template: Template, units: Sequence[UnitStatus]) -> None:
    """Every choice and yes/no field: per option, how many units picked it (and the share of those answering)."""
    found = tallies(template, units)
    if not found:
        return
    ws = wb.create_sheet("Lựa chọn")
    for letter, width in zip("ABCD", (60, 40, 12, 12), strict=True):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = "A2"
    ws.append([_cell(ws, h, header=True) for h in ("Nội dung hỏi", "Lựa chọn", "Số đơn vị", "Tỷ lệ")])
    for tally in found:
        for label, count in tally.counts:
            share = count / tally.answered if tally.answered else None
            ws.append([_cell(ws, tally.field.short or field_label(tally.field)), _cell(ws, label),
                       _cell(ws, count, fmt="#,##0"), _cell(ws, share, fmt="0.0%")])
