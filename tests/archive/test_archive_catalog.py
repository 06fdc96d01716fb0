from __future__ import annotations

import json
import sqlite3
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from archive_records import make_record, open_archive
from sqlalchemy import event, select, text

from sohoa.archive import Archive, documents
from sohoa.archive.catalog import current_revision, head_revision, make_engines, migrate
from sohoa.archive.models import Base
from sohoa.errors import ConfigError, NotFoundError, VerificationError
from sohoa.records import Quarantined


def test_fresh_catalog_is_at_head_and_reopening_is_a_noop(tmp_path: Path) -> None:
    with open_archive(tmp_path):
        pass
    writer, reader = make_engines(f"sqlite:///{tmp_path}/catalog.db")
    try:
        assert current_revision(reader) == head_revision()
        assert migrate(writer) is False
    finally:
        writer.dispose()
        reader.dispose()
    with open_archive(tmp_path) as arc:
        assert arc.stats()["documents"] == 0


def test_migrations_match_the_models(tmp_path: Path) -> None:
    with open_archive(tmp_path):
        pass
    writer, _reader = make_engines(f"sqlite:///{tmp_path}/catalog.db")
    try:
        with writer.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    finally:
        writer.dispose()
    assert diff == []


def test_sqlite_settings(archive: Archive) -> None:
    with archive._writer.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() == 30000
    with archive._reader.connect() as conn:  # reads through a memory map (capped by SQLite)
        assert conn.execute(text("PRAGMA mmap_size")).scalar() >= 1 << 30


@pytest.mark.parametrize(("db", "blobs", "search", "says"), [
    ("mysql://x/y", "file:///b", "tantivy:///i", "sqlite:///"),
    ("sqlite:///{t}/c.db", "gs://bucket/p", "tantivy:///i", "file:///.*s3://bucket"),
    ("sqlite:///{t}/c.db", "s3://Not_A_Bucket/p", "tantivy:///i", "tên bucket"),
    ("sqlite:///{t}/c.db", "file:///b", "solr://localhost:8983", "http://host:9200"),
    ("sqlite:///{t}/c.db", "file:///b", "http://localhost:9200/Big/Index", "một từ viết thường"),
    ("sqlite:///{t}/c.db", "file://relative/b", "tantivy:///i", "đường dẫn trên máy này"),
    ("sqlite:///relative.db", "file:///b", "tantivy:///i", "đường dẫn tuyệt đối tới tệp"),
    ("sqlite://", "file:///b", "tantivy:///i", "đường dẫn tuyệt đối tới tệp"),
])
def test_unknown_schemes_say_which_exist(tmp_path: Path, db: str, blobs: str, search: str,
                                         says: str) -> None:
    with pytest.raises(ConfigError, match=says):
        Archive.open(db.format(t=tmp_path), blobs, search)


def test_store_twice_gives_one_row_and_created_false(archive: Archive) -> None:
    rec, pdf, images = make_record("a")
    doc_id, created = archive.store_document(rec, pdf, images)
    assert (doc_id, created) == (rec.doc_key[:16], True)
    assert archive.has_document(rec.doc_key) == doc_id
    assert archive.store_document(rec, pdf, images) == (doc_id, False)
    stats = archive.stats()
    assert stats["documents"] == 1
    assert stats["pages"] == 1
    assert stats["owners"] == 1
    assert stats["dossiers"] == 1
    assert [e["action"] for e in archive.audit_events(target=doc_id)] == ["document.stored"]
    assert archive.get_pdf(doc_id) == pdf


def test_get_document_returns_all_metadata_as_json_ready_values(archive: Archive) -> None:
    rec, pdf, images = make_record(
        "qd", title="QUYẾT ĐỊNH", doc_type="decision", pages=2,
        fields={"document_number": "123/2024/QĐ-UBND", "issuing_body": "UBND tỉnh Đồng Nai"},
        valid_until=date(2029, 3, 1), retention="P10Y")
    doc_id, _ = archive.store_document(rec, pdf, images)
    doc = archive.get_document(doc_id)
    assert doc["title"] == "QUYẾT ĐỊNH"
    assert doc["document_number"] == "123/2024/QĐ-UBND"
    assert doc["issuing_body"] == "UBND tỉnh Đồng Nai"
    assert doc["issue_date"] == "2024-03-01"
    assert doc["valid_until"] == "2029-03-01"
    assert doc["owner"] == {"id": "075203001234", "kind": "person", "name": "Nguyễn Văn An"}
    assert doc["dossier"]["receiving_unit"] == "UBND phường Tân Phong"
    assert doc["signature"]["level"] == "B-LT"
    assert doc["signature"]["signed_at"] == "2024-03-01T09:30:00+00:00"
    assert doc["pdf"] == {"sha256": rec.pdf_sha256, "size": len(pdf)}
    assert [p["position"] for p in doc["pages"]] == [0, 1]
    assert doc["pages"][1]["blob_sha256"] == rec.pages[1].sha256
    assert archive.blobs.get(doc["pages"][0]["blob_sha256"]) == images[0]
    arc = doc["archival"]
    assert arc["ten_loai_van_ban"] == "Quyết định"
    assert (arc["so"], arc["ky_hieu"]) == ("123/2024", "QĐ-UBND")  # the year stays
    assert arc["ngay_thang_nam"] == "2024-03-01"
    assert arc["so_luong_trang"] == 2
    assert arc["thoi_han_bao_quan"] == "10 năm"
    assert arc["ngon_ngu"] == "Tiếng Việt"
    with pytest.raises(NotFoundError):
        archive.get_document("0" * 16)
    with pytest.raises(NotFoundError):
        archive.get_pdf("0" * 16)


def test_unknown_validity_is_null_and_flagged_in_every_outward_face(archive: Archive) -> None:
    """The registry's VALIDITY_UNKNOWN (date.min) stays in the catalog (reuse never offers the
    paper) but never reaches a clerk or the one-stop system as year 1 (tester11 F2)."""
    import json

    from sohoa.archive.sync_models import SyncEvent
    from sohoa.doctypes import VALIDITY_UNKNOWN

    rec, pdf, images = make_record("vu", doc_type="citizen_id_card", title="CĂN CƯỚC CÔNG DÂN",
                                   valid_until=VALIDITY_UNKNOWN)
    doc_id, _ = archive.store_document(rec, pdf, images)
    doc = archive.get_document(doc_id)
    assert doc["valid_until"] is None and doc["validity_unknown"] is True
    with archive.transaction(write=False) as conn:
        body = json.loads(conn.execute(select(SyncEvent.body)).scalar_one())["data"]
    assert body["ThoiHanHieuLuc"] is None and body["ThoiHanVinhVien"] is False
    assert "0001-01-01" not in json.dumps(doc)
    permanent, pdf2, images2 = make_record("vp")
    other = archive.get_document(archive.store_document(permanent, pdf2, images2)[0])
    assert other["valid_until"] is None and other["validity_unknown"] is False


def test_text_is_stored_nfc(archive: Archive) -> None:
    decomposed = "Nguye\u0302\u0303n Va\u0306n An"  # NFD "Nguyễn Văn An"
    rec, pdf, images = make_record("nfd", owner_name=decomposed, text=decomposed)
    doc_id, _ = archive.store_document(rec, pdf, images)
    doc = archive.get_document(doc_id)
    assert doc["owner"]["name"] == "Nguyễn Văn An"
    assert doc["text"] == "Nguyễn Văn An"


def test_jobs_inputs_and_quarantine(archive: Archive) -> None:
    job = archive.start_job(["/scans/a.pdf", "/scans/b.tif"], "UBND xã Hóa An")
    archive.input_done(job, "/scans/a.pdf", "a" * 64, "stored")
    archive.input_done(job, "/scans/a.pdf", "a" * 64, "duplicate")  # a rerun updates, not adds
    q = Quarantined(source="/scans/b.tif", reason="Tệp bị hỏng: không đọc được trang 2",
                    sha256="b" * 64, page_index=1)
    archive.record_quarantine(job, q)
    archive.record_quarantine(job, q)
    archive.input_done(job, "/scans/b.tif", "b" * 64, "quarantined", q.reason)
    archive.finish_job(job, {"stored": 0, "duplicates": 1, "quarantined": 1})
    info = archive.get_job(job)
    assert info["status"] == "finished"
    assert info["summary"] == {"stored": 0, "duplicates": 1, "quarantined": 1}
    assert [(d["source"], d["status"]) for d in info["done"]] == [
        ("/scans/a.pdf", "duplicate"), ("/scans/b.tif", "quarantined")]
    assert archive.input_outcome("b" * 64)["status"] == "quarantined"  # type: ignore[index]
    assert archive.input_outcome("c" * 64) is None
    assert [j["job_id"] for j in archive.jobs()] == [job]
    assert archive.jobs(status="running") == []
    listed = archive.list_quarantine()
    assert len(listed) == 1
    assert listed[0]["reason"] == q.reason
    assert listed[0]["page_index"] == 1
    assert archive.stats()["quarantined"] == 1
    with pytest.raises(NotFoundError):
        archive.finish_job("nope", {})
    with pytest.raises(NotFoundError):
        archive.input_done("nope", "x", "c" * 64, "stored")


def test_stage_cache_round_trips_json(archive: Archive) -> None:
    assert archive.cache_get("ocr", "f" * 64) is None
    archive.cache_put("ocr", "f" * 64, {"text": "Đồng Nai", "confidence": 0.93, "words": [1, 2]})
    assert archive.cache_get("ocr", "f" * 64) == {
        "text": "Đồng Nai", "confidence": 0.93, "words": [1, 2]}
    archive.cache_put("ocr", "f" * 64, {"text": "Biên Hòa"})
    assert archive.cache_get("ocr", "f" * 64) == {"text": "Biên Hòa"}
    assert archive.cache_get("classify", "f" * 64) is None


def test_reuse_lists_valid_documents_newest_first(archive: Archive) -> None:
    owner = "075203001234"
    specs = [
        ("birth", "birth_certificate", date(2003, 5, 1), None),  # permanent
        ("id-old", "citizen_id", date(2016, 1, 10), date(2021, 1, 10)),  # expired
        ("id-new", "citizen_id", date(2021, 1, 12), date(2036, 1, 12)),
        ("lic", "business_license", date(2023, 7, 1), date(2025, 7, 1)),
    ]
    ids = {}
    for seed, doc_type, issued, until in specs:
        rec, pdf, images = make_record(seed, doc_type=doc_type, issue_date=issued,
                                       valid_until=until, owner_id=owner)
        ids[seed], _ = archive.store_document(rec, pdf, images)
    other, pdf, images = make_record("other", owner_id="079190000001", owner_name="Trần Thị Bình")
    archive.store_document(other, pdf, images)

    on_2024 = archive.reuse(owner, valid_on=date(2024, 6, 1))
    assert [r["document_id"] for r in on_2024] == [ids["lic"], ids["id-new"], ids["birth"]]
    assert on_2024[2]["valid_until"] is None
    assert on_2024[0]["signature"] == {"level": "B-LT", "signer": "UBND phường Tân Phong"}
    assert set(on_2024[0]) == {"document_id", "doc_type", "title", "document_number",
                               "issuing_body", "issue_date", "valid_until", "signature",
                               "needs_review"}
    # valid_until is inclusive; the day after, the licence is gone.
    on_last_day = archive.reuse(owner, valid_on=date(2025, 7, 1))
    assert ids["lic"] in [r["document_id"] for r in on_last_day]
    assert ids["lic"] not in [r["document_id"]
                              for r in archive.reuse(owner, valid_on=date(2025, 7, 2))]
    assert [r["document_id"] for r in archive.reuse(
        owner, doc_type="citizen_id", valid_on=date(2018, 1, 1))] == [ids["id-old"]]
    assert archive.reuse("000000000000") == []


def test_reuse_never_offers_a_paper_waiting_for_review(archive: Archive) -> None:
    # Review 11b S6: a letter of type 'other' naming a citizen's number is stored with that
    # number proposed as its owner and waiting for review; it is not listed under that
    # person (sohoa reuse, API /owners/{id}/documents) until a person confirms it.
    owner = "075203001234"
    own, pdf, images = make_record("own", owner_id=owner)
    own_id, _ = archive.store_document(own, pdf, images)
    letter, pdf, images = make_record("letter", doc_type="other", title="CÔNG VĂN",
                                      owner_id=owner, needs_review=True)
    letter_id, _ = archive.store_document(letter, pdf, images)
    listed = [r["document_id"] for r in archive.reuse(owner, valid_on=date(2024, 6, 1))]
    assert listed == [own_id] and letter_id not in listed
    with archive.transaction(write=False) as conn:
        assert [r["document_id"] for r in documents.reuse(conn, owner, None, date(2024, 6, 1))] \
            == [own_id]


def test_reuse_is_answered_from_the_covering_index_alone(archive: Archive) -> None:
    rec, pdf, images = make_record("x")
    archive.store_document(rec, pdf, images)
    day = date(2024, 6, 1)
    seen: list[str] = []

    # SQLite lookups run on the driver's cursor (documents.reuse_sqlite): trace what it runs.
    def trace(dbapi_conn, record, proxy):
        dbapi_conn.set_trace_callback(seen.append)

    def untrace(dbapi_conn, record):
        dbapi_conn.set_trace_callback(None)

    event.listen(archive._reader, "checkout", trace)
    event.listen(archive._reader, "checkin", untrace)
    try:
        for doc_type in ("birth_certificate", None):
            found = archive.reuse(rec.owner_id or "", doc_type=doc_type, valid_on=day)
            assert len(found) == 1
            # The same answer as the portable statement through SQLAlchemy (PostgreSQL's path).
            with archive.transaction(write=False) as conn:
                assert found == documents.reuse(conn, rec.owner_id or "", doc_type, day)
    finally:
        event.remove(archive._reader, "checkout", trace)
        event.remove(archive._reader, "checkin", untrace)
    # Each lookup reads the owner's own papers and those shared with them (a spouse's
    # marriage certificate: document_co_owners), and its counterpart through SQLAlchemy.
    statements = [s for s in seen if "FROM documents" in s]
    own = [s for s in statements if "document_co_owners" not in s]
    shared = [s for s in statements if "document_co_owners" in s]
    assert len(own) == 4 and len(shared) == 4
    db = sqlite3.connect(archive._reader.url.database)
    try:
        for statement in own:
            plan = " ".join(r[3] for r in db.execute("EXPLAIN QUERY PLAN " + statement))
            assert "USING COVERING INDEX ix_documents_reuse_newest" in plan, plan
            assert "TEMP B-TREE" not in plan, plan  # the index order is the answer's
        for statement in shared:
            # found through the co-owners' index, each paper by its key: never a scan of
            # the documents (a person shares a handful of papers, sorted in memory)
            plan = " ".join(r[3] for r in db.execute("EXPLAIN QUERY PLAN " + statement))
            assert "ix_document_co_owners_owner_id" in plan, plan
            assert "SCAN documents" not in plan, plan
    finally:
        db.close()


def test_concurrent_stores_of_one_document_create_it_once(archive: Archive) -> None:
    rec, pdf, images = make_record("race", pages=3)
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda _: archive.store_document(rec, pdf, images), range(8)))
    assert {doc_id for doc_id, _ in results} == {rec.doc_key[:16]}
    assert sum(created for _, created in results) == 1
    assert archive.stats()["documents"] == 1
    assert archive.stats()["pages"] == 3
    assert archive.audit_verify() == (True, [])


def test_pdf_that_does_not_match_its_record_is_refused(archive: Archive) -> None:
    rec, pdf, images = make_record("bad")
    with pytest.raises(VerificationError):
        archive.store_document(rec, pdf + b"%% tampered", images)
    assert archive.stats()["documents"] == 0


def test_models_compile_for_postgresql_without_sqlite_only_sql() -> None:
    from sqlalchemy.dialects import postgresql
    from sqlalchemy.schema import CreateIndex, CreateTable

    from sohoa.archive import documents

    dialect = postgresql.dialect()
    ddl = []
    for table in Base.metadata.sorted_tables:
        ddl.append(str(CreateTable(table).compile(dialect=dialect)))
        ddl.extend(str(CreateIndex(ix).compile(dialect=dialect)) for ix in table.indexes)
    text_ddl = "\n".join(ddl)
    assert ("CREATE INDEX ix_documents_reuse_newest ON documents (owner_id, status, "
            "issue_date, id,") in text_ddl
    assert "WHERE status = 'stored'" in text_ddl
    assert "TIMESTAMP WITH TIME ZONE" in text_ddl
    reuse_sql = str(documents._REUSE[True, "dated"].compile(dialect=dialect))
    assert "documents.status = 'stored'" in reuse_sql
    assert "ORDER BY documents.issue_date DESC NULLS LAST, documents.id DESC" in reuse_sql
    assert "LIMIT %(limit)s::BIGINT" in reuse_sql


def test_concurrent_first_opens_of_one_archive_all_succeed(tmp_path: Path) -> None:
    def open_and_count(_: int) -> int:
        with open_archive(tmp_path) as arc:
            return arc.stats()["documents"]

    with ThreadPoolExecutor(max_workers=4) as pool:
        assert list(pool.map(open_and_count, range(4))) == [0, 0, 0, 0]
    with open_archive(tmp_path) as arc:
        assert arc.audit_verify() == (True, [])


def test_switch_to_wal_waits_for_a_reader_that_is_about_to_write(tmp_path: Path) -> None:
    # The race two processes opening a new catalog run into: one holds a read lock and wants
    # the write lock while the other switches the file to WAL. SQLite refuses the switch at
    # once (its busy handler is skipped to avoid a deadlock); the open must wait instead.
    db = tmp_path / "catalog.db"
    other = sqlite3.connect(db, isolation_level=None, check_same_thread=False)
    other.execute("create table t (x)")
    other.execute("begin")
    other.execute("select * from t").fetchall()
    other.execute("insert into t values (1)")  # holds RESERVED on a rollback-journal file

    def let_go() -> None:
        time.sleep(0.3)
        other.execute("commit")

    writer, reader = make_engines(f"sqlite:///{db}")
    try:
        with ThreadPoolExecutor(max_workers=1) as pool:
            done = pool.submit(let_go)
            with reader.connect() as conn:
                assert conn.exec_driver_sql("pragma journal_mode").scalar() == "wal"
            done.result()
    finally:
        writer.dispose()
        reader.dispose()
        other.close()


def test_migrations_downgrade_to_empty_and_upgrade_again(tmp_path: Path) -> None:
    from alembic import command
    from sqlalchemy import inspect

    from sohoa.archive.catalog import alembic_config

    writer, reader = make_engines(f"sqlite:///{tmp_path}/catalog.db")
    try:
        assert migrate(writer) is True
        cfg = alembic_config()
        with writer.begin() as conn:
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, "base")
        assert current_revision(reader) is None
        assert set(inspect(reader).get_table_names()) == {"alembic_version"}
        assert migrate(writer) is True
        assert current_revision(reader) == head_revision()
    finally:
        writer.dispose()
        reader.dispose()


def test_head_revision_read_from_the_migration_files_is_alembics(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Opening an archive asks for the newest migration; it is read from the files' own lines
    (alembic and every migration module stay unimported), and must be what alembic says."""
    from alembic.script import ScriptDirectory

    from sohoa.archive import catalog

    alembic_head = ScriptDirectory.from_config(catalog.alembic_config()).get_current_head()
    assert catalog.head_revision() == alembic_head
    # A merge (a tuple of parents) is not read from the lines: alembic is asked.
    versions = tmp_path / "migrations" / "versions"
    versions.mkdir(parents=True)
    (versions / "__init__.py").write_text("")
    (versions / "a.py").write_text('revision = "a"\ndown_revision = None\n')
    (versions / "b.py").write_text('revision = "b"\ndown_revision = None\n')
    (versions / "m.py").write_text('revision = "m"\ndown_revision = ("a", "b")\n')
    asked: list[str] = []
    monkeypatch.setattr(catalog, "MIGRATIONS_DIR", tmp_path / "migrations")
    monkeypatch.setattr(catalog, "_alembic_head", lambda: asked.append("m") or "m")
    catalog.head_revision.cache_clear()
    try:
        assert catalog.head_revision() == "m" and asked == ["m"]
        (versions / "m.py").unlink()  # two heads: alembic is asked again
        catalog.head_revision.cache_clear()
        assert catalog.head_revision() == "m" and asked == ["m", "m"]
        (versions / "b.py").write_text('revision = "b"\ndown_revision = "a"\n')
        catalog.head_revision.cache_clear()
        assert catalog.head_revision() == "b" and len(asked) == 2  # read from the lines
    finally:
        catalog.head_revision.cache_clear()


def _migrate_to(root: Path, revision: str) -> None:
    """Downgrade the home's catalog to ``revision`` (upgrade again: ``migrate``)."""
    from alembic import command

    from sohoa.archive.catalog import alembic_config

    writer, reader = make_engines(f"sqlite:///{root}/catalog.db")
    try:
        cfg = alembic_config()
        with writer.begin() as conn:
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, revision)
    finally:
        writer.dispose()
        reader.dispose()


def _rows(root: Path, sql: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(root / "catalog.db") as conn:
        return conn.execute(sql).fetchall()


def test_a_proposal_stored_as_the_owner_before_0019_is_moved_aside(tmp_path: Path) -> None:
    """Catalogs written before 0019 stored a proposed owner as the owner: the migration moves
    it to ``proposed_owner_id`` (the review reason says "đề xuất <number>"), so no listing
    presents it as the owner; a confident owner stays. The downgrade puts every proposal back
    as the owner, as the code before 0019 kept it — with an owners row for a number stored
    since, which has none — so going down and up loses no number."""
    owner, since = "075203001234", "001090000017"
    root = tmp_path / "home"
    root.mkdir()
    with open_archive(root) as archive:
        sure, pdf, images = make_record("sure", owner_id=owner)
        sure_id, _ = archive.store_document(sure, pdf, images)
        letter, pdf, images = make_record("letter", doc_type="other", title="CÔNG VĂN",
                                          owner_id=owner, needs_review=True)
        letter = replace(letter, review_reasons=(
            f"Chủ sở hữu: đề xuất {owner} theo số định danh đọc được trên giấy (loại giấy tờ "
            "này không lấy chủ sở hữu từ số ghi trên giấy): cần người xác nhận",))
        letter_id, _ = archive.store_document(letter, pdf, images)
        # A proposal stored since 0019: nobody's owner, no owners row.
        form, pdf, images = make_record("form", doc_type="other", title="TỜ KHAI",
                                        owner_id=None, needs_review=True)
        form = replace(form, proposed_owner_id=since, review_reasons=(
            f"Chủ sở hữu: đề xuất {since} theo số định danh đọc được trên giấy: cần người "
            "xác nhận",))
        form_id, _ = archive.store_document(form, pdf, images)
        assert archive.get_document(form_id)["proposed_owner_id"] == since
    _migrate_to(root, "0018")
    owned = dict(_rows(root, "SELECT id, owner_id FROM documents"))
    assert owned == {sure_id: owner, letter_id: owner, form_id: since}
    assert _rows(root, f"SELECT kind, name FROM owners WHERE id = '{since}'") == [("person", None)]
    writer, reader = make_engines(f"sqlite:///{root}/catalog.db")
    try:
        assert migrate(writer) is True
    finally:
        writer.dispose()
        reader.dispose()
    with open_archive(root) as archive:
        for doc_id, number in ((letter_id, owner), (form_id, since)):
            moved = archive.get_document(doc_id)
            assert (moved["owner_id"], moved["proposed_owner_id"]) == (None, number)
        kept = archive.get_document(sure_id)
        assert (kept["owner_id"], kept["proposed_owner_id"]) == (owner, None)


def test_a_retyped_cards_set_aside_place_of_origin_moves_on_a_catalog_past_0020(
        tmp_path: Path) -> None:
    """review14a S6: 0020's set-aside half was added to 0020 after catalogs had run it (the
    demo home and every session-13 clone were at 0021): on those a re-typed card's set-aside
    "Quê quán" stayed place_of_birth, and came back as "Nơi sinh" when typed back to a card.
    0024 moves it on any catalog, in keyset batches (here 2 rows a batch over 5 papers), marks
    each move, and its downgrade takes back exactly those."""
    import importlib.util


    origin = "Xã Tân Phong, Thành phố Biên Hòa, Đồng Nai"
    root = tmp_path / "home"
    root.mkdir()
    stored: dict[str, dict] = {}
    with open_archive(root) as archive:
        for n in range(5):  # re-typed cards whose card fields wait in extra.set_aside
            rec, pdf, images = make_record(f"retyped-{n}", doc_type="residence_confirmation",
                                           title="GIẤY XÁC NHẬN", fields={"full_name": "An"})
            extra = {"set_aside": {"doc_type": "citizen_id_card",
                                   "fields": {"place_of_birth": origin, "sex": "Nam"}}}
            doc_id, _ = archive.store_document(replace(rec, extra=extra), pdf, images)
            stored[doc_id] = extra
        both = {"set_aside": {"doc_type": "citizen_id_card",  # both keys: nothing overwritten
                              "fields": {"place_of_birth": "A", "place_of_origin": "B"}}}
        rec, pdf, images = make_record("both", doc_type="other", title="ĐƠN")
        both_id, _ = archive.store_document(replace(rec, extra=both), pdf, images)
        birth = {"set_aside": {"doc_type": "birth_certificate",  # a birth place is one
                               "fields": {"place_of_birth": "Đồng Nai"}}}
        rec, pdf, images = make_record("birth-aside", doc_type="other", title="ĐƠN")
        birth_id, _ = archive.store_document(replace(rec, extra=birth), pdf, images)
    _migrate_to(root, "0023")  # a catalog past 0020 holding the set-aside key unmoved
    extras = {i: json.loads(e) for i, e in _rows(root, "SELECT id, extra FROM documents")}
    assert {i: extras[i] for i in stored} == stored

    path = (Path(__file__).resolve().parents[2] / "sohoa" / "archive" / "migrations"
            / "versions" / "0024_set_aside_place_of_origin.py")
    spec = importlib.util.spec_from_file_location("rev0024", path)
    assert spec is not None and spec.loader is not None
    rev = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(rev)
    rev.BATCH = 2  # the keyset loop's later batches run too

    def run(step: str) -> dict[str, dict]:
        return _run_revision(root, rev, step)[1]

    up = run("upgrade")
    for doc_id in stored:
        assert up[doc_id]["set_aside"]["fields"] == {"place_of_origin": origin, "sex": "Nam"}
        assert up[doc_id]["renamed_fields"] == {"set_aside.place_of_origin": "place_of_birth"}
    assert (up[both_id], up[birth_id]) == (both, birth)
    assert run("upgrade") == up  # a second run finds nothing left to move
    down = run("downgrade")
    assert {i: down[i] for i in stored} == stored  # as stored: nothing of 0024's is left
    assert (down[both_id], down[birth_id]) == (both, birth)


def test_a_card_stored_with_its_place_of_origin_as_place_of_birth_is_moved(
        tmp_path: Path) -> None:
    """Cards stored before the extractor kept "Quê quán" apart hold it as place_of_birth
    ("Nơi sinh"): 0020 moves it to place_of_origin with its flag and reason; a card read since
    and a birth certificate's place of birth stay; the downgrade moves back only what it moved."""
    origin = "Xã Tân Phong, Thành phố Biên Hòa, Đồng Nai"
    root = tmp_path / "home"
    root.mkdir()
    with open_archive(root) as archive:
        old, pdf, images = make_record("old", doc_type="citizen_id_card", title="CĂN CƯỚC CÔNG DÂN",
                                       fields={"full_name": "Nguyễn Văn An",
                                               "place_of_birth": origin}, needs_review=True)
        old = replace(old, field_flags=("Nơi sinh: không xác nhận được địa danh",),
                      review_reasons=("Nơi sinh: không xác nhận được địa danh",
                                      "place_of_birth: unreadable", "Họ và tên: Nơi sinh"))
        old_id, _ = archive.store_document(old, pdf, images)
        new, pdf, images = make_record("new", doc_type="citizen_id_card", title="CĂN CƯỚC",
                                       fields={"place_of_origin": origin})
        new_id, _ = archive.store_document(new, pdf, images)
        birth, pdf, images = make_record("birth", fields={"place_of_birth": "Đồng Nai"})
        birth_id, _ = archive.store_document(birth, pdf, images)
        # a card a reviewer re-typed: its card fields wait in extra.set_aside (review13a S3)
        retyped, pdf, images = make_record("retyped", doc_type="residence_confirmation",
                                           title="GIẤY XÁC NHẬN", fields={"full_name": "An"})
        aside = {"doc_type": "citizen_id_card", "fields": {"place_of_birth": origin}}
        retyped = replace(retyped, extra={"set_aside": aside})
        retyped_id, _ = archive.store_document(retyped, pdf, images)
    _migrate_to(root, "0019")  # as such cards were stored: nothing to move back
    writer, reader = make_engines(f"sqlite:///{root}/catalog.db")
    try:
        assert migrate(writer) is True
    finally:
        writer.dispose()
        reader.dispose()
    with open_archive(root) as archive:
        card = archive.get_document(old_id)
        assert card["fields"] == {"full_name": "Nguyễn Văn An", "place_of_origin": origin}
        assert card["field_flags"] == ["Quê quán: không xác nhận được địa danh"]
        assert card["review_reasons"] == ["Quê quán: không xác nhận được địa danh",
                                          "place_of_origin: unreadable", "Họ và tên: Nơi sinh"]
        assert archive.get_document(new_id)["fields"] == {"place_of_origin": origin}
        assert archive.get_document(birth_id)["fields"] == {"place_of_birth": "Đồng Nai"}
        kept = archive.get_document(retyped_id)["extra"]
        assert kept["set_aside"] == {"doc_type": "citizen_id_card",
                                     "fields": {"place_of_origin": origin}}
        assert archive.get_document(retyped_id)["fields"] == {"full_name": "An"}
    _migrate_to(root, "0019")
    fields = {i: json.loads(f) for i, f in _rows(root, "SELECT id, fields FROM documents")}
    assert fields == {old_id: {"full_name": "Nguyễn Văn An", "place_of_birth": origin},
                      new_id: {"place_of_origin": origin}, birth_id: {"place_of_birth": "Đồng Nai"},
                      retyped_id: {"full_name": "An"}}
    [(back,)] = _rows(root, f"SELECT extra FROM documents WHERE id = '{retyped_id}'")
    assert json.loads(back) == {"set_aside": aside}  # as stored: nothing of 0020's is left
    [(flags, why, extra)] = _rows(root, "SELECT field_flags, review_reasons, extra FROM documents "
                                        f"WHERE id = '{old_id}'")
    assert json.loads(flags) == list(old.field_flags)
    assert json.loads(why) == list(old.review_reasons)
    assert "renamed_fields" not in json.loads(extra)


def test_shared_papers_stored_before_0021_get_their_co_owners(tmp_path: Path) -> None:
    """A marriage certificate stored without co-owner rows (before 0021) is the other spouse's
    too after 0022, from its stored fields: each unflagged number it states that its text
    prints and that validates; not a number of a paper still in review, a flagged field, an
    impossible number, nor a paper that has rows already. The downgrade takes back exactly the
    rows it made."""
    from dossier_papers import HUSBAND, WIFE, marriage_certificate_text

    root = tmp_path / "home"
    root.mkdir()

    def certificate(seed: str, related: str, **how: object) -> str:
        rec, pdf, images = make_record(seed, doc_type="marriage_certificate",
                                       title="GIẤY CHỨNG NHẬN KẾT HÔN", owner_id=HUSBAND,
                                       fields={"id_number": HUSBAND,
                                               "related_id_numbers": related})
        rec = replace(rec, text=marriage_certificate_text(WIFE) + "999195004321", **how)
        return archive.store_document(rec, pdf, images)[0]

    with open_archive(root) as archive:
        before = certificate("before", f"{WIFE}, 999195004321")  # 999: no such province
        unsure = certificate("unsure", WIFE, needs_review=True,
                             review_reasons=("Họ và tên: chưa chắc chắn",))
        flagged = certificate("flagged", WIFE, field_flags=(
            "Số định danh người liên quan: đọc không chắc chắn",))
        since = certificate("since", WIFE, co_owners=((WIFE, None),))  # rows made at the store
    _migrate_to(root, "0021")
    assert _rows(root, "SELECT document_id, owner_id FROM document_co_owners") == [(since, WIFE)]
    writer, reader = make_engines(f"sqlite:///{root}/catalog.db")
    try:
        assert migrate(writer) is True
    finally:
        writer.dispose()
        reader.dispose()
    with open_archive(root) as archive:
        assert archive.get_document(before)["co_owner_ids"] == [WIFE]
        for doc_id in (unsure, flagged):
            assert archive.get_document(doc_id)["co_owner_ids"] == []
        assert archive.get_document(since)["co_owner_ids"] == [WIFE]
        with archive.transaction(write=False) as conn:
            assert before in [r["document_id"] for r in documents.reuse(
                conn, WIFE, None, date(2026, 12, 8))]
    _migrate_to(root, "0021")
    assert _rows(root, "SELECT document_id, owner_id FROM document_co_owners") == [(since, WIFE)]
    [(extra,)] = _rows(root, f"SELECT extra FROM documents WHERE id = '{before}'")
    assert "co_owners_backfilled" not in json.loads(extra)


def test_0022_downgrade_keeps_the_co_owners_people_acted_on(tmp_path: Path) -> None:
    """store16 (N10's pattern in 0022): the downgrade deleted every co-owner row 0022 made,
    also on a paper a reviewer has reviewed since (the review's rows), one reused for the
    wife's own dossier, and one whose wife a legal hold names; and when a reviewer had removed
    a back-filled wife, going down and up made her a co-owner again. Now such a paper keeps
    its rows and its note, the upgrade leaves a noted paper alone, and only an untouched
    paper's rows go and come back."""
    from dossier_papers import HUSBAND, marriage_certificate_text

    root = tmp_path / "home"
    root.mkdir()
    # reviewed, reused by her dossier, held, untouched, a wife a reviewer removed
    wives = [f"07919500432{n}" for n in range(1, 6)]
    with open_archive(root) as archive:
        papers = []
        for n, wife in enumerate(wives):
            rec, pdf, images = make_record(f"kh-{n}", doc_type="marriage_certificate",
                                           title="GIẤY CHỨNG NHẬN KẾT HÔN", owner_id=HUSBAND,
                                           fields={"id_number": HUSBAND,
                                                   "related_id_numbers": wife})
            papers.append(archive.store_document(
                replace(rec, text=marriage_certificate_text(wife)), pdf, images)[0])
    _migrate_to(root, "0021")
    assert _rows(root, "SELECT count(*) FROM document_co_owners") == [(0,)]

    def up() -> None:
        writer, reader = make_engines(f"sqlite:///{root}/catalog.db")
        try:
            assert migrate(writer) is True
        finally:
            writer.dispose()
            reader.dispose()

    def co_owners() -> list[tuple[object, ...]]:
        return _rows(root, "SELECT document_id, owner_id FROM document_co_owners "
                           "ORDER BY owner_id")

    up()
    assert co_owners() == list(zip(papers, wives, strict=True))
    reviewed, reused, held, untouched, removed = papers
    with sqlite3.connect(root / "catalog.db") as conn:  # what people did since
        for doc_id in (reviewed, removed):
            conn.execute(
                "INSERT INTO review_events (document_id, round, action, field, old_value, "
                "new_value, error, reviewer, produced_by, reason, at) VALUES (?, 1, 'accept', "
                "NULL, NULL, NULL, 0, 'Lê Thu Hà', 'sohoa', NULL, '2026-12-08 03:00:00')",
                (doc_id,))
        conn.execute("DELETE FROM document_co_owners WHERE document_id = ?", (removed,))
        conn.execute("INSERT INTO dossiers (code, created_at, owner_id) VALUES "
                     "('HS-VO-1', '2026-12-08 03:00:00', ?)", (wives[1],))
        conn.execute(
            "INSERT INTO dossier_components (dossier_code, position, code, name, doc_type, "
            "required, satisfied, document_id, satisfied_at, satisfied_by) VALUES ('HS-VO-1', "
            "1, 'kh', 'Giấy chứng nhận kết hôn', 'marriage_certificate', 1, 'reused', ?, "
            "'2026-12-08 03:00:00', 'Lê Thu Hà')", (reused,))
        conn.execute("INSERT INTO legal_holds (scope, target, reason, placed_by, placed_at) "
                     "VALUES ('owner', ?, 'Tòa án yêu cầu', 'Hà', '2026-12-08 03:00:00')",
                     (wives[2],))
    kept = [(reviewed, wives[0]), (reused, wives[1]), (held, wives[2])]

    def noted() -> set[object]:
        return {i for i, e in _rows(root, "SELECT id, extra FROM documents")
                if "co_owners_backfilled" in json.loads(e or "{}")}

    _migrate_to(root, "0021")
    assert co_owners() == kept
    assert noted() == {reviewed, reused, held, removed}
    up()  # the round trip: what people decided stands, the untouched paper is filled again
    assert co_owners() == [*kept, (untouched, wives[3])]
    assert noted() == {reviewed, reused, held, removed, untouched}


def test_0021_downgrade_keeps_whose_shared_paper_it_is(tmp_path: Path) -> None:
    """store16 (N10's pattern in 0021): the downgrade dropped ``document_co_owners`` — the
    store's and the reviewers' word on whose shared paper it is — so going down and up left a
    marriage certificate its husband's alone (0022 back-fills only what a paper's fields still
    state unflagged). The rows now wait in the paper's ``extra`` while the table is away and
    come back as they were."""
    from dossier_papers import HUSBAND, WIFE

    root = tmp_path / "home"
    root.mkdir()
    with open_archive(root) as archive:
        rec, pdf, images = make_record("kh", doc_type="marriage_certificate",
                                       title="GIẤY CHỨNG NHẬN KẾT HÔN", owner_id=HUSBAND)
        # a reviewer's co-owner: nothing in the paper's fields states her (0022 could not)
        cert, _ = archive.store_document(replace(rec, co_owners=((WIFE, "Lê Thị Hoa"),)),
                                         pdf, images)
    extras = dict(_rows(root, "SELECT id, extra FROM documents"))
    _migrate_to(root, "0020")
    kept = json.loads(dict(_rows(root, "SELECT id, extra FROM documents"))[cert])
    assert kept["co_owners_kept"] == [WIFE]
    writer, reader = make_engines(f"sqlite:///{root}/catalog.db")
    try:
        assert migrate(writer) is True
    finally:
        writer.dispose()
        reader.dispose()
    with open_archive(root) as archive:
        assert archive.get_document(cert)["co_owner_ids"] == [WIFE]
    assert dict(_rows(root, "SELECT id, extra FROM documents")) == extras


def test_0025_downgrade_keeps_the_rescans_a_clerk_made(tmp_path: Path) -> None:
    """store16 (N10's pattern in 0025): the downgrade dropped ``page_rescans`` with its rows —
    the receipts brought back signed that a clerk scanned again — so going down and up lost
    which images were the paper's. The rows now wait in the paper's ``extra`` while the table
    is away and come back as they were; a paper without rescans is untouched."""
    from sample_files import page_image

    root = tmp_path / "home"
    root.mkdir()
    with open_archive(root) as archive:
        rec, pdf, images = make_record("receipt")
        receipt, _ = archive.store_document(rec, pdf, images)
        rec, pdf, images = make_record("plain")
        plain, _ = archive.store_document(rec, pdf, images)
        archive.record_rescan(receipt, job_id="job-lo3", pages=[
            {"source": "lo2.pdf", "index": 0}, {"source": "lo3_signed.pdf", "index": 1}],
            images=[page_image("rescan"), page_image("rescan-signed")])
        before = archive.get_document(receipt)["rescans"]
    assert [r["source"] for r in before] == ["lo2.pdf", "lo3_signed.pdf"]
    extras = dict(_rows(root, "SELECT id, extra FROM documents"))
    _migrate_to(root, "0024")
    kept = json.loads(dict(_rows(root, "SELECT id, extra FROM documents"))[receipt])
    assert [(k["source"], k["source_index"], k["job_id"]) for k in kept["page_rescans_kept"]] \
        == [("lo2.pdf", 0, "job-lo3"), ("lo3_signed.pdf", 1, "job-lo3")]
    writer, reader = make_engines(f"sqlite:///{root}/catalog.db")
    try:
        assert migrate(writer) is True
    finally:
        writer.dispose()
        reader.dispose()
    with open_archive(root) as archive:
        assert archive.get_document(receipt)["rescans"] == before
        assert archive.get_document(plain)["rescans"] == []
    assert dict(_rows(root, "SELECT id, extra FROM documents")) == extras


def _revision_0026() -> Any:
    """Migration 0026's module, its keyset batch made 1 so that the loop's later batches run."""
    import importlib.util

    path = (Path(__file__).resolve().parents[2] / "sohoa" / "archive" / "migrations"
            / "versions" / "0026_co_owner_owner_rows.py")
    spec = importlib.util.spec_from_file_location("rev0026", path)
    assert spec is not None and spec.loader is not None
    rev = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(rev)
    rev.BATCH = 1
    return rev


def _run_revision(root: Path, rev: Any, step: str
                  ) -> tuple[dict[str, tuple[object, ...]], dict[str, dict]]:
    """Run ``rev``'s upgrade or downgrade on the catalog; its owner rows and papers' extras."""
    from alembic.operations import Operations

    writer, reader = make_engines(f"sqlite:///{root}/catalog.db")
    try:
        with writer.begin() as conn, Operations.context(MigrationContext.configure(conn)):
            getattr(rev, step)()
    finally:
        writer.dispose()
        reader.dispose()
    owners = {r[0]: tuple(r[1:]) for r in _rows(root, "SELECT id, kind, name FROM owners")}
    return owners, {i: json.loads(e) for i, e in _rows(root, "SELECT id, extra FROM documents")}


def test_co_owners_without_an_owner_row_get_one_and_give_it_back(tmp_path: Path) -> None:
    """review14a S7: 0022 back-filled co-owner rows but no owner rows, so a spouse known only
    through a back-filled certificate could not be held by owner nor get an owner-level event.
    0026 makes the missing rows (keyset batches: here 1 a batch over the 2 people without
    one), notes each on the person's first paper; a second run finds nothing; the downgrade
    deletes exactly those rows, keeps a row a paper was filed under since, and the notes go."""
    root = tmp_path / "home"
    root.mkdir()
    spouses = ("075303001111", "075303002222", "075303003333")
    with open_archive(root) as archive:
        papers = []
        for n, wife in enumerate(spouses):
            rec, pdf, images = make_record(f"kh-{n}", doc_type="marriage_certificate",
                                           title="GIẤY CHỨNG NHẬN KẾT HÔN",
                                           owner_id=f"07520300{n}000")
            doc_id, _ = archive.store_document(replace(rec, co_owners=((wife, "Lê Thị Hoa"),)),
                                               pdf, images)
            papers.append(doc_id)
        # the third spouse's row stays: a paper of her own (the store made it, 0026 must not)
        rec, pdf, images = make_record("her-own", owner_id=spouses[2], owner_name="Lê Thị Hoa")
        archive.store_document(rec, pdf, images)
    _migrate_to(root, "0025")
    with sqlite3.connect(root / "catalog.db") as conn:  # as 0022 left a back-filled spouse
        conn.execute("DELETE FROM owners WHERE id IN (?, ?)", spouses[:2])
    before = dict(_rows(root, "SELECT id, extra FROM documents"))

    rev = _revision_0026()

    def run(step: str) -> tuple[dict[str, tuple[object, ...]], dict[str, dict]]:
        return _run_revision(root, rev, step)

    owners, extras = run("upgrade")
    assert owners[spouses[0]] == owners[spouses[1]] == ("person", None)
    assert owners[spouses[2]] == ("person", "Lê Thị Hoa")
    assert [extras[p].get(rev.NOTE) for p in papers] == [[spouses[0]], [spouses[1]], None]
    assert run("upgrade") == (owners, extras)  # nothing left to make
    with sqlite3.connect(root / "catalog.db") as conn:  # a paper filed under her since
        conn.execute("UPDATE documents SET owner_id = ? WHERE id = ?", (spouses[1], papers[1]))
    owners, extras = run("downgrade")
    assert spouses[0] not in owners and spouses[1] in owners and spouses[2] in owners
    assert {i: json.dumps(e, ensure_ascii=False) for i, e in extras.items()} == {
        i: json.dumps(json.loads(e), ensure_ascii=False) for i, e in before.items()}


def test_0026_downgrade_keeps_what_a_person_gave_a_backfilled_owner(tmp_path: Path) -> None:
    """store15 N10: the downgrade deleted every owner row 0026 made, with the name a reviewer
    had confirmed for that spouse since, and the person a legal hold or a death names. It now
    deletes only a row still as 0026 made it; the others stay (0025's code makes such rows
    itself), each with what was entered, and every note goes."""
    from datetime import UTC, datetime

    from sohoa.archive.owners import record_owner

    root = tmp_path / "home"
    root.mkdir()
    # untouched, named by a reviewer, held, died, re-kinded
    spouses = ("075303001111", "075303002222", "075303003333", "075303004444",
               "075303005555")
    with open_archive(root) as archive:
        for n, wife in enumerate(spouses):
            rec, pdf, images = make_record(f"kh-{n}", doc_type="marriage_certificate",
                                           title="GIẤY CHỨNG NHẬN KẾT HÔN",
                                           owner_id=f"07520300{n}000")
            archive.store_document(replace(rec, co_owners=((wife, None),)), pdf, images)
    _migrate_to(root, "0025")
    with sqlite3.connect(root / "catalog.db") as conn:  # as 0022 left back-filled spouses
        conn.execute(f"DELETE FROM owners WHERE id IN ({', '.join('?' * len(spouses))})",
                     spouses)
    rev = _revision_0026()
    owners, _ = _run_revision(root, rev, "upgrade")
    assert all(owners[s] == ("person", None) for s in spouses)
    writer, reader = make_engines(f"sqlite:///{root}/catalog.db")
    try:
        with writer.begin() as conn:  # what people did with them since
            record_owner(conn, spouses[1], "person", "Lê Thị Hoa", authoritative=True,
                         now=datetime(2026, 12, 8, 3, 0, tzinfo=UTC), reviewed=True)
            conn.execute(text(
                "INSERT INTO legal_holds (scope, target, reason, placed_by, placed_at) "
                "VALUES ('owner', :who, 'Tòa án yêu cầu', 'Hà', '2026-12-08 03:00:00')"),
                {"who": spouses[2]})
            conn.execute(text(
                "INSERT INTO retention_events (subject, subject_id, event, on_date, reason, "
                "recorded_by, recorded_at) VALUES ('owner', :who, 'died', '2026-11-30', "
                "'Trích lục khai tử', 'Hà', '2026-12-08 03:00:00')"), {"who": spouses[3]})
            record_owner(conn, spouses[4], "organization", None, authoritative=False,
                         now=datetime(2026, 12, 8, 3, 0, tzinfo=UTC))
    finally:
        writer.dispose()
        reader.dispose()
    owners, extras = _run_revision(root, rev, "downgrade")
    assert spouses[0] not in owners
    assert owners[spouses[1]] == ("person", "Lê Thị Hoa")
    assert owners[spouses[2]] == owners[spouses[3]] == ("person", None)
    assert owners[spouses[4]] == ("organization", None)
    assert not [e for e in extras.values() if rev.NOTE in e]


def test_a_downgrade_that_would_drop_records_is_refused(tmp_path: Path) -> None:
    """Dropping the legal holds' table with a hold in it would destroy a legal record with
    nobody's decision: the downgrade stops, says what it would lose, and the catalog stays at
    its revision with the hold (a table of working state is no record: the round trip on an
    empty catalog above still goes all the way down)."""
    from alembic import command

    from sohoa.archive.catalog import alembic_config
    from sohoa.errors import WorkflowError

    writer, reader = make_engines(f"sqlite:///{tmp_path}/catalog.db")
    try:
        assert migrate(writer) is True
        with writer.begin() as conn:
            conn.execute(text(
                "INSERT INTO legal_holds (scope, target, reason, placed_by, placed_at) "
                "VALUES ('owner', '075203001234', 'thanh tra', 'lan', '2026-12-01 08:00:00')"))
        cfg = alembic_config()
        with pytest.raises(WorkflowError) as refused, writer.begin() as conn:
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, "0003")
        said = str(refused.value)
        assert "legal_holds (lệnh tạm giữ theo pháp luật): 1 dòng" in said
        assert "không hạ phiên bản" in said
        assert current_revision(reader) == head_revision()
        with reader.connect() as conn:
            assert conn.execute(text("SELECT COUNT(*) FROM legal_holds")).scalar() == 1
    finally:
        writer.dispose()
        reader.dispose()


def test_a_downgrade_that_would_drop_a_column_of_decisions_is_refused(tmp_path: Path) -> None:
    """review17 N2: who took a file off the quarantine list, when and why, is a clerk's
    decision; 0011's downgrade would drop those columns — refused while one is set."""
    from alembic import command

    from sohoa.archive.catalog import alembic_config
    from sohoa.errors import WorkflowError

    writer, reader = make_engines(f"sqlite:///{tmp_path}/catalog.db")
    try:
        assert migrate(writer) is True
        with writer.begin() as conn:
            conn.execute(text(
                "INSERT INTO quarantine (source, sha256, reason, at, dismissed_by, dismissed_at,"
                " dismiss_reason) VALUES ('a.pdf', :sha, 'hỏng', '2026-12-01 08:00:00', 'lan',"
                " '2026-12-02 08:00:00', 'đã quét lại')"), {"sha": "ab" * 32})
        cfg = alembic_config()
        with pytest.raises(WorkflowError) as refused, writer.begin() as conn:
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, "0010")
        assert "quarantine.dismissed_by" in str(refused.value)
        assert current_revision(reader) == head_revision()
    finally:
        writer.dispose()
        reader.dispose()
