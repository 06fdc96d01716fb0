"""Archivists: signing outside the pipeline, the audit log, the search index, and the
archivist's jobs (retention plan, legal holds, disposal lists, fixity checks, export)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import click

from sohoa.cli.main import State, pass_state
from sohoa.cli.output import emit_json, out
from sohoa.errors import EXIT_OK, EXIT_VERIFY_FAILED


@click.command()
@click.argument("input_pdf", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@click.option("-o", "--output", required=True, type=click.Path(path_type=Path, dir_okay=False))
@click.option("--level", type=click.Choice(["B-B", "B-T", "B-LT", "B-LTA"]),
              help="PAdES level (default: signing.level in sohoa.toml).")
@click.option("--json", "as_json", is_flag=True)
@pass_state
def sign(state: State, input_pdf: Path, output: Path, level: str | None, as_json: bool) -> None:
    """Sign a PDF with the agency's key (visible "SAO Y" stamp, top right of page 1)."""
    from sohoa.pipeline.signjob import sign_file

    summary = sign_file(state.settings, input_pdf, output, level=level)
    if as_json:
        emit_json(summary)
    else:
        out.print(f"signed {output}: {summary['level']} by {summary['signer']} "
                  f"at {summary['signed_at']}")


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


@click.group()
def index() -> None:
    """The search index."""


@index.command("rebuild")
@pass_state
def index_rebuild(state: State) -> None:
    """Rebuild the search index from the catalog."""
    from sohoa.pipeline.services import open_archive

    with open_archive(state.settings) as archive:
        count = archive.rebuild_index()
    out.print(f"indexed {count} document(s)")


@click.group()
def signatures() -> None:
    """Long-term signatures of the stored documents."""


@signatures.command("renew")
@click.option("--before", "before", default=None, metavar="YYYY-MM-DD",
              help="Renew files whose last timestamp expires before this date "
                   "(default: a year from today).")
@click.option("--dry-run", is_flag=True, help="List what is due without changing anything.")
@click.option("--by", "actor", default="archivist", show_default=True,
              help="Who runs the renewal (written to the audit log).")
@click.option("--json", "as_json", is_flag=True)
@pass_state
def signatures_renew(state: State, before: str | None, dry_run: bool, actor: str,
                     as_json: bool) -> None:
    """Add a new document timestamp to B-LTA files whose timestamp nears expiry."""
    from datetime import date

    from sohoa.pipeline.renewjob import renew_signatures

    try:
        cutoff = date.fromisoformat(before) if before else None
    except ValueError:
        raise click.BadParameter(f"{before!r} is not a date: use YYYY-MM-DD") from None

    def show(event: dict) -> None:
        if as_json:
            emit_json(event)
        elif event.get("error"):
            out.print(f"[red]failed[/] {event['document_id']}: {event['error']}")
        else:
            verb = "due" if event.get("dry_run") else "renewed"
            out.print(f"{verb} {event['document_id']} (timestamp expires "
                      f"{event['timestamp_expiry'][:10]})")

    counts = renew_signatures(state.settings, before=cutoff, dry_run=dry_run, actor=actor,
                              emit=show)
    line = (f"{counts['checked']} B-LTA document(s) checked, {counts['due']} due, "
            f"{counts['renewed']} renewed, {counts['failed']} failed")
    if as_json:
        emit_json(counts)
    else:
        out.print(line)
    raise SystemExit(EXIT_VERIFY_FAILED if counts["failed"] else EXIT_OK)




# --- archivist's jobs ---------------------------------------------------------------------


def by_option(required: bool = False) -> Callable[[Any], Any]:
    """``--by NAME``: who acts, for the audit log (default: SOHOA_USER, else the OS user)."""
    return click.option("--by", "by", envvar="SOHOA_USER", required=required,
                        help="Who does this, for the audit log (env SOHOA_USER; default: the "
                             "OS user).")


def _who(by: str | None) -> str:
    from sohoa.pipeline.lookup import os_user

    return (by or "").strip() or os_user()


def _day(value: str | None, option: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date: use YYYY-MM-DD",
                                 param_hint=option) from None


def _progress(label: str, as_json: bool) -> Any:
    from sohoa.cli.output import PageProgress

    return PageProgress(label, enabled=not as_json, unit="documents")


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
    from sohoa.archive import retention as rules
    from sohoa.pipeline.services import open_archive

    day = _day(as_of, "--as-of") or date.today()
    with open_archive(state.settings) as archive:
        groups = rules.plan(archive, as_of=day, doc_type=doc_type, unit=unit)
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
    from sohoa.archive import retention as rules
    from sohoa.pipeline.services import open_archive

    if sum((years is not None, permanent, clear)) != 1:
        raise click.UsageError("give exactly one of --years N, --permanent or --clear")
    with open_archive(state.settings) as archive:
        if clear:
            rules.clear_override(archive, dossier, reason=reason, by=_who(by))
            result: dict[str, Any] = {"dossier_code": dossier, "cleared": True}
        else:
            result = rules.set_override(archive, dossier, years=None if permanent else years,
                                        counted_from=counted_from, reason=reason, by=_who(by))
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
    from sohoa.archive import retention as rules
    from sohoa.pipeline.services import open_archive

    if dossier and closed and not (owner or died):
        event, subject, day = "closed", dossier, _day(closed, "--closed")
    elif owner and died and not (dossier or closed):
        event, subject, day = "died", owner, _day(died, "--died")
    else:
        raise click.UsageError("give --dossier CODE --closed DATE, or --owner ID --died DATE")
    assert day is not None
    with open_archive(state.settings) as archive:
        result = rules.record_event(archive, event, subject, day, reason=reason, by=_who(by))
    if as_json:
        emit_json(result)
    else:
        out.print(f"{result['subject']} {result['subject_id']}: {event} on {result['on']}")


@retention.command("overrides")
@click.option("--json", "as_json", is_flag=True)
@pass_state
def retention_overrides(state: State, as_json: bool) -> None:
    """List the dossiers whose retention was overridden."""
    from sohoa.archive import retention as rules
    from sohoa.pipeline.services import open_archive

    with open_archive(state.settings) as archive:
        rows = rules.overrides(archive)
    for r in rows:
        if as_json:
            emit_json(r)
        else:
            term = "permanent" if r["permanent"] else f"{r['years']} years"
            out.print(f"{r['dossier_code']}: {term} from {r['counted_from']} — {r['reason']} "
                      f"({r['set_by']}, {r['set_at'][:10]})")


@click.group()
def hold() -> None:
    """Legal holds: records kept whatever their retention says."""


def _hold_target(document: str | None, dossier: str | None,
                 owner: str | None) -> tuple[str, str] | None:
    given = [(s, t) for s, t in (("document", document), ("dossier", dossier),
                                 ("owner", owner)) if t]
    if len(given) > 1:
        raise click.UsageError("give one of --document, --dossier or --owner")
    return given[0] if given else None


@hold.command("add")
@click.option("--document", help="A document id.")
@click.option("--dossier", help="A dossier code (all its documents).")
@click.option("--owner", help="An owner's ID (all their documents).")
@click.option("--reason", required=True, help="Why (e.g. the court's request number).")
@by_option()
@click.option("--json", "as_json", is_flag=True)
@pass_state
def hold_add(state: State, document: str | None, dossier: str | None, owner: str | None,
             reason: str, by: str | None, as_json: bool) -> None:
    """Place a legal hold on a document, a dossier or an owner."""
    from sohoa.archive import holds
    from sohoa.pipeline.services import open_archive

    target = _hold_target(document, dossier, owner)
    if target is None:
        raise click.UsageError("give one of --document, --dossier or --owner")
    with open_archive(state.settings) as archive:
        result = holds.place(archive, target[0], target[1], reason=reason, by=_who(by))
    if as_json:
        emit_json(result)
    else:
        out.print(f"hold {result['hold']} placed on {result['scope']} {result['target']}")


@hold.command("remove")
@click.argument("hold_id", type=int, required=False)
@click.option("--document", help="Release every active hold on this document …")
@click.option("--dossier", help="… this dossier …")
@click.option("--owner", help="… or this owner.")
@click.option("--reason", required=True, help="Why the hold ends.")
@by_option()
@click.option("--json", "as_json", is_flag=True)
@pass_state
def hold_remove(state: State, hold_id: int | None, document: str | None, dossier: str | None,
                owner: str | None, reason: str, by: str | None, as_json: bool) -> None:
    """Release a hold (by its number, or every hold on a target)."""
    from sohoa.archive import holds
    from sohoa.pipeline.services import open_archive

    target = _hold_target(document, dossier, owner)
    if (hold_id is None) == (target is None):
        raise click.UsageError("give a hold number, or one of --document, --dossier, --owner")
    with open_archive(state.settings) as archive:
        released = holds.release(archive, hold_id=hold_id,
                                 scope=target[0] if target else None,
                                 target=target[1] if target else None,
                                 reason=reason, by=_who(by))
    for r in released:
        if as_json:
            emit_json(r)
        else:
            out.print(f"hold {r['hold']} on {r['scope']} {r['target']} released")


@hold.command("list")
@click.option("--all", "include_released", is_flag=True, help="Released holds too.")
@click.option("--target", help="Only holds on this document, dossier or owner.")
@click.option("--json", "as_json", is_flag=True)
@pass_state
def hold_list(state: State, include_released: bool, target: str | None, as_json: bool) -> None:
    """List legal holds (active ones unless --all)."""
    from sohoa.archive import holds
    from sohoa.pipeline.services import open_archive

    with open_archive(state.settings) as archive:
        rows = holds.listing(archive, include_released=include_released, target=target)
    for r in rows:
        if as_json:
            emit_json(r)
        else:
            state_text = (f"released {r['released_at'][:10]} by {r['released_by']}"
                          if r["released_at"] else "active")
            out.print(f"{r['hold']:>4} {r['scope']:<8} {r['target']}: {r['reason']} "
                      f"({r['placed_by']}, {r['placed_at'][:10]}; {state_text})")
    if not rows and not as_json:
        out.print("no holds")


@click.group()
def disposal() -> None:
    """Disposal lists: propose, approve, execute, and the destruction record."""


def _print_list(lst: dict[str, Any]) -> None:
    c = lst["counts"]
    out.print(f"[bold]list {lst['list']}[/] ({lst['status']}): {lst['documents']} document(s), "
              f"{lst['pages']} page(s), due as of {lst['as_of']}")
    out.print(f"  proposed {lst['proposed_at'][:10]} by {lst['proposed_by']}: {lst['note']}")
    if lst["decision"]:
        out.print(f"  approved {lst['approved_at'][:10]} by {lst['approved_by']}: "
                  f"{lst['decision']}")
    if lst["status"] in ("executing", "executed"):
        out.print(f"  disposed {c['disposed']}, skipped {c['skipped']}, pending {c['listed']}")
    if lst["record"]:
        out.print(f"  destruction record {lst['record']['sha256'][:16]}… "
                  f"({lst['record']['size']} bytes): sohoa disposal record {lst['list']} -o F.pdf")
    if lst["cancel_reason"]:
        out.print(f"  cancelled: {lst['cancel_reason']}")


@disposal.command("propose")
@click.option("--as-of", "as_of", metavar="YYYY-MM-DD", help="Due on this day (default today).")
@click.option("--type", "doc_type", help="Only this document type.")
@click.option("--unit", help="Only this unit.")
@click.option("--note", required=True,
              help="Explanatory note (thuyết minh): why these records have no further value.")
@by_option()
@click.option("--json", "as_json", is_flag=True)
@pass_state
def disposal_propose(state: State, as_of: str | None, doc_type: str | None, unit: str | None,
                     note: str, by: str | None, as_json: bool) -> None:
    """Draw up a numbered list of the records due for disposal (not held, on no open list)."""
    from sohoa.archive import disposal as lists
    from sohoa.pipeline.services import open_archive

    day = _day(as_of, "--as-of") or date.today()
    with open_archive(state.settings) as archive:
        lst = lists.propose(archive, as_of=day, note=note, by=_who(by), doc_type=doc_type,
                            unit=unit)
    if lst is None:
        if as_json:
            emit_json({"list": None, "documents": 0, "as_of": day.isoformat()})
        else:
            out.print(f"nothing is due for disposal on {day}; no list was made")
        return
    if as_json:
        emit_json(lst)
        return
    _print_list(lst)
    out.print(f"review it with: sohoa disposal show {lst['list']}; after the council and the "
              f"decision: sohoa disposal approve {lst['list']} --decision \"Quyết định số …\" "
              "--by NAME")


@disposal.command("list")
@click.option("--json", "as_json", is_flag=True)
@pass_state
def disposal_list(state: State, as_json: bool) -> None:
    """All disposal lists and their state."""
    from sohoa.archive import disposal as lists
    from sohoa.pipeline.services import open_archive

    with open_archive(state.settings) as archive:
        rows = lists.lists(archive)
    for lst in rows:
        emit_json(lst) if as_json else _print_list(lst)
    if not rows and not as_json:
        out.print("no disposal lists")


@disposal.command("show")
@click.argument("list_id", type=int)
@click.option("--json", "as_json", is_flag=True)
@pass_state
def disposal_show(state: State, list_id: int, as_json: bool) -> None:
    """A disposal list with every document on it."""
    from sohoa.archive import disposal as lists
    from sohoa.pipeline.services import open_archive

    with open_archive(state.settings) as archive:
        lst = lists.get(archive, list_id)
    if as_json:
        emit_json(lst)
        return
    _print_list(lst)
    for i in lst["items"]:
        extra = f" — {i['reason']}" if i["reason"] else ""
        out.print(f"  {i['position']:>5}. {i['document_id']} {i['doc_type']} "
                  f"{i['title']} ({i['dossier_code']}) giữ {i['retention']}, "
                  f"hết hạn {i['eligible_on']} [{i['status']}]{extra}")


@disposal.command("approve")
@click.argument("list_id", type=int)
@click.option("--decision", required=True,
              help="The approving decision, e.g. \"Quyết định số 12/QĐ-UBND ngày …\".")
@by_option(required=True)
@click.option("--json", "as_json", is_flag=True)
@pass_state
def disposal_approve(state: State, list_id: int, decision: str, by: str,
                     as_json: bool) -> None:
    """Record the decision that approves a proposed list."""
    from sohoa.archive import disposal as lists
    from sohoa.pipeline.services import open_archive

    with open_archive(state.settings) as archive:
        lst = lists.approve(archive, list_id, decision=decision, by=_who(by))
    if as_json:
        emit_json(lst)
    else:
        _print_list(lst)
        out.print(f"execute it with: sohoa disposal execute {list_id} [--dry-run]")


@disposal.command("cancel")
@click.argument("list_id", type=int)
@click.option("--reason", required=True)
@by_option()
@click.option("--json", "as_json", is_flag=True)
@pass_state
def disposal_cancel(state: State, list_id: int, reason: str, by: str | None,
                    as_json: bool) -> None:
    """Cancel a proposed or approved list (its documents may be proposed again)."""
    from sohoa.archive import disposal as lists
    from sohoa.pipeline.services import open_archive

    with open_archive(state.settings) as archive:
        lst = lists.cancel(archive, list_id, reason=reason, by=_who(by))
    emit_json(lst) if as_json else _print_list(lst)


@disposal.command("execute")
@click.argument("list_id", type=int)
@click.option("--dry-run", is_flag=True, help="Say what would be disposed of; change nothing.")
@by_option()
@click.option("--json", "as_json", is_flag=True)
@pass_state
def disposal_execute(state: State, list_id: int, dry_run: bool, by: str | None,
                     as_json: bool) -> None:
    """Dispose of an approved list and write its signed destruction record (resumable)."""
    from sohoa.pipeline.disposaljob import execute

    bar = _progress(f"list {list_id}", as_json or dry_run)

    def show(event: dict[str, Any]) -> None:
        if as_json:
            emit_json(event)
        elif not event["disposed"]:
            bar.print(f"[yellow]skipped[/] {event['document_id']}: {event['reason']}")
        elif event.get("dry_run"):
            bar.print(f"would dispose of {event['document_id']} ({event['blobs']} file(s))")

    try:
        result = execute(state.settings, list_id, by=_who(by), dry_run=dry_run, emit=show,
                         progress=bar)
    finally:
        bar.stop()
    if as_json:
        emit_json(result)
    elif dry_run:
        out.print(f"dry run: {result['would_dispose']} document(s) would be disposed of, "
                  f"{result['would_skip']} skipped; nothing was changed")
    else:
        s = result["summary"]
        out.print(f"list {list_id} executed: {s['disposed']} disposed, {s['skipped']} skipped, "
                  f"{s['blobs_removed']} file(s) removed ({s['bytes_freed']} bytes); "
                  f"destruction record: sohoa disposal record {list_id} -o F.pdf")


@disposal.command("record")
@click.argument("list_id", type=int)
@click.option("-o", "--output", required=True, type=click.Path(path_type=Path, dir_okay=False))
@pass_state
def disposal_record(state: State, list_id: int, output: Path) -> None:
    """Write the signed destruction record (biên bản hủy) of an executed list to a file."""
    from sohoa.archive import disposal as lists
    from sohoa.pipeline.services import open_archive

    with open_archive(state.settings) as archive:
        pdf = lists.record_pdf(archive, list_id)
    output.write_bytes(pdf)
    out.print(f"wrote {output} ({len(pdf)} bytes); check it with: sohoa verify {output}")


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
    bar = _progress("fixity", as_json)

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
                       by=_who(by), restart=restart, emit=show, progress=bar)
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
    from sohoa.archive import fixity as checks
    from sohoa.pipeline.services import open_archive

    with open_archive(state.settings) as archive:
        rows = checks.runs(archive, limit)
    for r in rows:
        if as_json:
            emit_json(r)
        else:
            out.print(f"{r['run']:>4} {r['mode']:<6} {r['status']:<9} {r['started_at'][:19]} "
                      f"{r['started_by']}: {r['documents']} document(s), "
                      f"{r['mismatches']} mismatch(es)")


@click.group(invoke_without_command=True)
@click.option("--dossier", help="Export this dossier …")
@click.option("--type", "doc_type", help="… or documents of this type …")
@click.option("--owner", help="… or this owner's documents (filters combine).")
@click.option("--permanent-only", is_flag=True,
              help="Only documents kept permanently (Vĩnh viễn).")
@click.option("-o", "--output", type=click.Path(path_type=Path, file_okay=False),
              help="The bag directory to write (new or empty; an unfinished one resumes).")
@click.option("--purpose", envvar="SOHOA_PURPOSE", default="nộp lưu lịch sử",
              show_default=True, help="Why, for the access log.")
@by_option()
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def export(ctx: click.Context, dossier: str | None, doc_type: str | None, owner: str | None,
           permanent_only: bool, output: Path | None, purpose: str, by: str | None,
           as_json: bool) -> None:
    """Export records as a BagIt package for the historical archive; `export verify DIR`."""
    if ctx.invoked_subcommand is not None:
        return
    from sohoa.pipeline.exportjob import write

    if output is None:
        raise click.UsageError("give the bag directory with -o DIR")
    state = ctx.find_object(State)
    assert state is not None
    bar = _progress("export", as_json)
    try:
        result = write(state.settings, output, dossier=dossier, doc_type=doc_type, owner=owner,
                       permanent_only=permanent_only, by=_who(by), purpose=purpose,
                       progress=bar)
    finally:
        bar.stop()
    if as_json:
        emit_json(result)
    else:
        out.print(f"bag {result['bag']}: {result['documents']} document(s) in "
                  f"{result['dossiers']} dossier(s), {result['audit_events']} audit event(s), "
                  f"{result['files']} file(s), {result['octets']} bytes; check it with: "
                  f"sohoa export verify {result['bag']}")


@export.command("verify")
@click.argument("bag", type=click.Path(path_type=Path, file_okay=False))
@click.option("--json", "as_json", is_flag=True)
def export_verify(bag: Path, as_json: bool) -> None:
    """Validate a BagIt package (any bag, not only sohoa's); exit 4 if it is not valid."""
    from sohoa.pipeline.exportjob import verify

    report = verify(bag)
    if as_json:
        emit_json(report)
    else:
        for problem in report["problems"]:
            out.print(f"[red]problem[/]: {problem}")
        out.print(f"{bag}: " + ("[green]valid bag[/] (Payload-Oxum "
                                f"{report['payload_oxum']})" if report["valid"]
                                else "[red]NOT VALID[/]"))
    raise SystemExit(EXIT_OK if report["valid"] else EXIT_VERIFY_FAILED)


COMMANDS = [sign, audit, index, signatures, retention, hold, disposal, fixity, export]
