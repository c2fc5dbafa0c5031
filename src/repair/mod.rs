//! Stage 4: repair characters damaged by encoding accidents, and extraction
//! debris, in kept text.
//!
//! Steps, in order (each only fires on evidence of damage; text that is fine
//! passes through a fast path unchanged and borrowed):
//!
//! 1. [`entities`]: HTML entities left in text, single or double escaped.
//! 2. [`mojibake`]: UTF-8 read as Windows-1252, Latin-1 or another single-byte
//!    code page, once or more, decided per sentence by a badness measure.
//! 3. control characters (C0, DEL, BOM) removed.
//! 4. [`lost`]: `?` and U+FFFD standing for lost characters, restored from the
//!    [`Lexicon`]s behind a damage-evidence gate.
//! 5. [`typo`]: punctuation debris; opt-in cosmetic folds.
//! 6. Unicode NFC.
//!
//! Every change is recorded as a [`Change`] of a [`Fix`] kind, so `--stats`
//! can count them and `--explain` can show before/after. Repairing repaired
//! text is a no-op (the property tests check it).

pub(crate) mod charclass;
mod codec;
mod entities;
mod fasthash;
mod langid;
mod letters;
mod lexicon;
mod lost;
mod mojibake;
mod typo;

pub use entities::decode_entities;
pub use lexicon::Lexicon;

use serde::Serialize;
use std::borrow::Cow;
use unicode_normalization::{is_nfc_quick, IsNormalized, UnicodeNormalization};

/// Kinds of repair, for statistics and `--explain`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Fix {
    /// HTML entities left in text (`&amp;`, `&eacute;`, `&#8217;`).
    Entity,
    /// Mojibake undone (UTF-8 that was decoded with a single-byte code page).
    Mojibake,
    /// U+FFFD replacement characters restored.
    Replacement,
    /// A run of `?` that stood for characters lost in a charset conversion,
    /// restored (or dropped when it stood for nothing printable).
    LostChar,
    /// Control characters and BOMs removed.
    Control,
    /// Runs of spaces collapsed (opt-in).
    Space,
    /// Extraction debris in punctuation (`. .Word`, `”word`, opt-in ` ,`).
    Punctuation,
    /// Curly quotes made straight (opt-in).
    Quotes,
    /// Typographic ligatures split (opt-in).
    Ligature,
    /// Full-width forms made ASCII (opt-in).
    Width,
    /// Unicode canonical composition (NFC).
    Nfc,
}

impl Fix {
    /// Stable name for statistics.
    pub fn name(self) -> &'static str {
        match self {
            Fix::Entity => "entity",
            Fix::Mojibake => "mojibake",
            Fix::Replacement => "replacement",
            Fix::LostChar => "lost-char",
            Fix::Control => "control",
            Fix::Space => "space",
            Fix::Punctuation => "punctuation",
            Fix::Quotes => "quotes",
            Fix::Ligature => "ligature",
            Fix::Width => "width",
            Fix::Nfc => "nfc",
        }
    }
}

/// One repair: what it was, what it became.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Change {
    /// The kind of repair.
    pub fix: Fix,
    /// The damaged text (a short excerpt around the change).
    pub before: String,
    /// The repaired text.
    pub after: String,
}

/// Which repairs to run. The default runs every repair and no cosmetic
/// change: quotes stay curly, ligatures and full-width forms stay, because
/// they are not damage.
#[derive(Clone, Debug)]
pub struct Options {
    /// Decode leftover HTML entities.
    pub entities: bool,
    /// Undo mojibake.
    pub mojibake: bool,
    /// Restore `?` runs and U+FFFD standing for lost characters.
    pub lost_chars: bool,
    /// Remove control characters and BOMs.
    pub controls: bool,
    /// Mend punctuation debris that real text never contains.
    pub typography: bool,
    /// Also drop a space before a comma and collapse runs of spaces. Off by
    /// default: both occur in real text ("Trinity , das", ASCII art).
    pub loose_punctuation: bool,
    /// Curly quotes → straight (cosmetic, opt-in).
    pub uncurl_quotes: bool,
    /// Ligatures `ﬁ` `ﬂ` → letters (cosmetic, opt-in).
    pub fix_ligatures: bool,
    /// Full-width forms → ASCII (cosmetic, opt-in).
    pub fix_width: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            entities: true,
            mojibake: true,
            lost_chars: true,
            controls: true,
            typography: true,
            loose_punctuation: false,
            uncurl_quotes: false,
            fix_ligatures: false,
            fix_width: false,
        }
    }
}

/// Repair one paragraph. `lexicons` are consulted in order for lost
/// characters (the caller passes the document's own lexicon, the batch
/// lexicon, then any user word lists); their counts are summed, so order
/// does not change the result. Returns the text (borrowed when nothing
/// changed) and the changes made.
pub fn repair<'a>(text: &'a str, lexicons: &[&Lexicon], opts: &Options) -> (Cow<'a, str>, Vec<Change>) {
    let mut changes = Vec::new();
    if is_clean(text, opts) {
        return (Cow::Borrowed(text), changes);
    }
    let mut s: Cow<'a, str> = Cow::Borrowed(text);
    if opts.entities && s.contains('&') {
        s = step(s, Fix::Entity, &mut changes, decode_entities);
    }
    if opts.mojibake && !s.is_ascii() {
        s = step(s, Fix::Mojibake, &mut changes, |t| match mojibake::fix(t) {
            Some(f) => Cow::Owned(f),
            None => Cow::Borrowed(t),
        });
    }
    if opts.controls {
        let before = changes.len();
        s = step(s, Fix::Control, &mut changes, strip_controls);
        // Removing a control can bring mojibake pieces together.
        if changes.len() > before && opts.mojibake && !s.is_ascii() {
            s = step(s, Fix::Mojibake, &mut changes, |t| match mojibake::fix(t) {
                Some(f) => Cow::Owned(f),
                None => Cow::Borrowed(t),
            });
        }
    }
    // Debris first, so the lost-character gate sees the words as written,
    // and again after each restoring round (below).
    if opts.typography {
        s = step(s, Fix::Punctuation, &mut changes, typo::fix_debris);
    }
    // Restoring can change what the rest of the paragraph looks like (a run
    // read as a dash is no longer a run), so repeat until nothing changes:
    // repairing repaired text must be a no-op.
    for _ in 0..3 {
        if !(opts.lost_chars && (s.contains('?') || s.contains('\u{fffd}'))) {
            break;
        }
        let Some(edits) = lost::restore_edits(&s, lexicons) else { break };
        {
            let (t, ch) = apply_lost(&s, edits);
            changes.extend(ch);
            s = Cow::Owned(t);
            // A restored character can complete a mojibake pair.
            if opts.mojibake && mojibake::may_have_mojibake(&s) {
                s = step(s, Fix::Mojibake, &mut changes, |t| match mojibake::fix(t) {
                    Some(f) => Cow::Owned(f),
                    None => Cow::Borrowed(t),
                });
            }
            // A restored quote can be glued to a word; spacing it changes
            // the context the next round reads, as a second run would.
            if opts.typography {
                s = step(s, Fix::Punctuation, &mut changes, typo::fix_debris);
            }
        }
    }
    if opts.loose_punctuation {
        s = step(s, Fix::Space, &mut changes, typo::fix_loose);
    }
    if opts.uncurl_quotes {
        s = step(s, Fix::Quotes, &mut changes, typo::uncurl_quotes);
    }
    if opts.fix_ligatures {
        s = step(s, Fix::Ligature, &mut changes, typo::fix_ligatures);
    }
    if opts.fix_width {
        s = step(s, Fix::Width, &mut changes, typo::fix_width);
    }
    if !s.is_ascii() && !nfc_quick_yes(&s) {
        s = step(s, Fix::Nfc, &mut changes, |t| {
            let n: String = t.nfc().collect();
            if n == t {
                Cow::Borrowed(t)
            } else {
                Cow::Owned(n)
            }
        });
    }
    if changes.is_empty() {
        return (Cow::Borrowed(text), changes);
    }
    (s, changes)
}

/// Entities and mojibake repaired, for [`Lexicon::learn`]: a mojibaked
/// paragraph is full of good words once decoded.
pub(crate) fn prepare_for_learning(text: &str) -> Option<String> {
    if text.is_ascii() && !text.contains('&') {
        return None;
    }
    let e = if text.contains('&') { decode_entities(text) } else { Cow::Borrowed(text) };
    let m = if !e.is_ascii() { mojibake::fix(&e).map(Cow::Owned).unwrap_or(e) } else { e };
    match m {
        Cow::Borrowed(_) => None,
        Cow::Owned(s) => Some(s),
    }
}

/// The fast path: nothing any enabled step could act on. The rare trigger
/// bytes `&` and `?` are found with one `memchr2` pass; then one pass over
/// the bytes skips ASCII eight bytes at a time (checking for control bytes
/// on the way) and looks each non-ASCII character up in a flag table (code
/// page lead/continuation bits, "look closer", "may break NFC"). The NFC
/// quick check, when needed, starts at the first character that can break
/// NFC: everything before it is a starter that is NFC on its own.
fn is_clean(text: &str, opts: &Options) -> bool {
    let bytes = text.as_bytes();
    let (ent, qm) = (opts.entities, opts.lost_chars);
    if ent || qm {
        for i in memchr::memchr2_iter(b'&', b'?', bytes) {
            if bytes[i] == b'&' {
                if ent && entity_at(bytes, i) {
                    return false;
                }
            } else if qm && suspect_qmark_at(text, i) {
                return false;
            }
        }
    }
    if opts.typography && finder(0).find(bytes).is_some() {
        return false;
    }
    if opts.loose_punctuation && (finder(1).find(bytes).is_some() || finder(2).find(bytes).is_some()) {
        return false;
    }
    const HIGH: u64 = 0x8080_8080_8080_8080;
    const LOW: u64 = 0x2020_2020_2020_2020;
    let tab = fast_table();
    let n = bytes.len();
    let mut i = 0;
    // Byte offset of the first character that can make the text non-NFC.
    let mut nfc_from = usize::MAX;
    // The last non-ASCII character, where it ended, and its lead bits.
    let mut last_c = '\0';
    let mut last_end = usize::MAX;
    let mut last_lead = 0u8;
    while i < n {
        // Skip ASCII, eight bytes at a time, up to the first byte that is
        // non-ASCII or a control (the lowest flagged byte of a word is
        // exact; borrows only spill upwards).
        while i + 8 <= n {
            let x = u64::from_le_bytes(bytes[i..i + 8].try_into().unwrap());
            let y = x ^ 0x7f7f_7f7f_7f7f_7f7f;
            let flagged = (x | (x.wrapping_sub(LOW) & !x) | (y.wrapping_sub(0x0101_0101_0101_0101) & !y)) & HIGH;
            if flagged != 0 {
                i += (flagged.trailing_zeros() / 8) as usize;
                break;
            }
            i += 8;
        }
        if i >= n {
            break;
        }
        let b = bytes[i];
        if b < 0x80 {
            if opts.controls && (b < 0x20 && b != b'\n' && b != b'\t' && b != b'\r' || b == 0x7f) {
                return false;
            }
            i += 1;
            continue;
        }
        let (c, w) = decode_at(bytes, i);
        let u = c as u32;
        let f = if u < FAST_TABLE_END { tab[(u - 0x80) as usize] } else { slow_flags(c) };
        if f.special {
            match c {
                '\u{80}'..='\u{9f}' | '\u{feff}' | '\u{fffd}' => return false,
                '‘' | '’' | '‚' | '‛' | '“' | '”' | '„' | '‟' if opts.uncurl_quotes => return false,
                '”' if opts.typography => {
                    let before = if last_end == i { Some(last_c) } else { (i > 0).then(|| bytes[i - 1] as char) };
                    let after = text[i + w..].chars().next();
                    if before.is_some_and(|x| x.is_alphabetic()) && after.is_some_and(|x| x.is_alphabetic()) {
                        return false;
                    }
                }
                '\u{fb00}'..='\u{fb06}' if opts.fix_ligatures => return false,
                '\u{ff01}'..='\u{ff5e}' | '\u{3000}' | '\u{ff61}'..='\u{ffdc}' if opts.fix_width => return false,
                'Ã' if opts.mojibake && bytes.get(i + w) == Some(&b' ') => return false,
                'Â' if opts.mojibake && mojibake::lone_nbsp_lead(text, i) => return false,
                _ => {}
            }
        }
        if opts.mojibake && last_end == i && last_lead & f.cont != 0 {
            return false;
        }
        if f.nfc && nfc_from == usize::MAX {
            nfc_from = i;
        }
        last_c = c;
        last_end = i + w;
        last_lead = f.lead;
        i += w;
    }
    nfc_from == usize::MAX || is_nfc_quick(text[nfc_from..].chars()) == IsNormalized::Yes
}

/// The character starting at byte `i` of valid UTF-8 (a non-ASCII lead
/// byte), and its length.
#[inline(always)]
fn decode_at(bytes: &[u8], i: usize) -> (char, usize) {
    let b0 = u32::from(bytes[i]);
    let cont = |k: usize| u32::from(bytes[i + k] & 0x3f);
    let (u, w) = if b0 < 0xE0 {
        (((b0 & 0x1f) << 6) | cont(1), 2)
    } else if b0 < 0xF0 {
        (((b0 & 0x0f) << 12) | (cont(1) << 6) | cont(2), 3)
    } else {
        (((b0 & 0x07) << 18) | (cont(1) << 12) | (cont(2) << 6) | cont(3), 4)
    };
    // `bytes` comes from a `str`, so this is a valid scalar value.
    (char::from_u32(u).unwrap_or('\u{fffd}'), w)
}

/// What the fast path needs to know of a non-ASCII character.
#[derive(Clone, Copy, Default)]
struct FastFlags {
    /// Code pages (bit per [`codec::CODECS`] entry) in which it is a UTF-8
    /// lead byte.
    lead: u8,
    /// Code pages in which it is a UTF-8 continuation byte.
    cont: u8,
    /// Look closer: C1 controls, BOM, U+FFFD, quotes, ligatures, full-width
    /// forms, `Ã`, `Â`.
    special: bool,
    /// Can make text non-NFC ([`maybe_not_nfc`]).
    nfc: bool,
}

/// The flag table covers U+0080 up to here (Latin, Greek, Cyrillic, Arabic,
/// Indic, punctuation, symbols, kana).
const FAST_TABLE_END: u32 = 0x3100;

fn slow_flags(c: char) -> FastFlags {
    // CJK ideographs and Hangul syllables: nothing to look at.
    if matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xAC00..=0xD7A3) {
        return FastFlags::default();
    }
    let (lead, cont) = codec::entry(c).map_or((0, 0), |e| (e.lead, e.cont));
    let special = matches!(c,
        '\u{80}'..='\u{9f}' | '\u{feff}' | '\u{fffd}' | '”' | '‘' | '’' | '‚' | '‛' | '“' | '„' | '‟'
        | '\u{fb00}'..='\u{fb06}' | '\u{ff01}'..='\u{ff5e}' | '\u{3000}' | '\u{ff61}'..='\u{ffdc}' | 'Ã' | 'Â');
    let nfc = maybe_not_nfc(c)
        || unicode_normalization::char::canonical_combining_class(c) != 0
        || is_nfc_quick(std::iter::once(c)) != IsNormalized::Yes;
    FastFlags { lead, cont, special, nfc }
}

fn fast_table() -> &'static [FastFlags] {
    static T: std::sync::OnceLock<Vec<FastFlags>> = std::sync::OnceLock::new();
    T.get_or_init(|| (0x80..FAST_TABLE_END).map(|u| slow_flags(char::from_u32(u).unwrap_or('\0'))).collect())
}

/// Prebuilt searchers for ". .", "  " and " ,".
fn finder(i: usize) -> &'static memchr::memmem::Finder<'static> {
    static F: std::sync::OnceLock<[memchr::memmem::Finder<'static>; 3]> = std::sync::OnceLock::new();
    &F.get_or_init(|| {
        [memchr::memmem::Finder::new(b". ."), memchr::memmem::Finder::new(b"  "), memchr::memmem::Finder::new(b" ,")]
    })[i]
}

/// Whether a word of ASCII bytes holds a DEL (0x7F).
#[cfg(test)]
#[inline]
fn has_del(x: u64) -> bool {
    let y = x ^ 0x7f7f_7f7f_7f7f_7f7f;
    (y.wrapping_sub(0x0101_0101_0101_0101) & !y & HIGH_BITS) != 0
}

#[cfg(test)]
const HIGH_BITS: u64 = 0x8080_8080_8080_8080;

/// Characters that can make text non-NFC: combining marks, Hangul jamo and
/// the canonical singletons.
fn maybe_not_nfc(c: char) -> bool {
    let u = c as u32;
    u >= 0x300
        && (unicode_normalization::char::is_combining_mark(c)
            || matches!(u, 0x0340..=0x0344 | 0x0374 | 0x037E | 0x0387 | 0x0958..=0x095F | 0x09DC..=0x09DF
                | 0x0A33 | 0x0A36 | 0x0A59..=0x0A5E | 0x0B5C..=0x0B5D | 0x0F43..=0x0FB9 | 0x1100..=0x11FF
                | 0x1F71..=0x1FFD | 0x2000..=0x2001 | 0x2126 | 0x212A..=0x212B | 0x2329..=0x232A | 0x2ADC
                | 0xF900..=0xFAFF | 0xFB1D..=0xFB4E | 0x1D15E..=0x1D1C0 | 0x2F800..=0x2FA1D))
}

/// An `&` at `i` followed by something that could be an entity (`&name;`,
/// `&#…;`).
#[inline]
fn entity_at(bytes: &[u8], i: usize) -> bool {
    let rest = &bytes[i + 1..bytes.len().min(i + 34)];
    let Some(&first) = rest.first() else { return false };
    if !(first == b'#' || first.is_ascii_alphabetic()) {
        return false;
    }
    match rest.iter().position(|&b| !(b.is_ascii_alphanumeric() || b == b'#')) {
        Some(j) => rest[j] == b';',
        None => false,
    }
}

/// A `?` at `i` that might not be a real question mark: doubled, glued
/// before a letter or digit, or after a blank. A single `?` closing a word
/// before a space, the end or punctuation reads as a question and is left
/// alone.
#[inline]
fn suspect_qmark_at(text: &str, i: usize) -> bool {
    let bytes = text.as_bytes();
    let next = bytes.get(i + 1).copied();
    let prev = if i > 0 { Some(bytes[i - 1]) } else { None };
    if next == Some(b'?') || prev == Some(b'?') {
        return true;
    }
    match next {
        None => {}
        Some(n) if n.is_ascii_alphanumeric() => return true,
        // "enumer? una": a lost letter at a word's end, or an informal
        // question; the lost-character gate tells them apart.
        Some(b' ')
            if prev.is_some_and(|p| p.is_ascii_alphabetic() || p >= 0x80)
                && lexicon::lower_word_follows(&text[i + 1..]) =>
        {
            return true;
        }
        Some(n) if n >= 0x80 => {
            // A quote, ellipsis or (narrow) no-break space after a
            // question mark: still a question.
            let rest = &bytes[i + 1..bytes.len().min(i + 4)];
            let quote = matches!(rest, [0xE2, 0x80, 0x98 | 0x99 | 0x9C | 0x9D | 0xA6 | 0xAF, ..])
                || matches!(rest, [0xC2, 0xA0 | 0xAB | 0xBB, ..]);
            if !quote {
                return true;
            }
        }
        _ => {}
    }
    prev.is_none_or(|p| p == b' ' || p == b'\n' || p == b'\t')
}

fn step<'a>(s: Cow<'a, str>, fix: Fix, changes: &mut Vec<Change>, f: impl Fn(&str) -> Cow<'_, str>) -> Cow<'a, str> {
    let out = match f(&s) {
        Cow::Borrowed(_) => None,
        Cow::Owned(t) => (t != *s).then_some(t),
    };
    match out {
        Some(t) => {
            changes.push(excerpt(fix, &s, &t));
            Cow::Owned(t)
        }
        None => s,
    }
}

/// Apply lost-character edits, one [`Change`] per restored run, with the
/// word around it as context.
fn apply_lost(s: &str, edits: Vec<lost::Edit>) -> (String, Vec<Change>) {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    let mut changes = Vec::new();
    let mut i = 0;
    for e in edits {
        if e.start < i {
            continue;
        }
        out.extend(&chars[i..e.start]);
        let mut a = e.start;
        while a > 0 && !chars[a - 1].is_whitespace() && e.start - a < 20 {
            a -= 1;
        }
        let mut b = e.end;
        while b < chars.len() && !chars[b].is_whitespace() && b - e.end < 20 {
            b += 1;
        }
        let before: String = chars[a..b].iter().collect();
        let after: String =
            chars[a..e.start].iter().copied().chain(e.text.chars()).chain(chars[e.end..b].iter().copied()).collect();
        let fix = if e.mark == '\u{fffd}' { Fix::Replacement } else { Fix::LostChar };
        changes.push(Change { fix, before, after });
        out.push_str(&e.text);
        i = e.end;
    }
    out.extend(&chars[i..]);
    (out, changes)
}

/// A before/after pair cut down to the changed region with a little context
/// (12 characters each side). Works on bytes: the common prefix and suffix
/// are backed off to character boundaries, which are the same in both
/// strings because the bytes around them are.
fn excerpt(fix: Fix, a: &str, b: &str) -> Change {
    let (ab, bb) = (a.as_bytes(), b.as_bytes());
    let mut pre = ab.iter().zip(bb).take_while(|(x, y)| x == y).count();
    while !a.is_char_boundary(pre) {
        pre -= 1;
    }
    // The common suffix of what follows the prefix (so it never overlaps
    // it), starting at a character boundary.
    let (ar, br) = (&ab[pre..], &bb[pre..]);
    let mut suf = ar.iter().rev().zip(br.iter().rev()).take_while(|(x, y)| x == y).count();
    while !a.is_char_boundary(a.len() - suf) {
        suf -= 1;
    }
    let cut = |s: &str| -> String {
        let start = s[..pre].char_indices().rev().nth(11).map_or(0, |(i, _)| i);
        let tail = &s[s.len() - suf..];
        let end = tail.char_indices().nth(12).map_or(s.len(), |(i, _)| s.len() - suf + i);
        s[start..end].to_string()
    };
    Change { fix, before: cut(a), after: cut(b) }
}

/// C0 controls other than tab and line breaks, DEL, and byte-order marks.
/// Zero-width joiners, soft hyphens and no-break spaces are real text and
/// stay.
fn is_control(c: char) -> bool {
    matches!(c, '\u{0}'..='\u{8}' | '\u{b}' | '\u{c}' | '\u{e}'..='\u{1f}' | '\u{7f}' | '\u{feff}')
        || matches!(c, '\u{80}'..='\u{9f}')
}

fn strip_controls(s: &str) -> Cow<'_, str> {
    if !has_control(s.as_bytes()) {
        return Cow::Borrowed(s);
    }
    Cow::Owned(s.chars().filter(|&c| !is_control(c)).collect())
}

/// Whether the UTF-8 `bytes` hold an [`is_control`] character: a C0 byte
/// other than tab and line breaks, DEL, a C1 control (`C2 80`–`C2 9F`) or a
/// BOM (`EF BB BF`).
fn has_control(bytes: &[u8]) -> bool {
    bytes.iter().enumerate().any(|(i, &b)| match b {
        0..=0x08 | 0x0b | 0x0c | 0x0e..=0x1f | 0x7f => true,
        0xc2 => bytes.get(i + 1).is_some_and(|&n| (0x80..0xa0).contains(&n)),
        0xef => bytes.get(i + 1..i + 3) == Some(&[0xbb, 0xbf][..]),
        _ => false,
    })
}

/// `text` composed (NFC), with the change to report, when it is not NFC
/// already. For text about to be classified: repair composes kept text
/// anyway (its last step), and what the classifier measures (lengths,
/// words, stopwords, rules) should not depend on whether a page was typed
/// decomposed, as macOS and some Vietnamese and Korean input write it.
pub(crate) fn compose(text: &str) -> Option<(String, Change)> {
    if text.is_ascii() || nfc_quick_yes(text) {
        return None;
    }
    let n: String = text.nfc().collect();
    if n == text {
        return None;
    }
    let change = excerpt(Fix::Nfc, text, &n);
    Some((n, change))
}

/// Whether `text` is NFC by the quick check (`Yes`), which only needs to
/// start at the first character that can make text non-NFC: every
/// character before it is a starter that is NFC on its own.
pub(crate) fn nfc_quick_yes(text: &str) -> bool {
    let tab = fast_table();
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] < 0x80 {
            // Skip ASCII, then eight bytes at a time.
            i += 1;
            while i + 8 <= bytes.len() {
                let x = u64::from_le_bytes(bytes[i..i + 8].try_into().unwrap());
                if x & 0x8080_8080_8080_8080 != 0 {
                    break;
                }
                i += 8;
            }
            continue;
        }
        let (c, w) = decode_at(bytes, i);
        let u = c as u32;
        let f = if u < FAST_TABLE_END { tab[(u - 0x80) as usize] } else { slow_flags(c) };
        if f.nfc {
            return is_nfc_quick(text[i..].chars()) == IsNormalized::Yes;
        }
        i += w;
    }
    true
}

#[cfg(test)]
mod tests;

/// Whether `text` takes the fast path (nothing to repair). For benchmarks
/// and debugging.
#[doc(hidden)]
pub fn takes_fast_path(text: &str, opts: &Options) -> bool {
    is_clean(text, opts)
}
