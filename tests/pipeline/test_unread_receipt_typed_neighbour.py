"""review19 M2 (bc3d7bf, 80627c9): the code typed for an unread receipt is checked against the
desk's pattern and unit, never against the receipt it is typed for. A slip of one digit that
lands on a dossier that exists — at a busy desk the neighbour's code, the next stack's, exists
— files the receipt and every paper behind it into that other citizen's dossier; nothing the
scan would ask (F11's stranger check, the applicant's name on the receipt) is asked again."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_unread_receipt_ingest import _dossier, _ingested

from sohoa.errors import ConfigError
from sohoa.pipeline.review import Reviewer
from sohoa.pipeline.services import open_archive


def test_a_typed_code_of_another_citizens_dossier_is_asked_about(tmp_path: Path) -> None:
    theirs, their_code = _dossier(77, ["dossier_receipt", "application_form",
                                       "citizen_id_card"], unread=False)
    mine, _my_code = _dossier(31, ["dossier_receipt", "application_form", "citizen_id_card"],
                             unread=True)
    settings, ids = _ingested(tmp_path, theirs + mine)
    assert len(ids) == 6
    with open_archive(settings) as archive:
        placeholder = archive.get_document(ids[3])["dossier_code"]
        # the clerk types the neighbour's code (one digit off the one printed on the receipt)
        # refused in the page's words: the dossier is another applicant's; nothing moved
        with pytest.raises(ConfigError, match="hãy đối chiếu lại với mã in trên giấy"):
            Reviewer(archive, settings, "Lan").set_dossier(ids[3], their_code)
        assert [archive.get_document(i)["dossier_code"] for i in ids[3:]] == [placeholder] * 3
