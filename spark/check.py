"""`make test-spark`: run scour under PySpark in local mode and check that
the output is identical to a plain single-process run.

    python spark/check.py --scour target/release/scour [--corpus corpus/raw]

Builds a JSONL file from the sample corpus (every page three times, under
different ids, so that partitions cut through it), then compares:

  1. `RDD.pipe` over 4 JSONL partitions  vs  `scour --input jsonl` on the whole file;
  2. `mapPartitions` over the corpus files  vs  `scour --format jsonl` on all of them.

Both runs use `--no-batch-lexicon`: the batch lexicon is learned per scour
process, so with it the output would depend on the partitioning (see
spark/scour_spark.py). Exit status 0 when both are identical, 1 otherwise.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import scour_spark  # noqa: E402

FLAGS = ["--no-batch-lexicon"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--scour", required=True)
    ap.add_argument("--corpus", default="corpus/raw")
    a = ap.parse_args()
    scour = os.path.abspath(a.scour)
    files = sorted(
        os.path.abspath(os.path.join(a.corpus, f))
        for f in os.listdir(a.corpus)
        if os.path.isfile(os.path.join(a.corpus, f))
    )
    tmp = tempfile.mkdtemp(prefix="scour-spark-")
    src = os.path.join(tmp, "in.jsonl")
    n = 0
    with open(src, "w", encoding="utf-8") as f:
        for rep in range(3):
            for p in files:
                with open(p, "rb") as g:
                    text = g.read().decode("utf-8", errors="replace")
                rec = {"id": "%s#%d" % (os.path.basename(p), rep), "url": "file://" + p, "text": text}
                f.write(json.dumps(rec, ensure_ascii=False) + "\n")
                n += 1
        # A record that fails (empty) must not fail the Spark task: it keeps
        # its line, with `scour_error`.
        f.write(json.dumps({"id": "empty", "text": ""}) + "\n")
        n += 1

    run = subprocess.run(scour_spark.scour_command(scour, FLAGS) + [src], stdout=subprocess.PIPE)
    assert run.returncode == 1, "the empty record should fail (exit 1), got %d" % run.returncode
    plain = run.stdout.decode("utf-8").splitlines()
    plain_files = subprocess.run(
        [scour, "--format", "jsonl", "-j", "1"] + FLAGS + files, stdout=subprocess.PIPE, check=True
    ).stdout.decode("utf-8").splitlines()

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    from pyspark import SparkConf, SparkContext

    t = time.time()
    conf = SparkConf().setMaster("local[2]").setAppName("scour-check").set("spark.ui.enabled", "false").set(
        "spark.ui.showConsoleProgress", "false"
    )
    sc = SparkContext.getOrCreate(conf)
    sc.setLogLevel("ERROR")
    try:
        piped = scour_spark.run_jsonl(sc, src, None, scour, FLAGS, partitions=4)
        parts = piped.getNumPartitions()
        spark_lines = piped.collect()
        spark_files = scour_spark.run_files(sc, files, None, scour, FLAGS, partitions=3).collect()
    finally:
        sc.stop()
    took = time.time() - t

    ok = True
    for name, got, want in [("RDD.pipe (jsonl)", spark_lines, plain), ("mapPartitions (files)", spark_files, plain_files)]:
        same = got == want
        ok &= same
        print("%-22s %4d lines, plain run %4d lines: %s" % (name, len(got), len(want), "identical" if same else "DIFFERENT"))
        if not same:
            for i, (x, y) in enumerate(zip(got, want)):
                if x != y:
                    print("  first difference at line %d:\n    spark: %s\n    plain: %s" % (i + 1, x[:200], y[:200]))
                    break
    print("records: %d in %d partitions; Spark jobs took %.1f s" % (n, parts, took))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
