"""One contract, two archives: every test here runs on the embedded backends (SQLite catalog,
file blob store) and on the scale-out ones (PostgreSQL catalog, S3 blob store), through the
Archive as the product uses it, with several processes where a cluster would have them."""

from __future__ import annotations

import json
import multiprocessing
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from archive_records import make_record
from backends import (
    Place,
    child_audit,
    child_open,
    child_store,
    child_sync,
)
from sqlalchemy import event, select

from sohoa.archive import Archive, documents
from sohoa.archive.catalog import current_revision, head_revision
from sohoa.archive.models import AuditEntry, Base, Document
from sohoa.errors import ConfigError


@pytest.fixture
def archive(place: Place) -> Iterator[Archive]:
    with place.open() as arc:
        yield arc


def in_processes(fn: Callable[..., Any], *calls: tuple[Any, ...]) -> list[Any]:
    """Run ``fn(*args, start)`` for each of ``calls`` in its own fresh process; ``start`` is a
    barrier that lets them all begin the racing part at the same moment."""
    ctx = multiprocessing.get_context("spawn")
    with ctx.Manager() as manager, ProcessPoolExecutor(max_workers=len(calls),
                                                        mp_context=ctx) as pool:
        start = manager.Barrier(len(calls))
        futures = [pool.submit(fn, *args, start) for args in calls]
        return [f.result(timeout=300) for f in futures]


# --- schema -------------------------------------------------------------------------------

def test_fresh_catalog_is_at_head_matches_the_models_and_reopens(place: Place) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    with place.open() as arc:
        assert current_revision(arc._writer) == head_revision()
        with arc._writer.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
        assert diff == [], f"the migrations and the models differ on {arc._writer.dialect.name}"
    with place.open() as arc:
        assert arc.stats()["documents"] == 0
        assert arc.audit_verify() == (True, [])


def test_close_releases_the_blob_store(place: Place) -> None:
    """Closing the archive closes the S3 store's boto3 client (its connection pool) too."""
    arc = place.open()
    closed: list[bool] = []
    client = getattr(arc.blobs, "_client", None)
    if client is not None:
        real = client.close
        client.close = lambda: (closed.append(True), real())[1]
    arc.close()
    assert closed == ([True] if client is not None else [])


def test_concurrent_first_opens_from_several_processes_all_succeed(place: Place) -> None:
    assert in_processes(child_open, *[(place.urls, place.s3)] * 3) == [0, 0, 0]
    with place.open() as arc:
        assert current_revision(arc._writer) == head_revision()
        assert arc.audit_verify() == (True, [])


def _downgrade(arc: Archive, revision: str) -> None:
    from alembic import command

    from sohoa.archive.catalog import alembic_config

    cfg = alembic_config()
    with arc._writer.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, revision)


def test_data_migrations_go_down_and_up_without_losing_anything(place: Place) -> None:
    """0019 and 0020 move data, not only columns: down and up again on both dialects, a
    proposed owner comes back as the owner (with an owners row) and aside again, a card's
    place of origin goes back to place_of_birth only where 0020 moved it."""
    from dataclasses import replace

    from sqlalchemy import text

    number, origin = "001090000017", "Xã Tân Phong, Thành phố Biên Hòa, Đồng Nai"
    with place.open() as arc:
        form, pdf, images = make_record("form", doc_type="other", title="TỜ KHAI",
                                        owner_id=None, needs_review=True)
        form = replace(form, proposed_owner_id=number, review_reasons=(
            f"Chủ sở hữu: đề xuất {number} theo số định danh đọc được trên giấy: cần người "
            "xác nhận",))
        form_id, _ = arc.store_document(form, pdf, images)
        card, pdf, images = make_record("card", doc_type="citizen_id_card", title="CĂN CƯỚC",
                                        fields={"place_of_birth": origin})
        card = replace(card, field_flags=("Nơi sinh: không xác nhận được địa danh",))
        card_id, _ = arc.store_document(card, pdf, images)
        new, pdf, images = make_record("new", doc_type="citizen_id_card", title="CĂN CƯỚC",
                                       fields={"place_of_origin": origin})
        new_id, _ = arc.store_document(new, pdf, images)
        retyped, pdf, images = make_record("retyped", doc_type="residence_confirmation",
                                           title="GIẤY XÁC NHẬN")
        aside = {"doc_type": "citizen_id_card", "fields": {"place_of_birth": origin}}
        retyped_id, _ = arc.store_document(replace(retyped, extra={"set_aside": aside}), pdf,
                                           images)
        _downgrade(arc, "0018")
        with arc._writer.connect() as conn:
            owned = dict(conn.execute(text("SELECT id, owner_id FROM documents")).all())
            row = conn.execute(text("SELECT kind FROM owners WHERE id = :i"), {"i": number}).one()
        assert owned[form_id] == number and row.kind == "person"
    with place.open() as arc:  # opening migrates to head: card moved, proposal aside again
        assert current_revision(arc._writer) == head_revision()
        moved = arc.get_document(form_id)
        assert (moved["owner_id"], moved["proposed_owner_id"]) == (None, number)
        doc = arc.get_document(card_id)
        assert doc["fields"] == {"place_of_origin": origin}
        assert doc["field_flags"] == ["Quê quán: không xác nhận được địa danh"]
        # a re-typed card's set-aside "Quê quán" too (review13a S3)
        assert arc.get_document(retyped_id)["extra"]["set_aside"]["fields"] == {
            "place_of_origin": origin}
        _downgrade(arc, "0019")
        # read as 0019's catalog holds it (today's get_document reads later tables too)
        with arc._writer.connect() as conn:
            rows = {r.id: (r.fields, r.field_flags, r.extra) for r in conn.execute(text(
                "SELECT id, fields, field_flags, extra FROM documents WHERE id IN (:a, :b, :c)"),
                {"a": card_id, "b": new_id, "c": retyped_id})}

        def loaded(value: object) -> object:
            return json.loads(value) if isinstance(value, str) else value

        back = {i: loaded(rows[i][0]) for i in (card_id, new_id)}
        assert back == {card_id: {"place_of_birth": origin}, new_id: {"place_of_origin": origin}}
        assert loaded(rows[card_id][1]) == list(card.field_flags)
        assert loaded(rows[retyped_id][2]) == {"set_aside": aside}


def test_shared_papers_get_their_co_owners_back_filled_and_taken_back(place: Place) -> None:
    """0022 on both dialects: a marriage certificate with no co-owner rows (stored before 0021)
    is the other spouse's after the upgrade, from its stored fields, and 0026 makes her owner
    row; the downgrades take back exactly the rows they made, but a row a reviewer named since
    (store15 N10)."""
    from dataclasses import replace

    from dossier_papers import HUSBAND, WIFE, marriage_certificate_text
    from sqlalchemy import text

    with place.open() as arc:
        rec, pdf, images = make_record("certificate", doc_type="marriage_certificate",
                                       title="GIẤY CHỨNG NHẬN KẾT HÔN", owner_id=HUSBAND,
                                       fields={"id_number": HUSBAND, "related_id_numbers": WIFE})
        cert, _ = arc.store_document(replace(rec, text=marriage_certificate_text()), pdf, images)
        assert arc.get_document(cert)["co_owner_ids"] == []
        _downgrade(arc, "0021")
    with place.open() as arc:  # opening migrates to head: 0022 fills the rows
        assert arc.get_document(cert)["co_owner_ids"] == [WIFE]
        with arc._writer.connect() as conn:  # and 0026 her owner row (review14a S7)
            assert conn.execute(text("SELECT kind, name FROM owners WHERE id = :i"),
                                {"i": WIFE}).all() == [("person", None)]
        _downgrade(arc, "0021")
        with arc._writer.connect() as conn:
            assert conn.execute(text("SELECT id FROM owners WHERE id = :i"),
                                {"i": WIFE}).all() == []
            rows = conn.execute(text("SELECT owner_id FROM document_co_owners")).all()
            extra = conn.execute(text("SELECT extra FROM documents WHERE id = :i"),
                                 {"i": cert}).scalar_one()
        assert rows == []
        assert "co_owners_backfilled" not in (json.loads(extra) if isinstance(extra, str)
                                              else extra)
    with place.open() as arc:  # up again; a reviewer names her; down: her row stays (N10)
        from datetime import UTC, datetime

        from sohoa.archive.owners import record_owner

        with arc._writer.begin() as conn:
            record_owner(conn, WIFE, "person", "Lê Thị Hoa", authoritative=True,
                         now=datetime(2026, 12, 8, 3, 0, tzinfo=UTC), reviewed=True)
        _downgrade(arc, "0025")
        with arc._writer.connect() as conn:
            assert conn.execute(text("SELECT kind, name FROM owners WHERE id = :i"),
                                {"i": WIFE}).all() == [("person", "Lê Thị Hoa")]
            extra = conn.execute(text("SELECT extra FROM documents WHERE id = :i"),
                                 {"i": cert}).scalar_one()
        assert "co_owner_rows_backfilled" not in (json.loads(extra) if isinstance(extra, str)
                                                  else extra)


def test_0022_keeps_the_co_owners_of_a_paper_reviewed_since(catalog_place: Place) -> None:
    """store16, N10's pattern in 0022, on both dialects: a back-filled certificate a reviewer
    has reviewed since keeps its co-owner row (and its note) through the downgrade, and the
    upgrade leaves it as the reviewer left it; an untouched one's row goes and comes back."""
    from dataclasses import replace

    from dossier_papers import HUSBAND, marriage_certificate_text
    from sqlalchemy import text

    wives = ("079195004321", "079195004322")
    with catalog_place.open() as arc:
        certs = []
        for n, wife in enumerate(wives):
            rec, pdf, images = make_record(f"certificate-{n}", doc_type="marriage_certificate",
                                           title="GIẤY CHỨNG NHẬN KẾT HÔN", owner_id=HUSBAND,
                                           fields={"id_number": HUSBAND,
                                                   "related_id_numbers": wife})
            certs.append(arc.store_document(replace(rec, text=marriage_certificate_text(wife)),
                                            pdf, images)[0])
        _downgrade(arc, "0021")
    with catalog_place.open() as arc:  # up: 0022 fills both; a reviewer reviews the first
        assert [arc.get_document(c)["co_owner_ids"] for c in certs] == [[w] for w in wives]
        with arc._writer.begin() as conn:
            conn.execute(text(
                "INSERT INTO review_events (document_id, round, action, error, reviewer, "
                "produced_by, at) VALUES (:d, 1, 'accept', false, 'Lê Thu Hà', 'sohoa', "
                ":at)"), {"d": certs[0], "at": "2026-12-08T03:00:00+00:00"})
        _downgrade(arc, "0021")
        with arc._writer.connect() as conn:
            rows = conn.execute(text("SELECT document_id, owner_id FROM document_co_owners")
                                ).all()
        assert [tuple(r) for r in rows] == [(certs[0], wives[0])]
    with catalog_place.open() as arc:
        assert [arc.get_document(c)["co_owner_ids"] for c in certs] == [[w] for w in wives]


def test_0025_keeps_the_rescans_through_a_downgrade(catalog_place: Place) -> None:
    """store16, N10's pattern in 0025, on both dialects: a clerk's rescans wait in the paper's
    extra while the table is away and come back as they were."""
    from sample_files import page_image

    with catalog_place.open() as arc:
        rec, pdf, images = make_record("receipt")
        receipt, _ = arc.store_document(rec, pdf, images)
        arc.record_rescan(receipt, job_id="job-lo3", pages=[{"source": "lo3.pdf", "index": 1}],
                          images=[page_image("rescan-signed")])
        before = arc.get_document(receipt)["rescans"]
        _downgrade(arc, "0024")
    with catalog_place.open() as arc:  # opening migrates to head: 0025 puts them back
        assert arc.get_document(receipt)["rescans"] == before
        assert "page_rescans_kept" not in arc.get_document(receipt)["extra"]


# --- documents ----------------------------------------------------------------------------

def test_quarantined_counts_open_inputs_once(archive: Archive) -> None:
    """stats() counts what quarantine_files() lists (`sohoa status` beside `sohoa quarantine`):
    repeats of one input once, each page apart, a file without a hash by its path, dismissed
    entries not at all — on both dialects."""
    from sohoa.records import Quarantined

    for run in range(3):
        job = archive.start_job(["/in/cut.pdf"], "H19.22")
        archive.record_quarantine(job, Quarantined("/in/cut.pdf", "bị cắt cụt", "a" * 64))
        archive.record_quarantine(job, Quarantined("/in/x.pdf", "trang đen", "b" * 64,
                                                   page_index=run % 2))
        archive.record_quarantine(job, Quarantined("/in/gone.tif", "không đọc được"))
        archive.record_quarantine(job, Quarantined("/in/mistake.pdf", "gửi nhầm", "c" * 64))
    [mistake] = [r for r in archive.quarantine_files() if r["source"] == "/in/mistake.pdf"]
    archive.dismiss_quarantine([mistake["id"]], reason="gửi nhầm", by="Hà")
    assert len(archive.quarantine_files()) == 4
    assert archive.stats()["quarantined"] == 4


def test_store_is_idempotent_and_reads_back(archive: Archive) -> None:
    rec, pdf, images = make_record("một", pages=2, text="Giấy khai sinh của Đặng Thị Thu")
    doc_id, created = archive.store_document(rec, pdf, images)
    assert created is True
    assert archive.store_document(rec, pdf, images) == (doc_id, False)
    doc = archive.get_document(doc_id)
    assert doc["title"] == "GIẤY KHAI SINH"
    assert [p["sha256"] for p in doc["pages"]] == [p.sha256 for p in rec.pages]
    assert archive.get_pdf(doc_id) == pdf
    assert all(archive.blobs.exists(p["blob_sha256"]) for p in doc["pages"])
    assert archive.stats() | {"search_pending": 0} == {
        "documents": 1, "owners": 1, "dossiers": 1, "quarantined": 0, "pages": 2,
        "needs_review": 0, "search_pending": 0}
    assert list(archive.unreferenced_blobs()) == []


def test_one_document_stored_by_two_processes_at_once_exists_once(place: Place) -> None:
    seeds = [f"race-{i}" for i in range(12)]
    results = in_processes(child_store, (place.urls, place.s3, seeds, {}),
                           (place.urls, place.s3, list(reversed(seeds)), {}))
    created: dict[str, int] = {}
    for doc_id, was_created in (r for batch in results for r in batch):
        created[doc_id] = created.get(doc_id, 0) + int(was_created)
    assert len(created) == len(seeds)
    assert set(created.values()) == {1}, "every document is created by exactly one process"
    with place.open() as arc:
        assert arc.stats()["documents"] == len(seeds)
        assert arc.stats()["pages"] == 2 * len(seeds)
        assert arc.audit_verify() == (True, [])
        with arc._reader.connect() as conn:
            stored = conn.execute(select(AuditEntry.target).where(
                AuditEntry.action == "document.stored")).scalars().all()
        assert sorted(stored) == sorted(created)


def test_different_documents_from_two_processes_keep_one_audit_chain(place: Place) -> None:
    a = [f"a-{i}" for i in range(10)]
    b = [f"b-{i}" for i in range(10)]
    owners = {s: f"0752030{i:05d}" for i, s in enumerate(a + b)}
    in_processes(child_store, (place.urls, place.s3, a, owners), (place.urls, place.s3, b, owners))
    with place.open() as arc:
        assert arc.stats()["documents"] == 20
        assert arc.stats()["owners"] == 20
        assert arc.audit_verify() == (True, [])
        with arc._reader.connect() as conn:
            seqs = conn.execute(select(AuditEntry.seq).order_by(AuditEntry.seq)).scalars().all()
        assert seqs == list(range(1, len(seqs) + 1))


def test_audit_and_access_logs_stay_single_chains_under_concurrent_writers(place: Place) -> None:
    # Both logs start empty: the first appends race for the chain head that does not exist yet.
    in_processes(child_audit, (place.urls, place.s3, "officer-a", 15),
                 (place.urls, place.s3, "officer-b", 15))
    with place.open() as arc:
        assert arc.audit_verify() == (True, [])
        events = arc.audit_events(limit=100)
        assert sum(e["action"] == "contract.event" for e in events) == 30
        access = arc.access_events(owner="075203001234", limit=100)
        assert len(access) == 30
        assert sorted(e["seq"] for e in access) == list(range(1, 31))


def test_reuse_is_answered_from_the_partial_covering_index(archive: Archive) -> None:
    owner = "075203009999"
    ids = {}
    for seed, doc_type, issued, valid in [
            ("cccd-old", "citizen_id", date(2010, 1, 5), date(2020, 1, 5)),
            ("cccd-new", "citizen_id", date(2021, 6, 1), date(2036, 6, 1)),
            ("birth", "birth_certificate", date(1990, 2, 3), None)]:
        rec, pdf, images = make_record(seed, owner_id=owner, doc_type=doc_type,
                                       issue_date=issued, valid_until=valid)
        ids[seed], _ = archive.store_document(rec, pdf, images)
    found = [r["document_id"] for r in archive.reuse(owner, valid_on=date(2025, 7, 2))]
    assert found == [ids["cccd-new"], ids["birth"]]
    assert [r["document_id"] for r in archive.reuse(
        owner, doc_type="citizen_id", valid_on=date(2015, 1, 1))] == [ids["cccd-old"]]
    if archive._reader.dialect.name == "postgresql":
        # Three rows would be a sequential scan; forbid that to see whether the index serves.
        with _statements(archive, "FROM documents") as seen:
            archive.reuse(owner, doc_type="citizen_id", valid_on=date(2025, 7, 2))
        # the owner's own papers (this index), and those shared with them (document_co_owners,
        # its own index: tests/archive checks that one)
        (statement, parameters), = [(s, p) for s, p in seen if "document_co_owners" not in s]
        with archive._reader.connect() as conn:
            conn.exec_driver_sql("SET enable_seqscan = off")
            plan = "\n".join(conn.exec_driver_sql("EXPLAIN " + statement, parameters).scalars())
        # From the index alone (PostgreSQL orders NULLs the other way, so it sorts the
        # owner's entries; SQLite reads them in order, see tests/archive).
        assert "Index Only Scan" in plan and "using ix_documents_reuse_newest" in plan, plan


@contextmanager
def _statements(archive: Archive, holding: str) -> Iterator[list[tuple[str, Any]]]:
    """The (statement, parameters) the catalog's reader runs meanwhile that hold ``holding``."""
    seen: list[tuple[str, Any]] = []

    def capture(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any,
                executemany: bool) -> None:
        if holding in statement:
            seen.append((statement, parameters))

    event.listen(archive._reader, "before_cursor_execute", capture)
    try:
        yield seen
    finally:
        event.remove(archive._reader, "before_cursor_execute", capture)


def test_reuse_pages_walk_the_answer_once_in_order(archive: Archive) -> None:
    owner = "075203008888"
    ids = {}
    # Same-day ties, an undated document (last), an expired and a not-yet-issued one (absent).
    for seed, issued, valid in [
            ("a", date(2024, 5, 1), None), ("b", date(2024, 5, 1), None),
            ("c", date(2024, 5, 1), date(2030, 1, 1)), ("d", date(2022, 1, 9), None),
            ("e", None, None), ("f", None, date(2031, 1, 1)), ("g", date(2019, 3, 3), None),
            ("expired", date(2020, 1, 1), date(2021, 1, 1)),
            ("future", date(2026, 1, 1), None)]:
        rec, pdf, images = make_record(f"page-{seed}", owner_id=owner, issue_date=issued,
                                       valid_until=valid)
        ids[seed], _ = archive.store_document(rec, pdf, images)
    day = date(2025, 7, 2)
    whole = archive.reuse(owner, valid_on=day)
    assert {r["document_id"] for r in whole} == {ids[k] for k in "abcdefg"}
    dated = [(r["issue_date"], r["document_id"]) for r in whole if r["issue_date"]]
    assert dated == sorted(dated, reverse=True)  # newest first, ties by id (descending)
    assert [r["issue_date"] for r in whole[-2:]] == [None, None]  # undated last
    assert whole[-2]["document_id"] > whole[-1]["document_id"]
    for size in (1, 2, 3, 7):
        walked, after = [], None
        while True:
            page = archive.reuse(owner, valid_on=day, limit=size, after=after)
            walked += page
            if len(page) < size:
                break
            after = documents.reuse_cursor(page[-1])
        assert walked == whole, size
    with pytest.raises(ConfigError, match="không phải vị trí trang"):
        archive.reuse(owner, valid_on=day, after="yesterday~abc")


# --- search outbox ------------------------------------------------------------------------

def test_outbox_drained_by_several_processes_indexes_each_document(place: Place) -> None:
    seeds = [f"outbox-{i}" for i in range(15)]
    child_store(place.urls, place.s3, seeds, {})
    applied = in_processes(child_sync, (place.urls, place.s3), (place.urls, place.s3),
                           (place.urls, place.s3))
    assert sum(applied) == len(seeds), "each outbox row is applied by exactly one process"
    with place.open() as arc:
        assert arc.search_pending() == 0
        assert arc.index.count() == len(seeds)
        hits = arc.search("nguyen van an", limit=50)
        assert len(hits) == len(seeds)
        assert len({h["document_id"] for h in hits}) == len(seeds)


def test_stage_cache_jobs_and_quarantine(archive: Archive) -> None:
    from sohoa.records import Quarantined

    archive.cache_put("analyze", "k1", {"text": "Đồng Nai", "n": 1})
    archive.cache_put("analyze", "k1", {"text": "Đồng Nai", "n": 2})
    assert archive.cache_get("analyze", "k1") == {"text": "Đồng Nai", "n": 2}
    job = archive.start_job(["/scans/a.pdf"], "H19.22")
    archive.record_quarantine(job, Quarantined(source="/scans/b.pdf", reason="truncated PDF"))
    archive.input_done(job, "/scans/a.pdf", "ab" * 32, "stored")
    archive.finish_job(job, {"stored": 1, "quarantined": 1})
    assert archive.get_job(job)["status"] == "finished"
    assert archive.input_outcome("ab" * 32)["status"] == "stored"
    assert [q["reason"] for q in archive.list_quarantine()] == ["truncated PDF"]
    assert archive.audit_verify() == (True, [])


def test_recent_jobs_are_read_with_a_limit_and_shown_as_before(archive: Archive) -> None:
    """The web jobs page asks for the newest jobs every few seconds: the catalog must be asked
    for that many rows (LIMIT), not for every job ever (psycopg fetches a whole result), and the
    list is the one the status rule gives (a running job whose process is gone: interrupted)."""
    import socket
    import subprocess
    from datetime import timedelta

    from sqlalchemy import update

    from sohoa.archive import jobs as job_state
    from sohoa.archive.models import Job
    from sohoa.archive.values import utc_now

    probe = subprocess.Popen(["true"])  # a pid that no longer runs: its jobs were killed
    probe.wait()
    gone = f"{socket.gethostname()}:{probe.pid}:1"
    kinds = ["finished", "failed", "finished", "gone", "alive", "finished", "interrupted",
             "failed", "gone", "finished"] * 4
    base = utc_now() - timedelta(hours=2)
    with archive.transaction(write=True) as conn:
        for i, kind in enumerate(kinds):
            job = job_state.start(conn, [f"/scans/{i}.pdf"], "H19.22",
                                  job_state.this_runner() if kind == "alive" else None)
            values: dict[str, Any] = {"started_at": base + timedelta(seconds=i)}
            if kind in ("finished", "failed", "interrupted"):
                values["status"] = kind
            if kind == "gone":
                values["runner"] = gone
            conn.execute(update(Job).where(Job.id == job).values(**values))

    with archive.transaction(write=False) as conn:
        every = [job_state._job_dict(r) for r in conn.execute(
            select(Job).order_by(Job.started_at.desc())).mappings()]
    with _statements(archive, "FROM jobs") as seen:
        for status in (None, "finished", "failed", "interrupted", "running"):
            for limit in (1, 3, 50):
                seen.clear()
                shown = archive.jobs(status=status, limit=limit)
                want = [j for j in every if status is None or j["status"] == status][:limit]
                assert [(j["job_id"], j["status"]) for j in shown] == [
                    (j["job_id"], j["status"]) for j in want], (status, limit)
                # Only the few rows recorded as running may be read whole (each may be shown
                # interrupted); everything else is asked for with a LIMIT.
                unlimited = [(q, p) for q, p in seen if "LIMIT" not in q.upper()]
                assert all("running" in str(p) for _, p in unlimited), (status, unlimited)
                if status != "running":
                    assert len(unlimited) < len(seen), (status, seen)
    assert len(archive.jobs(limit=1000)) == len(kinds)


def test_known_inputs_are_remembered_unless_the_job_quarantined_part_of_them(
        archive: Archive) -> None:
    from sohoa.records import Quarantined

    pages = [{"sha256": "cd" * 32, "mime": "image/jpeg", "width": 1240, "height": 1754,
              "dpi": 150, "rendered": "", "converted": ""},
             {"sha256": "ef" * 32, "mime": "image/jpeg", "width": 620, "height": 417,
              "dpi": 300, "rendered": "trang có chữ ngoài ảnh quét (300 dpi)", "converted": ""}]
    job = archive.start_job(["/scans/a.pdf", "/scans/b.pdf"], None)
    archive.record_quarantine(job, Quarantined("/scans/b.pdf", "page 2 is truncated",
                                               "bb" * 32, 1))
    assert archive.known_input("aa" * 32) is None
    assert archive.remember_input(job, "aa" * 32, pages)
    assert not archive.remember_input(job, "bb" * 32, pages[:1])  # partly quarantined
    assert archive.known_input("aa" * 32) == pages
    assert archive.known_input("bb" * 32) is None
    # a later job that reads the file again whole records it again (an upsert, no error)
    again = archive.start_job(["/scans/b.pdf"], None)
    assert archive.remember_input(again, "bb" * 32, pages[:1])
    assert archive.remember_input(again, "aa" * 32, pages)
    assert archive.known_input("bb" * 32) == pages[:1]
    # a file that no longer reads back as remembered is forgotten (knownfiles.materialize)
    archive.forget_input("bb" * 32)
    assert archive.known_input("bb" * 32) is None
    assert archive.known_input("aa" * 32) == pages


def test_document_rows_point_only_at_blobs_that_exist(archive: Archive) -> None:
    rec, pdf, images = make_record("blobs", pages=3)
    doc_id, _ = archive.store_document(rec, pdf, images)
    with archive._reader.connect() as conn:
        pdf_sha = conn.execute(select(Document.pdf_sha256).where(Document.id == doc_id)
                               ).scalar_one()
    assert archive.blobs.get(pdf_sha) == pdf
    stray = archive.blobs.put(b"left by a crash before the catalog commit")
    assert list(archive.unreferenced_blobs()) == [stray]


# --- kill -9 in the middle of a store -------------------------------------------------------

CHILD = """
import json, sys
sys.path.insert(0, sys.argv[1])
from backends import child_store
from sohoa.archive.s3blobs import S3Options
place = json.loads(sys.argv[2])
s3 = S3Options(**place["s3"]) if place["s3"] else None
child_store(tuple(place["urls"]), s3, ["crash"], {})
print("stored")
"""


@pytest.mark.parametrize("kill_at", ["after_blobs", "before_commit"])
def test_sigkill_inside_store_leaves_nothing_half_stored_and_no_lock_held(
        place: Place, kill_at: str) -> None:
    import dataclasses
    import json
    import os
    import signal
    import subprocess
    import sys

    from sohoa.archive import faults

    with place.open() as arc:
        arc.audit("test.setup", actor="pytest")
    env = {**os.environ, faults.ENV: kill_at}
    spec = json.dumps({"urls": place.urls,
                       "s3": dataclasses.asdict(place.s3) if place.s3 else None})
    done = subprocess.run([sys.executable, "-c", CHILD, str(Path(__file__).parent), spec],
                          env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == -signal.SIGKILL, done.stderr
    rec, pdf, images = make_record("crash", pages=2)
    with place.open() as arc:
        assert arc.has_document(rec.doc_key) is None
        assert arc.stats()["pages"] == 0
        assert arc.search_pending() == 0
        assert [e["action"] for e in arc.audit_events()] == ["test.setup"]
        # The killed writer held the audit chain's lock: the server released it with the
        # session, so this store does not wait.
        doc_id, created = arc.store_document(rec, pdf, images)
        assert created
        assert arc.get_pdf(doc_id) == pdf
        assert arc.audit_verify() == (True, [])
        assert list(arc.unreferenced_blobs()) == []


def test_a_catalog_locked_past_the_wait_says_so_and_to_run_it_again(pg_place: Place) -> None:
    """tester14: a PostgreSQL catalog locked by hand (or a long backup) made a desk's ingest
    wait without a word, while SQLite gives up after ``catalog.busy_timeout_s`` with the reason.
    Now PostgreSQL waits as long (lock_timeout) and says the same."""
    from races import racing
    from sqlalchemy import text

    from sohoa.errors import StorageBusyError

    holder = pg_place.open()
    waiting = Archive.open(*pg_place.urls, busy_timeout_s=0.5)
    try:
        racer, outcome = racing(waiting.stats)
        with holder.transaction(write=True) as conn:
            conn.execute(text("LOCK TABLE documents IN ACCESS EXCLUSIVE MODE"))
            racer.start()
            racer.join(timeout=30)  # without the timeout it waits until the lock goes
        racer.join(timeout=60)
        [refused] = outcome
        assert isinstance(refused, StorageBusyError), refused
        said = str(refused)
        assert "khóa quá 0,5 giây" in said and "chạy lại đúng lệnh này" in said, said
        assert waiting.stats()["documents"] == 0  # the pooled session works once it is free
    finally:
        waiting.close()
        holder.close()
