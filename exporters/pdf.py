"""PDF through LibreOffice headless: ``convert_to_pdf(docx_path, pdf_path)``.

Each conversion runs ``soffice`` with its own throw-away profile directory, so conversions may run
side by side and never touch the user's LibreOffice settings. Times New Roman is drawn with Liberation
Serif (metric-compatible, aliased by fontconfig) where Microsoft's font is not installed.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path

from dialogs.errors import ExportError
from dialogs.messages import t

#: Program names LibreOffice installs under, in the order they are tried.
SOFFICE_NAMES = ("soffice", "libreoffice")
#: LibreOffice gets this long, then its whole process group is killed and the export refused (the .docx is the
#: alternative): under the 120 s a department waits for a PDF.
TIMEOUT_S = 110


def find_soffice() -> str | None:
    """The LibreOffice executable on ``PATH`` (or ``REPORTBOT_SOFFICE``), or None."""
    configured = os.environ.get("REPORTBOT_SOFFICE")
    if configured:
        return configured if Path(configured).exists() else shutil.which(configured)
    return next((found for name in SOFFICE_NAMES if (found := shutil.which(name))), None)


def _soffice() -> str:
    soffice = find_soffice()
    if soffice is None:
        raise ExportError(
            t("export.no_libreoffice") + " / Cannot export PDF: LibreOffice (soffice) is not installed; "
            "install libreoffice-writer (Debian: apt-get install libreoffice-writer-nogui) or export .docx."
        )
    return soffice


def _run(command: list[str], timeout: float | None = None) -> subprocess.CompletedProcess[str]:
    """Run LibreOffice in a process group of its own; past ``timeout`` seconds (:data:`TIMEOUT_S` when None)
    the whole group is killed (its ``soffice.bin`` child included), never left running."""
    timeout = TIMEOUT_S if timeout is None else timeout
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               start_new_session=True)
    try:
        out, err = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired as exc:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        raise ExportError(t("export.pdf_too_slow", seconds=round(timeout))
                          + f" / LibreOffice took longer than {timeout:g} s and was stopped") from exc
    # LibreOffice's soffice.bin may outlive the launcher for a moment (or for good, if it hung on exit): the
    # conversion is over, so nothing of its process group is left running.
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)
    return subprocess.CompletedProcess(command, process.returncode, out, err)


def convert_all_to_pdf(docx_paths: Sequence[str | Path], out_dir: str | Path, *, timeout: float | None = None
                       ) -> list[Path]:
    """Convert several .docx files in one LibreOffice start (much faster than one by one), within ``timeout``
    seconds."""
    soffice = _soffice()
    sources = [Path(p) for p in docx_paths]
    target_dir = Path(out_dir)
    target_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="reportbot-pdf-") as work:
        profile = Path(work, "profile").as_uri()
        command = [soffice, f"-env:UserInstallation={profile}", "--headless", "--norestore", "--nolockcheck",
                   "--convert-to", "pdf:writer_pdf_Export", "--outdir", work, *map(str, sources)]
        done = _run(command, timeout)
        out = []
        for source in sources:
            produced = Path(work, source.with_suffix(".pdf").name)
            if done.returncode != 0 or not produced.exists():
                reason = (done.stderr or done.stdout).strip().splitlines()[-1:] or [f"exit {done.returncode}"]
                raise ExportError(t("export.pdf_failed", reason=reason[0]) + f" / LibreOffice failed: {reason[0]}")
            target = target_dir / produced.name
            shutil.move(str(produced), target)
            out.append(target)
    return out


def convert_to_pdf(docx_path: str | Path, pdf_path: str | Path, *, timeout: float | None = None) -> Path:
    """Convert a .docx to PDF; raises :class:`ExportError` when LibreOffice is missing, fails or takes longer
    than ``timeout`` seconds."""
    target = Path(pdf_path)
    with tempfile.TemporaryDirectory(prefix="reportbot-pdf-out-") as out_dir:
        (produced,) = convert_all_to_pdf([docx_path], out_dir, timeout=timeout)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(produced), target)
    return target
