//! Mojibake: UTF-8 text that was decoded with a single-byte code page
//! ("cafÃ©", "Ð¿Ñ€Ð¸Ð²ÐµÑ‚", "â€œquotedâ€\u{9d}"), once or several times.
//!
//! The repair works on spans (sentences), not on whole lines or paragraphs,
//! so a mojibaked sentence inside good text is mended and the good text is
//! left alone. For each span and each code page in [`codec::CODECS`]:
//!
//! 1. map every character back to the byte it came from and find the
//!    byte runs that form valid UTF-8 sequences ("groups");
//! 2. weigh the *evidence* that each group is mojibake (C1 controls, three
//!    characters standing for one, a symbol glued inside a word, an upper-case
//!    letter after a lower-case one…) against how *implausible* the decoded
//!    character is where it lands (IPA letters, Hebrew points, a Korean
//!    syllable inside a Latin word);
//! 3. count the characters the code page could have produced but that are not
//!    part of any group: real dashes and quotes next to the "mojibake" say the
//!    text was decoded correctly after all.
//!
//! The span is decoded with the code page whose net evidence is best, and
//! only when that clears a threshold; when unsure, the text stays as it is.
//! The whole thing repeats while it finds something, for text mojibaked
//! twice or more. Bytes lost on the way (a `?` or U+FFFD where a byte was,
//! a plain space where a no-break space byte was) are accepted inside a span
//! that is already proven to be mojibake.

use super::charclass::CharClass;
use super::charclass::{is_common_punct, is_quote, rarity, script, Script, SCRIPTS};
use super::codec::{self, cp1252_for_c1, is_cont, lead_len, Entry, CODECS};

/// Most rounds of decoding tried (text mojibaked three times is rare; four
/// is the safety net against loops).
const MAX_ROUNDS: usize = 4;

/// Characters within which a leftover counts fully against a group.
const NEAR: usize = 12;

/// Evidence a span needs, per code page: Windows-1252/Latin-1 mojibake is by
/// far the most common; the others must be clearer.
fn threshold(k: usize) -> f32 {
    if k == 0 {
        1.2
    } else {
        2.0
    }
}

/// Whether `text` has anything the mojibake repair could act on: a C1
/// control, a lead/continuation pair of some code page, a lead before
/// U+FFFD, "Ã " . Cheap; only non-ASCII characters are looked at.
pub(crate) fn may_have_mojibake(text: &str) -> bool {
    let bytes = text.as_bytes();
    let mut last: Option<(char, usize)> = None;
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] < 0x80 {
            i += 1;
            continue;
        }
        let c = text[i..].chars().next().unwrap_or('\0');
        let w = c.len_utf8();
        if ('\u{80}'..'\u{a0}').contains(&c) {
            return true;
        }
        if let Some((p, end)) = last {
            if end == i && (codec::suspicious_pair(p, c) || c == '\u{fffd}' && codec::maybe_lead(p)) {
                return true;
            }
        }
        if c == 'Ã' && bytes.get(i + w) == Some(&b' ') || c == 'Â' && lone_nbsp_lead(text, i) {
            return true;
        }
        last = Some((c, i + w));
        i += w;
    }
    false
}

/// Whether the `Â` at byte `i` of `text` is what is left of a no-break
/// space's UTF-8 bytes read as Latin-1 once the no-break space itself was
/// trimmed or turned into a space ("Ready to find out?Â"): after a mark or
/// digit, before a space or the end. Real text has `Â` in upper-case words
/// and as a letter named on its own, after a space.
pub(crate) fn lone_nbsp_lead(text: &str, i: usize) -> bool {
    let after = text[i + 'Â'.len_utf8()..].chars().next();
    let before = text[..i].chars().next_back();
    after.is_none_or(|c| c == ' ')
        && before.is_some_and(|c| !c.is_alphabetic() && !c.is_whitespace() && !c.is_control())
}

/// Each lone `Â` ([`lone_nbsp_lead`]) and the space after it become the
/// no-break space they were; at the end, where the no-break space was
/// trimmed, the `Â` goes.
fn drop_nbsp_leads(text: &str) -> Option<String> {
    let hits: Vec<usize> = text.match_indices('Â').map(|(i, _)| i).filter(|&i| lone_nbsp_lead(text, i)).collect();
    if hits.is_empty() {
        return None;
    }
    let mut out = String::with_capacity(text.len());
    let mut from = 0;
    for i in hits {
        out.push_str(&text[from..i]);
        from = i + 'Â'.len_utf8();
        if text[from..].starts_with(' ') {
            out.push('\u{a0}');
            from += 1;
        }
    }
    out.push_str(&text[from..]);
    Some(out)
}

/// Repair the mojibake in `text`. `None` when nothing was changed.
pub(crate) fn fix(text: &str) -> Option<String> {
    let cur = rounds(text);
    // What the spans left: a lone `Â` has no span of its own to prove it.
    // Once it is gone, a span it cut short may decode ("Â«…!Â" is "«…!"),
    // so the rounds run again: repaired text must stay as it is.
    match drop_nbsp_leads(cur.as_deref().unwrap_or(text)) {
        Some(dropped) => Some(rounds(&dropped).unwrap_or(dropped)),
        None => cur,
    }
}

/// The span-based rounds of [`fix`], until one changes nothing.
fn rounds(text: &str) -> Option<String> {
    let mut cur: Option<String> = None;
    for _ in 0..MAX_ROUNDS {
        let src = cur.as_deref().unwrap_or(text);
        if !may_have_mojibake(src) || !may_decode(src) {
            break;
        }
        match fix_round(src) {
            Some(next) => cur = Some(next),
            None => break,
        }
    }
    cur
}

/// Whether [`fix_round`] could change anything: a C1 control (always
/// mapped), or somewhere a lead byte followed by the continuation bytes (or
/// stand-ins for lost bytes) it needs under one code page — the condition
/// of [`group_codecs`] over the whole text, without spans, so it holds
/// whenever it holds in some span.
fn may_decode(text: &str) -> bool {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] < 0x80 {
            i += 1;
            continue;
        }
        let mut rest = text[i..].chars();
        let c = rest.next().unwrap_or('\0');
        i += c.len_utf8();
        if ('\u{80}'..'\u{a0}').contains(&c) {
            return true;
        }
        let Some(e) = codec::entry(c) else { continue };
        let mut cand = e.lead;
        while cand != 0 {
            let k = cand.trailing_zeros() as usize;
            cand &= cand - 1;
            let Some(n) = lead_len(e.row[k]) else { continue };
            let ok = rest.clone().take(n).filter(|&d| {
                matches!(d, ' ' | '?' | '\u{fffd}') || codec::entry(d).is_some_and(|x| x.cont & (1 << k) != 0)
            });
            if ok.count() == n {
                return true;
            }
        }
    }
    false
}

/// A byte sequence that decodes as UTF-8: source characters
/// `start..end` become `out`.
#[derive(Clone, Debug)]
struct Group {
    start: usize,
    end: usize,
    out: String,
    /// Bytes were lost on the way (a space stood for a no-break space byte,
    /// or `?`/U+FFFD for any byte).
    lossy: bool,
    evidence: f32,
    penalty: f32,
}

struct Parse {
    groups: Vec<Group>,
    /// Characters the code page could have produced (byte ≥ 0x80) that are
    /// no part of any group, with their weight against the hypothesis.
    leftover_cost: f32,
    strict_evidence: f32,
}

/// One round over every span of `text`.
fn fix_round(text: &str) -> Option<String> {
    let chars: Vec<char> = text.chars().collect();
    let rows: Vec<Entry> = chars.iter().map(|&c| codec::entry(c).unwrap_or_default()).collect();
    let t = Text { chars: &chars, rows: &rows };
    let mut edits: Vec<(usize, usize, String)> = Vec::new();
    let spans = spans(&chars);
    let mut confirmed_codecs: Vec<usize> = Vec::new();
    let mut pending: Vec<(usize, usize)> = Vec::new();
    for &(s, e) in &spans {
        match best_plan(&t, s, e, None) {
            Plan::Decode(groups, k) => {
                confirmed_codecs.push(k);
                for g in groups {
                    edits.push((g.start, g.end, g.out));
                }
            }
            Plan::Unsure => pending.push((s, e)),
            Plan::Nothing => {}
        }
    }
    // A short span ("1 ст. Ð». сливок" cut at an abbreviation) inside a
    // paragraph whose other spans are proven mojibake in one code page is
    // decoded with that code page when its own evidence is merely positive.
    if !pending.is_empty() && confirmed_codecs.len() >= 2 && confirmed_codecs.iter().all(|&k| k == confirmed_codecs[0])
    {
        for (s, e) in pending {
            if let Plan::Decode(groups, _) = best_plan(&t, s, e, Some(confirmed_codecs[0])) {
                for g in groups {
                    edits.push((g.start, g.end, g.out));
                }
            }
        }
    }
    edits.sort_by_key(|e| e.0);
    // A stray C1 control is almost always a Windows-1252 character that was
    // decoded as Latin-1 ("\u{94}" for "”").
    let mut ei = 0;
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    let mut changed = false;
    while i < chars.len() {
        if ei < edits.len() && edits[ei].0 == i {
            out.push_str(&edits[ei].2);
            i = edits[ei].1;
            ei += 1;
            changed = true;
            continue;
        }
        let c = chars[i];
        if let Some(d) = cp1252_for_c1(c) {
            out.push(d);
            changed = true;
        } else {
            out.push(c);
        }
        i += 1;
    }
    changed.then_some(out)
}

/// Sentences: a span ends after `.`, `!` or `?` (and any closing quotes or
/// brackets) followed by white space, or at a line break.
fn spans(chars: &[char]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '\n' {
            out.push((start, i + 1));
            start = i + 1;
        } else if matches!(c, '.' | '!' | '?') {
            let mut j = i + 1;
            while j < chars.len() && matches!(chars[j], '"' | '\'' | ')' | ']' | '”' | '’' | '»') {
                j += 1;
            }
            if j < chars.len() && (chars[j] == ' ' || chars[j] == '\u{a0}') {
                out.push((start, j + 1));
                start = j + 1;
                i = j + 1;
                continue;
            }
        }
        i += 1;
    }
    if start < chars.len() {
        out.push((start, chars.len()));
    }
    out
}

/// What to do with a span.
enum Plan {
    /// Decode these groups (found with code page `k`).
    Decode(Vec<Group>, usize),
    /// Some groups, not enough evidence.
    Unsure,
    Nothing,
}

/// The groups to decode in `chars[s..e]`. With `relaxed = Some(k)`, only
/// code page `k` is tried and positive evidence without leftovers is
/// enough.
fn best_plan(t: &Text, s: usize, e: usize, relaxed: Option<usize>) -> Plan {
    let chars = t.chars;
    // Cheap exit: nothing in the span could start a sequence. `leads` has
    // the code pages under which some group could form (see
    // [`group_codecs`]); under the others `parse` finds no group at all.
    let leads = group_codecs(t, s, e);
    if leads == 0 {
        return Plan::Nothing;
    }
    if let Some(k) = relaxed {
        let p = parse(t, s, e, k);
        if p.leftover_cost > 0.0 {
            return Plan::Nothing;
        }
        // The script of the rest of the paragraph vouches for a lone letter.
        let out: Vec<Group> =
            p.groups.into_iter().filter(|g| !g.lossy && g.evidence > g.out.chars().map(rarity).sum::<f32>()).collect();
        return if out.is_empty() { Plan::Nothing } else { Plan::Decode(out, k) };
    }
    let mut best: Option<(f32, Parse, usize)> = None;
    for k in 0..CODECS.len() {
        if leads & (1 << k) == 0 {
            continue;
        }
        let p = parse(t, s, e, k);
        if p.groups.is_empty() {
            continue;
        }
        let net = p.strict_evidence - p.leftover_cost - threshold(k);
        // Clear Windows-1252/Latin-1 mojibake with nothing left over: no
        // other code page can explain it better.
        let clear = k == 0 && p.leftover_cost == 0.0 && net >= 2.0 && p.groups.iter().all(|g| !g.lossy);
        if best.as_ref().is_none_or(|b| net > b.0) {
            best = Some((net, p, k));
        }
        if clear {
            break;
        }
    }
    let Some((net, p, k)) = best else { return Plan::Nothing };
    let strict_groups = p.groups.iter().filter(|g| !g.lossy).count();
    let lossy_evidence: f32 = p.groups.iter().filter(|g| g.lossy).map(|g| g.evidence).sum();
    // A lossy group that is not accepted leaves its lead character behind,
    // undecoded: count it against the span like any other leftover.
    let lossy_leftover: f32 = p.groups.iter().filter(|g| g.lossy).map(|g| leftover_weight(chars[g.start])).sum();
    let confirmed = net - lossy_leftover >= 0.0 || net + lossy_evidence >= 1.0;
    let lossy_confirmed = confirmed && (net + lossy_evidence >= 1.0 || strict_groups >= 2);
    let mut out = Vec::new();
    for g in p.groups {
        if g.lossy {
            if lossy_confirmed || lossy_alone_ok(chars, s, e, &g) {
                out.push(g);
            }
        } else if confirmed && g.evidence > g.penalty {
            out.push(g);
        }
    }
    if out.is_empty() && !confirmed && k != 0 && leads & 1 != 0 {
        // The lone lossy patterns are Windows-1252 ones, whichever code
        // page scored best on the rest.
        let p0 = parse(t, s, e, 0);
        out.extend(p0.groups.into_iter().filter(|g| g.lossy && lossy_alone_ok(chars, s, e, g)));
        if !out.is_empty() {
            return Plan::Decode(out, 0);
        }
    }
    if out.is_empty() {
        Plan::Unsure
    } else {
        Plan::Decode(out, k)
    }
}

/// The code pages (bit per [`CODECS`] entry) under which [`try_group`]
/// could find a group somewhere in `chars[s..e]`: a lead byte followed,
/// inside the span, by as many characters as the sequence needs, each a
/// continuation byte of the same code page or a stand-in for a lost byte
/// (space, `?`, U+FFFD). A necessary condition only: `try_group` checks
/// more.
fn group_codecs(t: &Text, s: usize, e: usize) -> u8 {
    let mut mask = 0u8;
    for i in s..e {
        let r = &t.rows[i];
        let mut cand = r.lead & !mask;
        while cand != 0 {
            let k = cand.trailing_zeros() as usize;
            cand &= cand - 1;
            let Some(n) = lead_len(r.row[k]) else { continue };
            let ok = (1..=n).all(|j| {
                i + j < e && {
                    let d = t.chars[i + j];
                    matches!(d, ' ' | '?' | '\u{fffd}') || !d.is_ascii() && t.rows[i + j].cont & (1 << k) != 0
                }
            });
            if ok {
                mask |= 1 << k;
            }
        }
    }
    mask
}

/// A lossy group accepted without other mojibake in its span: "voilÃ le"
/// (`à` whose no-break space byte became a space: the most common word that
/// ends in that byte pair) and an upper-case lead glued after a lower-case
/// letter in front of U+FFFD ("SlovenÄ�ina").
fn lossy_alone_ok(chars: &[char], s: usize, e: usize, g: &Group) -> bool {
    let before = (g.start > s).then(|| chars[g.start - 1]);
    let lead = chars[g.start];
    if lead == 'Ã' && chars.get(g.start + 1) == Some(&' ') {
        let mut a = g.start + 2;
        if chars.get(a) == Some(&' ') {
            a += 1;
        }
        let after = chars.get(a).copied();
        // Alone, only at the end of a word ("voilÃ le"): a capital Ã standing
        // as a word is how one writes about the letter.
        let before_ok = before.is_some_and(|p| p.is_lowercase());
        return before_ok && after.is_some_and(|a| a.is_lowercase()) && g.end <= e;
    }
    if chars[g.start + 1..g.end].contains(&'\u{fffd}') && g.end - g.start == 2 {
        return lead.is_uppercase() && before.is_some_and(|p| p.is_lowercase());
    }
    false
}

/// The characters of a text and their code-page entries.
struct Text<'a> {
    chars: &'a [char],
    rows: &'a [Entry],
}

/// Parse `chars[s..e]` as code page `k` → UTF-8.
fn parse(t: &Text, s: usize, e: usize, k: usize) -> Parse {
    let chars = t.chars;
    let mut groups: Vec<Group> = Vec::new();
    let mut leftovers: Vec<usize> = Vec::new();
    let mut i = s;
    while i < e {
        let c = chars[i];
        if c.is_ascii() {
            i += 1;
            continue;
        }
        let b = t.rows[i].row[k];
        if b == 0 {
            i += 1;
            continue;
        }
        if let Some(n) = lead_len(b) {
            if let Some(g) = try_group(t, i, e, k, b, n) {
                i = g.end;
                groups.push(g);
                continue;
            }
        }
        if b >= 0x80 {
            leftovers.push(i);
        }
        i += 1;
    }
    // Characters adjacent to a group with no ASCII between are the same run;
    // a run where undecodable characters sit between groups is not
    // consistent mojibake ("ã†â€™ãƒâ€" is a garble, not a word).
    let mut keep = vec![true; groups.len()];
    if !leftovers.is_empty() {
        for (gi, g) in groups.iter().enumerate() {
            let run_start = run_bound(chars, s, g.start, false);
            let run_end = run_bound(chars, e, g.end, true);
            let bad = leftovers.iter().any(|&l| {
                l >= run_start && l < run_end && {
                    let c = chars[l];
                    let between = groups.iter().any(|h| h.end <= l) && groups.iter().any(|h| h.start > l);
                    let inner = l > run_start && l + 1 < run_end;
                    (between && inner && groups.iter().any(|h| h.start > l && h.start < run_end))
                        || !(is_common_punct(c) || c.is_alpha() || (c as u32) < 0xA0)
                }
            });
            if bad {
                keep[gi] = false;
            }
        }
    }
    let mut kept: Vec<Group> = Vec::new();
    for (g, k) in groups.into_iter().zip(keep) {
        if k {
            kept.push(g);
        } else {
            for l in g.start..g.end {
                leftovers.push(l);
            }
        }
    }
    let mut groups = kept;
    let mut scripts = [0u32; SCRIPTS];
    for g in &groups {
        if let Some(c) = g.out.chars().next() {
            scripts[script(c) as usize] += 1;
        }
    }
    for gi in 0..groups.len() {
        let (ev, pen) = weigh(chars, s, e, &groups, gi, &scripts);
        groups[gi].evidence = ev;
        groups[gi].penalty = pen;
    }
    // A C1 control the code page itself would have decoded as something
    // else says the text went through a different table (ISO-8859-2 rather
    // than Windows-1250).
    let foreign_c1 =
        chars[s..e].iter().filter(|&&c| (0x80..0xA0).contains(&(c as u32)) && !codec::native_c1(c, k)).count();
    let strict_evidence: f32 =
        groups.iter().filter(|g| !g.lossy).map(|g| g.evidence - g.penalty).sum::<f32>() - 0.2 * foreign_c1 as f32;
    // Leftovers close to the groups say the most; far away (another clause
    // of a long span) much less.
    let leftover_cost = leftovers
        .iter()
        .map(|&l| {
            let near = groups.iter().any(|g| l + NEAR >= g.start && l < g.end + NEAR);
            leftover_weight(chars[l]) * if near { 1.0 } else { 0.25 }
        })
        .sum();
    Parse { groups, leftover_cost, strict_evidence }
}

/// The first index of the run of non-ASCII characters through `i`
/// (searching left, `forward == false`) or one past its end.
fn run_bound(chars: &[char], limit: usize, i: usize, forward: bool) -> usize {
    let mut j = i;
    if forward {
        while j < limit && !chars[j].is_ascii() {
            j += 1;
        }
    } else {
        while j > limit && !chars[j - 1].is_ascii() {
            j -= 1;
        }
    }
    j
}

/// How much an undecoded character from the code page's upper half speaks
/// against the span being mojibake. Real dashes and quotes are strong
/// evidence that the text was decoded right; accented letters much less
/// (they are lead bytes, common in mixed text); C1 controls none.
fn leftover_weight(c: char) -> f32 {
    let u = c as u32;
    if (0x80..0xA0).contains(&u) {
        0.0
    } else if c.is_alpha() {
        0.5
    } else if is_common_punct(c) {
        2.0
    } else {
        1.0
    }
}

/// A lone surrogate from a 3-byte sequence (`ED A0..BF ..`), as CESU-8 and
/// Java's modified UTF-8 write characters beyond the BMP.
fn surrogate_of(bytes: &[u8]) -> Option<u32> {
    if bytes.len() == 3 && bytes[0] == 0xED && (0xA0..=0xBF).contains(&bytes[1]) && is_cont(bytes[2]) {
        Some(0xD000 | (u32::from(bytes[1] & 0x3F) << 6) | u32::from(bytes[2] & 0x3F))
    } else {
        None
    }
}

const WILD: u8 = 0;

/// Try to read a UTF-8 sequence of lead byte `b` (needing `n` continuation
/// bytes) from `chars[i..e]` under code page `k`.
fn try_group(t: &Text, i: usize, e: usize, k: usize, b: u8, n: usize) -> Option<Group> {
    let chars = t.chars;
    // At most a lead and three continuation bytes.
    let mut buf = [0u8; 4];
    buf[0] = b;
    let mut len = 1;
    let mut push = |x: u8| {
        buf[len] = x;
        len += 1;
    };
    let mut lossy = false;
    let mut wild = false;
    let mut spaces = 0;
    for j in 1..=n {
        let d = *chars.get(i + j).filter(|_| i + j < e)?;
        if d == ' ' {
            // A no-break space (byte A0) that became a plain space.
            spaces += 1;
            push(0xA0);
            lossy = true;
        } else if d == '?' || d == '\u{fffd}' {
            if j == 1 && d == '?' && n == 1 && !chars[i].is_alpha() {
                return None;
            }
            push(WILD);
            lossy = true;
            wild = true;
        } else if d.is_ascii() {
            return None;
        } else {
            let bb = t.rows[i + j].row[k];
            if !is_cont(bb) {
                return None;
            }
            push(bb);
        }
    }
    let bytes = &buf[..len];
    if spaces > 1 || (wild && spaces > 0) {
        return None;
    }
    if wild {
        // A sequence with lost bytes: one U+FFFD, as a decoder would give.
        // The lead and any bytes present must still agree with UTF-8.
        if !bytes.iter().skip(1).all(|&x| x == WILD || is_cont(x)) {
            return None;
        }
        return Some(Group {
            start: i,
            end: i + n + 1,
            out: '\u{fffd}'.to_string(),
            lossy,
            evidence: 0.0,
            penalty: 0.0,
        });
    }
    let decoded = match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        Err(_) => {
            // CESU-8: a surrogate pair as two 3-byte sequences.
            let hi = surrogate_of(bytes).filter(|u| (0xD800..0xDC00).contains(u))?;
            let mut lo_bytes = Vec::with_capacity(3);
            for j in 0..3 {
                if i + 3 + j >= e {
                    return None;
                }
                let x = t.rows[i + 3 + j].row[k];
                if x < 0x80 {
                    return None;
                }
                lo_bytes.push(x);
            }
            let lo = surrogate_of(&lo_bytes).filter(|u| (0xDC00..0xE000).contains(u))?;
            let cp = 0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00);
            let c = char::from_u32(cp)?;
            return Some(Group { start: i, end: i + 6, out: c.to_string(), lossy, evidence: 0.0, penalty: 0.0 });
        }
    };
    let mut out = decoded;
    // "Ã " is "à" + the no-break space that became a space; the word "à"
    // (and voilà, déjà) is followed by a space, which stays; but a single
    // letter after it is the end of the same word ("Ã s" → "às").
    if lossy && out == "à" {
        let next = chars.get(i + n + 1).copied();
        let single = next.is_some_and(|c| c.is_alpha())
            && chars.get(i + n + 2).is_none_or(|c| !c.is_alpha() && *c != '’' && *c != '\'');
        if next != Some(' ') && !single {
            out.push(' ');
        }
    }
    Some(Group { start: i, end: i + n + 1, out, lossy, evidence: 0.0, penalty: 0.0 })
}

/// Evidence that group `gi` is mojibake, and the penalty for what it decodes
/// to, in its context.
fn weigh(chars: &[char], s: usize, e: usize, groups: &[Group], gi: usize, scripts: &[u32; SCRIPTS]) -> (f32, f32) {
    let g = &groups[gi];
    let src = &chars[g.start..g.end];
    let p = (g.start > s).then(|| chars[g.start - 1]);
    let q = (g.end < e).then(|| chars[g.end]);
    let p_letter = p.is_some_and(|c| c.is_alpha());
    let q_letter = q.is_some_and(|c| c.is_alpha());
    let in_word = p_letter && q_letter;
    if g.lossy {
        // Only the continuation characters that survived count.
        let real: Vec<char> = src[1..].iter().copied().filter(|&d| !matches!(d, ' ' | '?' | '\u{fffd}')).collect();
        let ev = real.iter().map(|&d| 0.3 + oddness(d, in_word, q_letter)).sum();
        return (ev, 0.0);
    }
    let mut ev = if src.len() == 2 { 0.5 } else { 1.5 };
    for &d in &src[1..] {
        ev += oddness(d, in_word, q_letter);
    }
    let lead = src[0];
    if !lead.is_alpha() && (p_letter || q_letter || p.is_some_and(|c| !c.is_ascii())) {
        ev += 0.7;
    }
    if p_letter {
        ev += 0.5;
    }
    if q_letter {
        ev += 0.5;
    }
    if in_word {
        ev += 0.3;
    }
    if lead.is_uppercase() && p.is_some_and(|c| c.is_lowercase()) {
        ev += 0.5;
    }
    // "Â" before a Latin-1 symbol or no-break space is the mojibake of that
    // symbol; real text has "Â" only inside upper-case words.
    if lead == 'Â' && src.len() == 2 && !src[1].is_alpha() {
        ev += 1.0;
    }
    // What it decodes to.
    let mut pen = 0.0;
    let out: Vec<char> = g.out.chars().collect();
    let d = out[0];
    pen += rarity(d);
    let sd = script(d);
    if !matches!(sd, Script::Latin | Script::Common) {
        // The decoded neighbours: the previous group's output if adjacent,
        // else the original character.
        let left = if gi > 0 && groups[gi - 1].end == g.start { groups[gi - 1].out.chars().last() } else { p };
        let right =
            if gi + 1 < groups.len() && groups[gi + 1].start == g.end { groups[gi + 1].out.chars().next() } else { q };
        let mut mismatch = 0.0f32;
        let mut same = false;
        for n in [left, right].into_iter().flatten() {
            let sn = script(n);
            if sn == sd {
                same = true;
            } else if sn != Script::Common {
                let cjk = |x: Script| matches!(x, Script::Han | Script::Hangul | Script::Kana);
                // CJK text mixes in Latin words freely ("SNS에", "Kindleの");
                // a lone CJK character glued to a Latin word does not occur.
                let cjk_here = u32::from(cjk(sd));
                let cjk_all =
                    scripts[Script::Han as usize] + scripts[Script::Hangul as usize] + scripts[Script::Kana as usize];
                let cjk_elsewhere = cjk_all > cjk_here;
                let m = if cjk(sd) || cjk(sn) {
                    if cjk_elsewhere {
                        0.3
                    } else {
                        2.0
                    }
                } else {
                    1.0
                };
                mismatch = mismatch.max(m);
            }
        }
        if !same {
            let elsewhere = scripts[sd as usize] > 1;
            if !elsewhere {
                mismatch = mismatch.max(1.0);
            }
        }
        pen += mismatch;
    }
    (ev, pen)
}

/// How odd continuation character `d` is in running text: the heart of the
/// evidence. C1 controls never appear in real text; symbols like `¤ ¦ ¨ ¬`
/// are rare; quotes and dashes are common on their own, but not inside a
/// word.
fn oddness(d: char, in_word: bool, before_letter: bool) -> f32 {
    let u = d as u32;
    if (0x80..0xA0).contains(&u) {
        return 3.0;
    }
    match d {
        '\u{a0}' => {
            if in_word {
                1.0
            } else {
                0.3
            }
        }
        '\u{ad}' => 0.5,
        '’' => {
            if before_letter {
                0.0
            } else {
                0.1
            }
        }
        _ if is_quote(d) => {
            if in_word {
                0.8
            } else {
                0.2
            }
        }
        '–' | '—' | '…' | '™' | '°' | '®' | '©' | '·' | '•' => {
            if in_word {
                0.5
            } else {
                0.2
            }
        }
        'œ' | 'Œ' | 'š' | 'Š' | 'ž' | 'Ž' | 'Ÿ' | 'ƒ' => 0.6,
        _ if d.is_alpha() => 0.3,
        _ => 0.7,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(s: &str) -> String {
        fix(s).unwrap_or_else(|| s.to_string())
    }

    #[test]
    fn a_lone_a_circumflex_after_a_mark_is_a_lost_no_break_space() {
        // The no-break space after it was trimmed at the block's end, or
        // became a plain space.
        assert_eq!(f("Ready to find out?Â"), "Ready to find out?");
        assert_eq!(f("Price:Â 10 euros, 2Â kg."), "Price:\u{a0}10 euros, 2\u{a0}kg.");
        // A span the lone `Â` cut short is mended too, in the same call.
        assert_eq!(f("Â«öß!Â"), "«öß!");
        // As a letter, it stays.
        for s in ["the letter Â is rare", "L'ÂGE DE LA PIERRE", "ÂME", "Â", "it is spelt Â."] {
            assert_eq!(f(s), s);
        }
    }

    #[test]
    fn windows_1252_once_and_twice() {
        assert_eq!(f("Le cafÃ© est prÃªt."), "Le café est prêt.");
        assert_eq!(f("Ã¢â‚¬Å“HiÃ¢â‚¬Â\u{9d}"), "“Hi”");
        assert_eq!(f("naÃ¯ve â€” rÃ©sumÃ©"), "naïve — résumé");
    }

    #[test]
    fn latin1_with_c1_controls() {
        assert_eq!(f("â\u{80}\u{9c}quoted\u{94}"), "“quoted”");
    }

    #[test]
    fn cyrillic_and_polish_sentences_inside_good_text() {
        let s = "Good text stays. ÐŸÑ€Ð¸Ð²ÐµÑ‚ Ð¼Ð¸Ñ€! Zażółć gęślą jaźń.";
        assert_eq!(f(s), "Good text stays. Привет мир! Zażółć gęślą jaźń.");
        let s = "Intact: Frühling. ZaÅ¼Ã³Å‚Ä‡ gÄ™Å›lÄ… jaÅºÅ„.";
        assert_eq!(f(s), "Intact: Frühling. Zażółć gęślą jaźń.");
    }

    #[test]
    fn other_code_pages() {
        assert_eq!(f("РґРѕР±СЂРѕРµ СѓС‚СЂРѕ"), "доброе утро");
        assert_eq!(f("un d√©part tr√®s rapide"), "un départ très rapide");
    }

    #[test]
    fn legitimate_text_stays() {
        for s in [
            "Ã is a letter in Portuguese: NÃO, SÃO PAULO.",
            "The brand is NESTLÉ® and it costs 5×£3.",
            "Il a dit «\u{a0}non\u{a0}» et c’est tout.",
            "Charlotte Brontë…”",
            "x = √π and ∆° are symbols",
            "Mixed: Œuvre, cœur, ™ and © signs.",
            "Straße, Ärger, Øre, Ångström.",
            "Русский текст «СССР» и ещё.",
            "There are a lot of Ã’s in mojibake text",
        ] {
            assert_eq!(f(s), s);
        }
    }
}
