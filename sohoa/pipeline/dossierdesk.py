"""The reuse loop at the desk: open a dossier from the catalogue, move its status, reuse stored
documents for its components, list and show dossiers. Wires the reference data
(``sohoa.procedures``) to the archive; the CLI and the API call these and hold no logic.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sohoa import clock
from sohoa.archive import Archive
from sohoa.archive import dossiers as records
from sohoa.archive.access import Read
from sohoa.archive.dossiers import local_day
from sohoa.archive.policy import (
    Caller,
    check_document,
    check_dossier_write,
    check_reuse,
    clean_purpose,
)
from sohoa.clock import VIETNAM as VN
from sohoa.clock import shown_date, shown_moment
from sohoa.errors import ConfigError, NotFoundError, WorkflowError
from sohoa.pipeline.referencedata import catalogue, kpi_rules, units, units_path  # noqa: F401
from sohoa.pipeline.services import open_archive
from sohoa.pipeline.settings import Settings
from sohoa.reasons import DOSSIER_STATUS_NAMES
from sohoa.records import UNASSIGNED_PREFIX, ComponentState, DossierOpening, DossierState
from sohoa.vntext import fold, nfc


def status_code(text: str) -> str:
    """A dossier status as typed: its code ("returned") or its Vietnamese name as every listing
    prints it ("Đã trả kết quả", "da tra ket qua": accents, case, đ/d and spaces ignored),
    as --type takes a type's name (tester11 F22)."""
    folded = " ".join(fold(text).split())
    for code, name in DOSSIER_STATUS_NAMES.items():
        if folded in (code, fold(name)):
            return code
    choices = ", ".join(f"{code} ({name})" for code, name in DOSSIER_STATUS_NAMES.items())
    raise ConfigError(f"trạng thái {text!r} không có; chọn một trong: {choices}")


CHANNEL_NAMES = {"counter": "trực tiếp", "postal": "bưu chính", "online": "trực tuyến"}


def level_name(settings: Settings, code: str | None) -> str | None:
    """The Vietnamese name of an administrative level code ("tinh" → "Cấp tỉnh")."""
    if not code:
        return None
    level = units(settings).levels.get(code)
    return level.name if level else code

def parse_instant(value: str | None, what: str = "--at") -> datetime | None:
    """An ISO date-time; without an offset it is Vietnamese local time (+07:00), a bare date
    is that day at 00:00 local."""
    if value is None or not value.strip():
        return None
    try:
        at = datetime.fromisoformat(value.strip())
    except ValueError:
        # the clerk's form first, as sohoa prints moments (tester11 F20); ISO for scripts
        raise ConfigError(f"{what} {value!r} không phải thời điểm hợp lệ; dùng dạng "
                          "ngày/tháng/năm giờ:phút (02/03/2026 08:15), hoặc 2026-03-02T08:15 "
                          "hay 2026-03-02T08:15+07:00") from None
    return at if at.tzinfo is not None else at.replace(tzinfo=VN)


def working_days_after(day: date, days: int) -> date:
    """The appointment date: ``days`` working days (Monday–Friday) after ``day``."""
    current, left = day, days
    while left > 0:
        current += timedelta(days=1)
        if current.weekday() < 5:
            left -= 1
    return current


def _own_unit(settings: Settings, unit: str) -> bool:
    """The home's own unit (``sohoa init --unit``) or one under it."""
    own = nfc(settings.unit.strip())
    return bool(own) and (unit == own or unit.startswith(own + "."))


def refuse_unknown_unit(settings: Settings, unit: str) -> None:
    """ConfigError (exit 2) for a unit the units list does not know: dossier open, certify
    and ingest (its --unit) take the same units."""
    known = units(settings)
    if known.units and known.get(unit) is None and not _own_unit(settings, unit):
        # A mistyped unit would be stored and then missing from every report by unit or
        # level. A file with no unit at all lists none to check against: any code is taken;
        # so is the home's own unit and any unit under it (H19.22.31 under H19.22), which the
        # packaged sample list of one province does not know for another.
        # A province lists hundreds of units: a dozen are named, and where to read them all.
        path = units_path(settings)
        listed = ", ".join(f"{u.code} ({u.name})" for u in list(known.units.values())[:12])
        rest = len(known.units) - 12
        more = f" và {rest} đơn vị khác (xem đủ trong tệp {path})" if rest > 0 else ""
        raise ConfigError(f"đơn vị {unit!r} không có trong danh sách đơn vị "
                          f"({path}) và không thuộc đơn vị của kho "
                          f"({settings.unit or 'chưa đặt'}); các đơn vị có: {listed}{more}. "
                          "Đơn vị của tỉnh mình thì ghi vào một tệp riêng và trỏ "
                          "dossiers.units trong sohoa.toml tới tệp đó")


def refuse_given_unit(settings: Settings, unit: str | None) -> None:
    """The unit a job that stores papers was given (ingest, watch, scan: whoever calls them):
    None takes the home's own; an empty or blank code is refused (the papers would be stored
    with no unit and fall out of every unit's lists and KPI, tester10 F24), an unknown one as
    :func:`refuse_unknown_unit` refuses it. The CLI's ``--unit`` says the same earlier."""
    if unit is None:
        return
    if not unit.strip():
        raise ConfigError("đơn vị tiếp nhận trống: hãy ghi mã đơn vị tiếp nhận (ví dụ H19.22), "
                          "hoặc không ghi đơn vị để dùng đơn vị của kho ghi trong sohoa.toml")
    refuse_unknown_unit(settings, nfc(unit.strip()))


def opening(settings: Settings, code: str, *, procedure: str, owner: str, unit: str,
            received: datetime | None = None, channel: str = "counter",
            appointment: date | None = None, judge: bool = True) -> DossierOpening:
    """A dossier opening filled from the catalogue (components, appointment) and the units
    (level); ``judge=False`` leaves the unit and date checks to the caller (a resend
    of an opened dossier)."""
    proc = catalogue(settings).get(procedure)
    known = units(settings)
    unit = nfc(unit.strip())
    if not unit:
        raise ConfigError("thiếu mã đơn vị tiếp nhận (--unit)")
    if judge:
        refuse_unknown_unit(settings, unit)
    received_at = received or datetime.now(VN)
    if judge:
        _refuse_impossible_dates(received_at, appointment, given=received is not None)
    return DossierOpening(
        code=nfc(code.strip()), procedure_code=proc.code, procedure_name=proc.name, unit=unit,
        unit_level=known.level_of(unit), channel=channel, owner_id=owner.strip(),
        received_at=received_at,
        appointment_date=appointment or working_days_after(local_day(received_at),
                                                           proc.processing_days),
        # a component of several parties is one row per party: each takes one person's paper
        components=tuple((c.code, c.name, c.doc_type, c.required) for c in proc.components
                         for _ in range(c.parties)))


CLOCK_SKEW = clock.CLOCK_SKEW  # another clock may run this far ahead of this machine's
# Statuses that only follow a receipt ("queued": an online submission waits for one).
_AFTER_RECEIPT = frozenset({"received", "processing", "supplement", "resolved", "returned",
                            "rejected"})


# A dossier that has its result (or was refused) is settled: the only step after it is handing
# the result (or the refusal) back. A later "received" or "processing" would make a settled
# dossier open again in every report and in the one-stop system; sohoa has no reopen path (a
# new request is a new dossier with its own code). A step reported late, at a moment before
# the settled one, only goes into the history and is not refused — but the step that follows
# it (returned) cannot precede it, and the result is handed back once.
SETTLED_NEXT: dict[str, frozenset[str]] = {
    "resolved": frozenset({"returned"}), "rejected": frozenset({"returned"}),
    "returned": frozenset()}
# These happen once in a dossier's life (received, a result or a refusal, handed back):
# reported again at another moment — a resend with the minute only, a late duplicate — they
# change nothing ("đã có, không thay đổi"); a mistyped moment is moved with --correct. The
# other steps (processing, supplement) may recur, and are the same step only within the
# same minute (records.set_status).
RECORDED_ONCE = frozenset({"received", "resolved", "rejected", "returned"})
# ... but a result (or its return) recorded at a moment the history left behind an open step —
# possible only in a catalog written before such a moment was refused (review11b M4) — does not
# swallow the real one reported after the current step: that one is recorded.
RETAKEN_ONCE = frozenset(SETTLED_NEXT)


def recorded_moment(state: DossierState, status: str, at: datetime | None) -> datetime | None:
    """Where a step reported again and taken for a resend (``changed`` false) is recorded: the
    step ``status`` nearest to ``at`` (the dossier's status time without ``at``), so the
    sender learns its moment was not the one taken (review11b L4); None if none is."""
    steps = [h.at for h in state.history if h.status == status]
    if not steps:
        return None
    target = _utc(at) or _utc(state.status_at)
    if target is None:
        return steps[-1]
    return min(reversed(steps), key=lambda m: abs(_utc(m) - target))  # type: ignore[operator]


def _going_back_refused(code: str, status: str,
                        at: datetime | None) -> Callable[[str, datetime | None], None]:
    """The settled-status rule for ``records.set_status``, which applies it to the status it
    reads inside its write transaction (row locked): checked before that transaction, two
    racing posts (resolved, then a later received) could both pass and reopen the dossier."""

    def refuse(current: str, current_at: datetime | None) -> None:
        allowed = SETTLED_NEXT.get(current or "")
        if allowed is None and status in SETTLED_NEXT and at is not None and \
                current_at is not None and _utc(at) < _minute(current_at):
            # A result (or its return) before the open step it follows cannot be: a mistyped
            # day would sit in the history only, the dossier staying open with the real result
            # then taken for a resend (review11b M4). Refused here, as a return before its
            # result is; the same minute passes (a moment typed to the minute).
            now = DOSSIER_STATUS_NAMES.get(current or "", current)
            name = DOSSIER_STATUS_NAMES.get(status, status)
            raise WorkflowError(
                f"hồ sơ {nfc(code.strip())} ở bước {now} từ {shown_moment(_utc(current_at))}; "
                f"{name} lúc {shown_moment(_utc(at))} là trước bước đó, không thể có. "
                "Kiểm tra lại ngày giờ đã nhập (--at)")
        if allowed is None or status == current:
            return
        now = DOSSIER_STATUS_NAMES.get(current or "", current)
        name = DOSSIER_STATUS_NAMES.get(status, status)
        before = at is not None and current_at is not None and \
            _utc(at) < _utc(current_at)  # type: ignore[operator]
        if status in allowed:
            if not before:
                return
            # The step after the settled one cannot precede it: the result returned before
            # it existed (tester10 F1); KPI processing times read this history.
            raise WorkflowError(
                f"hồ sơ {nfc(code.strip())} ở trạng thái {now} từ "
                f"{shown_moment(_utc(current_at))}; {name} lúc {shown_moment(_utc(at))} là "
                f"trước thời điểm đó, không thể có. Kiểm tra lại ngày giờ đã nhập (--at)")
        if before:
            return  # an earlier step reported late: history only, the status stays
        then = "; ".join(DOSSIER_STATUS_NAMES[s] for s in sorted(allowed)) or "không còn bước nào"
        # Another outcome (resolved ↔ rejected) is not a step back, a reception is.
        move = "không đổi sang" if status in SETTLED_NEXT else "không chuyển ngược về"
        raise WorkflowError(f"hồ sơ {nfc(code.strip())} đã ở trạng thái {now} (từ "
                            f"{shown_moment(_utc(current_at))}), {move} {name}; "
                            f"bước tiếp theo được ghi: {then}. Yêu cầu mới của công dân là một "
                            "hồ sơ mới, với mã hồ sơ mới")

    return refuse


def _refuse_future(at: datetime, what: str) -> None:
    now = datetime.now(UTC)
    if _utc(at) > now + CLOCK_SKEW:  # type: ignore[operator]
        raise ConfigError(f"{what} {shown_moment(at)} chưa tới (bây giờ là "
                          f"{shown_moment(now)}); kiểm tra lại ngày giờ đã nhập")


def _refuse_impossible_dates(received_at: datetime, appointment: date | None, *,
                             given: bool) -> None:
    """Refuse only what cannot be true: a receipt that has not happened yet, an appointment
    to return the result before the dossier was received."""
    if given:
        _refuse_future(received_at, "thời điểm tiếp nhận")
    day = local_day(received_at)
    if appointment is not None and appointment < day:
        raise ConfigError(f"ngày hẹn trả {shown_date(appointment)} trước ngày tiếp nhận "
                          f"{shown_date(day)}; ngày hẹn trả phải từ ngày tiếp nhận trở đi")


def open_dossier(archive: Archive, settings: Settings, code: str, *, procedure: str,
                 owner: str, unit: str, received: datetime | None = None,
                 channel: str = "counter", appointment: date | None = None,
                 by: str) -> tuple[DossierState, bool]:
    opened = _opened(archive, code)
    if opened is not None:
        # Opening again is a retry (README: it changes nothing): what the clerk did not give
        # again is what was recorded, not "now" and the appointment counted from now.
        received = received or opened.received_at
        appointment = appointment or opened.appointment_date
    spec = opening(settings, code, procedure=procedure, owner=owner, unit=unit,
                   received=received, channel=channel, appointment=appointment,
                   judge=opened is None)
    if opened is not None and _other_facts(opened, spec):
        # A resend equal to what is recorded changes nothing and is not judged again: a
        # dossier stored before the checks (an appointment before its receipt, a unit the
        # list does not have) must still answer the one-stop system's resend with "nothing
        # changed", or its sync entry never clears. A different fact is refused, an
        # impossible unit or date first, as for a new dossier.
        refuse_unknown_unit(settings, spec.unit)
        _refuse_impossible_dates(spec.received_at, spec.appointment_date, given=True)
        _refuse_other_facts(opened, spec)
    return records.open_dossier(archive, spec, by=by)


def _opened(archive: Archive, code: str) -> DossierState | None:
    """The dossier ``code`` when it has been opened (received) already, else None (unknown,
    or known only from scanned papers)."""
    try:
        state = records.show(archive, code)
    except NotFoundError:
        return None
    return state if state.received_at is not None else None


def _minute(at: datetime) -> datetime:
    """``at`` (UTC) to its minute: a moment typed to the minute is not before a step stamped
    to the second within it."""
    return _utc(at).replace(second=0, microsecond=0)  # type: ignore[union-attr]


def _utc(at: datetime | None) -> datetime | None:
    if at is None:
        return None
    return (at if at.tzinfo is not None else at.replace(tzinfo=UTC)).astimezone(UTC)


def _other_facts(opened: DossierState, spec: DossierOpening) -> list[str]:
    """The facts of ``spec`` that differ from the opened dossier's, in the clerk's words."""
    facts = (
        ("thủ tục", opened.procedure_code, spec.procedure_code, str),
        ("đơn vị tiếp nhận", opened.unit, spec.unit, str),
        ("số định danh người nộp", opened.owner_id, nfc(spec.owner_id.strip()), str),
        ("kênh nộp", opened.channel, spec.channel, lambda v: CHANNEL_NAMES.get(v, v)),
        ("thời điểm tiếp nhận", _utc(opened.received_at), _utc(spec.received_at),
         shown_moment),
        ("ngày hẹn trả", opened.appointment_date, spec.appointment_date, shown_date),
    )
    return [f"{label}: đã ghi {show(old)}, lần này {show(new)}"
            for label, old, new, show in facts if old != new]


def _refuse_other_facts(opened: DossierState, spec: DossierOpening) -> None:
    """An opened dossier is not rewritten (the one-stop system must not change history): say
    in the clerk's words which facts differ, what was recorded and what was given now."""
    differs = _other_facts(opened, spec)
    if differs:
        raise WorkflowError(f"hồ sơ {opened.code} đã được tiếp nhận với thông tin khác "
                            f"({'; '.join(differs)}); không ghi đè. Kiểm tra lại mã hồ sơ")


def set_status(archive: Archive, code: str, status: str, *, at: datetime | None, by: str,
               note: str | None = None) -> tuple[DossierState, bool]:
    if at is not None:
        _refuse_future(at, "thời điểm chuyển trạng thái")
        opened = _opened(archive, code) if status in _AFTER_RECEIPT else None
        # The same clock skew as for the future: a time typed (or sent) to the minute, or by
        # a clock a little behind, is not "before" a receipt stamped to the second.
        if opened is not None and opened.received_at is not None and \
                _utc(at) < _utc(opened.received_at) - CLOCK_SKEW:  # type: ignore[operator]
            # The history would list the step above the receipt it follows.
            name = DOSSIER_STATUS_NAMES.get(status, status)
            raise ConfigError(f"thời điểm {shown_moment(at)} ({name}) trước khi hồ sơ "
                              f"{opened.code} được tiếp nhận ({shown_moment(opened.received_at)})"
                              "; kiểm tra lại ngày giờ đã nhập")
    return records.set_status(archive, code, status, at=at, by=by, note=note,
                              refuse=_going_back_refused(code, status, at),
                              once=RECORDED_ONCE, retake=RETAKEN_ONCE)


# Only the final step's moment may be corrected: nothing follows `returned`, so moving it
# changes no other step and no current status; and only when a result step precedes it, so
# the KPIs' first-result time (kpi.py times dossiers to it) does not move (records refuses the
# rest). The receipt (and the queue before it) is the
# one-stop system's fact, and the dossier code is dated by it; `resolved`/`rejected` time the
# on-time indicators of KPI reports that may be signed and issued already.
CORRECTABLE = frozenset({"returned"})


def correct_moment(archive: Archive, code: str, status: str, *, at: datetime, by: str,
                   reason: str) -> tuple[DossierState, datetime, bool]:
    """A mistyped moment of the final step put right (``dossier status … --correct``): only
    `returned`, only while it is the current step, not in the future, not before the step it
    follows (checked with the row locked); the reason in the audit log. Returns the state, the
    moment replaced and whether anything changed."""
    name = DOSSIER_STATUS_NAMES.get(status, status)
    if status not in DOSSIER_STATUS_NAMES:
        raise ConfigError(f"trạng thái {status!r} không hợp lệ; chọn một trong: "
                          f"{', '.join(DOSSIER_STATUS_NAMES)}")
    if status in ("received", "queued"):
        raise WorkflowError(f"không sửa thời điểm {name}: thời điểm tiếp nhận do hệ thống một "
                            "cửa công bố (mã hồ sơ mang ngày đó); sửa ở đó rồi mở lại")
    if status not in CORRECTABLE:
        raise WorkflowError(
            f"không sửa thời điểm {name}: chỉ sửa được bước cuối cùng, "
            f"{DOSSIER_STATUS_NAMES['returned']}; thời điểm các bước khác tính vào chỉ số giải "
            "quyết đúng hạn và các báo cáo đã ký. Sửa ở hệ thống một cửa nếu bước đó ghi nhầm")
    _refuse_future(at, "thời điểm chuyển trạng thái")
    return records.correct_moment(archive, code, status, at=at, by=by, reason=reason,
                                  names=DOSSIER_STATUS_NAMES)


def reuse(archive: Archive, code: str, document_id: str, *, component: str | None, by: str,
          purpose: str | None, from_store: bool = False) -> tuple[ComponentState, bool]:
    why = (purpose or "").strip() or f"Giải quyết hồ sơ {code.strip()}"
    return records.reuse(archive, code, document_id, component=component, by=by, purpose=why,
                         from_store=from_store)


def show(archive: Archive, code: str) -> DossierState:
    return records.show(archive, code)


def listing(archive: Archive, *, unit: str | None = None, date_from: date | None = None,
            date_to: date | None = None, limit: int = 1000) -> list[dict[str, Any]]:
    if date_from and date_to and date_from > date_to:
        raise ConfigError(f"khoảng ngày trống: {shown_date(date_from)} sau {shown_date(date_to)}")
    rows = records.listing(archive, unit=unit, date_from=date_from, date_to=date_to,
                           limit=limit)
    for row in rows:
        # pages ingested without a dossier-code sheet: no dossier, only a placeholder code
        row["unassigned"] = str(row["code"]).startswith(UNASSIGNED_PREFIX)
    return rows


def with_archive(settings: Settings) -> Archive:
    return open_archive(settings)


class Desk:
    """The dossier operations on behalf of authenticated callers (the HTTP API and the web
    page): role checks, the access log for reads of a dossier, the caller as the actor."""

    def __init__(self, archive: Archive, settings: Settings) -> None:
        self.archive = archive
        self.settings = settings

    def open(self, caller: Caller, code: str, *, procedure: str, owner: str, unit: str,
             received: datetime | None, channel: str,
             appointment: date | None) -> tuple[DossierState, bool]:
        check_dossier_write(caller)
        return open_dossier(self.archive, self.settings, code, procedure=procedure, owner=owner,
                            unit=unit, received=received, channel=channel,
                            appointment=appointment, by=caller.user)

    def status(self, caller: Caller, code: str, status: str, *, at: datetime | None,
               note: str | None) -> tuple[DossierState, bool]:
        check_dossier_write(caller)
        return set_status(self.archive, code, status, at=at, by=caller.user, note=note)

    def correct_moment(self, caller: Caller, code: str, status: str, *, at: datetime,
                       reason: str) -> tuple[DossierState, datetime, bool]:
        check_dossier_write(caller)
        return correct_moment(self.archive, code, status, at=at, by=caller.user, reason=reason)

    def reuse(self, caller: Caller, purpose: str | None, code: str, document_id: str, *,
              component: str | None, from_store: bool) -> tuple[ComponentState, bool]:
        check_reuse(caller)
        why = clean_purpose(purpose or f"Giải quyết hồ sơ {code.strip()}")
        return records.reuse(self.archive, code, document_id, component=component,
                             by=caller.user, purpose=why, from_store=from_store)

    def show(self, caller: Caller, purpose: str | None, code: str) -> DossierState:
        why = clean_purpose(purpose or f"Giải quyết hồ sơ {code.strip()}")
        state = records.show(self.archive, code)
        if caller.role == "desk" and state.unit and nfc(state.unit) != nfc(caller.unit):
            check_document(caller, state.unit)
        self.archive.log_access(caller, "dossier", why, [Read(
            owner_id=state.owner_id, result_count=1, request={"dossier": state.code})])
        return state

    def papers(self, caller: Caller, purpose: str | None,
               state: DossierState) -> list[dict[str, Any]]:
        """The papers stored in a dossier (for a placeholder of loose papers, ``UNASSIGNED-…``,
        the only thing it holds): id, type, owner and review flag, so the clerk finds the
        MÃ_GIẤY_TỜ that ``dossier reuse`` asks for. Their owners' reads are access-logged."""
        rows = []
        for document_id in state.documents:
            doc = self.archive.get_document(document_id)
            owner = doc.get("owner") or {}
            rows.append({"document_id": doc["document_id"], "doc_type": doc["doc_type"],
                         "owner_id": doc["owner_id"], "owner_name": owner.get("name"),
                         "needs_review": doc["needs_review"], "status": doc["status"]})
        owners = {r["owner_id"] for r in rows if r["owner_id"]}
        if owners:
            why = clean_purpose(purpose or f"Giải quyết hồ sơ {state.code}")
            self.archive.log_access(caller, "dossier", why, [
                Read(owner_id=o, result_count=sum(r["owner_id"] == o for r in rows),
                     request={"dossier": state.code}) for o in sorted(owners)])
        return rows

    def listing(self, caller: Caller, *, unit: str | None, date_from: date | None,
                date_to: date | None, limit: int) -> list[dict[str, Any]]:
        if caller.role == "desk":  # desk staff see their own unit's dossiers
            if unit and nfc(unit) != nfc(caller.unit):
                check_document(caller, unit)
            unit = caller.unit or unit
        rows = listing(self.archive, unit=unit, date_from=date_from, date_to=date_to,
                       limit=limit)
        owners = {r["owner_id"] for r in rows if r["owner_id"]}
        self.archive.log_access(caller, "dossiers", f"danh sách hồ sơ {unit or 'mọi đơn vị'}", [
            Read(owner_id=o, result_count=sum(r["owner_id"] == o for r in rows),
                 request={"unit": unit, "from": date_from, "to": date_to}) for o in owners]
            or [Read(owner_id=None, result_count=0, request={"unit": unit})])
        return rows

    def add_result(self, caller: Caller, code: str, pdf: bytes) -> dict[str, Any]:
        """A born-digital result sent as PDF bytes (the API); verified, stored as is."""
        import tempfile

        from sohoa.pipeline.results import add_result

        check_dossier_write(caller)
        with tempfile.TemporaryDirectory(prefix="sohoa-result-") as tmp:
            path = Path(tmp) / "ket-qua.pdf"
            path.write_bytes(pdf)
            return add_result(self.archive, self.settings, code, path, scanned=False,
                              by=caller.user)
