//! The single-byte code pages that UTF-8 text is most often misread as.
//!
//! Mojibake is UTF-8 bytes decoded with the wrong single-byte table. To undo
//! it we need the reverse table: which byte each character came from. Each
//! table here is "sloppy": bytes a code page leaves undefined map to the C1
//! control at the same position (as WHATWG decoders and Latin-1 do), so text
//! that went through Windows-1252, Latin-1 or a mix of both is undone by one
//! table.

use std::sync::OnceLock;

/// A code page UTF-8 text may have been misread as. The order is the order
/// of preference when two explain the text equally well.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Codec {
    /// Windows-1252 and ISO-8859-1 (C1 controls where 1252 has gaps).
    Cp1252,
    /// Windows-1250 (Central European).
    Cp1250,
    /// ISO-8859-2 (Central European, C1 controls in 0x80–0x9F).
    Iso8859_2,
    /// Windows-1251 (Cyrillic).
    Cp1251,
    /// Windows-1257 (Baltic).
    Cp1257,
    /// Mac OS Roman.
    MacRoman,
    /// IBM code page 437 (DOS).
    Cp437,
}

/// All code pages, in order of preference.
pub(crate) const CODECS: [Codec; 7] =
    [Codec::Cp1252, Codec::Cp1250, Codec::Iso8859_2, Codec::Cp1251, Codec::Cp1257, Codec::MacRoman, Codec::Cp437];

/// Code page 437, bytes 0x80–0xFF (not in `encoding_rs`, which follows WHATWG).
const CP437_HIGH: &str = "ÇüéâäàåçêëèïîìÄÅÉæÆôöòûùÿÖÜ¢£¥₧ƒáíóúñÑªº¿⌐¬½¼¡«»░▒▓│┤╡╢╖╕╣║╗╝╜╛┐└┴┬├─┼╞╟╚╔╩╦╠═╬╧╨╤╥╙╘╒╓╫╪┘┌█▄▌▐▀αßΓπΣσµτΦΘΩδ∞φε∩≡±≥≤⌠⌡÷≈°∙·√ⁿ²■\u{a0}";

const N: usize = CODECS.len();

/// Per character: the byte it stands for in each code page (0 = none).
type Row = [u8; N];

/// What a character can be in the code pages: its bytes, and (one bit per
/// code page) whether that byte is a UTF-8 lead byte or continuation byte.
#[derive(Clone, Copy, Default)]
pub(crate) struct Entry {
    pub(crate) row: Row,
    pub(crate) lead: u8,
    pub(crate) cont: u8,
}

struct Tables {
    /// Per code page: which C1 controls (bit `b - 0x80`) it decodes to
    /// themselves (bytes it leaves undefined, or all of them for ISO-8859).
    native_c1: [u32; N],
    /// U+0080..U+05FF, indexed directly.
    low: Vec<Entry>,
    /// U+2000..U+25FF (punctuation, symbols, box drawing), indexed directly.
    mid: Vec<Entry>,
    /// The few others (Mac OS Roman's ligatures and Apple logo), sorted.
    other: Vec<(char, Entry)>,
}

const LOW_END: u32 = 0x600;
const MID: std::ops::Range<u32> = 0x2000..0x2600;

fn high_table(codec: Codec) -> [char; 128] {
    let mut out = ['\0'; 128];
    if codec == Codec::Cp437 {
        for (slot, c) in out.iter_mut().zip(CP437_HIGH.chars()) {
            *slot = c;
        }
        return out;
    }
    let enc = match codec {
        Codec::Cp1252 => encoding_rs::WINDOWS_1252,
        Codec::Cp1250 => encoding_rs::WINDOWS_1250,
        Codec::Iso8859_2 => encoding_rs::ISO_8859_2,
        Codec::Cp1251 => encoding_rs::WINDOWS_1251,
        Codec::Cp1257 => encoding_rs::WINDOWS_1257,
        Codec::MacRoman => encoding_rs::MACINTOSH,
        Codec::Cp437 => unreachable!(),
    };
    for (i, slot) in out.iter_mut().enumerate() {
        let b = [0x80 + i as u8];
        let (s, _) = enc.decode_without_bom_handling(&b);
        let c = s.chars().next().unwrap_or('\u{fffd}');
        *slot = if c == '\u{fffd}' { char::from_u32(0x80 + i as u32).unwrap() } else { c };
    }
    out
}

fn tables() -> &'static Tables {
    static T: OnceLock<Tables> = OnceLock::new();
    T.get_or_init(|| {
        let mut low = vec![Entry::default(); (LOW_END - 0x80) as usize];
        let mut mid = vec![Entry::default(); MID.len()];
        let mut other: Vec<(char, Entry)> = Vec::new();
        let mut native_c1 = [0u32; N];
        for (k, &codec) in CODECS.iter().enumerate() {
            let t = high_table(codec);
            for (i, &c) in t.iter().enumerate().take(32) {
                // Table 0 also stands for Latin-1, where every C1 is native.
                if k == 0 || c as u32 == 0x80 + i as u32 {
                    native_c1[k] |= 1 << i;
                }
            }
            let mut set = |c: char, b: u8| {
                let u = c as u32;
                let e = if (0x80..LOW_END).contains(&u) {
                    &mut low[(u - 0x80) as usize]
                } else if MID.contains(&u) {
                    &mut mid[(u - MID.start) as usize]
                } else if let Some(i) = other.iter().position(|e| e.0 == c) {
                    &mut other[i].1
                } else {
                    other.push((c, Entry::default()));
                    &mut other.last_mut().unwrap().1
                };
                if e.row[k] == 0 {
                    e.row[k] = b;
                    if lead_len(b).is_some() {
                        e.lead |= 1 << k;
                    }
                    if is_cont(b) {
                        e.cont |= 1 << k;
                    }
                }
            };
            for (i, &c) in t.iter().enumerate() {
                set(c, 0x80 + i as u8);
            }
            // Sloppy: a C1 control stands for its own byte in every table
            // (Latin-1 decoding, or a byte the code page leaves undefined).
            for i in 0..32u8 {
                set(char::from_u32(0x80 + u32::from(i)).unwrap(), 0x80 + i);
            }
        }
        other.sort_by_key(|e| e.0);
        Tables { native_c1, low, mid, other }
    })
}

/// The code-page entry of a non-ASCII character, if any code page has it.
#[inline]
pub(crate) fn entry(c: char) -> Option<Entry> {
    let u = c as u32;
    if u < 0x80 {
        return None;
    }
    let t = tables();
    if u < LOW_END {
        return Some(t.low[(u - 0x80) as usize]);
    }
    if MID.contains(&u) {
        return Some(t.mid[(u - MID.start) as usize]);
    }
    if u < 0xF8FF {
        return None;
    }
    t.other.binary_search_by_key(&c, |e| e.0).ok().map(|i| t.other[i].1)
}

/// The bytes `c` stands for in every code page (0 where it has none).
/// ASCII stands for itself everywhere.
#[inline]
pub(crate) fn bytes_of(c: char) -> Row {
    let u = c as u32;
    if u < 0x80 {
        return [u as u8; N];
    }
    entry(c).map_or([0; N], |e| e.row)
}

/// The byte `c` stands for in code page number `k` (an index into
/// [`CODECS`]), if any.
#[inline]
pub(crate) fn byte_in(c: char, k: usize) -> Option<u8> {
    let b = bytes_of(c)[k];
    if b == 0 && c != '\0' {
        None
    } else {
        Some(b)
    }
}

/// A UTF-8 lead byte of a multi-byte sequence: how many continuation bytes
/// it needs.
#[inline]
pub(crate) fn lead_len(b: u8) -> Option<usize> {
    match b {
        0xC2..=0xDF => Some(1),
        0xE0..=0xEF => Some(2),
        0xF0..=0xF4 => Some(3),
        _ => None,
    }
}

/// A UTF-8 continuation byte.
#[inline]
pub(crate) fn is_cont(b: u8) -> bool {
    (0x80..=0xBF).contains(&b)
}

/// Whether the pair `a`,`b` could be the start of a UTF-8 sequence misread
/// through some code page: `a` a lead byte and `b` a continuation byte in the
/// same table. The fast path's test for possible mojibake.
#[inline]
pub(crate) fn suspicious_pair(a: char, b: char) -> bool {
    match (entry(a), entry(b)) {
        (Some(x), Some(y)) => x.lead & y.cont != 0,
        _ => false,
    }
}

/// Whether C1 control `c` is what code page `k` itself decodes its byte to
/// (rather than a Latin-1 reading of a byte the code page defines).
pub(crate) fn native_c1(c: char, k: usize) -> bool {
    let u = c as u32;
    (0x80..0xA0).contains(&u) && tables().native_c1[k] & (1 << (u - 0x80)) != 0
}

/// Whether `c` is a lead byte in some code page.
#[inline]
pub(crate) fn maybe_lead(c: char) -> bool {
    entry(c).is_some_and(|e| e.lead != 0)
}

/// The Windows-1252 character for a C1 control's byte, if 1252 defines one
/// (`\u{94}` → `”`): the usual meaning of a stray C1 control in text.
pub(crate) fn cp1252_for_c1(c: char) -> Option<char> {
    let u = c as u32;
    if !(0x80..0xA0).contains(&u) {
        return None;
    }
    let b = [u as u8];
    let (s, _) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(&b);
    s.chars().next().filter(|&d| d != c && d != '\u{fffd}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_round_trip() {
        assert_eq!(byte_in('é', 0), Some(0xE9));
        assert_eq!(byte_in('€', 0), Some(0x80));
        assert_eq!(byte_in('\u{81}', 0), Some(0x81));
        assert_eq!(byte_in('\u{80}', 0), Some(0x80));
        assert_eq!(byte_in('Р', 3), Some(0xD0));
        assert_eq!(byte_in('√', 5), Some(0xC3));
        assert_eq!(byte_in('╨', 6), Some(0xD0));
        assert_eq!(byte_in('Ж', 0), None);
        assert_eq!(byte_in('a', 4), Some(b'a'));
    }

    #[test]
    fn pairs() {
        assert!(suspicious_pair('Ã', '©'));
        assert!(!suspicious_pair('é', 't'));
        assert!(!suspicious_pair('中', '文'));
        assert_eq!(cp1252_for_c1('\u{94}'), Some('”'));
        assert_eq!(cp1252_for_c1('\u{81}'), None);
    }
}
