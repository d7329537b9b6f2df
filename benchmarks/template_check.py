"""Benchmark: ``template check`` on generated templates of 1,000 to 20,000 fields, and on hostile files.

Prints CPU seconds per check (the best of ``--rounds``), first as reportbot checks (a template of more than
2,000 fields is refused with T316, one over 2 MB with T112, before the work is done), then with the limits
lifted, to show that the checks themselves are linear in the number of fields (they were quadratic:
20,000 fields took 82 s). Then the hostile files of the issue: an alias bomb, a 50 MB file, a catastrophic
pattern against its example and against an answer.

Run: ``.venv/bin/python benchmarks/template_check.py [--rounds 3]``.
"""

from __future__ import annotations

import argparse
import gc
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "dialogs"))

from test_template_limits import alias_bomb, big_template  # noqa: E402

from dialogs.conversation.checks import check_answer  # noqa: E402
from dialogs.template import checks, loader  # noqa: E402
from dialogs.template.loader import check_template, check_text  # noqa: E402
from dialogs.template.model import Field  # noqa: E402

SIZES = (1_000, 2_000, 5_000, 20_000)


def best(fn: Callable[[], object], rounds: int) -> float:
    """The least CPU time of ``rounds`` calls of ``fn``, in seconds."""
    times = []
    for _ in range(rounds):
        start = time.process_time()
        fn()
        times.append(time.process_time() - start)
    return min(times)


def lifted() -> None:
    """Lift the limits (for this process only) to time the checks on any number of fields."""
    loader.MAX_BYTES = loader.MAX_NODES = loader.MAX_SECTIONS = checks.MAX_FIELDS = 10**9


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    rounds = parser.parse_args().rounds
    texts = {n: big_template(n) for n in SIZES}

    print("template check, as reportbot checks (limits: 2 MB, 2,000 fields)")
    for n, text in texts.items():
        codes = sorted({i.code for i in check_text(text)}) or ["OK"]
        seconds = best(lambda text=text: check_text(text), rounds)
        print(f"  {n:>6,} fields  {len(text) / 1e6:5.2f} MB  {seconds:6.3f} s  {' '.join(codes)}")

    with tempfile.TemporaryDirectory() as folder:
        huge = Path(folder) / "50mb.yaml"
        with huge.open("wb") as f:
            f.truncate(50 * 1024 * 1024)
        bomb = alias_bomb(9)
        catastrophic = big_template(4).replace("pattern: '[^0-9]+'", "pattern: '(a+)+$'").replace(
            "example: Nguyễn Đình Biểu", "example: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaab")
        field = Field(id="ma", type="text", prompt="Mã?", pattern="(a+)+$")
        print("hostile files")
        for name, fn in [
            (f"alias bomb ({len(bomb)} bytes, 9^10 sections)", lambda: check_text(bomb)),
            ("50 MB file", lambda: check_template(huge)),
            ("pattern (a+)+$, 31-letter example", lambda: check_text(catastrophic)),
            ("pattern (a+)+$, one answer of 31 letters", lambda: check_answer(field, "a" * 30 + "b", {})),
            ("pattern (a+)+$, one answer of 10,000 letters", lambda: check_answer(field, "a" * 9_999 + "b", {})),
        ]:
            print(f"  {name:<46} {best(fn, rounds):8.4f} s")

    lifted()
    print("template check, limits lifted (the checks alone; then with Python's garbage collector off, which")
    print("otherwise walks the whole composed YAML tree now and then)")
    base: dict[bool, float] = {}
    for n, text in texts.items():
        row = []
        for gc_off in (False, True):
            if gc_off:
                gc.disable()
            seconds = best(lambda text=text: check_text(text), rounds)
            gc.enable()
            base.setdefault(gc_off, seconds / n)
            row.append(f"{seconds:6.3f} s  {seconds / n * 1e6:5.1f} µs/field (×{seconds / n / base[gc_off]:4.2f})")
        print(f"  {n:>6,} fields  " + "   gc off: ".join(row))


if __name__ == "__main__":
    main()
