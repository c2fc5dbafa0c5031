//! Pages in languages the dev sets do not have (tests/data/langs/: one
//! news page or blog post per language, written for scour, with its article
//! paragraphs in `<lang>.truth.txt` and the page as flat text in
//! `<lang>.txt`). Three are in languages scour has no stopword list for
//! (Chinese, Japanese, Thai).
//!
//! Both dev sets are English, so these pages are the check that the
//! stopword lists and vocabularies of other languages are picked up and
//! that extraction does not lean on English: each page must be guessed as
//! its language, keep its article and drop most of the rest, as HTML and as
//! flat text. Every shortfall is printed before the assert.

use std::path::{Path, PathBuf};

/// Share of all article paragraphs that must be kept.
const KEPT_ALL: f64 = 0.97;

fn pages() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/langs");
    let mut v: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "html"))
        .collect();
    v.sort();
    assert!(v.len() >= 15, "{} pages in {}", v.len(), dir.display());
    v
}

/// Checks every page in `format`: at least `kept_page` of each page's
/// article paragraphs are kept; `extra_page` and `extra_all` cap the share
/// of the output's characters that are not article text (per page, and
/// over all pages).
fn check(format: scour::Format, kept_page: f64, extra_page: f64, extra_all: f64) {
    let opts = scour::Options { format: Some(format), ..scour::Options::default() };
    let (mut kept_all, mut paras_all, mut extra_all_chars, mut chars_all) = (0, 0, 0, 0);
    let mut failures = Vec::new();
    for html in pages() {
        let lang = html.file_stem().unwrap().to_str().unwrap().to_string();
        let input = match format {
            scour::Format::Html => html.clone(),
            _ => html.with_extension("txt"),
        };
        let truth_text = std::fs::read_to_string(html.with_file_name(format!("{lang}.truth.txt"))).unwrap();
        let truth: Vec<&str> = truth_text.lines().filter(|l| !l.trim().is_empty()).collect();
        let out = scour::clean(&std::fs::read(&input).unwrap(), &opts).unwrap();
        // A language without a stopword list (Chinese, Japanese, Thai)
        // must be left unknown, not taken for another.
        let expected = scour::vocab::Vocab::get().stopwords(&lang).map(|_| lang.as_str());
        if out.lang != expected {
            failures.push(format!("{lang}: language guessed as {:?}", out.lang));
        }
        let kept = truth.iter().filter(|t| out.text.contains(**t)).count();
        for t in truth.iter().filter(|t| !out.text.contains(**t)) {
            eprintln!("{lang}: article paragraph lost: {}", t.chars().take(60).collect::<String>());
        }
        let (mut extra, mut chars) = (0, 0);
        for line in out.text.lines().filter(|l| !l.trim().is_empty()) {
            let n = line.chars().count();
            chars += n;
            if !truth.iter().any(|t| t.contains(line)) {
                extra += n;
                eprintln!("{lang}: kept {}", line.chars().take(60).collect::<String>());
            }
        }
        if (kept as f64) < kept_page * truth.len() as f64 {
            failures.push(format!("{lang}: {kept} of {} article paragraphs kept", truth.len()));
        }
        if extra as f64 > extra_page * chars.max(1) as f64 {
            failures.push(format!("{lang}: {extra} of {chars} characters kept are not article text"));
        }
        kept_all += kept;
        paras_all += truth.len();
        extra_all_chars += extra;
        chars_all += chars;
    }
    eprintln!("{kept_all} of {paras_all} paragraphs kept; {extra_all_chars} of {chars_all} characters kept are not article text");
    if (kept_all as f64) < KEPT_ALL * paras_all as f64 {
        failures.push(format!("{kept_all} of {paras_all} article paragraphs kept"));
    }
    if extra_all_chars as f64 > extra_all * chars_all as f64 {
        failures.push(format!("{extra_all_chars} of {chars_all} characters kept are not article text"));
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn html_pages_in_many_languages_keep_the_article() {
    check(scour::Format::Html, 0.85, 0.15, 0.05);
}

#[test]
fn flat_text_in_many_languages_keeps_the_article() {
    // Flat text has no markup to say where the article ends: boilerplate
    // in the middle of it is kept more often than in HTML.
    check(scour::Format::Text, 0.85, 0.45, 0.12);
}

/// Persian and Urdu typed with the Arabic yeh and kaf (`ي`, `ك`), as an
/// Arabic keyboard writes them.
fn arabic_letters(s: &str) -> String {
    s.replace('ی', "ي").replace('ک', "ك")
}

/// Decomposed text (NFD): accents and tones as combining marks, Korean as
/// jamo, as macOS and some keyboards write them.
fn decomposed(s: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    s.nfd().collect()
}

/// One way of typing a page's text.
type Retype = fn(&str) -> String;

#[test]
fn a_page_typed_another_way_is_read_as_the_page_itself() {
    use unicode_normalization::UnicodeNormalization;
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/langs");
    // What is compared: the output with both spellings brought to one.
    let fold = |s: &str| -> String { s.nfc().map(scour::vocab::fold_arabic).collect() };
    let cases: [(&str, Retype); 6] = [
        ("fa", arabic_letters),
        ("ur", arabic_letters),
        ("vi", decomposed),
        ("ko", decomposed),
        ("bn", decomposed),
        ("ta", decomposed),
    ];
    let mut failures = Vec::new();
    for (lang, retype) in cases {
        for (ext, format) in [("html", scour::Format::Html), ("txt", scour::Format::Text)] {
            let page = std::fs::read_to_string(dir.join(format!("{lang}.{ext}"))).unwrap();
            let other = retype(&page);
            assert_ne!(page, other, "{lang}.{ext}: the retyped page must differ");
            let opts = scour::Options { format: Some(format), ..scour::Options::default() };
            let a = scour::clean(page.as_bytes(), &opts).unwrap();
            let b = scour::clean(other.as_bytes(), &opts).unwrap();
            if b.lang != a.lang {
                failures.push(format!("{lang}.{ext} retyped: language {:?}, not {:?}", b.lang, a.lang));
            }
            if fold(&b.text) != fold(&a.text) {
                failures.push(format!(
                    "{lang}.{ext} retyped: {} characters kept, not {}",
                    b.text.chars().count(),
                    a.text.chars().count()
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
