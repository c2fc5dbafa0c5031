//! The learned scorer's view of a block: a fixed-length vector of numbers.
//!
//! Every feature is language-neutral or normalised per document (stopword
//! density relative to the page's own median, positions relative to the
//! page), so a model trained on mostly English pages does not learn English.
//! The names are part of the model file's contract: `train/train.py` writes
//! them into the model, and [`crate::model`] refuses a model whose names do
//! not match these.

use crate::block::{Kind, Page};
use crate::classify::{Analysis, Class};
use crate::lang::Lang;

/// The boilerplate kinds that get a one-hot feature each (directory names
/// under `rules/phrases/`). A kind not listed here still counts in `hit_any`.
pub const HIT_KINDS: &[&str] = &[
    "cookie",
    "comments",
    "related",
    "share",
    "newsletter",
    "login",
    "legal",
    "byline",
    "caption",
    "nav",
    "ads",
    "paywall",
    "shop",
];

/// Features of one block that its neighbours see too.
const NEIGHBOUR: &[&str] = &["log_chars", "stop", "ld", "heading", "hard", "rule_keep"];
/// What the blocks two and three away contribute.
const FAR: &[&str] = &["log_chars", "stop", "ld", "rule_keep"];
/// Half-width of the window the context statistics are taken over.
const WIDE: usize = 5;

/// Feature names, in vector order.
pub fn names() -> Vec<String> {
    let mut v: Vec<String> = [
        "log_chars",
        "log_words",
        "stop",
        "stop_rel",
        "ld",
        "ends_sentence",
        "heading",
        "item",
        "quote",
        "pre",
        "cell",
        "caption",
        "punct",
        "digits",
        "upper",
        "code",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    v.extend(HIT_KINDS.iter().map(|k| format!("hit_{k}")));
    v.extend(
        [
            "hit_any",
            "crumb",
            "log_repeats",
            "title",
            "attr",
            "chrome",
            "in_main",
            "in_article",
            "depth",
            "ctx_ld",
            "log_ctx_chars",
            "region_score",
            "pos",
            "pos_chars",
            "main_dist",
            "before_title",
            "listing",
            "log_blocks",
            "log_doc_chars",
            "lang_known",
            "rule_initial",
            "rule_keep",
            "has_dom",
            "gap_before",
            "group_share",
            "ld_json",
            "page_article",
            "page_product",
            "page_list",
            "page_discussion",
        ]
        .iter()
        .map(|s| s.to_string()),
    );
    for side in ["prev", "next"] {
        v.extend(NEIGHBOUR.iter().map(|n| format!("{side}_{n}")));
    }
    for side in ["prev2", "next2", "prev3", "next3"] {
        v.extend(FAR.iter().map(|n| format!("{side}_{n}")));
    }
    v.extend(
        ["win_log_chars", "win_stop", "win_rule_keep", "win_hard", "win_code", "short_run", "main_pos"]
            .iter()
            .map(|s| s.to_string()),
    );
    v
}

/// A row's length, and where its neighbour features start (they come last,
/// but for `main_pos`): read from [`names`] once, not per page.
fn layout() -> (usize, usize) {
    static LAYOUT: std::sync::OnceLock<(usize, usize)> = std::sync::OnceLock::new();
    *LAYOUT.get_or_init(|| {
        let names = names();
        (names.len(), names.iter().position(|s| s == "prev_log_chars").unwrap_or(0))
    })
}

/// How much `text` reads like program code rather than prose, 0 to 1: the
/// share of its characters that are code syntax (brackets, `=`, `;`, `<>`,
/// `$`, `_`, backslashes, `#`, `|`) and whether it ends like a statement or
/// opens a block. Prose has almost none of them; a line of code is full of
/// them. For flat text, where no `<pre>` says so.
pub(crate) fn code_share(text: &str) -> f32 {
    let mut syntax = 0usize;
    let mut all = 0usize;
    for c in text.chars() {
        if c.is_whitespace() {
            continue;
        }
        all += 1;
        if matches!(c, '{' | '}' | '[' | ']' | '(' | ')' | '=' | ';' | '<' | '>' | '$' | '_' | '\\' | '#' | '|' | '`') {
            syntax += 1;
        }
    }
    if all == 0 {
        return 0.0;
    }
    let t = text.trim_end();
    let shape = f32::from(t.ends_with([';', '{', '}', ')', ']', ',']) && !t.ends_with(".)"));
    (syntax as f32 / all as f32 * 4.0).min(1.0) * 0.7 + shape * 0.3
}

fn ln(x: usize) -> f32 {
    (x as f32).ln_1p()
}

fn class_num(c: Class) -> f32 {
    match c {
        Class::Bad => 0.0,
        Class::Short => 1.0,
        Class::NearGood => 2.0,
        Class::Good => 3.0,
    }
}

/// One row per block, `names().len()` numbers each.
pub fn vectors(page: &Page, lang: Lang, a: &Analysis) -> Vec<Vec<f32>> {
    let blocks = &page.blocks;
    let n = blocks.len();
    let total_chars: usize = a.feats.iter().map(|f| f.chars).sum::<usize>().max(1);
    let title_at = (0..n).find(|&i| a.feats[i].title && blocks[i].kind.is_heading());
    let main_idx: Vec<usize> = (0..n).filter(|&i| a.in_main[i]).collect();
    let mut group_chars: rustc_hash::FxHashMap<usize, usize> = rustc_hash::FxHashMap::default();
    for (b, f) in blocks.iter().zip(&a.feats) {
        *group_chars.entry(b.group).or_default() += f.chars;
    }
    let ld_body: Option<String> = page.ld_body.as_ref().map(|s| s.split_whitespace().collect::<Vec<_>>().join(" "));
    // Per-block values that the block's neighbours read too, computed once.
    let lnc: Vec<f32> = a.feats.iter().map(|f| ln(f.chars)).collect();
    let code: Vec<f32> = blocks.iter().map(|b| code_share(&b.text)).collect();
    // Distance to the nearest block of the main region (n when none).
    let mut main_near = vec![n; n];
    let mut last = None;
    for (i, (near, &inside)) in main_near.iter_mut().zip(&a.in_main).enumerate() {
        if inside {
            last = Some(i);
        }
        if let Some(m) = last {
            *near = i - m;
        }
    }
    let mut next = None;
    for (i, (near, &inside)) in main_near.iter_mut().zip(&a.in_main).enumerate().rev() {
        if inside {
            next = Some(i);
        }
        if let Some(m) = next {
            *near = (*near).min(m - i);
        }
    }
    // Length of the run of short blocks each block is part of (0: not short).
    let short = |j: usize| a.feats[j].chars < crate::classify::LENGTH_LOW;
    let mut runs = vec![0usize; n];
    let mut i = 0;
    while i < n {
        if !short(i) {
            i += 1;
            continue;
        }
        let start = i;
        while i < n && short(i) {
            i += 1;
        }
        runs[start..i].fill(i - start);
    }
    let (width, own) = layout();
    let mut rows = Vec::with_capacity(n);
    let mut chars_before = 0usize;
    // Ablation without context: the scorer sees no neighbour at all.
    let blind = crate::ablate::off(crate::ablate::Source::Context);
    for (i, b) in blocks.iter().enumerate() {
        let f = &a.feats[i];
        let t = &b.text;
        let (mut punct, mut digits, mut letters, mut upper) = (0usize, 0usize, 0usize, 0usize);
        for c in t.chars() {
            if matches!(c, ',' | '.' | ';' | ':' | '!' | '?' | '、' | '。' | '，') {
                punct += 1;
            } else if c.is_ascii_digit() {
                digits += 1;
            } else if c.is_alphabetic() {
                letters += 1;
                if c.is_uppercase() {
                    upper += 1;
                }
            }
        }
        let nc = f.chars.max(1) as f32;
        let mut r: Vec<f32> = Vec::with_capacity(width);
        r.extend([
            lnc[i],
            ln(f.words),
            f.stop,
            if a.median_stop > 0.0 { (f.stop / a.median_stop).min(3.0) } else { 1.0 },
            f.ld,
            f32::from(crate::classify::ends_sentence(t)),
            match b.kind {
                Kind::Heading(l) => l as f32,
                _ => 0.0,
            },
            f32::from(b.kind == Kind::Item),
            f32::from(b.kind == Kind::Quote),
            f32::from(b.kind == Kind::Pre),
            f32::from(b.kind == Kind::Cell),
            f32::from(b.kind == Kind::Caption),
            punct as f32 / nc,
            digits as f32 / nc,
            if letters > 0 { upper as f32 / letters as f32 } else { 0.0 },
            code[i],
        ]);
        r.extend(HIT_KINDS.iter().map(|k| f32::from(f.hit == Some(*k))));
        let main_dist = if a.in_main[i] || main_idx.is_empty() { 0.0 } else { main_near[i] as f32 / n as f32 };
        let in_ld = match &ld_body {
            Some(body) if f.chars >= 20 => f32::from(body.contains(t.as_str())),
            Some(_) => 0.0,
            None => -1.0,
        };
        r.extend([
            f32::from(f.hit.is_some()),
            f32::from(f.crumb),
            ln(f.repeats.saturating_sub(1)),
            f32::from(f.title),
            b.attr_score as f32 / 40.0,
            f32::from(b.in_chrome),
            f32::from(a.in_main[i]),
            f32::from(b.dom.in_article),
            b.dom.depth as f32 / 50.0,
            if b.dom.ctx_chars > 0 { b.dom.ctx_links as f32 / b.dom.ctx_chars as f32 } else { 0.0 },
            ln(b.dom.ctx_chars as usize),
            b.dom.region_score,
            i as f32 / n as f32,
            chars_before as f32 / total_chars as f32,
            main_dist,
            title_at.map_or(0.0, |h| f32::from(i < h)),
            f32::from(a.listing),
            ln(n),
            ln(total_chars),
            f32::from(lang.known()),
            class_num(a.initial[i]),
            f32::from(a.decisions[i].keep),
            f32::from(b.has_dom),
            f32::from(b.gap_before),
            group_chars[&b.group] as f32 / total_chars as f32,
            in_ld,
            f32::from(page.declared.article),
            f32::from(page.declared.product),
            f32::from(page.declared.list),
            f32::from(page.declared.discussion),
        ]);
        for j in [i.checked_sub(1), (i + 1 < n).then_some(i + 1)] {
            match j {
                Some(j) => {
                    let g = &a.feats[j];
                    r.extend([
                        lnc[j],
                        g.stop,
                        g.ld,
                        f32::from(blocks[j].kind.is_heading()),
                        f32::from(g.hard.is_some()),
                        f32::from(a.decisions[j].keep),
                    ]);
                }
                None => r.extend([0.0, 0.0, 0.0, 0.0, 1.0, 0.0]),
            }
        }
        for j in [i.checked_sub(2), i.checked_add(2), i.checked_sub(3), i.checked_add(3)] {
            match j.filter(|&j| j < n) {
                Some(j) => {
                    let g = &a.feats[j];
                    r.extend([lnc[j], g.stop, g.ld, f32::from(a.decisions[j].keep)]);
                }
                None => r.extend([0.0, 0.0, 0.0, 0.0]),
            }
        }
        // The neighbourhood at large: prose around, kept around, junk around.
        let (lo, hi) = (i.saturating_sub(WIDE), (i + WIDE + 1).min(n));
        let w = (hi - lo) as f32;
        r.push((lo..hi).map(|j| lnc[j]).sum::<f32>() / w);
        r.push((lo..hi).map(|j| a.feats[j].stop).sum::<f32>() / w);
        r.push((lo..hi).filter(|&j| a.decisions[j].keep).count() as f32 / w);
        r.push((lo..hi).filter(|&j| a.feats[j].hard.is_some()).count() as f32 / w);
        // Code around: a documentation page's examples between its prose.
        r.push((lo..hi).map(|j| code[j]).sum::<f32>() / w);
        // Length of the run of short blocks this one is part of (menus, tag lists).
        r.push(ln(runs[i]));
        // Where in the main region the block sits (0 first … 1 last; -1 outside).
        r.push(match (main_idx.first(), main_idx.last()) {
            (Some(&s), Some(&e)) if a.in_main[i] && e > s => (i - s) as f32 / (e - s) as f32,
            _ => -1.0,
        });
        chars_before += f.chars;
        if blind {
            // (all but the last feature, the position in the main region)
            let end = r.len() - 1;
            r[own..end].iter_mut().for_each(|x| *x = 0.0);
        }
        rows.push(r);
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_reads_as_code_and_prose_as_prose() {
        for code in [
            "const name = request.query.get('name') || (await request.text());",
            "shirt_size = models.CharField(max_length=1, choices=SHIRT_SIZES)",
            "} catch (error) {",
            "<h1>Welcome to my app</h1>",
        ] {
            assert!(code_share(code) >= 0.4, "{code}: {}", code_share(code));
        }
        for prose in [
            "Packages often have optional dependencies which are packages that provide additional features.",
            "The only decision you have to make (and it is yours) is whether the parent models are models.",
            "Il a dit : « non » — et puis il est parti.",
        ] {
            assert!(code_share(prose) < 0.25, "{prose}: {}", code_share(prose));
        }
    }

    #[test]
    fn every_row_has_every_feature() {
        let page = crate::segment::html::segment(
            "<html><head><title>T</title></head><body><nav><a href=/>Home</a></nav>\
             <article><h1>T</h1><p>Some text of the article, long enough to be prose of a kind.</p></article></body></html>",
            false,
        );
        let lang = crate::lang::guess(page.blocks.iter().map(|b| b.text.as_str()), None);
        let a = crate::classify::analyze(&page, lang);
        let rows = vectors(&page, lang, &a);
        assert_eq!(rows.len(), page.blocks.len());
        for r in rows {
            assert_eq!(r.len(), names().len());
            assert!(r.iter().all(|x| x.is_finite()));
        }
    }
}
