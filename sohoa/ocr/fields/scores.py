"""Confidence given to a field value by how it was found; the owner threshold."""

from __future__ import annotations

_CONFIDENT, _FUZZY_LABEL, _UNLABELLED, _CORRECTED, _FLAGGED = 0.92, 0.75, 0.6, 0.8, 0.25
_UNCONFIRMED_PLACE = 0.7  # an address whose units the gazetteer does not confirm
OWNER_CONFIDENCE = 0.6  # the review threshold: an owner below it is no owner
