//! Letter n-gram probabilities per language, from outside the batch.
//!
//! The batch lexicon only knows the words the batch spells out intact; a
//! lost letter in a word it never saw ("T?cnica", "ausgel?st") is guessed
//! by a character model learned from the same few thousand words, which
//! often prefers the wrong accent. The language models of the `lingua`
//! language detector (Apache-2.0, trained on the Leipzig Corpora
//! Collection) count letter n-grams over millions of sentences per
//! language. `build.rs` keeps the part of them that a lost letter can
//! touch (n-grams with a letter outside ASCII, and short ASCII ones to back
//! off to) in one `fst` map; this module reads it in place, with no
//! loading cost.

use std::sync::OnceLock;

/// The table written by `build.rs`: key = language code, then the n-gram
/// backwards (lower case, UTF-8, the predicted letter first, then the one
/// before it, …), so that the contexts of one letter, from the shortest to
/// the longest, lie along one path; value = -ln P(last letter | the
/// others), in eighths of a nat.
static DATA: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/letters.fst"));

/// Longest n-gram the table has.
const ORDER: usize = 5;
/// Longest n-gram of ASCII letters only the table has.
const ASCII_ORDER: usize = 3;
/// ln P for a letter the language never uses.
const FLOOR: f32 = -14.0;
/// Penalty for each step of backoff to a shorter context (stupid backoff).
const BACKOFF: f32 = -0.9;

include!(concat!(env!("OUT_DIR"), "/letters.rs"));

/// Letters a paragraph needs before [`Letters::guess`] names its language.
const GUESS_MIN_LETTERS: usize = 40;
/// Lead in ln P per letter the best language needs over the runner-up.
const GUESS_LEAD: f32 = 0.05;

fn map() -> &'static fst::Map<&'static [u8]> {
    static MAP: OnceLock<fst::Map<&'static [u8]>> = OnceLock::new();
    MAP.get_or_init(|| fst::Map::new(DATA).expect("build.rs writes a valid fst map"))
}

/// One language's letter model.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Letters {
    code: [u8; 2],
    /// Index in [`ALPHABETS`], part of the cache key.
    index: u8,
}

/// Entries [`Letters::logp_cached`] keeps per thread before starting over.
const CACHE_CAP: usize = 1 << 20;

thread_local! {
    /// Looked-up probabilities: a paragraph's beam asks the same contexts
    /// for every candidate, and a batch's paragraphs share most of them.
    static CACHE: std::cell::RefCell<super::fasthash::FastMap<u128, Option<f32>>> = Default::default();
}

impl Letters {
    /// The model for language `code` ("de", "es", …), when the table has
    /// one.
    pub(crate) fn of(code: &str) -> Option<Letters> {
        let b = code.as_bytes();
        if b.len() != 2 {
            return None;
        }
        let code = [b[0], b[1]];
        let index = ALPHABETS.iter().position(|x| x.0.as_bytes() == code)?;
        Some(Letters { code, index: index as u8 })
    }

    /// The language whose letter model best explains the letters of
    /// `text`, for paragraphs whose function words do not decide: losing a
    /// character takes the short words glued to it ("z?wyniku"), so a
    /// damaged paragraph can have too few of them left. Damaged words count
    /// by their intact pieces. `None` without [`GUESS_MIN_LETTERS`] letters
    /// or a lead of [`GUESS_LEAD`] nats per letter.
    pub(crate) fn guess(text: &str) -> Option<&'static str> {
        let mut letters = 0usize;
        let mut scores: Vec<(f32, &'static str)> = ALPHABETS.iter().map(|x| (0.0, x.0)).collect();
        let models: Vec<Letters> = ALPHABETS.iter().filter_map(|x| Letters::of(x.0)).collect();
        let mut word: Vec<char> = Vec::new();
        // The pieces of a damaged word count too ("z?wyniku" gives "z" and
        // "wyniku"): a piece after a lost letter starts mid-word, which
        // costs every language alike.
        for token in text.split(|c: char| !c.is_alphabetic()) {
            if token.is_empty() {
                continue;
            }
            word.clear();
            word.extend(token.chars().flat_map(char::to_lowercase));
            letters += word.len();
            for (m, s) in models.iter().zip(scores.iter_mut()) {
                for i in 0..word.len() {
                    let ctx = &word[i.saturating_sub(ASCII_ORDER - 1)..i];
                    s.0 += m.logp_cached(ctx, word[i]).unwrap_or(FLOOR);
                }
            }
        }
        if letters < GUESS_MIN_LETTERS {
            return None;
        }
        scores.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(b.1)));
        let lead = (scores[0].0 - scores.get(1).map_or(f32::NEG_INFINITY, |x| x.0)) / letters as f32;
        (lead >= GUESS_LEAD).then_some(scores[0].1)
    }

    /// The language's letters outside ASCII, most frequent first.
    pub(crate) fn alphabet(&self) -> &'static str {
        ALPHABETS[self.index as usize].1
    }

    /// [`Letters::logp`] through a per-thread cache (the answer depends
    /// only on the arguments, so caching cannot change any output).
    pub(crate) fn logp_cached(&self, ctx: &[char], c: char) -> Option<f32> {
        if !c.is_alphabetic() {
            return None;
        }
        let start = ctx.iter().rposition(|x| !x.is_alphabetic()).map_or(0, |i| i + 1);
        let ctx = &ctx[start.max(ctx.len().saturating_sub(ORDER - 1))..];
        // 21 bits per character, at most 5 of them, then the context
        // length and the language above bit 105.
        let head = (u128::from(self.index) << 3) | ctx.len() as u128;
        let key = ctx.iter().chain(std::iter::once(&c)).fold(head, |k, &x| (k << 21) | x as u128);
        if let Some(v) = CACHE.with(|m| m.borrow().get(&key).copied()) {
            return v;
        }
        let v = self.logp(ctx, c);
        CACHE.with(|m| {
            let mut m = m.borrow_mut();
            if m.len() >= CACHE_CAP {
                m.clear();
            }
            m.insert(key, v);
        });
        v
    }

    /// ln P(`c` | the letters of `ctx` since its last non-letter), with
    /// stupid backoff; `None` when `c` is not a letter (word ends are the
    /// batch model's business). `ctx` and `c` are lower case.
    ///
    /// One walk down the table from `c` back through its context finds the
    /// longest n-gram it holds; each order between that one and the longest
    /// asked for costs [`BACKOFF`], except the ASCII orders the table never
    /// holds (longer than [`ASCII_ORDER`]), which are passed over free.
    pub(crate) fn logp(&self, ctx: &[char], c: char) -> Option<f32> {
        if !c.is_alphabetic() {
            return None;
        }
        let start = ctx.iter().rposition(|x| !x.is_alphabetic()).map_or(0, |i| i + 1);
        let letters = &ctx[start..];
        let max = letters.len().min(ORDER - 1);
        let fst = map().as_fst();
        let mut node = fst.root();
        let mut out = fst::raw::Output::zero();
        let step = |node: &mut fst::raw::Node<'_>, out: &mut fst::raw::Output, b: u8| -> bool {
            match node.find_input(b) {
                Some(i) => {
                    let t = node.transition(i);
                    *out = out.cat(t.out);
                    *node = fst.node(t.addr);
                    true
                }
                None => false,
            }
        };
        // The longest context found (its length) and its value.
        let mut found: Option<(usize, u64)> = None;
        if self.code.iter().all(|&b| step(&mut node, &mut out, b)) {
            let mut buf = [0u8; 4];
            'walk: for (n, ch) in std::iter::once(c).chain(letters.iter().rev().take(max).copied()).enumerate() {
                for &b in ch.encode_utf8(&mut buf).as_bytes() {
                    if !step(&mut node, &mut out, b) {
                        break 'walk;
                    }
                }
                if node.is_final() {
                    found = Some((n, out.cat(node.final_output()).value()));
                }
            }
        }
        // Orders skipped on the way down: those the table could hold.
        let held = |n: usize| {
            !(n + 1 > ASCII_ORDER && c.is_ascii() && letters[letters.len() - n..].iter().all(char::is_ascii))
        };
        let skipped = |from: usize| ((from)..=max).filter(|&n| held(n)).count() as f32;
        Some(match found {
            Some((n, q)) => -(q as f32) / 8.0 + BACKOFF * skipped(n + 1),
            None => FLOOR + BACKOFF * skipped(0),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn word(l: Letters, w: &str) -> f32 {
        let cs: Vec<char> = w.chars().collect();
        (0..cs.len()).map(|i| l.logp(&cs[..i], cs[i]).unwrap()).sum()
    }

    /// The backoff as first written: one lookup per order, longest first.
    fn logp_per_order(l: Letters, ctx: &[char], c: char) -> f32 {
        let letters = &ctx[ctx.iter().rposition(|x| !x.is_alphabetic()).map_or(0, |i| i + 1)..];
        let mut pen = 0.0;
        for n in (0..=letters.len().min(ORDER - 1)).rev() {
            let gram = &letters[letters.len() - n..];
            if n + 1 > ASCII_ORDER && c.is_ascii() && gram.iter().all(char::is_ascii) {
                continue;
            }
            let mut key = l.code.to_vec();
            for &x in std::iter::once(&c).chain(gram.iter().rev()) {
                key.extend_from_slice(x.encode_utf8(&mut [0; 4]).as_bytes());
            }
            if let Some(q) = map().get(&key) {
                return -(q as f32) / 8.0 + pen;
            }
            pen += BACKOFF;
        }
        FLOOR + pen
    }

    #[test]
    fn one_walk_finds_what_a_lookup_per_order_finds() {
        let mut checked = 0;
        for (code, alphabet) in ALPHABETS {
            let l = Letters::of(code).unwrap();
            let pool: Vec<char> = "aeinorstlcdu".chars().chain(alphabet.chars().take(8)).collect();
            // Every context of up to five letters drawn from a fixed walk
            // through the pool, and a non-letter that cuts the context.
            for s in 0..pool.len() {
                let ctx: Vec<char> = (0..6).map(|k| pool[(s + k * 7) % pool.len()]).collect();
                for cut in [None, Some(2)] {
                    let mut ctx = ctx.clone();
                    if let Some(k) = cut {
                        ctx[k] = ' ';
                    }
                    for &c in &pool {
                        for len in 0..=ctx.len() {
                            let got = l.logp(&ctx[..len], c).unwrap();
                            assert_eq!(got, logp_per_order(l, &ctx[..len], c), "{code} {:?} {c}", &ctx[..len]);
                            checked += 1;
                        }
                    }
                }
            }
        }
        assert!(checked > 10_000);
    }

    #[test]
    fn knows_the_languages_it_was_built_with() {
        for code in ["de", "es", "fr", "pl", "pt", "it", "sv", "tr"] {
            assert!(Letters::of(code).is_some(), "{code}");
        }
        assert!(Letters::of("xx").is_none());
        assert!(Letters::of("deu").is_none());
    }

    #[test]
    fn prefers_the_accent_the_language_uses() {
        let es = Letters::of("es").unwrap();
        assert!(word(es, "técnica") > word(es, "tícnica"));
        assert!(word(es, "demócrata") > word(es, "demácrata"));
        let de = Letters::of("de").unwrap();
        assert!(word(de, "ausgelöst") > word(de, "ausgeläst"));
        let pl = Letters::of("pl").unwrap();
        assert!(word(pl, "współpracy") > word(pl, "wspóópracy"));
    }

    #[test]
    fn guesses_the_language_of_a_damaged_paragraph() {
        let pl = "Zadowolenie z?wyniku g?osowania wyrazi?a te? przewodnicz?ca KE?Ursula von der Leyen. \
                  Jak podkre?li?a, porozumienie stanowi podstaw? silnej i?bliskiej wsp??pracy.";
        assert_eq!(Letters::guess(pl), Some("pl"));
        let de = "Die Regierung hat die Ma?nahmen f?r die Wirtschaft am Montag vorgestellt.";
        assert_eq!(Letters::guess(de), Some("de"));
        assert_eq!(Letters::guess("Too short?"), None);
        // One intact word; the pieces of the damaged ones name it.
        assert_eq!(Letters::guess("Zadowolenie z?wyniku g?osowania wyrazi?a te? przewodnicz?ca."), Some("pl"));
    }

    #[test]
    fn alphabets_are_the_languages_own() {
        let es = Letters::of("es").unwrap().alphabet();
        assert!(es.contains('ñ') && es.contains('á') && !es.contains('ő'));
        let de = Letters::of("de").unwrap().alphabet();
        assert!(de.starts_with(['ü', 'ä', 'ö', 'ß']), "{de}");
    }

    #[test]
    fn a_letter_foreign_to_the_language_is_unlikely() {
        let es = Letters::of("es").unwrap();
        assert!(es.logp(&['c'], 'ő').unwrap() < -10.0);
        assert!(es.logp(&['c'], 'ó').unwrap() > -5.0);
    }

    #[test]
    fn word_ends_are_not_its_business() {
        let de = Letters::of("de").unwrap();
        assert_eq!(de.logp(&['a'], '\u{3}'), None);
        // A non-letter in the context starts a new word.
        assert_eq!(de.logp(&['x', ' '], 'ü'), de.logp(&[], 'ü'));
    }
}
