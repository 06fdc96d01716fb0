"""Retention plan, legal holds and the disposal workflow on a real archive with signed
documents: nothing removed without approval, held records survive, shared blobs stay, the
destruction record is a signed PDF/A naming the list, and a killed execution resumes."""

from __future__ import annotations

import json
import signal
from datetime import date
from pathlib import Path

import pytest
from archivist_helpers import opened, page_image, pdftotext, run_sohoa, signer_for, store
from testtools import verapdf

from sohoa.archive import disposal, faults, holds, retention
from sohoa.doctypes import load_registry
from sohoa.errors import NotFoundError, WorkflowError
from sohoa.pipeline.disposaljob import execute
from sohoa.pipeline.settings import Settings
from sohoa.signing import verify_pdf

AS_OF = date(2025, 12, 1)
REGISTRY = load_registry()
DECISION = "Quyết định số 12/QĐ-UBND ngày 20/5/2026 của Chủ tịch UBND phường Tân Phong"


def seed(settings: Settings) -> dict[str, str]:
    """Two expired ID-card copies in one dossier, one in another, one undated, one permanent
    birth certificate."""
    signer = signer_for(settings)
    with opened(settings) as archive:
        return {
            "a": store(archive, signer, "a"),
            "b": store(archive, signer, "b", owner_id="075203009999",
                       owner_name="Trần Văn Đức"),
            "c": store(archive, signer, "c", dossier="HS-075-2015-0002",
                       issue_date=date(2016, 7, 9)),
            "undated": store(archive, signer, "undated", dossier="HS-075-2015-0003",
                             issue_date=None),
            "birth": store(archive, signer, "birth", doc_type="birth_certificate",
                           title="GIẤY KHAI SINH", retention="permanent",
                           dossier="HS-075-2015-0002"),
        }


def test_plan_groups_by_type_and_unit_and_says_how_dates_were_reached(
        settings: Settings) -> None:
    ids = seed(settings)
    with opened(settings) as archive:
        retention.set_override(archive, "HS-075-2015-0002", years=None, counted_from="issue",
                               reason="hồ sơ có giá trị lịch sử", by="Lê Thu Hà")
        groups = retention.plan(archive, as_of=AS_OF, registry=REGISTRY)
        with archive.transaction(write=False) as conn:
            by_id = {e.document_id: e for e in retention.evaluate(conn, registry=REGISTRY)}
    cards = next(g for g in groups if g["doc_type"] == "citizen_id_card")
    assert cards["unit"] == "UBND phường Tân Phong"
    assert cards["type_name"].startswith("Căn cước")
    assert cards["due"] == 2 and sorted(cards["due_documents"]) == sorted([ids["a"], ids["b"]])
    assert cards["permanent"] == 1  # "c" is in the dossier kept permanently
    assert cards["waiting"] == 1  # undated: counted from archiving (2016) → 2026-01-05
    assert by_id[ids["a"]].eligible_on == date(2022, 3, 1)
    assert by_id[ids["undated"]].eligible_on == date(2026, 1, 5)
    assert any("không rõ ngày ban hành" in n for n in by_id[ids["undated"]].notes)
    assert "hồ sơ có giá trị lịch sử" in by_id[ids["c"]].basis
    assert by_id[ids["birth"]].eligible_on is None

    # Counting from the owner's death: not eligible until it is recorded, then 10 years after
    # (an override may move the start later or lengthen, never go under the type's 10 years).
    with opened(settings) as archive:
        retention.set_override(archive, "HS-075-2015-0001", years=10, counted_from="death",
                               reason="hồ sơ nhân thân", by="Lê Thu Hà")
        with archive.transaction(write=False) as conn:
            a = next(e for e in retention.evaluate(conn, registry=REGISTRY)
                     if e.document_id == ids["a"])
        assert a.eligible_on is None and "chưa ghi ngày mất" in a.notes[0]
        retention.record_event(archive, "died", "075203001234", date(2019, 2, 3), reason=None,
                               by="Lê Thu Hà")
        with archive.transaction(write=False) as conn:
            a = next(e for e in retention.evaluate(conn, registry=REGISTRY)
                     if e.document_id == ids["a"])
        assert a.eligible_on == date(2029, 2, 3)
        actions = [e["action"] for e in archive.audit_events(limit=10)]
    assert {"retention.override_set", "retention.owner_died"} <= set(actions)


def test_disposal_without_approval_is_refused(settings: Settings) -> None:
    ids = seed(settings)
    with opened(settings) as archive:
        lst = disposal.propose(archive, registry=REGISTRY, as_of=AS_OF,
                               note="hết thời hạn bảo quản", by="Hà")
    assert lst is not None and lst["status"] == "proposed"
    with pytest.raises(WorkflowError, match="chưa được phê duyệt"):
        execute(settings, lst["list"], by="Hà")
    done = run_sohoa(settings.home, "disposal", "execute", str(lst["list"]))
    assert done.returncode == 2, done.stderr
    assert "sohoa disposal approve" in done.stderr
    with opened(settings) as archive:
        assert archive.get_pdf(ids["a"])  # nothing removed
        assert archive.get_document(ids["a"])["status"] == "stored"


def test_a_hold_on_a_co_owner_keeps_the_paper_filed_under_the_other(settings: Settings) -> None:
    """review14a S7: a paper belongs to its co-owners as much as to its owner (a marriage
    certificate in the husband's dossier is the wife's too): a hold on the wife keeps it, off
    the plan's list and off a batch already approved. Before, only ``owner_id`` was looked at.
    The wife here is known only as the paper's co-owner (as migration 0022 left a back-filled
    spouse: a co-owner row, no owner row): she can be held all the same."""
    from sqlalchemy import delete

    from sohoa.archive.models import Owner

    wife = "075303001111"
    with opened(settings) as archive:
        shared = store(archive, None, "shared", owner_id="075203001234",
                       owner_name="Nguyễn Văn Hùng", co_owners=((wife, "Lê Thị Hoa"),))
        with archive.transaction(write=True) as conn:
            conn.execute(delete(Owner).where(Owner.id == wife))
        lst = disposal.propose(archive, registry=REGISTRY, as_of=AS_OF,
                               note="hết thời hạn bảo quản", by="Hà")
        assert lst is not None and lst["documents"] == 1
        disposal.approve(archive, lst["list"], decision=DECISION, by="Trần Văn Bình")
        hold = holds.place(archive, "owner", wife, reason="Tòa án yêu cầu lưu giữ", by="Hà")
        with archive.transaction(write=False) as conn:
            [seen] = list(retention.evaluate(conn, registry=REGISTRY, document_ids=[shared]))
        assert seen.holds == (hold["hold"],), seen
        disposal.start(archive, lst["list"], by="Lê Thu Hà")
        [outcome] = disposal.dispose(archive, lst["list"], [shared], by="Lê Thu Hà",
                                     decision=DECISION, registry=REGISTRY)
        assert outcome["disposed"] is False and outcome["holds"] == [hold["hold"]], outcome
        assert archive.get_document(shared)["status"] == "stored"


def test_held_document_survives_an_approved_list(settings: Settings, tmp_path: Path) -> None:
    ids = seed(settings)
    with opened(settings) as archive:
        # A hold before proposing keeps a record off the list altogether.
        holds.place(archive, "dossier", "HS-075-2015-0003", reason="thanh tra", by="Hà")
        lst = disposal.propose(archive, registry=REGISTRY, as_of=AS_OF,
                               note="hết thời hạn bảo quản", by="Hà")
        assert lst is not None
        listed = {i["document_id"] for i in disposal.get(archive, lst["list"])["items"]}
        assert listed == {ids["a"], ids["b"]}
        disposal.approve(archive, lst["list"], decision=DECISION, by="Trần Văn Bình")
        # A hold placed after approval: the item is skipped and reported.
        hold = holds.place(archive, "owner", "075203001234",
                           reason="Tòa án yêu cầu lưu giữ (Công văn 45/TA)", by="Hà")
        kept_pdf = archive.get_pdf(ids["a"])

    events: list[dict] = []
    result = execute(settings, lst["list"], by="Lê Thu Hà", emit=events.append)
    assert result["status"] == "executed"
    assert result["summary"]["disposed"] == 1 and result["summary"]["skipped"] == 1
    skipped = next(e for e in events if not e["disposed"])
    assert skipped["document_id"] == ids["a"] and skipped["holds"] == [hold["hold"]]

    with opened(settings) as archive:
        assert archive.get_pdf(ids["a"]) == kept_pdf  # the held document is intact
        assert archive.get_document(ids["a"])["status"] == "stored"
        gone = archive.get_document(ids["b"])
        assert gone["status"] == "disposed" and gone["text"] == ""  # a tombstone
        assert gone["extra"]["disposal"]["list"] == lst["list"]
        with pytest.raises(NotFoundError, match="đã bị tiêu hủy"):
            archive.get_pdf(ids["b"])
        assert not archive.blobs.exists(gone["pdf"]["sha256"])
        assert [h["document_id"] for h in archive.search("Trần Văn Đức")] == []
        assert archive.search("Ánh Tuyết")  # the held one is still found
        record = disposal.record_pdf(archive, lst["list"])
        ok, problems = archive.audit_verify()
        actions = {e["action"] for e in archive.audit_events(limit=50)}
    assert ok, problems
    assert {"disposal.proposed", "disposal.approved", "disposal.started", "document.disposed",
            "disposal.skipped", "disposal.executed", "hold.placed"} <= actions

    # The destruction record: signed by the agency, PDF/A, Vietnamese, names the list.
    report = verify_pdf(record, trust_roots=list(settings.trust_roots))
    assert report.valid, report
    text = pdftotext(record, tmp_path)
    assert "BIÊN BẢN HỦY TÀI LIỆU HẾT GIÁ TRỊ" in text
    assert f"Danh mục tài liệu hết giá trị số {lst['list']}" in text
    assert "Quyết định số 12/QĐ-UBND" in text and "Trần Văn Bình" in text
    assert ids["b"] in text  # disposed
    assert ids["a"] in text and "phong tỏa" in text  # kept back, with the reason
    pdfa = tmp_path / "record-for-verapdf.pdf"
    pdfa.write_bytes(record)
    assert verapdf(pdfa).startswith("PASS"), verapdf(pdfa)

    # The CLI gives the same record back, and the list as JSON.
    out = tmp_path / "bb.pdf"
    assert run_sohoa(settings.home, "disposal", "record", str(lst["list"]), "-o",
                     str(out)).returncode == 0
    assert out.read_bytes() == record
    shown = run_sohoa(settings.home, "disposal", "show", str(lst["list"]), "--json")
    data = json.loads(shown.stdout)
    assert data["status"] == "executed" and data["counts"] == {
        "listed": 0, "disposed": 1, "skipped": 1}
    assert "Trần Văn Bình" in shown.stdout  # UTF-8, not \\u escapes


def test_a_blob_another_kept_document_uses_is_not_deleted(settings: Settings) -> None:
    shared = page_image("shared-page")
    signer = signer_for(settings)
    with opened(settings) as archive:
        old = store(archive, signer, "old", images=[shared, page_image("old-1")])
        keep = store(archive, signer, "keep", doc_type="birth_certificate",
                     title="GIẤY KHAI SINH", retention="permanent", dossier="HS-2",
                     images=[shared, page_image("keep-1")])
        lst = disposal.propose(archive, registry=REGISTRY, as_of=AS_OF, note="hết hạn", by="Hà")
        assert lst is not None
        disposal.approve(archive, lst["list"], decision=DECISION, by="Bình")
        old_doc = archive.get_document(old)
    result = execute(settings, lst["list"], by="Hà")
    assert result["summary"]["blobs_shared"] == 1
    with opened(settings) as archive:
        shared_sha = old_doc["pages"][0]["blob_sha256"]
        assert archive.blobs.exists(shared_sha)
        assert archive.blobs.get(shared_sha) == shared
        assert not archive.blobs.exists(old_doc["pages"][1]["blob_sha256"])
        assert archive.get_pdf(keep)
        assert list(archive.unreferenced_blobs()) == []  # the record blob counts as kept


@pytest.mark.parametrize("kill_at", ["disposal_after_batch", "disposal_after_blob_delete",
                                     "disposal_after_record_blob"])
def test_execution_killed_with_sigkill_resumes_without_double_work(
        settings: Settings, kill_at: str) -> None:
    ids = seed(settings)
    with opened(settings) as archive:
        lst = disposal.propose(archive, registry=REGISTRY, as_of=AS_OF, note="hết hạn", by="Hà")
        assert lst is not None
        disposal.approve(archive, lst["list"], decision=DECISION, by="Bình")
        files = {i: archive.get_document(i)["pdf"]["sha256"] for i in (ids["a"], ids["b"])}
        every = {sha for i in files for sha in (
            files[i], *(p["blob_sha256"] for p in archive.get_document(i)["pages"]))}
        sizes = sum(archive.blobs.size(sha) or 0 for sha in every)
    killed = run_sohoa(settings.home, "disposal", "execute", str(lst["list"]),
                       env={faults.ENV: kill_at})
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    with opened(settings) as archive:
        assert disposal.get(archive, lst["list"], items=False)["status"] == "executing"

    again = run_sohoa(settings.home, "disposal", "execute", str(lst["list"]), "--json")
    assert again.returncode == 0, again.stderr
    final = json.loads(again.stdout.splitlines()[-1])
    assert final["status"] == "executed" and final["summary"]["disposed"] == 2
    # F21: the record counts the files the killed run deleted, not only the resumed run's
    assert (final["summary"]["blobs_removed"], final["summary"]["bytes_freed"]) == (
        len(every), sizes), final["summary"]
    with opened(settings) as archive:
        for doc_id, sha in files.items():
            assert archive.get_document(doc_id)["status"] == "disposed"
            assert not archive.blobs.exists(sha)
        record = disposal.record_pdf(archive, lst["list"])
        events = archive.audit_events(limit=100)
        ok, problems = archive.audit_verify()
        # Once each: a resumed run neither disposes twice nor writes a second record.
        disposed = [e for e in events if e["action"] == "document.disposed"]
        assert sorted(e["target"] for e in disposed) == sorted(files)
        assert [e["action"] for e in events].count("disposal.executed") == 1
        assert "disposal.resumed" in [e["action"] for e in events]
    assert ok, problems
    assert verify_pdf(record, trust_roots=list(settings.trust_roots)).valid
    assert run_sohoa(settings.home, "disposal", "execute", str(lst["list"])).returncode == 2


def test_cli_hold_and_plan_round_trip(settings: Settings) -> None:
    ids = seed(settings)
    home = settings.home
    added = run_sohoa(home, "hold", "add", "--document", ids["b"], "--reason",
                      "khiếu nại đang giải quyết", "--json")
    assert added.returncode == 0, added.stderr
    hold_id = json.loads(added.stdout)["hold"]
    listing = run_sohoa(home, "hold", "list", "--json")
    [row] = [json.loads(line) for line in listing.stdout.splitlines()]
    assert row["placed_by"] == "Lê Thu Hà" and row["reason"] == "khiếu nại đang giải quyết"
    plan = run_sohoa(home, "retention", "plan", "--as-of", "2025-12-01", "--json")
    cards = next(json.loads(line) for line in plan.stdout.splitlines()
                 if json.loads(line)["doc_type"] == "citizen_id_card")
    assert cards["held"] == 1 and cards["due"] == 1
    assert run_sohoa(home, "hold", "add", "--document", "nosuchdoc", "--reason",
                     "x").returncode == 5
    removed = run_sohoa(home, "hold", "remove", str(hold_id), "--reason", "đã giải quyết")
    assert removed.returncode == 0, removed.stderr
    text = run_sohoa(home, "retention", "plan", "--as-of", "2025-12-01")
    assert "2 đến hạn hủy vào 01/12/2025" in text.stdout


def test_a_paper_an_open_dossier_uses_is_not_destroyed_until_the_dossier_is_settled(
        settings: Settings) -> None:
    """An ID-card copy past its retention, reused as a component of a dossier still being
    settled: destroying it would leave the dossier pointing at nothing. It is kept off a new
    list, skipped (with why) by a list approved before the reuse, and proposable again once
    the dossier has its result."""
    from datetime import UTC, datetime

    from sohoa.archive import dossiers as dz
    from sohoa.records import DossierOpening

    ids = seed(settings)
    code = "H19.22-261201-0001"
    opening = DossierOpening(
        code=code, procedure_code="1.001193.000.00.00.H19", procedure_name="Đăng ký khai sinh",
        unit="H19.22", unit_level="xa", channel="counter", owner_id="075203001234",
        received_at=datetime(2026, 12, 1, 1, 0, tzinfo=UTC), appointment_date=None,
        components=(("TP2", "Căn cước của người đi đăng ký", "citizen_id_card", True),))
    with opened(settings) as archive:
        early = disposal.propose(archive, registry=REGISTRY, as_of=AS_OF,
                                 note="hết thời hạn bảo quản", by="Hà")
        assert early is not None
        disposal.approve(archive, early["list"], decision=DECISION, by="Trần Văn Bình")
        dz.open_dossier(archive, opening, by="Bình")
        dz.reuse(archive, code, ids["a"], component="TP2", by="Bình", purpose=code,
                 today=date(2026, 12, 1))
    # the list approved before the reuse: the paper in use is skipped, and says why
    events: list[dict] = []
    execute(settings, early["list"], by="Lê Thu Hà", emit=events.append)
    [kept] = [e for e in events if e["document_id"] == ids["a"]]
    assert not kept["disposed"] and code in kept["reason"], kept
    assert "chưa giải quyết xong" in kept["reason"]
    with opened(settings) as archive:
        assert archive.get_document(ids["a"])["status"] == "stored"
        # a new list leaves it off while the dossier is open …
        assert disposal.propose(archive, registry=REGISTRY, as_of=AS_OF,
                                note="hết thời hạn bảo quản", by="Hà") is None
        with archive.transaction(write=False) as conn:
            [a] = retention.evaluate(conn, registry=REGISTRY, document_ids=[ids["a"]])
        assert a.in_use == (code,) and not a.due(AS_OF)
        # … and takes it once the dossier is settled
        dz.set_status(archive, code, "resolved", at=datetime(2026, 12, 2, 3, 0, tzinfo=UTC),
                      by="Bình")
        later = disposal.propose(archive, registry=REGISTRY, as_of=AS_OF,
                                 note="hết thời hạn bảo quản", by="Hà")
        assert later is not None
        assert [i["document_id"] for i in disposal.get(archive, later["list"])["items"]] == [
            ids["a"]]
