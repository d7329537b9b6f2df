"""Prints how many inputs each fuzz suite ran at the end of the session (CI shows the figures).

A test calls :func:`tests.fuzz.cases.count` (``count("engine", n)``); the summary lists every suite.
"""

from __future__ import annotations

import pytest

from tests.fuzz.cases import CASES


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if CASES:
        terminalreporter.write_sep("-", "fuzz cases run")
        for suite, n in sorted(CASES.items()):
            terminalreporter.write_line(f"{suite}: {n:,} inputs")
