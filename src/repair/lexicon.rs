//! Intact words, learned from text, that lost characters are restored from.
//!
//! A [`Lexicon`] holds counts only, so learning is cheap and merging is a
//! sum: the batch lexicon of a run is the same whatever the thread count or
//! input order. Everything the restorer needs beyond counts (an index of
//! words by their shape with non-ASCII characters blanked, a character
//! n-gram model for words no lexicon knows) is derived from the counts on
//! first use and cached.

use super::fasthash::{FastMap, FastSet};
use std::collections::HashMap;
use std::io::BufRead;
use std::sync::OnceLock;

/// Longest word kept (longer "words" are URLs, hashes, run-together junk).
const MAX_WORD_CHARS: usize = 40;
/// Function words whose company we record (see [`Lexicon::learn`]).
const MAX_PROFILE_WORD: usize = 4;
/// Order of the character n-gram model.
pub(crate) const ORDER: usize = 5;
/// A lexicon needs this many distinct words before an n-gram model is built
/// from it: a model of a few hundred words (one document) adds nothing the
/// batch lexicon does not already know, and building it would cost more
/// than repairing the document.
const MIN_MODEL_WORDS: usize = 1000;

/// Start and end of a word in the n-gram model.
pub(crate) const BOW: char = '\u{2}';
pub(crate) const EOW: char = '\u{3}';
/// Stands for any non-ASCII character in a word's shape.
pub(crate) const BLANK: char = '\u{1}';

/// Intact words with their counts, for restoring characters lost to `?` and
/// U+FFFD. Deterministic: its content depends only on the multiset of texts
/// learned, never on order.
#[derive(Debug, Default)]
pub struct Lexicon {
    words: HashMap<Box<str>, u64>,
    /// For short ASCII function words ("und", "que", "the"): how often each
    /// non-ASCII character occurs in the texts that use them. Summed over a
    /// damaged paragraph's function words this says which accents and which
    /// quotes its language uses.
    profiles: HashMap<Box<str>, HashMap<char, u32>>,
    derived: OnceLock<Derived>,
}

/// Indexes built from the counts on first use.
#[derive(Debug, Default)]
pub(crate) struct Derived {
    /// Lower-cased word → total count over its spellings.
    pub(crate) lower: FastMap<Box<str>, u64>,
    /// Shape with each non-ASCII character blanked once → lower-cased words.
    pub(crate) by_char_shape: FastMap<Box<str>, Vec<(Box<str>, u64)>>,
    /// Shape with each non-ASCII character blanked once per UTF-8 byte.
    pub(crate) by_byte_shape: FastMap<Box<str>, Vec<(Box<str>, u64)>>,
    /// Lower-cased word → its most frequent spelling, for words whose
    /// spelling is not all lower case.
    pub(crate) cased: FastMap<Box<str>, Box<str>>,
    /// Character n-gram counts (by word type), keyed by [`gram_key`].
    pub(crate) grams: FastMap<u128, u32>,
    /// Whether `grams` was built (large enough lexicon).
    pub(crate) has_model: bool,
    /// Sum of all word counts.
    pub(crate) tokens: u64,
    /// Non-ASCII characters that occur in words, lower-cased, with counts.
    pub(crate) alphabet: Vec<(char, u64)>,
    /// Letters and the apostrophe that follow / precede each character.
    pub(crate) next_of: FastMap<char, FastSet<char>>,
}

impl Clone for Lexicon {
    /// Clones the counts; derived indexes are rebuilt on first use.
    fn clone(&self) -> Self {
        Lexicon { words: self.words.clone(), profiles: self.profiles.clone(), derived: OnceLock::new() }
    }
}

impl Lexicon {
    /// An empty lexicon.
    pub fn new() -> Self {
        Self::default()
    }

    /// Add the intact words of `text`. Mojibake and HTML entities are
    /// repaired first (a mojibaked paragraph is full of good words once
    /// decoded); words touching `?` or U+FFFD in a paragraph that shows
    /// lost-character damage, and words that still look like mojibake, are
    /// skipped, so the lexicon only holds words as they were written.
    pub fn learn(&mut self, text: &str) {
        let fixed = super::prepare_for_learning(text);
        let text = fixed.as_deref().unwrap_or(text);
        let damaged = super::lost::looks_damaged(text);
        let mut seen_profile_words: Vec<Box<str>> = Vec::new();
        for (w, start, end) in words_with_pos(text) {
            let bytes = text.as_bytes();
            let touches = |i: usize| {
                let c = char_at(text, i);
                c == Some('?') || c == Some('\u{fffd}')
            };
            let before_mark = start > 0 && touches(prev_char_start(text, start));
            let after_mark = end < bytes.len() && touches(end);
            if (before_mark || after_mark) && (damaged || text.contains('\u{fffd}')) {
                continue;
            }
            if after_mark && text[end..].starts_with("??") {
                continue;
            }
            if w.chars().count() > MAX_WORD_CHARS || w.chars().all(|c| c.is_numeric()) {
                continue;
            }
            if !w.is_ascii() && super::mojibake::may_have_mojibake(w) {
                continue;
            }
            *self.words.entry(w.into()).or_default() += 1;
            if w.is_ascii() && w.len() <= MAX_PROFILE_WORD && w.chars().all(|c| c.is_ascii_alphabetic()) {
                seen_profile_words.push(w.to_ascii_lowercase().into());
            }
        }
        if !seen_profile_words.is_empty() {
            let mut chars: HashMap<char, u32> = HashMap::new();
            for c in text.chars() {
                if !c.is_ascii() && c != '\u{fffd}' {
                    let e = chars.entry(lower_char(c)).or_default();
                    *e = (*e + 1).min(8);
                }
            }
            if !chars.is_empty() {
                seen_profile_words.sort();
                seen_profile_words.dedup();
                for w in seen_profile_words {
                    let p = self.profiles.entry(w).or_default();
                    for (&c, &n) in &chars {
                        *p.entry(c).or_default() += n;
                    }
                }
            }
        }
        self.derived = OnceLock::new();
    }

    /// Add every count of `other`. Commutative and associative, so any merge
    /// order gives the same lexicon.
    pub fn merge(&mut self, other: &Lexicon) {
        for (w, n) in &other.words {
            *self.words.entry(w.clone()).or_default() += n;
        }
        for (w, p) in &other.profiles {
            let mine = self.profiles.entry(w.clone()).or_default();
            for (&c, &n) in p {
                *mine.entry(c).or_default() += n;
            }
        }
        self.derived = OnceLock::new();
    }

    /// A lexicon from a word list, one word per line (`/usr/share/dict/*`,
    /// hunspell-style `word/FLAGS` is cut at the slash). Each word counts
    /// once; lines starting with `#` and blank lines are skipped.
    pub fn from_word_list(r: impl BufRead) -> std::io::Result<Self> {
        let mut lex = Lexicon::new();
        for line in r.lines() {
            let line = line?;
            let w = line.split('/').next().unwrap_or("").trim();
            if w.is_empty() || w.starts_with('#') || w.chars().count() > MAX_WORD_CHARS {
                continue;
            }
            if !w.chars().all(|c| c.is_alphanumeric() || c == '’' || c == '\'') {
                continue;
            }
            *lex.words.entry(w.into()).or_default() += 1;
        }
        Ok(lex)
    }

    /// Number of distinct words.
    pub fn len(&self) -> usize {
        self.words.len()
    }

    /// Whether no word was learned.
    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }

    /// How often `word` was seen, spelled exactly so.
    pub fn count(&self, word: &str) -> u64 {
        self.words.get(word).copied().unwrap_or(0)
    }

    pub(crate) fn profile(&self, word: &str) -> Option<&HashMap<char, u32>> {
        self.profiles.get(word)
    }

    pub(crate) fn derived(&self) -> &Derived {
        self.derived.get_or_init(|| Derived::build(&self.words))
    }
}

impl Derived {
    fn build(words: &HashMap<Box<str>, u64>) -> Derived {
        let mut d = Derived::default();
        let mut spellings: FastMap<Box<str>, (Box<str>, u64)> = FastMap::default();
        for (w, &n) in words {
            d.tokens += n;
            let lw = lower(w);
            *d.lower.entry(lw.as_str().into()).or_default() += n;
            if lw.as_str() != &**w {
                let e = spellings.entry(lw.as_str().into()).or_insert_with(|| (w.clone(), 0));
                // Most frequent spelling; ties to the lexicographically first.
                if n > e.1 || n == e.1 && *w < e.0 {
                    *e = (w.clone(), n);
                }
            }
        }
        // A spelling only stands for the word when it is more common than
        // the lower-case one.
        for (lw, (sp, n)) in spellings {
            let lower_n = words.get(&lw).copied().unwrap_or(0);
            if n > lower_n {
                d.cased.insert(lw, sp);
            }
        }
        let mut alphabet: FastMap<char, u64> = FastMap::default();
        for (lw, &n) in &d.lower {
            if lw.is_ascii() {
                continue;
            }
            let mut cs = String::with_capacity(lw.len());
            let mut bs = String::with_capacity(lw.len());
            for c in lw.chars() {
                if c.is_ascii() {
                    cs.push(c);
                    bs.push(c);
                } else {
                    cs.push(BLANK);
                    for _ in 0..c.len_utf8() {
                        bs.push(BLANK);
                    }
                    *alphabet.entry(c).or_default() += n;
                }
            }
            d.by_char_shape.entry(cs.into()).or_default().push((lw.clone(), n));
            d.by_byte_shape.entry(bs.into()).or_default().push((lw.clone(), n));
        }
        for v in d.by_char_shape.values_mut().chain(d.by_byte_shape.values_mut()) {
            v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        }
        let mut alphabet: Vec<(char, u64)> = alphabet.into_iter().collect();
        alphabet.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        d.alphabet = alphabet;
        if d.lower.len() >= MIN_MODEL_WORDS {
            d.has_model = true;
            let mut buf: Vec<char> = Vec::with_capacity(48);
            for lw in d.lower.keys() {
                buf.clear();
                buf.extend(std::iter::repeat_n(BOW, ORDER - 1));
                buf.extend(lw.chars());
                buf.push(EOW);
                for i in ORDER - 1..buf.len() {
                    for n in 1..=ORDER {
                        let g = &buf[i + 1 - n..=i];
                        *d.grams.entry(gram_key(g)).or_default() += 1;
                        // Context totals, keyed with a flag bit.
                        *d.grams.entry(gram_key(&g[..n - 1]) | CTX_FLAG).or_default() += 1;
                    }
                    let (a, b) = (buf[i - 1], buf[i]);
                    if a != BOW && b != EOW {
                        d.next_of.entry(a).or_default().insert(b);
                        d.next_of.entry(b).or_default().insert(prev_marker(a));
                    }
                }
            }
        }
        d
    }
}

/// In `next_of`, predecessors are stored under a shifted code so one map
/// holds both directions.
pub(crate) fn prev_marker(c: char) -> char {
    char::from_u32(c as u32 | 0x10_0000).unwrap_or(c)
}

pub(crate) const CTX_FLAG: u128 = 1 << 127;

/// Key of an n-gram of at most [`ORDER`] characters.
#[inline]
pub(crate) fn gram_key(g: &[char]) -> u128 {
    let mut k: u128 = g.len() as u128;
    for &c in g {
        k = (k << 21) | c as u128;
    }
    k
}

/// The words of `text` with their byte ranges: runs of letters, digits and
/// combining marks, with an apostrophe inside a word kept ("don’t",
/// "l’emergenza").
pub(crate) fn words_with_pos(text: &str) -> impl Iterator<Item = (&str, usize, usize)> {
    let mut it = text.char_indices().peekable();
    std::iter::from_fn(move || {
        let start = loop {
            let (i, c) = it.next()?;
            if super::charclass::is_wordish(c) {
                break i;
            }
        };
        let mut end = text.len();
        while let Some(&(i, c)) = it.peek() {
            if super::charclass::is_wordish(c) {
                it.next();
            } else if c == '’' || c == '\'' {
                let rest = &text[i + c.len_utf8()..];
                if rest.chars().next().is_some_and(super::charclass::is_wordish) {
                    it.next();
                } else {
                    end = i;
                    break;
                }
            } else {
                end = i;
                break;
            }
        }
        Some((&text[start..end], start, end))
    })
}

fn char_at(s: &str, i: usize) -> Option<char> {
    s.get(i..).and_then(|t| t.chars().next())
}

fn prev_char_start(s: &str, i: usize) -> usize {
    let mut j = i - 1;
    while !s.is_char_boundary(j) {
        j -= 1;
    }
    j
}

/// Lower-case a word, folding the typewriter apostrophe to ’.
pub(crate) fn lower(w: &str) -> String {
    let mut s = String::with_capacity(w.len());
    for c in w.chars() {
        s.push(lower_char(c));
    }
    s
}

/// One-character lower case (the first of a multi-character lowering), with
/// `'` folded to `’`.
#[inline]
pub(crate) fn lower_char(c: char) -> char {
    if c == '\'' {
        return '’';
    }
    if c.is_ascii() {
        return c.to_ascii_lowercase();
    }
    let mut l = c.to_lowercase();
    match (l.next(), l.next()) {
        (Some(x), None) => x,
        _ => c,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn learns_intact_words_only() {
        let mut l = Lexicon::new();
        l.learn("Le café est prêt, n’est-ce pas ? Oui.");
        assert_eq!(l.count("café"), 1);
        assert_eq!(l.count("n’est"), 1);
        let mut d = Lexicon::new();
        d.learn("Le caf? est pr?t et l?-bas");
        assert_eq!(d.count("caf"), 0);
        assert_eq!(d.count("est"), 1);
        let mut m = Lexicon::new();
        m.learn("Le cafÃ© est prÃªt.");
        assert_eq!(m.count("café"), 1);
    }

    #[test]
    fn merge_is_commutative() {
        let (mut a, mut b) = (Lexicon::new(), Lexicon::new());
        a.learn("über alles und mehr");
        b.learn("und über nichts");
        let mut ab = a.clone();
        ab.merge(&b);
        let mut ba = b.clone();
        ba.merge(&a);
        assert_eq!(ab.words, ba.words);
        assert_eq!(ab.profiles, ba.profiles);
        assert_eq!(ab.count("über"), 2);
    }

    #[test]
    fn word_lists() {
        let l = Lexicon::from_word_list("café\n# comment\nnaïve/S\n\ndon't\n".as_bytes()).unwrap();
        assert_eq!(l.len(), 3);
        assert_eq!(l.count("don't"), 1);
        assert!(!l.is_empty());
    }

    #[test]
    fn words_keep_inner_apostrophes() {
        let w: Vec<&str> = words_with_pos("l’emergenza, rock’n’roll’ et 'x'").map(|x| x.0).collect();
        assert_eq!(w, ["l’emergenza", "rock’n’roll", "et", "x"]);
    }
}
