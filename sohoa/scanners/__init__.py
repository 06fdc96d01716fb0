"""Page sources and batch splitting.

Input files and folders become a stream of ``Page`` records (or ``Quarantined`` ones with a reason
a desk clerk can act on); dossier-code barcodes and blank backs are found on page images, and
``split_dossiers`` cuts the page stream into dossiers at each code sheet. ``watch`` is the hot
folder's core: each completed file handed over once, then moved to done/ or failed/.
"""

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
