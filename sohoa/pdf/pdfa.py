"""The PDF/A-2b finishing step: what turns a PDF with the right content into an archival one.

Every PDF sohoa writes (the searchable scan, the destruction record) is finished here, so they
carry the same output intent and the same metadata layout: an sRGB ICC profile as the
``GTS_PDFA1`` output intent, the XMP packet of :mod:`sohoa.pdf.xmp` (which must agree with the
Info dictionary, so both are written from one :class:`DocumentInfo`), the language, and a
trailer ID that is the document's own ID, so the same content always gives the same bytes.
"""

from __future__ import annotations

import io
import struct
import zlib
from functools import cache

import pikepdf
from PIL import ImageCms

from sohoa.pdf.xmp import DocumentInfo, build_xmp, info_entries

SRGB = "sRGB IEC61966-2.1"


# littleCMS writes the current time into the profile header's creation date (bytes 24-35, ICC.1
# section 7.2.1); every archival PDF embeds the profile, so the same pages made different bytes in
# every process. A fixed date keeps them the same. littleCMS leaves the profile ID (bytes 84-99)
# zero, so nothing checksums the header.
_CREATED = slice(24, 36)
_FIXED_CREATED = struct.pack(">6H", 2024, 1, 1, 0, 0, 0)


@cache
def srgb_profile() -> bytes:
    """The sRGB ICC profile (littleCMS's, through Pillow) with a fixed creation date: the
    output intent's profile."""
    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    return profile[:_CREATED.start] + _FIXED_CREATED + profile[_CREATED.stop:]


def profile_space(data: bytes) -> str | None:
    """The colour space an ICC profile describes ("RGB", "GRAY", "CMYK"), None when the bytes
    are not a profile littleCMS opens."""
    try:
        profile = ImageCms.ImageCmsProfile(io.BytesIO(data))
    except (OSError, ImageCms.PyCMSError, ValueError):
        return None
    return str(profile.profile.xcolor_space).strip() or None


def is_srgb(data: bytes) -> bool:
    """An RGB profile that names itself sRGB (every sRGB profile does): what the output
    intent already says, so an image tagged with it is declared DeviceRGB."""
    try:
        profile = ImageCms.ImageCmsProfile(io.BytesIO(data))
    except (OSError, ImageCms.PyCMSError, ValueError):
        return False
    if str(profile.profile.xcolor_space).strip() != "RGB":
        return False
    text = " ".join(filter(None, (profile.profile.profile_description,
                                  profile.profile.model))).lower()
    return "srgb" in text or "iec61966-2" in text


def finish_pdfa(pdf: pikepdf.Pdf, info: DocumentInfo) -> None:
    """Make ``pdf`` PDF/A-2b in place: output intent, XMP metadata, language, Info entries
    (replacing any the producer wrote) and the trailer ID from ``info.document_id``
    (``uuid:…``). Saving is the caller's (the scan PDF keeps its streams as they are)."""
    if not info.document_id.startswith("uuid:"):
        raise ValueError("finish_pdfa needs the document ID (uuid:…) to write the trailer ID")
    icc = pikepdf.Stream(pdf, zlib.compress(srgb_profile(), 9))
    icc.Filter = pikepdf.Name.FlateDecode
    icc.N = 3
    pdf.Root.OutputIntents = [
        pikepdf.Dictionary(
            Type=pikepdf.Name.OutputIntent,
            S=pikepdf.Name.GTS_PDFA1,
            OutputConditionIdentifier=pikepdf.String(SRGB),
            Info=pikepdf.String(SRGB),
            DestOutputProfile=pdf.make_indirect(icc),
        )
    ]
    metadata = pikepdf.Stream(pdf, build_xmp(info))
    metadata.Type = pikepdf.Name.Metadata
    metadata.Subtype = pikepdf.Name.XML
    pdf.Root.Metadata = pdf.make_indirect(metadata)
    pdf.Root.Lang = pikepdf.String(info.language)
    for key in list(pdf.docinfo.keys()):
        del pdf.docinfo[key]
    for key, value in info_entries(info).items():
        pdf.docinfo[pikepdf.Name("/" + key)] = pikepdf.String(value)
    raw_id = bytes.fromhex(info.document_id.removeprefix("uuid:").replace("-", ""))
    pdf.trailer.ID = pikepdf.Array([pikepdf.String(raw_id), pikepdf.String(raw_id)])
