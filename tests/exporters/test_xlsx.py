"""The compiled .xlsx: a row per unit, a column per figure, status, totals, frozen header, number formats."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from exporters.compiled_parts import by_unit_name
from exporters.model import CampaignInfo, UnitStatus
from exporters.rate import reporting_rate
from exporters.xlsx import write_compiled_xlsx
from tests.exporters.conftest import small_template


@pytest.fixture
def units(units: list[UnitStatus]) -> list[UnitStatus]:
    """The units in the order the sheet lists them: Vietnamese alphabetical order."""
    return by_unit_name(units)


@pytest.fixture
def book(tmp_path: Path, campaign: CampaignInfo, units: list[UnitStatus]) -> openpyxl.Workbook:
    return openpyxl.load_workbook(write_compiled_xlsx(small_template(), campaign, units, tmp_path / "c.xlsx"))


def _columns(ws) -> dict[str, int]:
    return {c.value: c.column for c in ws[1]}


def test_one_row_per_unit_with_status(book, units: list[UnitStatus]) -> None:
    ws = book["Tổng hợp"]
    cols = _columns(ws)
    assert ws.max_row == len(units) + 3  # header, units, totals, units without data
    names = [ws.cell(r, cols["Đơn vị"]).value for r in range(2, len(units) + 2)]
    assert names == [u.unit.name for u in units]
    statuses = [ws.cell(r, cols["Tình trạng"]).value for r in range(2, len(units) + 2)]
    assert statuses == [{"on_time": "Đúng hạn", "late": "Muộn", "missing": "Chưa gửi"}[u.status] for u in units]
    assert ws.cell(2, cols["Mã đơn vị"]).value == units[0].unit.code
    assert ws.cell(2, cols["Thời gian gửi"]).value == units[0].submitted_at


def test_one_column_per_figure_stored_as_numbers(book, units: list[UnitStatus]) -> None:
    ws = book["Tổng hợp"]
    cols = _columns(ws)
    assert {"Số tập thể", "Số cá nhân", "Số tiền (đồng)",
            "Tỷ lệ (%)"} <= set(cols)
    col = cols["Số cá nhân"]
    values = [ws.cell(r, col).value for r in range(2, len(units) + 2)]
    assert values == [u.answers["so_ca_nhan"].value if u.status != "missing" else None for u in units]
    # An approximate figure is a number in its column and a note in "Ghi chú".
    n, approx = next((n, u) for n, u in enumerate(units)
                     if u.answers.get("so_ca_nhan") and u.answers["so_ca_nhan"].approximate)
    row = 2 + n
    note = f"Số cá nhân được khen thưởng: hơn {approx.answers['so_ca_nhan'].value}"
    assert ws.cell(row, cols["Ghi chú"]).value == note
    # Percentages are fractions with a % format: 85,5% is 0.855.
    assert ws.cell(row, cols["Tỷ lệ (%)"]).value == pytest.approx(0.855)


def test_totals_row(book, units: list[UnitStatus]) -> None:
    ws = book["Tổng hợp"]
    cols = _columns(ws)
    last = ws.max_row - 1  # the last row counts the units without data
    reported = [u for u in units if u.status != "missing"]
    assert ws.cell(last, cols["Đơn vị"]).value == "Tổng cộng"
    # Totals are formulas over the units' rows, so they add up what the cells hold.
    for name, field in (("Số tập thể", "so_tap_the"), ("Số tiền (đồng)", "so_tien")):
        formula = ws.cell(last, cols[name]).value
        letter = openpyxl.utils.get_column_letter(cols[name])
        assert formula == f"=SUM({letter}2:{letter}{len(units) + 1})"
        column = [ws.cell(r, cols[name]).value for r in range(2, len(units) + 2)]
        assert sum(v or 0 for v in column) == sum(u.answers[field].value or 0 for u in reported)
    assert ws.cell(last, cols["Tỷ lệ (%)"]).value is None  # % do not add up
    assert ws.cell(last, cols["Đơn vị"]).font.b


def test_frozen_header_and_filter(book) -> None:
    ws = book["Tổng hợp"]
    assert ws.freeze_panes == "D2"
    assert ws.auto_filter.ref.startswith("A1:")
    assert all(c.font.b for c in ws[1]) and all(c.alignment.wrap_text for c in ws[1])


def test_vietnamese_number_formats(book) -> None:
    ws = book["Tổng hợp"]
    cols = _columns(ws)
    assert ws.cell(2, cols["Số tập thể"]).number_format == "#,##0"
    assert ws.cell(2, cols["Số tiền (đồng)"]).number_format == "#,##0"
    assert ws.cell(2, cols["Tỷ lệ (%)"]).number_format == "0.0%"
    assert ws.cell(2, cols["Thời gian gửi"]).number_format == "dd/mm/yyyy hh:mm"
    assert ws.cell(2, cols["Đơn vị"]).font.name == "Times New Roman"


def test_column_widths_fit(book, units: list[UnitStatus]) -> None:
    ws = book["Tổng hợp"]
    cols = _columns(ws)
    from openpyxl.utils import get_column_letter

    width = ws.column_dimensions[get_column_letter(cols["Đơn vị"])].width
    longest = max(len(u.unit.name) for u in units)
    assert longest + 1 <= width <= longest + 4
    money = ws.column_dimensions[get_column_letter(cols["Số tiền (đồng)"])].width
    assert money >= len("12.000.000")
    assert ws.column_dimensions["A"].width < 8  # "TT" stays narrow


def test_rate_and_missing_sheets(book, units: list[UnitStatus]) -> None:
    rate = reporting_rate(units)
    ws = book["Tỷ lệ báo cáo"]
    values = {ws.cell(r, 1).value: ws.cell(r, 2).value for r in range(1, ws.max_row + 1)}
    assert values["Số đơn vị được giao báo cáo"] == rate.expected
    assert values["Số đơn vị đã gửi báo cáo"] == rate.reported
    assert values["Gửi đúng hạn"] == rate.on_time and values["Gửi muộn"] == rate.late
    assert values["Tỷ lệ gửi báo cáo"] == pytest.approx(rate.rate_pct / 100)
    missing = book["Chưa gửi"]
    assert sorted(missing.cell(r, 3).value for r in range(2, missing.max_row + 1)) == sorted(
        u.unit.name for u in units if u.status == "missing")


def test_a_sheet_per_purpose_with_frozen_headers(book) -> None:
    assert {"Tổng hợp", "Nội dung", "Chưa gửi", "Tỷ lệ báo cáo"} <= set(book.sheetnames)
    for name in ("Tổng hợp", "Nội dung", "Chưa gửi"):
        assert book[name].freeze_panes is not None, name
    assert "Tỉnh, thành phố" in [c.value for c in book["Nội dung"][1]]
