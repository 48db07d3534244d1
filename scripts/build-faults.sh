#!/usr/bin/env bash
# Builds `settle` with the fault and trace switches compiled in (FaultInjection, -DSETTLE_FAULTS) into .build-faults,
# apart from the normal build, and prints the executable's path. For scripts/crash-test.sh, scripts/signal-test.sh and
# ProcessSignalTests, which stop a real process in the middle of a day; this binary is never shipped.
set -uo pipefail
cd "$(dirname "$0")/.."
log=$(mktemp)
trap 'rm -f "$log"' EXIT
swift build --build-path .build-faults -Xswiftc -DSETTLE_FAULTS --product settle > "$log" 2>&1 || { cat "$log" >&2; exit 1; }
echo "$PWD/.build-faults/debug/settle"
