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
    let mut seen = std::collections::HashSet::new();
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
            if !hir.properties().look_set_prefix().contains(Look::Start) {
                continue;
            }
            let seq = Extractor::new()
                .kind(ExtractKind::Prefix)
                .limit_class(16)
                .limit_repeat(16)
                .limit_total(1000)
                .extract(&hir);
            let Some(lits) = seq.literals() else { continue };
            if lits.is_empty() || lits.iter().any(|l| l.as_bytes().is_empty()) {
                continue;
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
    src
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
}
