"""What users type to steer the conversation: slash commands, buttons and plain text, with or without diacritics.

>>> recognise("xem lai")
Command(name='review', arg='')
>>> recognise("Sửa mục 3")
Command(name='edit', arg='3')
>>> recognise("sua IV.2")
Command(name='edit', arg='IV.2')
>>> recognise("/nop")
Command(name='submit', arg='')
>>> recognise("nop bao cao")
Command(name='submit', arg='')
>>> recognise("quay lia")
Command(name='back', arg='')
>>> recognise("Ủy ban đã ban hành kế hoạch thi đua hằng năm") is None
True
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz.distance import OSA

from dialogs.vietnamese.matching import Candidate, match
from dialogs.vietnamese.text import fold

#: command name → spellings (folded on use). The first spelling is the one shown to users.
SPELLINGS: dict[str, tuple[str, ...]] = {
    "review": ("xem lại", "xem lai", "xem", "tóm tắt", "xem lại báo cáo", "kiểm tra"),
    "edit": ("sửa", "sua", "chỉnh sửa", "sửa lại", "sửa mục"),
    "back": ("quay lại", "quay lai", "trở lại", "lùi lại", "câu trước"),
    "skip": ("bỏ qua", "bo qua", "bỏ qua mục này"),
    "later": ("để sau", "de sau", "trả lời sau", "bỏ qua tạm"),
    "pause": ("tạm dừng", "tam dung", "dừng lại", "tạm nghỉ", "lúc khác"),
    "resume": ("tiếp tục", "tiep tuc", "báo cáo", "làm tiếp", "bắt đầu"),
    "none": ("không có", "khong co", "ko co", "k co", "kc", "không có gì"),
    "done": ("xong", "xong rồi", "hết", "het", "đã xong", "done"),
    "submit": ("nộp", "nop", "nộp báo cáo", "gửi báo cáo", "nộp bài"),
    "help": ("trợ giúp", "tro giup", "hướng dẫn", "help", "giúp", "?"),
    "contact": ("liên hệ sở", "lien he so", "liên hệ", "gọi sở", "hỏi sở"),
    "cancel": ("hủy", "huỷ", "thôi", "không nộp"),
    "keep": ("giữ nguyên", "giu nguyen", "giữ", "không sửa"),
    "confirm": ("đồng ý", "dong y", "xác nhận", "xac nhan", "đồng ý nộp"),
    "progress": ("tiến độ", "tien do"),
    "compile": ("tổng hợp", "tong hop"),
    "redo": ("làm lại", "lam lai", "viết lại", "viet lai", "xóa đi", "xoa di"),
    "append": ("viết tiếp", "viet tiep", "thêm tiếp", "them tiep", "viết thêm"),
    "link": ("liên kết kênh", "lien ket kenh", "nối kênh", "noi kenh"),
}

#: slash commands (Telegram menu, typed on any channel) → command name.
SLASH: dict[str, str] = {
    "start": "start",
    "baocao": "resume",
    "xemlai": "review",
    "sua": "edit",
    "nop": "submit",
    "tiendo": "progress",
    "tonghop": "compile",
    "trogiup": "help",
    "help": "help",
    "boqua": "skip",
    "quaylai": "back",
    "tamdung": "pause",
    "khongco": "none",
    "xong": "done",
    "lienket": "link",
}

_EDIT_PREFIX = re.compile(r"^(?:chinh sua|sua lai|sua|chinh)\s+(?:muc|cau|phan|so)?\s*(?P<arg>.+)$")
_DELETE = re.compile(r"^xoa\s+(?:muc|nguoi|so|ban ghi)?\s*(?:thu\s+)?(?P<n>\d+)$")
_SLASH = re.compile(r"^/(?P<name>[a-zA-Z_]+)(?:@\S+)?(?:\s+(?P<arg>.*))?$", re.S)
_CANDIDATES = tuple(Candidate(name, tuple(fold(s) for s in spellings)) for name, spellings in SPELLINGS.items())
#: The longest command is a few words; anything longer is an answer, never a command.
_MAX_WORDS = 4


@dataclass(frozen=True)
class Command:
    """A recognised command and its argument (``sửa IV.2`` → ``Command("edit", "IV.2")``)."""

    name: str
    arg: str = ""


@lru_cache(maxsize=4096)
def recognise(text: str) -> Command | None:
    """The command ``text`` asks for, or None if it reads as an answer (cached: a turn asks several times)."""
    stripped = text.strip()
    if stripped in ("?", "？", "??"):
        return Command("help")
    slash = _SLASH.match(stripped)
    if slash:
        name = SLASH.get(slash.group("name").lower())
        return Command(name, (slash.group("arg") or "").strip()) if name else Command("unknown", stripped)
    if len(stripped.split(maxsplit=_MAX_WORDS)) > _MAX_WORDS:  # a sentence: not folded (folding keeps the words)
        return None
    folded = fold(stripped)
    if not folded or len(folded.split()) > _MAX_WORDS:
        return None
    edit = _EDIT_PREFIX.match(folded)
    if edit:
        return Command("edit", _edit_arg(stripped))
    delete = _DELETE.match(folded)
    if delete:
        return Command("delete", delete.group("n"))
    found = match(folded, _CANDIDATES)
    if found.kind == "one" and found.key is not None:
        return Command(found.key)
    return None


#: Commands a one-word message may be a typo of, by their one-word spelling.
_NEAR = {"xong": "done", "nop": "submit"}


def near(text: str) -> Command | None:
    """The command a one-word message is one typo away from ("xog", "xnog", "nopp"), to ask back about.

    >>> near("xog"), near("nopp"), near("xong"), near("Đơn vị tốt")
    (Command(name='done', arg=''), Command(name='submit', arg=''), None, None)
    """
    if len(text.split(maxsplit=1)) != 1:  # not one word (checked before folding a paragraph)
        return None
    folded = fold(text)
    if " " in folded or len(folded) < 3 or recognise(text) is not None:
        return None
    for word, name in _NEAR.items():
        if OSA.distance(folded, word) == 1:
            return Command(name)
    return None


def _edit_arg(original: str) -> str:
    """The argument of an edit command, with the user's own spelling (``sửa mục IV.2`` → ``IV.2``)."""
    words = original.split()
    rest = words[1:]
    if words and fold(words[0]) == "chinh" and rest and fold(rest[0]) == "sua":
        rest = rest[1:]
    if words and fold(words[0]) == "sua" and rest and fold(rest[0]) == "lai":
        rest = rest[1:]
    # "mục", "câu", "phần" always introduce the target; "số" only before a number ("sửa số 3", but
    # "sửa số tiền" names the field "số tiền").
    if rest and len(rest) > 1 and (fold(rest[0]) in {"muc", "cau", "phan"}
                                   or (fold(rest[0]) == "so" and _NUMBERED.match(fold(rest[1])))):
        rest = rest[1:]
    return " ".join(rest)


_NUMBERED = re.compile(r"^(?:\d+|[ivxlc]+)(?:[.)]\S*)?$")


def label(name: str) -> str:
    """The spelling shown to users for command ``name`` ("xem lại")."""
    return SPELLINGS[name][0]
