"""Opening the backends and the signer from settings, once per process."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from sohoa.archive import Archive
from sohoa.errors import ConfigError, SigningError
from sohoa.ocr.classify import NgramModel
from sohoa.pipeline.settings import Settings
from sohoa.signing import DocumentSigner, KeySource, SigningSettings


def open_archive(settings: Settings) -> Archive:
    settings.home.mkdir(parents=True, exist_ok=True)
    return Archive.open(settings.db, settings.blobs, settings.search)


@cache
def _key(pkcs12: Path, password_file: Path) -> KeySource:
    if not pkcs12.is_file():
        raise SigningError(
            f"no signing key at {pkcs12}: run `sohoa init` for a development identity, or set "
            "signing.pkcs12 in sohoa.toml to the agency's certificate file"
        )
    password = password_file.read_bytes().strip() if password_file.is_file() else None
    return KeySource.from_pkcs12(pkcs12, password)


def make_signer(settings: Settings) -> DocumentSigner:
    if settings.signing_level != "B-B" and not settings.tsa_url:
        raise ConfigError(
            f"signing.level {settings.signing_level} needs a timestamp authority: set "
            "signing.tsa_url, or use level B-B"
        )
    key = _key(settings.pkcs12, settings.password_file)
    options = SigningSettings(level=settings.signing_level, tsa_url=settings.tsa_url or None)
    return DocumentSigner(key, options, agency=settings.agency)


def trust_roots(settings: Settings) -> list[Path]:
    missing = [str(p) for p in settings.trust_roots if not p.is_file()]
    if missing:
        raise ConfigError(f"trust root certificate(s) not found: {', '.join(missing)}")
    return list(settings.trust_roots)


def worker_log(settings: Settings) -> Path:
    """Where recognition workers' own diagnostics go (Tesseract and Leptonica messages)."""
    logs = settings.home / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    return logs / "ocr-workers.log"


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
