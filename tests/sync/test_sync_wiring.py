"""Where delivery runs besides `sohoa sync run`: at the end of an in-process `sohoa ingest`
(real OCR, real signatures; one target from SOHOA_SYNC_URL / SOHOA_SYNC_SECRET), and in the
sender thread every `sohoa worker` process starts. Plus the operators' commands."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from datetime import timedelta
from pathlib import Path

import pytest
from sync_helpers import (
    SECRET,
    ReceiverProcess,
    assert_exactly_once,
    run_sohoa,
    store_many,
    wait_for,
    write_config,
)

from sohoa.archive import Archive
from sohoa.clock import vietnam_today
from sohoa.errors import ConfigError
from sohoa.pipeline.services import open_archive
from sohoa.pipeline.settings import load_settings
from sohoa.pipeline.sync import background, synchronized_ratio
from sohoa.pipeline.synctargets import sync_config


@pytest.mark.slow
def test_an_ingest_sends_its_stored_documents(tmp_path: Path, receiver: ReceiverProcess) -> None:
    from sohoa.synth import write_batch

    batch = tmp_path / "batch"
    write_batch(batch, seed=5, dossiers=1, fmt="pdf", severity="light",
                docs_per_dossier=(2, 2))
    home = tmp_path / "home"
    env = {**os.environ, "SOHOA_HOME": str(home), "OMP_THREAD_LIMIT": "1",
           "SOHOA_SYNC_URL": receiver.url, "SOHOA_SYNC_SECRET": SECRET}
    assert subprocess.run([sys.executable, "-m", "sohoa", "init", "--unit", "H19.22"],
                          env=env, capture_output=True, check=False).returncode == 0
    done = subprocess.run([sys.executable, "-m", "sohoa", "ingest", str(batch), "--json"],
                          env=env, capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stderr
    stored = [json.loads(line) for line in done.stdout.splitlines()
              if line.startswith("{") and json.loads(line).get("created")]
    assert len(stored) >= 2  # the receipt sheet and the papers
    # Sent before the command returned: nothing waits for a `sohoa sync run`.
    applied = receiver.snapshot()["applied"]
    assert sorted(a["event_type"] for a in applied) == ["document.stored"] * len(stored)
    settings = load_settings(home=home, environ={"SOHOA_SYNC_URL": receiver.url,
                                                 "SOHOA_SYNC_SECRET": SECRET})
    with open_archive(settings) as archive:
        assert_exactly_once(archive, receiver)
        ratio = synchronized_ratio(archive, settings, vietnam_today() - timedelta(days=1),
                                   vietnam_today() + timedelta(days=1))
    assert ratio["numerator"] == ratio["denominator"] == 1 and ratio["ratio"] == 1.0


def test_the_worker_sender_thread_sends_as_documents_are_stored(
        tmp_path: Path, receiver: ReceiverProcess) -> None:
    home = tmp_path / "home"
    write_config(home, f"sqlite:///{home}/catalog.db",
                 [{"name": "mot-cua", "url": receiver.url, "secret": SECRET}])
    settings = load_settings(home=home, environ={})
    stop = threading.Event()
    thread = background(settings, lambda: open_archive(settings), stop)
    assert thread is not None
    try:
        with open_archive(settings) as archive:
            store_many(archive, dossiers=3, per_dossier=2)
            wait_for(lambda: len(receiver.snapshot()["applied"]) == 6, 60, "six deliveries")
            assert_exactly_once(archive, receiver)
    finally:
        stop.set()
        thread.join(30)
    assert not thread.is_alive()


def test_status_retry_and_reconcile_commands(tmp_path: Path, receiver: ReceiverProcess) -> None:
    home = tmp_path / "home"
    write_config(home, f"sqlite:///{home}/catalog.db",
                 [{"name": "mot-cua", "url": receiver.url, "secret": SECRET}])
    with Archive.open(f"sqlite:///{home}/catalog.db", f"file://{home}/blobs",
                      f"tantivy://{home}/index") as archive:
        store_many(archive, dossiers=2, per_dossier=2)
    receiver.plan(["422"])
    run = run_sohoa(home, "sync", "run", "--once", "--json")
    assert run.returncode == 0, run.stderr
    status = json.loads(run_sohoa(home, "sync", "status", "--json").stdout)
    assert (status["delivered"], status["dead"], status["pending"]) == (2, 1, 1)
    assert status["targets"][0]["name"] == "mot-cua"
    dead = status["dead_letters"][0]
    assert dead["http_status"] == 422 and "giả lập" in dead["response"]
    text = run_sohoa(home, "sync", "status")
    assert "từ chối" in text.stdout and f"#{dead['id']}" in text.stdout

    today = vietnam_today().isoformat()
    rec = json.loads(run_sohoa(home, "sync", "reconcile", "--from", today, "--to", today,
                               "--json").stdout)
    target = rec["targets"][0]
    assert (rec["received"], target["delivered"], target["ratio"]) == (2, 1, 0.5)
    missing = target["not_delivered"][0]
    assert missing["dossier"] == dead["dossier"]
    assert "từ chối" in missing["why"] and "HTTP 422" in missing["why"]

    retried = run_sohoa(home, "sync", "retry", str(dead["id"]), "--json")
    assert json.loads(retried.stdout) == {"requeued": 1}
    assert run_sohoa(home, "sync", "run", "--once").returncode == 0
    status = json.loads(run_sohoa(home, "sync", "status", "--json").stdout)
    assert (status["delivered"], status["dead"], status["pending"]) == (4, 0, 0)
    rec = json.loads(run_sohoa(home, "sync", "reconcile", "--from", today, "--to", today,
                               "--json").stdout)
    assert rec["targets"][0]["ratio"] == 1.0 and rec["targets"][0]["not_delivered"] == []
    missing_id = run_sohoa(home, "sync", "retry", "999999")
    assert missing_id.returncode == 5 and "999999" in missing_id.stderr
    both = run_sohoa(home, "sync", "retry", "1", "--all-dead")
    assert both.returncode == 2


def test_bad_targets_are_refused_with_the_key_at_fault(tmp_path: Path) -> None:
    home = tmp_path / "home"
    write_config(home, f"sqlite:///{home}/catalog.db",
                 [{"name": "mot-cua", "url": "ftp://x", "secret": "k"}])
    with pytest.raises(ConfigError, match="url"):
        sync_config(load_settings(home=home, environ={}))
    write_config(home, f"sqlite:///{home}/catalog.db",
                 [{"name": "mot-cua", "url": "http://127.0.0.1:9/x"}])
    with pytest.raises(ConfigError, match="secret"):
        sync_config(load_settings(home=home, environ={}))
    write_config(home, f"sqlite:///{home}/catalog.db",
                 [{"name": "a", "url": "http://127.0.0.1:9/x", "secret": "k",
                   "events": ["document.eaten"]}])
    with pytest.raises(ConfigError, match=r"document\.eaten"):
        sync_config(load_settings(home=home, environ={}))
    write_config(home, f"sqlite:///{home}/catalog.db",
                 [{"name": "a", "url": "http://127.0.0.1:9/x", "secret": "k", "timeout_s": 5}],
                 lease_s=6)
    with pytest.raises(ConfigError, match="lease_s"):
        sync_config(load_settings(home=home, environ={}))
    no_target = run_sohoa(tmp_path / "empty", "sync", "run", "--once")
    assert no_target.returncode == 2 and "sync.targets" in no_target.stderr


def test_the_contract_is_written_down_in_the_repository_and_the_openapi_document() -> None:
    from sohoa.api import create_app
    from sohoa.api.sync_contract import EVENT_MODELS, EXAMPLES, schema_text, validate_event

    repo = Path(__file__).resolve().parents[2]
    on_disk = (repo / "docs" / "sync-events.schema.json").read_text(encoding="utf-8")
    assert on_disk == schema_text(), ("docs/sync-events.schema.json is stale: run "
                                      "python -m sohoa.api.sync_contract > "
                                      "docs/sync-events.schema.json")
    schema = json.loads(on_disk)
    assert {m.__name__ for m in EVENT_MODELS.values()} <= set(schema["$defs"])
    for example in EXAMPLES.values():
        validate_event(json.dumps(example))
    settings = load_settings(home=Path("/nonexistent-sohoa-home"), environ={})
    webhooks = create_app(settings).openapi()["webhooks"]
    assert set(webhooks) == set(EVENT_MODELS)
    post = webhooks["document.stored"]["post"]
    assert {p["name"] for p in post["parameters"]} == {
        "idempotency-key", "x-sohoa-event", "x-sohoa-signature"}
    example = post["requestBody"]["content"]["application/json"]["example"]
    assert example["event_id"] == EXAMPLES["document.stored"]["event_id"]
    assert example["data"]["MaHoSo"] == EXAMPLES["document.stored"]["data"]["MaHoSo"]
