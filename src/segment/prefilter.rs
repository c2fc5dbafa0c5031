//! A byte-level pass before the HTML parser.
//!
//! Two reasons to touch the markup before html5ever sees it:
//!
//! * **Speed.** Scripts, styles, inline SVG and comments are about 60 % of
//!   the bytes of a typical news page and none of them is text. Cutting them
//!   out with `memchr` is far cheaper than tokenising them and building their
//!   nodes. JSON-LD scripts are kept aside: their `articleBody` is evidence.
//! * **Safety.** The HTML tree builder scans the stack of open elements for
//!   every block-level start tag, so nesting depth *d* costs O(*d*²): a page
//!   of 100 000 nested `<div>`s would take minutes. Tags that would open an
//!   element deeper than [`MAX_DEPTH`] are dropped (their text stays, in
//!   the deepest kept element), which bounds the cost.
//!
//! The depth bookkeeping only approximates the tree builder (it knows the
//! common implied end tags), which is enough for a cap set far above the depth
//! of real pages.

use std::borrow::Cow;

/// Deepest element nesting passed to the parser. Real pages stay under 100.
pub const MAX_DEPTH: usize = 1000;

/// The markup to parse, and the JSON-LD script bodies found on the way.
pub struct Filtered<'a> {
    /// The HTML without scripts, styles, SVG, comments and over-deep tags.
    pub html: Cow<'a, str>,
    /// Contents of `<script type="application/ld+json">` elements.
    pub ld_json: Vec<&'a str>,
    /// Whether tags were dropped to cap the depth.
    pub flattened: bool,
}

fn is_void(name: &[u8]) -> bool {
    matches!(
        name,
        b"area"
            | b"base"
            | b"br"
            | b"col"
            | b"embed"
            | b"hr"
            | b"img"
            | b"input"
            | b"link"
            | b"meta"
            | b"source"
            | b"track"
            | b"wbr"
            | b"param"
            | b"keygen"
            | b"frame"
            | b"basefont"
            | b"isindex"
    )
}

/// Start tags that close an open `<p>` (the common implied end tag).
fn closes_p(name: &[u8]) -> bool {
    matches!(
        name,
        b"p" | b"div"
            | b"ul"
            | b"ol"
            | b"dl"
            | b"table"
            | b"section"
            | b"article"
            | b"aside"
            | b"blockquote"
            | b"h1"
            | b"h2"
            | b"h3"
            | b"h4"
            | b"h5"
            | b"h6"
            | b"header"
            | b"footer"
            | b"nav"
            | b"pre"
            | b"form"
            | b"figure"
            | b"main"
            | b"hr"
    )
}

/// Find the `>` that ends a tag starting at `from`, skipping quoted
/// attribute values. Returns the index just past it.
fn tag_end(b: &[u8], from: usize) -> usize {
    // Outside a quoted value only `"`, `'` and `>` matter, inside one only
    // its closing quote: jump between them with memchr.
    let mut i = from;
    while let Some(p) = memchr::memchr3(b'"', b'\'', b'>', &b[i..]) {
        let at = i + p;
        let c = b[at];
        if c == b'>' {
            return at + 1;
        }
        // Only a value after `=` is quoted; a stray quote in a broken tag is not.
        let mut j = at;
        while j > from && b[j - 1].is_ascii_whitespace() {
            j -= 1;
        }
        if j > from && b[j - 1] == b'=' {
            match memchr::memchr(c, &b[at + 1..]) {
                Some(q) => i = at + 1 + q + 1,
                None => return b.len(),
            }
        } else {
            i = at + 1;
        }
    }
    b.len()
}

/// Position just past the end tag `</name ...>` at or after `from`
/// (ASCII case-insensitive), or the end of input. Also returns where the end
/// tag starts.
fn find_end_tag(b: &[u8], from: usize, name: &[u8]) -> (usize, usize) {
    let mut i = from;
    while let Some(p) = memchr::memmem::find(&b[i..], b"</") {
        let at = i + p;
        let n = at + 2;
        if b.len() >= n + name.len()
            && b[n..n + name.len()].eq_ignore_ascii_case(name)
            && b.get(n + name.len()).is_none_or(|c| c.is_ascii_whitespace() || *c == b'>' || *c == b'/')
        {
            return (at, tag_end(b, n + name.len()));
        }
        i = at + 2;
    }
    (b.len(), b.len())
}

/// HTML start tags that end SVG or MathML content in a browser (the HTML
/// standard's "breakout" tags): an `<svg>` that is never closed ends at the
/// first of them instead of swallowing the rest of the page.
const BREAKOUT: &[&[u8]] = &[
    b"b",
    b"big",
    b"blockquote",
    b"body",
    b"br",
    b"center",
    b"code",
    b"dd",
    b"div",
    b"dl",
    b"dt",
    b"em",
    b"embed",
    b"h1",
    b"h2",
    b"h3",
    b"h4",
    b"h5",
    b"h6",
    b"head",
    b"hr",
    b"i",
    b"img",
    b"li",
    b"listing",
    b"menu",
    b"meta",
    b"nobr",
    b"ol",
    b"p",
    b"pre",
    b"ruby",
    b"s",
    b"small",
    b"span",
    b"strong",
    b"strike",
    b"sub",
    b"sup",
    b"table",
    b"tt",
    b"u",
    b"ul",
    b"var",
];

/// Whether a start tag named like this at `n` (just after `<`) is a
/// breakout tag.
fn breakout_at(b: &[u8], n: usize) -> bool {
    let len = b[n..].iter().take(12).take_while(|c| c.is_ascii_alphanumeric()).count();
    len > 0 && BREAKOUT.iter().any(|t| t.eq_ignore_ascii_case(&b[n..n + len]))
}

/// End of an element that may nest (`<svg>` in `<svg>`), from just after its
/// start tag. Never closed, it ends where a browser would leave it: at the
/// first breakout start tag outside `<foreignObject>`, else at the end.
fn find_nested_end(b: &[u8], from: usize, name: &[u8]) -> usize {
    let mut depth = 1usize;
    let mut i = from;
    let mut breakout: Option<usize> = None;
    let mut foreign = 0usize;
    while let Some(p) = memchr::memchr(b'<', &b[i..]) {
        let at = i + p;
        let closing = b.get(at + 1) == Some(&b'/');
        let n = at + 1 + usize::from(closing);
        if breakout.is_none() && n < b.len() {
            if b[n..].len() >= 13 && b[n..n + 13].eq_ignore_ascii_case(b"foreignobject") {
                if closing {
                    foreign = foreign.saturating_sub(1);
                } else {
                    foreign += 1;
                }
            } else if !closing && foreign == 0 && breakout_at(b, n) {
                breakout = Some(at);
            }
        }
        let matches = b.len() >= n + name.len()
            && b[n..n + name.len()].eq_ignore_ascii_case(name)
            && b.get(n + name.len()).is_none_or(|c| c.is_ascii_whitespace() || *c == b'>' || *c == b'/');
        let end = tag_end(b, at + 1);
        if matches {
            if closing {
                depth -= 1;
                if depth == 0 {
                    return end;
                }
            } else if b[..end].ends_with(b"/>") {
                // self-closing nested element
            } else {
                depth += 1;
            }
        }
        i = end.max(at + 1);
    }
    breakout.unwrap_or(b.len())
}

/// Run the pass. Returns the input unchanged (borrowed) when there is
/// nothing to cut.
pub fn prefilter(html: &str) -> Filtered<'_> {
    let b = html.as_bytes();
    let mut out: Vec<u8> = Vec::new();
    let mut copied = 0usize; // b[..copied] is already in `out` or cut
    let mut cut_any = false;
    let mut ld_json = Vec::new();
    let mut flattened = false;
    // (tag name, dropped) for the approximate stack of open elements.
    let mut stack: Vec<(&[u8], bool)> = Vec::new();
    let mut live = 0usize;
    let mut i = 0usize;

    let cut = |out: &mut Vec<u8>, copied: &mut usize, from: usize, to: usize| {
        if out.capacity() == 0 {
            // Never longer than the input: one allocation, no copy on growth.
            out.reserve(b.len());
        }
        out.extend_from_slice(&b[*copied..from]);
        *copied = to;
    };

    while let Some(p) = memchr::memchr(b'<', &b[i..]) {
        let at = i + p;
        let rest = &b[at..];
        if rest.starts_with(b"<!--") {
            if let Some(n) = react_marker(rest) {
                i = at + n;
                continue;
            }
            let end = memchr::memmem::find(&b[at + 4..], b"-->").map_or(b.len(), |q| at + 4 + q + 3);
            cut(&mut out, &mut copied, at, end);
            cut_any = true;
            i = end;
            continue;
        }
        let closing = rest.get(1) == Some(&b'/');
        let name_start = at + 1 + usize::from(closing);
        // Custom elements' names have dashes (`<svg-icon>` is not `<svg>`).
        let name_len = b[name_start..]
            .iter()
            .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b':' | b'.'))
            .count();
        if name_len == 0 || !b[name_start].is_ascii_alphabetic() {
            i = at + 1;
            continue;
        }
        let mut lower = [0u8; 16];
        let name: &[u8] = if name_len <= 16 {
            for (k, c) in b[name_start..name_start + name_len].iter().enumerate() {
                lower[k] = c.to_ascii_lowercase();
            }
            &lower[..name_len]
        } else {
            b"x-long"
        };
        let end = tag_end(b, name_start + name_len);
        if !closing && matches!(name, b"script" | b"style") {
            let (close_at, close_end) = find_end_tag(b, end, name);
            if name == b"script" {
                let tag = &b[at..end];
                if memchr::memmem::find(&tag.to_ascii_lowercase(), b"ld+json").is_some() {
                    if let Some(body) = html.get(end..close_at) {
                        ld_json.push(body);
                    }
                }
            }
            cut(&mut out, &mut copied, at, close_end);
            cut_any = true;
            i = close_end;
            continue;
        }
        if !closing && matches!(name, b"svg" | b"math") && !b[..end].ends_with(b"/>") {
            let close_end = find_nested_end(b, end, name);
            cut(&mut out, &mut copied, at, close_end);
            cut_any = true;
            i = close_end;
            continue;
        }
        // Depth bookkeeping.
        let name_owned: &[u8] = &b[name_start..name_start + name_len];
        if closing {
            let found = stack.iter().rev().take(16).position(|(n, _)| n.eq_ignore_ascii_case(name));
            if let Some(k) = found {
                let idx = stack.len() - 1 - k;
                let dropped = stack[idx].1;
                for (_, d) in stack.drain(idx..) {
                    if !d {
                        live -= 1;
                    }
                }
                if dropped {
                    cut(&mut out, &mut copied, at, end);
                    cut_any = true;
                }
            }
        } else if !is_void(name) && !b[..end].ends_with(b"/>") {
            if closes_p(name) && stack.last().is_some_and(|(n, _)| n.eq_ignore_ascii_case(b"p")) {
                if let Some((_, d)) = stack.pop() {
                    if !d {
                        live -= 1;
                    }
                }
            }
            if matches!(name, b"li" | b"dd" | b"dt" | b"td" | b"th" | b"tr" | b"option")
                && stack.last().is_some_and(|(n, _)| n.eq_ignore_ascii_case(name))
            {
                if let Some((_, d)) = stack.pop() {
                    if !d {
                        live -= 1;
                    }
                }
            }
            let drop = live >= MAX_DEPTH;
            if drop {
                cut(&mut out, &mut copied, at, end);
                cut_any = true;
                flattened = true;
            } else {
                live += 1;
            }
            stack.push((name_owned, drop));
        }
        i = end.max(at + 1);
    }
    if !cut_any {
        return Filtered { html: Cow::Borrowed(html), ld_json, flattened };
    }
    out.extend_from_slice(&b[copied..]);
    // Cuts happen only at ASCII '<' and '>' boundaries, so UTF-8 stays valid.
    let s = String::from_utf8(out).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
    Filtered { html: Cow::Owned(s), ld_json, flattened }
}

/// The text of a page without parsing it: scripts, styles and comments cut,
/// tags replaced by spaces. Good enough to learn which words a page uses
/// (the batch lexicon), far cheaper than the DOM.
pub fn visible_text(html: &str) -> String {
    let f = prefilter(html);
    let mut out = String::with_capacity(f.html.len() / 2);
    let b = f.html.as_bytes();
    let mut i = 0;
    // Cuts happen at ASCII `<` and `>`, so every slice is on char boundaries.
    while let Some(p) = memchr::memchr(b'<', &b[i..]) {
        out.push_str(&f.html[i..i + p]);
        out.push(' ');
        i = match memchr::memchr(b'>', &b[i + p..]) {
            Some(j) => i + p + j + 1,
            None => b.len(),
        };
    }
    out.push_str(&f.html[i..]);
    out
}

/// HTML whitespace (the tokenizer reads CR as a line feed).
fn is_ws(c: u8) -> bool {
    matches!(c, b'\t' | b'\n' | b'\x0c' | b'\r' | b' ')
}

/// One start or end tag as the HTML tokenizer reads it from data state.
struct Tag {
    /// Index just past the tag's `>`.
    end: usize,
    /// Byte range of the tag name.
    name: (usize, usize),
    self_closing: bool,
}

/// An attribute: source range of its name, and of its value as written
/// (quotes included), if any.
type Attr = ((usize, usize), Option<(usize, usize)>);

/// Read the tag whose name starts at `from` (just after `<` or `</`),
/// following the tokenizer's tag, attribute and value states exactly.
/// `None` when the input ends inside the tag (the tokenizer drops it).
fn read_tag(b: &[u8], from: usize, attrs: &mut Vec<Attr>) -> Option<Tag> {
    attrs.clear();
    let mut i = from;
    while i < b.len() && !is_ws(b[i]) && b[i] != b'/' && b[i] != b'>' {
        i += 1;
    }
    let name = (from, i);
    loop {
        // Before attribute name.
        while i < b.len() && is_ws(b[i]) {
            i += 1;
        }
        let c = *b.get(i)?;
        if c == b'>' {
            return Some(Tag { end: i + 1, name, self_closing: false });
        }
        if c == b'/' {
            // Self-closing start tag state.
            if *b.get(i + 1)? == b'>' {
                return Some(Tag { end: i + 2, name, self_closing: true });
            }
            i += 1;
            continue;
        }
        // Attribute name (a leading `=` belongs to it).
        let ns = i;
        i += 1;
        while i < b.len() && !is_ws(b[i]) && b[i] != b'/' && b[i] != b'>' && b[i] != b'=' {
            i += 1;
        }
        let an = (ns, i);
        // After attribute name.
        while i < b.len() && is_ws(b[i]) {
            i += 1;
        }
        if *b.get(i)? != b'=' {
            attrs.push((an, None));
            continue;
        }
        i += 1;
        // Before attribute value.
        while i < b.len() && is_ws(b[i]) {
            i += 1;
        }
        let q = *b.get(i)?;
        if q == b'>' {
            attrs.push((an, None));
            continue;
        }
        if q == b'"' || q == b'\'' {
            let close = i + 1 + memchr::memchr(q, &b[i + 1..])?;
            attrs.push((an, Some((i, close + 1))));
            i = close + 1;
            // After a quoted value anything but whitespace, `/` or `>`
            // starts the next attribute: the loop reads it so.
            continue;
        }
        let vs = i;
        while i < b.len() && !is_ws(b[i]) && b[i] != b'>' {
            i += 1;
        }
        attrs.push((an, Some((vs, i))));
    }
}

/// Start tags after which the tree builder switches the tokenizer to raw
/// text or RCDATA (outside `<select>` and framesets, where this pass stops).
fn is_raw(name: &[u8]) -> bool {
    matches!(name, b"title" | b"textarea" | b"xmp" | b"iframe" | b"noembed" | b"noframes" | b"noscript")
}

/// Start tags after which this pass stops rewriting: their content is
/// tokenized in ways it does not follow (script data, foreign content), or
/// the tree builder treats raw-text tags differently inside them.
fn stops_rewriting(name: &[u8]) -> bool {
    matches!(name, b"script" | b"style" | b"svg" | b"math" | b"select" | b"frameset" | b"plaintext" | b"template")
}

/// Whether the DOM walk reads attribute `attr` of element `tag` (both
/// lower case): everything else is dropped before parsing.
fn attr_is_read(tag: &[u8], attr: &[u8]) -> bool {
    const READ: &[&[u8]] = &[
        b"class",
        b"id",
        b"role",
        b"itemprop",
        b"itemtype",
        b"hidden",
        b"aria-hidden",
        b"aria-roledescription",
        b"style",
        b"type",
        b"lang",
        b"aria-controls",
        b"aria-expanded",
    ];
    const META: &[&[u8]] = &[b"property", b"name", b"content"];
    // How a list numbers its items.
    const OL: &[&[u8]] = &[b"start", b"reversed"];
    const LI: &[&[u8]] = &[b"value"];
    let is = |list: &[&[u8]]| list.iter().any(|w| w.len() == attr.len() && w.eq_ignore_ascii_case(attr));
    is(READ) || tag == b"meta" && is(META) || tag == b"ol" && is(OL) || tag == b"li" && is(LI)
}

/// Whether the DOM walk reads a `<meta>` with these attributes: the
/// page's title and description (`og:title`, `description`, …) and its
/// `og:type`. The rest (viewport, verification codes, `article:tag`
/// lists, …) go whole: 7 % of what reached the parser on the dev pages.
fn meta_is_read(b: &[u8], attrs: &[Attr]) -> bool {
    const READ: &[&[u8]] =
        &[b"og:title", b"twitter:title", b"description", b"og:description", b"twitter:description", b"og:type"];
    attrs.iter().any(|&(n, v)| {
        let name = &b[n.0..n.1];
        let Some(v) = v else { return false };
        let value = b[v.0..v.1].strip_prefix(b"\"").and_then(|x| x.strip_suffix(b"\""));
        let value = value.or_else(|| b[v.0..v.1].strip_prefix(b"'").and_then(|x| x.strip_suffix(b"'")));
        let value = value.unwrap_or(&b[v.0..v.1]);
        let named = name.eq_ignore_ascii_case(b"name") || name.eq_ignore_ascii_case(b"property");
        // A value with a character reference is kept for the parser to read.
        named && (value.contains(&b'&') || READ.iter().any(|r| r.eq_ignore_ascii_case(value.trim_ascii())))
    })
}

/// Elements whose white space the DOM walk keeps as written.
fn keeps_space(name: &[u8]) -> bool {
    name.eq_ignore_ascii_case(b"pre") || name.eq_ignore_ascii_case(b"listing")
}

/// The output buffer, allocated at the first change: rarely longer than the
/// input, so one allocation as a rule.
fn reserve_once(out: &mut Vec<u8>, len: usize) {
    if out.capacity() == 0 {
        out.reserve(len);
    }
}

/// Copy text `b[from..to]` with each run of two or more white-space bytes
/// cut to one (a line feed if the run has one): the indentation of the
/// markup, a fifth of what reached the parser on the dev pages, which the
/// parser reads a line at a time. Outside `<pre>` the DOM walk reads any
/// run of white space as one space, so the text it collects is the same.
fn squeeze_space(b: &[u8], from: usize, to: usize, out: &mut Vec<u8>, copied: &mut usize) {
    let mut j = from;
    while j + 1 < to {
        if !(is_ws(b[j]) && is_ws(b[j + 1])) {
            j += 1;
            continue;
        }
        let mut k = j + 2;
        while k < to && is_ws(b[k]) {
            k += 1;
        }
        reserve_once(out, b.len());
        out.extend_from_slice(&b[*copied..j]);
        out.push(if b[j..k].iter().any(|&c| c == b'\n' || c == b'\r') { b'\n' } else { b' ' });
        *copied = k;
        j = k;
    }
}

/// The length of the comment `rest` starts with when it is one of the
/// markers React's streaming rendering puts around a boundary (`<!--$-->`,
/// `<!--$?-->`, `<!--$!-->`, `<!--/$-->`): kept, because they say where the
/// content sent later goes (see `html::place_streamed`).
fn react_marker(rest: &[u8]) -> Option<usize> {
    [&b"<!--$-->"[..], b"<!--$?-->", b"<!--$!-->", b"<!--/$-->"].iter().find(|m| rest.starts_with(m)).map(|m| m.len())
}

/// Drop the attributes the DOM walk never reads (`src`, `srcset`,
/// `data-*`, link targets…: about a third of a page's markup once scripts
/// are cut) so that the parser does not tokenize, intern and store them;
/// drop the `<meta>` tags it never reads ([`meta_is_read`]) and squeeze
/// the white space of text outside `<pre>` ([`squeeze_space`]).
/// An `<a>`'s `href` stays, without its value (the walk only asks whether
/// it is there). The tags are rewritten token for token: this follows the
/// tokenizer's states from the start and, at the first construct it does
/// not model exactly (a comment, script data, foreign content, `<select>`…),
/// leaves the rest of the document as it is. `None` when nothing changes.
pub fn slim(html: &str) -> Option<String> {
    let b = html.as_bytes();
    let mut out: Vec<u8> = Vec::new();
    let mut copied = 0usize;
    let mut i = 0usize;
    let mut lower = Vec::new();
    let mut attrs: Vec<Attr> = Vec::new();
    let mut keep: Vec<Attr> = Vec::new();
    // Open `<pre>` and `<listing>` elements, whose white space is kept.
    let mut pre = 0usize;
    while let Some(p) = memchr::memchr(b'<', &b[i..]) {
        let at = i + p;
        if pre == 0 {
            squeeze_space(b, i, at, &mut out, &mut copied);
        }
        let Some(&c) = b.get(at + 1) else { break };
        if c == b'!' {
            if let Some(n) = react_marker(&b[at..]) {
                i = at + n;
                continue;
            }
            if b[at + 2..].starts_with(b"--") {
                break;
            }
            // DOCTYPE or bogus comment: ends at the first `>`.
            match memchr::memchr(b'>', &b[at + 2..]) {
                Some(q) => i = at + 2 + q + 1,
                None => break,
            }
            continue;
        }
        if c == b'?' {
            match memchr::memchr(b'>', &b[at + 2..]) {
                Some(q) => i = at + 2 + q + 1,
                None => break,
            }
            continue;
        }
        if c == b'/' {
            match b.get(at + 2) {
                Some(d) if d.is_ascii_alphabetic() => match read_tag(b, at + 2, &mut attrs) {
                    Some(t) => {
                        if keeps_space(&b[t.name.0..t.name.1]) {
                            pre = pre.saturating_sub(1);
                        }
                        i = t.end;
                    }
                    None => break,
                },
                Some(b'>') => i = at + 3,
                Some(_) => match memchr::memchr(b'>', &b[at + 2..]) {
                    Some(q) => i = at + 2 + q + 1,
                    None => break,
                },
                None => break,
            }
            continue;
        }
        if !c.is_ascii_alphabetic() {
            i = at + 1;
            continue;
        }
        let Some(t) = read_tag(b, at + 1, &mut attrs) else { break };
        lower.clear();
        lower.extend(b[t.name.0..t.name.1].iter().map(u8::to_ascii_lowercase));
        if stops_rewriting(&lower) {
            break;
        }
        if keeps_space(&lower) {
            pre += 1;
        }
        if lower == b"meta" && !meta_is_read(b, &attrs) {
            reserve_once(&mut out, b.len());
            out.extend_from_slice(&b[copied..at]);
            copied = t.end;
            i = t.end;
            continue;
        }
        keep.clear();
        for &(n, v) in &attrs {
            let an = &b[n.0..n.1];
            if attr_is_read(&lower, an) {
                keep.push((n, v));
            } else if lower == b"a" && an.eq_ignore_ascii_case(b"href") {
                keep.push((n, None));
            }
        }
        if keep.len() != attrs.len() || keep.iter().zip(&attrs).any(|(k, a)| k.1 != a.1) {
            reserve_once(&mut out, b.len());
            out.extend_from_slice(&b[copied..at]);
            out.push(b'<');
            out.extend_from_slice(&b[t.name.0..t.name.1]);
            for &(n, v) in &keep {
                out.push(b' ');
                out.extend_from_slice(&b[n.0..n.1]);
                if let Some(v) = v {
                    out.push(b'=');
                    out.extend_from_slice(&b[v.0..v.1]);
                }
            }
            out.extend_from_slice(if t.self_closing { b" />" } else { b">" });
            copied = t.end;
        }
        i = t.end;
        if is_raw(&lower) {
            // Raw text up to the end tag of the same name.
            let mut j = i;
            let mut end = None;
            while let Some(q) = memchr::memmem::find(&b[j..], b"</") {
                let n = j + q + 2;
                if b.len() > n + lower.len()
                    && b[n..n + lower.len()].eq_ignore_ascii_case(&lower)
                    && (is_ws(b[n + lower.len()]) || matches!(b[n + lower.len()], b'/' | b'>'))
                {
                    end = read_tag(b, n, &mut attrs).map(|t| t.end);
                    break;
                }
                j = n;
            }
            match end {
                Some(e) => i = e,
                None => break,
            }
        }
    }
    if out.is_empty() {
        return None;
    }
    out.extend_from_slice(&b[copied..]);
    // Only whole attributes (ASCII-delimited) were cut: UTF-8 stays valid.
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    #[test]
    fn visible_text_drops_markup() {
        let t = super::visible_text("<p>caf&eacute; <b>bar</b></p><script>x</script><!-- c -->end");
        assert_eq!(t.split_whitespace().collect::<Vec<_>>(), ["caf&eacute;", "bar", "end"]);
    }

    use super::*;

    #[test]
    fn custom_elements_are_not_their_prefix() {
        let f = prefilter(
            "<body><svg-icon class='x'></svg-icon><main>Article text.</main>\
             <script-loader>a</script-loader><article>Second.</article></body>",
        );
        let out: &str = &f.html;
        assert!(out.contains("<main>Article text.</main>"), "{out}");
        assert!(out.contains("<article>Second.</article>"), "{out}");
    }

    #[test]
    fn an_unclosed_svg_ends_at_the_first_html_block() {
        let f = prefilter("<body><svg><path d='M0'/><text>icon</text><main><p>Article text.</p></main></body>");
        let out: &str = &f.html;
        assert!(!out.contains("icon"), "{out}");
        assert!(out.contains("<p>Article text.</p>"), "{out}");
        // Inside <foreignObject>, HTML belongs to the drawing.
        let f = prefilter("<svg><foreignObject><p>label</p></foreignObject></svg><p>after</p>");
        let out: &str = &f.html;
        assert!(!out.contains("label") && out.contains("<p>after</p>"), "{out}");
    }

    #[test]
    fn scripts_styles_svg_comments_are_cut() {
        let f = prefilter(
            "<p>a</p><script>if (x < 1) { y = '</p>'; }</script><style>p > a {}</style>\
             <!-- <p>hidden</p> --><svg><svg></svg><text>icon</text></svg><p>b</p>",
        );
        assert_eq!(f.html, "<p>a</p><p>b</p>");
    }

    #[test]
    fn react_boundary_markers_stay() {
        // They say where content streamed later goes; other comments go.
        let f = prefilter("<main><!--$?--><template id=\"B:0\"></template><!-- x --><!--/$--><!--$--><!--$!--></main>");
        assert_eq!(f.html, "<main><!--$?--><template id=\"B:0\"></template><!--/$--><!--$--><!--$!--></main>");
        // The attribute pass goes on past them (it stops at other comments).
        let out = slim("<p data-x=1>a</p><!--$?--><p data-y=2>b</p>").unwrap();
        assert_eq!(out, "<p>a</p><!--$?--><p>b</p>");
    }

    #[test]
    fn ld_json_is_kept_aside() {
        let f = prefilter("<script type=\"application/ld+json\">{\"a\":1}</script><p>x</p>");
        assert_eq!(f.ld_json, ["{\"a\":1}"]);
        assert_eq!(f.html, "<p>x</p>");
    }

    #[test]
    fn quoted_gt_does_not_end_a_tag() {
        let f = prefilter("<div data-x=\"a>b\"><script>s</script>t</div>");
        assert_eq!(f.html, "<div data-x=\"a>b\">t</div>");
    }

    #[test]
    fn unterminated_script_cuts_to_end() {
        let f = prefilter("<p>a</p><script>never closed <p>b</p>");
        assert_eq!(f.html, "<p>a</p>");
    }

    #[test]
    fn depth_is_capped() {
        let n = MAX_DEPTH + 500;
        let html = "<div>".repeat(n) + "deep" + &"</div>".repeat(n);
        let f = prefilter(&html);
        assert!(f.flattened);
        assert_eq!(f.html.matches("<div>").count(), MAX_DEPTH);
        assert_eq!(f.html.matches("</div>").count(), MAX_DEPTH);
        assert!(f.html.contains("deep"));
    }

    #[test]
    fn normal_pages_are_not_flattened() {
        let html = "<ul><li>a<li>b</ul>".repeat(2000) + &"<p>para".repeat(3000);
        assert!(!prefilter(&html).flattened);
    }

    #[test]
    fn clean_markup_is_borrowed() {
        assert!(matches!(prefilter("<p>plain</p>").html, Cow::Borrowed(_)));
    }

    #[test]
    fn unread_attributes_are_dropped() {
        let s = slim(
            "<!DOCTYPE html><html lang=en><div CLASS='a b' data-x=\"1>2\" id=k onclick=f()>t</div>\
             <a href=\"/x?a=1&b=2\" title=T>l</a><img src=x.png alt=\"\"/><meta name=description content=d>",
        )
        .unwrap();
        assert_eq!(
            s,
            "<!DOCTYPE html><html lang=en><div CLASS='a b' id=k>t</div><a href>l</a><img /><meta name=description content=d>"
        );
    }

    #[test]
    fn raw_text_and_unmodelled_parts_are_left_alone() {
        let t = "<title><b x=1></title><p y=2>a<noscript><img src=1></noscript><select><p z=3></select>";
        assert_eq!(
            slim(t).unwrap(),
            "<title><b x=1></title><p>a<noscript><img src=1></noscript><select><p z=3></select>"
        );
        assert!(slim("<!-- c --><p x=1>").is_none());
        assert!(slim("<p class=a>").is_none());
        // A tag the input ends inside is dropped by the tokenizer: untouched.
        assert!(slim("<p x=1").is_none());
    }

    #[test]
    fn white_space_is_squeezed_outside_pre() {
        let s = slim("<div>\n    <p>a  b\t\tc</p>\r\n\t<PRE>  x\n\n  <b>y  z</b></PRE>  <p>d \n e</p></div>").unwrap();
        assert_eq!(s, "<div>\n<p>a b c</p>\n<PRE>  x\n\n  <b>y  z</b></PRE> <p>d\ne</p></div>");
        // Raw text is not touched; an unclosed <pre> keeps the rest as it is.
        assert_eq!(
            slim("<title> a  b </title><textarea>  x  </textarea>  <p>y</p>").unwrap(),
            "<title> a  b </title><textarea>  x  </textarea> <p>y</p>"
        );
        assert_eq!(slim("<p>a  b</p><pre>c  d<p>e  f").unwrap(), "<p>a b</p><pre>c  d<p>e  f");
    }

    #[test]
    fn only_the_meta_tags_the_walk_reads_stay() {
        let s = slim(
            "<meta charset=utf-8><meta name=\"viewport\" content=\"w\"><meta property='og:description' content='d'>\
             <META NAME=Description CONTENT=e><meta property=\"article:tag\" content=t><meta name=\"og&#58;title\" content=f>\
             <meta property=\"og:type\" content=article><meta name=\" twitter:title \" content=g>",
        )
        .unwrap();
        assert_eq!(
            s,
            "<meta property='og:description' content='d'><META NAME=Description CONTENT=e>\
             <meta name=\"og&#58;title\" content=f><meta property=\"og:type\" content=article>\
             <meta name=\" twitter:title \" content=g>"
        );
    }

    #[test]
    fn stripped_markup_parses_to_the_same_blocks() {
        let page = "<html><body><div class=\"main\" data-a='x' style=\"color:red\"><p title=\"a>b\" id=p1>Hello \
                    <a href=/x rel=nofollow>world</a></p><p hidden data-b=1>gone</p><p aria-hidden=true x=y>no</p>\
                    <img src=a.png/><p class=x y=\"z\"/>z</div><textarea x=1>q</textarea></body></html>";
        let a = crate::segment::html::segment(page, false);
        let stripped = slim(page).unwrap();
        assert!(stripped.len() < page.len());
        let b = crate::segment::html::segment(&stripped, false);
        let key = |p: &crate::block::Page| {
            p.blocks.iter().map(|x| (x.text.clone(), x.link_chars, x.attr_score)).collect::<Vec<_>>()
        };
        assert_eq!(key(&a), key(&b));
    }
}
