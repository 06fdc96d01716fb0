"""What is in quarantine, for ``sohoa quarantine``, the web and the queue's workers alike:
each input once with where its file is now, and the entries a retry has stored taken off the
list (no ingest here: a worker closing a retried job settles its entries through this module).
"""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sohoa.archive import Archive
from sohoa.errors import NotFoundError
from sohoa.vntext import nfc

# Said wherever a retry is asked for an entry whose recorded path now holds other bytes.
CHANGED = ("tệp ở chỗ cũ đã khác tệp bị cách ly: mục này không tự rời danh sách; nếu đó đúng "
           "là bản đã quét lại hay đã sửa, bấm «Xử lý lại: đây là bản đã sửa»")
# The same, where the one command that settles it can be named (the CLI).
CHANGED_CLI = ("tệp ở chỗ cũ đã khác tệp bị cách ly nên mục {id} chưa rời danh sách; nếu đó "
               "đúng là bản đã quét lại hay đã sửa của tệp ấy, gỡ mục bằng: "
               "sohoa quarantine retry {id} --fixed")


def current_path(source: str, sha256: str | None = None) -> Path | None:
    """Where the quarantined file is now: its recorded path (where a fixed copy is put back),
    or the hot folder's failed/ — there only a file with the quarantined bytes: scanners reuse
    names (scan0001.pdf), and an older, different file of that name must never be retried in
    its place."""
    return _locate(source, sha256)[0]


def _locate(source: str, sha256: str | None) -> tuple[Path | None, bool]:
    """The file of an entry now, and whether it holds other bytes than the quarantined ones
    (a re-scan put back, or the next session's scan0001.pdf: nothing here tells them apart)."""
    path = Path(source)
    # A scanner may move or remove a file between any two looks: a file gone meanwhile is
    # looked for where the hot folder puts it, else it is gone (never an error page).
    with contextlib.suppress(OSError):
        if path.exists():  # a fixed copy is put back there, and is taken before failed/'s
            return path, bool(sha256) and (not path.is_file() or _sha256(path) != sha256)
    moved = path.parent / "failed" / path.name
    with contextlib.suppress(OSError):
        if moved.is_file() and (not sha256 or _sha256(moved) == sha256):
            return moved, False
    return None, False


def _sha256(path: Path) -> str:
    import hashlib

    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def entries(archive: Archive, *, unit: str | None = None) -> list[dict[str, Any]]:
    """What is in quarantine, once per input, with where its file is now (``path``, None when
    it is gone) and whether that file holds other bytes than the quarantined (``changed``);
    with ``unit``, only what a job of that unit quarantined (a desk's own inputs)."""
    rows = archive.quarantine_files()
    if unit is not None:
        rows = [r for r in rows if nfc(r.get("unit") or "") == nfc(unit)]
    for row in rows:
        now, changed = _locate(row["source"], row.get("sha256"))
        row["path"] = str(now) if now is not None else None
        row["changed"] = changed
        if changed and now is not None and now.is_file():
            # what the clerk weighs before saying "this is the fixed copy" (one click settles
            # the entry): the file there now, its size and when it was last written — a file
            # older than the quarantine is no fix of it (the next session's scan0001.pdf is not
            # older, but its time tells the clerk which scan it is)
            try:
                info = now.stat()
            except OSError:  # moved or removed since is_file() (a scanner at work): no figures
                continue
            row["now_size"] = info.st_size
            row["now_modified"] = datetime.fromtimestamp(info.st_mtime, UTC).isoformat()
    return rows


def changed(rows: list[dict[str, Any]], ids: list[int]) -> list[str]:
    """The recorded paths, among the entries ``ids``, that now hold a different file: a retry
    of those ingests what is there but never takes the entry off the list (:func:`settle`)
    unless the person says it is the fixed file (``fixed``)."""
    return list(dict.fromkeys(changed_entries(rows, ids).values()))


def changed_entries(rows: list[dict[str, Any]], ids: list[int]) -> dict[int, str]:
    """:func:`changed` by entry id."""
    by_id = {i: r for r in rows for i in r["ids"]}
    return {i: by_id[i]["source"] for i in ids if i in by_id and by_id[i].get("changed")}


def paths_of(rows: list[dict[str, Any]], ids: list[int]) -> list[Path]:
    """The current files of the entries ``ids`` among ``rows`` (:func:`entries`)."""
    by_id = {i: r for r in rows for i in r["ids"]}
    paths: list[Path] = []
    for i in ids:
        row = by_id.get(i)
        if row is None:
            raise NotFoundError(f"không có mục cách ly số {i} (hoặc đã bỏ qua); xem: "
                                "sohoa quarantine")
        if row["path"] is None:
            raise NotFoundError(f"tệp của mục cách ly số {i} không còn ở {row['source']} "
                                "hay trong failed/ bên cạnh; hãy đưa tệp đã sửa vào lại")
        paths.append(Path(row["path"]))
    return list(dict.fromkeys(paths))


def settle(archive: Archive, rows: list[dict[str, Any]], ids: list[int], job_id: str, *,
           by: str, fixed: bool = False) -> int:
    """Take off the list the entries whose quarantined bytes the retry ``job_id`` has now
    stored (or found already stored) without quarantining any of it again: the old reports are
    of bytes that are gone, and a list that keeps them hides what still needs a person. The
    rule is the bytes, not the name: a different file now at the recorded path (scanners reuse
    scan0001.pdf) says nothing of the quarantined papers, which would otherwise leave the list
    unscanned (:data:`CHANGED`); a person dismisses such an entry. Recorded as a dismissal by
    ``by`` with the job as the reason. A job still queued settles nothing.

    ``fixed``: the person retrying says the file now at the recorded path is their fixed copy
    of the quarantined one (``quarantine retry ID --fixed``); then what is there now, stored
    (or found stored) with nothing of it quarantined again, settles the entry: one command
    after fixing a file, as ``sohoa quarantine`` advises."""
    job = archive.get_job(job_id)
    if job.get("status") != "finished":
        return 0
    used = {(i["source"], i["sha256"]) for i in job["done"]
            if i["status"] in ("stored", "duplicate") and i.get("sha256")}
    again_rows = [q for q in archive.list_quarantine() if q["job_id"] == job_id]
    again = {q["source"] for q in again_rows}
    by_id = {i: r for r in rows for i in r["ids"]}
    done = [i for i in ids if i in by_id and by_id[i].get("sha256")
            and by_id[i]["path"] not in again
            and (by_id[i]["path"], by_id[i]["sha256"]) in used]
    mended: list[int] = []
    if fixed:
        stored_paths = {source for source, _ in used}
        mended = [i for i in ids if i in by_id and i not in done and by_id[i].get("changed")
                  and by_id[i]["path"] not in again and by_id[i]["path"] in stored_paths]
        # the person's fixed copy, stored, settles every open entry of that path: an earlier
        # fixed copy refused again left its own report, which is the same paper
        paths = {by_id[i]["path"] for i in done + mended}
        taken = {j for i in done + mended for j in by_id[i]["ids"]}
        mended += [r["ids"][0] for r in rows if not taken & set(r["ids"])
                   and r.get("page_index") is None and r.get("sha256")
                   and paths & {r["source"], r["path"]}]
        _refile(archive, by_id, ids, again_rows, by=by)
    settled = 0
    if done:
        settled += archive.dismiss_quarantine(
            done, reason=f"đã xử lý lại thành công (lô {job_id})", by=by)
    if mended:
        settled += archive.dismiss_quarantine(
            mended, reason=f"đã sửa tệp và xử lý lại thành công (lô {job_id})", by=by)
    return settled


def _refile(archive: Archive, by_id: dict[int, dict[str, Any]], ids: list[int],
            again_rows: list[dict[str, Any]], *, by: str) -> None:
    """A fixed copy refused again is the same entry failing twice ("2 lần"), under the id the
    clerk retried: the entry now stands for the bytes at the path (a plain retry of it, or the
    next fix put back there, is then judged against these)."""
    new_sha = {q["source"]: q["sha256"] for q in again_rows
               if q.get("page_index") is None and q.get("sha256")}
    for i in ids:
        row = by_id.get(i)
        if row is None or not row.get("changed") or row.get("page_index") is not None:
            continue
        sha = new_sha.get(row["path"])
        if sha and sha != row.get("sha256"):
            archive.refile_quarantine([i], sha, by=by)


def settle_redropped(archive: Archive, path: Path, job_id: str, *, by: str) -> int:
    """A hot folder's file stored whole, dropped in under the name of a file the watch moved
    to failed/ (quarantined): the clerk's fixed copy, put back as ``sohoa watch -h`` says.
    Settles the entries of that name whose quarantined copy still lies in failed/ (the watch
    moved it there: the bytes the clerk fixed); another name, or an entry whose file is not in
    failed/, is left for a person (:func:`settle`)."""
    here = path.resolve()
    moved = path.parent / "failed" / path.name
    if not moved.is_file():
        return 0
    mine = [r["ids"][0] for r in entries(archive)
            if r.get("page_index") is None and Path(r["source"]).resolve() == here]
    if not mine:
        return 0
    return archive.dismiss_quarantine(
        mine, reason=f"bản đã sửa được thả lại vào thư mục theo dõi và đã lưu (lô {job_id})",
        by=by)
