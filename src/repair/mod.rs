//! Stage 4: repair characters and extraction debris in kept text.
//!
//! Every change is recorded as a [`Change`] of a [`Fix`] kind, so `--stats`
//! can count them and `--explain` can show before/after. Each step only
//! fires on evidence of damage; text that is fine passes through unchanged
//! (the property tests check that repairing repaired text is a no-op).

use serde::Serialize;
use std::borrow::Cow;
use unicode_normalization::{is_nfc_quick, IsNormalized, UnicodeNormalization};

/// Kinds of repair, for statistics and `--explain`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Fix {
    /// HTML entities left in text (`&amp;`, `&eacute;`, `&#8217;`).
    Entity,
    /// Zero-width, control and BOM characters removed.
    Control,
    /// NBSP and other odd spaces made plain, runs of spaces collapsed.
    Space,
    /// A run of `?` that stands for characters lost in a charset conversion.
    LostChar,
    /// Extraction debris in punctuation (`. .`, ` ,`).
    Punctuation,
    /// Unicode canonical composition (NFC).
    Nfc,
}

impl Fix {
    /// Stable name for statistics.
    pub fn name(self) -> &'static str {
        match self {
            Fix::Entity => "entity",
            Fix::Control => "control",
            Fix::Space => "space",
            Fix::LostChar => "lost-char",
            Fix::Punctuation => "punctuation",
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
/// change.
#[derive(Clone, Debug)]
pub struct Options {
    /// Decode leftover HTML entities.
    pub entities: bool,
    /// Restore or drop `?` runs standing for lost characters.
    pub lost_chars: bool,
    /// Fix spacing and punctuation debris.
    pub typography: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options { entities: true, lost_chars: true, typography: true }
    }
}

/// Repair one paragraph. Returns the text (borrowed when nothing changed)
/// and the changes made.
pub fn repair<'a>(text: &'a str, opts: &Options) -> (Cow<'a, str>, Vec<Change>) {
    let mut changes = Vec::new();
    if is_clean(text, opts) {
        return (Cow::Borrowed(text), changes);
    }
    let mut s = text.to_string();
    if opts.entities && s.contains('&') {
        s = step(s, Fix::Entity, &mut changes, decode_entities);
    }
    s = step(s, Fix::Control, &mut changes, strip_controls);
    s = step(s, Fix::Space, &mut changes, normalize_spaces);
    if opts.lost_chars && s.contains('?') {
        s = step(s, Fix::LostChar, &mut changes, drop_lost_qmarks);
    }
    if opts.typography {
        s = step(s, Fix::Punctuation, &mut changes, fix_punctuation);
    }
    if is_nfc_quick(s.chars()) != IsNormalized::Yes {
        s = step(s, Fix::Nfc, &mut changes, |t| Cow::Owned(t.nfc().collect()));
    }
    if changes.is_empty() {
        return (Cow::Borrowed(text), changes);
    }
    (Cow::Owned(s), changes)
}

/// The fast path: plain text with nothing any step could act on.
fn is_clean(text: &str, opts: &Options) -> bool {
    let bytes = text.as_bytes();
    if opts.entities && memchr::memchr(b'&', bytes).is_some() {
        return false;
    }
    if opts.lost_chars && memchr::memchr(b'?', bytes).is_some() {
        return false;
    }
    if opts.typography
        && (memchr::memmem::find(bytes, b"  ").is_some()
            || memchr::memmem::find(bytes, b" ,").is_some()
            || memchr::memmem::find(bytes, b". .").is_some()
            || memchr::memmem::find(bytes, "”".as_bytes()).is_some())
    {
        return false;
    }
    if text.is_ascii() {
        return !bytes.iter().any(|&b| b < 0x20 && b != b'\n' && b != b'\t' || b == 0x7f);
    }
    !text.chars().any(|c| is_control(c) || is_odd_space(c)) && is_nfc_quick(text.chars()) == IsNormalized::Yes
}

fn step(s: String, fix: Fix, changes: &mut Vec<Change>, f: impl Fn(&str) -> Cow<'_, str>) -> String {
    match f(&s) {
        Cow::Borrowed(_) => s,
        Cow::Owned(t) => {
            if t != s {
                changes.push(excerpt(fix, &s, &t));
            }
            t
        }
    }
}

/// A before/after pair cut down to the changed region with a little context.
fn excerpt(fix: Fix, a: &str, b: &str) -> Change {
    let pre = a.chars().zip(b.chars()).take_while(|(x, y)| x == y).count();
    let suf = a.chars().rev().zip(b.chars().rev()).take_while(|(x, y)| x == y).count();
    let cut = |s: &str| -> String {
        let n = s.chars().count();
        let start = pre.saturating_sub(12);
        let end = n.saturating_sub(suf.min(n - pre.min(n))).saturating_add(12).min(n);
        s.chars().skip(start).take(end.saturating_sub(start)).collect()
    };
    Change { fix, before: cut(a), after: cut(b) }
}

fn is_control(c: char) -> bool {
    matches!(c, '\u{200b}' | '\u{200c}' | '\u{200d}' | '\u{2060}' | '\u{feff}' | '\u{ad}')
        || (c.is_control() && c != '\n' && c != '\t')
}

fn is_odd_space(c: char) -> bool {
    matches!(c, '\u{a0}' | '\u{2000}'..='\u{200a}' | '\u{202f}' | '\u{205f}' | '\u{3000}')
}

/// Decode `&name;`, `&#NNN;` and `&#xHH;`, repeatedly for double escapes
/// (`&amp;eacute;`). Unknown names are left alone.
pub fn decode_entities(s: &str) -> Cow<'_, str> {
    let mut cur: Cow<str> = Cow::Borrowed(s);
    for _ in 0..3 {
        match decode_once(&cur) {
            Some(next) => cur = Cow::Owned(next),
            None => break,
        }
    }
    cur
}

fn decode_once(s: &str) -> Option<String> {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    let mut changed = false;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        if let Some((ch, len)) = entity_at(tail) {
            out.push_str(&ch);
            rest = &tail[len..];
            changed = true;
        } else {
            out.push('&');
            rest = &tail[1..];
        }
    }
    out.push_str(rest);
    changed.then_some(out)
}

/// The entity at the start of `s` (which begins with `&`): its text and
/// byte length. A terminating `;` is required, except for the handful of
/// legacy names browsers accept without one when followed by a space.
fn entity_at(s: &str) -> Option<(String, usize)> {
    let body = &s[1..];
    if let Some(num) = body.strip_prefix('#') {
        let (hex, digits) = match num.strip_prefix(['x', 'X']) {
            Some(h) => (true, h),
            None => (false, num),
        };
        let len = digits.chars().take_while(|c| if hex { c.is_ascii_hexdigit() } else { c.is_ascii_digit() }).count();
        if len == 0 || len > 7 || !digits[len..].starts_with(';') {
            return None;
        }
        let v = u32::from_str_radix(&digits[..len], if hex { 16 } else { 10 }).ok()?;
        let c = match v {
            0x80..=0x9f => cp1252_c1(v)?,
            _ => char::from_u32(v).filter(|c| *c != '\0')?,
        };
        let total = 1 + 1 + usize::from(hex) + len + 1;
        return Some((c.to_string(), total));
    }
    let len = body.chars().take_while(|c| c.is_ascii_alphanumeric()).count();
    if len == 0 || len > 32 || !body[len..].starts_with(';') {
        return None;
    }
    let key = &body[..=len];
    let &(a, b) = html5ever::data::NAMED_ENTITIES.get(key)?;
    let mut t = String::new();
    t.push(char::from_u32(a)?);
    if b != 0 {
        t.push(char::from_u32(b)?);
    }
    Some((t, 1 + len + 1))
}

/// `&#150;` means what windows-1252 byte 150 means, as in browsers.
fn cp1252_c1(v: u32) -> Option<char> {
    let byte = [v as u8];
    let (cow, _, bad) = encoding_rs::WINDOWS_1252.decode(&byte);
    if bad {
        None
    } else {
        cow.chars().next()
    }
}

fn strip_controls(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_control) {
        return Cow::Borrowed(s);
    }
    Cow::Owned(s.chars().filter(|&c| !is_control(c)).collect())
}

fn normalize_spaces(s: &str) -> Cow<'_, str> {
    if !s.contains("  ") && !s.chars().any(is_odd_space) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut prev_space = false;
    for c in s.chars() {
        let c = if is_odd_space(c) { ' ' } else { c };
        if c == ' ' && prev_space {
            continue;
        }
        prev_space = c == ' ';
        out.push(c);
    }
    Cow::Owned(out)
}

/// Drop a run of `?` glued to the start of a word after a space: "in the
/// area of ??security" → "in the area of security". Only when the paragraph
/// shows no sign of real questions (a `?` followed by a space or the end and
/// preceded by a letter, `¿`, or a URL query), and the run is 1–3 marks
/// before a lower-case letter.
fn drop_lost_qmarks(s: &str) -> Cow<'_, str> {
    if s.contains('¿') || s.contains("?q=") || s.contains("://") {
        return Cow::Borrowed(s);
    }
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    let mut changed = false;
    while i < chars.len() {
        if chars[i] == '?' && (i == 0 || chars[i - 1] == ' ') {
            let run = chars[i..].iter().take_while(|&&c| c == '?').count();
            let next = chars.get(i + run).copied();
            if (2..=3).contains(&run) && next.is_some_and(|c| c.is_lowercase()) {
                i += run;
                changed = true;
                continue;
            }
        }
        out.push(chars[i]);
        i += 1;
    }
    if changed {
        Cow::Owned(out)
    } else {
        Cow::Borrowed(s)
    }
}

/// ". ." → ".", " ," → ",", ". .Name" → ". Name", and a space after a
/// closing quote glued to the next word ("problems”he" → "problems” he").
fn fix_punctuation(s: &str) -> Cow<'_, str> {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len() + 4);
    let mut changed = false;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        // " ," and " ." before a word: a space that extraction put before punctuation.
        if c == ' ' && matches!(chars.get(i + 1), Some(',')) && i > 0 && chars[i - 1].is_alphanumeric() {
            changed = true;
            i += 1;
            continue;
        }
        // ". ." : a stray second period, possibly glued to the next word.
        if c == '.'
            && chars.get(i + 1) == Some(&' ')
            && chars.get(i + 2) == Some(&'.')
            && chars.get(i + 3) != Some(&'.')
        {
            let prev_dot = i > 0 && chars[i - 1] == '.';
            if !prev_dot {
                out.push('.');
                out.push(' ');
                i += 3;
                changed = true;
                continue;
            }
        }
        if c == '”' && chars.get(i + 1).is_some_and(|n| n.is_alphabetic()) && i > 0 && chars[i - 1].is_alphabetic() {
            // Only when the quote closes (an opening “ precedes it in the text).
            if chars[..i].iter().rev().take(400).any(|&p| p == '“') {
                out.push('”');
                out.push(' ');
                i += 1;
                changed = true;
                continue;
            }
        }
        out.push(c);
        i += 1;
    }
    if changed {
        Cow::Owned(out)
    } else {
        Cow::Borrowed(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fix(s: &str) -> String {
        repair(s, &Options::default()).0.into_owned()
    }

    #[test]
    fn clean_text_is_borrowed() {
        let (t, c) = repair("Plain text, nothing to do. Why? Because.", &Options::default());
        assert!(matches!(t, Cow::Borrowed(_)));
        assert!(c.is_empty());
    }

    #[test]
    fn entities_are_decoded_once_or_twice() {
        assert_eq!(fix("Tom &amp; Jerry"), "Tom & Jerry");
        assert_eq!(fix("caf&eacute; &#8217; &#x2014;"), "café ’ —");
        assert_eq!(fix("double &amp;#8217; escape"), "double ’ escape");
        assert_eq!(fix("&#150; dash"), "– dash");
        assert_eq!(fix("AT&T and R&D stay"), "AT&T and R&D stay");
        assert_eq!(fix("&unknownentity; stays"), "&unknownentity; stays");
    }

    #[test]
    fn controls_and_spaces_are_cleaned() {
        assert_eq!(fix("zero\u{200b}width\u{feff} and\u{a0}nbsp  runs"), "zerowidth and nbsp runs");
    }

    #[test]
    fn lost_question_marks_go() {
        assert_eq!(fix("in the area of ??security, he said"), "in the area of security, he said");
    }

    #[test]
    fn real_questions_stay() {
        for s in [
            "Why? Because.",
            "? Yes, really",
            "Is it?? Maybe.",
            "¿Qué? ??no",
            "see https://x.org/?q=1 ??tag",
            "What ???",
        ] {
            assert_eq!(fix(s), s);
        }
    }

    #[test]
    fn punctuation_debris_is_mended() {
        assert_eq!(fix("with Ms. .Lavrov."), "with Ms. Lavrov.");
        assert_eq!(fix("word , next"), "word, next");
        assert_eq!(fix("“create problems”he added"), "“create problems” he added");
        assert_eq!(fix("Wait... . Then"), "Wait... . Then");
    }

    #[test]
    fn nfc_is_applied() {
        assert_eq!(fix("cafe\u{301}"), "café");
    }

    #[test]
    fn changes_are_reported() {
        let (_, c) = repair("a &amp; b", &Options::default());
        assert_eq!(c.len(), 1);
        assert_eq!(c[0].fix, Fix::Entity);
        assert!(c[0].before.contains("&amp;") && c[0].after.contains('&'));
    }
}
