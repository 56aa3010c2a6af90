#!/usr/bin/env bash
# Benchmark of full, no-op and one-edition builds, side by side with the typst CLI,
# and of build time against the number of editions. Prints its figures; run it on a
# quiet machine:  bench/run.sh
#
# Needs: a release build (made here), GNU time (/usr/bin/time) for peak RSS, and for
# the comparison the typst CLI 0.15 on PATH (`cargo install --locked typst-cli`);
# without it that part is skipped. Scale: FLYERPRESS_BENCH_EDITIONS="10 50 100 200".
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
bin=$PWD/target/release/flyerpress
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Runs a command, stores wall seconds in $secs, CPU seconds (user and system, its
# children's too) in $cpu and peak RSS in KiB in $rss.
measure() {
  /usr/bin/time -f "%e %M %U %S" -o "$work/time" "$@" >"$work/stdout" 2>"$work/err" || {
    cat "$work/err" >&2
    return 1
  }
  read -r secs rss user system <"$work/time"
  cpu=$(awk -v u="$user" -v s="$system" 'BEGIN { printf "%.2f", u + s }')
}
ms() { awk -v s="$1" -v n="$2" 'BEGIN { printf "%.0f", 1000 * s / n }'; }
mib() { awk -v k="$1" 'BEGIN { printf "%.0f", k / 1024 }'; }

# A copy of the project to edit.
cp -r content layouts "$work/" && ln -s "$PWD/fonts" "$work/fonts"
project=$work
echo "flyerpress $("$bin" --version | cut -d' ' -f2) on $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo)"
echo

# A build deciding every job (no outputs, no lock), and one from a clean output folder
# with the lock the first wrote. This machine's speed drifts by a fifth between
# minutes: each is run again just before and after the CLI run it is compared with.
cold() {
  rm -rf "$work/out" "$project/flyerpress.lock"
  measure "$bin" build --project "$project" --out "$work/out" --timings
  full_rss=$((rss > ${full_rss:-0} ? rss : ${full_rss:-0}))
  colds+=("$secs") cold_cpus+=("$cpu")
}
with_lock() {
  rm -rf "$work/out-locked" && cp "$work/lock" "$project/flyerpress.lock"
  measure "$bin" build --project "$project" --out "$work/out-locked" --timings
  lockeds+=("$secs") locked_cpus+=("$cpu")
}
mean() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (a + b) / 2 }'; }
colds=() lockeds=() cold_cpus=() locked_cpus=()
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
cold
cp "$project/flyerpress.lock" "$work/lock"
cp "$work/err" "$work/full-err"
jobs=$(sed -nE 's/^([0-9]+) jobs:.*/\1/p' "$work/full-err")
full=${colds[0]}
files=$(find "$work/out" -type f ! -name manifest.json ! -name index.html | wc -l)
echo "cold full build:     $(printf %6.2f "${colds[0]}") s  $jobs documents, $(ms "${colds[0]}" "$jobs") ms/document  $files files  peak RSS $(mib "$full_rss") MiB"
# CPU time per stage, summed over the jobs (each job runs its stages on one core), and
# the layouts (Typst compiles) of the stages that lay the document out.
awk -F'[()]' '/^built / { n = split($(NF-1), stages, ", "); for (i = 1; i <= n; i++) { k = split(stages[i], kv, " "); sum[kv[1]] += kv[2]; total += kv[2]; if (k > 2) { gsub(/[][]/, "", kv[3]); layouts[kv[1]] += kv[3]; all += kv[3] } } }
  END { printf "  CPU per stage (ms per document):"; for (s in sum) printf " %s %.0f", s, sum[s] / '"$jobs"'; printf "; total %.0f\n", total / '"$jobs"'
        printf "  layouts per document:"; for (s in layouts) printf " %s %.2f", s, layouts[s] / '"$jobs"'; printf "; total %.2f\n", all / '"$jobs"' }' "$work/full-err"

# A clean clone of a project with its lock committed: no outputs, every decision kept.
with_lock
echo "cold build with flyerpress.lock (no outputs, the decisions of the build above): $(printf %6.2f "${lockeds[0]}") s  $(ms "${lockeds[0]}" "$jobs") ms/document  peak RSS $(mib "$rss") MiB"
if diff -r -q -x manifest.json -x index.html "$work/out" "$work/out-locked" >/dev/null; then
  echo "  its files are byte for byte those of the build above"
else
  echo "  ERROR: its files differ from the build above" >&2
  exit 1
fi

measure "$bin" build --project "$project" --out "$work/out"
echo "no-op rebuild:       $(printf %6.2f "$secs") s  $(awk -v a="$secs" -v b="$full" 'BEGIN { printf "%.1f", 100 * a / b }') % of the full build  peak RSS $(mib "$rss") MiB"

sed -i 's/^title: .*/title: Hurtigt overblik over messengersystemer/' "$project/content/da.yaml"
measure "$bin" build --project "$project" --out "$work/out" --timings
rebuilt=$(grep -c '^built ' "$work/err" || true)
passes=$(awk -F'[()]' '/^built / { built++; n = split($(NF-1), stages, ", "); for (i = 1; i <= n; i++) if (split(stages[i], kv, " ") > 2) { gsub(/[][]/, "", kv[3]); all += kv[3] } } END { printf "%.1f", all / built }' "$work/err")
echo "one-edition rebuild: $(printf %6.2f "$secs") s  $rebuilt documents rebuilt, $passes layouts each  peak RSS $(mib "$rss") MiB"
git -C . show HEAD:content/da.yaml >"$project/content/da.yaml" 2>/dev/null || cp content/da.yaml "$project/content/da.yaml"

if command -v typst >/dev/null 2>&1; then
  # The same documents with the typst CLI: one process per document and output
  # format (PDF, SVG where the layout writes it, PNG at 150 dpi), two at a time. An
  # ejected document carries the body size flyerpress chose ("size given"); without
  # it the template searches the size itself, as an ejected project does after an edit.
  cli=$work/cli && mkdir -p "$cli"
  commands=$work/commands
  : >"$commands"
  for lang in $("$bin" list --project "$project" | awk '/^editions/ {e=1; next} /^layouts/ {e=0} e {print $1}'); do
    for layout in $("$bin" list --project "$project" | awk '/^layouts/ {l=1; next} l {print $1}'); do
      dir=$cli/$lang-$layout
      "$bin" eject --project "$project" --lang "$lang" --layout "$layout" "$dir" >/dev/null 2>&1 || continue
      base="typst compile --root $dir --ignore-system-fonts --font-path $PWD/fonts $dir/overview.typ"
      echo "$base $dir/out.pdf" >>"$commands"
      grep -q 'svg' "$project/layouts/$layout.yaml" && echo "$base $dir/out.svg" >>"$commands"
      # A page number in the name: two-sided layouts have two pages.
      echo "$base --ppi 150 $dir/out-{p}.png" >>"$commands"
    done
  done
  processes=$(wc -l <"$commands")
  with_lock
  measure xargs -P 2 -I{} sh -c {} <"$commands"
  given=$secs given_cpu=$cpu
  with_lock
  locked=$(mean "${lockeds[1]}" "${lockeds[2]}")
  python3 - "$cli" <<'PY'
import json, pathlib, sys
for path in pathlib.Path(sys.argv[1]).glob("*/document.json"):
    model = json.loads(path.read_text())
    model["style"].pop("fit", None)
    path.write_text(json.dumps(model))
PY
  cold
  measure xargs -P 2 -I{} sh -c {} <"$commands"
  searched=$secs searched_cpu=$cpu
  cold
  full=$(mean "${colds[1]}" "${colds[2]}")
  echo "typst CLI, template searches the size: $(printf %6.2f "$searched") s  $processes processes for the same $jobs documents"
  echo "  flyerpress deciding every job, just before and after: ${colds[1]} and ${colds[2]} s; CLI time / flyerpress time: $(ratio "$searched" "$full")"
  echo "  CPU time: CLI $searched_cpu s, flyerpress ${cold_cpus[1]} and ${cold_cpus[2]} s: $(ratio "$searched_cpu" "$(mean "${cold_cpus[1]}" "${cold_cpus[2]}")")"
  echo "typst CLI, size given:                 $(printf %6.2f "$given") s"
  echo "  flyerpress with the lock (the decisions given too), just before and after: ${lockeds[1]} and ${lockeds[2]} s; CLI time / flyerpress time: $(ratio "$given" "$locked"); / flyerpress deciding: $(ratio "$given" "$full")"
  echo "  CPU time: CLI $given_cpu s, flyerpress with the lock ${locked_cpus[1]} and ${locked_cpus[2]} s: $(ratio "$given_cpu" "$(mean "${locked_cpus[1]}" "${locked_cpus[2]}")")"
else
  echo "typst CLI:           not installed (cargo install --locked typst-cli), comparison skipped"
fi

echo
echo "build time against editions (layout a4-screen, synthetic editions copied from en):"
for n in ${FLYERPRESS_BENCH_EDITIONS:-10 50 100 200}; do
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
