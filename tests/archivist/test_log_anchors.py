"""Signed checkpoints of the logs, kept outside the catalog, catch what a hash chain cannot:
cutting the tail off a log (and stepping its head back), and rewriting an entry and rehashing
everything after it. Each attack is carried out on the catalog file as whoever can write it
would, and first shown to pass the chain check alone."""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
from datetime import date
from pathlib import Path

from archivist_helpers import flip_bit, opened, pdftotext, run_sohoa, signer_for, store

from sohoa.archive import disposal
from sohoa.archive.access import Read
from sohoa.archive.audit import AUDIT, chain_hash
from sohoa.archive.policy import Caller
from sohoa.doctypes import load_registry
from sohoa.pipeline import anchors, exportjob
from sohoa.pipeline.disposaljob import execute
from sohoa.pipeline.settings import Settings

OFFICER = Caller(user="Trần Thị Bình", role="officer", unit="H19.22")
TABLES = {"audit": ("audit_log", "audit_head", ("actor", "action", "target", "detail")),
          "access": ("access_log", "access_head",
                     ("user", "role", "unit", "channel", "action", "purpose", "owner_id",
                      "document_id", "request", "result_count"))}


def _db(settings: Settings) -> sqlite3.Connection:
    db = sqlite3.connect(settings.home / "catalog.db")
    db.row_factory = sqlite3.Row
    return db


def cut_tail(settings: Settings, log: str, keep: int) -> None:
    """Delete every entry after ``keep`` and step the head back to it."""
    entries, head, _ = TABLES[log]
    with _db(settings) as db:
        db.execute(f"DELETE FROM {entries} WHERE seq > ?", (keep,))
        last = db.execute(f"SELECT hash FROM {entries} WHERE seq = ?", (keep,)).fetchone()
        db.execute(f"UPDATE {head} SET seq = ?, hash = ?", (keep, last["hash"]))


def rewrite(settings: Settings, log: str, seq: int, column: str, value: str) -> None:
    """Change one entry and recompute its hash, every later link and the head."""
    entries, head, fields = TABLES[log]
    with _db(settings) as db:
        db.execute(f"UPDATE {entries} SET {column} = ? WHERE seq = ?", (value, seq))
        prev = db.execute(f"SELECT hash FROM {entries} WHERE seq = ?", (seq - 1,)).fetchone()
        prev_hash = prev["hash"] if prev else "0" * 64
        for row in db.execute(f"SELECT * FROM {entries} WHERE seq >= ? ORDER BY seq",
                              (seq,)).fetchall():
            digest = chain_hash(row["seq"], row["at"], [row[f] for f in fields], prev_hash)
            db.execute(f"UPDATE {entries} SET prev_hash = ?, hash = ? WHERE seq = ?",
                       (prev_hash, digest, row["seq"]))
            prev_hash = digest
        db.execute(f"UPDATE {head} SET hash = ?", (prev_hash,))


def activity(settings: Settings, n: int) -> None:
    with opened(settings) as archive:
        for i in range(n):
            archive.audit("test.event", actor="Lê Thu Hà", target=f"t{i}", detail={"i": i})
            archive.log_access(OFFICER, "reuse", f"HS-{i}", [Read(
                owner_id="075203001234", result_count=1)])


def verify(settings: Settings, *extra: str) -> tuple[int, dict]:
    done = run_sohoa(settings.home, "audit", "verify", "--json",
                     *(a for path in extra for a in ("--checkpoint", path)))
    return done.returncode, json.loads(done.stdout)


def chain_only(settings: Settings) -> tuple[bool, list[str]]:
    with opened(settings) as archive:
        return archive.audit_verify()


def checkpoint(settings: Settings) -> dict:
    done = run_sohoa(settings.home, "audit", "checkpoint", "--json")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_a_cut_tail_is_detected_back_to_the_checkpoint(settings: Settings) -> None:
    activity(settings, 4)
    anchored = checkpoint(settings)["heads"]
    activity(settings, 2)
    code, report = verify(settings)
    assert code == 0 and report["checkpoints"] == 1, report
    assert report["unanchored"] == {"audit": 3, "access": 2}  # the checkpoint's own event

    cut_tail(settings, "audit", anchored["audit"]["seq"] - 1)
    assert chain_only(settings) == (True, [])  # the chain alone cannot see it
    code, report = verify(settings)
    assert code == 4
    assert any(f"mục {anchored['audit']['seq']} của nhật ký hệ thống, được mốc anchors/checkpoint-"
               in p and "không còn" in p for p in report["problems"]), report


def test_a_rewritten_and_rehashed_log_is_detected(settings: Settings) -> None:
    activity(settings, 3)
    checkpoint(settings)
    rewrite(settings, "audit", 2, "actor", "Người khác")
    rewrite(settings, "access", 1, "purpose", "tò mò")
    assert chain_only(settings) == (True, [])
    code, report = verify(settings)
    assert code == 4
    assert any("không còn giá trị băm mà mốc" in p and "nhật ký hệ thống đã bị viết lại" in p
               for p in report["problems"])
    assert any("nhật ký truy cập đã bị viết lại" in p for p in report["problems"])


def test_what_remains_possible_after_the_newest_checkpoint(settings: Settings) -> None:
    """Documented, not hidden: entries after the newest checkpoint are not yet anchored."""
    activity(settings, 2)
    anchored = checkpoint(settings)["heads"]
    activity(settings, 2)
    cut_tail(settings, "audit", anchored["audit"]["seq"])
    code, report = verify(settings)
    assert code == 0, report


def test_a_forged_or_damaged_checkpoint_is_reported(settings: Settings) -> None:
    activity(settings, 1)
    checkpoint(settings)
    [name] = sorted((settings.home / "blobs" / "anchors").iterdir())
    flip_bit(name, name.stat().st_size // 2)
    code, report = verify(settings)
    assert code == 4
    assert any("không mang chữ ký số hợp lệ của cơ quan" in p for p in report["problems"])


def test_the_bag_checkpoint_catches_a_cut_when_the_anchors_beside_the_blobs_are_gone(
        settings: Settings, tmp_path: Path) -> None:
    with opened(settings) as archive:
        store(archive, signer_for(settings), "a")
    activity(settings, 2)
    bag = tmp_path / "bag"
    exportjob.write(settings, bag, dossier="HS-075-2015-0001", by="Lê Thu Hà",
                    purpose="nộp lưu")
    assert (bag / "data" / anchors.BAG_FILE).is_file()
    assert exportjob.verify(bag)["valid"]
    payload, problems = anchors.read((bag / "data" / anchors.BAG_FILE).read_bytes(),
                                     list(settings.trust_roots), "bag")
    assert problems == [] and payload is not None
    # Whoever rewrites the catalog also deletes the checkpoints beside the blobs...
    shutil.rmtree(settings.home / "blobs" / "anchors")
    cut_tail(settings, "audit", payload["heads"]["audit"]["seq"] - 2)
    assert verify(settings)[0] == 0  # nothing left here to notice
    # ...but the bag handed to the historical archive still holds one.
    code, report = verify(settings, str(bag))
    assert code == 4 and any(f"được mốc {bag} ghi lại" in p for p in report["problems"]), report
    missing = run_sohoa(settings.home, "audit", "verify", "--checkpoint", str(tmp_path))
    assert missing.returncode == 5, missing.stderr


def executed_record(settings: Settings) -> tuple[int, bytes]:
    """One document disposed of by an approved list; the list's number and its record."""
    with opened(settings) as archive:
        store(archive, signer_for(settings), "a")
        lst = disposal.propose(archive, registry=load_registry(), as_of=date(2025, 12, 1),
                               note="hết hạn", by="Hà")
        assert lst is not None
        disposal.approve(archive, lst["list"], decision="Quyết định số 1", by="Bình")
    execute(settings, lst["list"], by="Hà")
    with opened(settings) as archive:
        return lst["list"], disposal.record_pdf(archive, lst["list"])


def test_the_destruction_record_states_the_heads_and_execution_leaves_a_checkpoint(
        settings: Settings, tmp_path: Path) -> None:
    _, record = executed_record(settings)
    with opened(settings) as archive:
        names = archive.blobs.anchors()
        with archive.transaction(write=False) as conn:
            audit_before = AUDIT.last(conn)["seq"]
    text = " ".join(pdftotext(record, tmp_path).split())
    assert "Điểm neo nhật ký khi lập biên bản" in text and "mục số" in text
    assert len(names) == 1 and verify(settings)[0] == 0
    cut_tail(settings, "audit", audit_before - 3)
    assert verify(settings)[0] == 4


def test_audit_verify_reads_the_heads_a_destruction_record_states(
        settings: Settings, tmp_path: Path) -> None:
    """The record is signed and kept as a blob (and printed, handed over): with every
    checkpoint beside the blobs deleted, `audit verify` still finds a cut through the heads
    the record states; a copy of the record given with --checkpoint does the same."""
    number, record = executed_record(settings)
    stated = anchors.record_heads(record)
    assert stated is not None and set(stated) == {"audit", "access"}, stated
    assert all(len(v["hash"]) == 64 for v in stated.values()), stated
    assert stated["audit"]["seq"] > 0
    copy = tmp_path / "bien-ban.pdf"
    copy.write_bytes(record)
    code, report = verify(settings, str(copy))
    assert code == 0 and report["checkpoints"] == 3, report  # beside the blobs, kept, copy

    shutil.rmtree(settings.home / "blobs" / "anchors")
    cut_tail(settings, "audit", stated["audit"]["seq"] - 1)
    assert chain_only(settings) == (True, [])
    code, report = verify(settings)
    assert code == 4, report
    assert any(f"mục {stated['audit']['seq']} của nhật ký hệ thống, được mốc trong biên bản hủy "
               f"của danh sách {number} ghi lại" in p and "không còn" in p
               for p in report["problems"]), report
    code, report = verify(settings, str(copy))
    assert code == 4 and any(f"được mốc {copy} ghi lại" in p for p in report["problems"]), report


def test_a_destruction_record_gone_from_the_store_is_a_finding_not_the_end(
        settings: Settings) -> None:
    """Whoever can delete the checkpoints beside the blobs can delete a record too: the check
    goes on, names the record, and fails (exit 4), never 'not found' (exit 5)."""
    number, record = executed_record(settings)
    sha = hashlib.sha256(record).hexdigest()
    blob = next(p for p in (settings.home / "blobs").rglob(sha))
    blob.unlink()
    code, report = verify(settings)
    assert code == 4, report
    assert any(f"biên bản hủy của danh sách {number} không còn trong kho" in p
               for p in report["problems"]), report
