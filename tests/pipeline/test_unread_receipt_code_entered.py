"""review17 N12: a lone receipt whose printed code was not read leaves its papers under an
UNASSIGNED-… placeholder asking "nhập mã in trên giấy". At a desk that works from its sheets the
dossier exists nowhere but on that paper, so the code a person reads off the receipt makes the
dossier, as the scan would have, and the papers scanned behind the receipt follow. Where the
one-stop system opens the desk's dossiers, it must open this one too; a code that is no dossier
code is refused. End to end through the in-process executor (born-digital pages, no OCR)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select, text
from test_unread_receipt_ingest import _dossier, _pdf

from sohoa.archive.models import Dossier
from sohoa.errors import ConfigError, NotFoundError
from sohoa.pipeline.assemble import UNREAD_RECEIPT_CODE
from sohoa.pipeline.home import init_home
from sohoa.pipeline.ingest import run_ingest
from sohoa.pipeline.review import Reviewer
from sohoa.pipeline.services import open_archive
from sohoa.pipeline.settings import Settings, load_settings


@pytest.fixture
def scanned(tmp_path: Path) -> tuple[Settings, list[str], str]:
    """A desk of H19.22 scanned one dossier whose receipt code is unreadable: (settings, the
    papers' ids in scan order, the code printed on the receipt)."""
    home = tmp_path / "home"
    init_home(home, dev_key=True, unit="H19.22")
    settings = load_settings(home=home, environ={"SOHOA_OCR_JOBS": "1"})
    pages, code = _dossier(31, ["dossier_receipt", "birth_certificate", "citizen_id_card"],
                           unread=True)
    _pdf(pages, tmp_path / "batch.pdf")
    events: list[dict] = []
    run_ingest([tmp_path / "batch.pdf"], settings, emit=events.append)
    ids = [e["document_id"] for e in events if e.get("document_id")]
    return settings, ids, code


def _where(settings: Settings, ids: list[str]) -> list[tuple[str, bool]]:
    with open_archive(settings) as archive:
        docs = [archive.get_document(i) for i in ids]
    return [(d["dossier_code"], any(UNREAD_RECEIPT_CODE in r for r in d["review_reasons"]))
            for d in docs]


def test_the_receipts_code_makes_its_dossier_and_the_papers_follow(
        scanned: tuple[Settings, list[str], str]) -> None:
    settings, ids, code = scanned
    placeholder = _where(settings, ids)[0][0]
    assert placeholder.startswith("UNASSIGNED-") and len(ids) == 3
    assert all(w == (placeholder, True) for w in _where(settings, ids))
    with open_archive(settings) as archive:
        # typed as a clerk may, in small letters: the code in capitals is filed
        result = Reviewer(archive, settings, "Nguyễn Thị Lan").set_dossier(ids[0], code.lower())
        assert result["new"] == code and sorted(result["followers"]) == sorted(ids[1:])
        with archive.transaction(write=False) as conn:
            made = conn.execute(select(Dossier.receiving_unit, Dossier.received_at)
                                .where(Dossier.code == code)).one()
            moves = conn.execute(text(
                "SELECT count(*) FROM review_events WHERE field = 'dossier' "
                "AND new_value = :c"), {"c": code}).scalar_one()
        assert (made.receiving_unit, made.received_at) == ("H19.22", None)
        assert moves == 3  # each paper's own decision, by the reviewer
    assert _where(settings, ids) == [(code, False)] * 3


def test_a_code_that_is_no_dossier_code_moves_nothing(
        scanned: tuple[Settings, list[str], str]) -> None:
    settings, ids, _code = scanned
    before = _where(settings, ids)
    with open_archive(settings) as archive:
        with pytest.raises(ConfigError, match="không đúng mẫu mã hồ sơ"):
            Reviewer(archive, settings, "Lan").set_dossier(ids[1], "H19.22-241340-0042")
        with archive.transaction(write=False) as conn:
            assert conn.execute(select(Dossier.code).where(
                Dossier.code == "H19.22-241340-0042")).first() is None
    assert _where(settings, ids) == before


def test_where_the_one_stop_system_opens_dossiers_it_must_open_this_one(
        scanned: tuple[Settings, list[str], str]) -> None:
    settings, ids, code = scanned
    before = _where(settings, ids)
    with open_archive(settings) as archive:
        with archive.transaction(write=True) as conn:  # the one-stop system opened another
            conn.execute(text("INSERT INTO dossiers (code, receiving_unit, received_at, "
                              "created_at) VALUES ('H19.22-240305-0001', 'H19.22', "
                              "'2024-03-05 01:00:00', '2024-03-05 00:00:00')"))
        with pytest.raises(NotFoundError, match="chưa được mở trên hệ thống một cửa"):
            Reviewer(archive, settings, "Lan").set_dossier(ids[0], code)
        with archive.transaction(write=False) as conn:
            assert conn.execute(select(Dossier.code).where(Dossier.code == code)).first() is None
    assert _where(settings, ids) == before


def test_a_paper_of_a_read_dossier_is_not_moved_into_a_dossier_nobody_made(
        tmp_path: Path) -> None:
    """The scan read the receipt's code: a paper of it moved to a code the catalog does not
    know is refused (a dossier is opened, not made by a move)."""
    home = tmp_path / "home"
    init_home(home, dev_key=True, unit="H19.22")
    settings = load_settings(home=home, environ={"SOHOA_OCR_JOBS": "1"})
    pages, code = _dossier(31, ["dossier_receipt", "birth_certificate"], unread=False)
    _pdf(pages, tmp_path / "batch.pdf")
    events: list[dict] = []
    run_ingest([tmp_path / "batch.pdf"], settings, emit=events.append)
    ids = [e["document_id"] for e in events if e.get("document_id")]
    assert [w[0] for w in _where(settings, ids)] == [code, code]
    with open_archive(settings) as archive, pytest.raises(
            NotFoundError, match=r"không có hồ sơ H19\.22-240305-0042"):
        Reviewer(archive, settings, "Lan").set_dossier(ids[1], "H19.22-240305-0042")
    assert [w[0] for w in _where(settings, ids)] == [code, code]


def test_another_persons_paper_behind_the_receipt_still_asks_after_following(
        tmp_path: Path) -> None:
    """A paper of someone the receipt and the dossier's papers do not name, scanned behind a
    receipt whose code was not read (a stack missing the next dossier's receipt): it follows
    the code a person enters for the receipt, but nobody looked at it, so the question the
    scan asks of such a paper stands — it is not filed silently (tester17 F11's rule)."""
    home = tmp_path / "home"
    init_home(home, dev_key=True, unit="H19.22")
    settings = load_settings(home=home, environ={"SOHOA_OCR_JOBS": "1"})
    mine, code = _dossier(31, ["dossier_receipt", "birth_certificate"], unread=True)
    theirs, _ = _dossier(77, ["citizen_id_card"], unread=False)
    _pdf(mine + theirs, tmp_path / "batch.pdf")
    events: list[dict] = []
    run_ingest([tmp_path / "batch.pdf"], settings, emit=events.append)
    ids = [e["document_id"] for e in events if e.get("document_id")]
    with open_archive(settings) as archive:
        card = next(i for i in ids if archive.get_document(i)["doc_type"] == "citizen_id_card")
        stranger = [r for r in archive.get_document(card)["review_reasons"]
                    if "có thể là giấy tờ của hồ sơ khác" in r]
        assert stranger, archive.get_document(card)["review_reasons"]
        result = Reviewer(archive, settings, "Lan").set_dossier(ids[0], code)
        assert card in result["followers"]
        doc = archive.get_document(card)
    assert doc["dossier_code"] == code and doc["needs_review"]
    assert stranger[0] in doc["review_reasons"]
    assert not any(UNREAD_RECEIPT_CODE in r for r in doc["review_reasons"])


def test_a_mistyped_code_is_put_right_the_same_way(
        scanned: tuple[Settings, list[str], str]) -> None:
    """review18 N1: one mistyped digit made a dossier nobody issued and filed the stack there;
    the right code was then refused. A code entered for the receipt is put right like it was
    entered — the stack follows — while no one-stop opening confirmed the dossier."""
    settings, ids, code = scanned
    typo = code[:-2] + code[-1] + code[-2]  # two digits swapped, still a well-formed code
    assert typo != code
    with open_archive(settings) as archive:
        Reviewer(archive, settings, "Lan").set_dossier(ids[0], typo)
    assert _where(settings, ids) == [(typo, False)] * 3
    with open_archive(settings) as archive:
        # on the receipt, where the code is read
        result = Reviewer(archive, settings, "Lan").set_dossier(ids[0], code)
        assert sorted(result["followers"]) == sorted(ids[1:])
    assert _where(settings, ids) == [(code, False)] * 3
    with open_archive(settings) as archive, archive.transaction(write=True) as conn:
        # the one-stop system opens the dossier: the code is confirmed, no longer put right so
        conn.execute(text("UPDATE dossiers SET received_at = '2024-03-05 01:00:00' "
                          "WHERE code = :c"), {"c": code})
    with open_archive(settings) as archive, pytest.raises(NotFoundError):
        Reviewer(archive, settings, "Lan").set_dossier(ids[0], "H19.22-240305-0077")


def test_a_paper_of_the_stack_moved_on_its_own_leaves_the_stack(tmp_path: Path) -> None:
    """review18 M2: once the receipt's code was entered, answering another paper's question
    ("có thể là giấy tờ của hồ sơ khác quét lẫn vào … chuyển sang đúng hồ sơ") moves that paper
    alone — it took the applicant's receipt and papers along into the stranger's dossier — and
    the receipt put right later no longer takes it back."""
    home = tmp_path / "home"
    init_home(home, dev_key=True, unit="H19.22")
    settings = load_settings(home=home, environ={"SOHOA_OCR_JOBS": "1"})
    theirs, their_code = _dossier(77, ["dossier_receipt", "application_form"], unread=False)
    _pdf(theirs, tmp_path / "earlier.pdf")
    run_ingest([tmp_path / "earlier.pdf"], settings, emit=lambda e: None)
    mine, code = _dossier(31, ["dossier_receipt", "application_form"], unread=True)
    card, _ = _dossier(77, ["citizen_id_card"], unread=False)
    _pdf(mine + card, tmp_path / "batch.pdf")
    events: list[dict] = []
    run_ingest([tmp_path / "batch.pdf"], settings, emit=events.append)
    ids = [e["document_id"] for e in events if e.get("document_id")]
    typo = code[:-2] + code[-1] + code[-2]
    with open_archive(settings) as archive:
        Reviewer(archive, settings, "Lan").set_dossier(ids[0], typo)
        assert archive.get_document(ids[2])["needs_review"]  # the stranger's question stands
        alone = Reviewer(archive, settings, "Lan").set_dossier(ids[2], their_code)
        assert not alone.get("followers")
        # the receipt's code put right takes its own papers, not the card
        moved = Reviewer(archive, settings, "Lan").set_dossier(ids[0], code)
        assert moved["followers"] == [ids[1]]
        where = [archive.get_document(i)["dossier_code"] for i in ids]
    assert where == [code, code, their_code]


def test_a_code_naming_another_receiving_body_is_not_made_here(
        scanned: tuple[Settings, list[str], str]) -> None:
    """review18 N9: one mistyped digit of the agency part ("H19.23-…" at a desk of H19.22) made
    another body's dossier here, received by this desk."""
    settings, ids, code = scanned
    other = code.replace("H19.22", "H19.23", 1)
    with open_archive(settings) as archive:
        with pytest.raises(ConfigError, match=r"là của đơn vị tiếp nhận H19\.23"):
            Reviewer(archive, settings, "Lan").set_dossier(ids[0], other)
        with archive.transaction(write=False) as conn:
            assert conn.execute(select(Dossier.code).where(Dossier.code == other)).first() is None
