//! Small character classifications shared by the repair steps: scripts,
//! how unusual a character is in running text, punctuation families.

/// A coarse writing system, enough to tell that a letter does not belong
/// to the word around it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Script {
    Latin,
    Greek,
    Cyrillic,
    Armenian,
    Hebrew,
    Arabic,
    Indic,
    Thai,
    Hangul,
    Kana,
    Han,
    Other,
    /// Not a letter (digits, punctuation, symbols, spaces, marks).
    Common,
}

/// Number of [`Script`] values.
pub(crate) const SCRIPTS: usize = 13;

/// Every [`Script`], in declaration order (`SCRIPT_LIST[s as usize] == s`).
pub(crate) const SCRIPT_LIST: [Script; SCRIPTS] = [
    Script::Latin,
    Script::Greek,
    Script::Cyrillic,
    Script::Armenian,
    Script::Hebrew,
    Script::Arabic,
    Script::Indic,
    Script::Thai,
    Script::Hangul,
    Script::Kana,
    Script::Han,
    Script::Other,
    Script::Common,
];

/// The script of a letter; [`Script::Common`] for everything that is not a
/// letter. A table lookup below [`TABLE_END`].
#[inline]
pub(crate) fn script(c: char) -> Script {
    let u = c as u32;
    if u < TABLE_END {
        return SCRIPT_LIST[(table().info[u as usize] & SCRIPT_MASK) as usize];
    }
    match u {
        0x3400..=0x4DBF | 0x4E00..=0x9FFF => Script::Han,
        0xAC00..=0xD7A3 => Script::Hangul,
        _ => script_slow(c),
    }
}

fn script_slow(c: char) -> Script {
    script_given(c, c.is_alphabetic())
}

/// [`script`] of `c`, given whether it is alphabetic.
fn script_given(c: char, alphabetic: bool) -> Script {
    let u = c as u32;
    if u < 0x80 {
        return if c.is_ascii_alphabetic() { Script::Latin } else { Script::Common };
    }
    if !alphabetic || matches!(u, 0xAA | 0xB5 | 0xBA) {
        return Script::Common;
    }
    match u {
        0x00C0..=0x024F | 0x1E00..=0x1EFF | 0x2C60..=0x2C7F | 0xA720..=0xA7FF | 0xFB00..=0xFB06 => Script::Latin,
        0x0250..=0x02AF => Script::Latin,
        0x0370..=0x03FF | 0x1F00..=0x1FFF => Script::Greek,
        0x0400..=0x052F => Script::Cyrillic,
        0x0530..=0x058F => Script::Armenian,
        0x0590..=0x05FF => Script::Hebrew,
        0x0600..=0x06FF | 0x0750..=0x077F | 0xFB50..=0xFDFF | 0xFE70..=0xFEFF => Script::Arabic,
        0x0900..=0x0DFF => Script::Indic,
        0x0E00..=0x0E7F => Script::Thai,
        0x1100..=0x11FF | 0x3130..=0x318F | 0xAC00..=0xD7AF => Script::Hangul,
        0x3040..=0x30FF | 0x31F0..=0x31FF | 0xFF66..=0xFF9F => Script::Kana,
        0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x3FFFF => Script::Han,
        _ => Script::Other,
    }
}

/// The character tables cover U+0000 up to here (Latin, Greek, Cyrillic,
/// Arabic, Indic, punctuation, symbols, kana).
const TABLE_END: u32 = 0x3100;
const SCRIPT_MASK: u8 = 0x0f;
const ALPHA: u8 = 0x10;
const NUMERIC: u8 = 0x20;

/// Per character below [`TABLE_END`]: script, alphabetic and numeric bits,
/// and the one-character lower case — the standard library's answers,
/// looked up once (its own lookups are binary searches).
struct Tables {
    info: Vec<u8>,
    lower: Vec<u16>,
}

fn table() -> &'static Tables {
    static T: std::sync::OnceLock<Tables> = std::sync::OnceLock::new();
    T.get_or_init(|| {
        let mut info = vec![0u8; TABLE_END as usize];
        let mut lower = vec![0u16; TABLE_END as usize];
        for u in 0..TABLE_END {
            let Some(c) = char::from_u32(u) else { continue };
            let alpha = c.is_alphabetic();
            let mut f = script_given(c, alpha) as u8;
            // Only `is_alnum` reads NUMERIC, so letters need not be asked.
            if alpha {
                f |= ALPHA;
            } else if c.is_numeric() {
                f |= NUMERIC;
            }
            info[u as usize] = f;
            let mut l = c.to_lowercase();
            let lc = match (l.next(), l.next()) {
                (Some(x), None) => x,
                _ => c,
            };
            // Every one-character lower case of this range stays in it.
            lower[u as usize] = u16::try_from(lc as u32).expect("lower case below U+10000");
        }
        Tables { info, lower }
    })
}

/// `c.is_alphabetic()`, a table lookup below [`TABLE_END`].
#[inline]
pub(crate) fn is_alpha(c: char) -> bool {
    let u = c as u32;
    if u < 0x80 {
        return c.is_ascii_alphabetic();
    }
    if u < TABLE_END {
        return table().info[u as usize] & ALPHA != 0;
    }
    // CJK ideographs and Hangul syllables: all letters.
    matches!(u, 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xAC00..=0xD7A3) || c.is_alphabetic()
}

/// `c.is_alphanumeric()`, a table lookup below [`TABLE_END`].
#[inline]
pub(crate) fn is_alnum(c: char) -> bool {
    let u = c as u32;
    if u < 0x80 {
        return c.is_ascii_alphanumeric();
    }
    if u < TABLE_END {
        return table().info[u as usize] & (ALPHA | NUMERIC) != 0;
    }
    // CJK ideographs and Hangul syllables: all letters.
    matches!(u, 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xAC00..=0xD7A3) || c.is_alphanumeric()
}

/// [`is_alpha`] and [`is_alnum`] as methods, to stand in for
/// `char::is_alphabetic` and `char::is_alphanumeric`.
pub(crate) trait CharClass {
    fn is_alpha(&self) -> bool;
    fn is_alnum(&self) -> bool;
}

impl CharClass for char {
    #[inline]
    fn is_alpha(&self) -> bool {
        is_alpha(*self)
    }

    #[inline]
    fn is_alnum(&self) -> bool {
        is_alnum(*self)
    }
}

/// The first character of `c`'s lower case when it has exactly one (else
/// `c`), a table lookup below [`TABLE_END`].
#[inline]
pub(crate) fn lower1(c: char) -> Option<char> {
    let u = c as u32;
    if u < TABLE_END {
        return char::from_u32(u32::from(table().lower[u as usize]));
    }
    // CJK ideographs and Hangul syllables have no case.
    matches!(u, 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xAC00..=0xD7A3).then_some(c)
}

/// How unusual `c` is in running text of any language, from 0 (ordinary
/// letters, digits, punctuation, common symbols and emoji) to 1 (blocks that
/// real text almost never uses outside specialist writing: IPA, most of
/// Latin Extended-B, Armenian next to Latin, Hebrew points, private use).
/// A decoding that produces such characters is probably wrong.
pub(crate) fn rarity(c: char) -> f32 {
    let u = c as u32;
    match u {
        0..=0x1F | 0x7F..=0x9F => 1.0,
        0x20..=0x7E | 0xA0..=0x017F => 0.0,
        // Latin Extended-B: only the letters living languages use are common.
        0x0180..=0x024F => match u {
            0x01A0 | 0x01A1 | 0x01AF | 0x01B0 // Vietnamese horned letters
            | 0x01C4..=0x01CC // Croatian digraphs
            | 0x01CD..=0x01DC // pinyin tone letters
            | 0x0218..=0x021B // Romanian comma-below
            | 0x0192 => 0.0,
            _ => 1.0,
        },
        0x0250..=0x02AF => 1.0, // IPA
        0x02B0..=0x02FF => {
            if matches!(u, 0x02BB | 0x02BC | 0x02C6 | 0x02C7 | 0x02D8..=0x02DD) {
                0.0
            } else {
                0.7
            }
        }
        0x0334..=0x0338 => 0.8, // overlays
        0x0300..=0x036F => 0.5, // combining marks
        0x0370..=0x04FF => 0.0,
        0x0500..=0x052F => 1.0,
        0x0530..=0x058F => 0.6, // Armenian
        0x0590..=0x05CF => 1.0, // Hebrew points
        0x05D0..=0x05EA => 0.0,
        0x05EB..=0x05FF => 1.0,
        0x0600..=0x06FF => 0.0,
        0x0700..=0x08FF => 1.0, // Syriac, Thaana, NKo, …
        0x0900..=0x0E7F => 0.0,
        0x0E80..=0x0FFF => 0.5,
        0x1000..=0x1DFF => 0.7,
        0x1E00..=0x1EFF => 0.0, // Latin Extended Additional
        0x1F00..=0x1FFF => 0.3,
        0x2000..=0x206F => {
            if matches!(u, 0x2010..=0x2027 | 0x2030..=0x203A | 0x2044 | 0x2000..=0x200F) {
                0.0
            } else {
                0.5
            }
        }
        0x2070..=0x209F => 0.3,
        0x20A0..=0x20CF => 0.0, // currency
        0x20D0..=0x20FF => 1.0,
        0x2100..=0x214F => 0.2,
        0x2150..=0x218F => 0.3,
        0x2190..=0x23FF => 0.2,
        0x2400..=0x24FF => 0.5,
        0x2500..=0x25FF | 0x2600..=0x27BF | 0x2800..=0x28FF => 0.1,
        0x2C00..=0x2DFF => 0.8,
        0x2E00..=0x2E7F => 0.5,
        0x2E80..=0x2FFF => 0.3,
        0x3000..=0x30FF | 0x3100..=0x31FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF => 0.0,
        0xA000..=0xABFF => 0.8,
        0xAC00..=0xD7AF => 0.0,
        0xD800..=0xDFFF => 1.0,
        0xE000..=0xF8FF => 1.0, // private use
        0xF900..=0xFAFF => 0.3,
        0xFB00..=0xFB06 => 0.0,
        0xFB07..=0xFDFF => 0.5,
        0xFE00..=0xFE0F => 0.0, // variation selectors
        0xFE10..=0xFE6F => 0.3,
        0xFE70..=0xFEFF => 0.5,
        0xFF00..=0xFFEF => 0.0, // full-width forms
        0xFFF0..=0xFFFC => 1.0,
        0xFFFD => 0.0,
        0xFFFE..=0xFFFF => 1.0,
        0x1F000..=0x1FAFF => 0.0, // emoji
        0x10000..=0x1EFFF => 0.7,
        0x20000..=0x3FFFF => 0.2,
        _ => 1.0,
    }
}

/// Punctuation that stands on its own in text and carries little evidence
/// of damage: quotes, apostrophes, dashes, ellipsis, bullets, trade mark.
pub(crate) fn is_common_punct(c: char) -> bool {
    matches!(
        c,
        '’' | '‘'
            | '“'
            | '”'
            | '„'
            | '‚'
            | '–'
            | '—'
            | '…'
            | '•'
            | '™'
            | '«'
            | '»'
            | '°'
            | '€'
            | '£'
            | '©'
            | '®'
            | '·'
            | '\u{a0}'
    )
}

/// Quotes that open or close but never sit inside a word.
pub(crate) fn is_quote(c: char) -> bool {
    matches!(c, '‘' | '“' | '”' | '„' | '‚' | '«' | '»' | '‹' | '›')
}

/// A character that can be part of a word: letters, digits, combining marks.
#[inline]
pub(crate) fn is_wordish(c: char) -> bool {
    is_alnum(c) || ('\u{300}'..='\u{36f}').contains(&c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_agree_with_the_standard_library() {
        for u in 0..0x11000u32 {
            let Some(c) = char::from_u32(u) else { continue };
            assert_eq!(is_alpha(c), c.is_alphabetic(), "{c:?}");
            assert_eq!(is_alnum(c), c.is_alphanumeric(), "{c:?}");
            assert_eq!(script(c), script_slow(c), "{c:?}");
            if let Some(l) = lower1(c) {
                let mut it = c.to_lowercase();
                let want = match (it.next(), it.next()) {
                    (Some(x), None) => x,
                    _ => c,
                };
                assert_eq!(l, want, "{c:?}");
            }
        }
    }
}
