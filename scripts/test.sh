#!/usr/bin/env bash
# The whole suite: lint, fetch the validators and start the servers the tests use, run pytest,
# stop the servers again whatever happens.
set -euo pipefail
cd "$(dirname "$0")/.."
.venv/bin/ruff check sohoa tests bench scripts

# veraPDF (PDF/A validator) from Maven Central, cached under ~/.cache/sohoa.
SOHOA_VERAPDF="$(scripts/services/verapdf.sh command)"
export SOHOA_VERAPDF

# Servers on loopback for the contract and cluster tests. Each scripts/services/NAME.sh has start
# (idempotent; prints its URL on one line), stop and url; to add one, add a start_service line
# below. At exit, whatever happens, only the servers this run started are stopped, and not while
# another run still uses them (scripts/services/lease.sh): a server found running is another
# run's, and stopping it failed that run's tests.
# shellcheck source=services/lease.sh
. scripts/services/lease.sh
trap stop_services EXIT
start_service elasticsearch SOHOA_TEST_ES_URL   # search contract (tests/contract)
start_service postgres SOHOA_TEST_PG_URL        # catalog contract
start_service s3 SOHOA_TEST_S3_ENDPOINT         # blob contract (versitygw, built once)
start_service redis SOHOA_TEST_REDIS_URL        # work queue and cluster tests (tests/cluster)
export SOHOA_TEST_S3_ACCESS_KEY=sohoa-test SOHOA_TEST_S3_SECRET_KEY=sohoa-test-secret

export OMP_THREAD_LIMIT=1
# The suite runs on two pytest-xdist workers (SOHOA_TEST_WORKERS, default 2; 0 runs it in one
# process): OCR is single-threaded (OMP_THREAD_LIMIT=1), so one process leaves the second core
# idle — 39 min serial against ~22 min on two workers on a 2-core machine. A whole test file runs
# on one worker (--dist loadfile), so its module fixtures (a browser and a site, an ingested home)
# are made once. Each worker has its own Redis databases and no terminal size of xdist's
# (tests/conftest.py); the other shared servers are named per test. --durations=25: every log
# ends with the slowest tests, so one that became slow is seen in the next CI run, not after the
# suite is over budget. Arguments after ours override these.
set +e
.venv/bin/python -m pytest -q -p no:cacheprovider -n "${SOHOA_TEST_WORKERS:-2}" --dist loadfile \
    --durations=25 "$@"
status=$?
set -e
[ -d out/web ] && echo "screenshots of the web workplace (tests/web): out/web/"
exit $status
