"""The first signature locks the document (DocMDP certification, level 2); later signatures of
the same workflow are approval signatures. DSS's verdicts on locked files are in
test_signing_etsi.py."""

from __future__ import annotations

import io

import pikepdf
from signing_helpers import AGENCY, SIGNED_AT, image_pdf

from sohoa.signing import DocumentSigner, KeySource, SigningSettings


def _docmdp(pdf: bytes) -> tuple[int | None, list[str]]:
    """The certification's permission level, and the field names of the signatures."""
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        perms = doc.Root.get("/Perms")
        level = None
        if perms is not None and "/DocMDP" in perms:
            [ref] = [r for r in perms.DocMDP.Reference if r.TransformMethod == "/DocMDP"]
            level = int(ref.TransformParams.P)
        names = [str(f.T) for f in doc.Root.AcroForm.Fields]
        return level, names


def test_first_signature_certifies_at_level_2(signed_pdf: bytes) -> None:
    level, names = _docmdp(signed_pdf)
    assert level == 2
    assert names == ["Signature1"]


def test_second_signature_is_an_approval(twice_signed_pdf: bytes) -> None:
    with pikepdf.open(io.BytesIO(twice_signed_pdf)) as doc:
        certified = doc.Root.Perms.DocMDP
        fields = {str(f.T): f.V for f in doc.Root.AcroForm.Fields}
        assert certified.objgen == fields["Signature1"].objgen
        assert "/Reference" not in fields["Signature2"]


def test_certification_can_be_turned_off(agency_key: KeySource) -> None:
    signer = DocumentSigner(agency_key, SigningSettings(certify=False), AGENCY)
    signed, _ = signer.sign(image_pdf(1), signed_at=SIGNED_AT)
    assert _docmdp(signed)[0] is None
