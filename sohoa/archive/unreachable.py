"""A store that did not answer when the archive was opened, for the commands that can work
without it.

The catalog is the truth; the blob store holds the files and the search index is derived from
the catalog (the outbox). An operator's diagnostic (``sohoa status``, ``sohoa jobs``) must work
while S3 or Elasticsearch is down, and the desks' ingest must go on while only the search index
is down (its outbox catches up). :meth:`Archive.open` then puts an :class:`Unreachable` in the
family's place: every use of it raises the error the opening met, so nothing quietly works on
half an archive, and ``Archive.unavailable`` says which family is down and why.
"""

from __future__ import annotations

from typing import Any, NoReturn

from sohoa.errors import StorageError

BLOBS, SEARCH = "blobs", "search"
FAMILIES = (BLOBS, SEARCH)


class IndexUnavailable(StorageError):
    """The search index cannot be reached or refused a write: the catalog and its outbox keep
    every change, and the next sync brings the index in step (exit 2 where a search needs it)."""


# what a family opened with ``skip`` says when something uses it after all (a bug of sohoa's)
NOT_OPENED = StorageError("thành phần này không được mở cho lệnh này (chỉ đọc sổ mục lục)")


class IndexLost(IndexUnavailable):
    """The index answers but is gone (a node restarted empty): made anew from the catalog."""


class Unreachable:
    """Stands in for the blob store or the search index that did not answer: every method
    raises the opening's error (an :class:`IndexUnavailable` for the index); ``close`` does
    nothing."""

    fresh = False

    def __init__(self, family: str, error: StorageError) -> None:
        self.family = family
        self.error = (IndexUnavailable(str(error)) if family == SEARCH
                      and not isinstance(error, IndexUnavailable) else error)

    def close(self) -> None:
        return None

    def rollback(self) -> None:
        return None

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)

        def refuse(*_args: Any, **_kwargs: Any) -> NoReturn:
            raise self.error

        return refuse
