"""Fixtures: a small template with sample 003's shape, its answers, units and campaign statuses."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest

from dialogs.answers import AnswerRecord
from dialogs.template.model import Field, Meta, Section, Signer, Template
from exporters.model import CampaignInfo, DocInfo, UnitInfo, UnitStatus

KHUC_THUA_DU = UnitInfo("Xã Khúc Thừa Dụ", "xã", "11459", "Thành phố Hải Phòng")


def small_template() -> Template:
    """Sections I–V of sample 003 in miniature: prose, three figures, a group and the signer's name."""
    meta = Meta(
        title="Báo cáo tổng kết thi đua, khen thưởng 5 năm",
        subject="Tổng kết phong trào thi đua yêu nước và công tác khen thưởng 5 năm (giai đoạn 2020 - 2025)",
        request="Công văn số 5270/SGDĐT-VP ngày 05/8/2025 của Sở Giáo dục và Đào tạo",
        request_about="về việc báo cáo tổng kết phong trào thi đua yêu nước, công tác khen thưởng",
        recipients=("Sở Giáo dục và Đào tạo thành phố Hải Phòng",),
        noi_nhan=("Sở GD&ĐT (b/c)", "Lãnh đạo UBND", "Lưu: VT, VHXH"),
        signer=Signer("TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", name_field="nguoi_ky"),
        opening="Thực hiện {request} {request_about}, {agency} xây dựng báo cáo cụ thể như sau:",
        department="Sở Giáo dục và Đào tạo", department_parent="UBND thành phố Hải Phòng",
    )
    s1 = Section("I", "Công tác lãnh đạo, chỉ đạo", "I", children=(
        Section("1", "Công tác lãnh đạo, chỉ đạo của cấp ủy Đảng, chính quyền", "I.1", children=(
            Field("lanh_dao", "text", "Công tác lãnh đạo, chỉ đạo?", section="I.1"),
        )),
        Section("2", "Công tác xây dựng văn bản chỉ đạo", "I.2", children=(
            Field("van_ban", "docref", "Văn bản chỉ đạo chính?", render="Thực hiện {value}, xã ban hành kế hoạch "
                  "thi đua hằng năm.", section="I.2"),
        )),
    ))
    s4 = Section("IV", "Kết quả công tác khen thưởng", "IV", children=(
        Section("2", "Kết quả cụ thể", "IV.2", children=(
            Field("so_tap_the", "integer", "Số tập thể được khen thưởng?", unit="tập thể", approximate=True,
                  render="Hằng năm, xã đã đề nghị và được khen thưởng cho {value} tập thể, {so_ca_nhan} cá nhân "
                  "với số tiền {so_tien}.", section="IV.2"),
            Field("so_ca_nhan", "integer", "Số cá nhân được khen thưởng?", unit="cá nhân", approximate=True,
                  section="IV.2"),
            Field("so_tien", "money", "Tổng số tiền khen thưởng?", approximate=True, section="IV.2"),
            Field("ty_le", "percent", "Tỷ lệ khen thưởng người lao động trực tiếp?", required=False,
                  section="IV.2"),
        )),
        Section("3", "Giới thiệu điển hình tiên tiến", "IV.3", children=(
            Field("dien_hinh", "group", "Các điển hình tiên tiến?", allow_none=True,
                  render_none="Ủy ban nhân dân xã không có đối tượng đáp ứng đủ các tiêu chí như yêu cầu.",
                  fields=(Field("ho_ten", "text", "Họ và tên"), Field("chuc_vu", "text", "Chức vụ"),
                          Field("so_nam", "integer", "Số năm đạt danh hiệu")), section="IV.3"),
        )),
    ))
    s5 = Section("V", "Đánh giá chung", "V", children=(
        Section("1", "Ưu điểm", "V.1", children=(Field("uu_diem", "text", "Ưu điểm?", section="V.1"),)),
        Section("2", "Đề xuất, kiến nghị", "V.2", children=(
            Section("a", "Đối với Sở Giáo dục và Đào tạo", "V.2.a", children=(
                Field("de_xuat", "text", "Đề xuất, kiến nghị?", section="V.2.a"),
            )),
        )),
        Section("", "Người ký", "V.ky", in_report=False, children=(
            Field("nguoi_ky", "text", "Họ tên người ký?", section="V.ky"),
        )),
    ))
    return Template("mini", "1", meta, (s1, s4, s5))


def small_answers() -> dict[str, AnswerRecord]:
    """Answers with sample 003's facts (figures approximate as the commune wrote them)."""
    ref = {"number": "337", "symbol": "KH-UBND", "kind": "Kế hoạch", "date": "2023-12-29"}
    return {
        "lanh_dao": AnswerRecord("answered", "- Ban Thường vụ Đảng ủy, UBND xã luôn xác định thi đua yêu nước là "
                                 "động lực quan trọng.\n- Công tác thi đua được lồng ghép trong kế hoạch hằng năm."),
        "van_ban": AnswerRecord("answered", ref),
        "so_tap_the": AnswerRecord("answered", 75, approximate=True, qualifier="trên"),
        "so_ca_nhan": AnswerRecord("answered", 650, approximate=True, qualifier="hơn"),
        "so_tien": AnswerRecord("answered", 570_000_000, approximate=True, qualifier="hơn"),
        "ty_le": AnswerRecord("answered", 85.5),
        "dien_hinh": AnswerRecord("none"),
        "uu_diem": AnswerRecord("answered", "Phong trào thi đua luôn nhận được sự lãnh đạo, chỉ đạo quyết liệt."),
        "de_xuat": AnswerRecord("answered", "- Xây dựng tiêu chí thi đua rõ ràng.\n- Bổ sung nguồn lực khen "
                                "thưởng cấp xã."),
        "nguoi_ky": AnswerRecord("answered", "Nguyễn Đình Biểu"),
    }


@pytest.fixture
def template() -> Template:
    return small_template()


@pytest.fixture
def answers() -> dict[str, AnswerRecord]:
    return small_answers()


@pytest.fixture
def unit() -> UnitInfo:
    return KHUC_THUA_DU


@pytest.fixture
def doc_info() -> DocInfo:
    return DocInfo(number=5, issued_on=date(2025, 8, 6))


@pytest.fixture
def campaign() -> CampaignInfo:
    return CampaignInfo("c1", "Tổng kết thi đua, khen thưởng 5 năm (2021 - 2025)", datetime(2025, 8, 20, 17, 0),
                        "Sở Giáo dục và Đào tạo", "UBND thành phố Hải Phòng", datetime(2025, 8, 5, 8, 0))


@pytest.fixture
def unit_docx(tmp_path: Path, template: Template, unit: UnitInfo, answers: dict[str, AnswerRecord],
              doc_info: DocInfo) -> Path:
    from exporters.docx_unit import write_unit_docx

    return write_unit_docx(template, unit, answers, doc_info, tmp_path / "unit.docx")


def statuses(count: int = 12) -> list[UnitStatus]:
    """``count`` communes of Hải Phòng: every 4th missing, every 3rd late, figures varying per unit."""
    from vietnam_provinces import Ward

    wards = [w for w in Ward.iter_all() if int(w.province_code) == 31][:count]
    out = []
    for i, ward in enumerate(wards):
        unit = UnitInfo(ward.name, ward.division_type.value, str(int(ward.code)), "Thành phố Hải Phòng")
        if i % 4 == 3:
            out.append(UnitStatus(unit, "missing"))
            continue
        answers = dict(small_answers())
        answers["so_tap_the"] = AnswerRecord("answered", 10 + i)
        answers["so_ca_nhan"] = AnswerRecord("answered", 100 + 7 * i, approximate=i % 2 == 0, qualifier="hơn")
        answers["so_tien"] = AnswerRecord("answered", 1_000_000 * (i + 1)) if i != 5 else AnswerRecord("none")
        answers["uu_diem"] = AnswerRecord("answered", f"Ưu điểm riêng của {unit.in_sentence}.")
        status = "late" if i % 3 == 2 else "on_time"
        out.append(UnitStatus(unit, status, datetime(2025, 8, 10 + i % 12, 9, 30), 1 + i % 2, answers))
    return out


@pytest.fixture
def units() -> list[UnitStatus]:
    return statuses()
