//! Many documents at once: files, directories, stdin and JSONL, in parallel.
//!
//! Documents are processed in chunks: each chunk is cleaned in parallel on
//! a rayon pool and its results are written in input order, so the output
//! bytes do not depend on the number of threads, and memory holds one chunk
//! of results, not the whole batch. A document that fails is reported as one
//! line (`scour: PATH: reason`) and the batch goes on.
//!
//! JSONL and WARC inputs are streams: a reader thread cuts them into chunks
//! of records (at most [`CHUNK_BYTES`] of input, or a few hundred records)
//! while the pool cleans the previous chunk, so memory stays bounded by a
//! few chunks whatever the input's size.

use crate::input::Stream;
use crate::output::AtomicFile;
use crate::output::{self, write_atomic};
use crate::repair::Lexicon;
use crate::warc;
use crate::{Cleaned, Error, Format, Options};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use rayon::prelude::*;
use serde::Serialize;
use serde_json::Value;
use std::collections::{BTreeMap, HashSet};
use std::io::{self, BufRead, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{sync_channel, SyncSender};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Most input bytes in one chunk of a JSONL or WARC stream.
pub const CHUNK_BYTES: usize = 32 << 20;

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
    /// Every input is a WARC file (`.warc`, `.warc.gz`, `.warc.zst`).
    Warc,
}

/// Whether and how progress is shown on stderr.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Progress {
    /// Nothing.
    Off,
    /// A live bar (stderr is a terminal).
    Bar,
    /// A plain line every few seconds and one at the end (for logs).
    Lines,
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
    /// Learn site templates in a first pass (files only) with these
    /// thresholds; see [`crate::templates`].
    pub learn_templates: Option<crate::templates::Params>,
    /// Where learned templates are saved (with `learn_templates`), or where
    /// templates to apply are loaded from (without).
    pub templates_file: Option<PathBuf>,
    /// JSONL field holding a record's URL, whose host is its site for
    /// templates; records without one belong to their file's directory.
    pub url_field: String,
    /// Leave out JSONL/WARC records whose cleaned text is empty (failed
    /// records too: they are reported on stderr).
    pub drop_empty: bool,
    /// Write every removed block, with its reasons, as JSONL to this file.
    pub rejected: Option<PathBuf>,
    /// `(i, n)`: clean only shard `i` of `n` (files by a stable hash of the
    /// relative path, JSONL/WARC records by their index).
    pub shard: Option<(u64, u64)>,
    /// Skip inputs whose output file already exists.
    pub skip_existing: bool,
    /// Progress on stderr.
    pub progress: Progress,
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
            learn_templates: None,
            templates_file: None,
            url_field: "url".into(),
            drop_empty: false,
            rejected: None,
            shard: None,
            skip_existing: false,
            progress: Progress::Off,
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
    /// Documents that hit `--timeout` (also counted as failed).
    pub timed_out: u64,
    /// WARC records that are not HTML documents (requests, metadata,
    /// images, redirects…).
    pub skipped: u64,
    /// Inputs not cleaned because their output exists (`--skip-existing`).
    pub skipped_existing: u64,
    /// Records left out because their text was empty (`--drop-empty`).
    pub dropped_empty: u64,
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

/// One stream record's result: its output (empty when dropped), its
/// `--rejected` lines, and the cleaned document or why it failed (and
/// whether that was the time limit).
struct RecOut {
    name: String,
    rendered: String,
    rejected: String,
    result: Result<(Cleaned, usize), (String, bool)>,
    dropped_empty: bool,
}

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

/// What one input is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum UnitKind {
    /// One document.
    Doc,
    /// A JSONL stream.
    Jsonl,
    /// A WARC stream.
    Warc,
}

/// A document read from stdin before the batch (its bytes, or why not).
type Preread = Arc<Mutex<Option<Result<Vec<u8>, Error>>>>;

#[derive(Clone, Debug)]
struct Unit {
    src: Src,
    name: String,
    out: Option<PathBuf>,
    /// Site key for templates: the parent directory relative to the input
    /// root (`.` for the root itself).
    site: String,
    kind: UnitKind,
    /// Its output exists and `--skip-existing` was given.
    skip: bool,
    /// Stdin, read before the batch.
    preread: Option<Preread>,
}

impl Unit {
    fn is_stream(&self) -> bool {
        self.kind != UnitKind::Doc
    }
}

fn lower_name(p: &Path) -> String {
    let n = p.file_name().map(|n| n.to_string_lossy().to_ascii_lowercase()).unwrap_or_default();
    match n.strip_suffix(".gz").or_else(|| n.strip_suffix(".zst")) {
        Some(s) => s.to_string(),
        None => n,
    }
}

fn is_jsonl_name(p: &Path) -> bool {
    let n = lower_name(p);
    n.ends_with(".jsonl") || n.ends_with(".ndjson")
}

fn is_warc_name(p: &Path) -> bool {
    lower_name(p).ends_with(".warc")
}

/// Whether a file is a WARC file by its first bytes (after decompression).
fn sniff_warc(p: &Path) -> bool {
    std::fs::File::open(p)
        .and_then(|f| crate::input::open_stream(Box::new(f)))
        .is_ok_and(|(_, head)| head.starts_with(b"WARC/1."))
}

/// A stable 64-bit hash (FNV-1a) for `--shard`: the same on every machine
/// and every run.
fn stable_hash(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, &b| (h ^ b as u64).wrapping_mul(0x0100_0000_01b3))
}

fn in_shard(shard: Option<(u64, u64)>, key: u64) -> bool {
    shard.is_none_or(|(i, n)| key % n == i)
}

/// The output file name for an input file name: known extensions are
/// replaced (`page.html.gz` → `page.txt`).
fn out_name(rel: &Path, ext: &str) -> PathBuf {
    let mut name = rel.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    for c in [".gz", ".zst"] {
        if let Some(s) = name.strip_suffix(c) {
            name = s.to_string();
        }
    }
    for e in [".html", ".htm", ".xhtml", ".shtml", ".txt", ".text", ".jsonl", ".ndjson", ".json", ".warc"] {
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

/// Where messages go: error lines on stderr, and the progress display,
/// which error lines must not garble.
struct Ui<'a> {
    err: &'a mut dyn Write,
    bar: Option<ProgressBar>,
    lines: bool,
    start: Instant,
    last: Instant,
}

impl Ui<'_> {
    fn say(&mut self, line: &str) {
        let err = &mut *self.err;
        match &self.bar {
            Some(b) => b.suspend(|| {
                let _ = writeln!(err, "{line}");
            }),
            None => {
                let _ = writeln!(err, "{line}");
            }
        }
    }

    fn fail(&mut self, stats: &mut Stats, name: &str, why: &str) {
        stats.documents_failed += 1;
        self.say(&format!("scour: {name}: {why}"));
    }

    fn rate(&self, stats: &Stats) -> (f64, f64) {
        let secs = self.start.elapsed().as_secs_f64().max(1e-9);
        (stats.documents_in as f64 / secs, stats.bytes_in as f64 / 1e6 / secs)
    }

    fn progress(&mut self, stats: &Stats) {
        if let Some(b) = &self.bar {
            let (docs, mb) = self.rate(stats);
            b.set_position(stats.documents_in);
            b.set_message(format!("{docs:.1} docs/s, {mb:.1} MB/s"));
        } else if self.lines && self.last.elapsed() >= Duration::from_secs(2) {
            self.last = Instant::now();
            self.progress_line(stats);
        }
    }

    fn progress_line(&mut self, stats: &Stats) {
        let (docs, mb) = self.rate(stats);
        let line = format!(
            "scour: progress: {} docs ({} failed), {:.1} docs/s, {:.1} MB/s",
            stats.documents_in, stats.documents_failed, docs, mb
        );
        self.say(&line);
    }

    fn finish(&mut self, stats: &Stats) {
        if let Some(b) = self.bar.take() {
            b.finish_and_clear();
        } else if self.lines {
            self.progress_line(stats);
        }
    }
}

fn progress_bar(mode: Progress, total: Option<u64>) -> Option<ProgressBar> {
    if mode != Progress::Bar {
        return None;
    }
    let (b, tpl) = match total {
        Some(n) => (ProgressBar::new(n), "{elapsed_precise} [{wide_bar}] {pos}/{len} docs, {msg}"),
        None => (ProgressBar::new_spinner(), "{spinner} {elapsed_precise} {pos} docs, {msg}"),
    };
    b.set_draw_target(ProgressDrawTarget::stderr_with_hz(4));
    if let Ok(style) = ProgressStyle::with_template(tpl) {
        b.set_style(style);
    }
    Some(b)
}

/// Run a batch. Errors for single documents go to `err` as they are met;
/// only usage errors abort. Returns the run's statistics.
pub fn run(cfg: &Config, out: &mut dyn Write, err: &mut dyn Write) -> Result<Stats, UsageError> {
    let start = Instant::now();
    let mut stats = Stats::default();
    let mut ui = Ui { err, bar: None, lines: cfg.progress == Progress::Lines, start, last: start };
    let mut units = plan(cfg, &mut stats, &mut ui)?;
    let mut stdin_stream = resolve_stdin(cfg, &mut units);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(cfg.jobs)
        .build()
        .map_err(|e| UsageError(format!("cannot start worker threads: {e}")))?;
    stats.jobs = pool.current_num_threads();
    // Compile the vocabularies and load the models (about 0.1 s) on one
    // worker while the others start the first pass, instead of every worker
    // waiting for the first document to do it. Only the model the input
    // type needs: the flat-text one is twice the HTML one's size, and a
    // batch of sniffed input loads it when its first text document comes.
    if cfg.clean.extract && !units.is_empty() {
        let format = cfg.clean.format;
        pool.spawn(move || {
            crate::vocab::Vocab::get();
            crate::model::Model::get(format != Some(Format::Text));
        });
    }
    let mut rejected = match &cfg.rejected {
        Some(p) => match AtomicFile::create(p) {
            Ok(f) => Some(f),
            Err(e) => return Err(UsageError(format!("{}: cannot write: {e}", p.display()))),
        },
        None => None,
    };
    let with_lexicon;
    let templates = template_pass(cfg, &units, &pool)?;
    let cfg = match (learn_batch_lexicon(cfg, &units, &pool), templates) {
        (None, None) => cfg,
        (lex, templates) => {
            let mut c = cfg.clone();
            if let Some(lex) = lex {
                c.clean.lexicons.insert(0, Arc::new(lex));
            }
            if templates.is_some() {
                c.clean.templates = templates;
            }
            with_lexicon = c;
            &with_lexicon
        }
    };
    let with_text;
    let cfg = if cfg.rejected.is_some() && !cfg.clean.dropped_text {
        let mut c = cfg.clone();
        c.clean.dropped_text = true;
        with_text = c;
        &with_text
    } else {
        cfg
    };
    // Skipped quietly: a resumed run over a million files would otherwise
    // print a million lines; `--stats` counts them.
    stats.skipped_existing = units.iter().filter(|u| u.skip).count() as u64;
    units.retain(|u| !u.skip);
    let n_docs = units.iter().filter(|u| !u.is_stream()).count() as u64;
    let has_streams = units.iter().any(Unit::is_stream);
    ui.bar = progress_bar(cfg.progress, if has_streams { None } else { Some(n_docs) });
    {
        let chunk = (stats.jobs * 8).max(16);
        let docs: Vec<&Unit> = units.iter().filter(|u| !u.is_stream()).collect();
        let mut wrote_any = false;
        for group in docs.chunks(chunk) {
            let results: Vec<(DocResult, Option<String>, String)> = pool.install(|| {
                group
                    .par_iter()
                    .map(|u| {
                        let r = read_unit(u, cfg.clean.max_bytes).and_then(|b| {
                            let n = b.len();
                            crate::clean(&b, &cfg.clean.for_site(&u.site)).map(|c| (c, n))
                        });
                        let (rendered, rej) = match &r {
                            Ok((c, _)) => (
                                Some(render_doc(cfg, u, c)),
                                if cfg.rejected.is_some() { output::rejected(&u.name, c) } else { String::new() },
                            ),
                            Err(_) => (None, String::new()),
                        };
                        (r, rendered, rej)
                    })
                    .collect()
            });
            for (u, (r, rendered, rej)) in group.iter().zip(results) {
                stats.documents_in += 1;
                match (r, rendered) {
                    (Ok((c, n)), Some(text)) => match deliver(cfg, u, &text, out, &mut wrote_any) {
                        Ok(()) => {
                            stats.add(&c, n, text.len());
                            write_rejected(&mut rejected, &rej, &mut ui, &mut stats);
                        }
                        Err(e) => ui.fail(&mut stats, &u.name, &e.to_string()),
                    },
                    (Err(e), _) => {
                        stats.timed_out += matches!(e, Error::TimedOut(_)) as u64;
                        ui.fail(&mut stats, &u.name, &e.to_string())
                    }
                    (Ok(_), None) => unreachable!(),
                }
            }
            ui.progress(&stats);
        }
        for u in units.iter().filter(|u| u.is_stream()) {
            let stream = match &u.src {
                Src::Stdin => stdin_stream.take().ok_or_else(|| Error::Corrupt("stdin already read".into())),
                Src::File(p) => std::fs::File::open(p)
                    .and_then(|f| crate::input::open_stream(Box::new(f)))
                    .map(|(s, _)| s)
                    .map_err(Error::Io),
            };
            match stream {
                Ok(s) => run_stream(cfg, &pool, u, s, &mut stats, out, &mut ui, &mut rejected, &mut wrote_any),
                Err(e) => {
                    stats.documents_in += 1;
                    ui.fail(&mut stats, &u.name, &e.to_string());
                }
            }
        }
    }
    if let (Some(f), Some(p)) = (rejected, &cfg.rejected) {
        if let Err(e) = f.commit() {
            ui.fail(&mut stats, &p.display().to_string(), &format!("cannot write: {e}"));
        }
    }
    stats.seconds = start.elapsed().as_secs_f64();
    stats.mb_per_s = if stats.seconds > 0.0 { stats.bytes_in as f64 / 1e6 / stats.seconds } else { 0.0 };
    ui.finish(&stats);
    Ok(stats)
}

fn write_rejected(f: &mut Option<AtomicFile>, lines: &str, ui: &mut Ui, stats: &mut Stats) {
    if let Some(w) = f {
        if let Err(e) = w.write_all(lines.as_bytes()) {
            ui.fail(stats, "--rejected", &e.to_string());
            *f = None;
        }
    }
}

/// Stdin is opened once: decompressed when it starts with gzip or zstd
/// magic, and with `--input auto` read as WARC when it starts with
/// `WARC/1.`, else as one document (read here, up to `--max-bytes`).
fn resolve_stdin(cfg: &Config, units: &mut [Unit]) -> Option<Stream> {
    let u = units.iter_mut().find(|u| matches!(u.src, Src::Stdin))?;
    let opened = crate::input::open_stream(Box::new(io::stdin()));
    let (mut s, head) = match opened {
        Ok(x) => x,
        Err(e) => {
            u.kind = UnitKind::Doc;
            u.preread = Some(Arc::new(Mutex::new(Some(Err(Error::Io(e))))));
            return None;
        }
    };
    if cfg.input == InputKind::Auto && head.starts_with(b"WARC/1.") {
        u.kind = UnitKind::Warc;
        if let (Dest::Dir(d), Some(o)) = (&cfg.dest, &mut u.out) {
            *o = d.join("stdin.jsonl");
        }
    }
    if u.is_stream() {
        return Some(s);
    }
    let max = cfg.clean.max_bytes;
    let mut b = Vec::new();
    let r = match (&mut s).take(max as u64 + 1).read_to_end(&mut b) {
        Ok(_) if b.len() > max => Err(Error::TooLarge(max)),
        Ok(_) => Ok(b),
        Err(e) => Err(Error::Io(e)),
    };
    u.preread = Some(Arc::new(Mutex::new(Some(r))));
    None
}

/// Pass 1: the batch lexicon, when lost characters are to be restored and
/// there is more than one document to learn from. Unreadable documents are
/// skipped here; pass 2 reports them. It learns from every input this run
/// would clean without `--skip-existing` (so a resumed run repairs exactly
/// as an uninterrupted one), within the shard.
fn learn_batch_lexicon(cfg: &Config, units: &[Unit], pool: &rayon::ThreadPool) -> Option<Lexicon> {
    let lost = cfg.clean.repair.as_ref().is_some_and(|r| r.lost_chars);
    let files: Vec<&Unit> = units.iter().filter(|u| matches!(u.src, Src::File(_))).collect();
    if !cfg.batch_lexicon || !lost || (files.len() < 2 && !files.iter().any(|u| u.is_stream())) {
        return None;
    }
    let learn_into = |l: &mut Lexicon, text: &str| {
        if cfg.clean.format != Some(Format::Text) && crate::input::looks_like_html(text) {
            l.learn(&crate::segment::prefilter::visible_text(text));
        } else {
            l.learn(text);
        }
    };
    // Bytes as pass 2 sees them: files already decompressed by
    // `read_unit`, WARC payloads after their `Content-Encoding`.
    let learn_bytes_into = |l: &mut Lexicon, bytes: &[u8], hint: Option<&str>| {
        if let Ok(d) = crate::input::decode_borrowed(bytes, cfg.clean.format, cfg.clean.charset.as_deref(), hint) {
            learn_into(l, &d.text);
        }
    };
    // Learned into one lexicon per rayon chunk, then merged by moving the
    // smaller into the larger: counts add up, so the result is the same as
    // one lexicon per document merged, without the copies.
    let merge = |mut a: Lexicon, b: Lexicon| {
        a.absorb(b);
        a
    };
    let mut lex = Lexicon::new();
    for u in files.iter().filter(|u| u.is_stream()) {
        let Src::File(p) = &u.src else { continue };
        let Ok((s, _)) = std::fs::File::open(p).and_then(|f| crate::input::open_stream(Box::new(f))) else {
            continue;
        };
        let _ = for_each_chunk(cfg, u.kind, s, chunk_docs(pool), |recs, _| {
            let l = pool.install(|| {
                recs.into_par_iter()
                    .fold(Lexicon::new, |mut l, r| {
                        match r.data {
                            RecData::Line(line) => {
                                if let Ok(Value::Object(m)) = serde_json::from_slice::<Value>(&line) {
                                    if let Some(Value::String(s)) = m.get(&cfg.text_field) {
                                        learn_into(&mut l, s);
                                    }
                                }
                            }
                            RecData::Warc(Ok(d)) => {
                                if let Ok(b) = crate::input::decompress_if_needed(d.payload, cfg.clean.max_bytes) {
                                    learn_bytes_into(&mut l, &b, d.charset.as_deref());
                                }
                            }
                            _ => {}
                        }
                        l
                    })
                    .reduce(Lexicon::new, merge)
            });
            lex.absorb(l);
        });
    }
    let learn_unit = |mut l: Lexicon, u: &&Unit| {
        if let Ok(bytes) = read_unit(u, cfg.clean.max_bytes) {
            learn_bytes_into(&mut l, &bytes, None);
        }
        l
    };
    let docs = if pool.current_num_threads() == 1 {
        // One lexicon: rayon would still split the files in two, and
        // merging the halves costs more than it saves. On the worker, whose
        // memory the second pass then reuses (learned on the calling
        // thread, the peak memory was 8 MB higher on dev).
        pool.install(|| files.iter().filter(|u| !u.is_stream()).fold(Lexicon::new(), learn_unit))
    } else {
        pool.install(|| {
            files.par_iter().filter(|u| !u.is_stream()).fold(Lexicon::new, learn_unit).reduce(Lexicon::new, merge)
        })
    };
    lex.absorb(docs);
    Some(lex)
}

/// A JSONL record's site for templates: its URL's host, else its file's.
fn record_site(cfg: &Config, obj: &serde_json::Map<String, Value>, u: &Unit) -> String {
    match obj.get(&cfg.url_field) {
        Some(Value::String(url)) => crate::templates::site_of_url(url),
        _ => None,
    }
    .unwrap_or_else(|| u.site.clone())
}

/// Site templates: pass 1 learns them (and saves them to
/// `templates_file`), or they are loaded from `templates_file`. Unreadable
/// documents are skipped here; pass 2 reports them.
fn template_pass(
    cfg: &Config,
    units: &[Unit],
    pool: &rayon::ThreadPool,
) -> Result<Option<Arc<crate::Templates>>, UsageError> {
    use crate::templates::{Learner, PageKeys, Templates};
    let Some(params) = cfg.learn_templates else {
        let Some(path) = &cfg.templates_file else { return Ok(None) };
        let t = std::fs::File::open(path)
            .and_then(|f| Templates::from_tsv(io::BufReader::new(f)))
            .map_err(|e| UsageError(format!("{}: cannot read templates: {e}", path.display())))?;
        return Ok(Some(Arc::new(t)));
    };
    if units.iter().any(|u| matches!(u.src, Src::Stdin)) {
        return Err(UsageError("--learn-templates needs files: stdin can be read only once".into()));
    }
    let sniff = |text: &str| match cfg.clean.format {
        Some(f) => f,
        None if crate::input::looks_like_html(text) => Format::Html,
        None => Format::Text,
    };
    // In chunks, so that memory holds the counts and one chunk of pages,
    // not every page's keys; the counts do not depend on the chunking.
    let mut learner = Learner::new(params);
    let chunk = (pool.current_num_threads() * 8).max(16);
    let files: Vec<&Unit> = units.iter().filter(|u| !u.is_stream()).collect();
    for group in files.chunks(chunk) {
        let pages: Vec<Option<PageKeys>> = pool.install(|| {
            group
                .par_iter()
                .map(|u| {
                    let bytes = read_unit(u, cfg.clean.max_bytes).ok()?;
                    let d = crate::input::decode(&bytes, cfg.clean.format, cfg.clean.charset.as_deref()).ok()?;
                    Some(PageKeys::of_document(&d.text, d.format))
                })
                .collect()
        });
        for (u, keys) in group.iter().zip(pages) {
            if let Some(keys) = keys {
                learner.add(&u.site, keys);
            }
        }
    }
    // JSONL and WARC streams, chunk by chunk as pass 2 reads them: a
    // record's site is its URL's host, else its file's directory.
    for u in units.iter().filter(|u| u.is_stream()) {
        let Src::File(p) = &u.src else { continue };
        let Ok((s, _)) = std::fs::File::open(p).and_then(|f| crate::input::open_stream(Box::new(f))) else {
            continue;
        };
        let _ = for_each_chunk(cfg, u.kind, s, chunk_docs(pool), |recs, _| {
            let pages: Vec<Option<(String, PageKeys)>> = pool.install(|| {
                recs.into_par_iter()
                    .map(|r| match r.data {
                        RecData::Line(line) => match serde_json::from_slice::<Value>(&line) {
                            Ok(Value::Object(m)) => match m.get(&cfg.text_field) {
                                Some(Value::String(s)) if s.len() <= cfg.clean.max_bytes => {
                                    Some((record_site(cfg, &m, u), PageKeys::of_document(s, sniff(s))))
                                }
                                _ => None,
                            },
                            _ => None,
                        },
                        RecData::Warc(Ok(d)) => {
                            let bytes = crate::input::decompress_if_needed(d.payload, cfg.clean.max_bytes).ok()?;
                            let dec = crate::input::decode_with_hint(
                                &bytes,
                                cfg.clean.format,
                                cfg.clean.charset.as_deref(),
                                d.charset.as_deref(),
                            )
                            .ok()?;
                            let site = crate::templates::site_of_url(&d.url).unwrap_or_else(|| u.site.clone());
                            Some((site, PageKeys::of_document(&dec.text, dec.format)))
                        }
                        _ => None,
                    })
                    .collect()
            });
            for (site, keys) in pages.into_iter().flatten() {
                learner.add(&site, keys);
            }
        });
    }
    let t = learner.finish();
    if let Some(path) = &cfg.templates_file {
        write_atomic(path, t.to_tsv().as_bytes())
            .map_err(|e| UsageError(format!("{}: cannot write templates: {e}", path.display())))?;
    }
    Ok(Some(Arc::new(t)))
}

fn plan(cfg: &Config, stats: &mut Stats, ui: &mut Ui) -> Result<Vec<Unit>, UsageError> {
    let out_fmt = |kind: UnitKind| match cfg.format {
        Some(OutFormat::Jsonl) => "jsonl",
        Some(OutFormat::Txt) => "txt",
        None if kind != UnitKind::Doc => "jsonl",
        None => "txt",
    };
    let mut units = Vec::new();
    let mut seen = HashSet::new();
    let stdin_count = cfg.inputs.iter().filter(|p| p.as_os_str() == "-").count();
    if stdin_count > 1 {
        return Err(UsageError("`-` (stdin) can be given only once".into()));
    }
    let exists = |o: &Option<PathBuf>| cfg.skip_existing && !cfg.explain && o.as_ref().is_some_and(|p| p.exists());
    for arg in &cfg.inputs {
        if arg.as_os_str() == "-" {
            let kind = match cfg.input {
                InputKind::Jsonl => UnitKind::Jsonl,
                InputKind::Warc => UnitKind::Warc,
                _ => UnitKind::Doc,
            };
            let out = match &cfg.dest {
                Dest::Dir(d) => Some(d.join(format!("stdin.{}", out_fmt(kind)))),
                Dest::File(f) => Some(f.clone()),
                Dest::Stdout => None,
            };
            let skip = exists(&out);
            let site = ".".into();
            units.push(Unit { src: Src::Stdin, name: "<stdin>".into(), out, site, kind, skip, preread: None });
            continue;
        }
        let meta = match std::fs::metadata(arg) {
            Ok(m) => m,
            Err(e) => {
                stats.documents_in += 1;
                ui.fail(stats, &arg.display().to_string(), &e.to_string());
                continue;
            }
        };
        let files: Vec<(PathBuf, PathBuf)> = if meta.is_dir() {
            let mut v = Vec::new();
            if let Err(e) = walk(arg, &mut v) {
                ui.fail(stats, &arg.display().to_string(), &format!("cannot list directory: {e}"));
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
            let kind = match cfg.input {
                InputKind::Jsonl => UnitKind::Jsonl,
                InputKind::Warc => UnitKind::Warc,
                InputKind::Html | InputKind::Text => UnitKind::Doc,
                InputKind::Auto if is_jsonl_name(&path) => UnitKind::Jsonl,
                InputKind::Auto if is_warc_name(&path) || sniff_warc(&path) => UnitKind::Warc,
                InputKind::Auto => UnitKind::Doc,
            };
            // Documents are sharded by their relative path (with `/`), so
            // a shard holds the same files on every machine; streams are
            // sharded record by record.
            if kind == UnitKind::Doc {
                let key: Vec<String> = rel.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
                if !in_shard(cfg.shard, stable_hash(key.join("/").as_bytes())) {
                    continue;
                }
            }
            let out = match &cfg.dest {
                Dest::Dir(d) => {
                    let mut o = d.join(out_name(&rel, out_fmt(kind)));
                    if !seen.insert(o.clone()) {
                        // page.html and page.txt side by side: keep both, by full name.
                        o = d.join(format!("{}.{}", rel.display(), out_fmt(kind)));
                        seen.insert(o.clone());
                    }
                    Some(o)
                }
                Dest::File(f) => Some(f.clone()),
                Dest::Stdout => None,
            };
            let skip = exists(&out);
            let site = crate::templates::dir_site(&rel);
            let name = path.display().to_string();
            units.push(Unit { name, src: Src::File(path), out, site, kind, skip, preread: None });
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
            let pre = u.preread.as_ref().and_then(|p| p.lock().ok().and_then(|mut g| g.take()));
            return pre.unwrap_or_else(|| Err(Error::Corrupt("stdin already read".into())));
        }
        Src::File(p) => {
            let f = std::fs::File::open(p)?;
            let len = f.metadata()?.len();
            let name = p.to_string_lossy();
            if len > max as u64 && !name.ends_with(".gz") && !name.ends_with(".zst") {
                return Err(Error::TooLarge(max));
            }
            let mut b = Vec::with_capacity(len.min(max as u64 + 1) as usize);
            f.take(max as u64 + 1).read_to_end(&mut b)?;
            b
        }
    };
    let b = crate::input::decompress_if_needed(bytes, max)?;
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
        _ => write_separated(cfg, text, out, wrote_any),
    }
}

/// Several text documents on stdout are separated by a blank line.
fn write_separated(cfg: &Config, text: &str, out: &mut dyn Write, wrote_any: &mut bool) -> io::Result<()> {
    let txt = cfg.format.unwrap_or(OutFormat::Txt) == OutFormat::Txt && !cfg.explain;
    if txt && *wrote_any && !text.is_empty() {
        out.write_all(b"\n")?;
    }
    out.write_all(text.as_bytes())?;
    *wrote_any |= !text.is_empty();
    Ok(())
}

/// One record of a stream.
struct Rec {
    /// JSONL: the line number (from 1); WARC: the document's ordinal.
    no: u64,
    data: RecData,
}

enum RecData {
    Line(Vec<u8>),
    /// A line longer than the cap: not read.
    LineTooLong(usize),
    Warc(Result<warc::Doc, (warc::Doc, Error)>),
}

/// A message from the reader thread: a chunk of records and the number of
/// WARC records skipped while reading it, or the error that ended the
/// stream.
enum Msg {
    Chunk(Vec<Rec>, u64),
    Fail(Error),
}

fn chunk_docs(pool: &rayon::ThreadPool) -> usize {
    (pool.current_num_threads() * 64).max(256)
}

/// Read a stream on a thread of its own, cut into chunks of at most `docs`
/// records or [`CHUNK_BYTES`] bytes, and hand each chunk to `f` in order.
/// One chunk waits in the channel while `f` works on another, so reading
/// and cleaning overlap and memory holds about three chunks.
fn for_each_chunk(
    cfg: &Config,
    kind: UnitKind,
    stream: Stream,
    docs: usize,
    mut f: impl FnMut(Vec<Rec>, u64),
) -> Result<(), Error> {
    std::thread::scope(|s| {
        let (tx, rx) = sync_channel::<Msg>(1);
        s.spawn(move || read_records(cfg, kind, stream, docs, tx));
        for m in rx {
            match m {
                Msg::Chunk(recs, skipped) => f(recs, skipped),
                Msg::Fail(e) => return Err(e),
            }
        }
        Ok(())
    })
}

enum Records {
    Warc(warc::Reader<Stream>),
    Lines(Stream),
}

fn read_records(cfg: &Config, kind: UnitKind, stream: Stream, docs: usize, tx: SyncSender<Msg>) {
    let max = cfg.clean.max_bytes;
    let mut recs = Vec::new();
    let mut bytes = 0usize;
    let mut skipped = 0u64;
    let mut end = None;
    // JSON escapes can make a document's line up to six times its size.
    let line_cap = max.saturating_mul(6).saturating_add(1 << 16);
    let mut src =
        if kind == UnitKind::Warc { Records::Warc(warc::Reader::new(stream)) } else { Records::Lines(stream) };
    let mut lineno = 0u64;
    loop {
        let rec = match &mut src {
            Records::Warc(w) => match w.next_item(max, |o| in_shard(cfg.shard, o)) {
                Ok(None) => break,
                Ok(Some(warc::Item::Skipped)) => {
                    skipped += 1;
                    None
                }
                Ok(Some(warc::Item::Unwanted)) => None,
                Ok(Some(warc::Item::Doc { ordinal, doc })) => {
                    bytes += doc.as_ref().map_or(0, |d| d.payload.len());
                    Some(Rec { no: ordinal, data: RecData::Warc(doc) })
                }
                Err(e) => {
                    end = Some(e);
                    break;
                }
            },
            Records::Lines(stream) => {
                let mut line = Vec::new();
                match read_line_capped(stream.as_mut(), &mut line, line_cap) {
                    Ok(None) => break,
                    Ok(Some(n)) => {
                        lineno += 1;
                        if !in_shard(cfg.shard, lineno - 1) {
                            None
                        } else if n > line_cap {
                            Some(Rec { no: lineno, data: RecData::LineTooLong(n) })
                        } else {
                            while line.last().is_some_and(|&b| b == b'\n' || b == b'\r') {
                                line.pop();
                            }
                            bytes += line.len();
                            Some(Rec { no: lineno, data: RecData::Line(line) })
                        }
                    }
                    Err(e) => {
                        end = Some(Error::Corrupt(format!("cannot read further (damaged or truncated?): {e}")));
                        break;
                    }
                }
            }
        };
        if let Some(r) = rec {
            recs.push(r);
        }
        if recs.len() >= docs || bytes >= CHUNK_BYTES {
            if tx.send(Msg::Chunk(std::mem::take(&mut recs), std::mem::take(&mut skipped))).is_err() {
                return;
            }
            bytes = 0;
        }
    }
    if (!recs.is_empty() || skipped > 0) && tx.send(Msg::Chunk(recs, skipped)).is_err() {
        return;
    }
    if let Some(e) = end {
        let _ = tx.send(Msg::Fail(e));
    }
}

/// Read one line into `buf`, at most `cap` bytes of it; returns the line's
/// whole length (the rest of a longer line is read and thrown away), or
/// `None` at the end of the stream.
fn read_line_capped(r: &mut dyn BufRead, buf: &mut Vec<u8>, cap: usize) -> io::Result<Option<usize>> {
    let mut n = r.take(cap as u64 + 1).read_until(b'\n', buf)?;
    if n == 0 {
        return Ok(None);
    }
    if n > cap && buf.last() != Some(&b'\n') {
        buf.clear();
        loop {
            let avail = r.fill_buf()?;
            if avail.is_empty() {
                break;
            }
            match memchr::memchr(b'\n', avail) {
                Some(p) => {
                    r.consume(p + 1);
                    n += p + 1;
                    break;
                }
                None => {
                    let l = avail.len();
                    r.consume(l);
                    n += l;
                }
            }
        }
    }
    Ok(Some(n))
}

/// One JSONL or WARC input: cleaned chunk by chunk, written in input order.
/// JSONL gives exactly one output line per input line (unless
/// `--drop-empty`); a line that is not a JSON object, or whose document
/// fails, gives an output line with `scour_error` set. WARC gives one line
/// per HTML document.
#[allow(clippy::too_many_arguments)]
fn run_stream(
    cfg: &Config,
    pool: &rayon::ThreadPool,
    u: &Unit,
    stream: Stream,
    stats: &mut Stats,
    out: &mut dyn Write,
    ui: &mut Ui,
    rejected: &mut Option<AtomicFile>,
    wrote_any: &mut bool,
) {
    let mut file: Option<AtomicFile> = None;
    if let (Some(p), false) = (&u.out, cfg.explain) {
        match AtomicFile::create(p) {
            Ok(f) => file = Some(f),
            Err(e) => {
                stats.documents_in += 1;
                return ui.fail(stats, &p.display().to_string(), &e.to_string());
            }
        }
    }
    let mut io_error: Option<io::Error> = None;
    let ended = for_each_chunk(cfg, u.kind, stream, chunk_docs(pool), |recs, skipped| {
        stats.skipped += skipped;
        let results: Vec<RecOut> = pool.install(|| recs.into_par_iter().map(|r| clean_record(cfg, u, r)).collect());
        for r in results {
            stats.documents_in += 1;
            match &r.result {
                Ok((c, n)) => {
                    if r.dropped_empty {
                        stats.dropped_empty += 1;
                    }
                    stats.add(c, *n, c.text.len());
                }
                Err((why, timed_out)) => {
                    stats.timed_out += *timed_out as u64;
                    ui.fail(stats, &r.name, why);
                }
            }
            let w: &mut dyn Write = match file.as_mut() {
                Some(f) => f,
                None => out,
            };
            let written = if u.kind == UnitKind::Warc && cfg.format == Some(OutFormat::Txt) {
                write_separated(cfg, &r.rendered, w, wrote_any)
            } else {
                w.write_all(r.rendered.as_bytes())
            };
            if let Err(e) = written {
                io_error.get_or_insert(e);
            }
            write_rejected(rejected, &r.rejected, ui, stats);
        }
        ui.progress(stats);
    });
    if let Err(e) = ended {
        stats.documents_in += 1;
        ui.fail(stats, &u.name, &e.to_string());
    }
    let dest = u.out.as_ref().map_or("<stdout>".to_string(), |p| p.display().to_string());
    let done = match (io_error, file) {
        (Some(e), _) => Err(e),
        (None, Some(f)) => f.commit(),
        (None, None) => Ok(()),
    };
    if let Err(e) = done {
        ui.fail(stats, &dest, &e.to_string());
    }
}

fn clean_record(cfg: &Config, u: &Unit, r: Rec) -> RecOut {
    let (name, rendered, result) = match r.data {
        RecData::Line(line) => {
            let name = format!("{}:{}", u.name, r.no);
            let (rendered, result) = jsonl_line(cfg, u, &name, r.no, &line);
            (name, rendered, result)
        }
        RecData::LineTooLong(n) => {
            let why = format!("line of {n} bytes is too long (raise --max-bytes to allow)");
            let (rendered, result) = error_line(r.no, &why);
            (format!("{}:{}", u.name, r.no), rendered, result)
        }
        RecData::Warc(doc) => warc_doc(cfg, u, r.no, doc),
    };
    let rejected = match &result {
        Ok((c, _)) if cfg.rejected.is_some() => output::rejected(&name, c),
        _ => String::new(),
    };
    let empty = match &result {
        Ok((c, _)) => c.text.is_empty(),
        Err(_) => true,
    };
    let drop = cfg.drop_empty && !cfg.explain && empty;
    RecOut {
        name,
        rendered: if drop { String::new() } else { rendered },
        rejected,
        dropped_empty: drop && result.is_ok(),
        result,
    }
}

type RecResult = Result<(Cleaned, usize), (String, bool)>;

/// A WARC document: its name for messages, its output record (`id`,
/// `url`, `date`, the text and `metadata.scour`, or `scour_error`), and
/// the result.
fn warc_doc(
    cfg: &Config,
    u: &Unit,
    ordinal: u64,
    doc: Result<warc::Doc, (warc::Doc, Error)>,
) -> (String, String, RecResult) {
    let (d, r) = match doc {
        Ok(mut d) => {
            let payload = std::mem::take(&mut d.payload);
            let r = crate::input::decompress_if_needed(payload, cfg.clean.max_bytes).and_then(|b| {
                let n = b.len();
                let site = crate::templates::site_of_url(&d.url).unwrap_or_else(|| u.site.clone());
                crate::clean_with_hint(&b, &cfg.clean.for_site(&site), d.charset.as_deref()).map(|c| (c, n))
            });
            (d, r)
        }
        Err((d, e)) => (d, Err(e)),
    };
    let name = if d.id.is_empty() { format!("{}#{}", u.name, ordinal) } else { format!("{}:{}", u.name, d.id) };
    let field = cfg.output_field.as_deref().unwrap_or(&cfg.text_field).to_string();
    let txt = cfg.format == Some(OutFormat::Txt);
    let mut m = serde_json::Map::new();
    m.insert("id".into(), Value::from(d.id));
    m.insert("url".into(), Value::from(d.url));
    m.insert("date".into(), Value::from(d.date));
    match r {
        Ok((c, n)) => {
            let rendered = if cfg.explain {
                output::explain(&name, &c)
            } else if txt {
                output::to_txt(&c)
            } else {
                m.insert(field, Value::from(c.text.clone()));
                m.insert("metadata".into(), serde_json::json!({ "scour": output::warc_meta(&c) }));
                format!("{}\n", Value::Object(m))
            };
            (name, rendered, Ok((c, n)))
        }
        Err(e) => {
            let timed_out = matches!(e, Error::TimedOut(_));
            let why = e.to_string();
            let rendered = if cfg.explain || txt {
                String::new()
            } else {
                m.insert(field, Value::from(""));
                m.insert("scour_error".into(), Value::from(why.clone()));
                format!("{}\n", Value::Object(m))
            };
            (name, rendered, Err((why, timed_out)))
        }
    }
}

fn jsonl_line(cfg: &Config, u: &Unit, name: &str, lineno: u64, line: &[u8]) -> (String, RecResult) {
    let mut obj = match serde_json::from_slice::<Value>(line) {
        Ok(Value::Object(m)) => m,
        Ok(_) => return error_line(lineno, "line is not a JSON object"),
        Err(e) => return error_line(lineno, &format!("invalid JSON: {e}")),
    };
    let doc = match obj.get(&cfg.text_field) {
        Some(Value::String(s)) => s.clone(),
        Some(_) => return with_error(obj, cfg, "field is not a string", false),
        None => return with_error(obj, cfg, "field is missing", false),
    };
    let site = record_site(cfg, &obj, u);
    let r = if doc.trim().is_empty() { Err(Error::Empty) } else { crate::clean_str(&doc, &cfg.clean.for_site(&site)) };
    match r {
        Ok(c) => {
            let rendered = if cfg.explain {
                output::explain(name, &c)
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
        Err(e) => with_error(obj, cfg, &e.to_string(), matches!(e, Error::TimedOut(_))),
    }
}

fn error_line(lineno: u64, why: &str) -> (String, RecResult) {
    let v = serde_json::json!({ "scour_error": why, "line": lineno });
    (format!("{v}\n"), Err((why.to_string(), false)))
}

fn with_error(
    mut obj: serde_json::Map<String, Value>,
    cfg: &Config,
    why: &str,
    timed_out: bool,
) -> (String, RecResult) {
    let why = format!("field `{}`: {why}", cfg.text_field);
    let field = cfg.output_field.as_deref().unwrap_or(&cfg.text_field);
    if field != cfg.text_field && !cfg.keep_input {
        obj.remove(&cfg.text_field);
    }
    obj.insert(field.to_string(), Value::from(""));
    obj.insert("scour_error".into(), Value::from(why.clone()));
    (format!("{}\n", Value::Object(obj)), Err((why, timed_out)))
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
        assert!(is_jsonl_name(Path::new("a.jsonl.zst")));
        assert!(is_warc_name(Path::new("CC-MAIN-1.warc.gz")));
        assert!(!is_warc_name(Path::new("a.warc.txt")));
    }

    #[test]
    fn shard_hash_is_stable() {
        assert_eq!(stable_hash(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(stable_hash(b"a"), 0xaf63_dc4c_8601_ec8c);
        assert!(in_shard(None, 7));
        assert!(in_shard(Some((1, 3)), 7) && !in_shard(Some((0, 3)), 7));
    }

    #[test]
    fn long_lines_are_cut_and_skipped() {
        let data = b"short\nthis line is long\nnext\nlast";
        let mut r: &[u8] = data;
        let mut buf = Vec::new();
        assert_eq!(read_line_capped(&mut r, &mut buf, 8).unwrap(), Some(6));
        assert_eq!(buf, b"short\n");
        buf.clear();
        assert_eq!(read_line_capped(&mut r, &mut buf, 8).unwrap(), Some(18));
        buf.clear();
        assert_eq!(read_line_capped(&mut r, &mut buf, 8).unwrap(), Some(5));
        assert_eq!(buf, b"next\n");
        buf.clear();
        assert_eq!(read_line_capped(&mut r, &mut buf, 8).unwrap(), Some(4));
        buf.clear();
        assert_eq!(read_line_capped(&mut r, &mut buf, 8).unwrap(), None);
    }
}
