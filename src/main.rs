//! The `scour` command: a thin layer over `scour::batch`.

use clap::{Parser, ValueEnum};
use scour::batch::{self, Config, Dest, InputKind, OutFormat};
use std::io::{self, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

/// mimalloc rather than glibc's allocator: cleaning allocates many small
/// strings and maps per block, and on 1 GB of pages mimalloc takes 16–27 %
/// less CPU per MB (README, "Dependencies and why").
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const EXAMPLES: &str = "\
Examples:
  scour page.html                      clean one page to stdout
  scour raw/ -o clean/                 clean a tree of pages into a mirror tree of .txt files
  scour -j4 raw/ -o clean/             the same on 4 threads (output is identical for any -j)
  scour page.html -o page.txt          one input, one output file (written atomically)
  curl -s https://example.org | scour -   read a page from stdin
  scour --input jsonl crawl.jsonl > clean.jsonl
                                       clean the `text` field of every record, other fields kept
  scour --input text scraped.txt       flat text (one block per line), no markup
  scour --repair-only --input jsonl damaged.jsonl
                                       only repair characters (mojibake, entities, lost ?)
  scour --explain page.html            show every block, kept or dropped, and why
  scour --stats stats.json raw/ -o clean/
                                       write run statistics as JSON (`--stats -`: summary on stderr)
  scour --learn-templates --templates site.tsv raw/ -o clean/
                                       learn each site's template (blocks recurring on its pages)
                                       in a first pass, drop it, and save it to site.tsv
  scour --templates site.tsv more/ -o clean-more/
                                       apply templates learned on another shard
  scour crawl.warc.gz -o clean.jsonl.zst
                                       HTML responses of a WARC file → one compressed JSONL file
  scour --shard 0/4 --skip-existing --timeout 30 raw/ -o clean/
                                       a resumable quarter of a big run; slow pages fail, the rest goes on

Exit status: 0 when every document was cleaned, 1 when some failed (each
failure is one line `scour: PATH: reason` on stderr), 2 on a usage error.";

/// Clean main text out of scraped web pages (HTML) or scraped plain text:
/// boilerplate removed, broken characters repaired, in parallel.
#[derive(Parser, Debug)]
#[command(name = "scour", version, about, after_help = EXAMPLES, max_term_width = 100)]
struct Cli {
    /// Files or directories to clean (directories recursively, sorted); `-`
    /// reads one document from stdin. Default: stdin.
    inputs: Vec<PathBuf>,

    /// Where to write: a directory (mirrors the input tree, one .txt per
    /// document), or a file when there is a single input. Default: stdout.
    /// Files are written atomically (temporary file, then rename).
    #[arg(short, long, value_name = "PATH")]
    output: Option<PathBuf>,

    /// What the inputs are: `auto` sniffs each document, reads
    /// `.jsonl`/`.ndjson` files as JSONL and `.warc` files (or files that
    /// start with `WARC/1.`) as WARC. Inputs may be gzip- or
    /// zstd-compressed (`.gz`, `.zst`, or by their magic bytes, stdin too).
    #[arg(long = "input", value_enum, default_value_t = InputArg::Auto, value_name = "KIND")]
    input: InputArg,

    /// Output format. Default: `jsonl` for JSONL input, else `txt`
    /// (paragraphs one per line).
    #[arg(long, value_enum, value_name = "FORMAT")]
    format: Option<FormatArg>,

    /// JSONL field holding each document (HTML or text, sniffed per record).
    #[arg(long, default_value = "text", value_name = "NAME")]
    text_field: String,

    /// JSONL field that receives the cleaned text. Default: the input field,
    /// replaced. When it differs, the input field is dropped unless
    /// --keep-input.
    #[arg(long, value_name = "NAME")]
    output_field: Option<String>,

    /// Keep the input field when --output-field names another field.
    #[arg(long, requires = "output_field")]
    keep_input: bool,

    /// Worker threads (default: all cores). Output never depends on it.
    #[arg(short, long, value_name = "N")]
    jobs: Option<usize>,

    /// Print every block with its decision and reason, and every repair,
    /// instead of the text.
    #[arg(long)]
    explain: bool,

    /// Write run statistics (documents, bytes, blocks kept/dropped by reason,
    /// repairs by kind, MB/s) as JSON to FILE, or as a summary to stderr
    /// with `--stats -`.
    #[arg(long, value_name = "FILE")]
    stats: Option<String>,

    /// Keep every block: only repair characters and spacing.
    #[arg(long, conflicts_with = "no_repair")]
    repair_only: bool,

    /// Do not repair characters; only remove boilerplate.
    #[arg(long)]
    no_repair: bool,

    /// Cosmetic: make curly quotes and apostrophes straight (’ “ ” → ' ").
    /// Off by default: curly quotes are not damage.
    #[arg(long, conflicts_with = "no_repair")]
    straight_quotes: bool,

    /// Cosmetic: split typographic ligatures (ﬁ ﬂ → fi fl).
    #[arg(long, conflicts_with = "no_repair")]
    fold_ligatures: bool,

    /// Cosmetic: make full-width letters, digits and punctuation ASCII
    /// (Ａ１！ → A1!).
    #[arg(long, conflicts_with = "no_repair")]
    fold_width: bool,

    /// Decide with the rule-based classifier alone, without the learned
    /// scorer (slightly faster; see README, "How it decides").
    #[arg(long)]
    rules_only: bool,

    /// Start the text with the article's headline (kept once). By default
    /// the title is left out of the text, as metadata: the JSONL output
    /// has it in its `title` field.
    #[arg(long)]
    headline: bool,

    /// Leave list items unmarked. By default each kept list item starts
    /// with the marker the page shows for it: "- " in a bulleted list,
    /// "1. ", "2. "… in a numbered one, two spaces of indent per level of
    /// nesting (HTML input only; flat text keeps its own lines).
    #[arg(long)]
    no_list_marks: bool,

    /// What scour does by default now; accepted so that older scripts run.
    #[arg(long, hide = true, conflicts_with = "headline")]
    no_headline: bool,

    /// A word list (one word per line, e.g. /usr/share/dict/words) to
    /// restore characters lost to `?` or U+FFFD; repeatable.
    #[arg(long, value_name = "FILE")]
    lexicon: Vec<PathBuf>,

    /// Do not learn a lexicon from the whole batch before cleaning (the
    /// first pass re-reads every input file).
    #[arg(long)]
    no_batch_lexicon: bool,

    /// Learn each site's template in a first pass over the inputs (files
    /// only) and drop it: blocks that recur on many pages of a site (see
    /// README, "Site templates"). A site is a JSONL record's URL host
    /// (--url-field), else a file's directory relative to the input root.
    #[arg(long)]
    learn_templates: bool,

    /// With --learn-templates: save the learned templates to FILE
    /// (versioned TSV). Without: load templates from FILE and apply them.
    #[arg(long, value_name = "FILE")]
    templates: Option<PathBuf>,

    /// With --learn-templates: a block is template when it appears on at
    /// least N distinct pages of its site (and on 30 % of them); sites with
    /// fewer pages learn nothing.
    #[arg(long, value_name = "N", default_value_t = scour::templates::Params::default().min_pages as u64,
          value_parser = clap::value_parser!(u64).range(2..10_000_000))]
    template_min_pages: u64,

    /// JSONL field holding each record's URL, whose host names its site for
    /// templates.
    #[arg(long, default_value = "url", value_name = "NAME")]
    url_field: String,

    /// Decode every document with this charset (e.g. from an HTTP header)
    /// unless it has a byte-order mark.
    #[arg(long, value_name = "LABEL")]
    charset: Option<String>,

    /// Refuse documents larger than this many bytes (after decompression).
    #[arg(long, value_name = "BYTES", default_value_t = scour::DEFAULT_MAX_BYTES)]
    max_bytes: usize,

    /// JSONL/WARC output: leave out records whose cleaned text is empty
    /// (and failed records, which are still reported on stderr).
    #[arg(long)]
    drop_empty: bool,

    /// Write every removed block as JSONL to FILE (document, block index,
    /// kind, reason, rule, score, text), in input order, for audits.
    #[arg(long, value_name = "FILE")]
    rejected: Option<PathBuf>,

    /// Clean only shard I of N (0 ≤ I < N): files by a stable hash of their
    /// path relative to the input directory, JSONL lines and WARC documents
    /// by their index. The N shards partition the input.
    #[arg(long, value_name = "I/N", value_parser = parse_shard)]
    shard: Option<(u64, u64)>,

    /// With -o, skip inputs whose output file already exists (outputs are
    /// written atomically, so an existing one is complete).
    #[arg(long, requires = "output")]
    skip_existing: bool,

    /// Give up on a document after SECS seconds (fractions allowed); it is
    /// reported as failed and the batch goes on.
    #[arg(long, value_name = "SECS", value_parser = parse_secs)]
    timeout: Option<std::time::Duration>,

    /// Show progress (documents/s, MB/s) on stderr even when it is not a
    /// terminal (a line every 2 s); on a terminal a progress bar is shown
    /// anyway. Never writes to stdout.
    #[arg(long)]
    progress: bool,
}

fn parse_shard(s: &str) -> Result<(u64, u64), String> {
    let (i, n) = s.split_once('/').ok_or("expected I/N, e.g. 0/4")?;
    let i: u64 = i.trim().parse().map_err(|e| format!("shard index: {e}"))?;
    let n: u64 = n.trim().parse().map_err(|e| format!("shard count: {e}"))?;
    if n == 0 || i >= n {
        return Err(format!("need 0 ≤ I < N, got {i}/{n}"));
    }
    Ok((i, n))
}

fn parse_secs(s: &str) -> Result<std::time::Duration, String> {
    let v: f64 = s.trim().parse().map_err(|e| format!("{e}"))?;
    std::time::Duration::try_from_secs_f64(v).map_err(|e| e.to_string()).and_then(|d| {
        if d.is_zero() {
            Err("must be more than 0".into())
        } else {
            Ok(d)
        }
    })
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum InputArg {
    Auto,
    Html,
    Text,
    Jsonl,
    Warc,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum FormatArg {
    Txt,
    Jsonl,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    // The ablation switch (README, "Ablation") is checked before any work.
    if let Ok(spec) = std::env::var("SCOUR_ABLATE") {
        if let Err(e) = scour::ablate::parse(&spec) {
            eprintln!("scour: {e}");
            return ExitCode::from(2);
        }
    }
    let input = match cli.input {
        InputArg::Auto => InputKind::Auto,
        InputArg::Html => InputKind::Html,
        InputArg::Text => InputKind::Text,
        InputArg::Jsonl => InputKind::Jsonl,
        InputArg::Warc => InputKind::Warc,
    };
    let inputs = if cli.inputs.is_empty() { vec![PathBuf::from("-")] } else { cli.inputs };
    let dest = match cli.output {
        None => Dest::Stdout,
        Some(p) => {
            let dir_like = p.is_dir()
                || p.as_os_str().to_string_lossy().ends_with('/')
                || inputs.len() > 1
                || inputs.iter().any(|i| i.is_dir());
            if dir_like {
                Dest::Dir(p)
            } else {
                Dest::File(p)
            }
        }
    };
    let mut clean = scour::Options {
        format: batch::forced_format(input),
        charset: cli.charset,
        headline: cli.headline,
        explain: cli.explain,
        max_bytes: cli.max_bytes,
        rules_only: cli.rules_only,
        timeout: cli.timeout,
        list_marks: !cli.no_list_marks,
        ..scour::Options::default()
    };
    if cli.repair_only {
        clean.extract = false;
    }
    if cli.no_repair {
        clean.repair = None;
    }
    if let Some(r) = clean.repair.as_mut() {
        r.uncurl_quotes = cli.straight_quotes;
        r.fix_ligatures = cli.fold_ligatures;
        r.fix_width = cli.fold_width;
    }
    for path in &cli.lexicon {
        let loaded =
            std::fs::File::open(path).and_then(|f| scour::repair::Lexicon::from_word_list(std::io::BufReader::new(f)));
        match loaded {
            Ok(l) => clean.lexicons.push(std::sync::Arc::new(l)),
            Err(e) => {
                eprintln!("scour: {}: cannot read word list: {e}", path.display());
                return ExitCode::from(2);
            }
        }
    }
    let cfg = Config {
        inputs,
        input,
        dest,
        format: cli.format.map(|f| match f {
            FormatArg::Txt => OutFormat::Txt,
            FormatArg::Jsonl => OutFormat::Jsonl,
        }),
        text_field: cli.text_field,
        output_field: cli.output_field,
        keep_input: cli.keep_input,
        jobs: cli.jobs.unwrap_or(0),
        explain: cli.explain,
        batch_lexicon: !cli.no_batch_lexicon,
        learn_templates: cli.learn_templates.then(|| scour::templates::Params {
            min_pages: cli.template_min_pages as usize,
            ..scour::templates::Params::default()
        }),
        templates_file: cli.templates,
        url_field: cli.url_field,
        drop_empty: cli.drop_empty,
        rejected: cli.rejected,
        shard: cli.shard,
        skip_existing: cli.skip_existing,
        progress: if io::stderr().is_terminal() {
            batch::Progress::Bar
        } else if cli.progress {
            batch::Progress::Lines
        } else {
            batch::Progress::Off
        },
        clean,
    };
    let stdout = io::stdout();
    let mut out = io::BufWriter::with_capacity(1 << 16, stdout.lock());
    // Not locked for the whole run: a library warning printed from a worker
    // thread (`eprintln!`) would otherwise wait for the lock forever.
    let mut err = io::stderr();
    let stats = match batch::run(&cfg, &mut out, &mut err) {
        Ok(s) => s,
        Err(e) => {
            let _ = writeln!(err, "scour: {e}");
            return ExitCode::from(2);
        }
    };
    if let Err(e) = out.flush() {
        if e.kind() != io::ErrorKind::BrokenPipe {
            let _ = writeln!(err, "scour: <stdout>: {e}");
            return ExitCode::from(1);
        }
    }
    if let Some(dest) = cli.stats {
        let json = serde_json::to_string_pretty(&stats).unwrap_or_default();
        if dest == "-" {
            let _ = writeln!(err, "{}", human_stats(&stats));
        } else if let Err(e) = scour::output::write_atomic(std::path::Path::new(&dest), (json + "\n").as_bytes()) {
            let _ = writeln!(err, "scour: {dest}: cannot write statistics: {e}");
            return ExitCode::from(1);
        }
    }
    if stats.documents_failed > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn human_stats(s: &batch::Stats) -> String {
    let mut o = format!(
        "documents: {} in, {} ok ({} empty), {} failed ({} timed out), {} skipped, {} skipped as done, {} dropped empty\nbytes: {} in, {} out\ntime: {:.3} s, {:.1} MB/s on {} threads",
        s.documents_in,
        s.documents_ok,
        s.documents_empty,
        s.documents_failed,
        s.timed_out,
        s.skipped,
        s.skipped_existing,
        s.dropped_empty,
        s.bytes_in,
        s.bytes_out,
        s.seconds,
        s.mb_per_s,
        s.jobs
    );
    let fmt = |m: &std::collections::BTreeMap<String, u64>| {
        m.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join(" ")
    };
    o.push_str(&format!("\nblocks kept: {}", fmt(&s.blocks_kept)));
    o.push_str(&format!("\nblocks dropped: {}", fmt(&s.blocks_dropped)));
    o.push_str(&format!("\nrepairs: {}", fmt(&s.repairs)));
    o
}
