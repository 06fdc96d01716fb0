"""The officer's first hour: ids never cut and unique prefixes accepted, show without Python
None and with the disposal, get to stdout and never over a file silently, search validating
its type and saying when there may be more."""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
from datetime import date

from archivist_helpers import opened, run_sohoa, signer_for, store

from sohoa.archive import disposal
from sohoa.doctypes import load_registry
from sohoa.pipeline.disposaljob import execute
from sohoa.pipeline.settings import Settings

P = ("--purpose", "HS H19.22-0001")


def seed(settings: Settings, n: int = 3) -> list[str]:
    signer = signer_for(settings)
    with opened(settings) as archive:
        return [store(archive, signer, f"d{i}", dossier=f"HS-{i}", issue_date=date(2024, 1, 1),
                      owner_id="075203001234") for i in range(n)]


def test_ids_are_never_cut_and_a_unique_prefix_is_accepted(settings: Settings,
                                                           tmp_path) -> None:
    ids = seed(settings)
    home = settings.home
    table = run_sohoa(home, "reuse", "075203001234", *P, env={"COLUMNS": "80"})
    assert table.returncode == 0, table.stderr
    for doc in ids:
        assert doc in table.stdout, table.stdout
    assert "Căn cước" in table.stdout and "citizen_id_card" not in table.stdout  # F13
    # What a narrow terminal used to show ("931b469a…") and a plain prefix both work.
    doc = ids[0]
    prefix = next(doc[:n] for n in range(4, 17) if sum(i.startswith(doc[:n]) for i in ids) == 1)
    for given in (prefix, doc[:8] + "…", doc.upper()):
        shown = run_sohoa(home, "show", given, *P, "--json")
        assert shown.returncode == 0, (given, shown.stderr)
        assert json.loads(shown.stdout)["document_id"] == doc
    got = run_sohoa(home, "get", doc[:8], "-o", str(tmp_path / "a.pdf"), *P)
    assert got.returncode == 0, got.stderr
    assert (tmp_path / "a.pdf").read_bytes().startswith(b"%PDF")
    assert run_sohoa(home, "show", "zzzz", *P).returncode == 5
    # The owner's name is read from the record's "owner" (it printed "—" before).
    assert "tên chủ sở hữu: Nguyễn Thị Ánh Tuyết" in run_sohoa(home, "show", doc, *P).stdout


def test_show_prints_no_python_none_and_says_disposed(settings: Settings) -> None:
    signer = signer_for(settings)
    with opened(settings) as archive:
        doc = store(archive, signer, "x", owner_id=None, issue_date=date(2012, 1, 1))
    shown = run_sohoa(settings.home, "show", doc, *P)
    assert shown.returncode == 0, shown.stderr
    assert not re.search(r"\bNone\b", shown.stdout), shown.stdout
    assert "chủ sở hữu: —" in shown.stdout and "owner_id" not in shown.stdout, shown.stdout
    # Every label in Vietnamese, numbers as Vietnamese writes them; the type code stays
    # beside its name because an officer types it after --type.
    text = shown.stdout
    assert "loại: Căn cước công dân (citizen_id_card)" in text, text
    assert "tên chủ sở hữu: —" in text, text  # no owner, no name
    assert "độ tin cậy: 0,90" in text and "Họ và tên: Nguyễn Thị Ánh Tuyết" in text, text
    assert "trang 1: tệp /scans/x.tif (trang 1), mặt trước, xoay 0°, độ tin cậy 0,90" in text
    assert "chữ ký: chữ ký số của cơ quan (sao y), mức B-B" in text, text
    labels = [line.split(":")[0].strip() for line in text.splitlines() if ":" in line]
    assert not [la for la in labels if re.fullmatch(r"[a-z_ ]+", la)], text
    assert not re.search(r"=|\b(rotation|confidence|front|back|full_name|id_number|agency)\b",
                         text), text
    with opened(settings) as archive:
        lst = disposal.propose(archive, registry=load_registry(), as_of=date(2025, 12, 1),
                               note="hết hạn", by="Hà")
        assert lst is not None
        disposal.approve(archive, lst["list"], decision="Quyết định số 7/QĐ", by="Bình")
    execute(settings, lst["list"], by="Hà")
    gone = run_sohoa(settings.home, "show", doc, *P)
    assert gone.returncode == 0, gone.stderr
    assert "ĐÃ TIÊU HỦY" in gone.stdout and f"danh mục tiêu hủy số {lst['list']}" in gone.stdout
    assert "Quyết định số 7/QĐ" in gone.stdout


def test_get_to_stdout_and_never_over_an_existing_file(settings: Settings, tmp_path) -> None:
    [doc] = seed(settings, 1)
    home = settings.home
    piped = subprocess.run([sys.executable, "-m", "sohoa", "get", doc, "-o", "-", *P],
                           env={**os.environ, "SOHOA_HOME": str(home)}, cwd=tmp_path,
                           capture_output=True, check=False)
    assert piped.returncode == 0, piped.stderr
    with opened(settings) as archive:
        assert piped.stdout == archive.get_pdf(doc)
    assert not (tmp_path / "-").exists()
    target = tmp_path / "keep.pdf"
    target.write_bytes(b"my own file")
    refused = run_sohoa(home, "get", doc, "-o", str(target), *P)
    assert refused.returncode == 2 and "--force" in refused.stderr
    assert target.read_bytes() == b"my own file"
    forced = run_sohoa(home, "get", doc, "-o", str(target), "--force", *P)
    assert forced.returncode == 0 and target.read_bytes().startswith(b"%PDF")


def test_a_get_that_cannot_deliver_reads_nothing_and_logs_nothing(settings: Settings,
                                                                   tmp_path) -> None:
    """tester9 F28: a `get` refused after the read (its output in the way, a path the file
    system refuses) was logged as a delivered read. The output is made before the read; a
    refused read leaves no empty file behind."""
    [doc] = seed(settings, 1)
    home = settings.home

    def reads() -> int:
        with opened(settings) as archive:
            return len(archive.access_events(document=doc))

    kept = tmp_path / "keep.pdf"
    kept.write_bytes(b"my own file")
    too_long = tmp_path / ("x" * 300 + ".pdf")
    for target in (kept, too_long):
        refused = run_sohoa(home, "get", doc, "-o", str(target), *P)
        assert refused.returncode == 2, refused.stderr
        assert "Traceback" not in refused.stderr
    assert "không tạo được tệp" in refused.stderr and "(tên tệp quá dài); chọn tên khác cho -o" \
        in refused.stderr, refused.stderr
    assert reads() == 0 and kept.read_bytes() == b"my own file"
    fresh = tmp_path / "new.pdf"
    unknown = run_sohoa(home, "get", "ffffffffffffffff", "-o", str(fresh), *P)
    assert unknown.returncode == 5 and not fresh.exists(), unknown.stderr
    done = run_sohoa(home, "get", doc, "-o", str(fresh), *P)
    assert done.returncode == 0 and fresh.read_bytes().startswith(b"%PDF"), done.stderr
    assert reads() == 1


def test_search_validates_its_type_and_hints_at_more(settings: Settings) -> None:
    seed(settings, 3)
    home = settings.home
    bad = run_sohoa(home, "search", "Tuyết", "--type", "no_such_type", *P)
    assert bad.returncode == 2 and "no_such_type" in bad.stderr
    assert "citizen_id_card" in bad.stderr  # the known types are listed
    two = run_sohoa(home, "search", "Tuyết", "--limit", "2", *P)
    assert two.returncode == 0, two.stderr
    assert "có thể còn giấy tờ khớp nữa: --limit 4" in two.stdout
    all3 = run_sohoa(home, "search", "Tuyết", "--limit", "5", *P)
    assert "có thể còn giấy tờ khớp nữa" not in all3.stdout


def test_a_search_hit_no_one_owns_yet_says_so_in_words(settings: Settings) -> None:
    # tester16 F14: "chủ sở hữu=None" printed to an officer for a paper no one owns yet.
    signer = signer_for(settings)
    with opened(settings) as archive:
        doc = store(archive, signer, "loose", owner_id=None, needs_review=True)
    found = run_sohoa(settings.home, "search", "Tuyết", *P)
    assert found.returncode == 0, found.stderr
    line = next(ln for ln in found.stdout.splitlines() if ln.startswith(doc))
    assert "chủ sở hữu=? " in line and not re.search(r"\bNone\b", found.stdout), line


def _colliding_pages() -> tuple[bytes, bytes]:
    """Two one-page 'scans' whose document ids (the first 16 hex digits of the SHA-256 of the
    pages' SHA-256s) share their first 4 characters but not their first 6."""
    seen: dict[str, bytes] = {}
    for n in range(100_000):
        page = f"trang {n}".encode()
        doc_id = hashlib.sha256(hashlib.sha256(page).hexdigest().encode()).hexdigest()
        other = seen.get(doc_id[:4])
        if other is not None and not _doc_id(other).startswith(doc_id[:6]):
            return other, page
        seen[doc_id[:4]] = page
    raise AssertionError("no two ids share 4 characters")  # pragma: no cover


def _doc_id(page: bytes) -> str:
    return hashlib.sha256(hashlib.sha256(page).hexdigest().encode()).hexdigest()[:16]


def test_an_ambiguous_prefix_names_the_candidates(settings: Settings) -> None:
    first, second = _colliding_pages()
    with opened(settings) as archive:
        ids = [store(archive, None, f"p{n}", images=[page], dossier=f"HS-{n}")
               for n, page in enumerate((first, second))]
    assert ids == [_doc_id(first), _doc_id(second)]
    shared = ids[0][:4]
    done = run_sohoa(settings.home, "show", shared, *P)
    assert done.returncode == 2, done.stdout + done.stderr
    assert f"mã {shared} khớp với nhiều tài liệu" in done.stderr, done.stderr
    assert all(doc in done.stderr for doc in ids) and "hãy gõ thêm vài ký tự" in done.stderr
    assert "Traceback" not in done.stderr
    one = run_sohoa(settings.home, "show", ids[1][:6], *P, "--json")
    assert one.returncode == 0, one.stderr
    assert json.loads(one.stdout)["document_id"] == ids[1]


def test_the_officers_refusals_are_vietnamese(settings: Settings) -> None:
    """What search, reuse and verify refuse is said to the officer in Vietnamese (it was
    English: 'limit must be between…', 'the date range is empty…', 'is neither a file…')."""
    from click.testing import CliRunner

    from sohoa.cli.main import cli

    def said(*args: str) -> tuple[int, str]:
        done = CliRunner().invoke(cli, ["--home", str(settings.home), *args],
                                  catch_exceptions=False)
        return done.exit_code, done.stderr

    assert said("search", "x", "--limit", "0", *P) == (
        2, "lỗi: số kết quả (limit) phải từ 1 đến 100, không phải 0\n")
    assert said("search", "x", "--from", "2024-02-01", "--to", "2024-01-01", *P) == (
        2, "lỗi: khoảng ngày trống: ngày bắt đầu 01/02/2024 sau ngày kết thúc 01/01/2024\n")
    assert said("reuse", " ", *P) == (
        2, "lỗi: hãy cho số định danh cá nhân hoặc mã số doanh nghiệp của chủ sở hữu\n")
    code, text = said("verify", "khong-co.pdf")
    assert code == 5 and "'khong-co.pdf' không phải tệp, cũng không phải mã giấy tờ" in text
