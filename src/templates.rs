//! Site templates: boilerplate that only a batch can see.
//!
//! Every page of a site is poured into the same template: the menu, the
//! footer's mission statement, "This site uses Akismet to reduce spam", the
//! author box, the newsletter promo. On one page such a block can be a
//! well-formed paragraph of full sentences that no single-page rule can tell
//! from the article. Across the site it gives itself away: it is the same
//! text on page after page, while article text is, by and large, new on every
//! page.
//!
//! Learning is a first pass over the batch ([`Learner`]): each page's blocks
//! (HTML) or lines (flat text) are normalised and hashed, and for every site
//! the number of *distinct pages* holding each hash is counted. A hash that
//! clears the thresholds below is the site's template ([`Templates`]), and
//! the second pass drops kept blocks with that hash, with
//! [`Reason::Template`](crate::Reason::Template).
//!
//! The thresholds, in the manner of jusText's (each a named constant or a
//! [`Params`] field, with its reason):
//!
//! | threshold | default | why |
//! |---|---|---|
//! | [`Params::min_pages`] | 3 | a sentence two articles happen to share (a quote, a stock phrase) is on two pages; a template is on many. Also the least number of pages a site needs before anything is learned about it |
//! | [`Params::min_share`] | 0.30 | a template slot is filled on most pages of a site; article text repeated across 30 % of a site's pages is not article text |
//! | [`LONG_WORDS`] / [`Params::long_share`] | 60 words / 0.80 | a long paragraph is expensive to lose if it is the article: it must recur on nearly all pages (a legal notice or an author bio does; a paragraph reused by a few related articles does not) |
//! | [`MAX_PER_PAGE`] | 2 | a template slot appears once on a page (twice when the menu is repeated in the footer); text repeated many times on one page is the page's own structure (table cells, "Reply" links), left to the page-level rules |
//! | [`LONE_CHARS`] | 70 characters | a short recurring block standing alone between two kept, non-template blocks is the article's own subhead ("Why it matters", "Ingredients"), not a piece of the template: templates come in runs |
//!
//! Pages are counted by content: two copies of the same page (a crawl that
//! fetched it twice) count once, so duplicates cannot make a template out of
//! article text. Everything is counted in sorted or order-free structures and
//! hashed with a fixed function, so the learned templates, and the cleaned
//! text, do not depend on input order or thread count.
//!
//! Templates can be saved and loaded ([`Templates::to_tsv`],
//! [`Templates::from_tsv`]), so that a pipeline learns on one shard and
//! applies the result to the others.

use crate::block::Page;
use crate::classify::{Decision, Reason};
use crate::input::Format;
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::{self, BufRead};

/// First line of a saved templates file; the number is the format version.
pub const TSV_HEADER: &str = "# scour templates v1";

/// Paragraphs longer than this many words must recur on
/// [`Params::long_share`] of a site's pages to count as template: losing a
/// long article paragraph costs far more than keeping a long boilerplate one.
pub const LONG_WORDS: usize = 60;

/// A block that appears more than this many times on one page is not
/// counted for that page (and not dropped there): a template slot is filled
/// once per page, twice at most (a menu repeated in the footer).
pub const MAX_PER_PAGE: usize = 2;

/// A recurring block shorter than this (characters) that stands alone
/// between two kept, non-template blocks is kept: templates come in runs
/// (heading, paragraph, list), while a lone recurring short line inside the
/// article is the article's own subhead.
pub const LONE_CHARS: usize = 70;

/// How sure the learner must be before a block is template.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Params {
    /// Distinct pages a block must appear on, and pages a site must have.
    /// Three: two articles quoting the same sentence stay.
    pub min_pages: usize,
    /// Share of the site's pages a block must appear on.
    pub min_share: f64,
    /// Share of the site's pages a paragraph of more than [`LONG_WORDS`]
    /// words must appear on.
    pub long_share: f64,
}

impl Default for Params {
    /// The defaults measured on the test site (`tests/data/site`, see the
    /// README's "Site templates").
    fn default() -> Self {
        Params { min_pages: 3, min_share: 0.30, long_share: 0.80 }
    }
}

/// The normalised form of a block that makes recurring template text match:
/// lower case, every run of digits (with the `.`, `,` or `'` between them)
/// folded to one `0`, white space collapsed. "© 2024 Example" and "© 2025
/// Example", "Read 987 times" and "Read 1,234 times" are the same block.
pub fn normalize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    let mut space = false;
    while let Some(c) = chars.next() {
        if c.is_whitespace() {
            space = !out.is_empty();
            continue;
        }
        if space {
            out.push(' ');
            space = false;
        }
        if c.is_numeric() {
            out.push('0');
            loop {
                match chars.peek() {
                    Some(&d) if d.is_numeric() => {
                        chars.next();
                    }
                    Some('.' | ',' | '\'' | '\u{a0}' | '\u{202f}') => {
                        let mut ahead = chars.clone();
                        ahead.next();
                        if ahead.peek().is_some_and(|d| d.is_numeric()) {
                            chars.next();
                        } else {
                            break;
                        }
                    }
                    _ => break,
                }
            }
            continue;
        }
        out.extend(c.to_lowercase());
    }
    out
}

/// FNV-1a, 64 bits: a fixed, documented hash, so saved templates stay valid
/// across builds and platforms (the standard hashers promise neither).
fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= b as u64;
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// The key of a block: the hash of its normalised text, or `None` when the
/// text has no letter (page numbers, separators and bare figures are left to
/// the page-level rules: "0" would match every pager and table cell).
pub fn key(text: &str) -> Option<u64> {
    let n = normalize(text);
    n.chars().any(char::is_alphabetic).then(|| fnv1a(n.as_bytes()))
}

/// The site a URL belongs to: its host, lower case, without `www.`, a port
/// or credentials. `None` when there is no host.
pub fn site_of_url(url: &str) -> Option<String> {
    let u = url.trim();
    let rest = match u.find("://") {
        Some(i) if u[..i].chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.')) => &u[i + 3..],
        _ => u.strip_prefix("//")?,
    };
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = host.rsplit('@').next().unwrap_or(host);
    let host = if host.starts_with('[') {
        host.split_inclusive(']').next().unwrap_or(host)
    } else {
        host.split(':').next().unwrap_or(host)
    };
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    let host = host.strip_prefix("www.").map(str::to_string).unwrap_or(host);
    (!host.is_empty()).then_some(host)
}

/// The site of a file for templates: the directory holding it, relative to
/// the input root (`rel` is the file's path relative to that root), with `/`
/// separators; `.` for files at the root.
pub fn dir_site(rel: &std::path::Path) -> String {
    let parts: Vec<String> = rel
        .parent()
        .into_iter()
        .flat_map(|p| p.components())
        .filter_map(|c| match c {
            std::path::Component::Normal(s) => Some(s.to_string_lossy().into_owned()),
            _ => None,
        })
        .collect();
    if parts.is_empty() {
        ".".into()
    } else {
        parts.join("/")
    }
}

/// One block as the learner sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Seen {
    hash: u64,
    words: u32,
    sample: String,
}

/// What pass 1 keeps of one page: a fingerprint of its whole content (so
/// that copies count once) and its blocks that may be template (those
/// appearing at most [`MAX_PER_PAGE`] times), each once.
#[derive(Clone, Debug)]
pub struct PageKeys {
    fingerprint: u64,
    blocks: Vec<Seen>,
}

/// Longest sample of a block's text kept in a saved templates file (for
/// people reviewing what was learned, not for matching).
const SAMPLE_CHARS: usize = 60;

impl PageKeys {
    /// The keys of a page given as its block texts, in order.
    pub fn of_blocks<'a>(blocks: impl IntoIterator<Item = &'a str>) -> PageKeys {
        let mut all: Vec<u64> = Vec::new();
        let mut counts: HashMap<u64, (usize, Seen)> = HashMap::default();
        for t in blocks {
            let n = normalize(t);
            let h = fnv1a(n.as_bytes());
            all.push(h);
            if !n.chars().any(char::is_alphabetic) {
                continue;
            }
            counts
                .entry(h)
                .or_insert_with(|| {
                    let words = n.split(' ').count() as u32;
                    let sample: String = n.chars().take(SAMPLE_CHARS).collect();
                    (0, Seen { hash: h, words, sample })
                })
                .0 += 1;
        }
        let mut fp = Vec::with_capacity(all.len() * 8);
        for h in &all {
            fp.extend_from_slice(&h.to_le_bytes());
        }
        let mut blocks: Vec<Seen> = counts.into_values().filter(|(n, _)| *n <= MAX_PER_PAGE).map(|(_, s)| s).collect();
        blocks.sort_by_key(|s| s.hash);
        PageKeys { fingerprint: fnv1a(&fp), blocks }
    }

    /// The keys of a document, segmented as cleaning will segment it.
    pub fn of_document(text: &str, format: Format) -> PageKeys {
        let page = match format {
            Format::Html => crate::segment::html::segment(text, false),
            Format::Text => crate::segment::text::segment(text),
        };
        PageKeys::of_blocks(page.blocks.iter().map(|b| b.text.as_str()))
    }
}

#[derive(Clone, Debug, Default)]
struct SiteCounts {
    fingerprints: HashSet<u64>,
    blocks: HashMap<u64, (u32, Seen)>,
}

/// Pass 1: counts, for every site, on how many distinct pages each block
/// appears. Feed it pages in any order; [`Learner::finish`] gives the same
/// templates.
#[derive(Clone, Debug, Default)]
pub struct Learner {
    params: Params,
    sites: BTreeMap<String, SiteCounts>,
}

impl Learner {
    /// A learner with these thresholds.
    pub fn new(params: Params) -> Learner {
        Learner { params, sites: BTreeMap::new() }
    }

    /// Count one page of `site`. A page whose content was already seen on
    /// the site counts once.
    pub fn add(&mut self, site: &str, page: PageKeys) {
        let s = self.sites.entry(site.to_string()).or_default();
        if !s.fingerprints.insert(page.fingerprint) {
            return;
        }
        for mut b in page.blocks {
            match s.blocks.get_mut(&b.hash) {
                Some((n, seen)) => {
                    *n += 1;
                    if seen.sample.is_empty() {
                        seen.sample = b.sample;
                    }
                }
                None => {
                    // Most blocks are seen once: their sample would only
                    // cost memory. (Every page's sample of a hash is the
                    // same text, so which page supplies it does not matter.)
                    b.sample = String::new();
                    s.blocks.insert(b.hash, (1, b));
                }
            }
        }
    }

    /// The templates: every block that clears the thresholds on its site.
    pub fn finish(self) -> Templates {
        let p = self.params;
        let mut sites = BTreeMap::new();
        for (name, s) in self.sites {
            let total = s.fingerprints.len();
            if total < p.min_pages.max(1) {
                continue;
            }
            let blocks: BTreeMap<u64, Entry> = s
                .blocks
                .into_values()
                .filter(|(n, b)| {
                    let n = *n as usize;
                    let share = n as f64 / total as f64;
                    n >= p.min_pages
                        && share + 1e-9 >= p.min_share
                        && (b.words as usize <= LONG_WORDS || share + 1e-9 >= p.long_share)
                })
                .map(|(n, b)| (b.hash, Entry { pages: n, sample: b.sample }))
                .collect();
            if !blocks.is_empty() {
                sites.insert(name, Site { pages: total as u32, blocks });
            }
        }
        Templates { sites }
    }
}

/// One template block of a site.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Entry {
    pages: u32,
    sample: String,
}

/// The template of one site.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Site {
    pages: u32,
    blocks: BTreeMap<u64, Entry>,
}

/// Learned site templates: for each site, the blocks that recur on its
/// pages often enough to be the site's template rather than its articles.
/// Share one between threads with an `Arc` in
/// [`Options::templates`](crate::Options::templates); each document names
/// its site in [`Options::site`](crate::Options::site).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Templates {
    sites: BTreeMap<String, Site>,
}

impl Templates {
    /// Sites with at least one template block.
    pub fn sites(&self) -> usize {
        self.sites.len()
    }

    /// Template blocks over all sites.
    pub fn len(&self) -> usize {
        self.sites.values().map(|s| s.blocks.len()).sum()
    }

    /// Nothing learned.
    pub fn is_empty(&self) -> bool {
        self.sites.is_empty()
    }

    /// Whether `text` is a template block of `site`.
    pub fn contains(&self, site: &str, text: &str) -> bool {
        key(text).is_some_and(|h| self.sites.get(site).is_some_and(|s| s.blocks.contains_key(&h)))
    }

    /// Drop the kept blocks of `page` that are the template of `site`, with
    /// [`Reason::Template`]. Blocks already dropped keep their own reason,
    /// so `template` counts what only the site's template gave away. Guards:
    /// [`MAX_PER_PAGE`] and [`LONE_CHARS`].
    pub fn apply(&self, site: &str, page: &Page, decisions: &mut [Decision]) {
        let Some(s) = self.sites.get(site) else { return };
        let keys: Vec<Option<u64>> = page.blocks.iter().map(|b| key(&b.text)).collect();
        let mut per_page: HashMap<u64, usize> = HashMap::default();
        for h in keys.iter().flatten() {
            *per_page.entry(*h).or_default() += 1;
        }
        let hit: Vec<Option<&Entry>> =
            keys.iter().map(|k| k.filter(|h| per_page[h] <= MAX_PER_PAGE).and_then(|h| s.blocks.get(&h))).collect();
        let n = page.blocks.len().min(decisions.len());
        let content = |j: usize| hit[j].is_none() && decisions[j].keep;
        let mut drop = Vec::new();
        for i in 0..n {
            let Some(e) = hit[i] else { continue };
            if !decisions[i].keep || decisions[i].reason.is_final() {
                continue;
            }
            let lone = page.blocks[i].text.chars().count() < LONE_CHARS
                && i > 0
                && i + 1 < n
                && content(i - 1)
                && content(i + 1);
            if !lone {
                drop.push((i, format!("{}/{} pages", e.pages, s.pages)));
            }
        }
        for (i, why) in drop {
            decisions[i].keep = false;
            decisions[i].reason = Reason::Template(why);
        }
    }

    /// The templates as versioned TSV: a header line ([`TSV_HEADER`]),
    /// comment lines, then one row per template block, sorted by site and
    /// hash: `site`, `hash` (16 hex digits, FNV-1a of the normalised text),
    /// `pages` (distinct pages it is on), `site_pages` (distinct pages of
    /// the site), `sample` (the start of the normalised text, for review).
    pub fn to_tsv(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "{TSV_HEADER}");
        let _ = writeln!(out, "# site\thash\tpages\tsite_pages\tsample");
        let clean = |s: &str| s.replace(['\t', '\n', '\r'], " ");
        for (name, s) in &self.sites {
            for (h, e) in &s.blocks {
                let _ = writeln!(out, "{}\t{h:016x}\t{}\t{}\t{}", clean(name), e.pages, s.pages, clean(&e.sample));
            }
        }
        out
    }

    /// Read templates written by [`Templates::to_tsv`].
    pub fn from_tsv(r: impl BufRead) -> io::Result<Templates> {
        let bad = |line: usize, why: &str| io::Error::new(io::ErrorKind::InvalidData, format!("line {line}: {why}"));
        let mut sites: BTreeMap<String, Site> = BTreeMap::new();
        for (i, line) in r.lines().enumerate() {
            let line = line?;
            let line = line.trim_end_matches('\r');
            if i == 0 {
                if line != TSV_HEADER {
                    return Err(bad(1, &format!("not a scour templates file (expected `{TSV_HEADER}`)")));
                }
                continue;
            }
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let f: Vec<&str> = line.splitn(5, '\t').collect();
            if f.len() < 4 {
                return Err(bad(i + 1, "expected site, hash, pages, site_pages"));
            }
            let hash = u64::from_str_radix(f[1], 16).map_err(|_| bad(i + 1, "bad hash"))?;
            let pages: u32 = f[2].parse().map_err(|_| bad(i + 1, "bad pages"))?;
            let total: u32 = f[3].parse().map_err(|_| bad(i + 1, "bad site_pages"))?;
            let s = sites.entry(f[0].to_string()).or_insert_with(|| Site { pages: total, blocks: BTreeMap::new() });
            s.pages = s.pages.max(total);
            s.blocks.insert(hash, Entry { pages, sample: f.get(4).unwrap_or(&"").to_string() });
        }
        Ok(Templates { sites })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BIO: &str = "Anna writes about gardens, bicycles and the small pleasures of a slow life. \
        She lives by the river with two cats and far too many books.";

    fn learn(pages: &[Vec<&str>], params: Params) -> Templates {
        let mut l = Learner::new(params);
        for p in pages {
            l.add("site", PageKeys::of_blocks(p.iter().copied()));
        }
        l.finish()
    }

    fn article(i: usize) -> String {
        format!("Article number {} is about topic {} and nothing else at all.", "x".repeat(i + 1), "y".repeat(i + 1))
    }

    #[test]
    fn normalisation_folds_case_digits_and_space() {
        assert_eq!(normalize("  © 2024   Example\tBlog "), "© 0 example blog");
        assert_eq!(normalize("© 2025 Example Blog"), "© 0 example blog");
        assert_eq!(normalize("Read 1,234 times."), "read 0 times.");
        assert_eq!(normalize("Read 987 times."), "read 0 times.");
        assert_eq!(normalize("Page 3 of 12"), normalize("Page 10 of 11"));
        assert_eq!(normalize("ÉTÉ 2024"), "été 0");
        assert_eq!(key("1 2 3"), None);
        assert_eq!(key("Home"), key("HOME"));
    }

    #[test]
    fn urls_give_their_host() {
        assert_eq!(site_of_url("https://www.Example.org/a/b?c#d").as_deref(), Some("example.org"));
        assert_eq!(site_of_url("http://user:pw@blog.example.org:8080/x").as_deref(), Some("blog.example.org"));
        assert_eq!(site_of_url("//cdn.example.org/x").as_deref(), Some("cdn.example.org"));
        assert_eq!(site_of_url("http://[::1]:80/").as_deref(), Some("[::1]"));
        assert_eq!(site_of_url("not a url"), None);
        assert_eq!(site_of_url("https:///path"), None);
    }

    #[test]
    fn recurring_blocks_are_learned_and_shared_sentences_are_not() {
        let quote = "The river remembers every flood, the old ferryman told us.";
        let pages: Vec<Vec<String>> = (0..10)
            .map(|i| {
                let mut v = vec![article(i), BIO.to_string(), format!("© {} Slow Life", 2015 + i)];
                if i < 2 {
                    v.push(quote.to_string());
                }
                v
            })
            .collect();
        let pages: Vec<Vec<&str>> = pages.iter().map(|p| p.iter().map(String::as_str).collect()).collect();
        let t = learn(&pages, Params::default());
        assert!(t.contains("site", BIO));
        assert!(t.contains("site", "© 2031 Slow Life"));
        assert!(!t.contains("site", quote));
        assert!(!t.contains("site", &article(3)));
        assert!(!t.contains("other", BIO));
        assert_eq!(t.len(), 2);
    }

    #[test]
    fn thresholds_hold() {
        let long = "word ".repeat(LONG_WORDS + 1);
        let pages: Vec<Vec<String>> = (0..10)
            .map(|i| {
                let mut v = vec![article(i)];
                if i < 3 {
                    v.push("On three pages of ten.".into());
                }
                if i < 2 {
                    v.push("On two pages of ten.".into());
                }
                if i < 7 {
                    v.push(long.clone());
                }
                // Many times on one page: not a template slot.
                for _ in 0..3 {
                    v.push("Reply".into());
                }
                v
            })
            .collect();
        let pages: Vec<Vec<&str>> = pages.iter().map(|p| p.iter().map(String::as_str).collect()).collect();
        let t = learn(&pages, Params::default());
        assert!(t.contains("site", "On three pages of ten."));
        assert!(!t.contains("site", "On two pages of ten."));
        assert!(!t.contains("site", &long), "long paragraph on 70 % of pages");
        assert!(!t.contains("site", "Reply"));
        let t = learn(&pages, Params { min_pages: 4, ..Params::default() });
        assert!(!t.contains("site", "On three pages of ten."));
        let t = learn(&pages, Params { long_share: 0.7, ..Params::default() });
        assert!(t.contains("site", &long));
        // A site smaller than min_pages learns nothing.
        let t = learn(&pages[..2], Params { min_pages: 3, min_share: 0.0, long_share: 0.0 });
        assert!(t.is_empty());
    }

    #[test]
    fn copies_of_a_page_count_once() {
        let p = [article(0), "Shared by copies only.".to_string()];
        let q: Vec<&str> = p.iter().map(String::as_str).collect();
        let mut pages = vec![q.clone(), q.clone(), q];
        let others: Vec<String> = (1..8).map(article).collect();
        for o in &others {
            pages.push(vec![o.as_str()]);
        }
        let t = learn(&pages, Params::default());
        assert!(!t.contains("site", "Shared by copies only."));
    }

    #[test]
    fn order_does_not_matter() {
        let pages: Vec<Vec<String>> = (0..9)
            .map(|i| vec![article(i), BIO.into(), if i % 3 == 0 { "Every third.".into() } else { article(i + 20) }])
            .collect();
        let pages: Vec<Vec<&str>> = pages.iter().map(|p| p.iter().map(String::as_str).collect()).collect();
        let a = learn(&pages, Params::default());
        let mut rev = pages.clone();
        rev.reverse();
        let b = learn(&rev, Params::default());
        assert_eq!(a, b);
        assert_eq!(a.to_tsv(), b.to_tsv());
    }

    #[test]
    fn tsv_round_trip_and_version() {
        let pages: Vec<Vec<&str>> = (0..4).map(|_| vec![BIO, "Tab\there"]).collect();
        let mut l = Learner::new(Params::default());
        for (i, p) in pages.iter().enumerate() {
            let mut p = p.clone();
            let a = article(i);
            p.push(&a);
            l.add("a.example", PageKeys::of_blocks(p.iter().copied()));
            l.add("b.example", PageKeys::of_blocks(p.iter().copied()));
        }
        let t = l.finish();
        assert_eq!(t.sites(), 2);
        let tsv = t.to_tsv();
        assert!(tsv.starts_with("# scour templates v1\n"), "{tsv}");
        assert_eq!(tsv.lines().filter(|l| !l.starts_with('#')).count(), 4);
        let back = Templates::from_tsv(tsv.as_bytes()).unwrap();
        assert_eq!(back, t);
        assert!(Templates::from_tsv("# scour templates v2\n".as_bytes()).is_err());
        assert!(Templates::from_tsv(format!("{TSV_HEADER}\nsite\tzz\t1\t2\n").as_bytes()).is_err());
    }

    #[test]
    fn apply_drops_runs_and_keeps_lone_subheads() {
        let mut blocks = vec![article(0), "Why it matters".into(), article(1), "About".into(), BIO.into()];
        let pages: Vec<Vec<String>> = (0..6)
            .map(|i| vec![article(i + 10), "Why it matters".into(), article(i + 20), "About".into(), BIO.into()])
            .collect();
        let pages: Vec<Vec<&str>> = pages.iter().map(|p| p.iter().map(String::as_str).collect()).collect();
        let t = learn(&pages, Params::default());
        assert!(t.contains("site", "Why it matters"));
        let page = Page {
            blocks: blocks.drain(..).map(|t| crate::Block::line(t, crate::Kind::Para, 0, false)).collect(),
            ..Page::default()
        };
        let mut d: Vec<Decision> = page.blocks.iter().map(|_| Decision::kept_as_is()).collect();
        t.apply("site", &page, &mut d);
        let keep: Vec<bool> = d.iter().map(|d| d.keep).collect();
        assert_eq!(keep, [true, true, true, false, false]);
        assert_eq!(d[4].reason, Reason::Template("6/6 pages".into()));
        assert_eq!(d[4].reason.key(), "template");
        // Another site: nothing happens.
        let mut d2: Vec<Decision> = page.blocks.iter().map(|_| Decision::kept_as_is()).collect();
        t.apply("elsewhere", &page, &mut d2);
        assert!(d2.iter().all(|d| d.keep));
    }
}
