#!/usr/bin/env bash
# The demo: a fresh archive on the embedded defaults, a generated batch of scanned dossiers,
# one ingest, then what an officer would do with it.
set -euo pipefail
REPO="$(cd "$(dirname "$0")/.." && pwd)"
# Where the demo's archive (demo-home/) and files (out/) go: the checkout, unless
# SOHOA_DEMO_DIR names another folder (the suite runs the demo whole in a temporary one).
cd "${SOHOA_DEMO_DIR:-$REPO}"
SOHOA="$REPO/.venv/bin/sohoa"
PY="$REPO/.venv/bin/python"
export SOHOA_HOME="$PWD/demo-home"
# Every read of personal data states its purpose and is written to the access log.
export SOHOA_PURPOSE="trình diễn: xem các hồ sơ mẫu"
BATCH=out/demo-batch
rm -rf "$SOHOA_HOME" "$BATCH"
mkdir -p out

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
# Today on Viet Nam's clock, from sohoa's own (sohoa/clock.py): `TZ=Asia/Ho_Chi_Minh date`
# silently gives UTC on a machine without the tz database.
vietnam_day() {
    "$PY" -c 'import sys; from sohoa.clock import vietnam_today
print(vietnam_today().strftime(sys.argv[1]))' "$1"
}

step "1. Một kho lưu trữ mới (nhúng sẵn: SQLite, tệp, tantivy; PKI dùng để phát triển)"
$SOHOA init --unit H19.22 --dev-pki

step "1b. CRL, OCSP và máy chủ dấu thời gian của CA phát triển trên 127.0.0.1 (cho mức B-LTA)"
# Its address is in the dev certificates and its TSA in sohoa.toml (signing.tsa_url, so
# documents are signed B-LTA); it is stopped when the demo ends.
$SOHOA dev-pki serve &
PKI_PID=$!
trap 'kill "$PKI_PID" 2>/dev/null || true' EXIT
PKI_URL=$("$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))["url"])' \
    "$SOHOA_HOME/keys/dev-pki.json")
for _ in $(seq 1 100); do
    curl -fsS -o /dev/null "$PKI_URL/ca/root.crt" 2>/dev/null && break
    kill -0 "$PKI_PID" 2>/dev/null || { echo "sohoa dev-pki serve không khởi động được" >&2; exit 2; }
    sleep 0.2
done

step "2. Một lô quét: 2 hồ sơ, quét hai mặt có mặt sau trắng, nhiễu nhẹ, vài tờ lộn ngược"
$SOHOA synth "$BATCH" --seed 7 --dossiers 2 --duplex --severity light

step "3. Tiếp nhận: tách hồ sơ, nhận dạng chữ (vie), phân loại, trích thông tin, PDF/A, ký số, lưu, lập chỉ mục"
$SOHOA ingest "$BATCH" --duplex --json > out/demo-ingest.jsonl || code=$?
"$PY" "$REPO/scripts/demo_report.py" out/demo-ingest.jsonl
[ "${code:-0}" -eq 0 ] || echo "(mã thoát của ingest ${code}: có tệp bị cách ly)"

# Step 5's owner: one with a paper reuse can offer (one that proves something, not a form or a
# receipt, and not waiting for review), else any owner read.
OWNER=$("$PY" -c 'import json
from sohoa.doctypes import load_registry
docs = [json.loads(line) for line in open("out/demo-ingest.jsonl")]
owned = [d for d in docs if d.get("owner_id") and d.get("doc_type") != "dossier_receipt"]
good = [d for d in owned if load_registry().proves(d["doc_type"]) and not d["needs_review"]]
print((good or owned)[0]["owner_id"] if good or owned else "")')
NAME=$("$PY" -c 'import json
from sohoa.vntext import fold
for line in open("out/demo-ingest.jsonl"):
    d = json.loads(line)
    if d.get("fields", {}).get("full_name"):
        print(fold(d["fields"]["full_name"])); break')
DOC=$("$PY" -c 'import json
for line in open("out/demo-ingest.jsonl"):
    d = json.loads(line)
    if d.get("document_id") and d.get("created"):
        print(d["document_id"]); break')

step "4. Tìm kiếm, gõ không dấu vẫn ra: sohoa search \"$NAME\""
$SOHOA search "$NAME" --limit 3

step "5. Dùng lại: chủ sở hữu $OWNER đã có những giấy tờ nào còn hiệu lực?"
$SOHOA reuse "$OWNER"

step "6. Kiểm tra chữ ký số của giấy tờ $DOC"
echo "(mức B-LTA: kèm sẵn trả lời OCSP và CRL của CA phát triển, và dấu thời gian tài liệu"
echo " của TSA; sohoa signatures renew thêm dấu thời gian mới trước khi dấu cũ hết hạn)"
$SOHOA verify "$DOC"
$SOHOA get "$DOC" -o "out/$DOC.pdf" --force
echo "pdftotext của out/$DOC.pdf (những dòng đầu):"
pdftotext -l 1 "out/$DOC.pdf" - | head -n 12

step "7. Một hồ sơ từ hệ thống một cửa, và một giấy tờ được dùng lại thay vì yêu cầu nộp lại"
# Viet Nam's day, as sohoa dates the receipt: the machine's own clock (UTC on servers and CI)
# is still yesterday from 17:00 to 24:00 UTC, and the code would then predate its receipt.
CODE=H19.22-$(vietnam_day %y%m%d)-0001
# The applicant is a citizen whose identity card the desk scanned in step 3: the card is reused
# for the new dossier instead of being asked for again.
read -r APPLICANT CARD WAITING < <("$PY" -c 'import json
for line in open("out/demo-ingest.jsonl"):
    d = json.loads(line)
    if d.get("doc_type") == "citizen_id_card" and d.get("owner_id") and d.get("document_id"):
        print(d["owner_id"], d["document_id"], int(bool(d.get("needs_review")))); break')
$SOHOA dossier open "$CODE" --procedure 2.000488.000.00.00.H19 --owner "$APPLICANT" --unit H19.22
# A paper waiting for review is offered to nobody: a person first compares what the machine
# read (or corrected, such as a tone mark in a name) with the card.
if [ "${WAITING:-0}" = 1 ]; then
    echo "Thẻ đang chờ kiểm tra: người kiểm tra đối chiếu với thẻ giấy rồi xác nhận."
    $SOHOA review accept "$CARD" --by "Trần Thị Kiểm"
fi
$SOHOA reuse "$APPLICANT" --purpose "$CODE"
$SOHOA dossier reuse "$CODE" "$CARD" --purpose "$CODE"
$SOHOA dossier show "$CODE"

step "7b. Chứng thực bản sao điện tử của thẻ đó tại một phường, và sổ chứng thực"
# The official compared the card the citizen showed with the stored scan; the commune's
# certification register gives the number; the copy is signed, stored under its owner and its
# QR code checked against the register. The demo official has no personal key in this dev
# home, so the demo lets the agency's key sign and the copy says so (a real commune gives the
# official their own key instead: see signing.certify_with_agency_key).
SOHOA_SIGNING_CERTIFY_WITH_AGENCY_KEY=true $SOHOA certify copy "$CARD" --owner "$APPLICANT" --unit H19.22.26 --by "Lê Văn Tâm" \
    --title "Phó Chủ tịch UBND phường Trấn Biên" --original-compared --json \
    > out/demo-certify.json
COPY=$("$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))["document_id"])' \
    out/demo-certify.json)
$SOHOA verify "$COPY"
$SOHOA certify register --unit H19.22.26 --year "$(vietnam_day %Y)" \
    -o out/demo-register.pdf --force
$SOHOA verify out/demo-register.pdf

step "8. Một năm hồ sơ sinh tự động (4 đơn vị, 2 cấp) và báo cáo chỉ số của kế hoạch"
$SOHOA synth year --year 2025 --dossiers 400 --truth out/demo-year-truth.json
$SOHOA report kpi --from 2025-01-01 --to 2025-12-31
$SOHOA report kpi --from 2025-01-01 --to 2025-12-31 -o out/demo-kpi.html --force
$SOHOA report kpi --from 2025-01-01 --to 2025-12-31 -o out/demo-kpi.pdf --force
$SOHOA verify out/demo-kpi.pdf
pdftoppm -r 70 -png out/demo-kpi.pdf out/demo-kpi
echo "Báo cáo: out/demo-kpi.html và out/demo-kpi.pdf (PDF/A đã ký số); các trang của nó dạng"
echo "ảnh: $(ls out/demo-kpi-*.png | tr '\n' ' ')"

step "Xong. Thử tiếp: SOHOA_HOME=$SOHOA_HOME $SOHOA --help"
# The demo's test CA answers OCSP/CRL/TSA only while `dev-pki serve` runs (it stops with the
# demo): without it, the next ingest would recognize every page and then fail to sign.
echo "Để nạp và ký số tiếp trong kho này, trước hết chạy dịch vụ của CA thử nghiệm ở một cửa sổ"
echo "khác: SOHOA_HOME=$SOHOA_HOME $SOHOA dev-pki serve"
