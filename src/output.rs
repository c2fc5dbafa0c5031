//! Stage 5: render results and write them so that no reader ever sees half a
//! file.
//!
//! Files are written to a temporary file in the destination directory and
//! renamed over the target, which is atomic on POSIX file systems: an
//! interrupted `make` leaves either the old output or the new one.

use crate::Cleaned;
use flate2::write::GzEncoder;
use serde_json::{Map, Value};
use std::fmt::Write as _;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use tempfile::NamedTempFile;

/// Write `bytes` to `path` atomically, creating parent directories; the
/// file is compressed when its name ends in `.gz` or `.zst`.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut f = AtomicFile::create(path)?;
    f.write_all(bytes)?;
    f.commit()
}

/// An output file written atomically: everything goes to a temporary file
/// in the target directory, renamed over the target by [`AtomicFile::commit`];
/// dropped without a commit, the temporary file is removed and the target
/// is untouched. A name ending in `.gz` or `.zst` is written compressed
/// (gzip, or Zstandard at level 3).
pub struct AtomicFile {
    path: PathBuf,
    enc: Enc,
}

enum Enc {
    Plain(BufWriter<NamedTempFile>),
    Gzip(GzEncoder<BufWriter<NamedTempFile>>),
    Zstd(zstd::stream::write::Encoder<'static, BufWriter<NamedTempFile>>),
}

impl AtomicFile {
    /// Start writing `path` (parent directories are created).
    pub fn create(path: &Path) -> io::Result<AtomicFile> {
        let dir = match path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d,
            _ => Path::new("."),
        };
        std::fs::create_dir_all(dir)?;
        let mut b = tempfile::Builder::new();
        b.prefix(".scour-").suffix(".tmp");
        // A temporary file is private (0600); the output is an ordinary
        // file, readable as the umask allows.
        #[cfg(unix)]
        b.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666));
        let tmp = b.tempfile_in(dir)?;
        let w = BufWriter::with_capacity(1 << 16, tmp);
        let name = path.file_name().map(|n| n.to_string_lossy().to_ascii_lowercase()).unwrap_or_default();
        let enc = if name.ends_with(".gz") {
            Enc::Gzip(GzEncoder::new(w, flate2::Compression::default()))
        } else if name.ends_with(".zst") {
            Enc::Zstd(zstd::stream::write::Encoder::new(w, 3)?)
        } else {
            Enc::Plain(w)
        };
        Ok(AtomicFile { path: path.to_path_buf(), enc })
    }

    /// Finish the compressed stream, flush, and rename over the target.
    pub fn commit(self) -> io::Result<()> {
        let w = match self.enc {
            Enc::Plain(w) => w,
            Enc::Gzip(g) => g.finish()?,
            Enc::Zstd(z) => z.finish()?,
        };
        let tmp = w.into_inner().map_err(|e| e.into_error())?;
        tmp.persist(&self.path).map_err(|e| e.error)?;
        Ok(())
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match &mut self.enc {
            Enc::Plain(w) => w.write(buf),
            Enc::Gzip(w) => w.write(buf),
            Enc::Zstd(w) => w.write(buf),
        }
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        match &mut self.enc {
            Enc::Plain(w) => w.write_all(buf),
            Enc::Gzip(w) => w.write_all(buf),
            Enc::Zstd(w) => w.write_all(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match &mut self.enc {
            Enc::Plain(w) => w.flush(),
            Enc::Gzip(w) => w.flush(),
            Enc::Zstd(w) => w.flush(),
        }
    }
}

/// Plain-text rendering: paragraphs one per line, a final newline when
/// there is any text.
pub fn to_txt(c: &Cleaned) -> String {
    if c.text.is_empty() {
        String::new()
    } else {
        let mut s = String::with_capacity(c.text.len() + 1);
        s.push_str(&c.text);
        s.push('\n');
        s
    }
}

/// The fields scour adds to a JSON record besides the text.
pub fn meta(c: &Cleaned) -> Value {
    let mut m = Map::new();
    m.insert("format".into(), serde_json::to_value(c.format).unwrap_or(Value::Null));
    m.insert("encoding".into(), Value::from(c.encoding));
    m.insert("lang".into(), c.lang.map_or(Value::Null, Value::from));
    m.insert("blocks_kept".into(), Value::from(c.kept()));
    m.insert("blocks_dropped".into(), Value::from(c.blocks.len() - c.kept()));
    m.insert("repairs".into(), Value::from(c.repairs.len()));
    Value::Object(m)
}

/// The `metadata.scour` object of a WARC document's output record.
pub fn warc_meta(c: &Cleaned) -> Value {
    let mut m = Map::new();
    m.insert("version".into(), Value::from(env!("CARGO_PKG_VERSION")));
    if let Value::Object(rest) = meta(c) {
        m.extend(rest);
    }
    Value::Object(m)
}

/// `--rejected`: one JSON line per dropped block of a document, in block
/// order: the document's name, the block's index, kind and text, and why
/// it went (reason key, the rule or class token behind it, the scorer's
/// probability). Needs [`crate::Options::dropped_text`].
pub fn rejected(name: &str, c: &Cleaned) -> String {
    let mut s = String::new();
    for b in c.blocks.iter().filter(|b| !b.decision.keep) {
        let d = &b.decision;
        let detail = match &d.reason {
            crate::Reason::Vocab(_, rule) => Value::from(rule.clone()),
            crate::Reason::Attrs(tok) | crate::Reason::Marked(tok) => Value::from(tok.clone()),
            crate::Reason::Template(pages) => Value::from(pages.clone()),
            _ => Value::Null,
        };
        let v = serde_json::json!({
            "doc": name,
            "block": b.index,
            "kind": b.kind.name(),
            "reason": d.reason.key(),
            "detail": detail,
            "score": d.score,
            "text": b.text,
        });
        let _ = writeln!(s, "{v}");
    }
    s
}

/// A human-readable account of every block and repair, for `--explain`.
pub fn explain(name: &str, c: &Cleaned) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "== {name}  format={:?} encoding={} lang={} kept={}/{}",
        c.format,
        c.encoding,
        c.lang.unwrap_or("?"),
        c.kept(),
        c.blocks.len()
    );
    for b in &c.blocks {
        let d = &b.decision;
        let why = match &d.reason {
            crate::Reason::Vocab(_, rule) => format!("{} [{rule}]", d.reason.key()),
            crate::Reason::Attrs(tok) => format!("attrs [{tok}]"),
            crate::Reason::Marked(tok) => format!("marked [{tok}]"),
            crate::Reason::Template(pages) => format!("template [{pages}]"),
            r => r.key(),
        };
        let text: String = b.text.chars().take(100).collect();
        let more = if b.text.chars().count() > 100 { "…" } else { "" };
        let _ = writeln!(
            s,
            "{} {:<4} {:<9} {:<28} {}stop={:.2} main={} {}  {}{}",
            if d.keep { "KEEP" } else { "drop" },
            b.index,
            b.kind.name(),
            why,
            d.score.map_or(String::new(), |s| format!("p={s:.2} ")),
            d.stop_density,
            if d.in_main { "y" } else { "n" },
            if b.path.is_empty() { String::new() } else { format!("<{}>", b.path) },
            text.replace(['\n', '\t'], " "),
            more
        );
    }
    for r in &c.repairs {
        let _ = writeln!(s, "fix  {:<12} {:?} -> {:?}", r.fix.name(), r.before, r.after);
    }
    s
}

/// `--explain --format jsonl`: the whole result, every block with its text
/// and decision, as one JSON line (for audits and scripts).
pub fn explain_json(name: &str, c: &Cleaned) -> String {
    let mut v = serde_json::to_value(c).unwrap_or(Value::Null);
    if let Value::Object(m) = &mut v {
        m.insert("path".into(), Value::from(name));
    }
    let mut s = v.to_string();
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atomic_write_replaces_and_leaves_no_temp() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("sub/out.txt");
        write_atomic(&p, b"one").unwrap();
        write_atomic(&p, b"two").unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"two");
        let names: Vec<_> =
            std::fs::read_dir(dir.path().join("sub")).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names.len(), 1);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            // The same mode as a file created the ordinary way (umask applied).
            let other = tempfile::tempdir().unwrap();
            std::fs::write(other.path().join("plain"), b"").unwrap();
            let want = std::fs::metadata(other.path().join("plain")).unwrap().permissions().mode();
            assert_eq!(std::fs::metadata(&p).unwrap().permissions().mode(), want);
        }
    }

    #[test]
    fn compressed_outputs_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let text = "line one\nline two\n".repeat(100);
        for name in ["a.jsonl.gz", "a.jsonl.zst"] {
            let p = dir.path().join(name);
            write_atomic(&p, text.as_bytes()).unwrap();
            let raw = std::fs::read(&p).unwrap();
            assert_ne!(raw, text.as_bytes());
            let back = crate::input::decompress_if_needed(raw, 1 << 20).unwrap();
            assert_eq!(back, text.as_bytes(), "{name}");
        }
        // An uncommitted file leaves nothing behind.
        let mut f = AtomicFile::create(&dir.path().join("b.txt")).unwrap();
        f.write_all(b"half").unwrap();
        drop(f);
        let mut names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        names.sort();
        assert_eq!(names, ["a.jsonl.gz", "a.jsonl.zst"]);
    }
}
