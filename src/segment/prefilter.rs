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

/// End of an element that may nest (`<svg>` in `<svg>`), from just after its
/// start tag.
fn find_nested_end(b: &[u8], from: usize, name: &[u8]) -> usize {
    let mut depth = 1usize;
    let mut i = from;
    while let Some(p) = memchr::memchr(b'<', &b[i..]) {
        let at = i + p;
        let closing = b.get(at + 1) == Some(&b'/');
        let n = at + 1 + usize::from(closing);
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
    b.len()
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
        out.extend_from_slice(&b[*copied..from]);
        *copied = to;
    };

    while let Some(p) = memchr::memchr(b'<', &b[i..]) {
        let at = i + p;
        let rest = &b[at..];
        if rest.starts_with(b"<!--") {
            let end = memchr::memmem::find(&b[at + 4..], b"-->").map_or(b.len(), |q| at + 4 + q + 3);
            cut(&mut out, &mut copied, at, end);
            cut_any = true;
            i = end;
            continue;
        }
        let closing = rest.get(1) == Some(&b'/');
        let name_start = at + 1 + usize::from(closing);
        let name_len = b[name_start..].iter().take_while(|c| c.is_ascii_alphanumeric()).count();
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

#[cfg(test)]
mod tests {
    #[test]
    fn visible_text_drops_markup() {
        let t = super::visible_text("<p>caf&eacute; <b>bar</b></p><script>x</script><!-- c -->end");
        assert_eq!(t.split_whitespace().collect::<Vec<_>>(), ["caf&eacute;", "bar", "end"]);
    }

    use super::*;

    #[test]
    fn scripts_styles_svg_comments_are_cut() {
        let f = prefilter(
            "<p>a</p><script>if (x < 1) { y = '</p>'; }</script><style>p > a {}</style>\
             <!-- <p>hidden</p> --><svg><svg></svg><text>icon</text></svg><p>b</p>",
        );
        assert_eq!(f.html, "<p>a</p><p>b</p>");
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
}
