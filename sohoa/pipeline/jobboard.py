"""Where a queued ingest job stands, in Redis beside the broker, readable from any machine.

Per job (keys expire a week after the last change):

- ``sohoa:job:<id>``          hash: total_pages, files, unit, status, dossiers, blank_pages, …
- ``sohoa:job:<id>:pages``    list: each page's provenance (JSON, no image bytes), in scan order
- ``sohoa:job:<id>:done``     set: positions of pages analysed (their result is in the catalog)
- ``sohoa:job:<id>:failed``   hash: position → why the page went to quarantine
- ``sohoa:job:<id>:results``  hash: dossier number → the JSON events of its documents
- ``sohoa:job:<id>:stored``   set: positions of pages in dossiers whose documents are stored
  (an input file all of whose pages are here is known at once: ``known_inputs``)
- ``sohoa:job:<id>:attempts`` hash: message id → how many times a worker took that message
  (retries after an error and redeliveries after a worker died keep the message id)

The joins ("every page is analysed", "every dossier is stored") are counts of sets and hashes
taken in the same MULTI as the write that may complete them. Marking the same page or dossier
twice (a redelivered message) changes nothing, so the join is idempotent; two workers may both
see a join complete after a redelivery, and the next stage is idempotent too.
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from typing import Any

import redis

TTL_S = 7 * 24 * 3600
RECENT = "sohoa:jobs"
RECENT_KEEP = 100

# status of a job on the board; FAILED: its closing step gave up (the reason is in "error")
ANALYSING, STORING, FINISHED, FAILED = "analysing", "storing", "finished", "failed"


def _key(job_id: str, part: str = "") -> str:
    return f"sohoa:job:{job_id}" + (f":{part}" if part else "")


class JobBoard:
    def __init__(self, client: redis.Redis) -> None:
        self.r = client

    def _touch(self, pipe: Any, job_id: str) -> None:
        for part in ("", "pages", "done", "failed", "results", "attempts", "stored"):
            pipe.expire(_key(job_id, part), TTL_S)

    def create(self, job_id: str, pages: Sequence[dict[str, Any]], info: dict[str, Any]) -> None:
        with self.r.pipeline(transaction=True) as pipe:
            pipe.hset(_key(job_id), mapping={
                "job_id": job_id, "total_pages": len(pages), "status": ANALYSING,
                "started": time.time(), **{k: json.dumps(v) for k, v in info.items()}})
            if pages:
                pipe.rpush(_key(job_id, "pages"), *(json.dumps(p, ensure_ascii=False)
                                                    for p in pages))
            pipe.lpush(RECENT, job_id)
            pipe.ltrim(RECENT, 0, RECENT_KEEP - 1)
            self._touch(pipe, job_id)
            pipe.execute()

    def info(self, job_id: str) -> dict[str, Any]:
        raw = self.r.hgetall(_key(job_id))
        out: dict[str, Any] = {}
        for k, v in raw.items():
            key, text = k.decode(), v.decode()
            if key in ("job_id", "status"):
                out[key] = text
            else:
                try:
                    out[key] = json.loads(text)
                except ValueError:
                    out[key] = text
        return out

    def pages(self, job_id: str) -> list[dict[str, Any]]:
        return [json.loads(p) for p in self.r.lrange(_key(job_id, "pages"), 0, -1)]

    def _pages_complete(self, pipe: Any, job_id: str) -> bool:
        self._touch(pipe, job_id)
        pipe.scard(_key(job_id, "done"))
        pipe.hlen(_key(job_id, "failed"))
        pipe.hget(_key(job_id), "total_pages")
        done, failed, total = pipe.execute()[-3:]
        return total is not None and done + failed >= int(total)

    def page_done(self, job_id: str, position: int) -> bool:
        """Mark a page analysed; True when every page of the job is accounted for."""
        with self.r.pipeline(transaction=True) as pipe:
            pipe.hdel(_key(job_id, "failed"), position)
            pipe.sadd(_key(job_id, "done"), position)
            return self._pages_complete(pipe, job_id)

    def page_failed(self, job_id: str, position: int, reason: str) -> bool:
        """Mark a page quarantined; True when every page of the job is accounted for."""
        with self.r.pipeline(transaction=True) as pipe:
            pipe.srem(_key(job_id, "done"), position)
            pipe.hset(_key(job_id, "failed"), position, reason)
            return self._pages_complete(pipe, job_id)

    def attempt(self, job_id: str, message_id: str) -> int:
        """Count one more taking of this message; the count so far, this one included."""
        with self.r.pipeline(transaction=True) as pipe:
            pipe.hincrby(_key(job_id, "attempts"), message_id, 1)
            pipe.expire(_key(job_id, "attempts"), TTL_S)
            return int(pipe.execute()[0])

    def failed(self, job_id: str) -> dict[int, str]:
        return {int(k): v.decode() for k, v in self.r.hgetall(_key(job_id, "failed")).items()}

    def set_dossiers(self, job_id: str, dossiers: int, blank_pages: int,
                     last_content: dict[str, Any] | None = None) -> None:
        """The split's outcome; ``last_content``: the meta of the job's last page with content
        (the hot folder hands it to the next file's job)."""
        # a split redelivered after the job finished must not send its status back
        finished = self.r.hget(_key(job_id), "status") == FINISHED.encode()
        with self.r.pipeline(transaction=True) as pipe:
            pipe.hset(_key(job_id), mapping={"dossiers": dossiers, "blank_pages": blank_pages,
                                             **({"last_content": json.dumps(last_content)}
                                                if last_content else {}),
                                             **({} if finished else {"status": STORING})})
            self._touch(pipe, job_id)
            pipe.execute()

    def has_dossier(self, job_id: str, number: int) -> bool:
        return bool(self.r.hexists(_key(job_id, "results"), number))

    def dossier_done(self, job_id: str, number: int, events: Sequence[dict[str, Any]],
                     stored: Sequence[int] = ()) -> bool:
        """Record a dossier's outcome (first write wins) and, when its documents are stored,
        its pages (``stored``); True when every dossier is done."""
        with self.r.pipeline(transaction=True) as pipe:
            if stored:
                pipe.sadd(_key(job_id, "stored"), *stored)
            pipe.hsetnx(_key(job_id, "results"), number, json.dumps(list(events),
                                                                    ensure_ascii=False))
            return self._dossiers_complete(pipe, job_id)

    def dossiers_complete(self, job_id: str) -> bool:
        with self.r.pipeline(transaction=True) as pipe:
            return self._dossiers_complete(pipe, job_id)

    def _dossiers_complete(self, pipe: Any, job_id: str) -> bool:
        pipe.hlen(_key(job_id, "results"))
        pipe.hget(_key(job_id), "dossiers")
        result = pipe.execute()
        stored, total = result[-2], result[-1]
        return total is not None and stored >= int(total)

    def stored_pages(self, job_id: str) -> set[int]:
        return {int(p) for p in self.r.smembers(_key(job_id, "stored"))}

    def results(self, job_id: str) -> dict[int, list[dict[str, Any]]]:
        return {int(k): json.loads(v) for k, v in self.r.hgetall(_key(job_id, "results")).items()}

    def finish(self, job_id: str, summary: dict[str, Any]) -> None:
        with self.r.pipeline(transaction=True) as pipe:
            pipe.hset(_key(job_id), mapping={"status": FINISHED, "finished": time.time(),
                                             "summary": json.dumps(summary)})
            self._touch(pipe, job_id)
            pipe.execute()

    def fail(self, job_id: str, reason: str) -> None:
        with self.r.pipeline(transaction=True) as pipe:
            pipe.hset(_key(job_id), mapping={"status": FAILED, "finished": time.time(),
                                             "error": json.dumps(reason)})
            self._touch(pipe, job_id)
            pipe.execute()

    def snapshot(self, job_id: str) -> dict[str, Any]:
        """Counts for a progress display: pages done/failed/total, dossiers stored/total."""
        with self.r.pipeline(transaction=False) as pipe:
            pipe.scard(_key(job_id, "done"))
            pipe.hlen(_key(job_id, "failed"))
            pipe.hlen(_key(job_id, "results"))
            done, failed, stored = pipe.execute()
        info = self.info(job_id)
        return {"job_id": job_id, "status": info.get("status", "unknown"),
                "pages": info.get("total_pages", 0), "pages_done": done,
                "pages_failed": failed, "dossiers": info.get("dossiers"),
                "dossiers_done": stored, "started": info.get("started"),
                "finished": info.get("finished"), "summary": info.get("summary"),
                "error": info.get("error")}

    def recent(self, limit: int = 10) -> list[dict[str, Any]]:
        ids = [i.decode() for i in self.r.lrange(RECENT, 0, limit - 1)]
        return [s for s in (self.snapshot(i) for i in ids) if s["status"] != "unknown"]
