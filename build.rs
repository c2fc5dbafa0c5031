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
