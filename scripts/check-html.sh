#!/usr/bin/env bash
# Loads every HTML report of an output folder in headless chromium, reads the rendered DOM and takes a screenshot.
#   scripts/check-html.sh [OUTPUT_FOLDER]      (default var/out, the sample job's)
# Fails on a script error in the page, a page with no text, or an exception id of the day's exceptions.csv that the
# rendered exceptions.html does not show. Screenshots go to .build-html/<day>-<page>.png.
set -uo pipefail
cd "$(dirname "$0")/.."
out=${1:-var/out}
browser=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
[[ -n $browser ]] || { echo "check-html: chromium is not installed (apt-get install chromium)"; exit 1; }
mkdir -p .build-html
failures=0 pages=0
for page in "$out"/*/*.html; do
  [[ -e $page ]] || continue
  pages=$((pages + 1))
  day=$(basename "$(dirname "$page")")
  name=$(basename "$page" .html)
  url="file://$(cd "$(dirname "$page")" && pwd)/$(basename "$page")"
  log=.build-html/$day-$name.log
  dom=$(timeout 60 "$browser" --headless --no-sandbox --disable-gpu --enable-logging=stderr --v=0 --dump-dom "$url" 2> "$log")
  timeout 60 "$browser" --headless --no-sandbox --disable-gpu --window-size=1400,1200 --screenshot=".build-html/$day-$name.png" "$url" > /dev/null 2>&1
  if grep -qE 'Uncaught|SyntaxError|ReferenceError|TypeError' "$log"; then
    echo "check-html: $page: a script error: $(grep -m1 -E 'Uncaught|Error' "$log")"; failures=$((failures + 1))
  fi
  text=$(sed -e 's/<script[^<]*<\/script>//g' -e 's/<style[^<]*<\/style>//g' -e 's/<[^>]*>//g' <<<"$dom" | tr -d '[:space:]')
  if [[ ${#text} -lt 20 ]]; then
    echo "check-html: $page: the rendered page is blank"; failures=$((failures + 1))
  fi
  if [[ $name == exceptions && -f "$(dirname "$page")/exceptions.csv" ]]; then
    while IFS=, read -r id _; do
      [[ $id == exception_id || -z $id ]] && continue
      grep -q "$id" <<<"$dom" || { echo "check-html: $page: exception $id of exceptions.csv is not on the page"; failures=$((failures + 1)); }
    done < "$(dirname "$page")/exceptions.csv"
  fi
done
[[ $pages -gt 0 ]] || { echo "check-html: no HTML report under $out"; exit 1; }
if [[ $failures -gt 0 ]]; then echo "check-html: $failures problem(s) in $pages pages"; exit 1; fi
echo "check-html: $pages pages rendered, no script error, none blank, every exception shown (screenshots in .build-html/)"
