//! Many documents at once: files, directories, stdin and JSONL, in parallel.
//!
//! Documents are processed in chunks: each chunk is cleaned in parallel on
//! a rayon pool and its results are written in input order, so the output
//! bytes do not depend on the number of threads, and memory holds one chunk
//! of results, not the whole batch. A document that fails is reported as one
//! line (`scour: PATH: reason`) and the batch goes on.

use crate::output::{self, write_atomic};
use crate::repair::Lexicon;
use crate::{Cleaned, Error, Format, Options};
use rayon::prelude::*;
use serde::Serialize;
use serde_json::Value;
use std::collections::{BTreeMap, HashSet};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

/// What the inputs are.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InputKind {
    /// Sniff each document; `.jsonl`/`.ndjson` files are read as JSONL.
    Auto,
    /// Every document is HTML.
    Html,
    /// Every document is flat text.
    Text,
    /// Every input is JSONL, one document per line.
    Jsonl,
}

/// How results are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OutFormat {
    /// Paragraphs one per line.
    Txt,
    /// One JSON object per document.
    Jsonl,
}

/// Where results go.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Dest {
    /// Standard output, documents in input order.
    Stdout,
    /// A directory mirroring the input tree.
    Dir(PathBuf),
    /// One file (a single input).
    File(PathBuf),
}

/// A batch run's configuration.
#[derive(Clone, Debug)]
pub struct Config {
    /// Files, directories, or `-` for stdin.
    pub inputs: Vec<PathBuf>,
    /// Input kind.
    pub input: InputKind,
    /// Destination.
    pub dest: Dest,
    /// Output format; `None` means JSONL for JSONL input, else text.
    pub format: Option<OutFormat>,
    /// JSONL field holding each document.
    pub text_field: String,
    /// JSONL field receiving the cleaned text (default: `text_field`).
    pub output_field: Option<String>,
    /// Keep the input field when the output goes to another field.
    pub keep_input: bool,
    /// Worker threads; 0 means all cores.
    pub jobs: usize,
    /// Print every block's decision instead of the text.
    pub explain: bool,
    /// Learn a lexicon of intact words from the whole batch in a first pass
    /// (files only; stdin is read once), to restore characters lost to `?`
    /// or U+FFFD. Deterministic: counts are summed, so the lexicon does not
    /// depend on thread count or input order.
    pub batch_lexicon: bool,
    /// The per-document cleaning options.
    pub clean: Options,
}

impl Default for Config {
    /// Clean stdin to stdout, sniffing the input, on all cores.
    fn default() -> Self {
        Config {
            inputs: vec![PathBuf::from("-")],
            input: InputKind::Auto,
            dest: Dest::Stdout,
            format: None,
            text_field: "text".into(),
            output_field: None,
            keep_input: false,
            jobs: 0,
            explain: false,
            batch_lexicon: true,
            clean: Options::default(),
        }
    }
}

/// Counters for one run; the same fields every run, for dashboards.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Stats {
    /// Documents seen (JSONL records count one each).
    pub documents_in: u64,
    /// Documents cleaned.
    pub documents_ok: u64,
    /// Documents that failed (each reported on stderr).
    pub documents_failed: u64,
    /// Cleaned documents with no text left.
    pub documents_empty: u64,
    /// Input bytes of all documents.
    pub bytes_in: u64,
    /// Bytes of cleaned text written.
    pub bytes_out: u64,
    /// Blocks kept, by reason.
    pub blocks_kept: BTreeMap<String, u64>,
    /// Blocks dropped, by reason.
    pub blocks_dropped: BTreeMap<String, u64>,
    /// Repairs made, by kind.
    pub repairs: BTreeMap<String, u64>,
    /// Wall-clock seconds.
    pub seconds: f64,
    /// Input megabytes (10^6) per second, wall clock.
    pub mb_per_s: f64,
    /// Worker threads used.
    pub jobs: usize,
}

impl Stats {
    fn add(&mut self, c: &Cleaned, bytes_in: usize, bytes_out: usize) {
        self.documents_ok += 1;
        self.bytes_in += bytes_in as u64;
        self.bytes_out += bytes_out as u64;
        if c.text.is_empty() {
            self.documents_empty += 1;
        }
        for b in &c.blocks {
            let m = if b.decision.keep { &mut self.blocks_kept } else { &mut self.blocks_dropped };
            *m.entry(b.decision.reason.key()).or_default() += 1;
        }
        for r in &c.repairs {
            *self.repairs.entry(r.fix.name().to_string()).or_default() += 1;
        }
    }
}

/// A cleaned document and its input size, or why it failed.
type DocResult = Result<(Cleaned, usize), Error>;
/// A JSONL line: its output line, and the cleaned document or the reason
/// it failed.
type LineResult = (String, Result<(Cleaned, usize), String>);

/// A usage problem found before any document was read (exit status 2).
#[derive(Debug)]
pub struct UsageError(pub String);

impl std::fmt::Display for UsageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[derive(Clone, Debug)]
enum Src {
    File(PathBuf),
    Stdin,
}

#[derive(Clone, Debug)]
struct Unit {
    src: Src,
    name: String,
    out: Option<PathBuf>,
    jsonl: bool,
}

fn is_jsonl_name(p: &Path) -> bool {
    let n = p.file_name().map(|n| n.to_string_lossy().to_ascii_lowercase()).unwrap_or_default();
    let n = n.strip_suffix(".gz").unwrap_or(&n);
    n.ends_with(".jsonl") || n.ends_with(".ndjson")
}

/// The output file name for an input file name: known extensions are
/// replaced (`page.html.gz` → `page.txt`).
fn out_name(rel: &Path, ext: &str) -> PathBuf {
    let mut name = rel.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    if let Some(s) = name.strip_suffix(".gz") {
        name = s.to_string();
    }
    for e in [".html", ".htm", ".xhtml", ".shtml", ".txt", ".text", ".jsonl", ".ndjson", ".json"] {
        if name.len() > e.len() && name.to_ascii_lowercase().ends_with(e) {
            name.truncate(name.len() - e.len());
            break;
        }
    }
    rel.with_file_name(format!("{name}.{ext}"))
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> io::Result<()> {
    let mut entries: Vec<_> = std::fs::read_dir(dir)?.collect::<Result<_, _>>()?;
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        if e.file_name().to_string_lossy().starts_with('.') {
            continue;
        }
        let p = e.path();
        let ft = e.file_type()?;
        if ft.is_dir() || ft.is_symlink() && p.is_dir() {
            walk(&p, out)?;
        } else if p.is_file() {
            out.push(p);
        }
    }
    Ok(())
}

/// Run a batch. Errors for single documents go to `err` as they are met;
/// only usage errors abort. Returns the run's statistics.
pub fn run(cfg: &Config, out: &mut dyn Write, err: &mut dyn Write) -> Result<Stats, UsageError> {
    let start = Instant::now();
    let mut stats = Stats::default();
    let units = plan(cfg, &mut stats, err)?;
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(cfg.jobs)
        .build()
        .map_err(|e| UsageError(format!("cannot start worker threads: {e}")))?;
    stats.jobs = pool.current_num_threads();
    let with_lexicon;
    let cfg = match learn_batch_lexicon(cfg, &units, &pool) {
        Some(lex) => {
            let mut c = cfg.clone();
            c.clean.lexicons.insert(0, Arc::new(lex));
            with_lexicon = c;
            &with_lexicon
        }
        None => cfg,
    };
    {
        let chunk = (stats.jobs * 8).max(16);
        let docs: Vec<&Unit> = units.iter().filter(|u| !u.jsonl).collect();
        let mut wrote_any = false;
        for group in docs.chunks(chunk) {
            let results: Vec<(DocResult, Option<String>)> = pool.install(|| {
                group
                    .par_iter()
                    .map(|u| {
                        let r = read_unit(u, cfg.clean.max_bytes).and_then(|b| {
                            let n = b.len();
                            crate::clean(&b, &cfg.clean).map(|c| (c, n))
                        });
                        let rendered = match &r {
                            Ok((c, _)) => Some(render_doc(cfg, u, c)),
                            Err(_) => None,
                        };
                        (r, rendered)
                    })
                    .collect()
            });
            for (u, (r, rendered)) in group.iter().zip(results) {
                stats.documents_in += 1;
                match (r, rendered) {
                    (Ok((c, n)), Some(text)) => match deliver(cfg, u, &text, out, &mut wrote_any) {
                        Ok(()) => stats.add(&c, n, text.len()),
                        Err(e) => fail(&mut stats, err, &u.name, &e.to_string()),
                    },
                    (Err(e), _) => fail(&mut stats, err, &u.name, &e.to_string()),
                    (Ok(_), None) => unreachable!(),
                }
            }
        }
        for u in units.iter().filter(|u| u.jsonl) {
            run_jsonl(cfg, &pool, u, &mut stats, out, err);
        }
    }
    stats.seconds = start.elapsed().as_secs_f64();
    stats.mb_per_s = if stats.seconds > 0.0 { stats.bytes_in as f64 / 1e6 / stats.seconds } else { 0.0 };
    Ok(stats)
}

/// Pass 1: the batch lexicon, when lost characters are to be restored and
/// there is more than one document to learn from. Unreadable documents are
/// skipped here; pass 2 reports them.
fn learn_batch_lexicon(cfg: &Config, units: &[Unit], pool: &rayon::ThreadPool) -> Option<Lexicon> {
    let lost = cfg.clean.repair.as_ref().is_some_and(|r| r.lost_chars);
    let files: Vec<&Unit> = units.iter().filter(|u| matches!(u.src, Src::File(_))).collect();
    if !cfg.batch_lexicon || !lost || (files.len() < 2 && !files.iter().any(|u| u.jsonl)) {
        return None;
    }
    let learn_into = |l: &mut Lexicon, text: &str| {
        if cfg.clean.format != Some(Format::Text) && crate::input::looks_like_html(text) {
            l.learn(&crate::segment::prefilter::visible_text(text));
        } else {
            l.learn(text);
        }
    };
    let learn_one = |text: &str| {
        let mut l = Lexicon::new();
        learn_into(&mut l, text);
        l
    };
    let merged = pool.install(|| {
        files
            .par_iter()
            .map(|u| {
                let Ok(bytes) = read_unit(u, if u.jsonl { usize::MAX / 2 } else { cfg.clean.max_bytes }) else {
                    return Lexicon::new();
                };
                if u.jsonl {
                    let text = String::from_utf8_lossy(&bytes);
                    let lines: Vec<&str> = text.lines().collect();
                    // Learned into one lexicon per rayon chunk, then merged:
                    // counts add up, so the result is the same as one
                    // lexicon per line merged, without the merges.
                    lines
                        .par_iter()
                        .fold(Lexicon::new, |mut l, line| {
                            if let Ok(Value::Object(m)) = serde_json::from_str::<Value>(line) {
                                if let Some(Value::String(s)) = m.get(&cfg.text_field) {
                                    learn_into(&mut l, s);
                                }
                            }
                            l
                        })
                        .reduce(Lexicon::new, |mut a, b| {
                            a.absorb(b);
                            a
                        })
                } else {
                    match crate::input::decode(&bytes, cfg.clean.format, cfg.clean.charset.as_deref()) {
                        Ok(d) => learn_one(&d.text),
                        Err(_) => Lexicon::new(),
                    }
                }
            })
            .reduce(Lexicon::new, |mut a, b| {
                a.absorb(b);
                a
            })
    });
    Some(merged)
}

fn fail(stats: &mut Stats, err: &mut dyn Write, name: &str, why: &str) {
    stats.documents_failed += 1;
    let _ = writeln!(err, "scour: {name}: {why}");
}

fn plan(cfg: &Config, stats: &mut Stats, err: &mut dyn Write) -> Result<Vec<Unit>, UsageError> {
    let out_fmt = |jsonl: bool| match cfg.format {
        Some(OutFormat::Jsonl) => "jsonl",
        Some(OutFormat::Txt) => "txt",
        None if jsonl => "jsonl",
        None => "txt",
    };
    let mut units = Vec::new();
    let mut seen = HashSet::new();
    let stdin_count = cfg.inputs.iter().filter(|p| p.as_os_str() == "-").count();
    if stdin_count > 1 {
        return Err(UsageError("`-` (stdin) can be given only once".into()));
    }
    for arg in &cfg.inputs {
        if arg.as_os_str() == "-" {
            let jsonl = cfg.input == InputKind::Jsonl;
            let out = match &cfg.dest {
                Dest::Dir(d) => Some(d.join(format!("stdin.{}", out_fmt(jsonl)))),
                Dest::File(f) => Some(f.clone()),
                Dest::Stdout => None,
            };
            units.push(Unit { src: Src::Stdin, name: "<stdin>".into(), out, jsonl });
            continue;
        }
        let meta = match std::fs::metadata(arg) {
            Ok(m) => m,
            Err(e) => {
                stats.documents_in += 1;
                fail(stats, err, &arg.display().to_string(), &e.to_string());
                continue;
            }
        };
        let files: Vec<(PathBuf, PathBuf)> = if meta.is_dir() {
            let mut v = Vec::new();
            if let Err(e) = walk(arg, &mut v) {
                fail(stats, err, &arg.display().to_string(), &format!("cannot list directory: {e}"));
            }
            v.into_iter()
                .map(|p| {
                    let rel = p.strip_prefix(arg).unwrap_or(&p).to_path_buf();
                    (p, rel)
                })
                .collect()
        } else {
            let rel = PathBuf::from(arg.file_name().unwrap_or(arg.as_os_str()));
            vec![(arg.clone(), rel)]
        };
        for (path, rel) in files {
            let jsonl = cfg.input == InputKind::Jsonl || cfg.input == InputKind::Auto && is_jsonl_name(&path);
            let out = match &cfg.dest {
                Dest::Dir(d) => {
                    let mut o = d.join(out_name(&rel, out_fmt(jsonl)));
                    if !seen.insert(o.clone()) {
                        // page.html and page.txt side by side: keep both, by full name.
                        o = d.join(format!("{}.{}", rel.display(), out_fmt(jsonl)));
                        seen.insert(o.clone());
                    }
                    Some(o)
                }
                Dest::File(f) => Some(f.clone()),
                Dest::Stdout => None,
            };
            units.push(Unit { name: path.display().to_string(), src: Src::File(path), out, jsonl });
        }
    }
    if let Dest::File(f) = &cfg.dest {
        if units.len() > 1 || cfg.inputs.iter().any(|p| p.is_dir()) {
            return Err(UsageError(format!(
                "-o {} names a file, but there are several inputs; give a directory (ending in /)",
                f.display()
            )));
        }
    }
    Ok(units)
}

fn read_unit(u: &Unit, max: usize) -> Result<Vec<u8>, Error> {
    let bytes = match &u.src {
        Src::Stdin => {
            let mut b = Vec::new();
            io::stdin().lock().take(max as u64 + 1).read_to_end(&mut b)?;
            b
        }
        Src::File(p) => {
            let f = std::fs::File::open(p)?;
            let len = f.metadata()?.len();
            if len > max as u64 && !p.to_string_lossy().ends_with(".gz") {
                return Err(Error::TooLarge(max));
            }
            let mut b = Vec::with_capacity(len as usize);
            f.take(max as u64 + 1).read_to_end(&mut b)?;
            b
        }
    };
    let b = crate::input::gunzip_if_needed(bytes, max)?;
    if b.len() > max {
        return Err(Error::TooLarge(max));
    }
    Ok(b)
}

fn render_doc(cfg: &Config, u: &Unit, c: &Cleaned) -> String {
    let fmt = cfg.format.unwrap_or(OutFormat::Txt);
    if cfg.explain {
        return match fmt {
            OutFormat::Txt => output::explain(&u.name, c),
            OutFormat::Jsonl => output::explain_json(&u.name, c),
        };
    }
    match fmt {
        OutFormat::Txt => output::to_txt(c),
        OutFormat::Jsonl => {
            let mut m = serde_json::Map::new();
            m.insert("path".into(), Value::from(u.name.clone()));
            m.insert("title".into(), c.title.clone().map_or(Value::Null, Value::from));
            m.insert(cfg.text_field.clone(), Value::from(c.text.clone()));
            m.insert("scour".into(), output::meta(c));
            let mut s = Value::Object(m).to_string();
            s.push('\n');
            s
        }
    }
}

fn deliver(cfg: &Config, u: &Unit, text: &str, out: &mut dyn Write, wrote_any: &mut bool) -> io::Result<()> {
    match (&u.out, cfg.explain) {
        (Some(p), false) => write_atomic(p, text.as_bytes()),
        _ => {
            // Several text documents on stdout are separated by a blank line.
            let txt = cfg.format.unwrap_or(OutFormat::Txt) == OutFormat::Txt && !cfg.explain;
            if txt && *wrote_any && !text.is_empty() {
                out.write_all(b"\n")?;
            }
            out.write_all(text.as_bytes())?;
            *wrote_any |= !text.is_empty();
            Ok(())
        }
    }
}

/// One JSONL input: every line is a document; exactly one output line per
/// input line, in input order. A line that is not a JSON object, or whose
/// document fails, gives an output line with `scour_error` set.
fn run_jsonl(
    cfg: &Config,
    pool: &rayon::ThreadPool,
    u: &Unit,
    stats: &mut Stats,
    out: &mut dyn Write,
    err: &mut dyn Write,
) {
    // JSONL files are whole corpora: no per-document size cap on the file.
    let data = match read_unit(u, usize::MAX / 2) {
        Ok(d) => d,
        Err(e) => {
            stats.documents_in += 1;
            return fail(stats, err, &u.name, &e.to_string());
        }
    };
    let text = match String::from_utf8(data) {
        Ok(t) => t,
        Err(_) => {
            stats.documents_in += 1;
            return fail(stats, err, &u.name, "JSONL input is not valid UTF-8");
        }
    };
    let lines: Vec<&str> = text.lines().collect();
    let mut sink: Box<dyn Write> = Box::new(io::sink());
    let mut tmp: Option<tempfile::NamedTempFile> = None;
    if let (Some(p), false) = (&u.out, cfg.explain) {
        let dir = p.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
        let made = std::fs::create_dir_all(dir)
            .and_then(|_| tempfile::Builder::new().prefix(".scour-").suffix(".tmp").tempfile_in(dir));
        match made {
            Ok(t) => tmp = Some(t),
            Err(e) => return fail(stats, err, &p.display().to_string(), &e.to_string()),
        }
    }
    let chunk = (stats.jobs * 64).max(64);
    let mut io_error: Option<io::Error> = None;
    for (ci, group) in lines.chunks(chunk).enumerate() {
        let results: Vec<LineResult> = pool.install(|| {
            group.par_iter().enumerate().map(|(k, line)| jsonl_line(cfg, &u.name, ci * chunk + k + 1, line)).collect()
        });
        for (k, (rendered, r)) in results.into_iter().enumerate() {
            stats.documents_in += 1;
            match r {
                Ok((c, n)) => stats.add(&c, n, c.text.len()),
                Err(why) => fail(stats, err, &format!("{}:{}", u.name, ci * chunk + k + 1), &why),
            }
            let w: &mut dyn Write = match tmp.as_mut() {
                Some(t) => t,
                None if cfg.explain || u.out.is_none() => out,
                None => &mut sink,
            };
            if let Err(e) = w.write_all(rendered.as_bytes()) {
                io_error.get_or_insert(e);
            }
        }
    }
    if let (Some(t), Some(p)) = (tmp, &u.out) {
        let done = match io_error.take() {
            Some(e) => Err(e),
            None => t.persist(p).map(|_| ()).map_err(|e| e.error),
        };
        if let Err(e) = done {
            fail(stats, err, &p.display().to_string(), &e.to_string());
        }
    } else if let Some(e) = io_error {
        fail(stats, err, "<stdout>", &e.to_string());
    }
}

fn jsonl_line(cfg: &Config, file: &str, lineno: usize, line: &str) -> LineResult {
    let mut obj = match serde_json::from_str::<Value>(line) {
        Ok(Value::Object(m)) => m,
        Ok(_) => return error_line(lineno, "line is not a JSON object"),
        Err(e) => return error_line(lineno, &format!("invalid JSON: {e}")),
    };
    let doc = match obj.get(&cfg.text_field) {
        Some(Value::String(s)) => s.clone(),
        Some(_) => return with_error(obj, cfg, "field is not a string"),
        None => return with_error(obj, cfg, "field is missing"),
    };
    let r = if doc.trim().is_empty() { Err(Error::Empty) } else { crate::clean_str(&doc, &cfg.clean) };
    match r {
        Ok(c) => {
            let rendered = if cfg.explain {
                output::explain(&format!("{file}:{lineno}"), &c)
            } else {
                let field = cfg.output_field.as_deref().unwrap_or(&cfg.text_field);
                if field != cfg.text_field && !cfg.keep_input {
                    obj.remove(&cfg.text_field);
                }
                obj.insert(field.to_string(), Value::from(c.text.clone()));
                let mut s = Value::Object(obj).to_string();
                s.push('\n');
                s
            };
            (rendered, Ok((c, doc.len())))
        }
        Err(e) => with_error(obj, cfg, &e.to_string()),
    }
}

fn error_line(lineno: usize, why: &str) -> LineResult {
    let v = serde_json::json!({ "scour_error": why, "line": lineno });
    (format!("{v}\n"), Err(why.to_string()))
}

fn with_error(mut obj: serde_json::Map<String, Value>, cfg: &Config, why: &str) -> LineResult {
    let why = format!("field `{}`: {why}", cfg.text_field);
    let field = cfg.output_field.as_deref().unwrap_or(&cfg.text_field);
    if field != cfg.text_field && !cfg.keep_input {
        obj.remove(&cfg.text_field);
    }
    obj.insert(field.to_string(), Value::from(""));
    obj.insert("scour_error".into(), Value::from(why.clone()));
    (format!("{}\n", Value::Object(obj)), Err(why))
}

/// Force a document's format from the input kind (`--input html|text`).
pub fn forced_format(k: InputKind) -> Option<Format> {
    match k {
        InputKind::Html => Some(Format::Html),
        InputKind::Text => Some(Format::Text),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_names_replace_known_extensions() {
        assert_eq!(out_name(Path::new("a/b.html"), "txt"), PathBuf::from("a/b.txt"));
        assert_eq!(out_name(Path::new("b.html.gz"), "txt"), PathBuf::from("b.txt"));
        assert_eq!(out_name(Path::new("notes.txt"), "txt"), PathBuf::from("notes.txt"));
        assert_eq!(out_name(Path::new("data"), "txt"), PathBuf::from("data.txt"));
        assert_eq!(out_name(Path::new("x.jsonl"), "jsonl"), PathBuf::from("x.jsonl"));
    }

    #[test]
    fn jsonl_names_are_recognised() {
        assert!(is_jsonl_name(Path::new("a.jsonl")));
        assert!(is_jsonl_name(Path::new("a.ndjson.gz")));
        assert!(!is_jsonl_name(Path::new("a.json")));
    }
}
