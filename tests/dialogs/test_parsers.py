"""The answer corpus (tests/corpus/answers.tsv): every line parsed through the one registry."""

from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from dialogs.fields import Choice, ParseSpec, parse, types

CORPUS = Path(__file__).resolve().parents[1] / "corpus" / "answers.tsv"
TODAY = date(2025, 8, 6)


@dataclass(frozen=True)
class Case:
    """One corpus line."""

    line: int
    type: str
    text: str
    expected: dict[str, Any]
    spec: dict[str, Any]


def load_corpus(path: Path = CORPUS) -> list[Case]:
    """Every case of the corpus file, with its line number."""
    cases = []
    for n, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not raw.strip() or raw.startswith("#"):
            continue
        cols = raw.split("\t")
        assert len(cols) in (3, 4), f"line {n}: expected 3 or 4 tab-separated columns, got {len(cols)}"
        spec = json.loads(cols[3]) if len(cols) == 4 else {}
        cases.append(Case(n, cols[0], cols[1].replace("\\n", "\n"), json.loads(cols[2]), spec))
    return cases


def build(case: Case) -> tuple[str, ParseSpec, date]:
    """The text, spec and today a case describes."""
    spec = dict(case.spec)
    today = date.fromisoformat(spec.pop("today", TODAY.isoformat()))
    text = unicodedata.normalize("NFD", case.text) if spec.pop("nfd", False) else case.text
    options = tuple(Choice(o[0], o[1], tuple(o[2:])) for o in spec.pop("options", []))
    return text, ParseSpec(options=options, **spec), today


CASES = load_corpus()


def test_the_corpus_is_big_and_covers_every_type() -> None:
    assert len(CASES) >= 300
    assert {c.type for c in CASES} == set(types())
    for kind in ("value", "ask", "error"):
        assert any(kind in c.expected for c in CASES if c.type in ("integer", "money", "date"))


@pytest.mark.parametrize("case", CASES, ids=[f"{c.line}:{c.type}:{c.text[:30]}" for c in CASES])
def test_corpus(case: Case) -> None:
    text, spec, today = build(case)
    result = parse(case.type, text, spec, today)
    exp = case.expected
    got = json.dumps(result.to_json(), ensure_ascii=False)
    if "value" in exp:
        assert result.ok, f"line {case.line}: {got}"
        assert isinstance(result.value, bool) == isinstance(exp["value"], bool), f"line {case.line}: {got}"
        assert result.value == exp["value"], f"line {case.line}: {got}"
        if "display" in exp:
            assert result.display == exp["display"], f"line {case.line}: {got}"
        assert result.qualifier == exp.get("qualifier", ""), f"line {case.line}: {got}"
        assert result.approximate == bool(exp.get("qualifier")), f"line {case.line}: {got}"
    elif "ask" in exp:
        assert not result.ok and result.ask, f"line {case.line}: {got}"
        assert result.code == exp["ask"], f"line {case.line}: {got}"
        if "choices" in exp:
            assert [c.value for c in result.choices] == exp["choices"], f"line {case.line}: {got}"
    else:
        assert not result.ok and result.error and not result.ask, f"line {case.line}: {got}"
        assert result.code == exp["error"], f"line {case.line}: {got}"
