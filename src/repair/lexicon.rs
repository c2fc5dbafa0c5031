//! Intact words, learned from text, that lost characters are restored from.
//!
//! A [`Lexicon`] holds counts only, so learning is cheap and merging is a
//! sum: the batch lexicon of a run is the same whatever the thread count or
//! input order. Everything the restorer needs beyond counts (an index of
//! words by their shape with non-ASCII characters blanked, a character
//! n-gram model for words no lexicon knows) is derived from the counts on
//! first use and cached.

use super::charclass::CharClass;
use super::fasthash::FastMap;
use super::langid::{self, LangId, Votes};
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

/// A language needs this many non-ASCII characters seen in its words before
/// their distribution is used as its prior.
const MIN_LANG_CHARS: u64 = 200;

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
    /// Words as spelled.
    words: FastMap<Box<str>, u64>,
    /// Words lower-cased (typewriter apostrophe folded to ’), with the
    /// languages of the paragraphs they were seen in.
    lower: FastMap<Box<str>, Seen>,
    /// Lower-cased words with a non-ASCII character (the only ones a lost
    /// character can be restored to): their counts per paragraph language,
    /// sorted by language. "à" is a French word far more than a
    /// Portuguese one; the batch's global count cannot say so.
    by_lang: FastMap<Box<str>, Vec<(LangId, u64)>>,
    /// Sum of all counts.
    tokens: u64,
    /// Sum of the counts learned in each paragraph language.
    lang_tokens: Vec<u64>,
    /// Spacing habits per paragraph language, see [`Spacing`].
    lang_spacing: Vec<Spacing>,
    /// Made from a word list (every word once) rather than learned from text.
    list: bool,
    /// For short ASCII function words ("und", "que", "the"): how often each
    /// non-ASCII character occurs in the texts that use them. Summed over a
    /// damaged paragraph's function words this says which accents and which
    /// quotes its language uses.
    profiles: FastMap<Box<str>, FastMap<char, u32>>,
    shapes: OnceLock<Shapes>,
    derived: OnceLock<Derived>,
}

/// A lower-cased word's count and the languages it was seen in (bit `i` is
/// [`langid`] language `i`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Seen {
    pub(crate) n: u64,
    pub(crate) langs: u64,
}

/// The known words by shape, built from the counts on first use, apart
/// from [`Derived`]: they alone say whether a word plus a lost character
/// could be a known word, which decides most paragraphs with an ordinary
/// question mark without the character models (see
/// `lost::plainly_a_question`), and they cost a pass over the words with
/// a non-ASCII character only.
#[derive(Debug, Default)]
pub(crate) struct Shapes {
    /// Shape with each non-ASCII character blanked once → lower-cased words
    /// with counts, most frequent first.
    pub(crate) by_char: FastMap<Box<str>, Vec<(Box<str>, u64)>>,
    /// Shape with each non-ASCII character blanked once per UTF-8 byte.
    pub(crate) by_byte: FastMap<Box<str>, Vec<(Box<str>, u64)>>,
}

impl Shapes {
    fn build(lex: &Lexicon) -> Shapes {
        let mut s = Shapes::default();
        for (lw, &Seen { n, .. }) in &lex.lower {
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
                }
            }
            s.by_char.entry(cs.into()).or_default().push((lw.clone(), n));
            s.by_byte.entry(bs.into()).or_default().push((lw.clone(), n));
        }
        for v in s.by_char.values_mut().chain(s.by_byte.values_mut()) {
            v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        }
        s
    }
}

/// Indexes built from the counts on first use.
#[derive(Debug, Default)]
pub(crate) struct Derived {
    /// Lower-cased word → its most frequent spelling, for words usually
    /// spelled with capitals.
    pub(crate) cased: FastMap<Box<str>, Box<str>>,
    /// ln P(last character | the ones before) for every n-gram of word
    /// types (with word boundaries), keyed by [`gram_key`].
    pub(crate) logp: Grams,
    /// Whether `logp` was built (large enough lexicon).
    pub(crate) has_model: bool,
    /// The same model per paragraph language, from the words seen in that
    /// language, for languages with enough words (indexed by [`LangId`]).
    /// Built on first use ([`Lexicon::lang_model`]): most batches need few
    /// languages' models, or none.
    lang_logp: Vec<OnceLock<Option<Grams>>>,
    /// Distinct words seen per language.
    lang_words: Vec<usize>,
    /// Per paragraph language: how often each non-ASCII character occurs
    /// in its words (lower-cased), and the total, for languages with at
    /// least [`MIN_LANG_CHARS`] of them.
    pub(crate) lang_chars: Vec<Option<(FastMap<char, u64>, u64)>>,
    /// Non-ASCII characters that occur in words, lower-cased, most frequent
    /// first.
    pub(crate) alphabet: Vec<(char, u64)>,
    /// The lower-case characters of `alphabet` seen at least twice, in the
    /// same order: the restorer's fallback candidates when this lexicon
    /// carries the character model.
    pub(crate) common_lower: Vec<char>,
    /// Non-ASCII word characters seen right after each character, most
    /// frequent first.
    pub(crate) follow: FastMap<char, Vec<char>>,
    /// Non-ASCII word characters seen right before each character.
    pub(crate) precede: FastMap<char, Vec<char>>,
    /// Profiles normalised to shares, largest first.
    pub(crate) profiles: FastMap<Box<str>, Vec<(char, f32)>>,
    /// Lower-cased words with a non-ASCII character and their counts, for
    /// [`Derived::affix`].
    affix_words: Vec<(Box<str>, u64)>,
    /// Their shapes (one [`BLANK`] per non-ASCII character) with the word's
    /// index, sorted: words sharing a beginning are neighbours.
    by_prefix: Vec<(Box<str>, u32)>,
    /// The same with each shape reversed: words sharing an ending.
    by_suffix: Vec<(Box<str>, u32)>,
    /// Clitics seen across an apostrophe: for each lower-cased word with
    /// one `’` inside, its clitic ([`clitic_of`]), keyed by (before the
    /// apostrophe, text), with counts. French and Italian
    /// write "l’", "d’", "qu’" before a word, English "’s", "’t" after it;
    /// nobody writes "avec’la".
    pub(crate) clitics: FastMap<(bool, Box<str>), u64>,
    /// Tokens of words with an apostrophe inside, summed.
    pub(crate) apostrophe_tokens: u64,
}

/// The clitic of a word written with one apostrophe inside ("l’eau",
/// "it’s", "jusqu’à"): whether it comes before the apostrophe, and its
/// text. The clitic is the side that is not a word on its own (`known`
/// says which are): "à" is a word, "jusqu" is not. When both or neither
/// are, the shorter side (the one before on a tie). `None` without exactly
/// one apostrophe between two non-empty sides.
pub(crate) fn clitic_of(w: &str, known: impl Fn(&str) -> bool) -> Option<(bool, &str)> {
    let i = w.find('’')?;
    let (a, b) = (&w[..i], &w[i + '’'.len_utf8()..]);
    if a.is_empty() || b.is_empty() || b.contains('’') {
        return None;
    }
    let before = match (known(a), known(b)) {
        (false, true) => true,
        (true, false) => false,
        _ => a.chars().count() <= b.chars().count(),
    };
    Some((before, if before { a } else { b }))
}

impl Clone for Lexicon {
    /// Clones the counts; derived indexes are rebuilt on first use.
    fn clone(&self) -> Self {
        Lexicon {
            words: self.words.clone(),
            lower: self.lower.clone(),
            by_lang: self.by_lang.clone(),
            tokens: self.tokens,
            lang_tokens: self.lang_tokens.clone(),
            lang_spacing: self.lang_spacing.clone(),
            list: self.list,
            profiles: self.profiles.clone(),
            shapes: OnceLock::new(),
            derived: OnceLock::new(),
        }
    }
}

impl Lexicon {
    /// An empty lexicon.
    pub fn new() -> Self {
        Self::default()
    }

    fn add(&mut self, w: &str, n: u64) {
        self.add_with(w, n, &mut String::new(), None);
    }

    /// [`Lexicon::add`] with a scratch buffer for the lower-cased word, so
    /// learning a text allocates only for new words, and the language of
    /// the paragraph the word was seen in.
    fn add_with(&mut self, w: &str, n: u64, scratch: &mut String, lang: Option<LangId>) {
        bump(&mut self.words, w, n);
        let langs = lang.map_or(0, |l| 1u64 << l);
        let lw: &str = if w.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()) {
            w
        } else {
            scratch.clear();
            scratch.extend(w.chars().map(lower_char));
            scratch
        };
        if let Some(v) = self.lower.get_mut(lw) {
            v.n += n;
            v.langs |= langs;
        } else {
            self.lower.insert(lw.into(), Seen { n, langs });
        }
        if let Some(l) = lang {
            if self.lang_tokens.len() <= l as usize {
                self.lang_tokens.resize(l as usize + 1, 0);
            }
            self.lang_tokens[l as usize] += n;
            if !lw.is_ascii() {
                let v = match self.by_lang.get_mut(lw) {
                    Some(v) => v,
                    None => self.by_lang.entry(lw.into()).or_default(),
                };
                add_lang_count(v, l, n);
            }
        }
        self.tokens += n;
    }

    /// Add the intact words of `text`. Mojibake and HTML entities are
    /// repaired first (a mojibaked paragraph is full of good words once
    /// decoded); words touching `?` or U+FFFD in a paragraph that shows
    /// lost-character damage, and words that still look like mojibake, are
    /// skipped, so the lexicon only holds words as they were written.
    pub fn learn(&mut self, text: &str) {
        self.learn_inner(text, true);
    }

    /// The lexicon of one document: its intact words, learned as
    /// [`Lexicon::learn`] does but without the language profiles (the
    /// restorer takes those from the batch lexicon), so building one per
    /// document is cheap.
    pub fn of_document(text: &str) -> Lexicon {
        let mut l = Lexicon::new();
        let words = text.len() / 6 + 1;
        l.words.reserve(words);
        l.lower.reserve(words);
        l.learn_inner(text, false);
        l
    }

    /// Add one paragraph's kept words under its language, or note them as
    /// pending (`offset` is where they start in the document's list) when
    /// its function words do not decide.
    fn close_paragraph<'t>(
        &mut self,
        words: &[&'t str],
        votes: &Votes,
        pending: &mut Vec<(usize, usize)>,
        offset: usize,
        staged: &mut Staged<'t>,
        par: &str,
    ) {
        match votes.winner() {
            Some(l) => {
                let sp = Spacing::of(par);
                if sp != Spacing::default() {
                    if self.lang_spacing.len() <= l as usize {
                        self.lang_spacing.resize(l as usize + 1, Spacing::default());
                    }
                    self.lang_spacing[l as usize].add(&sp);
                }
                for &w in words {
                    *staged.entry((w, Some(l))).or_default() += 1;
                }
            }
            None if !words.is_empty() => pending.push((offset, offset + words.len())),
            None => {}
        }
    }

    fn learn_inner(&mut self, text: &str, profiles: bool) {
        let fixed = super::prepare_for_learning(text);
        let text = fixed.as_deref().unwrap_or(text);
        let damaged = text.contains('\u{fffd}') || super::lost::looks_damaged(text);
        // Short ASCII words packed into a u32 each (big-endian, zero padded,
        // so numeric order is the words' order): no allocation per word.
        let mut seen_profile_words: Vec<u32> = Vec::new();
        let mut scratch = String::new();
        // With profiles (the batch lexicon), words are tagged with their
        // paragraph's language: a paragraph's words wait in `kept` until
        // its end, when its function words have voted; paragraphs too short
        // to tell take the document's language at the end.
        let table = profiles.then(langid::table);
        // The batch lexicon's words are counted here first, then added once
        // each: its maps are large, each lookup a likely cache miss, and a
        // document repeats most of its words.
        let mut staged: Staged = FastMap::default();
        let mut kept: Vec<&str> = Vec::new();
        let mut par_votes = Votes::default();
        let mut doc_votes = Votes::default();
        let mut par_start = 0usize;
        let mut par_byte = 0usize;
        let mut pending: Vec<(usize, usize)> = Vec::new();
        let mut next_newline = memchr::memchr(b'\n', text.as_bytes()).unwrap_or(usize::MAX);
        let bytes = text.as_bytes();
        for (w, start, end) in words_with_pos(text) {
            // A new paragraph starts: the last one is complete.
            if table.is_some() && start > next_newline {
                let par = &text[par_byte..next_newline];
                self.close_paragraph(&kept[par_start..], &par_votes, &mut pending, par_start, &mut staged, par);
                par_byte = next_newline;
                doc_votes.merge(&par_votes);
                par_votes = Votes::default();
                par_start = kept.len();
                next_newline = memchr::memchr(b'\n', &bytes[start..]).map_or(usize::MAX, |k| start + k);
            }
            let touches = |i: usize| {
                let c = char_at(text, i);
                c == Some('?') || c == Some('\u{fffd}')
            };
            let before_mark = start > 0 && touches(prev_char_start(text, start));
            let after_mark = end < bytes.len() && touches(end);
            if (before_mark || after_mark) && damaged {
                continue;
            }
            let rest = &text[end..];
            if after_mark && (rest.starts_with("??") || rest.strip_prefix('?').is_some_and(lower_word_follows)) {
                // "enumer? una": perhaps a word that lost its last letter,
                // which must not vouch for itself.
                continue;
            }
            let (too_long, numeric) = if w.is_ascii() {
                (w.len() > MAX_WORD_CHARS, w.bytes().all(|b| b.is_ascii_digit()))
            } else {
                (w.chars().count() > MAX_WORD_CHARS, w.chars().all(|c| c.is_numeric()))
            };
            if too_long || numeric {
                continue;
            }
            if !w.is_ascii() && super::mojibake::may_have_mojibake(w) {
                continue;
            }
            let short = w.len() <= MAX_PROFILE_WORD && w.bytes().all(|b| b.is_ascii_alphabetic());
            let key = if profiles && short { langid::pack(w.as_bytes()) } else { None };
            if let Some(t) = table {
                kept.push(w);
                if let Some(k) = key {
                    par_votes.add(t, k);
                }
            } else {
                self.add_with(w, 1, &mut scratch, None);
            }
            if let Some(k) = key {
                seen_profile_words.push(k);
            }
        }
        if table.is_some() {
            let par = &text[par_byte.min(text.len())..];
            self.close_paragraph(&kept[par_start..], &par_votes, &mut pending, par_start, &mut staged, par);
            doc_votes.merge(&par_votes);
            let lang = doc_votes.winner();
            for (s, e) in pending {
                for &w in &kept[s..e] {
                    *staged.entry((w, lang)).or_default() += 1;
                }
            }
        }
        // Sums do not depend on the order they are added in.
        for ((w, lang), n) in staged {
            self.add_with(w, n, &mut scratch, lang);
        }
        if !seen_profile_words.is_empty() {
            let mut chars: FastMap<char, u32> = FastMap::default();
            for c in text.chars() {
                if !c.is_ascii() && c != '\u{fffd}' {
                    let e = chars.entry(lower_char(c)).or_default();
                    *e = (*e + 1).min(8);
                }
            }
            if !chars.is_empty() {
                seen_profile_words.sort_unstable();
                seen_profile_words.dedup();
                for k in seen_profile_words {
                    let bytes = k.to_be_bytes();
                    let len = bytes.iter().position(|&b| b == 0).unwrap_or(4);
                    let w = std::str::from_utf8(&bytes[..len]).unwrap_or("");
                    if !self.profiles.contains_key(w) {
                        self.profiles.insert(w.into(), FastMap::default());
                    }
                    let Some(p) = self.profiles.get_mut(w) else { continue };
                    for (&c, &n) in &chars {
                        *p.entry(c).or_default() += n;
                    }
                }
            }
        }
        self.shapes = OnceLock::new();
        self.derived = OnceLock::new();
    }

    /// Add every count of `other`. Commutative and associative, so any merge
    /// order gives the same lexicon.
    pub fn merge(&mut self, other: &Lexicon) {
        for (w, n) in &other.words {
            *self.words.entry(w.clone()).or_default() += n;
        }
        for (w, n) in &other.lower {
            let e = self.lower.entry(w.clone()).or_default();
            e.n += n.n;
            e.langs |= n.langs;
        }
        for (w, v) in &other.by_lang {
            let mine = self.by_lang.entry(w.clone()).or_default();
            for &(l, n) in v {
                add_lang_count(mine, l, n);
            }
        }
        self.tokens += other.tokens;
        add_tokens(&mut self.lang_tokens, &other.lang_tokens);
        add_spacing(&mut self.lang_spacing, &other.lang_spacing);
        for (w, p) in &other.profiles {
            let mine = self.profiles.entry(w.clone()).or_default();
            for (&c, &n) in p {
                *mine.entry(c).or_default() += n;
            }
        }
        self.shapes = OnceLock::new();
        self.derived = OnceLock::new();
    }

    /// [`Lexicon::merge`] by value: the smaller lexicon's entries are moved
    /// into the larger one, so no word is copied. Same result as `merge`.
    pub fn absorb(&mut self, mut other: Lexicon) {
        let list = self.list;
        if self.words.len() < other.words.len() {
            std::mem::swap(self, &mut other);
        }
        self.list = list;
        for (w, n) in other.words {
            *self.words.entry(w).or_default() += n;
        }
        for (w, n) in other.lower {
            let e = self.lower.entry(w).or_default();
            e.n += n.n;
            e.langs |= n.langs;
        }
        for (w, v) in other.by_lang {
            let mine = self.by_lang.entry(w).or_default();
            if mine.is_empty() {
                *mine = v;
                continue;
            }
            for (l, n) in v {
                add_lang_count(mine, l, n);
            }
        }
        self.tokens += other.tokens;
        add_tokens(&mut self.lang_tokens, &other.lang_tokens);
        add_spacing(&mut self.lang_spacing, &other.lang_spacing);
        for (w, p) in other.profiles {
            let mine = self.profiles.entry(w).or_default();
            if mine.is_empty() {
                *mine = p;
                continue;
            }
            for (c, n) in p {
                *mine.entry(c).or_default() += n;
            }
        }
        self.shapes = OnceLock::new();
        self.derived = OnceLock::new();
    }

    /// A lexicon from a word list, one word per line (`/usr/share/dict/*`,
    /// hunspell-style `word/FLAGS` is cut at the slash). Each word counts
    /// once; lines starting with `#` and blank lines are skipped.
    pub fn from_word_list(r: impl BufRead) -> std::io::Result<Self> {
        let mut lex = Lexicon { list: true, ..Lexicon::default() };
        for line in r.lines() {
            let line = line?;
            let w = line.split('/').next().unwrap_or("").trim();
            if w.is_empty() || w.starts_with('#') || w.chars().count() > MAX_WORD_CHARS {
                continue;
            }
            if !w.chars().all(|c| c.is_alnum() || c == '’' || c == '\'') {
                continue;
            }
            lex.add(w, 1);
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

    /// How often `lw` (lower-cased) was seen in any spelling.
    pub(crate) fn count_lower(&self, lw: &str) -> u64 {
        self.lower.get(lw).map_or(0, |s| s.n)
    }

    /// Whether `lw` (lower-cased) was seen in a paragraph of language
    /// `lang`: a word of one language is not a word of another ("est").
    pub(crate) fn seen_in(&self, lw: &str, lang: LangId) -> bool {
        self.lower.get(lw).is_some_and(|s| s.langs & (1 << lang) != 0)
    }

    /// How often `lw` (lower-cased, with a non-ASCII character) was seen in
    /// paragraphs of language `lang`.
    pub(crate) fn count_lower_in(&self, lw: &str, lang: LangId) -> u64 {
        self.by_lang.get(lw).and_then(|v| v.iter().find(|x| x.0 == lang)).map_or(0, |x| x.1)
    }

    /// Sum of all counts.
    pub(crate) fn tokens(&self) -> u64 {
        self.tokens
    }

    /// Sum of the counts learned in paragraphs of language `l`.
    pub(crate) fn tokens_in(&self, l: LangId) -> u64 {
        self.lang_tokens.get(l as usize).copied().unwrap_or(0)
    }

    /// The spacing habits seen in paragraphs of language `l`.
    pub(crate) fn spacing_in(&self, l: LangId) -> Spacing {
        self.lang_spacing.get(l as usize).copied().unwrap_or_default()
    }

    /// Whether this lexicon is a word list (no frequencies).
    pub(crate) fn is_list(&self) -> bool {
        self.list
    }

    /// Whether this lexicon is large enough to carry a character model.
    pub(crate) fn is_large(&self) -> bool {
        self.lower.len() >= MIN_MODEL_WORDS
    }

    pub(crate) fn derived(&self) -> &Derived {
        self.derived.get_or_init(|| Derived::build(self))
    }

    /// The known words by shape: built on first use, apart from
    /// [`Lexicon::derived`], so asking whether a word plus a lost character
    /// is known does not build the character models.
    pub(crate) fn shapes(&self) -> &Shapes {
        self.shapes.get_or_init(|| Shapes::build(self))
    }

    /// Whether the indexes of [`Derived`] were built (for tests of what
    /// needs them).
    #[cfg(test)]
    pub(crate) fn has_derived(&self) -> bool {
        self.derived.get().is_some()
    }

    /// The character model of the words seen in paragraphs of language
    /// `l`, when this lexicon carries a model and has enough such words.
    pub(crate) fn lang_model(&self, l: LangId) -> Option<&Grams> {
        let d = self.derived();
        let cell = d.lang_logp.get(l as usize)?;
        cell.get_or_init(|| {
            let n = d.lang_words[l as usize];
            (n >= MIN_MODEL_WORDS).then(|| {
                let words = self.lower.iter().filter(|(_, s)| s.langs & (1 << l) != 0).map(|(w, _)| &**w);
                ngram_model(words, n, None)
            })
        })
        .as_ref()
    }
}

impl Derived {
    /// Known words whose shape starts with `prefix` (or, with `reversed`,
    /// whose reversed shape starts with it), at most `cap` of them: each
    /// word with its count.
    pub(crate) fn affix<'a>(
        &'a self,
        prefix: &'a str,
        reversed: bool,
        cap: usize,
    ) -> impl Iterator<Item = (&'a str, u64)> + 'a {
        let v = if reversed { &self.by_suffix } else { &self.by_prefix };
        let start = v.partition_point(|(s, _)| &**s < prefix);
        v[start..].iter().take_while(move |(s, _)| s.starts_with(prefix)).take(cap).map(move |&(_, i)| {
            let (w, n) = &self.affix_words[i as usize];
            (&**w, *n)
        })
    }

    fn build(lex: &Lexicon) -> Derived {
        let mut d = Derived::default();
        let mut spellings: FastMap<Box<str>, (Box<str>, u64)> = FastMap::default();
        for (w, &n) in &lex.words {
            // Most words are in lower case already: no copy for them.
            if w.chars().all(|c| lower_char(c) == c) {
                continue;
            }
            let e = spellings.entry(lower(w).into()).or_insert_with(|| (w.clone(), 0));
            // Most frequent spelling; ties to the lexicographically first.
            if n > e.1 || n == e.1 && *w < e.0 {
                *e = (w.clone(), n);
            }
        }
        // A spelling only stands for the word when it is more common than
        // the lower-case one.
        for (lw, (sp, n)) in spellings {
            let lower_n = lex.words.get(&lw).copied().unwrap_or(0);
            if n > lower_n {
                d.cased.insert(lw, sp);
            }
        }
        let mut alphabet: FastMap<char, u64> = FastMap::default();
        for (lw, &Seen { n, .. }) in &lex.lower {
            if lw.is_ascii() {
                continue;
            }
            if let Some((before, clitic)) = clitic_of(lw, |x| lex.lower.contains_key(x)) {
                *d.clitics.entry((before, clitic.into())).or_default() += n;
                d.apostrophe_tokens += n;
            }
            for c in lw.chars().filter(|c| !c.is_ascii()) {
                *alphabet.entry(c).or_default() += n;
            }
        }
        let mut alphabet: Vec<(char, u64)> = alphabet.into_iter().collect();
        alphabet.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        let mut affix_words: Vec<(Box<str>, u64)> =
            lex.lower.iter().filter(|(w, _)| !w.is_ascii()).map(|(w, s)| (w.clone(), s.n)).collect();
        affix_words.sort();
        for (i, (w, _)) in affix_words.iter().enumerate() {
            let shape: String = w.chars().map(|c| if c.is_ascii() { c } else { BLANK }).collect();
            d.by_suffix.push((shape.chars().rev().collect::<String>().into(), i as u32));
            d.by_prefix.push((shape.into(), i as u32));
        }
        d.by_prefix.sort();
        d.by_suffix.sort();
        d.affix_words = affix_words;
        d.common_lower = alphabet.iter().filter(|&&(c, n)| n >= 2 && lower_char(c) == c).map(|x| x.0).collect();
        d.alphabet = alphabet;
        let nlang = langid::table().langs.len();
        let mut lang_chars: Vec<(FastMap<char, u64>, u64)> = vec![Default::default(); nlang];
        for (w, v) in &lex.by_lang {
            for &(l, n) in v {
                let (m, tot) = &mut lang_chars[l as usize];
                for c in w.chars().filter(|c| !c.is_ascii()) {
                    *m.entry(c).or_default() += n;
                    *tot += n;
                }
            }
        }
        d.lang_chars = lang_chars.into_iter().map(|x| (x.1 >= MIN_LANG_CHARS).then_some(x)).collect();
        for (w, p) in &lex.profiles {
            let tot: u32 = p.values().sum();
            if tot == 0 {
                continue;
            }
            let mut v: Vec<(char, f32)> = p.iter().map(|(&c, &n)| (c, n as f32 / tot as f32)).collect();
            v.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
            v.truncate(PROFILE_TOP);
            d.profiles.insert(w.clone(), v);
        }
        // Word lists carry no frequencies and often one language only: no
        // character model from them.
        if lex.is_large() && !lex.list {
            d.has_model = true;
            let mut bigrams: FastMap<(char, char), u32> = FastMap::default();
            d.logp = ngram_model(lex.lower.keys().map(|w| &**w), lex.lower.len(), Some(&mut bigrams));
            // Per language: the words seen in that language's paragraphs.
            let nlang = langid::table().langs.len();
            d.lang_words = vec![0usize; nlang];
            for s in lex.lower.values() {
                let mut m = s.langs;
                while m != 0 {
                    d.lang_words[m.trailing_zeros() as usize] += 1;
                    m &= m - 1;
                }
            }
            d.lang_logp = (0..nlang).map(|_| OnceLock::new()).collect();
            let mut follow: FastMap<char, Vec<(char, u32)>> = FastMap::default();
            let mut precede: FastMap<char, Vec<(char, u32)>> = FastMap::default();
            for (&(a, b), &n) in &bigrams {
                if !b.is_ascii() && (b.is_alpha() || b == '’') {
                    follow.entry(a).or_default().push((b, n));
                }
                if !a.is_ascii() && (a.is_alpha() || a == '’') {
                    precede.entry(b).or_default().push((a, n));
                }
            }
            for (m, out) in [(follow, &mut d.follow), (precede, &mut d.precede)] {
                for (c, mut v) in m {
                    v.sort_by(|x, y| y.1.cmp(&x.1).then(x.0.cmp(&y.0)));
                    v.truncate(NEIGHBOURS);
                    out.insert(c, v.into_iter().map(|x| x.0).collect());
                }
            }
        }
        d
    }
}

/// ln P(last character | the ones before) for every n-gram of the given
/// word types (with word boundaries), keyed by [`gram_key`]; with
/// `bigrams`, also counts the pairs of neighbouring characters of which one
/// is not ASCII.
fn ngram_model<'w>(
    words: impl Iterator<Item = &'w str>,
    size: usize,
    mut bigrams: Option<&mut FastMap<(char, char), u32>>,
) -> Grams {
    // n-gram counts, then ln P. A context's total is the count of the
    // context as an n-gram itself: every occurrence of it is followed by a
    // character, since only the end-of-word mark ends a word and no context
    // ends with it. The contexts made of start-of-word marks alone occur
    // once per word, and the empty context once per character or word end.
    let mut grams: FastMap<u128, u32> = FastMap::default();
    grams.reserve(size * 8);
    let mut buf: Vec<char> = Vec::with_capacity(48);
    let (mut nwords, mut nchars) = (0u64, 0u64);
    for lw in words {
        buf.clear();
        buf.extend(std::iter::repeat_n(BOW, ORDER - 1));
        buf.extend(lw.chars());
        buf.push(EOW);
        nwords += 1;
        nchars += (buf.len() - (ORDER - 1)) as u64;
        for i in ORDER - 1..buf.len() {
            // Keys of the grams ending at `i`, shortest first.
            let mut k: u128 = 0;
            for n in 1..=ORDER {
                k |= (buf[i + 1 - n] as u128) << (21 * (n - 1));
                *grams.entry(k | ((n as u128) << (21 * ORDER))).or_default() += 1;
            }
            if let Some(bg) = bigrams.as_deref_mut() {
                let (a, b) = (buf[i - 1], buf[i]);
                if a != BOW && b != EOW && (!a.is_ascii() || !b.is_ascii()) {
                    *bg.entry((a, b)).or_default() += 1;
                }
            }
        }
    }
    let all_bow = |ctx: u128| {
        let len = (ctx >> (21 * ORDER)) as usize;
        (0..len).all(|j| (ctx >> (21 * j)) & 0x1f_ffff == BOW as u128)
    };
    let logp: Vec<f32> = grams
        .iter()
        .map(|(&k, &n)| {
            let ctx = context_key(k);
            let den = if ctx >> (21 * ORDER) == 0 {
                nchars
            } else if all_bow(ctx) {
                nwords
            } else {
                grams.get(&ctx).map_or(0, |&c| u64::from(c))
            };
            (n as f32 / den.max(u64::from(n)) as f32).ln()
        })
        .collect();
    // The same map, visited in the same order (no entry added or removed
    // in between), now holding ln P.
    for ((_, v), lp) in grams.iter_mut().zip(logp) {
        *v = lp.to_bits();
    }
    Grams(grams)
}

/// A character n-gram model: ln P by [`gram_key`], kept as `f32` bits in
/// the map the counts were made in. Converting the counts in place, rather
/// than collecting a second map of the same size, halves what building the
/// model allocates (13 MB less on the dev benchmark's batch).
#[derive(Debug, Default)]
pub(crate) struct Grams(FastMap<u128, u32>);

impl Grams {
    /// ln P of the n-gram keyed `k`, if it was seen.
    #[inline]
    pub(crate) fn get(&self, k: &u128) -> Option<f32> {
        self.0.get(k).map(|&b| f32::from_bits(b))
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.0.len()
    }
}

/// Add per-language token sums.
fn add_tokens(mine: &mut Vec<u64>, other: &[u64]) {
    if mine.len() < other.len() {
        mine.resize(other.len(), 0);
    }
    for (a, b) in mine.iter_mut().zip(other) {
        *a += b;
    }
}

/// Typographic habits of a language that decide what a lost character
/// was: how often a dash stands alone between spaces (what a lone `?` is
/// when not a one-letter word like "à"), what follows a one-letter word
/// (Polish and Czech typesetting glue "z", "i", "w" to the next word with
/// a no-break space), whether words carry apostrophes, and which double
/// quotes open and close.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Spacing {
    pub(crate) lone_dashes: u64,
    /// One-letter words followed by a space, and by a no-break space.
    pub(crate) one_letter_space: u64,
    pub(crate) one_letter_nbsp: u64,
    /// Apostrophes between two letters ("l’eau", "don't"): whether the
    /// language writes words with one, as English, French and Italian do
    /// and Spanish and Polish do not.
    pub(crate) apostrophes: u64,
    /// What closes a „: “ (German, Czech) or ” (Polish, Hungarian, and
    /// much German on the web).
    pub(crate) low9_closed_66: u64,
    pub(crate) low9_closed_99: u64,
    /// Double quotes opened with „ and with “ (German and Polish open with
    /// „, English and much of the web with “).
    pub(crate) opened_low9: u64,
    pub(crate) opened_66: u64,
}

impl Spacing {
    /// The counts of one paragraph.
    fn of(par: &str) -> Spacing {
        let mut sp = Spacing::default();
        let b = par.as_bytes();
        let space = |x: Option<&u8>| matches!(x, Some(b' ') | None);
        for i in memchr::memchr_iter(0xE2, b) {
            if b.get(i + 1) == Some(&0x80)
                && matches!(b.get(i + 2), Some(0x93 | 0x94))
                && i > 0
                && space(b.get(i - 1))
                && space(b.get(i + 3))
            {
                sp.lone_dashes += 1;
            }
        }
        // One-letter words: a letter between a space (or the start) and a
        // space or no-break space.
        let mut prev: [Option<char>; 2] = [None, None];
        let mut open_low9 = false;
        for c in par.chars() {
            if let [before, Some(one)] = prev {
                if one.is_alphabetic() && before.is_none_or(|x| x == ' ' || x == '\u{a0}') {
                    match c {
                        ' ' => sp.one_letter_space += 1,
                        '\u{a0}' => sp.one_letter_nbsp += 1,
                        _ => {}
                    }
                }
            }
            if let [Some(a), Some('’' | '\'')] = prev {
                if a.is_alphabetic() && c.is_alphabetic() {
                    sp.apostrophes += 1;
                }
            }
            // Double quotes: what opens, and what closes a „.
            match c {
                '„' => {
                    open_low9 = true;
                    sp.opened_low9 += 1;
                }
                '“' if open_low9 => {
                    sp.low9_closed_66 += 1;
                    open_low9 = false;
                }
                '“' => sp.opened_66 += 1,
                '”' if open_low9 => {
                    sp.low9_closed_99 += 1;
                    open_low9 = false;
                }
                _ => {}
            }
            prev = [prev[1], Some(c)];
        }
        sp
    }

    fn add(&mut self, o: &Spacing) {
        self.lone_dashes += o.lone_dashes;
        self.one_letter_space += o.one_letter_space;
        self.one_letter_nbsp += o.one_letter_nbsp;
        self.apostrophes += o.apostrophes;
        self.low9_closed_66 += o.low9_closed_66;
        self.low9_closed_99 += o.low9_closed_99;
        self.opened_low9 += o.opened_low9;
        self.opened_66 += o.opened_66;
    }
}

fn add_spacing(mine: &mut Vec<Spacing>, other: &[Spacing]) {
    if mine.len() < other.len() {
        mine.resize(other.len(), Spacing::default());
    }
    for (a, b) in mine.iter_mut().zip(other) {
        a.add(b);
    }
}

/// Add `n` to language `l`'s count in a list sorted by language.
fn add_lang_count(v: &mut Vec<(LangId, u64)>, l: LangId, n: u64) {
    match v.binary_search_by_key(&l, |x| x.0) {
        Ok(i) => v[i].1 += n,
        Err(i) => v.insert(i, (l, n)),
    }
}

/// One document's word counts per paragraph language, before they go into
/// the lexicon's maps.
type Staged<'t> = FastMap<(&'t str, Option<LangId>), u64>;

/// Add `n` to the count of `w`, allocating only for a new word.
fn bump(m: &mut FastMap<Box<str>, u64>, w: &str, n: u64) {
    if let Some(v) = m.get_mut(w) {
        *v += n;
    } else {
        m.insert(w.into(), n);
    }
}

/// Characters kept per normalised profile.
const PROFILE_TOP: usize = 40;
/// Characters kept per neighbour list.
const NEIGHBOURS: usize = 24;

/// Key of an n-gram of at most [`ORDER`] characters: its length in the
/// bits from `21 * ORDER` up, the characters 21 bits each, last character
/// lowest.
#[cfg(test)]
pub(crate) fn gram_key(g: &[char]) -> u128 {
    let mut k: u128 = 0;
    for &c in g {
        k = (k << 21) | c as u128;
    }
    k | ((g.len() as u128) << (21 * ORDER))
}

/// The key of an n-gram without its last character.
#[inline]
fn context_key(k: u128) -> u128 {
    let len = (k >> (21 * ORDER)) as usize;
    let chars = k & ((1u128 << (21 * ORDER)) - 1);
    (chars >> 21) | (((len - 1) as u128) << (21 * ORDER))
}

/// The words of `text` with their byte ranges: runs of letters, digits and
/// combining marks, with an apostrophe inside a word kept ("don’t",
/// "l’emergenza").
pub(crate) fn words_with_pos(text: &str) -> impl Iterator<Item = (&str, usize, usize)> {
    let b = text.as_bytes();
    let mut i = 0usize;
    // The character at byte `i` (a char boundary) and its length.
    let at = move |i: usize| -> (char, usize) {
        let c0 = b[i];
        if c0 < 0x80 {
            return (char::from(c0), 1);
        }
        let c = text[i..].chars().next().unwrap_or('\0');
        (c, c.len_utf8())
    };
    std::iter::from_fn(move || {
        let start = loop {
            if i >= b.len() {
                return None;
            }
            let (c, n) = at(i);
            i += n;
            if super::charclass::is_wordish(c) {
                break i - n;
            }
        };
        let mut end = text.len();
        while i < b.len() {
            let (c, n) = at(i);
            let inner_apostrophe =
                || (c == '’' || c == '\'') && i + n < b.len() && super::charclass::is_wordish(at(i + n).0);
            if super::charclass::is_wordish(c) || inner_apostrophe() {
                i += n;
            } else {
                end = i;
                break;
            }
        }
        Some((&text[start..end], start, end))
    })
}

/// Whether `s` starts with a space and then a lower-case letter (after a
/// `?`: a lost letter at a word's end, or an informal question).
pub(super) fn lower_word_follows(s: &str) -> bool {
    s.strip_prefix(' ').and_then(|r| r.chars().next()).is_some_and(char::is_lowercase)
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
    if let Some(l) = super::charclass::lower1(c) {
        return l;
    }
    let mut l = c.to_lowercase();
    match (l.next(), l.next()) {
        (Some(x), None) => x,
        _ => c,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_clitic_is_the_side_that_is_not_a_word() {
        let words = ["eau", "à", "it", "italia", "l", "s"];
        let known = |w: &str| words.contains(&w);
        assert_eq!(clitic_of("l’eau", known), Some((true, "l")));
        assert_eq!(clitic_of("jusqu’à", known), Some((true, "jusqu")));
        assert_eq!(clitic_of("sull’italia", known), Some((true, "sull")));
        // Both sides words ("it", "s" as a letter): the shorter one.
        assert_eq!(clitic_of("it’s", known), Some((false, "s")));
        assert_eq!(clitic_of("rock’n’roll", known), None);
        assert_eq!(clitic_of("’tis", known), None);
        // The counts the restorer reads: per side, from the batch's words.
        // "ici" is also a word of the text, so "jusqu’ici" has the clitic
        // "jusqu" although it is the longer side.
        let mut l = Lexicon::new();
        for _ in 0..3 {
            l.learn("Il est resté ici jusqu’ici, l’eau est froide et l’air aussi.");
        }
        let d = l.derived();
        assert_eq!(d.clitics.get(&(true, Box::from("l"))), Some(&6));
        assert_eq!(d.clitics.get(&(true, Box::from("jusqu"))), Some(&3));
        assert_eq!(d.clitics.get(&(false, Box::from("ici"))), None);
        assert_eq!(d.apostrophe_tokens, 9);
    }

    #[test]
    fn spacing_counts_lone_dashes_and_glued_one_letter_words() {
        let sp = Spacing::of("A plan – or two — was made i\u{a0}w domu z\u{a0}nami.");
        assert_eq!(sp, Spacing { lone_dashes: 2, one_letter_space: 2, one_letter_nbsp: 2, ..Spacing::default() });
        let q = Spacing::of("Er sagte „ja“ und „nein”, dann “vielleicht” und „gut“.");
        assert_eq!((q.low9_closed_66, q.low9_closed_99), (2, 1));
        assert_eq!((q.opened_low9, q.opened_66), (3, 1));
        assert_eq!(Spacing::of("L’eau qu'il don’t ’quoted’ rock ’n’ roll").apostrophes, 3);
        // A dash inside a range or glued to a word is not alone.
        assert_eq!(Spacing::of("pages 3–5 and x—y").lone_dashes, 0);
    }

    use super::*;

    /// The model as first written: every context's total summed from the
    /// n-grams that extend it.
    fn ngram_model_by_sums(words: &[&str]) -> FastMap<u128, f32> {
        let mut grams: FastMap<u128, u32> = FastMap::default();
        for lw in words {
            let mut buf: Vec<char> = vec![BOW; ORDER - 1];
            buf.extend(lw.chars());
            buf.push(EOW);
            for i in ORDER - 1..buf.len() {
                let mut k: u128 = 0;
                for n in 1..=ORDER {
                    k |= (buf[i + 1 - n] as u128) << (21 * (n - 1));
                    *grams.entry(k | ((n as u128) << (21 * ORDER))).or_default() += 1;
                }
            }
        }
        let mut contexts: FastMap<u128, u32> = FastMap::default();
        for (&k, &n) in &grams {
            *contexts.entry(context_key(k)).or_default() += n;
        }
        grams.iter().map(|(&k, &n)| (k, (n as f32 / contexts[&context_key(k)] as f32).ln())).collect()
    }

    #[test]
    fn contexts_counted_as_ngrams_give_the_same_model() {
        let words = [
            "a", "ab", "abc", "abcd", "abcde", "abcdef", "bcdef", "x", "über", "überall", "straße", "été", "l’eau",
            "don't", "naïve", "żółć", "aaaaaaa", "aa", "b", "ba", "cab", "abcab",
        ];
        let fast = ngram_model(words.iter().copied(), words.len(), None);
        let slow = ngram_model_by_sums(&words);
        assert_eq!(fast.len(), slow.len());
        for (k, &v) in &slow {
            assert_eq!(fast.get(k), Some(v), "{k:x}");
        }
    }

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
        // A word before `?` and a lower-case word may have lost its last
        // letter: it does not vouch for itself. Before a capital it ends a
        // question.
        let mut q = Lexicon::new();
        q.learn("Y enumer? una serie de medidas. Favoreci? No. Really? yes");
        assert_eq!(q.count("enumer"), 0);
        assert_eq!(q.count("really"), 0);
        assert_eq!(q.count("Favoreci"), 1);
        assert_eq!(q.count("una"), 1);
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
        let mut c = Lexicon::new();
        c.learn("und über nichts");
        c.learn("noch mehr Wörter, über und über");
        for (mut x, y) in [(a.clone(), c.clone()), (c.clone(), a.clone())] {
            let mut m = x.clone();
            m.merge(&y);
            x.absorb(y);
            assert_eq!((&x.words, &x.lower, x.tokens, &x.profiles), (&m.words, &m.lower, m.tokens, &m.profiles));
            assert_eq!((&x.by_lang, &x.lang_tokens, &x.lang_spacing), (&m.by_lang, &m.lang_tokens, &m.lang_spacing));
        }
        // Spacing counts add up either way too.
        let mut p = Lexicon::new();
        p.learn("Il est allé à Paris – et il a vu à la fois la ville et la mer.");
        let mut q = Lexicon::new();
        q.learn("Elle est venue à Lyon – puis elle a parlé à la presse de la ville.");
        let mut m = p.clone();
        m.merge(&q);
        p.absorb(q);
        assert_eq!(p.lang_spacing, m.lang_spacing);
        let fr = langid::id_of("fr").unwrap();
        assert_eq!(m.spacing_in(fr).lone_dashes, 2);
        assert_eq!(ab.count("über"), 2);
    }

    #[test]
    fn words_are_counted_per_paragraph_language() {
        let fr = langid::table().langs.iter().position(|&l| l == "fr").unwrap() as LangId;
        let pt = langid::table().langs.iter().position(|&l| l == "pt").unwrap() as LangId;
        let mut l = Lexicon::new();
        // Two paragraphs of one document, each with its own language; a
        // third too short to tell takes the document's (French: more votes).
        l.learn(
            "Il est à Paris et il va à la gare avec les amis de la ville.\n\
             Ele é um homem que não vai para a praia com os amigos.\n\
             à bientôt\n\
             Nous sommes à la maison et nous allons à la mer pour les vacances.",
        );
        assert_eq!(l.count_lower("à"), 5);
        assert_eq!(l.count_lower_in("à", fr), 5);
        assert_eq!(l.count_lower_in("à", pt), 0);
        assert_eq!(l.count_lower_in("é", pt), 1);
        assert!(l.tokens_in(fr) > l.tokens_in(pt));
        assert_eq!(l.tokens_in(fr) + l.tokens_in(pt), l.tokens());
        // One document's lexicon needs no languages.
        let d = Lexicon::of_document("Il est à Paris et il va à la gare.");
        assert_eq!(d.count_lower("à"), 2);
        assert_eq!(d.count_lower_in("à", fr), 0);
    }

    #[test]
    fn model_counts_match_the_definition() {
        let mut l = Lexicon::new();
        for i in 0..MIN_MODEL_WORDS + 10 {
            l.learn(&format!("wort{i} über straße {}", char::from_u32(0x61 + (i % 26) as u32).unwrap()));
        }
        let d = l.derived();
        assert!(d.has_model);
        // Count grams and their contexts directly, once per occurrence.
        let mut grams: FastMap<u128, u32> = FastMap::default();
        let mut ctx: FastMap<u128, u32> = FastMap::default();
        for lw in l.lower.keys() {
            let mut buf = vec![BOW; ORDER - 1];
            buf.extend(lw.chars());
            buf.push(EOW);
            for i in ORDER - 1..buf.len() {
                for n in 1..=ORDER {
                    let g = &buf[i + 1 - n..=i];
                    *grams.entry(gram_key(g)).or_default() += 1;
                    *ctx.entry(gram_key(&g[..n - 1])).or_default() += 1;
                }
            }
        }
        assert_eq!(grams.len(), d.logp.len());
        for (k, n) in grams {
            let want = (n as f32 / ctx[&context_key(k)] as f32).ln();
            assert_eq!(d.logp.get(&k), Some(want));
        }
    }

    #[test]
    fn word_lists() {
        let l = Lexicon::from_word_list("café\n# comment\nnaïve/S\n\ndon't\n".as_bytes()).unwrap();
        assert_eq!(l.len(), 3);
        assert_eq!(l.count("don't"), 1);
        assert!(!l.is_empty());
    }

    /// The char-by-char definition [`words_with_pos`] must agree with.
    fn words_reference(text: &str) -> Vec<(&str, usize, usize)> {
        let mut it = text.char_indices().peekable();
        let mut out = Vec::new();
        loop {
            let start = loop {
                match it.next() {
                    Some((i, c)) if crate::repair::charclass::is_wordish(c) => break Some(i),
                    Some(_) => {}
                    None => break None,
                }
            };
            let Some(start) = start else { return out };
            let mut end = text.len();
            while let Some(&(i, c)) = it.peek() {
                if crate::repair::charclass::is_wordish(c) {
                    it.next();
                } else if c == '’' || c == '\'' {
                    let rest = &text[i + c.len_utf8()..];
                    if rest.chars().next().is_some_and(crate::repair::charclass::is_wordish) {
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
            out.push((&text[start..end], start, end));
        }
    }

    #[test]
    fn words_match_the_reference() {
        for t in [
            "",
            "'",
            "a'",
            "’x",
            "don’t l'été x’’y ’’ 'a' 12'34 café\u{301}s naïve—word",
            "\u{300}abc e\u{301}\u{302} ?? caf? pr\u{fffd}t",
            "Ünïcödé wörds, 漢字かな 한국어 ελληνικά русский’s",
            "end with apostrophe’",
        ] {
            assert_eq!(words_with_pos(t).collect::<Vec<_>>(), words_reference(t), "{t:?}");
        }
    }

    proptest::proptest! {
        #[test]
        fn words_match_the_reference_on_any_text(t in "[a-zé'’ .\u{300}?0-9ß漢]{0,40}") {
            proptest::prop_assert_eq!(words_with_pos(&t).collect::<Vec<_>>(), words_reference(&t));
        }
    }

    #[test]
    fn profiles_count_short_function_words_once_per_text() {
        let mut l = Lexicon::new();
        l.learn("Und THE und über da a abcd abcde éé");
        let mut keys: Vec<&str> = l.profiles.keys().map(|k| &**k).collect();
        keys.sort();
        assert_eq!(keys, ["a", "abcd", "da", "the", "und"]);
        assert_eq!(l.profiles["und"][&'ü'], 1);
        assert_eq!(l.profiles["und"][&'é'], 2);
    }

    #[test]
    fn words_keep_inner_apostrophes() {
        let w: Vec<&str> = words_with_pos("l’emergenza, rock’n’roll’ et 'x'").map(|x| x.0).collect();
        assert_eq!(w, ["l’emergenza", "rock’n’roll", "et", "x"]);
    }
}
