"""Archivists: fixity checks — stored files still hold the bytes the catalog recorded."""

from __future__ import annotations

from typing import Any

import click

from sohoa.cli.options import by_option, progress_bar, who
from sohoa.cli.output import emit_json, out
from sohoa.cli.state import State, pass_state
from sohoa.errors import EXIT_OK, EXIT_VERIFY_FAILED


@click.group()
def fixity() -> None:
    """Fixity: stored files still hold the bytes the catalog recorded."""


@fixity.command("check")
@click.option("--sample", type=click.IntRange(min=1),
              help="Check N documents, those checked longest ago first.")
@click.option("--all", "check_all", is_flag=True,
              help="Check every document (the default); resumes an interrupted run.")
@click.option("--restart", is_flag=True, help="With --all: start over instead of resuming.")
@click.option("--no-signatures", is_flag=True, help="Re-hash only; skip signature checks.")
@by_option()
@click.option("--json", "as_json", is_flag=True)
@pass_state
def fixity_check(state: State, sample: int | None, check_all: bool, restart: bool,
                 no_signatures: bool, by: str | None, as_json: bool) -> None:
    """Re-hash stored files and verify signatures; exit 4 if anything does not match."""
    from sohoa.pipeline.fixityjob import check

    if sample is not None and check_all:
        raise click.UsageError("give --sample N or --all, not both")
    bar = progress_bar("fixity", as_json)

    def show(event: dict[str, Any]) -> None:
        if "resumed" in event:
            message = (f"resuming run {event['resumed']} after document {event['after']} "
                       f"({event['checked']} already checked; --restart to start over)")
            emit_json(event) if as_json else bar.print(message)
        elif not event["ok"]:
            if as_json:
                emit_json(event)
            else:
                for problem in event["problems"]:
                    bar.print(f"[red]MISMATCH[/] {event['id']}: {problem}", error=True)

    try:
        result = check(state.settings, sample=sample, signatures=not no_signatures,
                       by=who(by), restart=restart, emit=show, progress=bar)
    finally:
        bar.stop()
    if as_json:
        emit_json(result)
    else:
        verdict = ("[green]all match[/]" if not result["mismatches"]
                   else f"[red]{result['mismatches']} MISMATCH(ES)[/]")
        out.print(f"fixity run {result['run']}: {result['documents']} document(s) and "
                  f"{result['records']} destruction record(s), {result['blobs']} file(s), "
                  f"{result['bytes'] / 1e6:.1f} MB, {result['signatures_checked']} signature(s) "
                  f"checked: {verdict}")
    raise SystemExit(EXIT_VERIFY_FAILED if result["mismatches"] else EXIT_OK)


@fixity.command("runs")
@click.option("--limit", type=int, default=20, show_default=True)
@click.option("--json", "as_json", is_flag=True)
@pass_state
def fixity_runs(state: State, limit: int, as_json: bool) -> None:
    """Recent fixity runs, newest first."""
    from sohoa.pipeline.fixityjob import runs

    rows = runs(state.settings, limit)
    for r in rows:
        if as_json:
            emit_json(r)
        else:
            out.print(f"{r['run']:>4} {r['mode']:<6} {r['status']:<9} {r['started_at'][:19]} "
                      f"{r['started_by']}: {r['documents']} document(s), "
                      f"{r['mismatches']} mismatch(es)")


COMMANDS = [fixity]
