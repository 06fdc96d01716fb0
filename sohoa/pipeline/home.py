"""Creating an archive home: directories, config file, stores, and (embedded only) a dev key."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sohoa.pipeline.services import backends, open_archive
from sohoa.pipeline.settings import CONFIG_NAME, CONFIG_TEMPLATE, Settings, load_settings
from sohoa.signing import create_dev_identity


def init_home(home: Path, *, unit: str = "", agency: str = "UBND tỉnh Đồng Nai",
              dev_key: bool = True) -> dict[str, Any]:
    """Idempotent: an existing config, key or store is kept as it is."""
    home = home.expanduser().resolve()
    home.mkdir(parents=True, exist_ok=True)
    config = home / CONFIG_NAME
    wrote_config = not config.exists()
    if wrote_config:
        config.write_text(CONFIG_TEMPLATE.format(unit=unit, agency=agency), encoding="utf-8")
    settings: Settings = load_settings(home=home)
    embedded = settings.db.startswith("sqlite") and settings.blobs.startswith("file:")
    identity = None
    if dev_key and embedded:
        identity = create_dev_identity(settings.pkcs12.parent, settings.agency)
    with open_archive(settings) as archive:
        archive.audit("home.init", actor="operator", target=str(home),
                      detail={"config_written": wrote_config, "dev_key": identity is not None})
    return {
        "home": str(home),
        "config": str(config),
        "config_written": wrote_config,
        **backends(settings),
        "dev_signing_identity": str(identity.pkcs12) if identity else None,
    }
