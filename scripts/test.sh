#!/usr/bin/env bash
# The whole suite: lint, fetch the validators and start the servers the tests use, run pytest,
# stop the servers again whatever happens.
set -euo pipefail
cd "$(dirname "$0")/.."
.venv/bin/ruff check sohoa tests bench scripts

# veraPDF (PDF/A validator) from Maven Central, cached under ~/.cache/sohoa.
SOHOA_VERAPDF="$(scripts/services/verapdf.sh command)"
export SOHOA_VERAPDF

# Elasticsearch for the search contract tests (tests/contract); stopped again on exit.
SOHOA_TEST_ES_URL="$(scripts/services/elasticsearch.sh start)"
export SOHOA_TEST_ES_URL
trap 'scripts/services/elasticsearch.sh stop' EXIT

export OMP_THREAD_LIMIT=1
set +e
.venv/bin/python -m pytest -q -p no:cacheprovider "$@"
status=$?
set -e
exit $status
