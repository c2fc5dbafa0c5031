//! Stage 5: render results and write them so that no reader ever sees half a
//! file.
//!
//! Files are written to a temporary file in the destination directory and
//! renamed over the target, which is atomic on POSIX file systems: an
//! interrupted `make` leaves either the old output or the new one.

use crate::Cleaned;
use serde_json::{Map, Value};
use std::fmt::Write as _;
use std::io::{self, Write};
use std::path::Path;

/// Write `bytes` to `path` atomically, creating parent directories.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    std::fs::create_dir_all(dir)?;
    let mut builder = tempfile::Builder::new();
    builder.prefix(".scour-").suffix(".tmp");
    // A temporary file is private (0600); the output is an ordinary file,
    // so create it as `File::create` would: 0666 less the umask.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    let mut tmp = builder.tempfile_in(dir)?;
    tmp.write_all(bytes)?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
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
    }
}
