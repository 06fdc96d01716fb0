"""Job state in the catalog: jobs, what became of each input, and quarantined inputs.

Functions take an open connection; the caller (``Archive``) owns the transaction.
"""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, delete, select, update

from sohoa.archive import audit as audit_log
from sohoa.archive.catalog import upsert
from sohoa.archive.models import Job, JobInput, KnownInput, QuarantineRow
from sohoa.archive.values import SYSTEM_ACTOR, iso, nfc_opt, utc_now
from sohoa.clock import shown_moment
from sohoa.errors import NotFoundError
from sohoa.records import Quarantined
from sohoa.vntext import nfc

# "partial": something stored, some of it quarantined; "blank": only blank pages
INPUT_STATUSES = ("stored", "quarantined", "duplicate", "partial", "blank")


INTERRUPTED = "interrupted"
FAILED = "failed"  # stopped by an environment error (exit 2): a store down, a key refused
# The process running an in-process job stamps ``heartbeat_at`` this often; a running job
# whose stamp is older than STALE_S is shown as interrupted (its process was killed with no
# chance to write: SIGKILL, the OOM killer, a power cut), on any host.
HEARTBEAT_S = 30.0
STALE_S = 180.0


def _start_ticks(pid: int) -> str | None:
    """When process ``pid`` started (clock ticks since boot), or None if there is no such
    process: with the pid it names one process, even after the pid is reused."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as f:
            stat = f.read()
    except OSError:
        return None
    # the command name (field 2) may hold spaces and parentheses: count from its closing one
    fields = stat[stat.rfind(")") + 2:].split()
    return fields[19] if len(fields) > 19 else None


def this_runner() -> str:
    """This process as a job runner: "host:pid:start-time"."""
    pid = os.getpid()
    return f"{socket.gethostname()}:{pid}:{_start_ticks(pid) or '?'}"


def runner_alive(runner: str) -> bool | None:
    """Whether the process a job's runner names still runs; None when it cannot be told from
    here (another host, or no /proc)."""
    parts = runner.rsplit(":", 2)
    if len(parts) != 3 or not parts[1].isdigit():
        return None
    host, pid, ticks = parts
    if host != socket.gethostname() or ticks == "?" or not os.path.isdir("/proc/self"):
        return None
    return _start_ticks(int(pid)) == ticks


def mark_interrupted(conn: Connection) -> list[str]:
    """Mark the running jobs whose process is gone (``kill -9``, a power cut, the OOM killer)
    as interrupted, with an audit event each; return their ids. What they stored stays: the
    same command again is a new job that finds it."""
    rows = conn.execute(select(Job.id, Job.runner, Job.heartbeat_at).where(
        Job.status == "running", Job.runner.is_not(None))).mappings().all()
    now = utc_now()
    dead = [(r["id"], why) for r in rows
            if (why := gone_reason(r["runner"], r["heartbeat_at"], now)) is not None]
    for job_id, why in dead:
        conn.execute(update(Job).where(Job.id == job_id, Job.status == "running").values(
            status=INTERRUPTED, finished_at=now, reason=why))
        audit_log.append(conn, "job.interrupted", actor=SYSTEM_ACTOR, target=job_id,
                         detail={"reason": why})
    return [job_id for job_id, _ in dead]


def gone_reason(runner: str | None, heartbeat_at: datetime | None,
                now: datetime) -> str | None:
    """Why a job recorded as running is not running any more, in Vietnamese; None when it may
    be (queue jobs, whose workers stamp nothing here, are followed on the job board)."""
    if runner is None:
        return None
    alive = runner_alive(runner)
    if alive:
        return None  # its process runs on this host: a late heartbeat is a busy machine
    if alive is False:
        return ("tiến trình chạy lô đã dừng mà không kết thúc lô (bị tắt đột ngột?): chạy lại "
                "đúng lệnh nạp, phần đã lưu không lưu lại")
    if heartbeat_at is not None and (now - heartbeat_at).total_seconds() > STALE_S:
        return (f"không còn tín hiệu từ tiến trình chạy lô từ "
                f"{shown_moment(heartbeat_at, seconds=True)} "
                "(máy hoặc tiến trình bị tắt đột ngột?): chạy lại đúng lệnh nạp, phần đã lưu "
                "không lưu lại")
    return None


def heartbeat(conn: Connection, job_id: str) -> None:
    """The process running the job is alive (``HEARTBEAT_S``)."""
    conn.execute(update(Job).where(Job.id == job_id, Job.status == "running").values(
        heartbeat_at=utc_now()))


def fail(conn: Connection, job_id: str, reason: str, *, actor: str = SYSTEM_ACTOR) -> bool:
    """A running job stopped by an environment error, with the reason; False when it was not
    running (finished, or marked already)."""
    return _stop(conn, job_id, FAILED, "job.failed", reason, actor)


def interrupt(conn: Connection, job_id: str, reason: str, *,
              actor: str = SYSTEM_ACTOR) -> bool:
    """A running job that nothing will finish (its queued work lost with the job board: a
    Redis restarted without persistence), with why; False when it was not running."""
    return _stop(conn, job_id, INTERRUPTED, "job.interrupted", reason, actor)


def _stop(conn: Connection, job_id: str, status: str, action: str, reason: str,
          actor: str) -> bool:
    """A running job ends as ``status`` with ``reason``, audited as ``action``; False when it
    was not running."""
    done = conn.execute(update(Job).where(Job.id == job_id, Job.status == "running").values(
        status=status, finished_at=utc_now(), reason=nfc(reason)))
    if done.rowcount == 0:
        return False
    audit_log.append(conn, action, actor=actor, target=job_id, detail={"reason": reason})
    return True


def start(conn: Connection, inputs: Sequence[str], unit: str | None,
          runner: str | None = None, *, actor: str = SYSTEM_ACTOR) -> str:
    """A new job; ``runner`` (see :func:`this_runner`) when this process runs it itself."""
    job_id = uuid.uuid4().hex
    conn.execute(Job.__table__.insert().values(
        id=job_id, unit=nfc_opt(unit), inputs=[str(i) for i in inputs],
        status="running", started_at=utc_now(), finished_at=None, summary=None, runner=runner,
        heartbeat_at=utc_now() if runner else None))
    audit_log.append(conn, "job.started", actor=actor, target=job_id,
                     detail={"inputs": len(inputs), "unit": unit})
    return job_id


def finish(conn: Connection, job_id: str, summary: Mapping[str, int], *,
           actor: str = SYSTEM_ACTOR) -> None:
    clean = {str(k): int(v) for k, v in summary.items()}
    done = conn.execute(update(Job).where(Job.id == job_id).values(
        status="finished", finished_at=utc_now(), summary=clean))
    if done.rowcount == 0:
        raise NotFoundError(f"không có lô {job_id} trong danh mục")
    audit_log.append(conn, "job.finished", actor=actor, target=job_id, detail=clean)


def require(conn: Connection, job_id: str) -> None:
    if conn.execute(select(Job.id).where(Job.id == job_id)).first() is None:
        raise NotFoundError(f"không có lô {job_id} trong danh mục; hãy mở lô bằng start_job "
                            "trước")


def _job_dict(r: Mapping[str, Any], now: datetime | None = None) -> dict[str, Any]:
    """A job as shown: one recorded as running whose process is gone (``gone_reason``) is
    shown as interrupted with why, before any later job marks it so."""
    status, reason = r["status"], r["reason"]
    if status == "running":
        gone = gone_reason(r["runner"], r["heartbeat_at"], now or utc_now())
        if gone is not None:
            status, reason = INTERRUPTED, gone
    return {"job_id": r["id"], "unit": r["unit"], "inputs": list(r["inputs"]),
            "status": status, "started_at": iso(r["started_at"]),
            "finished_at": iso(r["finished_at"]), "summary": r["summary"], "reason": reason,
            "heartbeat_at": iso(r["heartbeat_at"])}


def get(conn: Connection, job_id: str) -> dict[str, Any]:
    job = conn.execute(select(Job).where(Job.id == job_id)).mappings().first()
    if job is None:
        raise NotFoundError(f"không có lô {job_id} trong danh mục")
    inputs = conn.execute(select(JobInput).where(JobInput.job_id == job_id)
                          .order_by(JobInput.id)).mappings().all()
    return {**_job_dict(job),
            "done": [{"source": i["source"], "sha256": i["sha256"], "status": i["status"],
                      "reason": i["reason"], "at": iso(i["at"])} for i in inputs]}


def recent(conn: Connection, status: str | None, limit: int) -> list[dict[str, Any]]:
    """Newest first; ``status`` as shown (a running job whose process is gone is
    "interrupted", not "running")."""
    # The LIMIT stays in the SQL: the web jobs page asks every few seconds, and psycopg's
    # client-side cursor would otherwise fetch every job row ever (with its inputs) from
    # PostgreSQL before the loop below stops.
    newest = select(Job).order_by(Job.started_at.desc())
    if status is None:
        rows = list(conn.execute(newest.limit(limit)).mappings())  # every row is shown
    else:
        # A job recorded as running may be shown interrupted, so the running rows (few: one
        # per job in flight or killed since the last start) are read whole; the rows recorded
        # with the status asked for are read up to the limit; merged newest first.
        rows = list(conn.execute(newest.where(Job.status == "running")).mappings())
        if status != "running":
            rows += conn.execute(newest.where(Job.status == status).limit(limit)).mappings()
            rows.sort(key=lambda r: r["started_at"], reverse=True)
    now = utc_now()
    out = []
    for r in rows:
        job = _job_dict(r, now)
        if status is None or job["status"] == status:
            out.append(job)
            if len(out) >= limit:
                break
    return out


def input_done(conn: Connection, job_id: str, source: str, sha256: str, status: str,
               reason: str | None) -> None:
    if status not in INPUT_STATUSES:
        raise ValueError(f"input status must be one of {INPUT_STATUSES}, not {status!r}")
    require(conn, job_id)
    upsert(conn, JobInput.__table__, {
        "job_id": job_id, "source": source, "sha256": sha256, "status": status,
        "reason": nfc_opt(reason), "at": utc_now(),
    }, key=("job_id", "source"), update=("sha256", "status", "reason", "at"))


def input_outcome(conn: Connection, sha256: str) -> dict[str, Any] | None:
    row = conn.execute(select(JobInput).where(JobInput.sha256 == sha256)
                       .order_by(JobInput.at.desc(), JobInput.id.desc()).limit(1)
                       ).mappings().first()
    if row is None:
        return None
    return {"job_id": row["job_id"], "source": row["source"], "status": row["status"],
            "reason": row["reason"], "at": iso(row["at"])}


def remember_input(conn: Connection, job_id: str, sha256: str,
                   pages: Sequence[Mapping[str, Any]]) -> bool:
    """Record an input file as known, unless this job quarantined the file or a page of it
    (a file partly quarantined must be read again next time). True when recorded."""
    if not sha256 or not pages:
        return False
    flawed = conn.execute(select(QuarantineRow.id).where(
        QuarantineRow.job_id == job_id, QuarantineRow.sha256 == sha256).limit(1)).first()
    if flawed is not None:
        return False
    upsert(conn, KnownInput.__table__, {
        "sha256": sha256, "pages": [dict(p) for p in pages], "job_id": job_id, "at": utc_now(),
    }, key=("sha256",), update=("pages", "job_id", "at"))
    return True


def forget_input(conn: Connection, sha256: str) -> None:
    conn.execute(delete(KnownInput).where(KnownInput.sha256 == sha256))


def known_input(conn: Connection, sha256: str) -> list[dict[str, Any]] | None:
    pages = conn.execute(select(KnownInput.pages).where(KnownInput.sha256 == sha256)
                         ).scalar_one_or_none()
    return list(pages) if pages else None


def quarantine(conn: Connection, job_id: str, q: Quarantined, *,
               actor: str = SYSTEM_ACTOR) -> None:
    require(conn, job_id)
    source = q.source  # as the file system gives it (an NFD name stays NFD)
    seen = conn.execute(select(QuarantineRow.id).where(
        QuarantineRow.job_id == job_id, QuarantineRow.source == source,
        QuarantineRow.sha256 == q.sha256,
        QuarantineRow.page_index.is_(None) if q.page_index is None
        else QuarantineRow.page_index == q.page_index)).first()
    if seen:
        return  # a resumed job reporting the same bad input again
    conn.execute(QuarantineRow.__table__.insert().values(
        job_id=job_id, source=source, sha256=q.sha256, page_index=q.page_index,
        reason=nfc(q.reason), at=utc_now()))
    audit_log.append(conn, "input.quarantined", actor=actor, target=q.sha256 or source,
                     detail={"job": job_id, "source": source, "page_index": q.page_index,
                             "reason": q.reason})


def list_quarantine(conn: Connection) -> list[dict[str, Any]]:
    rows = conn.execute(select(QuarantineRow).order_by(QuarantineRow.id.desc()))
    return [{"id": r["id"], "job_id": r["job_id"], "source": r["source"], "sha256": r["sha256"],
             "page_index": r["page_index"], "reason": r["reason"], "at": iso(r["at"])}
            for r in rows.mappings()]


def quarantine_files(conn: Connection) -> list[dict[str, Any]]:
    """What is in quarantine and not dismissed, once per input (file or page) however many
    runs reported it: the newest report, how many there were and since when."""
    groups: dict[tuple[str, int | None], dict[str, Any]] = {}
    q = QuarantineRow.__table__.c
    for r in conn.execute(select(*q, Job.unit.label("unit"))
                          .join(Job, Job.id == q.job_id, isouter=True)
                          .where(q.dismissed_at.is_(None)).order_by(q.id.desc())).mappings():
        key = (r["sha256"] or r["source"], r["page_index"])
        entry = groups.get(key)
        if entry is None:
            # the unit of the newest job that quarantined it: whose desk it is
            groups[key] = {"id": r["id"], "source": r["source"], "sha256": r["sha256"],
                           "page_index": r["page_index"], "reason": r["reason"],
                           "at": iso(r["at"]), "first_at": iso(r["at"]), "times": 1,
                           "ids": [r["id"]], "job_id": r["job_id"], "unit": r["unit"] or None}
        else:
            entry["times"] += 1
            entry["first_at"] = iso(r["at"])
            entry["ids"].append(r["id"])
            # the entry keeps the id of its first report: the one a retry's summary names
            # and the clerk has written down, not a new one each time it fails again
            entry["id"] = r["id"]
    return list(groups.values())


def refile_quarantine(conn: Connection, ids: list[int], sha256: str, *, by: str) -> int:
    """The entries ``ids`` now stand for the file with ``sha256``: the person said it is their
    fixed copy (``quarantine retry ID --fixed``) and it was refused again, so the entry's new
    report joins its old ones (one entry, "2 lần", under the id the clerk already knows)
    instead of a second entry for the same paper. The old bytes stay in the audit log."""
    rows = conn.execute(select(QuarantineRow.sha256, QuarantineRow.source,
                               QuarantineRow.page_index).where(QuarantineRow.id.in_(ids))).all()
    done = 0
    for r in rows:
        if not r.sha256 or r.sha256 == sha256:
            continue
        page = (QuarantineRow.page_index.is_(None) if r.page_index is None
                else QuarantineRow.page_index == r.page_index)
        done += conn.execute(update(QuarantineRow).where(
            QuarantineRow.sha256 == r.sha256, page, QuarantineRow.dismissed_at.is_(None)
        ).values(sha256=sha256)).rowcount
        audit_log.append(conn, "input.refiled", actor=by, target=sha256,
                         detail={"source": r.source, "page_index": r.page_index,
                                 "was": r.sha256})
    return done


def dismiss_quarantine(conn: Connection, ids: list[int], *, reason: str, by: str) -> int:
    """Dismiss these quarantine entries and every other report of the same inputs."""
    rows = conn.execute(select(QuarantineRow.sha256, QuarantineRow.source,
                               QuarantineRow.page_index).where(QuarantineRow.id.in_(ids))).all()
    if len(rows) != len(set(ids)):
        raise NotFoundError("không có mục cách ly với mã đã cho; xem danh sách: sohoa quarantine")
    now, done = utc_now(), 0
    for r in rows:
        same = (QuarantineRow.sha256 == r.sha256 if r.sha256
                else QuarantineRow.source == r.source)
        page = (QuarantineRow.page_index.is_(None) if r.page_index is None
                else QuarantineRow.page_index == r.page_index)
        done += conn.execute(update(QuarantineRow).where(
            same, page, QuarantineRow.dismissed_at.is_(None)).values(
            dismissed_at=now, dismissed_by=nfc(by), dismiss_reason=nfc(reason))).rowcount
        audit_log.append(conn, "input.dismissed", actor=by, target=r.sha256 or r.source,
                         detail={"source": r.source, "page_index": r.page_index,
                                 "reason": reason})
    return done
