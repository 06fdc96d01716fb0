"""PAdES signing room: key sources, signing with a Vietnamese visible stamp, strict verification.

Imports only ``sohoa.records``, ``sohoa.errors`` and ``sohoa.vntext`` from the rest of sohoa.
"""

from __future__ import annotations

from .identity import DevIdentity, create_dev_identity
from .keys import KeySource
from .placement import PageInk
from .renewal import last_timestamp_expiry, renew_timestamps
from .settings import LEVELS, SigningSettings
from .signer import DocumentSigner
from .verify import verify_pdf

__all__ = [
    "LEVELS",
    "DevIdentity",
    "DocumentSigner",
    "KeySource",
    "PageInk",
    "SigningSettings",
    "create_dev_identity",
    "last_timestamp_expiry",
    "renew_timestamps",
    "verify_pdf",
]
