"""Vietnamese personal names: the common family names and name syllables, most common first.

A name typed without diacritics ("nguyen dinh bieu") is read against these before the language model
(which learnt from laws, where few people are named): the first listed form wins, and a syllable with
several listed forms ("hoa": Hoa, Hòa) is flagged with the others.

>>> listed("nguyen", first=True), listed("hoa", first=False)
(('Nguyễn',), ('Hoa', 'Hòa', 'Hóa'))
"""

from __future__ import annotations

from functools import cache

from dialogs.vietnamese.text import strip_diacritics


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


FAMILY = _words(
        "Nguyễn Trần Lê Phạm Hoàng Huỳnh Phan Vũ Võ Đặng Bùi Đỗ Hồ Ngô Dương Lý Đào Đoàn Vương Trịnh Trương Đinh Lâm "
        "Phùng Mai Tô Hà Lưu Tạ Cao Quách Thái Lương Kiều Chu Triệu Hứa Khúc La Lại Mạc Nghiêm Tăng Từ Đàm Vi Lục "
        "Giáp Thân Tống Châu Ông Kim Quan Lã Nông Lò Hầu Khổng Ninh Mẫn Văn"
)
GIVEN = _words(
        "Văn Thị Đình Đức Minh Hữu Ngọc Thanh Quang Xuân Hồng Thu Anh Hoàng Tuấn Hải Hùng Dũng Cường Long Nam Sơn "
        "Thành Trung Tùng Hiếu Hiền Hương Hoa Hà Lan Linh Mai Nga Ngân Phương Thảo Trang Yến Huyền Hạnh Hằng Hậu Loan "
        "Lâm Lộc Phúc Quý Tâm Thắng Thủy Tiến Toàn Vinh Việt Bình An Biểu Bảo Chi Công Cúc Duy Diệp Dung Đạt Điệp "
        "Giang Hiệp Hòa Hoài Huy Huệ Khánh Khoa Kiên Lực Lợi Mạnh My Nhung Nhàn Oanh Phong Phú Quân Quyết Quỳnh Sáng "
        "Tài Thái Thao Thi Thịnh Thơ Thúy Trâm Tú Tuyết Uyên Vân Vy Xuyến Bá Chí Gia Khắc Kim Như Tất Thế Trọng Viết "
        "Vĩnh Thùy Thư Thương Ánh Đông Hưng Tân Nhân Nghĩa Trí Tín Hạ Diệu Lệ Mỹ Bích Kiều Thục Tuệ Tường Hào Hiển "
        "Hoan Khải Luân Lương Ninh Phát Phượng Sinh Thuận Thọ Trinh Tuyền Vũ Định Đào Đăng Hiên Dương Hóa Đại Khang "
        "Lành Liên Liễu Luyến Lý Ngà Nguyệt Nhi Nhật Phước Quế Sang Sen Tâm Thắm Thoa Thông Thuần Thủy Tiên Trà Trúc "
        "Tuân Uy Vượng Xoan Yến Hiệu Điền Đoan Gấm Hường Khuê Lê Loan Nhạn Thụy Lễ Thiện Đạo"
)


@cache
def _by_fold(first: bool) -> dict[str, tuple[str, ...]]:
    out: dict[str, list[str]] = {}
    for name in (FAMILY if first else GIVEN):
        forms = out.setdefault(strip_diacritics(name).lower(), [])
        if name not in forms:
            forms.append(name)
    return {k: tuple(v) for k, v in out.items()}


#: Given names ranked beyond this are rare enough not to be offered as another reading.
COMMON = 100


def alternatives(forms: tuple[str, ...]) -> list[str]:
    """The other listed forms worth offering (the common ones)."""
    rank = {name: n for n, name in enumerate(GIVEN)}
    return [f for f in forms[1:3] if rank.get(f, 0) < COMMON]


def listed(folded: str, first: bool) -> tuple[str, ...]:
    """The listed forms of a name syllable typed without marks (family names for the first syllable)."""
    return _by_fold(first).get(folded) or _by_fold(not first).get(folded, ())
