"""Benchmark the exporters: one unit report, and the compiled report of a national campaign.

    .venv/bin/python benchmarks/export.py            # 3,321 invited communes, 2,000 submitted
    .venv/bin/python benchmarks/export.py --quick    # 300 invited, 180 submitted (a smoke run)
    .venv/bin/python benchmarks/export.py --keep DIR # also keep the compiled files there to look at

Answers are synthetic but as long as sample 003's (≈17,000 characters of text per unit, two nominees each).
Each measurement runs in a fresh child process, so its peak memory (``ru_maxrss``) is its own. Printed:
time and peak memory of the compiled .docx (main report + annex), of the .xlsx, and of the PDF of the main
report, and the main report's page count (from the PDF). Targets (issue #11): main report ≤ 40 pages;
.docx + .xlsx ≤ 30 s and ≤ 1 GB; PDF ≤ 120 s, or a prompt, clear refusal with no process left behind.
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


def _prose(rng: random.Random, unit: UnitInfo, chars: int) -> str:
    """About ``chars`` characters of report prose in paragraphs, as a commune writes them."""
    lines, size = [], 0
    while size < chars:
        words = [rng.choice(WORDS) for _ in range(rng.randint(25, 70))]
        line = f"- Ủy ban nhân dân {unit.in_sentence} " + " ".join(words) + "."
        lines.append(line)
        size += len(line)
    return "\n".join(lines)


#: Sample 003 has ≈17,000 characters over the 13 text fields of the shipped template.
TEXT_CHARS = 17_000 // 13


def _nominees(rng: random.Random, unit: UnitInfo) -> list[dict[str, Any]]:
    first = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi"]
    middle = ["Thị", "Văn", "Minh", "Thu", "Đức", "Ngọc"]
    last = ["Hoa", "An", "Bình", "Lan", "Hùng", "Mai", "Tuấn", "Hà"]
    return [
        {"ho_ten": f"{rng.choice(first)} {rng.choice(middle)} {rng.choice(last)}", "doi_tuong": kind,
         "chuc_vu_don_vi": f"{'Học sinh lớp 9A' if kind == 'hoc_sinh' else 'Giáo viên'} Trường THCS {unit.bare_name}",
         "thanh_tich": " ".join(rng.choice(WORDS) for _ in range(rng.randint(20, 60)))}
        for kind in ("hoc_sinh", "giao_vien")
    ]


def _answer(field: Field, rng: random.Random, unit: UnitInfo) -> AnswerRecord | None:
    kind = field.type
    if kind == "text":
        return AnswerRecord("answered", _prose(rng, unit, TEXT_CHARS))
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
        return AnswerRecord("answered", True)
    if kind == "group":
        return AnswerRecord("answered", _nominees(rng, unit))
    if kind == "date":
        return AnswerRecord("answered", "2025-08-06")
    if kind == "docref":
        return AnswerRecord("answered", {"number": "337", "symbol": "KH-UBND", "kind": "Kế hoạch",
                                         "date": "2023-12-29"})
    return None  # files: none in the shipped template


def communes(count: int | None) -> list[UnitInfo]:
    """The communes of ``vietnam-provinces`` (all 3,321, or the first ``count``)."""
    from vietnam_provinces import Province, Ward

    provinces = {int(p.code): p.name for p in Province.iter_all()}
    wards = list(Ward.iter_all())[:count]
    return [UnitInfo(w.name, w.division_type.value, str(int(w.code)), provinces[int(w.province_code)])
            for w in wards]


def generated(template: Template, units: list[UnitInfo], submitted: int | None = None,
              seed: int = 3321) -> list[UnitStatus]:
    """Every unit with generated answers: ``submitted`` of them (default 95 %) report, 5 % of those late."""
    rng = random.Random(seed)
    fields = template.fields()
    count = round(len(units) * 0.95) if submitted is None else submitted
    reporting = set(rng.sample(range(len(units)), count))
    out = []
    deadline = datetime(2025, 8, 20, 17)
    for n, unit in enumerate(units):
        if n not in reporting:
            out.append(UnitStatus(unit, "missing"))
            continue
        answers = {f.id: a for f in fields if f.id != "ly_do_khong_gioi_thieu"
                   if (a := _answer(f, rng, unit)) is not None}
        answers["nguoi_ky"] = AnswerRecord("answered", "Nguyễn Văn An")
        late = rng.random() < 0.05
        when = deadline + timedelta(days=2) if late else deadline - timedelta(days=rng.randint(0, 10))
        out.append(UnitStatus(unit, "late" if late else "on_time", when, 1, answers))
    return out


# ---- what each child measures --------------------------------------------------------------------

def _pages(pdf: Path) -> int | None:
    """The page count of a PDF (pdfinfo), None when it cannot be read."""
    try:
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    return next((int(line.split()[-1]) for line in info.splitlines() if line.startswith("Pages:")), None)


def child(name: str, count: int | None, submitted: int | None, keep: str | None) -> dict[str, Any]:
    """Run one measurement in this process and return its figures."""
    from exporters.docx_compiled import write_compiled_docx
    from exporters.docx_unit import write_unit_docx
    from exporters.xlsx import write_compiled_xlsx

    template = load_shipped()
    units = generated(template, communes(count if name != "unit" else 50), submitted if name != "unit" else 40)
    reported = [u for u in units if u.status != "missing"]
    work = Path(keep) if keep else Path(tempfile.mkdtemp(prefix="reportbot-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    start = time.perf_counter()
    extra: dict[str, Any] = {}
    if name == "unit":
        for n in range(20):
            out = write_unit_docx(template, reported[n].unit, reported[n].answers, DocInfo(5, date(2025, 8, 6)),
                                  work / "unit.docx")
        extra["bytes"] = out.stat().st_size
    elif name == "docx":
        out = write_compiled_docx(template, CAMPAIGN, units, work / "tong-hop.docx", issued_on=date(2025, 8, 25),
                                  annex=work / "tong-hop-phu-luc.docx")
        extra["bytes"] = out.stat().st_size
        extra["annex_bytes"] = (work / "tong-hop-phu-luc.docx").stat().st_size
    elif name == "xlsx":
        out = write_compiled_xlsx(template, CAMPAIGN, units, work / "tong-hop.xlsx")
        extra["bytes"] = out.stat().st_size
    elif name == "pdf":
        from dialogs.errors import ExportError
        from exporters.pdf import convert_to_pdf

        docx = write_compiled_docx(template, CAMPAIGN, units, work / "tong-hop.docx", issued_on=date(2025, 8, 25))
        start = time.perf_counter()  # the conversion alone (the .docx is timed above)
        try:
            pdf = convert_to_pdf(docx, work / "tong-hop.pdf")
            extra["pages"] = _pages(pdf)
        except ExportError as refused:
            extra["refused"] = str(refused)
    elapsed = time.perf_counter() - start
    rss_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"name": name, "units": len(units), "submitted": len(reported),
            "seconds": elapsed / (20 if name == "unit" else 1), "rss_before_mib": rss_before,
            "rss_peak_mib": rss_peak, **extra}


def run_child(name: str, count: int | None, submitted: int | None, keep: str | None) -> dict[str, Any]:
    """Run :func:`child` in a fresh interpreter and read its JSON line."""
    command = [sys.executable, __file__, "--child", name]
    command += ["--count", str(count)] if count else []
    command += ["--submitted", str(submitted)] if submitted is not None else []
    command += ["--keep", keep] if keep else []
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def _soffice_left() -> int:
    """How many LibreOffice processes are running (none should be left by a conversion)."""
    found = subprocess.run(["pgrep", "-c", "soffice"], capture_output=True, text=True)
    return int(found.stdout.strip() or 0)


def main() -> None:
    """Parse arguments; as the parent, run every measurement and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="300 communes, 180 submitted")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--keep", help="keep the compiled files in this folder")
    parser.add_argument("--no-pdf", action="store_true", help="skip the PDF (no LibreOffice)")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--count", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--submitted", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.count, args.submitted, args.keep)))
        return
    count, submitted = (300, 180) if args.quick else (None, 2000)
    names = ["unit", "docx", "xlsx"] + ([] if args.no_pdf else ["pdf"])
    before = _soffice_left()
    results = [run_child(name, count, submitted, args.keep) for name in names]
    left = _soffice_left() - before
    if args.json:
        print(json.dumps({"results": results, "soffice_left": left}, indent=2))
        return
    print(f"{'measurement':<14}{'units':>7}{'submitted':>11}{'time (s)':>10}{'RSS peak MiB':>14}{'output KiB':>12}")
    for r in results:
        annex = f" + annex {r['annex_bytes'] / 1024:.0f}" if "annex_bytes" in r else ""
        size = f"{r.get('bytes', 0) / 1024:.0f}{annex}"
        units = 1 if r["name"] == "unit" else r["units"]
        print(f"{r['name']:<14}{units:>7}{r['submitted']:>11}{r['seconds']:>10.2f}{r['rss_peak_mib']:>14.0f}  {size}")
    by = {r["name"]: r for r in results}
    pair = by["docx"]["seconds"] + by["xlsx"]["seconds"]
    peak = max(by["docx"]["rss_peak_mib"], by["xlsx"]["rss_peak_mib"])
    print(f"targets: .docx + .xlsx {pair:.1f} s (≤ 30 s: {'ok' if pair <= 30 else 'MISSED'}), peak {peak:.0f} MiB "
          f"(≤ 1024: {'ok' if peak <= 1024 else 'MISSED'})")
    if "pdf" in by:
        pdf = by["pdf"]
        if "refused" in pdf:
            print(f"PDF refused after {pdf['seconds']:.1f} s: {pdf['refused']}")
        else:
            pages = pdf.get("pages")
            fast = "ok" if pdf["seconds"] <= 120 else "MISSED"
            short = "ok" if pages is not None and pages <= 40 else "MISSED"
            print(f"PDF of the main report {pdf['seconds']:.1f} s (≤ 120 s: {fast}); main report {pages} pages "
                  f"(≤ 40: {short})")
        print(f"LibreOffice processes left behind: {left}")


if __name__ == "__main__":
    main()
