//! Corpus-scale runs end to end: WARC input, compressed input and output,
//! streaming JSONL in order for any `-j`, --drop-empty, --rejected,
//! --shard, --skip-existing, --timeout, --progress and the stats fields.
//! Every fixture is built here.

use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

const PROSE: &str = "The council met on Tuesday evening to discuss the new budget, and the mayor said that \
    the city would spend more on its schools and parks than it did last year, which pleased many of the residents.";

fn page(title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html><html lang=\"en\"><head><title>{title} | City News</title></head><body>\
         <nav class=\"menu\"><a href=\"/\">Home</a> <a href=\"/news\">News</a> <a href=\"/sport\">Sport</a></nav>\
         <div class=\"cookie-banner\">We use cookies to improve your experience. Accept all</div>\
         <article><h1>{title}</h1><p>{body}</p><p>{PROSE}</p><p>{PROSE}</p></article>\
         <footer>© 2024 City News. All rights reserved.</footer></body></html>"
    )
}

/// A page that is nothing but a menu: cleans to no text.
const EMPTY_PAGE: &str = "<html><head><title>Menu</title></head><body><nav><a href=\"/\">Home</a> \
    <a href=\"/news\">News</a></nav></body></html>";

fn scour() -> Command {
    Command::new(env!("CARGO_BIN_EXE_scour"))
}

fn run(cmd: &mut Command) -> Output {
    cmd.output().expect("scour runs")
}

fn run_stdin(cmd: &mut Command, input: &[u8]) -> Output {
    let mut child = cmd.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    child.stdin.take().unwrap().write_all(input).unwrap();
    child.wait_with_output().unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8(b.to_vec()).unwrap()
}

fn rows(b: &[u8]) -> Vec<serde_json::Value> {
    text(b).lines().map(|l| serde_json::from_str(l).unwrap()).collect()
}

fn write(dir: &Path, rel: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(&p, bytes).unwrap();
    p
}

fn gzip(b: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    e.write_all(b).unwrap();
    e.finish().unwrap()
}

fn stats(p: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap()
}

/// A WARC file's records: warcinfo, a UTF-8 page, a request, an image, a
/// Latin-1 page whose charset is only in the HTTP header, a redirect.
fn warc_records() -> Vec<Vec<u8>> {
    let latin1 = encoding_rs::WINDOWS_1252
        .encode(&page("Élection", "Les électeurs ont voté dimanche dans une ambiance très calme, a précisé le préfet."))
        .0
        .into_owned();
    vec![
        b"WARC/1.0\r\nWARC-Type: warcinfo\r\nWARC-Record-ID: <urn:uuid:0>\r\nContent-Length: 12\r\n\r\nsoftware: t\n\r\n\r\n"
            .to_vec(),
        scour::warc::response_record(
            "<urn:uuid:1>",
            "https://news.example/budget",
            "2024-05-01T10:00:00Z",
            "text/html; charset=utf-8",
            page("Budget approved", "The budget was approved by a wide margin.").as_bytes(),
        ),
        b"WARC/1.0\r\nWARC-Type: request\r\nWARC-Record-ID: <urn:uuid:2>\r\nContent-Length: 16\r\n\r\nGET / HTTP/1.1\r\n\r\n\r\n"
            .to_vec(),
        scour::warc::response_record("<urn:uuid:3>", "https://news.example/a.png", "d", "image/png", b"\x89PNG\r\n"),
        scour::warc::response_record(
            "<urn:uuid:4>",
            "https://news.example/fr",
            "2024-05-01T11:00:00Z",
            "text/html; charset=ISO-8859-1",
            &latin1,
        ),
        b"WARC/1.0\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:5>\r\nContent-Length: 44\r\n\r\n\
          HTTP/1.1 301 Moved\r\nLocation: /elsewhere\r\n\r\n\r\n\r\n"
            .to_vec(),
    ]
}

fn check_warc_output(o: &Output) {
    assert!(o.status.success(), "{}", text(&o.stderr));
    let r = rows(&o.stdout);
    assert_eq!(r.len(), 2, "{}", text(&o.stdout));
    assert_eq!(r[0]["id"], "<urn:uuid:1>");
    assert_eq!(r[0]["url"], "https://news.example/budget");
    assert_eq!(r[0]["date"], "2024-05-01T10:00:00Z");
    let t0 = r[0]["text"].as_str().unwrap();
    assert!(t0.starts_with("Budget approved\nThe budget was approved"), "{t0}");
    assert!(!t0.contains("cookies"));
    assert_eq!(r[0]["metadata"]["scour"]["version"], env!("CARGO_PKG_VERSION"));
    assert!(r[0]["metadata"]["scour"]["blocks_dropped"].as_u64().unwrap() > 0);
    assert!(r[0]["metadata"]["scour"]["repairs"].is_u64());
    assert_eq!(r[1]["id"], "<urn:uuid:4>");
    assert!(r[1]["text"].as_str().unwrap().contains("Les électeurs ont voté dimanche"), "{}", r[1]["text"]);
    assert_eq!(r[1]["metadata"]["scour"]["encoding"], "windows-1252");
}

#[test]
fn warc_and_warc_gz_give_one_record_per_html_response() {
    let t = tempfile::tempdir().unwrap();
    let recs = warc_records();
    let plain = write(t.path(), "crawl.warc", &recs.concat());
    let per_record: Vec<u8> = recs.iter().flat_map(|r| gzip(r)).collect();
    let gz = write(t.path(), "crawl.warc.gz", &per_record);
    let s = t.path().join("s.json");
    let o = run(scour().arg(&plain).arg("--stats").arg(&s));
    check_warc_output(&o);
    let st = stats(&s);
    assert_eq!(st["documents_in"], 2);
    assert_eq!(st["skipped"], 4, "warcinfo, request, image, redirect: {st}");
    check_warc_output(&run(scour().arg(&gz)));
    // By magic, whatever the name, and on stdin.
    let odd = write(t.path(), "crawl.dat", &per_record);
    check_warc_output(&run(scour().arg(&odd)));
    check_warc_output(&run_stdin(scour().arg("-"), &per_record));
    // Damage: a truncated file keeps what came before and says where it broke.
    let cut = write(t.path(), "cut.warc", &recs.concat()[..recs[0].len() + recs[1].len() + 40]);
    let o = run(scour().arg(&cut));
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(rows(&o.stdout).len(), 1);
    assert!(text(&o.stderr).contains("cut.warc: truncated WARC"), "{}", text(&o.stderr));
}

#[test]
fn compressed_input_and_output_round_trip() {
    let t = tempfile::tempdir().unwrap();
    let mut lines = String::new();
    for i in 0..20 {
        let doc = page(&format!("Story {i}"), &format!("Body of story number {i} is here."));
        lines.push_str(&serde_json::json!({"id": i, "text": doc}).to_string());
        lines.push('\n');
    }
    let plain = run(scour().arg(write(t.path(), "in.jsonl", lines.as_bytes())));
    assert!(plain.status.success());
    let zst = write(t.path(), "in.jsonl.zst", &zstd::encode_all(lines.as_bytes(), 3).unwrap());
    let gz = write(t.path(), "in.jsonl.gz", &gzip(lines.as_bytes()));
    for (input, output) in [(&zst, "out.jsonl.gz"), (&gz, "out.jsonl.zst"), (&zst, "out.jsonl")] {
        let dest = t.path().join("o").join(output);
        let o = run(scour().arg(input).arg("-o").arg(&dest));
        assert!(o.status.success(), "{}", text(&o.stderr));
        let raw = std::fs::read(&dest).unwrap();
        let back = scour::input::decompress_if_needed(raw.clone(), 1 << 30).unwrap();
        assert_eq!(back, plain.stdout, "{input:?} -> {output}");
        assert_eq!(raw == back, output == "out.jsonl", "compressed by name");
    }
    let names: Vec<_> = std::fs::read_dir(t.path().join("o")).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(names.len(), 3, "no temporary file left: {names:?}");
    // One page, zstd, named without extension: sniffed by magic.
    let one =
        write(t.path(), "page.bin", &zstd::encode_all(page("Squeezed", "A compressed page.").as_bytes(), 3).unwrap());
    let o = run(scour().arg(&one));
    assert!(text(&o.stdout).contains("A compressed page."), "{}", text(&o.stderr));
}

#[test]
fn stdin_with_gzip_magic_is_opened() {
    let html = page("From stdin", "Read from gzipped standard input.");
    let o = run_stdin(scour().arg("-"), &gzip(html.as_bytes()));
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(text(&o.stdout).contains("Read from gzipped standard input."));
    let line = format!("{}\n", serde_json::json!({"id": 7, "text": html}));
    let o = run_stdin(scour().args(["--input", "jsonl", "-"]), &gzip(line.as_bytes()));
    assert!(o.status.success(), "{}", text(&o.stderr));
    let r = rows(&o.stdout);
    assert_eq!(r.len(), 1);
    assert_eq!(r[0]["id"], 7);
    let o = run_stdin(scour().arg("-"), &zstd::encode_all(html.as_bytes(), 3).unwrap());
    assert!(text(&o.stdout).contains("Read from gzipped standard input."));
}

fn jsonl(n: usize) -> String {
    let mut s = String::new();
    for i in 0..n {
        let doc = if i % 7 == 3 {
            EMPTY_PAGE.to_string()
        } else {
            page(&format!("Story {i}"), &format!("Body of story number {i} is here."))
        };
        s.push_str(&serde_json::json!({"id": i, "text": doc}).to_string());
        s.push('\n');
    }
    s
}

#[test]
fn drop_empty_leaves_out_empty_records() {
    let t = tempfile::tempdir().unwrap();
    let f = write(t.path(), "in.jsonl", jsonl(14).as_bytes());
    let all = run(scour().arg(&f));
    let r = rows(&all.stdout);
    assert_eq!(r.len(), 14);
    assert_eq!(r[3]["text"], "", "the menu-only page cleans to nothing");
    let s = t.path().join("s.json");
    let o = run(scour().arg(&f).arg("--drop-empty").arg("--stats").arg(&s));
    assert!(o.status.success());
    let ids: Vec<u64> = rows(&o.stdout).iter().map(|r| r["id"].as_u64().unwrap()).collect();
    assert_eq!(ids, [0, 1, 2, 4, 5, 6, 7, 8, 9, 11, 12, 13]);
    assert_eq!(stats(&s)["dropped_empty"], 2);
}

#[test]
fn rejected_blocks_are_listed_with_reasons_in_order() {
    let t = tempfile::tempdir().unwrap();
    let f = write(t.path(), "in.jsonl", jsonl(30).as_bytes());
    let mut outs = Vec::new();
    for j in ["-j1", "-j2"] {
        let rej = t.path().join(format!("rej{j}.jsonl"));
        let o = run(scour().arg(&f).arg(j).arg("--rejected").arg(&rej));
        assert!(o.status.success());
        outs.push((o.stdout, std::fs::read(&rej).unwrap()));
    }
    assert_eq!(outs[0], outs[1], "same output and same audit for any -j");
    let rej = rows(&outs[0].1);
    let first = format!("{}:1", f.display());
    assert!(rej.iter().any(|r| r["text"].as_str().unwrap().contains("cookies") && r["doc"] == first.as_str()));
    assert!(rej.iter().all(|r| r["reason"].is_string() && r["block"].is_u64() && r["kind"].is_string()));
    let docs: Vec<String> = rej.iter().map(|r| r["doc"].as_str().unwrap().to_string()).collect();
    let lines: Vec<u64> = docs.iter().map(|d| d.rsplit(':').next().unwrap().parse().unwrap()).collect();
    assert!(lines.windows(2).all(|w| w[0] <= w[1]), "input order: {lines:?}");
    // A page file too.
    let p = write(t.path(), "p.html", page("Audit", "Audited body.").as_bytes());
    let rej = t.path().join("rej.jsonl");
    run(scour().arg(&p).arg("--rejected").arg(&rej));
    let r = rows(&std::fs::read(&rej).unwrap());
    assert!(r.iter().any(|x| x["text"] == "Home News Sport" || x["text"].as_str().unwrap().contains("Home")), "{r:?}");
}

#[test]
fn shards_partition_files_and_records() {
    let t = tempfile::tempdir().unwrap();
    let raw = t.path().join("raw");
    for i in 0..24 {
        write(&raw, &format!("d{}/p{i:02}.html", i % 3), page(&format!("T{i}"), &format!("Body {i}.")).as_bytes());
    }
    let mut seen = BTreeSet::new();
    let mut total = 0;
    for s in 0..3 {
        let out = t.path().join(format!("out{s}"));
        let o = run(scour().arg(&raw).arg("-o").arg(&out).arg("--shard").arg(format!("{s}/3")));
        assert!(o.status.success(), "{}", text(&o.stderr));
        for d in 0..3 {
            for e in std::fs::read_dir(out.join(format!("d{d}"))).into_iter().flatten() {
                seen.insert(format!("d{d}/{}", e.unwrap().file_name().to_string_lossy()));
                total += 1;
            }
        }
    }
    assert_eq!(total, 24, "disjoint");
    assert_eq!(seen.len(), 24, "union is the whole");
    let f = write(t.path(), "in.jsonl", jsonl(40).as_bytes());
    let whole = text(&run(scour().arg(&f)).stdout);
    let mut union: Vec<String> = Vec::new();
    for s in 0..4 {
        let o = run(scour().arg(&f).arg("--shard").arg(format!("{s}/4")));
        let part = text(&o.stdout);
        assert_eq!(part.lines().count(), 10);
        union.extend(part.lines().map(str::to_string));
    }
    let mut a: Vec<&str> = whole.lines().collect();
    let mut b: Vec<&str> = union.iter().map(String::as_str).collect();
    a.sort();
    b.sort();
    assert_eq!(a, b);
    assert_eq!(run(scour().arg(&f).args(["--shard", "4/4"])).status.code(), Some(2));
}

#[test]
fn skip_existing_resumes_a_run() {
    let t = tempfile::tempdir().unwrap();
    let raw = t.path().join("raw");
    for i in 0..4 {
        write(&raw, &format!("p{i}.html"), page(&format!("T{i}"), &format!("Body {i}.")).as_bytes());
    }
    let out = t.path().join("out");
    assert!(run(scour().arg(&raw).arg("-o").arg(&out)).status.success());
    std::fs::write(out.join("p1.txt"), "SENTINEL").unwrap();
    std::fs::remove_file(out.join("p2.txt")).unwrap();
    let s = t.path().join("s.json");
    let o = run(scour().arg(&raw).arg("-o").arg(&out).arg("--skip-existing").arg("--stats").arg(&s));
    assert!(o.status.success());
    assert!(o.stderr.is_empty(), "{}", text(&o.stderr));
    assert_eq!(std::fs::read_to_string(out.join("p1.txt")).unwrap(), "SENTINEL", "existing output left alone");
    assert!(std::fs::read_to_string(out.join("p2.txt")).unwrap().contains("Body 2."));
    let st = stats(&s);
    assert_eq!(st["skipped_existing"], 3);
    assert_eq!(st["documents_in"], 1);
    assert_eq!(run(scour().arg(&raw).arg("--skip-existing")).status.code(), Some(2), "needs -o");
}

#[test]
fn streaming_output_is_identical_for_any_jobs_over_many_chunks() {
    let t = tempfile::tempdir().unwrap();
    // More records than one chunk holds (256 at -j1/-j2).
    let f = write(t.path(), "in.jsonl", jsonl(600).as_bytes());
    let a = run(scour().arg(&f).arg("-j1"));
    let b = run(scour().arg(&f).arg("-j2"));
    assert!(a.status.success() && b.status.success());
    assert_eq!(a.stdout, b.stdout);
    let ids: Vec<u64> = rows(&a.stdout).iter().map(|r| r["id"].as_u64().unwrap()).collect();
    assert_eq!(ids, (0..600).collect::<Vec<u64>>());
}

#[test]
fn a_document_over_the_time_limit_fails_alone() {
    let t = tempfile::tempdir().unwrap();
    let raw = t.path().join("raw");
    write(&raw, "a.html", page("A", "First.").as_bytes());
    write(&raw, "b.html", page("B", "Second.").as_bytes());
    let s = t.path().join("s.json");
    let o = run(scour().arg(&raw).args(["--timeout", "0.000001"]).arg("--stats").arg(&s));
    assert_eq!(o.status.code(), Some(1));
    let e = text(&o.stderr);
    assert_eq!(e.lines().filter(|l| l.ends_with(": timed out after 0.000001s")).count(), 2, "{e}");
    assert!(e.contains("a.html: timed out"), "{e}");
    assert_eq!(stats(&s)["timed_out"], 2);
    let f = write(t.path(), "in.jsonl", jsonl(3).as_bytes());
    let o = run(scour().arg(&f).args(["--timeout", "0.000001"]));
    let r = rows(&o.stdout);
    assert_eq!(r.len(), 3);
    assert!(r[0]["scour_error"].as_str().unwrap().contains("timed out"), "{:?}", r[0]);
    let o = run(scour().arg(&raw).args(["--timeout", "60"]));
    assert!(o.status.success());
}

#[test]
fn a_pathological_page_does_not_stall_the_batch() {
    let t = tempfile::tempdir().unwrap();
    let raw = t.path().join("raw");
    // Tens of thousands of short, similar blocks: seconds of work.
    let words = ["alpha", "beta", "gamma", "delta", "the", "of", "and", "news", "city", "council"];
    let mut slow = String::from("<html><body>");
    for i in 0..60_000usize {
        let p: Vec<&str> = (0..12).map(|k| words[(i * 7 + k * 3) % words.len()]).collect();
        slow.push_str(&format!("<div class=c{}><p>{}</p></div>", i % 50, p.join(" ")));
    }
    slow.push_str("</body></html>");
    write(&raw, "a-slow.html", slow.as_bytes());
    write(&raw, "b-fine.html", page("Fine", "A normal page.").as_bytes());
    // The limit is a tenth of what the slow page takes here without one,
    // so the test holds on fast and slow machines, debug and release, and
    // when the other tests running beside it slow that first run down (a
    // quarter was not enough margin under a full `cargo test`).
    let alone = std::time::Instant::now();
    let o = run(scour().arg(raw.join("a-slow.html")).arg("-j1"));
    assert!(o.status.success());
    let limit = (alone.elapsed().as_secs_f64() / 10.0 * 1000.0).round().max(10.0) / 1000.0;
    let start = std::time::Instant::now();
    let o = run(scour().arg(&raw).args(["--timeout", &limit.to_string(), "-j1"]));
    let took = start.elapsed();
    assert_eq!(o.status.code(), Some(1));
    let e = text(&o.stderr);
    let last = e.trim_end().lines().last().unwrap_or_default();
    assert!(last.contains("a-slow.html: timed out after ") && last.ends_with('s'), "{e}");
    assert!(text(&o.stdout).contains("A normal page."));
    eprintln!("slow page stopped, batch done in {took:?}");
}

#[test]
fn stats_have_the_same_fields_every_run() {
    let t = tempfile::tempdir().unwrap();
    let p = write(t.path(), "p.html", page("S", "Stats.").as_bytes());
    let f = write(t.path(), "in.jsonl", jsonl(3).as_bytes());
    let keys = |input: &Path| {
        let s = t.path().join("s.json");
        run(scour().arg(input).arg("--stats").arg(&s));
        stats(&s).as_object().unwrap().keys().cloned().collect::<Vec<_>>()
    };
    let a = keys(&p);
    let b = keys(&f);
    assert_eq!(a, b);
    for k in ["skipped", "skipped_existing", "dropped_empty", "timed_out", "documents_failed", "mb_per_s"] {
        assert!(a.iter().any(|x| x == k), "{k} missing from {a:?}");
    }
}

#[test]
fn progress_goes_to_stderr_only() {
    let t = tempfile::tempdir().unwrap();
    let f = write(t.path(), "in.jsonl", jsonl(5).as_bytes());
    let quiet = run(scour().arg(&f));
    let loud = run(scour().arg(&f).arg("--progress"));
    assert_eq!(quiet.stdout, loud.stdout);
    assert!(quiet.stderr.is_empty(), "silent when stderr is not a terminal");
    let e = text(&loud.stderr);
    assert!(e.contains("scour: progress: 5 docs") && e.contains("docs/s") && e.contains("MB/s"), "{e}");
}
