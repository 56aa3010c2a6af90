#!/usr/bin/env bash
# Benchmark of full, no-op and one-edition builds, side by side with the typst CLI,
# and of build time against the number of editions. Prints its figures; run it on a
# quiet machine:  bench/run.sh
#
# Needs: a release build (made here), GNU time (/usr/bin/time) for peak RSS, and for
# the comparison the typst CLI 0.15 on PATH (`cargo install --locked typst-cli`);
# without it that part is skipped. Scale: FLYERPRESS_BENCH_EDITIONS="10 25 50 100".
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
bin=$PWD/target/release/flyerpress
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Runs a command, stores wall seconds in $secs and peak RSS in KiB in $rss.
measure() {
  /usr/bin/time -f "%e %M" -o "$work/time" "$@" >"$work/stdout" 2>"$work/err" || {
    cat "$work/err" >&2
    return 1
  }
  read -r secs rss <"$work/time"
}
ms() { awk -v s="$1" -v n="$2" 'BEGIN { printf "%.0f", 1000 * s / n }'; }
mib() { awk -v k="$1" 'BEGIN { printf "%.0f", k / 1024 }'; }

# A copy of the project to edit.
cp -r content layouts "$work/" && ln -s "$PWD/fonts" "$work/fonts"
project=$work
jobs=$("$bin" list --project "$project" | awk '/^editions/ {e=1; next} /^layouts/ {e=0; l=1; next} e {ne++} l {nl++} END {print ne * nl}')

echo "flyerpress $("$bin" --version | cut -d' ' -f2) on $(nproc) cores; $jobs documents (editions x layouts)"
echo

measure "$bin" build --project "$project" --out "$work/out"
full=$secs full_rss=$rss
cp "$work/err" "$work/full-err"
files=$(find "$work/out" -type f ! -name manifest.json ! -name index.html | wc -l)
echo "cold full build:     $(printf %6.2f "$full") s  $(ms "$full" "$jobs") ms/document  $files files  peak RSS $(mib "$full_rss") MiB"

measure "$bin" build --project "$project" --out "$work/out"
echo "no-op rebuild:       $(printf %6.2f "$secs") s  $(awk -v a="$secs" -v b="$full" 'BEGIN { printf "%.1f", 100 * a / b }') % of the full build  peak RSS $(mib "$rss") MiB"

sed -i 's/^title: .*/title: Hurtigt overblik over messengersystemer/' "$project/content/da.yaml"
measure "$bin" build --project "$project" --out "$work/out"
rebuilt=$(grep -c '^built ' "$work/err" || true)
echo "one-edition rebuild: $(printf %6.2f "$secs") s  $rebuilt documents rebuilt  peak RSS $(mib "$rss") MiB"
git -C . show HEAD:content/da.yaml >"$project/content/da.yaml" 2>/dev/null || cp content/da.yaml "$project/content/da.yaml"

if command -v typst >/dev/null 2>&1; then
  # The same documents with the typst CLI: one process per document and output
  # format (PDF, SVG where the layout writes it, PNG at 150 dpi), two at a time.
  cli=$work/cli && mkdir -p "$cli"
  commands=$work/commands
  : >"$commands"
  for lang in $("$bin" list --project "$project" | awk '/^editions/ {e=1; next} /^layouts/ {e=0} e {print $1}'); do
    for layout in $("$bin" list --project "$project" | awk '/^layouts/ {l=1; next} l {print $1}'); do
      dir=$cli/$lang-$layout
      "$bin" eject --project "$project" --lang "$lang" --layout "$layout" "$dir" >/dev/null
      base="typst compile --root $dir --ignore-system-fonts --font-path $PWD/fonts $dir/overview.typ"
      echo "$base $dir/out.pdf" >>"$commands"
      grep -q 'svg' "$project/layouts/$layout.yaml" && echo "$base $dir/out.svg" >>"$commands"
      # A page number in the name: two-sided layouts have two pages.
      echo "$base --ppi 150 $dir/out-{p}.png" >>"$commands"
    done
  done
  processes=$(wc -l <"$commands")
  measure xargs -P 2 -I{} sh -c {} <"$commands"
  echo "typst CLI:           $(printf %6.2f "$secs") s  $processes processes for the same $jobs documents; flyerpress is $(awk -v a="$secs" -v b="$full" 'BEGIN { printf "%.1f", a / b }')x faster"
  grep '\.pdf$' "$commands" >"$commands.pdf"
  measure xargs -P 2 -I{} sh -c {} <"$commands.pdf"
  echo "typst CLI, PDF only: $(printf %6.2f "$secs") s  ($jobs processes)"
  # The same again with the body size flyerpress chose written into each document,
  # so that the template lays the page out once instead of searching the size: the
  # cost of the typesetting alone, for comparison.
  grep '^built ' "$work/full-err" | sed -E 's|^built ([^ ]+) / ([^:]+):.*body text ([0-9.]+) pt.*|\1 \2 \3|' |
    while read -r lang layout size; do
      sed -i "0,/\"style\": {/s//\"style\": {\"fit\": {\"body_size\": $size, \"probe\": false},/" "$cli/$lang-$layout/document.json"
    done
  measure xargs -P 2 -I{} sh -c {} <"$commands"
  echo "typst CLI, size given: $(printf %6.2f "$secs") s  $processes processes, no size search in the template"
else
  echo "typst CLI:           not installed, comparison skipped"
fi

echo
echo "build time against editions (layout a4-screen, synthetic editions copied from en):"
for n in ${FLYERPRESS_BENCH_EDITIONS:-10 25 50 100}; do
  synthetic=$work/synthetic-$n
  rm -rf "$synthetic" && mkdir -p "$synthetic/content" && cp -r layouts "$synthetic/" && ln -s "$PWD/fonts" "$synthetic/fonts"
  cp content/facts.yaml content/de.yaml "$synthetic/content/"
  printf 'base: de\npublisher: bench\neditions:\n  de: { name: Deutsch, code: DE, date: 2026-02-01, review: draft }\n' >"$synthetic/content/config.yaml"
  for i in $(seq 2 "$n"); do
    code=$(printf 'en-x%03d' "$i")
    cp content/en.yaml "$synthetic/content/$code.yaml"
    echo "  $code: { name: $code, code: X$i, date: 2026-02-01, review: draft }" >>"$synthetic/content/config.yaml"
  done
  measure "$bin" build --project "$synthetic" --out "$synthetic/out" --layout a4-screen
  echo "  $(printf %4d "$n") editions: $(printf %6.2f "$secs") s  $(ms "$secs" "$n") ms/document  peak RSS $(mib "$rss") MiB"
done
