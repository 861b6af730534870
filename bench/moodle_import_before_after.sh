#!/bin/sh
# Moodle's own question files through the importers of a baseline commit and of the working tree, in
# one run. Usage: bench/moodle_import_before_after.sh [REV]   (default 322b1e6, before issue 15's
# per-type importers). The baseline is extracted with `git archive` into a temporary folder and the
# current bench/moodle_import_counts.py is copied there, so both sides count the same files the same way.
set -eu
rev=${1:-322b1e6}
root=$(cd "$(dirname "$0")/.." && pwd)
python=${PYTHON:-$root/.venv/bin/python}
base=$(mktemp -d)
trap 'rm -rf "$base"' EXIT
git -C "$root" archive "$rev" | tar -x -C "$base"
cp "$root/bench/moodle_import_counts.py" "$base/bench/"
dirs="$root/tests/data/moodle-public $root/../shared/interop $root/tests/fixtures/moodle"
# shellcheck disable=SC2086
"$python" "$base/bench/moodle_import_counts.py" $dirs > "$base/before.md"
# shellcheck disable=SC2086
"$python" "$root/bench/moodle_import_counts.py" $dirs > "$base/after.md"
rows() { awk -F' [|] ' '/^[|] [a-z]/ && $5 ~ /^[0-9]/ {sub(/^[|] /, "", $1); print $1 "\t" $3 " / " $4}' "$1" | sort; }
rows "$base/before.md" > "$base/before.tsv"
rows "$base/after.md" > "$base/after.tsv"
echo "| file | $rev: imported / right type | now: imported / right type |"
echo "|---|---|---|"
join -t "$(printf '\t')" "$base/before.tsv" "$base/after.tsv" | awk -F'\t' '{print "| " $1 " | " $2 " | " $3 " |"}'
echo
printf '%s (before): ' "$rev"; grep '^\*\*Total' "$base/before.md"
printf 'now: '; grep '^\*\*Total' "$base/after.md"
