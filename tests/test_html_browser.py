"""The HTML pack in a real browser: headless Chromium renders the demo to PNG and prints it to
PDF; the first printed page holds the verdict and the blocking gates, the appendix starts on the
next. Skips where Chromium or poppler's pdftotext is not installed (.ci/run installs both)."""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from tests.conftest import run_cli

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
PDFTOTEXT, PDFINFO = shutil.which("pdftotext"), shutil.which("pdfinfo")
pytestmark = [
    pytest.mark.skipif(CHROMIUM is None, reason="needs Chromium (apt-get install chromium)"),
    pytest.mark.skipif(
        PDFTOTEXT is None or PDFINFO is None,
        reason="needs pdftotext and pdfinfo (apt-get install poppler-utils)",
    ),
]
TIMEOUT = 60
QUIET = [
    "--headless",
    "--disable-gpu",
    "--no-sandbox",
    "--disable-background-networking",
    "--no-first-run",
    "--disable-sync",
    "--disable-extensions",
    "--disable-default-apps",
]


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """The demo assessment exported as HTML and as Markdown, from a fresh database."""
    work = tmp_path_factory.mktemp("browser")
    env = {"PREFLIGHT_DB": str(work / "demo.db")}
    made = run_cli("demo", "--no-open", env=env)
    assert made.returncode == 0, made.stderr
    for fmt in ("html", "md"):
        out = run_cli("export", "demo", "--format", fmt, "--out", str(work / "out"), env=env)
        assert out.returncode == 0, out.stderr
    html = work / "out" / "demo-receipts.html"
    page = (work / "out" / "demo-receipts.md").read_text(encoding="utf-8")
    # The gates shown in full on the page: the bold heads of its gate blocks.
    section = page.split("## Blocking gates")[1].split("\n## ")[0]
    titles = re.findall(r"^- \*\*[^·]+ · (.+?)\*\*", section, flags=re.MULTILINE)
    assert titles, section
    return html, titles


def chromium(*args: str) -> None:
    assert CHROMIUM is not None
    with tempfile.TemporaryDirectory(prefix="preflight-chromium-") as profile:
        subprocess.run(
            [CHROMIUM, *QUIET, f"--user-data-dir={profile}", *args],
            capture_output=True,
            timeout=TIMEOUT,
            check=True,
        )


def print_pdf(html: Path, pdf: Path) -> None:
    chromium(f"--print-to-pdf={pdf}", "--no-pdf-header-footer", html.as_uri())
    assert pdf.exists() and pdf.read_bytes().startswith(b"%PDF")


def pdf_text(pdf: Path, page: int) -> str:
    assert PDFTOTEXT is not None
    args = [PDFTOTEXT, "-f", str(page), "-l", str(page), str(pdf), "-"]
    return subprocess.run(args, capture_output=True, text=True, timeout=TIMEOUT, check=True).stdout


def pdf_info(pdf: Path) -> str:
    assert PDFINFO is not None
    return subprocess.run(
        [PDFINFO, str(pdf)], capture_output=True, text=True, timeout=TIMEOUT, check=True
    ).stdout


def squeeze(text: str) -> str:
    """Text without whitespace, so a title wrapped inside its table cell still matches."""
    return re.sub(r"\s+", "", text)


def test_screenshot(demo, tmp_path):
    html, _ = demo
    png = tmp_path / "out.png"
    chromium(f"--screenshot={png}", "--window-size=1200,1600", html.as_uri())
    head = png.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n"
    assert int.from_bytes(head[16:20], "big") == 1200  # the IHDR width


@pytest.mark.parametrize("paper", ["A4", "letter"])
def test_print_puts_the_page_on_page_one(demo, tmp_path, paper):
    html, gate_titles = demo
    if paper != "A4":  # the stylesheet asks for A4; the page must fit a Letter sheet too
        copy = tmp_path / "letter.html"
        text = html.read_text(encoding="utf-8")
        assert "size: A4;" in text
        copy.write_text(text.replace("size: A4;", f"size: {paper};"), encoding="utf-8")
        html = copy
    pdf = tmp_path / "out.pdf"
    print_pdf(html, pdf)
    info = pdf_info(pdf)
    assert f"({paper.upper() if paper == 'A4' else paper})" in info, info
    pages = int(re.search(r"^Pages:\s+(\d+)", info, re.MULTILINE)[1])
    assert pages >= 2

    first = pdf_text(pdf, 1)
    assert "Receipts pack: demo" in first
    assert "Verdict: ✗ NO-GO" in first
    assert gate_titles and all(squeeze(title) in squeeze(first) for title in gate_titles), first
    assert "Digest: sha256:" in first  # the whole page, down to its digest line
    assert "Appendix: demo" not in first
    assert pdf_text(pdf, 2).lstrip().startswith("Appendix: demo")
