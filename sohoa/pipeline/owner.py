"""Whose document this is: a dossier-level decision, so it is made here and not in ``ocr/``.

The document's own confident owner field wins; else the dossier's receipt, which names the
applicant; else nobody, and a person looks. Used by ingest (``assemble.py``) and review."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sohoa.doctypes import Registry
from sohoa.idcodes import citizen_id_problems, personal_id_problems
from sohoa.ocr.fields.extract import extract_fields
from sohoa.reasons import OWNER_UNKNOWN
from sohoa.records import OWNER_FROM_CONFLICT, Extraction, FieldValue
from sohoa.vntext import fold

OTHER_TYPE = "other"  # not classified: it may be anything, anybody's


def _one_digit_lost_or_added(read: str, number: str) -> bool:
    """Is ``read`` (a number of the wrong length, so certainly misread) ``number`` with one
    character dropped or one added? Then it is no evidence against ``number``. A reading of
    the right length that differs is another number, and stays a disagreement."""
    if abs(len(read) - len(number)) != 1:
        return False
    longer, shorter = (read, number) if len(read) > len(number) else (number, read)
    return any(longer[:i] + longer[i + 1:] == shorter for i in range(len(longer)))


def _digits_apart(a: str, b: str) -> int:
    """How many digits two numbers of one length differ in; -1 for different lengths."""
    return sum(x != y for x, y in zip(a, b, strict=True)) if len(a) == len(b) else -1


def _misread_of(own: FieldValue, number: str, extraction: Extraction) -> bool:
    """Is the document's own ID reading a misread of the receipt's ``number``? Only when the
    reading fails its own checks (a province that does not exist, a birth year that is not the
    printed one), differs from ``number`` in at most two digits, and ``number`` agrees with
    the birth date and sex the document prints. A valid reading is another person's number."""
    read = own.value or ""
    if not own.flag or len(read) != len(number) or not number.isdigit():
        return False
    if sum(a != b for a, b in zip(read, number, strict=True)) > 2:
        return False
    born = _field_date_value(extraction, "date_of_birth")
    sex = extraction.fields.get("sex")
    female = None if sex is None or not sex.value else fold(sex.value) == "nu"
    return not citizen_id_problems(number, born, female)


def misread_owner(doc_type: str, extraction: Extraction, numbers: list[str], *,
                  registry: Registry) -> str | None:
    """The one number among ``numbers`` (owners other papers of the dossier give confidently)
    of which this document's own refused ID reading is a misread (:func:`_misread_of`: at
    most two digits apart, and it agrees with the birth date and sex this paper prints);
    None when there is none or more than one."""
    spec = registry.get(doc_type)
    if spec.owner_shared or (spec.owner_kind or "person") != "person" or extraction.owner_id:
        return None
    own = extraction.fields.get(spec.owner_field or "id_number")
    if own is None or not own.value:
        return None
    found = {n for n in numbers if _misread_of(own, n, extraction)}
    return found.pop() if len(found) == 1 else None


def _field_date_value(extraction: Extraction, key: str) -> date | None:
    value = extraction.fields.get(key)
    try:
        return date.fromisoformat(value.value) if value is not None and value.value else None
    except ValueError:
        return None


def _another_person(extraction: Extraction, receipt: Extraction) -> str | None:
    """What on the paper says its person is not the applicant the receipt names: a birth date
    or sex the applicant's number cannot have, or a full name unlike the applicant's; None
    when nothing read says so (a name or date not read says nothing)."""
    applicant = receipt.owner_id or ""
    birth = _field_date_value(extraction, "date_of_birth")
    sex = extraction.fields.get("sex")
    female = None if sex is None or not sex.value else fold(sex.value).startswith("nu")
    if len(applicant) == 12 and applicant.isdigit() and (birth is not None or female is not None):
        problems = citizen_id_problems(applicant, birth, female)
        if any("không khớp với số" in p for p in problems):
            said = [x for x in (f"sinh ngày {birth:%d/%m/%Y}" if birth else "",
                                f"giới tính {sex.value}" if sex is not None and sex.value else "")
                    if x]
            return f"giấy tờ ghi người {', '.join(said)}"
    name = extraction.fields.get("full_name")
    if name is not None and name.value and not name.flag and receipt.owner_name:
        mine, theirs = fold(name.value).split(), fold(receipt.owner_name).split()
        if len(mine) >= 2 and len(theirs) >= 2 and mine[-1] != theirs[-1] \
                and not set(mine[-2:]) & set(theirs[-2:]):
            return f"giấy tờ ghi tên {name.value}"
    return None


def co_owners(doc_type: str, extraction: Extraction, owner_id: str | None, *,
              registry: Registry, text: str = "") -> tuple[tuple[str, str | None], ...]:
    """The other people a shared paper (``owner_shared``: a marriage certificate is each
    spouse's) belongs to: every personal number the paper itself states, read without a flag,
    except its owner's — each one validated as the owner's is (province, century and sex digit;
    with ``text``, the birth date and sex printed in that person's own block of it). A number
    that fails is nobody's co-ownership: the paper stays its owner's. Each comes with the name
    printed in that person's block (None without ``text`` or when the block is not found).
    Nothing for any other type, or while the paper has no owner."""
    spec = registry.get(doc_type)
    if not spec.owner_shared or not owner_id:
        return ()
    named = [v.strip() for key in ("id_number", "related_id_numbers")
             if (fv := extraction.fields.get(key)) is not None and fv.value and not fv.flag
             for v in fv.value.split(",")]
    out = []
    for number in dict.fromkeys(n for n in named if n and n != owner_id):
        born: date | None = None
        female: bool | None = None
        name: str | None = None
        if text:
            person = extract_fields(doc_type, text, registry, party=number)
            own = person.fields.get("id_number")
            if own is not None and own.value == number:  # that person's block was found
                if own.flag:
                    continue
                born = _field_date_value(person, "date_of_birth")
                name = person.owner_name
                sex = person.fields.get("sex")
                female = None if sex is None or not sex.value else fold(sex.value) == "nu"
        if not personal_id_problems(number, born, female):
            out.append((number, name))
    return tuple(out)


CONFLICT = OWNER_FROM_CONFLICT  # OwnerDecision.source: the paper and its receipt disagree


@dataclass(frozen=True)
class OwnerDecision:
    """Whose document this is, where that came from, and whether a person must confirm it."""

    owner_id: str | None
    owner_kind: str | None
    owner_name: str | None
    # "document" | "dossier" | "none" | CONFLICT: no owner, because what the paper reads
    # disagrees with the dossier's receipt (a person decides before anyone is told, tester13 F2)
    source: str
    needs_review: bool
    reason: str | None = None
    # The printed wording the owner's number followed on the document itself ("Số định danh
    # cá nhân", "Giấy CMND/CCCD/Hộ chiếu: Căn cước công dân số"); None when it came from
    # elsewhere or the reader recorded none.
    label: str | None = None


def resolve_owner(doc_type: str, extraction: Extraction, receipt: Extraction | None = None, *,
                  registry: Registry) -> OwnerDecision:
    """The owner from the document's own confident fields, else from the dossier's receipt
    (which names the applicant), else nobody and a person looks.

    A document that names someone else confidently keeps its own owner (a dossier also holds
    papers of spouses, parents, the other party of an authorization). A document whose own,
    unconfirmed reading disagrees with the receipt goes to review rather than to either.
    """
    spec = registry.get(doc_type)
    if spec.owner_shared:
        named = [v for key in ("id_number", "related_id_numbers")
                 if (fv := extraction.fields.get(key)) is not None and fv.value and not fv.flag
                 for v in fv.value.split(",")]
        if receipt is not None and receipt.owner_id in named:
            return OwnerDecision(receipt.owner_id, "person", receipt.owner_name, "dossier",
                                 needs_review=False)
        return OwnerDecision(None, None, None,
                             CONFLICT if receipt is not None and receipt.owner_id else "none",
                             needs_review=True, reason="giấy tờ ghi nhiều người và giấy tiếp "
                             "nhận của hồ sơ không ghi ai trong số đó")
    if extraction.owner_id:
        own = extraction.fields.get(spec.owner_field or "id_number")
        if receipt is not None and receipt.owner_id \
                and _digits_apart(extraction.owner_id, receipt.owner_id) in (1, 2):
            # Two valid readings a digit or two apart are one person's number misread on one
            # of the papers (different people's numbers differ in far more digits), and which
            # paper was misread cannot be known: neither is trusted, a person compares them.
            return OwnerDecision(None, None, None, CONFLICT, needs_review=True,
                                 reason=f"giấy tờ ghi {extraction.owner_id}, giấy tiếp nhận "
                                 f"của hồ sơ ghi {receipt.owner_id}: một trong hai bị đọc nhầm")
        return OwnerDecision(extraction.owner_id, extraction.owner_kind, extraction.owner_name,
                             "document", needs_review=False,
                             label=own.label if own is not None else None)
    wanted = spec.owner_kind or "person"
    if receipt is not None and receipt.owner_id and (receipt.owner_kind or "person") == wanted:
        own = extraction.fields.get(spec.owner_field or "id_number")
        if own is not None and own.value and own.value != receipt.owner_id \
                and not _one_digit_lost_or_added(own.value, receipt.owner_id) \
                and not _misread_of(own, receipt.owner_id, extraction):
            return OwnerDecision(None, None, None, CONFLICT, needs_review=True,
                                 reason=f"giấy tờ ghi {own.value}, giấy tiếp nhận của hồ sơ "
                                 f"ghi {receipt.owner_id}")
        # asked only of a paper whose own number is not read, or read and refused by its
        # checks: the applicant's number read cleanly on it stays the owner, whatever else
        other = _another_person(extraction, receipt) if wanted == "person" and (
            spec.proves or spec.code == OTHER_TYPE) and (
            own is None or not own.value or own.flag) else None
        if other is not None:
            # the paper's own person is not the applicant: a child's extract printing the
            # mother's number in its item (tester18 F15), the principal's card brought by an
            # agent (F18) — the applicant is neither taken nor proposed
            return OwnerDecision(None, None, None, "none", needs_review=True,
                                 reason=f"{other}, không phải người nộp hồ sơ "
                                 f"{receipt.owner_id}: nhập số định danh của người có tên "
                                 "trên giấy")
        confirmed = own is not None and own.value == receipt.owner_id
        # the paper's own reading is the applicant's number or a misread of it (above)
        shown = own is not None and bool(own.value)
        if not shown and (spec.proves or spec.code == OTHER_TYPE):
            # A paper that proves something of a person (a card, a certificate) and does not
            # show the applicant's number may be another person's — a child's birth
            # certificate, a spouse's card with its number smudged: the applicant is only
            # proposed, a person confirms (review12 M2). A form or a receipt of the dossier
            # is the applicant's by being there.
            return OwnerDecision(receipt.owner_id, receipt.owner_kind or "person",
                                 receipt.owner_name, "dossier", needs_review=True,
                                 reason=f"đề xuất {receipt.owner_id} (người nộp hồ sơ): "
                                 "giấy tờ không cho đọc được số định danh của chính nó — cần "
                                 "người xác nhận đây là giấy tờ của người nộp")
        return OwnerDecision(receipt.owner_id, receipt.owner_kind or "person",
                             receipt.owner_name, "dossier", needs_review=False,
                             reason=None if confirmed else "lấy theo giấy tiếp nhận của hồ sơ")
    if extraction.proposed_owner_id and wanted == "person":
        # Read, but its readings disagreed: still the best guess, so it is proposed, and a
        # person confirms it against the paper (the number's flag says what was read).
        own = extraction.fields.get(spec.owner_field or "id_number")
        return OwnerDecision(extraction.proposed_owner_id, "person", extraction.owner_name,
                             "document", needs_review=True,
                             reason=f"đề xuất {extraction.proposed_owner_id} theo số đọc "
                             "được trên giấy, chưa chắc chắn: cần người xác nhận",
                             label=own.label if own is not None else None)
    own = extraction.fields.get(spec.owner_field or "id_number")
    if wanted == "person" and own is not None and own.value and own.flag is None \
            and len(own.value) == 12 and own.value.isdigit() \
            and not citizen_id_problems(own.value, _field_date_value(extraction,
                                                                     "date_of_birth")):
        # A valid personal number read on a paper that takes no owner from it (a letter of a
        # type not known, 'other'), or read too unsure to: proposed, never taken, and the
        # reason says it was read (tester11 F3: "không đọc được" while it was).
        why = ("loại giấy tờ này không lấy chủ sở hữu từ số ghi trên giấy"
               if spec.owner_field is None else "số đọc chưa đủ chắc chắn")
        return OwnerDecision(own.value, "person", extraction.owner_name, "document",
                             needs_review=True,
                             reason=f"đề xuất {own.value} theo số định danh đọc được trên "
                             f"giấy ({why}): cần người xác nhận", label=own.label)
    return OwnerDecision(None, None, None, "none", needs_review=True,
                         reason=OWNER_UNKNOWN)
