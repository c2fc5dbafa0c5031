//! Golden tests on the user's two seed documents (copied into tests/data).
//!
//! Two layers: the assertions below are the specification (what must be
//! kept, removed and repaired); the snapshot files in tests/golden/ pin the
//! exact output so that any change to it is seen in review. Regenerate the
//! snapshots with `SCOUR_BLESS=1 cargo test --test golden` after checking
//! the difference.

use std::path::Path;

fn clean_file(name: &str) -> String {
    let bytes = std::fs::read(Path::new("tests/data").join(name)).unwrap();
    scour::clean(&bytes, &scour::Options::default()).unwrap().text
}

fn snapshot(name: &str, got: &str) {
    let path = Path::new("tests/golden").join(name);
    if std::env::var_os("SCOUR_BLESS").is_some() {
        std::fs::create_dir_all("tests/golden").unwrap();
        std::fs::write(&path, got).unwrap();
        return;
    }
    let want = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        want == got,
        "output differs from {} (run with SCOUR_BLESS=1 to accept after review)\n--- want\n{want}\n--- got\n{got}",
        path.display()
    );
}

fn lines(text: &str) -> Vec<&str> {
    text.lines().collect()
}

#[test]
fn une_plume_du_mali() {
    let out = clean_file("une-plume-du-mali-scraped.txt");
    let src = std::fs::read_to_string("tests/data/une-plume-du-mali-scraped.txt").unwrap();

    // Every article paragraph and quotation is kept, whole.
    let paragraphs: Vec<&str> = src
        .lines()
        .map(str::trim)
        .filter(|l| {
            l.split_whitespace().count() >= 25
                && !l.contains("Wikicommons")
                && !l.contains("cookies")
                && !l.starts_with("Privacy")
        })
        .collect();
    assert!(paragraphs.len() >= 8, "fixture changed? {}", paragraphs.len());
    for p in &paragraphs {
        let first_words: String = p.split_whitespace().take(12).collect::<Vec<_>>().join(" ");
        assert!(out.contains(&first_words), "article paragraph lost: {first_words}\n---\n{out}");
    }
    for quote in ["“the mutual support”", "“instrument of foreign powers”", "“One of the most emblematic illustrations"]
    {
        assert!(out.contains(quote), "quotation lost: {quote}");
    }
    // The subheads stay, as their own lines.
    assert!(lines(&out).contains(&"“Mutual support”"), "{out}");
    assert!(lines(&out).contains(&"Rise of the FAMa"), "{out}");

    // Boilerplate goes.
    for gone in [
        "Home »",
        "Une Plume du Mali",
        "by admin",
        "via Wikicommons",
        "VIA Wikicommons",
        "READ ALSO",
        "See also",
        "You may also like",
        "Leave a Comment",
        "Akismet",
        "uses cookies",
        "Privacy & Cookies Policy",
    ] {
        assert!(!out.contains(gone), "boilerplate kept: {gone}\n---\n{out}");
    }
    snapshot("une-plume-du-mali.txt", &out);
}

#[test]
fn wire_story_encoding_damage() {
    let out = clean_file("wire-story-encoding-damage.txt");
    let src = std::fs::read_to_string("tests/data/wire-story-encoding-damage.txt").unwrap();
    // Every paragraph kept (compared on a stretch away from the repairs).
    let n_src = src.lines().filter(|l| !l.trim().is_empty()).count();
    assert_eq!(out.lines().count(), n_src, "{out}");
    for p in src.lines().filter(|l| !l.trim().is_empty()) {
        let start: String = p.split_whitespace().take(8).collect::<Vec<_>>().join(" ");
        assert!(out.contains(&start), "paragraph lost: {start}");
    }
    assert!(out.contains("in the area of security,"), "{out}");
    assert!(!out.contains('?'), "{out}");
    assert!(out.contains("his meeting with Ms. Lavrov."), "{out}");
    assert!(!out.contains(". ."), "{out}");
    snapshot("wire-story-encoding-damage.txt", &out);
}

#[test]
fn seeds_are_stable_under_a_second_pass() {
    for name in ["une-plume-du-mali-scraped.txt", "wire-story-encoding-damage.txt"] {
        let once = clean_file(name);
        let twice = scour::clean(once.as_bytes(), &scour::Options::default()).unwrap().text;
        assert_eq!(once, twice, "{name}");
    }
}
