//! Stage 1: bytes in, Unicode text out, and what kind of document it is.
//!
//! The charset is taken from the strongest evidence available, in the order a
//! browser uses: byte-order mark, then a `<meta charset>` / `http-equiv`
//! declaration, then the bytes themselves (valid UTF-8, or chardetng's
//! guess). A page that declares UTF-8 but is not is re-detected rather than
//! turned into a field of U+FFFD.

use crate::Error;
use chardetng::{EncodingDetector, Iso2022JpDetection, Utf8Detection};
use encoding_rs::{Encoding, UTF_16BE, UTF_16LE, UTF_8};
use std::borrow::Cow;
use std::io::{BufRead, BufReader, Read};

/// What a document is, as far as the cleaner is concerned.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// Markup: segmented on the DOM.
    Html,
    /// Flat text: segmented on lines and blank lines.
    Text,
}

/// A decoded document.
#[derive(Debug)]
pub struct Decoded {
    /// The text, with any BOM removed.
    pub text: String,
    /// HTML or text (sniffed, or as forced by the caller).
    pub format: Format,
    /// The charset used to decode (`UTF-8`, `windows-1252`, …).
    pub encoding: &'static str,
    /// How the charset was chosen: `bom`, `meta`, `utf8`, `detected`, `caller`.
    pub charset_source: &'static str,
    /// Whether decoding met malformed bytes (they became U+FFFD).
    pub malformed: bool,
}

/// How far into the document the `<meta charset>` prescan looks. Browsers
/// use 1024 bytes; real pages put long comments and scripts first.
const META_SCAN: usize = 8 * 1024;

/// Reject a document before decoding: empty, compressed-but-not-gzip, or
/// binary. Returns the reason when the bytes are not a text document.
fn check_binary(bytes: &[u8]) -> Result<(), Error> {
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(Error::Empty);
    }
    let head = &bytes[..bytes.len().min(8192)];
    if bom(head).is_some() {
        return Ok(());
    }
    const MAGIC: &[(&[u8], &str)] = &[
        (b"%PDF", "PDF"),
        (b"\x89PNG", "PNG image"),
        (b"\xff\xd8\xff", "JPEG image"),
        (b"GIF8", "GIF image"),
        (b"PK\x03\x04", "ZIP archive"),
        (b"\x28\xb5\x2f\xfd", "zstd stream"),
        (b"BZh", "bzip2 stream"),
        (b"\xfd7zXZ", "xz stream"),
        (b"\x7fELF", "ELF executable"),
        (b"RIFF", "RIFF media"),
        (b"OggS", "Ogg media"),
        (b"\x00\x00\x00", "binary data"),
    ];
    for (magic, what) in MAGIC {
        if head.starts_with(magic) {
            return Err(Error::Binary(what));
        }
    }
    if utf16_without_bom(head).is_some() {
        return Ok(());
    }
    let controls =
        head.iter().filter(|&&b| b == 0 || (b < 0x20 && !matches!(b, b'\n' | b'\r' | b'\t' | 0x0c | 0x1b))).count();
    if head.contains(&0) || controls * 100 > head.len() * 5 {
        return Err(Error::Binary("binary data (NUL or control bytes)"));
    }
    Ok(())
}

fn bom(bytes: &[u8]) -> Option<(&'static Encoding, usize)> {
    Encoding::for_bom(bytes)
}

/// UTF-16 without BOM shows as NUL in every other byte of ASCII text.
fn utf16_without_bom(head: &[u8]) -> Option<&'static Encoding> {
    if head.len() < 16 || memchr::memchr(0, head).is_none() {
        return None;
    }
    let pairs = head.len() / 2;
    let even = head.iter().step_by(2).take(pairs).filter(|&&b| b == 0).count();
    let odd = head.iter().skip(1).step_by(2).take(pairs).filter(|&&b| b == 0).count();
    if odd * 10 > pairs * 6 && even * 20 < pairs {
        Some(UTF_16LE)
    } else if even * 10 > pairs * 6 && odd * 20 < pairs {
        Some(UTF_16BE)
    } else {
        None
    }
}

/// Whether the bytes look like markup: a doctype or one of the structural
/// tags near the start, or several tags in the first kilobytes.
pub fn looks_like_html(text: &str) -> bool {
    // Every sign below starts with `<`: text without one is not HTML.
    if memchr::memchr(b'<', text.as_bytes()).is_none() {
        return false;
    }
    // The first 4096 characters: cut at the start of the 4097th.
    let mut seen = 0usize;
    let mut cut = text.len();
    for (i, &b) in text.as_bytes().iter().enumerate() {
        // Not a UTF-8 continuation byte: a character starts here.
        if (b as i8) >= -0x40 {
            if seen == 4096 {
                cut = i;
                break;
            }
            seen += 1;
        }
    }
    let head: String = text[..cut].to_ascii_lowercase();
    let t = head.trim_start();
    if t.starts_with("<!doctype") || t.starts_with("<html") || t.starts_with("<?xml") && head.contains("<html") {
        return true;
    }
    if ["<html", "<head", "<body", "<meta ", "<title>"].iter().any(|m| head.contains(m)) {
        return true;
    }
    let tags = ["<p>", "<p ", "<div", "<br", "<a href", "<span", "<li>", "<table", "</p>", "<h1", "<h2"];
    let n: usize = tags.iter().map(|m| head.matches(m).count()).sum();
    t.starts_with('<') && n >= 2 || n >= 6
}

/// Find `<meta charset=…>` or `<meta http-equiv=content-type content="…;
/// charset=…">` in the first bytes (ASCII-compatible scan, as browsers do).
fn meta_charset(bytes: &[u8]) -> Option<&'static Encoding> {
    let head = &bytes[..bytes.len().min(META_SCAN)];
    let mut i = 0;
    while let Some(off) =
        memchr::memmem::find(&head[i..], b"<meta").or_else(|| memchr::memmem::find(&head[i..], b"<META"))
    {
        let start = i + off;
        let end = head[start..].iter().position(|&b| b == b'>').map_or(head.len(), |p| start + p);
        let tag = head[start..end].to_ascii_lowercase();
        if let Some(p) = memchr::memmem::find(&tag, b"charset") {
            let rest = &tag[p + 7..];
            let rest = rest.trim_ascii_start();
            if let Some(rest) = rest.strip_prefix(b"=") {
                let rest = rest.trim_ascii_start();
                let rest = rest.strip_prefix(b"\"").or_else(|| rest.strip_prefix(b"'")).unwrap_or(rest);
                let label_end = rest
                    .iter()
                    .position(|&b| b == b'"' || b == b'\'' || b == b';' || b == b'/' || b.is_ascii_whitespace())
                    .unwrap_or(rest.len());
                if let Some(enc) = Encoding::for_label(&rest[..label_end]) {
                    // A page cannot declare UTF-16 in ASCII bytes: browsers read UTF-8.
                    return Some(if enc == UTF_16LE || enc == UTF_16BE { UTF_8 } else { enc });
                }
            }
        }
        i = end.max(start + 5);
        if i >= head.len() {
            break;
        }
    }
    None
}

fn detect(bytes: &[u8]) -> &'static Encoding {
    let mut d = EncodingDetector::new(Iso2022JpDetection::Deny);
    d.feed(bytes, true);
    d.guess(None, Utf8Detection::Allow)
}

/// Decode a document. `forced` overrides the HTML/text sniffing; `charset`
/// (an encoding label, e.g. from an HTTP header) outranks detection but not
/// a BOM.
pub fn decode(bytes: &[u8], forced: Option<Format>, charset: Option<&str>) -> Result<Decoded, Error> {
    decode_with_hint(bytes, forced, charset, None)
}

/// [`decode`] with a weaker charset label as evidence (`hint`, e.g. the
/// `charset=` of a WARC record's HTTP header): a BOM, a `<meta>`
/// declaration and valid UTF-8 outrank it (servers often send a default
/// charset that the page contradicts); it outranks statistical guessing.
/// Its source is reported as `http`.
pub fn decode_with_hint(
    bytes: &[u8],
    forced: Option<Format>,
    charset: Option<&str>,
    hint: Option<&str>,
) -> Result<Decoded, Error> {
    decode_borrowed(bytes, forced, charset, hint).map(|d| Decoded {
        text: d.text.into_owned(),
        format: d.format,
        encoding: d.encoding,
        charset_source: d.charset_source,
        malformed: d.malformed,
    })
}

/// [`Decoded`] whose text borrows the input when it is valid UTF-8 as it
/// is (most pages): no copy of the document.
pub(crate) struct DecodedRef<'a> {
    pub text: Cow<'a, str>,
    pub format: Format,
    pub encoding: &'static str,
    pub charset_source: &'static str,
    pub malformed: bool,
}

/// [`decode_with_hint`] without copying a document that is UTF-8 already.
pub(crate) fn decode_borrowed<'a>(
    bytes: &'a [u8],
    forced: Option<Format>,
    charset: Option<&str>,
    hint: Option<&str>,
) -> Result<DecodedRef<'a>, Error> {
    check_binary(bytes)?;
    let hint = hint.and_then(|l| Encoding::for_label(l.trim().as_bytes())).map(|e| {
        if e == UTF_16LE || e == UTF_16BE {
            UTF_8
        } else {
            e
        }
    });
    // The whole input as text, when it was validated as UTF-8 below.
    let mut whole: Option<&'a str> = None;
    let (enc, source, body) = if let Some((enc, len)) = bom(bytes) {
        (enc, "bom", &bytes[len..])
    } else if let Some(enc) = utf16_without_bom(bytes) {
        (enc, "detected", bytes)
    } else if let Some(enc) = charset.and_then(|l| Encoding::for_label(l.as_bytes())) {
        (enc, "caller", bytes)
    } else {
        let html_guess = forced.map_or_else(
            || looks_like_html(&String::from_utf8_lossy(&bytes[..bytes.len().min(4096)])),
            |f| f == Format::Html,
        );
        let meta = if html_guess { meta_charset(bytes) } else { None };
        whole = std::str::from_utf8(bytes).ok();
        let valid_utf8 = whole.is_some();
        match meta {
            Some(enc) if enc != UTF_8 => (enc, "meta", bytes),
            Some(_) if valid_utf8 => (UTF_8, "meta", bytes),
            Some(_) if mostly_utf8(bytes) => (UTF_8, "meta", bytes),
            _ if valid_utf8 => (UTF_8, "utf8", bytes),
            _ if hint.is_some_and(|h| h != UTF_8) => (hint.unwrap_or(UTF_8), "http", bytes),
            _ if mostly_utf8(bytes) => (UTF_8, "utf8", bytes),
            _ => (detect(bytes), "detected", bytes),
        }
    };
    let (text, malformed) = if enc == UTF_8 {
        // Validated above already when the body is the whole input.
        let checked = match whole {
            Some(s) if body.len() == bytes.len() => Ok(s),
            _ => std::str::from_utf8(body),
        };
        match checked {
            Ok(s) => (Cow::Borrowed(s), false),
            Err(_) => (String::from_utf8_lossy(body), true),
        }
    } else {
        enc.decode_without_bom_handling(body)
    };
    if malformed {
        let bad = text.chars().filter(|&c| c == '\u{fffd}').count();
        let total = text.chars().count().max(1);
        if bad * 10 > total {
            return Err(Error::Undecodable(enc.name()));
        }
    }
    if text.trim().is_empty() {
        return Err(Error::Empty);
    }
    let format = forced.unwrap_or_else(|| if looks_like_html(&text) { Format::Html } else { Format::Text });
    Ok(DecodedRef { text, format, encoding: enc.name(), charset_source: source, malformed })
}

/// A page declared or guessed as UTF-8 whose invalid sequences are rare
/// stays UTF-8 (the few bad bytes become U+FFFD for the repair stage); a
/// page that is really Latin-1 fails this and is re-detected.
fn mostly_utf8(bytes: &[u8]) -> bool {
    let mut bad = 0usize;
    let mut good_multi = 0usize;
    let mut rest = bytes;
    loop {
        match std::str::from_utf8(rest) {
            Ok(s) => {
                good_multi += s.bytes().filter(|&b| b >= 0xc0).count();
                break;
            }
            Err(e) => {
                let (ok, tail) = rest.split_at(e.valid_up_to());
                good_multi += ok.iter().filter(|&&b| b >= 0xc0).count();
                bad += 1;
                let skip = e.error_len().unwrap_or(tail.len()).max(1);
                rest = &tail[skip.min(tail.len())..];
                if rest.is_empty() {
                    break;
                }
            }
        }
    }
    good_multi >= 4 * bad
}

/// Transparently gunzip input that starts with the gzip magic bytes; other
/// bytes are returned as they are. Output is capped at `limit` bytes so a
/// gzip bomb cannot take the machine's memory.
pub fn gunzip_if_needed(bytes: Vec<u8>, limit: usize) -> Result<Vec<u8>, Error> {
    decompress_if_needed(bytes, limit)
}

/// What compression a stream starts with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Compression {
    /// Not compressed.
    None,
    /// gzip (one or more members).
    Gzip,
    /// Zstandard (one or more frames).
    Zstd,
}

const GZIP_MAGIC: &[u8] = &[0x1f, 0x8b];
const ZSTD_MAGIC: &[u8] = &[0x28, 0xb5, 0x2f, 0xfd];

/// The compression a stream's first bytes announce.
pub fn sniff_compression(head: &[u8]) -> Compression {
    if head.starts_with(GZIP_MAGIC) {
        Compression::Gzip
    } else if head.starts_with(ZSTD_MAGIC) {
        Compression::Zstd
    } else {
        Compression::None
    }
}

/// Transparently decompress gzip or zstd input (by magic bytes); other
/// bytes are returned as they are. Output is capped at `limit` bytes.
pub fn decompress_if_needed(bytes: Vec<u8>, limit: usize) -> Result<Vec<u8>, Error> {
    let mut out = Vec::new();
    let r = match sniff_compression(&bytes) {
        Compression::None => return Ok(bytes),
        Compression::Gzip => flate2::read::MultiGzDecoder::new(&bytes[..])
            .take(limit as u64 + 1)
            .read_to_end(&mut out)
            .map_err(|e| Error::Corrupt(format!("bad gzip stream: {e}"))),
        Compression::Zstd => zstd::stream::read::Decoder::new(&bytes[..])
            .and_then(|d| d.take(limit as u64 + 1).read_to_end(&mut out))
            .map_err(|e| Error::Corrupt(format!("bad zstd stream: {e}"))),
    };
    r?;
    if out.len() > limit {
        return Err(Error::TooLarge(limit));
    }
    Ok(out)
}

/// A readable stream, decompressed when it starts with gzip or zstd magic
/// bytes (per-record gzip members are read as one stream).
pub type Stream = Box<dyn BufRead + Send>;

/// Open a stream for sequential reading, decompressing it transparently;
/// returns the stream and its first bytes after decompression (up to 16,
/// fewer only at the end of the stream), which are also left in the stream.
pub fn open_stream(r: Box<dyn Read + Send>) -> std::io::Result<(Stream, Vec<u8>)> {
    let (head, r) = peek(r, 4)?;
    let r: Box<dyn Read + Send> = match sniff_compression(&head) {
        Compression::None => r,
        Compression::Gzip => Box::new(flate2::read::MultiGzDecoder::new(r)),
        Compression::Zstd => Box::new(zstd::stream::read::Decoder::new(r)?),
    };
    let (head, r) = peek(r, 16)?;
    Ok((Box::new(BufReader::with_capacity(1 << 16, r)), head))
}

/// The first `n` bytes of a stream (fewer only at its end), and the stream
/// with them put back.
fn peek(r: Box<dyn Read + Send>, n: usize) -> std::io::Result<(Vec<u8>, Box<dyn Read + Send>)> {
    let mut r = r;
    let mut head = Vec::with_capacity(n);
    (&mut r).take(n as u64).read_to_end(&mut head)?;
    Ok((head.clone(), Box::new(std::io::Cursor::new(head).chain(r))))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bom_wins() {
        let mut b = vec![0xef, 0xbb, 0xbf];
        b.extend_from_slice("<meta charset=latin1><p>café</p>".as_bytes());
        let d = decode(&b, None, None).unwrap();
        assert_eq!(d.encoding, "UTF-8");
        assert_eq!(d.charset_source, "bom");
        assert!(d.text.contains("café"));
    }

    #[test]
    fn meta_charset_is_used() {
        let b = b"<html><head><meta charset=\"windows-1252\"></head><body><p>caf\xe9 \x93quoted\x94</p></body></html>";
        let d = decode(b, None, None).unwrap();
        assert_eq!(d.encoding, "windows-1252");
        assert!(d.text.contains("café “quoted”"));
        assert_eq!(d.format, Format::Html);
    }

    #[test]
    fn http_equiv_is_used() {
        let b = b"<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=ISO-8859-1\"></head><body><p>na\xefve</p>";
        let d = decode(b, None, None).unwrap();
        assert!(d.text.contains("naïve"));
        assert_eq!(d.charset_source, "meta");
    }

    #[test]
    fn undeclared_latin1_is_detected() {
        let text = "Le gouvernement a présenté mercredi un projet de loi très attendu sur l'énergie. \
                    Les députés débattront du texte à la rentrée, a précisé le ministre délégué.";
        let (bytes, _, _) = encoding_rs::WINDOWS_1252.encode(text);
        let d = decode(&bytes, None, None).unwrap();
        assert_eq!(d.charset_source, "detected");
        assert_eq!(d.text, text);
        assert_eq!(d.format, Format::Text);
    }

    #[test]
    fn wrong_utf8_declaration_is_overruled() {
        let mut b = b"<html><head><meta charset=utf-8></head><body><p>".to_vec();
        let (bytes, _, _) = encoding_rs::WINDOWS_1252
            .encode("Une journée d'été à la mer, près des côtes bretonnes, où l'on mange des crêpes.");
        b.extend_from_slice(&bytes);
        let d = decode(&b, None, None).unwrap();
        assert!(d.text.contains("journée d'été"), "{}", d.text);
    }

    #[test]
    fn utf16_without_bom_is_read() {
        let s = "Hello, this is text in UTF-16 little endian without a mark.";
        let b: Vec<u8> = s.encode_utf16().flat_map(|u| u.to_le_bytes()).collect();
        let d = decode(&b, None, None).unwrap();
        assert_eq!(d.text, s);
    }

    #[test]
    fn binary_and_empty_are_refused() {
        assert!(matches!(decode(b"%PDF-1.4 ...", None, None), Err(Error::Binary(_))));
        assert!(matches!(decode(b"abc\0\0\0def", None, None), Err(Error::Binary(_))));
        assert!(matches!(decode(b"  \n\t ", None, None), Err(Error::Empty)));
        assert!(matches!(decode(b"", None, None), Err(Error::Empty)));
    }

    #[test]
    fn sniffing_tells_markup_from_prose() {
        assert!(looks_like_html("<!DOCTYPE html><html>"));
        assert!(looks_like_html("  <div class=a><p>Hi</p><p>there</p></div>"));
        assert!(!looks_like_html("A sentence that says 1 < 2 and 3 > 2, nothing more."));
        assert!(!looks_like_html("Home » News\nArticle title\nBody text."));
    }

    #[test]
    fn gzip_is_opened_and_capped() {
        use std::io::Write;
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        e.write_all(&vec![b'a'; 10_000]).unwrap();
        let gz = e.finish().unwrap();
        assert_eq!(gunzip_if_needed(gz.clone(), 20_000).unwrap().len(), 10_000);
        assert!(matches!(gunzip_if_needed(gz, 1000), Err(Error::TooLarge(_))));
        assert_eq!(gunzip_if_needed(b"plain".to_vec(), 10).unwrap(), b"plain");
    }
}
