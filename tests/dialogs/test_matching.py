"""Fuzzy matching: folded text, typo tolerance, no guessing between close candidates, unit names."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st
from vietnam_provinces import Ward

from dialogs.vietnamese.matching import Candidate, match, match_unit, prepare
from dialogs.vietnamese.text import normalize_tone

COMMANDS = [
    Candidate("review", ("xem lại", "xem lại báo cáo")),
    Candidate("edit", ("sửa", "sửa mục")),
    Candidate("back", ("quay lại",)),
    Candidate("skip", ("bỏ qua",)),
    Candidate("submit", ("nộp báo cáo", "nộp")),
    Candidate("help", ("trợ giúp",)),
]
WARDS = [w.name for w in Ward.iter_all()]


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("xem lai", "review"),
        ("XEM LẠI", "review"),
        ("Xem lại!", "review"),
        ("xemlai", "review"),
        ("quay lai", "back"),
        ("quay lia", "back"),
        ("bo qua", "skip"),
        ("nop bao cao", "submit"),
        ("nop bao ca", "submit"),
        ("nộp", "submit"),
        ("tro giup", "help"),
        ("trợ giíup", "help"),
    ],
)
def test_commands_match_folded_and_with_typos(text: str, key: str) -> None:
    found = match(text, COMMANDS)
    assert (found.kind, found.key) == ("one", key)


def test_nfd_input_matches_like_nfc() -> None:
    assert match(unicodedata.normalize("NFD", "Xem lại"), COMMANDS).key == "review"


@pytest.mark.parametrize("text", ["k", "ok", "xe", "no", "sx", "nọ"])
def test_short_inputs_never_match_fuzzily(text: str) -> None:
    assert match(text, COMMANDS).kind == "none"


def test_a_short_input_matches_an_exact_short_spelling() -> None:
    assert match("k", [Candidate("no", ("k", "không"))]).key == "no"


def test_two_close_candidates_are_both_named_not_guessed() -> None:
    cands = [Candidate("a", ("báo cáo quý",)), Candidate("b", ("báo cáo quí",))]
    assert match("bao cao quy", cands).key == "a"  # an exact folded spelling is no guess
    found = match("bao cao qu", cands)
    assert found.kind == "ambiguous" and set(found.keys) == {"a", "b"}
    close = [Candidate("a", ("thi đua khen thưởng",)), Candidate("b", ("thi đua khen thuởng",))]
    assert match("thi dua khen thuong", close).kind == "ambiguous"
    near = [Candidate("x", ("kế hoạch năm",)), Candidate("y", ("kế hoạch tháng",))]
    assert match("ke hoach nam", near).key == "x"


def test_diacritics_typed_in_full_break_a_folded_tie() -> None:
    cands = [Candidate("dong", ("Thôn Đông",)), Candidate("dong2", ("Thôn Đồng",))]
    assert match("thon dong", cands).kind == "ambiguous"
    assert match("Thôn Đồng", cands).key == "dong2"
    assert match("THÔN ĐÔNG", cands).key == "dong"


def test_a_sentence_is_not_a_command() -> None:
    assert match("Ủy ban đã ban hành kế hoạch thi đua hằng năm và tổ chức ký cam kết", COMMANDS).kind == "none"


def test_cutoff_and_margin_are_parameters() -> None:
    assert match("xem lia bao", COMMANDS, cutoff=99).kind == "none"
    assert match("xem lai", COMMANDS, cutoff=50, margin=0.1).key == "review"


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("khuc thua du", "Xã Khúc Thừa Dụ"),
        ("Khúc Thừa Dụ", "Xã Khúc Thừa Dụ"),
        ("xa khuc thua du", "Xã Khúc Thừa Dụ"),
        ("khuc thua duu", "Xã Khúc Thừa Dụ"),
        ("Kiến Thuỵ", "Xã Kiến Thụy"),
        ("kien thuy", "Xã Kiến Thụy"),
        ("Xã Kiến Thụy", "Xã Kiến Thụy"),
        ("kien thuyy", "Xã Kiến Thụy"),
        ("hoan kiem", "Phường Hoàn Kiếm"),
        ("phuong hoan kiem", "Phường Hoàn Kiếm"),
    ],
)
def test_unit_names_among_every_commune_of_the_country(text: str, name: str) -> None:
    found = match_unit(text, WARDS)
    assert (found.kind, found.key) == ("one", name)


def test_a_unit_name_shared_by_a_xa_and_a_phuong_needs_the_type_word() -> None:
    found = match_unit("an phu", WARDS)
    assert found.kind == "ambiguous" and set(found.keys) == {"Xã An Phú", "Phường An Phú"}
    assert match_unit("xa an phu", WARDS).key == "Xã An Phú"
    assert match_unit("phường An Phú", WARDS).key == "Phường An Phú"


def test_unknown_and_tiny_unit_inputs_match_nothing() -> None:
    assert match_unit("thuy", WARDS).kind == "none"
    assert match_unit("x", WARDS).kind == "none"
    assert match_unit("", WARDS).kind == "none"


def test_tone_placement_is_normalised_both_ways() -> None:
    assert normalize_tone("Thuỵ Hoà Uỷ khoẻ") == "Thụy Hòa Ủy khỏe"
    assert normalize_tone("Thụy Hòa Ủy khỏe", style="modern") == "Thuỵ Hoà Uỷ khoẻ"
    assert normalize_tone("quý thuyền hoàng Quỳnh") == "quý thuyền hoàng Quỳnh"
    with pytest.raises(ValueError):
        normalize_tone("x", style="other")


@given(st.text(max_size=200))
def test_random_text_never_crashes_the_matcher(text: str) -> None:
    found = match(text, COMMANDS)
    assert found.kind in ("one", "ambiguous", "none")
    assert (found.key is not None) == (found.kind == "one")
    unit = match_unit(text, WARDS[:200])
    assert unit.kind in ("one", "ambiguous", "none")


@given(st.sampled_from(WARDS))
def test_every_ward_name_matches_itself(name: str) -> None:
    # Communes of different provinces may share a name ("Xã Hoà An", "Xã Hòa An"): then all are named.
    found = match_unit(name, WARDS)
    assert name in found.keys
    assert all(prepare(normalize_tone(k))[0] == prepare(normalize_tone(name))[0] for k in found.keys)
