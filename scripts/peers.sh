#!/usr/bin/env bash
# settle's statement readers side by side with the Python libraries people use, on the same files, in one run.
#   scripts/peers.sh             BAI2 (200,000 details) and camt.053 (100,000 entries)
# Installs bai2==0.15.0 and camt053==0.0.20 into .build-peers/venv (PyPI) the first time.
set -euo pipefail
cd "$(dirname "$0")/.."
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
