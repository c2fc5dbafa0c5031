//! Flat text → blocks.
//!
//! Scraped text comes in two shapes: one block per line (what most scrapers
//! dump) or hard-wrapped paragraphs separated by blank lines (mail, plain-text
//! archives). Lines are blocks in the first case; in the second, the lines
//! of a paragraph are joined first. Either way the blocks are the same type
//! the HTML segmenter makes, with neutral DOM evidence.

use crate::block::{Block, Kind, Page};

/// Whether the text is hard-wrapped: it has blank-line paragraphs, and most
/// lines of multi-line paragraphs are of similar, medium length and do not
/// end a sentence. (Text without blank lines is a one-block-per-line dump.)
fn hard_wrapped(lines: &[&str]) -> bool {
    if !lines.iter().any(|l| l.trim().is_empty()) {
        return false;
    }
    let mut in_para = 0usize;
    let mut wrapped = 0usize;
    for (i, l) in lines.iter().enumerate() {
        let next_nonblank = lines.get(i + 1).is_some_and(|n| !n.trim().is_empty());
        let t = l.trim_end();
        if t.is_empty() || !next_nonblank {
            continue;
        }
        in_para += 1;
        let n = t.chars().count();
        if (40..=100).contains(&n) && !t.ends_with(['.', '!', '?', ':', '"', '”']) {
            wrapped += 1;
        }
    }
    in_para >= 4 && wrapped * 10 >= in_para * 6
}

/// A line that reads like a list item: a bullet or a number with a dot.
pub(crate) fn is_item(line: &str) -> bool {
    let t = line.trim_start();
    if t.starts_with(['•', '·', '▪', '◦', '‣', '–']) || t.starts_with("- ") || t.starts_with("* ") {
        return true;
    }
    let digits = t.chars().take_while(|c| c.is_ascii_digit()).count();
    digits > 0 && digits <= 3 && t[digits..].starts_with([')', '.']) && t[digits + 1..].starts_with(' ')
}

/// Segment flat text into blocks.
pub fn segment(text: &str) -> Page {
    let lines: Vec<&str> = text.lines().collect();
    let wrapped = hard_wrapped(&lines);
    let mut blocks = Vec::new();
    let mut gap = false;
    let mut para = 0usize;
    let mut cur = String::new();
    let push = |blocks: &mut Vec<Block>, s: String, gap: bool, para: usize| {
        let kind = if s.contains('\t') {
            Kind::Cell
        } else if is_item(&s) {
            Kind::Item
        } else {
            Kind::Para
        };
        let clean: String = if kind == Kind::Cell {
            s.split('\t').map(|c| c.split_whitespace().collect::<Vec<_>>().join(" ")).collect::<Vec<_>>().join("\t")
        } else {
            s.split_whitespace().collect::<Vec<_>>().join(" ")
        };
        if clean.chars().any(char::is_alphanumeric) {
            blocks.push(Block::line(clean, kind, para, gap));
        }
    };
    for line in &lines {
        let t = line.trim();
        if t.is_empty() {
            if !cur.is_empty() {
                push(&mut blocks, std::mem::take(&mut cur), gap, para);
            }
            gap = true;
            para += 1;
            continue;
        }
        if wrapped && !is_item(t) {
            if !cur.is_empty() {
                cur.push(' ');
            }
            cur.push_str(t);
            continue;
        }
        if !cur.is_empty() {
            push(&mut blocks, std::mem::take(&mut cur), gap, para);
            gap = false;
        }
        push(&mut blocks, t.to_string(), gap, para);
        gap = false;
    }
    if !cur.is_empty() {
        push(&mut blocks, cur, gap, para);
    }
    Page { blocks, ..Page::default() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_blocks() {
        let p = segment("Home » News\n\nTitle\nFirst paragraph.\n  \nSecond.\n");
        let t: Vec<&str> = p.blocks.iter().map(|b| b.text.as_str()).collect();
        assert_eq!(t, ["Home » News", "Title", "First paragraph.", "Second."]);
        let gaps: Vec<bool> = p.blocks.iter().map(|b| b.gap_before).collect();
        assert_eq!(gaps, [false, true, false, true]);
        assert!(!p.blocks[0].has_dom);
    }

    #[test]
    fn hard_wrapped_paragraphs_are_joined() {
        let para = "This paragraph was wrapped at a fixed width by some old\n\
                    mail program so that every line is of similar length and\n\
                    the sentences run on across line breaks without a care\n\
                    for where they end, which is typical of plain text files.\n";
        let text = format!("{para}\n{para}");
        let p = segment(&text);
        assert_eq!(p.blocks.len(), 2);
        assert!(p.blocks[0].text.starts_with("This paragraph was wrapped at a fixed width by some old mail"));
    }

    #[test]
    fn items_and_rows_are_recognised() {
        let p = segment("- first\n2. second\nName\tValue\n2024 was good.\n");
        let k: Vec<Kind> = p.blocks.iter().map(|b| b.kind).collect();
        assert_eq!(k, [Kind::Item, Kind::Item, Kind::Cell, Kind::Para]);
    }
}
