"""The visible signature stamp (NĐ 30/2020 Phụ lục I, electronic copy): text, font and place.

pyHanko's stock stamp font is a non-embedded Courier that silently garbles Vietnamese. The stamp
uses a TrueType font through pyHanko's ``GlyphAccumulator`` instead, and the costly part of that
(subsetting the font: 200–370 ms per signature on the whole font) is done once per
``DocumentSigner``: ``StampFont`` cuts the font down to the glyphs the stamp can ever use and
keeps the compressed font program, which every signed PDF then embeds as is.
"""

from __future__ import annotations

import dataclasses
import zlib
from io import BytesIO
from pathlib import Path

from fontTools import subset, ttLib
from fontTools.ttLib.scaleUpem import scale_upem
from PIL import Image
from pyhanko.pdf_utils import generic, layout
from pyhanko.pdf_utils.font.api import FontEngineFactory
from pyhanko.pdf_utils.font.opentype import CIDFontType2, GlyphAccumulator
from pyhanko.pdf_utils.images import PdfImage
from pyhanko.pdf_utils.text import TextBoxStyle
from pyhanko.pdf_utils.writer import BasePdfFileWriter, PdfFileWriter
from pyhanko.stamp import TextStamp, TextStampStyle

from sohoa.errors import ConfigError, said_of

from .settings import MM
from .stamptext import render_template, stamp_characters

__all__ = ["StampFont", "default_box_size", "load_seal", "render_template", "stamp_characters",
           "stamp_style", "with_seal"]

LEADING = 1.3  # stacked Vietnamese diacritics touch the line above at 1.2×
MARGIN = 4.0  # points between the stamp's edge and its text
MIN_WIDTH = 60 * MM


class StampFont:
    """A TrueType font cut down once to the stamp's characters, ready to embed many times."""

    def __init__(self, font_path: Path, characters: str) -> None:
        try:
            tt = ttLib.TTFont(str(font_path))
        except Exception as exc:
            raise ConfigError(
                f"Không đọc được phông chữ của dấu chữ ký {font_path} ({exc})."
            ) from exc
        if "glyf" not in tt:
            raise ConfigError(
                f"Phông chữ của dấu chữ ký {font_path} không phải phông TrueType (glyf); "
                "hãy dùng một tệp .ttf như Liberation Serif hoặc Noto Serif."
            )
        cmap = tt.getBestCmap() or {}
        missing = sorted({ch for ch in characters if ch.strip() and ord(ch) not in cmap})
        if missing:
            raise ConfigError(
                f"Phông chữ của dấu chữ ký {font_path} thiếu chữ {''.join(missing)!r}; "
                "hãy chọn phông có đủ chữ tiếng Việt (signing.font_path)."
            )
        options = subset.Options()
        options.layout_features = []
        options.drop_tables += ["GPOS", "GDEF", "GSUB", "kern", "DSIG", "FFTM"]
        options.hinting = False
        options.notdef_outline = True
        options.name_IDs = [1, 2, 3, 4, 6]  # family, style, unique id, full name, PostScript
        subsetter = subset.Subsetter(options)
        subsetter.populate(text=characters)
        subsetter.subset(tt)
        if tt["head"].unitsPerEm != 1000:
            # pyHanko writes glyph widths (/W) and TJ adjustments in font units as if they were
            # thousandths of an em; a 2048-unit font like Liberation Serif would print with
            # double letter spacing. Rescaling the subset to 1000 units makes them agree.
            scale_upem(tt, 1000)
        buf = BytesIO()
        tt.save(buf)
        self.program = buf.getvalue()
        self.compressed_program = zlib.compress(self.program, 9)
        # Parsed once to measure text for the default stamp size.
        self._measure = GlyphAccumulator(PdfFileWriter(), BytesIO(self.program), 10)

    def text_width(self, text: str, size: float) -> float:
        widths = (
            self._measure.shape(line, with_actual_text=False).x_advance
            for line in text.split("\n")
        )
        return max(widths, default=0.0) * size

    def factory(self, size: float) -> FontEngineFactory:
        return _StampFontFactory(self, size)


class _EmbeddedProgramCIDFont(CIDFontType2):
    """A CIDFontType2 whose font program is the already-subset, already-compressed one."""

    def __init__(self, tt: ttLib.TTFont, base_ps_name: str, prefix: str, program: bytes) -> None:
        super().__init__(tt, base_ps_name, prefix)
        self._compressed = program

    def set_font_file(self, writer: BasePdfFileWriter) -> generic.IndirectObject:
        stream = generic.StreamObject(
            {generic.pdf_name("/Filter"): generic.pdf_name("/FlateDecode")},
            encoded_data=self._compressed,
        )
        ref = writer.add_object(stream)
        self._font_descriptor[generic.pdf_name("/FontFile2")] = ref
        return ref


class _PresubsetAccumulator(GlyphAccumulator):
    """GlyphAccumulator over the pre-subset font: no per-signature subsetting or recompiling."""

    def __init__(self, writer: BasePdfFileWriter, font: StampFont, size: float) -> None:
        obj_stream = writer.prepare_object_stream() if writer.stream_xrefs else None
        super().__init__(writer, BytesIO(font.program), size, obj_stream=obj_stream)
        base_ps_name = self.cidfont_obj.name.split("+", 1)[1]
        self.cidfont_obj = _EmbeddedProgramCIDFont(
            self.tt, base_ps_name, self.subset_prefix, font.compressed_program
        )

    def _extract_subset(self, options: subset.Options | None = None) -> None:
        # Already subset in StampFont; the embedded program keeps every glyph it has, so the
        # glyph ids the shaper produced stay valid.
        return None


class _StampFontFactory(FontEngineFactory):
    def __init__(self, font: StampFont, size: float) -> None:
        self.font = font
        self.size = size

    def create_font_engine(
        self, writer: BasePdfFileWriter, obj_stream: object = None
    ) -> GlyphAccumulator:
        return _PresubsetAccumulator(writer, self.font, self.size)


# The appearance's /Matrix that undoes a page's /Rotate (clockwise degrees), so the stamp reads
# upright on the displayed page: the PDF maps the turned bounding box onto the widget's /Rect.
_TURNED = {90: (0, 1, -1, 0, 0, 0), 180: (-1, 0, 0, -1, 0, 0), 270: (0, -1, 1, 0, 0, 0)}


@dataclasses.dataclass(frozen=True)
class TurnedTextStampStyle(TextStampStyle):
    """A text stamp drawn turned against the page's ``/Rotate``.

    The widget's rectangle lives in the unrotated page space; on a page shown turned by 90° or
    270° its width there is the stamp's height as read, so the text is laid out in the box as
    displayed and the appearance carries the matrix that turns it into the rectangle.
    """

    rotation: int = 0

    def create_stamp(
        self, writer: BasePdfFileWriter, box: layout.BoxConstraints, text_params: dict
    ) -> TextStamp:
        turn = self.rotation % 360
        if turn % 180 == 90 and box.width_defined and box.height_defined:
            box = layout.BoxConstraints(width=box.height, height=box.width)
        return _TurnedTextStamp(writer, self, text_params=text_params, box=box, turn=turn)


class _TurnedTextStamp(TextStamp):
    def __init__(self, writer: BasePdfFileWriter, style: TextStampStyle, *,
                 text_params: dict, box: layout.BoxConstraints, turn: int) -> None:
        super().__init__(writer, style, text_params=text_params, box=box)
        self._turn = turn

    def as_form_xobject(self) -> generic.StreamObject:
        xobject = super().as_form_xobject()
        if self._turn in _TURNED:
            xobject[generic.pdf_name("/Matrix")] = generic.ArrayObject(
                generic.NumberObject(v) for v in _TURNED[self._turn]
            )
        return xobject


def stamp_style(font: StampFont, size: float) -> TurnedTextStampStyle:
    """Upright black text, no border, no seal image: the copy form of NĐ 30/2020 Phụ lục I."""
    return TurnedTextStampStyle(
        stamp_text="%(sohoa_stamp)s",
        border_width=0,
        background=None,
        text_box_style=TextBoxStyle(
            font=font.factory(size),
            font_size=size,  # type: ignore[arg-type]  # pyHanko annotates int, takes float
            leading=round(size * LEADING),  # layout math needs an int (fractions)
            text_color=(0.0, 0.0, 0.0),
            # pyHanko pads a text box by 10 pt on each side unless told otherwise; that padding
            # made the stamp shrink the 10 pt text to fit. The stamp's own margin is enough.
            box_layout_rule=layout.SimpleBoxLayoutRule(
                x_align=layout.AxisAlignment.ALIGN_MIN,
                y_align=layout.AxisAlignment.ALIGN_MIN,
                margins=layout.Margins.uniform(0),
            ),
        ),
        inner_content_layout=layout.SimpleBoxLayoutRule(
            x_align=layout.AxisAlignment.ALIGN_MIN,
            y_align=layout.AxisAlignment.ALIGN_MID,
            margins=layout.Margins.uniform(MARGIN),
            inner_content_scaling=layout.InnerScaling.SHRINK_TO_FIT,
        ),
    )


def load_seal(path: str) -> Image.Image:
    """The seal picture, decoded once; transparency is kept (PDF/A-2 allows soft masks)."""
    try:
        with Image.open(path) as img:
            img.load()
            return img.convert("RGBA") if img.mode not in ("RGB", "RGBA") else img.copy()
    except (OSError, ValueError) as exc:
        raise ConfigError(
            f"Không đọc được ảnh con dấu {path} ({said_of(exc)}). Hãy cung cấp ảnh PNG của con dấu "
            "(signing.seal_image)."
        ) from exc


def with_seal(style: TextStampStyle, seal: Image.Image, diameter: float) -> TextStampStyle:
    """The stamp style with the seal at ``diameter`` points on the left, text on the right.

    A fresh ``PdfImage`` per signature: pyHanko keeps per-writer state in it.
    """
    picture = PdfImage(seal, box=layout.BoxConstraints(width=diameter, height=diameter))
    inner = style.inner_content_layout
    assert inner is not None
    return dataclasses.replace(
        style,
        background=picture,
        background_opacity=1.0,
        background_layout=layout.SimpleBoxLayoutRule(
            x_align=layout.AxisAlignment.ALIGN_MIN,
            y_align=layout.AxisAlignment.ALIGN_MID,
            margins=layout.Margins.uniform(MARGIN),
            inner_content_scaling=layout.InnerScaling.NO_SCALING,
        ),
        inner_content_layout=dataclasses.replace(inner, x_align=layout.AxisAlignment.ALIGN_MAX),
    )


def default_box_size(
    font: StampFont, sample_text: str, size: float, seal: float = 0.0
) -> tuple[float, float]:
    """Big enough for the text at ``size`` (and the seal of diameter ``seal``), at least
    60 mm wide."""
    lines = sample_text.count("\n") + 1
    text_width = font.text_width(sample_text, size) + 2 * MARGIN + 2
    if seal:
        text_width += seal + 2 * MM
    width = max(MIN_WIDTH, text_width)
    height = max(lines * size * LEADING + 2 * MARGIN, seal + 2 * MARGIN)
    return width, height
