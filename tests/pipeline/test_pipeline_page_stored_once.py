"""One scanned page is stored once (tester12 F23, F18).

A page stored as part of a document, scanned again alone (the same image: a copy of its file,
or its file given on its own after it was joined to a neighbouring file's page), makes a
document of its own whose key is new. It is not stored a second time: it is that stored
document, and its line says what the catalog holds — the stored document's type and dossier,
not this run's reading of the page nor a placeholder dossier code made up for this run."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, cast

from sohoa.pipeline.assemble import DocumentDraft, PageItem
from sohoa.pipeline.stages import StoreContext, _store
from sohoa.records import Classification, Extraction, Page

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "archive"))
from archive_records import make_record, open_archive


def _draft(shas: list[str], *, dossier: str, doc_type: str) -> DocumentDraft:
    # Placeholders (no image) as a known file's pages come back: nothing is decoded.
    pages = [PageItem(Page(source=f"/scan/y{i}.jpg", index=0, source_sha256=f"{i}" * 64,
                           data=b"", mime="image/jpeg", width=10, height=10, dpi=200,
                           sha256=sha), cast(Any, None))
             for i, sha in enumerate(shas)]
    return DocumentDraft(dossier_code=dossier, pages=pages,
                         classification=Classification(doc_type, 0.3), title="",
                         extraction=Extraction({}), owner_id=None, owner_kind=None,
                         owner_name=None, owner_from="none", confidence=0.3)


def test_a_page_stored_in_a_document_is_not_stored_again_alone(tmp_path: Path) -> None:
    archive = open_archive(tmp_path)
    try:
        rec, pdf, images = make_record("the-va-trang-2", doc_type="citizen_id_card",
                                       title="CĂN CƯỚC", dossier_code="UNASSIGNED-0fe878c546d8",
                                       pages=2)
        stored, created = archive.store_document(rec, pdf, images)
        assert created
        ctx = StoreContext(archive=archive, signer=cast(Any, None), registry=cast(Any, None),
                           settings=cast(Any, None), unit=None, model=None, job_id="j")
        # the second page alone, read this time as another type, under a new placeholder code
        again = _store(_draft([rec.pages[1].sha256], dossier="UNASSIGNED-ee8052ea0000",
                              doc_type="residence_confirmation"), ctx)
        assert (again.document_id, again.created, again.record) == (stored, False, None)
        event = again.event()
        assert event["duplicate"] is True
        assert (event["doc_type"], event["dossier_code"]) == ("citizen_id_card",
                                                              "UNASSIGNED-0fe878c546d8")
        # both pages, in the other order: still that one paper
        assert archive.document_with_pages([p.sha256 for p in reversed(rec.pages)]) == stored
        # a page never stored beside a stored one: not a copy of anything (it is stored)
        assert archive.document_with_pages([rec.pages[0].sha256, "f" * 64]) is None
        assert archive.document_with_pages([]) is None
    finally:
        archive.close()
