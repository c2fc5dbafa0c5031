#!/usr/bin/env python3
"""Ablation: what each source of evidence adds, on both sets, in both modes.

    python3 bench/ablation.py [--learned] [--sources vocab,attrs,...] [--modes html,text]
                              [--jobs N] [--out bench/out/ablation.md]

Every row runs scour with one source switched off through `SCOUR_ABLATE`
(src/ablate.rs says what each name removes) and reports token F1 from the
kit's score.py on the dev sets:

* "rules" columns: `scour --rules-only`, the rule-based classifier alone;
* "learned (CV)" columns (`--learned`): the learned scorer retrained without
  the source by `train/train.py --cv-only` (the variable reaches the feature
  dumper), cross-validated by site as in models/cv.json, so a row is the
  system as it would be built without that source. This takes several
  minutes per row.

Sources that only exist in HTML (class/id, chrome, semantic tags, links,
JSON-LD) are not rerun in text mode: they cannot change it.

Needs the shared benchmark kit ($SCOUR_BENCH or ../shared/bench); without it,
says so and exits 0. Standard library only (train.py needs its own venv,
found at /opt/peers/bin/python, target/train-venv or $SCOUR_TRAIN_PY).
"""
import argparse
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SOURCES = ("vocab", "attrs", "chrome", "semantic", "region", "links", "repeats", "title", "context",
           "ldjson", "stopwords")
HTML_ONLY = {"attrs", "chrome", "semantic", "links", "ldjson"}
SETS = (("dev", "dev"), ("wcxb-dev", "wcxb"))
INPUT_DIR = {"html": "html", "text": "naive"}


def find_kit():
    kit = Path(os.environ.get("SCOUR_BENCH") or REPO.parent / "shared" / "bench")
    return kit.resolve() if (kit / "score.py").is_file() else None


def load_scorer(kit):
    spec = importlib.util.spec_from_file_location("score", kit / "score.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def f1_of(scorer, truth_dir, pred_dir):
    """Token F1 over a set, as score.py computes it (missing output = empty)."""
    rows = []
    for t in sorted(Path(truth_dir).glob("*.txt")):
        p = Path(pred_dir) / t.name
        pred = p.read_text(encoding="utf-8") if p.exists() else ""
        rows.append(scorer.shingle_tp_fp_fn(scorer.tokenize(t.read_text(encoding="utf-8")), scorer.tokenize(pred)))
    return scorer.metrics_from_tp_fp_fns(rows)["f1"]


def rules_row(exe, kit, scorer, ablate, modes, jobs, tmp):
    env = dict(os.environ, SCOUR_ABLATE=ablate)
    out = {}
    for mode in modes:
        if mode == "text" and ablate in HTML_ONLY:
            continue
        for set_dir, key in SETS:
            pred = Path(tmp) / f"{ablate or 'all'}-{mode}-{key}"
            shutil.rmtree(pred, ignore_errors=True)
            cmd = [str(exe), "--rules-only", f"-j{jobs}", "--input", mode, str(kit / set_dir / INPUT_DIR[mode]),
                   "-o", str(pred)]
            proc = subprocess.run(cmd, env=env, capture_output=True, text=True)
            if proc.returncode not in (0, 1):
                sys.exit(f"ablation: {' '.join(cmd)} failed ({proc.returncode}): {proc.stderr[-500:]}")
            out[(mode, key)] = f1_of(scorer, kit / set_dir / "truth", pred)
    return out


def train_python():
    for p in (os.environ.get("SCOUR_TRAIN_PY"), "/opt/peers/bin/python", REPO / "target" / "train-venv" / "bin" / "python"):
        if p and Path(p).is_file():
            return str(p)
    sys.exit("ablation --learned: no Python with lightgbm (set SCOUR_TRAIN_PY)")


def learned_row(py, kit, ablate, modes, tmp):
    env = dict(os.environ, SCOUR_ABLATE=ablate, SCOUR_BENCH=str(kit))
    modes = [m for m in modes if not (m == "text" and ablate in HTML_ONLY)]
    if not modes:
        return {}
    report = Path(tmp) / f"cv-{ablate or 'all'}.json"
    cmd = [py, str(REPO / "train" / "train.py"), "--cv-only", "--modes", ",".join(modes), "--report", str(report)]
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if proc.returncode != 0:
        sys.exit(f"ablation: {' '.join(cmd)} failed: {proc.stderr[-1000:]}")
    rep = json.loads(report.read_text())
    return {(m, key): rep[m]["cv"][key]["f1"] for m in modes for _, key in SETS}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--learned", action="store_true", help="also retrain the scorer per row (slow)")
    ap.add_argument("--sources", default=",".join(SOURCES))
    ap.add_argument("--modes", default="html,text")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--out", default=str(REPO / "bench" / "out" / "ablation.md"))
    args = ap.parse_args()
    kit = find_kit()
    if kit is None:
        print("ablation: the benchmark kit (../shared/bench) is not on this machine; nothing measured")
        return 0
    scorer = load_scorer(kit)
    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=REPO, check=True)
    exe = REPO / "target" / "release" / "scour"
    modes = args.modes.split(",")
    sources = [s for s in args.sources.split(",") if s]
    cols = [(m, k) for m in modes for _, k in SETS]
    py = train_python() if args.learned else None
    lines = []
    head = "| without | " + " | ".join(f"rules {m} {k}" for m, k in cols)
    if args.learned:
        head += " | " + " | ".join(f"learned (CV) {m} {k}" for m, k in cols)
    lines.append(head + " |")
    lines.append("|" + "---|" * (1 + len(cols) * (2 if args.learned else 1)))
    base_r, base_l = None, None
    with tempfile.TemporaryDirectory(prefix="scour-ablation-") as tmp:
        for ablate in [""] + sources:
            r = rules_row(exe, kit, scorer, ablate, modes, args.jobs, tmp)
            l = learned_row(py, kit, ablate, modes, tmp) if args.learned else {}
            if not ablate:
                base_r, base_l = r, l

            def cell(v, base, c):
                if c not in v:
                    return "="
                if not ablate:
                    return f"{v[c]:.3f}"
                return f"{v[c]:.3f} ({v[c] - base[c]:+.3f})"

            row = f"| {ablate or '(nothing: all sources)'} | " + " | ".join(cell(r, base_r, c) for c in cols)
            if args.learned:
                row += " | " + " | ".join(cell(l, base_l, c) for c in cols)
            lines.append(row + " |")
            print(lines[-1] if len(lines) > 3 else "\n".join(lines), flush=True)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
