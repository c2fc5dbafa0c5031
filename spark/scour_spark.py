"""Run scour under Apache Spark, unchanged: the recipe the README describes.

Two shapes of job:

  jsonl   JSONL partitions piped through `scour --input jsonl --format jsonl`
          with `RDD.pipe`: each partition's lines go to one scour process on
          stdin and come back in the same order, one output line per input
          line.

  files   a list of file paths (WARC, .jsonl.gz, pages...) spread over the
          executors; `mapPartitions` runs one scour process per partition on
          its paths and yields its JSONL output.

    spark-submit spark/scour_spark.py jsonl  IN.jsonl OUT_DIR [--scour PATH] [-- SCOUR_ARGS...]
    spark-submit spark/scour_spark.py files  LIST.txt OUT_DIR [--scour PATH] [-- SCOUR_ARGS...]

Each scour process is given `-j 1`: Spark already runs one task per core, so
scour's own threads would only oversubscribe the executor. The batch lexicon
(characters lost to `?`) is learned per process, that is per partition; pass
`--no-batch-lexicon` (or a shared `--lexicon FILE`) when the output must not
depend on how the input was partitioned, and `--templates FILE` learned
beforehand to apply site templates the same way on every partition.
"""

import argparse
import os
import shlex
import subprocess
import sys


def scour_command(scour, extra):
    return [scour, "--input", "jsonl", "--format", "jsonl", "-j", "1"] + list(extra)


def run_jsonl(sc, src, out, scour, extra, partitions=None):
    """The RDD.pipe recipe: returns the RDD of output lines."""
    rdd = sc.textFile(src, minPartitions=partitions or sc.defaultParallelism)
    # Exit 1 means some records failed: each still has its output line, with
    # `scour_error` saying why, so only other statuses fail the task.
    inner = " ".join(shlex.quote(a) for a in scour_command(scour, extra)) + '; s=$?; [ "$s" -le 1 ]'
    cmd = "sh -c " + shlex.quote(inner)
    piped = rdd.pipe(cmd, env={"LC_ALL": "C.UTF-8"}, checkCode=True)
    if out:
        piped.saveAsTextFile(out)
    return piped


def run_files(sc, paths, out, scour, extra, partitions=None):
    """The mapPartitions recipe for inputs that are files (WARC and the like)."""
    base = [scour, "--format", "jsonl", "-j", "1"] + list(extra)

    def clean_partition(it):
        files = list(it)
        if not files:
            return
        proc = subprocess.run(base + files, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        # Exit 1 means some documents failed (each named on stderr); the
        # rest of the output is good. Anything else is a real failure.
        if proc.returncode not in (0, 1):
            raise RuntimeError("scour failed (%d): %s" % (proc.returncode, proc.stderr.decode(errors="replace")))
        sys.stderr.write(proc.stderr.decode(errors="replace"))
        for line in proc.stdout.decode("utf-8").splitlines():
            yield line

    rdd = sc.parallelize(paths, partitions or sc.defaultParallelism).mapPartitions(clean_partition)
    if out:
        rdd.saveAsTextFile(out)
    return rdd


def main():
    argv = sys.argv[1:]
    extra = []
    if "--" in argv:
        i = argv.index("--")
        argv, extra = argv[:i], argv[i + 1 :]
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("mode", choices=["jsonl", "files"])
    ap.add_argument("src", help="JSONL input (jsonl) or a file listing one input path per line (files)")
    ap.add_argument("out", help="output directory (Spark's part files)")
    ap.add_argument("--scour", default=os.environ.get("SCOUR", "scour"), help="scour binary on every executor")
    ap.add_argument("--partitions", type=int)
    a = ap.parse_args(argv)
    from pyspark import SparkContext

    sc = SparkContext.getOrCreate()
    if a.mode == "jsonl":
        run_jsonl(sc, a.src, a.out, a.scour, extra, a.partitions)
    else:
        with open(a.src) as f:
            paths = [l.strip() for l in f if l.strip()]
        run_files(sc, paths, a.out, a.scour, extra, a.partitions)
    sc.stop()


if __name__ == "__main__":
    main()
