#!/usr/bin/env bash
# Kills the sample job with SIGKILL at many points of its posting phase, runs it again, and checks that the ledger
# ends exactly as an uninterrupted run leaves it (a canonical dump: the journal, balances, open items, exceptions).
#   scripts/crash-test.sh [POINTS]     default 24 kill points spread over both days' postings
set -uo pipefail
cd "$(dirname "$0")/.."
points=${1:-24}
# A build with the fault switches (SETTLE_FAULT_KILL_AFTER_POSTINGS), apart from the normal one.
settle=$(scripts/build-faults.sh) || exit 1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

manifest() { # $1: folder for ledger, outputs and archive
  sed -e "s#\.\./var/#$1/#g" -e "s#\"\.\./Samples#\"$PWD/Samples#g" Jobs/sample.json > "$1/job.json"
}

dump() { # $1: ledger → canonical text
  # The export's last column is the run that posted each entry: attempts are counted, killed ones included.
  "$settle" ledger export --ledger "$1" --format csv | sed -E 's/,[0-9]+$//'
  "$settle" ledger balance --ledger "$1" --by-customer
  "$settle" ledger verify --ledger "$1"
  # Run numbers count attempts, killed ones included: they are not content.
  "$settle" exceptions list --ledger "$1" --json | sed -E 's/run [0-9]+/run N/g'
}

mkdir -p "$work/reference"
manifest "$work/reference"
"$settle" run "$work/reference/job.json" >/dev/null || { echo "reference run failed"; exit 1; }
dump "$work/reference/ledger.sqlite" > "$work/reference.dump"
total=$("$settle" ledger export --ledger "$work/reference/ledger.sqlite" --format csv | tail -n +2 | wc -l)
echo "reference: $total postings"

failures=0
for ((i = 1; i <= points; i++)); do
  k=$(( (i * total) / (points + 1) + 1 ))
  dir="$work/kill-$k"
  mkdir -p "$dir"
  manifest "$dir"
  SETTLE_FAULT_KILL_AFTER_POSTINGS=$k "$settle" run "$dir/job.json" >/dev/null 2>&1
  code=$?
  if [[ $code -ne 137 ]]; then echo "kill point $k: expected the run to be killed (137), it exited $code"; failures=$((failures + 1)); continue; fi
  "$settle" run "$dir/job.json" >/dev/null 2>&1 || { echo "kill point $k: the run after the kill failed"; failures=$((failures + 1)); continue; }
  if dump "$dir/ledger.sqlite" | diff -q - "$work/reference.dump" >/dev/null; then
    echo "kill point $k (after posting $k of $total): rerun identical"
  else
    echo "kill point $k: ledger differs from the uninterrupted run:"
    dump "$dir/ledger.sqlite" | diff - "$work/reference.dump" | head -20
    failures=$((failures + 1))
  fi
done
echo "$((points - failures)) passed, $failures failed"
[[ $failures -eq 0 ]]
