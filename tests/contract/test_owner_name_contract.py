"""Whose name the owners table keeps (tester10 F14), on both catalogs: the identity paper's,
never the last paper stored — not an unsure decision naming the citizen otherwise, not a
reviewer's correction of a name on another paper."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from archive_records import make_record
from backends import Place
from sqlalchemy import select

from sohoa.archive import Archive
from sohoa.archive import review as review_store
from sohoa.archive.sync_models import SyncEvent

OWNER = "075080523661"


@pytest.fixture
def archive(place: Place) -> Iterator[Archive]:
    with place.open() as arc:
        yield arc


def _store(archive: Archive, seed: str, doc_type: str, name: str, *, owner: str = OWNER,
           needs_review: bool = False) -> str:
    rec, pdf, images = make_record(seed, doc_type=doc_type, title=doc_type.upper(),
                                   owner_id=owner, owner_name=name, needs_review=needs_review)
    doc_id, created = archive.store_document(rec, pdf, images)
    assert created
    return doc_id


def _owner_name(archive: Archive, doc_id: str) -> Any:
    return archive.get_document(doc_id)["owner"]["name"]


def _reviewed(archive: Archive, doc_id: str, name: str, *,
              still_flagged: list[str] | None = None) -> None:
    doc = archive.get_document(doc_id)
    why = still_flagged or []
    review_store.record(archive, doc_id, 1, "lan", [], review_store.DocumentUpdate(
        doc_type=doc["doc_type"], title=doc["title"], fields={"full_name": name},
        field_flags=[], review_reasons=why, needs_review=bool(why), owner_id=doc["owner_id"],
        owner_kind="person", owner_name=name, issue_date=date(2024, 3, 1), valid_until=None,
        retention="permanent"), audit_action="review.field_set", audit_detail={})


def test_other_papers_never_rename_the_holder_of_an_identity_card(archive: Archive) -> None:
    card = _store(archive, "cccd", "citizen_id_card", "Nguyễn Đức Trung")
    decision = _store(archive, "qd", "decision", "Nguyễn Văn Thưởng Căn", needs_review=True)
    assert _owner_name(archive, card) == "Nguyễn Đức Trung"
    flagged = archive.get_document(decision)
    assert flagged["needs_review"] is True
    assert any("Nguyễn Văn Thưởng Căn" in r and "Nguyễn Đức Trung" in r
               for r in flagged["review_reasons"])

    # A sure paper of another type naming someone else is flagged too, the name kept.
    form = _store(archive, "tk", "application_form", "Trần Thị Mai")
    assert archive.get_document(form)["needs_review"] is True
    assert _owner_name(archive, form) == "Nguyễn Đức Trung"
    # The same name in capitals is the same name: nothing to look at.
    same = _store(archive, "tk2", "application_form", "NGUYỄN  ĐỨC TRUNG")
    misread = _store(archive, "tk3", "decision", "Nguyễn Đúc Trung")  # a tone mark misread
    assert archive.get_document(misread)["needs_review"] is False
    assert archive.get_document(same)["needs_review"] is False
    assert archive.get_document(same)["review_reasons"] == []

    # A reviewer's correction of the name on the decision stays the decision's.
    _reviewed(archive, decision, "Nguyễn Văn Thưởng")
    assert archive.get_document(decision)["fields"]["full_name"] == "Nguyễn Văn Thưởng"
    assert _owner_name(archive, card) == "Nguyễn Đức Trung"
    # A reviewer's reading of the identity card itself does name the owner.
    _reviewed(archive, card, "Nguyễn Đức Trung Anh")
    assert _owner_name(archive, decision) == "Nguyễn Đức Trung Anh"


def test_an_unknown_name_is_filled_by_any_paper_and_set_by_the_identity_card(
        archive: Archive) -> None:
    other = "079190004321"
    form = _store(archive, "f1", "application_form", "Lê Văn Bìh", owner=other,
                  needs_review=True)
    assert _owner_name(archive, form) == "Lê Văn Bìh"
    assert archive.get_document(form)["review_reasons"] == ["low confidence"]
    # An identity card read unsure does not replace it: it waits for a person.
    unsure = _store(archive, "c0", "citizen_id_card", "Lê Văn Bính", owner=other,
                    needs_review=True)
    assert _owner_name(archive, form) == "Lê Văn Bìh"
    assert len(archive.get_document(unsure)["review_reasons"]) == 2
    # One read sure does, and the paper is not flagged for the disagreement.
    card = _store(archive, "c1", "citizen_id_card", "Lê Văn Bình", owner=other)
    assert _owner_name(archive, form) == "Lê Văn Bình"
    assert archive.get_document(card)["needs_review"] is False


def test_the_outbox_names_the_owner_as_the_catalog_does(archive: Archive) -> None:
    _store(archive, "cccd", "citizen_id_card", "Nguyễn Đức Trung")
    decision = _store(archive, "qd", "decision", "Nguyễn Văn Thưởng Căn", needs_review=True)
    with archive.transaction(write=False) as conn:
        bodies = [json.loads(b) for b in conn.execute(
            select(SyncEvent.body).where(SyncEvent.document_id == decision)).scalars()]
    told = json.dumps(bodies, ensure_ascii=False)
    assert bodies and "Nguyễn Đức Trung" in told and "Thưởng" not in told


def test_a_review_leaving_the_name_flagged_does_not_rename_the_owner(archive: Archive) -> None:
    # review10b A: a reviewer fixes only the date of birth on a second card whose "Họ và
    # tên" is still flagged; the unsure OCR name must not replace the known one.
    card = _store(archive, "cccd", "citizen_id_card", "Nguyễn Đức Trung")
    unsure = _store(archive, "cccd2", "citizen_id_card", "Nguyễn Đức Trưng",
                    needs_review=True)
    _reviewed(archive, unsure, "Nguyễn Văn Trưng",
              still_flagged=["Họ và tên: đọc chưa chắc chắn"])
    assert archive.get_document(unsure)["needs_review"] is True
    assert _owner_name(archive, card) == "Nguyễn Đức Trung"
    # Once the reviewer clears it, the reviewed reading does name the owner.
    _reviewed(archive, unsure, "Nguyễn Đức Trung Anh")
    assert _owner_name(archive, card) == "Nguyễn Đức Trung Anh"


def test_a_second_sure_identity_card_naming_someone_else_is_flagged(archive: Archive) -> None:
    # review10b D: a second card read sure, its number misread into this citizen's, must not
    # rename them silently: it is flagged and the first card's name kept.
    card = _store(archive, "cccd", "citizen_id_card", "Nguyễn Đức Trung")
    second = _store(archive, "cccd2", "citizen_id_card", "Trần Thị Mai")
    flagged = archive.get_document(second)
    assert flagged["needs_review"] is True
    assert any("Trần Thị Mai" in r and "Nguyễn Đức Trung" in r
               for r in flagged["review_reasons"])
    assert _owner_name(archive, card) == "Nguyễn Đức Trung"
    # The same name read again is no conflict.
    again = _store(archive, "cccd3", "citizen_id_card", "NGUYỄN ĐỨC TRUNG")
    assert archive.get_document(again)["needs_review"] is False
    # Only a reviewer's confirmed reading of an identity card changes the known name.
    _reviewed(archive, second, "Trần Thị Mai")
    assert _owner_name(archive, card) == "Trần Thị Mai"
