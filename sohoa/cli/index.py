"""Archivists: the search index, rebuilt from the catalog."""

from __future__ import annotations

import click

from sohoa.cli.output import out
from sohoa.cli.state import State, pass_state


@click.group()
def index() -> None:
    """Chỉ mục tìm kiếm."""


@index.command("rebuild")
@pass_state
def index_rebuild(state: State) -> None:
    """Dựng lại chỉ mục tìm kiếm từ sổ mục lục."""
    from sohoa.pipeline.services import open_archive

    with open_archive(state.settings) as archive:
        count = archive.rebuild_index()
    out.print(f"đã đưa {count} giấy tờ vào chỉ mục tìm kiếm")


COMMANDS = [index]
