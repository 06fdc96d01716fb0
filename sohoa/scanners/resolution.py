"""Scan resolution: read it from metadata, snap it to what scanners really use."""

from __future__ import annotations

DEFAULT_DPI = 200  # what desk scanners ship with; used silently when a file does not say
COMMON_DPI = (75, 100, 150, 200, 240, 300, 400, 600, 1200)
_PLAUSIBLE = range(50, 2401)


def snap_dpi(value: float | None) -> int:
    """Round a measured or declared resolution to a common scanner setting when it is within 3%.

    Page sizes in PDFs are rounded to points and PNG stores pixels per metre, so a 300 dpi scan
    often comes back as 299.9 or 300.4; values that are not plausible at all give the default.
    """
    if value is None or value != value or not (_PLAUSIBLE.start <= value < _PLAUSIBLE.stop):
        return DEFAULT_DPI
    for common in COMMON_DPI:
        if abs(value - common) <= 0.03 * common:
            return common
    return round(value)


def dpi_from_info(info: dict[str, object]) -> int:
    """The resolution PIL found in an image's metadata (JFIF, EXIF, pHYs, TIFF tags)."""
    dpi = info.get("dpi")
    if isinstance(dpi, tuple) and dpi:
        try:
            # Some scanners write the aspect ratio (1:1) instead of a resolution; snap_dpi drops it.
            return snap_dpi(float(dpi[0]))  # type: ignore[arg-type]
        except (TypeError, ValueError):
            return DEFAULT_DPI
    return DEFAULT_DPI
