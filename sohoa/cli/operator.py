"""Operators: create a home, see the state of the archive and its quarantine."""

from __future__ import annotations

from typing import Any

import click

from sohoa.cli.main import State, pass_state
from sohoa.cli.output import emit_json, out


@click.command()
@click.option("--unit", default="", help="Receiving unit code written into sohoa.toml.")
@click.option("--agency", default="UBND tỉnh Đồng Nai", show_default=True)
@click.option("--no-dev-key", is_flag=True, help="Do not create the development signing key.")
@click.option("--json", "as_json", is_flag=True)
@pass_state
def init(state: State, unit: str, agency: str, no_dev_key: bool, as_json: bool) -> None:
    """Create an archive home (config, stores; a dev signing key NOT FOR PRODUCTION)."""
    from sohoa.pipeline.home import init_home
    from sohoa.pipeline.services import describe_backends

    result = init_home(state.settings.home, unit=unit, agency=agency, dev_key=not no_dev_key)
    if as_json:
        emit_json(result)
        return
    out.print(f"home: {result['home']}")
    out.print(f"config: {result['config']}" + ("" if result["config_written"] else " (kept)"))
    for line in describe_backends(result):
        out.print(line)
    if result["dev_signing_identity"]:
        out.print(f"[yellow]development signing identity[/] {result['dev_signing_identity']}: "
                  "for trying sohoa only, NOT FOR PRODUCTION")


@click.command()
@click.option("--json", "as_json", is_flag=True)
@pass_state
def status(state: State, as_json: bool) -> None:
    """The backends in use; counts of documents, owners, dossiers, pages, review and
    quarantine."""
    from sohoa.pipeline.services import backends, describe_backends, open_archive

    with open_archive(state.settings) as archive:
        stats: dict[str, Any] = {**archive.stats(), "backends": backends(state.settings)}
    if as_json:
        emit_json(stats)
        return
    for line in describe_backends(stats.pop("backends")):
        out.print(line)
    for key, value in stats.items():
        out.print(f"{key}: {value}")


@click.command()
@click.option("--json", "as_json", is_flag=True)
@pass_state
def quarantine(state: State, as_json: bool) -> None:
    """Inputs and pages that could not be used, with the reason."""
    from sohoa.pipeline.services import open_archive

    with open_archive(state.settings) as archive:
        rows = archive.list_quarantine()
    for row in rows:
        if as_json:
            emit_json(row)
        else:
            page = f" page {row['page_index'] + 1}" if row.get("page_index") is not None else ""
            out.print(f"{row.get('source')}{page}: {row.get('reason')}")
    if not rows and not as_json:
        out.print("quarantine is empty")


COMMANDS = [init, status, quarantine]
