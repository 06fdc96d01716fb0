"""tester10 F12: `sohoa quarantine` advises what to run after fixing a file, and that one
command clears the entry: `quarantine retry ID --fixed` says the file now at the recorded path
is the fixed copy of the quarantined one, so once it is stored the entry leaves the list. A
plain retry keeps the bytes rule (scanners reuse names) and says so."""

from __future__ import annotations

import os
import time
from pathlib import Path

from archivist_helpers import make_home
from click.testing import CliRunner, Result

from sohoa.archive.policy import Caller
from sohoa.cli.main import cli
from sohoa.pipeline import quarantine
from sohoa.pipeline.operatordesk import OperatorDesk
from sohoa.pipeline.services import open_archive


def _paper(path: Path) -> None:
    """A born-digital one-page paper (its own text: nothing to recognize)."""
    from fpdf import FPDF

    from sohoa.pdf.textpdf import FONTS

    pdf = FPDF(unit="mm", format="A4")
    pdf.add_font("body", "", next(f for f in FONTS[""] if Path(f).is_file()))
    pdf.set_font("body", "", 12)
    pdf.add_page()
    pdf.multi_cell(0, 7, "GIẤY KHAI SINH. Họ và tên: Nguyễn Văn Thưởng.")
    path.write_bytes(bytes(pdf.output()))


def _sohoa(home: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--home", str(home), *args],
                              env={"SOHOA_USER": "Phạm Thu Hà"})


def test_the_hint_after_fixing_a_file_clears_its_entry(tmp_path: Path) -> None:
    settings = make_home(tmp_path / "home")
    paper = tmp_path / "in" / "giay-khai-sinh.pdf"
    paper.parent.mkdir()
    _paper(paper)
    whole = paper.read_bytes()
    paper.write_bytes(whole[: len(whole) // 3])  # a transfer cut short: quarantined
    assert _sohoa(settings.home, "ingest", str(paper)).exit_code == 3
    [row] = quarantine.listing(settings)
    entry = row["ids"][0]

    listed = _sohoa(settings.home, "quarantine")
    hint = "sohoa quarantine retry ID --fixed"
    assert hint in listed.stdout

    paper.write_bytes(whole)  # the clerk puts the complete file back where it was
    # review11 L5: the web's «đây là bản đã sửa» shows the file there now; one written before
    # the quarantine (here: dated back a day) is flagged as no likely fix
    from sohoa.api.web.operator import _now_file

    [now] = quarantine.listing(settings)
    assert now["changed"] and now["now_size"] == len(whole), now
    assert "trước lúc bị cách ly" not in _now_file(now)
    day_ago = time.time() - 86400
    os.utime(paper, (day_ago, day_ago))
    [old] = quarantine.listing(settings)
    assert "trước lúc bị cách ly: kiểm tra kỹ" in _now_file(old), _now_file(old)
    plain = _sohoa(settings.home, "quarantine", "retry", str(entry))
    assert plain.exit_code == 0, plain.output
    assert "--fixed" in plain.stdout and f"vẫn trong danh sách cách ly: {entry}" in plain.stdout
    assert [r["ids"] for r in quarantine.listing(settings)] == [row["ids"]]

    # the web desk's «Xử lý lại: đây là bản đã sửa» (a thread of the server, no broker)
    clerk = Caller(user="Phạm Thu Hà", role="desk", unit=settings.unit, channel="web")
    with open_archive(settings) as archive:
        outcome = OperatorDesk(archive, settings).retry(clerk, entry, fixed=True)
    assert outcome["background"] and outcome["fixed"] and outcome["changed"]
    deadline = time.monotonic() + 60
    while quarantine.listing(settings) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert quarantine.listing(settings) == []

    # the CLI: the same one step for the next fixed file
    paper.write_bytes(whole[: len(whole) // 2])
    assert _sohoa(settings.home, "ingest", str(paper)).exit_code == 3
    [row] = quarantine.listing(settings)
    paper.write_bytes(whole)
    fixed = _sohoa(settings.home, "quarantine", "retry", str(row["ids"][0]), "--fixed")
    assert fixed.exit_code == 0, fixed.output
    assert f"đã gỡ khỏi danh sách cách ly: {row['ids'][0]}" in fixed.stdout
    assert quarantine.listing(settings) == []


def test_a_fix_refused_again_is_the_same_entry_and_the_next_fix_settles_it(
        tmp_path: Path) -> None:
    """tester11 F10/F11: a --fixed retry whose copy is still bad folds into its entry (one
    line, "2 lần", the id the clerk retried) and the next good copy settles it in one step; a
    plain retry of a replaced file says the result first, then how the entry leaves."""
    settings = make_home(tmp_path / "home")
    paper = tmp_path / "in" / "b.pdf"
    paper.parent.mkdir()
    _paper(paper)
    whole = paper.read_bytes()
    paper.write_bytes(whole[: len(whole) // 3])
    assert _sohoa(settings.home, "ingest", str(paper)).exit_code == 3
    [row] = quarantine.listing(settings)
    entry = row["id"]

    paper.write_bytes(whole[: len(whole) // 2])  # the "fixed" copy is cut short too
    listed = _sohoa(settings.home, "quarantine")
    assert f"nếu là bản đã sửa, sohoa quarantine retry {entry} --fixed" in listed.stdout
    again = _sohoa(settings.home, "quarantine", "retry", str(entry), "--fixed")
    assert again.exit_code == 3, again.output
    assert f"vẫn trong danh sách cách ly: {entry}" in again.stdout
    [row] = quarantine.listing(settings)
    assert row["id"] == entry and row["times"] == 2 and not row["changed"], row

    paper.write_bytes(whole)
    plain = _sohoa(settings.home, "quarantine", "retry", str(entry))
    assert plain.exit_code == 0, plain.output
    lines = plain.stdout.splitlines()
    stored = next(i for i, line in enumerate(lines) if "1 đã lưu" in line)
    hint = next(i for i, line in enumerate(lines) if f"retry {entry} --fixed" in line)
    assert stored < hint, plain.stdout
    [row] = quarantine.listing(settings)
    assert row["id"] == entry
    fixed = _sohoa(settings.home, "quarantine", "retry", str(entry), "--fixed")
    assert fixed.exit_code == 0, fixed.output
    assert quarantine.listing(settings) == []


def test_a_fixed_copy_dropped_back_in_the_hot_folder_settles_its_entry(
        tmp_path: Path) -> None:
    """tester11 F23: `sohoa watch -h` says to drop the fixed file back in; once it is stored
    the failed/ file's quarantine entry leaves the list (it stayed open forever)."""
    from sohoa.pipeline.watchjob import WatchSettings, run_watch

    settings = make_home(tmp_path / "home")
    hot = tmp_path / "hot"
    hot.mkdir()
    paper = tmp_path / "hs2.pdf"
    _paper(paper)
    whole = paper.read_bytes()
    options = WatchSettings(settle_seconds=0, poll_seconds=0.05)
    from pypdf import PdfReader, PdfWriter

    locked = PdfWriter(clone_from=PdfReader(paper))
    locked.encrypt("mật khẩu")
    locked.write(hot / "hs2.pdf")  # a locked PDF: quarantined, moved to failed/
    first = run_watch(hot, settings, options=options, once=True, by="Phạm Thu Hà")
    assert first.files_failed == 1 and (hot / "failed" / "hs2.pdf").is_file()
    [row] = quarantine.listing(settings)
    assert row["path"] == str(hot / "failed" / "hs2.pdf")

    (hot / "hs2.pdf").write_bytes(whole)  # the clerk drops the fixed copy back in
    again = run_watch(hot, settings, options=options, once=True, by="Phạm Thu Hà")
    assert again.files_done == 1 and again.documents == 1
    assert quarantine.listing(settings) == []
