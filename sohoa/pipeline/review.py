"""Review rounds: what needs a person, showing it, and recording what the person decided.

Rounds follow the province's digitization tenders ("kiểm tra lần 1, lần 2"):

* round 1 checks every document that ingest sent to review, plus a sample of the confident
  ones (``review.sample_ratio``), so the error rate of what nobody was asked to look at is
  measured, not assumed;
* round k ≥ 2 (``review.rounds``) is a cross-check by another person of the documents that
  passed round k-1: all of those corrected in it, plus a fresh sample of the rest.

Sampling is deterministic: a document is in round k's sample when the SHA-256 of
``"review:<k>:<document id>"`` falls under the ratio, so every desk and every rerun agrees.

Every decision is a row (``sohoa.archive.review``): ``set`` corrects one field (or confirms
it when the value was already right), ``type`` corrects the document type, ``accept`` closes
the round for the document and confirms every value that was not corrected. Each one updates
the document in the catalog (fields, owner when the owner's field changed, type, validity,
``needs_review`` cleared once nothing is left) and is an audit event, in one transaction.
Error rates (``stats``) count a correction as an error found and a confirmation as none,
against the field and against whoever produced the value checked (recognition in round 1,
the previous round's reviewer after that). Type decisions are the classifier's training set
(``sohoa types train``).
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz

from sohoa import reasons
from sohoa.archive import Archive, review
from sohoa.archive.docids import WRITE_PREFIX
from sohoa.archive.dossiers import UNOPENED_WHY
from sohoa.archive.policy import Caller
from sohoa.archive.statements import HOLD_KEY
from sohoa.archive.unreachable import FAMILIES
from sohoa.doctypes import VALIDITY_UNKNOWN, DocType, Registry, load_registry
from sohoa.errors import ConfigError, NotFoundError
from sohoa.idcodes import citizen_id_problems, enterprise_code_valid
from sohoa.ocr.classify import printed_title
from sohoa.ocr.dates import parse_vn_date
from sohoa.ocr.fields.captions import LABELS
from sohoa.ocr.fields.extract import extract_fields
from sohoa.ocr.fields.fixedtitle import fixed_title
from sohoa.ocr.segment import DEFAULT_DOSSIER_CODE_PATTERN, find_dossier_code
from sohoa.pipeline.analysis import PAGE_STAGE, PageAnalysis
from sohoa.pipeline.assemble import UNREAD_RECEIPT_CODE
from sohoa.pipeline.owner import co_owners, resolve_owner
from sohoa.pipeline.papersigner import ink_marks, paper_signer
from sohoa.pipeline.services import open_archive
from sohoa.pipeline.settings import Settings
from sohoa.records import (
    UNASSIGNED_PREFIX,
    Extraction,
    FieldValue,
    OcrPage,
    Word,
    shown_dossier_code,
)
from sohoa.vntext import fold, nfc, squash_spaces, title_case_name

# A receiving body's code as the desk's default dossier-code pattern prints it ("H19.22").
_UNIT_CODE = re.compile(r"[A-Z]\d{2}(?:\.\d{2})+")
RECEIPT_CODE_ENTERED = review.RECEIPT_CODE_ENTERED  # one key, kept by the catalog
MACHINE = "sohoa"  # who produced the values round 1 checks: recognition
OWNER = "owner_id"
TYPE = "doc_type"
DOSSIER = "dossier"  # the topic of a "Hồ sơ: …" reason, and the key a reviewer moves a paper by
SIGNER = "signer"  # the topic of a "Người ký: …" reason, and the key a reviewer sets it by
# extra's key for the fields a type correction took out of the record (the old type's, with it).
SET_ASIDE = "set_aside"
_DATE_FIELDS = ("date_of_birth", "issue_date", "expiry_date")
# Fields whose check reads another field: correcting that one checks them again, so that a
# reason caused by a misread birth date does not outlive its correction.
# (Only the paper's own person's number: related_id_numbers are other people's.)
_CHECKED_WITH = {"date_of_birth": ("id_number",), "sex": ("id_number",)}
_NO_END = ("khong thoi han",)


@dataclass(frozen=True)
class Rules:
    rounds: int
    sample_ratio: float

    @classmethod
    def of(cls, settings: Settings) -> Rules:
        return cls(settings.review_rounds, settings.review_sample_ratio)


def sampled(document_id: str, round_no: int, ratio: float) -> bool:
    """Is this document in round ``round_no``'s sample? Same answer everywhere, every time."""
    digest = hashlib.sha256(f"review:{round_no}:{document_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64 < ratio


@dataclass
class _History:
    accepted: dict[int, str] = field(default_factory=dict)  # round → who accepted it
    corrected: set[int] = field(default_factory=set)  # rounds with a correction
    fields_corrected: dict[int, set[str]] = field(default_factory=lambda: defaultdict(set))
    fields_decided: dict[int, set[str]] = field(default_factory=lambda: defaultdict(set))
    set_by_person: dict[str, str | None] = field(default_factory=dict)  # field → last value

    def current_round(self) -> int:
        k = 1
        while k in self.accepted:
            k += 1
        return k


def _histories(events: Iterable[dict[str, Any]]) -> dict[str, _History]:
    out: dict[str, _History] = defaultdict(_History)
    for ev in events:
        h = out[ev["document_id"]]
        if ev["action"] == "accept":
            h.accepted[ev["round"]] = ev["reviewer"]
        elif ev["action"] == "confirm":
            h.fields_decided[ev["round"]].add(ev["field"])
        elif ev["action"] == "correct":
            h.fields_decided[ev["round"]].add(ev["field"])
            h.corrected.add(ev["round"])
            h.fields_corrected[ev["round"]].add(ev["field"])
            h.set_by_person[ev["field"]] = ev["new_value"]
    return out


def _why(doc: dict[str, Any], history: _History, rules: Rules) -> tuple[int, str] | None:
    """The round a document waits in and why, or None when it waits for nobody."""
    k = history.current_round()
    if doc["needs_review"]:
        return k, "cần kiểm tra"
    if k > rules.rounds:
        return None
    if k == 1:
        return (1, f"chọn mẫu ({rules.sample_ratio:.0%})") \
            if sampled(doc["document_id"], 1, rules.sample_ratio) else None
    if k - 1 in history.corrected:
        return k, f"đã sửa ở lần {k - 1}"
    if sampled(doc["document_id"], k, rules.sample_ratio):
        return k, f"chọn mẫu ({rules.sample_ratio:.0%})"
    return None


def _said(texts: Iterable[str]) -> list[str]:
    """Reasons and flags as a clerk reads them (``sohoa.reasons.vietnamese``), each once."""
    return list(dict.fromkeys(reasons.vietnamese(t) for t in texts))


def _flagged_fields(doc: dict[str, Any]) -> list[str]:
    found = []
    for text in [*doc["field_flags"], *doc["review_reasons"]]:
        key = reasons.topic(text)
        if key == "validity":
            key = "issue_date"
        if key is not None and key not in found and (key in doc["fields"]
                                                      or key in _CHECKED_BESIDE_FIELDS):
            found.append(key)
    return found


# What a reason may ask a person to check that is no field of the paper: its owner, its type,
# its signer (title, name), its reading, its dossier. Without them a paper whose only reason
# was its signer was listed "cần kiểm tra: toàn bộ" (tester16 F11).
_CHECKED_BESIDE_FIELDS = (OWNER, TYPE, "signer", "ocr", "dossier")


def pending(settings: Settings, *, round_no: int | None = None) -> list[dict[str, Any]]:
    """Documents waiting for a person, round by round: what, why, and which fields."""
    rules = Rules.of(settings)
    # the catalog alone: `sohoa status` counts this while S3 or the index may be down
    with open_archive(settings, skip=FAMILIES) as archive:
        docs = review.review_documents(archive)
        histories = _histories(review.events(archive))
        waiting: list[tuple[str, int, str]] = []
        for doc in docs:
            why = _why(doc, histories[doc["document_id"]], rules)
            if why is not None and (round_no is None or why[0] == round_no):
                waiting.append((doc["document_id"], *why))
        details = review.document_rows(archive, [w[0] for w in waiting])
    out = []
    for document_id, k, why in waiting:
        doc = details[document_id]
        out.append({
            "document_id": document_id, "round": k, "why": why,
            "doc_type": doc["doc_type"], "title": doc["title"],
            "dossier_code": doc["dossier_code"], "owner_id": doc["owner_id"],
            "proposed_owner_id": doc["proposed_owner_id"],
            "confidence": doc["confidence"], "needs_review": doc["needs_review"],
            "reasons": _said(doc["review_reasons"]), "fields_to_check": _flagged_fields(doc),
        })
    out.sort(key=lambda d: (d["round"], not d["needs_review"], d["dossier_code"],
                            d["document_id"]))
    return out


# --- showing a document to the reviewer ---------------------------------------------------


def _lines(page: OcrPage) -> list[list[Word]]:
    by_line: dict[int, list[Word]] = defaultdict(list)
    for w in page.words:
        by_line[w.line].append(w)
    return [sorted(ws, key=lambda w: w.left) for _, ws in sorted(by_line.items())]


def _line_text(words: Sequence[Word]) -> str:
    return " ".join(w.text for w in words)


def locate(pages: Sequence[OcrPage], key: str, value: str | None, spec: DocType
           ) -> tuple[int, int] | None:
    """(page, line index) where a field is printed: the line that reads most like its value,
    else the one that carries its caption."""
    best: tuple[float, tuple[int, int] | None] = (0.0, None)
    captions = [fold(c) for c in (*spec.labels_for(key), *LABELS.get(key, ()))]
    target = fold(value) if value else ""
    if key in _DATE_FIELDS and value:
        parsed = _iso(value)
        target = f"{parsed.day:02d}/{parsed.month:02d}/{parsed.year}" if parsed else target
    for p, page in enumerate(pages):
        for n, words in enumerate(_lines(page)):
            text = fold(_line_text(words))
            score = 0.0
            if target and len(target) >= 3:
                score = fuzz.partial_ratio(target, text)
                if key in _DATE_FIELDS and value and (parsed := _iso(value)) is not None:
                    score = max(score, fuzz.partial_ratio(str(parsed.year), text) * 0.7)
            for caption in captions:
                if len(caption) >= 4 and caption in text:
                    score = max(score, 75.0 + min(len(caption), 20) / 2)
            if score > best[0]:
                best = (score, (p, n))
    return best[1] if best[0] >= 70 else None


def _iso(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def show(settings: Settings, document_id: str, field_key: str | None, out_dir: Path, *,
         user: str, registry: Registry | None = None,
         caller: Caller | None = None) -> dict[str, Any]:
    """What a reviewer needs on screen: values, reasons, and the page image (a crop around
    the field when one is named) written as PNG to ``out_dir``; the read is access-logged (as
    ``caller`` when given: the web's signed-in reviewer, else a CLI desk user)."""
    from sohoa.archive.access import Read
    from sohoa.ocr import open_image, upright_image
    from sohoa.scanners.pdfborn import WORDS_DPI, picture

    registry = registry or load_registry()
    out_dir.mkdir(parents=True, exist_ok=True)
    with open_archive(settings) as archive:
        doc = archive.get_document(document_id.strip())
        spec = registry.get(doc["doc_type"])
        field_key = reasons.key_of(field_key) if field_key is not None else None
        if field_key is not None and field_key not in (*spec.fields, OWNER, TYPE, SIGNER):
            raise ConfigError(_unknown_field(field_key, spec))
        history = _histories(review.events(archive, [doc["document_id"]]))[doc["document_id"]]
        pages: list[OcrPage] = []
        images = []
        for page in doc["pages"]:
            sha = page["blob_sha256"] or page["sha256"]
            cached = archive.cache_get(PAGE_STAGE, page["sha256"])
            ocr = PageAnalysis.from_json(cached).ocr if cached is not None else None
            rotation = ocr.rotation if ocr is not None else page["rotation"]
            # a born-digital page is drawn in the pixel grid its words are given in (300 dpi),
            # so a field's crop falls where its words are
            drawn = picture(archive.blobs.get(sha), WORDS_DPI)
            images.append(upright_image(open_image(drawn), rotation))
            if ocr is not None:
                pages.append(ocr)
        archive.log_access(
            caller or Caller(user=user, role="desk", unit=settings.unit or "", channel="cli"),
            "review", f"rà soát giấy tờ {doc['document_id']}",
            [Read(owner_id=doc["owner_id"], document_id=doc["document_id"], result_count=1)])

    result: dict[str, Any] = {
        "document_id": doc["document_id"], "doc_type": doc["doc_type"], "title": doc["title"],
        "dossier_code": doc["dossier_code"], "owner_id": doc["owner_id"],
        # read but not confirmed: shown as "đề xuất", confirmed by accept or review set
        "proposed_owner_id": doc.get("proposed_owner_id"),
        "owner_name": (doc.get("owner") or {}).get("name"), "round": history.current_round(),
        # None: no round waits for a person (finished, or never sampled): not "round 3".
        "waiting": (_why(doc, history, Rules.of(settings)) or (None,))[0],
        "needs_review": doc["needs_review"], "reasons": _said(doc["review_reasons"]),
        "fields": {k: doc["fields"].get(k) for k in spec.fields},
        "flags": _said(doc["field_flags"]), "images": [], "ocr_text": None,
        # values taken from another paper of the dossier (sohoa.pipeline.agreement)
        "agreed": dict((doc.get("extra") or {}).get("agreed") or {}),
        # the paper's signer and ink as read at ingest: a reason about the signer asks the
        # reviewer to compare them with the paper (tester15 F4)
        "signer": paper_signer(doc), "ink_marks": ink_marks(doc),
    }
    stem = doc["document_id"]
    located = None
    if field_key is not None and len(pages) == len(images):
        value = (doc["owner_id"] or doc.get("proposed_owner_id")) if field_key == OWNER \
            else doc["fields"].get(field_key)
        located = _title_line(pages) if field_key == TYPE \
            else locate(pages, field_key, value, spec)
    if located is not None:
        p, n = located
        lines = _lines(pages[p])
        words = lines[n] + (lines[n + 1] if n + 1 < len(lines) else [])
        crop = _crop_box(words, images[p].size)
        path = out_dir / f"{stem}-{field_key}.png"
        images[p].crop(crop).save(path)
        result["images"].append({"page": p + 1, "path": str(path), "box": list(crop)})
        result["ocr_text"] = "\n".join(_line_text(ws) for ws in lines[max(0, n - 1):n + 2])
    else:
        for p, image in enumerate(images):
            path = out_dir / f"{stem}-p{p + 1}.png"
            image.save(path)
            result["images"].append({"page": p + 1, "path": str(path), "box": None})
        result["ocr_text"] = doc["text"]
        if field_key is not None:
            result["note"] = (f"không tìm thấy {reasons.label(field_key)} trong chữ nhận "
                              "dạng được; ảnh cả trang được xuất")
    return result


def _title_line(pages: Sequence[OcrPage]) -> tuple[int, int] | None:
    for n, words in enumerate(_lines(pages[0])[:16]):
        letters = [c for c in _line_text(words) if c.isalpha()]
        if len(letters) >= 6 and sum(c.isupper() for c in letters) / len(letters) > 0.8 \
                and not fold(_line_text(words)).startswith(("cong hoa", "doc lap")):
            return 0, n
    return None


def _crop_box(words: Sequence[Word], size: tuple[int, int]) -> tuple[int, int, int, int]:
    left = min(w.left for w in words)
    top = min(w.top for w in words)
    right = max(w.left + w.width for w in words)
    bottom = max(w.top + w.height for w in words)
    pad_y = max(12, (bottom - top) // 3)
    pad_x = max(24, size[0] // 40)
    return (max(0, left - pad_x), max(0, top - pad_y), min(size[0], right + pad_x),
            min(size[1], bottom + pad_y))


# --- recording decisions ------------------------------------------------------------------


def _unknown_field(key: str, spec: DocType) -> str:
    known = ", ".join(f"{k} ({reasons.label(k)})" for k in (*spec.fields, OWNER, SIGNER))
    return (f"{key!r} không phải là trường của loại {spec.code} ({spec.name}); các trường "
            f"của loại này: {known}; hoặc đổi loại giấy tờ bằng `sohoa review type`")


# A day written in one of the two forms whose calendar lacks it (30/02/2020): no paper can
# carry it, so --force does not store it (a problem that starts so is refused outright).
IMPOSSIBLE_DAY = "ngày không tồn tại"
_DAY_FORMS = (re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})"),
              re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})"))


def _impossible_day(value: str) -> str | None:
    """Why ``value``, written as a day, is one the calendar lacks; None when it is a real day
    or no day at all."""
    for n, form in enumerate(_DAY_FORMS):
        if m := form.fullmatch(value.strip()):
            a, b, c = (int(g) for g in m.groups())
            year, month, day = (c, b, a) if n == 0 else (a, b, c)
            try:
                date(year, month, day)
            except ValueError:
                if year < 1:  # Python's calendar, as the Gregorian one, starts at year 1
                    return f"{IMPOSSIBLE_DAY}: không có năm {year}"
                if not 1 <= month <= 12:
                    return f"{IMPOSSIBLE_DAY}: không có tháng {month}"
                return f"{IMPOSSIBLE_DAY}: tháng {month} năm {year} không có ngày {day}"
            return None
    return None


def normalize_value(key: str, value: str, fields: dict[str, str | None]) -> tuple[str | None, str]:
    """The value as the catalog stores it, and what is wrong with it ("" when nothing)."""
    value = squash_spaces(nfc(value))
    if not value:
        return None, ""
    digits = value.replace(" ", "").replace(".", "")
    if key in ("id_number", "related_id_numbers") or (key == OWNER and digits.isdigit()
                                                      and len(digits) != 10):
        if key == OWNER:  # the owner may be another person than the one the fields describe
            return digits, "; ".join(citizen_id_problems(digits))
        birth = _iso(fields.get("date_of_birth"))
        sex = fields.get("sex")
        female = None if not sex else sex == "Nữ"
        problems = citizen_id_problems(digits, birth, female)
        return digits, "; ".join(problems)
    if key in ("enterprise_code", OWNER):
        code = value.replace(" ", "")
        return code, "" if enterprise_code_valid(code) else (
            "không phải mã số doanh nghiệp hợp lệ (10 chữ số với chữ số kiểm tra đúng, hoặc "
            "mã chi nhánh NNNNNNNNNN-NNN)")
    if key in _DATE_FIELDS:
        if key == "expiry_date" and fold(value) in _NO_END:
            return "Không thời hạn", ""
        impossible = _impossible_day(value)
        if impossible:
            return value, impossible
        day = parse_vn_date(value)
        if day is None:
            return value, "không phải ngày: viết YYYY-MM-DD hoặc DD/MM/YYYY"
        return day.isoformat(), ""
    if key == "sex":
        folded = fold(value)
        if folded in ("nam", "m", "male"):
            return "Nam", ""
        if folded in ("nu", "f", "female"):
            return "Nữ", ""
        return value, "giới tính là Nam hoặc Nữ"
    if key in ("full_name",):
        return title_case_name(value), ""
    return value, ""


class Reviewer:
    """One person's decisions on one open archive (the CLI opens one per command)."""

    def __init__(self, archive: Archive, settings: Settings, by: str,
                 registry: Registry | None = None) -> None:
        by = squash_spaces(nfc(by or ""))
        if not by:
            raise ConfigError("hãy cho biết ai đang rà soát: --by TÊN (tên được ghi kèm mọi quyết "
                              "định)")
        if by == MACHINE:
            raise ConfigError(f"{MACHINE!r} là tên của phần nhận dạng tự động; hãy ghi tên của "
                              "chính bạn")
        self.archive = archive
        self.settings = settings
        self.by = by
        self.registry = registry or load_registry()

    def _load(self, document_id: str) -> tuple[dict[str, Any], _History, int, str]:
        document_id = document_id.strip()
        doc = review.document_rows(self.archive, [document_id]).get(document_id)
        if doc is None:
            self.archive.get_document(document_id)  # NotFoundError with the usual message
            raise ConfigError(f"giấy tờ {document_id} không còn được lưu giữ; không có gì để rà "
                              "soát")
        history = _histories(review.events(self.archive, [document_id]))[document_id]
        k = history.current_round()
        previous = history.accepted.get(k - 1)
        if previous == self.by and k <= self.settings.review_rounds:
            raise ConfigError(
                f"lượt {k} của giấy tờ {document_id} là lượt kiểm tra chéo lượt {k - 1} mà "
                f"{previous} đã duyệt: phải do người khác làm")
        return doc, history, k, previous or MACHINE

    def set_field(self, document_id: str, key: str, value: str, *, reason: str | None = None,
                  force: bool = False) -> dict[str, Any]:
        # A prefix, as review show takes it, but 8+ characters: this changes the paper.
        document_id = self.archive.resolve_id(document_id, min_prefix=WRITE_PREFIX)
        doc, _history, k, produced_by = self._load(document_id)
        spec = self.registry.get(doc["doc_type"])
        key = reasons.key_of(key)  # the caption `review show` prints is taken too
        if key == TYPE:
            return self.set_type(document_id, value, reason=reason)
        if key in (DOSSIER, "dossier_code"):  # "Hồ sơ" or "Mã hồ sơ", as a reviewer says it
            return self.set_dossier(document_id, value, reason=reason)
        if key == SIGNER:
            return self.set_signer(document_id, value, reason=reason)
        if key not in (*spec.fields, OWNER):
            raise ConfigError(_unknown_field(key, spec))
        new_value, problem = normalize_value(key, value, doc["fields"])
        caption = reasons.label(key)  # the clerk's word, not the key (tester11 F5)
        if problem.startswith(IMPOSSIBLE_DAY):  # no paper carries it: --force does not help
            raise ConfigError(f"{caption} {new_value!r}: {problem}. Hãy đối chiếu lại với giấy và "
                              "ghi đúng ngày")
        if problem and not force:
            raise ConfigError(
                f"{caption} {new_value!r}: {problem}. Hãy đối chiếu với giấy; nếu giấy ghi đúng "
                "như vậy, chạy lại lệnh với --force --reason '…'")
        if problem and force and not reason:
            raise ConfigError("--force cần kèm --reason (vì sao giá trị trên giấy không qua "
                              "được kiểm tra) để ghi vào nhật ký kiểm toán")
        # the number a person confirms or corrects may be only proposed so far
        old = (doc["owner_id"] or doc["proposed_owner_id"]) if key == OWNER \
            else doc["fields"].get(key)
        fields = dict(doc["fields"])
        owner_id, owner_kind = doc["owner_id"], None
        if key == OWNER:
            owner_id = new_value
            owner_kind = "organization" if new_value and len(new_value.split("-")[0]) == 10 \
                else "person"
        else:
            fields[key] = new_value
            if key == spec.owner_field and not spec.owner_shared and new_value:
                owner_id, owner_kind = new_value, spec.owner_kind
        doc, owner_id, owner_kind = self._recheck(doc, spec, key, fields, owner_id, owner_kind)
        action = "correct" if old != new_value else "confirm"
        drop = {key} | ({OWNER} if owner_id != doc["owner_id"] or key == OWNER else set())
        if key in _DATE_FIELDS:
            drop.add("validity")
        update = self._update(doc, spec, fields, owner_id, owner_kind, drop)
        decision = review.Decision(action, key, old, new_value, produced_by,
                                 reason=reason or (f"forced: {problem}" if problem else None))
        review.record(self.archive, doc["document_id"], k, self.by, [decision], update,
                    audit_action=f"review.{'corrected' if action == 'correct' else 'confirmed'}",
                    audit_detail={"round": k, "field": key, "old": old, "new": new_value,
                                  "reason": decision.reason})
        return self._result(doc["document_id"], k, decision, update)

    def set_signer(self, document_id: str, value: str, *, reason: str | None = None
                   ) -> dict[str, Any]:
        """The signer printed on the paper, as a person reads it: "Tạ Diệu Liễu" (the name;
        the title stays), or "GIÁM ĐỐC — Tạ Diệu Liễu" (title and name). A flagged signer had
        no value a reviewer could set: accepting kept the machine's reading (tester18 F9)."""
        document_id = self.archive.resolve_id(document_id, min_prefix=WRITE_PREFIX)
        doc, _history, k, produced_by = self._load(document_id)
        text = squash_spaces(nfc(value or "")).strip()
        if not text:
            raise ConfigError("cho biết người ký như in trên giấy: họ tên (ví dụ \"Tạ Diệu "
                              "Liễu\"), hoặc chức vụ — họ tên (\"GIÁM ĐỐC — Tạ Diệu Liễu\")")
        old = paper_signer(doc)
        signer = dict(doc["extra"].get("signer") or {})
        # "title — name": at the em dash when there is one, else at the last dash (an office's
        # name holds its own: "TRƯỞNG PHÒNG TÀI CHÍNH - KẾ HOẠCH — Lê Văn An"; review18 N6)
        found = list(re.finditer(r"\s+—\s+", text)) or list(re.finditer(r"\s+[–-]\s+", text))
        title, name = ((text[:found[-1].start()].strip(), text[found[-1].end():].strip())
                       if found else ("", text))
        if title:
            signer["title"] = title
        signer["name"] = name
        signer.pop("rank", None)  # the name as the person typed it holds the rank, if any
        spec = self.registry.get(doc["doc_type"])
        doc = {**doc, "extra": {**doc["extra"], "signer": signer}}
        update = self._update(doc, spec, dict(doc["fields"]), doc["owner_id"], None, {SIGNER})
        new = paper_signer(doc)
        decision = review.Decision("correct" if old != new else "confirm", SIGNER, old, new,
                                   produced_by, reason)
        review.record(self.archive, doc["document_id"], k, self.by, [decision], update,
                      audit_action=f"review.{'corrected' if decision.error else 'confirmed'}",
                      audit_detail={"round": k, "field": SIGNER, "old": old, "new": new,
                                    "reason": reason})
        return self._result(doc["document_id"], k, decision, update)

    def set_dossier(self, document_id: str, code: str, *, reason: str | None = None,
                    follow: bool = True, of_stack: str | None = None) -> dict[str, Any]:
        """File the paper under the dossier it belongs to: the sheet it was scanned behind was
        another's (a settled dossier's, the previous stack's), or confirm where it is. The
        question about its sheet is answered either way; its component and code follow
        (``archive.dossiers.place``: the old dossier's component is freed). ``of_stack``: the
        paper follows its stack's receipt (the stack's placeholder), whatever questions of its
        own it asks — the receipt's next move takes it along again (review19 N3)."""
        document_id = self.archive.resolve_id(document_id, min_prefix=WRITE_PREFIX)
        doc, _history, k, produced_by = self._load(document_id)
        code = squash_spaces(nfc(code or ""))
        if not code:
            raise ConfigError("cho biết mã hồ sơ mà giấy tờ này thuộc về (ví dụ "
                              "H19.22-261207-0101)")
        # the scan missed its receipt's code (review17 N12): the code a person reads off the
        # receipt makes the dossier, as the scan would have, and the papers behind it follow;
        # a code so entered is put right the same way while no one-stop opening confirmed it
        # (review18 N1: a mistyped code was a dead end)
        stack = of_stack or self._stack(doc)
        unread_receipt = stack is not None
        opens = code != doc["dossier_code"] and not review.dossier_exists(self.archive, code)
        if opens:
            code = self._may_open(doc, code, unread_receipt)
            opens = not review.dossier_exists(self.archive, code)
        if unread_receipt and follow and not opens and code != doc["dossier_code"]:
            # a code typed for the receipt that names a dossier received from someone else:
            # one digit off the printed code is most likely the neighbour's dossier (review19 M2)
            # the stack's receipt says who the stack was received from, whichever of its
            # papers the code is typed on (review19 N7)
            stack_ids = [doc["document_id"], *review.papers_of_stack(
                self.archive, doc["dossier_code"], UNREAD_RECEIPT_CODE, stack)]
            theirs = review.dossier_applicants(self.archive, code, doc["document_id"])
            mine = {p["owner_id"] for p in (self.archive.get_document(i) for i in stack_ids)
                    if p["doc_type"] == "dossier_receipt" and p["owner_id"]}
            if theirs and mine and not mine & theirs:
                raise ConfigError(
                    f"hồ sơ {code} là của người nộp {', '.join(sorted(theirs))}, còn giấy tiếp "
                    f"nhận của các giấy tờ này ghi người nộp {', '.join(sorted(mine))}: hãy "
                    "đối chiếu lại với mã in trên giấy tiếp nhận (nếu mã đúng mà số định danh "
                    "trên giấy tiếp nhận đọc sai, sửa số đó trước)")
        spec = self.registry.get(doc["doc_type"])
        # the sheet question is answered: no hold for it any more
        doc = {**doc, "extra": {k: v for k, v in doc["extra"].items() if k != HOLD_KEY}}
        update = self._update(doc, spec, dict(doc["fields"]), doc["owner_id"], None,
                              {DOSSIER} if follow else set())
        if not follow:
            # a paper behind the receipt, which nobody looked at: only the receipt's question is
            # answered; whether the paper is this dossier's at all still stands
            update.review_reasons = [r for r in update.review_reasons
                                     if UNREAD_RECEIPT_CODE not in r]
            update.needs_review = bool(update.review_reasons)
        update.dossier_code = code
        update.opens_dossier = opens
        update.as_scanned = unread_receipt
        if stack is not None:
            update.extra = {**update.extra, RECEIPT_CODE_ENTERED: {"stack": stack}}
        elif follow and code != doc["dossier_code"]:
            # a paper of a stack moved on its own leaves the stack: its receipt no longer
            # takes it along
            update.extra.pop(RECEIPT_CODE_ENTERED, None)
        action = "correct" if code != doc["dossier_code"] else "confirm"
        decision = review.Decision(action, DOSSIER, doc["dossier_code"], code, produced_by,
                                   reason)
        review.record(self.archive, doc["document_id"], k, self.by, [decision], update,
                      audit_action=f"review.{'corrected' if decision.error else 'confirmed'}",
                      audit_detail={"round": k, "field": DOSSIER, "old": decision.old_value,
                                    "new": code, "reason": reason,
                                    **({"opened": True} if opens else {})})
        result = self._result(doc["document_id"], k, decision, update)
        if unread_receipt and follow and code != doc["dossier_code"]:
            # the rest of the stack behind the receipt: each its own decision, so a rerun
            # after an interruption moves what is left
            result["followers"] = [
                self.set_dossier(other, code, reason=reason, follow=False,
                                 of_stack=stack)["document_id"]
                for other in review.papers_of_stack(self.archive, doc["dossier_code"],
                                                    UNREAD_RECEIPT_CODE, stack)
                if other != doc["document_id"]]
        return result

    def _stack(self, doc: dict[str, Any]) -> str | None:
        """The placeholder of the stack behind a receipt whose code the scan missed, when moving
        this paper moves the stack: any paper of it still under it with the question, or the
        stack's receipt itself, filed by a code a person entered, into a dossier no one-stop
        opening confirmed (the code is put right on the receipt). Any other paper of the stack,
        once filed, moves alone: another paper's question ("giấy tờ của hồ sơ khác quét lẫn
        vào") asks to move that paper, not its stack (review18 M2). None otherwise."""
        if doc["dossier_code"].startswith(UNASSIGNED_PREFIX) and any(
                UNREAD_RECEIPT_CODE in r for r in doc["review_reasons"]):
            # a paper with a dossier question of its own (another person's paper, F11) is
            # moved alone: that question asks to move it, not the stack (review18 M4)
            own = [r for r in doc["review_reasons"]
                   if reasons.topic(r) == DOSSIER and UNREAD_RECEIPT_CODE not in r]
            return None if own else str(doc["dossier_code"])
        entered = (doc["extra"].get(RECEIPT_CODE_ENTERED) or {}).get("stack")
        if entered and doc["doc_type"] == "dossier_receipt" \
                and not review.dossier_opened(self.archive, doc["dossier_code"]):
            return str(entered)
        return None

    def _may_open(self, doc: dict[str, Any], code: str, unread_receipt: bool) -> str:
        """May this move make dossier ``code``, which the catalog does not know? Only for the
        papers of a receipt whose code the scan missed, a code of the desk's pattern (typed in
        small letters too: the code in capitals is returned), at a desk that works from its
        sheets (where the one-stop system opens dossiers, it opens this one too)."""
        if not unread_receipt:
            raise NotFoundError(f"không có hồ sơ {code} trong kho lưu trữ; mở hồ sơ trước "
                                "(sohoa dossier open) rồi chuyển giấy tờ sang")
        pattern = self.settings.code_pattern or DEFAULT_DOSSIER_CODE_PATTERN
        typed = code
        code = next((c for c in (code, code.upper()) if find_dossier_code(c, pattern) == c), "")
        if not code:
            raise ConfigError(f"“{typed}” không đúng mẫu mã hồ sơ của bộ phận (ví dụ "
                              "H19.22-261207-0101): hãy đối chiếu lại với mã in trên giấy "
                              "tiếp nhận")
        agency, unit = code.split("-")[0], str(doc.get("unit") or "")
        if _UNIT_CODE.fullmatch(agency) and _UNIT_CODE.fullmatch(unit) and agency != unit:
            # a code of the desk's own form naming another receiving body: a digit mistyped,
            # or another body's receipt — made here it would be this desk's (review18 N9)
            raise ConfigError(f"mã “{code}” là của đơn vị tiếp nhận {agency}, còn giấy tờ do "
                              f"{unit} tiếp nhận: hãy đối chiếu lại với mã in trên giấy tiếp "
                              "nhận")
        if review.desk_opens_dossiers(self.archive, doc["document_id"]):
            raise NotFoundError(f"hồ sơ {code} {UNOPENED_WHY}: tại bộ phận này hồ sơ do hệ "
                                "thống một cửa mở; khi hồ sơ đã được mở (sohoa dossier open), "
                                "chuyển giấy tờ sang")
        return code

    def set_type(self, document_id: str, doc_type: str, *, reason: str | None = None
                 ) -> dict[str, Any]:
        # A prefix, as review show takes it, but 8+ characters: this changes the paper.
        document_id = self.archive.resolve_id(document_id, min_prefix=WRITE_PREFIX)
        doc, history, k, produced_by = self._load(document_id)
        # the code or the name `review show` prints; NotFoundError lists the known types
        spec = self.registry.get(self.registry.code_of(doc_type) or doc_type.strip())
        if spec.code == doc["doc_type"]:
            decision = review.Decision("confirm", TYPE, spec.code, spec.code, produced_by, reason)
            update = self._update(doc, spec, dict(doc["fields"]), doc["owner_id"], None,
                                  {TYPE})
        else:
            text = review.document_text(self.archive, doc["document_id"])
            extraction = extract_fields(spec.code, text, self.registry)
            # What was read stays read (tester11 F16): a field the new type also lists keeps its
            # value when the new type's reading finds none; one it does not list leaves the
            # record's fields but is set aside in ``extra`` (back if a later type lists it).
            aside = dict((doc["extra"].get(SET_ASIDE) or {}).get("fields") or {})
            read = {**aside, **{k: v for k, v in doc["fields"].items() if v}}
            fields: dict[str, str | None] = dict.fromkeys(
                f for f in doc["fields"] if f in spec.fields)
            fields.update(extraction.values())
            for name, value in read.items():
                if name in spec.fields and not fields.get(name):
                    fields[name] = value
            aside = {k: v for k, v in read.items() if k not in spec.fields}
            # What a person already set stays; recognition is redone for the rest.
            kept = {f: v for f, v in history.set_by_person.items()
                    if f in spec.fields or f in doc["fields"]}
            fields.update({f: v for f, v in kept.items() if f not in (OWNER, TYPE)})
            owner = resolve_owner(spec.code, extraction, registry=self.registry)
            # A number the new type's reading only proposes is no owner (a type correction
            # used to file the paper under it, the owner's review reason dropped).
            proposed = owner.owner_id if owner.needs_review else None
            owner_id = (None if proposed else owner.owner_id) or doc["owner_id"]
            if proposed and not owner_id:
                doc = {**doc, "proposed_owner_id": proposed}
            flags = [f for f in extraction.flags() if reasons.topic(f) not in kept]
            doc = {**doc, "field_flags": flags,
                   "review_reasons": [r for r in doc["review_reasons"]
                                      if reasons.topic(r) in (OWNER, "dossier")] + flags,
                   "title": fixed_title(printed_title(text.split("\n\n")[0], spec.code,
                                                      self.registry), spec.titles)
                   or spec.name}
            update = self._update(doc, spec, fields, owner_id, owner.owner_kind,
                                  {TYPE} | ({OWNER} if owner_id else set()))
            update.extra = {**update.extra, "classification": {
                "method": "review", "confidence": 1.0, "by": self.by,
                "was": doc["doc_type"]}}
            update.extra.pop(SET_ASIDE, None)
            aside = {k: v for k, v in aside.items() if not fields.get(k)}
            if aside:
                update.extra[SET_ASIDE] = {"doc_type": doc["doc_type"], "fields": aside}
            decision = review.Decision("correct", TYPE, doc["doc_type"], spec.code, produced_by,
                                     reason)
        review.record(self.archive, doc["document_id"], k, self.by, [decision], update,
                    audit_action=f"review.{'corrected' if decision.error else 'confirmed'}",
                    audit_detail={"round": k, "field": TYPE, "old": decision.old_value,
                                  "new": decision.new_value, "reason": reason})
        return self._result(doc["document_id"], k, decision, update)

    def accept(self, document_id: str) -> dict[str, Any]:
        """Close this round for the document: everything not corrected in it is confirmed."""
        # A prefix, as review show takes it, but 8+ characters: this changes the paper.
        document_id = self.archive.resolve_id(document_id, min_prefix=WRITE_PREFIX)
        doc, history, k, produced_by = self._load(document_id)
        spec = self.registry.get(doc["doc_type"])
        # Accepting confirms what the desk showed, the proposed owner ("đề xuất") included.
        owner_id, proposed = doc["owner_id"] or doc["proposed_owner_id"], doc["proposed_owner_id"]
        if spec.owner_kind is not None and not owner_id:
            raise ConfigError(
                f"giấy tờ {doc['document_id']} chưa có chủ sở hữu: hãy nhập trước bằng "
                f"`sohoa review set {doc['document_id']} {spec.owner_field or OWNER} SỐ "
                "--by TÊN` (hoặc trường owner_id nếu đó là người nộp hồ sơ)")
        if doc["dossier_code"].startswith(UNASSIGNED_PREFIX) and any(
                UNREAD_RECEIPT_CODE in r for r in doc["review_reasons"]):
            # the question is which dossier: accepting would answer it with nothing, and the
            # paper would stay in none (review17 N11)
            raise ConfigError(
                f"giấy tờ {doc['document_id']} đang ở "
                f"{shown_dossier_code(doc['dossier_code'])} vì giấy tiếp nhận không đọc được "
                "mã hồ sơ: hãy nhập mã in trên giấy tiếp nhận trước "
                f"(`sohoa review set {doc['document_id']} dossier MÃ_HỒ_SƠ --by TÊN`)")
        validity = self.registry.valid_until(spec.code, doc["fields"])
        if validity == VALIDITY_UNKNOWN:
            needed = [a.partition(":")[2] for a in spec.validity.split(",")]
            needed = ["issue_date" if a.isdigit() else a for a in needed]
            raise ConfigError(
                f"thời hạn hiệu lực của giấy tờ {doc['document_id']} tính theo "
                f"{' hoặc '.join(dict.fromkeys(needed))}, trường này chưa có giá trị: hãy đọc "
                f"trên giấy rồi nhập (`sohoa review set {doc['document_id']} {needed[0]} "
                "NGÀY`)")
        done = history.fields_decided.get(k, set())
        corrected = history.fields_corrected.get(k, set())
        decisions = [review.Decision("confirm", TYPE, spec.code, spec.code, produced_by)] \
            if TYPE not in done else []
        if (spec.owner_kind is not None or proposed) and OWNER not in done \
                and spec.owner_field not in done:
            decisions.append(review.Decision("confirm", OWNER, owner_id, owner_id, produced_by))
        for key in spec.fields:
            value = doc["fields"].get(key)
            if value is not None and key not in done:
                decisions.append(review.Decision("confirm", key, value, value, produced_by))
        decisions.append(review.Decision("accept", None, None, None, produced_by))
        doc = {**doc, "field_flags": [], "review_reasons": []}
        update = self._update(doc, spec, dict(doc["fields"]), owner_id,
                              "person" if proposed else None, set())
        review.record(self.archive, doc["document_id"], k, self.by, decisions, update,
                    audit_action="review.accepted",
                    audit_detail={"round": k, "confirmed": [d.field for d in decisions
                                                            if d.action == "confirm"],
                                  "corrected_in_round": sorted(corrected)})
        return {"document_id": doc["document_id"], "round": k, "accepted_by": self.by,
                "confirmed": len(decisions) - 1 + len(done - corrected),
                "corrected": len(corrected),
                "needs_review": False,
                "next_round": k + 1 if k < self.settings.review_rounds else None}

    def _recheck(self, doc: dict[str, Any], spec: DocType, key: str,
                 fields: dict[str, str | None], owner_id: str | None, owner_kind: str | None
                 ) -> tuple[dict[str, Any], str | None, str | None]:
        """After ``key`` changed: the checks of the fields that read it run again (their flags
        replaced by what is wrong now, or dropped), and a document still without an owner has
        its owner resolved again from its fields and its dossier's receipt, as ingest would
        have with the corrected value."""
        flags, why = list(doc["field_flags"]), list(doc["review_reasons"])
        # A 12-digit number encodes the birth year and sex; a 9-digit CMND encodes neither.
        rechecked = [d for d in _CHECKED_WITH.get(key, ()) if d in spec.fields
                     and len(fields.get(d) or "") == 12 and (fields.get(d) or "").isdigit()]
        problems: dict[str, str] = {}
        for dep in rechecked:
            problem = normalize_value(dep, fields[dep] or "", fields)[1]
            flags = [f for f in flags if reasons.topic(f) != dep]
            why = [r for r in why if reasons.topic(r) != dep]
            if problem:
                problems[dep] = problem
                flags.append(reasons.reason(dep, problems[dep]))
                why.append(reasons.reason(dep, problems[dep]))
        if rechecked and not owner_id and spec.owner_kind is not None:
            applicant = review.dossier_applicant(self.archive, doc["dossier_code"])
            own = fields.get(spec.owner_field or "")
            extraction = Extraction(
                {k: FieldValue(v, 0.95, problems.get(k)) for k, v in fields.items() if v},
                owner_id=own if own and spec.owner_field not in problems
                and not spec.owner_shared else None,
                owner_kind=spec.owner_kind)
            receipt = Extraction({}, *applicant) if applicant is not None else None
            decided = resolve_owner(spec.code, extraction, receipt, registry=self.registry)
            why = [r for r in why if reasons.topic(r) != OWNER]
            if decided.owner_id and not decided.needs_review:
                owner_id, owner_kind = decided.owner_id, decided.owner_kind
            else:
                why.append(reasons.reason(OWNER, decided.reason or reasons.OWNER_UNKNOWN))
                doc = {**doc, "proposed_owner_id": decided.owner_id}
        return {**doc, "field_flags": flags, "review_reasons": why}, owner_id, owner_kind

    def _update(self, doc: dict[str, Any], spec: DocType, fields: dict[str, str | None],
                owner_id: str | None, owner_kind: str | None, drop: set[str]
                ) -> review.DocumentUpdate:
        """The document's new state; reasons and flags about ``drop`` are resolved."""
        def keep(text: str) -> bool:
            return reasons.topic(text) not in drop

        # What the catalog holds is rewritten in Vietnamese (older catalogs kept English).
        flags = _said(f for f in doc["field_flags"] if keep(f))
        why = _said(r for r in doc["review_reasons"] if keep(r))
        valid_until = self.registry.valid_until(spec.code, fields)
        if valid_until == VALIDITY_UNKNOWN and not any(reasons.topic(r) == "validity"
                                                       for r in why):
            why.append(reasons.reason("validity", reasons.VALIDITY_UNREAD))
        if spec.owner_kind is not None and not owner_id and not any(
                reasons.topic(r) == OWNER for r in why):
            why.append(reasons.reason(OWNER, reasons.OWNER_UNKNOWN))
        name_key = "enterprise_name" if (owner_kind or spec.owner_kind) == "organization" \
            else "full_name"
        extra = dict(doc["extra"])
        if owner_id != doc["owner_id"]:
            extra["owner_from"] = "review"
        return review.DocumentUpdate(
            co_owners=self._co_owners(doc, spec, fields, flags, owner_id),
            doc_type=spec.code, title=doc["title"], fields=fields, field_flags=flags,
            review_reasons=why, needs_review=bool(why), owner_id=owner_id,
            owner_kind=owner_kind or (spec.owner_kind if owner_id else None),
            owner_name=fields.get(name_key), issue_date=_iso(fields.get("issue_date")),
            valid_until=valid_until, retention=spec.retention, extra=extra,
            type_name=spec.name if spec.code != doc["doc_type"] else None,
            proposed_owner_id=None if owner_id else doc.get("proposed_owner_id"))

    def _co_owners(self, doc: dict[str, Any], spec: DocType, fields: dict[str, str | None],
                   flags: list[str], owner_id: str | None) -> tuple[tuple[str, str | None], ...]:
        """The other people the paper belongs to after this decision, by the rule of the store
        (``owner.co_owners``: each unflagged number it states, checked against that person's
        own block of its text): a review that sets the owner or the type recomputes them, so
        a marriage certificate typed or owned only now is the other spouse's too, and a paper
        typed as something else is nobody else's."""
        if not owner_id or not spec.owner_shared:
            return ()
        flagged = {reasons.topic(f) for f in flags}
        extraction = Extraction({k: FieldValue(v, 0.95, "cần rà soát" if k in flagged else None)
                                 for k, v in fields.items() if v})
        text = review.document_text(self.archive, doc["document_id"])
        return co_owners(spec.code, extraction, owner_id, registry=self.registry, text=text)

    def _result(self, document_id: str, k: int, decision: review.Decision,
                update: review.DocumentUpdate) -> dict[str, Any]:
        return {"document_id": document_id, "round": k, "field": decision.field,
                "old": decision.old_value, "new": decision.new_value,
                "correction": decision.error, "by": self.by, "doc_type": update.doc_type,
                "owner_id": update.owner_id,
                "proposed_owner_id": None if update.owner_id or not update.needs_review
                else update.proposed_owner_id,
                "needs_review": update.needs_review,
                "reasons": update.review_reasons}


def decide(settings: Settings, by: str, action: str, document_id: str, *args: str,
           **kwargs: Any) -> dict[str, Any]:
    """Open the archive, make one decision (``set`` / ``type`` / ``accept``), close it."""
    with open_archive(settings) as archive:
        reviewer = Reviewer(archive, settings, by)
        if action == "set":
            return reviewer.set_field(document_id, *args, **kwargs)
        if action == "type":
            return reviewer.set_type(document_id, *args, **kwargs)
        if action == "accept":
            return reviewer.accept(document_id)
    raise ConfigError(f"thao tác rà soát không hợp lệ: {action!r}")  # pragma: no cover


# --- error rates ----------------------------------------------------------------------------


def _rate(errors: int, checks: int) -> dict[str, Any]:
    return {"checks": checks, "errors": errors,
            "error_rate": round(errors / checks, 4) if checks else None}


def stats(settings: Settings) -> dict[str, Any]:
    """Error rates per field, per operator (who produced the checked values), per reviewer
    and per round: a correction is an error found, a confirmation is none."""
    with open_archive(settings) as archive:
        events = review.events(archive, actions=("correct", "confirm", "accept"))
        not_colour = review.scan_colour_count(archive)
    tallies: dict[str, dict[str, list[int]]] = {
        "fields": defaultdict(lambda: [0, 0]), "operators": defaultdict(lambda: [0, 0]),
        "reviewers": defaultdict(lambda: [0, 0]), "rounds": defaultdict(lambda: [0, 0])}
    documents: dict[int, set[str]] = defaultdict(set)
    for ev in events:
        if ev["action"] == "accept":
            documents[ev["round"]].add(ev["document_id"])
            continue
        for table, key in (("fields", ev["field"]), ("operators", ev["produced_by"]),
                           ("reviewers", ev["reviewer"]), ("rounds", str(ev["round"]))):
            tallies[table][key][0] += int(ev["error"])
            tallies[table][key][1] += 1
    total = [sum(v[0] for v in tallies["fields"].values()),
             sum(v[1] for v in tallies["fields"].values())]
    return {
        "checks": total[1], "errors": total[0],
        "error_rate": round(total[0] / total[1], 4) if total[1] else None,
        **{table: {k: _rate(*v) for k, v in sorted(t.items())} for table, t in tallies.items()},
        "documents_accepted": {str(k): len(v) for k, v in sorted(documents.items())},
        # Stored documents with pages not scanned in colour at 200 dpi (TT 01/2023).
        "documents_not_colour": not_colour,
    }
