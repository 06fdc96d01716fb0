"""A paper destroyed under an executed disposal decision is still "not found" (exit 5) for
`verify` and `certify copy`, but they say what happened: destroyed, the day, the decision and
the list whose destruction record tells the rest (tester10 F15/F32)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from archivist_helpers import opened, store
from click.testing import CliRunner, Result

from sohoa.archive import disposal
from sohoa.cli.main import cli
from sohoa.clock import vietnam_today
from sohoa.doctypes import load_registry
from sohoa.pipeline.settings import Settings

DECISION = "Quyết định số 12/QĐ-UBND ngày 20/5/2026"


def run_sohoa(home: Path, *args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(cli, ["--home", str(home), *args],
                              env={"SOHOA_USER": "Lê Thu Hà", **(env or {})})


def test_verify_and_certify_copy_say_the_paper_was_destroyed(settings: Settings) -> None:
    registry = load_registry()
    with opened(settings) as archive:
        doc_id = store(archive, None, "gone")
        pre = settings.home.parent / "pre.pdf"  # fetched before the disposal (tester11 F8)
        pre.write_bytes(archive.get_pdf(doc_id))
        made = disposal.propose(archive, as_of=date(2025, 12, 1), note="hết hạn",
                                by="Lê Thu Hà", registry=registry)
        assert made is not None
        disposal.approve(archive, made["list"], decision=DECISION, by="Trần Văn Bình")
        disposal.start(archive, made["list"], by="Lê Thu Hà")
        disposal.dispose(archive, made["list"], [doc_id], by="Lê Thu Hà", decision=DECISION,
                         registry=registry)
    day = vietnam_today().strftime("%d/%m/%Y")
    said = (f"giấy tờ {doc_id} đã bị tiêu hủy ngày {day} theo {DECISION} "
            f"(danh mục tiêu hủy số {made['list']}; biên bản hủy: sohoa disposal record")

    plain = run_sohoa(settings.home, "verify", doc_id[:6])
    assert plain.exit_code == 5, plain.stderr
    assert said in plain.stderr and "không phải tệp" not in plain.stderr

    as_json = run_sohoa(settings.home, "verify", doc_id, "--json")
    assert as_json.exit_code == 5, as_json.stderr
    answer = json.loads(as_json.stdout)
    assert answer["verdict"] == "destroyed" and answer["document_id"] == doc_id
    assert answer["disposal_list"] == made["list"] and answer["decision"] == DECISION
    assert answer["destroyed_at"]

    # certify copy (--json: the line on stderr for the official, the facts on stdout)
    copy = run_sohoa(settings.home, "certify", "copy", doc_id, "--owner", "075203001234",
                     "--unit", "H19.22.26", "--by", "Lê Văn Tâm", "--title", "Phó Chủ tịch",
                     "--original-compared", "--json",
                     env={"SOHOA_SIGNING_CERTIFY_WITH_AGENCY_KEY": "true"})
    assert copy.exit_code == 5, copy.stderr
    assert said in copy.stderr and "(disposed)" not in copy.stderr
    assert json.loads(copy.stdout)["disposal_list"] == made["list"]

    # tester11 F7: with the default config (no personal key for this official) the paper's
    # destruction is still said first, exit 5, not "no personal key" (exit 2); and neither
    # refusal is in the access log as a read that delivered, under a name glued to the mode
    first = run_sohoa(settings.home, "certify", "copy", doc_id, "--owner", "075203001234",
                      "--unit", "H19.22.26", "--by", "Lê Văn Hai", "--title", "Phó Chủ tịch",
                      "--original-compared")
    assert first.exit_code == 5, first.stderr
    assert said in first.stderr and "khóa ký cá nhân" not in first.stderr, first.stderr
    with opened(settings) as archive:
        events = archive.access_events(document=doc_id)
    assert not [e for e in events if "Lê Văn" in str(e)], events

    # tester11 F8: the PDF fetched before the disposal, verified now: the verdict is about its
    # signature, and the archive's word that the paper was destroyed is said beside it
    checked = run_sohoa(settings.home, "verify", str(pre))
    assert f"kho lưu trữ ghi nhận: {said}" in " ".join(checked.stdout.split()), checked.stdout
    answer = json.loads(run_sohoa(settings.home, "verify", str(pre), "--json").stdout)
    assert answer["archive"]["disposal_list"] == made["list"], answer
