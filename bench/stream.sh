#!/usr/bin/env bash
# Corpus-scale measurement: peak memory and throughput of scour on ~1 GB of
# pages as JSONL, as a per-record gzipped WARC, and as a directory tree.
#
#   bench/stream.sh [PAGES_DIR] [MB]      (defaults: ../shared/bench/dev/html, 1000)
#
# Big files go to a temporary directory under /tmp, removed at the end. Needs
# target/release/scour (cargo build --release), Python 3 and GNU time.
# Throughput is reported per wall second and per CPU second (user + sys):
# on a shared machine only the second is comparable between runs.
set -euo pipefail
cd "$(dirname "$0")/.."
PAGES=${1:-../shared/bench/dev/html}
MB=${2:-1000}
SCOUR=target/release/scour
[ -x "$SCOUR" ] || { echo "build first: cargo build --release" >&2; exit 1; }
[ -d "$PAGES" ] || { echo "no pages in $PAGES: nothing measured"; exit 0; }
T=$(mktemp -d /tmp/scour-stream.XXXXXX)
trap 'rm -rf "$T"' EXIT

python3 bench/make_stream.py jsonl "$PAGES" "$T/big.jsonl" --mb "$MB"
python3 bench/make_stream.py warc "$PAGES" "$T/big.warc.gz" --mb "$MB"
copies=$(python3 -c "import os,sys; d=sys.argv[1]; s=sum(os.path.getsize(os.path.join(d,n)) for n in os.listdir(d) if n.endswith(('.html','.htm'))); print(max(1, round($MB*1e6/s)))" "$PAGES")
for i in $(seq 1 "$copies"); do mkdir -p "$T/dir/c$i"; cp "$PAGES"/*.htm* "$T/dir/c$i/"; done

measure() {
    local name=$1; shift
    echo "== $name: $*"
    /usr/bin/time -v "$@" --stats "$T/$name.stats.json" > /dev/null 2> "$T/$name.time"
    python3 - "$T/$name.time" "$T/$name.stats.json" <<'PY'
import json, re, sys
t = open(sys.argv[1]).read()
s = json.load(open(sys.argv[2]))
get = lambda k: re.search(re.escape(k) + r": (.*)", t).group(1).strip()
cpu = float(get("User time (seconds)")) + float(get("System time (seconds)"))
mb = s["bytes_in"] / 1e6
print(f"   documents {s['documents_in']} ok {s['documents_ok']} failed {s['documents_failed']} skipped {s['skipped']}")
print(f"   {mb:.1f} MB in {s['seconds']:.1f} s wall ({get('Percent of CPU this job got')} CPU): "
      f"{s['mb_per_s']:.1f} MB/s, {mb / cpu:.1f} MB per CPU-second")
print(f"   peak RSS {int(get('Maximum resident set size (kbytes)')) / 1024:.0f} MB")
PY
}

measure jsonl "$SCOUR" --input jsonl --format jsonl "$T/big.jsonl"
measure warc "$SCOUR" "$T/big.warc.gz"
measure dir "$SCOUR" "$T/dir" -o "$T/out" -j2
