"""Every read is findable by document, and by owner once the owner is known: a document read
(shown, found by a search, exported) before review set its owner is in ``audit show --target``
at once and in ``audit show --owner`` after the owner is set."""

from __future__ import annotations

import json
from pathlib import Path

from archivist_helpers import opened, run_sohoa, signer_for, store

from sohoa.archive import review
from sohoa.pipeline import exportjob
from sohoa.pipeline.settings import Settings

CITIZEN = "075203004321"


def _set_owner(settings: Settings, doc_id: str) -> None:
    """What `review set DOC id_number …` writes: the document's new owner."""
    with opened(settings) as archive:
        doc = archive.get_document(doc_id)
        review.record(archive, doc_id, 1, "Nguyễn Văn Kiểm", [], review.DocumentUpdate(
            doc_type=doc["doc_type"], title=doc["title"],
            fields={**doc["fields"], "id_number": CITIZEN}, field_flags=[],
            review_reasons=[], needs_review=False, owner_id=CITIZEN, owner_kind="person",
            owner_name="Hồ Thị Mai", issue_date=None, valid_until=None,
            retention=doc.get("retention")),
            audit_action="review.corrected", audit_detail={"field": "id_number"})


def _lines(out: str) -> list[dict]:
    return [json.loads(line) for line in out.splitlines() if line.strip()]


def test_reads_before_the_owner_is_known_reach_the_owner(settings: Settings,
                                                           tmp_path: Path) -> None:
    with opened(settings) as archive:
        doc = store(archive, signer_for(settings), "noowner", owner_id=None,
                    owner_name="Hồ Thị Mai")
    home = settings.home
    shown = run_sohoa(home, "show", doc, "--purpose", "HS-0001 kiểm tra", "--json")
    assert shown.returncode == 0, shown.stderr
    found = run_sohoa(home, "search", "Hồ Thị Mai", "--purpose", "HS-0002 tra cứu", "--json")
    assert found.returncode == 0 and doc in found.stdout, found.stderr
    exportjob.write(settings, tmp_path / "bag", dossier="HS-075-2015-0001", by="Lê Thu Hà",
                    purpose="nộp lưu")

    by_doc = run_sohoa(home, "audit", "show", "--target", doc, "--json")
    assert by_doc.returncode == 0, by_doc.stderr
    reads = [e for e in _lines(by_doc.stdout) if e.get("log") == "access"]
    assert sorted(e["action"] for e in reads) == ["export", "search", "show"]
    assert {e["owner_id"] for e in reads} == {None}

    before = run_sohoa(home, "audit", "show", "--owner", CITIZEN, "--json")
    assert _lines(before.stdout) == []
    _set_owner(settings, doc)
    after = run_sohoa(home, "audit", "show", "--owner", CITIZEN, "--json")
    assert sorted(e["action"] for e in _lines(after.stdout)) == ["export", "search", "show"]
    text = run_sohoa(home, "audit", "show", "--owner", CITIZEN)
    assert "HS-0001 kiểm tra" in text.stdout and "HS-0002 tra cứu" in text.stdout

    # A read after the owner is known is found both ways too (the ordinary case).
    again = run_sohoa(home, "show", doc, "--purpose", "HS-0003", "--json")
    assert again.returncode == 0, again.stderr
    assert len(_lines(run_sohoa(home, "audit", "show", "--owner", CITIZEN,
                                "--json").stdout)) == 4
    with opened(settings) as archive:
        assert archive.audit_verify() == (True, [])
