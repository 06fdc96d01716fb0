"""XMP metadata packet for a PDF/A-2b document, and the Info dictionary that must agree with it.

PDF/A requires every custom XMP property to be declared in a ``pdfaExtension`` schema inside the
packet; sohoa's own properties (dossier code, document type, page hashes, …) live in the
``https://sohoa.vn/ns/1.0/`` namespace under the ``sohoa`` prefix and are declared that way.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from xml.sax.saxutils import escape

from sohoa.vntext import nfc

SOHOA_NS = "https://sohoa.vn/ns/1.0/"
SOHOA_PREFIX = "sohoa"
PRODUCER = "sohoa"
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]*$")


@dataclass(frozen=True)
class DocumentInfo:
    title: str
    author: str
    subject: str = ""
    keywords: Sequence[str] = ()
    language: str = "vi"
    created: datetime | None = None  # left out when not given: output stays deterministic
    document_id: str = ""  # "uuid:…"
    extra: Mapping[str, str] = field(default_factory=dict)


def _text(value: str) -> str:
    """XML-escape NFC text, dropping control characters XML 1.0 forbids."""
    clean = "".join(ch for ch in nfc(value) if ch in "\t\n\r" or ord(ch) >= 0x20)
    return escape(clean, {'"': "&quot;"})


def _xmp_date(moment: datetime) -> str:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.isoformat(timespec="seconds")


def pdf_date(moment: datetime) -> str:
    """A PDF date string ``D:YYYYMMDDHHmmSS+HH'mm'`` for the Info dictionary."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    offset = moment.utcoffset()
    minutes = int(offset.total_seconds() // 60) if offset else 0
    sign = "+" if minutes >= 0 else "-"
    minutes = abs(minutes)
    return moment.strftime("D:%Y%m%d%H%M%S") + f"{sign}{minutes // 60:02d}'{minutes % 60:02d}'"


def keywords_text(keywords: Sequence[str]) -> str:
    return "; ".join(nfc(k).strip() for k in keywords if k.strip())


def check_extra(extra: Mapping[str, str]) -> None:
    for key in extra:
        if not _NAME.match(key):
            raise ValueError(
                f"XMP property name {key!r} is not a valid XML name (letters, digits, _ . -)"
            )


def _extension_schema(keys: Sequence[str]) -> str:
    if not keys:
        return ""
    properties = "".join(
        '<rdf:li rdf:parseType="Resource">'
        f"<pdfaProperty:name>{_text(key)}</pdfaProperty:name>"
        "<pdfaProperty:valueType>Text</pdfaProperty:valueType>"
        "<pdfaProperty:category>external</pdfaProperty:category>"
        "<pdfaProperty:description>sohoa record property</pdfaProperty:description>"
        "</rdf:li>"
        for key in keys
    )
    return (
        '<rdf:Description rdf:about=""'
        ' xmlns:pdfaExtension="http://www.aiim.org/pdfa/ns/extension/"'
        ' xmlns:pdfaSchema="http://www.aiim.org/pdfa/ns/schema#"'
        ' xmlns:pdfaProperty="http://www.aiim.org/pdfa/ns/property#">'
        '<pdfaExtension:schemas><rdf:Bag><rdf:li rdf:parseType="Resource">'
        "<pdfaSchema:schema>sohoa record metadata</pdfaSchema:schema>"
        f"<pdfaSchema:namespaceURI>{SOHOA_NS}</pdfaSchema:namespaceURI>"
        f"<pdfaSchema:prefix>{SOHOA_PREFIX}</pdfaSchema:prefix>"
        f"<pdfaSchema:property><rdf:Seq>{properties}</rdf:Seq></pdfaSchema:property>"
        "</rdf:li></rdf:Bag></pdfaExtension:schemas></rdf:Description>"
    )


def build_xmp(info: DocumentInfo) -> bytes:
    """The XMP packet (UTF-8, with padding so it can be edited in place later)."""
    check_extra(info.extra)
    lang = _text(info.language or "x-default")
    parts = [
        '<rdf:Description rdf:about="" xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/">'
        "<pdfaid:part>2</pdfaid:part><pdfaid:conformance>B</pdfaid:conformance>"
        "</rdf:Description>",
        '<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">'
        "<dc:format>application/pdf</dc:format>"
        f'<dc:title><rdf:Alt><rdf:li xml:lang="x-default">{_text(info.title)}</rdf:li>'
        "</rdf:Alt></dc:title>"
        f"<dc:creator><rdf:Seq><rdf:li>{_text(info.author)}</rdf:li></rdf:Seq></dc:creator>"
        + (
            '<dc:description><rdf:Alt><rdf:li xml:lang="x-default">'
            f"{_text(info.subject)}</rdf:li></rdf:Alt></dc:description>"
            if info.subject
            else ""
        )
        + f"<dc:language><rdf:Bag><rdf:li>{lang}</rdf:li></rdf:Bag></dc:language>"
        + (
            "<dc:subject><rdf:Bag>"
            + "".join(f"<rdf:li>{_text(k)}</rdf:li>" for k in info.keywords if k.strip())
            + "</rdf:Bag></dc:subject>"
            if any(k.strip() for k in info.keywords)
            else ""
        )
        + "</rdf:Description>",
        '<rdf:Description rdf:about="" xmlns:pdf="http://ns.adobe.com/pdf/1.3/">'
        f"<pdf:Producer>{PRODUCER}</pdf:Producer>"
        + (
            f"<pdf:Keywords>{_text(keywords_text(info.keywords))}</pdf:Keywords>"
            if keywords_text(info.keywords)
            else ""
        )
        + "</rdf:Description>",
    ]
    xmp_basic = f"<xmp:CreatorTool>{PRODUCER}</xmp:CreatorTool>"
    if info.created is not None:
        stamp = _xmp_date(info.created)
        xmp_basic += (
            f"<xmp:CreateDate>{stamp}</xmp:CreateDate><xmp:ModifyDate>{stamp}</xmp:ModifyDate>"
            f"<xmp:MetadataDate>{stamp}</xmp:MetadataDate>"
        )
    parts.append(
        f'<rdf:Description rdf:about="" xmlns:xmp="http://ns.adobe.com/xap/1.0/">{xmp_basic}'
        "</rdf:Description>"
    )
    if info.document_id:
        parts.append(
            '<rdf:Description rdf:about="" xmlns:xmpMM="http://ns.adobe.com/xap/1.0/mm/">'
            f"<xmpMM:DocumentID>{_text(info.document_id)}</xmpMM:DocumentID>"
            f"<xmpMM:InstanceID>{_text(info.document_id)}</xmpMM:InstanceID>"
            "</rdf:Description>"
        )
    keys = sorted(info.extra)
    if keys:
        parts.append(
            f'<rdf:Description rdf:about="" xmlns:{SOHOA_PREFIX}="{SOHOA_NS}">'
            + "".join(
                f"<{SOHOA_PREFIX}:{key}>{_text(str(info.extra[key]))}</{SOHOA_PREFIX}:{key}>"
                for key in keys
            )
            + "</rdf:Description>"
        )
        parts.append(_extension_schema(keys))
    body = "".join(parts)
    packet = (
        '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>\n'
        '<x:xmpmeta xmlns:x="adobe:ns:meta/">'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        f"{body}</rdf:RDF></x:xmpmeta>\n" + (" " * 99 + "\n") * 20 + '<?xpacket end="w"?>'
    )
    return packet.encode("utf-8")


def info_entries(info: DocumentInfo) -> dict[str, str]:
    """Info dictionary entries (without the leading slash) that mirror the XMP packet."""
    entries = {
        "Title": nfc(info.title),
        "Author": nfc(info.author),
        "Creator": PRODUCER,
        "Producer": PRODUCER,
    }
    if info.subject:
        entries["Subject"] = nfc(info.subject)
    if keywords_text(info.keywords):
        entries["Keywords"] = keywords_text(info.keywords)
    if info.created is not None:
        entries["CreationDate"] = pdf_date(info.created)
        entries["ModDate"] = pdf_date(info.created)
    return entries
