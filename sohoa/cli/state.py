"""What every command receives: the home and config the ``sohoa`` group was given, and the
settings read from them on first use (a command that needs none never reads the config file).

Its own module so that the command modules and ``cli/main.py``, which registers them, do not
import each other."""

from __future__ import annotations

from pathlib import Path

import click

from sohoa.pipeline.settings import Settings, load_settings


class State:
    def __init__(self, home: Path | None, config: Path | None) -> None:
        self._home = home
        self._config = config
        self._settings: Settings | None = None

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            self._settings = load_settings(home=self._home, config_file=self._config)
        return self._settings


pass_state = click.make_pass_decorator(State)
