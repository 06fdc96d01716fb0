from __future__ import annotations

import re
import subprocess
from datetime import UTC, datetime, timedelta
from io import BytesIO

import pikepdf
import pytest
from signing_helpers import (
    AGENCY,
    OFFICER_AGENCY,
    SIGNED_AT,
    add_page_content,
    flip_byte_in_signed_range,
    image_pdf,
    remove_signature_field,
    seal_png,
)

from sohoa.errors import BadInputError, ConfigError, SigningError
from sohoa.signing import DevIdentity, DocumentSigner, SigningSettings, verify_pdf
from sohoa.signing.settings import VIETNAM_TIME, stamp_time, vietnam_time


def _pdfsig(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "doc.pdf"
    path.write_bytes(pdf)
    run = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True, check=False)
    return run.stdout + run.stderr


def test_signed_pdf_verifies(signed_pdf: bytes, agency_identity: DevIdentity, agency_key) -> None:
    report = verify_pdf(signed_pdf, trust_roots=[agency_identity.root_cert])
    assert report.valid, report
    [check] = report.signatures
    assert check.signer == agency_key.signer_name
    assert check.intact and check.trusted and not check.revoked
    assert check.level == "B-B"
    assert check.signed_at == SIGNED_AT
    assert check.timestamp is None
    assert check.modification == "none"
    assert check.covers_whole_file


def test_summary_describes_the_signature(agency_signer: DocumentSigner, plain_pdf: bytes) -> None:
    out, summary = agency_signer.sign(plain_pdf, signed_at=SIGNED_AT)
    assert out.startswith(plain_pdf)  # incremental update: the original bytes are untouched
    assert summary.level == "B-B"
    assert summary.signed_at == SIGNED_AT
    assert summary.signer == agency_signer.key.signer_name
    assert summary.certificate_sha256 == agency_signer.key.certificate_sha256()


def test_pdfsig_finds_every_digest_valid(twice_signed_pdf: bytes, tmp_path) -> None:
    text = _pdfsig(twice_signed_pdf, tmp_path)
    assert text.count("Signature is Valid") == 2, text
    assert "ETSI.CAdES.detached" in text


def test_officer_then_agency_both_valid(
    twice_signed_pdf: bytes, agency_identity: DevIdentity, officer_identity: DevIdentity
) -> None:
    report = verify_pdf(
        twice_signed_pdf,
        trust_roots=[agency_identity.root_cert, officer_identity.root_cert],
        required=2,
    )
    assert report.valid, report
    first, second = report.signatures
    assert first.signer.startswith(OFFICER_AGENCY) and second.signer.startswith(AGENCY)
    assert first.modification == "form_filling"  # the agency's signature came after it
    assert not first.covers_whole_file and second.covers_whole_file


def test_second_stamp_does_not_cover_the_first(twice_signed_pdf: bytes) -> None:
    with pikepdf.open(BytesIO(twice_signed_pdf)) as pdf:
        rects = [[float(v) for v in a.Rect] for a in pdf.pages[0].Annots]
    (a, b) = rects
    assert a[1] >= b[3] or b[1] >= a[3]


def test_pdfa_input_stays_pdfa_friendly(
    agency_signer: DocumentSigner, agency_identity: DevIdentity, tmp_path
) -> None:
    original = image_pdf(2, pdfa=True)
    signed, _ = agency_signer.sign(original, signed_at=SIGNED_AT)
    assert verify_pdf(signed, trust_roots=[agency_identity.root_cert]).valid
    assert "Signature is Valid" in _pdfsig(signed, tmp_path)
    check = subprocess.run(
        ["qpdf", "--check", str(tmp_path / "doc.pdf")], capture_output=True, text=True
    )
    assert check.returncode == 0, check.stdout + check.stderr
    with pikepdf.open(BytesIO(signed)) as pdf:
        meta = pdf.open_metadata()
        assert meta["pdfaid:part"] == "2"
        [annot] = pdf.pages[0].Annots
        form = annot.AP.N
        fonts = list(form.Resources.Font.values())
        assert fonts, "the stamp must carry its own font"
        for font in fonts:
            descendant = font.DescendantFonts[0]
            assert "/FontFile2" in descendant.FontDescriptor  # embedded, as PDF/A requires
            assert "/ToUnicode" in font


def test_stamp_text_is_vietnamese_and_top_right(signed_pdf: bytes, tmp_path) -> None:
    path = tmp_path / "signed.pdf"
    path.write_bytes(signed_pdf)
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "SAO Y" in text
    assert "UBND tỉnh Đồng Nai" in text
    assert f"Thời gian ký: {stamp_time(SIGNED_AT)}" in text
    assert vietnam_time(SIGNED_AT) not in text  # no "2026-12-07T10:43:10+07:00" on paper
    with pikepdf.open(BytesIO(signed_pdf)) as pdf:
        page = pdf.pages[0]
        width, height = float(page.MediaBox[2]), float(page.MediaBox[3])
        x1, y1, x2, y2 = (float(v) for v in page.Annots[0].Rect)
    assert x2 > width * 0.8 and y2 > height * 0.9  # top right
    assert x1 > width / 2 and y1 > height * 0.8
    mm = 72 / 25.4
    # three 10 pt lines fit, and the stamp stays inside the 20 mm top margin (NĐ 30/2020)
    assert x2 - x1 >= 60 * mm - 1 and y2 - y1 >= 3 * 10 * 1.4
    assert y1 >= height - 20 * mm


def test_stamp_renders_in_the_top_right_corner(signed_pdf: bytes, tmp_path) -> None:
    from PIL import Image

    path = tmp_path / "signed.pdf"
    path.write_bytes(signed_pdf)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "50", "-f", "1", "-l", "1", str(path), str(tmp_path / "p")],
        check=True,
    )
    image = Image.open(next(tmp_path.glob("p*.png"))).convert("L")
    w, h = image.size
    corner = image.crop((int(w * 0.6), 0, w, int(h * 0.1)))
    dark = sum(1 for v in corner.tobytes() if v < 120)
    assert dark > 50  # black text on the light page background


def test_flipped_byte_is_not_intact(signed_pdf: bytes, agency_identity: DevIdentity, tmp_path):
    tampered = flip_byte_in_signed_range(signed_pdf)
    report = verify_pdf(tampered, trust_roots=[agency_identity.root_cert])
    assert not report.valid
    assert not report.signatures[0].intact
    assert "Digest Mismatch" in _pdfsig(tampered, tmp_path)


def test_page_changed_after_signing_is_invalid(
    signed_pdf: bytes, agency_identity: DevIdentity
) -> None:
    tampered = add_page_content(signed_pdf)
    report = verify_pdf(tampered, trust_roots=[agency_identity.root_cert])
    assert not report.valid
    [check] = report.signatures
    assert check.intact  # the signed bytes are untouched; only the analysis catches it
    assert check.modification == "other"
    assert any("bị thay đổi sau chữ ký này" in p for p in check.problems)


def test_removed_signature_is_reported(
    twice_signed_pdf: bytes, agency_identity: DevIdentity, officer_identity: DevIdentity
) -> None:
    roots = [agency_identity.root_cert, officer_identity.root_cert]
    stripped = remove_signature_field(twice_signed_pdf, "Signature2")
    report = verify_pdf(stripped, trust_roots=roots, required=1)
    assert not report.valid
    assert any(p.startswith("chữ ký bị gỡ") and "Signature2" in p for p in report.problems)


def test_unsigned_pdf_fails_when_a_signature_is_required(
    plain_pdf: bytes, agency_identity: DevIdentity
) -> None:
    report = verify_pdf(plain_pdf, trust_roots=[agency_identity.root_cert])
    assert not report.valid
    assert report.problems and report.problems[0].startswith("không có chữ ký")
    assert verify_pdf(plain_pdf, trust_roots=[agency_identity.root_cert], required=0).problems == ()


def test_too_few_signatures(signed_pdf: bytes, agency_identity: DevIdentity) -> None:
    report = verify_pdf(signed_pdf, trust_roots=[agency_identity.root_cert], required=2)
    assert not report.valid
    assert report.problems[0].startswith("thiếu chữ ký")


def test_certificate_outside_the_trust_roots_is_untrusted(
    signed_pdf: bytes, officer_identity: DevIdentity
) -> None:
    report = verify_pdf(signed_pdf, trust_roots=[officer_identity.root_cert.read_bytes()])
    assert not report.valid
    [check] = report.signatures
    assert check.intact and not check.trusted and not check.revoked


def test_no_trust_roots_is_a_configuration_error(signed_pdf: bytes) -> None:
    with pytest.raises(ConfigError):
        verify_pdf(signed_pdf, trust_roots=[])


def test_expired_or_future_certificate_is_refused(
    agency_signer: DocumentSigner, plain_pdf: bytes
) -> None:
    cert = agency_signer.key.certificate
    with pytest.raises(SigningError, match="đã hết hạn"):
        agency_signer.sign(plain_pdf, signed_at=cert.not_valid_after_utc + timedelta(days=1))
    with pytest.raises(SigningError, match="chưa có hiệu lực trước"):
        agency_signer.sign(plain_pdf, signed_at=cert.not_valid_before_utc - timedelta(days=1))


def test_stamp_time_is_iso_8601_in_vietnam_time() -> None:
    moment = datetime(2026, 11, 27, 20, 15, 30, tzinfo=UTC)
    assert vietnam_time(moment) == "2026-11-28T03:15:30+07:00"
    # On paper as people read it (tester12 F6), seconds and the zone as NĐ 30/2020 asks.
    assert stamp_time(moment) == "28/11/2026 03:15:30 +07:00"


def test_archive_default_level() -> None:
    assert SigningSettings.for_archive().level == "B-B"
    lta = SigningSettings.for_archive("http://127.0.0.1:9/tsa", reason="Lưu trữ")
    assert lta.level == "B-LTA" and lta.reason == "Lưu trữ"


def test_settings_are_checked() -> None:
    with pytest.raises(ConfigError, match="cần máy chủ cấp dấu thời gian"):
        SigningSettings(level="B-LTA")
    with pytest.raises(ConfigError, match="Không có mức chữ ký"):
        SigningSettings(level="B-X")
    with pytest.raises(ConfigError, match="stamp_box"):
        SigningSettings(stamp_box=(100, 100, 50, 200))


def test_custom_template_and_box(agency_key, agency_identity: DevIdentity, tmp_path) -> None:
    settings = SigningSettings(
        stamp_template="BẢN SAO ĐIỆN TỬ\n{signer}\nNgày {date}",
        stamp_box=(40.0, 40.0, 300.0, 110.0),
    )
    signer = DocumentSigner(agency_key, settings, AGENCY)
    signed, _ = signer.sign(image_pdf(1), signed_at=SIGNED_AT)
    assert verify_pdf(signed, trust_roots=[agency_identity.root_cert]).valid
    path = tmp_path / "custom.pdf"
    path.write_bytes(signed)
    text = subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    day = SIGNED_AT.astimezone(VIETNAM_TIME).strftime("%d/%m/%Y")
    assert "BẢN SAO ĐIỆN TỬ" in text and f"Ngày {day}" in text
    with pikepdf.open(BytesIO(signed)) as pdf:
        assert [round(float(v)) for v in pdf.pages[0].Annots[0].Rect] == [40, 40, 300, 110]


def test_bad_template_is_a_configuration_error(agency_key) -> None:
    with pytest.raises(ConfigError, match="Mẫu dấu chữ ký"):
        DocumentSigner(agency_key, SigningSettings(stamp_template="{nobody}"), AGENCY)


def test_seal_variant_prints_the_seal_at_real_size(
    agency_key, agency_identity: DevIdentity, tmp_path
) -> None:
    from PIL import Image

    seal = tmp_path / "seal.png"
    seal_png(seal)
    settings = SigningSettings(seal_image=str(seal), seal_size_mm=36.0)
    signed, _ = DocumentSigner(agency_key, settings, AGENCY).sign(image_pdf(1))
    assert verify_pdf(signed, trust_roots=[agency_identity.root_cert]).valid
    with pikepdf.open(BytesIO(signed)) as pdf:
        annot = pdf.pages[0].Annots[0]
        _, y1, _, y2 = (float(v) for v in annot.Rect)
        assert y2 - y1 >= 36 * 72 / 25.4  # room for the seal at its real size
        content = annot.AP.N.read_bytes()
    drawn = re.search(rb"([\d.]+) 0 0 \1 0 0 cm /Img", content)
    assert drawn and abs(float(drawn.group(1)) - 36 * 72 / 25.4) < 0.5  # pyHanko rounds to 1 pt
    path = tmp_path / "sealed.pdf"
    path.write_bytes(signed)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "50", "-f", "1", "-l", "1", str(path), str(tmp_path / "s")],
        check=True,
    )
    image = Image.open(next(tmp_path.glob("s*.png"))).convert("RGB")
    w, h = image.size
    corner = image.crop((int(w * 0.5), 0, w, int(h * 0.15))).tobytes()
    red = sum(
        1 for i in range(0, len(corner), 3)
        if corner[i] > 150 and corner[i + 1] < 90 and corner[i + 2] < 90
    )
    assert red > 100


def test_garbage_is_bad_input(agency_signer: DocumentSigner, agency_identity: DevIdentity) -> None:
    with pytest.raises(BadInputError):
        verify_pdf(b"%PDF-1.7\nnot really", trust_roots=[agency_identity.root_cert])
    with pytest.raises(BadInputError):
        agency_signer.sign(b"GIF89a, not a PDF")
