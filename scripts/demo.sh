#!/usr/bin/env bash
# The demo: a fresh archive on the embedded defaults, a generated batch of scanned dossiers,
# one ingest, then what an officer would do with it.
set -euo pipefail
cd "$(dirname "$0")/.."
SOHOA=.venv/bin/sohoa
export SOHOA_HOME="$PWD/demo-home"
# Every read of personal data states its purpose and is written to the access log.
export SOHOA_PURPOSE="demo: checking the sample dossiers"
BATCH=out/demo-batch
rm -rf "$SOHOA_HOME" "$BATCH"
mkdir -p out

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "1. A new archive home (embedded: SQLite, files, tantivy; a development PKI)"
$SOHOA init --unit H19.22 --dev-pki

step "1b. The development CA's CRL, OCSP and timestamp server on 127.0.0.1 (for B-LTA)"
# Its address is in the dev certificates and its TSA in sohoa.toml (signing.tsa_url, so
# documents are signed B-LTA); it is stopped when the demo ends.
$SOHOA dev-pki serve &
PKI_PID=$!
trap 'kill "$PKI_PID" 2>/dev/null || true' EXIT
PKI_URL=$(.venv/bin/python -c 'import json,sys; print(json.load(open(sys.argv[1]))["url"])' \
    "$SOHOA_HOME/keys/dev-pki.json")
for _ in $(seq 1 100); do
    curl -fsS -o /dev/null "$PKI_URL/ca/root.crt" 2>/dev/null && break
    kill -0 "$PKI_PID" 2>/dev/null || { echo "sohoa dev-pki serve did not start" >&2; exit 2; }
    sleep 0.2
done

step "2. A scanner batch: 2 dossiers, duplex with blank backs, light noise, some sheets upside down"
$SOHOA synth "$BATCH" --seed 7 --dossiers 2 --duplex --severity light

step "3. Ingest: split into dossiers, OCR (vie), classify, extract, PDF/A, sign, store, index"
$SOHOA ingest "$BATCH" --duplex --json > out/demo-ingest.jsonl || code=$?
.venv/bin/python scripts/demo_report.py out/demo-ingest.jsonl
[ "${code:-0}" -eq 0 ] || echo "(mã thoát của ingest ${code}: có tệp bị cách ly)"

OWNER=$(.venv/bin/python -c 'import json,sys
for line in open("out/demo-ingest.jsonl"):
    d = json.loads(line)
    if d.get("owner_id") and d.get("doc_type") != "dossier_receipt":
        print(d["owner_id"]); break')
NAME=$(.venv/bin/python -c 'import json
from sohoa.vntext import fold
for line in open("out/demo-ingest.jsonl"):
    d = json.loads(line)
    if d.get("fields", {}).get("full_name"):
        print(fold(d["fields"]["full_name"])); break')
DOC=$(.venv/bin/python -c 'import json
for line in open("out/demo-ingest.jsonl"):
    d = json.loads(line)
    if d.get("document_id") and d.get("created"):
        print(d["document_id"]); break')

step "4. Search, accent-insensitive, typed without diacritics: sohoa search \"$NAME\""
$SOHOA search "$NAME" --limit 3

step "5. Reuse: what does owner $OWNER already have that is still valid?"
$SOHOA reuse "$OWNER"

step "6. Verify the signature of document $DOC"
echo "(level B-LTA: the development CA's OCSP answer and CRL are embedded, and a document"
echo " timestamp from its TSA; sohoa signatures renew keeps adding timestamps before they expire)"
$SOHOA verify "$DOC"
$SOHOA get "$DOC" -o "out/$DOC.pdf"
echo "pdftotext of out/$DOC.pdf (first lines):"
pdftotext -l 1 "out/$DOC.pdf" - | head -n 12

step "7. A dossier from the one-stop system, and a paper reused instead of asked for again"
CODE=H19.22-$(date +%y%m%d)-0001
# The applicant is a citizen whose identity card the desk scanned in step 3: the card is reused
# for the new dossier instead of being asked for again.
read -r APPLICANT CARD < <(.venv/bin/python -c 'import json
for line in open("out/demo-ingest.jsonl"):
    d = json.loads(line)
    if d.get("doc_type") == "citizen_id_card" and d.get("owner_id") and d.get("document_id"):
        print(d["owner_id"], d["document_id"]); break')
$SOHOA dossier open "$CODE" --procedure 2.000488.000.00.00.H19 --owner "$APPLICANT" --unit H19.22
$SOHOA reuse "$APPLICANT" --purpose "$CODE"
$SOHOA dossier reuse "$CODE" "$CARD" --purpose "$CODE"
$SOHOA dossier show "$CODE"

step "7b. An electronic certified copy of that card at a commune, and its register"
# The official compared the card the citizen showed with the stored scan; the commune's
# certification register gives the number; the copy is signed, stored under its owner and its
# QR code checked against the register. The demo official has no personal key in this dev
# home, so the demo lets the agency's key sign and the copy says so (a real commune gives the
# official their own key instead: see signing.certify_with_agency_key).
SOHOA_SIGNING_CERTIFY_WITH_AGENCY_KEY=true $SOHOA certify copy "$CARD" --owner "$APPLICANT" --unit H19.22.26 --by "Lê Văn Tâm" \
    --title "Phó Chủ tịch UBND phường Trấn Biên" --original-compared --json \
    > out/demo-certify.json
COPY=$(.venv/bin/python -c 'import json,sys; print(json.load(open(sys.argv[1]))["document_id"])' \
    out/demo-certify.json)
$SOHOA verify "$COPY"
$SOHOA certify register --unit H19.22.26 --year "$(TZ=Asia/Ho_Chi_Minh date +%Y)" \
    -o out/demo-register.pdf --force
$SOHOA verify out/demo-register.pdf

step "8. A generated year of dossiers (4 units, 2 levels) and the plan's KPI report"
$SOHOA synth year --year 2025 --dossiers 400 --truth out/demo-year-truth.json
$SOHOA report kpi --from 2025-01-01 --to 2025-12-31
$SOHOA report kpi --from 2025-01-01 --to 2025-12-31 -o out/demo-kpi.html
$SOHOA report kpi --from 2025-01-01 --to 2025-12-31 -o out/demo-kpi.pdf
$SOHOA verify out/demo-kpi.pdf
pdftoppm -r 70 -png out/demo-kpi.pdf out/demo-kpi
echo "The report: out/demo-kpi.html and out/demo-kpi.pdf (signed PDF/A); its pages as"
echo "images: $(ls out/demo-kpi-*.png | tr '\n' ' ')"

step "Done. Try: SOHOA_HOME=$SOHOA_HOME $SOHOA --help"
