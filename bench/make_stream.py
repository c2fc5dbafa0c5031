#!/usr/bin/env python3
"""Build big streaming inputs for scour's corpus-scale measurements.

    bench/make_stream.py jsonl DIR OUT.jsonl  --mb 1000
    bench/make_stream.py warc  DIR OUT.warc.gz --mb 1000

Repeats the HTML pages of DIR (sorted) until about --mb megabytes of page
bytes are written. JSONL: one record per line, {"id", "url", "text": page}.
WARC: per record gzip members (as crawlers write them), with a warcinfo
record, then for each page a request record, a response record (HTTP 200,
the page's charset from its <meta> if any, else none) and, every tenth page,
an image response that scour must skip. Standard library only.
"""
import argparse
import gzip
import json
import os
import re
import sys
import uuid


def pages(d):
    names = sorted(n for n in os.listdir(d) if n.endswith((".html", ".htm")))
    out = []
    for n in names:
        with open(os.path.join(d, n), "rb") as f:
            out.append((n, f.read()))
    if not out:
        sys.exit(f"no .html pages in {d}")
    return out


def record(kind, headers, block):
    h = [b"WARC/1.0", b"WARC-Type: " + kind.encode()]
    h += [f"{k}: {v}".encode() for k, v in headers]
    h.append(b"Content-Length: %d" % len(block))
    return b"\r\n".join(h) + b"\r\n\r\n" + block + b"\r\n\r\n"


def rid(i, what):
    return "<urn:uuid:%s>" % uuid.uuid5(uuid.NAMESPACE_URL, f"scour-bench/{what}/{i}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("kind", choices=["jsonl", "warc"])
    ap.add_argument("dir")
    ap.add_argument("out")
    ap.add_argument("--mb", type=float, default=1000)
    a = ap.parse_args()
    src = pages(a.dir)
    target = a.mb * 1e6
    written = 0
    i = 0
    n_docs = 0
    with open(a.out, "wb") as f:
        if a.kind == "warc":
            f.write(gzip.compress(record("warcinfo", [("WARC-Record-ID", rid(0, "info"))], b"software: bench\r\n"), 1))
        while written < target:
            name, html = src[i % len(src)]
            url = f"https://bench.example/{i // len(src)}/{name}"
            date = "2024-05-01T12:00:00Z"
            if a.kind == "jsonl":
                line = json.dumps({"id": i, "url": url, "text": html.decode("utf-8", "replace")}) + "\n"
                f.write(line.encode())
            else:
                m = re.search(rb"<meta[^>]*charset=[\"']?([A-Za-z0-9_-]+)", html[:8192], re.I)
                ct = "text/html" + ("; charset=" + m.group(1).decode() if m else "")
                req = f"GET /{name} HTTP/1.1\r\nHost: bench.example\r\n\r\n".encode()
                f.write(gzip.compress(record("request", [("WARC-Record-ID", rid(i, "req")), ("WARC-Target-URI", url), ("WARC-Date", date), ("Content-Type", "application/http; msgtype=request")], req), 1))
                http = f"HTTP/1.1 200 OK\r\nContent-Type: {ct}\r\nContent-Length: {len(html)}\r\n\r\n".encode() + html
                f.write(gzip.compress(record("response", [("WARC-Record-ID", rid(i, "resp")), ("WARC-Target-URI", url), ("WARC-Date", date), ("Content-Type", "application/http; msgtype=response")], http), 1))
                if i % 10 == 0:
                    img = b"HTTP/1.1 200 OK\r\nContent-Type: image/png\r\n\r\n\x89PNG\r\n\x1a\n" + bytes(200)
                    f.write(gzip.compress(record("response", [("WARC-Record-ID", rid(i, "img")), ("WARC-Target-URI", url + ".png"), ("WARC-Date", date), ("Content-Type", "application/http; msgtype=response")], img), 1))
            written += len(html)
            n_docs += 1
            i += 1
    print(f"{a.out}: {n_docs} documents, {written / 1e6:.1f} MB of pages, {os.path.getsize(a.out) / 1e6:.1f} MB on disk")


if __name__ == "__main__":
    main()
