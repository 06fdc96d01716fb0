"""What a new user read and could not place (tester9 F11, F14, F22/F27, F23): every line says
what it is, in Vietnamese, on Viet Nam's clock, with nothing dangling."""

from __future__ import annotations

import subprocess
from pathlib import Path

from archivist_helpers import make_home, opened, store
from click.testing import CliRunner

from sohoa.cli.main import cli


def test_dossier_list_says_what_a_dossier_known_only_from_a_receipt_is(tmp_path: Path) -> None:
    """F11: "H19.22-240923-7320 — H19.22 — [—] ": no day, no procedure, a status "[—]" and a
    trailing space, and nothing said what it was."""
    settings = make_home(tmp_path / "home")
    with opened(settings) as archive:
        store(archive, None, "phieu", dossier="H19.22-240923-7320", unit="H19.22")
    runner = CliRunner(env={"SOHOA_USER": "Trần Thị Bình"})
    home = ["--home", str(settings.home)]
    assert runner.invoke(cli, [*home, "dossier", "open", "H19.22-261201-0001", "--procedure",
                               "2.000488.000.00.00.H19", "--owner", "040180954551",
                               "--unit", "H19.22"]).exit_code == 0
    listed = runner.invoke(cli, [*home, "dossier", "list"])
    assert listed.exit_code == 0, listed.output
    lines = listed.stdout.splitlines()
    assert "H19.22-240923-7320 H19.22: chỉ biết từ phiếu tiếp nhận đã quét (chưa mở hồ sơ ở " \
           "đây)" in lines, lines
    assert [line for line in lines if line.startswith("H19.22-261201-0001 ")], lines
    assert not [line for line in lines if line != line.rstrip() or "[—]" in line], lines


def test_sign_keeps_an_existing_output_and_says_when_on_viet_nams_clock(tmp_path: Path) -> None:
    """F23: a second `sign x.pdf -o signed.pdf` silently replaced the signed copy, while `get`
    refuses without --force; the moment was "lúc 2026-12-06T18:51:03+00:00"."""
    import re

    from sample_files import pdf_bytes

    settings = make_home(tmp_path / "home")
    source, signed = tmp_path / "x.pdf", tmp_path / "signed.pdf"
    source.write_bytes(pdf_bytes("GIẤY XÁC NHẬN"))
    runner = CliRunner()
    line = ["--home", str(settings.home), "sign", str(source), "-o", str(signed),
            "--level", "B-B"]
    first = runner.invoke(cli, line)
    assert first.exit_code == 0, first.output
    assert re.search(r"lúc \d\d/\d\d/20\d\d \d\d:\d\d, bản gốc \(không có dấu \"SAO Y\"\)$",
                     first.stdout.strip()), first.stdout
    # tester13 F14: an original (an issued result) carries no "SAO Y" copy stamp
    stamp = _page_one_text(signed)
    assert "Thời gian ký" in stamp and "SAO Y" not in stamp, stamp
    kept = signed.read_bytes()
    again = runner.invoke(cli, line)
    assert again.exit_code == 2, again.output
    assert f"{signed} đã có; chọn tên khác hoặc thêm --force để ghi đè" in again.stderr
    assert signed.read_bytes() == kept
    assert runner.invoke(cli, [*line, "--force", "--sao-y"]).exit_code == 0
    assert signed.read_bytes() != kept and signed.read_bytes().startswith(b"%PDF")
    assert "SAO Y" in _page_one_text(signed)  # a copy, when the person says it is one


def test_sign_asks_which_a_scan_is_before_claiming_the_agencys_original(
        tmp_path: Path) -> None:
    """review14a S4: plain `sohoa sign` of a scanned paper stamped it as the agency's original
    (no "SAO Y") — a false claim, worse than the false "SAO Y" it replaced. A scan (page 1 a
    picture of a paper, an OCR text layer over it or not) is signed only with --sao-y or
    --original; a PDF a program wrote keeps the original by default (the test above)."""
    from PIL import Image, ImageDraw

    settings = make_home(tmp_path / "home")
    scan, signed = tmp_path / "to-khai-quet.pdf", tmp_path / "signed.pdf"
    sheet = Image.new("RGB", (620, 877), "white")
    ImageDraw.Draw(sheet).rectangle((60, 80, 560, 120), fill="black")
    sheet.save(scan, resolution=75)
    runner = CliRunner()
    line = ["--home", str(settings.home), "sign", str(scan), "-o", str(signed), "--level", "B-B"]
    refused = runner.invoke(cli, line)
    assert refused.exit_code == 2, refused.output
    said = " ".join(refused.stderr.split())
    assert f"{scan} là ảnh quét" in said and "--sao-y nếu là bản sao điện tử từ bản giấy" in said
    assert "--original nếu là văn bản gốc điện tử do chính cơ quan ban hành" in said
    assert not signed.exists()
    both = runner.invoke(cli, [*line, "--sao-y", "--original"])
    assert both.exit_code == 2 and "không cả hai" in both.stderr, both.output
    copy = runner.invoke(cli, [*line, "--sao-y"])
    assert copy.exit_code == 0, copy.output
    assert "SAO Y" in _page_one_text(signed)
    issued = runner.invoke(cli, [*line, "--original", "--force"])
    assert issued.exit_code == 0, issued.output
    assert "bản gốc" in issued.stdout and "SAO Y" not in _page_one_text(signed)


def _page_one_text(pdf: Path) -> str:
    return subprocess.run(["pdftotext", "-f", "1", "-l", "1", str(pdf), "-"],
                          capture_output=True, text=True, check=True).stdout


def test_show_says_an_issued_electronic_result_is_signed_as_the_original() -> None:
    """tester13 F14: `show` said "chữ ký số của cơ quan (sao y)" for the issuer's own signed
    result while `dossier show` said "bản điện tử gốc"."""
    from sohoa.cli.officer import _signature_line

    sig = {"kind": "agency", "level": "B-LTA", "signer": "UBND phường Trấn Biên",
           "signed_at": "2026-12-07T07:08:52+00:00"}
    result = {"extra": {"born_digital": True, "result_of": "H19.22-261207-0301"}}
    said = _signature_line(sig, result)
    assert said.startswith("chữ ký số của cơ quan ban hành (bản gốc điện tử)"), said
    assert "sao y" not in said
    # a digitized paper under the agency's key is still its certified copy
    assert _signature_line(sig, {"extra": {}}).startswith("chữ ký số của cơ quan (sao y)")


def test_a_reason_stored_with_a_decimal_point_is_shown_with_the_comma() -> None:
    """F22/F27: `show` and `review` said "độ tin cậy: 0,20" and then "… (độ tin cậy 0.20)":
    reasons written in Vietnamese before numbers took the comma are said as today's."""
    from sohoa.reasons import vietnamese

    assert vietnamese("Loại giấy tờ: chưa chắc chắn (độ tin cậy 0.20)") == \
        "Loại giấy tờ: chưa chắc chắn (độ tin cậy 0,20)"
    assert vietnamese("Nhận dạng chữ: độ tin cậy thấp (0.41)") == \
        "Nhận dạng chữ: độ tin cậy thấp (0,41)"
    assert vietnamese("Loại giấy tờ: chưa chắc chắn (độ tin cậy 0,20)") == \
        "Loại giấy tờ: chưa chắc chắn (độ tin cậy 0,20)"


def test_a_validity_rule_quotes_the_field_as_vietnamese_does() -> None:
    """review9b H: «…» is French; Vietnamese quotes with “…”."""
    from sohoa.cli.review import validity_text

    said = validity_text("until:expiry_date,months:1")
    assert said == "đến ngày ghi ở “Có giá trị đến” (không đọc được thì 1 tháng kể từ ngày cấp)"


def test_version_is_said_in_vietnamese() -> None:
    """F14 addendum: `sohoa --version` printed click's "sohoa, version 0.1.0"."""
    from sohoa import __version__

    said = CliRunner().invoke(cli, ["--version"])
    assert said.exit_code == 0 and said.stdout == f"sohoa, phiên bản {__version__}\n"
