"""Who may see what: roles, the caller of a read, the purpose rule, and the errors they raise.

The rules (issue 7, "who may see what"):
- every read of personal data names its caller (user, role, unit) and a purpose, e.g. the
  dossier code being handled; no purpose, no read;
- reuse lookups ("what does owner X already hold?") are open to officers, archivists and admins
  of any unit: the plan requires service regardless of administrative boundaries. An officer who
  found a document that way (a reuse lookup, or a search naming the owner, in the last 24 hours,
  as the access log shows) may open it and its PDF, whatever unit received it; a document of
  another unit opened by id without such a lookup is refused;
- full-text search across owners is the broadest read there is: an officer's search is kept to
  documents received by the officer's own unit unless it names an owner (then it is a reuse
  lookup by other means and any unit's documents are shown);
- desk staff see only what their own unit received (search, metadata, PDF) and run no reuse
  lookups; archivists and admins see everything.
The archive enforces nothing by itself; ``sohoa.pipeline.lookup`` applies these checks before
each read and writes the access log after it.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from sohoa.errors import EXIT_USAGE, ConfigError, SohoaError
from sohoa.roles import ROLES as ROLES
from sohoa.roles import role_list, role_name
from sohoa.vntext import nfc, squash_spaces

CHANNELS = ("api", "cli", "web")
PURPOSE_MAX = 256
OWNER_ID_MAX = 32  # owners.id / documents.owner_id
_REUSE_ROLES = ("officer", "archivist", "admin")
_ALL_UNITS_ROLES = ("archivist", "admin")
# The one-stop system's token: opens dossiers and moves their status (issue 15), reads no
# documents (it has them already; sohoa is not its way around the access rules).
_DOSSIER_WRITERS = ("integrator", "desk", "officer", "admin")
# The desk roles of the web workplace (issue 22); the CLI works on the catalog files and reads
# as admin. Reviewers check what recognition read; the archivist's work is the archivist's;
# jobs and quarantine are the desk's; the KPI report is for whoever manages the service.
REVIEWERS = ("desk", "officer", "admin")
ARCHIVISTS = ("archivist", "admin")
OPERATORS = ("desk", "admin")
REPORT_READERS = ("officer", "archivist", "admin")


class NotAuthenticatedError(SohoaError):
    """No API token, or one that is unknown or revoked."""

    exit_code = EXIT_USAGE
    http_status = 401


class AccessDeniedError(SohoaError):
    """The caller's role or unit does not allow this read."""

    exit_code = EXIT_USAGE
    http_status = 403


class PurposeRequiredError(ConfigError):
    """A read of personal data was asked for without saying why."""

    http_status = 400
    error_code = "purpose_required"


@dataclass(frozen=True)
class Caller:
    """Who is reading: a user with a role in a unit, through a channel (api, cli, web)."""

    user: str
    role: str
    unit: str
    channel: str = "api"

    def __post_init__(self) -> None:
        if self.role not in ROLES:
            raise ConfigError(f"không có vai trò {self.role!r}; chọn một trong "
                              f"{', '.join(ROLES)}")
        if self.channel not in CHANNELS:
            raise ConfigError(f"không có kênh {self.channel!r}; chọn một trong "
                              f"{', '.join(CHANNELS)}")
        if not self.user.strip():
            raise ConfigError("cần có tên người dùng")

    @property
    def sees_all_units(self) -> bool:
        return self.role in _ALL_UNITS_ROLES


def clean_purpose(purpose: str | None) -> str:
    """The purpose as logged (NFC, single spaces); PurposeRequiredError if there is none."""
    raw = nfc(purpose or "")
    if any(unicodedata.category(c) in ("Cc", "Cf") and c not in "\t\n\r" for c in raw):
        # A NUL or an escape sequence in the log would hide or forge what the reader wrote.
        raise PurposeRequiredError(
            "mục đích tra cứu chứa ký tự điều khiển (NUL, ESC …); hãy gõ lại bằng chữ, ví dụ "
            "mã hồ sơ đang giải quyết H19.22-241105-0042")
    text = squash_spaces(raw)
    if not text:
        raise PurposeRequiredError(
            "hãy nêu mục đích tra cứu (ví dụ mã hồ sơ đang giải quyết, H19.22-241105-0042): "
            "mỗi lần đọc dữ liệu cá nhân đều được ghi lại cùng mục đích. HTTP: ?purpose=… "
            "hoặc tiêu đề X-Purpose; dòng lệnh: --purpose …")
    if len(text) > PURPOSE_MAX:
        raise PurposeRequiredError(
            f"mục đích tra cứu dài {len(text)} ký tự, tối đa {PURPOSE_MAX} (mã hồ sơ và "
            "vài chữ)")
    return text


def check_dossier_write(caller: Caller) -> None:
    """May this caller open dossiers and record their status and results?"""
    if caller.role not in _DOSSIER_WRITERS:
        raise AccessDeniedError(
            f"{caller.user} ({caller.role}) không được mở hồ sơ hay ghi trạng thái; việc này "
            "dành cho hệ thống một cửa (vai trò integrator), cán bộ một cửa và quản trị")


def check_not_integrator(caller: Caller) -> None:
    if caller.role == "integrator":
        raise AccessDeniedError(
            f"{caller.user} (integrator) chỉ mở hồ sơ và ghi trạng thái; không đọc tài liệu")


def check_role(caller: Caller, allowed: tuple[str, ...], what: str) -> None:
    """AccessDeniedError unless the caller's role is one of ``allowed``; ``what`` is the work
    in Vietnamese, as the refusal's reader says it ("xem danh sách cách ly")."""
    if caller.role not in allowed:
        raise AccessDeniedError(f"{caller.user} ({role_name(caller.role)}) không được "
                                f"{what}; việc này dành cho {role_list(allowed)}")


def check_reuse(caller: Caller) -> None:
    if caller.role not in _REUSE_ROLES:
        raise AccessDeniedError(
            f"{caller.user} ({role_name(caller.role)}) không được tra cứu tái sử dụng theo chủ "
            f"sở hữu; việc này dành cho {role_list(_REUSE_ROLES)}. Hãy nhờ cán bộ chuyên môn, "
            "hoặc xin quản trị cấp mã truy cập vai trò cán bộ chuyên môn")


def search_unit(caller: Caller, unit: str | None, owner: str | None) -> str | None:
    """The unit filter a search must run with for this caller (None = all units)."""
    check_not_integrator(caller)
    if caller.sees_all_units or (caller.role == "officer" and owner):
        return unit
    if unit and nfc(unit) != nfc(caller.unit):
        raise AccessDeniedError(
            f"{caller.user} ({role_name(caller.role)}, {caller.unit}) chỉ được tìm giấy tờ do "
            f"{caller.unit} tiếp nhận" + (", hoặc tìm có nêu chủ sở hữu (--owner / owner=)"
                                          if caller.role == "officer" else ""))
    return caller.unit


def check_document(caller: Caller, document_unit: str | None,
                   found: Callable[[], bool] = lambda: False) -> None:
    """May this caller open a document received by ``document_unit``? ``found`` says whether
    a lookup of this caller's returned it within ``FOUND_FOR`` (asked only when it matters)."""
    check_not_integrator(caller)
    other_unit = nfc(document_unit or "") != nfc(caller.unit)
    if caller.role == "desk" and other_unit:
        raise AccessDeniedError(
            f"{caller.user} (cán bộ một cửa, {caller.unit}) chỉ được mở giấy tờ do "
            f"{caller.unit} tiếp nhận; giấy tờ này do {document_unit or 'đơn vị không rõ'} "
            "tiếp nhận. Hãy nhờ cán bộ chuyên môn")
    if caller.role == "officer" and other_unit and not found():
        hours = int(FOUND_FOR.total_seconds() // 3600)
        raise AccessDeniedError(
            f"{caller.user} (cán bộ, {caller.unit}) chỉ được mở tài liệu do đơn vị khác "
            f"({document_unit or 'không rõ đơn vị'}) tiếp nhận sau khi đã tìm thấy nó qua tra "
            f"cứu tái sử dụng theo chủ sở hữu trong {hours} giờ qua: sohoa reuse SỐ_ĐỊNH_DANH "
            "(API: /owners/{id}/documents), hoặc tìm kiếm có nêu chủ sở hữu (--owner)")


def check_move_into(caller: Caller, code: str, units: set[str]) -> None:
    """May this caller file a paper into dossier ``code``, whose receiving or competent unit
    and papers' units are ``units``? A desk clerk only into a dossier of her own unit: a typo'd
    code that exists elsewhere must not file her unit's paper into another unit's dossier."""
    if caller.role == "desk" and nfc(caller.unit) not in {nfc(u) for u in units if u}:
        raise AccessDeniedError(
            f"{caller.user} (cán bộ một cửa, {caller.unit}) chỉ được chuyển giấy tờ vào hồ sơ "
            f"do {caller.unit} tiếp nhận; hồ sơ {code} "
            + (f"thuộc {', '.join(sorted(u for u in units if u))}" if any(units)
               else "chưa rõ đơn vị")
            + ". Hãy kiểm tra lại mã in trên phiếu tiếp nhận, hoặc nhờ cán bộ chuyên môn")


FOUND_FOR = timedelta(hours=24)  # a lookup opens its documents for the day's handling


def clean_owner_id(value: str | None) -> str | None:
    """An owner id as given by a caller (citizen ID, enterprise code), checked: the catalog
    keeps 32 characters and control characters have no place in one."""
    text = nfc(value or "").strip()
    if not text:
        return None
    if any(unicodedata.category(c) in ("Cc", "Cf") for c in text):
        raise ConfigError("số định danh chủ sở hữu chứa ký tự điều khiển; hãy gõ lại "
                          "(số CCCD 12 chữ số hoặc mã số doanh nghiệp)")
    if len(text) > OWNER_ID_MAX:
        raise ConfigError(
            f"số định danh chủ sở hữu dài {len(text)} ký tự, tối đa {OWNER_ID_MAX} (số CCCD "
            "12 chữ số, mã số doanh nghiệp 10 hoặc 13 chữ số)")
    return text
