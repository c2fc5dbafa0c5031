//! Which language a paragraph is in, from its short ASCII function words.
//!
//! Lost characters are restored by a character model and word counts; both
//! are sharper per language ("enqu?te" is `ê` in French, "Rodr?guez" `í`
//! in Spanish), so the batch lexicon tags each word with the languages of
//! the paragraphs it was seen in, and the restorer asks the damaged
//! paragraph's language.
//!
//! Only ASCII words of at most four letters count ("und", "les", "que",
//! "nie"): they survive every kind of `?` and U+FFFD damage intact, so a
//! paragraph gets the same language damaged as it had when intact, and
//! packed into a `u32` they are looked up without allocating. The lists are
//! scour's stopword files (`rules/stopwords/<lang>.txt`).

use super::fasthash::FastMap;
use std::sync::OnceLock;

/// Longest function word looked up, in bytes.
pub(crate) const MAX_LEN: usize = 4;
/// A paragraph needs this many function-word hits before it gets a language.
const MIN_HITS: u32 = 3;
/// ... and its language must lead the runner-up by this factor.
const LEAD: f32 = 1.1;

/// Languages that capitalise every noun, so a capital says nothing about a
/// name.
const NOUN_CAPITALS: &[&str] = &["de", "lb"];

/// Whether language `l` capitalises every noun.
pub(crate) fn capitalises_nouns(l: LangId) -> bool {
    table().langs.get(l as usize).is_some_and(|c| NOUN_CAPITALS.contains(c))
}

/// The code of language `l` ("de", "es", …).
pub(crate) fn code(l: LangId) -> Option<&'static str> {
    table().langs.get(l as usize).copied()
}

/// The language with code `code`.
pub(crate) fn id_of(code: &str) -> Option<LangId> {
    table().langs.iter().position(|&c| c == code).map(|i| i as LangId)
}

/// A language: index into [`Table::langs`]. At most 64 languages.
pub(crate) type LangId = u8;

pub(crate) struct Table {
    /// Language codes, sorted.
    pub(crate) langs: Vec<&'static str>,
    /// Packed word → bit set of the languages using it.
    words: FastMap<u32, u64>,
}

/// A short ASCII word packed big-endian into a `u32` (lower-cased, zero
/// padded); `None` when it is longer than [`MAX_LEN`] or not ASCII letters.
#[inline]
pub(crate) fn pack(w: &[u8]) -> Option<u32> {
    if w.is_empty() || w.len() > MAX_LEN {
        return None;
    }
    let mut k = 0u32;
    for (i, &b) in w.iter().enumerate() {
        if !b.is_ascii_alphabetic() {
            return None;
        }
        k |= u32::from(b.to_ascii_lowercase()) << (24 - 8 * i);
    }
    Some(k)
}

pub(crate) fn table() -> &'static Table {
    static T: OnceLock<Table> = OnceLock::new();
    T.get_or_init(|| {
        let mut langs: Vec<(&'static str, &'static str)> = crate::vocab::embedded::RULES
            .iter()
            .filter_map(|&(path, text)| {
                let lang = path.strip_prefix("stopwords/")?.strip_suffix(".txt")?;
                Some((lang, text))
            })
            .collect();
        langs.sort();
        langs.truncate(64);
        let mut words: FastMap<u32, u64> = FastMap::default();
        for (i, (_, text)) in langs.iter().enumerate() {
            for line in text.lines() {
                let w = line.trim();
                if w.starts_with('#') {
                    continue;
                }
                if let Some(k) = pack(w.as_bytes()) {
                    *words.entry(k).or_default() |= 1 << i;
                }
            }
        }
        Table { langs: langs.into_iter().map(|x| x.0).collect(), words }
    })
}

/// Function-word hits per language, added up over a paragraph.
#[derive(Clone, Default)]
pub(crate) struct Votes {
    counts: Vec<u32>,
}

impl Votes {
    /// Count one word (packed by [`pack`]).
    #[inline]
    pub(crate) fn add(&mut self, t: &Table, k: u32) {
        let Some(&m) = t.words.get(&k) else { return };
        if self.counts.is_empty() {
            self.counts.resize(t.langs.len(), 0);
        }
        let mut m = m;
        while m != 0 {
            let i = m.trailing_zeros() as usize;
            self.counts[i] += 1;
            m &= m - 1;
        }
    }

    /// Add another paragraph's votes.
    pub(crate) fn merge(&mut self, o: &Votes) {
        if self.counts.is_empty() {
            self.counts = o.counts.clone();
            return;
        }
        for (a, b) in self.counts.iter_mut().zip(&o.counts) {
            *a += b;
        }
    }

    /// The winning language, when the votes are enough and clear. Ties
    /// between languages sharing most function words (es/pt/gl) go to
    /// nobody rather than to the first in the list.
    pub(crate) fn winner(&self) -> Option<LangId> {
        let mut best = (0u32, usize::MAX);
        let mut second = 0u32;
        for (i, &c) in self.counts.iter().enumerate() {
            if c > best.0 {
                second = best.0;
                best = (c, i);
            } else if c > second {
                second = c;
            }
        }
        if best.0 >= MIN_HITS && best.0 as f32 >= second as f32 * LEAD && best.0 > second {
            Some(best.1 as LangId)
        } else {
            None
        }
    }
}

/// The language of `text`, from its short ASCII words.
pub(crate) fn of_text(text: &str) -> Option<LangId> {
    let t = table();
    let mut v = Votes::default();
    let b = text.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if !b[i].is_ascii_alphabetic() {
            i += 1;
            continue;
        }
        let s = i;
        while i < b.len() && b[i].is_ascii_alphabetic() {
            i += 1;
        }
        // Whole words only: not the ASCII tail of a word with accents.
        let before_ok = s == 0 || b[s - 1] < 0x80 && !b[s - 1].is_ascii_alphanumeric() && b[s - 1] != b'?';
        let after_ok = i == b.len() || b[i] < 0x80 && !b[i].is_ascii_alphanumeric() && b[i] != b'?';
        if before_ok && after_ok {
            if let Some(k) = pack(&b[s..i]) {
                v.add(t, k);
            }
        }
    }
    v.winner()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(text: &str) -> Option<&'static str> {
        of_text(text).map(|i| table().langs[i as usize])
    }

    #[test]
    fn common_languages() {
        assert_eq!(code("Le chat est sur la table et il dort dans les coins."), Some("fr"));
        assert_eq!(code("Der Hund und die Katze sind in dem Haus, aber nicht hier."), Some("de"));
        assert_eq!(code("The dog and the cat are in the house, but not here."), Some("en"));
        assert_eq!(code("Nie wiem, czy to jest tak, ale na pewno nie tu."), Some("pl"));
    }

    #[test]
    fn damaged_words_do_not_vote() {
        // "f?r" and "?ber" are not words; "und", "die", "der" still are.
        assert_eq!(code("Die Stadt und der Fluss f?r ?ber alles."), Some("de"));
        assert_eq!(code("?? ?? ??"), None);
    }

    #[test]
    fn too_little_evidence_is_no_language() {
        assert_eq!(code("Paris 2024"), None);
        assert_eq!(code(""), None);
    }
}
