"""What every command receives: the home and config the ``sohoa`` group was given, and the
settings read from them on first use (a command that needs none never reads the config file).

Its own module so that the command modules and ``cli/main.py``, which registers them, do not
import each other."""

from __future__ import annotations

from pathlib import Path

import click

from sohoa.errors import ConfigError
from sohoa.pipeline.settings import Settings, load_settings

# Commands that read (or change what is in) an archive that must already be there. Opening
# the catalog makes an empty one; for these a mistyped --home or SOHOA_HOME would then answer
# "nothing found" from a new, empty archive instead of saying the folder holds none. `init`,
# `ingest`, `watch`, `scan`, `dossier open`, … may still make a new archive.
NEEDS_ARCHIVE = frozenset({
    "status", "search", "reuse", "show", "get", "jobs", "quarantine", "audit", "report",
    "retention", "hold", "disposal", "fixity", "export", "signatures", "review", "index",
    "dossier list", "dossier show", "dossier status", "dossier reuse", "certify register",
    "tokens list", "tokens revoke", "sync status", "sync retry", "sync reconcile",
})


def _command_names(ctx: click.Context | None) -> list[str]:
    """The names typed after ``sohoa``: ["dossier", "list"] for `sohoa dossier list`."""
    names: list[str] = []
    while ctx is not None and ctx.parent is not None:
        names.insert(0, ctx.info_name or "")
        ctx = ctx.parent
    return names


def needs_archive(ctx: click.Context | None) -> bool:
    names = _command_names(ctx)
    return bool(names) and (names[0] in NEEDS_ARCHIVE or " ".join(names[:2]) in NEEDS_ARCHIVE)


def check_archive_exists(settings: Settings) -> None:
    """Refuse a home whose embedded catalog does not exist (a catalog on a server cannot be
    told apart from here without connecting: it is not checked)."""
    from sohoa.pipeline.services import catalog_file

    # The URL read as the catalog reads it: "…/catalog.db?timeout=30" names catalog.db, and
    # "sqlite+pysqlite:///…" is a SQLite file too.
    catalog = catalog_file(settings)
    if catalog is not None and not catalog.exists():
        raise ConfigError(f"{settings.home} chưa phải kho sohoa (không có {catalog.name}): "
                          f"tạo bằng `sohoa init --home {settings.home}`, hoặc kiểm tra lại "
                          "--home / biến môi trường SOHOA_HOME")


class State:
    def __init__(self, home: Path | None, config: Path | None) -> None:
        self._home = home
        self._config = config
        self._settings: Settings | None = None

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            settings = load_settings(home=self._home, config_file=self._config)
            if needs_archive(click.get_current_context(silent=True)):
                check_archive_exists(settings)
            self._settings = settings
        return self._settings

    def settings_sparing_signing(self) -> tuple[Settings, str | None]:
        """``settings``, a bad signing setting returned as its problem instead of raised
        (``sohoa status``'s signing line)."""
        from sohoa.pipeline.signerstatus import load_sparing_signing

        if self._settings is not None:
            return self._settings, None
        settings, problem = load_sparing_signing(self._home, self._config)
        if needs_archive(click.get_current_context(silent=True)):
            check_archive_exists(settings)
        self._settings = settings
        return settings, problem


pass_state = click.make_pass_decorator(State)
