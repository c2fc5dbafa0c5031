//! Document language from stopword counts, and per-block stopword density.
//!
//! jusText's key observation is that running prose is full of function words
//! ("the", "of", "que", "und") and boilerplate is not. That needs the right
//! list, so the language is guessed once per document from which list its
//! words hit most; the declared `<html lang>` only breaks ties.

use crate::vocab::{self, Vocab};

/// A language guess: the bit of the chosen list in [`Vocab::languages`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Lang {
    mask: u64,
    /// Index into [`Vocab::languages`], `None` when no list fits (e.g. Chinese).
    pub index: Option<usize>,
}

impl Lang {
    /// The language code (`en`, `fr`, …) or `None` when unknown.
    pub fn code(self) -> Option<&'static str> {
        self.index.map(|i| Vocab::get().languages()[i])
    }

    /// Whether stopword density means anything for this document.
    pub fn known(self) -> bool {
        self.index.is_some()
    }
}

/// Guess the language of a document from its blocks' text.
///
/// Counts, for each language, how many word tokens are in its stopword list;
/// the winner must cover at least 8 % of the words, else the language is
/// unknown and the classifier falls back to length-only evidence.
pub fn guess<'a>(texts: impl Iterator<Item = &'a str>, declared: Option<&str>) -> Lang {
    let v = Vocab::get();
    let n = v.languages().len();
    let mut counts = vec![0usize; n];
    let mut total = 0usize;
    let mut buf = String::new();
    'outer: for t in texts {
        for w in vocab::words(t) {
            total += 1;
            let m = stop_mask(v, w, &mut buf);
            if m != 0 {
                for (i, c) in counts.iter_mut().enumerate() {
                    if m & (1 << i) != 0 {
                        *c += 1;
                    }
                }
            }
            if total > 20_000 {
                break 'outer;
            }
        }
    }
    let declared_idx = declared.and_then(|d| v.languages().iter().position(|l| *l == d));
    let mut best: Option<usize> = None;
    for i in 0..n {
        let better = match best {
            None => counts[i] > 0,
            Some(b) => counts[i] > counts[b] || counts[i] == counts[b] && Some(i) == declared_idx,
        };
        if better {
            best = Some(i);
        }
    }
    match best {
        _ if crate::ablate::off(crate::ablate::Source::Stopwords) => Lang { mask: 0, index: None },
        Some(b) if counts[b] * 100 >= total * 8 && counts[b] >= 3 => Lang { mask: 1 << b, index: Some(b) },
        _ => Lang { mask: 0, index: None },
    }
}

/// [`Vocab::stop_langs`] of `w` lower-cased. An ASCII word keeps its length
/// when lower-cased, so one longer than every stopword is looked up no more.
fn stop_mask(v: &Vocab, w: &str, buf: &mut String) -> u64 {
    if w.is_ascii() {
        if w.len() > v.max_stopword_len() {
            return 0;
        }
        if let Some(m) = v.stop_langs_ascii(w.as_bytes()) {
            return m;
        }
    }
    v.stop_langs(lower(w, buf))
}

fn lower<'b>(w: &str, buf: &'b mut String) -> &'b str {
    buf.clear();
    if w.is_ascii() {
        buf.push_str(w);
        buf.make_ascii_lowercase();
    } else {
        for c in w.chars() {
            match c {
                '\u{2019}' => buf.push('\''),
                'İ' => buf.push('i'),
                c => buf.extend(c.to_lowercase().map(vocab::fold_arabic)),
            }
        }
        // The lists are in NFC: a letter with a nukta typed as one
        // character ("য়" in "হয়") is the letter then the nukta there, and
        // an accent typed as a combining mark is one character.
        if vocab::needs_nfc(buf) {
            use unicode_normalization::UnicodeNormalization;
            *buf = buf.nfc().collect();
        }
    }
    buf.as_str()
}

/// Word count and stopword count of `text` in language `lang`.
pub fn stop_counts(text: &str, lang: Lang) -> (usize, usize) {
    let v = Vocab::get();
    let mut buf = String::new();
    let mut words = 0;
    let mut stops = 0;
    for w in vocab::words(text) {
        words += 1;
        if lang.mask != 0 && stop_mask(v, w, &mut buf) & lang.mask != 0 {
            stops += 1;
        }
    }
    (words, stops)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_prose_is_english() {
        let l = guess(["The cat sat on the mat and it was happy with the way of the world."].into_iter(), None);
        assert_eq!(l.code(), Some("en"));
    }

    #[test]
    fn no_words_no_language() {
        let l = guess(["12345 67890"].into_iter(), None);
        assert!(!l.known());
        assert_eq!(stop_counts("the cat", l), (2, 0));
    }

    #[test]
    fn a_virama_or_a_nukta_typed_as_one_letter_still_makes_a_stopword() {
        // Hindi "क्या" and "क्योंकि" carry a virama inside; Bengali "হয়" is
        // written here with the single character U+09DF, the lists hold it
        // as য + nukta (NFC).
        let hi = guess(["क्या आप जानते हैं कि यह क्यों हुआ, क्योंकि वह यहां था"].into_iter(), None);
        assert_eq!(hi.code(), Some("hi"));
        assert_eq!(stop_counts("क्योंकि", hi), (1, 1));
        let bn = guess(["এটা কি হ\u{9df} না, সে তো এখানে ছিল এবং আমি জানি"].into_iter(), None);
        assert_eq!(bn.code(), Some("bn"));
        assert_eq!(stop_counts("হ\u{9df}", bn), (1, 1));
    }

    #[test]
    fn persian_typed_with_arabic_letters_and_decomposed_vietnamese_are_guessed() {
        // Persian "که" (that) and "یک" (one) with the Arabic kaf and yeh.
        let fa = guess(["این كتاب را كه دیروز خریدم يك داستان است و از آن در خانه خواندم"].into_iter(), None);
        assert_eq!(fa.code(), Some("fa"));
        assert_eq!(stop_counts("كه", fa), (1, 1));
        // Vietnamese with its tones as combining marks.
        let text = "Tôi đã đi đến chợ và mua một ít rau cho gia đình của tôi";
        let nfd: String = unicode_normalization::UnicodeNormalization::nfd(text).collect();
        let vi = guess([nfd.as_str()].into_iter(), None);
        assert_eq!(vi.code(), Some("vi"));
        assert_eq!(stop_counts(&nfd, vi), stop_counts(text, guess([text].into_iter(), None)));
    }

    #[test]
    fn density_counts_stopwords() {
        let l = guess(["the of and the of and the cat"].into_iter(), None);
        let (w, s) = stop_counts("The cat and the dog", l);
        assert_eq!((w, s), (5, 3));
    }
}
