"""Who may see what: roles, the caller of a read, the purpose rule, and the errors they raise.

The rules (issue 7, "who may see what"):
- every read of personal data names its caller (user, role, unit) and a purpose, e.g. the
  dossier code being handled; no purpose, no read;
- reuse lookups ("what does owner X already hold?") are open to officers, archivists and admins
  of any unit: the plan requires service regardless of administrative boundaries. An officer who
  found a document that way may open it and its PDF, whatever unit received it;
- full-text search across owners is the broadest read there is: an officer's search is kept to
  documents received by the officer's own unit unless it names an owner (then it is a reuse
  lookup by other means and any unit's documents are shown);
- desk staff see only what their own unit received (search, metadata, PDF) and run no reuse
  lookups; archivists and admins see everything.
The archive enforces nothing by itself; ``sohoa.pipeline.lookup`` applies these checks before
each read and writes the access log after it.
"""

from __future__ import annotations

from dataclasses import dataclass

from sohoa.errors import EXIT_USAGE, ConfigError, SohoaError
from sohoa.vntext import nfc, squash_spaces

ROLES = ("desk", "officer", "archivist", "admin", "integrator")
CHANNELS = ("api", "cli", "web")
PURPOSE_MAX = 256
_REUSE_ROLES = ("officer", "archivist", "admin")
_ALL_UNITS_ROLES = ("archivist", "admin")
# The one-stop system's token: opens dossiers and moves their status (issue 15), reads no
# documents (it has them already; sohoa is not its way around the access rules).
_DOSSIER_WRITERS = ("integrator", "desk", "officer", "admin")


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
            raise ConfigError(f"unknown role {self.role!r}; choose one of {', '.join(ROLES)}")
        if self.channel not in CHANNELS:
            raise ConfigError(f"unknown channel {self.channel!r}; one of {', '.join(CHANNELS)}")
        if not self.user.strip():
            raise ConfigError("a user name is required")

    @property
    def sees_all_units(self) -> bool:
        return self.role in _ALL_UNITS_ROLES


def clean_purpose(purpose: str | None) -> str:
    """The purpose as logged (NFC, single spaces); PurposeRequiredError if there is none."""
    text = squash_spaces(nfc(purpose or ""))
    if not text:
        raise PurposeRequiredError(
            "say why you are looking (the purpose, e.g. the dossier code you are handling, "
            "H19.22-241105-0042): every read of personal data is recorded with its purpose. "
            "HTTP: ?purpose=… or the X-Purpose header; CLI: --purpose …")
    if len(text) > PURPOSE_MAX:
        raise PurposeRequiredError(
            f"the purpose is {len(text)} characters long; keep it to {PURPOSE_MAX} "
            "(the dossier code and a few words)")
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


def check_reuse(caller: Caller) -> None:
    if caller.role not in _REUSE_ROLES:
        raise AccessDeniedError(
            f"{caller.user} ({caller.role}) may not run reuse lookups; they are for officers, "
            "archivists and admins. Ask an officer, or an admin for an officer's token")


def search_unit(caller: Caller, unit: str | None, owner: str | None) -> str | None:
    """The unit filter a search must run with for this caller (None = all units)."""
    check_not_integrator(caller)
    if caller.sees_all_units or (caller.role == "officer" and owner):
        return unit
    if unit and nfc(unit) != nfc(caller.unit):
        raise AccessDeniedError(
            f"{caller.user} ({caller.role}, {caller.unit}) may search only documents received "
            f"by {caller.unit}" + (", or name the owner (--owner / owner=)"
                                   if caller.role == "officer" else ""))
    return caller.unit


def check_document(caller: Caller, document_unit: str | None) -> None:
    """May this caller open a document received by ``document_unit``?"""
    check_not_integrator(caller)
    if caller.role == "desk" and nfc(document_unit or "") != nfc(caller.unit):
        raise AccessDeniedError(
            f"{caller.user} (desk, {caller.unit}) may open only documents received by "
            f"{caller.unit}; this one was received by {document_unit or 'an unknown unit'}. "
            "Ask an officer")
