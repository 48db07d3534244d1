#!/usr/bin/env bash
# SIGTERM and SIGINT in the middle of a day: the day in flight rolls back, the days before it stay committed, the exit
# code is 143 / 130 and the message names the days that finished; running again finishes the job.
set -uo pipefail
cd "$(dirname "$0")/.."
# A build with the fault switches (SETTLE_FAULT_PAUSE_BEFORE_COMMIT), apart from the normal one.
settle=$(scripts/build-faults.sh) || exit 1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0
for pair in "TERM 143" "INT 130"; do
  set -- $pair
  dir="$work/$1"
  mkdir -p "$dir"
  sed -e "s#\.\./var/#$dir/#g" -e "s#\"\.\./Samples#\"$PWD/Samples#g" Jobs/sample.json > "$dir/job.json"
  # The sample days through 2026-11-06; the last of them waits with its transaction open, the signal comes while it does.
  SETTLE_FAULT_PAUSE_BEFORE_COMMIT=30 "$settle" run "$dir/job.json" --from 2026-11-02 --to 2026-11-06 > "$dir/out.txt" 2> "$dir/err.txt" &
  pid=$!
  for _ in $(seq 1 100); do grep -q "2026-11-05:" "$dir/out.txt" 2>/dev/null && break; sleep 0.1; done
  sleep 0.5
  kill -"$1" "$pid"
  wait "$pid"
  code=$?
  if [[ $code -ne $2 ]]; then echo "SIG$1: exit $code, expected $2"; cat "$dir/err.txt"; failures=$((failures + 1)); continue; fi
  grep -q "finished 2026-11-02, 2026-11-03, 2026-11-04, 2026-11-05; 2026-11-06 rolled back" "$dir/err.txt" \
    || { echo "SIG$1: the message does not name the finished days:"; cat "$dir/err.txt"; failures=$((failures + 1)); }
  [[ -e "$dir/out/2026-11-06/journal.csv" ]] && { echo "SIG$1: the rolled-back day wrote reports"; failures=$((failures + 1)); }
  "$settle" ledger verify --ledger "$dir/ledger.sqlite" > /dev/null || { echo "SIG$1: the ledger does not verify"; failures=$((failures + 1)); }
  "$settle" run "$dir/job.json" --date 2026-11-06 > /dev/null || { echo "SIG$1: the run after the stop failed"; failures=$((failures + 1)); }
  [[ -s "$dir/out/2026-11-06/journal.csv" ]] || { echo "SIG$1: the day was not finished by the next run"; failures=$((failures + 1)); }
  echo "SIG$1: exit $code, days before kept, the day in flight rolled back, finished by the next run"
done
[[ $failures -eq 0 ]]
