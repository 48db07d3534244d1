#!/usr/bin/env bash
# settle side by side with the tools people use, on the same files, in one run.
#   scripts/peers.sh             BAI2 (200,000 details) and camt.053 (100,000 entries) against the Python libraries
#   scripts/peers.sh csv         a bank CSV of 100,000 rows (ROWS=N to change): `settle run` of a day with that one
#                                source (into the ledger, every report) against Debian's
#                                `hledger -f FILE --rules-file scripts/peers/schwab-checking.rules print`
# Installs bai2==0.15.0 and camt053==0.0.20 into .build-peers/venv (PyPI) the first time; hledger from apt.
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ ${1:-} == csv ]]; then
  if ! command -v hledger > /dev/null; then
    if command -v sudo > /dev/null; then sudo apt-get install -y -q hledger > /dev/null; else apt-get install -y -q hledger > /dev/null; fi
  fi
  swift build -c release > /dev/null
  work=${TMPDIR:-/tmp}/settle-peers-csv
  rm -rf "$work" && mkdir -p "$work/in/2026-11-16"
  csv="$work/in/2026-11-16/bank.csv"
  .build/release/settle-bench csv --rows "${ROWS:-100000}" --save "$csv" > /dev/null
  echo "customer_id,name,aliases,ach_company_ids,credit_limit,terms,parent_id" > "$work/customers.csv"
  echo "invoice_id,customer_id,issue_date,due_date,currency,amount,open_amount,terms,po_number" > "$work/invoices.csv"
  printf '{ "version": 1, "name": "csv-peer", "currency": "USD", "ledger": "%s/ledger.sqlite", "output": "%s/out", "archive": "%s/archive",\n' "$work" "$work" "$work" > "$work/job.json"
  printf '  "customers": "%s/customers.csv", "invoices": "%s/invoices.csv",\n' "$work" "$work" >> "$work/job.json"
  printf '  "sources": [ { "format": "csv", "path": "%s/in/{date}/bank.csv", "profile": "%s/Jobs/profiles/schwab-checking.json", "account": "1001" } ] }\n' "$work" "$PWD" >> "$work/job.json"
  for round in 1 2 3; do
    rm -rf "$work/ledger.sqlite"* "$work/out" "$work/archive"
    s=$( { /usr/bin/time -f %e .build/release/settle run "$work/job.json" --date 2026-11-16 > /dev/null; } 2>&1 | tail -1 )
    h=$( { /usr/bin/time -f %e hledger -f "$csv" --rules-file scripts/peers/schwab-checking.rules print > /dev/null; } 2>&1 | tail -1 )
    awk -v s="$s" -v h="$h" -v r="$round" 'BEGIN { printf "round %d: settle run %.2f s, hledger print %.2f s: %.1fx\n", r, s, h, h / s }'
  done
  exit 0
fi

venv=.build-peers/venv
if [[ ! -x $venv/bin/python ]]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q bai2==0.15.0 camt053==0.0.20
fi
swift build -c release --product settle-bench > /dev/null
bench=.build/release/settle-bench
tmp=${TMPDIR:-/tmp}
echo "== BAI2, 200,000 details"
"$bench" bai2 --save "$tmp/settle-peers.bai"
"$venv/bin/python" scripts/peers/peers.py bai2 "$tmp/settle-peers.bai"
echo "== camt.053, 100,000 entries"
"$bench" camt --entries 100000
camt=$tmp/settle-bench-camt-100000.xml
"$venv/bin/python" scripts/peers/peers.py iterparse "$camt"
"$venv/bin/python" scripts/peers/peers.py camt053 "$camt"
