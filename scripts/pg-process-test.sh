#!/usr/bin/env bash
# Real `settle` processes on a PostgreSQL ledger (SETTLE_TEST_POSTGRESQL, the cluster scripts/pg-test-cluster.sh made in
# CLUSTER_DIR), each part checked against the same job on SQLite:
#   1. killed with SIGKILL at POINTS points of its posting phase and run again, the entity ends exactly as the
#      uninterrupted SQLite run leaves its ledger (a canonical dump: the journal, balances, verify, exceptions);
#   2. the server restarted (`pg_ctl restart -m immediate`) while a day's transaction is open: the run exits 3 saying
#      the day was rolled back, the next run says which days of the run that died committed and finishes the job, and
#      the ledger is the uninterrupted run's;
#   3. two entities run at once from two processes give each the ledger of a run alone; the same entity twice: the
#      second exits 75 naming the holder;
#   4. three clerks deciding at once (one process each, no lock): every decision recorded, and the next run books all.
#   scripts/pg-process-test.sh CLUSTER_DIR [POINTS]     default 12 kill points
set -uo pipefail
cd "$(dirname "$0")/.."
url=${SETTLE_TEST_POSTGRESQL:?set SETTLE_TEST_POSTGRESQL to the cluster URL scripts/pg-test-cluster.sh printed}
cluster=${1:?usage: pg-process-test.sh CLUSTER_DIR [POINTS]}
points=${2:-12}
settle=$(scripts/build-faults.sh) || exit 1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[[ -n $bin ]] || bin=$(dirname "$(command -v pg_ctl)")
as=()
[[ $(id -u) -eq 0 ]] && as=(runuser -u postgres --)
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

ledger_of() { # $1: a schema name → the URL of a ledger of its own in the cluster's database
  echo "$url&options=-csearch_path%3D$1"
}

manifest() { # $1: folder, $2: ledger (a file or a URL), $3: entity (empty for a file)
  local ledger="\"$2\""
  [[ -n $3 ]] && ledger="\"$2\", \"entity\": \"$3\""
  # (& means the matched text in a sed replacement: the URL's are escaped.)
  sed -e "s#\"\.\./var/ledger.sqlite\"#${ledger//&/\\&}#" -e "s#\.\./var/#$1/#g" -e "s#\"\.\./Samples#\"$PWD/Samples#g" Jobs/sample.json > "$1/job.json"
}

dump() { # $1: ledger, $2: entity (empty for a file) → canonical text, the same on both backends for the same books
  local entity=()
  [[ -n $2 ]] && entity=(--entity "$2")
  # The export's last column is the run that posted each entry: attempts are counted, killed ones included.
  "$settle" ledger export --ledger "$1" "${entity[@]}" --format csv | sed -E 's/,[0-9]+$//'
  "$settle" ledger balance --ledger "$1" "${entity[@]}" --by-customer
  "$settle" ledger verify --ledger "$1" "${entity[@]}" | sed -E 's/[0-9]+ ms//'
  "$settle" exceptions list --ledger "$1" "${entity[@]}" --json | sed -E 's/run [0-9]+/run N/g'
}

# The reference: the sample job on SQLite, uninterrupted.
mkdir -p "$work/reference"
manifest "$work/reference" "$work/reference/ledger.sqlite" ""
"$settle" run "$work/reference/job.json" >/dev/null || { echo "reference run failed"; exit 1; }
dump "$work/reference/ledger.sqlite" "" > "$work/reference.dump"
total=$("$settle" ledger export --ledger "$work/reference/ledger.sqlite" --format csv | tail -n +2 | wc -l)

# The same job on PostgreSQL, uninterrupted: the same books.
mkdir -p "$work/plain"
manifest "$work/plain" "$(ledger_of plain_$$)" acme
"$settle" run "$work/plain/job.json" >/dev/null || fail "the uninterrupted PostgreSQL run failed"
dump "$(ledger_of plain_$$)" acme | diff - "$work/reference.dump" > "$work/plain.diff" \
  && echo "uninterrupted: the PostgreSQL entity dumps as the SQLite ledger ($total postings)" \
  || { fail "the PostgreSQL run's books differ from SQLite's"; head -20 "$work/plain.diff"; }

# 1. Killed at many points of the posting phase, then run again.
for ((i = 1; i <= points; i++)); do
  k=$(( (i * total) / (points + 1) + 1 ))
  dir="$work/kill-$k"
  mkdir -p "$dir"
  manifest "$dir" "$(ledger_of kill_${k}_$$)" acme
  SETTLE_FAULT_KILL_AFTER_POSTINGS=$k "$settle" run "$dir/job.json" >/dev/null 2>&1
  code=$?
  if [[ $code -ne 137 ]]; then fail "kill point $k: expected the run to be killed (137), it exited $code"; continue; fi
  "$settle" run "$dir/job.json" > "$dir/after.txt" 2>&1 || { fail "kill point $k: the run after the kill failed"; cat "$dir/after.txt"; continue; }
  grep -q "ended without finishing" "$dir/after.txt" || fail "kill point $k: the next run did not say the killed run ended without finishing"
  if dump "$(ledger_of kill_${k}_$$)" acme | diff -q - "$work/reference.dump" >/dev/null; then
    echo "kill point $k (after posting $k of $total): rerun identical to the uninterrupted run"
  else
    fail "kill point $k: the ledger differs from the uninterrupted run:"
    dump "$(ledger_of kill_${k}_$$)" acme | diff - "$work/reference.dump" | head -20
  fi
done

# 2. The server restarted while a day's transaction is open.
dir="$work/restart"
mkdir -p "$dir"
manifest "$dir" "$(ledger_of restart_$$)" acme
SETTLE_FAULT_PAUSE_BEFORE_COMMIT=20 "$settle" run "$dir/job.json" --from 2026-11-02 --to 2026-11-05 > "$dir/out.txt" 2> "$dir/err.txt" &
pid=$!
for _ in $(seq 1 200); do grep -q "2026-11-04:" "$dir/out.txt" 2>/dev/null && break; sleep 0.1; done
sleep 1
"${as[@]}" "$bin/pg_ctl" -D "$cluster/data" -m immediate -w restart -l "$cluster/server.log" \
  -o "-k $cluster -c listen_addresses='' -c max_connections=200 -c fsync=on" >/dev/null || fail "the server did not restart"
wait "$pid"
code=$?
if [[ $code -ne 3 ]]; then
  fail "restart: the run exited $code, expected 3"; cat "$dir/err.txt"
else
  grep -q "was lost before 2026-11-05 committed: the server rolls the day back" "$dir/err.txt" \
    || { fail "restart: the message does not say the day was rolled back:"; cat "$dir/err.txt"; }
fi
"$settle" run "$dir/job.json" > "$dir/after.txt" 2>&1 || { fail "restart: the run after the restart failed"; cat "$dir/after.txt"; }
grep -q "its days through 2026-11-04 committed" "$dir/after.txt" \
  || { fail "restart: the next run did not say which days committed:"; cat "$dir/after.txt"; }
dump "$(ledger_of restart_$$)" acme | diff -q - "$work/reference.dump" >/dev/null \
  && echo "server restart mid-day: exit 3, the day rolled back, the next run said which days committed and left the uninterrupted books" \
  || fail "restart: the ledger differs from the uninterrupted run"

# 3. Two entities of one ledger at once, from two processes; then the same entity twice.
shared=$(ledger_of shared_$$)
for entity in east west; do mkdir -p "$work/$entity"; manifest "$work/$entity" "$shared" "$entity"; done
"$settle" run "$work/east/job.json" > "$work/east/out.txt" 2>&1 &
east=$!
"$settle" run "$work/west/job.json" > "$work/west/out.txt" 2>&1 &
west=$!
wait "$east" || fail "entity east: exit $?"
wait "$west" || fail "entity west: exit $?"
for entity in east west; do
  dump "$shared" "$entity" | diff -q - "$work/reference.dump" >/dev/null || fail "entity $entity run beside the other differs from a run alone"
done
mkdir -p "$work/twice"
manifest "$work/twice" "$shared" east
SETTLE_FAULT_PAUSE_BEFORE_COMMIT=10 "$settle" run "$work/twice/job.json" --date 2026-11-09 > "$work/twice/first.txt" 2>&1 &
first=$!
for _ in $(seq 1 100); do
  held=$(psql -qAt "$shared" -c "SELECT count(*) FROM run_locks r JOIN pg_locks l ON l.pid = r.backend_pid AND l.locktype = 'advisory'" 2>/dev/null)
  [[ ${held:-0} -gt 0 ]] && break
  sleep 0.1
done
"$settle" run "$work/twice/job.json" --date 2026-11-09 > "$work/twice/second.txt" 2>&1
code=$?
[[ $code -eq 75 ]] && grep -q "entity east of the ledger postgresql:///settle_test" "$work/twice/second.txt" && grep -q "pid $first" "$work/twice/second.txt" \
  || { fail "the same entity twice: exit $code, expected 75 naming the holder"; cat "$work/twice/second.txt"; }
wait "$first" || fail "the first run of the entity failed"
[[ $failures -eq 0 ]] && echo "two entities at once: each the books of a run alone; the same entity twice: exit 75 naming pid $first"

# 4. Three clerks deciding at once, each in a process of its own.
mkdir -p "$work/desks"
manifest "$work/desks" "$(ledger_of desks_$$)" acme
"$settle" run "$work/desks/job.json" --date 2026-11-02 > /dev/null || fail "desks: the first day failed"
# Three open exceptions of types an --ignore or --unapplied closes (ID TYPE a line).
open=$("$settle" exceptions list --ledger "$(ledger_of desks_$$)" --status open | awk '$3 != "UNSETTLED_BATCH" && NF > 4 { print $1, $3 }' | head -n 3)
clerks=(ana ben cy)
n=0
pids=()
ids=()
while read -r id type; do
  clerk=${clerks[$n]}
  decision=--ignore
  case $type in AMBIGUOUS|UNMATCHED|OVER_PAY|UNKNOWN_CUSTOMER) decision=--unapplied ;; esac
  ids+=("$id")
  "$settle" exceptions resolve "$id" --ledger "$(ledger_of desks_$$)" "$decision" --note "seen by $clerk" --by "$clerk" > "$work/desks/$clerk.txt" 2>&1 &
  pids+=($!)
  n=$((n + 1))
done <<< "$open"
for p in "${pids[@]}"; do wait "$p" || { fail "desks: a clerk's decision failed"; cat "$work"/desks/*.txt; }; done
decided=0
for id in "${ids[@]}"; do
  shown=$("$settle" exceptions show "$id" --ledger "$(ledger_of desks_$$)")
  grep -q "resolve .* by \(ana\|ben\|cy\): seen by" <<< "$shown" && decided=$((decided + 1))
done
[[ $n -eq 3 && $decided -eq 3 ]] || fail "desks: $n clerks decided, $decided decisions recorded"
"$settle" run "$work/desks/job.json" --date 2026-11-03 > /dev/null || fail "desks: the next run failed"
booked=0
for id in "${ids[@]}"; do
  # (Read whole first: grep -q would stop reading early, and pipefail count settle's SIGPIPE as a failure.)
  shown=$("$settle" exceptions show "$id" --ledger "$(ledger_of desks_$$)")
  grep -q "booked by the run of 2026-11-03" <<< "$shown" && booked=$((booked + 1))
done
[[ $booked -eq 3 ]] && echo "three clerks at once: 3 decisions recorded, 3 booked by the next run" || fail "desks: $booked of 3 decisions booked"

echo "$failures failed"
[[ $failures -eq 0 ]]
