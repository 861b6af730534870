#!/bin/sh
# The learner's pages before and after issue 16, in one run: bench/ux_pages.py walks the same learner through
# a baseline commit (extracted with `git archive`) and through the working tree, and prints both page-weight
# tables. Usage: bench/ux_before_after.sh [REV] [OUT]   (default f36cc09, the last commit before issue 16;
# OUT defaults to test-output/ux). First screens go to OUT/before and OUT/after (whole pages as *-full.png);
# docs/screenshots/ keeps the first screens of one such run, the ones the closing note names.
set -eu
rev=${1:-f36cc09}
root=$(cd "$(dirname "$0")/.." && pwd)
out=${2:-$root/test-output/ux}
python=${PYTHON:-$root/.venv/bin/python}
base=$(mktemp -d)
trap 'rm -rf "$base"' EXIT
git -C "$root" archive "$rev" | tar -x -C "$base"
"$python" "$root/bench/ux_pages.py" --checkout "$base" --out "$out" --label before
"$python" "$root/bench/ux_pages.py" --checkout "$root" --out "$out" --label after
