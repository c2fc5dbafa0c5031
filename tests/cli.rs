//! The `scour` binary end to end: files, directories, stdin, JSONL, bad
//! inputs, exit status, atomic outputs, determinism across `-j`.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

const PROSE: &str = "The council met on Tuesday evening to discuss the new budget, and the mayor said that \
    the city would spend more on its schools and parks than it did last year, which pleased many of the residents.";

fn page(title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{title} | City News</title></head><body>\
         <nav class=\"menu\"><a href=\"/\">Home</a> <a href=\"/news\">News</a> <a href=\"/sport\">Sport</a></nav>\
         <div class=\"cookie-banner\">We use cookies to improve your experience. Accept all</div>\
         <article><h1>{title}</h1><p>{body}</p><p>{PROSE}</p><p>{PROSE}</p></article>\
         <footer>© 2024 City News. All rights reserved.</footer></body></html>"
    )
}

fn scour() -> Command {
    Command::new(env!("CARGO_BIN_EXE_scour"))
}

fn run(cmd: &mut Command) -> Output {
    cmd.output().expect("scour runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

fn write(dir: &Path, rel: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(&p, bytes).unwrap();
    p
}

fn listing(dir: &Path) -> Vec<String> {
    let mut v = Vec::new();
    fn walk(base: &Path, d: &Path, v: &mut Vec<String>) {
        for e in std::fs::read_dir(d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(base, &p, v);
            } else {
                v.push(p.strip_prefix(base).unwrap().display().to_string());
            }
        }
    }
    walk(dir, dir, &mut v);
    v.sort();
    v
}

#[test]
fn one_page_to_stdout() {
    let t = tempfile::tempdir().unwrap();
    let f = write(
        t.path(),
        "a.html",
        page("Budget approved by the council", "The budget was approved by a wide margin.").as_bytes(),
    );
    let o = run(scour().arg(&f));
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    // The headline is metadata by default, not text.
    assert!(out.starts_with("The budget was approved"), "{out}");
    assert!(out.contains("The council met on Tuesday evening"));
    for gone in ["Home", "cookies", "All rights reserved", "City News", "Budget approved by the council"] {
        assert!(!out.contains(gone), "{gone} in {out}");
    }
    assert!(out.ends_with(".\n"));
    // --headline puts it back once, first; JSONL carries it as `title`.
    let o = run(scour().arg("--headline").arg(&f));
    let with = stdout(&o);
    assert_eq!(with, format!("Budget approved by the council\n{out}"));
    let o = run(scour().args(["--format", "jsonl"]).arg(&f));
    let v: serde_json::Value = serde_json::from_str(stdout(&o).trim()).unwrap();
    assert_eq!(v["title"], "Budget approved by the council");
    assert!(!v["text"].as_str().unwrap().contains("Budget approved by the council"));
}

#[test]
fn directory_tree_is_mirrored() {
    let t = tempfile::tempdir().unwrap();
    let raw = t.path().join("raw");
    write(&raw, "one.html", page("One", "First page text here.").as_bytes());
    write(&raw, "sub/two.htm", page("Two", "Second page text here.").as_bytes());
    write(&raw, "sub/deeper/three.txt", format!("Home » News\n{PROSE}\n").as_bytes());
    write(&raw, ".hidden.html", b"<p>skip me</p>");
    let out = t.path().join("clean");
    let o = run(scour().arg(&raw).arg("-o").arg(&out));
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(listing(&out), ["one.txt", "sub/deeper/three.txt", "sub/two.txt"]);
    let three = std::fs::read_to_string(out.join("sub/deeper/three.txt")).unwrap();
    assert_eq!(three, format!("{PROSE}\n"));
}

#[test]
fn single_input_to_named_file() {
    let t = tempfile::tempdir().unwrap();
    let f = write(t.path(), "a.html", page("Named", "Named output file.").as_bytes());
    let dest = t.path().join("out/a.clean");
    let o = run(scour().arg(&f).arg("-o").arg(&dest));
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(std::fs::read_to_string(&dest).unwrap().contains("Named output file."));
    assert_eq!(listing(&t.path().join("out")), ["a.clean"], "no temporary file may be left");
    // An output is an ordinary file, not a private temporary one: same mode
    // as a file created the usual way in the same directory.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let usual = t.path().join("usual");
        std::fs::write(&usual, b"x").unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&dest), mode(&usual));
    }
}

#[test]
fn stdin_is_read() {
    let mut child =
        scour().arg("-").stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    child.stdin.take().unwrap().write_all(page("From stdin", "Read from standard input.").as_bytes()).unwrap();
    let o = child.wait_with_output().unwrap();
    assert!(o.status.success());
    assert!(stdout(&o).contains("Read from standard input."));
}

#[test]
fn jsonl_passes_fields_and_keeps_order() {
    let t = tempfile::tempdir().unwrap();
    let mut lines = String::new();
    for i in 0..50 {
        let doc = page(&format!("Story {i}"), &format!("Body of story number {i} is here."));
        lines.push_str(&serde_json::json!({"id": i, "url": format!("https://x/{i}"), "text": doc}).to_string());
        lines.push('\n');
    }
    lines.push_str("{\"id\": \"plain\", \"text\": \"Home\\nMenu\\n");
    lines.push_str(PROSE);
    lines.push_str("\"}\n");
    let f = write(t.path(), "in.jsonl", lines.as_bytes());
    let o = run(scour().arg(&f).arg("-j3"));
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    let rows: Vec<serde_json::Value> = out.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(rows.len(), 51);
    for (i, r) in rows.iter().take(50).enumerate() {
        assert_eq!(r["id"], i);
        assert_eq!(r["url"], format!("https://x/{i}"));
        assert!(r["text"].as_str().unwrap().contains(&format!("Body of story number {i} is here.")));
        assert!(!r["text"].as_str().unwrap().contains("cookies"));
    }
    assert_eq!(rows[50]["text"], PROSE);
}

#[test]
fn jsonl_output_field_and_bad_lines() {
    let t = tempfile::tempdir().unwrap();
    let input = format!(
        "{}\nnot json\n{}\n{}\n",
        serde_json::json!({"id": 1, "raw": "caf&eacute; &amp; bar"}),
        serde_json::json!({"id": 2}),
        serde_json::json!({"id": 3, "raw": "fine text"}),
    );
    let f = write(t.path(), "in.jsonl", input.as_bytes());
    let o = run(scour().args(["--repair-only", "--text-field", "raw", "--output-field", "text"]).arg(&f));
    assert_eq!(o.status.code(), Some(1), "bad lines make the run exit 1");
    let rows: Vec<serde_json::Value> = stdout(&o).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(rows.len(), 4, "one output line per input line");
    assert_eq!(rows[0], serde_json::json!({"id": 1, "text": "café & bar"}));
    assert!(rows[1]["scour_error"].as_str().unwrap().contains("invalid JSON"));
    assert!(rows[2]["scour_error"].as_str().unwrap().contains("missing"));
    assert_eq!(rows[3]["text"], "fine text");
    let e = stderr(&o);
    assert!(e.contains("in.jsonl:2: invalid JSON"), "{e}");
    assert!(e.contains("in.jsonl:3: field `raw`: field is missing"), "{e}");
}

#[test]
fn bad_documents_are_reported_and_the_batch_goes_on() {
    let t = tempfile::tempdir().unwrap();
    let raw = t.path().join("raw");
    write(&raw, "a-good.html", page("Good", "This one is fine.").as_bytes());
    write(&raw, "b-binary.html", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR");
    write(&raw, "c-empty.html", b"   \n");
    write(&raw, "d-nul.txt", b"text\0with\0nuls\0everywhere\0\0\0");
    write(&raw, "e-huge.html", &vec![b'a'; 5000]);
    write(&raw, "f-trunc.html.gz", &[0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 1, 2]);
    write(&raw, "g-good.txt", PROSE.as_bytes());
    let out = t.path().join("clean");
    let o = run(scour()
        .arg(&raw)
        .arg("-o")
        .arg(&out)
        .args(["--max-bytes", "4000"])
        .arg("--stats")
        .arg(t.path().join("s.json")));
    assert_eq!(o.status.code(), Some(1));
    let e = stderr(&o);
    let lines: Vec<&str> = e.lines().collect();
    assert_eq!(lines.len(), 5, "{e}");
    assert!(
        lines[0].starts_with("scour: ") && lines[0].contains("b-binary.html: not a text document: looks like PNG"),
        "{e}"
    );
    assert!(lines[1].contains("c-empty.html: empty document"), "{e}");
    assert!(lines[2].contains("d-nul.txt: not a text document"), "{e}");
    assert!(lines[3].contains("e-huge.html: larger than 4000 bytes"), "{e}");
    assert!(lines[4].contains("f-trunc.html.gz: bad gzip stream"), "{e}");
    assert_eq!(listing(&out), ["a-good.txt", "g-good.txt"]);
    let stats: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(t.path().join("s.json")).unwrap()).unwrap();
    assert_eq!(stats["documents_in"], 7);
    assert_eq!(stats["documents_ok"], 2);
    assert_eq!(stats["documents_failed"], 5);
    let dropped: u64 = stats["blocks_dropped"].as_object().unwrap().values().map(|v| v.as_u64().unwrap()).sum();
    assert!(dropped > 0, "{stats}");
}

#[test]
fn missing_input_is_a_document_error_not_a_crash() {
    let t = tempfile::tempdir().unwrap();
    let good = write(t.path(), "ok.html", page("Ok", "Still cleaned.").as_bytes());
    let o = run(scour().arg(t.path().join("nope.html")).arg(&good));
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("nope.html: No such file"), "{}", stderr(&o));
    assert!(stdout(&o).contains("Still cleaned."));
}

#[test]
fn usage_errors_exit_2() {
    let o = run(scour().arg("--no-such-flag"));
    assert_eq!(o.status.code(), Some(2));
    let t = tempfile::tempdir().unwrap();
    let a = write(t.path(), "a.html", b"<p>a</p>");
    let b = write(t.path(), "b.html", b"<p>b</p>");
    let o = run(scour()
        .arg(&a)
        .arg(&b)
        .arg("-o")
        .arg(t.path().join("f.txt"))
        .arg("--format")
        .arg("jsonl")
        .arg("-j")
        .arg("x"));
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn legacy_charsets_are_decoded() {
    let t = tempfile::tempdir().unwrap();
    let body = "Les élèves ont présenté leur projet à la mairie, où le maire a salué leur travail et leur énergie \
                pendant toute l'année scolaire, malgré les difficultés rencontrées en hiver.";
    let html = format!(
        "<html><head><title>Projet</title></head><body><div id=content><p>{body}</p><p>{body}</p></div></body></html>"
    );
    let (latin1, _, _) = encoding_rs::WINDOWS_1252.encode(&html);
    let f = write(t.path(), "fr.html", &latin1);
    let o = run(scour().arg(&f));
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("Les élèves ont présenté leur projet à la mairie"), "{}", stdout(&o));
}

#[test]
fn output_is_identical_for_any_jobs() {
    let t = tempfile::tempdir().unwrap();
    let raw = t.path().join("raw");
    for i in 0..40 {
        write(&raw, &format!("p{i:02}.html"), page(&format!("Title {i}"), &format!("Unique body {i}.")).as_bytes());
    }
    let a = run(scour().arg(&raw).arg("-j1"));
    let b = run(scour().arg(&raw).arg("-j4"));
    assert!(a.status.success() && b.status.success());
    assert_eq!(a.stdout, b.stdout);
    let j1 = run(scour().arg(&raw).args(["-j1", "--format", "jsonl"]));
    let j4 = run(scour().arg(&raw).args(["-j4", "--format", "jsonl"]));
    assert_eq!(j1.stdout, j4.stdout);
}

#[test]
fn explain_shows_decisions_and_repairs() {
    let t = tempfile::tempdir().unwrap();
    let f = write(t.path(), "a.html", page("Explained", "Caf&amp;eacute; is open.").as_bytes());
    let o = run(scour().arg("--explain").arg(&f));
    assert!(o.status.success());
    let out = stdout(&o);
    assert!(out.lines().any(|l| l.starts_with("KEEP") && l.contains("Explained")), "{out}");
    assert!(out.lines().any(|l| l.starts_with("drop") && l.contains("Home")), "{out}");
    assert!(out.lines().any(|l| l.starts_with("fix") && l.contains("entity")), "{out}");
}

#[test]
fn stats_go_to_stderr_when_no_file_is_given() {
    let t = tempfile::tempdir().unwrap();
    let f = write(t.path(), "a.html", page("Stats", "Counting.").as_bytes());
    let o = run(scour().args(["--stats", "-"]).arg(&f));
    assert!(o.status.success());
    let e = stderr(&o);
    assert!(e.contains("documents: 1 in, 1 ok"), "{e}");
    assert!(e.contains("MB/s"), "{e}");
}

#[test]
fn help_has_examples() {
    let o = run(scour().arg("--help"));
    assert!(o.status.success());
    let h = stdout(&o);
    assert!(h.contains("Examples:") && h.contains("scour raw/ -o clean/") && h.contains("Exit status"));
}

#[test]
fn cosmetic_folds_are_opt_in_flags() {
    let dir = tempfile::tempdir().unwrap();
    let text = "“It’s ﬁne,” she said of the ＡＢＣ plan.\n";
    let f = write(dir.path(), "a.txt", text.as_bytes());
    let plain = run(scour().args(["--repair-only", "--input", "text"]).arg(&f));
    assert_eq!(stdout(&plain), text);
    let folded = run(scour()
        .args(["--repair-only", "--input", "text", "--straight-quotes", "--fold-ligatures", "--fold-width"])
        .arg(&f));
    assert_eq!(stdout(&folded), "\"It's fine,\" she said of the ABC plan.\n");
    // Folding is repair: it cannot go with --no-repair.
    let o = run(scour().args(["--no-repair", "--straight-quotes"]).arg(&f));
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn list_marks_are_on_by_default_and_can_be_turned_off() {
    let dir = tempfile::tempdir().unwrap();
    let body = format!(
        "{PROSE}</p><ol><li>Bring the budget to a vote before the end of the month, as the law asks.</li>\
         <li>Publish every line of it on the city's website for the residents to read.</li></ol><p>{PROSE}"
    );
    let f = write(dir.path(), "a.html", page("Budget", &body).as_bytes());
    let marked = stdout(&run(scour().arg(&f)));
    assert!(marked.contains("\n1. Bring the budget to a vote"), "{marked}");
    assert!(marked.contains("\n2. Publish every line"), "{marked}");
    let plain = stdout(&run(scour().arg("--no-list-marks").arg(&f)));
    assert!(plain.contains("\nBring the budget to a vote"), "{plain}");
    assert!(!plain.contains("1. "), "{plain}");
}
