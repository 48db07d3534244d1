#!/usr/bin/env bash
# Fuzz a parser with libFuzzer (swiftc -sanitize=fuzzer,address), seeded from the shared corpus.
#   scripts/fuzz.sh nacha [SECONDS]     the NACHA reader and the X12 820 parser
#   scripts/fuzz.sh bai2  [SECONDS]     the BAI2 reader, strict and lenient
#   scripts/fuzz.sh camt  [SECONDS]     the camt.052/053/054 reader and its XML tokenizer
#   scripts/fuzz.sh csv   [SECONDS]     the bank CSV reader through profiles of every shape (UTF-16, Latin-1, ...)
#   scripts/fuzz.sh run   [SECONDS]     whole runs: the sample days' inputs corrupted (byte flips, truncations, swapped,
#                                       repeated and dropped lines) and run through `settle run`; no crash, every
#                                       rejection traced, `settle ledger verify` clean after each run
# Prints libFuzzer's final statistics; a crash leaves crash-* files and exits non-zero.
set -euo pipefail
cd "$(dirname "$0")/.."
target=${1:-nacha}
seconds=${2:-600}
if [[ $target == run ]]; then
  swift build -c release --product settle > /dev/null
  exec python3 scripts/fuzz/run_fuzz.py .build/release/settle Samples "$seconds"
fi
work=.build-fuzz/$target
mkdir -p "$work/corpus"
case "$target" in
  nacha)
    sources=(Sources/Core/*.swift Sources/ACH/*.swift scripts/fuzz/NACHAFuzz.swift)
    seeds=../shared/corpus/nacha ;;
  bai2)
    sources=(Sources/Core/*.swift Sources/Statements/*.swift scripts/fuzz/BAI2Fuzz.swift)
    seeds=../shared/corpus/statements/bai2 ;;
  camt)
    sources=(Sources/Core/*.swift Sources/Statements/*.swift scripts/fuzz/CamtFuzz.swift)
    seeds=../shared/corpus/statements/camt ;;
  csv)
    sources=(Sources/Core/*.swift Sources/Statements/*.swift scripts/fuzz/CSVFuzz.swift)
    seeds=../shared/corpus/statements/csv ;;
  *) echo "unknown fuzz target $target (nacha, bai2, camt, csv)"; exit 2 ;;
esac
if [[ -d "$seeds" ]]; then
  find "$seeds" -type f ! -name '*.md' ! -name '*.gz' ! -name '*.tar' -size -200k -exec cp {} "$work/corpus/" \; 2>/dev/null || true
fi
# One module from several targets' sources: drop their imports of each other.
rm -rf "$work/src" && mkdir -p "$work/src"
for f in "${sources[@]}"; do
  sed -E '/^(internal )?import (Core|ACH|Statements)$/d' "$f" > "$work/src/$(echo "$f" | tr '/' '_')"
done
swiftc -O -sanitize=fuzzer,address -parse-as-library -module-name SettleFuzz "$work"/src/*.swift -o "$work/fuzz"
"$work/fuzz" "$work/corpus" -max_total_time="$seconds" -max_len=20000 -print_final_stats=1 -artifact_prefix="$work/" > "$work/fuzz.log" 2>&1
status=$?
grep -E '^(stat::|Done|==[0-9]+==ERROR|SUMMARY)' "$work/fuzz.log" || tail -n 20 "$work/fuzz.log"
exit $status
