#!/usr/bin/env bash
# Repair-stage benchmark: accuracy on the encoding cases, throughput of the
# repair pass and of the clean fast path, and ftfy's throughput on the same
# texts for comparison.
#
#   bench/repair.sh [--lexicon FILE]...
#
# Needs the shared benchmark data at ../shared/bench/encoding (relative to
# the repository). Without it, says so and exits 0.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
data="$here/../shared/bench/encoding"
if [ ! -d "$data" ]; then
    echo "bench/repair.sh: no benchmark data at $data (../shared/bench/encoding); nothing to run."
    exit 0
fi
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$here/target}"
out="$here/bench/out/repair"
mkdir -p "$out"
extra=("$@")
cargo build --quiet --release --example repair_jsonl --manifest-path "$here/Cargo.toml"
bin="$CARGO_TARGET_DIR/release/examples/repair_jsonl"

for set in dev realtext-dev; do
    cases="$data/$set.jsonl"
    [ -f "$cases" ] || continue
    "$bin" "$cases" --out "$out/$set.pred.jsonl" "${extra[@]}"
    python3 "$data/score_repair.py" "$cases" "$out/$set.pred.jsonl" > "$out/$set.score.txt"
    echo "== $set"
    grep -E '^(group|kind:|ALL)' "$out/$set.score.txt"
    tail -n 1 "$out/$set.score.txt"
done

echo "== speed (realtext-dev, single thread, median of runs)"
"$bin" "$data/realtext-dev.jsonl" --out /dev/null --time --repeat 7 "${extra[@]}" 2>&1 | grep -E 'pass2|fast path'

py=/opt/peers/bin/python
if [ -x "$py" ] && "$py" -c 'import ftfy' 2>/dev/null; then
    "$py" - "$data/realtext-dev.jsonl" <<'PY'
import json, sys, time, statistics
from ftfy import fix_text
texts = [json.loads(l)["damaged"] for l in open(sys.argv[1], encoding="utf-8") if l.strip()]
size = sum(len(t.encode("utf-8")) for t in texts) / 1e6
runs = []
for _ in range(3):
    t0 = time.perf_counter()
    for t in texts:
        fix_text(t, uncurl_quotes=False, fix_latin_ligatures=False, fix_character_width=False)
    runs.append(time.perf_counter() - t0)
print(f"ftfy repair: {size / statistics.median(runs):.2f} MB/s (median of {len(runs)}, {size:.2f} MB)")
PY
else
    echo "ftfy not found at $py; skipping the comparison"
fi
