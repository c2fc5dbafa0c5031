//! Reading WARC files (ISO 28500, WARC/1.0 and 1.1), one record at a time.
//!
//! The format is simple: a version line, `Name: value` header lines, a blank
//! line, `Content-Length` bytes of block, and two line breaks. A `.warc.gz`
//! is a series of gzip members, one per record, which a multi-member gzip
//! reader (see [`crate::input::open_stream`]) reads as one stream. Memory
//! holds one record's payload at a time, never more than the caller's limit:
//! a record that is not wanted is skipped by reading it into nothing.
//!
//! Documents are `response` records whose HTTP `Content-Type` is HTML (or
//! missing) and whose HTTP status is 2xx; their HTTP header is stripped and
//! its `charset=` kept as decoding evidence. Everything else (`warcinfo`,
//! `request`, `metadata`, `revisit` records, images, PDFs, redirects) is
//! [`Item::Skipped`].

use crate::Error;
use std::io::{self, BufRead, Read};

/// How much of a response block is read before deciding what it is: the
/// HTTP header must fit in it.
const HTTP_HEAD: usize = 64 * 1024;
/// Longest WARC header line, and most header lines in one record.
const MAX_LINE: usize = 64 * 1024;
const MAX_HEADER_LINES: usize = 4096;

/// One HTML document from a WARC file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Doc {
    /// `WARC-Record-ID`, as written (`<urn:uuid:…>`).
    pub id: String,
    /// `WARC-Target-URI`.
    pub url: String,
    /// `WARC-Date`.
    pub date: String,
    /// The `charset=` of the HTTP `Content-Type`, if any.
    pub charset: Option<String>,
    /// The HTTP payload (the page's bytes; still gzipped if the server's
    /// `Content-Encoding` was kept).
    pub payload: Vec<u8>,
}

/// What the next record is.
#[derive(Debug)]
pub enum Item {
    /// An HTML response. `ordinal` counts documents from 0 in file order
    /// (the index `--shard` uses); the payload, or why it was not read.
    Doc {
        /// The document's position among the file's documents.
        ordinal: u64,
        /// The document, or why it cannot be read (too large, …).
        doc: Result<Doc, (Doc, Error)>,
    },
    /// An HTML response that the caller did not want (another shard's).
    Unwanted,
    /// Not a document.
    Skipped,
}

/// A sequential WARC reader over an uncompressed stream.
pub struct Reader<R> {
    r: R,
    offset: u64,
    docs: u64,
    line: Vec<u8>,
}

impl<R: BufRead> Reader<R> {
    /// Read records from `r` (already decompressed).
    pub fn new(r: R) -> Self {
        Reader { r, offset: 0, docs: 0, line: Vec::new() }
    }

    /// The next record, or `None` at the end of the stream. `want(ordinal)`
    /// says whether a document's payload is read; `max` is the largest
    /// payload read. A damaged stream (not a WARC record, truncated) is an
    /// error, after which the reader should not be used.
    pub fn next_item(&mut self, max: usize, want: impl Fn(u64) -> bool) -> Result<Option<Item>, Error> {
        // Version line, after the blank lines that end the previous record.
        loop {
            if self.read_line()? == 0 {
                return Ok(None);
            }
            if !self.line.iter().all(u8::is_ascii_whitespace) {
                break;
            }
        }
        let start = self.offset - self.line.len() as u64;
        if !self.line.starts_with(b"WARC/") {
            return Err(Error::Corrupt(format!("not a WARC record at byte {start}")));
        }
        let mut headers: Vec<(String, String)> = Vec::new();
        loop {
            if self.read_line()? == 0 {
                return Err(Error::Corrupt(format!("truncated WARC header at byte {start}")));
            }
            let l = String::from_utf8_lossy(&self.line);
            let l = l.trim_end_matches(['\r', '\n']);
            if l.trim().is_empty() {
                break;
            }
            if headers.len() >= MAX_HEADER_LINES {
                return Err(Error::Corrupt(format!("WARC header too long at byte {start}")));
            }
            if l.starts_with([' ', '\t']) {
                if let Some(h) = headers.last_mut() {
                    h.1.push(' ');
                    h.1.push_str(l.trim());
                }
            } else if let Some((k, v)) = l.split_once(':') {
                headers.push((k.trim().to_ascii_lowercase(), v.trim().to_string()));
            }
        }
        let get = |k: &str| headers.iter().find(|h| h.0 == k).map(|h| h.1.as_str());
        let len: u64 = get("content-length")
            .and_then(|v| v.parse().ok())
            .ok_or_else(|| Error::Corrupt(format!("WARC record without Content-Length at byte {start}")))?;
        if !get("warc-type").is_some_and(|t| t.eq_ignore_ascii_case("response")) {
            self.skip(len, start)?;
            return Ok(Some(Item::Skipped));
        }
        let mut block = Vec::new();
        self.read_exact_into(&mut block, len.min(HTTP_HEAD as u64), start)?;
        let http = parse_http(&block, block.len() as u64 == len);
        let (head_len, content_type, chunked) = match http {
            Http::Response { head_len, status, content_type, chunked } => {
                if !(200..300).contains(&status) {
                    self.skip(len - block.len() as u64, start)?;
                    return Ok(Some(Item::Skipped));
                }
                (head_len, content_type, chunked)
            }
            Http::Other => {
                let ct = get("content-type").filter(|c| !c.to_ascii_lowercase().starts_with("application/http"));
                (0, ct.map(str::to_string), false)
            }
            Http::Bad => {
                self.skip(len - block.len() as u64, start)?;
                return Ok(Some(Item::Skipped));
            }
        };
        let mime = content_type.as_deref().map(|c| c.split(';').next().unwrap_or("").trim().to_ascii_lowercase());
        if mime.as_deref().is_some_and(|m| !m.is_empty() && !m.contains("html")) {
            self.skip(len - block.len() as u64, start)?;
            return Ok(Some(Item::Skipped));
        }
        let ordinal = self.docs;
        self.docs += 1;
        if !want(ordinal) {
            self.skip(len - block.len() as u64, start)?;
            return Ok(Some(Item::Unwanted));
        }
        let mut doc = Doc {
            id: get("warc-record-id").unwrap_or("").to_string(),
            url: get("warc-target-uri").unwrap_or("").trim_matches(['<', '>']).to_string(),
            date: get("warc-date").unwrap_or("").to_string(),
            charset: content_type.as_deref().and_then(charset_param),
            payload: Vec::new(),
        };
        if len - head_len as u64 > max as u64 {
            self.skip(len - block.len() as u64, start)?;
            return Ok(Some(Item::Doc { ordinal, doc: Err((doc, Error::TooLarge(max))) }));
        }
        let rest = len - block.len() as u64;
        self.read_exact_into(&mut block, rest, start)?;
        block.drain(..head_len);
        doc.payload = if chunked { dechunk(&block).unwrap_or(block) } else { block };
        Ok(Some(Item::Doc { ordinal, doc: Ok(doc) }))
    }

    fn read_line(&mut self) -> Result<usize, Error> {
        self.line.clear();
        let n = (&mut self.r).take(MAX_LINE as u64).read_until(b'\n', &mut self.line).map_err(damaged)?;
        self.offset += n as u64;
        Ok(n)
    }

    fn read_exact_into(&mut self, buf: &mut Vec<u8>, n: u64, start: u64) -> Result<(), Error> {
        let got = (&mut self.r).take(n).read_to_end(buf).map_err(damaged)? as u64;
        self.offset += got;
        if got < n {
            return Err(Error::Corrupt(format!("truncated WARC record at byte {start}")));
        }
        Ok(())
    }

    fn skip(&mut self, n: u64, start: u64) -> Result<(), Error> {
        let got = io::copy(&mut (&mut self.r).take(n), &mut io::sink()).map_err(damaged)?;
        self.offset += got;
        if got < n {
            return Err(Error::Corrupt(format!("truncated WARC record at byte {start}")));
        }
        Ok(())
    }
}

/// A read error in the middle of a WARC stream (a truncated gzip member,
/// say).
fn damaged(e: io::Error) -> Error {
    Error::Corrupt(format!("cannot read further (damaged or truncated?): {e}"))
}

enum Http {
    Response {
        head_len: usize,
        status: u16,
        content_type: Option<String>,
        chunked: bool,
    },
    /// The block is not an HTTP message (a `response` record of another
    /// protocol, or a tool that stored the page alone).
    Other,
    /// An HTTP header that does not end within the bytes read.
    Bad,
}

fn parse_http(block: &[u8], whole: bool) -> Http {
    if !block.starts_with(b"HTTP/") {
        return Http::Other;
    }
    let (head_len, sep) = match memchr::memmem::find(block, b"\r\n\r\n") {
        Some(p) => (p + 4, p),
        None => match memchr::memmem::find(block, b"\n\n") {
            Some(p) => (p + 2, p),
            None if whole => (block.len(), block.len()),
            None => return Http::Bad,
        },
    };
    let head = String::from_utf8_lossy(&block[..sep]);
    let mut lines = head.lines();
    let status = lines.next().and_then(|l| l.split_whitespace().nth(1)).and_then(|s| s.parse().ok()).unwrap_or(0);
    let mut content_type = None;
    let mut chunked = false;
    for l in lines {
        if let Some((k, v)) = l.split_once(':') {
            let k = k.trim();
            if k.eq_ignore_ascii_case("content-type") {
                content_type = Some(v.trim().to_string());
            } else if k.eq_ignore_ascii_case("transfer-encoding") && v.to_ascii_lowercase().contains("chunked") {
                chunked = true;
            }
        }
    }
    Http::Response { head_len, status, content_type, chunked }
}

/// The `charset=` parameter of a `Content-Type` value.
fn charset_param(ct: &str) -> Option<String> {
    ct.split(';').skip(1).find_map(|p| {
        let (k, v) = p.split_once('=')?;
        k.trim().eq_ignore_ascii_case("charset").then(|| v.trim().trim_matches(['"', '\'']).to_string())
    })
}

/// Undo HTTP chunked transfer coding. Many archivers store the payload
/// already decoded but keep the header: anything that does not parse as
/// chunks is `None`, and the payload is used as it is.
fn dechunk(b: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    loop {
        let e = i + memchr::memchr(b'\n', &b[i..])?;
        let line = std::str::from_utf8(&b[i..e]).ok()?;
        let size = usize::from_str_radix(line.split(';').next()?.trim(), 16).ok()?;
        i = e + 1;
        if size == 0 {
            return Some(out);
        }
        let end = (i + size).min(b.len());
        out.extend_from_slice(&b[i..end]);
        if end < i + size {
            return Some(out);
        }
        i = end;
        if b[i..].starts_with(b"\r\n") {
            i += 2;
        } else if b[i..].starts_with(b"\n") {
            i += 1;
        }
        if i >= b.len() {
            return Some(out);
        }
    }
}

/// Write one WARC/1.0 `response` record (for tests and benchmark
/// generators): an HTTP 200 header with `content_type`, then `body`.
pub fn response_record(id: &str, url: &str, date: &str, content_type: &str, body: &[u8]) -> Vec<u8> {
    let mut http = format!("HTTP/1.1 200 OK\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n\r\n", body.len())
        .into_bytes();
    http.extend_from_slice(body);
    let mut r = format!(
        "WARC/1.0\r\nWARC-Type: response\r\nWARC-Record-ID: {id}\r\nWARC-Target-URI: {url}\r\nWARC-Date: {date}\r\n\
         Content-Type: application/http; msgtype=response\r\nContent-Length: {}\r\n\r\n",
        http.len()
    )
    .into_bytes();
    r.extend_from_slice(&http);
    r.extend_from_slice(b"\r\n\r\n");
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    fn items(data: &[u8]) -> Vec<Item> {
        let mut r = Reader::new(data);
        let mut v = Vec::new();
        while let Some(i) = r.next_item(1 << 20, |_| true).unwrap() {
            v.push(i);
        }
        v
    }

    #[test]
    fn responses_are_read_and_others_skipped() {
        let mut w = b"WARC/1.0\r\nWARC-Type: warcinfo\r\nContent-Length: 5\r\n\r\nhello\r\n\r\n".to_vec();
        w.extend(response_record(
            "<urn:uuid:1>",
            "http://a/",
            "2024-01-01T00:00:00Z",
            "text/html; charset=ISO-8859-1",
            b"<p>caf\xe9</p>",
        ));
        w.extend(response_record("<urn:uuid:2>", "http://a/x.png", "2024-01-01T00:00:00Z", "image/png", b"\x89PNG"));
        let v = items(&w);
        assert_eq!(v.len(), 3);
        assert!(matches!(v[0], Item::Skipped));
        match &v[1] {
            Item::Doc { ordinal: 0, doc: Ok(d) } => {
                assert_eq!(d.id, "<urn:uuid:1>");
                assert_eq!(d.url, "http://a/");
                assert_eq!(d.charset.as_deref(), Some("ISO-8859-1"));
                assert_eq!(d.payload, b"<p>caf\xe9</p>");
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(v[2], Item::Skipped));
    }

    #[test]
    fn chunked_payloads_are_decoded_and_damage_is_reported() {
        let body = b"4\r\n<p>a\r\n5\r\nbc</p\r\n1\r\n>\r\n0\r\n\r\n";
        let mut http = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n".to_vec();
        http.extend_from_slice(body);
        let mut w = format!("WARC/1.1\r\nWARC-Type: response\r\nContent-Length: {}\r\n\r\n", http.len()).into_bytes();
        w.extend(&http);
        match &items(&w)[0] {
            Item::Doc { doc: Ok(d), .. } => assert_eq!(d.payload, b"<p>abc</p>"),
            other => panic!("{other:?}"),
        }
        let mut r = Reader::new(&b"GET / HTTP/1.1\r\n"[..]);
        assert!(r.next_item(100, |_| true).is_err());
        let mut r = Reader::new(&w[..w.len() - 3]);
        assert!(r.next_item(100, |_| true).is_err());
    }

    #[test]
    fn too_large_and_unwanted_documents_are_not_read() {
        let page = vec![b'a'; 1000];
        let mut w = response_record("<urn:uuid:1>", "http://a/", "d", "text/html", &page);
        w.extend(response_record("<urn:uuid:2>", "http://b/", "d", "text/html", &page));
        let mut r = Reader::new(&w[..]);
        assert!(matches!(
            r.next_item(100, |_| true).unwrap(),
            Some(Item::Doc { doc: Err((_, Error::TooLarge(100))), .. })
        ));
        assert!(matches!(r.next_item(100, |o| o != 1).unwrap(), Some(Item::Unwanted)));
        assert!(r.next_item(100, |_| true).unwrap().is_none());
    }
}
