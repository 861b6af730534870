#!/bin/sh
# Both labelled lists marked by the banks and answer rules of a baseline commit and of the working
# tree, in one run. Usage: bench/marking_before_after.sh [REV]   (default f875a2d, before issue 14's
# answer rules). The baseline is extracted with `git archive` into a temporary folder; the current
# bench/marking.py and the lists are copied there, so both sides are measured the same way.
set -eu
rev=${1:-f875a2d}
root=$(cd "$(dirname "$0")/.." && pwd)
python=${PYTHON:-$root/.venv/bin/python}
base=$(mktemp -d)
trap 'rm -rf "$base"' EXIT
git -C "$root" archive "$rev" | tar -x -C "$base"
mkdir -p "$base/bench" "$base/tests/data"
cp "$root/bench/marking.py" "$base/bench/"
cp "$root"/tests/data/marking_*.tsv "$base/tests/data/"
for list in marking_responses marking_heldout; do
  echo "== $list: $rev (before)"
  "$python" "$base/bench/marking.py" "$root/tests/data/$list.tsv" | awk '/^all/ && !seen++ {print} /^stale rows/ {print}' 
  echo "== $list: working tree (now)"
  "$python" "$root/bench/marking.py" "$root/tests/data/$list.tsv" | awk '/^all/ && !seen++ {print} /^stale rows/ {print}' 
done
