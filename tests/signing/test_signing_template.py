"""The B-B fast path: pyHanko's CMS built once per signer and filled in per document."""

from __future__ import annotations

import asyncio
import io
import os
import subprocess

from asn1crypto import cms
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.signers.pdf_cms import PdfCMSSignedAttributes
from signing_helpers import SIGNED_AT, image_pdf

from sohoa.signing import DevIdentity, DocumentSigner, KeySource, verify_pdf


def _cms(pdf: bytes) -> cms.ContentInfo:
    return PdfFileReader(io.BytesIO(pdf)).embedded_signatures[-1].signed_data


def test_filled_in_cms_is_byte_for_byte_what_pyhanko_makes(agency_key: KeySource) -> None:
    signer = agency_key.pyhanko_signer
    digest = os.urandom(32)
    attrs = PdfCMSSignedAttributes(signing_time=SIGNED_AT)
    fast = asyncio.run(signer.async_sign(digest, "sha256", use_pades=True,
                                         signed_attr_settings=attrs))
    stock = asyncio.run(super(type(signer), signer).async_sign(
        digest, "sha256", use_pades=True, signed_attr_settings=attrs))
    assert fast.dump() == stock.dump()
    assert signer._templates[("sha256", True)] is not None  # the fast path was taken


def test_documents_signed_through_the_template_verify(
    agency_signer: DocumentSigner, agency_identity: DevIdentity
) -> None:
    first, _ = agency_signer.sign(image_pdf(1), signed_at=SIGNED_AT)
    second, _ = agency_signer.sign(image_pdf(2), signed_at=SIGNED_AT)
    for pdf in (first, second):
        report = verify_pdf(pdf, trust_roots=[agency_identity.root_cert])
        assert report.valid, report
    # Each document's digest is its own: the two containers differ beyond the digest.
    assert _cms(first).dump() != _cms(second).dump()
    # poppler agrees independently that the digest covers the document.
    for n, pdf in enumerate((first, second)):
        path = f"/tmp/sohoa-template-{os.getpid()}-{n}.pdf"
        with open(path, "wb") as fh:
            fh.write(pdf)
        out = subprocess.run(["pdfsig", path], capture_output=True, text=True).stdout
        os.unlink(path)
        assert "Signature is Valid" in out


def test_the_signing_stream_reads_in_place_and_only_appends() -> None:
    import pytest

    from sohoa.signing.signer import _AppendStream

    stream = _AppendStream(b"%PDF-original")
    assert stream.read(4) == b"%PDF"
    with pytest.raises(io.UnsupportedOperation):
        stream.write(b"x")  # inside the original
    stream.seek(0, io.SEEK_END)
    stream.write(b"-update")
    stream.seek(9)
    assert stream.read() == b"inal-update"  # one read across the boundary
    stream.seek(14)
    stream.write(b"U")  # overwrite inside the update (pyHanko fills placeholders)
    buffer = bytearray(8)
    stream.seek(10)
    assert stream.readinto(buffer) == 8 and bytes(buffer) == b"nal-Upda"
    assert stream.joined() == b"%PDF-original-Update"
