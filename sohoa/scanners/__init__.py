"""Page sources and batch splitting.

Input files and folders become a stream of ``Page`` records (or ``Quarantined`` ones with a reason
a desk clerk can act on); dossier-code barcodes and blank backs are found on page images, and
``split_dossiers`` cuts the page stream into dossiers at each code sheet. ``watch`` is the hot
folder's core: each completed file handed over once, then moved to done/ or failed/.

The names below are imported from their modules when first asked for (PEP 562): reading a
file's name, its limits or a known file's fingerprint does not load OpenCV, zxing-cpp or
pikepdf, which only decoding pages needs (issue 19: a re-run ingest that decodes nothing).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sohoa.scanners.barcodes import DEFAULT_CODE_PATTERN, read_dossier_code
    from sohoa.scanners.blank import is_blank
    from sohoa.scanners.inputs import SUPPORTED_SUFFIXES, expand_inputs, read_pages
    from sohoa.scanners.limits import InputLimits
    from sohoa.scanners.split import Dossier, split_dossiers
    from sohoa.scanners.watch import HotFolder, Outcome, WatchSettings, watch

__all__ = [
    "DEFAULT_CODE_PATTERN",
    "SUPPORTED_SUFFIXES",
    "Dossier",
    "HotFolder",
    "InputLimits",
    "Outcome",
    "WatchSettings",
    "expand_inputs",
    "is_blank",
    "read_dossier_code",
    "read_pages",
    "split_dossiers",
    "watch",
]


def __getattr__(name: str) -> object:
    if name in ("DEFAULT_CODE_PATTERN", "read_dossier_code"):
        from sohoa.scanners import barcodes as module
    elif name == "is_blank":
        from sohoa.scanners import blank as module
    elif name in ("SUPPORTED_SUFFIXES", "expand_inputs", "read_pages"):
        from sohoa.scanners import inputs as module
    elif name == "InputLimits":
        from sohoa.scanners import limits as module
    elif name in ("Dossier", "split_dossiers"):
        from sohoa.scanners import split as module
    elif name in ("HotFolder", "Outcome", "WatchSettings", "watch"):
        from sohoa.scanners import watch as module
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(module, name)
    globals()[name] = value  # once found, an ordinary attribute
    return value
