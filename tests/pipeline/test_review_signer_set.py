"""tester18 F9: a paper flagged "Người ký: không đọc chắc chắn …; đối chiếu với giấy" had no value
a reviewer could set — `review set DOC "Người ký" …` answered with the program's key 'signer'
and "not a field", and accepting kept the machine's wrong name. The signer is set like a field:
the name alone (the title stays), or "title — name"; the question is answered."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from dossier_papers import store_paper

from sohoa.cli.main import cli
from sohoa.errors import ConfigError
from sohoa.pipeline.review import Reviewer
from sohoa.pipeline.services import open_archive
from sohoa.pipeline.settings import Settings, load_settings
from sohoa.reasons import reason

OWNER = "001087012345"
DOUBT = reason("signer", "không đọc chắc chắn “Tợ Diệu Liễu” ở trang 1; đối chiếu với giấy")


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return load_settings(home=tmp_path / "home", environ={})


def _flagged(settings: Settings, seed: str) -> str:
    with open_archive(settings) as archive:
        return store_paper(archive, seed, "H19.22-261207-0201", owner=OWNER, unit="H19.22",
                           doc_type="judicial_record", title="PHIẾU LÝ LỊCH TƯ PHÁP",
                           reasons=(DOUBT,),
                           extra={"signer": {"title": "GIÁM ĐỐC", "name": "Tợ Diệu Liễu"}})


def test_the_signers_name_is_set_in_review_and_the_question_answered(
        settings: Settings) -> None:
    doc_id = _flagged(settings, "signer-a")
    runner = CliRunner(env={"SOHOA_USER": "Lan", "COLUMNS": "200"})
    said = runner.invoke(cli, ["--home", str(settings.home), "review", "set", doc_id,
                               "Người ký", "Tạ Diệu Liễu", "--by", "Nguyễn Thị Lan"])
    assert said.exit_code == 0, said.output
    assert "'signer'" not in said.output
    with open_archive(settings) as archive:
        doc = archive.get_document(doc_id)
    assert doc["extra"]["signer"] == {"title": "GIÁM ĐỐC", "name": "Tạ Diệu Liễu"}
    assert DOUBT not in doc["review_reasons"] and not doc["needs_review"]


def test_title_and_name_are_set_together(settings: Settings) -> None:
    doc_id = _flagged(settings, "signer-b")
    with open_archive(settings) as archive:
        result = Reviewer(archive, settings, "Lan").set_field(
            doc_id, "signer", "KT. GIÁM ĐỐC — Thượng tá Tạ Diệu Liễu")
        doc = archive.get_document(doc_id)
        assert result["old"] == "GIÁM ĐỐC — Tợ Diệu Liễu"
        assert result["new"] == "KT. GIÁM ĐỐC — Thượng tá Tạ Diệu Liễu"
        assert doc["extra"]["signer"]["title"] == "KT. GIÁM ĐỐC"
        with pytest.raises(ConfigError, match="người ký như in trên giấy"):
            Reviewer(archive, settings, "Lan").set_field(doc_id, "Người ký", "  ")

