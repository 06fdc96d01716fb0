"""Opening the backends and the signer from settings, once per process."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from functools import cache
from pathlib import Path
from typing import Any

from sohoa.archive import Archive
from sohoa.archive.s3blobs import S3Options
from sohoa.archive.unreachable import SEARCH
from sohoa.archive.urls import is_s3, safe_display
from sohoa.errors import ConfigError, SigningError, TokenLoginRefused
from sohoa.ocr.classify import NgramModel
from sohoa.pipeline.officerkeys import OfficerToken, token_of
from sohoa.pipeline.settings import Settings, desk_officer
from sohoa.signing import DocumentSigner, KeySource, SigningSettings
from sohoa.signing.settings import OFFICER_REASON, OFFICER_STAMP


def open_archive(settings: Settings, *, optional: Collection[str] = (SEARCH,),
                 skip: Collection[str] = (), probe: bool = False) -> Archive:
    """The archive of these settings. ``optional``: the families that may be down
    (``Archive.open``): the search index by default (the outbox catches up), the blob store too
    for ``sohoa status`` (which says what is down). ``skip``: families not opened at all, for
    what reads only the catalog (``sohoa jobs``, the review queue). ``probe``: the blob store
    is asked once and briefly, for a diagnostic that must answer while S3 is down (``sohoa
    status``); an archive opened so must not be used to store (one attempt, no retries)."""
    from sohoa.archive.dossiers import check_code_format

    settings.home.mkdir(parents=True, exist_ok=True)
    code_format = check_code_format(str(settings.raw.get(
        "dossiers.code_format", "{owner}.{procedure}.{component}.{nn:02d}")))
    archive = Archive.open(settings.db, settings.blobs, settings.search,
                           s3=s3_options(settings, probe=probe),
                           busy_timeout_s=settings.catalog_busy_timeout_s, optional=optional,
                           skip=skip)
    archive.digitization_format = code_format
    return archive


def catalog_file(settings: Settings) -> Path | None:
    """The embedded catalog's file (None when the catalog is on a server)."""
    from sohoa.archive.catalog import sqlite_file

    return sqlite_file(settings.db)


def s3_options(settings: Settings, *, probe: bool = False) -> S3Options:
    """How to reach the S3 service of ``blobs = "s3://…"`` (empty values: boto3's defaults).
    ``probe``: asked once and briefly, for a diagnostic (``S3Options.probe``)."""
    return S3Options(endpoint=settings.s3_endpoint, region=settings.s3_region,
                     access_key_id=settings.s3_access_key_id,
                     secret_access_key=settings.s3_secret_access_key, probe=probe)


def backends(settings: Settings) -> dict[str, Any]:
    """Which backend serves each family, fit to show: passwords masked, the S3 secret never
    shown (only whether one is configured)."""
    shown: dict[str, Any] = {
        "db": safe_display(settings.db),
        "blobs": safe_display(settings.blobs),
        "search": safe_display(settings.search),
        "broker": safe_display(settings.broker),
    }
    if is_s3(settings.blobs):
        shown["s3"] = {
            # What boto3 falls back to when sohoa.toml leaves a key out, said for the operator.
            "endpoint": settings.s3_endpoint or "(mặc định của AWS)",
            "region": settings.s3_region or "(theo AWS_REGION hoặc mặc định)",
            "access_key_id": settings.s3_access_key_id
            or "(theo cấu hình AWS của máy: biến môi trường, ~/.aws)",
            "secret_access_key": "***" if settings.s3_secret_access_key else "(không đặt ở đây)",
        }
    return shown


def ocr_versions(settings: Settings) -> dict[str, str]:
    """The OCR engine and language data the readings come from (see ocr.engine_versions)."""
    from sohoa.ocr.engine import OcrSettings, engine_versions

    return engine_versions(OcrSettings(lang=settings.ocr_lang))


def describe_backends(shown: Mapping[str, Any],
                      down: Mapping[str, str] | None = None) -> list[str]:
    """One line per backend family (from :func:`backends`), for `sohoa init` and `status`;
    ``down``: family (db, blobs, search, broker) → why it does not answer, said on its line."""
    # the Vietnamese first, the config's own word in brackets (what an operator looks up)
    blobs = shown["blobs"]
    if "s3" in shown:
        s3 = shown["s3"]
        blobs += (f" (máy chủ {s3['endpoint']}, vùng {s3['region']}, mã truy cập "
                  f"{s3['access_key_id']}, khóa bí mật {s3['secret_access_key']})")
    lines = {"db": f"sổ mục lục (catalog): {shown['db']}",
             "blobs": f"kho tệp (blobs): {blobs}",
             "search": f"chỉ mục tìm kiếm (search): {shown['search']}",
             "broker": f"hàng đợi (broker): "
                       f"{shown['broker'] or '(không có: xử lý ngay trong tiến trình này)'}"}
    for family, why in (down or {}).items():
        if family in lines:
            lines[family] += f": KHÔNG TRẢ LỜI — {str(why).rstrip()}"
    return list(lines.values())


@cache
def _key(pkcs12: Path, password_file: Path) -> KeySource:
    if not pkcs12.is_file():
        raise SigningError(
            f"không có khóa ký tại {pkcs12}: đặt signing.pkcs12 trong sohoa.toml trỏ tới tệp "
            "chứng thư số của cơ quan, hoặc chạy `sohoa init` (trên cụm máy: `sohoa init "
            "--dev-pki`) để tạo khóa dùng thử trên máy này"
        )
    password = password_file.read_bytes().strip() if password_file.is_file() else None
    return KeySource.from_pkcs12(pkcs12, password)


# The stamp of a document the agency itself issues (a destruction record, a log checkpoint):
# "SAO Y" (certified copy) belongs on digitized papers, never on the agency's own original.
ORIGINAL_STAMP = "{agency}\nThời gian ký: {time}"


def _need_tsa(settings: Settings) -> None:
    if settings.signing_level != "B-B" and not settings.tsa_url:
        raise ConfigError(
            f"mức ký signing.level = {settings.signing_level} cần máy chủ cấp dấu thời gian: "
            "đặt signing.tsa_url trong sohoa.toml, hoặc dùng signing.level = \"B-B\"")


def make_signer(settings: Settings, *, original: bool = False) -> DocumentSigner:
    _need_tsa(settings)
    key = _key(settings.pkcs12, settings.password_file)
    options = SigningSettings(level=settings.signing_level, tsa_url=settings.tsa_url or None,
                              **({"stamp_template": ORIGINAL_STAMP} if original else {}))
    return DocumentSigner(key, options, agency=settings.agency)


def make_document_signer(settings: Settings, officer: str | None = None) -> DocumentSigner:
    """The signer of digitized papers: the desk officer's personal key when
    ``signing.workflow`` is desk (``officer``: the one a queued job names, whose desk enqueued
    it; else this machine's, ``desk_officer``), else the agency's. What the agency itself
    issues (destruction records, log checkpoints, reports) is always signed by
    ``make_signer``, the agency."""
    try:
        if officer or settings.signing_workflow == "desk":
            return _officer_signer(settings, officer)
        return make_signer(settings)
    except TokenLoginRefused as exc:
        # `sohoa status` must neither keep saying "ready" nor try this PIN again itself.
        from sohoa.pipeline.signerkept import note_login_refused

        note_login_refused(settings, exc, officer)
        raise


def job_officer(settings: Settings) -> str | None:
    """The officer a queued job carries to the workers: whoever digitizes at this desk, so
    that a worker signs with that officer's key and not its own machine's user's."""
    return desk_officer(settings) if settings.signing_workflow == "desk" else None


@cache
def _token_key(officer: OfficerToken) -> KeySource:
    """One session per token key and process (a PKCS#11 login lasts for the process); the
    PIN is read here, once, and kept by nobody but the token library."""
    return KeySource.from_pkcs11(
        officer.module, officer.token, officer.pin(), officer.key, slot=officer.slot,
        certificate=officer.certificate, chain=officer.chain)


def officer_key(settings: Settings, user: str | None = None) -> KeySource:
    """The officer's personal key (``user``, else the desk's): on their PKCS#11 token when
    ``[[signing.officers]]`` lists them, else their PKCS#12 file (``signing.officer_pkcs12``)."""
    user = user or desk_officer(settings)
    token = token_of(settings.officers, user)
    if token is not None:
        return _token_key(token)
    pkcs12 = officer_file(settings.officer_pkcs12, user)
    password_file = officer_file(settings.officer_password_file, user)
    if not pkcs12.is_file():
        raise SigningError(
            f"signing.workflow là desk nhưng cán bộ {user!r} chưa có khóa ký cá nhân: không "
            f"có tệp {pkcs12} và không có mục [[signing.officers]] nào với user = {user!r}. "
            "Khai báo token của cán bộ đó (PKCS#11) hoặc đặt chứng thư PKCS#12 vào đường dẫn "
            "trên (hoặc đặt signing.officer / SOHOA_USER cho cán bộ khác)."
        )
    return _key(pkcs12, password_file)


def officer_file(template: str, user: str) -> Path:
    """``template`` with {user} = the officer: a name that is one file name, never a path
    ("../agency" must not walk out of keys/officers/ to another key)."""
    name = user.strip()
    if (not name or name in (".", "..") or name.startswith(".") or "/" in name
            or "\\" in name or any(ord(c) < 32 or ord(c) == 127 for c in name)):
        raise ConfigError(f"tên cán bộ {user!r} không dùng được để tìm khóa ký cá nhân: tên "
                          "không được rỗng, bắt đầu bằng dấu chấm hay chứa '/', '\\' hoặc ký "
                          "tự điều khiển")
    return Path(template.replace("{user}", name))


def _officer_signer(settings: Settings, user: str | None = None) -> DocumentSigner:
    """TT 01/2023 Điều 8.1: the officer's own certificate, the name it carries and the time of
    copying stamped at the top left of page 1."""
    key = officer_key(settings, user)
    options = SigningSettings(
        level=settings.signing_level, tsa_url=settings.tsa_url or None, kind="officer",
        stamp_template=OFFICER_STAMP, stamp_corner="top-left", reason=OFFICER_REASON,
    )
    return DocumentSigner(key, options, agency=settings.agency)


# Decree 23/2015: the certifying official signs the certified copy; the stamp names the
# signer (from the certificate) and the time, at the top right (the QR code is top left).
CERTIFY_STAMP = "Chứng thực bản sao từ bản chính\n{signer}\nThời gian ký: {time}"
CERTIFY_REASON = "Chứng thực bản sao điện tử từ bản chính (Nghị định 23/2015/NĐ-CP)"


def make_certifier_signer(settings: Settings, official: str) -> DocumentSigner:
    """The signer of an electronic certified copy: the certifying official's personal key (their
    PKCS#11 token in ``[[signing.officers]]`` with user = the official, else
    ``signing.officer_pkcs12`` with {user} = the official). Without one: the agency's key (kind
    "agency") only when ``signing.certify_with_agency_key`` allows it, else ConfigError (exit 2)
    — a typed name alone must never put an official's name on a signed certification. Either
    way the stamp says it is a certification, not a "SAO Y"."""
    token = token_of(settings.officers, official)
    pkcs12 = officer_file(settings.officer_pkcs12, official) if settings.officer_pkcs12 else None
    if token is not None:
        key, kind = _token_key(token), "officer"
    elif pkcs12 is not None and pkcs12.is_file():
        password_file = officer_file(settings.officer_password_file, official)
        key, kind = _key(pkcs12, password_file), "officer"
    elif settings.certify_with_agency_key:
        key, kind = _key(settings.pkcs12, settings.password_file), "agency"
    else:
        raise ConfigError(
            f"{official!r} chưa có khóa ký cá nhân trên máy này (không có tệp {pkcs12} và không "
            f"có mục [[signing.officers]] nào với user = {official!r}): bản sao chứng thực phải "
            "do chính người thực hiện chứng thực ký (Nghị định 23/2015/NĐ-CP, Điều 20). Kiểm "
            "tra tên ở --by, hoặc khai báo khóa của người đó; chỉ khi cơ quan cho phép ký bằng "
            "chữ ký số của cơ quan mới đặt signing.certify_with_agency_key = true")
    _need_tsa(settings)
    options = SigningSettings(level=settings.signing_level, tsa_url=settings.tsa_url or None,
                              kind=kind, stamp_template=CERTIFY_STAMP, stamp_corner="top-right",
                              reason=CERTIFY_REASON)
    return DocumentSigner(key, options, agency=settings.agency)


def trust_roots(settings: Settings) -> list[Path]:
    missing = [str(p) for p in settings.trust_roots if not p.is_file()]
    if missing:
        raise ConfigError(f"không tìm thấy chứng thư gốc tin cậy (signing.trust_roots): "
                          f"{', '.join(missing)}")
    return list(settings.trust_roots)


def type_model_path(settings: Settings) -> Path:
    """Where ``sohoa types train`` keeps the classifier's learned fallback."""
    return settings.home / "models" / "types.npz"


def load_type_model(settings: Settings) -> NgramModel | None:
    """The trained type classifier of this home, or None before ``sohoa types train`` ran.
    Read once per process (and again only when the file is retrained)."""
    path = type_model_path(settings)
    try:
        changed = path.stat().st_mtime_ns
    except FileNotFoundError:
        return None
    return _type_model(str(path), changed)


@cache
def _type_model(path: str, _changed: int) -> NgramModel:
    return NgramModel.load(Path(path))
