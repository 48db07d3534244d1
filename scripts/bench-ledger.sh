#!/usr/bin/env bash
# The ledger's posting rate side by side with its floor, in one run, five rounds, medians:
#   C on schema 6 (text keys, foreign keys)   scripts/floor/posting.c old
#   C on schema 7 (what settle writes now)    scripts/floor/posting.c new
#   settle's SQLite store on schema 7         settle-bench ledger (a run's write path: beginDay, post in batches, finishDay)
# The same 200,000 entries (ENTRIES=N to change) of 2-4 postings, one transaction, WAL, synchronous=NORMAL.
# Targets (issue #10): C new >= 2x C old; settle >= 0.8x C new.
set -euo pipefail
cd "$(dirname "$0")/.."
entries=${ENTRIES:-200000}
rounds=${ROUNDS:-5}
mkdir -p .build-floor
cc -O2 -o .build-floor/posting scripts/floor/posting.c -lsqlite3
swift build -c release --product settle-bench > /dev/null
db=${TMPDIR:-/tmp}/settle-posting-floor-$$.sqlite
old=() new=() swift=()
for ((i = 1; i <= rounds; i++)); do
  old+=("$(.build-floor/posting old "$entries" "$db" | awk '{print $(NF-1)}')")
  new+=("$(.build-floor/posting new "$entries" "$db" | awk '{print $(NF-1)}')")
  swift+=("$(.build/release/settle-bench ledger --entries "$entries" --per-commit "$entries" | awk '/ledger post/ {for (i = 2; i <= NF; i++) if ($i == "entries/s") print $(i - 1)}')")
  echo "round $i: C schema 6 ${old[-1]}/s, C schema 7 ${new[-1]}/s, settle ${swift[-1]}/s"
done
rm -f "$db" "$db-wal" "$db-shm"
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
mo=$(median "${old[@]}") mn=$(median "${new[@]}") ms=$(median "${swift[@]}")
awk -v o="$mo" -v n="$mn" -v s="$ms" 'BEGIN {
  printf "median entries/s: C schema 6 %d, C schema 7 %d, settle %d\n", o, n, s
  printf "schema 7 / schema 6 (C): %.2fx (target >= 2)\n", n / o
  printf "settle / C on schema 7:  %.2fx (target >= 0.8)\n", s / n
}'
