#!/usr/bin/env bash
# Renders every HTML report of an output folder in headless chromium at 1000 and 1400 px, reads the rendered DOM
# and keeps a screenshot of each width.
#   scripts/check-html.sh [OUTPUT_FOLDER] [--widths-warn]      (default var/out, the sample job's)
# Every *.html under the folder: each day's exceptions.html and exceptions-NNNN.html, summary.html, remittance.html,
# aging.html, any advice page. Fails, naming page and width, on a page over 5 MB (not rendered), a script error, a
# page with no text, an exception id of the day's exceptions.csv on none of the day's exceptions pages, or, at
# 1000 px, a table wider than the page (which table, its width, its widest columns). --widths-warn reports too-wide
# tables without failing. One browser serves every page (scripts/check-html.py, over the DevTools protocol).
# Screenshots go to .build-html/<day>-<page>-<width>.png.
set -uo pipefail
cd "$(dirname "$0")/.."
out=var/out widths=()
for argument in "$@"; do
  case $argument in
    --widths-warn) widths=(--widths-warn) ;;
    -*) echo "check-html: unknown option $argument (usage: scripts/check-html.sh [OUTPUT_FOLDER] [--widths-warn])"; exit 2 ;;
    *) out=$argument ;;
  esac
done
browser=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
[[ -n $browser ]] || { echo "check-html: chromium is not installed (apt-get install chromium)"; exit 1; }
command -v python3 > /dev/null || { echo "check-html: python3 is not installed"; exit 1; }
[[ -d $out ]] || { echo "check-html: no folder $out"; exit 1; }
exec python3 scripts/check-html.py "$browser" "$out" .build-html "${widths[@]}"
