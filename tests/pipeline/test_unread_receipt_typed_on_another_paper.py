"""review19 N7 (26d9524, the reviewer's own M2 fix): the applicant compared with the typed
code's dossier is the owner of the paper the code is typed on, not the stack's receipt's. Under
the placeholder ANY paper of the stack moves it (review18 M4: all but one with its own dossier
question), so typing the neighbour's code on a paper with no owner — one the owner rules left
empty because it names another person (80c700f) — files the whole stack into the neighbour's
dossier as before M2's fix; and on a paper of another person that the stack legitimately holds,
the right code is refused, the message calling that paper "giấy tiếp nhận này"."""

from __future__ import annotations

import contextlib
from pathlib import Path

from test_unread_receipt_ingest import _dossier, _ingested

from sohoa.errors import ConfigError
from sohoa.pipeline.review import Reviewer
from sohoa.pipeline.services import open_archive


def test_the_neighbours_code_typed_on_an_ownerless_paper_of_the_stack(tmp_path: Path) -> None:
    theirs, their_code = _dossier(77, ["dossier_receipt", "application_form"], unread=False)
    mine, _code = _dossier(31, ["dossier_receipt", "application_form"], unread=True)
    settings, ids = _ingested(tmp_path, theirs + mine)
    assert len(ids) == 4
    with open_archive(settings) as archive:
        placeholder = archive.get_document(ids[2])["dossier_code"]
        # the form behind the unread receipt with no owner (as the owner rules leave a paper
        # that names another person, or disagrees with the receipt)
        with archive.transaction(write=True) as conn:
            from sqlalchemy import update

            from sohoa.archive.models import Document
            conn.execute(update(Document).where(Document.id == ids[3]).values(owner_id=None))
        with contextlib.suppress(ConfigError):
            Reviewer(archive, settings, "Lan").set_dossier(ids[3], their_code)
        where = [archive.get_document(i)["dossier_code"] for i in ids[2:]]
    assert where == [placeholder] * 2, where
