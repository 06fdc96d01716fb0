"""The paper's own signer and ink as every face says them: the title, rank and name printed
under the signature (``extra["signer"]``) and the seals and hand signatures found on the pages
(``extra["ink_marks"]``), kept with the document at ingest (tester15 F4). ``sohoa show`` and the
officers' web page say them in these words, so a review reason about the signer names a field
the officer and the reviewer both see."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

MARK_NAMES = {"seal": "dấu", "signature": "chữ ký tay"}


def paper_signer(doc: Mapping[str, Any]) -> str | None:
    """"KT. CHỦ TỊCH / PHÓ CHỦ TỊCH — Trung tá Trần Bảo Mỹ": the title, then rank and name;
    None when the paper's signer was not read."""
    signer = (doc.get("extra") or {}).get("signer") or {}
    title = str(signer.get("title") or "").strip()
    who = " ".join(str(w).strip() for w in (signer.get("rank"), signer.get("name"))
                   if w and str(w).strip())
    if not (title or who):
        return None
    return " — ".join(part for part in (title, who) if part)


def ink_marks(doc: Mapping[str, Any]) -> list[str]:
    """Each seal and hand signature found: "dấu ở trang 1 (x 1000, y 1800, 300×300 điểm ảnh)"."""
    return [f"{MARK_NAMES.get(str(m.get('kind')), str(m.get('kind')))} ở trang {m.get('page')} "
            f"(x {m.get('left')}, y {m.get('top')}, {m.get('width')}×{m.get('height')} điểm ảnh)"
            for m in (doc.get("extra") or {}).get("ink_marks") or []]
