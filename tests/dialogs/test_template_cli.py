"""``reportbot template check|show`` through the real Typer application."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from bot.cli import app
from dialogs.template.loader import check_template, load_shipped, shipped_templates

BROKEN = Path(__file__).parent / "broken_templates"
runner = CliRunner()


def test_check_passes_the_shipped_template_by_name_and_by_path() -> None:
    t = load_shipped()
    for arg in ("tdkt_5nam_2021_2025", str(shipped_templates()[0])):
        result = runner.invoke(app, ["template", "check", arg])
        assert result.exit_code == 0, result.output
        lines = result.output.strip().splitlines()
        assert len(lines) == 1
        assert f"{len(t.all_sections())} mục" in lines[0] and f"{len(t.fields())} trường" in lines[0]


def test_check_prints_every_issue_located_and_exits_1() -> None:
    path = BROKEN / "many_problems.yaml"
    result = runner.invoke(app, ["template", "check", str(path)])
    assert result.exit_code == 1
    issues = check_template(path)
    lines = result.output.strip().splitlines()
    assert lines[:-1] == [str(i) for i in issues]
    assert lines[-1].endswith(f"{len(issues)} lỗi.")
    assert all(line.startswith(f"{path}:") for line in lines[:-1])


def test_check_of_a_yaml_syntax_error_names_the_line() -> None:
    path = BROKEN / "t101_yaml_syntax.yaml"
    result = runner.invoke(app, ["template", "check", str(path)])
    assert result.exit_code == 1
    assert result.output.startswith(f"{path}:13: T101 ")


def test_missing_file_is_one_sentence_and_exit_1(tmp_path: Path) -> None:
    for command in ("check", "show"):
        result = runner.invoke(app, ["template", command, str(tmp_path / "khong_co.yaml")])
        assert result.exit_code == 1
        assert "Traceback" not in result.output
        assert "khong_co.yaml" in result.output and "tdkt_5nam_2021_2025" in result.output
        assert len(result.output.strip().splitlines()) == 1


def test_show_prints_the_outline_in_asking_order() -> None:
    result = runner.invoke(app, ["template", "show", "tdkt_5nam_2021_2025"])
    assert result.exit_code == 0, result.output
    out = result.output
    t = load_shipped()
    positions = [out.index(f"- {f.id}  {f.type}") for f in t.fields()]
    assert positions == sorted(positions)
    assert "  2. Kết quả cụ thể\n" in out
    assert "- so_ca_nhan  integer *" in out          # required mark
    assert "- ke_hoach_xhht  docref\n" in out        # optional: no mark
    assert "        - ho_ten  text *" in out         # group columns indented under the group


def test_show_json_has_exactly_the_design_shape() -> None:
    result = runner.invoke(app, ["template", "show", "tdkt_5nam_2021_2025", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert set(data) == {"sections", "fields"}
    t = load_shipped()
    assert [s["path"] for s in data["sections"]] == [s.path for s in t.all_sections()]
    assert all(set(s) == {"number", "path", "title"} for s in data["sections"])
    assert [f["id"] for f in data["fields"]] == [f.id for f in t.fields()]
    for item in data["fields"]:
        keys = {"id", "type", "required", "section", "prompt"}
        assert set(item) in (keys, keys | {"options"})
    cap = next(f for f in data["fields"] if f["id"] == "cap_khen_thuong")
    assert cap["section"] == "IV.2" and cap["required"] is True
    assert {"value": "ubnd_cap_huyen", "label": "UBND cấp huyện"} in cap["options"]


def test_show_of_a_broken_template_lists_its_issues() -> None:
    result = runner.invoke(app, ["template", "show", str(BROKEN / "t303_unknown_type.yaml"), "--json"])
    assert result.exit_code == 1
    assert "T303" in result.output
