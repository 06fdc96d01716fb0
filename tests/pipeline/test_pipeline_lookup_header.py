"""Review 9b H: one PDF header test for `verify` and for the altered-signature check before
signing and certifying (a signed file with whitespace before its header was certified without
the check, which only looked at byte 0); the check reads a file without a signature a MB at a
time instead of whole; pyHanko's logs are muted for the verifying thread only."""

from __future__ import annotations

import io
import logging
import threading
from pathlib import Path

import pikepdf
import pytest

from sohoa.pipeline.home import init_home
from sohoa.pipeline.lookup import _mentions, altered_signatures, pdf_header_at, verify_file
from sohoa.pipeline.services import make_signer
from sohoa.pipeline.settings import Settings, load_settings
from sohoa.quiet import library_logs_muted


@pytest.fixture(scope="module")
def signed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Settings, bytes]:
    home = tmp_path_factory.mktemp("home")
    init_home(home, dev_key=True, unit="H19.22")
    settings = load_settings(home=home, environ={})
    paper = pikepdf.new()
    paper.add_blank_page()
    paper.pages[0].obj.Contents = paper.make_stream(b"BT /F1 12 Tf 72 720 Td (Hello) Tj ET")
    out = io.BytesIO()
    paper.save(out, compress_streams=False)
    pdf, _summary = make_signer(settings).sign(out.getvalue())
    return settings, pdf


def test_whitespace_before_the_header_does_not_skip_the_check(
        signed: tuple[Settings, bytes], tmp_path: Path) -> None:
    settings, pdf = signed
    assert b"(Hello)" in pdf
    tampered = tmp_path / "tampered.pdf"
    tampered.write_bytes(b"\r\n " + pdf.replace(b"(Hello)", b"(Jello)"))
    assert altered_signatures(settings, tampered) == ["Signature1"]
    intact = tmp_path / "intact.pdf"
    intact.write_bytes(b"\n" + pdf)
    assert altered_signatures(settings, intact) == []
    report, later, _ = verify_file(settings, str(intact))  # pyHanko refused "Illegal PDF header"
    assert report.valid and later == [], report
    assert pdf_header_at(b"  \n%PDF-1.7") == 3 and pdf_header_at(b"%PDF-1.7") == 0
    assert pdf_header_at(b"x%PDF-1.7") is None and pdf_header_at(b" " * 1100 + b"%PDF-") is None


def test_the_signature_search_reads_in_chunks_across_their_border() -> None:
    needle = b"/ByteRange"
    for cut in range(len(needle) + 1):
        body = b"a" * ((1 << 20) - cut) + needle + b"b" * 10
        assert _mentions(io.BytesIO(body), needle), cut
    assert not _mentions(io.BytesIO(b"a" * (3 << 20)), needle)


def test_muted_logs_are_muted_in_their_own_thread_only() -> None:
    """logging.disable muted every thread of a server while one verified."""
    seen: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            seen.append(record.getMessage())

    keep = Keep()
    root = logging.getLogger()
    root.addHandler(keep)
    library = logging.getLogger("pyhanko.sohoa_test")
    try:
        with library_logs_muted():
            library.warning("muted here")
            other = threading.Thread(target=lambda: library.warning("other thread"))
            other.start()
            other.join()
            logging.getLogger("sohoa.test").warning("own log")
        library.warning("after")
    finally:
        root.removeHandler(keep)
    assert seen == ["other thread", "own log", "after"], seen
