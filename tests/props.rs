//! Property tests over generated documents: cleaning is idempotent on text,
//! deterministic across thread counts, and never invents words.

use proptest::prelude::*;
use scour::batch::{self, Config, InputKind};
use std::collections::HashSet;

const WORDS: &[&str] = &[
    "the",
    "council",
    "said",
    "on",
    "Tuesday",
    "that",
    "river",
    "would",
    "be",
    "cleaned",
    "before",
    "summer",
    "and",
    "residents",
    "of",
    "town",
    "were",
    "asked",
    "to",
    "help",
    "with",
    "work",
    "a",
    "new",
    "bridge",
    "was",
    "built",
    "in",
    "north",
    "it",
    "is",
    "not",
    "clear",
    "how",
    "much",
    "cost",
    "but",
    "mayor",
    "hopes",
    "for",
    "support",
];
const BOILER: &[&str] = &[
    "Home",
    "Menu",
    "Share on Facebook",
    "Leave a Comment",
    "This website uses cookies to improve your experience.",
    "© 2024 Example Media. All rights reserved.",
    "Home » News » Local",
    "READ ALSO: Another story about the town",
    "by admin",
    "Subscribe",
];

fn sentence() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(WORDS), 6..20).prop_map(|w| {
        let mut s = w.join(" ");
        if let Some(c) = s.get(0..1) {
            s = c.to_uppercase() + &s[1..];
        }
        s + "."
    })
}

fn paragraph() -> impl Strategy<Value = String> {
    prop::collection::vec(sentence(), 1..6).prop_map(|s| s.join(" "))
}

/// A line of a scraped page: prose, a short line, or boilerplate.
fn line() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => paragraph(),
        1 => prop::collection::vec(prop::sample::select(WORDS), 1..5).prop_map(|w| w.join(" ")),
        2 => prop::sample::select(BOILER).prop_map(str::to_string),
    ]
}

fn document() -> impl Strategy<Value = String> {
    prop::collection::vec(line(), 1..25).prop_map(|l| l.join("\n"))
}

fn text_opts() -> scour::Options {
    scour::Options { format: Some(scour::Format::Text), ..scour::Options::default() }
}

fn words(s: &str) -> Vec<String> {
    s.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(str::to_string).collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn cleaning_clean_output_changes_nothing(doc in document()) {
        let once = scour::clean_str(&doc, &text_opts()).unwrap().text;
        prop_assume!(!once.is_empty());
        let twice = scour::clean_str(&once, &text_opts()).unwrap().text;
        prop_assert_eq!(once, twice);
    }

    #[test]
    fn every_output_word_is_in_the_input(doc in document()) {
        let out = scour::clean_str(&doc, &text_opts()).unwrap().text;
        let input: HashSet<String> = words(&doc).into_iter().collect();
        for w in words(&out) {
            prop_assert!(input.contains(&w), "invented word {:?}", w);
        }
    }

    #[test]
    fn html_output_words_are_in_the_input(paras in prop::collection::vec(paragraph(), 1..8), boiler in prop::collection::vec(prop::sample::select(BOILER), 0..6)) {
        let mut html = String::from("<html><body><nav>");
        for b in &boiler { html.push_str(&format!("<a href=/x>{b}</a> ")); }
        html.push_str("</nav><div class=content>");
        for p in &paras { html.push_str(&format!("<p>{p}</p>")); }
        html.push_str("</div></body></html>");
        let out = scour::clean(html.as_bytes(), &scour::Options::default()).unwrap().text;
        let input: HashSet<String> = words(&html).into_iter().collect();
        for w in words(&out) {
            prop_assert!(input.contains(&w), "invented word {:?}", w);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    #[test]
    fn output_does_not_depend_on_threads(docs in prop::collection::vec(document(), 1..30)) {
        let dir = tempfile::tempdir().unwrap();
        for (i, d) in docs.iter().enumerate() {
            std::fs::write(dir.path().join(format!("d{i:03}.txt")), d).unwrap();
        }
        let run = |jobs: usize| {
            let cfg = Config {
                inputs: vec![dir.path().to_path_buf()],
                input: InputKind::Text,
                jobs,
                clean: text_opts(),
                ..Config::default()
            };
            let (mut out, mut err) = (Vec::new(), Vec::new());
            batch::run(&cfg, &mut out, &mut err).unwrap();
            out
        };
        prop_assert_eq!(run(1), run(3));
    }
}
