//! End-to-end tests: build real projects, then read the PDFs that come out.

#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

use lopdf::{Document, Object};

/// The repository's own project folder.
fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs the real binary.
fn flyerpress(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_flyerpress")).args(args).output().expect("binary runs")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// A copy of the repository's project (content and layouts copied, fonts linked)
/// that a test may edit.
fn project_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for sub in ["content", "layouts", "layouts/templates"] {
        std::fs::create_dir_all(dir.path().join(sub)).unwrap();
        for entry in std::fs::read_dir(repo().join(sub)).unwrap() {
            let path = entry.unwrap().path();
            if path.is_file() {
                std::fs::copy(&path, dir.path().join(sub).join(path.file_name().unwrap())).unwrap();
            }
        }
    }
    std::os::unix::fs::symlink(repo().join("fonts"), dir.path().join("fonts")).unwrap();
    dir
}

fn edit(path: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).unwrap();
    assert!(text.contains(from), "{} does not contain {from:?}", path.display());
    std::fs::write(path, text.replacen(from, to, 1)).unwrap();
}

/// Builds one edition in one layout into `out` and returns the PDF's path.
fn build_pdf(project: &Path, out: &Path, lang: &str, layout: &str) -> PathBuf {
    let output = flyerpress(&[
        "build",
        "--project",
        project.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--lang",
        lang,
        "--layout",
        layout,
    ]);
    assert!(output.status.success(), "build failed:\n{}", stderr(&output));
    out.join(lang).join(format!("{layout}.pdf"))
}

/// The Danish screen edition of the repository, built once for all tests that read it.
fn danish_pdf() -> &'static Path {
    static PDF: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    let (_, path) = PDF.get_or_init(|| {
        let out = tempfile::tempdir().unwrap();
        let path = build_pdf(&repo(), out.path(), "da", "a4-screen");
        (out, path)
    });
    path
}

/// All text of a PDF's pages, as lopdf extracts it through the fonts' ToUnicode maps.
fn pdf_text(path: &Path) -> String {
    let document = Document::load(path).unwrap();
    let pages: Vec<u32> = document.get_pages().keys().copied().collect();
    document.extract_text(&pages).unwrap()
}

/// Text with all whitespace removed: line breaks in the PDF fall wherever the layout
/// puts them, so lines are compared without it.
fn squeeze(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

#[test]
fn danish_pdf_contains_every_line_of_the_seed() {
    let text = squeeze(&pdf_text(danish_pdf()));
    let seed = std::fs::read_to_string(repo().join("tests/fixtures/seed/strings.txt")).unwrap();
    let missing: Vec<&str> =
        seed.lines().filter(|l| !l.trim().is_empty() && !text.contains(&squeeze(l))).collect();
    assert!(missing.is_empty(), "lines of the seed missing from the PDF: {missing:#?}");
}

#[test]
fn danish_pdf_is_one_a4_landscape_page_with_embedded_fonts() {
    let document = Document::load(danish_pdf()).unwrap();
    let pages = document.get_pages();
    assert_eq!(pages.len(), 1);
    let page = document.get_dictionary(pages[&1]).unwrap();
    let media_box: Vec<f32> = page
        .get(b"MediaBox")
        .unwrap()
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o.as_float().unwrap())
        .collect();
    let mm = |pt: f32| pt * 25.4 / 72.0;
    assert_eq!(media_box[..2], [0.0, 0.0]);
    assert!((mm(media_box[2]) - 297.0).abs() < 0.1, "width {} mm", mm(media_box[2]));
    assert!((mm(media_box[3]) - 210.0).abs() < 0.1, "height {} mm", mm(media_box[3]));

    let fonts = document.get_page_fonts(pages[&1]).unwrap();
    assert!(!fonts.is_empty());
    for (name, font) in fonts {
        let descendant = font.get(b"DescendantFonts").unwrap().as_array().unwrap()[0].clone();
        let descendant = document.dereference(&descendant).unwrap().1.as_dict().unwrap().clone();
        let descriptor = document.dereference(descendant.get(b"FontDescriptor").unwrap()).unwrap();
        let descriptor = descriptor.1.as_dict().unwrap();
        let embedded = [&b"FontFile2"[..], b"FontFile3", b"FontFile"]
            .iter()
            .any(|key| descriptor.get(key).is_ok());
        assert!(embedded, "font {} is not embedded", String::from_utf8_lossy(&name));
    }
}

#[test]
fn danish_pdf_has_metadata_and_conformance() {
    let document = Document::load(danish_pdf()).unwrap();
    let catalog = document.catalog().unwrap();
    let lang = catalog.get(b"Lang").unwrap().as_str().unwrap();
    assert_eq!(lang, b"da");
    assert!(catalog.get(b"StructTreeRoot").is_ok(), "the PDF is not tagged");
    let info_ref = document.trailer.get(b"Info").unwrap().as_reference().unwrap();
    let info = document.get_dictionary(info_ref).unwrap();
    let text = |key: &[u8]| match info.get(key) {
        Ok(Object::String(bytes, _)) => {
            lopdf::decode_text_string(&Object::String(bytes.clone(), lopdf::StringFormat::Literal))
                .unwrap()
        }
        other => panic!("{} missing: {other:?}", String::from_utf8_lossy(key)),
    };
    assert_eq!(text(b"Title"), "Hurtig oversigt over messengersystemer");
    assert_eq!(text(b"Author"), "freie-messenger.de");
    assert!(text(b"Keywords").contains("Messenger"));
    assert!(text(b"CreationDate").starts_with("D:20260201"), "{}", text(b"CreationDate"));
    // XMP metadata declares both standards.
    let metadata = catalog.get(b"Metadata").unwrap().as_reference().unwrap();
    let xmp = document.get_object(metadata).unwrap().as_stream().unwrap();
    let xmp = String::from_utf8_lossy(&xmp.content);
    assert!(xmp.contains("<pdfaid:part>2</pdfaid:part>"), "no PDF/A-2 claim");
    assert!(xmp.contains("<pdfaid:conformance>B</pdfaid:conformance>"), "no PDF/A-2b claim");
    assert!(xmp.contains("<pdfuaid:part>1</pdfuaid:part>"), "no PDF/UA-1 claim");
}

#[test]
fn two_builds_are_byte_identical() {
    let out = tempfile::tempdir().unwrap();
    let again = build_pdf(&repo(), out.path(), "da", "a4-screen");
    assert_eq!(std::fs::read(danish_pdf()).unwrap(), std::fs::read(again).unwrap());
}

#[test]
fn hostile_strings_are_printed_literally() {
    let project = project_copy();
    let hostile = r"Title # $ * _ @ < ] \ // #set text(red) $x^2$ <label> @ref";
    let quoted = serde_json::to_string(hostile).unwrap();
    edit(
        &project.path().join("content/da.yaml"),
        "title: Hurtig oversigt over messengersystemer",
        &format!("title: {quoted}"),
    );
    let out = tempfile::tempdir().unwrap();
    let pdf = build_pdf(project.path(), out.path(), "da", "a4-screen");
    let text = squeeze(&pdf_text(&pdf));
    assert!(text.contains(&squeeze(hostile)), "hostile title not found literally in: {text}");
}

#[test]
fn missing_content_file_names_the_file_and_exits_2() {
    let project = project_copy();
    std::fs::remove_file(project.path().join("content/facts.yaml")).unwrap();
    let output = flyerpress(&["build", "--project", project.path().to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2));
    let err = stderr(&output);
    assert!(err.contains("content/facts.yaml") && err.contains("not found"), "{err}");
}

#[test]
fn malformed_yaml_names_file_line_and_exits_2() {
    let project = project_copy();
    let da = project.path().join("content/da.yaml");
    edit(&da, "  open: kildeåben (fri) anbefaling", "  open: \"kildeåben (fri) anbefaling");
    let output = flyerpress(&["build", "--project", project.path().to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2));
    let err = stderr(&output);
    assert!(err.contains("content/da.yaml:"), "{err}");
    assert!(err.contains("the quote opened on line 5 is never closed"), "{err}");
    assert!(!project.path().join("output/da").exists(), "something was written");
}

#[test]
fn unknown_key_names_key_line_and_expected_keys() {
    let project = project_copy();
    let facts = project.path().join("content/facts.yaml");
    edit(&facts, "      network: serverless", "      netwerk: serverless");
    let output = flyerpress(&["build", "--project", project.path().to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2));
    let err = stderr(&output);
    assert!(err.contains("content/facts.yaml:"), "{err}");
    assert!(err.contains("sections.chat.briar"), "{err}");
    assert!(err.contains("unknown field `netwerk`"), "{err}");
}

#[test]
fn unknown_reference_and_missing_base_string_are_all_reported() {
    let project = project_copy();
    edit(
        &project.path().join("content/facts.yaml"),
        "systems: [briar, jami, tox]",
        "systems: [briar, jamii, tox]",
    );
    edit(
        &project.path().join("content/da.yaml"),
        "  F: Ingen føderation mellem servere mulig\n",
        "",
    );
    let output = flyerpress(&["build", "--project", project.path().to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2));
    let err = stderr(&output);
    assert!(err.contains("unknown system `jamii`"), "{err}");
    assert!(err.contains("sections.chat.briar.systems"), "{err}");
    assert!(err.contains("missing string `footnotes.F`"), "{err}");
}

#[test]
fn unknown_lang_lists_the_known_ones() {
    let output = flyerpress(&["build", "--project", repo().to_str().unwrap(), "--lang", "xx"]);
    assert_eq!(output.status.code(), Some(2));
    let err = stderr(&output);
    assert!(err.contains("unknown edition `xx`") && err.contains("da"), "{err}");
}

#[test]
fn list_shows_editions_and_layouts() {
    let output = flyerpress(&["list", "--project", repo().to_str().unwrap()]);
    assert!(output.status.success(), "{}", stderr(&output));
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(text.contains("da") && text.contains("DK") && text.contains("a4-screen"), "{text}");
}

/// The Danish edition laid out through the library, for checks on the page itself.
fn danish_runs() -> (Vec<flyerpress::inspect::TextRun>, Option<flyerpress::inspect::Fit>) {
    let session = flyerpress::Session::open(&repo()).unwrap();
    let typeset = session.typeset("da", "a4-screen").unwrap();
    (flyerpress::inspect::text_runs(&typeset.paged), typeset.fit)
}

#[test]
fn spans_the_seed_marks_bold_are_bold() {
    let (runs, _) = danish_runs();
    // Bold text of consecutive runs joined; any regular run breaks the chain.
    let bold: String =
        runs.iter().map(|r| if r.bold { squeeze(&r.text) } else { "|".to_owned() }).collect();
    let seed = std::fs::read_to_string(repo().join("tests/fixtures/seed/000_97d17a31b800a19f.txt"))
        .unwrap();
    let spans: Vec<&str> =
        seed.split("<b>").skip(1).filter_map(|s| s.split("</b>").next()).collect();
    assert!(spans.len() >= 10, "expected the seed's bold spans, found {spans:?}");
    for span in spans {
        assert!(bold.contains(&squeeze(span)), "`{span}` is not bold on the page");
    }
    let regular: String =
        runs.iter().filter(|r| !r.bold).map(|r| squeeze(&r.text)).collect::<Vec<_>>().join("|");
    assert!(regular.contains("afudbyder"), "regular text came out bold");
}

#[test]
fn the_table_fills_the_page_at_a_legible_size() {
    let (runs, fit) = danish_runs();
    let fit = fit.expect("the template records its fit");
    assert!(fit.fits);
    assert!(fit.body_size_pt >= 7.5, "body text is {} pt", fit.body_size_pt);
    let body = runs.iter().find(|r| r.text.contains("Conversations")).unwrap();
    assert!(body.size_pt >= 7.5, "table text is {} pt", body.size_pt);
    let top = runs.iter().map(|r| r.y_mm).fold(f64::MAX, f64::min);
    let bottom = runs.iter().map(|r| r.y_mm).fold(f64::MIN, f64::max);
    assert!(bottom - top > 0.85 * 210.0 - 18.0, "content spans only {:.0} mm", bottom - top);
}

#[test]
fn template_errors_show_file_line_and_excerpt_and_fail_the_job() {
    let project = project_copy();
    edit(
        &project.path().join("layouts/templates/overview.typ"),
        "#let paint(hex) = rgb(hex)",
        "#let paint(hex) = rgb(hex, nonsense: 1)",
    );
    let output =
        flyerpress(&["build", "--project", project.path().to_str().unwrap(), "--lang", "da"]);
    assert_eq!(output.status.code(), Some(1));
    let err = stderr(&output);
    assert!(err.contains("unexpected argument: nonsense"), "{err}");
    assert!(err.contains("layouts/templates/overview.typ:"), "{err}");
    assert!(err.contains("rgb(hex, nonsense: 1)"), "no source excerpt: {err}");
}
