"""A page whose recognizer raises an ordinary error (not a killed worker, not an unusable image)
takes its whole file to quarantine, with a Vietnamese reason naming the page: the rest of the
file stored alone would be a document missing that page — a misfile — and the rescan of the
whole file would then store the paper a second time. (The queue's side: tests/queue.)

The error is raised by the recognition of one chosen page (the analysis is wrapped for that
page only); every other page is recognized for real."""

from __future__ import annotations

import errno
import io
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from pipeline_helpers import run_sohoa

from sohoa.errors import SigningError, WorkerDiedError, os_said
from sohoa.pipeline import inprocess
from sohoa.pipeline.ingest import run_ingest
from sohoa.pipeline.services import open_archive
from sohoa.pipeline.settings import load_settings
from sohoa.scanners.watch import ALREADY_FAILED
from sohoa.synth import render_document

_real_analyze = inprocess.analyze_page


def _breaks_on_b2(page, options):  # type: ignore[no-untyped-def]
    if Path(page.source).name == "b.pdf" and page.index == 1:
        raise RuntimeError("Tesseract: Error in pixReadMem: image header invalid")
    return _real_analyze(page, options)


def _scan(kind: str, seed: int) -> Image.Image:
    return Image.open(io.BytesIO(render_document(kind, seed, dpi=150).page_jpeg(0))).convert("RGB")


def test_a_page_the_recognizer_fails_on_takes_its_whole_file_to_quarantine(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path / "home"
    assert run_sohoa(home, "init").returncode == 0
    settings = load_settings(home=home, environ={"SOHOA_OCR_JOBS": "1"})
    folder = tmp_path / "in"
    folder.mkdir()
    birth, marriage = _scan("birth_certificate", 3), _scan("marriage_certificate", 4)
    birth.save(folder / "a.pdf", resolution=150)
    marriage.save(folder / "b.pdf", save_all=True, append_images=[birth.resize(marriage.size)],
                  resolution=150)
    monkeypatch.setattr(inprocess, "analyze_page", _breaks_on_b2)

    summary = run_ingest([folder], settings)

    assert summary.stored == 1 and summary.quarantined == 2
    with open_archive(settings) as archive:
        rows = archive.list_quarantine()
        done = {Path(d["source"]).name: d["status"]
                for d in archive.get_job(summary.job_id)["done"]}
        sources = {Path(p["source"]).name for d in summary.document_ids
                   for p in archive.get_document(d)["pages"]}
    # nothing of b.pdf stored: its first page alone would be a document missing a page
    assert sources == {"a.pdf"}
    assert sorted((Path(r["source"]).name, r["page_index"]) for r in rows) == [
        ("b.pdf", 0), ("b.pdf", 1)]
    assert all("trang 2 không nhận dạng được" in r["reason"] and "quét lại cả tệp" in r["reason"]
               and "pixReadMem" in r["reason"] for r in rows), rows
    assert done == {"a.pdf": "stored", "b.pdf": "quarantined"}


@pytest.mark.parametrize(("error", "code"), [
    (IndexError("list index out of range"), 1),  # sohoa's own code: a bug
    (RuntimeError("Tesseract: Error in pixReadMem: image header invalid"), 3),  # the page's
])
def test_an_error_in_sohoas_own_code_is_a_bug_not_a_bad_file(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, error: Exception, code: int) -> None:
    """Review #3: a programming error (IndexError, TypeError…) while a page is recognized
    still sets its file aside (the batch goes on) but the reason says it is sohoa's fault,
    not the citizen's file, and `sohoa ingest` ends with exit 1; a recognizer's own error
    stays the file's (exit 3). The page raises before any OCR, so this costs no recognition."""
    from click.testing import CliRunner

    from sohoa.cli.main import cli

    home = tmp_path / "home"
    assert run_sohoa(home, "init").returncode == 0
    folder = tmp_path / "in"
    folder.mkdir()
    _scan("birth_certificate", 3).save(folder / "a.pdf", resolution=150)

    def breaks(page, options):  # type: ignore[no-untyped-def]
        raise error

    monkeypatch.setattr(inprocess, "analyze_page", breaks)
    result = CliRunner().invoke(cli, ["ingest", str(folder)], catch_exceptions=False,
                                env={"SOHOA_HOME": str(home), "SOHOA_OCR_JOBS": "1"})
    assert result.exit_code == code, result.output
    with open_archive(load_settings(home=home, environ={})) as archive:
        [row] = archive.list_quarantine()
    bug = "lỗi của chương trình sohoa, không phải của tệp" in row["reason"]
    assert bug == (code == 1), row
    if code == 1:
        assert "IndexError" in row["reason"] and "bộ phận kỹ thuật" in row["reason"], row
        assert "quét lại cả tệp" not in row["reason"]  # the paper is fine
        assert "lỗi của chương trình sohoa" in result.output
    else:
        assert "quét lại cả tệp" in row["reason"] and "pixReadMem" in row["reason"], row


def _watch(home: Path, hot: Path) -> tuple[int, str, dict[str, dict[str, Any]]]:
    """`sohoa watch --once --json` over ``hot``: its exit code, stderr and each file's outcome."""
    from click.testing import CliRunner

    from sohoa.cli.main import cli

    result = CliRunner().invoke(
        cli, ["watch", str(hot), "--once", "--settle", "0", "--poll", "0.05", "--json"],
        catch_exceptions=False, env={"SOHOA_HOME": str(home), "SOHOA_OCR_JOBS": "1"})
    outcomes = {Path(e["file"]).name: e for e in map(json.loads, result.stdout.splitlines())
                if "outcome" in e}
    return result.exit_code, result.stderr, outcomes


def test_the_hot_folder_ends_with_exit_1_when_sohoas_code_failed_on_a_file(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`sohoa watch` agrees with `sohoa ingest`: a file set aside because sohoa's own code
    failed on one of its pages is a bug (exit 1), not a bad scan (exit 3), even beside a
    really damaged file; the outcome line says which file it was."""
    home = tmp_path / "home"
    assert run_sohoa(home, "init").returncode == 0
    hot = tmp_path / "hot"
    hot.mkdir()
    _scan("birth_certificate", 3).save(hot / "a.pdf", resolution=150)
    (hot / "broken.pdf").write_bytes(b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog\n%%EOF\n")

    def breaks(page, options):  # type: ignore[no-untyped-def]
        raise IndexError("list index out of range")

    monkeypatch.setattr(inprocess, "analyze_page", breaks)
    code, stderr, outcomes = _watch(home, hot)
    assert code == 1, stderr
    assert "1 tệp gặp lỗi của chương trình sohoa" in stderr, stderr
    assert outcomes["a.pdf"]["outcome"] == "failed" and outcomes["a.pdf"]["program_error"]
    assert not outcomes["broken.pdf"]["program_error"], outcomes  # that one is the file's
    reason = (hot / "failed" / "a.pdf.reason.txt").read_text(encoding="utf-8")
    assert "lỗi của chương trình sohoa, không phải của tệp" in reason and "IndexError" in reason
    assert reason.startswith("trang 1:"), reason  # the page, in Vietnamese
    broken = outcomes["broken.pdf"]["reason"]

    # Review F1: the bug fixed, the clerk puts both files back. The scan is ingested for real
    # (not skipped as "đã nhận trước đây" into done/ with nothing stored); the damaged file,
    # the same bytes, goes back to failed/ with its reason, never to done/.
    monkeypatch.setattr(inprocess, "analyze_page", _real_analyze)
    for name in ("a.pdf", "broken.pdf"):
        shutil.move(hot / "failed" / name, hot / name)
    code, stderr, outcomes = _watch(home, hot)
    assert code == 3, stderr
    assert outcomes["a.pdf"]["outcome"] == "done" and outcomes["a.pdf"]["stored"] == 1, outcomes
    assert (hot / "done" / "a.pdf").is_file()
    assert outcomes["broken.pdf"]["outcome"] == "failed", outcomes
    assert outcomes["broken.pdf"]["reason"] == f"{ALREADY_FAILED}: {broken}"
    assert (hot / "failed" / "broken.pdf").is_file() and not (hot / "done" / "broken.pdf").exists()


def _ledger_events(hot: Path) -> list[str]:
    lines = (hot / ".sohoa-watch" / "ledger.tsv").read_text(encoding="utf-8").splitlines()
    return [line.split("\t")[0] for line in lines]


def test_an_error_escaping_the_ingest_of_a_hot_folder_file(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A bug escaping the ingest sets the file aside (exit 1) but does not finish it: put back,
    it is handled again. An OSError that is not the machine's (a file taken away while it was
    read) is the file's: exit 3, and put back it returns to failed/ with its reason, never to
    done/, without being handled again."""
    from sohoa.pipeline import watchjob

    home = tmp_path / "home"
    assert run_sohoa(home, "init").returncode == 0
    for n, (error, code) in enumerate([
            (TypeError("unsupported operand type(s)"), 1),  # sohoa's mistake
            (FileNotFoundError(2, "No such file or directory"), 3)]):  # not the machine's
        hot = tmp_path / f"hot{n}"
        hot.mkdir()
        Image.new("L", (40, 40), 255).save(hot / "a.jpg")  # never read: the ingest raises first
        calls: list[Path] = []

        def raises(files: list[Path], *_args: Any, error: Exception = error,
                   calls: list[Path] = calls, **_kwargs: Any) -> None:
            calls.extend(files)
            raise error

        monkeypatch.setattr(watchjob, "run_ingest", raises)
        got, stderr, outcomes = _watch(home, hot)
        assert got == code, stderr
        assert outcomes["a.jpg"]["outcome"] == "failed"
        assert outcomes["a.jpg"]["program_error"] == (code == 1)
        reason = outcomes["a.jpg"]["reason"]
        assert ("internal error" in reason) == (code == 1), reason  # no bug is called one
        assert code == 1 or reason == ("lỗi đọc, ghi khi xử lý tệp: không có tệp hoặc thư mục "
                                       "này (đã bị xóa, đổi tên hoặc chuyển đi)")
        assert (hot / "failed" / "a.jpg").exists()
        assert _ledger_events(hot) == ["start", "bug" if code == 1 else "failed"]

        # the clerk puts the file back (after the technician's fix, for the bug)
        shutil.move(hot / "failed" / "a.jpg", hot / "a.jpg")
        got, stderr, outcomes = _watch(home, hot)
        assert got == code, stderr
        assert outcomes["a.jpg"]["outcome"] == "failed", outcomes
        assert (hot / "failed" / "a.jpg").exists() and not (hot / "done" / "a.jpg").exists()
        if code == 1:  # handled again, not "đã nhận trước đây"
            assert len(calls) == 2 and "internal error" in outcomes["a.jpg"]["reason"]
        else:  # the same bytes are as bad as before: not read again
            assert len(calls) == 1
            assert outcomes["a.jpg"]["reason"] == f"{ALREADY_FAILED}: {reason}"


def test_a_machine_error_stops_the_hot_folder_and_leaves_the_file_in_place(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Review F1: a full disk, no permission, a share gone, a signing token pulled out, a worker
    killed are the machine's, as for `sohoa ingest`: exit 2, the file stays in the hot folder
    (not in failed/, nothing finished in the ledger), and the next run, the machine fixed,
    stores it."""
    from sohoa.pipeline import watchjob

    home = tmp_path / "home"
    assert run_sohoa(home, "init").returncode == 0
    real = watchjob.run_ingest
    scan = _scan("birth_certificate", 3)
    for n, error in enumerate([
            OSError(errno.ENOSPC, "No space left on device"),
            PermissionError(errno.EACCES, "Permission denied"),
            OSError(errno.ENOTCONN, "Transport endpoint is not connected"),
            SigningError("Không mở được token ký số: hãy cắm lại token"),
            WorkerDiedError("Tiến trình nhận dạng bị dừng: máy hết bộ nhớ")]):
        hot = tmp_path / f"hot{n}"
        hot.mkdir()
        scan.save(hot / "a.pdf", resolution=150)

        def raises(*_args: Any, error: Exception = error, **_kwargs: Any) -> None:
            raise error

        monkeypatch.setattr(watchjob, "run_ingest", raises)
        code, stderr, outcomes = _watch(home, hot)
        assert code == 2, (error, stderr)
        assert outcomes == {}, outcomes
        assert (hot / "a.pdf").is_file() and not (hot / "failed" / "a.pdf").exists()
        assert _ledger_events(hot) == ["start"]  # handled again after the restart
        if isinstance(error, OSError):
            assert "lỗi của máy, không phải của tệp" in stderr, stderr
            assert os_said(error) in stderr and "chạy lại đúng lệnh này" in stderr, stderr
            assert error.strerror not in stderr, stderr  # the OS's English, not the clerk's

    monkeypatch.setattr(watchjob, "run_ingest", real)  # the disk has room again
    code, stderr, outcomes = _watch(home, tmp_path / "hot0")
    assert code == 0, stderr
    assert outcomes["a.pdf"]["outcome"] == "done" and outcomes["a.pdf"]["stored"] == 1, outcomes
    assert (tmp_path / "hot0" / "done" / "a.pdf").is_file()
