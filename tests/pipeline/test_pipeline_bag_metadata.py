"""An exported bag as an inspector reads it, from real scans: a dossier's receipt, a decision and
a citizen ID card are ingested (real OCR) and exported; each paper's metadata carries its
type, number with year and notation, trích yếu, retention in words, owner, keywords and notes,
and the dossier its title, dates and counts."""

from __future__ import annotations

import json
from pathlib import Path

from pipeline_helpers import json_lines, run_sohoa

from sohoa.synth.document import render_document


def test_bag_metadata_from_scanned_papers(tmp_path: Path) -> None:
    home = tmp_path / "home"
    assert run_sohoa(home, "init", "--unit", "H19.22").returncode == 0
    scans = tmp_path / "scans"
    scans.mkdir()
    for n, paper in enumerate(("dossier_receipt", "decision", "citizen_id_card")):
        (scans / f"{n}-{paper}.jpg").write_bytes(render_document(paper, 21, dpi=200).page_jpeg(0))
    done = run_sohoa(home, "ingest", str(scans), "--json")
    assert done.returncode == 0, done.stderr
    stored = {e["doc_type"]: e for e in json_lines(done.stdout) if e.get("created")}
    assert {"dossier_receipt", "decision", "citizen_id_card"} <= set(stored), stored.keys()
    code = stored["decision"]["dossier_code"]
    bag = tmp_path / "bag"
    exported = run_sohoa(home, "export", "--dossier", code, "-o", str(bag), "--json")
    assert exported.returncode == 0, exported.stderr
    folder = next(p for p in (bag / "data").iterdir() if p.is_dir())

    def meta(kind: str) -> dict:
        path = folder / f"{stored[kind]['document_id']}.json"
        return json.loads(path.read_text(encoding="utf-8"))["tai_lieu"]

    decision = meta("decision")
    assert decision["Trích yếu nội dung"].startswith("Về việc"), decision
    assert "/" in decision["Số của văn bản"], decision  # the year stays with the number
    assert decision["Ký hiệu của văn bản"].startswith("QĐ"), decision
    assert decision["Thời hạn bảo quản"].endswith(("năm", "Vĩnh viễn")), decision
    card = meta("citizen_id_card")
    assert card["Tên loại văn bản"] and not card["Tên loại văn bản"].startswith("-"), card
    assert card["Số định danh chủ hồ sơ"], card
    receipt = meta("dossier_receipt")
    for paper in (decision, card, receipt):
        assert not str(paper["Thời hạn bảo quản"]).startswith("years:"), paper
        assert paper["Từ khóa"] and paper["Ghi chú"].startswith("Bản số hóa từ bản giấy")
        assert paper["Mã loại giấy tờ"] and paper["Ký hiệu thông tin"]
    dossier = json.loads((folder / "dossier.json").read_text(encoding="utf-8"))["ho_so"]
    assert dossier["Mã hồ sơ"] == code
    assert dossier["Số lượng văn bản"] == 3 and dossier["Số lượng trang"] == 3
    assert dossier["Thời hạn bảo quản"] and dossier["Tiêu đề hồ sơ"].startswith("Hồ sơ")
    info = (bag / "bag-info.txt").read_text(encoding="utf-8")
    assert "Contact-Name: root" not in info  # a person or the agency, never the login
