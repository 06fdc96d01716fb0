#!/usr/bin/env bash
# The whole suite: lint, then pytest. Services that later suites need (PostgreSQL, Redis, S3,
# Elasticsearch) are started here and stopped on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
.venv/bin/ruff check sohoa tests bench scripts
export OMP_THREAD_LIMIT=1
exec .venv/bin/python -m pytest -q -p no:cacheprovider "$@"
