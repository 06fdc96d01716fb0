"""Review for signed-in callers (the web workplace): the same queue, page crops and decisions
as ``sohoa review``, with the caller's role and unit checked and the caller's name as the
reviewer, so the four-eyes rule of later rounds is the CLI's."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from sohoa import reasons
from sohoa.archive import Archive
from sohoa.archive import review as catalog_review
from sohoa.archive.policy import REVIEWERS, Caller, check_document, check_move_into, check_role
from sohoa.doctypes import load_registry
from sohoa.errors import ConfigError
from sohoa.pipeline import review
from sohoa.pipeline.settings import Settings
from sohoa.records import UNASSIGNED_PREFIX, given_dossier_code, shown_dossier_code
from sohoa.vntext import nfc, squash_spaces


class ReviewDesk:
    def __init__(self, archive: Archive, settings: Settings) -> None:
        self.archive = archive
        self.settings = settings

    def queue(self, caller: Caller) -> list[dict[str, Any]]:
        """What waits for a person; desk staff see their own unit's documents only."""
        check_role(caller, REVIEWERS, "rà soát giấy tờ")
        waiting = review.pending(self.settings)
        if caller.role != "desk":
            return waiting
        units = {d["document_id"]: self.archive.document_ref(d["document_id"]).get("unit")
                 for d in waiting}
        return [d for d in waiting if (units[d["document_id"]] or "") == caller.unit]

    def _check(self, caller: Caller, document_id: str) -> None:
        check_role(caller, REVIEWERS, "rà soát giấy tờ")
        check_document(caller, self.archive.document_ref(document_id.strip()).get("unit"))

    def show(self, caller: Caller, document_id: str,
             field_key: str | None) -> tuple[dict[str, Any], list[bytes]]:
        """The reviewer's view of one field (or of the whole document): what ``sohoa review
        show`` prints, and the PNG crops it writes, as bytes; access-logged as the caller."""
        self._check(caller, document_id)
        with tempfile.TemporaryDirectory(prefix="sohoa-review-") as tmp:
            shown = review.show(self.settings, document_id, field_key, Path(tmp),
                                user=caller.user, caller=caller)
            images = [Path(i["path"]).read_bytes() for i in shown["images"]]
        return shown, images

    def fields(self, caller: Caller, document_id: str) -> tuple[list[str], str]:
        """The keys a reviewer goes through (owner first, then the type's fields) and the
        first one recognition flagged (else the first); nothing is shown, nothing logged."""
        self._check(caller, document_id)
        doc = self.archive.get_document(document_id.strip())
        keys = [review.OWNER, *load_registry().get(doc["doc_type"]).fields]
        notes = [*doc.get("review_reasons", []), *doc.get("field_flags", [])]
        if any(reasons.topic(str(n)) == review.SIGNER for n in notes) or \
                (doc.get("extra") or {}).get("signer"):
            keys.append(review.SIGNER)  # the signer printed on it, set like a field (F9)
        flagged = [k for k in keys if any(
            str(n).startswith((f"{k}:", "owner:" if k == review.OWNER else f"{k}:"))
            or (k == review.SIGNER and reasons.topic(str(n)) == k) for n in notes)]
        return keys, (flagged or keys)[0]

    def decide(self, caller: Caller, action: str, document_id: str, *args: str,
               **kwargs: Any) -> dict[str, Any]:
        """``set`` FIELD VALUE / ``type`` TYPE / ``accept``, by the caller."""
        self._check(caller, document_id)
        reviewer = review.Reviewer(self.archive, self.settings, caller.user)
        if action == "set":
            return reviewer.set_field(document_id, *args, **kwargs)
        if action == "type":
            return reviewer.set_type(document_id, *args, **kwargs)
        if action == "accept":
            return reviewer.accept(document_id)
        raise ValueError(f"unknown review action {action!r}")

    def move(self, caller: Caller, document_id: str, code: str) -> dict[str, Any]:
        """File the paper under dossier ``code`` (or confirm it is there), by the caller. A
        placeholder of loose papers (``UNASSIGNED-…``) is no dossier a paper can be filed or
        confirmed under: confirming it would answer "nhập mã in trên giấy" with nothing. A desk
        clerk moves papers only into her own unit's dossiers."""
        self._check(caller, document_id)
        code = given_dossier_code(squash_spaces(nfc(code or "")))
        if code.upper().startswith(UNASSIGNED_PREFIX):
            raise ConfigError(
                f"“{shown_dossier_code(code)}” chỉ là chỗ tạm của các giấy tờ chưa xác định "
                "được hồ sơ, không phải mã hồ sơ: hãy nhập mã hồ sơ in trên phiếu tiếp nhận (ví dụ "
                "H19.22-261207-0101) vào ô «Mã hồ sơ đúng»")
        # an unknown code: set_dossier says it is not in the archive, or makes it from the
        # receipt's printed code (typed in small letters too: the capitals' dossier is checked)
        for typed in dict.fromkeys((code, code.upper())) if code else ():
            units = catalog_review.dossier_units(self.archive, typed)
            if units is not None:
                check_move_into(caller, typed, units)
                break
        return review.Reviewer(self.archive, self.settings, caller.user).set_dossier(
            document_id, code)
