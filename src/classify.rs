//! Stage 3: keep or drop each block, with the reason.
//!
//! The classifier is the jusText scheme, extended with the evidence a
//! corpus builder has on a real page:
//!
//! 1. **Block features.** Length in characters, stopword density in the
//!    document's language, link density, sentence-final punctuation.
//! 2. **Hard evidence.** A boilerplate phrase from `rules/phrases` in the right
//!    shape, a breadcrumb or menu line, page chrome (`<nav>`, `<footer>`,
//!    `role=navigation`), a class/id chain that reads as boilerplate, a line
//!    repeated on the page or repeating the title. Any of these makes a block
//!    *bad* whatever its length.
//! 3. **Initial class** (jusText): *short* under 70 characters; otherwise
//!    *good* when its stopword density is high and it is long, *near-good*
//!    when the density is borderline, *bad* when it reads like a list of
//!    labels. Thresholds adapt to the language: they are capped at a share of
//!    the document's own median prose density, so languages whose stopword
//!    lists are shorter are not starved.
//! 4. **Main region.** HTML: the container chosen on the DOM (see
//!    `segment::html`); flat text: the span of blocks with the best balance of
//!    good over bad text (a maximum-sum segment). Inside it, near-good counts
//!    as good and borderline prose is given the benefit of the doubt;
//!    outside it, only long clean prose next to other good text survives.
//! 5. **Context** (jusText's revision): short and near-good blocks take the
//!    class of their neighbours, so a short line between two good paragraphs
//!    stays and one between two bad ones goes; a heading stays when good text
//!    follows it closely.
//! 6. **Headline.** The first heading that repeats the page title, before the
//!    kept text, is kept once; every other repeat of the title is dropped.

use crate::ablate::{off, Source};
use crate::block::{Block, Kind, Page};
use crate::lang::{self, Lang};
use crate::vocab::{self, Vocab};
use rustc_hash::FxHashMap as HashMap;
use serde::Serialize;

/// Blocks shorter than this (characters) are *short*: judged by context.
pub const LENGTH_LOW: usize = 70;
/// Blocks at least this long with high stopword density are *good* alone.
pub const LENGTH_HIGH: usize = 200;
/// Stopword density at or above which a long block is prose (jusText 0.32).
pub const STOP_HIGH: f32 = 0.32;
/// Stopword density under which a block is not prose (jusText 0.30).
pub const STOP_LOW: f32 = 0.30;
/// Share of link text above which a block is navigation.
pub const MAX_LINK_DENSITY: f32 = 0.5;
/// Class/id weight sum at or under which the ancestors read as boilerplate.
pub const ATTR_BAD: i32 = -20;
/// How far (characters of intervening text) a heading may be from the good
/// text it introduces.
pub const HEADING_REACH: usize = 200;

/// jusText's four classes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Class {
    /// Prose that stands on its own.
    Good,
    /// Borderline prose: kept next to good text.
    NearGood,
    /// Too short to judge alone.
    Short,
    /// Boilerplate.
    Bad,
}

/// Why a block was kept or dropped. `key()` groups them for `--stats`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "why", content = "detail")]
pub enum Reason {
    /// Good prose in the main region.
    Content,
    /// Kept because good text surrounds it (short line, subhead).
    Context,
    /// The article's headline, kept once.
    Headline,
    /// A boilerplate phrase of this kind (`cookie`, `related`…), with the rule.
    Vocab(String, String),
    /// Mostly link text.
    Links,
    /// Inside `<nav>`, `<footer>`, `<aside>`, or an ARIA landmark of chrome.
    Chrome,
    /// Class/id tokens of its ancestors read as boilerplate (the worst token).
    Attrs(String),
    /// Like `Attrs`, but the token is marked `final` in `rules/attrs/`
    /// (forum signatures): final.
    Marked(String),
    /// A breadcrumb or a menu line (` » `, ` | ` separated short items).
    Breadcrumb,
    /// The same short line appears elsewhere on the page.
    Repeated,
    /// Repeats the page title (other than the kept headline).
    Title,
    /// Repeats the page's own summary (its meta description) in a container
    /// of its own above the body: a standfirst, not article text.
    Standfirst,
    /// Too few stopwords for prose: labels, lists of names, metadata.
    NotProse,
    /// Short and not supported by its neighbours.
    Short,
    /// Outside the main-content region.
    OutsideMain,
    /// The learned scorer overruled the rules (see `score`).
    Scorer,
    /// Flat text: kept at first only thanks to neighbours that were
    /// themselves dropped; gone once the kept text is read on its own.
    Isolated,
    /// Kept although it scored below the threshold: among the best blocks
    /// of a page that would otherwise come out (almost) empty.
    Rescued,
    /// Part of the site's template: the same block recurs on many pages of
    /// the site (see [`crate::templates`]); the detail says on how many.
    Template(String),
}

impl Reason {
    /// Whether the rules' verdict for this reason stands whatever the
    /// learned scorer says: the headline rule, and structural evidence that
    /// is precise by construction (a vocabulary phrase in the right shape, a
    /// breadcrumb, a short line repeated on the page), and the site's
    /// template, which is evidence from the whole batch that no page-level
    /// measurement outweighs.
    pub fn is_final(&self) -> bool {
        matches!(
            self,
            Reason::Headline
                | Reason::Vocab(..)
                | Reason::Breadcrumb
                | Reason::Repeated
                | Reason::Template(_)
                | Reason::Standfirst
                | Reason::Marked(_)
        )
    }

    /// Stable name for statistics: `content`, `vocab:cookie`, `links`…
    pub fn key(&self) -> String {
        match self {
            Reason::Content => "content".into(),
            Reason::Context => "context".into(),
            Reason::Headline => "headline".into(),
            Reason::Vocab(k, _) => format!("vocab:{k}"),
            Reason::Links => "links".into(),
            Reason::Chrome => "chrome".into(),
            Reason::Attrs(_) => "attrs".into(),
            Reason::Marked(_) => "marked".into(),
            Reason::Breadcrumb => "breadcrumb".into(),
            Reason::Repeated => "repeated".into(),
            Reason::Title => "title".into(),
            Reason::Standfirst => "standfirst".into(),
            Reason::NotProse => "not-prose".into(),
            Reason::Short => "short".into(),
            Reason::OutsideMain => "outside-main".into(),
            Reason::Scorer => "scorer".into(),
            Reason::Isolated => "isolated".into(),
            Reason::Rescued => "rescued".into(),
            Reason::Template(_) => "template".into(),
        }
    }
}

/// The verdict on one block.
#[derive(Clone, Debug, Serialize)]
pub struct Decision {
    /// Whether the block goes to the output.
    pub keep: bool,
    /// The class after context.
    pub class: Class,
    /// The class before context.
    pub initial: Class,
    /// The deciding evidence.
    pub reason: Reason,
    /// Stopword density (0 when the language is unknown).
    pub stop_density: f32,
    /// Whether the block is inside the main region.
    pub in_main: bool,
    /// The learned scorer's content probability, when a model is shipped.
    pub score: Option<f32>,
}

impl Decision {
    /// The verdict when extraction is off (`--repair-only`): keep.
    pub fn kept_as_is() -> Decision {
        Decision {
            keep: true,
            class: Class::Good,
            initial: Class::Good,
            reason: Reason::Content,
            stop_density: 0.0,
            in_main: true,
            score: None,
        }
    }
}

/// What the classifier measured on one block (also the raw material of the
/// learned scorer's features).
#[derive(Clone, Debug)]
pub struct Feat {
    /// Characters.
    pub chars: usize,
    /// Words.
    pub words: usize,
    /// Stopword density.
    pub stop: f32,
    /// Link density.
    pub ld: f32,
    /// The first piece of hard evidence, if any.
    pub hard: Option<Reason>,
    /// The boilerplate kind of the vocabulary hit, if any.
    pub hit: Option<&'static str>,
    /// Shaped like a breadcrumb or menu line.
    pub crumb: bool,
    /// How often the same (normalised) text occurs on the page.
    pub repeats: usize,
    /// Repeats the page title.
    pub title: bool,
}

/// Everything the rule-based pass found about a page, for the learned scorer
/// and `--explain`.
#[derive(Clone, Debug)]
pub struct Analysis {
    /// Per-block measurements.
    pub feats: Vec<Feat>,
    /// jusText class before context.
    pub initial: Vec<Class>,
    /// Whether each block is in the main region.
    pub in_main: Vec<bool>,
    /// The rules' verdicts.
    pub decisions: Vec<Decision>,
    /// The main region is mostly link text.
    pub listing: bool,
    /// Median stopword density of the page's long prose.
    pub median_stop: f32,
}

/// Whether the text ends like a sentence (closing quotes and brackets aside).
pub(crate) fn ends_sentence(t: &str) -> bool {
    let t = t.trim_end_matches(|c: char| {
        c.is_whitespace() || matches!(c, '"' | '\'' | '”' | '’' | '»' | ')' | ']' | '」' | '』' | '）' | '】')
    });
    t.ends_with(['.', '!', '?', '…', '。', '！', '？', ';'])
}

/// A short line of items joined by breadcrumb or menu separators.
fn is_breadcrumb(t: &str) -> bool {
    // Every separator holds one of these bytes (`»` and `·` start with 0xC2,
    // `›`, `•` and `→` with 0xE2): most blocks hold none.
    if !t.bytes().any(|b| matches!(b, b'>' | b'|' | b'/' | b':' | 0xC2 | 0xE2)) {
        return false;
    }
    const SEPS: &[&str] = &[" » ", " › ", " > ", " | ", " / ", " · ", " • ", " :: ", " → ", " >> ", "»", "›"];
    let Some(sep) = SEPS.iter().find(|s| t.contains(**s)) else {
        return false;
    };
    let parts: Vec<&str> = t.split(sep).map(str::trim).filter(|p| !p.is_empty()).collect();
    if parts.len() < 2 {
        return false;
    }
    let words = vocab::word_count(t);
    // Every item but the last is a short label; the last may be a whole
    // title ("Home » News » Minister resigns over…"); no item is a sentence.
    let (last, labels) = parts.split_last().unwrap_or((&"", &[]));
    let shaped = labels.iter().all(|p| vocab::word_count(p) <= 6 && !ends_sentence(p))
        && vocab::word_count(last) <= 25
        && !ends_sentence(last);
    shaped && words <= 40 && (sep.trim() != "/" || parts.len() >= 3)
}

/// The text key used to find repeated lines: case- and punctuation-folded.
fn dup_key(t: &str) -> String {
    key_of_normalized(&vocab::normalize(t))
}

/// [`dup_key`] of a text given as its [`vocab::normalize`]d form.
fn key_of_normalized(norm: &str) -> String {
    let mut key = String::with_capacity(norm.len());
    for w in vocab::words(norm) {
        if !key.is_empty() {
            key.push(' ');
        }
        key.push_str(w);
    }
    key
}

/// Whether `block` repeats one of the page titles: equal, or one contains
/// the other and the shorter covers most of the longer (a title with the
/// site name appended, a breadcrumb ending in the title).
fn repeats_title(key: &str, titles: &[String]) -> bool {
    if key.is_empty() {
        return false;
    }
    titles.iter().any(|t| {
        let t = t.as_str();
        if t == key {
            return true;
        }
        let (short, long) = if t.len() < key.len() { (t, key) } else { (key, t) };
        short.len() * 10 >= long.len() * 6 && long.contains(short) && short.split(' ').count() >= 3
    })
}

/// Classify a segmented page whose language is `lang` (see
/// [`lang::guess`]). Returns one decision per block.
///
/// The rules below decide alone when no learned model is shipped for the
/// input kind (or `rules_only`); otherwise the model, which sees every rule's
/// evidence as features, has the last word, except where the rules' reason
/// is final ([`Reason::is_final`]): the vocabularies are reviewed, precise,
/// and the user's explicit list of what must go.
pub fn classify(page: &Page, lang: Lang, rules_only: bool) -> Vec<Decision> {
    let a = analyze(page, lang);
    let model =
        if rules_only || page.blocks.is_empty() { None } else { crate::model::Model::get(page.blocks[0].has_dom) };
    let Some(model) = model else {
        return a.decisions;
    };
    let rows = crate::features::vectors(page, lang, &a);
    let mut out = a.decisions;
    // Final verdicts are not the model's to give: not even scored.
    let asked: Vec<usize> = (0..out.len()).filter(|&i| !out[i].reason.is_final()).collect();
    let scores = model.score_many(&asked.iter().map(|&i| rows[i].as_slice()).collect::<Vec<_>>());
    for (&i, s) in asked.iter().zip(scores) {
        let d = &mut out[i];
        d.score = Some(s);
        let keep = s >= model.threshold;
        if keep != d.keep {
            d.keep = keep;
            d.reason = Reason::Scorer;
        }
    }
    out
}

/// The rule-based pass: measurements, classes, main region and decisions.
pub fn analyze(page: &Page, lang: Lang) -> Analysis {
    let blocks = &page.blocks;
    let n = blocks.len();
    if n == 0 {
        return Analysis {
            feats: Vec::new(),
            initial: Vec::new(),
            in_main: Vec::new(),
            decisions: Vec::new(),
            listing: false,
            median_stop: 0.0,
        };
    }
    let vocab = Vocab::get();
    let title_keys: Vec<String> = page.titles.iter().map(|t| dup_key(t)).filter(|k| !k.is_empty()).collect();

    // Repeated lines: count each normalised text, and note where it first
    // appears (see `first` in [`hard_evidence`]).
    let norms: Vec<String> = blocks.iter().map(|b| vocab::normalize(&b.text)).collect();
    let keys: Vec<String> = norms.iter().map(|t| key_of_normalized(t)).collect();
    let mut counts: HashMap<&str, (usize, usize)> = HashMap::default();
    for (i, k) in keys.iter().enumerate() {
        counts.entry(k.as_str()).or_insert((0, i)).0 += 1;
    }

    // Listing pages (search results, shop categories, link directories) have
    // link text as their content; articles do not. Judge by the main region.
    let (main_chars, main_links) = blocks
        .iter()
        .filter(|b| b.in_main == Some(true))
        .fold((0usize, 0usize), |(c, l), b| (c + b.text.len(), l + b.link_chars));
    let listing = main_chars > 0 && main_links * 100 >= main_chars * 12;
    let mut feats: Vec<Feat> = Vec::with_capacity(n);
    for (i, b) in blocks.iter().enumerate() {
        // Measured as text with spaces between words would be (see
        // `vocab::measure`): the thresholds and the scorer were set on it.
        let (chars, dense_words) = vocab::measure(&b.text);
        let (words, stops) = lang::stop_counts(&b.text, lang);
        let stop = if words > 0 { stops as f32 / words as f32 } else { 0.0 };
        let ld = b.link_density();
        let title = !off(Source::Title) && repeats_title(&keys[i], &title_keys);
        // `words` counts as `Vocab::hits` does (vocab::words of the text).
        let hit = if off(Source::Vocab) { None } else { vocab.first_hit(&norms[i], words) };
        let crumb = !off(Source::Repeats) && is_breadcrumb(&b.text);
        let (count, first_at) = counts.get(keys[i].as_str()).copied().unwrap_or((0, i));
        let repeats = if off(Source::Repeats) { 1 } else { count };
        let mut f = Feat {
            chars,
            words: dense_words.unwrap_or(words),
            stop,
            ld,
            hard: None,
            hit: hit.as_ref().map(|h| h.kind),
            crumb,
            repeats,
            title,
        };
        f.hard = hard_evidence(b, &f, hit, listing, first_at == i);
        feats.push(f);
    }

    sections(blocks, &mut feats);

    // Language-adaptive stopword thresholds: never above jusText's, never
    // above 60 % of the median density of this page's long prose.
    let mut dens: Vec<f32> =
        feats.iter().filter(|f| f.chars >= 150 && f.ld < 0.3 && f.hard.is_none()).map(|f| f.stop).collect();
    dens.sort_by(f32::total_cmp);
    let median_stop = dens.get(dens.len() / 2).copied().unwrap_or(0.0);
    let (stop_lo, stop_hi) = if lang.known() {
        if dens.len() >= 3 {
            (STOP_LOW.min(0.55 * median_stop), STOP_HIGH.min(0.6 * median_stop))
        } else {
            (STOP_LOW, STOP_HIGH)
        }
    } else {
        (0.0, 0.0)
    };

    // Initial classes.
    let mut initial: Vec<Class> = Vec::with_capacity(n);
    let mut reasons: Vec<Reason> = Vec::with_capacity(n);
    for (b, f) in blocks.iter().zip(&feats) {
        let (c, r) = if let Some(h) = &f.hard {
            (Class::Bad, h.clone())
        } else if f.chars < LENGTH_LOW {
            (Class::Short, Reason::Short)
        } else if !lang.known() {
            // No stopword list fits (CJK, Thai, …): punctuation and length.
            if ends_sentence(&b.text) && f.chars >= LENGTH_HIGH / 2 {
                (Class::Good, Reason::Content)
            } else {
                (Class::NearGood, Reason::Content)
            }
        } else if f.stop >= stop_hi {
            if f.chars >= LENGTH_HIGH {
                (Class::Good, Reason::Content)
            } else {
                (Class::NearGood, Reason::Content)
            }
        } else if f.stop >= stop_lo {
            (Class::NearGood, Reason::Content)
        } else {
            (Class::Bad, Reason::NotProse)
        };
        initial.push(c);
        reasons.push(r);
    }

    // Main region.
    let in_main: Vec<bool> = if blocks.iter().any(|b| b.in_main.is_some()) {
        let dom: Vec<bool> = blocks.iter().map(|b| b.in_main == Some(true)).collect();
        // If the DOM region holds almost none of the good text, it is wrong:
        // fall back to the text region.
        let good_in: usize = (0..n).filter(|&i| dom[i] && initial[i] == Class::Good).map(|i| feats[i].chars).sum();
        let good_all: usize = (0..n).filter(|&i| initial[i] == Class::Good).map(|i| feats[i].chars).sum();
        if good_all > 0 && good_in * 4 < good_all {
            text_region(&initial, &feats)
        } else {
            dom
        }
    } else if off(Source::Region) {
        vec![true; n]
    } else {
        text_region(&initial, &feats)
    };

    let mut class = initial.clone();
    for i in 0..n {
        match (in_main[i], class[i]) {
            (true, Class::NearGood) => class[i] = Class::Good,
            (true, Class::Bad) if reasons[i] == Reason::NotProse && feats[i].chars >= LENGTH_LOW => {
                class[i] = Class::NearGood;
            }
            (false, Class::Good) if feats[i].hard.is_none() => class[i] = Class::NearGood,
            (false, Class::NearGood) => {
                class[i] = Class::Bad;
                reasons[i] = Reason::OutsideMain;
            }
            _ => {}
        }
    }

    // Without context (an ablation), near-good is good and short is bad.
    if off(Source::Context) {
        for c in class.iter_mut() {
            *c = match *c {
                Class::NearGood => Class::Good,
                Class::Short => Class::Bad,
                c => c,
            };
        }
    }
    // Context: near-good and short blocks take their neighbours' class.
    let snapshot = class.clone();
    let near = neighbours(&snapshot, true);
    for i in 0..n {
        if snapshot[i] != Class::NearGood || feats[i].hard.is_some() {
            continue;
        }
        let (p, q) = (near.before[i], near.after[i]);
        class[i] = if p == Class::Bad && q == Class::Bad { Class::Bad } else { Class::Good };
        if class[i] == Class::Bad && reasons[i] == Reason::Content {
            reasons[i] = if in_main[i] { Reason::Short } else { Reason::OutsideMain };
        }
    }
    let snapshot = class.clone();
    let (near, short) = (neighbours(&snapshot, true), neighbours(&snapshot, false));
    for i in 0..n {
        if snapshot[i] != Class::Short {
            continue;
        }
        let (p, q) = (near.before[i], near.after[i]);
        class[i] = match (p, q) {
            (Class::Good, Class::Good) => Class::Good,
            (Class::Bad, Class::Bad) => Class::Bad,
            _ => {
                let (p2, q2) = (short.before[i], short.after[i]);
                if in_main[i] && (p2 == Class::Good || q2 == Class::Good) && (p2 != Class::Bad || q2 != Class::Bad) {
                    Class::Good
                } else {
                    Class::Bad
                }
            }
        };
    }
    // Headings: kept when good text follows closely, whatever came before.
    for i in 0..n {
        let b = &blocks[i];
        let heading_like =
            b.kind.is_heading() || (!b.has_dom && feats[i].chars < LENGTH_LOW && !ends_sentence(&b.text));
        if !heading_like || feats[i].hard.is_some() || feats[i].title || !in_main[i] || off(Source::Context) {
            continue;
        }
        let mut dist = 0;
        for j in i + 1..n {
            if class[j] == Class::Good && !blocks[j].kind.is_heading() {
                class[i] = Class::Good;
                break;
            }
            dist += feats[j].chars;
            if dist > HEADING_REACH || blocks[j].kind.is_heading() && b.has_dom {
                break;
            }
        }
    }

    // Headline and title repeats.
    let first_kept = (0..n).find(|&i| class[i] == Class::Good && !feats[i].title);
    let mut headline_done = false;
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        let mut keep = class[i] == Class::Good;
        let mut reason = reasons[i].clone();
        if feats[i].title && feats[i].hard.as_ref().is_none_or(|r| *r == Reason::Repeated) {
            let before = first_kept.is_none_or(|k| i < k);
            if !headline_done && before && blocks[i].kind.is_heading() && feats[i].ld < 0.5 {
                keep = true;
                reason = Reason::Headline;
                headline_done = true;
            } else {
                keep = false;
                reason = Reason::Title;
            }
        } else if keep && (reason != Reason::Content || initial[i] != Class::Good) {
            reason = Reason::Context;
        } else if !keep && reason == Reason::Content {
            reason = if in_main[i] { Reason::Short } else { Reason::OutsideMain };
        }
        out.push(Decision {
            keep,
            class: class[i],
            initial: initial[i],
            reason,
            stop_density: feats[i].stop,
            in_main: in_main[i],
            score: None,
        });
    }
    if !off(Source::Title) {
        standfirsts(page, &keys, &feats, &mut out);
    }
    Analysis { feats, initial, in_main, decisions: out, listing, median_stop }
}

/// Fewest words for a summary to count: shorter descriptions ("Latest news
/// and analysis") repeat labels, not sentences.
const SUMMARY_MIN_WORDS: usize = 6;

/// Words from which a block is a paragraph of the body, for
/// [`standfirsts`].
const BODY_WORDS: usize = 15;

/// Drop standfirsts: blocks that repeat the page's meta description, stand
/// outside the main region in a container with no other paragraph of prose
/// (a header, a "dek" or "lead" box), and come before the body.
///
/// Article text, as corpora and extraction benchmarks define it, is the
/// body; the summary the site wrote for search engines and link previews is
/// metadata shown a second time, like the repeated title. When the summary
/// is instead the body's first paragraph (sites that fill the description
/// from the lead), that paragraph shares its container with the rest of
/// the body, and stays.
fn standfirsts(page: &Page, keys: &[String], feats: &[Feat], out: &mut [Decision]) {
    let blocks = &page.blocks;
    let summaries: Vec<String> =
        page.descriptions.iter().map(|t| dup_key(t)).filter(|k| k.split(' ').count() >= SUMMARY_MIN_WORDS).collect();
    if summaries.is_empty() {
        return;
    }
    for i in 0..blocks.len() {
        let b = &blocks[i];
        // Inside the main region, a block of the summary's words is the
        // body's own (a forum's first post, a landing page's blurb).
        if !b.has_dom || out[i].in_main || feats[i].hard.is_some() || feats[i].words < SUMMARY_MIN_WORDS {
            continue;
        }
        if !matches!(b.kind, Kind::Para | Kind::Heading(_)) || !repeats_summary(&keys[i], &summaries) {
            continue;
        }
        let (lo, hi) = b.dom.scope;
        let body = |j: usize| j != i && out[j].keep && feats[j].words >= BODY_WORDS && !feats[j].title;
        // Body prose in the same container: the lead paragraph, not a
        // standfirst.
        let shared = (0..blocks.len()).any(|j| {
            let g = blocks[j].group as u32;
            j != i && g >= lo && g <= hi && feats[j].words >= BODY_WORDS
        });
        // Before the body: no kept paragraph of prose comes earlier.
        let before = !(0..i).any(body);
        let body_after = (i + 1..blocks.len()).any(body);
        if !shared && before && body_after {
            out[i].keep = false;
            out[i].reason = Reason::Standfirst;
        }
    }
}

/// Whether a block's key repeats one of the summaries: equal, or one
/// contains the other and covers most of it (descriptions are often cut
/// short with an ellipsis, or extended with the site's tagline).
fn repeats_summary(key: &str, summaries: &[String]) -> bool {
    summaries.iter().any(|t| {
        let t = t.as_str();
        if t == key {
            return true;
        }
        let (short, long) = if t.len() < key.len() { (t, key) } else { (key, t) };
        short.len() * 10 >= long.len() * 8 && long.starts_with(short)
    })
}

/// Kinds of boilerplate heading whose whole section is boilerplate: the
/// list under "Related stories" or "Customers also bought" is as much a
/// teaser list as its heading says. (Not comments: on a forum the comments
/// are the page.)
const SECTION_KINDS: &[&str] = &["related", "share", "newsletter", "ads", "shop"];

/// Most words of a label that heads a section without heading markup.
const PSEUDO_HEADING_WORDS: usize = 4;

/// Words from which a block ends the section of such a label: related
/// lists are rows of headlines, not paragraphs.
const PSEUDO_SECTION_PROSE: usize = 25;

/// Whether a vocabulary rule (as named in a hit: `kind/lang: = phrase`) is
/// a whole-block phrase: the block is the label and nothing else.
fn is_whole_line_rule(rule: &str) -> bool {
    rule.split_once(": ").is_some_and(|(_, r)| r.starts_with("= "))
}

/// Carry a boilerplate heading's verdict to the blocks of its section: those
/// that follow it inside the heading's container, up to the next heading of
/// the same or a higher level. HTML only: flat text has no containers.
fn sections(blocks: &[Block], feats: &mut [Feat]) {
    let mut i = 0;
    while i < blocks.len() {
        let b = &blocks[i];
        let Some(Reason::Vocab(kind, rule)) = feats[i].hard.clone() else {
            i += 1;
            continue;
        };
        // A related-content label standing alone in a block of its own
        // ("Related posts", "関連記事" in a `<div class=…-head>`) heads its
        // section like `<h3>` would, but, as the markup does not say it is
        // a heading, only over short blocks: prose ends it. One English
        // word ("Popular", "Recommended") is more often a badge on a
        // product card or a column of a table than a heading.
        let (level, pseudo) = match b.kind {
            Kind::Heading(level) => (level, false),
            _ if kind == "related"
                && feats[i].words <= PSEUDO_HEADING_WORDS
                && is_whole_line_rule(&rule)
                && (feats[i].words >= 2 || !b.text.is_ascii()) =>
            {
                (6, true)
            }
            _ => {
                i += 1;
                continue;
            }
        };
        if !b.has_dom || !SECTION_KINDS.contains(&kind.as_str()) || b.dom.scope.1 <= b.dom.scope.0 {
            i += 1;
            continue;
        }
        let (lo, hi) = b.dom.scope;
        let mut j = i + 1;
        while j < blocks.len() {
            let g = blocks[j].group as u32;
            if g < lo || g > hi || matches!(blocks[j].kind, Kind::Heading(l) if l <= level) {
                break;
            }
            if pseudo && feats[j].words >= PSEUDO_SECTION_PROSE {
                break;
            }
            if !feats[j].hard.as_ref().is_some_and(Reason::is_final) {
                feats[j].hard = Some(Reason::Vocab(kind.clone(), format!("section of {rule}")));
                feats[j].hit = feats[i].hit;
            }
            j += 1;
        }
        i = j;
    }
}

/// Evidence that makes a block bad whatever its length. `listing`: the main
/// region is mostly link text, so links there are content. `first`: no
/// earlier block of the page has this block's key. Later copies of a short
/// block are template (menu items, labels, "Reply"), but in a page's markup
/// the first copy may be content that the page shows twice (a product's
/// details in a desktop and a mobile layout, a forum post quoted in a
/// reply), so it is left to the other evidence. Flat text has no layouts to
/// duplicate, and its repeated lines are menus: there every copy goes.
fn hard_evidence(b: &Block, f: &Feat, hit: Option<crate::vocab::Hit>, listing: bool, first: bool) -> Option<Reason> {
    let (chars, words, ld) = (f.chars, f.words, f.ld);
    if let Some(h) = hit {
        return Some(Reason::Vocab(h.kind.to_string(), h.rule));
    }
    if f.crumb {
        return Some(Reason::Breadcrumb);
    }
    if f.repeats >= 2 && !(first && b.has_dom) && words < 15 && !b.kind.is_heading() && b.in_main != Some(true) {
        return Some(Reason::Repeated);
    }
    if b.has_dom {
        let linky = ld > MAX_LINK_DENSITY || (ld > 0.3 && chars < LENGTH_HIGH);
        if linky && (b.in_main != Some(true) || !listing || ld > 0.8 && words < 4) {
            return Some(Reason::Links);
        }
        if b.in_chrome && b.in_main != Some(true) {
            return Some(Reason::Chrome);
        }
        if b.attr_score <= ATTR_BAD {
            let tok = b.attr_hint.clone().unwrap_or_default();
            // An id made from the block's own words (MediaWiki and
            // Markdown heading anchors: `id="…_(PGP_signature)"`) names
            // the text, not the box it sits in.
            if Vocab::get().attr_is_final(&tok) && !b.text.to_lowercase().contains(tok.as_str()) {
                return Some(Reason::Marked(tok));
            }
            return Some(Reason::Attrs(tok));
        }
    }
    None
}

/// The class of every block's nearest neighbour before and after it,
/// skipping short blocks and, if `skip_near`, near-good ones. The document
/// edges count as bad.
fn neighbours(class: &[Class], skip_near: bool) -> Neighbours {
    let skipped = |c: Class| c == Class::Short || skip_near && c == Class::NearGood;
    let n = class.len();
    let mut before = vec![Class::Bad; n];
    let mut after = vec![Class::Bad; n];
    let mut last = Class::Bad;
    for i in 0..n {
        before[i] = last;
        if !skipped(class[i]) {
            last = class[i];
        }
    }
    last = Class::Bad;
    for i in (0..n).rev() {
        after[i] = last;
        if !skipped(class[i]) {
            last = class[i];
        }
    }
    Neighbours { before, after }
}

/// [`neighbours`]' answer, worked out in one pass each way: a search from
/// each block would be quadratic on a page of tens of thousands of short
/// blocks (seconds for one page).
struct Neighbours {
    before: Vec<Class>,
    after: Vec<Class>,
}

/// Weight of an end-of-article line (comment form, "related" lead…) in the
/// text region search: as much as a long paragraph, so the region crosses
/// one only when substantial prose lies on the other side.
const BOUNDARY_WEIGHT: f64 = 400.0;

/// Main region for flat text: the contiguous span of blocks with the largest
/// sum of evidence (good text counts for its length, bad text against it).
/// A second span is added when it is itself substantial, for articles split
/// by an inline box.
fn text_region(initial: &[Class], feats: &[Feat]) -> Vec<bool> {
    let n = initial.len();
    // The nearest block either side that is not short (edges count as bad).
    let near = neighbours(initial, false);
    let prose = |c: Class| matches!(c, Class::Good | Class::NearGood);
    let w: Vec<f64> = (0..n)
        .map(|i| {
            let c = feats[i].chars as f64;
            // Lines that close an article (comment forms, "related",
            // newsletter and share boxes) are walls the region rarely spans.
            if let Some(Reason::Vocab(kind, _)) = &feats[i].hard {
                // ... except a "read also" line between two paragraphs of
                // prose: an inline box inside the article, not its end.
                let inline = kind == "related" && prose(near.before[i]) && prose(near.after[i]);
                if !inline && matches!(kind.as_str(), "comments" | "related" | "newsletter" | "share" | "paywall") {
                    return -BOUNDARY_WEIGHT;
                }
            }
            match initial[i] {
                Class::Good => c,
                Class::NearGood => c * 0.5,
                Class::Short => -(c.min(40.0)) * 0.25,
                Class::Bad => -(c.min(400.0)) * 0.5 - 20.0,
            }
        })
        .collect();
    let mut region = vec![false; n];
    let Some((s, e, best)) = max_segment(&w) else {
        return region;
    };
    region[s..=e].iter_mut().for_each(|r| *r = true);
    // Look for a second good span on either side.
    for (lo, hi) in [(0, s), (e + 1, n)] {
        if hi > lo {
            if let Some((s2, e2, v2)) = max_segment(&w[lo..hi]) {
                // Prose after a comment-section marker ("12 comments",
                // "Leave a reply") is the readers', not the article's.
                let after_comments = lo > s && (e + 1..lo + s2).any(|i| feats[i].hit == Some("comments"));
                if v2 >= best * 0.3 && v2 >= 300.0 && !after_comments {
                    region[lo + s2..=lo + e2].iter_mut().for_each(|r| *r = true);
                }
            }
        }
    }
    region
}

/// Kadane's maximum-sum contiguous segment: (start, end inclusive, sum).
fn max_segment(w: &[f64]) -> Option<(usize, usize, f64)> {
    let mut best: Option<(usize, usize, f64)> = None;
    let mut cur = 0.0;
    let mut start = 0;
    for (i, &x) in w.iter().enumerate() {
        if cur <= 0.0 {
            cur = x;
            start = i;
        } else {
            cur += x;
        }
        if cur > 0.0 && best.is_none_or(|(_, _, b)| cur > b) {
            best = Some((start, i, cur));
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::segment;

    const PROSE: &str = "The minister said on Tuesday that the new law would be debated in the parliament \
        before the end of the year, and that the government was ready to listen to all of the parties.";

    #[test]
    fn a_sentence_ends_inside_its_closing_quotes_in_any_script() {
        assert!(ends_sentence("He said: \"It is done.\""));
        assert!(ends_sentence("「これで完成です。」"));
        assert!(ends_sentence("他说：“我们明天再来。”"));
        assert!(ends_sentence("『またね！』"));
        assert!(!ends_sentence("「関連記事」"));
        assert!(!ends_sentence("Related articles"));
    }

    #[test]
    fn neighbours_are_the_nearest_blocks_not_skipped() {
        // Against a search from each block, on every sequence of four
        // blocks and on a long pseudo-random one.
        let all = [Class::Good, Class::NearGood, Class::Short, Class::Bad];
        let mut seqs: Vec<Vec<Class>> = (0..256).map(|k| (0..4).map(|i| all[(k >> (2 * i)) & 3]).collect()).collect();
        let mut seed = 0x9e37_79b9u32;
        seqs.push(
            (0..500)
                .map(|_| {
                    seed ^= seed << 13;
                    seed ^= seed >> 17;
                    seed ^= seed << 5;
                    all[(seed % 4) as usize]
                })
                .collect(),
        );
        for c in &seqs {
            for skip_near in [true, false] {
                let skipped = |x: Class| x == Class::Short || skip_near && x == Class::NearGood;
                let near = neighbours(c, skip_near);
                for i in 0..c.len() {
                    let before = c[..i].iter().rev().copied().find(|&x| !skipped(x)).unwrap_or(Class::Bad);
                    let after = c[i + 1..].iter().copied().find(|&x| !skipped(x)).unwrap_or(Class::Bad);
                    assert_eq!((near.before[i], near.after[i]), (before, after), "{c:?} at {i}, skip_near {skip_near}");
                }
            }
        }
    }

    fn kept(p: &Page) -> Vec<String> {
        let lang = lang::guess(p.blocks.iter().map(|b| b.text.as_str()), None);
        classify(p, lang, true).iter().zip(&p.blocks).filter(|(d, _)| d.keep).map(|(_, b)| b.text.clone()).collect()
    }

    #[test]
    fn breadcrumbs_are_recognised() {
        assert!(is_breadcrumb("Home » News » Politics"));
        assert!(is_breadcrumb("Home > World > Africa > Mali"));
        assert!(is_breadcrumb("About | Contact | Privacy"));
        assert!(is_breadcrumb("Home » Fight against terrorism: Malians and Russians hard at work – Une Plume du Mali"));
        assert!(!is_breadcrumb("He won the final » a result nobody expected after the long and very hard season."));
        assert!(!is_breadcrumb("He said that 3 > 2. Then he left the room and went home."));
        assert!(!is_breadcrumb("A/B testing"));
    }

    #[test]
    fn short_line_between_good_paragraphs_stays() {
        let text = format!("Menu\nHome\n{PROSE}\nA short subhead\n{PROSE} Again.\nCopyright 2024\n");
        let p = segment::text::segment(&text);
        let k = kept(&p);
        assert!(k.contains(&"A short subhead".to_string()), "{k:?}");
        assert!(!k.contains(&"Menu".to_string()));
        assert!(!k.contains(&"Copyright 2024".to_string()));
    }

    #[test]
    fn a_read_also_line_inside_flat_text_does_not_end_the_article() {
        // Between two paragraphs of prose, "Read also" is an inline box; the
        // same lead heading a list of links closes the article.
        let para = |n: usize| format!("{PROSE} Paragraph {n}.");
        let text = format!(
            "{}\n{}\n{}\nRead also: Council approves the new budget\n{}\n{}\n\
             Read also:\nCouncil approves the new budget\nFloods close two roads\n",
            para(1),
            para(2),
            para(3),
            para(4),
            para(5)
        );
        let p = segment::text::segment(&text);
        let lang = lang::guess(p.blocks.iter().map(|b| b.text.as_str()), None);
        let d = classify(&p, lang, true);
        for (b, d) in p.blocks.iter().zip(&d) {
            let prose = b.text.starts_with("The minister");
            assert_eq!(d.keep, prose, "{:?} {:?}", b.text, d.reason);
            assert!(!prose || d.in_main, "{:?}", b.text);
        }
    }

    #[test]
    fn repeated_lines_go() {
        let text = format!("Site name\n{PROSE}\nSite name\n{PROSE} More.\n");
        let p = segment::text::segment(&text);
        assert!(!kept(&p).contains(&"Site name".to_string()));
    }

    #[test]
    fn a_block_a_page_shows_twice_keeps_its_first_copy() {
        // A product's details in a desktop and a mobile layout: the first
        // copy is left to the other evidence, the second goes as repeated.
        let html = format!(
            "<html><body><article><p>{PROSE}</p><p>{PROSE} More.</p></article>\
             <div class=specs><p>Frame: aluminium, six kilos</p></div>\
             <div class=specs-mobile><p>Frame: aluminium, six kilos</p></div></body></html>"
        );
        let p = segment::html::segment(&html, false);
        let lang = lang::guess(p.blocks.iter().map(|b| b.text.as_str()), None);
        let d = classify(&p, lang, true);
        let copies: Vec<_> =
            p.blocks.iter().zip(&d).filter(|(b, _)| b.text == "Frame: aluminium, six kilos").map(|(_, d)| d).collect();
        assert_eq!(copies.len(), 2);
        assert!(copies[0].reason != Reason::Repeated, "{:?}", copies[0].reason);
        assert!(!copies[1].keep && copies[1].reason == Reason::Repeated, "{:?}", copies[1].reason);
    }

    #[test]
    fn a_signature_goes_whatever_the_scorer_says() {
        // A signature reads like prose and sits inside the post; only its
        // class tells it apart, and a token marked `final` is a verdict the
        // learned scorer does not get to overturn.
        let sig = "Measure twice, cut once, then go and buy some more timber for the shed.";
        let post = |n: usize| {
            format!(
                "<div class=post><div class=postbody><div class=content>{PROSE} Post {n}.</div>\
                 <div id=sig{n} class=signature>{sig}</div></div></div>"
            )
        };
        let anchor = "<h3 id=\"Bad_PGP_signature\">Bad PGP signature</h3>";
        let html = format!("<html><body><main>{}{anchor}{}{}</main></body></html>", post(1), post(2), post(3));
        let p = segment::html::segment(&html, false);
        let lang = lang::guess(p.blocks.iter().map(|b| b.text.as_str()), None);
        for rules_only in [true, false] {
            let d = classify(&p, lang, rules_only);
            for (b, d) in p.blocks.iter().zip(&d) {
                if b.text == sig {
                    assert!(!d.keep && matches!(&d.reason, Reason::Marked(t) if t == "signature"), "{:?}", d.reason);
                } else if b.text == "Bad PGP signature" {
                    // A heading whose anchor is its own text is not marked.
                    assert!(!matches!(d.reason, Reason::Marked(_)), "{:?}", d.reason);
                } else {
                    assert!(d.keep, "{:?} {:?}", b.text, d.reason);
                }
            }
        }
    }

    #[test]
    fn max_segment_finds_the_best_span() {
        assert_eq!(max_segment(&[-1.0, 2.0, 3.0, -10.0, 4.0]), Some((1, 2, 5.0)));
        assert_eq!(max_segment(&[-1.0, -2.0]), None);
    }

    #[test]
    fn html_headline_is_kept_once_and_title_repeats_go() {
        let html = format!(
            "<html><head><title>Big news today - The Paper</title></head><body>\
             <div class=top>Big news today</div><article><h1>Big news today</h1><p>{PROSE}</p><p>{PROSE}</p></article></body></html>"
        );
        let p = segment::html::segment(&html, false);
        let k = kept(&p);
        assert_eq!(k.iter().filter(|t| t.as_str() == "Big news today").count(), 1, "{k:?}");
        assert_eq!(k[0], "Big news today");
    }

    #[test]
    fn link_lists_go() {
        let html = format!(
            "<body><article><p>{PROSE}</p><p>{PROSE} One.</p><ul><li><a href=/a>Another story about the minister and the law</a></li>\
             <li><a href=/b>Yet another story about something else entirely</a></li></ul><p>{PROSE} Two.</p><p>{PROSE} Three.</p></article></body>"
        );
        let p = segment::html::segment(&html, false);
        let k = kept(&p);
        assert_eq!(k.len(), 4, "{k:?}");
        assert!(!k.iter().any(|t| t.contains("story")), "{k:?}");
    }

    #[test]
    fn a_standfirst_repeating_the_description_goes_but_a_lead_paragraph_stays() {
        let dek = "The council wants cheaper buses for everyone who lives in the valley towns.";
        // The summary stands apart, above the article: a standfirst.
        let html = format!(
            "<html><head><meta name=description content=\"{dek}\"></head><body>\
             <div class=top><h1>Buses</h1><p class=dek>{dek}</p></div>\
             <article><p>{PROSE}</p><p>{PROSE} Again.</p></article></body></html>"
        );
        let p = segment::html::segment(&html, false);
        assert_eq!(p.descriptions, [dek]);
        for rules_only in [true, false] {
            let lang = lang::guess(p.blocks.iter().map(|b| b.text.as_str()), None);
            let d = classify(&p, lang, rules_only);
            let i = p.blocks.iter().position(|b| b.text == dek).unwrap();
            assert!(!d[i].keep, "{:?}", d[i]);
            assert_eq!(d[i].reason.key(), "standfirst");
        }
        // The summary is the body's first paragraph: it stays.
        let html = format!(
            "<html><head><meta property=og:description content=\"{dek}\"></head><body>\
             <header><h1>Buses</h1></header>\
             <article><p>{dek}</p><p>{PROSE}</p><p>{PROSE} Again.</p></article></body></html>"
        );
        let p = segment::html::segment(&html, false);
        assert!(kept(&p).iter().any(|t| t == dek), "{:?}", kept(&p));
        // Without a description nothing is a standfirst.
        let html = format!(
            "<html><body><header><h1>Buses</h1><p class=dek>{dek}</p></header>\
             <article><p>{PROSE}</p><p>{PROSE} Again.</p></article></body></html>"
        );
        let p = segment::html::segment(&html, false);
        let lang = lang::guess(p.blocks.iter().map(|b| b.text.as_str()), None);
        assert!(classify(&p, lang, true).iter().all(|d| d.reason != Reason::Standfirst));
    }

    #[test]
    fn text_after_a_comment_marker_is_not_a_second_article_span() {
        let comment = "I agree with the minister on this point, but the parliament has never been ready to listen \
            to the small parties, and I doubt that the new law will change anything for people like us. My \
            town has waited for a new school for eleven years, and every government has promised one before the vote.";
        let mut lines = vec![format!("{PROSE} {PROSE}"); 4];
        lines.push("Related Roundup: Laws".into());
        lines.push("Buyer's Guide: Laws (Buy Now)".into());
        lines.push("[ 12 comments ]".into());
        lines.push("Top Rated Comments".into());
        lines.push("reader1".into());
        lines.push("2 days ago at 07:47 am".into());
        for i in 0..2 {
            lines.push(format!("{comment} Reply {i}."));
        }
        let p = segment::text::segment(&lines.join("\n\n"));
        let k = kept(&p);
        assert!(k.iter().any(|t| t.starts_with(PROSE)), "{k:?}");
        assert!(!k.iter().any(|t| t.starts_with("I agree")), "{k:?}");
    }

    #[test]
    fn a_related_label_in_a_plain_block_heads_its_list() {
        let list = "<ul><li>Floods in the north cut off three villages from the roads</li>\
                    <li>The mayor quits over the budget after a long night of talks</li></ul>";
        for label in ["Related posts", "関連記事"] {
            let html = format!(
                "<body><article><p>{PROSE}</p><p>{PROSE} Again.</p><div class=similar-head>{label}</div>{list}<p>{PROSE} Third.</p></article></body>"
            );
            let p = segment::html::segment(&html, false);
            let k = kept(&p);
            // Prose ends the section.
            assert_eq!(k.iter().filter(|t| t.starts_with("The minister")).count(), 3, "{k:?}");
            assert!(!k.iter().any(|t| t.contains("mayor") || t.contains("Floods")), "{label}: {k:?}");
        }
        // One English word is a badge, not a heading: what follows stays.
        let desk = "The desk comes with an oak top and a keypad that remembers four heights.";
        let html = format!(
            "<body><article><p>{PROSE}</p><div>Popular</div><p>{desk}</p><p>{PROSE} Again.</p></article></body>"
        );
        let p = segment::html::segment(&html, false);
        assert!(kept(&p).iter().any(|t| t == desk), "{:?}", kept(&p));
    }
}
