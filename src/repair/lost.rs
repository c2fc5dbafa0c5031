//! Characters lost in a charset conversion: `?` in place of each byte
//! ("caf??": `é` is two bytes in UTF-8) or of each character ("caf?"), and
//! U+FFFD where a decoder met a byte it could not read ("caf�").
//!
//! **The gate.** A `?` is usually a real question mark, so nothing happens
//! unless the paragraph carries evidence of damage that a real question mark
//! cannot produce: a `?` run *between two letters* ("r??wnie", "l?uft"), or
//! several runs glued to the start of words. URLs and code (`?q=`, `://`)
//! never count and are never touched. Without that evidence only a run the
//! lexicons explain overwhelmingly is restored: "caf??" when "café" is a
//! known word and "caf" is not; "Really??" stays because "Really" is a word.
//! U+FFFD is damage by definition.
//!
//! **Per byte or per character.** A character outside ASCII is two to four
//! bytes in UTF-8, so per-byte damage never leaves a lone `?` between
//! letters; one lone `?` inside a word means per-character damage.
//!
//! **Restoring.** Each run is read every way that fits its length and its
//! neighbours: letters of the word around it, punctuation (curly quotes,
//! dashes, `’`, no-break spaces, `« »`), a real question mark, or several
//! of these. Every reading is scored: words by the lexicons (a known word,
//! chosen by count, ties broken lexicographically) or, for words no lexicon
//! knows, by a character n-gram model derived from the lexicons;
//! punctuation by its typographic context and by the quotes and dashes the
//! paragraph's language uses (learned from the company its function words
//! keep in the lexicons). The best reading wins; when no reading beats
//! leaving the run alone, it is left alone.

use super::charclass::CharClass;
use super::charclass::{is_wordish, script, Script, SCRIPTS, SCRIPT_LIST};
use super::fasthash::FastMap;
use super::langid::{self, LangId};
use super::letters::Letters;
use super::lexicon::{clitic_of, lower, lower_char, Derived, Grams, Lexicon, Shapes, BLANK, BOW, EOW, ORDER};
use std::cell::RefCell;

const QM: char = '?';
const FFFD: char = '\u{fffd}';
/// Pseudo-mark: a `?` in a text that kept its Latin-1 characters.
const QM_NOT_LATIN1: char = '\u{e001}';

/// Whether `?` stands for one byte or one character.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mode {
    PerChar,
    PerByte,
}

#[derive(Clone, Debug)]
struct Run {
    start: usize,
    end: usize,
    mark: char,
}

impl Run {
    fn len(&self) -> usize {
        self.end - self.start
    }
}

/// Cheap test used when learning: does `text` show `?` damage (a `?` run
/// between two letters, outside URLs)?
pub(crate) fn looks_damaged(text: &str) -> bool {
    let bytes = text.as_bytes();
    for i in memchr::memchr_iter(b'?', bytes) {
        if i == 0 || bytes[i - 1] == b'?' {
            continue;
        }
        let mut j = i;
        while j < bytes.len() && bytes[j] == b'?' {
            j += 1;
        }
        let before = text[..i].chars().next_back();
        let after = text[j..].chars().next();
        if before.is_some_and(|c| c.is_alpha()) && after.is_some_and(|c| c.is_alpha()) {
            // The whole token, to rule out URLs and code.
            let s = text[..i].rfind(is_blank).map_or(0, |k| k + 1);
            let e = text[j..].find(is_blank).map_or(text.len(), |k| j + k);
            let cl: Vec<char> = text[s..e].chars().collect();
            if !is_code(&cl) {
                return true;
            }
        }
    }
    false
}

/// Maximal runs of non-blank characters.
fn clusters(chars: &[char]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if is_blank(chars[i]) {
            i += 1;
            continue;
        }
        let s = i;
        while i < chars.len() && !is_blank(chars[i]) {
            i += 1;
        }
        out.push((s, i));
    }
    out
}

fn is_blank(c: char) -> bool {
    c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\u{a0}' || c == '\u{202f}'
}

/// URLs, e-mail addresses, code: a `?` there is syntax.
fn is_code(cl: &[char]) -> bool {
    let s: String = cl.iter().collect();
    if s.contains("://") || s.contains("www.") || s.contains('@') || s.contains('\\') {
        return true;
    }
    if let Some(q) = cl.iter().position(|&c| c == QM) {
        if cl[q..].iter().any(|&c| c == '=' || c == '&') || cl[..q].contains(&'/') || cl[..q].contains(&'=') {
            return true;
        }
    }
    false
}

fn runs_in(chars: &[char], cs: usize, ce: usize) -> Vec<Run> {
    let mut out = Vec::new();
    let mut i = cs;
    while i < ce {
        let c = chars[i];
        if c == QM || c == FFFD {
            let s = i;
            while i < ce && chars[i] == c {
                i += 1;
            }
            out.push(Run { start: s, end: i, mark: c });
        } else {
            i += 1;
        }
    }
    out
}

fn inner(chars: &[char], cs: usize, ce: usize, r: &Run) -> bool {
    r.start > cs && r.end < ce && chars[r.start - 1].is_alpha() && chars[r.end].is_alpha()
}

/// Character classes of a run's neighbours.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Side {
    /// White space or the edge of the text.
    Edge,
    Letter,
    Digit,
    /// Opening punctuation: `( [ « “ „ ‘ ¿ ¡`.
    Open,
    /// Closing or sentence punctuation: `. , ) ] ” …`.
    Close,
    /// Punctuation French sets off with a no-break space: `; : ! ? »`.
    Spaced,
    Other,
}

fn side(c: Option<char>) -> Side {
    match c {
        None => Side::Edge,
        Some(c) if is_blank(c) => Side::Edge,
        Some(c) if c.is_alpha() => Side::Letter,
        Some(c) if c.is_numeric() => Side::Digit,
        Some('(' | '[' | '{' | '«' | '“' | '„' | '‘' | '‚' | '¿' | '¡' | '"' | '\'') => Side::Open,
        Some(';' | ':' | '!' | '?' | '»') => Side::Spaced,
        Some('.' | ',' | ')' | ']' | '}' | '”' | '…' | '’') => Side::Close,
        Some(_) => Side::Other,
    }
}

/// The lexicons, with what the restorer asks of them.
struct Model<'a> {
    lexicons: &'a [&'a Lexicon],
    /// Indexes of the lexicons that supply candidates (the large ones, or
    /// all when none is large).
    shapes: Vec<&'a Derived>,
    /// Their known words by shape.
    by_shape: Vec<&'a Shapes>,
    /// The character model: the largest lexicon's.
    main: Option<&'a Derived>,
    /// The paragraph's language, from its intact function words.
    lang: Option<LangId>,
    /// `main`'s character model for that language, when it has one.
    lang_logp: Option<&'a Grams>,
    /// The letter model of that language from outside the batch, when
    /// there is one.
    letters: Option<Letters>,
    /// In that language, how often a word is one non-ASCII letter ("à",
    /// "è") and how often a dash stands alone, when the batch has seen
    /// enough of either: what a lone lost character between spaces is.
    lone: Option<(f32, f32)>,
    /// In that language, the share of one-letter words followed by a
    /// no-break space rather than a space, when the batch has seen enough.
    glue: Option<f32>,
    /// Whether the paragraph's language writes apostrophes inside words
    /// (true unless the batch has enough of the language to tell).
    apostrophes: bool,
    /// What the batch's text in the paragraph's language closes „ with,
    /// when it has enough such pairs.
    low9_close: Option<char>,
    /// How often the batch's text in that language opens a double quote
    /// with „ and with “, when it does so often enough.
    opened: Option<(u64, u64)>,
    /// The non-ASCII characters of that language's words, with their total.
    lang_chars: Option<&'a (FastMap<char, u64>, u64)>,
    /// Candidate non-ASCII characters for a blank, most frequent first.
    alphabet: std::borrow::Cow<'a, [char]>,
    prior: FastMap<char, f32>,
    prior_total: f32,
    /// Word tokens counted by all lexicons.
    tokens: u64,
    /// Word tokens learned in the paragraph's language, when there are
    /// enough of them to stand for it.
    lang_tokens: Option<u64>,
    /// The script of most of the paragraph's letters: lost letters are of
    /// that script.
    script: Script,
    fill_cache: RefCell<FastMap<u64, Option<Fill>>>,
    score_cache: RefCell<FastMap<u64, f32>>,
}

/// The best restoration of one word pattern.
#[derive(Clone, Debug)]
struct Fill {
    /// The characters that went into the blanks, in order.
    slots: Vec<char>,
    score: f32,
}

/// Weight of the language prior against the n-gram model.
const PRIOR_WEIGHT: f32 = 1.5;
/// The same, when the language has a letter model ([`Letters`]): that
/// model already knows which letters the language uses where, and the
/// prior then only breaks near ties (0.5 measured best of 0, 0.25, 0.5,
/// 1.0 and 1.5 on realtext-dev).
const PRIOR_WEIGHT_LETTERS: f32 = 0.5;
/// Share of a word's probability given by its lexicon count; the rest by
/// the character model (the chance of a word nobody has seen).
const KNOWN_WEIGHT: f32 = 0.8;
/// ln P per character of a word when no character model exists.
const NO_MODEL_PER_CHAR: f32 = -2.5;
/// Cost of leaving a damaged run as it is, on top of the unknown
/// character's own improbability.
const KEEP_DAMAGE: f32 = -8.0;
/// Weight of word probabilities against the priors of the readings: the
/// word models are sharp (a known word against an unknown one differs by
/// many nats) but not well calibrated across word lengths.
const WORD_WEIGHT: f32 = 0.35;
/// Weight of the paragraph language's character model against the whole
/// batch's, in ln P.
const LANG_MIX: f32 = 0.5;
/// ln P of a clitic across an apostrophe ("’s", "l’", "’re") after a
/// known word: roughly how often words carry one in English or French.
const CLITIC: f32 = -3.0;
/// Weight of the language's letter model from outside the batch
/// ([`Letters`]) against the batch's own character model, in ln P.
const LETTERS_MIX: f32 = 0.9;
/// One-letter words and lone dashes a language needs in the batch before
/// their ratio decides what a lone lost character is.
const MIN_LONE: u64 = 10;
/// One-letter words a language needs in the batch before their share
/// followed by a no-break space is the prior of one.
const MIN_GLUE: u64 = 20;
/// Share of one-letter words glued by a no-break space that makes a
/// language one that glues them.
const MIN_GLUE_SHARE: f32 = 0.05;
/// Weight, in one-letter words, of the batch's glue share against the
/// text's own: a text that glues every one-letter word it shows ("i?nie",
/// "w?domu" and no "i nie") is typeset that way whatever the batch's
/// share, and a text that spaces them is not.
const GLUE_PRIOR_WORDS: f32 = 2.0;
/// Apostrophe words the batch needs before its clitics are taken as the
/// only ones there are.
const MIN_APOSTROPHE_TOKENS: u64 = 200;
/// Times a clitic must be seen on its side of an apostrophe to count as one.
const MIN_CLITIC: u64 = 2;
/// Cost of a word joined by a clitic the batch never writes, on top of its
/// character-model score.
const UNATTESTED_CLITIC: f32 = -4.0;
/// Tokens a language needs in the batch before word frequencies are taken
/// within it.
const MIN_LANG_TOKENS: u64 = 2000;
/// Share of the language's own character distribution in the prior; the
/// rest comes from the function-word profiles.
const LANG_PRIOR_SHARE: f32 = 0.5;
/// What a word seen only in paragraphs of other languages counts for.
const OTHER_LANG_SHARE: f32 = 0.2;
/// Backoff penalty of the n-gram model (stupid backoff).
const BACKOFF: f32 = -0.9;
/// Known words sharing a beginning or an ending, looked at per blank.
const AFFIX_CAP: usize = 64;
/// Letters after the blank a shared beginning must cover, at least and at
/// most (and before the blank for a shared ending, at most).
const AFFIX_MIN_AFTER: usize = 2;
const AFFIX_MAX_SIDE: usize = 3;
/// A shared beginning or ending is at least this many characters.
const AFFIX_MIN_LEN: usize = 4;
/// Weight of those words' vote, in ln P, and the floor of a character
/// they never have there.
const AFFIX_WEIGHT: f32 = 0.6;
const AFFIX_FLOOR: f32 = 0.05;
/// Change to the odds of a real question mark followed by a lower-case
/// word, in ln P.
const LOWER_AFTER_QUESTION: f32 = -4.0;
/// Change to the odds of a doubled question mark after a known word and
/// before a lower-case word in a paragraph without other damage, in ln P:
/// it outweighs the word being known ("ser?? desde" is "será desde").
const LOWER_AFTER_DOUBLED: f32 = -6.0;
/// Apostrophes between letters per token below which a language does not
/// write words with one (English and French have one in 1–3 % of their
/// tokens; Spanish and Polish next to none).
const MIN_APOSTROPHE_SHARE: f32 = 0.001;
/// A lone run after a no-break space, read as a word (ln odds): words
/// follow plain spaces.
const NBSP_BEFORE_WORD: f32 = -3.0;
/// Letters of the ending [`Model::noun_ending`] compares, the words it
/// needs sharing it, and their share spelled with a capital.
const NOUN_ENDING: usize = 4;
const NOUN_MIN_WORDS: usize = 5;
const NOUN_SHARE: f32 = 0.75;
/// „…“ or „…” pairs a language needs in the batch before they decide what
/// closes a „.
const MIN_LOW9_PAIRS: u64 = 5;
/// Cost of restoring letters that join parts of different cases into one
/// word (see [`joins_cases`]).
const CASE_JOIN: f32 = -6.0;
/// Known words tried per shape.
const SHAPE_CANDIDATES: usize = 16;
/// Candidates tried per blank.
const CANDIDATES: usize = 10;
/// Characters after a blank whose n-gram terms rank its candidates.
const LOOKAHEAD: usize = 3;

fn hash_of<T: std::hash::Hash>(t: T) -> u64 {
    use std::hash::{BuildHasher, BuildHasherDefault};
    BuildHasherDefault::<super::fasthash::FastHasher>::default().hash_one(t)
}

impl<'a> Model<'a> {
    /// `lang` and `lang_tokens` as [`lang_of`] and [`tokens_in`] give them.
    fn new(lexicons: &'a [&'a Lexicon], chars: &[char], lang: Option<LangId>, lang_tokens: Option<u64>) -> Self {
        let large: Vec<&Lexicon> = lexicons.iter().copied().filter(|l| l.is_large()).collect();
        let shape_lex: Vec<&Lexicon> = if large.is_empty() { lexicons.to_vec() } else { large };
        let shapes: Vec<&Derived> = shape_lex.iter().map(|l| l.derived()).collect();
        let by_shape: Vec<&Shapes> = shape_lex.iter().map(|l| l.shapes()).collect();
        // The character model of the first large lexicon learned from text
        // (the batch's): a word list of one language would skew it.
        let main_lex = shape_lex
            .iter()
            .find(|l| !l.is_list() && l.is_large())
            .or_else(|| shape_lex.iter().find(|l| l.is_large()))
            .copied()
            .filter(|l| l.derived().has_model);
        let main = main_lex.map(|l| l.derived());
        let alphabet: std::borrow::Cow<'a, [char]> = match main {
            Some(d) => std::borrow::Cow::Borrowed(&d.common_lower),
            None => {
                let mut counts: FastMap<char, u64> = FastMap::default();
                for d in &shapes {
                    for &(c, n) in &d.alphabet {
                        *counts.entry(c).or_default() += n;
                    }
                }
                let mut v: Vec<(char, u64)> = counts.into_iter().filter(|&(c, _)| lower_char(c) == c).collect();
                v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
                v.into_iter().map(|x| x.0).collect()
            }
        };
        // The language prior: the characters that the texts using this
        // paragraph's function words contain.
        let mut prior: FastMap<char, f32> = FastMap::default();
        let mut seen: Vec<[u8; 4]> = Vec::new();
        let mut i = 0;
        while i < chars.len() {
            if !chars[i].is_ascii_alphabetic() || i > 0 && is_wordish(chars[i - 1]) {
                i += 1;
                continue;
            }
            let mut j = i;
            while j < chars.len() && chars[j].is_ascii_alphabetic() {
                j += 1;
            }
            let len = j - i;
            let ends_word = j == chars.len() || !is_wordish(chars[j]) && chars[j] != QM;
            if len <= 4 && ends_word {
                let mut key = [0u8; 4];
                for (k, c) in chars[i..j].iter().enumerate() {
                    key[k] = c.to_ascii_lowercase() as u8;
                }
                if !seen.contains(&key) {
                    seen.push(key);
                    let w = std::str::from_utf8(&key[..len]).unwrap_or("");
                    for d in &shapes {
                        if let Some(p) = d.profiles.get(w) {
                            for &(c, share) in p {
                                *prior.entry(c).or_default() += share;
                            }
                        }
                    }
                }
            }
            i = j;
        }
        let prior_total = prior.values().sum();
        let tokens = lexicons.iter().filter(|l| !l.is_list()).map(|l| l.tokens()).sum();
        let mut counts = [0u32; SCRIPTS];
        for &c in chars {
            if c.is_alpha() {
                counts[script(c) as usize] += 1;
            }
        }
        let best = (0..SCRIPTS).max_by_key(|&i| (counts[i], usize::MAX - i)).unwrap_or(0);
        let script = if counts[best] == 0 { Script::Latin } else { SCRIPT_LIST[best] };
        let lang_logp = match (main_lex, lang) {
            (Some(x), Some(l)) => x.lang_model(l),
            _ => None,
        };
        let letters = lang.and_then(langid::code).and_then(Letters::of);
        let lang_chars = match (main, lang) {
            (Some(d), Some(l)) => d.lang_chars.get(l as usize).and_then(|m| m.as_ref()),
            _ => None,
        };
        let mut glue: Option<f32> = None;
        let mut apostrophes = true;
        let mut low9 = (0u64, 0u64);
        let mut opened = (0u64, 0u64);
        let lone = lang.and_then(|l| {
            let (mut words, mut dashes, mut space, mut nbsp) = (0u64, 0u64, 0u64, 0u64);
            let mut apos = 0u64;
            for x in lexicons.iter().filter(|x| !x.is_list()) {
                let sp = x.spacing_in(l);
                apos += sp.apostrophes;
                low9.0 += sp.low9_closed_66;
                low9.1 += sp.low9_closed_99;
                opened.0 += sp.opened_low9;
                opened.1 += sp.opened_66;
                dashes += sp.lone_dashes;
                space += sp.one_letter_space;
                nbsp += sp.one_letter_nbsp;
                // Only the lexicons whose indexes are built anyway (a
                // document's small one is not when the batch's is large).
                if !shape_lex.iter().any(|y| std::ptr::eq(*y, *x)) {
                    continue;
                }
                if let Some(v) = x.shapes().by_char.get(BLANK.encode_utf8(&mut [0; 4]) as &str) {
                    words += v
                        .iter()
                        .filter(|(w, _)| w.chars().all(char::is_alphabetic))
                        .map(|(w, _)| x.count_lower_in(w, l))
                        .sum::<u64>();
                }
            }
            if let Some(t) = lang_tokens {
                apostrophes = apos as f32 >= MIN_APOSTROPHE_SHARE * t as f32;
            }
            if space + nbsp >= MIN_GLUE {
                glue = Some((nbsp as f32 + 0.5) / ((space + nbsp) as f32 + 1.0));
            }
            (words + dashes >= MIN_LONE).then_some((words as f32, dashes as f32))
        });
        Model {
            lexicons,
            apostrophes,
            opened: (opened.0 + opened.1 >= MIN_LOW9_PAIRS).then_some(opened),
            low9_close: (low9.0 + low9.1 >= MIN_LOW9_PAIRS).then_some(if low9.0 >= low9.1 { '“' } else { '”' }),
            lone,
            glue,
            shapes,
            by_shape,
            main,
            lang,
            lang_tokens,
            lang_logp,
            letters,
            lang_chars,
            alphabet,
            prior,
            prior_total,
            tokens,
            script,
            fill_cache: RefCell::new(FastMap::default()),
            score_cache: RefCell::new(FastMap::default()),
        }
    }

    fn has_model(&self) -> bool {
        self.main.is_some() || self.letters.is_some()
    }

    /// Share of `c` among the non-ASCII characters of texts like this one.
    fn prior_of(&self, c: char) -> f32 {
        if let Some((m, tot)) = self.lang_chars {
            let own = m.get(&c).copied().unwrap_or(0) as f32 / *tot as f32;
            let mix = LANG_PRIOR_SHARE;
            let prof = if self.prior_total > 0.0 {
                self.prior.get(&c).copied().unwrap_or(0.0) / self.prior_total
            } else {
                own
            };
            return mix * own + (1.0 - mix) * prof;
        }
        if self.prior_total <= 0.0 {
            return 0.02;
        }
        (self.prior.get(&c).copied().unwrap_or(0.0) / self.prior_total).max(0.0)
    }

    /// Whether the lexicons have characters outside ASCII to measure the
    /// prior on ([`Model::prior_of`] guesses a flat share without).
    fn has_prior(&self) -> bool {
        self.prior_total > 0.0 || self.lang_chars.is_some()
    }
    /// [`Model::prior_of`] when measured, else 0.
    fn measured_share(&self, c: char) -> f32 {
        if self.has_prior() {
            self.prior_of(c)
        } else {
            0.0
        }
    }
    fn prior_ln(&self, c: char) -> f32 {
        if !self.has_prior() {
            return 0.0;
        }
        (self.prior_of(c) + 0.002).ln()
    }

    /// How often the lexicons learned from text saw `w`; a word only a word
    /// list knows counts as half an occurrence.
    fn count_lower(&self, w: &str) -> f32 {
        let mut n = 0f32;
        let mut listed = false;
        for l in self.lexicons {
            let c = l.count_lower(w);
            if l.is_list() {
                listed |= c > 0;
            } else if let (Some(lang), false) = (self.lang, w.is_ascii()) {
                // Seen in the paragraph's own language counts in full,
                // elsewhere only in part.
                let own = l.count_lower_in(w, lang);
                n += own as f32 + OTHER_LANG_SHARE * (c - own) as f32;
            } else {
                n += c as f32;
            }
        }
        if n == 0.0 && listed {
            0.5
        } else {
            n
        }
    }

    /// Whether `w` is a word of the paragraph's language: seen in it by a
    /// lexicon learned from text that has enough of the language to tell,
    /// or, without one, known at all.
    fn known_here(&self, w: &str) -> bool {
        known_in(self.lexicons, self.lang, self.lang_tokens, w)
    }

    /// Whether the batch's words ending like `w` are mostly capitalised:
    /// in a language that capitalises nouns, a word whose first letter was
    /// lost ("?berschwemmungen") is then a noun. Looks at the words with
    /// letters outside ASCII, the ones the suffix index holds.
    fn noun_ending(&self, w: &str) -> bool {
        let tail: Vec<char> = w.chars().rev().take(NOUN_ENDING).collect();
        if tail.len() < NOUN_ENDING || w.chars().count() < NOUN_ENDING + 2 {
            return false;
        }
        let key: String = tail.iter().map(|&c| if c.is_ascii() { c } else { BLANK }).collect();
        let (mut upper, mut all) = (0usize, 0usize);
        for d in &self.shapes {
            for (x, _) in d.affix(&key, true, AFFIX_CAP) {
                all += 1;
                if d.cased.get(x).is_some_and(|s| s.starts_with(char::is_uppercase)) {
                    upper += 1;
                }
            }
        }
        all >= NOUN_MIN_WORDS && upper as f32 >= NOUN_SHARE * all as f32
    }

    fn cased(&self, w: &str) -> Option<&str> {
        self.shapes.iter().find_map(|d| d.cased.get(w).map(|s| &**s))
    }

    /// ln P(c | the ORDER-1 characters before it), stupid backoff.
    #[inline]
    fn logp(&self, ctx: &[char], c: char) -> f32 {
        let batch = match (self.main, self.lang_logp) {
            (Some(d), Some(m)) => {
                LANG_MIX * Self::backoff(m, ctx, c) + (1.0 - LANG_MIX) * Self::backoff(&d.logp, ctx, c)
            }
            (Some(d), None) => Self::backoff(&d.logp, ctx, c),
            (None, _) => NO_MODEL_PER_CHAR,
        };
        match self.letters.and_then(|l| l.logp_cached(ctx, c)) {
            Some(x) => LETTERS_MIX * x + (1.0 - LETTERS_MIX) * batch,
            None => batch,
        }
    }

    #[inline]
    fn backoff(logp: &Grams, ctx: &[char], c: char) -> f32 {
        let max = ctx.len().min(ORDER - 1);
        let mut pen = 0.0;
        for n in (0..=max).rev() {
            let h = &ctx[ctx.len() - n..];
            let mut key: u128 = 0;
            for &x in h {
                key = (key << 21) | x as u128;
            }
            key = ((key << 21) | c as u128) | (((n + 1) as u128) << (21 * ORDER));
            if let Some(lp) = logp.get(&key) {
                return lp + pen;
            }
            pen += BACKOFF;
        }
        -14.0 + pen
    }

    /// Whether `clitic`, on its side of the apostrophe (`before` it or
    /// not), is one the batch writes: seen at least [`MIN_CLITIC`] times
    /// there. True when the batch has too few apostrophe words to tell.
    fn clitic_attested(&self, before: bool, clitic: &str) -> bool {
        if self.shapes.iter().map(|d| d.apostrophe_tokens).sum::<u64>() < MIN_APOSTROPHE_TOKENS {
            return true;
        }
        let key = (before, Box::from(clitic));
        self.shapes.iter().map(|d| d.clitics.get(&key).copied().unwrap_or(0)).sum::<u64>() >= MIN_CLITIC
    }

    /// ln P(word) under the character model (word boundaries included).
    fn word_logp(&self, w: &[char]) -> f32 {
        if !self.has_model() {
            return NO_MODEL_PER_CHAR * (w.len() + 1) as f32;
        }
        let mut buf = [BOW; 64];
        let n = w.len().min(64 - ORDER);
        buf[ORDER - 1..ORDER - 1 + n].copy_from_slice(&w[..n]);
        buf[ORDER - 1 + n] = EOW;
        let mut s = 0.0;
        for i in ORDER - 1..=ORDER - 1 + n {
            s += self.logp(&buf[i + 1 - ORDER..i], buf[i]);
        }
        s
    }

    /// ln P(word) under a unigram model over the lexicons' tokens, backed by
    /// the character model for words they do not know.
    fn word_score(&self, w: &[char]) -> f32 {
        if w.iter().all(|c| c.is_numeric()) {
            return -4.0;
        }
        let key = hash_of(w);
        if let Some(&s) = self.score_cache.borrow().get(&key) {
            return s;
        }
        let s: String = w.iter().collect();
        let n = self.count_lower(&s);
        let novel = (1.0 - KNOWN_WEIGHT).ln() + self.word_logp(w);
        // Known words' share of the paragraph language's tokens, when the
        // batch has enough of that language.
        let tokens = match self.lang_tokens {
            Some(t) if !s.is_ascii() => t,
            _ => self.tokens,
        };
        // An unknown word written with an apostrophe: its clitic, the side
        // that is not a word on its own, as the batch's counts read it.
        let split = if n <= 0.0 { clitic_of(&s, |x| self.count_lower(x) > 0.0) } else { None };
        if let Some((before, clitic)) = split {
            if !self.clitic_attested(before, clitic) {
                // "avec’la", "9’septembre": joined by a clitic the batch
                // never writes on that side.
                let score = novel + UNATTESTED_CLITIC;
                self.score_cache.borrow_mut().insert(key, score);
                return score;
            }
        }
        let score = if n <= 0.0 || tokens == 0 {
            // "facetime’s", "l’industrie": a known word and a clitic of at
            // most two letters across an apostrophe are as likely as the
            // word, discounted by the clitic's own chance.
            match split {
                Some((before, clitic)) if tokens > 0 && self.apostrophes => {
                    let cut = clitic.len() + '’'.len_utf8();
                    let word = if before { &s[cut..] } else { &s[..s.len() - cut] };
                    let m = self.count_lower(word);
                    if (1..=2).contains(&clitic.chars().count())
                        && word.chars().count() >= 2
                        && clitic.chars().all(|c| c.is_alpha())
                        && m > 0.0
                    {
                        novel.max((KNOWN_WEIGHT * m / tokens as f32).ln() + CLITIC)
                    } else {
                        novel
                    }
                }
                _ => novel,
            }
        } else if !self.known_here(&s) {
            // A word the batch only wrote in other languages is no word of
            // this one: "dialog", seen in English, is no reason to read the
            // Spanish "dialog?" as "dialog”" rather than "dialogó".
            // (realtext-dev `qmark_char`: 0.673 → 0.687; counting such a
            // word at a tenth of its count gave 0.680.)
            novel
        } else {
            let known = (KNOWN_WEIGHT * n / tokens as f32).ln();
            let (a, b) = if known > novel { (known, novel) } else { (novel, known) };
            a + (b - a).exp().ln_1p()
        };
        self.score_cache.borrow_mut().insert(key, score);
        score
    }

    /// Whether `c` may fill a blank of `bytes` UTF-8 bytes (`0` = any) for
    /// damage `mark`.
    fn slot_ok(c: char, bytes: usize, mark: char) -> bool {
        if bytes != 0 && c.len_utf8() != bytes {
            return false;
        }
        if mark == QM_NOT_LATIN1 {
            // The text kept its Latin-1 letters: what was lost is outside
            // Latin-1 (curly quotes, dashes, Central European letters).
            return (c as u32) > 0xFF;
        }
        if mark == FFFD {
            // A byte a UTF-8 decoder rejected: a character of the single-byte
            // code page the text was really in (Windows-1252 and its
            // neighbours encode the letters of the languages concerned).
            return super::codec::byte_in(c, 0).is_some_and(|b| b >= 0xA0 || c == '’' || c == '–' || c == '—')
                || super::codec::byte_in(c, 1).is_some_and(|b| b >= 0xA0);
        }
        true
    }

    /// The best way to fill the blanks of `pattern` (lower-cased word
    /// characters, [`Unit::Blank`] for a lost character).
    fn fill(&self, pattern: &[Unit], mark: char) -> Option<Fill> {
        let key = hash_of((pattern, mark));
        if let Some(f) = self.fill_cache.borrow().get(&key) {
            return f.clone();
        }
        let f = self.fill_uncached(pattern, mark);
        self.fill_cache.borrow_mut().insert(key, f.clone());
        f
    }

    /// The score of [`Model::fill`] and its first slot, without cloning
    /// the fill (the search scores every combination of readings).
    fn fill_score(&self, pattern: &[Unit], mark: char) -> Option<(f32, Option<char>)> {
        let key = hash_of((pattern, mark));
        let of = |f: &Fill| (f.score, f.slots.first().copied());
        if let Some(f) = self.fill_cache.borrow().get(&key) {
            return f.as_ref().map(of);
        }
        let f = self.fill_uncached(pattern, mark);
        let out = f.as_ref().map(of);
        self.fill_cache.borrow_mut().insert(key, f);
        out
    }

    fn fill_uncached(&self, pattern: &[Unit], mark: char) -> Option<Fill> {
        let nblanks = pattern.iter().filter(|u| matches!(u, Unit::Blank(_))).count();
        if nblanks == 0 {
            let w: Vec<char> = pattern.iter().map(|u| if let Unit::Char(c) = u { *c } else { BLANK }).collect();
            return Some(Fill { score: self.word_score(&w), slots: Vec::new() });
        }
        // 1. Known words of the same shape.
        let per_byte = pattern.iter().any(|u| matches!(u, Unit::Blank(b) if *b > 0));
        let mut shape = String::with_capacity(pattern.len() * 4);
        for u in pattern {
            match u {
                Unit::Char(c) => shape.push(*c),
                Unit::Blank(b) => {
                    for _ in 0..(*b).max(1) {
                        shape.push(BLANK);
                    }
                }
            }
        }
        let blank_bytes: Vec<usize> =
            pattern.iter().filter_map(|u| if let Unit::Blank(b) = u { Some(*b) } else { None }).collect();
        let mut best: Option<(f32, &str, Vec<char>)> = None;
        let mut shape_total = 0.0f32;
        for d in &self.by_shape {
            let idx = if per_byte { &d.by_byte } else { &d.by_char };
            let Some(v) = idx.get(shape.as_str()) else { continue };
            // Most frequent first: the prior can lift a rarer word, not one
            // from the long tail.
            for (w, _) in v.iter().take(SHAPE_CANDIDATES) {
                // The characters in the blanks.
                let mut slots: Vec<char> = Vec::with_capacity(w.len() / 2);
                slots.extend(w.chars().filter(|c| !c.is_ascii()));
                let same_script = slots.iter().all(|&c| c == '’' || !c.is_alpha() || script(c) == self.script);
                let ok = same_script
                    && if per_byte {
                        slots.iter().all(|&c| Self::slot_ok(c, 0, mark))
                    } else {
                        slots.len() == nblanks
                            && slots.iter().zip(&blank_bytes).all(|(&c, &b)| Self::slot_ok(c, b, mark))
                    };
                if !ok {
                    continue;
                }
                let n = self.count_lower(w);
                shape_total += n;
                let prior: f32 = slots.iter().map(|&c| self.prior_ln(c)).sum();
                // With a letter model for the language, it weighs the
                // candidates (a word list knows "realizá" and "realizó"
                // alike); without one, the language's character prior.
                let score = if self.letters.is_some() {
                    let wc: Vec<char> = w.chars().collect();
                    n.max(0.5).ln() + self.word_logp(&wc)
                } else {
                    n.max(0.5).ln() + PRIOR_WEIGHT * prior
                };
                let better = match &best {
                    None => true,
                    Some(b) => score > b.0 || score == b.0 && &**w < b.1,
                };
                if better {
                    best = Some((score, w, slots));
                }
            }
        }
        if let Some((_, w, slots)) = best {
            if self.lone.is_some() && !pattern.iter().any(|u| matches!(u, Unit::Char(_))) {
                // A word lost whole: its share among the words of its
                // shape, since the reading's prior already is the chance
                // of such a word (see `lone_prior`).
                return Some(Fill { score: (self.count_lower(w) / shape_total.max(1.0)).max(1e-4).ln(), slots });
            }
            let wc: Vec<char> = w.chars().collect();
            let shaped = Fill { score: self.word_score(&wc), slots };
            // A word the batch wrote only in other languages reads as a
            // novel word here (see `word_score`): the character model's
            // own reading may then be the better one ("más all?" is
            // "allá", not the French "allé").
            if !self.known_here(w) && self.has_model() {
                if let Some(f) = self.model_fill(pattern, mark) {
                    if f.score > shaped.score {
                        return Some(f);
                    }
                }
            }
            return Some(shaped);
        }
        // 2. The character model, for words with letters left to go by.
        if !self.has_model() || !pattern.iter().any(|u| matches!(u, Unit::Char(c) if c.is_alpha())) {
            return None;
        }
        self.model_fill(pattern, mark)
    }

    /// Beam search over the blanks with the n-gram model and the prior.
    fn model_fill(&self, pattern: &[Unit], mark: char) -> Option<Fill> {
        // Expand per-byte blanks into characters: a run of 4 bytes inside a
        // word is two 2-byte letters, 5 is 2+3 or 3+2, …
        let mut variants: Vec<Vec<Unit>> = vec![Vec::new()];
        for u in pattern {
            match u {
                Unit::Blank(b) if *b >= 4 => {
                    let parts = compositions(*b);
                    let mut next = Vec::new();
                    for v in &variants {
                        for p in &parts {
                            let mut v2 = v.clone();
                            v2.extend(p.iter().map(|&x| Unit::Blank(x)));
                            next.push(v2);
                        }
                    }
                    variants = next;
                }
                _ => {
                    for v in &mut variants {
                        v.push(u.clone());
                    }
                }
            }
            if variants.len() > 8 {
                variants.truncate(8);
            }
        }
        let mut best: Option<Fill> = None;
        for v in variants {
            if let Some(f) = self.beam(&v, mark) {
                if best.as_ref().is_none_or(|b| f.score > b.score) {
                    best = Some(f);
                }
            }
        }
        best
    }

    /// What known words sharing a beginning or an ending with `pattern`
    /// around its blank at `pos` have there: "m?dica" after "médico",
    /// "regenf?lle" after "unfälle". Inflections and compounds of a word the
    /// batch saw intact are a surer guide than the batch's own letter
    /// statistics; used only for languages without a [`Letters`] model,
    /// which reads the same inflections from far more text. A share per
    /// character, or nothing without such words.
    fn affix_votes(&self, pattern: &[Unit], pos: usize) -> Vec<(char, f32)> {
        let Some(d) = self.main else { return Vec::new() };
        let shape: Vec<char> = pattern.iter().map(|u| if let Unit::Char(c) = u { *c } else { BLANK }).collect();
        let len = shape.len();
        let mut votes: Vec<(char, f32)> = Vec::new();
        let mut add = |words: &mut dyn Iterator<Item = (&str, u64)>, at: &dyn Fn(&str) -> Option<char>| {
            let mut got: Vec<(char, f32)> = Vec::new();
            let mut tot = 0.0;
            for (w, n) in words {
                let Some(c) = at(w) else { continue };
                let n = n as f32;
                tot += n;
                match got.iter_mut().find(|x| x.0 == c) {
                    Some(x) => x.1 += n,
                    None => got.push((c, n)),
                }
            }
            if tot > 0.0 {
                for (c, n) in got {
                    match votes.iter_mut().find(|x| x.0 == c) {
                        Some(x) => x.1 += n / tot,
                        None => votes.push((c, n / tot)),
                    }
                }
                true
            } else {
                false
            }
        };
        // Beginnings: the word up to a few letters past the blank.
        for after in (AFFIX_MIN_AFTER..=AFFIX_MAX_SIDE).rev() {
            let end = pos + 1 + after;
            if end > len || end < AFFIX_MIN_LEN {
                continue;
            }
            let q: String = shape[..end].iter().collect();
            let mut it = d.affix(&q, false, AFFIX_CAP);
            if add(&mut it, &|w: &str| w.chars().nth(pos)) {
                break;
            }
        }
        // Endings: from a few letters before the blank to the word's end.
        for before in (1..=AFFIX_MAX_SIDE.min(pos)).rev() {
            let start = pos - before;
            if len - start < AFFIX_MIN_LEN || start == 0 {
                continue;
            }
            let q: String = shape[start..].iter().rev().collect();
            let from_end = len - 1 - pos;
            let mut it = d.affix(&q, true, AFFIX_CAP);
            if add(&mut it, &|w: &str| w.chars().rev().nth(from_end)) {
                break;
            }
        }
        let tot: f32 = votes.iter().map(|x| x.1).sum();
        for v in &mut votes {
            v.1 /= tot;
        }
        votes
    }

    /// Left-to-right beam over the blanks, scoring each candidate only by
    /// the n-gram terms it changes.
    fn beam(&self, pattern: &[Unit], mark: char) -> Option<Fill> {
        const WIDTH: usize = 4;
        let blanks: Vec<usize> =
            pattern.iter().enumerate().filter(|(_, u)| matches!(u, Unit::Blank(_))).map(|(i, _)| i).collect();
        let len = pattern.len();
        let off = ORDER - 1;
        let mut buf: Vec<char> = Vec::with_capacity(len + ORDER);
        buf.extend(std::iter::repeat_n(BOW, off));
        buf.extend(pattern.iter().map(|u| if let Unit::Char(c) = u { *c } else { BLANK }));
        buf.push(EOW);
        // With a letter model the affix votes measured no better than
        // nothing (realtext-dev, prior weight 1.5: 0.884 without them,
        // 0.883 at weight 0.3, 0.882 at 0.6; at prior weight 0.5, 0.886
        // without and at 0.2): it reads the same inflections from far more
        // text.
        let votes: Vec<Vec<(char, f32)>> = if self.letters.is_some() {
            vec![Vec::new(); blanks.len()]
        } else {
            blanks.iter().map(|&p| self.affix_votes(pattern, p)).collect()
        };
        // (slots, score, the part of the score that is not n-gram terms)
        let mut beam: Vec<(Vec<char>, f32, f32)> = vec![(Vec::new(), 0.0, 0.0)];
        for (bi, &pos) in blanks.iter().enumerate() {
            let Unit::Blank(bytes) = pattern[pos] else { unreachable!() };
            let next_blank = blanks.get(bi + 1).copied().unwrap_or(usize::MAX);
            let mut next: Vec<(Vec<char>, f32, f32)> = Vec::new();
            for (slots, sc, fixed) in &beam {
                for (k, &c) in slots.iter().enumerate() {
                    buf[blanks[k] + off] = c;
                }
                let prev = (pos > 0).then(|| buf[pos + off - 1]).filter(|&c| c != BLANK);
                let nxt = match pattern.get(pos + 1) {
                    Some(Unit::Char(c)) => Some(*c),
                    Some(Unit::Blank(_)) => None,
                    None => Some(EOW),
                };
                let mut cands = self.candidates(prev, nxt, bytes, mark);
                for &(c, _) in &votes[bi] {
                    if !cands.contains(&c) && Self::slot_ok(c, bytes, mark) && script(c) == self.script {
                        cands.push(c);
                    }
                }
                for c in cands {
                    buf[pos + off] = c;
                    let pw = if self.letters.is_some() { PRIOR_WEIGHT_LETTERS } else { PRIOR_WEIGHT };
                    let mut local = pw * self.prior_ln(c);
                    if !votes[bi].is_empty() {
                        let share = votes[bi].iter().find(|x| x.0 == c).map_or(0.0, |x| x.1);
                        local += AFFIX_WEIGHT * (share + AFFIX_FLOOR).ln();
                    }
                    let own = local;
                    // The blank's own term and the two after it carry
                    // nearly all the evidence.
                    let last = (pos + LOOKAHEAD).min(len);
                    for j in pos..=last {
                        if j >= next_blank {
                            break;
                        }
                        local += self.logp(&buf[j..j + off], buf[j + off]);
                    }
                    let mut s2 = slots.clone();
                    s2.push(c);
                    next.push((s2, sc + local, fixed + own));
                }
                buf[pos + off] = BLANK;
            }
            next.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
            next.truncate(WIDTH);
            if next.is_empty() {
                return None;
            }
            beam = next;
        }
        // The beam ranked its readings by the few letters after each blank;
        // the whole word decides between the survivors ("gef?hrlichen":
        // "geführ" reads as well as "gefähr", "geführl" does not).
        let mut best: Option<(Vec<char>, f32, f32)> = None;
        for (slots, _, fixed) in beam {
            for (k, &c) in slots.iter().enumerate() {
                buf[blanks[k] + off] = c;
            }
            let whole = fixed + self.word_logp(&buf[off..off + len]);
            if best.as_ref().is_none_or(|b| whole > b.1) {
                best = Some((slots, whole, fixed));
            }
        }
        let (slots, _, _) = best?;
        for (k, &c) in slots.iter().enumerate() {
            buf[blanks[k] + off] = c;
        }
        let score = self.word_score(&buf[off..off + len]);
        Some(Fill { slots, score })
    }

    /// Characters that may fill a blank between `prev` and `next`: those
    /// the model has seen after `prev` and before `next` first.
    fn candidates(&self, prev: Option<char>, next: Option<char>, bytes: usize, mark: char) -> Vec<char> {
        let ok = |c: char| {
            (c == '’' && self.apostrophes || c.is_alpha() && script(c) == self.script)
                && Self::slot_ok(c, bytes, mark)
                && lower_char(c) == c
        };
        // The paragraph language's own letters are always candidates: the
        // batch may have seen too little of the language to rank them.
        let own = self.letters.map_or("", |l| l.alphabet());
        let Some(d) = self.main else {
            // The apostrophe too: "don?t" in any Latin-script language.
            return own.chars().chain(['’']).filter(|&c| ok(c)).collect();
        };
        let after: &[char] = prev.and_then(|p| d.follow.get(&p)).map_or(&[], |v| v.as_slice());
        let before: &[char] = next.and_then(|n| d.precede.get(&n)).map_or(&[], |v| v.as_slice());
        let mut out: Vec<char> = Vec::with_capacity(CANDIDATES);
        for &c in after {
            if before.contains(&c) && ok(c) {
                out.push(c);
            }
        }
        for (&a, &b) in after.iter().zip(before.iter()) {
            for c in [a, b] {
                if out.len() < CANDIDATES && !out.contains(&c) && ok(c) {
                    out.push(c);
                }
            }
        }
        let longer = if after.len() > before.len() { after } else { before };
        for &c in longer.iter().skip(after.len().min(before.len())) {
            if out.len() < CANDIDATES && !out.contains(&c) && ok(c) {
                out.push(c);
            }
        }
        if out.len() < 4 {
            for &c in self.alphabet.iter() {
                if out.len() >= 8 {
                    break;
                }
                if !out.contains(&c) && ok(c) {
                    out.push(c);
                }
            }
        }
        out.truncate(CANDIDATES);
        for c in own.chars() {
            if !out.contains(&c) && ok(c) {
                out.push(c);
            }
        }
        out
    }
}

/// Ways to split a run of `n` bytes into characters of 2 or 3 bytes.
fn compositions(n: usize) -> Vec<Vec<usize>> {
    fn go(n: usize, cur: &mut Vec<usize>, out: &mut Vec<Vec<usize>>) {
        if n == 0 {
            out.push(cur.clone());
            return;
        }
        for p in [2, 3] {
            if p <= n && cur.len() < 4 {
                cur.push(p);
                go(n - p, cur, out);
                cur.pop();
            }
        }
    }
    let mut out = Vec::new();
    go(n, &mut Vec::new(), &mut out);
    out
}

/// One position of a word pattern.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum Unit {
    Char(char),
    /// A lost character: its UTF-8 length in bytes, or 0 when unknown
    /// (per-character damage).
    Blank(usize),
}

/// A reading of one run.
#[derive(Clone, Debug)]
enum Reading {
    /// Leave the run as it is (a real question mark, or damage nothing
    /// explains).
    Keep,
    /// Letters of the word(s) around it: per character, or per byte with
    /// these UTF-8 lengths.
    Letters(Vec<usize>),
    /// Punctuation, possibly followed by letters (at a word start) or
    /// preceded by letters (at a word end), or letters then a real `?`.
    Mixed { before: String, letters: Vec<usize>, after: String },
}

/// One restored run: characters `start..end` of the text become `text`.
#[derive(Clone, Debug)]
pub(crate) struct Edit {
    pub(crate) start: usize,
    pub(crate) end: usize,
    pub(crate) text: String,
    /// `?` or U+FFFD.
    pub(crate) mark: char,
}

/// Restore the lost characters of `text`: the edits, in order, or `None`
/// when nothing changes.
pub(crate) fn restore_edits(text: &str, lexicons: &[&Lexicon]) -> Option<Vec<Edit>> {
    restore_edits_gated(text, lexicons, true).0
}

/// [`restore_edits`], with `gate` saying whether [`plainly_a_question`]
/// may decide (false only in the test that checks it never changes the
/// outcome), and whether it did.
fn restore_edits_gated(text: &str, lexicons: &[&Lexicon], gate: bool) -> (Option<Vec<Edit>>, bool) {
    let chars: Vec<char> = text.chars().collect();
    let cl = clusters(&chars);
    let mut work: Vec<((usize, usize), Vec<Run>)> = Vec::new();
    let mut n_inner = 0;
    let mut n_inner_single = 0;
    let mut n_start = 0;
    let mut has_fffd = false;
    let mut has_q_runs = false;
    for &(cs, ce) in &cl {
        let runs = runs_in(&chars, cs, ce);
        if runs.is_empty() {
            continue;
        }
        if runs.iter().any(|r| r.mark == QM) && is_code(&chars[cs..ce]) {
            let keep: Vec<Run> = runs.into_iter().filter(|r| r.mark == FFFD).collect();
            if !keep.is_empty() {
                has_fffd = true;
                work.push(((cs, ce), keep));
            }
            continue;
        }
        for r in &runs {
            if r.mark == FFFD {
                has_fffd = true;
                continue;
            }
            has_q_runs = true;
            if inner(&chars, cs, ce, r) {
                n_inner += 1;
                if r.len() == 1 {
                    n_inner_single += 1;
                }
            } else if side(prev(&chars, cs, r.start)) != Side::Letter
                && next(&chars, ce, r.end).is_some_and(|c| c.is_alnum())
            {
                // Glued to the start of a word: one `?` could be a typo, two
                // or more are not punctuation anyone types.
                // Nor does anyone type a `?` glued to a capital after a
                // space: a lost opening quote ("?These are…") or `¿`.
                let capital_after_space = next(&chars, ce, r.end).is_some_and(char::is_uppercase)
                    && prev(&chars, cs, r.start).is_none_or(char::is_whitespace);
                n_start += if r.len() >= 2 || capital_after_space { 2 } else { 1 };
            } else if lone_mid_sentence(&chars, cs, ce, r) || closes_open_quote(&chars, cs, ce, r) {
                n_start += 2;
            } else if side(prev(&chars, cs, r.start)) == Side::Letter
                && lower_word_after(&chars, r.end)
                && !lexicons.iter().any(|l| l.count_lower(&bare_word(&chars, cs, r)) > 0)
            {
                // Glued to the end of a word no lexicon knows and followed by
                // a lower-case word: a question mark in informal text, once
                // ("what? no way" after a known word is, however often);
                // twice in one paragraph, letters lost at word ends
                // ("enumer? una").
                n_start += 1;
            }
        }
        work.push(((cs, ce), runs));
    }
    if work.is_empty() {
        return (None, false);
    }
    let q_damaged = n_inner >= 1 || n_start >= 2;
    let q_mode =
        if n_inner_single > 0 || (n_inner == 0 && any_single(&chars, &work)) { Mode::PerChar } else { Mode::PerByte };
    let f_mode = fffd_mode(&chars, &work);
    if !q_damaged && !has_fffd && !has_q_runs {
        return (None, false);
    }
    let lang = lang_of(&chars);
    let lang_tokens = tokens_in(lexicons, lang);
    if gate
        && !q_damaged
        && !has_fffd
        && work.iter().all(|(cl, runs)| {
            runs.iter().all(|r| {
                !confirmable(&chars, cl.0, cl.1, r) || plainly_a_question(&chars, *cl, r, lexicons, lang, lang_tokens)
            })
        })
    {
        return (None, true);
    }
    // Intact non-ASCII characters: per-character damage then only took what
    // the target charset lacked, and U+FFFD is a local loss.
    let intact_non_ascii = chars.iter().filter(|&&c| !c.is_ascii() && c != FFFD).count();
    let latin1_kept = chars.iter().any(|&c| c.is_alpha() && !c.is_ascii() && (c as u32) <= 0xFF);
    let para = Para {
        q_mode,
        f_mode,
        q_damaged,
        q_latin1_kept: q_mode == Mode::PerChar && latin1_kept,
        f_dense: has_fffd && intact_non_ascii == 0,
        last_closer: last_closers(&chars),
        first_opener: first_opener(&chars),
        one_letter: one_letter_spacing(&chars, &work, q_mode, f_mode),
    };
    let model = Model::new(lexicons, &chars, lang, lang_tokens);
    let style = Style::new(&model);
    let mut edits: Vec<(usize, usize, String)> = Vec::new();
    let mut quotes = QuoteState::default();
    let mut done = 0;
    for ((cs, ce), runs) in &work {
        let runs: Vec<Run> =
            runs.iter().filter(|r| r.mark == FFFD || q_damaged || confirmable(&chars, *cs, *ce, r)).cloned().collect();
        if runs.is_empty() {
            continue;
        }
        // Intact quotes between damaged clusters ("„Entschlossen für
        // Veränderungen???") open and close too.
        intact_quotes(&chars[done..*cs], &mut quotes);
        done = *ce;
        resolve_cluster(&chars, *cs, *ce, &runs, &model, &style, &mut quotes, &para, &mut edits);
    }
    if edits.is_empty() {
        return (None, false);
    }
    edits.sort_by_key(|e| e.0);
    (Some(edits.into_iter().map(|(start, end, text)| Edit { start, end, text, mark: chars[start] }).collect()), false)
}

/// Restore the lost characters of `text`. `None` when nothing changed.
#[cfg(test)]
fn restore(text: &str, lexicons: &[&Lexicon]) -> Option<String> {
    let chars: Vec<char> = text.chars().collect();
    let edits = restore_edits(text, lexicons)?;
    let mut out = String::new();
    let mut i = 0;
    for e in edits {
        out.extend(&chars[i..e.start]);
        out.push_str(&e.text);
        i = e.end;
    }
    out.extend(&chars[i..]);
    Some(out)
}

fn prev(chars: &[char], cs: usize, i: usize) -> Option<char> {
    (i > cs).then(|| chars[i - 1])
}

fn next(chars: &[char], ce: usize, i: usize) -> Option<char> {
    (i < ce).then(|| chars[i])
}

/// Three `?` standing alone between two lower-case words ("the stuff ???
/// about 2,300 tons"): the three bytes of a dash, not a question, which
/// ends a sentence and is not set off by spaces.
fn lone_mid_sentence(chars: &[char], cs: usize, ce: usize, r: &Run) -> bool {
    r.mark == QM
        && r.start == cs
        && r.end == ce
        && r.len() == 3
        && cs >= 2
        && chars[cs - 1] == ' '
        && lower_word_before(chars, cs - 1)
        && lower_word_after(chars, ce)
}

/// Whether the word ending at `end` is lower case only, two letters or
/// more: inside a sentence, not its first word ("What ??? means" names a
/// string).
fn lower_word_before(chars: &[char], end: usize) -> bool {
    let word = chars[..end].iter().rev().take_while(|c| !is_blank(**c)).count();
    word >= 2 && chars[end - word..end].iter().all(|c| c.is_lowercase())
}

/// A run where an intact opening quote still waits for its closer, as
/// long as the closer is in bytes ("“… she settles for.???" is "for.”",
/// "»… hat.??" is "hat.«"): the closer is what was lost.
fn closes_open_quote(chars: &[char], cs: usize, ce: usize, r: &Run) -> bool {
    if r.mark != QM || r.len() < 2 {
        return false;
    }
    let before = prev(chars, cs, r.start);
    let at_close = match before {
        None => r.end == ce,
        Some(c) => c.is_alpha() || matches!(c, '.' | ',' | '!' | '’'),
    };
    if !at_close || side(next(chars, ce, r.end)) == Side::Letter {
        return false;
    }
    let mut open = QuoteState::default();
    intact_quotes(&chars[..r.start], &mut open);
    let closer = match (open.double, open.guillemet) {
        (Some(_), None) => '”',
        (None, Some('«')) => '»',
        (None, Some(_)) => '«',
        _ => return false,
    };
    // Closed later on, the quote did not lose its closer here ("»Wirklich??«").
    let closed_later = chars[r.end..].iter().any(|&c| c == closer || closer == '”' && c == '“');
    r.len() == closer.len_utf8() && !closed_later
}

/// Whether the sentence before position `i` opens with `¿`: what closes it
/// is a question however it goes on ("¿En serio?? no lo creo").
fn opened_question(chars: &[char], i: usize) -> bool {
    chars[..i].iter().rev().take_while(|c| !matches!(c, '.' | '!' | '?' | '\n')).any(|&c| c == '¿')
}

/// Whether a space and then a lower-case letter follow position `i`.
fn lower_word_after(chars: &[char], i: usize) -> bool {
    let rest = chars.get(i..).unwrap_or(&[]);
    let spaces = rest.iter().take_while(|&&c| c == ' ').count();
    spaces > 0 && rest.get(spaces).is_some_and(|c| c.is_lowercase())
}

fn any_single(chars: &[char], work: &[((usize, usize), Vec<Run>)]) -> bool {
    work.iter().any(|((cs, ce), runs)| {
        runs.iter().any(|r| {
            r.mark == QM && r.len() == 1 && side(next(chars, *ce, r.end)) == Side::Letter && r.start > *cs
                || r.mark == QM && r.len() == 1 && r.start == *cs && side(next(chars, *ce, r.end)) == Side::Letter
                || r.mark == QM
                    && r.len() == 1
                    && side(prev(chars, *cs, r.start)) == Side::Letter
                    && lower_word_after(chars, r.end)
        })
    })
}

fn fffd_mode(chars: &[char], work: &[((usize, usize), Vec<Run>)]) -> Mode {
    let mut single = 0;
    let mut multi = 0;
    for ((cs, ce), runs) in work {
        for r in runs.iter().filter(|r| r.mark == FFFD) {
            if inner(chars, *cs, *ce, r) {
                if r.len() == 1 {
                    single += 1;
                } else {
                    multi += 1;
                }
            }
        }
    }
    if multi > 0 && single == 0 {
        Mode::PerByte
    } else {
        Mode::PerChar
    }
}

/// The paragraph's language: from its intact function words, else from
/// its letters.
fn lang_of(chars: &[char]) -> Option<LangId> {
    let text: String = chars.iter().collect();
    langid::of_text(&text).or_else(|| Letters::guess(&text).and_then(langid::id_of))
}

/// The word tokens the lexicons learned from text saw in `lang`, when
/// there are enough to tell that language's words from others.
fn tokens_in(lexicons: &[&Lexicon], lang: Option<LangId>) -> Option<u64> {
    lang.map(|l| lexicons.iter().filter(|x| !x.is_list()).map(|x| x.tokens_in(l)).sum::<u64>())
        .filter(|&t| t >= MIN_LANG_TOKENS)
}

/// Whether `w` is a word of the paragraph's language `lang`: seen in it by
/// a lexicon learned from text that has enough of the language to tell
/// (`lang_tokens`), or, without one, known at all.
fn known_in(lexicons: &[&Lexicon], lang: Option<LangId>, lang_tokens: Option<u64>, w: &str) -> bool {
    if let (Some(lang), Some(_)) = (lang, lang_tokens) {
        return lexicons.iter().any(|l| if l.is_list() { l.count_lower(w) > 0 } else { l.seen_in(w, lang) });
    }
    lexicons.iter().any(|l| l.count_lower(w) > 0)
}

/// Closing punctuation that may follow a question mark in its cluster
/// ("cyberstalker?”", "here?)"), German and Danish closers included
/// ("morgen?“", "»…?«").
fn closes_question(c: char) -> bool {
    matches!(c, '”' | '“' | '’' | '‘' | '»' | '«' | ')' | ']' | '"' | '\'' | '.' | ',' | ';' | ':' | '!')
}

/// A run that, in a paragraph without other evidence of damage, can only
/// be kept: fewer than three letters in its word (no letters reading is
/// tried), or a question mark, single or doubled before a capital or the
/// end (`Beijing?? By`), that ends a word of the paragraph's language
/// followed by closing punctuation at most, where no known word is that
/// word plus the lost characters (`ourselves? pic`, but not `ser? desde`
/// when the batch knows "será"). The restorer then needs neither the
/// batch's character models nor their indexes for the paragraph; the
/// last case is the one it decides by weighing readings, and on every set
/// we have (realtext-dev, dev.jsonl, dev and wcxb-dev in both modes: 200
/// such paragraphs) the full weighing kept each of them.
fn plainly_a_question(
    chars: &[char],
    (cs, ce): (usize, usize),
    r: &Run,
    lexicons: &[&Lexicon],
    lang: Option<LangId>,
    lang_tokens: Option<u64>,
) -> bool {
    if r.mark != QM {
        return false;
    }
    if word_letters(chars, cs, ce, r) < 3 {
        return true;
    }
    let n = r.len();
    if n > 2 || !chars[r.end..ce].iter().all(|&c| closes_question(c)) {
        return false;
    }
    if n == 2 && lower_word_after(chars, r.end) && !opened_question(chars, r.start) {
        return false;
    }
    let bare = bare_word(chars, cs, r);
    if !known_in(lexicons, lang, lang_tokens, &bare) {
        return false;
    }
    let mut shape = bare;
    shape.extend(std::iter::repeat_n(BLANK, n));
    !lexicons.iter().any(|l| {
        let s = l.shapes();
        s.by_char.contains_key(shape.as_str()) || s.by_byte.contains_key(shape.as_str())
    })
}

/// Without other evidence of damage, a run at the end of a word may still
/// be restored when the lexicons say so (decided in [`resolve_cluster`]).
fn confirmable(chars: &[char], cs: usize, ce: usize, r: &Run) -> bool {
    r.start > cs && chars[r.start - 1].is_alpha() && side(next(chars, ce, r.end)) != Side::Letter
}

/// The paragraph's typographic habits, from the language prior.
struct Style {
    /// Opening double quote and its weight.
    open: Vec<(char, f32)>,
    /// Closing double quote after each opening one.
    close_low9: char,
    close_66: char,
    /// `–` or `—` between spaces.
    dash: char,
    guillemets: bool,
}

impl Style {
    fn new(m: &Model) -> Style {
        let p = |c| m.prior_of(c);
        let (low9, q66, q99) = (p('„'), p('“'), p('”'));
        let guill = p('«') + p('»');
        let quotes = low9 + q66 + q99 + guill + 1e-6;
        // Shares within the family of double quotes.
        let (r_low9, r66, r99, r_g) = (low9 / quotes, q66 / quotes, q99 / quotes, guill / quotes);
        let mut open = match m.opened {
            // The batch's own openers in the language, in the share of
            // double quotes that are not guillemets.
            Some((low9, q66)) => {
                let n = (low9 + q66) as f32 + 1.0;
                let rest = 1.0 - r_g;
                vec![('“', rest * (q66 as f32 + 0.5) / n), ('„', rest * (low9 as f32 + 0.5) / n), ('«', 0.005 + r_g)]
            }
            None => {
                vec![('“', 0.05 + (r66 - r_low9).max(0.0) + 0.5 * r99), ('„', 0.01 + 1.5 * r_low9), ('«', 0.005 + r_g)]
            }
        };
        let tot: f32 = open.iter().map(|x| x.1).sum();
        for o in &mut open {
            o.1 /= tot;
        }
        // What closes „ in the batch's own pairs; without enough of them,
        // the language's share of each quote.
        let close_low9 = m.low9_close.unwrap_or(if r66 >= r99 { '“' } else { '”' });
        let dash = if p('—') > 1.5 * p('–') { '—' } else { '–' };
        Style { open, close_low9, close_66: '”', dash, guillemets: r_g > 0.5 }
    }
}

/// What the paragraph as a whole says about its damage.
struct Para {
    q_mode: Mode,
    f_mode: Mode,
    /// `?` damage is proven (a run between letters, or several at word
    /// starts).
    q_damaged: bool,
    /// Per-character `?` damage in a text that kept Latin-1 letters.
    q_latin1_kept: bool,
    /// U+FFFD throughout, no intact non-ASCII character: a wrong decoding
    /// of the whole text.
    f_dense: bool,
    /// See [`last_closers`] and [`first_opener`]; closers per family of
    /// quotes (double, guillemet, single), as each opener needs its own.
    last_closer: [Option<usize>; 3],
    first_opener: Option<usize>,
    /// One-letter words of the text followed by a lost run as long as a
    /// no-break space and a letter, and by a plain space and a letter.
    one_letter: (u32, u32),
}

/// Which quotes are open, to tell an opening from a closing one.
#[derive(Default)]
struct QuoteState {
    double: Option<char>,
    single: bool,
    /// The open guillemet: `«` as French writes it, `»` as German does.
    guillemet: Option<char>,
}

/// What a run stands for, by its neighbours: ln P of letters, of a real
/// question mark, and of each punctuation. The figures are the shares of
/// each reading in real text damaged the same way (lost characters between
/// two letters are almost always letters, before a capital almost always an
/// opening quote, between spaces mostly a dash), so they differ for damage
/// per byte, per character and by U+FFFD.
struct Priors {
    letters: f32,
    real_q: f32,
    punct: Vec<(String, f32)>,
}

/// A double quote, resolved by the paragraph's style and the quotes open.
const OPEN_DQ: &str = "\u{1}open";
const CLOSE_DQ: &str = "\u{1}close";

fn priors(mode: Mode, fffd: bool, l: Side, r: Side, r_upper: bool) -> Priors {
    use Side::*;
    let per_byte = mode == Mode::PerByte;
    let mut p: Vec<(&str, f32)> = Vec::new();
    let (letters, real_q): (f32, f32);
    match (l, r) {
        (Letter, Letter) if r_upper => {
            letters = if per_byte { -3.0 } else { -1.1 };
            real_q = -6.0;
            p.push(("\u{a0}", if per_byte { -0.1 } else { -0.4 }));
        }
        (Letter, Letter) => {
            letters = -0.05;
            real_q = -8.0;
            p.push(("\u{a0}", if per_byte { -4.1 } else { -3.0 }));
            p.push(("—", -5.3));
            p.push(("…", -6.0));
        }
        (Letter, Edge) => {
            letters = -0.25;
            real_q = if per_byte { -2.5 } else { -3.2 };
            p.push((CLOSE_DQ, if per_byte { -2.2 } else { -2.5 }));
            p.push(("\u{a0}", -4.0));
            p.push(("\u{a0}»", -3.9));
            p.push(("’", -4.3));
            p.push(("…", -5.0));
            p.push(("–", -4.5));
        }
        (Letter, Close) => {
            letters = -0.95;
            real_q = -4.0;
            p.push((CLOSE_DQ, -0.7));
            p.push(("’", -3.9));
            p.push(("’”", -3.5));
            p.push(("\u{a0}»", -3.5));
            p.push(("…", -4.0));
        }
        (Letter, Spaced) => {
            letters = -2.0;
            real_q = -1.3;
            p.push(("\u{a0}", -0.85));
            p.push(("\u{202f}", -2.5));
            p.push((CLOSE_DQ, -2.0));
        }
        (Letter, Open | Other) | (Digit, Letter) | (Letter, Digit) => {
            letters = -1.5;
            real_q = -5.0;
            p.push(("\u{a0}", -1.0));
            p.push(("’", -3.0));
            p.push(("–", -3.5));
        }
        (Edge | Open | Other | Close, Letter) if r_upper => {
            letters = -5.0;
            real_q = -6.0;
            p.push((OPEN_DQ, -0.2));
            p.push(("«", -2.6));
            p.push(("«\u{a0}", -2.8));
            p.push(("‘", if per_byte { -3.2 } else { -2.4 }));
            p.push(("\u{a0}", if l == Close { -0.2 } else { -3.9 }));
            p.push(("¿", -4.5));
            p.push(("¡", -5.0));
        }
        (Edge | Open | Other | Close, Letter) => {
            letters = if per_byte { -0.55 } else { -0.42 };
            real_q = -6.0;
            p.push((OPEN_DQ, if per_byte { -1.05 } else { -1.6 }));
            p.push(("«\u{a0}", if per_byte { -3.9 } else { -2.4 }));
            p.push(("‘", -4.0));
            p.push(("¿", if fffd { -3.0 } else { -4.5 }));
            p.push(("¡", -5.0));
            p.push(("–", if fffd { -2.3 } else { -3.5 }));
            p.push(("\u{a0}", if l == Open || l == Close { -0.5 } else { -4.5 }));
        }
        (Edge, Edge) => {
            letters = if per_byte { -1.1 } else { -0.6 };
            real_q = if per_byte { -2.0 } else { -3.2 };
            p.push(("\u{2}dash", if per_byte { -0.7 } else { -1.1 }));
            p.push(("…", -4.0));
            p.push(("«", -3.9));
            p.push(("»", -3.9));
            p.push(("\u{a0}", -4.5));
        }
        (Close | Spaced, Edge | Close | Spaced) => {
            letters = -5.0;
            real_q = -3.0;
            p.push((CLOSE_DQ, -0.3));
            p.push(("»", -2.7));
            p.push(("\u{a0}»", -2.5));
            p.push(("’", -3.5));
            p.push(("\u{a0}", if per_byte { -3.5 } else { -1.6 }));
        }
        (Digit, Digit) => {
            letters = -5.0;
            real_q = -5.0;
            p.push(("–", -1.0));
            p.push(("\u{a0}", -1.5));
        }
        (Digit, Edge | Close | Spaced) => {
            letters = -4.0;
            real_q = -3.0;
            p.push(("€", -1.5));
            p.push(("\u{a0}", -2.5));
            p.push((CLOSE_DQ, -2.5));
            p.push(("″", -5.0));
            p.push(("°", -3.5));
        }
        (Edge | Open, Digit) => {
            letters = -5.0;
            real_q = -5.0;
            p.push(("–", -1.5));
            p.push(("€", -3.0));
            p.push((OPEN_DQ, -2.5));
            p.push(("«\u{a0}", -3.0));
            p.push(("\u{a0}", if l == Open { -0.5 } else { -3.0 }));
        }
        (Open, Edge | Open) | (Digit, Open) | (Edge, Close | Spaced) => {
            letters = -5.0;
            real_q = -4.0;
            p.push(("\u{a0}", -1.0));
        }
        _ => {
            letters = -4.0;
            real_q = -4.0;
            p.push(("\u{a0}", -3.0));
            p.push(("–", -3.5));
        }
    }
    Priors {
        letters,
        real_q: if fffd { f32::NEG_INFINITY } else { real_q },
        punct: p.into_iter().map(|(a, b)| (a.to_string(), b)).collect(),
    }
}

/// Whether run `r` follows a word of one letter ("z?wyniku", "i??w").
fn after_one_letter_word(chars: &[char], cs: usize, r: &Run) -> bool {
    r.start > cs && chars[r.start - 1].is_alpha() && (r.start - 1 == cs || !is_wordish(chars[r.start - 2]))
}

/// How the text spaces its one-letter words: followed by a lost run as
/// long as a no-break space (one mark per character, two per byte) and a
/// letter, and followed by a plain space and a letter. Only a word after a
/// space or the text's start counts, so "w" in "i?w?tpliwo?ci" does not.
fn one_letter_spacing(chars: &[char], work: &[((usize, usize), Vec<Run>)], q_mode: Mode, f_mode: Mode) -> (u32, u32) {
    let mut glued = 0;
    for ((cs, ce), runs) in work {
        for r in runs {
            let mode = if r.mark == FFFD { f_mode } else { q_mode };
            let unit = if mode == Mode::PerByte { 2 } else { 1 };
            if r.len() == unit
                && r.start == cs + 1
                && chars[*cs].is_alpha()
                && next(chars, *ce, r.end).is_some_and(|c| c.is_alpha())
            {
                glued += 1;
            }
        }
    }
    let mut spaced = 0;
    for i in 0..chars.len().saturating_sub(2) {
        if chars[i].is_alpha() && chars[i + 1] == ' ' && chars[i + 2].is_alpha() && (i == 0 || is_blank(chars[i - 1])) {
            spaced += 1;
        }
    }
    (glued, spaced)
}

/// The share of one-letter words a no-break space follows, for a
/// language that glues them: the batch's share, moved towards the text's
/// own habit ([`one_letter_spacing`]) as far as the text shows it.
fn glue_share(model: &Model, para: &Para) -> Option<f32> {
    let g = model.glue?;
    if g < MIN_GLUE_SHARE {
        return Some(g);
    }
    let (glued, spaced) = para.one_letter;
    Some((glued as f32 + GLUE_PRIOR_WORDS * g) / ((glued + spaced) as f32 + GLUE_PRIOR_WORDS))
}

/// A lone run between spaces is a one-letter word ("à", "è") or a dash,
/// mostly: in the paragraph's language, as often as the batch shows each
/// of them (add-one smoothed). Replaces the priors' cross-language guess.
fn lone_prior(pr: &mut Priors, words: f32, dashes: f32) {
    let share = (words + 1.0) / (words + dashes + 2.0);
    pr.letters = share.ln();
    for (p, w) in &mut pr.punct {
        if p == "\u{2}dash" {
            *w = (1.0 - share).ln();
        }
    }
}

/// Resolve the double quotes and dashes of a prior's punctuation by the
/// paragraph's style and the quotes already open.
fn resolve_punct(list: &[(String, f32)], st: &Style, q: &QuoteState) -> Vec<(String, f32)> {
    let mut out = Vec::new();
    for (p, w) in list {
        match p.as_str() {
            OPEN_DQ => {
                let bias = if q.double.is_some() { -2.0 } else { 0.0 };
                for &(c, share) in &st.open {
                    out.push((c.to_string(), w + share.max(0.001).ln() + bias));
                }
            }
            CLOSE_DQ => {
                if q.guillemet == Some('»') && q.double.is_none() {
                    // Inside German guillemets the closer may be `«`.
                    out.push(("«".to_string(), w + 0.5));
                }
                let close = match q.double {
                    Some('„') => st.close_low9,
                    _ => st.close_66,
                };
                let bias = if q.double.is_some() { 0.5 } else { 0.0 };
                out.push((close.to_string(), w + bias));
                if close != '“' && st.close_low9 == '“' && q.double.is_none() {
                    out.push(("“".to_string(), w - 0.8));
                }
            }
            "\u{2}dash" => {
                out.push((st.dash.to_string(), *w));
                out.push(((if st.dash == '–' { '—' } else { '–' }).to_string(), w - 1.8));
            }
            "»" | "\u{a0}»" => out.push((p.clone(), if q.guillemet == Some('«') { w + 1.5 } else { *w })),
            "«" | "«\u{a0}" => out.push((p.clone(), if st.guillemets { w + 1.0 } else { *w })),
            "’" => out.push((p.clone(), if q.single { w + 2.5 } else { *w })),
            _ => out.push((p.clone(), *w)),
        }
    }
    out
}

/// The punctuation readings of a whole run of `units` (bytes or
/// characters).
fn punct_seqs(pr: &Priors, units: usize, mode: Mode, st: &Style, q: &QuoteState) -> Vec<(String, f32)> {
    let size = |s: &str| if mode == Mode::PerByte { s.len() } else { s.chars().count() };
    let mut out: Vec<(String, f32)> =
        resolve_punct(&pr.punct, st, q).into_iter().filter(|(p, _)| size(p) == units).collect();
    out.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    out.truncate(4);
    out
}

/// Ways to read a run of `len` units as letters only.
fn letter_splits(len: usize, mode: Mode) -> Vec<Vec<usize>> {
    match mode {
        Mode::PerChar => {
            if len <= 3 {
                vec![vec![0; len]]
            } else {
                Vec::new()
            }
        }
        Mode::PerByte => {
            if len > 9 {
                return Vec::new();
            }
            compositions(len)
        }
    }
}

/// Weight of a degree sign for a run between a number and `C` or `F` that
/// ends the word ("23?C"): temperatures are the one common reading. It is a
/// bonus rather than a share because the reading splits the token into a
/// number and a one-letter word, which the word scores then charge for
/// (ln-odds 1.0 was the least that beat "23’C" as one word in a sample).
const DEGREE_BEFORE_UNIT: f32 = 1.5;

/// Share of `¿` among a language's characters (in the batch's prior) above
/// which it opens its questions (Spanish: about 0.07 %), and the ln odds
/// then of `¿` before a clause a question mark closes.
const MIN_INVERTED_SHARE: f32 = 0.0002;
const OPENS_QUESTION: f32 = 0.0;

/// Whether the clause from `i` on ends with a question mark: a `?` before
/// any `.`, `!`, `¿` or line end, after a letter or digit and followed by
/// the end, a space or a closing quote or bracket (not by a letter: then it
/// may be a lost one).
fn question_closes(chars: &[char], i: usize) -> bool {
    let rest = chars.get(i..).unwrap_or(&[]);
    match rest.iter().position(|c| matches!(c, '.' | '!' | '¿' | '\n' | '?')) {
        Some(k) if rest[k] == '?' => {
            k > 0
                && rest[k - 1].is_alnum()
                && rest.get(k + 1).is_none_or(|c| c.is_whitespace() || matches!(c, '"' | '”' | '»' | ')'))
        }
        _ => false,
    }
}

/// ln odds of `…` for a run alone between brackets ("(…)" shortens a
/// quotation in most European languages' journalism).
const ELISION_IN_BRACKETS: f32 = 0.5;

/// Whether the run ending at `end` is followed by `C` or `F` and then
/// nothing of a word.
fn degree_unit_after(chars: &[char], ce: usize, end: usize) -> bool {
    matches!(next(chars, ce, end), Some('C' | 'F')) && chars.get(end + 1).is_none_or(|c| !c.is_alphanumeric())
}

#[allow(clippy::too_many_arguments)]
fn resolve_cluster(
    chars: &[char],
    cs: usize,
    ce: usize,
    runs: &[Run],
    model: &Model,
    st: &Style,
    quotes: &mut QuoteState,
    para: &Para,
    edits: &mut Vec<(usize, usize, String)>,
) {
    let (q_mode, f_mode) = (para.q_mode, para.f_mode);
    // Readings per run.
    let mut options: Vec<Vec<(Reading, f32)>> = Vec::new();
    for r in runs {
        let mode = if r.mark == FFFD { f_mode } else { q_mode };
        let l = side(prev(chars, cs, r.start));
        let rr = side(next(chars, ce, r.end));
        let r_upper = next(chars, ce, r.end).is_some_and(|c| c.is_uppercase());
        let n = r.len();
        let fffd = r.mark == FFFD;
        let mut pr = priors(mode, fffd, l, rr, r_upper);
        if r.mark == QM && lower_word_after(chars, r.end) {
            // A question ends a sentence: the next word starts with a capital
            // ("dialog? sobre" is "dialogó sobre").
            pr.real_q += LOWER_AFTER_QUESTION;
        }
        if let (Side::Edge, Side::Edge, Some((words, dashes))) = (l, rr, model.lone) {
            lone_prior(&mut pr, words, dashes);
        }
        if l == Side::Edge
            && rr == Side::Edge
            && r.start > 0
            && matches!(chars[r.start - 1], '\u{a0}' | '\u{202f}')
            && model.glue.is_none_or(|g| g < MIN_GLUE_SHARE)
        {
            // A word follows a plain space; a no-break space goes before
            // punctuation ("maquerelle\u{a0}??\u{a0}:" is a closing `»`),
            // except in languages that glue one-letter words to the next.
            pr.letters += NBSP_BEFORE_WORD;
        }
        if fffd
            && rr == Side::Letter
            && l != Side::Letter
            && model.measured_share('¿') >= MIN_INVERTED_SHARE
            && question_closes(chars, r.end)
        {
            // "�acaso admití que fui yo?": in a language that opens its
            // questions, a lost character before the first word of a clause
            // that a question mark closes is the opening `¿`. (Where `?`
            // marks lost characters, a later `?` may be one of them.)
            pr.punct.push(("¿".to_string(), OPENS_QUESTION));
        }
        if r.start > 0 && matches!(chars[r.start - 1], '(' | '[') && matches!(chars.get(r.end), Some(')' | ']')) {
            // "(?)", "[???]": the elision mark of a shortened quotation.
            pr.punct.push(("…".to_string(), ELISION_IN_BRACKETS));
        }
        if l == Side::Digit && degree_unit_after(chars, ce, r.end) {
            // "23?C", "18�F": a temperature; "11,5��C", a temperature
            // set off by a (narrow) no-break space.
            pr.punct.push(("°".to_string(), DEGREE_BEFORE_UNIT));
            pr.punct.push(("\u{a0}°".to_string(), DEGREE_BEFORE_UNIT));
            pr.punct.push(("\u{202f}°".to_string(), DEGREE_BEFORE_UNIT - 1.0));
        }
        // The text's own habit is about a no-break space between two words.
        let glue = if rr == Side::Letter { glue_share(model, para) } else { model.glue };
        if let (Side::Letter, Some(share)) = (l, glue) {
            if after_one_letter_word(chars, cs, r) {
                // "z?wyniku": in a language that glues one-letter words to
                // the next, as often as the batch does.
                for (p, w) in &mut pr.punct {
                    if p == "\u{a0}" {
                        *w = share.ln();
                    }
                }
            }
        }
        let unit = |p: &str| if mode == Mode::PerByte { p.len() } else { p.chars().count() };
        let mut v: Vec<(Reading, f32)> = Vec::new();
        // Readings limited to letters the lexicons vouch for: a `?` in a
        // paragraph without evidence of damage, a U+FFFD among intact
        // non-ASCII characters (a local loss, not a wrong decoding).
        let strict = if r.mark == QM { !para.q_damaged } else { !para.f_dense };
        let question_spot = r.mark == QM
            && matches!(l, Side::Letter | Side::Digit | Side::Close | Side::Spaced)
            && matches!(rr, Side::Edge | Side::Close | Side::Spaced);
        let keep_score = if strict {
            // Without other evidence of damage, "word??" is a real question
            // when the word is one, and "caf??" is damage when it is not.
            let bare = bare_word(chars, cs, r);
            if fffd || n == 1 {
                4.0
            } else if model.known_here(&bare) {
                if lower_word_after(chars, r.end) && !opened_question(chars, r.start) {
                    // "ser?? desde": a sentence does not go on after a
                    // doubled question mark; "será" lost its last letter.
                    4.0 + LOWER_AFTER_DOUBLED
                } else {
                    4.0
                }
            } else {
                -1.0
            }
        } else if question_spot && (n == 1 || n == 2 && mode == Mode::PerChar) {
            pr.real_q
        } else if question_spot && n <= 3 {
            pr.real_q - 3.0
        } else {
            KEEP_DAMAGE
        };
        v.push((Reading::Keep, keep_score));
        let letter_ok = if strict {
            // Only inside a word with enough of its letters left to match.
            word_letters(chars, cs, ce, r) >= 3
        } else {
            matches!(l, Side::Letter) || matches!(rr, Side::Letter) || (l == Side::Edge && rr == Side::Edge)
        };
        if letter_ok {
            for s in letter_splits(n, mode) {
                v.push((Reading::Letters(s), pr.letters));
            }
        }
        if !strict {
            // Between two letters, punctuation splits a word in two: only
            // when both halves are words the lexicons know.
            let split_ok = !(l == Side::Letter && rr == Side::Letter) || {
                let (a, b) = halves(chars, cs, ce, r);
                let camel = r_upper && prev(chars, cs, r.start).is_some_and(|c| c.is_lowercase());
                // Seen in text, not only in a word list: a list knows
                // "sloven" and "ina", which does not make "Sloven?ina" two
                // words.
                let known = |w: &str| {
                    let n = model.count_lower(w);
                    n >= 1.0 && (w.chars().count() >= 2 || n >= 20.0)
                };
                // After a one-letter word in a language that glues those
                // to the next word, the next word need not be known.
                let glued =
                    glue_share(model, para).is_some_and(|g| g >= MIN_GLUE_SHARE) && after_one_letter_word(chars, cs, r);
                // With a letter model, one known half will do when both
                // have two letters or more: the model then judges the
                // joined reading ("que?cumple" is not one word
                // "queácumple").
                let one_known = model.letters.is_some()
                    && (known(&a) || known(&b))
                    && a.chars().count() >= 2
                    && b.chars().count() >= 2;
                camel || known(&a) && (known(&b) || glued) || one_known
            };
            let closer_after = para.last_closer.map(|c| c.is_some_and(|p| p >= r.end));
            let opener_before = para.first_opener.is_some_and(|p| p < r.start);
            if split_ok {
                for (p, w) in punct_seqs(&pr, n, mode, st, quotes) {
                    let w = w + balance(&p, closer_after, opener_before, quotes);
                    v.push((Reading::Mixed { before: p, letters: Vec::new(), after: String::new() }, w));
                }
            }
            // Punctuation at a word start, then letters.
            if l != Side::Letter && rr == Side::Letter {
                let inner = priors(mode, fffd, Side::Open, Side::Letter, r_upper).letters;
                for (p, w) in resolve_punct(&pr.punct, st, quotes) {
                    if unit(&p) < n && !p.ends_with(['»', '”']) {
                        let w = w + balance(&p, closer_after, opener_before, quotes);
                        for s in letter_splits(n - unit(&p), mode) {
                            v.push((Reading::Mixed { before: p.clone(), letters: s, after: String::new() }, w + inner));
                        }
                    }
                }
            }
            // Letters at a word end, then punctuation or a real `?`.
            if l == Side::Letter && matches!(rr, Side::Edge | Side::Close | Side::Spaced) {
                let inner = priors(mode, fffd, Side::Letter, Side::Letter, false).letters;
                for (p, w) in resolve_punct(&pr.punct, st, quotes) {
                    if unit(&p) < n && !p.starts_with(['«', '“', '„']) || p == "“" && unit(&p) < n {
                        let w = w + balance(&p, closer_after, opener_before, quotes);
                        for s in letter_splits(n - unit(&p), mode) {
                            v.push((Reading::Mixed { before: String::new(), letters: s, after: p.clone() }, w + inner));
                        }
                    }
                }
                if r.mark == QM && n >= 2 {
                    for s in letter_splits(n - 1, mode) {
                        v.push((
                            Reading::Mixed { before: String::new(), letters: s, after: "?".into() },
                            pr.real_q + inner,
                        ));
                    }
                    let before_q = priors(mode, fffd, Side::Letter, Side::Spaced, false);
                    for (p, w) in punct_seqs(&before_q, n - 1, mode, st, quotes) {
                        v.push((Reading::Mixed { before: p, letters: Vec::new(), after: "?".into() }, w + pr.real_q));
                    }
                }
            }
        }
        options.push(v);
    }
    // A run with only two readings, kept damage or letters, is letters
    // whenever any fill exists: leaving a lost character in a word never
    // beats restoring it. Fixing those first keeps the enumeration small.
    for o in options.iter_mut() {
        if o.len() == 2
            && matches!(o[0].0, Reading::Keep)
            && matches!(o[1].0, Reading::Letters(_))
            && o[0].1 <= KEEP_DAMAGE
        {
            o.remove(0);
        }
    }
    // Enumerate combinations (few runs per cluster); beyond the cap, decide
    // each run alone.
    let total: usize = options.iter().map(|o| o.len()).product();
    let combos: Vec<Vec<usize>> = if total <= 256 {
        let mut all = vec![Vec::new()];
        for o in &options {
            let mut next = Vec::with_capacity(all.len() * o.len());
            for a in &all {
                for i in 0..o.len() {
                    let mut b = a.clone();
                    b.push(i);
                    next.push(b);
                }
            }
            all = next;
        }
        all
    } else {
        // Greedy: each run on its own, others kept.
        let mut pick = vec![0usize; options.len()];
        for ri in 0..options.len() {
            let mut best = (f32::NEG_INFINITY, 0);
            for oi in 0..options[ri].len() {
                let mut c = pick.clone();
                c[ri] = oi;
                if let Some((s, _)) = evaluate(chars, cs, ce, runs, &options, &c, model, para, false) {
                    if s > best.0 {
                        best = (s, oi);
                    }
                }
            }
            pick[ri] = best.1;
        }
        vec![pick]
    };
    let mut best_pick: Option<(f32, &Vec<usize>)> = None;
    for c in &combos {
        let ev = evaluate(chars, cs, ce, runs, &options, c, model, para, false);
        if let Some((s, _)) = ev {
            if best_pick.as_ref().is_none_or(|b| s > b.0) {
                best_pick = Some((s, c));
            }
        }
    }
    let best = best_pick.and_then(|(_, c)| evaluate(chars, cs, ce, runs, &options, c, model, para, true));
    if let Some((_, e)) = best {
        for (s, en, text) in e {
            // A closer this cluster restored after a „ it restored too
            // follows the batch's pairs: the options were drawn before
            // either was chosen.
            let text: String = text
                .chars()
                .map(|ch| {
                    let out = match ch {
                        '”' | '“' if quotes.double == Some('„') => st.close_low9,
                        _ => ch,
                    };
                    match ch {
                        '„' | '“' if quotes.double.is_none() => quotes.double = Some(ch),
                        '”' => quotes.double = None,
                        '“' if quotes.double == Some('„') => quotes.double = None,
                        '«' | '»' => quotes.guillemet = guillemet_after(quotes.guillemet, ch, false),
                        '‘' => quotes.single = true,
                        '’' if quotes.single => quotes.single = false,
                        _ => {}
                    }
                    out
                })
                .collect();
            edits.push((s, en, text));
        }
    }
    // Intact quotes in the cluster move the quote state too.
    intact_quotes(&chars[cs..ce], quotes);
}

/// The open guillemet after `c`: it closes the one of the other direction,
/// or opens one: `«` as French opens, `»` as German does, glued to the word
/// it opens (`glued`); elsewhere a `»` with nothing open closes a quote
/// opened before the paragraph.
fn guillemet_after(open: Option<char>, c: char, glued: bool) -> Option<char> {
    match (open, c) {
        (Some('«'), '»') | (Some('»'), '«') => None,
        (Some(o), _) => Some(o),
        (None, '»') if !glued => None,
        (None, c) => Some(c),
    }
}

/// Move the quote state over intact text.
fn intact_quotes(text: &[char], quotes: &mut QuoteState) {
    for (i, &c) in text.iter().enumerate() {
        match c {
            '„' | '“' if quotes.double.is_none() => quotes.double = Some(c),
            '”' | '“' => quotes.double = None,
            '«' | '»' => {
                let glued = text.get(i + 1).is_some_and(|n| n.is_alphanumeric());
                quotes.guillemet = guillemet_after(quotes.guillemet, c, glued);
            }
            _ => {}
        }
    }
}

/// The lower-cased word characters just before and just after run `r`.
fn halves(chars: &[char], cs: usize, ce: usize, r: &Run) -> (String, String) {
    let mut i = r.start;
    while i > cs && is_wordish(chars[i - 1]) {
        i -= 1;
    }
    let mut j = r.end;
    while j < ce && (is_wordish(chars[j]) || chars[j] == QM || chars[j] == FFFD) {
        j += 1;
    }
    let b: String = chars[r.end..j].iter().collect();
    let b = if b.contains([QM, FFFD]) { String::new() } else { lower(&b) };
    (lower(&chars[i..r.start].iter().collect::<String>()), b)
}

/// Where the last thing that could close a quote of one family is: an
/// intact closing quote of that family (`closes`), or a damaged run at the
/// end of a word. A `”` does not close a `«`: taking any closer as proof
/// turned "of ??security,”" into "of «security,”".
///
/// All three families (`”`/`“`, `»`, `’`) in one pass.
fn last_closers(chars: &[char]) -> [Option<usize>; 3] {
    let mut last = [None; 3];
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '”' | '“' => last[0] = Some(i),
            '»' => last[1] = Some(i),
            '’' => last[2] = Some(i),
            _ if (c == QM || c == FFFD) && i > 0 && !is_blank(chars[i - 1]) => {
                let mut j = i;
                while j < chars.len() && chars[j] == c {
                    j += 1;
                }
                if j == chars.len() || matches!(side(Some(chars[j])), Side::Edge | Side::Close | Side::Spaced) {
                    last = [Some(i); 3];
                }
                i = j;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    last
}

/// Quotes come in pairs: an opening quote nothing can close, or a closing
/// one nothing opened, is unlikely.
fn balance(p: &str, closer_after: [bool; 3], opener_before: bool, q: &QuoteState) -> f32 {
    let mut w = 0.0;
    let family = match p.chars().next() {
        Some('“' | '„') => Some(0),
        // Inside German guillemets, `«` closes.
        Some('«') if q.guillemet != Some('»') => Some(1),
        Some('‘') => Some(2),
        _ => None,
    };
    if let Some(f) = family {
        if !(closer_after[f] || p.starts_with('“') && q.double == Some('„')) {
            w -= 3.0
        }
    }
    match p.chars().last() {
        Some('”' | '»') if q.double.is_none() && q.guillemet.is_none() && !opener_before => w -= 1.5,
        // The last place left to close an open quote.
        Some('”') if q.double.is_some() && !closer_after[0] => w += 1.0,
        _ => {}
    }
    w
}

/// Where the first thing that could open a quote is: an intact opening
/// quote or a damaged run at the start of a word.
fn first_opener(chars: &[char]) -> Option<usize> {
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if matches!(c, '“' | '„' | '«' | '‘') {
            return Some(i);
        }
        if (c == QM || c == FFFD) && (i == 0 || is_blank(chars[i - 1]) || matches!(chars[i - 1], '(' | '[')) {
            let mut j = i;
            while j < chars.len() && chars[j] == c {
                j += 1;
            }
            if j < chars.len() && chars[j].is_alnum() {
                return Some(i);
            }
            i = j.max(i + 1);
            continue;
        }
        i += 1;
    }
    None
}

/// The lower-cased word just before run `r` (within its cluster).
fn bare_word(chars: &[char], cs: usize, r: &Run) -> String {
    let mut i = r.start;
    while i > cs && is_wordish(chars[i - 1]) {
        i -= 1;
    }
    lower(&chars[i..r.start].iter().collect::<String>())
}

/// Intact letters of the word around run `r`.
fn word_letters(chars: &[char], cs: usize, ce: usize, r: &Run) -> usize {
    let mut n = 0;
    let mut i = r.start;
    while i > cs && (chars[i - 1].is_alpha() || chars[i - 1] == r.mark) {
        i -= 1;
        n += usize::from(chars[i].is_alpha());
    }
    let mut j = r.end;
    while j < ce && (chars[j].is_alpha() || chars[j] == r.mark) {
        n += usize::from(chars[j].is_alpha());
        j += 1;
    }
    n
}

/// Characters `start..end` of the text become the string.
type RunEdit = (usize, usize, String);

/// One element of a cluster under a combination of readings.
enum Piece {
    Char(char),
    /// A damage mark left in place inside a word (an unknown character).
    Kept(char),
    Blank {
        run: usize,
        bytes: usize,
    },
    Punct(char),
}

/// Score one combination of readings and produce its edits.
#[allow(clippy::too_many_arguments)]
fn evaluate(
    chars: &[char],
    cs: usize,
    ce: usize,
    runs: &[Run],
    options: &[Vec<(Reading, f32)>],
    pick: &[usize],
    model: &Model,
    para: &Para,
    want_edits: bool,
) -> Option<(f32, Vec<RunEdit>)> {
    let (q_mode, f_mode) = (para.q_mode, para.f_mode);
    let mut score = 0.0f32;
    // Lay out the cluster as pieces.
    let mut pieces: Vec<Piece> = Vec::with_capacity(ce - cs + 16);
    let mut run_piece_start: Vec<usize> = Vec::with_capacity(runs.len());
    let mut ri = 0;
    let mut i = cs;
    while i < ce {
        if ri < runs.len() && runs[ri].start == i {
            let r = &runs[ri];
            let mode = if r.mark == FFFD { f_mode } else { q_mode };
            let (reading, w) = &options[ri][pick[ri]];
            score += w;
            run_piece_start.push(pieces.len());
            let bytes = |b: usize| if mode == Mode::PerByte { b } else { 0 };
            match reading {
                Reading::Keep => {
                    // Inside a word (or U+FFFD anywhere) the mark is an
                    // unknown character of the word; at a word's edge a `?`
                    // is a question mark.
                    let l = side(prev(chars, cs, r.start));
                    let rr = side(next(chars, ce, r.end));
                    let in_word = r.mark == FFFD || (l == Side::Letter && rr == Side::Letter);
                    for _ in r.start..r.end {
                        pieces.push(if in_word { Piece::Kept(r.mark) } else { Piece::Punct(r.mark) });
                    }
                }
                Reading::Letters(s) => {
                    for &b in s {
                        pieces.push(Piece::Blank { run: ri, bytes: bytes(b) });
                    }
                }
                Reading::Mixed { before, letters, after } => {
                    for c in before.chars() {
                        pieces.push(Piece::Punct(c));
                    }
                    for &b in letters {
                        pieces.push(Piece::Blank { run: ri, bytes: bytes(b) });
                    }
                    for c in after.chars() {
                        pieces.push(Piece::Punct(c));
                    }
                }
            }
            i = r.end;
            ri += 1;
            continue;
        }
        pieces.push(Piece::Char(chars[i]));
        i += 1;
    }
    // Words: maximal sequences of word characters and blanks (an apostrophe
    // between two of them belongs to the word).
    let is_w = |p: &Piece| match p {
        Piece::Char(c) => is_wordish(*c),
        Piece::Blank { .. } | Piece::Kept(_) => true,
        Piece::Punct(_) => false,
    };
    let is_apos = |p: &Piece| matches!(p, Piece::Char('’' | '\'') | Piece::Punct('’'));
    let mut fills: Vec<(usize, Vec<char>, bool)> = Vec::new(); // (first piece, slot chars, word starts piece)
    let mut k = 0;
    let mut touched_any = false;
    while k < pieces.len() {
        if !is_w(&pieces[k]) {
            k += 1;
            continue;
        }
        let s = k;
        while k < pieces.len()
            && (is_w(&pieces[k]) || (is_apos(&pieces[k]) && k + 1 < pieces.len() && is_w(&pieces[k + 1]) && k > s))
        {
            k += 1;
        }
        let word = &pieces[s..k];
        let touched = word.iter().any(|p| matches!(p, Piece::Blank { .. } | Piece::Kept(_)))
            || (s > 0 && !matches!(pieces[s - 1], Piece::Char(_)))
            || (k < pieces.len() && !matches!(pieces[k], Piece::Char(_)));
        if !touched {
            continue;
        }
        touched_any = true;
        let mut pattern: Vec<Unit> = Vec::with_capacity(word.len());
        let mut mark = QM;
        for p in word {
            match p {
                Piece::Char(c) | Piece::Kept(c) => pattern.push(Unit::Char(lower_char(*c))),
                Piece::Punct(c) => pattern.push(Unit::Char(lower_char(*c))),
                Piece::Blank { run, bytes } => {
                    mark = runs[*run].mark;
                    if mark == QM && para.q_latin1_kept {
                        mark = QM_NOT_LATIN1;
                    }
                    pattern.push(Unit::Blank(*bytes));
                }
            }
        }
        let (fill_score, first) = if want_edits {
            let f = model.fill(&pattern, mark)?;
            let first = f.slots.first().copied();
            let score = f.score;
            fills.push((s, f.slots, false));
            (score, first)
        } else {
            model.fill_score(&pattern, mark)?
        };
        score += WORD_WEIGHT * fill_score;
        if first.is_some_and(char::is_alphabetic) && joins_cases(word) {
            score += CASE_JOIN;
        }
    }
    let _ = touched_any;
    if !want_edits {
        return Some((score, Vec::new()));
    }
    // Produce the text of each run.
    let mut slot_of: Vec<Option<char>> = vec![None; pieces.len()];
    for (s, slots, _) in &fills {
        let mut si = 0;
        let mut p = *s;
        while si < slots.len() && p < pieces.len() {
            if let Piece::Blank { .. } = pieces[p] {
                slot_of[p] = Some(slots[si]);
                si += 1;
            }
            p += 1;
        }
    }
    let mut edits = Vec::new();
    for (ri, r) in runs.iter().enumerate() {
        let ps = run_piece_start[ri];
        let pe = run_piece_start.get(ri + 1).copied().unwrap_or(pieces.len());
        let mut out = String::new();
        for p in ps..pe {
            match &pieces[p] {
                Piece::Blank { run, .. } if *run == ri => {
                    let c = slot_of[p]?;
                    out.push(case_for(chars, cs, ce, r, &pieces, p, c, model));
                }
                Piece::Punct(c) | Piece::Kept(c) => out.push(*c),
                Piece::Char(_) => break,
                Piece::Blank { .. } => break,
            }
        }
        let kept: String = chars[r.start..r.end].iter().collect();
        if out != kept {
            edits.push((r.start, r.end, out));
        }
    }
    Some((score, edits))
}

/// Whether letters restored into `word` would join two parts whose cases
/// do not belong to one word: a lower-case letter before an upper-case
/// one ("z?W." as "zóW."), or an upper-case run of two letters or more
/// before a capitalised word ("KE?Ursula" as "KEŻUrsula"). Such a run is
/// a lost space or punctuation mark far more often.
fn joins_cases(word: &[Piece]) -> bool {
    let letter = |p: &Piece| match p {
        Piece::Char(c) if c.is_alphabetic() => Some(*c),
        _ => None,
    };
    let Some(b) = word.iter().position(|p| matches!(p, Piece::Blank { .. })) else { return false };
    let mut left = word[..b].iter().filter_map(letter);
    let Some(l) = left.next_back() else { return false };
    let mut right = word[b..].iter().skip_while(|p| !matches!(p, Piece::Char(_))).map_while(letter);
    let Some(r) = right.next() else { return false };
    if l.is_lowercase() && r.is_uppercase() {
        return true;
    }
    // An upper-case run of two letters or more, then a capitalised word.
    let caps_run = l.is_uppercase() && left.clone().next_back().is_some() && left.all(char::is_uppercase);
    caps_run && r.is_uppercase() && right.next().is_some_and(char::is_lowercase)
}

/// Upper or lower case for a restored letter: upper inside an upper-case
/// word, at a sentence start, or when the lexicons spell the word so.
#[allow(clippy::too_many_arguments)]
fn case_for(chars: &[char], cs: usize, ce: usize, r: &Run, pieces: &[Piece], p: usize, c: char, model: &Model) -> char {
    let up = |c: char| {
        let mut u = c.to_uppercase();
        match (u.next(), u.next()) {
            (Some(x), None) => x,
            _ => c,
        }
    };
    let prev_letter = pieces[..p].iter().rev().find_map(|x| match x {
        Piece::Char(c) if c.is_alpha() => Some(Some(*c)),
        Piece::Char(_) | Piece::Punct(_) => Some(None),
        Piece::Blank { .. } | Piece::Kept(_) => None,
    });
    let next_letter = pieces[p + 1..].iter().find_map(|x| match x {
        Piece::Char(c) if c.is_alpha() => Some(Some(*c)),
        Piece::Char(_) | Piece::Punct(_) => Some(None),
        Piece::Blank { .. } | Piece::Kept(_) => None,
    });
    let pl = prev_letter.flatten();
    let nl = next_letter.flatten();
    if pl.is_some_and(|x| x.is_uppercase())
        && nl.is_none_or(|x| x.is_uppercase())
        && (nl.is_some() || word_upper(pieces, p))
    {
        return up(c);
    }
    if pl.is_none() && nl.is_some_and(|x| x.is_uppercase()) && word_upper(pieces, p) {
        return up(c);
    }
    let at_start = pl.is_none()
        && !pieces[..p]
            .iter()
            .rev()
            .take_while(|x| !matches!(x, Piece::Punct(_)))
            .any(|x| matches!(x, Piece::Char(c) if c.is_alnum()));
    if at_start {
        // The word as the lexicons spell it.
        let word: String = word_text(pieces, p, c);
        if let Some(sp) = model.cased(&word) {
            if sp.chars().next().is_some_and(|x| x.is_uppercase()) {
                return up(c);
            }
        }
        if sentence_start(chars, cs, r) {
            return up(c);
        }
        if model.lang.is_some_and(langid::capitalises_nouns) && model.noun_ending(&word) {
            return up(c);
        }
        // Before a capitalised word, in a language that capitalises only
        // names and titles: part of the name ("Ada ?lvarez Conde", "de
        // ?ltimas Noticias"). A one-letter word there is a preposition ("à
        // Lyon", "è"), not an initial. Punctuation after the word ends
        // the name ("Para ?l, Cuba" is "él").
        if model.lang.is_some_and(|l| !langid::capitalises_nouns(l))
            && next_word_upper(chars, ce)
            && word.chars().count() > 1
            && chars[ce - 1].is_alpha()
        {
            return up(c);
        }
    }
    c
}

fn word_upper(pieces: &[Piece], p: usize) -> bool {
    let mut s = p;
    while s > 0
        && (matches!(pieces[s - 1], Piece::Char(c) if c.is_alnum()) || matches!(pieces[s - 1], Piece::Blank { .. }))
    {
        s -= 1;
    }
    let mut e = p + 1;
    while e < pieces.len()
        && (matches!(pieces[e], Piece::Char(c) if c.is_alnum()) || matches!(pieces[e], Piece::Blank { .. }))
    {
        e += 1;
    }
    let letters: Vec<char> = pieces[s..e]
        .iter()
        .filter_map(|x| if let Piece::Char(c) = x { Some(*c) } else { None })
        .filter(|c| c.is_alpha())
        .collect();
    letters.len() >= 2 && letters.iter().all(|c| c.is_uppercase())
}

fn word_text(pieces: &[Piece], p: usize, c: char) -> String {
    let mut e = p + 1;
    let mut w = String::new();
    w.push(c);
    while e < pieces.len() {
        match pieces[e] {
            Piece::Char(x) if is_wordish(x) => w.push(lower_char(x)),
            _ => break,
        }
        e += 1;
    }
    lower(&w)
}

/// Whether the run starts a sentence: only white space, opening quotes or
/// brackets between it and the end of the previous sentence.
/// Whether the word after the one ending at `ce` (past spaces) starts with
/// a capital.
fn next_word_upper(chars: &[char], ce: usize) -> bool {
    let mut i = ce;
    while i < chars.len() && (chars[i] == ' ' || chars[i] == '\u{a0}') {
        i += 1;
    }
    i > ce && chars.get(i).is_some_and(|c| c.is_uppercase())
}

fn sentence_start(chars: &[char], cs: usize, r: &Run) -> bool {
    let mut i = r.start;
    while i > 0 {
        let c = chars[i - 1];
        if i - 1 < cs
            && !is_blank(c)
            && !matches!(c, '"' | '\'' | '(' | '[' | '«' | '“' | '„' | '‘' | '¿' | '¡' | '?' | '-' | '–' | '—')
        {
            return matches!(c, '.' | '!' | '?' | ':' | '…' | '»' | '”' | '"' | ')');
        }
        if i > cs && !matches!(c, '"' | '\'' | '(' | '[' | '«' | '“' | '„' | '‘' | '¿' | '¡' | '?' | '–' | '—')
        {
            return false;
        }
        i -= 1;
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lex(texts: &[&str]) -> Lexicon {
        let mut l = Lexicon::new();
        for t in texts {
            l.learn(t);
        }
        l
    }

    /// A lexicon large enough to carry character models: `texts`, then
    /// sentences of made-up words (over a thousand distinct ones).
    fn large_lex(texts: &[&str]) -> Lexicon {
        let syl = ["ba", "ce", "di", "fo", "gu", "ha", "ke", "li", "mo", "nu", "pa", "re", "si", "to", "vu"];
        let mut l = lex(texts);
        for a in syl {
            let words: Vec<String> = syl.iter().flat_map(|b| syl.iter().map(move |c| format!("{a}{b}{c}"))).collect();
            l.learn(&words.join(" "));
        }
        assert!(l.is_large());
        l
    }

    #[test]
    fn an_ordinary_question_needs_no_character_model() {
        let en = "We said it ourselves, here and there; they came to Beijing by train and plane.";
        let l = large_lex(&[en; 30]);
        // Known words ending in a question mark, no known word one letter
        // longer: kept, and the batch's indexes are never built.
        for t in [
            "Who are we if we answer threats with threats ourselves? pic.twitter.com/s96jjh8AlD",
            "How did they come to Beijing?? By train or by plane?",
            "What are they looking for on here? and could it be me?”",
            "Is it? no.",
        ] {
            assert_eq!(restore(t, &[&l]), None, "{t}");
        }
        assert!(!l.has_derived());
        // A word not known, or one a lost letter could make a known word
        // of ("ser?" and "será"), is for the character models to weigh.
        let es = "El acuerdo será firmado y será la base; será mejor así, dijo el ministro.";
        let l = large_lex(&[es; 30]);
        restore("El acuerdo ser? desde mañana la base de todo.", &[&l]);
        assert!(l.has_derived());
        let l = large_lex(&[en; 30]);
        restore("They went to the caf? and stayed.", &[&l]);
        assert!(l.has_derived());
    }

    #[test]
    fn plainly_a_question_never_changes_the_outcome() {
        // Sentences of six languages with question marks put at word
        // ends, after whole words or in place of a lost last letter
        // ("será" → "ser?"), single or doubled, before capitals, lower-case
        // words, punctuation or the end: with the shortcut and without it,
        // the same edits. (It fails once both the doubled-mark and the
        // known-shape conditions of `plainly_a_question` are dropped:
        // `ser?? más` is "será más".)
        let texts = [
            "El acuerdo será firmado mañana y será la base del plan, dijo el ministro en la región.",
            "El ministro llegó tarde, habló con la prensa, explicó el plan, negó todo y pagó la cuenta.",
            "Le président est arrivé à Paris, il a parlé à la presse et il est reparti très tôt.",
            "Elle a constaté que le problème était réglé, mais la règle reste la même là-bas.",
            "O governo disse que a reunião será amanhã e que a decisão é clara para todos.",
            "We said it ourselves, here and there; they came to Beijing by train and plane again.",
            "Zdrowy styl życia jest ważny, powiedział minister, który był w urzędzie długo.",
            "Er fragte: „Kommst du morgen wieder?“ Sie sagte, sie würde »vielleicht später« kommen.",
            // Words that are other words with a letter more ("esta" and
            // "está", "mas" and "más"): there the shortcut must not decide.
            "Esta casa está cerca y esta calle está lejos, pero mas tarde será más fácil llegar.",
            "Quiere ser presidente y dice que será presidente desde enero, sin ser candidato.",
        ];
        let l = large_lex(&texts.iter().flat_map(|t| [*t; 20]).collect::<Vec<_>>());
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut next = |n: usize| (crate::testing::xorshift(&mut seed) % n as u64) as usize;
        let mut gated = 0;
        for _ in 0..3000 {
            let words: Vec<&str> = texts[next(texts.len())].split(' ').collect();
            // One word, now and then two: more make the damage plain.
            let picked = [next(words.len()), if next(4) == 0 { next(words.len()) } else { usize::MAX }];
            let mut out: Vec<String> = Vec::new();
            for (i, w) in words.iter().enumerate() {
                let core = w.trim_end_matches(|c: char| !c.is_alphanumeric());
                let tail = &w[core.len()..];
                if core.chars().count() < 2 || !picked.contains(&i) {
                    out.push(w.to_string());
                    continue;
                }
                let marks = ["?", "??"][next(2)];
                let mut core = core.to_string();
                if next(2) == 0 {
                    core.pop();
                }
                let after = if next(3) == 0 && i + 1 < words.len() { "" } else { tail };
                out.push(format!("{core}{marks}{after}"));
            }
            let text = out.join(" ");
            let (with, fired) = restore_edits_gated(&text, &[&l], true);
            let (without, _) = restore_edits_gated(&text, &[&l], false);
            assert_eq!(format!("{with:?}"), format!("{without:?}"), "{text}");
            gated += usize::from(fired);
        }
        assert!(gated > 300, "{gated}");
    }

    #[test]
    fn a_lone_mark_is_what_the_language_puts_between_spaces() {
        // French puts "à" between spaces far more often than a dash; the
        // English of this batch puts dashes there.
        let fr = "Elle est allée à Paris et il a parlé à la presse, puis à la radio de la ville.";
        let en = "The plan – which nobody liked – was dropped by the board and the naïve city – again.";
        let texts: Vec<&str> = std::iter::repeat_n(fr, 6).chain(std::iter::repeat_n(en, 6)).collect();
        let l = lex(&texts);
        let r = restore("Elle est all?e ? Lyon et elle a parl? ? la presse de la ville.", &[&l]);
        assert_eq!(r.as_deref(), Some("Elle est allée à Lyon et elle a parlé à la presse de la ville."));
        let r = restore("The na?ve plan ? which the board liked ? was dropped by the city.", &[&l]);
        assert_eq!(r.as_deref(), Some("The naïve plan – which the board liked – was dropped by the city."));
    }

    #[test]
    fn a_run_after_a_one_letter_word_is_a_no_break_space_where_the_language_glues() {
        // This batch's Polish puts a no-break space after one-letter words.
        let pl = "Rozmawiał z\u{a0}nimi i\u{a0}z\u{a0}nami o\u{a0}tym, że w\u{a0}domu jest dobrze i\u{a0}spokojnie, a\u{a0}w\u{a0}pracy nie.";
        let damaged =
            "Jest bardzo zadowolony z?wyniku g?osowania w?parlamencie, ale jeszcze nie wie, co będzie dalej w?senacie.";
        let l = lex(&[pl; 12]);
        let r = restore(damaged, &[&l]).unwrap();
        assert!(r.starts_with("Jest bardzo zadowolony z\u{a0}wyniku głosowania w\u{a0}parlamencie"), "{r}");
        // Without the habit in the batch, "wyniku" is not a word it knows,
        // and the run is not split off.
        let spaced = pl.replace('\u{a0}', " ");
        let l = lex(&[spaced.as_str(); 12]);
        let r = restore(damaged, &[&l]).unwrap();
        assert!(!r.starts_with("Jest bardzo zadowolony z\u{a0}wyniku"), "{r}");
    }

    #[test]
    fn a_text_that_glues_its_one_letter_words_glues_the_doubtful_one_too() {
        // A batch whose Polish mostly spaces its one-letter words: a quarter
        // of its texts glue them with a no-break space.
        let glued = [
            "Rozmawiał z\u{a0}nimi i\u{a0}z\u{a0}nami o\u{a0}tym, że w\u{a0}domu jest dobrze i\u{a0}spokojnie, a\u{a0}w\u{a0}pracy nie ma czasu.",
            "Nie wiem, czy to prawda, ale w\u{a0}mieście mówi się o\u{a0}nowym moście i\u{a0}o\u{a0}drodze do lasu.",
            "Dzieci bawią się w\u{a0}parku, a\u{a0}rodzice piją kawę i\u{a0}czytają gazety przy stole z\u{a0}kwiatami.",
            "Nie ma tu nic nowego: ludzie pracują, jedzą obiad i\u{a0}wracają do domu wieczorem.",
        ];
        let spaced: Vec<String> = glued.iter().map(|t| t.replace('\u{a0}', " ")).collect();
        let mut texts: Vec<&str> = Vec::new();
        for _ in 0..20 {
            texts.extend(glued.iter().copied());
            texts.extend(spaced.iter().map(String::as_str));
            texts.extend(spaced.iter().map(String::as_str));
            texts.extend(spaced.iter().map(String::as_str));
        }
        let l = lex(&texts);
        // Every one-letter word of this text is glued by a lost no-break
        // space, so "i?otwiera" is "i otwiera", not one word "iłotwiera"
        // (the letter model's guess for a word the batch never saw).
        let damaged = "Rozmawiał z?nimi o?tym, że w?domu jest dobrze, i?otwiera sklep.";
        let r = restore(damaged, &[&l]).unwrap();
        assert!(r.ends_with("dobrze, i\u{a0}otwiera sklep."), "{r}");
        // The same sentence spacing its other one-letter words plainly:
        // the batch's habit alone decides, and it mostly spaces them.
        let r = restore("Rozmawiał z nimi o tym, że w domu jest dobrze, i?otwiera sklep.", &[&l]).unwrap();
        assert!(!r.contains("i\u{a0}otwiera"), "{r}");
    }

    #[test]
    fn a_clitic_the_batch_never_writes_does_not_join_two_words() {
        // A French batch: "l’", "d’", "qu’" before words, never "’la".
        let fr = [
            "Il a bu l’eau de la source avant d’aller à la gare avec la valise qu’il portait.",
            "C’est l’histoire d’un homme qui parlait avec la voix d’un enfant et l’air d’un roi.",
            "Elle n’a pas vu qu’on l’attendait avec la lettre d’hier devant l’école du quartier.",
        ];
        let texts: Vec<&str> = std::iter::repeat_n(fr, 30).flatten().collect();
        let l = lex(&texts);
        let r = restore("Elle parlait d\u{fffd}abord avec\u{fffd}la directrice de l\u{fffd}usine.", &[&l]).unwrap();
        assert!(r.contains("d’abord") && r.contains("l’usine"), "{r}");
        assert!(!r.contains("avec’la"), "{r}");
    }

    #[test]
    fn restores_without_a_batch_from_the_language_letter_model() {
        // An empty lexicon: only the German letter model knows these words.
        let l = Lexicon::new();
        let r = restore("Die B?rger sind nicht gl?cklich dar?ber, dass es so lange gedauert hat.", &[&l]);
        assert_eq!(r.as_deref(), Some("Die Bürger sind nicht glücklich darüber, dass es so lange gedauert hat."));
    }

    #[test]
    fn a_mark_glued_to_a_capital_after_a_space_is_damage() {
        let en = "“These are the rules,” the mayor said. “We will see,” she added, “what the city wants.”";
        let l = lex(&[en; 10]);
        let r = restore("?These are the new rules for the city,? the mayor said on Monday.", &[&l]);
        let r = r.expect("restored");
        assert!(r.starts_with("“These are the new rules"), "{r}");
        // Glued to a small letter, one `?` is not evidence enough.
        assert_eq!(restore("and ?these are the new rules for the city,? the mayor said.", &[&l]), None);
    }

    #[test]
    fn the_whole_word_decides_between_the_beams_readings() {
        // The letters right after the blank read better with "ü" ("Dürf"),
        // the whole word does not ("Dürfer").
        let de = "Die Stadt und der Fluss sind nicht weit, und die Leute kommen gern hierher, auch im Winter.";
        let l = lex(&[de; 10]);
        let r = restore("Die Windr??der stehen am Rand der D??rfer im S??den.", &[&l]).expect("restored");
        assert_eq!(r, "Die Windräder stehen am Rand der Dörfer im Süden.");
    }

    #[test]
    fn a_low_nine_quote_is_closed_the_way_the_batch_closes_it() {
        // German closes „ with “, Polish with ”; the batch's own pairs say
        // which, for an intact opener far back or one restored in the same
        // cluster.
        let de = "Er sagte „ja“ und sie sagte „nein“, dann kam „vielleicht“ über die Lippen.";
        // Enough of each language for its habits to count.
        let l = lex(&[de; 200]);
        let r =
            restore("Sie traten in der Koalition „Entschlossen f??r Ver??nderungen??? an.", &[&l]).expect("restored");
        assert_eq!(r, "Sie traten in der Koalition „Entschlossen für Veränderungen“ an.");
        let r = restore("Er wollte, dass ich mir doch ???Bleach??? anschaue, das war damals sch??n.", &[&l])
            .expect("restored");
        assert!(r.contains("„Bleach“ anschaue"), "{r}");
        let pl = "Powiedział, że to jest „tak” i nie wie, czy „nie” jest w porządku, a potem się „może” i „dobrze” na koniec.";
        let l = lex(&[pl; 200]);
        let r = restore("Firma ???Polska??? rozpocz????a prac?? w kraju.", &[&l]).expect("restored");
        assert!(r.starts_with("Firma „Polska” "), "{r}");
        let r = restore("Powiedzia?, ?e ?Wielu? ludzi to wie, ale nie wszyscy.", &[&l]).expect("restored");
        assert!(r.contains("„Wielu”"), "{r}");
        // The pairs decide over the shares of each quote.
        let chars: Vec<char> = "Firma ???Polska??? rozpocz????a prac?? w kraju i na tym nie koniec.".chars().collect();
        let lexicons = [&l];
        let lang = lang_of(&chars);
        let mut m = Model::new(&lexicons, &chars, lang, tokens_in(&lexicons, lang));
        assert_eq!(m.low9_close, Some('”'));
        m.low9_close = Some('“');
        assert_eq!(Style::new(&m).close_low9, '“');
        // And the batch's openers over the shares of each quote.
        let top = |m: &Model| Style::new(m).open.iter().max_by(|a, b| a.1.total_cmp(&b.1)).unwrap().0;
        assert_eq!(m.opened.map(|o| o.0 > o.1), Some(true));
        assert_eq!(top(&m), '„');
        m.opened = Some((0, 40));
        assert_eq!(top(&m), '“');
    }

    #[test]
    fn a_word_that_lost_its_first_letter_is_a_noun_when_its_ending_is() {
        // German capitalises nouns; the batch's words in "-ngen" are.
        let de = "Die Lösungen, Prüfungen, Übungen, Störungen und Förderungen waren für uns über alles gut.";
        let l = lex(&[de; 10]);
        let r = restore("Nach den ??berschwemmungen waren die Stra??en f??r alle gesperrt.", &[&l]).expect("restored");
        assert_eq!(r, "Nach den Überschwemmungen waren die Straßen für alle gesperrt.");
        // "über" itself stays lower case.
        let r = restore("Sie sprachen lange ??ber die Sache mit den Kindern.", &[&l]).expect("restored");
        assert_eq!(r, "Sie sprachen lange über die Sache mit den Kindern.");
    }

    #[test]
    fn one_known_half_lets_a_run_between_letters_split_a_word() {
        // "que" is known, "cumple" is not: the letter model, not the gate,
        // then decides against one word "queácumple".
        let es = "La empresa habló con el gobierno sobre los planes que tiene para la ciudad y la región.";
        // Enough Spanish to know it writes no apostrophes in words.
        let l = lex(&[es; 150]);
        let r = restore("La ley que?cumple con la norma fue aprobada por el gobierno en la regi?n.", &[&l])
            .expect("restored");
        assert_eq!(r, "La ley que\u{a0}cumple con la norma fue aprobada por el gobierno en la región.");
    }

    #[test]
    fn letters_do_not_join_a_small_letter_to_a_capital() {
        // "z?W." is "z W." (here with a no-break space), not one word
        // "zóW.", however well "zó" reads in Polish.
        let pl = "Rozmawiał z nimi i z nami o tym, że w domu jest dobrze i spokojnie, a w pracy nie. Współpraca z W. Brytą była dobra.";
        let l = lex(&[pl; 12]);
        let r = restore("Spotkał si? w?piątek z?W. Brytą i?przewodniczącą KE?Ursulą von der Leyen.", &[&l])
            .expect("restored");
        assert!(r.contains("z\u{a0}W."), "{r}");
        assert!(joins_cases(&[
            Piece::Char('K'),
            Piece::Char('E'),
            Piece::Blank { run: 0, bytes: 0 },
            Piece::Char('U'),
            Piece::Char('r')
        ]));
        assert!(!joins_cases(&[
            Piece::Char('K'),
            Piece::Blank { run: 0, bytes: 0 },
            Piece::Char('U'),
            Piece::Char('r')
        ]));
        assert!(!joins_cases(&[Piece::Char('a'), Piece::Blank { run: 0, bytes: 0 }, Piece::Char('b')]));
    }

    #[test]
    fn a_mark_before_a_small_letter_is_a_lost_letter() {
        // A question ends a sentence; a `?` at a word's end followed by a
        // lower-case word is a lost letter, and two of them are damage
        // enough for the paragraph.
        let es = "La empresa habló con el gobierno sobre sus planes y la ciudad, y dijo que va a realizar todo bien en la región.";
        // Enough Spanish for its habits to count: no apostrophes in words.
        let l = lex(&[es; 110]);
        let r = restore("El consorcio dialog? sobre los precios y enumer? una serie de medidas.", &[&l]);
        assert_eq!(r.as_deref(), Some("El consorcio dialogó sobre los precios y enumeró una serie de medidas."));
        // In a damaged paragraph, the lower-case word after it outweighs
        // the odds of a question, even after a word the batch knows
        // ("realizar"). (What wins here is a closing quote; the batch's
        // own text tells that from "realizará" in the benchmark.)
        let r = restore("Ese d?a se realizar? el debate entre los t?cnicos del gobierno.", &[&l]).expect("restored");
        assert!(r.starts_with("Ese día se realizar") && !r.contains("realizar?"), "{r}");
        // One alone is informal punctuation, and a question before a capital
        // stays a question.
        assert_eq!(restore("He said what? no way, not here.", &[&l]), None);
        // Informal questions in clean English: the words before them are
        // known, so they are no evidence of damage, and they stay
        // questions however many there are.
        let en =
            "He said what he wanted, and she asked him why and how it was really so, and he said yes, sure, no way.";
        let l_en = lex(&[en; 120]);
        for clean in ["He said what? no way. And she said really? yes, sure.", "Why? because. How? like this."] {
            assert_eq!(restore(clean, &[&l_en]), None, "{clean}");
        }
        assert_eq!(restore("¿Dialogó? Sí. ¿Enumeró? No.", &[&l]), None);
    }

    #[test]
    fn a_lost_character_before_a_clause_a_question_closes_opens_it() {
        let es = "¿Qué dijo el gobierno? Que la región está bien y que la ciudad va a crecer, según él.";
        let en = "What did the government say? That the region is fine, and the city will grow, he said.";
        let l = lex(&[es; 120]);
        // (The paragraph has no intact accent: U+FFFD is the charset's loss.)
        let r = restore("La regi\u{fffd}n dijo, \u{fffd}acaso va a crecer? Seg\u{fffd}n \u{fffd}l, no.", &[&l]);
        assert_eq!(r.as_deref(), Some("La región dijo, ¿acaso va a crecer? Según él, no."));
        // Not in a language that does not open its questions.
        let l = lex(&[en; 120]);
        let r = restore("When the city asked, \u{fffd}did you go there? No, he said.", &[&l]).unwrap_or_default();
        assert!(!r.contains('¿'), "{r}");
    }

    #[test]
    fn a_sentence_does_not_go_on_after_a_doubled_mark() {
        // "ser" and "será" are both known; with nothing else wrong, "ser??"
        // before a lower-case word is "será" that lost its last letter.
        let es = "El primero será desde el lunes y el segundo será del martes, para ser claros en la región.";
        let l = lex(&[es; 120]);
        let r = restore("La tercera temporada de descanso ser?? desde el lunes 10 de octubre.", &[&l]);
        assert_eq!(r.as_deref(), Some("La tercera temporada de descanso será desde el lunes 10 de octubre."));
        // A question before a capital, or one its `¿` opened, stays.
        assert_eq!(restore("Y eso, ¿va a ser?? No lo sé.", &[&l]), None);
        assert_eq!(restore("¿Va a ser?? no lo creo, dijo.", &[&l]), None);
    }

    #[test]
    fn a_word_of_another_language_does_not_make_a_question() {
        // "est" is French; in a Spanish paragraph with nothing else wrong,
        // "est??" is "está" that lost its last letter, not a question.
        let es = "El presidente está en la ciudad y dijo que todo está bien en la región, según el gobierno.";
        let fr = "Le président est en ville et il est content, selon le gouvernement.";
        let texts: Vec<&str> = std::iter::repeat_n(es, 120).chain(std::iter::repeat_n(fr, 20)).collect();
        let l = lex(&texts);
        let r = restore("Desde su gabinete se insiste en que el presidente est?? tranquilo en la ciudad.", &[&l]);
        assert_eq!(
            r.as_deref(),
            Some("Desde su gabinete se insiste en que el presidente está tranquilo en la ciudad.")
        );
        // A French paragraph that asks it stays a question.
        assert_eq!(restore("Le président est content, n'est?? Il est en ville.", &[&l]), None);
    }

    #[test]
    fn a_word_seen_only_in_another_language_does_not_fill_a_word() {
        // The batch wrote "constaté" and "âmbito" in French and Portuguese
        // paragraphs only. In a Spanish one, "constat?" and "?mbito" are
        // read by the Spanish letter model ("constató", "ámbito"), not
        // filled with the other language's word (which they were before).
        let es = "El presidente está en la ciudad y dijo que todo está bien en la región, según el gobierno.";
        let es2 = "El ministro llegó tarde, habló con la prensa, explicó el plan, negó todo y pagó la cuenta.";
        let fr = "J'ai constaté que le président est en ville; elle a constaté la même chose hier.";
        let pt = "No âmbito do acordo, o governo disse que o âmbito da lei é claro.";
        let texts: Vec<&str> = std::iter::repeat_n([es, es2], 150)
            .flatten()
            .chain(std::iter::repeat_n(fr, 30))
            .chain(std::iter::repeat_n(pt, 30))
            .collect();
        let l = lex(&texts);
        let r = restore("El juez constat? que la ley no se aplic? en la regi?n.", &[&l]);
        assert_eq!(r.as_deref(), Some("El juez constató que la ley no se aplicó en la región."));
        let r = restore("Es un problema en el ?mbito de la regi?n y la ciudad.", &[&l]);
        assert_eq!(r.as_deref(), Some("Es un problema en el ámbito de la región y la ciudad."));
        // In French the French word stays the reading.
        let r = restore("Le juge a constat? que la loi est claire dans la r?gion.", &[&l]);
        assert_eq!(r.as_deref(), Some("Le juge a constaté que la loi est claire dans la région."));
    }

    #[test]
    fn a_word_seen_only_in_another_language_does_not_end_a_word_early() {
        // "dialog" is an English word; in a Spanish paragraph "dialog?"
        // lost the last letter of "dialogó", it is not "dialog" and a
        // closing quote that nothing opened.
        let es = "El presidente está en la ciudad y dijo que todo está bien en la región, según el gobierno.";
        let es2 = "El ministro llegó tarde, habló con la prensa, explicó el plan, negó todo y pagó la cuenta.";
        let en = "Open the dialog and click the button; the dialog box shows the settings.";
        let texts: Vec<&str> =
            std::iter::repeat_n([es, es2], 150).flatten().chain(std::iter::repeat_n(en, 20)).collect();
        let l = lex(&texts);
        let r = restore("En una reuni?n con el gobierno se dialog? sobre los despidos en la regi?n.", &[&l]);
        assert_eq!(r.as_deref(), Some("En una reunión con el gobierno se dialogó sobre los despidos en la región."));
        // In English the word stays a word.
        let r = restore("The settings dialog? Open it in the men? first.", &[&l]);
        assert!(r.as_deref().is_none_or(|r| r.contains("dialog?")), "{r:?}");
    }

    #[test]
    fn three_marks_between_small_words_are_a_dash() {
        let en = "The plan – which nobody liked – was dropped by the board, and the city said so again and again.";
        let l = lex(&[en; 40]);
        // Nothing else in the paragraph is damaged.
        let r = restore("There was quite a bit of the stuff ??? about 2,300 tons of it, the team said.", &[&l]);
        assert_eq!(r.as_deref(), Some("There was quite a bit of the stuff – about 2,300 tons of it, the team said."));
        // Before a capital, or as a sentence's end, they stay.
        for clean in ["Is that all ??? Nobody knows.", "Is that all ???", "Fine ???", "What ??? means nothing."] {
            assert_eq!(restore(clean, &[&l]), None, "{clean}");
        }
    }

    #[test]
    fn a_quote_left_open_is_closed_where_its_closer_was_lost() {
        let en = "She said “the plan is fine” and he said “no, I don’t” to the board, and the city said so again.";
        let l = lex(&[en; 40]);
        let r = restore("“It was a love song to her city and to the concept of home.???", &[&l]);
        assert_eq!(r.as_deref(), Some("“It was a love song to her city and to the concept of home.”"));
        let r = restore("They keep a bunch of “do this, not that??? tips for the city.", &[&l]);
        assert_eq!(r.as_deref(), Some("They keep a bunch of “do this, not that” tips for the city."));
        // German guillemets point inwards: »…« closes with `«`.
        let de = "Er sagte »das ist gut« und sie sagte »nein« dazu, und die Stadt sagte es auch wieder.";
        let l_de = lex(&[de; 40]);
        let r = restore("Die Figur - »Unglaublich, was er alles gefunden hat.?? (Volker) Neu im Verlag.", &[&l_de]);
        assert_eq!(r.as_deref(), Some("Die Figur - »Unglaublich, was er alles gefunden hat.« (Volker) Neu im Verlag."));
        // A closed quote, or a run that does not match the closer's
        // bytes, is no evidence.
        assert_eq!(restore("“It was a song.” Really???", &[&l]), None);
        assert_eq!(restore("“It was a song, really??", &[&l]), None);
        // Nor is one whose closer comes later.
        assert_eq!(restore("»Wirklich??« fragte er, und sie sagte »ja??« dazu.", &[&l_de]), None);
    }

    #[test]
    fn a_lone_run_after_a_no_break_space_is_punctuation() {
        // French sets « » and : off with no-break spaces, and puts "à"
        // between plain spaces.
        let fr = "«\u{a0}Elle est allée à Paris\u{a0}» et il a parlé à la presse\u{a0}: puis à la radio de la ville.";
        let l = lex(&[fr; 40]);
        let r = restore("«\u{a0}Je ne suis pas une mère maquerelle\u{a0}??\u{a0}: quand il parlait à la ville", &[&l]);
        assert_eq!(
            r.as_deref(),
            Some("«\u{a0}Je ne suis pas une mère maquerelle\u{a0}»\u{a0}: quand il parlait à la ville")
        );
    }

    #[test]
    fn a_known_word_and_a_clitic_make_a_word() {
        // "department’s" was never seen whole; "department" was, and a
        // one-letter "s" is common enough to be split off.
        let en = "The department and the city said the plan was fine, as s and t are letters, not words.";
        let l = lex(&[en; 25]);
        let r = restore("The department?s plan and the city?s budget were cut on Monday, the mayor said.", &[&l]);
        assert_eq!(
            r.as_deref(),
            Some("The department’s plan and the city’s budget were cut on Monday, the mayor said.")
        );
    }

    #[test]
    fn gate_tells_questions_from_damage() {
        assert!(!looks_damaged("Why? Because. Really?? No!"));
        assert!(looks_damaged("Das ist gro?artig und sch?n"));
        assert!(!looks_damaged("see https://example.org/a?q=b&x=y"));
    }

    #[test]
    fn restores_from_lexicon() {
        let l = lex(&["Der Kaffee ist schön und groß, sehr schön."]);
        let r = restore("Das ist sch?n und gro?.", &[&l]);
        assert_eq!(r.as_deref(), Some("Das ist schön und groß."));
        // "großartig" is not in the lexicon: the German letter model
        // restores it.
        let r = restore("Das ist sch??n und gro??artig", &[&l]);
        assert_eq!(r.as_deref(), Some("Das ist schön und großartig"));
    }

    #[test]
    fn a_lost_capital_before_a_name_is_a_capital() {
        // Spanish capitalises names, not nouns: before "Conde" the restored
        // first letter is a capital; in German a capital says nothing.
        let l = lex(&["El señor Álvarez habló con la señora álvarez de la ciudad y de los pueblos del norte."]);
        let r = restore("Ayer el jefe de los trabajadores, Ada ?lvarez Conde, dijo que el pueblo y las ciudades del sur no est?n bien.", &[&l])
            .unwrap_or_default();
        assert!(r.contains("Ada Álvarez Conde"), "{r}");
        // A comma ends the name: "él" before ", Cuba" is a pronoun.
        let l = lex(&["Él dijo que él y ella van. Él sabe. Para él y para ella, la ciudad del norte es así."; 3]);
        let r = restore("Para ?l, Cuba cuenta con enormes potencialidades y el pueblo no est? mal.", &[&l])
            .unwrap_or_default();
        assert!(r.starts_with("Para él, Cuba"), "{r}");
        let r =
            restore("Die Stadt und der Fluss sind gro? und die ?berfahrt Berlin ist sch?n.", &[]).unwrap_or_default();
        assert!(!r.contains("Überfahrt"), "{r}");
    }

    #[test]
    fn shared_endings_and_beginnings_vote() {
        // A batch large enough for a character model: filler words, and
        // words sharing the ending "-fälle" and the beginning "médic-".
        let mut text = String::new();
        for i in 0..1200u32 {
            let w: String = (0..4).map(|k| char::from(b'a' + ((i / 26u32.pow(k)) % 26) as u8)).collect();
            text.push_str(&format!("z{w} "));
        }
        text.push_str("Unfälle Abfälle Küchenabfälle médico médicos médicament");
        let l = lex(&[&text]);
        let lexicons = [&l];
        let m = Model::new(&lexicons, &[], None, None);
        let pat = |s: &str| -> Vec<Unit> {
            s.chars().map(|c| if c == '?' { Unit::Blank(0) } else { Unit::Char(c) }).collect()
        };
        let v = m.affix_votes(&pat("regenf?lle"), 6);
        assert_eq!(v.first().map(|x| x.0), Some('ä'), "{v:?}");
        let v = m.affix_votes(&pat("m?dica"), 1);
        assert_eq!(v.first().map(|x| x.0), Some('é'), "{v:?}");
        // Too little shared: no vote.
        assert!(m.affix_votes(&pat("x?z"), 1).is_empty());
    }

    #[test]
    fn a_word_list_does_not_split_a_word() {
        let list = Lexicon::from_word_list("sloven\nina\nslovak\n".as_bytes()).unwrap();
        let r = restore("Sloven\u{fffd}ina", &[&list]).unwrap_or_else(|| "Sloven\u{fffd}ina".into());
        assert!(!r.contains('\u{a0}') && !r.contains(' '), "{r:?}");
    }

    #[test]
    fn real_questions_stay() {
        let l = lex(&["Really, it is a café. Why not? No."]);
        for s in ["Really?? No!", "Why? Because.", "¿Qué? Nada.", "see https://x.org/?q=1"] {
            assert_eq!(restore(s, &[&l]), None, "{s}");
        }
    }

    #[test]
    fn a_lost_character_between_a_number_and_c_or_f_is_a_degree() {
        let l = lex(&["Temperature in aumento, più calda, sulle valli alpine e su gran parte della pianura."]);
        let r = restore("Temperature in aumento fino a 23\u{fffd}C sulle valli, 64\u{fffd}F, pi\u{fffd} calda.", &[&l]);
        assert_eq!(r.as_deref(), Some("Temperature in aumento fino a 23°C sulle valli, 64°F, più calda."));
        // Alone between brackets: the elision of a shortened quotation.
        let r = restore("Sulle valli (\u{fffd}) e su gran parte della pianura, pi\u{fffd} calda.", &[&l]);
        assert_eq!(r.as_deref(), Some("Sulle valli (…) e su gran parte della pianura, più calda."));
        // Two lost characters: a no-break space and the degree sign.
        let r = restore("Temperature fino a -11,5\u{fffd}\u{fffd}C sulle valli, pi\u{fffd} calda.", &[&l]);
        assert_eq!(r.as_deref(), Some("Temperature fino a -11,5\u{a0}°C sulle valli, più calda."));
        // Not when the letter goes on into a word, nor after a letter.
        let r = restore("Ne ho 3\u{fffd}Cs e la pi\u{fffd} Cf, pi\u{fffd} calda.", &[&l]).unwrap_or_default();
        assert!(!r.contains('°'), "{r}");
        let r = restore("La sigla Q\u{fffd}C, pi\u{fffd} calda.", &[&l]).unwrap_or_default();
        assert!(!r.contains('°'), "{r}");
    }

    #[test]
    fn an_opener_needs_a_closer_of_its_family() {
        // The `”` after the word closes the `“` opened before; it does not
        // make the run an opening guillemet.
        let r = restore("“Progress, in the area of ??security,” he said.", &[]).unwrap_or_default();
        assert!(!r.contains('«'), "{r}");
        assert!(r.contains("of \u{a0}security,”"), "{r}");
    }
}
