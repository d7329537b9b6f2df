"""Benchmark the exporters: one unit report, and the compiled pair (.docx + .xlsx) of every commune.

    .venv/bin/python benchmarks/export.py            # all 3,321 communes of vietnam-provinces
    .venv/bin/python benchmarks/export.py --quick    # 300 communes, fewer repeats (a smoke run)

Each measurement runs in a fresh child process, so its peak memory (``ru_maxrss``) is its own; the
baseline in the same run is python-docx writing the same text as plain paragraphs (no layout, no
tables), which is the floor any .docx writer built on python-docx starts from.
Targets (issue #3): ≤ 0.2 s per unit report; ≤ 30 s and ≤ 1 GB for the 3,321-unit pair.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from dialogs.answers import AnswerRecord  # noqa: E402  (after the sys.path line)
from dialogs.template.loader import load_shipped  # noqa: E402  (after the sys.path line)
from dialogs.template.model import Field, Template  # noqa: E402  (after the sys.path line)
from exporters.model import CampaignInfo, DocInfo, UnitInfo, UnitStatus  # noqa: E402  (after the sys.path line)

_PROSE = (
    "phong trào thi đua yêu nước được triển khai sâu rộng trong các trường học, thôn, đơn vị sự nghiệp; "
    "công tác khen thưởng kịp thời, đúng người, đúng thành tích; tuyên truyền trên trang thông tin điện tử "
    "và đài truyền thanh xã; nhân rộng điển hình tiên tiến, gương người tốt, việc tốt"
)
WORDS = _PROSE.split()
CAMPAIGN = CampaignInfo("bench", "Tổng kết thi đua, khen thưởng 5 năm (2021 - 2025)", datetime(2025, 8, 20, 17),
                        "Sở Giáo dục và Đào tạo", "UBND thành phố Hải Phòng", datetime(2025, 8, 5, 8))


def _prose(rng: random.Random, unit: UnitInfo) -> str:
    lines = []
    for _ in range(rng.randint(1, 4)):
        words = [rng.choice(WORDS) for _ in range(rng.randint(25, 70))]
        lines.append(f"- Ủy ban nhân dân {unit.in_sentence} " + " ".join(words) + ".")
    return "\n".join(lines)


def _answer(field: Field, rng: random.Random, unit: UnitInfo) -> AnswerRecord | None:
    kind = field.type
    if kind == "text":
        return AnswerRecord("answered", _prose(rng, unit))
    if kind == "integer":
        return AnswerRecord("answered", rng.randint(5, 900), approximate=rng.random() < 0.3, qualifier="hơn")
    if kind == "money":
        return AnswerRecord("answered", rng.randint(10, 900) * 1_000_000)
    if kind in ("decimal", "percent"):
        return AnswerRecord("answered", round(rng.uniform(10, 99), 1))
    if kind == "choice":
        return AnswerRecord("answered", field.options[0].value)
    if kind == "multichoice":
        return AnswerRecord("answered", [o.value for o in field.options[:2]])
    if kind == "yesno":
        return AnswerRecord("answered", False)
    if kind == "date":
        return AnswerRecord("answered", "2025-08-06")
    if kind == "docref":
        return AnswerRecord("answered", {"number": "337", "symbol": "KH-UBND", "kind": "Kế hoạch",
                                         "date": "2023-12-29"})
    return None  # groups and files: conditional in the shipped template, left unanswered


def communes(count: int | None) -> list[UnitInfo]:
    """The communes of ``vietnam-provinces`` (all 3,321, or the first ``count``)."""
    from vietnam_provinces import Province, Ward

    provinces = {int(p.code): p.name for p in Province.iter_all()}
    wards = list(Ward.iter_all())[:count]
    return [UnitInfo(w.name, w.division_type.value, str(int(w.code)), provinces[int(w.province_code)])
            for w in wards]


def generated(template: Template, units: list[UnitInfo], seed: int = 3321) -> list[UnitStatus]:
    """Every unit with generated answers: 90 % on time, 5 % late, 5 % missing."""
    rng = random.Random(seed)
    fields = template.fields()
    out = []
    deadline = datetime(2025, 8, 20, 17)
    for unit in units:
        roll = rng.random()
        if roll < 0.05:
            out.append(UnitStatus(unit, "missing"))
            continue
        answers = {f.id: a for f in fields if f.when is None or f.id == "ly_do_khong_gioi_thieu"
                   if (a := _answer(f, rng, unit)) is not None}
        answers["nguoi_ky"] = AnswerRecord("answered", "Nguyễn Văn An")
        late = roll < 0.10
        submitted = deadline + timedelta(days=2) if late else deadline - timedelta(days=rng.randint(0, 10))
        out.append(UnitStatus(unit, "late" if late else "on_time", submitted, 1, answers))
    return out


# ---- what each child measures --------------------------------------------------------------------

def _plain_docx(lines: list[str], path: Path) -> None:
    import docx

    document = docx.Document()
    for line in lines:
        document.add_paragraph(line)
    document.save(str(path))


def _unit_lines(template: Template, status: UnitStatus) -> list[str]:
    from exporters.compose import Paragraph, Table, compose_unit

    report = compose_unit(template, status.unit, status.answers, DocInfo(5, date(2025, 8, 6)))
    lines = [*report.letterhead.agency_lines, report.letterhead.number_line, report.letterhead.place_date,
             report.kind, report.subject, *report.recipients]
    for block in report.body:
        if isinstance(block, Table):
            lines += ["\t".join(row) for row in block.rows]
        else:
            lines.append(block.lead + block.text if isinstance(block, Paragraph) else block.text)
    return [*lines, *report.noi_nhan, *report.signer_lines, report.signer_name]


def _compiled_lines(template: Template, units: list[UnitStatus]) -> list[str]:
    from exporters.compose import Paragraph, Table
    from exporters.compose_compiled import compose_compiled

    report = compose_compiled(template, CAMPAIGN, units, issued_on=date(2025, 8, 25))
    lines = [report.letterhead.parent, *report.letterhead.agency_lines, report.kind, report.subject,
             report.opening.text, *(p.text for p in report.rate_paragraphs), "\t".join(report.figure_columns)]
    lines += ["\t".join(row) for row in report.figure_rows]
    for block in report.digest:
        if isinstance(block, Table):
            lines += ["\t".join(row) for row in block.rows]
        else:
            lines.append((block.lead if isinstance(block, Paragraph) else "") + block.text)
    return lines + ["\t".join(row) for row in report.missing]


def child(name: str, count: int | None, repeat: int, trace: bool) -> dict[str, Any]:
    """Run one measurement in this process and return its figures."""
    from exporters.docx_compiled import write_compiled_docx
    from exporters.docx_unit import write_unit_docx
    from exporters.xlsx import write_compiled_xlsx

    template = load_shipped()
    units = generated(template, communes(count if name.startswith("compiled") else 50))
    reported = [u for u in units if u.status != "missing"]
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    work = Path(tempfile.mkdtemp(prefix="reportbot-bench-"))
    if trace:
        tracemalloc.start()
    start = time.perf_counter()
    size = 0
    if name == "unit":
        for n in range(repeat):
            out = write_unit_docx(template, reported[n % len(reported)].unit, reported[n % len(reported)].answers,
                                  DocInfo(5, date(2025, 8, 6)), work / "unit.docx")
        size = out.stat().st_size
    elif name == "unit_baseline":
        for n in range(repeat):
            _plain_docx(_unit_lines(template, reported[n % len(reported)]), work / "plain.docx")
        size = (work / "plain.docx").stat().st_size
    elif name == "compiled":
        docx_path = write_compiled_docx(template, CAMPAIGN, units, work / "compiled.docx", issued_on=date(2025, 8, 25))
        xlsx_path = write_compiled_xlsx(template, CAMPAIGN, units, work / "compiled.xlsx")
        size = docx_path.stat().st_size + xlsx_path.stat().st_size
    elif name == "compiled_baseline":
        _plain_docx(_compiled_lines(template, units), work / "plain.docx")
        size = (work / "plain.docx").stat().st_size
    elapsed = time.perf_counter() - start
    traced = tracemalloc.get_traced_memory()[1] / 2**20 if trace else None
    rss_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"name": name, "units": len(units), "repeat": repeat, "seconds": elapsed / repeat,
            "rss_before_mib": rss_before, "rss_peak_mib": rss_peak, "traced_peak_mib": traced, "bytes": size}


def run_child(name: str, count: int | None, repeat: int, trace: bool, timeout: float | None = None) -> dict[str, Any]:
    """Run :func:`child` in a fresh interpreter and read its JSON line (``seconds`` None after ``timeout``)."""
    command = [sys.executable, __file__, "--child", name, "--repeat", str(repeat)]
    command += ["--count", str(count)] if count else []
    command += ["--tracemalloc"] if trace else []
    try:
        done = subprocess.run(command, capture_output=True, text=True, check=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"name": name, "units": count or 3321, "repeat": repeat, "seconds": None, "rss_before_mib": None,
                "rss_peak_mib": None, "traced_peak_mib": None, "bytes": 0, "timeout": timeout}
    return json.loads(done.stdout.strip().splitlines()[-1])


def _row(r: dict[str, Any]) -> str:
    units = 1 if r["name"].startswith("unit") else r["units"]
    if r["seconds"] is None:
        return f"{r['name']:<22}{units:>7}{'> ' + str(int(r['timeout'])):>11}{'(stopped)':>14}"
    heap = f"{r['traced_peak_mib']:.0f}" if r["traced_peak_mib"] is not None else "-"
    return (f"{r['name']:<22}{units:>7}{r['seconds']:>11.3f}{r['rss_peak_mib']:>14.0f}{r['rss_before_mib']:>12.0f}"
            f"{heap:>15}{r['bytes'] / 1024:>12.0f}")


def main() -> None:
    """Parse arguments; as the parent, run every measurement and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="300 communes and fewer repeats")
    parser.add_argument("--tracemalloc", action="store_true", help="also report Python heap peaks (slower)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--baseline-timeout", type=float, default=300.0,
                        help="stop the full-size baseline after this many seconds (default 300)")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--count", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--repeat", type=int, default=1, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.count, args.repeat, args.tracemalloc)))
        return
    count, repeat = (300, 10) if args.quick else (None, 40)
    results = [run_child("unit", None, repeat, args.tracemalloc),
               run_child("unit_baseline", None, repeat, args.tracemalloc)]
    if not args.quick:
        # Like for like at a size the baseline finishes quickly; python-docx's add_paragraph is quadratic
        # (each call scans the body for its final sectPr), so at 3,321 units it runs for many minutes.
        results += [run_child("compiled", 1000, 1, args.tracemalloc),
                    run_child("compiled_baseline", 1000, 1, args.tracemalloc)]
    results += [run_child("compiled", count, 1, args.tracemalloc),
                run_child("compiled_baseline", count, 1, args.tracemalloc, timeout=args.baseline_timeout)]
    if args.json:
        print(json.dumps(results, indent=2))
        return
    print(f"{'measurement':<22}{'units':>7}{'time (s)':>11}{'RSS peak MiB':>14}{'RSS before':>12}"
          f"{'heap peak MiB':>15}{'output KiB':>12}")
    for r in results:
        print(_row(r))
    unit, compiled = results[0], results[-2]
    print(f"targets: unit report {unit['seconds']:.3f} s (≤ 0.2 s: {'ok' if unit['seconds'] <= 0.2 else 'MISSED'}); "
          f"compiled pair of {compiled['units']} units {compiled['seconds']:.1f} s "
          f"(≤ 30 s: {'ok' if compiled['seconds'] <= 30 else 'MISSED'}), "
          f"{compiled['rss_peak_mib']:.0f} MiB (≤ 1024: {'ok' if compiled['rss_peak_mib'] <= 1024 else 'MISSED'})")


if __name__ == "__main__":
    main()
