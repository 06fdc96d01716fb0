"""review19 N4 (31aff5d, 6b4ba27): `review accept` on a paper behind an unread receipt is
refused — rightly — but the refusal names the group by its English identifier ("đang ở hồ sơ tạm
UNASSIGNED-…"), which every other line now says "chưa có mã hồ sơ (nhóm …)"."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_unread_receipt_ingest import _dossier, _ingested

from sohoa.errors import ConfigError
from sohoa.pipeline.review import Reviewer
from sohoa.pipeline.services import open_archive


def test_the_accept_refusal_says_the_group_in_vietnamese(tmp_path: Path) -> None:
    mine, _code = _dossier(31, ["dossier_receipt", "application_form"], unread=True)
    settings, ids = _ingested(tmp_path, mine)
    with open_archive(settings) as archive, pytest.raises(ConfigError) as refused:
        Reviewer(archive, settings, "Lan").accept(ids[1])
    assert "UNASSIGNED" not in str(refused.value), str(refused.value)
