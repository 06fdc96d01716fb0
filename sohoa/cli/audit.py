"""Archivists: the hash-chained audit log (and, with --owner, the access log)."""

from __future__ import annotations

import click

from sohoa.cli.output import emit_json, out
from sohoa.cli.state import State, pass_state
from sohoa.errors import EXIT_OK, EXIT_VERIFY_FAILED


@click.group()
def audit() -> None:
    """The hash-chained audit log."""


@audit.command("verify")
@click.option("--json", "as_json", is_flag=True)
@pass_state
def audit_verify(state: State, as_json: bool) -> None:
    """Recompute the chain; any edited or deleted entry is reported (exit 4)."""
    from sohoa.pipeline.services import open_archive

    with open_archive(state.settings) as archive:
        ok, problems = archive.audit_verify()
    if as_json:
        emit_json({"valid": ok, "problems": problems})
    else:
        for problem in problems:
            out.print(f"[red]problem[/]: {problem}")
        out.print("audit log: " + ("[green]intact[/]" if ok else "[red]TAMPERED[/]"))
    raise SystemExit(EXIT_OK if ok else EXIT_VERIFY_FAILED)


@audit.command("show")
@click.option("--target", help="Only events about this document, owner or dossier.")
@click.option("--owner", help="Who looked at this owner's documents? (the access log)")
@click.option("--limit", type=int, default=50, show_default=True)
@click.option("--json", "as_json", is_flag=True)
@pass_state
def audit_show(state: State, target: str | None, owner: str | None, limit: int,
               as_json: bool) -> None:
    """List audit events, newest first; with --owner, the reads of that owner's data."""
    from sohoa.pipeline.services import open_archive

    if owner:
        from sohoa.cli.integrator import print_access

        print_access(state, owner, limit, as_json)
        return
    with open_archive(state.settings) as archive:
        events = archive.audit_events(target=target, limit=limit)
    for event in events:
        if as_json:
            emit_json(event)
        else:
            out.print(f"{event.get('at')} {event.get('actor')} {event.get('action')} "
                      f"{event.get('target') or ''}")
    if target:
        from sohoa.cli.integrator import print_reads
        from sohoa.pipeline import lookup

        # A document's history includes who read it (the access log), owner known or not.
        reads = lookup.access_log(state.settings, document=target, limit=limit)
        print_reads(reads, as_json, heading=f"reads of {target} (newest first, times in UTC):")


COMMANDS = [audit]
