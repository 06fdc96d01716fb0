"""One PDF image (or a stack of strips) as the bytes a ``Page`` carries.

The producer's compressed bytes are kept whenever they are already what the archival PDF can
carry: a greyscale or RGB JPEG (``DCTDecode``, no inverting ``/Decode``, untagged or tagged
sRGB) is passed through
byte for byte, CCITT G3/G4 data goes out as a TIFF around the same bytes. Everything else is
decoded with pikepdf (Flate 1/2/4/8/16-bit, LZW, Indexed, CMYK, ICC-based and Lab colour,
``/Decode`` applied; CMYK and non-sRGB ICC colour made sRGB through the image's profile by
``iccolour``) and stored losslessly — bilevel as CCITT G4, the rest as PNG — except
what was lossy already (a CMYK JPEG, a JPEG 2000, JPEG strips), which is stored as a JPEG of
high quality rather than blown up into a lossless copy of its artefacts.

JBIG2 (with its ``/JBIG2Globals``) is decoded exactly by jbig2dec (``jbig2``) and stored as
CCITT G4, lossless. What cannot be decoded here (DeviceN, a real soft mask, a stencil mask in
colour) is reported as ``Unsupported`` with the reason, and the page is rendered instead.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import numpy as np
import pikepdf
from PIL import Image, ImageChops

from sohoa.pdf.pdfa import is_srgb, profile_space
from sohoa.scanners import jbig2
from sohoa.scanners.iccolour import tag_jpeg, to_srgb
from sohoa.scanners.pdfscan import Placement
from sohoa.scanners.pilsafe import g4_tiff, quiet_bomb_warning, validate_jpeg

# Quality for a page whose source was lossy already and had to be decoded (CMYK, JPEG 2000,
# JPEG strips): high enough that a second generation adds no visible loss for OCR or a reader.
REENCODE_QUALITY = 92
_LOSSY = {"/DCTDecode", "/JPXDecode"}


@dataclass(frozen=True)
class Extracted:
    data: bytes
    mime: str
    width: int
    height: int
    note: str = ""  # what was done to the producer's bytes, "" when they are kept as they are


@dataclass(frozen=True)
class Unsupported:
    reason: str  # why the page must be rendered (Vietnamese, shown in the record)
    bilevel: bool = False  # the image is 1-bit: render it without anti-aliasing


class _Decline(Exception):
    def __init__(self, reason: str, bilevel: bool = False) -> None:
        super().__init__(reason)
        self.reason, self.bilevel = reason, bilevel


def pdf_image(image: pikepdf.Object) -> pikepdf.PdfImage:
    """pikepdf's reading interface for an image XObject or an inline image."""
    if isinstance(image, pikepdf.Stream):
        return pikepdf.PdfImage(image)
    return image  # a PdfInlineImage: its dictionary is expanded to full names


def filters_of(image: pikepdf.Object) -> list[str]:
    return [_normal_filter(str(f)) for f in pdf_image(image).filters]


def _get(image: pikepdf.Object, key: str, default: object) -> object:
    return pdf_image(image).obj.get(key, default)


def is_bilevel(image: pikepdf.Object) -> bool:
    """A 1-bit image (CCITT, JBIG2, stencil masks included)."""
    pim = pdf_image(image)
    return bool(pim.image_mask) or (pim.bits_per_component == 1 and not pim.indexed)


Crop = tuple[int, int, int, int]  # left, top, right, bottom in the image's pixels
CROPPED = "cắt theo khung trang: chỉ giữ phần ảnh hiện trên trang"
BLENDED = "ảnh có vùng trong suốt: ghép lên nền giấy trắng như khi xem"


def extract(placement: Placement, dpi: int, crop: Crop | None = None) -> Extracted | Unsupported:
    """The placed image as a page: the producer's bytes when possible, else decoded.
    ``crop``: only that part of the image shows on the page (CropBox, clip), so only that
    part is the page — decoded and cut, never the producer's bytes whole."""
    try:
        return _extract(placement, dpi, crop)
    except _Decline as why:
        return Unsupported(why.reason, why.bilevel)


def _extract(placement: Placement, dpi: int, crop: Crop | None) -> Extracted:
    image = placement.image
    pim = pdf_image(image)
    alpha = _check_masks(image, placement)
    filters = filters_of(image)
    cut = (lambda im: im.crop(crop)) if crop else (lambda im: im)
    cut_note = CROPPED if crop else ""
    if "/JBIG2Decode" in filters:
        note = "ảnh JBIG2 giải mã đúng từng điểm, lưu không mất dữ liệu dạng CCITT G4"
        bits = _jbig2(image, filters)
        return _store(cut(bits if alpha is None else _over_white(bits, alpha)), dpi, lossy=False,
                      note="; ".join(filter(None, (note, cut_note))))
    if pim.image_mask:
        # A stencil mask painted black on white is a bilevel page: once /Decode is applied,
        # a 0 sample is painted (black) and a 1 left white, as in a 1-bit grey image.
        with quiet_bomb_warning():
            bits = pim.as_pil_image(apply_mask=False).convert("1")
        note = "mặt nạ 1 bit in đen chuyển thành ảnh đen trắng"
        return _store(cut(bits), dpi, lossy=False, note="; ".join(filter(None, (note, cut_note))))
    if crop or alpha is not None:
        pass  # only part of it is the page, or it is blended: decoded below
    elif filters and filters[-1] == "/DCTDecode" and not isinstance(image, pikepdf.Stream):
        pass  # inline JPEG: decoded below, an inline image has no stream to pass through
    elif filters and (filters[-1] == "/CCITTFaxDecode" or (
            filters[-1] == "/DCTDecode" and _pass_through_ok(pim))):
        buf = io.BytesIO()
        ext = pim.extract_to(stream=buf, apply_mask=False)
        data = buf.getvalue()
        if ext == ".jpg":
            with quiet_bomb_warning():
                mode = Image.open(io.BytesIO(data)).mode
            if mode in ("L", "RGB"):
                width, height, _ = validate_jpeg(data)
                data, note = _tagged(data, pim) if mode == "RGB" else (data, "")
                return Extracted(data, "image/jpeg", width, height, note)
        elif ext == ".tif":
            with quiet_bomb_warning():
                im = Image.open(io.BytesIO(data))
                im.load()  # proves the fax data decodes
            return Extracted(data, "image/tiff", im.width, im.height)
    im, colour = _pixels(image, filters)
    note = "; ".join(filter(None, (_note(filters, im, pim.bits_per_component), colour,
                                   cut_note)))
    if alpha is not None:
        im = _over_white(im, alpha)
        note = "; ".join(filter(None, (note, BLENDED)))
    return _store(cut(im), dpi, lossy=bool(_LOSSY & set(filters)), note=note)


def _pixels(image: pikepdf.Object, filters: list[str]) -> tuple[Image.Image, str]:
    """The image's pixels as a viewer shows them (/Decode applied, colours in sRGB through the
    image's ICC profile), and what the colour conversion was ("" when none)."""
    pim = pdf_image(image)
    try:
        with quiet_bomb_warning():
            im = pim.as_pil_image(apply_mask=False)
            im.load()
    except pikepdf.models.image.HifiPrintImageNotTranscodableError as exc:
        raise _Decline("ảnh dùng không gian màu in ấn (DeviceN/Separation): dựng lại trang") \
            from exc
    except (NotImplementedError, pikepdf.models.image.UnsupportedImageTypeError) as exc:
        raise _Decline("ảnh ở định dạng không tách được: dựng lại trang") from exc
    # The PDF's own profile rules; a JPEG's embedded one (APP2) when the PDF names none.
    icc = _pdf_icc(pim) or im.info.get("icc_profile")
    im = _inverted_jpeg(im, image, filters)
    return to_srgb(im, icc if isinstance(icc, bytes) else None)


def _jbig2(image: pikepdf.Object, filters: list[str]) -> Image.Image:
    """A JBIG2 image's pixels, decoded exactly with its globals, /Decode applied.

    A sample is black where JBIG2 codes 1; a stencil mask (painted black, see _check_masks)
    paints exactly those pixels, so it reads the same."""
    if filters != ["/JBIG2Decode"] or not isinstance(image, pikepdf.Stream):
        raise _Decline("ảnh JBIG2 qua nhiều bộ lọc: dựng lại trang", True)
    parms = image.get("/DecodeParms")
    if isinstance(parms, pikepdf.Array):
        parms = parms[0] if len(parms) else None
    shared = parms.get("/JBIG2Globals") if isinstance(parms, pikepdf.Dictionary) else None
    width, height = int(image.get("/Width", 0)), int(image.get("/Height", 0))
    try:
        bits = jbig2.decode(image.read_raw_bytes(),
                            shared.read_bytes() if isinstance(shared, pikepdf.Stream) else None,
                            width, height)
    except jbig2.Jbig2Error as exc:
        raise _Decline(f"ảnh JBIG2 không giải mã được ({exc}): dựng lại trang", True) from exc
    decode = image.get("/Decode")
    if decode is not None and [float(v) for v in decode][:2] == [1.0, 0.0]:
        bits = ImageChops.invert(bits.convert("L")).convert("1")
    return bits


def _pdf_icc(pim: pikepdf.PdfImage) -> bytes | None:
    space = pim.obj.get("/ColorSpace")
    if isinstance(space, pikepdf.Array) and len(space) == 2 and space[0] == "/ICCBased" \
            and isinstance(space[1], pikepdf.Stream):
        try:
            return space[1].read_bytes()
        except pikepdf.PdfError:
            return None
    return None


def _normal_filter(name: str) -> str:
    # Abbreviations allowed in inline images.
    return {"/DCT": "/DCTDecode", "/CCF": "/CCITTFaxDecode", "/Fl": "/FlateDecode",
            "/LZW": "/LZWDecode", "/RL": "/RunLengthDecode", "/AHx": "/ASCIIHexDecode",
            "/A85": "/ASCII85Decode"}.get(name, name)


def _pass_through_ok(pim: pikepdf.PdfImage) -> bool:
    """A JPEG's bytes mean what they say: no inverting /Decode (pikepdf leaves it to the codec,
    which ignores it), and a colour space the archival PDF declares as is (grey or RGB)."""
    decode = pim.obj.get("/Decode")
    if decode is not None:
        values = [float(v) for v in decode]
        if values != [0.0, 1.0] * (len(values) // 2):
            return False
    # RGB tagged with any profile goes through as well: it travels in the JPEG (_tagged).
    return pim.mode in ("L", "RGB", "1")


def _tagged(data: bytes, pim: pikepdf.PdfImage) -> tuple[bytes, str]:
    """The producer's RGB JPEG carrying the profile the PDF declares for it (its ICCBased
    stream; none for DeviceRGB or sRGB, which the archive's output intent already is), and
    what was changed. The archival PDF declares a JPEG by the profile it carries, so an
    Adobe RGB scan keeps its bytes and its colours; only the APP2 segments change."""
    icc = _pdf_icc(pim)
    want = icc if icc and not is_srgb(icc) and profile_space(icc) == "RGB" else None
    with quiet_bomb_warning():
        has = Image.open(io.BytesIO(data)).info.get("icc_profile")
    if want == has or (want is None and (not has or is_srgb(has))):
        return data, ""
    if want is not None:
        return tag_jpeg(data, want), ("ảnh JPEG giữ nguyên dữ liệu nén, gắn hồ sơ màu ICC "
                                      "mà PDF khai báo cho ảnh")
    return tag_jpeg(data, None), ("ảnh JPEG giữ nguyên dữ liệu nén, bỏ hồ sơ màu ICC trong "
                                  "ảnh mà PDF không dùng")


def _check_masks(image: pikepdf.Object, placement: Placement) -> Image.Image | None:
    """Why the image cannot be the page as it is, or its soft mask (mode L) when part of it
    is transparent: over the white paper it shows blended, as a viewer draws it."""
    if _get(image, "/ImageMask", False) and not placement.fill_black:
        raise _Decline("ảnh mặt nạ tô bằng màu khác đen: dựng lại trang", True)
    if _get(image, "/Mask", None) is not None:
        raise _Decline("ảnh có mặt nạ che một phần: dựng lại trang")
    smask = _get(image, "/SMask", None)
    if not isinstance(smask, pikepdf.Stream):
        return None
    try:
        with quiet_bomb_warning():
            alpha = as_page_mode(pikepdf.PdfImage(smask).as_pil_image())
        alpha = alpha if alpha.mode == "L" else alpha.convert("L")
    except Exception as exc:  # any failure to read the mask means: render the page
        raise _Decline("ảnh có mặt nạ trong suốt không đọc được: dựng lại trang") from exc
    if alpha.getextrema()[0] == 255:
        return None  # opaque everywhere: the image as it is
    if smask.get("/Matte") is not None or _get(image, "/ImageMask", False) or (
            alpha.size != _size(image)):
        # premultiplied colours, a stencil with a soft mask, or a mask of another size
        # (viewers resample it): not worth blending here
        raise _Decline("ảnh có vùng trong suốt (SMask) không ghép được: dựng lại trang")
    return alpha


def _size(image: pikepdf.Object) -> tuple[int, int]:
    pim = pdf_image(image)
    return int(pim.width), int(pim.height)


def _over_white(im: Image.Image, alpha: Image.Image) -> Image.Image:
    """The image blended over white paper by its soft mask: what a viewer shows."""
    im = as_page_mode(im)
    if im.mode in ("1", "P"):
        im = im.convert("L" if im.mode == "1" else "RGB")
    paper = Image.new(im.mode, im.size, 255 if im.mode == "L" else (255, 255, 255))
    return Image.composite(im, paper, alpha)


def _inverted_jpeg(im: Image.Image, image: pikepdf.Object, filters: list[str]) -> Image.Image:
    """pikepdf leaves /Decode to the JPEG codec; a [1 0] on a grey or RGB JPEG is still an
    inversion every viewer applies.

    A CMYK JPEG: Pillow always inverts its samples (it assumes Adobe's APP14 convention,
    inverted CMYK, which Photoshop and Pillow write). A PDF viewer takes the samples as coded
    and applies /Decode: Acrobat and Ghostscript write [1 0 1 0 1 0 1 0] beside an
    Adobe-inverted JPEG, and poppler shows one without it as a negative. So the samples are
    Pillow's inverted back unless /Decode inverts them."""
    if not filters or filters[-1] not in _LOSSY or im.mode not in ("L", "RGB", "CMYK"):
        return im
    decode = _get(image, "/Decode", None)
    values = [float(v) for v in decode] if decode is not None else []  # type: ignore[union-attr]
    inverts = bool(values) and values == [1.0, 0.0] * (len(values) // 2)
    if im.mode == "CMYK" and filters[-1] == "/DCTDecode":
        if inverts:
            return im
        return Image.fromarray(255 - np.asarray(im), "CMYK")
    if inverts and im.mode != "CMYK":
        return ImageChops.invert(im)
    return im


def _note(filters: list[str], im: Image.Image, bits: int = 8) -> str:
    if filters and filters[-1] == "/JPXDecode":
        return "ảnh JPEG 2000 chuyển sang JPEG"
    if im.mode.startswith("I"):
        return "ảnh xám 16 bit chuyển sang 8 bit"
    if bits == 16:
        return "ảnh màu 16 bit chuyển sang 8 bit"
    return ""


def _store(im: Image.Image, dpi: int, *, lossy: bool, note: str) -> Extracted:
    im = as_page_mode(im)
    if im.mode == "1":
        return Extracted(g4_tiff(im, dpi), "image/tiff", im.width, im.height, note)
    if lossy:
        return Extracted(jpeg(im, dpi), "image/jpeg", im.width, im.height, note)
    buf = io.BytesIO()
    im.save(buf, format="PNG", dpi=(dpi, dpi), compress_level=1)
    return Extracted(buf.getvalue(), "image/png", im.width, im.height, note)


def as_page_mode(im: Image.Image) -> Image.Image:
    """A mode the archival PDF takes and every reader downstream sees right: 1, L, P or RGB.

    16-bit grey becomes 8-bit by scaling (v / 257), never by clipping: PIL's ``convert("L")``
    clips, and a clipped text page reads as white (blank)."""
    if im.mode in ("1", "L", "RGB", "P"):
        return im
    if im.mode.startswith("I"):
        arr = np.asarray(im).astype(np.float64)
        top = 65535.0 if im.mode.startswith("I;16") or arr.max(initial=0) > 255 else 255.0
        return Image.fromarray(np.clip(np.rint(arr * 255.0 / top), 0, 255).astype(np.uint8), "L")
    if im.mode in ("LA", "La"):
        return im.convert("L")
    if im.mode == "CMYK":  # not through _pixels (which converts by the profile): the default
        return to_srgb(im, None)[0]
    try:
        return im.convert("RGB")
    except ValueError as exc:  # a mode PIL cannot turn into RGB by itself (LAB, …)
        raise _Decline(f"ảnh ở chế độ màu {im.mode} không chuyển được: dựng lại trang") from exc


def jpeg(im: Image.Image, dpi: int, quality: int = REENCODE_QUALITY) -> bytes:
    if im.mode not in ("L", "RGB"):
        im = im.convert("RGB")
    buf = io.BytesIO()
    im.save(buf, format="JPEG", quality=quality, dpi=(dpi, dpi), optimize=True)
    return buf.getvalue()


def decode(placement: Placement) -> Image.Image:
    """The placed image's pixels (for stitching strips), /Decode applied."""
    image = placement.image
    alpha = _check_masks(image, placement)
    if alpha is not None:
        return _over_white(_pixels(image, filters_of(image))[0], alpha)
    if "/JBIG2Decode" in filters_of(image):
        return _jbig2(image, filters_of(image))
    pim = pdf_image(image)
    if pim.image_mask:
        raise _Decline("dải ảnh là mặt nạ 1 bit: dựng lại trang", True)
    return as_page_mode(_pixels(image, filters_of(image))[0])


def stitch(strips: list[Placement], dpi: int) -> Extracted | Unsupported:
    """Strips that abut exactly, top to bottom, as one page image."""
    try:
        parts = [decode(s) for s in strips]
    except _Decline as why:
        return Unsupported(why.reason, why.bilevel)
    except (NotImplementedError, pikepdf.models.image.UnsupportedImageTypeError):
        return Unsupported("dải ảnh ở định dạng không tách được: dựng lại trang")
    modes = {p.mode for p in parts}
    mode = "1" if modes == {"1"} else "L" if modes <= {"1", "L"} else "RGB"
    width = parts[0].width
    page = Image.new(mode, (width, sum(p.height for p in parts)), 255 if mode != "RGB" else
                     (255, 255, 255))
    top = 0
    for part in parts:
        page.paste(part.convert(mode) if part.mode != mode else part, (0, top))
        top += part.height
    lossy = any(_LOSSY & set(filters_of(s.image)) for s in strips)
    return _store(page, dpi, lossy=lossy, note=f"ghép {len(strips)} dải ảnh thành một trang")
