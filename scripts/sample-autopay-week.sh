#!/usr/bin/env bash
# The sample's autopay week (2026-11-10 to 11-18), after the sample job's first week, night by night as cron runs it.
#
# Four customers signed ACH debit mandates on 2026-11-09 (Samples/autopay/mandates.csv); the ERP's export of the week
# adds their invoices (Samples/autopay/invoices.csv). That night `settle originate` writes the mandates' prenotes, and
# from then on each night's `settle run` of Jobs/sample-autopay.json reads what the bank delivered (Samples/autopay/<date>/)
# and writes the next debit file to var/outbox/. What the bank answers: a C02 notification of change corrects Acme's
# routing number on its prenote (the debit file of 11-13 uses the corrected one), Delta Marine's debit comes back R01
# (insufficient funds) and is presented again in a RETRY PYMT batch that settles, and Foxtrot's comes back R10
# (unauthorized) and revokes its mandate.
#
# The mandates file and the key are private (0600): settle refuses them otherwise, and git keeps no file modes, so
# both are made here under var/autopay/. The key is made once, at random, and kept: the ledger's sealed account
# numbers open only with it.
#
# SETTLE: the settle binary (default: the release build, made if missing).
set -euo pipefail
cd "$(dirname "$0")/.."
settle=${SETTLE:-.build/release/settle}
[[ -n "${SETTLE:-}" ]] || swift build -c release --product settle 2>&1 | tail -n 1

"$settle" run Jobs/sample.json > /dev/null          # the first week, if it has not run (a rerun posts nothing)
mkdir -p var/autopay && chmod 700 var/autopay
install -m 600 Samples/autopay/mandates.csv var/autopay/mandates.csv
if [[ ! -s var/autopay/origination.key ]]; then
  (umask 077; od -An -tx1 -N32 /dev/urandom | tr -d ' \n' > var/autopay/origination.key)
fi

"$settle" originate Jobs/sample-autopay.json --date 2026-11-09
for day in 2026-11-10 2026-11-11 2026-11-12 2026-11-13 2026-11-14 2026-11-15 2026-11-16 2026-11-17 2026-11-18; do
  "$settle" run Jobs/sample-autopay.json --date "$day"
done
