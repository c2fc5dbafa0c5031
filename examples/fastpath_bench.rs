//! Micro benchmark of the repair fast path on the clean rows of a cases
//! file (`damaged == fixed`): throughput overall and the slowest rows.
//!
//! ```text
//! cargo run --release --example fastpath_bench -- CASES.jsonl [--top N]
//! ```

use scour::repair::{repair, takes_fast_path, Lexicon, Options};
use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::time::Instant;

fn main() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1);
    let path = args.next().expect("CASES.jsonl");
    let top: usize = match (args.next().as_deref(), args.next()) {
        (Some("--top"), Some(n)) => n.parse().expect("--top N"),
        _ => 0,
    };
    let mut clean: Vec<String> = Vec::new();
    let mut lex = Lexicon::new();
    for line in BufReader::new(std::fs::File::open(path)?).lines() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        let v: Value = serde_json::from_str(&line).expect("JSON");
        let d = v["damaged"].as_str().unwrap_or_default();
        lex.learn(d);
        if v.get("fixed").and_then(|f| f.as_str()) == Some(d) {
            clean.push(d.to_string());
        }
    }
    let opts = Options::default();
    // `FULL=1`: time `repair` with the batch lexicon of every row (what
    // callers get) rather than the test alone.
    let full = std::env::var_os("FULL").is_some();
    // The batch lexicon, built before timing as a long batch would.
    let _ = repair("x?y caf?", &[&lex], &opts);
    let one: usize = clean.iter().map(|t| t.len()).sum();
    // `REPS=N` overrides the repetitions (for callgrind).
    let reps = std::env::var("REPS").ok().and_then(|r| r.parse().ok()).unwrap_or(100_000_000 / one.max(1) + 1);
    let mut runs = Vec::new();
    for _ in 0..if std::env::var_os("REPS").is_some() { 1 } else { 7 } {
        let t = Instant::now();
        let mut n = 0usize;
        for _ in 0..reps {
            for text in &clean {
                n += if full {
                    repair(std::hint::black_box(text), &[&lex], &opts).0.len()
                } else {
                    takes_fast_path(std::hint::black_box(text), &opts) as usize
                };
            }
        }
        std::hint::black_box(n);
        runs.push(t.elapsed().as_secs_f64());
    }
    runs.sort_by(|a, b| a.total_cmp(b));
    let mb = (one * reps) as f64 / 1e6;
    println!("fast path: {:.0} MB/s (median of 7, {mb:.0} MB)", mb / runs[runs.len() / 2]);
    if top > 0 {
        let mut per: Vec<(f64, &str)> = clean
            .iter()
            .map(|t| {
                let s = Instant::now();
                for _ in 0..200 {
                    if full {
                        std::hint::black_box(repair(std::hint::black_box(t), &[&lex], &opts));
                    } else {
                        std::hint::black_box(takes_fast_path(std::hint::black_box(t), &opts));
                    }
                }
                (s.elapsed().as_secs_f64() / 200.0 * 1e6, t.as_str())
            })
            .collect();
        per.sort_by(|a, b| b.0.total_cmp(&a.0));
        for (ns, t) in per.iter().take(top) {
            let cut: String = t.chars().take(80).collect();
            println!("{ns:8.2} us  {} B  fast={}  {cut:?}", t.len(), takes_fast_path(t, &opts));
        }
    }
    Ok(())
}
