//! Repair the JSON strings given on the command line (or one per stdin
//! line) with default options and no lexicon, and print each change: a
//! debugging aid for the repair stage.

use scour::repair::{repair, Options};
use std::io::BufRead;

fn main() {
    let mut inputs: Vec<String> = std::env::args().skip(1).collect();
    if inputs.is_empty() {
        inputs = std::io::stdin().lock().lines().map_while(Result::ok).collect();
    }
    for raw in inputs {
        let text: String = serde_json::from_str(&raw).unwrap_or(raw);
        let (out, changes) = repair(&text, &[], &Options::default());
        println!("{}", serde_json::to_string(&out).unwrap());
        for c in changes {
            println!("  {:?}: {:?} -> {:?}", c.fix, c.before, c.after);
        }
    }
}
