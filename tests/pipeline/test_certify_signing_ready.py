"""No number of the certification register is taken before we know the copy can be signed
(tester 10, F22).

`sohoa certify copy` with the home's PKI down used to take the next number of the legal
register, fail at the signature and spoil it ("số hỏng"): each retry while the TSA was down
spoiled another, and the line shown to the official named a Python class ("SigningError: …").
The signer's readiness is now checked before the number is taken: exit 2, the register
untouched, the reason in Vietnamese only.
"""

from __future__ import annotations

import socket
from pathlib import Path

from testtools import run_sohoa

from sohoa.archive.policy import Caller
from sohoa.pipeline import certregister
from sohoa.pipeline.home import init_home
from sohoa.pipeline.settings import load_settings

UNIT = "H19.22.31"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _paper(path: Path) -> None:
    """A born-digital one-page paper (its own text: nothing to recognize)."""
    from fpdf import FPDF

    from sohoa.pdf.textpdf import FONTS

    pdf = FPDF(unit="mm", format="A4")
    pdf.add_font("body", "", next(f for f in FONTS[""] if Path(f).is_file()))
    pdf.set_font("body", "", 12)
    pdf.add_page()
    pdf.multi_cell(0, 7, "GIẤY KHAI SINH. Họ và tên: Nguyễn Văn Thưởng.")
    path.write_bytes(bytes(pdf.output()))


def test_certify_with_the_pki_down_takes_no_number(tmp_path: Path) -> None:
    home = tmp_path / "home"
    # a dev-PKI home whose CRL, OCSP and TSA address nothing listens on
    init_home(home, unit="H19.22", dev_pki_url=f"http://127.0.0.1:{_free_port()}")
    paper = tmp_path / "giay-khai-sinh.pdf"
    _paper(paper)
    done = run_sohoa(home, "certify", "copy", str(paper), "--owner", "075080523661",
                     "--unit", UNIT, "--by", "Lê Văn Tâm", "--title", "Phó Chủ tịch",
                     "--original-compared",
                     env={"SOHOA_SIGNING_CERTIFY_WITH_AGENCY_KEY": "true"})
    assert done.returncode == 2, (done.stdout, done.stderr)
    assert "sohoa dev-pki serve" in done.stderr, done.stderr
    assert "SigningError" not in done.stderr and "Traceback" not in done.stderr, done.stderr
    assert "số này bị hủy" not in done.stderr, done.stderr
    settings = load_settings(home=home, environ={})
    reader = Caller(user="kiểm thử", role="admin", unit=UNIT, channel="cli")
    assert certregister.lines(settings, reader, unit=UNIT, year=None) == []


def test_printing_the_register_with_the_pki_down_logs_no_read(tmp_path: Path) -> None:
    """The printed register is signed: a PKI that cannot sign is refused before the lines are
    read, so that the access log does not say the citizens' names were read for a printout
    that was never made."""
    from sohoa.pipeline.lookup import access_log

    home = tmp_path / "home"
    init_home(home, unit="H19.22", dev_pki_url=f"http://127.0.0.1:{_free_port()}")
    printed = tmp_path / "so.pdf"
    done = run_sohoa(home, "certify", "register", "--unit", UNIT, "--year", "2026", "-o",
                     str(printed))
    assert done.returncode == 2, (done.stdout, done.stderr)
    assert "sohoa dev-pki serve" in done.stderr, done.stderr
    assert not printed.exists()
    assert access_log(load_settings(home=home, environ={})) == []
