"""tester10 F19: `verify` of sohoa's own digitized copy said "không có mã QR của sohoa …" before
"HỢP LỆ", which a clerk read as a defect. Such copies never carry one (sohoa prints its QR
code only on the papers it issues itself): the line says so."""

from __future__ import annotations

from archivist_helpers import opened, signer_for, store
from click.testing import CliRunner

from sohoa.cli.main import cli
from sohoa.pipeline.settings import Settings


def test_verify_of_a_digitized_copy_says_why_it_has_no_qr_code(settings: Settings) -> None:
    with opened(settings) as archive:
        doc_id = store(archive, signer_for(settings), "own")
    done = CliRunner().invoke(cli, ["--home", str(settings.home), "verify", doc_id],
                              env={"SOHOA_HOME": None, "COLUMNS": "250"})
    assert done.exit_code == 0, done.output
    assert "mã QR: không có (bình thường với bản số hóa giấy tờ" in done.output, done.output
    assert "kết luận: HỢP LỆ" in done.output
