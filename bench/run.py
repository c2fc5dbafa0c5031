#!/usr/bin/env python3
"""Benchmark harness for scour: extraction quality, speed, peers, encoding repair.

    python3 bench/run.py [--quick] [--peers] [--no-build] [--sets dev,wcxb-dev]
                         [--modes html,text] [--speed-runs N] [--worst K]

`make bench` runs it without options. The shared benchmark kit is found at
$SCOUR_BENCH or <repo>/../shared/bench; its score.py and score_repair.py do
all the scoring. Outputs, scores and the report go to bench/out/ (summary.md,
summary.json). Standard library only; the peers (--peers) run in their own
virtualenv, target/bench-venv. See bench/README.md for what each number means.

Exit status: 0, also when the kit is absent (nothing measured); 1 when the build
failed, or when scour crashed in some run (the report is still written).
"""
import argparse
import contextlib
import dataclasses
import datetime
import importlib.util
import json
import os
import re
import resource
import shlex
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "bench" / "out"
BUILT = REPO / "target" / "release" / "scour"
# The bench runs a copy of the binary taken right after the build, so that a rebuild while
# it runs (someone else's `cargo build`) cannot mix two versions in one report.
SCOUR = OUT / "scour"
PEERS_PY = REPO / "bench" / "peers.py"
VENV = REPO / "target" / "bench-venv"
# lxml_html_clean: trafilatura's dependency justext imports lxml.html.clean, which lxml 5.2+
# ships separately (and lxml 6 no longer offers the `html_clean` extra that would pull it in).
PEER_PACKAGES = ("resiliparse", "trafilatura", "ftfy", "lxml_html_clean")

SETS = ("dev", "wcxb-dev")
MODES = ("html", "text")
MODE_INPUT_DIR = {"html": "html", "text": "naive"}
PAGE_TYPES = ("article", "forum", "product", "listing", "documentation", "service", "collection")
PEERS = ("resiliparse", "trafilatura", "trafilatura-precision")
SLOW_PEERS = ("trafilatura", "trafilatura-precision")  # timed with a single run
ENCODING_FILES = ("dev.jsonl", "realtext-dev.jsonl")
SPEED_ENCODING_FILE = "realtext-dev.jsonl"
MB = 1e6  # MB here means 10^6 bytes, as in scour's own --stats
BUSY_LOAD = 0.5  # 1-minute load average above which the speed figures carry a warning
SCOUR_OK_EXITS = (0, 1)  # 1 = some documents failed (counted separately); anything else is a crash

NO_KIT = ("benchmarks need ../shared/bench (the shared benchmark kit), "
          "which is not on this machine; nothing measured")


# ----------------------------------------------------------------- running
def rel(path):
    """A path as written in commands: relative to the repo root, where every command runs."""
    return os.path.relpath(path, REPO)


class Recorder:
    """Runs commands from the repo root and remembers each one, its wall time and exit status,
    plus the wall time of each named part of the benchmark."""

    def __init__(self):
        self.commands = []
        self.parts = {}

    def run(self, cmd, stdout_file=None, env=None, show_stderr=False):
        """Run cmd (stdout to stdout_file if given, else captured); return (proc, seconds).

        stderr is captured unless show_stderr, in which case it goes to the terminal.
        """
        cmd = [str(c) for c in cmd]
        shown = shlex.join(cmd) + (f" > {shlex.quote(rel(stdout_file))}" if stdout_file else "")
        with contextlib.ExitStack() as stack:
            out = stack.enter_context(open(stdout_file, "w")) if stdout_file else subprocess.PIPE
            start = time.perf_counter()
            proc = subprocess.run(cmd, cwd=REPO, env=env, stdout=out, text=True, errors="replace",
                                  stderr=None if show_stderr else subprocess.PIPE)
            seconds = time.perf_counter() - start
        self.commands.append({"cmd": shown, "seconds": round(seconds, 3), "exit": proc.returncode})
        return proc, seconds

    @contextlib.contextmanager
    def part(self, name):
        """Time a named part of the benchmark (shown in the report's timing table)."""
        print(f"[bench] {name} ...", file=sys.stderr, flush=True)
        start = time.perf_counter()
        try:
            yield
        finally:
            self.parts[name] = round(self.parts.get(name, 0) + time.perf_counter() - start, 1)


def last_line(text):
    """The last non-blank line of a command's output (for one-line error messages)."""
    lines = [line for line in (text or "").splitlines() if line.strip()]
    return lines[-1] if lines else "(no message)"


def reset_dir(path):
    """Empty (or create) an output directory."""
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)


def read_bytes_total(directory):
    """Total size of the files under directory; reading them also warms the page cache,
    so the first timed run does not pay for the disk."""
    return sum(len(p.read_bytes()) for p in sorted(Path(directory).rglob("*")) if p.is_file())


def load_module(path, name):
    """Import a kit script (score.py, ...) as a module without running its main()."""
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def parse_kv(line):
    """`F1=0.672 P=0.508 n=181 metric=snippets` -> dict, numbers converted."""
    result = {}
    for key, value in re.findall(r"(\w+)=(\S+)", line):
        try:
            result[key] = int(value) if value.isdigit() else float(value)
        except ValueError:
            result[key] = value
    return result


@dataclasses.dataclass
class Timing:
    """Whole-process runs of one command: wall and CPU (user+sys) seconds, exit statuses."""
    seconds: list
    cpu: list
    exits: list
    proc: subprocess.CompletedProcess

    @property
    def median(self):
        return statistics.median(self.seconds)

    @property
    def cpu_median(self):
        return statistics.median(self.cpu)


def cpu_of_children():
    """User+sys CPU seconds of all finished child processes so far."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed_runs(rec, cmd, runs, out_dir=None, stdout_file=None):
    """Run a whole-process command `runs` times (emptying out_dir before each run)."""
    seconds, cpu, exits = [], [], set()
    for _ in range(runs):
        if out_dir:
            reset_dir(out_dir)
        cpu_before = cpu_of_children()
        proc, secs = rec.run(cmd, stdout_file=stdout_file)
        cpu.append(cpu_of_children() - cpu_before)
        seconds.append(secs)
        exits.add(proc.returncode)
    return Timing(seconds, cpu, sorted(exits), proc)


def first_failure(exits):
    """The first non-zero exit status of a series of runs, else 0."""
    return next((e for e in exits if e), 0)


def stderr_lines(text, limit=20):
    """A command's stderr for the report: non-blank lines, without a Rust backtrace."""
    lines = []
    for line in (text or "").splitlines():
        if line.startswith(("stack backtrace:", "note: run with `RUST_BACKTRACE")):
            break
        if line.strip():
            lines.append(line)
    return lines[:limit]


# ------------------------------------------------------------------- setup
def find_kit():
    """The benchmark kit directory, or None when it is not on this machine."""
    kit = Path(os.environ.get("SCOUR_BENCH") or REPO.parent / "shared" / "bench")
    return kit.resolve() if (kit / "score.py").is_file() else None


def build(rec):
    """cargo build --release into the default target/ (CARGO_TARGET_DIR unset)."""
    env = {k: v for k, v in os.environ.items() if k != "CARGO_TARGET_DIR"}
    proc, _ = rec.run(["cargo", "build", "--release"], env=env, show_stderr=True)
    return proc.returncode == 0


def machine_info(rec):
    """Cores, CPU model, Python, and scour's version, commit and build time."""
    cpu = ""
    with contextlib.suppress(OSError), open("/proc/cpuinfo") as f:
        cpu = next((line.split(":", 1)[1].strip() for line in f if line.startswith("model name")), "")
    version, _ = rec.run([rel(SCOUR), "--version"])
    commit, _ = rec.run(["git", "rev-parse", "--short", "HEAD"])
    status, _ = rec.run(["git", "status", "--porcelain", "--untracked-files=no"])
    return {
        "nproc": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
        "cpu": cpu,
        "python": sys.version.split()[0],
        "scour_version": version.stdout.strip(),
        "commit": commit.stdout.strip() + (" (with uncommitted changes)" if status.stdout.strip() else ""),
        "built": datetime.datetime.fromtimestamp(SCOUR.stat().st_mtime).isoformat(timespec="seconds"),
    }


def ensure_peers(rec):
    """Create target/bench-venv and install the peers into it if needed.

    Returns (venv python, {package: version}) or (None, reason they are skipped).
    """
    python = VENV / "bin" / "python"
    if not python.exists():
        proc, _ = rec.run([sys.executable, "-m", "venv", VENV])
        if proc.returncode:
            return None, f"could not create {rel(VENV)}: {last_line(proc.stderr)}"
    check = [python, "-c", "import resiliparse, trafilatura, ftfy"]
    if rec.run(check)[0].returncode:
        proc, _ = rec.run([python, "-m", "pip", "install", "--quiet", *PEER_PACKAGES])
        if proc.returncode:
            return None, f"pip install {' '.join(PEER_PACKAGES)} failed: {last_line(proc.stderr)}"
        proc, _ = rec.run(check)
        if proc.returncode:
            return None, f"peers installed but do not import: {last_line(proc.stderr)}"
    proc, _ = rec.run([python, "-c", "import importlib.metadata as m, json; "
                       f"print(json.dumps({{p: m.version(p) for p in {list(PEER_PACKAGES)}}}))"])
    return python, json.loads(proc.stdout)


# ----------------------------------------------------------------- quality
class Scorer:
    """Scores a prediction directory with the kit's score.py, adding per-page-type figures
    computed with score.py's own metric function on its per-document rows."""

    def __init__(self, kit, rec, worst):
        self.kit = kit
        self.rec = rec
        self.worst = worst
        self.score_py = kit / "score.py"
        self.module = load_module(self.score_py, "kit_score")
        self.page_types = self._page_types()

    def _page_types(self):
        types = {}
        with open(self.kit / "wcxb-dev" / "meta.tsv", encoding="utf-8") as f:
            header = f.readline().rstrip("\n").split("\t")
            for line in f:
                row = dict(zip(header, line.rstrip("\n").split("\t")))
                types[row["id"]] = row["page_type"]
        return types

    def score(self, set_name, pred_dir, label, worst=False):
        """Run score.py on pred_dir; return the summary figures, per-type table and worst pages."""
        set_dir = self.kit / set_name
        json_out = OUT / f"{label}.score.json"
        cmd = [sys.executable, rel(self.score_py), rel(set_dir / "truth"), rel(pred_dir)]
        if set_name == "wcxb-dev":
            cmd += ["--snippets", rel(set_dir / "snippets")]
        cmd += ["--json", rel(json_out)]
        if worst and self.worst:
            cmd += ["--worst", str(self.worst)]
        proc, _ = self.rec.run(cmd)
        if proc.returncode:
            raise RuntimeError(f"score.py failed on {rel(pred_dir)}: {last_line(proc.stderr)}")
        lines = proc.stdout.splitlines()
        result = parse_kv(lines[-1])
        with open(json_out, encoding="utf-8") as f:
            detail = json.load(f)
        result["accuracy"] = detail["token"]["accuracy"]
        result["missing"] = detail["n_missing"]
        result["unexpected"] = unexpected_outputs(pred_dir, detail["docs"])
        result["worst"] = self._worst(lines)
        if set_name == "wcxb-dev":
            result["per_type"] = self.per_type(detail["docs"])
            blind = typography_blind_snippets(pred_dir, set_dir / "snippets")
            result["with_blind"], result["without_blind"] = blind
        return result

    def _worst(self, lines):
        """score.py's --worst listing as [{id, f1, P, R, type}]."""
        worst = []
        for line in lines:
            m = re.match(r"^\s+([\d.]+)\s+P=([\d.]+) R=([\d.]+)\s+(\S+)$", line)
            if m:
                doc_id = m.group(4)
                worst.append({"id": doc_id, "f1": float(m.group(1)), "P": float(m.group(2)),
                              "R": float(m.group(3)), "type": self.page_types.get(doc_id, "")})
        return worst

    def per_type(self, docs):
        """F1/P/R (score.py's metrics_from_tp_fp_fns) and with/without rates per page type."""
        table = {}
        for page_type in PAGE_TYPES:
            group = [d for d in docs if self.page_types.get(d["id"]) == page_type]
            if not group:
                continue
            m = self.module.metrics_from_tp_fp_fns([(d["tp"], d["fp"], d["fn"]) for d in group])
            with_found = sum(d["with_found"] for d in group)
            with_all = with_found + sum(d["with_missed"] for d in group)
            without_absent = sum(d["without_absent"] for d in group)
            without_all = without_absent + sum(d["without_found"] for d in group)
            table[page_type] = {
                "n": len(group), "F1": m["f1"], "P": m["precision"], "R": m["recall"],
                "empty": sum(d["empty"] for d in group),
                "with": with_found / with_all if with_all else None,
                "without": without_absent / without_all if without_all else None,
            }
        return table


# Typographic variants that WCXB's snippets spell either way, even within one
# page ("it’s" in one snippet, "it's" in the next, while the page has ’).
TYPOGRAPHY = str.maketrans({"\u201c": '"', "\u201d": '"', "\u201e": '"', "\u2019": "'",
                            "\u2018": "'", "\u2013": "-", "\u2014": "-", "\u00a0": " "})


def typography_blind_snippets(pred_dir, snippets_dir):
    """The 'with' found and 'without' absent shares, as score.py counts them
    (whitespace-normalised substring), but with curly quotes, dashes and
    no-break spaces folded on both sides. WCXB's snippets mix curly and
    straight quotes, so the plain figure partly measures quote style; this one
    shows how much. A report column only: the defaults keep the page's quotes."""
    def norm(t):
        return re.sub(r"\s+", " ", t.translate(TYPOGRAPHY)).strip()
    found = with_all = absent = without_all = 0
    for path in sorted(Path(snippets_dir).glob("*.json")):
        with open(path, encoding="utf-8") as f:
            item = json.load(f)
        pred_path = Path(pred_dir) / (path.stem + ".txt")
        pred = norm(pred_path.read_text(encoding="utf-8", errors="replace")) if pred_path.exists() else ""
        for w in item.get("with", []):
            with_all += 1
            found += norm(w) in pred
        for w in item.get("without", []):
            without_all += 1
            absent += norm(w) not in pred
    return (found / with_all if with_all else None, absent / without_all if without_all else None)


def unexpected_outputs(pred_dir, docs):
    """Files in pred_dir that are not <id>.txt for a scored id (wrong output names)."""
    expected = {d["id"] + ".txt" for d in docs}
    return sorted(rel(p) for p in Path(pred_dir).rglob("*")
                  if p.is_file() and p.relative_to(pred_dir).as_posix() not in expected)


def scour_quality(rec, kit, scorer, set_name, mode):
    """Run scour over one set in one mode (all cores) and score it."""
    label = f"{set_name}-{mode}"
    pred_dir = OUT / label
    stats_file = OUT / f"{label}.stats.json"
    reset_dir(pred_dir)
    stats_file.unlink(missing_ok=True)
    src = kit / set_name / MODE_INPUT_DIR[mode]
    proc, seconds = rec.run([rel(SCOUR), "--input", mode, rel(src), "-o", rel(pred_dir),
                             "--stats", rel(stats_file)])
    stats = json.loads(stats_file.read_text()) if stats_file.exists() else {}
    result = {"set": set_name, "system": "scour", "mode": mode, "label": label,
              "exit": proc.returncode, "seconds": round(seconds, 2),
              "failed_docs": stats.get("documents_failed"),
              "stderr": stderr_lines(proc.stderr)}
    result.update(scorer.score(set_name, pred_dir, label, worst=True))
    return result


def peer_quality(rec, scorer, python, peer, set_name, src, runs):
    """Run a peer over a set's HTML `runs` times (whole process) and score the last output.

    Returns (quality result, Timing).
    """
    label = f"{set_name}-html-{peer}"
    pred_dir = OUT / label
    timing = timed_runs(
        rec, [rel(python), rel(PEERS_PY), "extract", peer, rel(src), rel(pred_dir)], runs, pred_dir)
    proc = timing.proc
    report = json.loads(proc.stdout.splitlines()[-1]) if proc.returncode == 0 else {}
    result = {"set": set_name, "system": peer, "mode": "html", "label": label,
              "exit": first_failure(timing.exits), "seconds": round(timing.median, 2),
              "failed_docs": report.get("failed"), "stderr": stderr_lines(proc.stderr)}
    result.update(scorer.score(set_name, pred_dir, label))
    return result, timing


# ------------------------------------------------------------------- speed
def load_average():
    """The 1-minute load average (other work on the machine skews the speed figures)."""
    with contextlib.suppress(OSError), open("/proc/loadavg") as f:
        return float(f.read().split()[0])
    return None


def scour_speed(rec, kit, runs):
    """Whole-process scour on dev, -j1 and -j2, html and text mode; median wall and CPU times."""
    rows = []
    for mode in MODES:
        src = kit / "dev" / MODE_INPUT_DIR[mode]
        n_bytes = read_bytes_total(src)
        row = {"system": "scour", "mode": mode, "input": rel(src), "mb": n_bytes / MB, "runs": runs}
        for jobs in (1, 2):
            out_dir = OUT / "speed" / f"scour-{mode}-j{jobs}"
            cmd = [rel(SCOUR), f"-j{jobs}", "--input", mode, rel(src), "-o", rel(out_dir)]
            timing = timed_runs(rec, cmd, runs, out_dir)
            row[f"j{jobs}_seconds"] = timing.median
            row[f"j{jobs}_cpu"] = timing.cpu_median
            row[f"j{jobs}_all"] = [round(s, 3) for s in timing.seconds]
            row["exits"] = sorted(set(row.get("exits", [])) | set(timing.exits))
        row["mb_per_s_core"] = row["mb"] / row["j1_seconds"]
        row["mb_per_cpu_s"] = row["mb"] / row["j1_cpu"]
        row["j2_over_j1"] = row["j1_seconds"] / row["j2_seconds"]
        rows.append(row)
    return rows


# ---------------------------------------------------------------- encoding
def parse_repair_report(text):
    """score_repair.py's table: {"ALL": {...}, "kinds": {kind: {...}}}."""
    row_re = re.compile(r"^(\S+)\s+(\d+)\s+([\d.]+)\s+([\d.]+)\s+(\S+)\s+(\d+)\s+(\d+)")
    result = {"kinds": {}}
    for line in text.splitlines():
        m = row_re.match(line)
        if not m:
            continue
        name, n, exact, sim, repair, harm, worse = m.groups()
        row = {"n": int(n), "exact": float(exact), "sim": float(sim),
               "repair": None if repair == "-" else float(repair), "harm": int(harm), "worse": int(worse)}
        if name == "ALL":
            result["ALL"] = row
        elif name.startswith("kind:"):
            result["kinds"][name[5:]] = row
    return result


def score_repair(rec, kit, cases, pred, tool):
    """Score one prediction file with score_repair.py."""
    proc, _ = rec.run([sys.executable, rel(kit / "encoding" / "score_repair.py"), rel(cases), rel(pred)])
    if proc.returncode:
        raise RuntimeError(f"score_repair.py failed on {rel(pred)}: {last_line(proc.stderr)}")
    result = parse_repair_report(proc.stdout)
    result.update({"file": cases.name, "tool": tool, "summary": proc.stdout.splitlines()[-1],
                   "warnings": proc.stderr.splitlines()})
    return result


def damaged_bytes(cases):
    """UTF-8 size of all `damaged` texts in a case file (the MB both tools are timed on)."""
    with open(cases, encoding="utf-8") as f:
        return sum(len(json.loads(line)["damaged"].encode("utf-8")) for line in f if line.strip())


def scour_encoding(rec, kit, runs):
    """scour --repair-only on each encoding file (scored), and its whole-process speed."""
    enc_out = OUT / "encoding"
    reset_dir(enc_out)
    quality = []
    for name in ENCODING_FILES:
        cases = kit / "encoding" / name
        pred = enc_out / f"{cases.stem}.scour.jsonl"
        proc, _ = rec.run(repair_cmd(cases), stdout_file=pred)
        result = score_repair(rec, kit, cases, pred, "scour")
        result.update({"exit": proc.returncode, "stderr": stderr_lines(proc.stderr)})
        quality.append(result)
    cases = kit / "encoding" / SPEED_ENCODING_FILE
    timing = timed_runs(rec, repair_cmd(cases), runs, stdout_file=enc_out / "speed.scour.jsonl")
    n_bytes = damaged_bytes(cases)
    speed = {"tool": "scour --repair-only (whole process)", "file": cases.name, "mb": n_bytes / MB,
             "runs": runs, "seconds": timing.median, "all": [round(s, 3) for s in timing.seconds],
             "exits": timing.exits, "mb_per_s": n_bytes / MB / timing.median}
    return quality, speed


def repair_cmd(cases):
    """scour's encoding-repair command for a case file (repaired text into `text`)."""
    return [rel(SCOUR), "--repair-only", "--input", "jsonl", "--text-field", "damaged",
            "--output-field", "text", rel(cases)]


def ftfy_encoding(rec, kit, python, runs):
    """ftfy's repair (cosmetic steps off) on each encoding file: scored, and timed in-process
    on the speed file."""
    quality, speed = [], None
    for name in ENCODING_FILES:
        cases = kit / "encoding" / name
        pred = OUT / "encoding" / f"{cases.stem}.ftfy.jsonl"
        n_runs = runs if name == SPEED_ENCODING_FILE else 1
        proc, _ = rec.run([rel(python), rel(PEERS_PY), "ftfy", rel(cases), rel(pred), "--runs", n_runs])
        if proc.returncode:
            raise RuntimeError(f"ftfy run failed: {last_line(proc.stderr)}")
        quality.append(score_repair(rec, kit, cases, pred, "ftfy"))
        if name == SPEED_ENCODING_FILE:
            timing = json.loads(proc.stdout.splitlines()[-1])
            speed = {"tool": f"ftfy {timing['version']} fix_text (in process)", "file": name,
                     "mb": timing["bytes"] / MB, "runs": n_runs, "seconds": timing["median_seconds"],
                     "all": [round(s, 3) for s in timing["seconds"]], "exits": [proc.returncode],
                     "mb_per_s": timing["mb_per_s"]}
    return quality, speed


# ------------------------------------------------------------------- peers
def run_peers(rec, kit, scorer, python, sets, runs, quality, speed):
    """Peer extractors: timed on dev HTML (their dev quality comes from the timed runs) and
    scored on every selected set. Appends to quality and speed["peers"]."""
    dev_html = kit / "dev" / "html"
    dev_mb = read_bytes_total(dev_html) / MB
    for peer in PEERS:
        n_runs = 1 if peer in SLOW_PEERS else runs
        with rec.part(f"peer {peer}"):
            result, timing = peer_quality(rec, scorer, python, peer, "dev", dev_html, n_runs)
            if "dev" in sets:
                quality.append(result)
            speed["peers"].append({"system": peer, "mode": "html", "input": rel(dev_html), "mb": dev_mb,
                                   "runs": n_runs, "j1_seconds": timing.median,
                                   "j1_cpu": timing.cpu_median,
                                   "j1_all": [round(s, 3) for s in timing.seconds],
                                   "exits": timing.exits, "mb_per_s_core": dev_mb / timing.median,
                                   "mb_per_cpu_s": dev_mb / timing.cpu_median})
            if "wcxb-dev" in sets:
                result, _ = peer_quality(rec, scorer, python, peer, "wcxb-dev",
                                         kit / "wcxb-dev" / "html", 1)
                quality.append(result)
    scour_html = next(r for r in speed["scour"] if r["mode"] == "html")
    speed["ratios"] = {f"scour/{p['system']}": {
        "wall": scour_html["mb_per_s_core"] / p["mb_per_s_core"],
        "cpu": scour_html["mb_per_cpu_s"] / p["mb_per_cpu_s"]} for p in speed["peers"]}


# ------------------------------------------------------------------ report
def scour_crashes(quality, speed, encoding):
    """The scour runs that ended abnormally (panic, signal, usage error): their figures are void."""
    bad = [f"{q['label']} (exit {q['exit']})" for q in quality
           if q["system"] == "scour" and q["exit"] not in SCOUR_OK_EXITS]
    bad += [f"speed {r['mode']} (exit {first_failure(r['exits'])})" for r in speed["scour"]
            if any(e not in SCOUR_OK_EXITS for e in r["exits"])]
    bad += [f"repair {e['file']} (exit {e['exit']})" for e in encoding["quality"]
            if e["tool"] == "scour" and e["exit"] not in SCOUR_OK_EXITS]
    repair_speed = encoding["speed"][0]
    if any(e not in SCOUR_OK_EXITS for e in repair_speed["exits"]):
        bad.append(f"repair speed (exit {first_failure(repair_speed['exits'])})")
    return bad


def exits_cell(exits):
    """Exit statuses of a series of runs for a table cell: `0`, or `0/101`."""
    return "/".join(str(e) for e in exits)


def f3(x):
    """A figure with 3 decimals, or a dash when there is none."""
    return "–" if x is None else f"{x:.3f}"


def table(header, rows, align=None):
    """A markdown table; align is one 'l'/'r' per column (default: first left, rest right)."""
    align = align or "l" + "r" * (len(header) - 1)
    lines = ["| " + " | ".join(header) + " |",
             "|" + "|".join(" ---: " if a == "r" else " --- " for a in align) + "|"]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def report(s):
    """The markdown report of a summary dict."""
    m = s["machine"]
    out = [f"# scour benchmark ({s['date']})", "",
           f"Machine: {m['nproc']} cores, {m['cpu']}; Python {m['python']}. "
           f"{m['scour_version']}, commit {m['commit']}, built {m['built']}. Kit: {s['kit']}.", ""]
    if s["scour_crashed"]:
        out += ["**scour crashed in: " + "; ".join(s["scour_crashed"]) +
                ". Those figures are void (see the stderr lines below).**", ""]

    if s["quality"]:
        out += ["## Quality", "",
                "4-gram shingle F1/P/R (score.py, ScrapingHub metric; P leaves empty outputs out); "
                "acc = token-exact docs; with = WCXB 'with' snippets found, without = 'without' "
                "snippets absent (higher is better for both); with† and without† fold curly quotes, "
                "dashes and no-break spaces on both sides first (WCXB's snippets spell them either "
                "way, even within one page). scour runs on all cores.", ""]
        rows = [[q["set"], q["system"], q["mode"], f3(q.get("F1")), f3(q.get("P")), f3(q.get("R")),
                 f3(q.get("accuracy")), f3(q.get("with")), f3(q.get("without")),
                 f3(q.get("with_blind")), f3(q.get("without_blind")), q.get("n"),
                 q.get("empty"), q.get("missing"), len(q.get("unexpected", [])),
                 "–" if q["failed_docs"] is None else q["failed_docs"]]
                for q in s["quality"]]
        out += [table(["set", "system", "input", "F1", "P", "R", "acc", "with", "without", "with†",
                       "without†", "n", "empty", "missing", "bad names", "failed"], rows,
                      "lllrrrrrrrrrrrrr"), ""]
        problems = [q for q in s["quality"] if q["exit"] or q["stderr"] or q.get("unexpected")]
        for q in problems:
            out.append(f"- {q['label']}: exit {q['exit']}")
            out += [f"    - stderr: `{line}`" for line in q["stderr"][:10]]
            out += [f"    - unexpected output: `{p}`" for p in q.get("unexpected", [])[:10]]
        if problems:
            out.append("")

    per_type = [q for q in s["quality"] if q.get("per_type")]
    if per_type:
        out += ["### wcxb-dev per page type", ""]
        rows = []
        for page_type in PAGE_TYPES:
            for q in per_type:
                t = q["per_type"].get(page_type)
                if t:
                    rows.append([page_type, t["n"], f"{q['system']} {q['mode']}", f3(t["F1"]),
                                 f3(t["P"]), f3(t["R"]), f3(t["with"]), f3(t["without"]), t["empty"]])
        out += [table(["type", "n", "system", "F1", "P", "R", "with", "without", "empty"], rows,
                      "lrlrrrrrr"), ""]

    worst = [q for q in s["quality"] if q.get("worst")]
    if worst:
        out += ["### Worst pages (per-doc F1)", ""]
        for q in worst:
            out.append(f"- {q['label']}: " + ", ".join(
                f"{w['id'][:16]}{' (' + w['type'] + ')' if w['type'] else ''} {w['f1']:.2f}"
                for w in q["worst"]))
        out.append("")

    sp = s.get("speed")
    if sp:
        out += ["## Speed", "",
                "Whole-process wall time on the dev set (median of the runs; MB = 10^6 bytes of "
                "input). MB/s per core is input MB / -j1 time; CPU s is the process's user+sys "
                "time (less affected by other load); -j2/-j1 is the throughput gain from a second "
                "thread. Peers run single-process. "
                f"Load average before: {sp['load_before']} on {m['nproc']} cores.", ""]
        if sp["load_before"] is not None and sp["load_before"] > BUSY_LOAD:
            out += ["**Warning: the machine was busy with other work, so these times are slower "
                    "than they should be and -j2/-j1 understates the gain from a second core.**", ""]
        rows = [[r["system"], r["mode"], f"{r['mb']:.1f}", r["runs"], f"{r['j1_seconds']:.2f}",
                 f"{r['mb_per_s_core']:.2f}", f"{r['j1_cpu']:.2f}",
                 f"{r['j2_seconds']:.2f}" if "j2_seconds" in r else "–",
                 f"{r['j2_over_j1']:.2f}" if "j2_over_j1" in r else "–", exits_cell(r["exits"])]
                for r in sp["scour"] + sp.get("peers", [])]
        out += [table(["system", "input", "MB", "runs", "-j1 s", "MB/s per core", "-j1 CPU s",
                       "-j2 s", "-j2/-j1", "exit"], rows, "llrrrrrrrr"), ""]
        if sp.get("ratios"):
            out.append("Speed ratios (scour -j1 MB/s over the peer's, same input; by CPU time in "
                       "brackets): " + ", ".join(f"{k} = {v['wall']:.1f}x ({v['cpu']:.1f}x)"
                                                 for k, v in sp["ratios"].items()) + ".")
            slow = [p["system"] for p in sp["peers"] if p["runs"] == 1 and s["options"]["speed_runs"] > 1]
            if slow:
                out.append(f"{', '.join(slow)}: timed with one run (slow).")
            out.append("")

    enc = s.get("encoding")
    if enc:
        out += ["## Encoding repair", "",
                "score_repair.py: exact = output equals the target; sim = mean similarity; "
                "repair = share of the damage undone; harm = clean controls changed; "
                "worse = outputs further from the target than the input.", ""]
        for e in enc["quality"]:
            if e.get("exit") or e.get("stderr"):
                out.append(f"- {e['tool']} on {e['file']}: exit {e['exit']}")
                out += [f"    - stderr: `{line}`" for line in e["stderr"][:10]]
        rows = [[e["file"], e["tool"], f3(e["ALL"]["exact"]), f3(e["ALL"]["sim"]),
                 f3(e["ALL"]["repair"]), e["ALL"]["harm"], e["ALL"]["worse"], e["ALL"]["n"]]
                for e in enc["quality"]]
        out += [table(["file", "tool", "exact", "sim", "repair", "harm", "worse", "n"], rows,
                      "llrrrrrr"), ""]
        out += ["Exact match per kind:", ""]
        tools = sorted({e["tool"] for e in enc["quality"]}, key=lambda t: t != "scour")
        rows = []
        for name in ENCODING_FILES:
            by_tool = {e["tool"]: e for e in enc["quality"] if e["file"] == name}
            if not by_tool:
                continue
            kinds = by_tool["scour"]["kinds"]
            for kind in sorted(kinds, key=lambda k: (-kinds[k]["n"], k)):
                rows.append([name, kind, kinds[kind]["n"]] +
                            [f3(by_tool[t]["kinds"][kind]["exact"]) if t in by_tool else "–"
                             for t in tools] + [kinds[kind]["harm"], kinds[kind]["worse"]])
        out += [table(["file", "kind", "n"] + [f"{t} exact" for t in tools] +
                      ["scour harm", "scour worse"], rows, "llr" + "r" * (len(tools) + 2)), ""]
        rows = [[e["tool"], e["file"], f"{e['mb']:.2f}", e["runs"], f"{e['seconds']:.3f}",
                 f"{e['mb_per_s']:.2f}", exits_cell(e["exits"])] for e in enc["speed"]]
        out += ["Repair speed (MB of `damaged` text; scour's time includes process start-up "
                "and JSON reading/writing, ftfy's is the fix_text loop alone):", "",
                table(["tool", "file", "MB", "runs", "s", "MB/s", "exit"], rows, "llrrrrr"), ""]
        if enc.get("ratio") is not None:
            out += [f"scour/ftfy repair throughput: {enc['ratio']:.1f}x", ""]

    if s.get("peers"):
        out += [f"Peers: {s['peers']}", ""]
    out += ["## Time taken", "", table(["part", "seconds"], [[k, v] for k, v in s["parts"].items()]), ""]
    return "\n".join(out)


def commands_section(commands):
    """The commands that were run, in order, repeated runs folded into one line."""
    lines = ["## Commands (run from the repo root)", ""]
    folded = []
    for c in commands:
        if folded and folded[-1]["cmd"] == c["cmd"]:
            folded[-1]["times"].append(c["seconds"])
            folded[-1]["exits"].add(c["exit"])
        else:
            folded.append({"cmd": c["cmd"], "times": [c["seconds"]], "exits": {c["exit"]}})
    for c in folded:
        times = ", ".join(f"{t:.2f}" for t in c["times"])
        lines.append(f"    {c['cmd']}    # {len(c['times'])}x, s: {times}; exit "
                     f"{'/'.join(str(e) for e in sorted(c['exits']))}")
    return "\n".join(lines) + "\n"


# -------------------------------------------------------------------- main
def comma_list(choices):
    """argparse type: a comma-separated subset of choices."""
    def parse(value):
        items = [v.strip() for v in value.split(",") if v.strip()]
        bad = [v for v in items if v not in choices]
        if bad or not items:
            raise argparse.ArgumentTypeError(f"choose from {', '.join(choices)}")
        return items
    return parse


def parse_args(argv):
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sets", type=comma_list(SETS), default=list(SETS),
                    help="quality sets to run (default: dev,wcxb-dev)")
    ap.add_argument("--modes", type=comma_list(MODES), default=list(MODES),
                    help="scour input modes for quality (default: html,text)")
    ap.add_argument("--speed-runs", type=int, help="whole-process runs per speed figure, median "
                    "taken (default 5; 1 with --quick)")
    ap.add_argument("--worst", type=int, default=0, metavar="K",
                    help="list the K worst pages of each scour run (score.py --worst)")
    ap.add_argument("--peers", action="store_true",
                    help="also run resiliparse, trafilatura and ftfy (installed into target/bench-venv)")
    ap.add_argument("--quick", action="store_true", help="one speed run (peers only with --peers)")
    ap.add_argument("--no-build", action="store_true", help="skip cargo build --release")
    args = ap.parse_args(argv)
    if args.speed_runs is None:
        args.speed_runs = 1 if args.quick else 5
    if args.speed_runs < 1:
        ap.error("--speed-runs must be at least 1")
    return args


def main(argv=None):
    args = parse_args(argv)
    kit = find_kit()
    if kit is None:
        where = os.environ.get("SCOUR_BENCH")
        print(NO_KIT if not where else f"benchmarks need the shared benchmark kit, which is not at "
              f"$SCOUR_BENCH={where}; nothing measured")
        return 0

    started = time.perf_counter()
    rec = Recorder()
    if not args.no_build:
        with rec.part("build"):
            if not build(rec):
                print("bench: cargo build --release failed; nothing measured", file=sys.stderr)
                return 1
    if not BUILT.exists():
        print(f"bench: {rel(BUILT)} is missing (run without --no-build)", file=sys.stderr)
        return 1
    OUT.mkdir(parents=True, exist_ok=True)
    shutil.copy2(BUILT, SCOUR)

    summary = {"date": datetime.datetime.now().isoformat(timespec="seconds"), "kit": str(kit),
               "options": vars(args), "machine": machine_info(rec)}
    scorer = Scorer(kit, rec, args.worst)
    quality = []
    for set_name in args.sets:
        for mode in args.modes:
            with rec.part(f"quality {set_name}-{mode}"):
                quality.append(scour_quality(rec, kit, scorer, set_name, mode))
    with rec.part("speed"):
        speed = {"load_before": load_average(), "scour": scour_speed(rec, kit, args.speed_runs),
                 "peers": []}
    with rec.part("encoding"):
        enc_quality, enc_speed = scour_encoding(rec, kit, args.speed_runs)
    encoding = {"quality": enc_quality, "speed": [enc_speed]}

    if args.peers:
        with rec.part("peers install"):
            python, versions = ensure_peers(rec)
        if python is None:
            summary["peers"] = f"skipped: {versions}"
            print(f"bench: peers skipped: {versions}", file=sys.stderr)
        else:
            summary["peers"] = ", ".join(f"{p} {v}" for p, v in versions.items())
            run_peers(rec, kit, scorer, python, args.sets, args.speed_runs, quality, speed)
            with rec.part("peer ftfy"):
                ftfy_quality, ftfy_speed = ftfy_encoding(rec, kit, python, args.speed_runs)
            encoding["quality"] += ftfy_quality
            encoding["speed"].append(ftfy_speed)
            encoding["ratio"] = enc_speed["mb_per_s"] / ftfy_speed["mb_per_s"]

    rec.parts["total"] = round(time.perf_counter() - started, 1)
    summary.update({"scour_crashed": scour_crashes(quality, speed, encoding), "quality": quality,
                    "speed": speed, "encoding": encoding, "parts": rec.parts,
                    "commands": rec.commands})
    text = report(summary)
    print(text)
    (OUT / "summary.md").write_text(text + "\n" + commands_section(rec.commands), encoding="utf-8")
    with open(OUT / "summary.json", "w", encoding="utf-8") as f:
        json.dump(summary, f, indent=1, ensure_ascii=False)
        f.write("\n")
    print(f"\nWritten: {rel(OUT / 'summary.md')} (with the commands run), {rel(OUT / 'summary.json')}")
    if summary["scour_crashed"]:
        print(f"bench: scour crashed in {len(summary['scour_crashed'])} run(s); "
              "their figures are void", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
