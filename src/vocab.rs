//! Boilerplate vocabularies, loaded from the reviewed data files in `rules/`.
//!
//! Three kinds of data live there (see `rules/README.md` for the format):
//!
//! * `rules/phrases/<kind>/<lang>.txt`: phrases whose *shape* marks a
//!   boilerplate line: a whole short line ("You may also like"), a lead
//!   ("READ ALSO: …"), a tail ("… via Wikicommons") or a phrase inside a short
//!   block ("uses cookies"). Each file caps the block length in words, so an
//!   article sentence that merely mentions cookies or Reuters is never hit.
//! * `rules/attrs/*.txt`: class/id tokens with weights (`sidebar -25`); a
//!   negative one may be marked `final` (`signature* -30 final`).
//! * `rules/stopwords/<lang>.txt`: function words, one per line, for the
//!   stopword density that tells prose from labels.
//!
//! Everything is compiled once per process into Aho-Corasick automata
//! (phrases, one per script group, each built when a block with a
//! character of its group first needs it) and hash maps. The regex rules
//! are compiled one by one, each on first use: `build.rs` lists the
//! literals every match of a rule starts with, and a block that starts with
//! none of them never runs (or compiles) that rule.

use crate::repair::charclass;
use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use regex::Regex;
use regex_automata::hybrid::dfa::Cache;
use regex_automata::util::pool::Pool;
use rustc_hash::FxHashMap as HashMap;
use std::sync::OnceLock;

pub(crate) mod embedded {
    include!(concat!(env!("OUT_DIR"), "/rules.rs"));
}

/// Where in the block a phrase must sit for the line to count as boilerplate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Anchor {
    /// The whole block (ignoring surrounding punctuation and symbols).
    Line,
    /// At the start of the block.
    Lead,
    /// At the end of the block.
    Tail,
    /// Anywhere in the block.
    Inside,
}

#[derive(Clone, Debug)]
struct Rule {
    kind: &'static str,
    anchor: Anchor,
    max_words: usize,
    /// Cap on the block's length in characters (`@max_chars`), for scripts
    /// written without spaces, where a paragraph is only a few "words".
    max_chars: usize,
    /// The rules file's name (`en.txt`) and the rule as written, for
    /// [`Rule::source`]: kept as borrowed pieces of the embedded files, as
    /// the name is only needed for the few rules that hit.
    file: &'static str,
    line: &'static str,
}

impl Rule {
    /// `cookie/en.txt: ~ uses cookies`, for `--explain`.
    fn source(&self) -> String {
        format!("{}/{}: {}", self.kind, self.file, self.line)
    }

    /// Whether a block of `nwords` words and `nchars` characters is short
    /// enough for this rule.
    fn fits(&self, nwords: usize, nchars: usize) -> bool {
        nwords <= self.max_words && nchars <= self.max_chars
    }
}

/// Chinese characters and Japanese kana: scripts written without spaces
/// between words, so next to one of them there is always a word boundary (in
/// "記事の無断転載を禁じます" the phrase 無断転載を禁じます follows の
/// directly; in "京icp备" the phrase icp备 follows 京).
pub(crate) fn spaceless(c: char) -> bool {
    matches!(c,
        '\u{3040}'..='\u{30ff}'     // hiragana, katakana
        | '\u{31f0}'..='\u{31ff}'   // katakana extensions
        | '\u{3400}'..='\u{4dbf}'   // CJK extension A
        | '\u{4e00}'..='\u{9fff}'   // CJK unified ideographs
        | '\u{f900}'..='\u{faff}'   // CJK compatibility ideographs
        | '\u{ff66}'..='\u{ff9f}'   // half-width katakana
        | '\u{20000}'..='\u{3134f}' // CJK extensions B-G
    )
}

/// Groups the phrase automata are split by: 0 for the phrases written in
/// ASCII only, then one per [`charclass::Script`] (its
/// [`charclass::Script::Common`] holding non-letters: typographic quotes,
/// dashes, symbols).
const GROUPS: usize = 1 + charclass::SCRIPTS;

/// The group of a character outside ASCII.
fn group_of(c: char) -> usize {
    1 + charclass::script(c) as usize
}

/// The group a phrase is searched in: that of its first letter outside
/// ASCII, else of its first other character outside ASCII, else 0. The
/// phrase contains a character of its group, so it cannot occur in a text
/// without one.
fn group_of_phrase(p: &str) -> usize {
    p.chars()
        .find(|c| !c.is_ascii() && c.is_alphabetic())
        .or_else(|| p.chars().find(|c| !c.is_ascii()))
        .map_or(0, group_of)
}

/// The groups whose characters occur in `text`, as bits; group 0 always.
fn groups_in(text: &str) -> u32 {
    let mut mask = 1u32;
    if !text.is_ascii() {
        for c in text.chars().filter(|c| !c.is_ascii()) {
            mask |= 1 << group_of(c);
        }
    }
    mask
}

/// Searched phrases, one automaton per group, each built the first
/// time a text with a character of its group is searched: a batch in Latin
/// script never builds the Cyrillic or Thai ones, and each search walks
/// smaller automata.
struct Matcher {
    /// Per group: its phrases, their indices in the phrase list, and the
    /// automaton once built.
    parts: Vec<Part>,
    /// Rule index (into `phrase_rules`) of each phrase.
    rules: Vec<u32>,
    /// Largest word cap of its rules: longer blocks need not be searched.
    max_words: usize,
}

struct Part {
    pats: Vec<String>,
    ids: Vec<u32>,
    ac: OnceLock<AhoCorasick>,
}

impl Part {
    fn automaton(&self) -> &AhoCorasick {
        // Only the automaton's size limits (2^31 states) can fail a build;
        // a test builds every group of the shipped phrases.
        self.ac.get_or_init(|| build_phrase_automaton(&self.pats).expect("phrase automata build"))
    }
}

fn build_phrase_automaton(pats: &[String]) -> Result<AhoCorasick, aho_corasick::BuildError> {
    AhoCorasickBuilder::new()
        .match_kind(MatchKind::Standard)
        .kind(Some(aho_corasick::AhoCorasickKind::ContiguousNFA))
        .build(pats)
}

impl Matcher {
    fn new(pats: &[(String, u32)], rules: &[Rule]) -> Matcher {
        let mut parts: Vec<Part> =
            (0..GROUPS).map(|_| Part { pats: Vec::new(), ids: Vec::new(), ac: OnceLock::new() }).collect();
        for (i, (p, _)) in pats.iter().enumerate() {
            let part = &mut parts[group_of_phrase(p)];
            part.pats.push(p.clone());
            part.ids.push(i as u32);
        }
        Matcher {
            parts,
            rules: pats.iter().map(|(_, r)| *r).collect(),
            max_words: pats.iter().map(|(_, r)| rules[*r as usize].max_words).max().unwrap_or(0),
        }
    }

    /// Every occurrence of every phrase in `text` as (phrase index, start,
    /// end), overlapping ones included, in the order one automaton of all
    /// the phrases reports them: by end, the longest first, then by index.
    fn find(&self, text: &str) -> Vec<(u32, usize, usize)> {
        let mask = groups_in(text);
        let mut out = Vec::new();
        for (g, part) in self.parts.iter().enumerate() {
            if mask & (1 << g) == 0 || part.pats.is_empty() {
                continue;
            }
            for m in part.automaton().find_overlapping_iter(text) {
                out.push((part.ids[m.pattern().as_usize()], m.start(), m.end()));
            }
        }
        if mask != 1 {
            out.sort_by(|a, b| a.2.cmp(&b.2).then((b.2 - b.1).cmp(&(a.2 - a.1))).then(a.0.cmp(&b.0)));
        }
        out
    }
}

/// The regex rules, each compiled on first use, and a trie of the literals
/// their matches must start with (built by `build.rs`).
struct Regexes {
    pats: Vec<String>,
    compiled: Vec<OnceLock<Dfa>>,
    /// Pattern index in `embedded::REGEX_PATTERNS` → the rules using it.
    rules_of: Vec<Vec<u32>>,
    /// Rules without known prefixes or inner literals: tried on every block.
    always: Vec<u32>,
    /// Literals one of which every match of a rule that may match anywhere
    /// contains (`build.rs`), searched once per block: the rule is tried
    /// only when one occurs.
    inner: Option<AhoCorasick>,
    /// Literal index in `inner` → the rule, and whether the literal is one
    /// a rule indexed by a short prefix also needs (`REGEX_ALSO`): such a
    /// rule is tried only when both its prefix and one of these occur.
    inner_rules: Vec<(u32, bool)>,
    /// Per rule: whether it needs one of its `REGEX_ALSO` literals.
    needs_also: Vec<bool>,
    /// Per rule: the bytes each of a match's first bytes can be
    /// (`REGEX_MASKS`; empty for rules not anchored at the start). A block
    /// whose start does not fit is not tried, so the date rules of other
    /// languages are not compiled for every block that starts with "12".
    masks: Vec<(&'static [[u64; 4]], u16)>,
}

/// A regex rule as the vocabulary runs it: only "does it match?" is ever
/// asked, so a forward lazy DFA will do (no reverse automaton to find where
/// a match starts, no capture groups), which compiles in a fraction of the
/// time of a full `regex::Regex`. The full regex is the fallback for the
/// rare text the lazy DFA cannot search (a Unicode `\b` next to a
/// non-ASCII character).
struct Dfa {
    dfa: regex_automata::hybrid::dfa::DFA,
    /// The lazy DFA's states, built as searches need them: one cache per
    /// thread at a time, pooled as the `regex` crate pools its own.
    caches: Pool<Cache, CacheFn>,
    full: OnceLock<Regex>,
}

type CacheFn = Box<dyn Fn() -> Cache + Send + Sync + std::panic::UnwindSafe + std::panic::RefUnwindSafe>;

fn compile_regex(pat: &str) -> Result<Dfa, String> {
    use regex_automata::{hybrid::dfa::DFA, nfa::thompson};
    let dfa = DFA::builder()
        .thompson(thompson::Config::new().which_captures(thompson::WhichCaptures::None))
        .configure(DFA::config().cache_capacity(16 << 20).unicode_word_boundary(true))
        .build(pat)
        .map_err(|e| e.to_string())?;
    let for_caches = dfa.clone();
    let caches = Pool::new(Box::new(move || for_caches.create_cache()) as CacheFn);
    Ok(Dfa { dfa, caches, full: OnceLock::new() })
}

impl Regexes {
    /// `at` names each pattern's file and line for errors. Patterns that
    /// `build.rs` could not index are compiled now, which also checks them.
    fn new(pats: Vec<String>, at: &[String]) -> Result<Regexes, String> {
        let known: HashMap<&str, usize> = embedded::REGEX_PATTERNS.iter().enumerate().map(|(i, p)| (*p, i)).collect();
        let mut rules_of = vec![Vec::new(); embedded::REGEX_PATTERNS.len()];
        let inner_of: HashMap<&str, &[&str]> = embedded::REGEX_INNER.iter().copied().collect();
        let also_of: HashMap<&str, &[&str]> = embedded::REGEX_ALSO.iter().copied().collect();
        let mut always = Vec::new();
        let (mut inner_lits, mut inner_rules): (Vec<&str>, Vec<(u32, bool)>) = (Vec::new(), Vec::new());
        let mut needs_also = vec![false; pats.len()];
        let mask_of: HashMap<&str, (u32, u8, u16)> =
            embedded::REGEX_MASK_AT.iter().map(|&(p, at, n, ends)| (p, (at, n, ends))).collect();
        let masks: Vec<(&'static [[u64; 4]], u16)> = pats
            .iter()
            .map(|p| match mask_of.get(p.as_str()) {
                Some(&(at, n, ends)) => (&embedded::REGEX_MASKS[at as usize..at as usize + usize::from(n)], ends),
                None => (&[][..], 0),
            })
            .collect();
        let compiled: Vec<OnceLock<Dfa>> = (0..pats.len()).map(|_| OnceLock::new()).collect();
        for (i, pat) in pats.iter().enumerate() {
            match known.get(pat.as_str()) {
                Some(&k) => {
                    rules_of[k].push(i as u32);
                    if let Some(also) = also_of.get(pat.as_str()) {
                        needs_also[i] = true;
                        for &l in *also {
                            inner_lits.push(l);
                            inner_rules.push((i as u32, true));
                        }
                    }
                }
                None if inner_of.contains_key(pat.as_str()) => {
                    for &l in inner_of[pat.as_str()] {
                        inner_lits.push(l);
                        inner_rules.push((i as u32, false));
                    }
                }
                None => {
                    let re = compile_regex(pat).map_err(|e| format!("{}: {e}", at[i]))?;
                    let _ = compiled[i].set(re);
                    always.push(i as u32);
                }
            }
        }
        let inner = if inner_lits.is_empty() {
            None
        } else {
            Some(
                AhoCorasickBuilder::new()
                    .match_kind(MatchKind::Standard)
                    .build(&inner_lits)
                    .map_err(|e| format!("inner literals of the regex rules: {e}"))?,
            )
        };
        Ok(Regexes { pats, compiled, rules_of, always, inner, inner_rules, needs_also, masks })
    }

    /// Whether the first bytes of `text` are bytes a match of rule `i` can
    /// start with (always true for rules without masks). A text shorter
    /// than the masks matches only if a match of its length can end the
    /// text ("16", a comment count, reached every date rule).
    fn start_fits(&self, i: usize, text: &str) -> bool {
        let (masks, ends) = self.masks[i];
        (text.len() >= masks.len() || ends >> text.len() & 1 == 1)
            && text.bytes().zip(masks).all(|(b, m)| m[usize::from(b >> 6)] >> (b & 63) & 1 == 1)
    }

    fn get(&self, i: usize) -> &Dfa {
        self.compiled[i].get_or_init(|| compile_regex(&self.pats[i]).expect("shipped regex rules compile"))
    }

    /// Whether rule `i`'s regex matches somewhere in `text`.
    fn is_match(&self, i: usize, text: &str) -> bool {
        let d = self.get(i);
        let input = regex_automata::Input::new(text).earliest(true);
        let found = d.dfa.try_search_fwd(&mut d.caches.get(), &input).map(|m| m.is_some());
        found.unwrap_or_else(|_| {
            d.full
                .get_or_init(|| regex::RegexBuilder::new(&self.pats[i]).build().expect("shipped regex rules compile"))
                .is_match(text)
        })
    }

    /// Indices of the rules whose regex matches `text`, ascending, among
    /// those `wanted` accepts (checked before any regex runs); with
    /// `first`, only the lowest (the others are not tried).
    fn matches(&self, text: &str, mut wanted: impl FnMut(usize) -> bool, first: bool) -> Vec<usize> {
        let mut cand: Vec<usize> = self.always.iter().map(|&i| i as usize).collect();
        // Rules indexed by a short prefix whose other literal occurs.
        let mut also: Vec<usize> = Vec::new();
        if let Some(ac) = &self.inner {
            for m in ac.find_overlapping_iter(text) {
                match self.inner_rules[m.pattern().as_usize()] {
                    (i, false) => cand.push(i as usize),
                    (i, true) => also.push(i as usize),
                }
            }
        }
        let mut node = 0usize;
        for &b in text.as_bytes() {
            let (fe, ne, _, _) = embedded::REGEX_TRIE[node];
            let edges = &embedded::REGEX_EDGES[fe as usize..(fe + ne) as usize];
            match edges.binary_search_by_key(&b, |e| e.0) {
                Ok(k) => node = edges[k].1 as usize,
                Err(_) => break,
            }
            let (_, _, fo, no) = embedded::REGEX_TRIE[node];
            for &p in &embedded::REGEX_OUTS[fo as usize..(fo + no) as usize] {
                cand.extend(
                    self.rules_of[p as usize]
                        .iter()
                        .map(|&i| i as usize)
                        .filter(|&i| !self.needs_also[i] || also.contains(&i)),
                );
            }
        }
        if cand.is_empty() {
            return cand;
        }
        cand.sort_unstable();
        cand.dedup();
        if first {
            return cand
                .into_iter()
                .find(|&i| wanted(i) && self.start_fits(i, text) && self.is_match(i, text))
                .into_iter()
                .collect();
        }
        cand.retain(|&i| wanted(i) && self.start_fits(i, text) && self.is_match(i, text));
        cand
    }
}

/// A vocabulary hit: which kind of boilerplate, and the rule that matched
/// (`cookie/en.txt: ~ uses cookies`), for `--explain`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hit {
    /// Directory name under `rules/phrases/`: `cookie`, `related`, …
    pub kind: &'static str,
    /// The file and rule that matched.
    pub rule: String,
}

/// All compiled vocabularies. Build once ([`Vocab::get`]) and share.
pub struct Vocab {
    /// `=` rules: the block's text (punctuation at the ends aside) looked up
    /// whole.
    line: HashMap<Box<str>, Vec<u32>>,
    /// The `^`, `$` and `~` rules in one automaton, each match then checked
    /// for its place (at the start, at the end, anywhere): one pass over a
    /// block instead of one per anchor. (Searching `^` and `$` rules only in
    /// a block's first and last bytes saved nothing: the shipped rules' word
    /// caps are 80 words or fewer, so those windows were most of a block.)
    phrases: Matcher,
    phrase_rules: Vec<Rule>,
    regexes: Regexes,
    regex_rules: Vec<Rule>,
    /// The largest word cap of any rule: longer blocks cannot hit.
    max_words: usize,
    /// The largest word cap of the regex rules.
    regex_max_words: usize,
    attrs: Vec<(String, i32, bool)>,
    attr_exact: HashMap<String, i32>,
    /// Tokens marked `final` (with whether each is a prefix): an element
    /// carrying one holds no article text, whatever the scorer thinks.
    attr_final: Vec<(String, bool)>,
    /// Tokens of folded panels (`rules/folds/`), with whether each is a
    /// prefix.
    folds: Vec<(String, bool)>,
    /// Words for a carousel slide in `aria-roledescription`
    /// (`rules/folds/slides.txt`), lower case.
    slides: Vec<String>,
    stopwords: HashMap<&'static str, Vec<&'static str>>,
    /// Union of all stopword lists, each word mapped to the languages using it.
    stop_index: HashMap<Box<str>, u64>,
    /// Longest stopword, in bytes.
    stop_max_len: usize,
    /// The ASCII stopwords of at most 15 bytes, packed by [`pack_ascii`]:
    /// looked up without hashing a string or lower-casing into a buffer.
    stop_small: HashMap<u128, u64>,
    langs: Vec<&'static str>,
}

/// Default maximum block length (words) for a phrase kind, when its file does
/// not say `@max_words`.
fn default_max_words(kind: &str) -> usize {
    match kind {
        "cookie" | "newsletter" => 80,
        "comments" | "legal" | "caption" => 40,
        "related" | "paywall" => 25,
        "share" | "byline" | "login" | "nav" | "ads" => 12,
        _ => 30,
    }
}

/// Greek without its accents and with one sigma: text set in capitals
/// carries no accents ("ΔΙΑΒΑΣΤΕ ΕΠΙΣΗΣ"), lower-casing a capital sigma
/// cannot know it ends a word, and much Greek on the web is typed without
/// accents, so "Διαβάστε επίσης" and its capitals fold to one form.
fn fold_greek(c: char) -> char {
    match c {
        'ά' => 'α',
        'έ' => 'ε',
        'ή' => 'η',
        'ί' | 'ϊ' | 'ΐ' => 'ι',
        'ό' => 'ο',
        'ύ' | 'ϋ' | 'ΰ' => 'υ',
        'ώ' => 'ω',
        'ς' => 'σ',
        c => c,
    }
}

/// A lower-case letter as rules match it: Greek folded (see
/// [`fold_greek`]) and the dotless `ı` of Turkish and Azerbaijani as `i`.
/// Lower-casing cannot know that a capital `I` in "TÜM HAKLARI SAKLIDIR"
/// is a dotless one (Unicode's default lower case is `i`), so the two are
/// one letter here: "hakları", "HAKLARI" and the ASCII-typed "haklari"
/// meet one rule.
fn fold_letter(c: char) -> char {
    match c {
        'ı' => 'i',
        c => fold_greek(c),
    }
}

/// Arabic yeh (ي, and ى, which ends words) and kaf (ك) as the Persian ی
/// and ک. Persian and Urdu typed on an Arabic keyboard use the Arabic
/// letters where the language writes its own: folded, one stopword list and
/// one rule cover both spellings. Arabic's own words fold the same way, in
/// the lists and rules as in the text.
#[inline]
pub fn fold_arabic(c: char) -> char {
    match c {
        '\u{64a}' | '\u{649}' => '\u{6cc}',
        '\u{643}' => '\u{6a9}',
        c => c,
    }
}

/// Whether `text` is not in NFC, the form rules and lists are written in:
/// Latin accents typed as combining marks (macOS, and Vietnamese keyboards,
/// write "e" then U+0301), Korean typed as jamo, Indic letters with a nukta
/// typed as one character, Tamil "ொ" typed as "ெ" + "ா". Such text is
/// composed before it is matched. The check is repair's (a flag table,
/// then the quick check from the first character that could break NFC).
pub fn needs_nfc(text: &str) -> bool {
    !text.is_ascii() && !crate::repair::nfc_quick_yes(text)
}

/// Fold case and the typographic variants of quotes, dashes and spaces, so
/// one rule covers "You’ll", "You'll" and "YOU'LL" (and Greek accents and
/// the Turkish dotless i, see [`fold_letter`]; Arabic-script letters, see
/// [`fold_arabic`]; decomposed text, see [`needs_nfc`]).
pub fn normalize(text: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    let composed: String;
    let text = if needs_nfc(text) {
        composed = text.nfc().collect();
        composed.as_str()
    } else {
        text
    };
    let mut out = String::with_capacity(text.len());
    let mut space = true;
    for c in text.chars() {
        let c = match c {
            '\u{2018}' | '\u{2019}' | '\u{201a}' | '\u{2032}' | '`' | '\u{b4}' => '\'',
            '\u{201c}' | '\u{201d}' | '\u{201e}' | '\u{ab}' | '\u{bb}' | '\u{2039}' | '\u{203a}' => '"',
            '\u{2010}'..='\u{2015}' | '\u{2212}' => '-',
            '\u{643}' | '\u{649}' | '\u{64a}' => fold_arabic(c),
            c if c.is_whitespace() || c == '\u{200b}' => ' ',
            c => c,
        };
        if c == ' ' {
            if !space {
                out.push(' ');
                space = true;
            }
            continue;
        }
        space = false;
        if c.is_ascii() {
            out.push(c.to_ascii_lowercase());
        } else if c == 'İ' {
            // Turkish dotted capital I: plain i, not i + combining dot.
            out.push('i');
        } else {
            out.extend(c.to_lowercase().map(fold_letter));
        }
    }
    if out.ends_with(' ') {
        out.pop();
    }
    out
}

/// Words as the classifier counts them: runs of letters, digits and
/// combining marks. The marks matter where a sign inside a word is not a
/// letter: the virama of Hindi and Bengali ("क्या" is one word, not "क"
/// and "या"), and accents of decomposed text ("cafe\u{301}").
pub fn words(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !word_char(c) && c != '\'' && c != '\u{2019}')
        .map(|w| w.trim_matches(|c| c == '\'' || c == '\u{2019}'))
        .filter(|w| !w.is_empty())
}

/// Whether `c` belongs to a word: a letter, a digit or a combining mark.
#[inline]
pub fn word_char(c: char) -> bool {
    c.is_alphanumeric() || !c.is_ascii() && unicode_normalization::char::is_combining_mark(c)
}

/// Number of words in `text`.
pub fn word_count(text: &str) -> usize {
    words(text).count()
}

/// Characters of a script written without spaces between words whose
/// words are not single characters (Thai, Lao, Myanmar, Khmer, Tibetan):
/// a run of them between spaces is a phrase, not a word.
fn unspaced(c: char) -> bool {
    matches!(c, '\u{e00}'..='\u{eff}' | '\u{f00}'..='\u{fff}' | '\u{1000}'..='\u{109f}' | '\u{1780}'..='\u{17ff}')
}

/// English characters one Chinese character (or Japanese kanji) stands
/// for: a Chinese word is one or two characters where an English one is
/// five letters and a space, so a line of 30 ideographs says about what 90
/// English characters say.
const DENSE_CHAR: usize = 3;
/// The same for a kana: a syllable, two letters or so of a romanised word.
const KANA_CHAR: usize = 2;
/// English characters per word (a space included), to count the words of
/// text written without spaces.
const CHARS_PER_WORD: usize = 6;

/// English characters one character stands for (see [`DENSE_CHAR`]).
fn weight(c: char) -> usize {
    if !spaceless(c) {
        1
    } else if matches!(c, '\u{3040}'..='\u{30ff}' | '\u{31f0}'..='\u{31ff}') {
        KANA_CHAR
    } else {
        DENSE_CHAR
    }
}

/// Length and word count of `text` in the terms the classifier's
/// thresholds and learned scorer were set in: those of text with spaces
/// between words. Chinese characters count [`DENSE_CHAR`] characters each
/// and kana [`KANA_CHAR`]; a run of text without spaces (Chinese, Japanese,
/// Thai, …) counts one word per [`CHARS_PER_WORD`] of such characters, not
/// one word. The word count is `None` for text without such runs: its
/// [`words`] are its words.
pub fn measure(text: &str) -> (usize, Option<usize>) {
    let mut chars = 0;
    let mut runs = false;
    for c in text.chars() {
        if c.is_ascii() {
            chars += 1;
        } else {
            let w = weight(c);
            chars += w;
            runs |= w > 1 || unspaced(c);
        }
    }
    if !runs {
        return (chars, None);
    }
    let words = words(text)
        .map(|w| {
            if w.chars().any(|c| spaceless(c) || unspaced(c)) {
                let n: usize = w.chars().map(weight).sum();
                ((n + CHARS_PER_WORD / 2) / CHARS_PER_WORD).max(1)
            } else {
                1
            }
        })
        .sum();
    (chars, Some(words))
}

fn parse_anchor(line: &str) -> Option<(Anchor, &str)> {
    let (sigil, rest) = line.split_at(line.char_indices().nth(1).map_or(line.len(), |x| x.0));
    let a = match sigil {
        "=" => Anchor::Line,
        "^" => Anchor::Lead,
        "$" => Anchor::Tail,
        "~" => Anchor::Inside,
        _ => return None,
    };
    Some((a, rest.trim()))
}

impl Vocab {
    /// The process-wide vocabulary, compiled on first use.
    pub fn get() -> &'static Vocab {
        static V: OnceLock<Vocab> = OnceLock::new();
        V.get_or_init(|| Vocab::from_files(embedded::RULES).expect("embedded rules are valid"))
    }

    /// Compile a set of rules files (path under `rules/`, contents). Public so
    /// tests can check that every shipped file parses.
    pub fn from_files(files: &[(&'static str, &'static str)]) -> Result<Vocab, String> {
        let mut phrase_pats = Vec::new();
        let mut phrase_rules = Vec::new();
        let mut regex_pats = Vec::new();
        let mut regex_rules = Vec::new();
        let mut regex_at: Vec<String> = Vec::new();
        let mut attrs = Vec::new();
        let mut attr_final: Vec<(String, bool)> = Vec::new();
        let mut attr_exact = HashMap::default();
        let mut folds: Vec<(String, bool)> = Vec::new();
        let mut slides: Vec<String> = Vec::new();
        let mut stopwords: HashMap<&'static str, Vec<&'static str>> = HashMap::default();
        for &(path, body) in files {
            let parts: Vec<&'static str> = path.split('/').collect();
            match parts.as_slice() {
                ["phrases", kind, _lang] => {
                    let mut max_words = default_max_words(kind);
                    let mut max_chars = usize::MAX;
                    for (no, raw) in body.lines().enumerate() {
                        let line = raw.trim();
                        if line.is_empty() || line.starts_with('#') {
                            continue;
                        }
                        let at = || format!("{path}:{}", no + 1);
                        if let Some(n) = line.strip_prefix("@max_words") {
                            max_words = n.trim().parse().map_err(|_| format!("{}: bad @max_words", at()))?;
                            continue;
                        }
                        if let Some(n) = line.strip_prefix("@max_chars") {
                            max_chars = n.trim().parse().map_err(|_| format!("{}: bad @max_chars", at()))?;
                            continue;
                        }
                        if let Some(re) = line.strip_prefix('/') {
                            let re = re.trim();
                            // Matched against normalised text: a letter that
                            // normalising folds away could never match.
                            if let Some(c) = re.chars().find(|&c| fold_letter(c) != c) {
                                return Err(format!(
                                    "{}: write {c:?} as {:?} (rules match normalised text)",
                                    at(),
                                    fold_letter(c)
                                ));
                            }
                            // Checked when the set is built (compiling each one
                            // here doubled the start-up time of every run).
                            regex_pats.push(re.to_string());
                            regex_at.push(at());
                            regex_rules.push(Rule {
                                kind,
                                anchor: Anchor::Inside,
                                max_words,
                                max_chars,
                                file: parts[2],
                                line,
                            });
                            continue;
                        }
                        let (anchor, phrase) =
                            parse_anchor(line).ok_or_else(|| format!("{}: rule must start with = ^ $ ~ or /", at()))?;
                        let phrase = normalize(phrase);
                        if phrase.is_empty() {
                            return Err(format!("{}: empty phrase", at()));
                        }
                        phrase_pats.push((anchor, phrase, phrase_rules.len() as u32));
                        phrase_rules.push(Rule { kind, anchor, max_words, max_chars, file: parts[2], line });
                    }
                }
                ["attrs", _] => {
                    for (no, raw) in body.lines().enumerate() {
                        let line = raw.split('#').next().unwrap_or("").trim();
                        if line.is_empty() {
                            continue;
                        }
                        let at = || format!("{path}:{}", no + 1);
                        let mut it = line.split_whitespace();
                        let tok = it.next().ok_or_else(|| format!("{}: missing token", at()))?;
                        let w: i32 = it
                            .next()
                            .and_then(|w| w.parse().ok())
                            .ok_or_else(|| format!("{}: missing weight", at()))?;
                        let fin = match it.next() {
                            None => false,
                            Some("final") if w < 0 => true,
                            Some(x) => {
                                return Err(format!("{}: unexpected {x:?} (only `final`, on a negative weight)", at()))
                            }
                        };
                        // Tokens of class values never hold separators: rule
                        // `site-header` is matched as the squashed `siteheader`.
                        let (tok, prefix) = match tok.strip_suffix('*') {
                            Some(t) => (t, true),
                            None => (tok, false),
                        };
                        let tok: String =
                            tok.chars().filter(|c| c.is_alphanumeric()).flat_map(|c| c.to_lowercase()).collect();
                        if let Some(x) = it.next() {
                            return Err(format!("{}: unexpected {x:?} after the weight", at()));
                        }
                        if fin {
                            attr_final.push((tok.clone(), prefix));
                        }
                        if prefix {
                            attrs.push((tok, w, true));
                        } else {
                            attr_exact.insert(tok, w);
                        }
                    }
                }
                ["folds", "slides.txt"] => {
                    for raw in body.lines() {
                        let w = raw.split('#').next().unwrap_or("").trim();
                        if !w.is_empty() {
                            slides.push(w.to_lowercase());
                        }
                    }
                }
                ["folds", _] => {
                    for raw in body.lines() {
                        let line = raw.split('#').next().unwrap_or("").trim();
                        if line.is_empty() {
                            continue;
                        }
                        let (tok, prefix) = match line.strip_suffix('*') {
                            Some(t) => (t, true),
                            None => (line, false),
                        };
                        let tok: String =
                            tok.chars().filter(|c| c.is_alphanumeric()).flat_map(|c| c.to_lowercase()).collect();
                        folds.push((tok, prefix));
                    }
                }
                ["stopwords", lang] => {
                    let lang = lang.trim_end_matches(".txt");
                    let list = stopwords.entry(lang).or_default();
                    for raw in body.lines() {
                        let w = raw.split('#').next().unwrap_or("").trim();
                        if !w.is_empty() {
                            list.push(w);
                        }
                    }
                }
                _ => {}
            }
        }
        let mut line: HashMap<Box<str>, Vec<u32>> = HashMap::default();
        // Lead, tail and inside patterns in that order (the order in which
        // the hits of one kind are reported).
        let mut searched: [Vec<(String, u32)>; 3] = Default::default();
        for (anchor, phrase, rule) in phrase_pats {
            match anchor {
                Anchor::Line => line.entry(phrase.into()).or_default().push(rule),
                Anchor::Lead => searched[0].push((phrase, rule)),
                Anchor::Tail => searched[1].push((phrase, rule)),
                Anchor::Inside => searched[2].push((phrase, rule)),
            }
        }
        let phrases = Matcher::new(&searched.concat(), &phrase_rules);
        let regexes = Regexes::new(regex_pats, &regex_at)?;
        let max_words = phrase_rules.iter().chain(&regex_rules).map(|r| r.max_words).max().unwrap_or(0);
        let regex_max_words = regex_rules.iter().map(|r| r.max_words).max().unwrap_or(0);
        let mut langs: Vec<&'static str> = stopwords.keys().copied().collect();
        langs.sort();
        if langs.len() > 64 {
            return Err("at most 64 stopword languages".into());
        }
        // Keyed as `lang::lower` looks words up: NFC, Arabic letters folded.
        let mut stop_index: HashMap<Box<str>, u64> = HashMap::default();
        for (i, l) in langs.iter().enumerate() {
            for w in &stopwords[l] {
                let key: String = if needs_nfc(w) {
                    use unicode_normalization::UnicodeNormalization;
                    w.nfc().map(fold_arabic).collect()
                } else {
                    w.chars().map(fold_arabic).collect()
                };
                *stop_index.entry(key.into()).or_default() |= 1 << i;
            }
        }
        let stop_max_len = stop_index.keys().map(|w| w.len()).max().unwrap_or(0);
        let stop_small: HashMap<u128, u64> = stop_index
            .iter()
            .filter(|(w, _)| w.is_ascii() && w.len() <= 15)
            .map(|(w, &m)| (pack_ascii(w.as_bytes(), false), m))
            .collect();
        Ok(Vocab {
            line,
            phrases,
            phrase_rules,
            regexes,
            regex_rules,
            max_words,
            regex_max_words,
            attrs,
            attr_final,
            attr_exact,
            folds,
            slides,
            stopwords,
            stop_index,
            stop_max_len,
            stop_small,
            langs,
        })
    }

    /// Boilerplate phrases found in `text`, best first (a whole-line match
    /// before a lead, tail or inside match). Empty when the text is prose.
    pub fn hits(&self, text: &str) -> Vec<Hit> {
        // Long prose never hits: count words before normalising (the count
        // is the same on the normalised text).
        let nwords = word_count(text);
        if nwords > self.max_words {
            return Vec::new();
        }
        self.hits_normalized(&normalize(text), nwords)
    }

    /// [`Vocab::hits`] of a text given as its [`normalize`]d form and its
    /// [`word_count`], for callers that have both at hand already.
    pub fn hits_normalized(&self, norm: &str, nwords: usize) -> Vec<Hit> {
        self.search(norm, nwords, false)
    }

    /// The first of [`Vocab::hits_normalized`], which is all the classifier
    /// uses: the search stops once nothing later can come first (a
    /// whole-line hit; a lead phrase; any phrase before the regex rules,
    /// whose hits rank last), and regex rules are tried in rule order only
    /// until one matches.
    pub fn first_hit(&self, norm: &str, nwords: usize) -> Option<Hit> {
        self.search(norm, nwords, true).into_iter().next()
    }

    fn search(&self, norm: &str, nwords: usize, first: bool) -> Vec<Hit> {
        if nwords > self.max_words {
            return Vec::new();
        }
        // For `@max_chars` (one pass, cheap next to the searches below).
        let nchars = norm.chars().count();
        let core_start = norm.find(word_char).unwrap_or(norm.len());
        let core_end = norm.rfind(word_char).map_or(0, |i| i + norm[i..].chars().next().unwrap().len_utf8());
        // Rules, formatted into hits at the end (only the first, when that
        // is all the caller wants).
        let mut found: Vec<(Anchor, &Rule)> = Vec::new();
        // A whole-line phrase covers the text's words and may take in the
        // punctuation around them ("email *" is the line "Email *").
        let mut spans = [(core_start, core_end), (0, core_end), (core_start, norm.len()), (0, norm.len())];
        spans.sort();
        for (i, &(a, b)) in spans.iter().enumerate() {
            if a >= b || i > 0 && spans[i - 1] == (a, b) {
                continue;
            }
            for &r in self.line.get(&norm[a..b]).map_or(&[][..], |v| v.as_slice()) {
                let rule = &self.phrase_rules[r as usize];
                if rule.fits(nwords, nchars) {
                    found.push((Anchor::Line, rule));
                }
            }
        }
        // Only whole-line hits are in `found` yet, and they rank first.
        if (!first || found.is_empty()) && nwords <= self.phrases.max_words {
            for (id, s, e) in self.phrases.find(norm) {
                let rule = &self.phrase_rules[self.phrases.rules[id as usize] as usize];
                if !rule.fits(nwords, nchars) {
                    continue;
                }
                // Whole words: a combining mark continues a word ("लिंक"
                // is not a word of "लिंक्स").
                let pat_first_alnum = norm[s..e].starts_with(|c: char| word_char(c) && !spaceless(c));
                let pat_last_alnum = norm[s..e].ends_with(|c: char| word_char(c) && !spaceless(c));
                let before_ok =
                    !pat_first_alnum || norm[..s].chars().next_back().is_none_or(|c| !word_char(c) || spaceless(c));
                let after_ok =
                    !pat_last_alnum || norm[e..].chars().next().is_none_or(|c| !word_char(c) || spaceless(c));
                let placed = match rule.anchor {
                    Anchor::Line => s <= core_start && e >= core_end,
                    Anchor::Lead => s <= core_start,
                    Anchor::Tail => e >= core_end,
                    Anchor::Inside => true,
                };
                if before_ok && after_ok && placed {
                    found.push((rule.anchor, rule));
                    // Matches come in the order they rank within an
                    // anchor, and whole-line rules are looked up above,
                    // never searched: the first lead phrase is the best
                    // hit left.
                    if first && rule.anchor == Anchor::Lead {
                        break;
                    }
                }
            }
        }
        // Regex hits rank after every phrase hit.
        if (!first || found.is_empty()) && nwords <= self.regex_max_words {
            for i in self.regexes.matches(norm, |i| self.regex_rules[i].fits(nwords, nchars), first) {
                found.push((Anchor::Inside, &self.regex_rules[i]));
            }
        }
        // Stable: within an anchor, hits keep the order they were found in.
        found.sort_by_key(|(a, _)| match a {
            Anchor::Line => 0,
            Anchor::Lead => 1,
            Anchor::Tail => 2,
            Anchor::Inside => 3,
        });
        found.dedup_by(|a, b| a.1.kind == b.1.kind);
        if first {
            found.truncate(1);
        }
        found.into_iter().map(|(_, r)| Hit { kind: r.kind, rule: r.source() }).collect()
    }

    /// Whether an `aria-roledescription` names a carousel slide
    /// (`rules/folds/slides.txt`): hidden from screen readers only, a slide
    /// off screen is still the page's text.
    pub fn names_slide(&self, value: &str) -> bool {
        let v = value.to_lowercase();
        self.slides.iter().any(|w| v.contains(w.as_str()))
    }

    /// Whether a class or id value marks a panel the page folds away until
    /// a click (`rules/folds/`): hidden, it is still the page's text.
    pub fn folds_away(&self, value: &str) -> bool {
        let mut hit = false;
        for_each_token(value, |tok, _| {
            hit |= self.folds.iter().any(|(f, prefix)| if *prefix { tok.starts_with(f.as_str()) } else { tok == f });
        });
        hit
    }

    /// Weight of one class or id value (`"post-comments widget"`): the sum
    /// over its tokens, where tokens are split at non-alphanumerics and
    /// camelCase humps. Also returns the most negative token, for `--explain`.
    pub fn attr_weight(&self, value: &str) -> (i32, Option<String>) {
        let mut total = 0;
        let mut worst: Option<(i32, String)> = None;
        for_each_token(value, |tok, full| {
            let w = if full { self.token_weight(tok) } else { self.token_weight(tok) / 2 };
            if w != 0 {
                total += w;
                if w < 0 && worst.as_ref().is_none_or(|(ww, _)| w < *ww) {
                    worst = Some((w, tok.to_string()));
                }
            }
        });
        (total, worst.map(|x| x.1))
    }

    /// Whether `tok` (a token as [`Vocab::attr_weight`] names it) is marked
    /// `final`: forum signatures are prose inside the post they follow, so
    /// only their markup tells them apart, and it does so without doubt.
    pub fn attr_is_final(&self, tok: &str) -> bool {
        self.attr_final.iter().any(|(t, prefix)| if *prefix { tok.starts_with(t.as_str()) } else { tok == t })
    }

    fn token_weight(&self, tok: &str) -> i32 {
        if let Some(&w) = self.attr_exact.get(tok) {
            return w;
        }
        let mut best: i32 = 0;
        let first = tok.as_bytes().first();
        for (prefix, w, _) in &self.attrs {
            // The first byte rules out most prefixes without a comparison call.
            if (prefix.is_empty() || prefix.as_bytes().first() == first)
                && tok.starts_with(prefix.as_str())
                && w.abs() > best.abs()
            {
                best = *w;
            }
        }
        best
    }

    /// The languages with a stopword list, sorted (bit `i` in
    /// [`Vocab::stop_langs`] is `languages()[i]`).
    pub fn languages(&self) -> &[&'static str] {
        &self.langs
    }

    /// Bit set of the languages for which `word` (lower-case) is a stopword.
    pub fn stop_langs(&self, word: &str) -> u64 {
        self.stop_index.get(word).copied().unwrap_or(0)
    }

    /// [`Vocab::stop_langs`] of an ASCII word lower-cased, when it is short
    /// enough (15 bytes) for the packed table; `None` otherwise.
    pub fn stop_langs_ascii(&self, word: &[u8]) -> Option<u64> {
        if word.len() > 15 {
            return None;
        }
        Some(self.stop_small.get(&pack_ascii(word, true)).copied().unwrap_or(0))
    }

    /// Length in bytes of the longest stopword: a longer ASCII word is none.
    pub fn max_stopword_len(&self) -> usize {
        self.stop_max_len
    }

    /// The stopword list of one language, if shipped.
    pub fn stopwords(&self, lang: &str) -> Option<&[&'static str]> {
        self.stopwords.get(lang).map(|v| v.as_slice())
    }
}

/// Split a class/id value into lower-case tokens: `postComments nav-bar` →
/// `post`, `comments`, `nav`, `bar`, and also the whole words `postcomments`
/// and `nav-bar` squashed (`navbar`), so that both `nav` rules and `navbar`
/// rules can fire. The second flag is false for a token from inside a
/// camelCase word (`Navbar` in `anchorWithStickyNavbar`): such tokens
/// usually qualify the word's first part and count half.
fn for_each_token(value: &str, f: impl FnMut(&str, bool)) {
    if value.is_ascii() {
        return for_each_token_ascii(value.as_bytes(), f);
    }
    for_each_token_generic(value, f)
}

/// [`for_each_token`] for any text (the ASCII path must give the same
/// tokens; a test checks it against this one).
fn for_each_token_generic(value: &str, mut f: impl FnMut(&str, bool)) {
    let mut buf = String::new();
    let mut squashed = String::new();
    for word in value.split_whitespace() {
        squashed.clear();
        let mut prev_lower = false;
        let mut camel_inner = false;
        buf.clear();
        for c in word.chars() {
            if c.is_alphanumeric() {
                if c.is_uppercase() && prev_lower && !buf.is_empty() {
                    f(&buf, !camel_inner);
                    buf.clear();
                    camel_inner = true;
                }
                prev_lower = c.is_lowercase() || c.is_ascii_digit();
                let lc = c.to_ascii_lowercase();
                buf.push(lc);
                squashed.push(lc);
            } else {
                if !buf.is_empty() {
                    f(&buf, !camel_inner);
                    buf.clear();
                }
                prev_lower = false;
                camel_inner = false;
            }
        }
        let whole = !buf.is_empty() && buf.len() == squashed.len();
        if !buf.is_empty() {
            f(&buf, !camel_inner);
        }
        if !whole && !squashed.is_empty() {
            f(&squashed, true);
        }
    }
}

/// At most 15 ASCII bytes and their count in one integer (optionally
/// lower-cased): equal keys are equal byte strings.
fn pack_ascii(w: &[u8], lower: bool) -> u128 {
    let mut buf = [0u8; 16];
    buf[..w.len()].copy_from_slice(w);
    let mut k = u128::from_le_bytes(buf);
    if lower {
        // Every byte is below 0x80, so adding 0x3f or 0x25 to each carries
        // into no neighbour: the high bit of a byte of `ge_a` says b >= 'A',
        // of `ge_z` says b > 'Z'.
        const ONES: u128 = u128::MAX / 255;
        let ge_a = k + ONES * 0x3f;
        let gt_z = k + ONES * 0x25;
        let upper = ge_a & !gt_z & (ONES * 0x80);
        k |= upper >> 2;
    }
    k | (w.len() as u128) << 120
}

/// [`for_each_token`] of an ASCII value, byte by byte: the same tokens in the
/// same order. The current token is always a suffix of the squashed word
/// (every letter or digit goes to both), so one buffer holds both.
fn for_each_token_ascii(value: &[u8], mut f: impl FnMut(&str, bool)) {
    let mut sq = String::new();
    // The current token is `sq[start..]`.
    let mut start = 0usize;
    let mut prev_lower = false;
    let mut camel_inner = false;
    fn end_word(sq: &mut String, start: &mut usize, camel_inner: bool, f: &mut impl FnMut(&str, bool)) {
        let whole = *start == 0 && !sq.is_empty();
        if *start < sq.len() {
            f(&sq[*start..], !camel_inner);
        }
        if !whole && !sq.is_empty() {
            f(sq, true);
        }
        sq.clear();
        *start = 0;
    }
    for &b in value {
        // `char::is_whitespace` on ASCII: tab, LF, VT, FF, CR and space.
        if matches!(b, b'\t' | b'\n' | 0x0b | 0x0c | b'\r' | b' ') {
            end_word(&mut sq, &mut start, camel_inner, &mut f);
            prev_lower = false;
            camel_inner = false;
        } else if b.is_ascii_alphanumeric() {
            if b.is_ascii_uppercase() && prev_lower && start < sq.len() {
                f(&sq[start..], !camel_inner);
                start = sq.len();
                camel_inner = true;
            }
            prev_lower = b.is_ascii_lowercase() || b.is_ascii_digit();
            sq.push(b.to_ascii_lowercase() as char);
        } else {
            if start < sq.len() {
                f(&sq[start..], !camel_inner);
                start = sq.len();
            }
            prev_lower = false;
            camel_inner = false;
        }
    }
    end_word(&mut sq, &mut start, camel_inner, &mut f);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_phrase_automata_report_what_one_automaton_would() {
        // Every group of the shipped phrases builds, and on texts made of
        // phrases of several scripts run together (so matches overlap and
        // share ends), the groups' matches come in the order one automaton
        // of all the phrases reports them: the order decides which rule of
        // a kind is named.
        let m = &Vocab::get().phrases;
        let mut all = vec![String::new(); m.rules.len()];
        for part in &m.parts {
            for (p, &id) in part.pats.iter().zip(&part.ids) {
                all[id as usize] = p.clone();
            }
            if !part.pats.is_empty() {
                part.automaton();
            }
        }
        assert!(m.parts.iter().filter(|p| !p.pats.is_empty()).count() >= 8);
        let one = build_phrase_automaton(&all).unwrap();
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = |n: usize| (crate::testing::xorshift(&mut seed) % n as u64) as usize;
        let mut mixed = 0;
        for _ in 0..3000 {
            let mut text = String::new();
            for _ in 0..1 + next(4) {
                text.push_str(&all[next(all.len())]);
                text.push_str([" ", "", ": ", " – "][next(4)]);
            }
            let want: Vec<(u32, usize, usize)> =
                one.find_overlapping_iter(&text).map(|x| (x.pattern().as_u32(), x.start(), x.end())).collect();
            mixed += usize::from(groups_in(&text).count_ones() > 2);
            assert_eq!(m.find(&text), want, "{text:?}");
        }
        assert!(mixed > 500, "{mixed}");
    }

    fn vocab(files: &[(&'static str, &'static str)]) -> Vocab {
        Vocab::from_files(files).unwrap()
    }

    #[test]
    fn normalize_folds_case_quotes_and_space() {
        assert_eq!(normalize("  You’ll\u{a0}LOVE  “this” — now "), "you'll love \"this\" - now");
    }

    #[test]
    fn a_sign_inside_a_word_does_not_split_it() {
        // Hindi "क्या हुआ" (virama inside the first word), Bengali "প্রতিষ্ঠান",
        // decomposed "café", and Persian's zero-width non-joiner, which does
        // separate the parts of "می‌شود".
        assert_eq!(words("क्या हुआ").collect::<Vec<_>>(), ["क्या", "हुआ"]);
        assert_eq!(word_count("প্রতিষ্ঠান"), 1);
        assert_eq!(words("cafe\u{301} noir").collect::<Vec<_>>(), ["cafe\u{301}", "noir"]);
        assert_eq!(words("می\u{200c}شود").collect::<Vec<_>>(), ["می", "شود"]);
        assert_eq!(words("l'été, c'est").collect::<Vec<_>>(), ["l'été", "c'est"]);
    }

    #[test]
    fn anchors_decide_where_a_phrase_may_sit() {
        let v = vocab(&[(
            "phrases/related/en.txt",
            "= you may also like\n^ read also\n$ via wikicommons\n~ uses cookies\n",
        )]);
        assert_eq!(v.hits("You may also like…")[0].kind, "related");
        assert!(v.hits("Things you may also like to know about gardening").is_empty());
        assert!(!v.hits("READ ALSO: Kidal reconquered").is_empty());
        assert!(v.hits("We read also the newspapers").is_empty());
        assert!(!v.hits("Putin at the end of July 2023 via Wikicommons").is_empty());
        assert!(v.hits("Via Wikicommons we found it").is_empty());
        assert!(!v.hits("This website uses cookies to improve your experience.").is_empty());
    }

    #[test]
    fn a_bad_rule_is_named_by_file_and_line() {
        let e = Vocab::from_files(&[("phrases/byline/en.txt", "= by admin\n/ ^by (\\w+\n")]).err().unwrap();
        assert!(e.starts_with("phrases/byline/en.txt:2:"), "{e}");
        let e = Vocab::from_files(&[("phrases/byline/en.txt", "# c\n? nothing\n")]).err().unwrap();
        assert!(e.starts_with("phrases/byline/en.txt:2:"), "{e}");
        // A regex spelled with a letter that normalising folds away could
        // never match.
        let e =
            Vocab::from_files(&[("phrases/related/el.txt", "= διαβάστε επίσης\n/ ^διαβάστε επίσης:\n")]).err().unwrap();
        assert!(e.starts_with("phrases/related/el.txt:2:") && e.contains("'α'"), "{e}");
    }

    #[test]
    fn greek_folds_accents_and_final_sigma() {
        assert_eq!(normalize("Διαβάστε επίσης"), "διαβαστε επισησ");
        assert_eq!(normalize("ΔΙΑΒΑΣΤΕ ΕΠΙΣΗΣ"), normalize("Διαβάστε επίσης"));
        assert_eq!(normalize("Προϋπολογισμός ΐ ΰ"), "προυπολογισμοσ ι υ");
    }

    #[test]
    fn turkish_capitals_meet_rules_written_with_a_dotless_i() {
        // Lower-casing "I" gives "i", so "ı" must fold to it for a rule
        // written in lower case to hit text set in capitals.
        assert_eq!(normalize("TÜM HAKLARI SAKLIDIR"), normalize("Tüm hakları saklıdır"));
        assert_eq!(normalize("Tüm hakları saklıdır"), "tüm haklari saklidir");
        let v = vocab(&[("phrases/legal/tr.txt", "= tüm hakları saklıdır\n")]);
        assert_eq!(v.hits("TÜM HAKLARI SAKLIDIR.").len(), 1);
        assert_eq!(v.hits("Tüm hakları saklıdır").len(), 1);
        // A regex written with "ı" could never match: refused.
        let e = Vocab::from_files(&[("phrases/legal/tr.txt", "/ ^tüm hakları\n")]).err().unwrap();
        assert!(e.contains("write 'ı' as 'i'"), "{e}");
    }

    #[test]
    fn phrases_match_whole_words_only() {
        let v = vocab(&[("phrases/share/en.txt", "= share\n~ tweet\n")]);
        assert!(v.hits("Shares").is_empty());
        assert!(v.hits("retweeted").is_empty());
        assert!(!v.hits("Tweet this").is_empty());
    }

    #[test]
    fn a_phrase_matches_text_typed_decomposed_or_with_arabic_letters() {
        // "e" + U+0301 is "é"; Korean as conjoining jamo is its syllables.
        assert_eq!(normalize("Cafe\u{301} Ha\u{300} noi"), normalize("Café Hà noi"));
        assert_eq!(normalize("\u{1112}\u{1161}\u{11ab}"), "한");
        // Tamil "கொ" with its vowel sign typed in two parts.
        assert_eq!(normalize("\u{b95}\u{bc6}\u{bbe}"), "\u{b95}\u{bca}");
        assert_eq!(normalize("كي على"), "کی علی");
        let v = vocab(&[
            ("phrases/comments/fa.txt", "= نظرات کاربران\n"),
            ("phrases/share/vi.txt", "~ chia sẻ\n"),
            ("phrases/comments/ar.txt", "/ ^[0-9]+ تعلیق$\n"),
        ]);
        assert!(!v.hits("نظرات كاربران").is_empty(), "Persian typed with Arabic kaf and yeh");
        assert!(!v.hits("Chia se\u{309} bài viết").is_empty(), "Vietnamese typed decomposed");
        assert!(!v.hits("12 تعليق").is_empty(), "an Arabic regex written in the normalised form");
        assert!(v.hits("نظرات").is_empty());
    }

    #[test]
    fn text_without_spaces_is_measured_as_text_with_spaces_would_be() {
        // Text with spaces measures as it is.
        assert_eq!(measure("The council voted on the new budget."), (36, None));
        assert_eq!(measure("Café “Hà Nội” — déjà vu"), (23, None));
        // Eighteen ideographs say what 54 English characters say: 9 words.
        let zh = "城市公园改造工程完工市民周末纷纷前往";
        assert_eq!(zh.chars().count(), 18);
        assert_eq!(measure(zh), (54, Some(9)));
        // Kana count two; a Latin word among them is one word.
        assert_eq!(measure("LINEで送る"), (4 + 2 + 3 + 2, Some(2)));
        // Thai keeps its length, but a phrase between spaces is words.
        let th = "ชาวประมงช่วยกันปลูกหญ้าทะเล";
        let n = th.chars().count();
        assert_eq!(measure(th), (n, Some((n + 3) / 6)));
    }

    #[test]
    fn max_words_keeps_long_prose() {
        let v = vocab(&[("phrases/cookie/en.txt", "@max_words 10\n~ uses cookies\n")]);
        assert!(!v.hits("This site uses cookies.").is_empty());
        let prose = "The bakery down the road uses cookies as a reward for children who finish their homework, \
                     said the owner in an interview.";
        assert!(v.hits(prose).is_empty());
    }

    #[test]
    fn cjk_prose_is_few_words_so_max_chars_caps_it() {
        // Chinese and Japanese have no spaces: a whole sentence between two
        // punctuation marks is one "word", so a word cap cannot tell a long
        // paragraph from a label.
        let ja = "東京都は5日、都内で新たに300人の感染を確認したと発表した。関連記事によると、広告業界にも影響が広がっている。";
        assert_eq!(word_count(ja), 4);
        assert_eq!(word_count("相关文章"), 1);
        let v = vocab(&[("phrases/legal/ja.txt", "@max_words 40\n~ 無断転載\n@max_chars 60\n~ 無断転載を禁じます\n")]);
        let long = format!("{ja}同社は記事の無断転載を禁じますと明記している。{ja}");
        assert_eq!(v.hits(&long).len(), 1, "only the uncapped rule");
        assert_eq!(v.hits(&long)[0].rule, "legal/ja.txt: ~ 無断転載");
        let v = vocab(&[("phrases/legal/ja.txt", "@max_chars 60\n~ 無断転載を禁じます\n/ ^copyright .*無断転載\n")]);
        assert!(v.hits(&long).is_empty());
        assert!(!v.hits("本サイトに掲載の記事・写真の無断転載を禁じます。").is_empty());
        assert_eq!(v.hits("Copyright © 2024 Example Inc. 無断転載").len(), 1);
        assert!(v.hits(&format!("Copyright {ja}{ja} 無断転載")).is_empty());
        let e = Vocab::from_files(&[("phrases/legal/ja.txt", "@max_chars x\n")]).err().unwrap();
        assert!(e.starts_with("phrases/legal/ja.txt:1:"), "{e}");
    }

    #[test]
    fn han_and_kana_edges_need_no_word_boundary() {
        let v = vocab(&[("phrases/legal/zh.txt", "$ 版权所有\n~ 写真:\n= 広告\n$ 저작권자\n")]);
        assert!(!v.hits("新华网版权所有").is_empty());
        assert!(!v.hits("東京の夜景(写真: 共同)").is_empty());
        // A whole-line rule stays a whole line.
        assert!(v.hits("広告主").is_empty());
        // Hangul is written with spaces: words keep their boundaries.
        assert!(v.hits("한국저작권자").is_empty());
        assert!(!v.hits("ⓒ 한국일보 저작권자").is_empty());
        // Latin next to Chinese: a boundary too, but not inside a Latin word.
        let v = vocab(&[("phrases/legal/zh.txt", "~ icp备\n")]);
        assert!(!v.hits("京icp备12345678号").is_empty());
        assert!(v.hits("xicp备").is_empty());
    }

    #[test]
    fn regex_rules_work() {
        let v = vocab(&[("phrases/byline/en.txt", "/ ^by [a-z]+$\n")]);
        assert!(!v.hits("by admin").is_empty());
        assert!(v.hits("by the river we sat").is_empty());
    }

    #[test]
    fn bad_rule_is_reported_with_its_line() {
        let e = Vocab::from_files(&[("phrases/x/en.txt", "# ok\nno sigil\n")]).err().unwrap();
        assert!(e.contains("phrases/x/en.txt:2"), "{e}");
    }

    #[test]
    fn attr_tokens_split_camel_case_and_separators() {
        let v = vocab(&[("attrs/x.txt", "nav -10\ncomment* -20\ncontent 15\nnavbar -12\n")]);
        assert_eq!(v.attr_weight("nav-bar").0, -22);
        assert_eq!(v.attr_weight("postComments").0, -10);
        assert_eq!(v.attr_weight("commentList").0, -40);
        assert_eq!(v.attr_weight("entry-content").0, 15);
        assert_eq!(v.attr_weight("canvas").0, 0);
        assert_eq!(v.attr_weight("nav").1.as_deref(), Some("nav"));
    }

    #[test]
    fn attr_tokens_marked_final_are_known_and_checked() {
        let v = vocab(&[("attrs/x.txt", "signature* -30 final\nsidebar -25\nsig -10 final\n")]);
        assert!(v.attr_is_final("signature"));
        assert!(v.attr_is_final("signaturecontainer"));
        assert!(v.attr_is_final("sig"));
        assert!(!v.attr_is_final("sigma"));
        assert!(!v.attr_is_final("sidebar"));
        assert_eq!(v.attr_weight("post-signature").0, -30);
        for bad in ["content 15 final\n", "nav -10 always\n", "nav -10 final twice\n"] {
            let e = Vocab::from_files(&[("attrs/x.txt", bad)]).err().unwrap();
            assert!(e.contains("attrs/x.txt:1"), "{e}");
        }
    }

    /// The generic tokenizer's tokens, for comparison with the ASCII one.
    fn tokens_generic(value: &str) -> Vec<(String, bool)> {
        let mut out = Vec::new();
        for_each_token_generic(value, |t, full| out.push((t.to_string(), full)));
        out
    }

    #[test]
    fn packed_keys_lower_case_like_to_ascii_lowercase() {
        let words: [&[u8]; 6] = [b"", b"The", b"AZaz@[`{09'", b"ABCDEFGHIJKLMNO", b"x", b"MiXeD-CaSe"];
        for w in words {
            assert_eq!(pack_ascii(w, true), pack_ascii(&w.to_ascii_lowercase(), false), "{w:?}");
        }
        for b in 0u8..0x80 {
            assert_eq!(pack_ascii(&[b], true), pack_ascii(&[b.to_ascii_lowercase()], false), "{b}");
        }
    }

    #[test]
    fn ascii_tokens_are_the_generic_tokens() {
        let cases = [
            "",
            "   ",
            "nav",
            "postComments nav-bar",
            "anchorWithStickyNavbar x1Y2z post-1234 bg2",
            "-a- __b__ c--D eF\tg\x0bh\x0ci\rj\nk  ABC aBC AbC abC",
            "entry-content widget_area sidebar-1 is-style-wide wp-block-group",
            "a1B2c3D4 9Lives --- !!! x",
        ];
        for c in cases {
            let mut got = Vec::new();
            for_each_token_ascii(c.as_bytes(), |t, full| got.push((t.to_string(), full)));
            assert_eq!(got, tokens_generic(c), "{c:?}");
        }
        // Random ASCII strings over a small alphabet.
        let alphabet = b"aZ0 -_\tbQ9x\x0bY.";
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        for _ in 0..3000 {
            crate::testing::xorshift(&mut seed);
            let len = (seed % 24) as usize;
            let mut s = String::new();
            let mut x = seed;
            for _ in 0..len {
                x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                s.push(alphabet[(x >> 33) as usize % alphabet.len()] as char);
            }
            let mut got = Vec::new();
            for_each_token_ascii(s.as_bytes(), |t, full| got.push((t.to_string(), full)));
            assert_eq!(got, tokens_generic(&s), "{s:?}");
        }
    }

    #[test]
    fn shipped_rules_compile() {
        let v = Vocab::get();
        assert!(!v.languages().is_empty());
        // Regex rules compile lazily: force every one of them.
        for i in 0..v.regexes.pats.len() {
            v.regexes.get(i);
        }
        // Only rules whose matches may start with anything go unindexed.
        assert!(v.regexes.always.len() * 20 < v.regexes.pats.len(), "build.rs indexes the shipped regex rules");
    }

    #[test]
    fn no_rules_file_holds_a_rule_twice() {
        // Two lines that normalise to one rule (a spelling that folding
        // makes the same, a second copy under another heading) are dead
        // weight in a reviewed file: the second can never add a hit.
        let v = Vocab::get();
        let mut seen: HashMap<(&str, &str, String, usize, usize), &str> = HashMap::default();
        let mut twice = Vec::new();
        for r in v.phrase_rules.iter().chain(&v.regex_rules) {
            let text = match r.line.strip_prefix('/') {
                Some(re) => format!("/{}", re.trim()),
                None => {
                    let (anchor, phrase) = parse_anchor(r.line).unwrap();
                    format!("{anchor:?} {}", normalize(phrase))
                }
            };
            if let Some(first) = seen.insert((r.kind, r.file, text, r.max_words, r.max_chars), r.line) {
                twice.push(format!("{}/{}: {:?} repeats {:?}", r.kind, r.file, r.line, first));
            }
        }
        assert!(twice.is_empty(), "{} rules written twice:\n{}", twice.len(), twice.join("\n"));
    }

    #[test]
    fn regex_rules_are_written_in_the_normalised_form() {
        // Regexes run on normalised text, so a curly quote, a guillemet or a
        // typographic dash in one can never match ("[:|>»-]" used to sit in
        // the "read also" rules of forty languages, its » dead).
        for p in &Vocab::get().regexes.pats {
            let folded: Vec<char> =
                p.chars().filter(|&c| c != ' ' && normalize(&c.to_string()) != c.to_lowercase().to_string()).collect();
            assert!(folded.is_empty(), "{p}: {folded:?} cannot occur in normalised text");
        }
    }
}

#[cfg(test)]
mod prefilter_tests {
    use super::*;

    /// The example lines of `tests/vocab/` (hits and misses alike), plus
    /// lines each regex rule that may match anywhere is written for.
    fn texts() -> Vec<String> {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vocab");
        let mut out = Vec::new();
        for e in std::fs::read_dir(dir).unwrap() {
            let body = std::fs::read_to_string(e.unwrap().path()).unwrap();
            for line in body.lines().filter(|l| !l.starts_with('#')) {
                if let Some((_, text)) = line.split_once('\t') {
                    out.push(normalize(text));
                }
            }
        }
        out
    }

    /// The classifier's short cut gives the best of all hits: on every
    /// example, and on examples joined in pairs (a text that hits rules of
    /// several anchors and kinds, as "Share this … Read more" does).
    #[test]
    fn first_hit_is_the_best_of_all_hits() {
        let v = Vocab::get();
        let texts = texts();
        let mut with_hits = 0;
        let mut check = |t: &str| {
            let n = word_count(t);
            let all = v.hits_normalized(t, n);
            with_hits += usize::from(all.len() > 1);
            assert_eq!(v.first_hit(t, n), all.into_iter().next(), "{t:?}");
        };
        for (i, t) in texts.iter().enumerate() {
            check(t);
            let u = &texts[(i * 7 + 3) % texts.len()];
            check(&format!("{t} {u}"));
            check(&format!("{u}: {t}"));
        }
        assert!(with_hits > 100, "only {with_hits} texts with several hits");
    }

    /// The trie of prefixes and the inner literals only skip rules that
    /// cannot match: on every example, the rules they let through and
    /// match are exactly the rules that match.
    #[test]
    fn the_prefilters_never_hide_a_match() {
        let v = Vocab::get();
        let r = &v.regexes;
        let texts = texts();
        let mut seen = vec![false; r.pats.len()];
        for t in &texts {
            let all: Vec<usize> = (0..r.pats.len()).filter(|&i| r.is_match(i, t)).collect();
            assert_eq!(r.matches(t, |_| true, false), all, "{t:?}");
            assert_eq!(r.matches(t, |_| true, true), all.first().copied().into_iter().collect::<Vec<_>>(), "{t:?}");
            for i in all {
                seen[i] = true;
            }
        }
        // Every rule searched by its inner literals has an example to be
        // checked on.
        for (i, p) in r.pats.iter().enumerate() {
            let inner = embedded::REGEX_INNER.iter().any(|x| x.0 == p);
            assert!(!inner || seen[i], "no example line matches {p}");
        }
        assert!(embedded::REGEX_INNER.len() >= 15, "build.rs finds inner literals");
        // Rules indexed by a short prefix and held to their other literals
        // too are among those checked.
        let also = (0..r.pats.len()).filter(|&i| r.needs_also[i] && seen[i]).count();
        assert!(embedded::REGEX_ALSO.len() >= 100 && also >= 10, "{} {also}", embedded::REGEX_ALSO.len());
        // So are rules held to their first bytes (nearly every indexed one).
        let masked = (0..r.pats.len()).filter(|&i| r.masks[i].0.len() >= 4 && seen[i]).count();
        assert!(masked >= 200, "only {masked} rules with byte masks have a matching example");
    }

    /// A date rule that allows a weekday before its day number is not tried
    /// on a block that starts with a weekday's letters and goes on with
    /// words, nor on a number too short to be a date.
    #[test]
    fn a_rule_is_tried_only_on_starts_it_can_match() {
        let r = &Vocab::get().regexes;
        let i =
            (0..r.pats.len()).find(|&i| r.pats[i].starts_with("^((montag|dienstag|")).expect("the German date rule");
        assert!(r.masks[i].0.len() >= 4, "{:?}", r.masks[i]);
        assert!(!r.start_fits(i, "so wie immer kam er zu spät"));
        assert!(!r.start_fits(i, "16"), "too short for a date");
        for date in ["so., 12. mai 2024", "donnerstag, 3. märz 2022", "12.03.2024"] {
            assert!(r.start_fits(i, date) && r.is_match(i, date), "{date}");
        }
    }

    /// The lazy DFA that runs a regex rule answers as the full regex would,
    /// on every example line, for every rule (the lines of other kinds and
    /// languages make the misses), and on non-ASCII text next to a `\b`,
    /// where it hands over to the full regex.
    #[test]
    fn the_lazy_dfa_matches_as_the_full_regex_does() {
        let r = &Vocab::get().regexes;
        let mut texts = texts();
        texts.push("über die straße".into());
        let mut hits = 0;
        for (i, p) in r.pats.iter().enumerate() {
            let full = Regex::new(p).unwrap();
            for t in &texts {
                let m = full.is_match(t);
                assert_eq!(r.is_match(i, t), m, "{p} on {t:?}");
                hits += m as usize;
            }
        }
        assert!(hits > 500, "{hits}");
        let b = Regexes::new(vec![r"\bstraße\b".into()], &["test".into()]).unwrap();
        assert!(b.is_match(0, "über die straße"));
        assert!(!b.is_match(0, "die straßen"));
    }
}
