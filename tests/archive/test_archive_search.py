from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from archive_records import make_record, open_archive
from search_docs import SEARCH_DOCS

from sohoa.archive import Archive, SearchIndex
from sohoa.errors import StorageError


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Archive, dict[str, str]]]:
    root = tmp_path_factory.mktemp("search")
    docs = SEARCH_DOCS
    ids = {}
    with open_archive(root) as arc:
        for seed, kw in docs.items():
            rec, pdf, images = make_record(seed, **kw)  # type: ignore[arg-type]
            ids[seed], _ = arc.store_document(rec, pdf, images)
        assert arc.sync_index() == len(docs)
        yield arc, ids


def found(hits: list[dict]) -> list[str]:
    return [h["document_id"] for h in hits]


def test_tantivy_index_satisfies_the_protocol(corpus: tuple[Archive, dict[str, str]]) -> None:
    arc, _ = corpus
    assert isinstance(arc.index, SearchIndex)


def test_folded_query_finds_diacritic_text(corpus: tuple[Archive, dict[str, str]]) -> None:
    arc, ids = corpus
    hits = arc.search("dong nai")
    assert set(found(hits)) == {ids["birth"], ids["decision"]}
    assert set(found(arc.search("DUONG"))) == {ids["land"], ids["decision"]}
    # Folding merges "Hòa" and "Hóa": both hits are right for a folded search.
    assert set(found(arc.search("hoa an"))) == {ids["land"], ids["birth"]}
    assert found(arc.search('"xa Hoa An"')) == [ids["land"]]


def test_hits_carry_metadata_and_a_snippet_with_the_original_diacritics(
        corpus: tuple[Archive, dict[str, str]]) -> None:
    arc, ids = corpus
    [hit] = arc.search("benh vien da khoa")
    assert hit["document_id"] == ids["birth"]
    assert hit["doc_type"] == "birth_certificate"
    assert hit["title"] == "GIẤY KHAI SINH"
    assert hit["owner_id"] == "075203001234"
    assert hit["dossier_code"] == "HS-075-2024-0001"
    assert hit["issue_date"] == "2003-05-02"
    assert hit["score"] > 0
    assert "<b>Bệnh</b> <b>viện</b> <b>Đa</b> <b>khoa</b>" in hit["snippet"]


def test_phrase_query(corpus: tuple[Archive, dict[str, str]]) -> None:
    arc, ids = corpus
    # Both birth certificates and the decision mention the words; the decision only as a phrase
    # at its end, the land certificate not at all.
    assert set(found(arc.search('"giấy khai sinh"'))) == {
        ids["birth"], ids["birth2"], ids["decision"]}
    assert found(arc.search('"song dong nai"')) == [ids["decision"]]
    assert found(arc.search('"dong nai song"')) == []


def test_filters(corpus: tuple[Archive, dict[str, str]]) -> None:
    arc, ids = corpus
    assert found(arc.search("dong nai", owner="3600123456")) == [ids["decision"]]
    assert found(arc.search("dong nai", doc_type="birth_certificate")) == [ids["birth"]]
    assert set(found(arc.search("khai sinh", unit="UBND phường Tân Phong"))) == {
        ids["birth"], ids["birth2"]}
    assert found(arc.search("khai sinh", date_from=date(2004, 1, 1),
                            date_to=date(2010, 12, 31))) == [ids["birth2"]]
    assert set(found(arc.search("", date_from=date(2019, 11, 20)))) == {
        ids["land"], ids["decision"]}
    assert found(arc.search("dong nai", limit=1)) and len(arc.search("dong nai", limit=1)) == 1


def test_document_number_and_owner_name_are_searchable(
        corpus: tuple[Archive, dict[str, str]]) -> None:
    arc, ids = corpus
    assert found(arc.search('"123/2022/QĐ-UBND"')) == [ids["decision"]]
    assert found(arc.search('"123 2022 qd ubnd"')) == [ids["decision"]]
    assert found(arc.search('"le thi hoa"')) == [ids["birth2"]]


def test_malformed_query_does_not_crash(corpus: tuple[Archive, dict[str, str]]) -> None:
    arc, ids = corpus
    assert ids["land"] in found(arc.search('"hoa an'))


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
        with pytest.raises(StorageError, match="being written by another process"):
            second.sync_index()
        first.index.commit()  # releases it
        assert second.sync_index() == 1
        assert len(first.search("nhon trach")) == 2
