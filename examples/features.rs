//! Dump every block of every input with its text and feature vector, one
//! JSON document per line, for `train/train.py`. With `--score`, also the
//! embedded model's score of each block (the training script's parity
//! check of the Rust evaluator).
//!
//! ```text
//! cargo run --release --example features -- --input html DIR... > features.jsonl
//! ```

use rayon::prelude::*;
use std::io::Write;
use std::path::PathBuf;

fn main() {
    let mut args = std::env::args().skip(1);
    let mut format = None;
    let mut dirs = Vec::new();
    let mut score = false;
    while let Some(a) = args.next() {
        match a.as_str() {
            "--score" => score = true,
            "--input" => {
                format = match args.next().as_deref() {
                    Some("html") => Some(scour::Format::Html),
                    Some("text") => Some(scour::Format::Text),
                    _ => None,
                }
            }
            _ => dirs.push(PathBuf::from(a)),
        }
    }
    let mut files: Vec<PathBuf> = Vec::new();
    for d in dirs {
        for e in std::fs::read_dir(&d).expect("a directory") {
            files.push(e.unwrap().path());
        }
    }
    files.sort();
    let lines: Vec<String> = files
        .par_iter()
        .filter_map(|p| {
            let bytes = scour::input::gunzip_if_needed(std::fs::read(p).ok()?, 64 << 20).ok()?;
            let d = scour::input::decode(&bytes, format, None).ok()?;
            let page = match d.format {
                scour::Format::Html => scour::segment::html::segment(&d.text, false),
                scour::Format::Text => scour::segment::text::segment(&d.text),
            };
            let lang = scour::lang::guess(page.blocks.iter().map(|b| b.text.as_str()), page.lang.as_deref());
            let a = scour::classify::analyze(&page, lang);
            let rows = scour::features::vectors(&page, lang, &a);
            let id = p.file_name()?.to_string_lossy().split('.').next()?.to_string();
            // Only the parity check asks for the embedded model: the features
            // alone must dump even when it was trained on other features.
            let model = if score { scour::model::Model::get(d.format == scour::Format::Html) } else { None };
            let scores = match model {
                Some(m) => m.score(&rows),
                None => vec![f32::NAN; rows.len()],
            };
            let blocks: Vec<serde_json::Value> = page
                .blocks
                .iter()
                .zip(rows)
                .zip(scores)
                .zip(&a.decisions)
                .map(|(((b, x), s), d)| {
                    if score {
                        serde_json::json!({"p": s})
                    } else {
                        // The rules' verdict when it is final (the model is not asked).
                        let fixed = d.reason.is_final().then_some(d.keep);
                        serde_json::json!({"text": b.text, "g": b.group, "x": x, "fixed": fixed})
                    }
                })
                .collect();
            Some(serde_json::json!({"id": id, "blocks": blocks}).to_string())
        })
        .collect();
    let out = std::io::stdout();
    let mut out = out.lock();
    writeln!(out, "{}", serde_json::json!({"names": scour::features::names()})).unwrap();
    for l in lines {
        writeln!(out, "{l}").unwrap();
    }
}
