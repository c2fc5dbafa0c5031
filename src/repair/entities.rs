//! HTML entities left in text: `&amp;`, `&eacute;`, `&#8217;`, `&#x2014;`,
//! and double escapes (`&amp;#8217;`). A terminating `;` is required, so
//! "AT&T", "R&D" and "Q&A" are never touched.

use std::borrow::Cow;

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
