"""scripts/demo.sh as a new user reads it (tester9 F2, F4): its narration in Vietnamese between
sohoa's Vietnamese output, and the demo dossier's code dated on Viet Nam's day."""

from __future__ import annotations

import re
from pathlib import Path

from test_messages import ENGLISH, NOT_PROSE

DEMO = Path(__file__).resolve().parent.parent / "scripts" / "demo.sh"


def _narration() -> list[str]:
    """What the demo prints itself: its step titles and echo lines."""
    lines = []
    for line in DEMO.read_text(encoding="utf-8").splitlines():
        m = re.match(r'\s*(?:step|echo)\s+"(.*)"', line) or re.search(
            r'\|\|\s*\{?\s*echo\s+"([^"]*)"', line)
        if m:
            lines.append(m.group(1))
    return lines


def test_the_narration_is_vietnamese() -> None:
    said = _narration()
    assert len(said) >= 15, said
    for text in said:
        prose = NOT_PROSE.sub(" ", re.sub(r"\$\(?[\w{}:-]+\)?|\$\([^)]*\)", " ", text))
        assert not ENGLISH.findall(prose), (ENGLISH.findall(prose), text)


def test_the_dossier_code_is_dated_on_viet_nams_day() -> None:
    """`date +%y%m%d` is the machine's day (UTC on servers): from 17:00 UTC the code named the
    day before the receipt sohoa printed beside it. sohoa's own clock gives the day (TZ= needs
    the tz database, and without it falls back to UTC without a word)."""
    script = DEMO.read_text(encoding="utf-8")
    assert not re.search(r"\bdate \+", script), "the machine's clock dates the demo"
    assert "CODE=H19.22-$(vietnam_day %y%m%d)-0001" in script


def test_the_demo_table_writes_decimals_as_ingest_does_and_cuts_no_reason(
        tmp_path: Path) -> None:
    """tester10 F18: the demo's table printed "0.96" (ingest says "0,96") and cut the review
    reason in the middle of its file path ("…/demo-ba… đối chiếu với giấy"); tester15 F6: then
    folded it inside the review column, the path broken over lines ("…/out/d" / "emo-batch/…").
    The table marks the paper and each reason is printed whole below it, on one line."""
    import json
    import subprocess
    import sys

    path = "/tmp/a/long/folder/of/the/demo/out/demo-batch-with-a-long-name-0001.pdf"
    reason = f"Người ký: máy đọc chưa chắc ở trang 7 của {path}; đối chiếu với giấy"
    other = "Số định danh: đọc không chắc chắn"
    doc = {"document_id": "51a4d7bc4da666b4", "dossier_code": "H19.22-261207-0001",
           "doc_type": "decision", "owner_id": "075080523661",
           "fields": {"full_name": "Nguyễn Văn Thưởng", "document_number": "1234/QĐ-UBND"},
           "pages": [{}], "confidence": 0.96, "needs_review": True,
           "review_reasons": [reason, other]}
    fine = {**doc, "document_id": "0f8e2c3a9b1d4e57", "needs_review": False,
            "review_reasons": []}
    lines = tmp_path / "ingest.jsonl"
    lines.write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in (doc, fine)),
                     encoding="utf-8")
    shown = subprocess.run([sys.executable, str(DEMO.parent / "demo_report.py"), str(lines)],
                           capture_output=True, text=True, check=True, timeout=60).stdout
    assert "0,96" in shown and "0.96" not in shown, shown
    # tester12 F7: the type as the clerk's listings name it, not its code
    assert "Quyết định" in shown and "decision" not in shown, shown
    assert "…" not in shown, shown
    table = [line for line in shown.splitlines() if "│" in line]
    row = [line for line in table if "51a4d7bc4da666b4" in line]
    assert len(row) == 1 and "cần, xem (1), (2)" in row[0], shown
    assert not any("/tmp" in line or "demo-batch" in line for line in table), shown
    said = shown.splitlines()
    assert f"(1) 51a4d7bc4da666b4: {reason}" in said, shown
    assert f"(2) 51a4d7bc4da666b4: {other}" in said, shown
