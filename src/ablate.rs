//! Switches that take one source of evidence away, to measure what it adds.
//!
//! The README's ablation table is made with these: `SCOUR_ABLATE=attrs,vocab
//! scour …` runs the whole pipeline as if class/id names and boilerplate
//! vocabularies did not exist, and `train/train.py` retrains the learned
//! scorer the same way (it inherits the variable), so each row is the system
//! as it would be built without that source, not the shipped model fed
//! unfamiliar numbers. It is an environment variable rather than an option
//! because it is a measuring instrument, not a way to run scour: nobody
//! should want it in production, and it must reach the feature dumper that
//! training runs as a subprocess. Unset, every source is on and the cost is
//! one load of a cached word.

use std::sync::OnceLock;

/// A source of evidence the classifier can be run without.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    /// Boilerplate vocabularies (`rules/phrases`): no phrase hits, so no
    /// vocabulary verdicts and no boilerplate sections.
    Vocab,
    /// Class and id names (`rules/attrs`): every element weighs 0.
    Attrs,
    /// Page chrome: `nav`, `footer`, `aside`, `header`, ARIA landmarks.
    Chrome,
    /// Markup that names the article: `<article>`, `<main>`,
    /// `itemprop=articleBody`.
    Semantic,
    /// The main region (DOM container scoring, or the text span): every
    /// block counts as inside it.
    Region,
    /// Link density: links are read as plain text.
    Links,
    /// Lines repeated on the page, and breadcrumb shapes.
    Repeats,
    /// Repeats of the page title, and the headline rule.
    Title,
    /// Neighbours: jusText's context revision and the heading rule in the
    /// rules, and every neighbour feature of the learned scorer. Near-good
    /// blocks count as good, short ones as bad.
    Context,
    /// JSON-LD `articleBody`.
    LdJson,
    /// Stopword lists: every page is of an unknown language, so sentence
    /// punctuation and length decide.
    Stopwords,
}

impl Source {
    /// Every source, with the name `SCOUR_ABLATE` knows it by.
    pub const ALL: &'static [(&'static str, Source)] = &[
        ("vocab", Source::Vocab),
        ("attrs", Source::Attrs),
        ("chrome", Source::Chrome),
        ("semantic", Source::Semantic),
        ("region", Source::Region),
        ("links", Source::Links),
        ("repeats", Source::Repeats),
        ("title", Source::Title),
        ("context", Source::Context),
        ("ldjson", Source::LdJson),
        ("stopwords", Source::Stopwords),
    ];

    fn bit(self) -> u32 {
        1 << Source::ALL.iter().position(|(_, s)| *s == self).unwrap_or(0)
    }
}

/// Parse a comma-separated list of source names (`SCOUR_ABLATE`'s syntax)
/// into a bit set; an unknown name is an error that lists the known ones.
pub fn parse(spec: &str) -> Result<u32, String> {
    let mut bits = 0;
    for name in spec.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        match Source::ALL.iter().find(|(n, _)| *n == name) {
            Some((_, s)) => bits |= s.bit(),
            None => {
                let known: Vec<&str> = Source::ALL.iter().map(|(n, _)| *n).collect();
                return Err(format!("SCOUR_ABLATE: unknown source `{name}` (known: {})", known.join(", ")));
            }
        }
    }
    Ok(bits)
}

fn bits() -> u32 {
    static BITS: OnceLock<u32> = OnceLock::new();
    *BITS.get_or_init(|| match std::env::var("SCOUR_ABLATE") {
        // The CLI checks the variable at start-up and refuses a bad one; a
        // library caller with a bad one gets a panic naming it rather than
        // figures quietly measured with everything on.
        Ok(spec) => parse(&spec).unwrap_or_else(|e| panic!("{e}")),
        Err(_) => 0,
    })
}

/// Whether `source` is switched off for this process.
#[inline]
pub fn off(source: Source) -> bool {
    let b = bits();
    b != 0 && b & source.bit() != 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_parse_and_unknown_ones_are_refused() {
        assert_eq!(parse("").unwrap(), 0);
        let b = parse("vocab, attrs").unwrap();
        assert_eq!(b, Source::Vocab.bit() | Source::Attrs.bit());
        let e = parse("vocab,colour").unwrap_err();
        assert!(e.contains("`colour`") && e.contains("stopwords"), "{e}");
        // Every source has its own bit.
        let all: u32 = Source::ALL.iter().map(|(_, s)| s.bit()).fold(0, |a, b| a | b);
        assert_eq!(all.count_ones() as usize, Source::ALL.len());
    }
}
