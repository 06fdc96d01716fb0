"""Components and digitization codes follow what is true, not what the scan first guessed.

tester12 F9: a code kept the type a review corrected, and papers with no owner got codes with an
empty owner part. F25: "Căn cước của hai bên nam, nữ" held one card. review12 S4: a paper behind
a settled dossier's sheet, or another person's paper, filled a component at the scan. Real
catalog (SQLite), real review desk, no OCR: the records are built as ingest builds them."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from dossier_papers import open_for, store_paper
from sqlalchemy import event, select, text

from sohoa.archive import Archive
from sohoa.archive import dossiers as records
from sohoa.archive.dossiers import ReuseRefusedError
from sohoa.archive.sync_models import SyncEvent
from sohoa.cli.main import cli
from sohoa.clock import VIETNAM
from sohoa.errors import NotFoundError, WorkflowError
from sohoa.pipeline import review
from sohoa.pipeline.services import open_archive
from sohoa.pipeline.settings import Settings, load_settings

APPLICANT = "001087012345"
BRIDE = "079199004321"
STRANGER = "040180954551"
MARRIAGE = "1.000894.000.00.00.H19"  # TP1 tờ khai, TP2 căn cước của hai bên (parties = 2)
JUDICIAL = "2.000488.000.00.00.H19"  # TP1 tờ khai, TP2 căn cước của người yêu cầu
BY = "Trần Thị Bình"


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return load_settings(home=tmp_path / "home", environ={})


def _store(archive: Archive, seed: str, dossier: str, *, owner: str | None,
           doc_type: str = "citizen_id_card", reasons: tuple[str, ...] = ()) -> str:
    return store_paper(archive, seed, dossier, owner=owner, unit="H19.22", doc_type=doc_type,
                       reasons=reasons)


def _open(archive: Archive, settings: Settings, code: str, procedure: str) -> None:
    open_for(archive, settings, code, procedure=procedure, owner=APPLICANT, unit="H19.22",
             received=datetime(2026, 12, 7, 8, 0, tzinfo=VIETNAM))


def _components(archive: Archive, code: str) -> list[tuple[str, str | None, str | None]]:
    return [(c.code, c.document_id, c.digitization_code)
            for c in records.show(archive, code).components]


def _announced(archive: Archive, document_id: str) -> list[str | None]:
    with archive.transaction(write=False) as conn:
        bodies = conn.execute(select(SyncEvent.body).order_by(SyncEvent.sequence)).scalars()
        events = [json.loads(b) for b in bodies]
    return [e["data"]["Ma"] for e in events if e["event_type"] == "document.stored"
            and e["data"]["document_id"] == document_id]


def test_the_code_follows_a_corrected_type_and_waits_for_an_owner(settings: Settings) -> None:
    with open_archive(settings) as archive:
        card = _store(archive, "card", "UNASSIGNED-0a1b2c3d4e5f", owner=APPLICANT,
                      reasons=("Loại giấy tờ: chưa chắc chắn (độ tin cậy 0,61)",))
        nobody = _store(archive, "nobody", "UNASSIGNED-0a1b2c3d4e5f", owner=None,
                        doc_type="other", reasons=("Chủ sở hữu: chưa xác định",))
        assert archive.get_document(card)["digitization_code"] == (
            f"{APPLICANT}.citizen_id_card.1.01")
        # no owner, no code: ".other.2.01" names nobody (tester12 F9)
        assert archive.get_document(nobody)["digitization_code"] is None

    review.decide(settings, BY, "type", card, "residence_confirmation")
    review.decide(settings, BY, "set", nobody, "owner_id", STRANGER)
    with open_archive(settings) as archive:
        doc = archive.get_document(card)
        assert doc["digitization_code"] == f"{APPLICANT}.residence_confirmation.1.01"
        assert [c["code"] for c in doc["extra"]["digitization_codes_before"]] == [
            f"{APPLICANT}.citizen_id_card.1.01"]
        # the targets learn the new code as they learn every correction
        assert _announced(archive, card) == [f"{APPLICANT}.citizen_id_card.1.01",
                                             f"{APPLICANT}.residence_confirmation.1.01"]
        changed = [e for e in archive.audit_events(target=card)
                   if e["action"] == "document.code_changed"]
        assert [(e["detail"]["old"], e["detail"]["new"], e["actor"]) for e in changed] == [
            (f"{APPLICANT}.citizen_id_card.1.01", f"{APPLICANT}.residence_confirmation.1.01",
             BY)]
        assert archive.get_document(nobody)["digitization_code"] == f"{STRANGER}.other.2.01"
    said = CliRunner(env={"SOHOA_USER": BY}).invoke(
        cli, ["--home", str(settings.home), "show", card, "--purpose", "kiểm tra"]).output
    assert f"mã số hóa: {APPLICANT}.residence_confirmation.1.01\n" in said, said
    assert f"mã số hóa trước đây: {APPLICANT}.citizen_id_card.1.01 (đến " in said, said
    # a confirmation changes no part: the same code, nothing announced again
    review.decide(settings, "Lê Văn Cường", "accept", card)
    with open_archive(settings) as archive:
        assert archive.get_document(card)["digitization_code"] == (
            f"{APPLICANT}.residence_confirmation.1.01")
        assert len(_announced(archive, card)) == 2


def test_a_dossier_opened_after_its_scan_sends_the_papers_new_code(settings: Settings) -> None:
    """review13a M1: opening the dossier re-codes the papers scanned before it (the procedure
    replaces the type in the code); the targets, which filed the first code, are told."""
    code = "H19.22-261207-0110"
    with open_archive(settings) as archive:
        card = _store(archive, "early", code, owner=APPLICANT)
        first = f"{APPLICANT}.citizen_id_card.1.01"
        assert _announced(archive, card) == [first]
        _open(archive, settings, code, JUDICIAL)
        now = archive.get_document(card)["digitization_code"]
        assert now != first and JUDICIAL in now and now.endswith(".TP2.01"), now
        assert _announced(archive, card) == [first, now]
        # the audit log tells it in that order too: the opening, then the paper's new code
        # (review14a N10)
        told = [(e["action"], e["target"]) for e in reversed(archive.audit_events(limit=2))]
        assert told == [("dossier.opened", f"dossier:{code}"), ("document.code_changed", card)]


def test_both_spouses_cards_fill_the_two_party_component(settings: Settings) -> None:
    code = "H19.22-261207-0102"
    with open_archive(settings) as archive:
        _open(archive, settings, code, MARRIAGE)
        assert [c[0] for c in _components(archive, code)] == ["TP1", "TP2", "TP2", "TP3", "TP3"]
        own = _store(archive, "own", "UNASSIGNED-aaaaaaaaaaaa", owner=APPLICANT)
        bride = _store(archive, "bride", code, owner=BRIDE)
        again = _store(archive, "bride-again", code, owner=BRIDE)  # her card fed twice
        # the other party's card is hers to bring: no question asked, numbered under her
        assert archive.get_document(bride)["needs_review"] is False
        assert _components(archive, code)[1:] == [
            ("TP2", bride, f"{BRIDE}.{MARRIAGE}.TP2.01"), ("TP2", None, None),
            ("TP3", None, None), ("TP3", None, None)]
        assert archive.get_document(again)["digitization_code"] == f"{BRIDE}.{MARRIAGE}.2.01"
        # the applicant's own stored card takes the second party's row
        state, changed = records.reuse(archive, code, own, component="TP2", by=BY,
                                       purpose=code, today=date(2026, 12, 7))
        assert changed and state.document_id == own
        assert [c[1] for c in _components(archive, code)] == [None, bride, own, None, None]
        # asked again: its own row, nothing changed
        assert records.reuse(archive, code, own, component="TP2", by=BY, purpose=code,
                             today=date(2026, 12, 7))[1] is False
    said = CliRunner(env={"SOHOA_USER": BY}).invoke(
        cli, ["--home", str(settings.home), "dossier", "show", code]).output
    assert "✓ TP2 Căn cước của hai bên nam, nữ (bên 1/2) (bắt buộc): số hóa tại bộ phận " \
        f"{bride}" in said, said
    assert f"✓ TP2 Căn cước của hai bên nam, nữ (bên 2/2) (bắt buộc): dùng lại {own}" in said


def test_a_card_of_the_same_party_does_not_take_the_other_partys_row(
        settings: Settings) -> None:
    code = "H19.22-261207-0103"
    with open_archive(settings) as archive:
        _open(archive, settings, code, MARRIAGE)
        first = _store(archive, "first", code, owner=APPLICANT)
        own = _store(archive, "own2", "UNASSIGNED-bbbbbbbbbbbb", owner=APPLICANT)
        _store(archive, "second", code, owner=APPLICANT)
        assert [c[1] for c in _components(archive, code)] == [None, first, None, None, None]
        with pytest.raises(WorkflowError, match=f"đã có giấy tờ của {APPLICANT}; mỗi bên"):
            records.reuse(archive, code, own, component="TP2", by=BY, purpose=code,
                          today=date(2026, 12, 7))


def test_a_paper_behind_a_settled_dossiers_sheet_waits_for_the_review(
        settings: Settings) -> None:
    code = "H19.22-261207-0101"
    with open_archive(settings) as archive:
        _open(archive, settings, code, JUDICIAL)
        for status, at in (("resolved", "2026-12-07T10:00"), ("returned", "2026-12-07T11:00")):
            records.set_status(archive, code, status, by=BY,
                               at=datetime.fromisoformat(at).replace(tzinfo=VIETNAM))
        late = _store(archive, "late", code, owner=APPLICANT)
        doc = archive.get_document(late)
        # nothing counted, nothing numbered; the question is asked
        assert doc["needs_review"] and doc["digitization_code"] is None
        assert any(r.startswith("Hồ sơ: hồ sơ H19.22-261207-0101 đã kết thúc")
                   for r in doc["review_reasons"]), doc["review_reasons"]
        assert [c[1] for c in _components(archive, code)] == [None, None, None]
    review.decide(settings, BY, "accept", late)  # the reviewer: the sheet was right
    with open_archive(settings) as archive:
        assert _components(archive, code)[1] == ("TP2", late, f"{APPLICANT}.{JUDICIAL}.TP2.01")


def test_another_persons_paper_is_asked_about_before_it_counts(settings: Settings) -> None:
    code = "H19.22-261207-0104"
    with open_archive(settings) as archive:
        _open(archive, settings, code, JUDICIAL)
        theirs = _store(archive, "theirs", code, owner=STRANGER)
        doc = archive.get_document(theirs)
        assert doc["needs_review"] and doc["digitization_code"] is None
        assert (f"Hồ sơ: giấy tờ thuộc chủ sở hữu khác ({STRANGER}), không phải người nộp "
                f"hồ sơ {code} ({APPLICANT}); chưa tính vào thành phần “Căn cước của người "
                "yêu cầu”") in doc["review_reasons"][-1]
        # what the ingest reads back to count it for review (review13a S4): the two columns,
        # in one statement, not the whole document (owner, dossier, pages)
        sent: list[str] = []

        def count(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
            sent.append(statement)

        event.listen(archive._reader, "before_cursor_execute", count)
        try:
            state = archive.review_state(theirs)
        finally:
            event.remove(archive._reader, "before_cursor_execute", count)
        assert state == (True, tuple(doc["review_reasons"]))
        reads = [q for q in sent if q.startswith("SELECT")]
        assert len(reads) == 1 and "FROM documents" in reads[0], sent
        # the applicant's own card is taken meanwhile
        own = _store(archive, "mine", code, owner=APPLICANT)
        assert _components(archive, code)[1] == ("TP2", own, f"{APPLICANT}.{JUDICIAL}.TP2.01")
    # the reviewer reads the number again: it is the applicant's after all — the question
    # goes; the component is full, so the paper is numbered in its dossier
    review.decide(settings, BY, "set", theirs, "owner_id", APPLICANT)
    with open_archive(settings) as archive:
        doc = archive.get_document(theirs)
        assert not doc["needs_review"], doc["review_reasons"]
        assert doc["digitization_code"] == f"{APPLICANT}.{JUDICIAL}.1.01"


def test_a_wrong_sheet_is_undone_by_filing_the_paper_under_its_own_dossier(
        settings: Settings) -> None:
    """review12 S4: a review deciding "wrong sheet" had no way back."""
    over, right = "H19.22-261207-0105", "H19.22-261207-0106"
    with open_archive(settings) as archive:
        for code in (over, right):
            _open(archive, settings, code, JUDICIAL)
        records.set_status(archive, over, "rejected", by=BY,
                           at=datetime(2026, 12, 7, 9, 0, tzinfo=VIETNAM))
        late = _store(archive, "late-2", over, owner=APPLICANT)
        # a card filed behind the right sheet but belonging to the refused dossier's stack
        moved = _store(archive, "moved", right, owner=APPLICANT)
        assert _components(archive, right)[1] == ("TP2", moved, f"{APPLICANT}.{JUDICIAL}.TP2.01")
    review.decide(settings, BY, "set", moved, "Hồ sơ", over, reason="tờ mã hồ sơ đặt nhầm")
    done = review.decide(settings, BY, "set", late, "dossier", right)
    assert (done["old"], done["new"], done["needs_review"]) == (over, right, False)
    with open_archive(settings) as archive:
        # each card counts where a person said it belongs, the moved one freeing its old place
        # first (a reviewer's filing is a decision: the refused dossier takes it)
        # (the moved card's code names owner, procedure and component, all as they were: kept)
        assert _components(archive, over)[1] == ("TP2", moved, f"{APPLICANT}.{JUDICIAL}.TP2.01")
        assert _components(archive, right)[1] == ("TP2", late, f"{APPLICANT}.{JUDICIAL}.TP2.02")
        assert archive.get_document(moved)["dossier_code"] == over
        assert archive.get_document(late)["dossier_code"] == right
        assert _announced(archive, late)[-1] == f"{APPLICANT}.{JUDICIAL}.TP2.02"
    with pytest.raises(NotFoundError, match=r"không có hồ sơ H19\.22-261207-0999"):
        review.decide(settings, BY, "set", late, "dossier", "H19.22-261207-0999")


def test_the_other_partys_stored_card_is_reused_for_the_second_row(settings: Settings) -> None:
    """tester18 F10: the README says `dossier reuse CODE DOC --component TP2` fills the party
    still missing, but the bride's stored, accepted card was refused as "another owner's". A
    component of two parties takes the other party's paper once the applicant's fills a row;
    a third person's paper, or another person's before the applicant's, is still refused."""
    code = "H19.22-261207-0104"
    with open_archive(settings) as archive:
        _open(archive, settings, code, MARRIAGE)
        own = _store(archive, "own3", "UNASSIGNED-cccccccccccc", owner=APPLICANT)
        bride = _store(archive, "bride3", "UNASSIGNED-dddddddddddd", owner=BRIDE)
        stranger = _store(archive, "stranger3", "UNASSIGNED-eeeeeeeeeeee", owner=STRANGER)
        with pytest.raises(ReuseRefusedError, match="thuộc chủ sở hữu khác"):
            records.reuse(archive, code, bride, component="TP2", by=BY, purpose=code,
                          today=date(2026, 12, 7))  # whose party, before the applicant's?
        records.reuse(archive, code, own, component="TP2", by=BY, purpose=code,
                      today=date(2026, 12, 7))
        with pytest.raises(ReuseRefusedError, match="thuộc chủ sở hữu khác"):
            # no paper of the dossier names her yet: a mistyped id would bring in anyone
            records.reuse(archive, code, bride, component="TP2", by=BY, purpose=code,
                          today=date(2026, 12, 7))
        # the registration form names both parties (review18 N5)
        _store(archive, "form3", code, owner=APPLICANT, doc_type="application_form")
        with archive.transaction(write=True) as conn:
            conn.execute(text("UPDATE documents SET fields = :f WHERE dossier_code = :c "
                              "AND doc_type = 'application_form'"),
                         {"f": json.dumps({"id_number": APPLICANT,
                                           "related_id_numbers": BRIDE}), "c": code})
        state, changed = records.reuse(archive, code, bride, component="TP2", by=BY,
                                       purpose=code, today=date(2026, 12, 7))
        assert changed and state.document_id == bride
        assert sorted(c[1] for c in _components(archive, code)[1:3]) == sorted([own, bride])
        with pytest.raises(ReuseRefusedError, match="thuộc chủ sở hữu khác"):
            records.reuse(archive, code, stranger, component="TP1", by=BY, purpose=code,
                          today=date(2026, 12, 7))
