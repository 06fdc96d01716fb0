"""Creating an archive home: directories, config file, stores, and (embedded only) a dev key."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from sohoa.pipeline.services import backends, open_archive
from sohoa.pipeline.settings import CONFIG_NAME, CONFIG_TEMPLATE, Settings, load_settings
from sohoa.signing import create_dev_identity


def init_home(home: Path, *, unit: str = "", agency: str = "UBND tỉnh Đồng Nai",
              dev_key: bool = True, dev_pki_url: str | None = None,
              by: str = "operator") -> dict[str, Any]:
    """Idempotent: an existing config, key or store is kept as it is.

    ``dev_pki_url`` makes the development key a test PKI served there (``sohoa dev-pki
    serve``) and, in a config written now, names its TSA as ``signing.tsa_url``: archived
    documents are then signed B-LTA."""
    home = home.expanduser().resolve()
    home.mkdir(parents=True, exist_ok=True)
    config = home / CONFIG_NAME
    wrote_config = not config.exists()
    if wrote_config:
        text = CONFIG_TEMPLATE.format(unit=unit, agency=agency)
        if dev_key and dev_pki_url:
            text = text.replace('\ntsa_url = ""\n',
                                f'\ntsa_url = "{dev_pki_url.rstrip("/")}/tsa"\n', 1)
        config.write_text(text, encoding="utf-8")
    settings: Settings = load_settings(home=home)
    embedded = settings.db.startswith("sqlite") and settings.blobs.startswith("file:")
    identity = None
    # A cluster signs with the agency's key: a test key is made there only when asked for by
    # name (--dev-pki), never by default; asked for, it is made, not silently skipped
    # (tester14 F7: `init --dev-pki` on a cluster home said nothing and made no key).
    if dev_key and (embedded or dev_pki_url):
        identity = create_dev_identity(settings.pkcs12.parent, settings.agency,
                                       pki_url=dev_pki_url)
    with open_archive(settings) as archive:
        archive.audit("home.init", actor=by, target=str(home),
                      detail={"config_written": wrote_config, "dev_key": identity is not None})
    return {
        "home": str(home),
        "config": str(config),
        "config_written": wrote_config,
        **backends(settings),
        "dev_signing_identity": str(identity.pkcs12) if identity else None,
        "dev_tsa_url": identity.tsa_url if identity else None,
        "dev_key_skipped": (None if identity or not dev_key else
                            "cụm máy: không tạo khóa thử nghiệm khi không được yêu cầu — đặt "
                            "signing.pkcs12 trỏ tới khóa của cơ quan, hoặc chạy lại với "
                            "--dev-pki để tạo khóa thử trên máy này"),
        "embedded": embedded,
    }


def serve_dev_pki(settings: Settings, started: Callable[[str], None] = lambda _: None) -> str:
    """Run the development CA's CRL/OCSP/TSA server for this home's dev identity until
    interrupted; returns its address."""
    from sohoa.signing.devpki import DevPki, serve

    directory = settings.pkcs12.parent
    pki = DevPki.load(directory)
    serve(directory, started)  # told once the port is held, not before
    return pki.url
