"""Archivists: retention schedules — what may be disposed of and when, per-dossier
overrides and the dates periods count from."""

from __future__ import annotations

from datetime import date
from typing import Any

import click

from sohoa.cli.options import by_option, parse_day, who
from sohoa.cli.output import emit_json, out
from sohoa.cli.state import State, pass_state


@click.group()
def retention() -> None:
    """Retention schedules: what may be disposed of, and when."""


@retention.command("plan")
@click.option("--as-of", "as_of", metavar="YYYY-MM-DD", help="Due on this day (default today).")
@click.option("--type", "doc_type", help="Only this document type.")
@click.option("--unit", help="Only this unit.")
@click.option("--json", "as_json", is_flag=True)
@pass_state
def retention_plan(state: State, as_of: str | None, doc_type: str | None, unit: str | None,
                   as_json: bool) -> None:
    """What becomes eligible for disposal and when, by document type and unit."""
    from sohoa.pipeline import retention

    day = parse_day(as_of, "--as-of") or date.today()
    groups = retention.plan(state.settings, as_of=day, doc_type=doc_type, unit=unit)
    if as_json:
        for group in groups:
            emit_json(group)
        return
    if not groups:
        out.print("no stored documents")
        return
    for g in groups:
        out.print(f"[bold]{g['type_name']}[/] ({g['doc_type']}) — {g['unit'] or 'no unit'} — "
                  f"giữ {g['retention']}: {g['documents']} document(s)")
        parts = [f"[red]{g['due']} due on {day}[/]" if g["due"] else f"0 due on {day}",
                 f"{g['waiting']} later" + (f" (next {g['next_eligible_on']})"
                                            if g["next_eligible_on"] else ""),
                 f"{g['permanent']} permanent", f"{g['held']} on hold",
                 f"{g['on_list']} on an open list"]
        if g["unknown"]:
            parts.append(f"{g['unknown']} waiting for an event date")
        out.print("  " + ", ".join(parts))
        for note in g["notes"]:
            out.print(f"  [yellow]note[/] {note['documents']} document(s): {note['note']}")
    due = sum(g["due"] for g in groups)
    out.print(f"{due} document(s) due for disposal on {day}"
              + ("; propose them with: sohoa disposal propose --note …" if due else ""))


@retention.command("set")
@click.option("--dossier", required=True, help="The dossier code.")
@click.option("--years", type=click.IntRange(min=1), help="Keep N years …")
@click.option("--permanent", is_flag=True, help="… or permanently (Vĩnh viễn).")
@click.option("--clear", is_flag=True, help="Remove the override: the types' periods apply.")
@click.option("--from", "counted_from", type=click.Choice(["issue", "closing", "death"]),
              default="issue", show_default=True,
              help="What the period is counted from.")
@click.option("--reason", required=True, help="Why (written to the audit log).")
@by_option()
@click.option("--json", "as_json", is_flag=True)
@pass_state
def retention_set(state: State, dossier: str, years: int | None, permanent: bool, clear: bool,
                  counted_from: str, reason: str, by: str | None, as_json: bool) -> None:
    """Override the retention of one dossier."""
    from sohoa.pipeline import retention

    if sum((years is not None, permanent, clear)) != 1:
        raise click.UsageError("give exactly one of --years N, --permanent or --clear")
    if clear:
        retention.clear_override(state.settings, dossier, reason=reason, by=who(by))
        result: dict[str, Any] = {"dossier_code": dossier, "cleared": True}
    else:
        result = retention.set_override(state.settings, dossier,
                                        years=None if permanent else years,
                                        counted_from=counted_from, reason=reason, by=who(by))
    if as_json:
        emit_json(result)
    elif clear:
        out.print(f"dossier {dossier}: override removed; the document types' periods apply")
    else:
        term = "permanently" if result["permanent"] else f"{result['years']} years"
        out.print(f"dossier {result['dossier_code']}: kept {term} from {counted_from}")


@retention.command("event")
@click.option("--dossier", help="The dossier that closed (with --closed).")
@click.option("--closed", metavar="YYYY-MM-DD", help="The day the dossier was closed.")
@click.option("--owner", help="The owner who died (with --died).")
@click.option("--died", metavar="YYYY-MM-DD", help="The owner's date of death.")
@click.option("--reason", help="Source of the date (e.g. the death certificate's number).")
@by_option()
@click.option("--json", "as_json", is_flag=True)
@pass_state
def retention_event(state: State, dossier: str | None, closed: str | None, owner: str | None,
                    died: str | None, reason: str | None, by: str | None,
                    as_json: bool) -> None:
    """Record a date a retention period counts from: a dossier's closing, an owner's death."""
    from sohoa.pipeline import retention

    if dossier and closed and not (owner or died):
        event, subject, day = "closed", dossier, parse_day(closed, "--closed")
    elif owner and died and not (dossier or closed):
        event, subject, day = "died", owner, parse_day(died, "--died")
    else:
        raise click.UsageError("give --dossier CODE --closed DATE, or --owner ID --died DATE")
    assert day is not None
    result = retention.record_event(state.settings, event, subject, day, reason=reason,
                                    by=who(by))
    if as_json:
        emit_json(result)
    else:
        out.print(f"{result['subject']} {result['subject_id']}: {event} on {result['on']}")


@retention.command("overrides")
@click.option("--json", "as_json", is_flag=True)
@pass_state
def retention_overrides(state: State, as_json: bool) -> None:
    """List the dossiers whose retention was overridden."""
    from sohoa.pipeline import retention

    rows = retention.overrides(state.settings)
    for r in rows:
        if as_json:
            emit_json(r)
        else:
            term = "permanent" if r["permanent"] else f"{r['years']} years"
            out.print(f"{r['dossier_code']}: {term} from {r['counted_from']} — {r['reason']} "
                      f"({r['set_by']}, {r['set_at'][:10]})")


COMMANDS = [retention]
