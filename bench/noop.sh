#!/usr/bin/env bash
# The no-op rebuild: how long a build takes when every output is current (what a
# save that changes nothing, or CI with a kept output/, costs). Builds once, then
# times RUNS no-op rebuilds and prints the fastest, the median and the slowest, with
# the peak RSS. Run on a quiet machine:  bench/noop.sh [BINARY]
#
# BINARY defaults to a release build made here; give another (an older build) to
# compare. Needs GNU time (/usr/bin/time). RUNS defaults to 15.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ $# -gt 0 ]; then
  bin=$(realpath "$1")
else
  cargo build --release --quiet
  bin=$PWD/target/release/flyerpress
fi
runs=${RUNS:-15}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -r content layouts flyerpress.lock "$work/" && ln -s "$PWD/fonts" "$work/fonts"
"$bin" build --project "$work" --out "$work/out" 2>/dev/null
secs=()
for _ in $(seq "$runs"); do
  /usr/bin/time -f "%e %M" -o "$work/time" "$bin" build --project "$work" --out "$work/out" 2>"$work/err"
  grep -q " 0 built," "$work/err" || { cat "$work/err" >&2; echo "not a no-op rebuild" >&2; exit 1; }
  read -r s rss <"$work/time"
  secs+=("$s")
done
sorted=$(printf '%s\n' "${secs[@]}" | sort -n)
echo "no-op rebuild of $(sed -nE 's/^([0-9]+) jobs:.*/\1/p' "$work/err") jobs, $runs runs ($("$bin" --version)):" \
  "fastest $(head -1 <<<"$sorted") s, median $(sed -n "$(((runs + 1) / 2))p" <<<"$sorted") s," \
  "slowest $(tail -1 <<<"$sorted") s, peak RSS $((rss / 1024)) MiB"
