//! The make pipeline on a copy of the sample corpus: a second `make`
//! rebuilds nothing, touching one raw file rebuilds only its output, and
//! `make -j4` gives the same bytes as `make -j1`.
//!
//! Runs the test build of the binary (`SCOUR=…`), so no cargo is needed
//! inside the test. Skipped with a message when `make` is not installed.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, SystemTime};

fn have_make() -> bool {
    Command::new("make").arg("--version").output().is_ok_and(|o| o.status.success())
}

fn setup() -> tempfile::TempDir {
    let t = tempfile::tempdir().unwrap();
    std::fs::copy("Makefile", t.path().join("Makefile")).unwrap();
    let raw = t.path().join("corpus/raw");
    std::fs::create_dir_all(&raw).unwrap();
    for e in std::fs::read_dir("corpus/raw").unwrap() {
        let p = e.unwrap().path();
        std::fs::copy(&p, raw.join(p.file_name().unwrap())).unwrap();
    }
    t
}

fn make(dir: &Path, args: &[&str]) -> String {
    let o = Command::new("make")
        .arg("-C")
        .arg(dir)
        .arg(format!("SCOUR={}", env!("CARGO_BIN_EXE_scour")))
        .args(args)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&o.stdout).into_owned() + &String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "make {args:?} failed:\n{text}");
    text
}

fn outputs(dir: &Path) -> Vec<(PathBuf, SystemTime, Vec<u8>)> {
    let mut v: Vec<_> = std::fs::read_dir(dir.join("corpus/clean"))
        .unwrap()
        .map(|e| {
            let p = e.unwrap().path();
            let m = std::fs::metadata(&p).unwrap().modified().unwrap();
            let b = std::fs::read(&p).unwrap();
            (p, m, b)
        })
        .collect();
    v.sort();
    v
}

#[test]
fn make_pipeline_is_incremental_and_deterministic() {
    if !have_make() {
        eprintln!("make is not installed: skipping the make pipeline test");
        return;
    }
    let t = setup();
    let n_raw = std::fs::read_dir(t.path().join("corpus/raw")).unwrap().count();
    make(t.path(), &[]);
    let first = outputs(t.path());
    assert_eq!(first.len(), n_raw, "one output per raw document");
    assert!(first.iter().any(|(_, _, b)| !b.is_empty()));

    // Second run: nothing to do.
    let again = make(t.path(), &[]);
    assert!(!again.contains(env!("CARGO_BIN_EXE_scour")), "second make ran scour:\n{again}");
    assert_eq!(outputs(t.path()), first);

    // Touch one raw file: only its output is rebuilt.
    std::thread::sleep(Duration::from_millis(1100));
    let raw = t.path().join("corpus/raw/une-plume-du-mali-scraped.txt");
    let f = std::fs::File::options().append(true).open(&raw).unwrap();
    f.set_modified(SystemTime::now()).unwrap();
    drop(f);
    let log = make(t.path(), &[]);
    assert_eq!(log.matches(env!("CARGO_BIN_EXE_scour")).count(), 1, "{log}");
    let after = outputs(t.path());
    for ((p0, m0, b0), (p1, m1, b1)) in first.iter().zip(&after) {
        assert_eq!(p0, p1);
        assert_eq!(b0, b1);
        let rebuilt = p1.file_name().unwrap() == "une-plume-du-mali-scraped.txt";
        assert_eq!(m1 != m0, rebuilt, "{}", p1.display());
    }

    // A parallel build from scratch gives the same bytes.
    std::fs::remove_dir_all(t.path().join("corpus/clean")).unwrap();
    make(t.path(), &["-j4"]);
    let par: Vec<_> = outputs(t.path()).into_iter().map(|(p, _, b)| (p, b)).collect();
    let seq: Vec<_> = first.into_iter().map(|(p, _, b)| (p, b)).collect();
    assert_eq!(par, seq);
}
