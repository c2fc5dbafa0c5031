#!/usr/bin/env python3
"""Run one peer tool the way bench/run.py measures it (single process).

    peers.py extract PEER IN_DIR OUT_DIR
        PEER is resiliparse, trafilatura or trafilatura-precision. Every
        IN_DIR/<id>.html or <id>.html.gz (gzip is undone here) becomes
        OUT_DIR/<id>.txt; a page the peer fails on, or finds no text in,
        gives an empty file. Prints one JSON line: docs, failed, bytes_in.

    peers.py ftfy CASES.jsonl PRED.jsonl [--runs N]
        Repairs every case's "damaged" text with ftfy's fix_text (the three
        cosmetic steps off, as the encoding targets expect), N times in this
        one process; writes {"id", "text"} lines for score_repair.py and
        prints one JSON line: bytes, per-pass seconds, median, mb_per_s.

Runs inside target/bench-venv, where run.py installs resiliparse,
trafilatura and ftfy; nothing here is imported by scour's own code.
"""
import argparse
import gzip
import json
import statistics
import sys
import time
from pathlib import Path

HTML_SUFFIXES = (".html.gz", ".html")


def resiliparse_extractor():
    """Main-content plain text with Resiliparse; bytes decoded by its own charset detection."""
    from resiliparse.extract.html2text import extract_plain_text
    from resiliparse.parse.encoding import bytes_to_str, detect_encoding

    def extract(data):
        return extract_plain_text(bytes_to_str(data, detect_encoding(data)), main_content=True)

    return extract


def trafilatura_extractor(favor_precision):
    """trafilatura.extract with default settings (optionally favor_precision=True)."""
    import trafilatura

    def extract(data):
        if favor_precision:
            return trafilatura.extract(data, favor_precision=True)
        return trafilatura.extract(data)

    return extract


EXTRACTORS = {
    "resiliparse": resiliparse_extractor,
    "trafilatura": lambda: trafilatura_extractor(False),
    "trafilatura-precision": lambda: trafilatura_extractor(True),
}


def html_inputs(in_dir):
    """(id, path) for every page in in_dir, sorted by name."""
    for path in sorted(Path(in_dir).iterdir()):
        for suffix in HTML_SUFFIXES:
            if path.name.endswith(suffix):
                yield path.name[: -len(suffix)], path
                break


def read_page(path):
    """The page's bytes, gunzipped when the name ends in .gz."""
    data = path.read_bytes()
    return gzip.decompress(data) if path.name.endswith(".gz") else data


def cmd_extract(args):
    extract = EXTRACTORS[args.peer]()
    out_dir = Path(args.out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    docs = failed = bytes_in = 0
    for doc_id, path in html_inputs(args.in_dir):
        data = read_page(path)
        docs += 1
        bytes_in += len(data)
        try:
            text = extract(data) or ""
        except Exception as exc:  # a peer's crash on one page must not stop the run
            print(f"peers.py: {args.peer}: {path}: {type(exc).__name__}: {exc}", file=sys.stderr)
            failed += 1
            text = ""
        (out_dir / f"{doc_id}.txt").write_text(text, encoding="utf-8")
    print(json.dumps({"peer": args.peer, "docs": docs, "failed": failed, "bytes_in": bytes_in}))
    return 0


def cmd_ftfy(args):
    import ftfy

    with open(args.cases, encoding="utf-8") as f:
        cases = [json.loads(line) for line in f if line.strip()]
    texts = [c["damaged"] for c in cases]
    seconds = []
    for _ in range(args.runs):
        start = time.perf_counter()
        fixed = [ftfy.fix_text(t, uncurl_quotes=False, fix_latin_ligatures=False,
                               fix_character_width=False) for t in texts]
        seconds.append(time.perf_counter() - start)
    with open(args.pred, "w", encoding="utf-8") as f:
        for case, text in zip(cases, fixed):
            f.write(json.dumps({"id": case["id"], "text": text}, ensure_ascii=False) + "\n")
    n_bytes = sum(len(t.encode("utf-8")) for t in texts)
    median = statistics.median(seconds)
    print(json.dumps({"tool": "ftfy", "version": ftfy.__version__, "bytes": n_bytes,
                      "seconds": seconds, "median_seconds": median,
                      "mb_per_s": n_bytes / 1e6 / median if median else None}))
    return 0


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="command", required=True)
    ex = sub.add_parser("extract", help="run an HTML extractor over a directory")
    ex.add_argument("peer", choices=sorted(EXTRACTORS))
    ex.add_argument("in_dir")
    ex.add_argument("out_dir")
    ex.set_defaults(func=cmd_extract)
    fx = sub.add_parser("ftfy", help="repair encoding cases with ftfy and time it")
    fx.add_argument("cases")
    fx.add_argument("pred")
    fx.add_argument("--runs", type=int, default=1, help="timed passes over the texts (median)")
    fx.set_defaults(func=cmd_ftfy)
    args = ap.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
