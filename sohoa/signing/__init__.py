"""PAdES signing room: key sources, signing with a Vietnamese visible stamp, strict verification.

Imports only ``sohoa.records``, ``sohoa.errors`` and ``sohoa.vntext`` from the rest of sohoa.

The names below are imported from their modules when first asked for (PEP 562): importing the
room, or one of its light modules, does not load pyHanko, fontTools or aiohttp, which only
signing, verifying and renewing need (issue 19: a re-run ingest that signs nothing).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
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


def __getattr__(name: str) -> object:
    if name in ("DevIdentity", "create_dev_identity"):
        from . import identity as module
    elif name == "KeySource":
        from . import keys as module
    elif name == "PageInk":
        from . import placement as module
    elif name in ("last_timestamp_expiry", "renew_timestamps"):
        from . import renewal as module
    elif name in ("LEVELS", "SigningSettings"):
        from . import settings as module
    elif name == "DocumentSigner":
        from . import signer as module
    elif name == "verify_pdf":
        from . import verify as module
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(module, name)
    globals()[name] = value  # once found, an ordinary attribute
    return value
