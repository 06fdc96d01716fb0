from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from archive_records import make_record, open_archive

from sohoa.errors import StorageError


def found(hits: list[dict]) -> list[str]:
    return [h["document_id"] for h in hits]


# The engine-independent search behaviour (folding, metadata and snippets, phrases, filters,
# document numbers, malformed queries) is tested once for both engines in
# tests/contract/test_search_contract.py; what stays here is tantivy's own housekeeping.


def test_snippets_escape_html_from_ocr_text(tmp_path: Path) -> None:
    with open_archive(tmp_path) as arc:
        rec, pdf, images = make_record("html", text="Ghi chú <script>x</script> & Đồng Nai")
        arc.store_document(rec, pdf, images)
        arc.sync_index()
        [hit] = arc.search("dong nai")
        assert hit["snippet"] == (
            "Ghi chú &lt;script&gt;x&lt;/script&gt; &amp; <b>Đồng</b> <b>Nai</b>")
        [hit] = arc.search("khai sinh")  # matched the title only: the text's start, escaped
        assert hit["snippet"].startswith("Ghi chú &lt;script&gt;")


def test_outbox_makes_new_documents_searchable_after_sync(tmp_path: Path) -> None:
    with open_archive(tmp_path) as arc:
        rec, pdf, images = make_record("late", text="Biên bản bàn giao tại Long Khánh")
        doc_id, _ = arc.store_document(rec, pdf, images)
        assert arc.search("long khanh") == []
        assert arc.stats()["search_pending"] == 1
        assert arc.sync_index() == 1
        assert found(arc.search("long khanh")) == [doc_id]
        assert arc.sync_index() == 0
        # Storing the same document again queues nothing.
        arc.store_document(rec, pdf, images)
        assert arc.sync_index() == 0
        assert arc.index.count() == 1


def test_rebuild_index_and_a_lost_index_is_rebuilt_on_open(tmp_path: Path) -> None:
    with open_archive(tmp_path) as arc:
        for seed in ("r1", "r2", "r3"):
            rec, pdf, images = make_record(seed, text=f"Hồ sơ {seed} tại Xuân Lộc")
            arc.store_document(rec, pdf, images)
        assert arc.rebuild_index() == 3
        assert arc.stats()["search_pending"] == 0
        assert len(arc.search("xuan loc")) == 3
        assert arc.rebuild_index() == 3  # idempotent
        assert arc.index.count() == 3
    shutil.rmtree(tmp_path / "index")
    with open_archive(tmp_path) as arc:
        assert len(arc.search("xuan loc")) == 3
    # An index written by another schema version is discarded and rebuilt, not misread.
    (tmp_path / "index" / "sohoa-index.json").write_text('{"schema": 0}')
    with open_archive(tmp_path) as arc:
        assert arc.index.fresh  # type: ignore[attr-defined]
        assert len(arc.search("xuan loc")) == 3


def test_a_second_archive_on_the_same_paths_sees_commits_and_waits_for_the_writer(
        tmp_path: Path) -> None:
    with open_archive(tmp_path) as first, open_archive(tmp_path) as second:
        rec, pdf, images = make_record("shared", text="Trích lục khai tử tại Nhơn Trạch")
        first.store_document(rec, pdf, images)
        assert first.sync_index() == 1
        assert found(second.search("nhon trach")) == [rec.doc_key[:16]]

        # While one archive holds the index writer, the other waits, then says so plainly.
        rec2, pdf2, images2 = make_record("shared2", text="Nhơn Trạch lần hai")
        second.store_document(rec2, pdf2, images2)
        first.index.delete(["nothing"])  # takes the writer lock
        second.index.lock_wait = 0.3  # type: ignore[attr-defined]
        with pytest.raises(StorageError, match="đang được một tiến trình khác ghi"):
            second.sync_index()
        first.index.commit()  # releases it
        assert second.sync_index() == 1
        assert len(first.search("nhon trach")) == 2
