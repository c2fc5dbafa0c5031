//! Embeds every file under `rules/` into the binary, so vocabularies stay
//! reviewable data files and adding one needs no code change.

use std::fs;
use std::path::{Path, PathBuf};

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = fs::read_dir(dir) else { return };
    for e in rd.flatten() {
        let p = e.path();
        if p.is_dir() {
            walk(&p, out);
        } else if p.extension().is_some_and(|x| x == "txt") {
            out.push(p);
        }
    }
}

/// For every regex rule (`/ …` line of a `phrases/` file) that is anchored
/// at the start and has a finite set of prefix literals, those literals:
/// every match begins with one of them, so a block that starts with none of
/// them cannot match and its regex need not even be compiled. Parsing the
/// regexes here rather than at start-up is the point: parsing and compiling
/// all of them took about 0.1 s of every run. Patterns that do not parse, or
/// whose matches may start anywhere or with anything, are left out (the
/// vocabulary then compiles them eagerly, and reports bad ones).
///
/// Emitted as a byte trie of the literals: `REGEX_PATTERNS` (the indexed
/// patterns), `REGEX_TRIE` nodes `(first edge, edges, first out, outs)`,
/// `REGEX_EDGES` `(byte, child)` sorted by byte within a node, and
/// `REGEX_OUTS` (indices into `REGEX_PATTERNS` of the literals ending at a
/// node). Node 0 is the root.
fn regex_prefixes(files: &[PathBuf]) -> String {
    use regex_syntax::hir::literal::{ExtractKind, Extractor};
    use regex_syntax::hir::Look;
    use std::collections::BTreeMap;
    #[derive(Default)]
    struct Node {
        kids: BTreeMap<u8, usize>,
        outs: Vec<usize>,
    }
    let mut nodes: Vec<Node> = vec![Node::default()];
    let mut pats: Vec<String> = Vec::new();
    // Pattern, first mask, masks, lengths a match may end at (see byte_masks).
    type MaskAt = (String, usize, usize, u16);
    let (mut masks, mut mask_at): (Vec<[u64; 4]>, Vec<MaskAt>) = (Vec::new(), Vec::new());
    let mut seen = std::collections::HashSet::new();
    let mut inner_src = String::from(
        "/// Regex rules whose matches may start anywhere, each with literals one of which every match\n/// contains (see build.rs).\npub static REGEX_INNER: &[(&str, &[&str])] = &[\n",
    );
    let mut also_src = String::from(
        "/// Regex rules indexed by a short prefix, each with literals one of which every match also\n/// contains (see build.rs).\npub static REGEX_ALSO: &[(&str, &[&str])] = &[\n",
    );
    for f in files {
        let rel = f.to_string_lossy().replace('\\', "/");
        if !rel.contains("/phrases/") {
            continue;
        }
        let body = fs::read_to_string(f).unwrap();
        for raw in body.lines() {
            let Some(re) = raw.trim().strip_prefix('/') else { continue };
            let re = re.trim();
            if !seen.insert(re.to_string()) {
                continue;
            }
            let Ok(hir) = regex_syntax::ParserBuilder::new().build().parse(re) else { continue };
            if hir.properties().look_set_prefix().contains(Look::Start) {
                let (m, ends) = byte_masks(re);
                if !m.is_empty() {
                    mask_at.push((re.to_string(), masks.len(), m.len(), ends));
                    masks.extend(m);
                }
            }
            let lits = if hir.properties().look_set_prefix().contains(Look::Start) {
                let seq = Extractor::new()
                    .kind(ExtractKind::Prefix)
                    .limit_class(16)
                    .limit_repeat(16)
                    .limit_total(1000)
                    .extract(&hir);
                seq.literals()
                    .map(|l| l.to_vec())
                    .filter(|l| !l.is_empty() && l.iter().all(|x| !x.as_bytes().is_empty()))
            } else {
                None
            };
            let Some(lits) = lits else {
                if let Some(inner) = required_literals(&hir) {
                    inner_src.push_str(&format!("    ({re:?}, &["));
                    for l in inner {
                        inner_src.push_str(&format!("{:?},", String::from_utf8(l).unwrap()));
                    }
                    inner_src.push_str("]),\n");
                }
                continue;
            };
            // A prefix shorter than four bytes ("[0-9]", "x", "de ") lets
            // many blocks through: such a rule is also held to the literals
            // every match contains, when there are any ("^[0-9]+
            // (comments|replies)$").
            if lits.iter().map(|l| l.as_bytes().len()).min().unwrap_or(0) < 4 {
                if let Some(inner) = required_literals(&hir) {
                    also_src.push_str(&format!("    ({re:?}, &["));
                    for l in inner {
                        also_src.push_str(&format!("{:?},", String::from_utf8(l).unwrap()));
                    }
                    also_src.push_str("]),\n");
                }
            }
            let id = pats.len();
            pats.push(re.to_string());
            for l in lits {
                let mut n = 0;
                for &b in l.as_bytes() {
                    n = match nodes[n].kids.get(&b) {
                        Some(&k) => k,
                        None => {
                            nodes.push(Node::default());
                            let k = nodes.len() - 1;
                            nodes[n].kids.insert(b, k);
                            k
                        }
                    };
                }
                if nodes[n].outs.last() != Some(&id) {
                    nodes[n].outs.push(id);
                }
            }
        }
    }
    let mut src = String::from(
        "/// Regex rules indexed by their prefix literals (see build.rs).\npub static REGEX_PATTERNS: &[&str] = &[\n",
    );
    for p in &pats {
        src.push_str(&format!("    {p:?},\n"));
    }
    src.push_str("];\n/// Trie nodes: (first edge, edges, first out, outs).\npub static REGEX_TRIE: &[(u32, u32, u32, u32)] = &[\n");
    let (mut edges, mut outs) = (String::new(), String::new());
    let (mut ne, mut no) = (0usize, 0usize);
    for n in &nodes {
        src.push_str(&format!("({ne},{},{no},{}),", n.kids.len(), n.outs.len()));
        for (b, k) in &n.kids {
            edges.push_str(&format!("({b},{k}),"));
        }
        for o in &n.outs {
            outs.push_str(&format!("{o},"));
        }
        ne += n.kids.len();
        no += n.outs.len();
    }
    src.push_str("\n];\n/// Trie edges: (byte, child node).\npub static REGEX_EDGES: &[(u8, u32)] = &[\n");
    src.push_str(&edges);
    src.push_str("\n];\n/// Patterns whose literal ends at a node.\npub static REGEX_OUTS: &[u32] = &[\n");
    src.push_str(&outs);
    src.push_str("\n];\n");
    src.push_str("/// Patterns anchored at the start: their first byte masks in `REGEX_MASKS` (start, count),\n/// and the lengths below the count a match can have (bits).\npub static REGEX_MASK_AT: &[(&str, u32, u8, u16)] = &[\n");
    for (re, at, n, ends) in &mask_at {
        src.push_str(&format!("    ({re:?}, {at}, {n}, {ends}),\n"));
    }
    src.push_str("\n];\n/// The bytes each position of a match can hold, 256 bits each (see build.rs).\npub static REGEX_MASKS: &[[u64; 4]] = &[\n");
    for m in &masks {
        src.push_str(&format!("[{},{},{},{}],", m[0], m[1], m[2], m[3]));
    }
    src.push_str("\n];\n");
    src.push_str(&inner_src);
    src.push_str("];\n");
    src.push_str(&also_src);
    src.push_str("];\n");
    src
}

/// Positions of a match's start that [`byte_masks`] describes.
const MASK_BYTES: usize = 12;

/// For a pattern anchored at the start of the text: for each of the first
/// [`MASK_BYTES`] bytes of a match, the set of bytes it can be, as long as
/// no match can have ended before it. The prefix literals say which bytes a
/// match starts with, but a rule whose prefix is a digit or a two-letter
/// weekday ("^((montag|…|so)\.?,? )?[0-9]{1,2}\. …") is reached by every
/// block that starts with "12" or "So": on dev 179 of the 231 rules reached
/// were compiled only to fail, most of them other languages' date rules. A
/// block whose first bytes do not fit the masks cannot match, and the rule
/// is neither compiled nor run. Read off the rule's byte automaton (its
/// Thompson NFA) a step at a time, with look-arounds (`\b`, `$`) taken as
/// passing, except that past the text's end (`$`) no byte may follow: the
/// sets can only be too large, never too small. They stop at the first
/// position where a match may end with more text after it; the bits of the
/// second value are the shorter lengths a match may have when the text
/// ends there.
fn byte_masks(re: &str) -> (Vec<[u64; 4]>, u16) {
    use regex_automata::nfa::thompson::{self, State, NFA};
    use regex_automata::util::look::Look;
    use regex_automata::util::primitives::StateID;
    let config = thompson::Config::new().which_captures(thompson::WhichCaptures::None);
    let Ok(nfa) = NFA::compiler().configure(config).build(re) else { return (Vec::new(), 0) };
    // The states one step reaches through unions, captures and looks, and
    // whether a match is among them: anywhere, or only at the end of the
    // text (past a `$`, after which no byte can follow).
    let closure = |from: Vec<StateID>| -> (Vec<StateID>, bool, bool) {
        let mut stack: Vec<(StateID, bool)> = from.into_iter().map(|s| (s, false)).collect();
        let (mut seen, mut out, mut anywhere, mut at_end) =
            (std::collections::HashSet::new(), Vec::new(), false, false);
        while let Some((s, end)) = stack.pop() {
            if !seen.insert((s, end)) {
                continue;
            }
            match nfa.state(s) {
                State::ByteRange { .. } | State::Sparse(_) | State::Dense(_) => {
                    if !end {
                        out.push(s);
                    }
                }
                // Only the end of the text ends it: a multi-line `$` may be
                // followed by a line feed.
                State::Look { look, next } => stack.push((*next, end || *look == Look::End)),
                State::Capture { next, .. } => stack.push((*next, end)),
                State::Union { alternates } => stack.extend(alternates.iter().map(|&a| (a, end))),
                State::BinaryUnion { alt1, alt2 } => stack.extend([(*alt1, end), (*alt2, end)]),
                State::Match { .. } if end => at_end = true,
                State::Match { .. } => anywhere = true,
                State::Fail => {}
            }
        }
        out.sort();
        out.dedup();
        (out, anywhere, at_end)
    };
    let mut masks = Vec::new();
    let mut ends = 0u16;
    let (mut cur, mut anywhere, at_end) = closure(vec![nfa.start_anchored()]);
    if at_end {
        ends |= 1;
    }
    while !anywhere && !cur.is_empty() && masks.len() < MASK_BYTES {
        let mut mask = [0u64; 4];
        let mut next = Vec::new();
        let mut add = |lo: u8, hi: u8, to: StateID| {
            for b in lo..=hi {
                mask[usize::from(b >> 6)] |= 1 << (b & 63);
            }
            next.push(to);
        };
        for &s in &cur {
            match nfa.state(s) {
                State::ByteRange { trans } => add(trans.start, trans.end, trans.next),
                State::Sparse(sp) => sp.transitions.iter().for_each(|t| add(t.start, t.end, t.next)),
                State::Dense(d) => {
                    for (b, &to) in d.transitions.iter().enumerate() {
                        if to != StateID::ZERO {
                            add(b as u8, b as u8, to);
                        }
                    }
                }
                _ => {}
            }
        }
        masks.push(mask);
        let at_end;
        (cur, anywhere, at_end) = closure(next);
        if at_end {
            ends |= 1 << masks.len();
        }
    }
    (masks, ends)
}

/// Literals one of which every match of `hir` contains, when there is such
/// a set worth searching for (each literal at least [`MIN_INNER`] bytes):
/// "^.*we reserve the right to …" matches only text that contains "we
/// reserve the right to ". In a sequence, each element offers two sets:
/// the prefix literals of the sequence from that element on (a match of the
/// whole contains a match of that part), and what the element itself must
/// contain (a group, a repeat of at least one); of all of them the set whose
/// shortest literal is longest (then the one with fewest literals) is taken.
/// An alternation needs a set for each branch, and is their union.
fn required_literals(hir: &regex_syntax::hir::Hir) -> Option<Vec<Vec<u8>>> {
    use regex_syntax::hir::literal::{ExtractKind, Extractor};
    use regex_syntax::hir::{Hir, HirKind};
    /// Shorter literals match too often to be worth an extra search.
    const MIN_INNER: usize = 4;
    let prefixes = |h: &Hir| -> Option<Vec<Vec<u8>>> {
        let seq = Extractor::new()
            .kind(ExtractKind::Prefix)
            .limit_class(16)
            .limit_repeat(16)
            .limit_literal_len(64)
            .limit_total(256)
            .extract(h);
        // A literal cut at the length limit may end inside a character
        // (Georgian letters take three bytes): its whole characters are
        // still in every match, and the generated table holds strings.
        let whole = |b: &[u8]| match std::str::from_utf8(b) {
            Ok(_) => b.to_vec(),
            Err(e) => b[..e.valid_up_to()].to_vec(),
        };
        let lits: Vec<Vec<u8>> = seq.literals()?.iter().map(|l| whole(l.as_bytes())).collect();
        (!lits.is_empty() && lits.iter().all(|l| l.len() >= MIN_INNER)).then_some(lits)
    };
    match hir.kind() {
        HirKind::Capture(c) => required_literals(&c.sub),
        HirKind::Alternation(branches) => {
            let mut all = Vec::new();
            for b in branches {
                all.extend(required_literals(b)?);
            }
            all.sort();
            all.dedup();
            Some(all)
        }
        HirKind::Repetition(r) if r.min >= 1 => required_literals(&r.sub),
        HirKind::Concat(parts) => {
            let mut best: Option<Vec<Vec<u8>>> = None;
            for i in 0..parts.len() {
                // What the rest of the sequence starts with, or what this
                // element holds somewhere.
                let rest = Hir::concat(parts[i..].to_vec());
                for found in [prefixes(&rest), required_literals(&parts[i])] {
                    let Some(mut lits) = found else { continue };
                    lits.sort();
                    lits.dedup();
                    let key = |l: &Vec<Vec<u8>>| (l.iter().map(Vec::len).min().unwrap_or(0), usize::MAX - l.len());
                    if best.as_ref().is_none_or(|b| key(&lits) > key(b)) {
                        best = Some(lits);
                    }
                }
            }
            best
        }
        _ => prefixes(hir),
    }
}

/// Letter n-gram probabilities for restoring lost characters, derived from
/// the language models of the `lingua` language detector (Apache-2.0, one
/// crate per language, trained on the Leipzig Corpora Collection). Those
/// hold ln P(last letter | the letters before it) for every 1- to 5-gram of
/// letters seen in each language. Kept: every n-gram up to [`LETTER_ORDER`]
/// letters that has a letter outside ASCII (the only letters a `?` or U+FFFD
/// can stand for) and the ASCII n-grams up to 3 letters (the backoff once
/// the lost letter has left the context). Written as one `fst` map, keyed by
/// language code then the n-gram backwards (last letter first), valued by
/// -ln P in eighths of a nat. Also
/// `letters.rs`: each language's own letters outside ASCII, most frequent
/// first (the candidates for a lost letter when the batch is too small to
/// have its own).
fn letter_model(out: &Path) {
    use fst::Streamer;
    /// Longest n-gram kept, the models' own. Stopping at 4 would shrink the
    /// table from 12 to 5 MB and cost 0.010 on realtext-dev (0.881 →
    /// 0.871, `bench/repair.sh`).
    const LETTER_ORDER: usize = 5;
    let langs: [(&str, &include_dir::Dir<'static>); 21] = [
        ("ca", &lingua_catalan_language_model::CATALAN_MODELS_DIRECTORY),
        ("cs", &lingua_czech_language_model::CZECH_MODELS_DIRECTORY),
        ("da", &lingua_danish_language_model::DANISH_MODELS_DIRECTORY),
        ("de", &lingua_german_language_model::GERMAN_MODELS_DIRECTORY),
        ("en", &lingua_english_language_model::ENGLISH_MODELS_DIRECTORY),
        ("es", &lingua_spanish_language_model::SPANISH_MODELS_DIRECTORY),
        ("fi", &lingua_finnish_language_model::FINNISH_MODELS_DIRECTORY),
        ("fr", &lingua_french_language_model::FRENCH_MODELS_DIRECTORY),
        ("hr", &lingua_croatian_language_model::CROATIAN_MODELS_DIRECTORY),
        ("hu", &lingua_hungarian_language_model::HUNGARIAN_MODELS_DIRECTORY),
        ("id", &lingua_indonesian_language_model::INDONESIAN_MODELS_DIRECTORY),
        ("it", &lingua_italian_language_model::ITALIAN_MODELS_DIRECTORY),
        ("nl", &lingua_dutch_language_model::DUTCH_MODELS_DIRECTORY),
        ("no", &lingua_bokmal_language_model::BOKMAL_MODELS_DIRECTORY),
        ("pl", &lingua_polish_language_model::POLISH_MODELS_DIRECTORY),
        ("pt", &lingua_portuguese_language_model::PORTUGUESE_MODELS_DIRECTORY),
        ("ro", &lingua_romanian_language_model::ROMANIAN_MODELS_DIRECTORY),
        ("sk", &lingua_slovak_language_model::SLOVAK_MODELS_DIRECTORY),
        ("sl", &lingua_slovene_language_model::SLOVENE_MODELS_DIRECTORY),
        ("sv", &lingua_swedish_language_model::SWEDISH_MODELS_DIRECTORY),
        ("tr", &lingua_turkish_language_model::TURKISH_MODELS_DIRECTORY),
    ];
    let mut b = fst::MapBuilder::memory();
    let mut alphabets = String::from(
        "/// Per language: its letters outside ASCII, most frequent first.\npub(crate) static ALPHABETS: &[(&str, &str)] = &[\n",
    );
    let mut grams: Vec<(Vec<u8>, u64)> = Vec::new();
    for (code, dir) in langs {
        let mut letters: Vec<(u64, char)> = Vec::new();
        let file = dir.get_file("ngrams.fst").expect("lingua model without ngrams.fst");
        let map = fst::Map::new(file.contents()).expect("lingua ngrams.fst is not an fst map");
        let mut s = map.stream();
        while let Some((k, v)) = s.next() {
            let Ok(g) = std::str::from_utf8(k) else { continue };
            let n = g.chars().count();
            if n > LETTER_ORDER || g.is_ascii() && n > 3 {
                continue;
            }
            let q = (-f64::from_bits(v) * 8.0).round().clamp(0.0, 255.0) as u64;
            // The language's own letters: a unigram share of at least
            // 1/10,000 (-ln P <= 9.2 nats), which leaves out the letters of
            // foreign names.
            if n == 1 && !g.is_ascii() && q <= 74 {
                letters.push((q, g.chars().next().unwrap()));
            }
            // The n-gram backwards (the predicted letter first, then its
            // context from the nearest letter back): one walk down the map
            // then finds every order of a context at once.
            let mut key = code.as_bytes().to_vec();
            for ch in g.chars().rev() {
                key.extend_from_slice(ch.encode_utf8(&mut [0; 4]).as_bytes());
            }
            grams.push((key, q));
        }
        grams.sort();
        for (key, q) in grams.drain(..) {
            b.insert(&key, q).expect("reversed n-grams sorted");
        }
        letters.sort();
        let letters: String = letters.iter().map(|x| x.1).collect();
        alphabets.push_str(&format!("    ({code:?}, {letters:?}),\n"));
    }
    alphabets.push_str("];\n");
    fs::write(out.join("letters.rs"), alphabets).unwrap();
    fs::write(out.join("letters.fst"), b.into_inner().unwrap()).unwrap();
}

fn main() {
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap()).join("rules");
    println!("cargo:rerun-if-changed=rules");
    let mut files = Vec::new();
    walk(&root, &mut files);
    files.sort();
    let mut src = String::from("/// Every rules file, as (path under rules/, contents), sorted by path.\npub static RULES: &[(&str, &str)] = &[\n");
    for f in &files {
        println!("cargo:rerun-if-changed={}", f.display());
        let rel = f.strip_prefix(&root).unwrap().to_string_lossy().replace('\\', "/");
        src.push_str(&format!("    ({:?}, include_str!({:?})),\n", rel, f.display().to_string()));
    }
    src.push_str("];\n");
    src.push_str(&regex_prefixes(&files));
    let out_dir = PathBuf::from(std::env::var("OUT_DIR").unwrap());
    fs::write(out_dir.join("rules.rs"), src).unwrap();

    // The learned scorer's models (train/train.py), when present.
    let models = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap()).join("models");
    println!("cargo:rerun-if-changed=models");
    let mut src = String::new();
    for (name, file) in [("HTML_MODEL", "html.model"), ("TEXT_MODEL", "text.model")] {
        let p = models.join(file);
        println!("cargo:rerun-if-changed={}", p.display());
        if p.exists() {
            src.push_str(&format!(
                "/// Embedded model file.\nconst {name}: Option<&str> = Some(include_str!({:?}));\n",
                p.display().to_string()
            ));
        } else {
            src.push_str(&format!("/// No model shipped for this mode.\nconst {name}: Option<&str> = None;\n"));
        }
    }
    fs::write(out_dir.join("models.rs"), src).unwrap();

    letter_model(&out_dir);
}
