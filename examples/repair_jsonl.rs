//! Run the repair stage over a JSONL file of cases, the way the batch runner
//! will: pass 1 learns one batch lexicon from every row, pass 2 repairs each
//! row with (its own lexicon, the batch lexicon, any word lists).
//!
//! ```text
//! cargo run --release --example repair_jsonl -- CASES.jsonl [--field damaged]
//!     [--lexicon FILE]... [--out PRED.jsonl] [--time] [--repeat N]
//! ```
//!
//! Writes `{"id", "text"}` lines (stdout unless `--out`). `--time` prints the
//! throughput of pass 2 (median of `--repeat` runs, default 5) and of the
//! fast path on the clean rows (`damaged == fixed`) repeated to at least
//! 100 MB, single thread.

use scour::repair::{repair, Lexicon, Options};
use serde_json::Value;
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::time::Instant;

struct Args {
    cases: String,
    field: String,
    lexicons: Vec<String>,
    out: Option<String>,
    time: bool,
    repeat: usize,
    only: Vec<String>,
}

fn parse_args() -> Args {
    let mut a = Args {
        cases: String::new(),
        field: "damaged".into(),
        lexicons: Vec::new(),
        out: None,
        time: false,
        repeat: 5,
        only: Vec::new(),
    };
    let mut it = std::env::args().skip(1);
    while let Some(x) = it.next() {
        match x.as_str() {
            "--field" => a.field = it.next().expect("--field NAME"),
            "--lexicon" => a.lexicons.push(it.next().expect("--lexicon FILE")),
            "--out" => a.out = Some(it.next().expect("--out FILE")),
            "--time" => a.time = true,
            "--only" => a.only.push(it.next().expect("--only ID")),
            "--repeat" => a.repeat = it.next().and_then(|n| n.parse().ok()).expect("--repeat N"),
            "-h" | "--help" => {
                eprintln!("usage: repair_jsonl CASES.jsonl [--field damaged] [--lexicon FILE]... [--out FILE] [--time] [--repeat N]");
                std::process::exit(0);
            }
            _ if a.cases.is_empty() => a.cases = x,
            _ => panic!("unexpected argument {x}"),
        }
    }
    assert!(!a.cases.is_empty(), "usage: repair_jsonl CASES.jsonl [options]");
    a
}

/// Repair one row: its own lexicon only when lost characters need one.
fn repair_row(text: &str, batch: &Lexicon, user: &[Lexicon], opts: &Options) -> String {
    let needs_doc = text.contains('?') || text.contains('\u{fffd}');
    let doc;
    let mut lex: Vec<&Lexicon> = Vec::with_capacity(2 + user.len());
    if needs_doc {
        doc = Lexicon::of_document(text);
        lex.push(&doc);
    }
    lex.push(batch);
    lex.extend(user.iter());
    repair(text, &lex, opts).0.into_owned()
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

fn main() -> std::io::Result<()> {
    let args = parse_args();
    let f = BufReader::new(std::fs::File::open(&args.cases)?);
    let mut rows: Vec<(Value, String, bool)> = Vec::new();
    let mut kinds: Vec<String> = Vec::new();
    for line in f.lines() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        let v: Value = serde_json::from_str(&line).expect("a JSON object per line");
        let text = v[&args.field].as_str().unwrap_or_default().to_string();
        let clean = v.get("fixed").and_then(|f| f.as_str()) == Some(text.as_str());
        rows.push((v["id"].clone(), text, clean));
        kinds.push(v.get("kind").and_then(|k| k.as_str()).unwrap_or("").to_string());
    }
    let mut user = Vec::new();
    for p in &args.lexicons {
        user.push(Lexicon::from_word_list(BufReader::new(std::fs::File::open(p)?))?);
    }
    // Pass 1: the batch lexicon.
    let t0 = Instant::now();
    let mut batch = Lexicon::new();
    for (_, text, _) in &rows {
        batch.learn(text);
    }
    let learn_s = t0.elapsed().as_secs_f64();
    let opts = Options::default();
    // Build derived indexes outside the timed loop, as a long batch would.
    let _ = repair_row("x?y caf?", &batch, &user, &opts);
    if !args.only.is_empty() {
        // Debugging: show the changes made to the chosen rows.
        for (id, text, _) in rows.iter().filter(|r| args.only.iter().any(|o| r.0.as_str() == Some(o.as_str()))) {
            let doc = Lexicon::of_document(text);
            let mut lex: Vec<&Lexicon> = vec![&doc, &batch];
            lex.extend(user.iter());
            let (out, changes) = repair(text, &lex, &opts);
            eprintln!("{id}: {out:?}");
            for c in changes {
                eprintln!("  {:?}: {:?} -> {:?}", c.fix, c.before, c.after);
            }
        }
        return Ok(());
    }
    // Pass 2.
    let mut outs: Vec<String> = Vec::with_capacity(rows.len());
    let t1 = Instant::now();
    for (_, text, _) in &rows {
        outs.push(repair_row(text, &batch, &user, &opts));
    }
    let first = t1.elapsed().as_secs_f64();
    {
        let w: Box<dyn Write> = match &args.out {
            Some(p) => Box::new(std::fs::File::create(p)?),
            None => Box::new(std::io::stdout().lock()),
        };
        let mut w = BufWriter::new(w);
        for ((id, _, _), text) in rows.iter().zip(&outs) {
            let o = serde_json::json!({"id": id, "text": text});
            writeln!(w, "{o}")?;
        }
    }
    if args.time && std::env::var_os("FAST_ONLY").is_none() {
        let bytes: usize = rows.iter().map(|r| r.1.len()).sum();
        let mut runs = vec![first];
        for _ in 1..args.repeat {
            let t = Instant::now();
            let mut n = 0usize;
            for (_, text, _) in &rows {
                n += repair_row(text, &batch, &user, &opts).len();
            }
            std::hint::black_box(n);
            runs.push(t.elapsed().as_secs_f64());
        }
        let mbs = bytes as f64 / 1e6 / median(runs.clone());
        eprintln!(
            "pass1 learn: {:.1} MB/s ({} rows, {} words); pass2 repair: {:.1} MB/s (median of {}, {:.2} MB)",
            bytes as f64 / 1e6 / learn_s,
            rows.len(),
            batch.len(),
            mbs,
            runs.len(),
            bytes as f64 / 1e6
        );
        // Time per kind (where the cases say their kind).
        let mut per_kind: std::collections::BTreeMap<&str, (usize, f64)> = Default::default();
        for ((_, text, _), kind) in rows.iter().zip(&kinds) {
            let t = Instant::now();
            for _ in 0..3 {
                std::hint::black_box(repair_row(text, &batch, &user, &opts));
            }
            let e = per_kind.entry(kind.as_str()).or_default();
            e.0 += text.len();
            e.1 += t.elapsed().as_secs_f64() / 3.0;
        }
        for (k, (b, t)) in &per_kind {
            eprintln!("  {k:<22} {:>8.1} MB/s  ({:.1} ms)", *b as f64 / 1e6 / t, t * 1e3);
        }
    }
    if args.time && std::env::var_os("SKIP_FAST").is_none() {
        // Fast path: clean rows repeated to >= 100 MB.
        let clean: Vec<&str> = rows.iter().filter(|r| r.2).map(|r| r.1.as_str()).collect();
        if std::env::var_os("SHOW_SLOW").is_some() {
            for t in &clean {
                if !scour::repair::takes_fast_path(t, &opts) {
                    eprintln!("slow: {:?}", t.chars().take(150).collect::<String>());
                }
            }
        }
        if !clean.is_empty() {
            let one: usize = clean.iter().map(|t| t.len()).sum();
            let reps = (100_000_000 / one.max(1)) + 1;
            let mut runs = Vec::new();
            for _ in 0..args.repeat.max(3) {
                let t = Instant::now();
                let mut n = 0usize;
                for _ in 0..reps {
                    for text in &clean {
                        n += repair(text, &[&batch], &opts).0.len();
                    }
                }
                std::hint::black_box(n);
                runs.push(t.elapsed().as_secs_f64());
            }
            let total = (one * reps) as f64 / 1e6;
            eprintln!(
                "fast path (clean rows x{reps} = {total:.0} MB): {:.0} MB/s (median of {})",
                total / median(runs.clone()),
                runs.len()
            );
        }
    }
    Ok(())
}
