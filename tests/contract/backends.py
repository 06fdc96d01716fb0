"""Both sides of the catalog and blob families for the contract tests: SQLite and a file store
(embedded), PostgreSQL and S3 (scale-out: ``SOHOA_TEST_PG_URL`` from
scripts/services/postgres.sh, ``SOHOA_TEST_S3_ENDPOINT`` and the test keys from
scripts/services/s3.sh).

Each test gets a database and a bucket of its own, made here and dropped afterwards. Without the
variables the scale-out half is skipped on a developer's machine and FAILS in CI (``CI=true``):
a green CI must mean PostgreSQL and S3 were tested.
"""

from __future__ import annotations

import os
import sys
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "archive"))

from sohoa.archive.s3blobs import S3Options

if TYPE_CHECKING:
    from sohoa.archive import Archive

CATALOGS = ("sqlite", "postgresql")
BLOB_STORES = ("file", "s3")
BACKENDS = ("sqlite+file", "postgresql+s3")
PG_ENV = "SOHOA_TEST_PG_URL"
S3_ENV = "SOHOA_TEST_S3_ENDPOINT"


def _required(name: str, how: str) -> str:
    value = os.environ.get(name, "").strip()
    if not value:
        message = f"{name} is not set: {how}"
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(message)
        pytest.skip(message)
    return value


def pg_url() -> str:
    return _required(PG_ENV, f"start a server with 'scripts/services/postgres.sh start' and "
                             f"export {PG_ENV}=<the URL it prints>")


def s3_options() -> S3Options:
    endpoint = _required(S3_ENV, f"start a server with 'scripts/services/s3.sh start' and "
                                 f"export {S3_ENV}=<the URL it prints>")
    return S3Options(endpoint=endpoint, region="us-east-1",
                     access_key_id=os.environ.get("SOHOA_TEST_S3_ACCESS_KEY", "sohoa-test"),
                     secret_access_key=os.environ.get("SOHOA_TEST_S3_SECRET_KEY",
                                                      "sohoa-test-secret"))


class PgDatabases:
    """Fresh PostgreSQL databases on the test server, dropped again by :meth:`drop_all`."""

    def __init__(self) -> None:
        from sqlalchemy import create_engine
        from sqlalchemy.engine import make_url

        self.base = make_url(pg_url())
        self.admin = create_engine(self.base, isolation_level="AUTOCOMMIT")
        self.names: list[str] = []

    def create(self) -> str:
        from sqlalchemy import text

        name = f"sohoa_contract_{uuid.uuid4().hex[:12]}"
        with self.admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        self.names.append(name)
        return self.base.set(database=name).render_as_string(hide_password=False)

    def drop_all(self) -> None:
        from sqlalchemy import text

        with self.admin.connect() as conn:
            for name in self.names:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        self.admin.dispose()


class S3Buckets:
    """Fresh buckets on the test S3 server, emptied and removed by :meth:`drop_all`."""

    def __init__(self) -> None:
        import boto3

        self.options = s3_options()
        self.client = boto3.client(
            "s3", endpoint_url=self.options.endpoint, region_name=self.options.region,
            aws_access_key_id=self.options.access_key_id,
            aws_secret_access_key=self.options.secret_access_key)
        self.names: list[str] = []

    def create(self) -> str:
        name = f"sohoa-contract-{uuid.uuid4().hex[:12]}"
        self.client.create_bucket(Bucket=name)
        self.names.append(name)
        return name

    def drop_all(self) -> None:
        for name in self.names:
            paginator = self.client.get_paginator("list_objects_v2")
            for page in paginator.paginate(Bucket=name):
                for obj in page.get("Contents", ()):
                    self.client.delete_object(Bucket=name, Key=obj["Key"])
            uploads = self.client.list_multipart_uploads(Bucket=name).get("Uploads", ())
            for up in uploads:
                self.client.abort_multipart_upload(Bucket=name, Key=up["Key"],
                                                   UploadId=up["UploadId"])
            self.client.delete_bucket(Bucket=name)


Urls = tuple[str, str, str]


class Place:
    """Where one test's archive lives: three URLs and the S3 options to reach the blobs
    (made by the ``new_place`` fixture of conftest.py)."""

    def __init__(self, urls: Urls, s3: S3Options | None) -> None:
        self.urls = urls
        self.s3 = s3

    def open(self) -> Archive:
        from sohoa.archive import Archive

        return Archive.open(*self.urls, s3=self.s3)


def catalog_url(kind: str, root: Path, pg: PgDatabases | None) -> str:
    if kind == "sqlite":
        return f"sqlite:///{root}/catalog.db"
    assert pg is not None
    return pg.create()


# --- what child processes run (module-level, so that spawn can find them) --------------------

def open_in_child(urls: tuple[str, str, str], s3: S3Options | None) -> Any:
    from sohoa.archive import Archive

    return Archive.open(*urls, s3=s3)


def child_store(urls: tuple[str, str, str], s3: S3Options | None, seeds: list[str],
                owner_of: dict[str, str], start: Any = None) -> list[tuple[str, bool]]:
    """Store the documents made from ``seeds``; return (id, created) for each."""
    from archive_records import make_record

    made = [make_record(seed, owner_id=owner_of.get(seed, "075203001234"), pages=2)
            for seed in seeds]
    with open_in_child(urls, s3) as arc:
        _wait(start)
        out = []
        for rec, pdf, images in made:
            out.append(arc.store_document(rec, pdf, images))
        return out


def child_open(urls: tuple[str, str, str], s3: S3Options | None, start: Any = None) -> int:
    from sohoa.archive import Archive

    _wait(start)
    with Archive.open(*urls, s3=s3) as arc:
        return arc.stats()["documents"]


def child_audit(urls: tuple[str, str, str], s3: S3Options | None, who: str, n: int,
                start: Any = None) -> int:
    from sohoa.archive.access import Read
    from sohoa.archive.policy import Caller

    caller = Caller(user=who, role="officer", unit="UBND phường Tân Phong")
    with open_in_child(urls, s3) as arc:
        _wait(start)
        for i in range(n):
            arc.audit("contract.event", actor=who, target=f"{who}-{i}")
            arc.log_access(caller, "reuse", "HS-075-2024-0001",
                           [Read(owner_id="075203001234", result_count=1)])
    return n


def child_sync(urls: tuple[str, str, str], s3: S3Options | None, start: Any = None) -> int:
    with open_in_child(urls, s3) as arc:
        _wait(start)
        return arc.sync_index()


def _wait(start: Any) -> None:
    """Wait at the starting line until every child is there (a Manager's Barrier), so that
    the processes really race instead of running one after the other."""
    if start is not None:
        start.wait(timeout=240)
