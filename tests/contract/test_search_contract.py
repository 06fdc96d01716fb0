"""One contract, two engines: every test here runs against tantivy and against a real
Elasticsearch node, through the Archive (outbox, sync, rebuild) as the product uses them."""

from __future__ import annotations

import sys
import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from archive_records import make_record
from engines import ENGINES, OpenArchive, drop_indexes, search_url
from search_docs import SEARCH_DOCS

from sohoa.archive import Archive, SearchIndex
from sohoa.archive.unreachable import SEARCH
from sohoa.errors import StorageError

DOCS = SEARCH_DOCS


@pytest.fixture(scope="module")
def corpus(engine: str, tmp_path_factory: pytest.TempPathFactory
           ) -> Iterator[tuple[Archive, dict[str, str]]]:
    root = tmp_path_factory.mktemp(f"contract-{engine}")
    url = search_url(engine, root)
    ids = {}
    with Archive.open(f"sqlite:///{root}/catalog.db", f"file://{root}/blobs", url) as arc:
        for seed, kw in DOCS.items():
            rec, pdf, images = make_record(seed, **kw)  # type: ignore[arg-type]
            ids[seed], _ = arc.store_document(rec, pdf, images)
        assert arc.sync_index() == len(DOCS)
        yield arc, ids
    drop_indexes(engine, [url])


def found(hits: list[dict]) -> list[str]:
    return [h["document_id"] for h in hits]


def test_engine_satisfies_the_protocol(corpus: tuple[Archive, dict[str, str]]) -> None:
    arc, _ = corpus
    assert isinstance(arc.index, SearchIndex)
    assert arc.index.count() == len(DOCS)


def test_folded_query_finds_diacritic_text(corpus: tuple[Archive, dict[str, str]]) -> None:
    arc, ids = corpus
    assert set(found(arc.search("dong nai"))) == {ids["birth"], ids["decision"]}
    assert set(found(arc.search("DUONG"))) == {ids["land"], ids["decision"]}
    assert set(found(arc.search("Đồng NAI"))) == {ids["birth"], ids["decision"]}
    # Folding merges "Hòa" and "Hóa": both hits are right for a folded search.
    assert set(found(arc.search("hoa an"))) == {ids["land"], ids["birth"]}
    assert found(arc.search('"xa Hoa An"')) == [ids["land"]]
    assert arc.search("không có từ này zzzq") == []


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
    assert set(hit) == {"document_id", "score", "doc_type", "title", "owner_id",
                        "dossier_code", "issue_date", "snippet"}


def test_ranking_prefers_the_title(corpus: tuple[Archive, dict[str, str]]) -> None:
    arc, ids = corpus
    # All three mention "giấy khai sinh"; the two whose title it is come first.
    hits = found(arc.search("giay khai sinh"))
    assert set(hits[:2]) == {ids["birth"], ids["birth2"]}
    assert hits[2] == ids["decision"]


def test_phrase_query(corpus: tuple[Archive, dict[str, str]]) -> None:
    arc, ids = corpus
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
    assert found(arc.search("", date_to=date(2003, 5, 2))) == [ids["birth"]]
    assert len(arc.search("dong nai", limit=1)) == 1
    assert len(arc.search("")) == len(DOCS)


def test_document_number_and_owner_name_are_searchable(
        corpus: tuple[Archive, dict[str, str]]) -> None:
    arc, ids = corpus
    assert found(arc.search('"123/2022/QĐ-UBND"')) == [ids["decision"]]
    assert found(arc.search('"123 2022 qd ubnd"')) == [ids["decision"]]
    assert found(arc.search('"le thi hoa"')) == [ids["birth2"]]


def test_malformed_query_does_not_crash(corpus: tuple[Archive, dict[str, str]]) -> None:
    arc, ids = corpus
    assert ids["land"] in found(arc.search('"hoa an'))
    arc.search('bien: "hoa (')


def test_snippets_escape_html_from_ocr_text(open_engine: OpenArchive, tmp_path: Path) -> None:
    arc = open_engine(tmp_path)
    rec, pdf, images = make_record(
        "html", text="Ghi chú <script>x</script> & \"Tư\" it's Đồng Nai")
    arc.store_document(rec, pdf, images)
    arc.sync_index()
    [hit] = arc.search("dong nai")
    assert hit["snippet"] == ("Ghi chú &lt;script&gt;x&lt;/script&gt; &amp; &quot;Tư&quot; "
                              "it&#x27;s <b>Đồng</b> <b>Nai</b>")
    [hit] = arc.search("khai sinh")  # matched the title only: the text's start, escaped
    assert hit["snippet"].startswith("Ghi chú &lt;script&gt;")


def test_outbox_makes_new_documents_searchable_after_sync(open_engine: OpenArchive,
                                                          tmp_path: Path) -> None:
    arc = open_engine(tmp_path)
    rec, pdf, images = make_record("late", text="Biên bản bàn giao tại Long Khánh")
    doc_id, _ = arc.store_document(rec, pdf, images)
    assert arc.search("long khanh") == []
    assert arc.stats()["search_pending"] == 1
    assert arc.sync_index() == 1
    assert found(arc.search("long khanh")) == [doc_id]
    assert arc.sync_index() == 0
    arc.store_document(rec, pdf, images)  # the same document again queues nothing
    assert arc.sync_index() == 0
    assert arc.index.count() == 1


def test_changes_are_invisible_until_commit_and_rollback_drops_them(
        open_engine: OpenArchive, tmp_path: Path) -> None:
    arc = open_engine(tmp_path)
    rec, pdf, images = make_record("vis", text="Hợp đồng thuê nhà ở Trảng Bom")
    doc_id, _ = arc.store_document(rec, pdf, images)
    arc.sync_index()
    arc.index.delete([doc_id])
    assert found(arc.search("trang bom")) == [doc_id]  # not yet committed
    arc.index.rollback()
    assert found(arc.search("trang bom")) == [doc_id]
    arc.index.delete([doc_id])
    arc.index.commit()
    assert arc.search("trang bom") == []


def test_rebuild_index_keeps_answering_until_committed(open_engine: OpenArchive,
                                                       tmp_path: Path) -> None:
    arc = open_engine(tmp_path)
    for seed in ("r1", "r2", "r3"):
        rec, pdf, images = make_record(seed, text=f"Hồ sơ {seed} tại Xuân Lộc")
        arc.store_document(rec, pdf, images)
    assert arc.rebuild_index() == 3
    assert arc.stats()["search_pending"] == 0
    assert len(arc.search("xuan loc")) == 3
    assert arc.rebuild_index() == 3  # idempotent
    assert arc.index.count() == 3
    arc.index.clear()
    assert len(arc.search("xuan loc")) == 3  # a clear is a change like any other
    arc.index.commit()
    assert arc.search("xuan loc") == []
    # A second archive on the same catalog and index sees the same documents.
    assert arc.rebuild_index() == 3
    other = open_engine(tmp_path)
    assert len(other.search("xuan loc")) == 3


@pytest.mark.parametrize("engine_name", ENGINES)
def test_an_unreachable_engine_is_a_storage_error(engine_name: str, tmp_path: Path) -> None:
    if engine_name == "tantivy":
        (tmp_path / "index").write_text("a file where the index directory should be")
        url = f"tantivy://{tmp_path}/index"
    else:
        url = f"http://127.0.0.1:9/sohoa-{uuid.uuid4().hex[:6]}"
    with pytest.raises(StorageError, match=r"chỉ mục tìm kiếm|không trả lời"):
        Archive.open(f"sqlite:///{tmp_path}/catalog.db", f"file://{tmp_path}/blobs", url,
                     optional=())
    if engine_name != "tantivy":
        # By default a node that does not answer is put aside, not a failed opening: the
        # outbox keeps every change until it answers (tester14 F4); only a search refuses.
        arc = Archive.open(f"sqlite:///{tmp_path}/catalog.db", f"file://{tmp_path}/blobs", url)
        try:
            assert SEARCH in arc.unavailable
            with pytest.raises(StorageError, match=r"chỉ mục tìm kiếm|không trả lời"):
                arc.index.search("x")
        finally:
            arc.close()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(pytest.main([__file__, "-q"]))
