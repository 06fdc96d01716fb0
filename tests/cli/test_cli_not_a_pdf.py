"""F24: a file that is not a PDF given to a command that quarantines nothing does not get the
quarantine's exit 3: `verify` says it could not check it (exit 2: nothing verified), `sign`
refuses it (exit 2); an empty file is called empty."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from sohoa.cli.main import cli


def _files(tmp_path: Path) -> dict[str, Path]:
    files = {"text": tmp_path / "README.pdf", "empty": tmp_path / "rong.pdf",
             "damaged": tmp_path / "hong.pdf"}
    files["text"].write_text("# sohoa\nnot a PDF\n")
    files["empty"].write_bytes(b"")
    files["damaged"].write_bytes(b"%PDF-1.7\n1 0 obj garbage\n")
    import pikepdf

    whole = tmp_path / "whole.pdf"
    with pikepdf.new() as pdf:
        pdf.add_blank_page(page_size=(595, 842))
        pdf.save(whole)
    files["cut"] = tmp_path / "trunc.pdf"
    files["cut"].write_bytes(whole.read_bytes()[:300])  # the first bytes of a PDF only
    return files


def test_verify_says_it_could_not_check(tmp_path: Path) -> None:
    files = _files(tmp_path)
    runner = CliRunner()
    made = runner.invoke(cli, ["--home", str(tmp_path / "home"), "init"])  # its trust root
    assert made.exit_code == 0, made.output
    # tester11 F12: a file that is no PDF had nothing verified (2, the wrong input); a damaged
    # PDF failed verification (4), said in Vietnamese only (pypdf's English kept out)
    for kind, says, code in (("text", "không phải tệp PDF", 2), ("empty", "tệp rỗng (0 byte)", 2),
                             ("damaged", "không kiểm tra được", 4),
                             ("cut", "bị cắt ngắn", 4)):
        ran = runner.invoke(cli, ["--home", str(tmp_path / "home"), "verify",
                                  str(files[kind])])
        assert ran.exit_code == code, (kind, ran.output, ran.exception)
        assert ran.stderr.startswith("lỗi: không kiểm tra được: ") and says in ran.stderr, \
            ran.stderr
        assert "Could not" not in ran.stderr and "malformed" not in ran.stderr, ran.stderr


def test_sign_refuses_with_a_usage_error(tmp_path: Path) -> None:
    files = _files(tmp_path)
    runner = CliRunner()
    for kind, says in (("text", "không phải tệp PDF"), ("empty", "tệp rỗng (0 byte)")):
        ran = runner.invoke(cli, ["--home", str(tmp_path / "home"), "sign", str(files[kind]),
                                  "-o", str(tmp_path / "signed.pdf")])
        assert ran.exit_code == 2, (kind, ran.output, ran.exception)
        assert says in ran.stderr and str(files[kind]) in ran.stderr, ran.stderr
        assert not (tmp_path / "signed.pdf").exists()


def test_ocr_of_nothing_usable_says_why_and_writes_nothing(tmp_path: Path) -> None:
    files = _files(tmp_path)
    ran = CliRunner().invoke(cli, ["--home", str(tmp_path / "home"), "ocr", str(files["text"]),
                                   "-o", str(tmp_path / "out.pdf")])
    assert ran.exit_code == 2, (ran.output, ran.exception)
    assert ran.stderr.startswith("lỗi: không có trang nào để nhận dạng") and "README.pdf: " \
        in ran.stderr, ran.stderr
    assert not (tmp_path / "out.pdf").exists()


def test_verify_of_a_file_name_typed_wrong_is_not_found_even_without_an_archive(
        tmp_path) -> None:  # type: ignore[no-untyped-def]
    """`sohoa verify ~/Tải về/ban-sao.pdf` with a typo, in a home that holds no archive yet:
    "no such file" (exit 5, as verify's help says), not "this is no archive" (2)."""
    from click.testing import CliRunner

    from sohoa.cli.main import cli

    done = CliRunner().invoke(cli, ["--home", str(tmp_path / "empty"), "verify",
                                    str(tmp_path / "khong-co" / "ban-sao.pdf")])
    assert done.exit_code == 5, done.output
    assert "không phải tệp, cũng không phải mã giấy tờ" in done.output
    assert not (tmp_path / "empty").exists()


def test_sign_takes_a_pdf_with_whitespace_before_its_header_as_verify_does(
        tmp_path: Path) -> None:
    """L7: one header test for `sign` and `verify` (lookup.pdf_header_at): a PDF with a newline
    before "%PDF-" is signed (from its header on) and the signed file verifies."""
    import io

    import pikepdf

    page = io.BytesIO()
    with pikepdf.new() as pdf:
        pdf.add_blank_page(page_size=(595, 842))
        pdf.save(page)
    source = tmp_path / "don.pdf"
    source.write_bytes(b"\r\n \n" + page.getvalue())
    runner = CliRunner()
    home = str(tmp_path / "home")
    assert runner.invoke(cli, ["--home", home, "init"]).exit_code == 0
    signed = tmp_path / "don-ky.pdf"
    ran = runner.invoke(cli, ["--home", home, "sign", str(source), "-o", str(signed)])
    assert ran.exit_code == 0, (ran.output, ran.exception)
    assert signed.read_bytes().startswith(b"%PDF-")
    checked = runner.invoke(cli, ["--home", home, "verify", str(signed)])
    assert checked.exit_code == 0, checked.output
