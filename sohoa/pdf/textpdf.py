"""Born-digital PDF/A-2b documents made of text (a destruction record, a report), as opposed to
the scanned ones ``sohoa.ocr.pdfa.build_pdf`` assembles.

The text is set with fpdf2 in a TrueType font with Vietnamese letters (embedded as a subset,
with a ToUnicode map, so copying or ``pdftotext`` gives back the NFC text with its diacritics);
the PDF/A parts (sRGB output intent, XMP packet agreeing with the Info dictionary, file
identifier) are added by :func:`sohoa.pdf.pdfa.finish_pdfa`, the step scans are finished
with. The top right of the first page is left free for the agency's signature stamp; the top
left holds the QR code of TT 01/2023 Điều 26 when the maker gives one
(:meth:`TextDocument.qr_code`, ``sohoa.pdf.qrmark``).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

import pikepdf
from fpdf import FPDF

from sohoa.errors import ConfigError
from sohoa.pdf.pdfa import finish_pdfa
from sohoa.pdf.xmp import DocumentInfo
from sohoa.vntext import nfc

FONTS = {
    "": ("/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf",
         "/usr/share/fonts/truetype/liberation/LiberationSerif-Regular.ttf",
         "/usr/share/fonts/truetype/noto/NotoSerif-Regular.ttf",
         "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf"),
    "B": ("/usr/share/fonts/truetype/liberation2/LiberationSerif-Bold.ttf",
          "/usr/share/fonts/truetype/liberation/LiberationSerif-Bold.ttf",
          "/usr/share/fonts/truetype/noto/NotoSerif-Bold.ttf",
          "/usr/share/fonts/truetype/dejavu/DejaVuSerif-Bold.ttf"),
}
_FAMILY = "body"
_STAMP_SPACE_MM = 34.0  # the signature stamp sits in the top right of page 1
QR_SIZE_MM = 26.0  # a version ~12 symbol: modules of 0.4 mm, 3 px at the 200 dpi read back
QR_LEFT_MM, QR_TOP_MM = 12.0, 8.0


def _font_file(style: str) -> str:
    for candidate in FONTS[style]:
        if Path(candidate).is_file():
            return candidate
    raise ConfigError("không tìm thấy phông chữ TrueType có đủ chữ tiếng Việt; hãy cài "
                      "fonts-liberation2 hoặc fonts-noto-core")


class TextDocument:
    """A simple flowing A4 document: headings, paragraphs, label/value lines and tables."""

    def __init__(self, *, landscape: bool = False, size: float = 11) -> None:
        self._pdf = FPDF(orientation="L" if landscape else "P", unit="mm", format="A4")
        self._pdf.set_margins(18, 15, 15)
        self._pdf.set_auto_page_break(True, margin=15)
        self._pdf.add_font(_FAMILY, "", _font_file(""))
        self._pdf.add_font(_FAMILY, "B", _font_file("B"))
        self._size = size
        self._qr_right = 0.0  # where page 1's header text may start, right of the QR code
        self._pdf.add_page()
        self._pdf.set_font(_FAMILY, "", size)

    def qr_code(self, text: str) -> None:
        """The QR code (``sohoa.pdf.qrmark.payload_text``) at the top left of page 1, drawn as
        filled squares, the four-module quiet zone kept clear. Call it first: the header then
        starts right of it and the body below it."""
        from sohoa.pdf.qrmark import modules

        pdf = self._pdf
        if pdf.page != 1:
            raise ValueError("the QR code goes on page 1, before anything else")
        dark = modules(text)
        step = QR_SIZE_MM / dark.shape[1]
        pdf.set_fill_color(0)
        for row, line in enumerate(dark):
            col = 0
            while col < len(line):  # one rectangle per run of dark modules: a smaller page
                if not line[col]:
                    col += 1
                    continue
                end = col
                while end < len(line) and line[end]:
                    end += 1
                pdf.rect(QR_LEFT_MM + col * step, QR_TOP_MM + row * step, (end - col) * step,
                         step, style="F")
                col = end
        self._qr_right = QR_LEFT_MM + QR_SIZE_MM + 4 * step
        pdf.set_y(max(pdf.get_y(), QR_TOP_MM + QR_SIZE_MM + 4 * step))

    def header_columns(self, left: Sequence[str], right: Sequence[str]) -> None:
        """The two header blocks of an administrative document: the agency on the left (right
        of the QR code if there is one), the national motto centred below the stamp area on
        the right."""
        pdf = self._pdf
        pdf.set_font(_FAMILY, "B", self._size)
        below_qr = pdf.get_y()
        if self._qr_right:
            pdf.set_y(pdf.t_margin)
        for line in left:
            # A long agency name ("ỦY BAN NHÂN DÂN PHƯỜNG … THÀNH PHỐ …") wraps in its block.
            pdf.set_x(max(pdf.l_margin, self._qr_right))
            pdf.multi_cell(95, 6, nfc(line), align="L", new_x="LMARGIN", new_y="NEXT")
        pdf.set_y(max(pdf.get_y(), _STAMP_SPACE_MM, below_qr))
        for line in right:
            pdf.cell(0, 6, nfc(line), align="C", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(_FAMILY, "", self._size)
        pdf.ln(4)

    def title(self, text: str, *, sub: str | None = None) -> None:
        pdf = self._pdf
        pdf.set_font(_FAMILY, "B", self._size + 3)
        pdf.multi_cell(0, 8, nfc(text), align="C", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(_FAMILY, "", self._size)
        if sub:
            pdf.multi_cell(0, 6, nfc(sub), align="C", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(3)

    def heading(self, text: str) -> None:
        pdf = self._pdf
        pdf.ln(2)
        pdf.set_font(_FAMILY, "B", self._size)
        pdf.multi_cell(0, 6, nfc(text), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(_FAMILY, "", self._size)

    def paragraph(self, text: str) -> None:
        self._pdf.multi_cell(0, 5.5, nfc(text), new_x="LMARGIN", new_y="NEXT")

    def field(self, label: str, value: str) -> None:
        pdf = self._pdf
        pdf.set_font(_FAMILY, "B", self._size)
        width = pdf.get_string_width(nfc(label) + " ") + 1
        pdf.cell(width, 5.5, nfc(label) + " ")
        pdf.set_font(_FAMILY, "", self._size)
        pdf.multi_cell(0, 5.5, nfc(value), new_x="LMARGIN", new_y="NEXT")

    def table(self, header: Sequence[str], rows: Sequence[Sequence[str]],
              widths: Sequence[float], *, size: float = 8, wrap: bool = False) -> None:
        """A bordered table. By default one line per row, a cell too long for its column
        shortened with "…" (a report whose full values are elsewhere); with ``wrap`` every
        cell is written in full over as many lines as it needs (a record that is the only
        statement of what it lists, such as a destruction record), header included."""
        pdf = self._pdf
        usable = pdf.w - pdf.l_margin - pdf.r_margin
        scale = usable / sum(widths)
        cols = [w * scale for w in widths]
        height = size * 0.55

        def line(values: Sequence[str], bold: bool) -> None:
            pdf.set_font(_FAMILY, "B" if bold else "", size)
            if not wrap:
                for value, width in zip(values, cols, strict=True):
                    pdf.cell(width, height, _fit(pdf, nfc(value), width - 1.5), border=1)
                pdf.ln(height)
                return
            wrapped = [pdf.multi_cell(width, height, nfc(value), dry_run=True, output="LINES")
                       for value, width in zip(values, cols, strict=True)]
            row_h = height * max(1, *(len(lines) for lines in wrapped))
            if pdf.will_page_break(row_h) and not bold:
                pdf.add_page()
                line(header, True)
                pdf.set_font(_FAMILY, "", size)
            x, y = pdf.l_margin, pdf.get_y()
            for lines, width in zip(wrapped, cols, strict=True):
                pdf.rect(x, y, width, row_h)
                pdf.set_xy(x, y)
                pdf.multi_cell(width, height, "\n".join(lines), new_x="RIGHT", new_y="TOP")
                x += width
            pdf.set_xy(pdf.l_margin, y + row_h)

        line(header, True)
        for row in rows:
            if not wrap and pdf.will_page_break(height):
                pdf.add_page()
                line(header, True)
            line(row, False)
        pdf.set_font(_FAMILY, "", self._size)
        pdf.ln(2)

    def image(self, png: bytes, *, width_mm: float, caption: str | None = None) -> None:
        """A raster figure (a chart) at full resolution, centred; PNG without transparency
        (an alpha channel would need a soft mask, which PDF/A-1 forbids and -2 tolerates)."""
        pdf = self._pdf
        from PIL import Image

        with Image.open(io.BytesIO(png)) as img:
            rgb = img.convert("RGB")
            height_mm = width_mm * rgb.height / rgb.width
            buf = io.BytesIO()
            rgb.save(buf, format="PNG")
        if pdf.will_page_break(height_mm + 8):
            pdf.add_page()
        x = pdf.l_margin + (pdf.w - pdf.l_margin - pdf.r_margin - width_mm) / 2
        pdf.image(io.BytesIO(buf.getvalue()), x=x, w=width_mm, h=height_mm)
        if caption:
            pdf.set_font(_FAMILY, "", self._size - 1)
            pdf.multi_cell(0, 5, nfc(caption), align="C", new_x="LMARGIN", new_y="NEXT")
            pdf.set_font(_FAMILY, "", self._size)
        pdf.ln(2)

    def page_image(self, data: bytes, *, footer: str) -> None:
        """A new page holding one scanned page, as large as the margins allow (aspect kept),
        with ``footer`` below it. JPEG is embedded as it is (no recompression of what was
        scanned); anything else goes in as lossless PNG without transparency."""
        from PIL import Image

        pdf = self._pdf
        with Image.open(io.BytesIO(data)) as img:
            width, height = img.size
            if img.format == "JPEG" and img.mode in ("RGB", "L"):
                embedded = data
            else:
                buf = io.BytesIO()
                img.convert("L" if img.mode in ("1", "L", "I;16") else "RGB").save(buf, "PNG")
                embedded = buf.getvalue()
        pdf.add_page()
        usable_w = pdf.w - pdf.l_margin - pdf.r_margin
        usable_h = pdf.h - pdf.t_margin - pdf.b_margin - 8  # the footer's line
        scale = min(usable_w / width, usable_h / height)
        w_mm, h_mm = width * scale, height * scale
        x = pdf.l_margin + (usable_w - w_mm) / 2
        pdf.image(io.BytesIO(embedded), x=x, y=pdf.t_margin, w=w_mm, h=h_mm)
        auto = pdf.auto_page_break
        pdf.set_auto_page_break(False)
        pdf.set_font(_FAMILY, "", self._size - 2)
        pdf.set_xy(pdf.l_margin, pdf.h - pdf.b_margin - 5)
        pdf.cell(0, 5, _fit(pdf, nfc(footer), usable_w), align="C")
        pdf.set_font(_FAMILY, "", self._size)
        pdf.set_auto_page_break(auto, margin=pdf.b_margin)

    def signatures(self, left: Sequence[str], right: Sequence[str], *,
                   lead: Sequence[str] = ()) -> None:
        """The signature block, with the ``lead`` paragraphs (the closing statement) kept on
        its page: a block alone at the top of a page signs nothing visible."""
        pdf = self._pdf
        lead_h = sum(5.5 * len(pdf.multi_cell(0, 5.5, nfc(t), dry_run=True, output="LINES"))
                     for t in lead)
        half = (pdf.w - pdf.l_margin - pdf.r_margin) / 2

        def wrapped(lines: Sequence[str]) -> list[tuple[bool, list[str]]]:
            # A name with what signs for it ("Lê Văn Tâm (ký bằng chữ ký số của cơ quan …)")
            # is wider than half the page: each entry is wrapped inside its column, as the
            # statement above is wrapped inside the page, never drawn past the margin.
            out = []
            for i, text in enumerate(lines):
                pdf.set_font(_FAMILY, "B" if i == 0 else "", self._size)
                out.append((i == 0, pdf.multi_cell(half, 6, nfc(text), dry_run=True,
                                                   output="LINES") if text else [""]))
            pdf.set_font(_FAMILY, "", self._size)
            return out

        columns = [wrapped(left), wrapped(right)]
        tallest = max(sum(len(rows) for _bold, rows in col) for col in columns)
        if pdf.will_page_break(lead_h + 6 + 6 * tallest + 12):
            pdf.add_page()
        for text in lead:
            self.paragraph(text)
        pdf.ln(6)
        y = pdf.get_y()
        for column, entries in enumerate(columns):
            pdf.set_xy(pdf.l_margin + column * half, y)
            for bold, rows in entries:
                pdf.set_font(_FAMILY, "B" if bold else "", self._size)
                for row in rows:
                    pdf.set_x(pdf.l_margin + column * half)
                    pdf.cell(half, 6, row, align="C", new_x="LMARGIN", new_y="NEXT")
        pdf.set_y(y + 6 * tallest)
        pdf.set_font(_FAMILY, "", self._size)

    def pdf(self, *, title: str, author: str, subject: str = "",
            keywords: Sequence[str] = (), created: datetime | None = None) -> bytes:
        """The finished PDF/A-2b."""
        self._pdf.set_creation_date(created) if created else None
        raw = bytes(self._pdf.output())
        info = DocumentInfo(title=title, author=author, subject=subject,
                            keywords=tuple(keywords), language="vi", created=created)
        return _as_pdfa(raw, info)


def _fit(pdf: FPDF, text: str, width: float) -> str:
    if pdf.get_string_width(text) <= width:
        return text
    while text and pdf.get_string_width(text + "…") > width:
        text = text[:-1]
    return text + "…"


def _as_pdfa(raw: bytes, info: DocumentInfo) -> bytes:
    import hashlib
    import uuid

    digest = hashlib.sha256(raw).digest()
    doc_id = f"uuid:{uuid.UUID(bytes=digest[:16], version=5)}"
    info = DocumentInfo(**{**info.__dict__, "document_id": doc_id})
    with pikepdf.open(io.BytesIO(raw)) as pdf:
        finish_pdfa(pdf, info)
        out = io.BytesIO()
        pdf.save(out, deterministic_id=True, min_version="1.7")
    return out.getvalue()
