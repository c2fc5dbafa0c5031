//! Typography: debris that text extraction leaves in punctuation, and the
//! opt-in cosmetic folds (straight quotes, ligatures, full width).
//!
//! Only debris that real prose never contains is mended by default: a
//! period doubled onto the next word ("Ms. .Lavrov") and a closing quote
//! glued to the next word of a cased script ("problems”he added"). A space
//! before a comma and doubled spaces do occur in real text (in names, lists,
//! ASCII art), so those two are behind [`super::Options::loose_punctuation`].

use super::charclass::CharClass;
use std::borrow::Cow;

/// ". .Word" → ". Word", and a space after a closing `”` glued to the next
/// word ("problems”he added" → "problems” he added"), when an opening `“`
/// precedes it and both neighbours are letters of a cased script.
pub(crate) fn fix_debris(s: &str) -> Cow<'_, str> {
    if !debris_candidate(s) {
        return Cow::Borrowed(s);
    }
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len() + 4);
    let mut changed = false;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '.'
            && i > 0
            && chars[i - 1].is_alpha()
            && chars.get(i + 1) == Some(&' ')
            && chars.get(i + 2) == Some(&'.')
            && chars.get(i + 3).is_some_and(|n| n.is_alpha())
        {
            out.push_str(". ");
            i += 3;
            changed = true;
            continue;
        }
        if c == '”'
            && i > 0
            && cased(chars[i - 1])
            && chars.get(i + 1).is_some_and(|&n| cased(n))
            && chars[..i].iter().rev().take(400).any(|&p| p == '“')
        {
            out.push_str("” ");
            i += 1;
            changed = true;
            continue;
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

fn cased(c: char) -> bool {
    c.is_lowercase() || c.is_uppercase()
}

/// Whether [`fix_debris`] has anything to look at: ". ." between letters,
/// or `”` between cased letters (the opening quote it also needs is checked
/// there).
fn debris_candidate(s: &str) -> bool {
    let b = s.as_bytes();
    let around = |i: usize, len: usize| (s[..i].chars().next_back(), s[i + len..].chars().next());
    let mut pos = 0;
    while let Some(j) = memchr::memmem::find(&b[pos..], b". .") {
        let i = pos + j;
        let (p, n) = around(i, 3);
        if p.is_some_and(|c| c.is_alpha()) && n.is_some_and(|c| c.is_alpha()) {
            return true;
        }
        pos = i + 1;
    }
    let mut pos = 0;
    while let Some(j) = memchr::memmem::find(&b[pos..], "”".as_bytes()) {
        let i = pos + j;
        let (p, n) = around(i, 3);
        if p.is_some_and(cased) && n.is_some_and(cased) {
            return true;
        }
        pos = i + 3;
    }
    false
}

/// " ," → "," after a word, and runs of spaces → one space (opt-in).
pub(crate) fn fix_loose(s: &str) -> Cow<'_, str> {
    if !s.contains(" ,") && !s.contains("  ") {
        return Cow::Borrowed(s);
    }
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    for (i, &c) in chars.iter().enumerate() {
        if c == ' ' {
            let next = chars.get(i + 1);
            if next == Some(&' ') {
                continue;
            }
            if next == Some(&',') && out.chars().last().is_some_and(|p: char| p.is_alnum()) {
                continue;
            }
        }
        out.push(c);
    }
    if out == s {
        Cow::Borrowed(s)
    } else {
        Cow::Owned(out)
    }
}

/// Curly quotes and apostrophes → `'` and `"` (opt-in).
pub(crate) fn uncurl_quotes(s: &str) -> Cow<'_, str> {
    if !s.chars().any(|c| matches!(c, '‘' | '’' | '‚' | '‛' | '“' | '”' | '„' | '‟')) {
        return Cow::Borrowed(s);
    }
    Cow::Owned(
        s.chars()
            .map(|c| match c {
                '‘' | '’' | '‚' | '‛' => '\'',
                '“' | '”' | '„' | '‟' => '"',
                _ => c,
            })
            .collect(),
    )
}

/// Latin typographic ligatures (`ﬁ`, `ﬂ`, …) → their letters (opt-in).
pub(crate) fn fix_ligatures(s: &str) -> Cow<'_, str> {
    if !s.chars().any(|c| ('\u{fb00}'..='\u{fb06}').contains(&c)) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            'ﬀ' => out.push_str("ff"),
            'ﬁ' => out.push_str("fi"),
            'ﬂ' => out.push_str("fl"),
            'ﬃ' => out.push_str("ffi"),
            'ﬄ' => out.push_str("ffl"),
            'ﬅ' | 'ﬆ' => out.push_str("st"),
            _ => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// Full-width ASCII forms and the ideographic space → ASCII, half-width
/// katakana → normal width (opt-in).
pub(crate) fn fix_width(s: &str) -> Cow<'_, str> {
    let wide = |c: char| matches!(c, '\u{ff01}'..='\u{ff5e}' | '\u{3000}' | '\u{ff61}'..='\u{ffdc}');
    if !s.chars().any(wide) {
        return Cow::Borrowed(s);
    }
    use unicode_normalization::UnicodeNormalization;
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\u{ff01}'..='\u{ff5e}' => out.push(char::from_u32(c as u32 - 0xfee0).unwrap_or(c)),
            '\u{3000}' => out.push(' '),
            '\u{ff61}'..='\u{ffdc}' => out.extend(std::iter::once(c).nfkc()),
            _ => out.push(c),
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debris() {
        assert_eq!(fix_debris("with Ms. .Lavrov."), "with Ms. Lavrov.");
        assert_eq!(fix_debris("“create problems”he added"), "“create problems” he added");
        assert_eq!(fix_debris("Swipe . . . done"), "Swipe . . . done");
        assert_eq!(fix_debris("“우습게 봐도”고 말했다"), "“우습게 봐도”고 말했다");
        assert_eq!(fix_debris("no opening”here"), "no opening”here");
    }

    #[test]
    fn loose() {
        assert_eq!(fix_loose("word , next  one"), "word, next one");
    }

    #[test]
    fn cosmetic() {
        assert_eq!(uncurl_quotes("“it’s”"), "\"it's\"");
        assert_eq!(fix_ligatures("ﬁne ﬂow"), "fine flow");
        assert_eq!(fix_width("ＡＢＣ１，"), "ABC1,");
    }
}
