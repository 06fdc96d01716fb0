"""`sohoa verify` as a clerk reads it: no pyHanko log lines or tracebacks on stderr, the one
right reason for a flipped byte, and a revision added after signing named with what it
changes."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

from archivist_helpers import opened, run_sohoa, signer_for, store
from pyhanko.pdf_utils.generic import NameObject, pdf_string
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

from sohoa.pipeline.settings import Settings


def _signed(settings: Settings) -> bytes:
    with opened(settings) as archive:
        return archive.get_pdf(store(archive, signer_for(settings), "a"))


def test_a_flipped_byte_gives_one_reason_and_no_log_noise(settings: Settings,
                                                          tmp_path: Path) -> None:
    pdf = _signed(settings)
    for offset in (60, len(pdf) - 300):
        bad = bytearray(pdf)
        bad[offset] ^= 0x01
        path = tmp_path / f"bad-{offset}.pdf"
        path.write_bytes(bytes(bad))
        for extra in ((), ("--json",)):
            done = run_sohoa(settings.home, "verify", str(path), *extra)
            assert done.returncode == 4, done.stdout
            noise = [ln for ln in done.stderr.splitlines()
                     if "CryptographyDeprecationWarning" not in ln and "DSAPrivateKey" not in ln]
            assert noise == [], noise
            assert "không dẫn về tổ chức chứng thực gốc" not in done.stdout, done.stdout
            if not extra:  # what the clerk reads: Vietnamese, no English framing
                assert "kết luận: KHÔNG HỢP LỆ" in done.stdout, done.stdout
                assert not re.search(r"\b(verdict|signer|problem|NOT VALID)\b", done.stdout)


def test_a_later_revision_is_named_with_what_it_changes(settings: Settings,
                                                        tmp_path: Path) -> None:
    pdf = _signed(settings)
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    info = writer.trailer["/Info"]
    info[NameObject("/Title")] = pdf_string("Tiêu đề khác")
    writer.mark_update(writer.trailer.raw_get("/Info"))
    out = io.BytesIO()
    writer.write(out)
    path = tmp_path / "later.pdf"
    path.write_bytes(out.getvalue())
    done = run_sohoa(settings.home, "verify", str(path))
    assert "có một phiên bản thêm vào sau chữ ký cuối cùng" in done.stdout, done.stdout
    assert "/Title" in done.stdout and "Tiêu đề khác" in done.stdout
    as_json = json.loads(run_sohoa(settings.home, "verify", str(path), "--json").stdout)
    assert any("/Title" in n for n in as_json["later_revision"])
    clean = tmp_path / "clean.pdf"
    clean.write_bytes(pdf)
    plain = json.loads(run_sohoa(settings.home, "verify", str(clean), "--json").stdout)
    assert plain["valid"] and plain["later_revision"] == []


def test_validation_data_added_after_the_last_timestamp_is_no_later_revision(
        settings: Settings) -> None:
    """A long-term signature appends its certificates and revocation answers (/DSS) after
    the last timestamp, and writing a revision stamps /ModDate: nothing a clerk must be told
    about — but a changed title in the same kind of revision still is."""
    from pyhanko.pdf_utils.generic import DictionaryObject

    from sohoa.pipeline.lookup import later_revision

    signed = _signed(settings)

    def revised(title: str | None, turn_page: bool = False) -> bytes:
        writer = IncrementalPdfFileWriter(io.BytesIO(signed))
        writer.root[NameObject("/DSS")] = writer.add_object(DictionaryObject())
        writer.update_root()
        if turn_page:
            from pyhanko.pdf_utils.generic import NumberObject

            page_ref = writer.root["/Pages"]["/Kids"].raw_get(0)
            page_ref.get_object()[NameObject("/Rotate")] = NumberObject(90)
            writer.mark_update(page_ref)
        info = writer.trailer["/Info"]
        info[NameObject("/ModDate")] = pdf_string("D:20261207014342+07'00'")
        if title is not None:
            info[NameObject("/Title")] = pdf_string(title)
        writer.mark_update(writer.trailer.raw_get("/Info"))
        out = io.BytesIO()
        writer.write(out)
        return out.getvalue()

    assert later_revision(revised(None)) == []
    [note] = later_revision(revised("Tiêu đề khác"))
    assert "/Title" in note and "/ModDate" not in note
    # /DSS beside a page rewritten in the same revision is no validation data
    [turned] = later_revision(revised(None, turn_page=True))
    assert "trang 1" in turned, turned


def _inheriting_pdf() -> bytes:
    """A born-digital one-page PDF whose page inherits /MediaBox and /Resources from /Pages
    (fpdf2 writes them so; tester13 F13's result), drawn with pikepdf."""
    import pikepdf

    pdf = pikepdf.new()
    font = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Font,
                                                Subtype=pikepdf.Name.Type1,
                                                BaseFont=pikepdf.Name.Helvetica))
    content = pdf.make_stream(b"BT /F1 18 Tf 72 720 Td (GIAY CHUNG NHAN KET HON) Tj ET")
    page = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Page, Contents=content))
    pages = pdf.Root.Pages
    pages.Kids = pikepdf.Array([page])
    pages.Count = 1
    pages.MediaBox = pikepdf.Array([0, 0, 595.28, 841.89])
    pages.Resources = pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font))
    page.Parent = pages
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def test_validation_data_after_signing_a_page_that_inherits_is_said_as_such(
        settings: Settings, tmp_path: Path) -> None:
    """tester13 F13: `sohoa verify` on a file `sohoa sign` had just made said "nó thay đổi:
    trang 1" — pikepdf copies an inherited /MediaBox into a new object numbered after each
    file's last one, so the page's references differed. The validation-data revision is said
    as what it is; a page painted over after signing is still named."""
    from click.testing import CliRunner
    from pyhanko.pdf_utils.generic import ArrayObject, DictionaryObject, StreamObject

    from sohoa.cli.main import cli
    from sohoa.pipeline.lookup import VALIDATION_DATA_NOTE, after_last_signature

    signed, _summary = signer_for(settings).sign(_inheriting_pdf(), ink=None)

    def revised(paint: bool) -> bytes:
        writer = IncrementalPdfFileWriter(io.BytesIO(signed))
        writer.root[NameObject("/DSS")] = writer.add_object(DictionaryObject())
        writer.update_root()
        if paint:  # a white box over the text, in the page's own content stream
            page_ref = writer.root["/Pages"]["/Kids"].raw_get(0)
            page = page_ref.get_object()
            box = writer.add_object(StreamObject(stream_data=b"q 1 1 1 rg 60 700 400 40 re f Q"))
            page[NameObject("/Contents")] = ArrayObject([page.raw_get("/Contents"), box])
            writer.mark_update(page_ref)
        out = io.BytesIO()
        writer.write(out)
        return out.getvalue()

    assert after_last_signature(revised(False)) == ([], True)
    notes, validation = after_last_signature(revised(True))
    assert validation is False and len(notes) == 1 and "trang 1" in notes[0], notes
    path = tmp_path / "ky.pdf"
    path.write_bytes(revised(False))
    runner = CliRunner()
    said = runner.invoke(cli, ["--home", str(settings.home), "verify", str(path)]).output
    assert VALIDATION_DATA_NOTE in " ".join(said.split()), said
    assert "lưu ý" not in said and "trang 1" not in said, said
    as_json = json.loads(runner.invoke(
        cli, ["--home", str(settings.home), "verify", str(path), "--json"]).output)
    assert (as_json["later_revision"], as_json["validation_data_added"]) == ([], True)
