//! End-to-end tests: build real projects, then read the PDFs that come out.

#![allow(clippy::unwrap_used)]

mod architecture;
mod common;
mod docs;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

use common::{edit, flyerpress, project_copy, repo, stderr};

use lopdf::{Document, Object};

/// Runs `command` on a copy of the project with `edits` (file, from, to) made, asserts
/// that it refuses the input (exit 2) and returns what it said on stderr.
fn refused_after(command: &str, edits: &[(&str, &str, &str)]) -> String {
    let project = project_copy();
    for (file, from, to) in edits {
        edit(&project.path().join(file), from, to);
    }
    let output = flyerpress(&[command, "--project", project.path().to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    stderr(&output)
}

/// Runs `flyerpress build` on `project` into `out`, with more arguments (`--lang` ...).
fn build_args(project: &Path, out: &Path, extra: &[&str]) -> Output {
    let mut args =
        vec!["build", "--project", project.to_str().unwrap(), "--out", out.to_str().unwrap()];
    args.extend_from_slice(extra);
    flyerpress(&args)
}

/// Builds one edition in one layout into `out` and returns the PDF's path.
fn build_pdf(project: &Path, out: &Path, lang: &str, layout: &str) -> PathBuf {
    let output = build_args(project, out, &["--lang", lang, "--layout", layout]);
    assert!(output.status.success(), "build failed:\n{}", stderr(&output));
    out.join(lang).join(format!("{layout}.pdf"))
}

/// Asserts that every font the first page uses has its font file embedded.
fn assert_fonts_embedded(document: &Document, what: &str) {
    let pages = document.get_pages();
    let fonts = document.get_page_fonts(pages[&1]).unwrap();
    assert!(!fonts.is_empty(), "{what}: no fonts");
    for (name, font) in fonts {
        let descendant = font.get(b"DescendantFonts").unwrap().as_array().unwrap()[0].clone();
        let descendant = document.dereference(&descendant).unwrap().1.as_dict().unwrap().clone();
        let descriptor =
            document.dereference(descendant.get(b"FontDescriptor").unwrap()).unwrap().1;
        let embedded = ["FontFile2", "FontFile3", "FontFile"]
            .iter()
            .any(|key| descriptor.as_dict().unwrap().get(key.as_bytes()).is_ok());
        assert!(embedded, "{what}: font {} is not embedded", String::from_utf8_lossy(&name));
    }
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
///
/// One glyph serves both the hyphen and the hyphen Typst adds when it breaks a word;
/// its ToUnicode entry holds one of them (`-` or U+00AD) and an /ActualText span the
/// other. lopdf ignores /ActualText, so both read as `-` here.
fn pdf_text(path: &Path) -> String {
    let document = Document::load(path).unwrap();
    let pages: Vec<u32> = document.get_pages().keys().copied().collect();
    document.extract_text(&pages).unwrap().replace('\u{ad}', "-")
}

/// Text with all whitespace removed: line breaks in the PDF fall wherever the layout
/// puts them, so lines are compared without it.
fn squeeze(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace() && *c != '\u{ad}').collect()
}

/// Text without the hyphens Typst adds where it breaks a word: each is a run of its
/// own, which lopdf puts on a line of its own.
fn unhyphenate(text: &str) -> String {
    text.lines().filter(|line| line.trim() != "-").collect::<Vec<_>>().join("\n")
}

/// Whether PDF text contains a string, ignoring whitespace and the hyphens of
/// hyphenation (a hyphen the text itself has may also end a line, so both are tried).
fn contains_text(pdf_text: &str, needle: &str) -> bool {
    // The soft hyphens flyerpress puts where words may break read as hyphens too.
    let dehyphenate = |text: &str| squeeze(text).replace('-', "");
    let squeezed = squeeze(needle);
    squeeze(pdf_text).contains(&squeezed)
        || squeeze(&unhyphenate(pdf_text)).contains(&squeezed)
        || dehyphenate(pdf_text).contains(&dehyphenate(needle))
}

#[test]
fn danish_pdf_contains_every_line_of_the_seed() {
    let text = pdf_text(danish_pdf());
    let seed = std::fs::read_to_string(repo().join("tests/fixtures/seed/strings.txt")).unwrap();
    let missing: Vec<&str> =
        seed.lines().filter(|l| !l.trim().is_empty() && !contains_text(&text, l)).collect();
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

    assert_fonts_embedded(&document, "a4-screen");
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
fn a_broken_edition_fails_alone_and_the_others_are_built() {
    let project = project_copy();
    let da = project.path().join("content/da.yaml");
    edit(&da, "  open: kildeåben (fri) anbefaling", "  open: \"kildeåben (fri) anbefaling");
    let dir = project.path().to_str().unwrap();
    let output =
        flyerpress(&["build", "--project", dir, "--layout", "a4-screen", "--lang", "da,de,en"]);
    assert_eq!(output.status.code(), Some(1));
    let err = stderr(&output);
    assert!(err.contains("content/da.yaml:"), "{err}");
    assert!(err.contains("the quote opened on line 5 is never closed"), "{err}");
    assert!(err.contains("failed: da / a4-screen"), "no summary of what failed: {err}");
    assert!(!project.path().join("output/da").exists(), "something was written for da");
    for lang in ["de", "en"] {
        assert!(project.path().join(format!("output/{lang}/a4-screen.pdf")).exists(), "{lang}");
    }
    // `check` reports the same problem and exits 2.
    let check = flyerpress(&["check", "--project", dir]);
    assert_eq!(check.status.code(), Some(2));
    assert!(stderr(&check).contains("content/da.yaml:"));
}

#[test]
/// Single problems each have a fixture in tests/fixtures/errors; this checks that the
/// problems of several files come out of one run together.
fn problems_in_several_files_are_all_reported_in_one_run() {
    let err = refused_after(
        "build",
        &[
            ("content/facts.yaml", "systems: [briar, jami]", "systems: [briar, jamii]"),
            ("content/de.yaml", "  F: Keine Föderation zwischen Servern möglich\n", ""),
        ],
    );
    assert!(err.contains("unknown system `jamii`"), "{err}");
    assert!(err.contains("sections.chat.briar.systems"), "{err}");
    assert!(err.contains("missing string `footnotes.F`"), "{err}");
}

#[test]
fn unknown_lang_lists_the_known_ones() {
    let project = project_copy();
    let output =
        flyerpress(&["build", "--project", project.path().to_str().unwrap(), "--lang", "xx"]);
    assert_eq!(output.status.code(), Some(2));
    let err = stderr(&output);
    assert!(err.contains("unknown edition `xx`; available: ar, da, de, en, zh"), "{err}");
}

#[test]
fn list_shows_editions_and_layouts() {
    let project = project_copy();
    let output = flyerpress(&["list", "--project", project.path().to_str().unwrap()]);
    assert!(output.status.success(), "{}", stderr(&output));
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(text.contains("editions (base: de):"), "{text}");
    assert!(text.contains("da       DK   2026-02-01  reviewed"), "{text}");
    assert!(text.contains("en       EN   2026-11-27  draft"), "{text}");
    assert!(text.contains("a4-screen        297 x 210 mm  pdf"), "{text}");
}

/// The Danish edition laid out through the library, for checks on the page itself.
fn danish_runs() -> (Vec<flyerpress::typeset::inspect::TextRun>, flyerpress::typeset::fit::Fit) {
    let session = flyerpress::Session::open(&repo(), Default::default()).unwrap();
    let typeset = session.typeset("da", "a4-screen").unwrap();
    (
        flyerpress::typeset::inspect::text_runs(&typeset.paged),
        typeset.fit.expect("a size was chosen"),
    )
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
        "else { rgb(c.rgb) }",
        "else { rgb(c.rgb, nonsense: 1) }",
    );
    let output = build_args(
        project.path(),
        &project.path().join("output"),
        &["--lang", "da", "--layout", "a4-screen"],
    );
    assert_eq!(output.status.code(), Some(1));
    let err = stderr(&output);
    assert!(err.contains("unexpected argument: nonsense"), "{err}");
    assert!(err.contains("layouts/templates/overview.typ:"), "{err}");
    assert!(err.contains("rgb(c.rgb, nonsense: 1)"), "no source excerpt: {err}");
}

/// A layout's own template need not take `style.fit`: flyerpress notices that its
/// probe page is unmarked and lays the page out once, at whatever size it chooses.
#[test]
fn a_template_that_takes_no_size_builds_as_it_is() {
    let project = project_copy();
    let layouts = project.path().join("layouts");
    std::fs::write(
        layouts.join("templates/plain.typ"),
        "#let data = json(\"/document.json\")\n\
         #set page(width: data.style.width_mm * 1mm, height: data.style.height_mm * 1mm)\n\
         #set text(font: data.style.fonts.body, lang: \"da\")\n\
         #set document(title: data.meta.title)\n\
         #data.meta.title\n",
    )
    .unwrap();
    let screen = std::fs::read_to_string(layouts.join("a4-screen.yaml")).unwrap();
    std::fs::write(layouts.join("plain.yaml"), screen.replace("overview.typ", "plain.typ"))
        .unwrap();
    let out = tempfile::tempdir().unwrap();
    let output = build_args(project.path(), out.path(), &["--lang", "da", "--layout", "plain"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let err = stderr(&output);
    assert!(err.contains("built da / plain") && !err.contains("body text"), "{err}");
    let pdf = out.path().join("da/plain.pdf");
    assert_eq!(Document::load(&pdf).unwrap().get_pages().len(), 1);
    assert!(squeeze(&pdf_text(&pdf)).contains("Hurtigoversigt"), "{}", pdf_text(&pdf));
}

/// Every edition of the repository in the screen layout, built once.
fn all_editions() -> &'static Path {
    static OUT: OnceLock<tempfile::TempDir> = OnceLock::new();
    OUT.get_or_init(|| {
        let out = tempfile::tempdir().unwrap();
        let output = build_args(&repo(), out.path(), &["--layout", "a4-screen"]);
        assert!(output.status.success(), "build failed:\n{}", stderr(&output));
        out
    })
    .path()
}

/// Words of a text compared letter by letter regardless of order: PDF text of
/// right-to-left scripts comes out in visual order, with ligatures mapped as units.
fn letters(word: &str) -> Vec<char> {
    let mut chars: Vec<char> = word.chars().filter(|c| c.is_alphanumeric()).collect();
    chars.sort_unstable();
    chars
}

#[test]
fn every_edition_builds_one_page_with_its_title_and_every_system() {
    let session = flyerpress::Session::open(&repo(), Default::default()).unwrap();
    let project = &session.project;
    let langs: Vec<&String> = project.editions.keys().collect();
    assert!(langs.len() >= 13, "only {} editions", langs.len());
    for lang in langs {
        let pdf = all_editions().join(lang).join("a4-screen.pdf");
        let document = Document::load(&pdf).unwrap();
        assert_eq!(document.get_pages().len(), 1, "{lang}");
        let text = pdf_text(&pdf);
        let words: Vec<Vec<char>> = text.split_whitespace().map(letters).collect();
        let title = project.editions[lang].strings.get("title").unwrap();
        for word in title.split_whitespace() {
            let found = contains_text(&text, word) || words.contains(&letters(word));
            assert!(found, "{lang}: title word `{word}` not in the PDF text");
        }
        // Every system a row names (the facts may define more than the rows use).
        let named = project.facts.sections.values().flat_map(|rows| rows.values());
        let mut ids: Vec<&String> = named.flat_map(|row| &row.systems).collect();
        ids.dedup();
        for id in ids {
            let system = &project.facts.systems[id];
            let name = match &system.name {
                Some(name) => name.clone(),
                None => {
                    project.editions[lang].strings.get(&format!("systems.{id}")).unwrap().to_owned()
                }
            };
            let rtl = project.locale(lang).is_right_to_left();
            let found = contains_text(&text, &name)
                || (rtl
                    && name
                        .split_whitespace()
                        .all(|w| words.contains(&letters(w)) || text.contains(w)));
            assert!(found, "{lang}: system `{name}` not in the PDF text");
        }
    }
}

#[test]
fn right_to_left_editions_mirror_the_columns() {
    let session = flyerpress::Session::open(&repo(), Default::default()).unwrap();
    for lang in ["ar", "fa"] {
        let typeset = session.typeset(lang, "a4-screen").unwrap();
        let runs = flyerpress::typeset::inspect::text_runs(&typeset.paged);
        let strings = &session.project.editions[lang].strings;
        let find = |key: &str| {
            let heading = strings.get(key).unwrap();
            let first_word = heading.split_whitespace().next().unwrap();
            runs.iter()
                .find(|r| r.text.contains(first_word))
                .unwrap_or_else(|| panic!("{lang}: {key}"))
        };
        let first = find("columns.system");
        let last = find("columns.location");
        assert!(
            first.x_mm > last.x_mm + 150.0,
            "{lang}: first column at {:.0} mm should be right of the last at {:.0} mm",
            first.x_mm,
            last.x_mm
        );
        // Right-aligned: the title ends near the right margin.
        let title = find("title");
        assert!(title.x_mm + title.width_mm > 297.0 - 9.0 - 80.0, "{lang}: title not at the right");
    }
    let session_da = flyerpress::Session::open(&repo(), Default::default()).unwrap();
    let runs = flyerpress::typeset::inspect::text_runs(
        &session_da.typeset("da", "a4-screen").unwrap().paged,
    );
    let x = |t: &str| runs.iter().find(|r| r.text.contains(t)).unwrap().x_mm;
    assert!(x("Messengersystem") < x("serverplacering"), "left-to-right order is kept for da");
}

#[test]
fn a_missing_translation_falls_back_to_the_base_text_or_fails_under_strict() {
    let project = project_copy();
    edit(
        &project.path().join("content/en.yaml"),
        "  F: No federation between servers possible\n",
        "",
    );
    let dir = project.path().to_str().unwrap();
    let out = tempfile::tempdir().unwrap();
    let pdf = build_pdf(project.path(), out.path(), "en", "a4-screen");
    let output = build_args(project.path(), out.path(), &["--lang", "en", "--layout", "a4-screen"]);
    let err = stderr(&output);
    assert!(
        err.contains("edition `en` has no string `footnotes.F`; the base text is used"),
        "{err}"
    );
    let text = squeeze(&unhyphenate(&pdf_text(&pdf)));
    assert!(
        text.contains(&squeeze("Keine Föderation zwischen Servern möglich")),
        "no German fallback"
    );

    // Under --strict the English jobs fail (exit 1); `check --strict` exits 2.
    let strict = flyerpress(&[
        "build",
        "--project",
        dir,
        "--lang",
        "en,da",
        "--layout",
        "a4-screen",
        "--strict",
    ]);
    assert_eq!(strict.status.code(), Some(1));
    let err = stderr(&strict);
    assert!(err.contains("content/en.yaml") && err.contains("footnotes.F"), "{err}");
    assert!(err.contains("edition `en` has no string `footnotes.F` (--strict)"), "{err}");
    assert!(err.contains("built da / a4-screen"), "{err}");
    let check = flyerpress(&["check", "--project", dir, "--strict"]);
    assert_eq!(check.status.code(), Some(2));
}

#[test]
fn status_reports_stale_keys_after_a_base_edit_until_translated_again() {
    let project = project_copy();
    let dir = project.path().to_str().unwrap();
    let status = |strict: bool| {
        let mut args = vec!["status", "--project", dir];
        if strict {
            args.push("--strict");
        }
        flyerpress(&args)
    };
    let clean = status(true);
    assert!(clean.status.success(), "{}{}", String::from_utf8_lossy(&clean.stdout), stderr(&clean));

    edit(
        &project.path().join("content/de.yaml"),
        "encryption: Verschlüsselung",
        "encryption: Verschlüsselung (E2E)",
    );
    let stale = status(true);
    assert_eq!(stale.status.code(), Some(1));
    let out = String::from_utf8_lossy(&stale.stdout).into_owned();
    for lang in ["da", "en", "ar", "zh"] {
        let block = out
            .split("\n")
            .skip_while(|l| !l.starts_with(lang))
            .take(4)
            .collect::<Vec<_>>()
            .join("\n");
        assert!(block.contains("stale: columns.encryption"), "{lang} not stale:\n{out}");
    }
    assert!(status(false).status.success(), "status without --strict fails");

    // A translator updates the Danish text (a plain edit): it is no longer stale.
    edit(
        &project.path().join("content/da.yaml"),
        "encryption: kryptering",
        "encryption: kryptering (E2E)",
    );
    let out = String::from_utf8_lossy(&status(false).stdout).into_owned();
    let da: Vec<&str> = out.lines().skip_while(|l| !l.starts_with("da")).take(2).collect();
    assert!(da[0].contains(" 0 ") && !da[1].contains("stale"), "da still stale:\n{out}");
    // Recording keeps stale keys stale and records the new Danish translation.
    let recorded = flyerpress(&["status", "--project", dir, "--record"]);
    assert!(recorded.status.success());
    let out = String::from_utf8_lossy(&status(false).stdout).into_owned();
    assert!(out.contains("stale: columns.encryption"), "recording cleared stale keys:\n{out}");
}

#[test]
fn a_character_no_font_covers_is_reported_with_edition_key_and_code_point() {
    let project = project_copy();
    let en = project.path().join("content/en.yaml");
    edit(&en, "any: any", "any: any 𓀀");
    let output = flyerpress(&["check", "--project", project.path().to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2));
    let err = stderr(&output);
    assert!(err.contains("content/en.yaml"), "{err}");
    assert!(err.contains("locations.any"), "{err}");
    assert!(err.contains("edition `en`: character `𓀀` (U+13000)"), "{err}");
    edit(&en, "any: any 𓀀", "any: any");
    let ok = flyerpress(&["check", "--project", project.path().to_str().unwrap()]);
    assert!(ok.status.success(), "{}", stderr(&ok));
}

#[test]
fn an_edition_that_cannot_fit_fails_naming_edition_layout_and_overflow() {
    let project = project_copy();
    let long = "Ingen kryptering i grupper. ".repeat(400);
    edit(
        &project.path().join("content/da.yaml"),
        "  \"1\": Ingen kryptering i grupper",
        &format!("  \"1\": {long}"),
    );
    let output = build_args(
        project.path(),
        &project.path().join("output"),
        &["--lang", "da,en", "--layout", "a4-screen", "--no-previews"],
    );
    assert_eq!(output.status.code(), Some(1));
    let err = stderr(&output);
    assert!(err.contains("edition `da` does not fit layout `a4-screen`"), "{err}");
    assert!(err.contains("mm taller than the page area"), "{err}");
    assert!(
        project.path().join("output/en/a4-screen.pdf").exists(),
        "the other edition was not built"
    );
    assert!(!project.path().join("output/da/a4-screen.pdf").exists());
}

#[test]
fn a_new_language_file_builds_with_defaults_and_a_warning() {
    let project = project_copy();
    let content = project.path().join("content");
    std::fs::copy(content.join("en.yaml"), content.join("eo.yaml")).unwrap();
    let out = tempfile::tempdir().unwrap();
    let output = build_args(project.path(), out.path(), &["--lang", "eo", "--layout", "a4-screen"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let err = stderr(&output);
    assert!(err.contains("edition `eo` has no entry under `editions`"), "{err}");
    // The stamp: the code from the file name, the base edition's date as the locale
    // writes it, the draft mark.
    let text = pdf_text(&out.path().join("eo/a4-screen.pdf"));
    let date = flyerpress::input::content::Date { year: 2026, month: 11, day: 27 };
    let date = flyerpress::input::locale::EditionLocale::parse("eo").unwrap().format_date(date);
    let stamp = format!("Version:EO-{date}·Draft");
    assert!(squeeze(&text).contains(&stamp), "`{stamp}` not in {text}");
}

#[test]
fn a_fact_changes_in_one_place_for_every_edition() {
    let project = project_copy();
    edit(
        &project.path().join("content/facts.yaml"),
        "status: { server: proprietary, client: open, encryption: open }\n      location: switzerland",
        "status: { server: proprietary, client: proprietary, encryption: open }\n      location: switzerland",
    );
    let session = flyerpress::Session::open(project.path(), Default::default()).unwrap();
    let layout = &session.project.layouts["a4-screen"].layout;
    let row = session.project.facts.sections["chat"].get_index_of("threema").unwrap();
    for lang in session.project.editions.keys() {
        let document = flyerpress::model::resolve::resolve(&session.project, lang, layout);
        let threema = &document.sections[0].rows[row];
        let client: Vec<_> = threema.iter().filter(|c| c.status.is_some()).collect();
        assert_eq!(client[1].status.as_deref(), Some("proprietary"), "{lang}");
    }
}

/// The Danish edition in every layout, built once.
fn danish_layouts() -> &'static Path {
    static OUT: OnceLock<tempfile::TempDir> = OnceLock::new();
    OUT.get_or_init(|| {
        let out = tempfile::tempdir().unwrap();
        let output = build_args(&repo(), out.path(), &["--lang", "da"]);
        assert!(output.status.success(), "build failed:\n{}", stderr(&output));
        out
    })
    .path()
}

/// A box of the first page in millimetres: [left, bottom, right, top].
fn page_box(document: &Document, name: &[u8]) -> Option<[f64; 4]> {
    page_box_of(document, 1, name)
}

/// A box of page `number` (from 1) in millimetres: [left, bottom, right, top].
fn page_box_of(document: &Document, number: u32, name: &[u8]) -> Option<[f64; 4]> {
    let pages = document.get_pages();
    let page = document.get_dictionary(pages[&number]).unwrap();
    let array = page.get(name).ok()?.as_array().unwrap();
    let mm: Vec<f64> =
        array.iter().map(|o| f64::from(o.as_float().unwrap()) * 25.4 / 72.0).collect();
    Some([mm[0], mm[1], mm[2], mm[3]])
}

fn assert_close(actual: [f64; 4], expected: [f64; 4], what: &str) {
    for (a, e) in actual.iter().zip(expected) {
        assert!((a - e).abs() < 0.05, "{what}: {actual:?} is not {expected:?}");
    }
}

/// Every content stream a page draws with: its contents and, recursively, the form
/// XObjects, patterns and annotation appearances its resources name.
fn content_operators(document: &Document) -> Vec<String> {
    fn walk(document: &Document, resources: &lopdf::Dictionary, out: &mut Vec<String>, depth: u32) {
        if depth > 16 {
            return;
        }
        for kind in [&b"XObject"[..], b"Pattern"] {
            let Ok(dict) = resources
                .get(kind)
                .and_then(|o| document.dereference(o))
                .and_then(|(_, o)| o.as_dict())
            else {
                continue;
            };
            for (_, object) in dict.iter() {
                let Ok((_, Object::Stream(stream))) = document.dereference(object) else {
                    continue;
                };
                if let Ok(content) = stream.decompressed_content() {
                    out.extend(
                        lopdf::content::Content::decode(&content).unwrap().operations.iter().map(
                            |op| {
                                let operands: Vec<String> =
                                    op.operands.iter().map(|o| format!("{o:?}")).collect();
                                format!("{} {}", operands.join(" "), op.operator)
                            },
                        ),
                    );
                }
                if let Ok(inner) = stream
                    .dict
                    .get(b"Resources")
                    .and_then(|o| document.dereference(o))
                    .and_then(|(_, o)| o.as_dict())
                {
                    walk(document, inner, out, depth + 1);
                }
            }
        }
    }
    let pages = document.get_pages();
    let id = pages[&1];
    let content = document.get_and_decode_page_content(id).unwrap();
    let mut out: Vec<String> = content
        .operations
        .iter()
        .map(|op| {
            let operands: Vec<String> = op.operands.iter().map(|o| format!("{o:?}")).collect();
            format!("{} {}", operands.join(" "), op.operator)
        })
        .collect();
    let (resources, _) = document.get_page_resources(id).unwrap();
    if let Some(resources) = resources {
        walk(document, resources, &mut out, 0);
    }
    out
}

/// The print layouts: PDF/X-4 with 3 mm bleed, and their page count.
const PRINT_LAYOUTS: [(&str, f64, f64, usize); 3] =
    [("a4-print", 297.0, 210.0, 1), ("a5-print", 210.0, 148.0, 1), ("a5-leaflet", 210.0, 148.0, 2)];

#[test]
fn print_editions_have_bleed_trim_and_bleed_boxes() {
    for (layout, width, height, pages) in PRINT_LAYOUTS {
        let document = Document::load(danish_layouts().join(format!("da/{layout}.pdf"))).unwrap();
        assert_eq!(document.get_pages().len(), pages, "{layout}");
        for page in 1..=pages as u32 {
            let what = |b: &str| format!("{layout} page {page} {b}");
            let media = page_box_of(&document, page, b"MediaBox").unwrap();
            assert_close(media, [0.0, 0.0, width + 6.0, height + 6.0], &what("MediaBox"));
            let trim = page_box_of(&document, page, b"TrimBox").expect("TrimBox");
            assert_close(trim, [3.0, 3.0, width + 3.0, height + 3.0], &what("TrimBox"));
            let bleed = page_box_of(&document, page, b"BleedBox").expect("BleedBox");
            assert_close(bleed, media, &what("BleedBox"));
        }
    }
    // The screen edition has no bleed and no trim box.
    let screen = Document::load(danish_layouts().join("da/a4-screen.pdf")).unwrap();
    assert!(page_box(&screen, b"TrimBox").is_none());
}

#[test]
fn print_editions_use_cmyk_only() {
    for (layout, ..) in PRINT_LAYOUTS {
        let document = Document::load(danish_layouts().join(format!("da/{layout}.pdf"))).unwrap();
        let operators = content_operators(&document);
        let named = |op: &str| operators.iter().filter(|o| o.ends_with(&format!(" {op}"))).count();
        assert_eq!(named("rg") + named("RG"), 0, "{layout}: RGB colour operators");
        assert!(named("k") > 10 && named("K") > 0, "{layout}: no CMYK colour operators");
        let spaces: Vec<&String> =
            operators.iter().filter(|o| o.ends_with(" cs") || o.ends_with(" CS")).collect();
        assert!(
            spaces.iter().all(|o| !o.contains("RGB")),
            "{layout}: RGB colour space: {spaces:?}"
        );
        // Black text is 100 % K.
        assert!(operators.iter().any(|o| o == "0 0 0 1 k"), "{layout}: no 100 % K fill");
        assert_eq!(named("g") + named("G"), 0, "{layout}: grey operators");
    }
    let screen = Document::load(danish_layouts().join("da/a4-screen.pdf")).unwrap();
    let operators = content_operators(&screen);
    assert!(
        operators.iter().any(|o| o.ends_with(" rg") || o.ends_with(" sc") || o.ends_with(" scn"))
    );
}

#[test]
fn every_output_embeds_its_fonts_and_carries_metadata() {
    for layout in
        ["a4-screen", "a4-print", "a5-print", "a5-leaflet", "a5-leaflet-home", "a1-poster"]
    {
        let path = danish_layouts().join(format!("da/{layout}.pdf"));
        let document = Document::load(&path).unwrap();
        assert_fonts_embedded(&document, layout);
        let info_ref = document.trailer.get(b"Info").unwrap().as_reference().unwrap();
        let info = document.get_dictionary(info_ref).unwrap();
        for key in ["Title", "Subject", "Author", "Keywords", "CreationDate"] {
            assert!(info.get(key.as_bytes()).is_ok(), "{layout}: no {key}");
        }
        let date = info.get(b"CreationDate").unwrap().as_str().unwrap();
        assert!(
            date.starts_with(b"D:20260201"),
            "{layout}: date {}",
            String::from_utf8_lossy(date)
        );
        assert_eq!(document.catalog().unwrap().get(b"Lang").unwrap().as_str().unwrap(), b"da");
    }
}

#[test]
fn the_home_sheet_backs_each_copy_at_actual_size_after_the_flip() {
    let path = danish_layouts().join("da/a5-leaflet-home.pdf");
    let document = Document::load(&path).unwrap();
    assert_eq!(document.get_pages().len(), 2, "front and back");
    for page in [1, 2] {
        let media = page_box_of(&document, page, b"MediaBox").unwrap();
        assert_close(media, [0.0, 0.0, 210.0, 297.0], "sheet");
    }
    let text = squeeze(&pdf_text(&path));
    let title = squeeze("Hurtig oversigt over messengersystemer");
    assert_eq!(text.matches(&title).count(), 4, "the title is not on each copy of each side");

    // The copies as laid out: two per side, at actual size, A5 each; turned over the
    // long edge (x mirrored on the portrait sheet), each back covers its front.
    let session = flyerpress::Session::open(&repo(), Default::default()).unwrap();
    let layout = &session.project.layouts["a5-leaflet-home"].layout;
    assert_eq!(layout.sheet.as_ref().unwrap().flip, flyerpress::input::layout::Flip::LongEdge);
    let typeset = session.typeset("da", "a5-leaflet-home").unwrap();
    let copies = flyerpress::typeset::inspect::clipped_boxes(&typeset.paged);
    let side = |page: usize| -> Vec<[f64; 4]> {
        let mut rects: Vec<[f64; 4]> = copies
            .iter()
            .filter(|c| c.page == page && (c.rect_mm[2] - 210.0).abs() < 0.1)
            .inspect(|c| assert!((c.scale - 1.0).abs() < 1e-9, "scaled copy {c:?}"))
            .map(|c| c.rect_mm)
            .collect();
        rects.sort_by(|a, b| a[1].total_cmp(&b[1]));
        rects
    };
    let (front, back) = (side(0), side(1));
    assert_eq!(front.len(), 2, "{copies:?}");
    assert_eq!(back.len(), 2, "{copies:?}");
    for (f, b) in front.iter().zip(&back) {
        assert!((f[3] - 148.0).abs() < 0.1, "copy height {}", f[3]);
        let turned = [210.0 - f[0] - f[2], f[1], f[2], f[3]];
        for (t, b) in turned.iter().zip(b) {
            assert!((t - b).abs() < 0.5, "back {b:?} does not cover front {f:?}");
        }
    }
    // One cut through the middle gives two leaflets alike: each copy sits centred in
    // its half of the sheet.
    for (copy, half) in front.iter().zip([0.0, 148.5]) {
        let (above, below) = (copy[1] - half, half + 148.5 - copy[1] - copy[3]);
        assert!((above - below).abs() < 1e-6 && above >= 0.0, "{copy:?} in its half");
    }
    // The copies are the print leaflet's pages at actual size: same body size.
    let print = session.typeset("da", "a5-leaflet").unwrap();
    assert_eq!(print.fit.unwrap().body_size_pt, typeset.fit.unwrap().body_size_pt);
    // The PDF asks viewers to print it at 100 % and duplex, turning over the long edge.
    let catalog = document.catalog().unwrap();
    let preferences = catalog.get(b"ViewerPreferences").unwrap();
    let preferences = document.dereference(preferences).unwrap().1.as_dict().unwrap();
    assert_eq!(preferences.get(b"PrintScaling").unwrap().as_name().unwrap(), b"None");
    assert_eq!(preferences.get(b"Duplex").unwrap().as_name().unwrap(), b"DuplexFlipLongEdge");
}

#[test]
fn home_sheet_colours_stay_apart_in_grey() {
    let session = flyerpress::Session::open(&repo(), Default::default()).unwrap();
    let palette = &session.project.palettes["overview"].palette;
    let open = palette.status["open"].rgb.luminance();
    let proprietary = palette.status["proprietary"].rgb.luminance();
    assert!(
        (open - proprietary).abs() > 0.25,
        "open {open:.2} and proprietary {proprietary:.2} look alike in grey"
    );
    for (role, swatch) in palette.swatches() {
        assert!(swatch.ink() < 330.0, "{role}: {} % ink", swatch.ink());
    }
}

#[test]
fn qpdf_finds_no_errors_in_any_output() {
    let Ok(version) = Command::new("qpdf").arg("--version").output() else {
        assert!(std::env::var_os("FLYERPRESS_REQUIRE_TOOLS").is_none(), "qpdf is required here");
        eprintln!("SKIPPED: qpdf is not installed (.ci/run installs it)");
        return;
    };
    assert!(version.status.success());
    for entry in std::fs::read_dir(danish_layouts().join("da")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "pdf") {
            continue;
        }
        let output = Command::new("qpdf").arg("--check").arg(&path).output().unwrap();
        let report = String::from_utf8_lossy(&output.stdout);
        assert!(output.status.success(), "{}: {report}", path.display());
        assert!(
            report.contains("No syntax or stream encoding errors"),
            "{}: {report}",
            path.display()
        );
    }
}

fn png_dimensions(path: &Path) -> (u32, u32) {
    let pixmap = resvg::tiny_skia::Pixmap::load_png(path).unwrap();
    (pixmap.width(), pixmap.height())
}

#[test]
fn poster_svgs_are_self_contained_titled_and_match_the_png() {
    for layout in ["a1-poster", "a2-poster"] {
        let path = danish_layouts().join(format!("da/{layout}.svg"));
        let svg = std::fs::read_to_string(&path).unwrap();
        let tree = resvg::usvg::Tree::from_str(&svg, &resvg::usvg::Options::default()).unwrap();
        // Title and language on the root element.
        let xml = roxmltree::Document::parse(&svg).unwrap();
        let root = xml.root_element();
        assert_eq!(root.attribute(("http://www.w3.org/XML/1998/namespace", "lang")), Some("da"));
        let title = root.children().find(|n| n.has_tag_name("title")).expect("<title>");
        assert_eq!(title.text(), Some("Hurtig oversigt over messengersystemer"));
        // Nothing outside the file: every resource is internal or embedded (links are
        // links, not resources).
        for node in xml.descendants().filter(|n| !n.has_tag_name("a")) {
            for attribute in node.attributes().filter(|a| a.name() == "href") {
                let value = attribute.value();
                assert!(
                    value.starts_with('#') || value.starts_with("data:"),
                    "{layout}: external {value}"
                );
            }
        }
        assert!(!svg.contains("@font-face") && !svg.contains("<text"), "{layout}: SVG needs fonts");

        // Rendered to pixels, it matches the thumbnail made from the same document.
        let thumbnail = resvg::tiny_skia::Pixmap::load_png(
            danish_layouts().join(format!("da/{layout}.thumb.png")),
        )
        .unwrap();
        let scale = thumbnail.width() as f32 / tree.size().width();
        let mut rendered =
            resvg::tiny_skia::Pixmap::new(thumbnail.width(), thumbnail.height()).unwrap();
        rendered.fill(resvg::tiny_skia::Color::WHITE);
        resvg::render(
            &tree,
            resvg::tiny_skia::Transform::from_scale(scale, scale),
            &mut rendered.as_mut(),
        );
        let (a, b) = (rendered.data(), thumbnail.data());
        assert_eq!(a.len(), b.len());
        let differences: Vec<u8> = a.iter().zip(b).map(|(x, y)| x.abs_diff(*y)).collect();
        let mean =
            differences.iter().map(|&d| f64::from(d)).sum::<f64>() / differences.len() as f64;
        let far = differences.iter().filter(|&&d| d > 96).count() as f64 / differences.len() as f64;
        assert!(
            mean < 4.0 && far < 0.01,
            "{layout}: SVG and PNG differ (mean {mean:.2}, far {far:.4})"
        );
    }
}

#[test]
fn posters_are_sized_for_distance() {
    let session = flyerpress::Session::open(&repo(), Default::default()).unwrap();
    for (layout, minimum) in [("a1-poster", 20.0), ("a2-poster", 20.0 * 420.0 / 594.0)] {
        let typeset = session.typeset("de", layout).unwrap();
        let runs = flyerpress::typeset::inspect::text_runs(&typeset.paged);
        let body = runs.iter().find(|r| r.text.contains("Conversations")).unwrap();
        assert!(body.size_pt >= minimum - 0.05, "{layout}: body text {} pt", body.size_pt);
        let text: String = runs.iter().map(|r| r.text.as_str()).collect();
        for needle in ["CC BY-SA 4.0", "DE - 27.11.2026", "www.freie-messenger.de"] {
            assert!(text.contains(needle), "{layout}: no `{needle}`");
        }
    }
}

#[test]
fn every_output_has_previews_of_the_stated_sizes() {
    let session = flyerpress::Session::open(&repo(), Default::default()).unwrap();
    for (name, file) in &session.project.layouts {
        let layout = &file.layout;
        let (width_mm, height_mm) = match &layout.sheet {
            Some(sheet) => sheet.size_mm(),
            None => layout.page.size_mm(),
        };
        // Pages side by side, with a gap of 4 % of a page's width between them, at
        // 150 dpi or at most 4 megapixels.
        let pages = layout.sides.len() as u32;
        let full = png_dimensions(&danish_layouts().join(format!("da/{name}.png")));
        let span_mm = width_mm * (f64::from(pages) + 0.04 * f64::from(pages - 1));
        let dpi = 150f64.min((4e6 / (span_mm * height_mm)).sqrt() * 25.4);
        let expected = |mm: f64| (mm / 25.4 * dpi).round() as u32;
        let page_px = expected(width_mm);
        let gap = (f64::from(page_px) * 0.04).round() as u32;
        let width = pages * page_px + (pages - 1) * gap;
        assert!(
            full.0.abs_diff(width) <= 1 && full.1.abs_diff(expected(height_mm)) <= 1,
            "{name}: full preview {full:?}, expected {:?}",
            (width, expected(height_mm))
        );
        assert!(f64::from(full.0) * f64::from(full.1) <= 4.01e6, "{name}: {full:?}");
        let thumb = png_dimensions(&danish_layouts().join(format!("da/{name}.thumb.png")));
        assert!(thumb.0.abs_diff(400) <= 1, "{name}: thumbnail width {}", thumb.0);
        // The thumbnail shows the first page (the front) alone.
        let ratio = f64::from(thumb.1) / f64::from(thumb.0);
        let expected_ratio = height_mm / width_mm;
        assert!((ratio - expected_ratio).abs() < 0.01, "{name}: thumbnail ratio {ratio}");
    }
}

/// The gallery, written from the manifest: in English and saying so, an index with
/// the reviewed editions and the base first, layouts grouped by purpose with plain
/// names, page counts and sizes as built, drafts folded and plainly marked, the
/// version stamp as the flyers print it, and every link working.
#[test]
fn the_gallery_indexes_the_editions_and_groups_layouts_by_purpose() {
    let project = project_copy();
    let out = tempfile::tempdir().unwrap();
    let built = ["--lang", "da,ar,en", "--layout", "a4-screen,a5-leaflet,a4-print"];
    let output = build_args(project.path(), out.path(), &built);
    assert!(output.status.success(), "{}", stderr(&output));
    let html = std::fs::read_to_string(out.path().join("index.html")).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>\n<html lang=\"en\">"));
    assert!(html.contains("This page is in English"), "the page does not say its language");
    assert!(!html.contains("<script"), "the gallery needs no JavaScript");
    let document = roxmltree::Document::parse_with_options(
        &html,
        roxmltree::ParsingOptions { allow_dtd: true, ..Default::default() },
    )
    .expect("the gallery is well-formed");
    let text = |node: roxmltree::Node| -> String {
        node.descendants().filter(|n| n.is_text()).filter_map(|n| n.text()).collect::<String>()
    };
    let session = flyerpress::Session::open(project.path(), Default::default()).unwrap();

    // The index: the reviewed edition, then the base, then the drafts by code.
    let nav = document.descendants().find(|n| n.has_tag_name("nav")).unwrap();
    let order: Vec<&str> = nav
        .descendants()
        .filter(|n| n.has_tag_name("a"))
        .map(|a| a.attribute("href").unwrap())
        .collect();
    assert_eq!(order, ["#da-files", "#de-files", "#ar-files", "#en-files", "#zh-files"]);
    let arabic = nav.descendants().find(|n| n.attribute("lang") == Some("ar")).unwrap();
    assert_eq!((arabic.attribute("dir"), arabic.text()), (Some("rtl"), Some("العربية")));

    // One card per edition x layout offered; built ones with a thumbnail, page count
    // and size; the rest say they were not built.
    let cards: Vec<roxmltree::Node> = document
        .descendants()
        .filter(|n| n.has_tag_name("li") && n.parent().unwrap().attribute("class") == Some("cards"))
        .collect();
    assert_eq!(cards.len(), offered_jobs(&session.project).len());
    let card = |lang: &str, layout: &str| {
        let section = document.descendants().find(|n| n.attribute("id") == Some(lang)).unwrap();
        section
            .descendants()
            .find(|n| n.has_tag_name("li") && text(*n).trim_end().ends_with(layout))
            .map(text)
            .unwrap_or_else(|| panic!("no card for {lang} {layout}"))
    };
    let leaflet = card("da", "a5-leaflet");
    assert!(leaflet.contains("A5 leaflet, two\u{2011}sided"), "{leaflet}");
    assert!(leaflet.contains("PDF 2 pages, "), "{leaflet}");
    let size = std::fs::metadata(out.path().join("da/a5-leaflet.pdf")).unwrap().len();
    assert!(leaflet.contains(&format!("{} kB", size.div_ceil(1000))), "{leaflet}");
    assert!(leaflet.contains("recommended"), "{leaflet}");
    assert!(card("de", "a5-leaflet").contains("not built"));
    let thumbnails = document.descendants().filter(|n| n.has_tag_name("img")).count();
    assert_eq!(thumbnails, 9, "three editions in three layouts");

    // Layouts grouped by purpose, in the order people look for them.
    let da = document.descendants().find(|n| n.attribute("id") == Some("da")).unwrap();
    let groups: Vec<String> = da.descendants().filter(|n| n.has_tag_name("h3")).map(text).collect();
    assert_eq!(groups, ["Share online", "Send to a print shop", "Print at home", "Posters"]);

    // Drafts fold and say so; the reviewed edition and the base are open.
    let details = |lang: &str| {
        let section = document.descendants().find(|n| n.attribute("id") == Some(lang)).unwrap();
        section.descendants().find(|n| n.has_tag_name("details")).unwrap()
    };
    assert!(details("da").attribute("open").is_some() && details("de").attribute("open").is_some());
    assert!(details("en").attribute("open").is_none());
    let section = |lang: &str| {
        text(document.descendants().find(|n| n.attribute("id") == Some(lang)).unwrap())
    };
    assert!(section("en").contains("Draft: not yet reviewed by a speaker"));
    assert!(section("de").contains("The original text"));

    // The version stamp as the flyer prints it.
    let stamp = "Version: DK - 01.02.2026";
    assert!(section("da").contains(stamp));
    assert!(squeeze(&pdf_text(&out.path().join("da/a4-screen.pdf"))).contains(&squeeze(stamp)));

    // Every link and image points at a file of the build.
    let mut links = 0;
    for node in document.descendants() {
        for attribute in ["href", "src"] {
            if let Some(target) = node.attribute(attribute).filter(|t| !t.starts_with('#')) {
                let path = target.split('?').next().unwrap();
                assert!(out.path().join(path).is_file(), "broken link {target}");
                links += 1;
            }
        }
    }
    assert_eq!(links, 9 * 4, "thumbnail, preview, PDF and PNG of nine jobs");
}

/// Every file under a folder, by relative path, with its bytes.
fn tree(dir: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    let mut files = std::collections::BTreeMap::new();
    let mut folders = vec![dir.to_path_buf()];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                folders.push(path);
            } else {
                let relative = path.strip_prefix(dir).unwrap().to_string_lossy().into_owned();
                files.insert(relative, std::fs::read(&path).unwrap());
            }
        }
    }
    files
}

/// A build shared by three machines gives exactly the files, manifest and gallery of
/// one build: three shards into one folder one after another, or each into a folder
/// of its own and then combined.
#[test]
fn three_shards_make_the_same_build_as_one() {
    let project = project_copy();
    let dir = project.path();
    let selection = ["--layout", "a4-screen,a5-leaflet"];
    let whole = tempfile::tempdir().unwrap();
    let output = build_args(dir, whole.path(), &selection);
    assert!(output.status.success(), "{}", stderr(&output));
    let jobs = count(&stderr(&output), "built ");
    assert_eq!(jobs, 10);

    let shared = tempfile::tempdir().unwrap();
    let parts: Vec<tempfile::TempDir> = (0..3).map(|_| tempfile::tempdir().unwrap()).collect();
    let mut built = Vec::new();
    for (k, part) in parts.iter().enumerate() {
        let shard = format!("{}/3", k + 1);
        for out in [shared.path(), part.path()] {
            let output = build_args(dir, out, &[&selection[..], &["--shard", &shard]].concat());
            assert!(output.status.success(), "{}", stderr(&output));
            let err = stderr(&output);
            if out == part.path() {
                built.extend(
                    err.lines()
                        .filter(|l| l.starts_with("built "))
                        .map(|l| l.split(':').next().unwrap().to_owned()),
                );
            }
        }
    }
    built.sort();
    built.dedup();
    assert_eq!(built.len(), jobs, "the shards build every job once: {built:?}");

    let combined = tempfile::tempdir().unwrap();
    let mut args = vec!["combine", "--project", dir.to_str().unwrap(), "--out"];
    args.push(combined.path().to_str().unwrap());
    args.extend(parts.iter().map(|p| p.path().to_str().unwrap()));
    let output = flyerpress(&args);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(stderr(&output).contains("combined 10 jobs from 3 parts"), "{}", stderr(&output));

    let expected = tree(whole.path());
    assert!(expected.contains_key("index.html") && expected.contains_key("manifest.json"));
    for (how, got) in [("one folder", tree(shared.path())), ("combined", tree(combined.path()))] {
        let names: Vec<&String> = got.keys().collect();
        assert_eq!(names, expected.keys().collect::<Vec<_>>(), "{how}");
        for (name, bytes) in &got {
            assert!(*bytes == expected[name], "{how}: {name} differs from one build's");
        }
    }
}

/// The stages of a job's `--timings` line that laid the document out, with how many
/// layouts each ran: `(measure 60 [1], size 180 [3], layout 50 [1], pdf 12, ...)`.
fn stage_layouts(line: &str) -> Vec<(String, u32)> {
    let stages = line.rsplit_once(" (").map_or("", |(_, s)| s.trim_end_matches(')'));
    stages
        .split(", ")
        .filter_map(|stage| {
            let (name, rest) = stage.split_once(' ')?;
            let n = rest.split_once(" [")?.1.trim_end_matches(']').parse().ok()?;
            Some((name.to_owned(), n))
        })
        .collect()
}

/// The layouts of each stage of one job (`da / a4-screen`), from `--timings` output.
fn job_layouts(err: &str, job: &str) -> Vec<(String, u32)> {
    let line = err.lines().find(|l| l.starts_with(&format!("built {job}:")));
    stage_layouts(line.unwrap_or_else(|| panic!("no `built {job}:` line in:\n{err}")))
}

/// Builds the `da` edition in `layouts` without the lock (every job decides), one job
/// at a time (the larger paper first), with `--timings`: the outputs and stderr.
fn build_da_deciding(dir: &Path, layouts: &str) -> (tempfile::TempDir, String) {
    let out = tempfile::tempdir().unwrap();
    let _ = std::fs::remove_file(dir.join("flyerpress.lock"));
    let only = ["--lang", "da", "--layout", layouts, "--timings", "--no-previews", "-j", "1"];
    let output = build_args(dir, out.path(), &only);
    assert!(output.status.success(), "{}", stderr(&output));
    (out, stderr(&output))
}

fn count(err: &str, word: &str) -> usize {
    err.lines().filter(|l| l.starts_with(word)).count()
}

#[test]
fn rebuilds_only_what_changed_and_notices_edited_outputs() {
    let project = project_copy();
    let out = tempfile::tempdir().unwrap();
    let (dir, out_dir) = (project.path(), out.path());
    let only = ["--lang", "da,en", "--layout", "a4-screen,a5-print"];
    let first = build_args(dir, out_dir, &only);
    assert!(first.status.success(), "{}", stderr(&first));
    assert_eq!(count(&stderr(&first), "built "), 4);
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out_dir.join("manifest.json")).unwrap()).unwrap();
    let record = &manifest["jobs"]["da/a4-screen"]["outputs"]["da/a4-screen.pdf"];
    assert_eq!(
        record["size"].as_u64().unwrap(),
        std::fs::metadata(out_dir.join("da/a4-screen.pdf")).unwrap().len()
    );
    assert_eq!(record["sha256"].as_str().unwrap().len(), 64);

    let again = stderr(&build_args(dir, out_dir, &only));
    assert_eq!((count(&again, "built "), count(&again, "skipped ")), (0, 4), "{again}");

    // One edition's text changes: only its jobs are rebuilt, each in a few layouts:
    // two to measure the table's headings and body cells (the second job takes the
    // first's body cells, as its headings' small size differs), a few to find the size
    // (starting from the size the lock has), one for the pages (two where the row
    // padding is tried again).
    edit(&dir.join("content/da.yaml"), "title: Hurtig oversigt", "title: Hurtigt overblik");
    let changed = stderr(&build_args(dir, out_dir, &[&only[..], &["--timings"]].concat()));
    assert_eq!(count(&changed, "built da / "), 2, "{changed}");
    assert_eq!(count(&changed, "skipped en / "), 2, "{changed}");
    for line in changed.lines().filter(|l| l.starts_with("built ")) {
        let layouts = stage_layouts(line);
        let most = [("measure", 2), ("size", 4), ("layout", 2)];
        assert_eq!(layouts.len(), most.len(), "{line}");
        for ((stage, n), (expected, at_most)) in layouts.iter().zip(most) {
            assert!(stage == expected && *n >= 1 && *n <= at_most, "{stage} [{n}]: {line}");
        }
    }
    let measures: Vec<u32> = changed
        .lines()
        .filter(|l| l.starts_with("built "))
        .map(|l| stage_layouts(l)[0].1)
        .collect();
    assert_eq!(measures.iter().sum::<u32>(), 3, "{changed}");

    // An output deleted or edited by hand is noticed and rebuilt.
    std::fs::remove_file(out_dir.join("en/a5-print.thumb.png")).unwrap();
    let pdf = out_dir.join("en/a4-screen.pdf");
    let mut bytes = std::fs::read(&pdf).unwrap();
    let last = bytes.len() - 1;
    bytes[last] ^= 1;
    std::fs::write(&pdf, bytes).unwrap();
    let repaired = stderr(&build_args(dir, out_dir, &only));
    assert_eq!(count(&repaired, "built en / "), 2, "{repaired}");
    assert!(out_dir.join("en/a5-print.thumb.png").exists());

    let forced =
        stderr(&build_args(dir, out_dir, &[&only[..], &["--force", "--jobs", "1"]].concat()));
    assert_eq!(count(&forced, "built "), 4, "{forced}");
}

/// A build records each job's typesetting decisions in `flyerpress.lock`. A build with
/// them lays each unchanged job out once and writes the same bytes as one that
/// decided afresh; an edited edition decides afresh; decisions whose pages do not fit
/// are not used; a broken lock is reported with its line.
#[test]
fn the_lock_lays_unchanged_jobs_out_once_with_the_same_bytes() {
    let project = project_copy();
    let dir = project.path();
    let lock_path = dir.join("flyerpress.lock");
    let only = ["--lang", "da,en", "--layout", "a4-screen,a5-leaflet", "--timings"];
    let build = |extra: &[&str]| {
        let out = tempfile::tempdir().unwrap();
        let output = build_args(dir, out.path(), &[&only[..], extra].concat());
        assert!(output.status.success(), "{}", stderr(&output));
        (out, stderr(&output))
    };
    let stages_of = |err: &str, job: &str| -> Vec<String> {
        job_layouts(err, job).into_iter().map(|(stage, n)| format!("{stage} [{n}]")).collect()
    };
    let (first, err) = build(&[]);
    // The leaflet runs first and measures its headings and its body cells; the A4 page
    // measures them alike (the same words at the same small size) and takes that.
    assert_eq!(stages_of(&err, "da / a5-leaflet")[0], "measure [2]", "{err}");
    assert_eq!(stages_of(&err, "da / a4-screen")[0], "measure [0]", "{err}");
    let lock_text = std::fs::read_to_string(&lock_path).unwrap();
    let lock: serde_json::Value = serde_json::from_str(&lock_text).unwrap();
    let jobs = lock["jobs"].as_object().unwrap();
    let keys: Vec<&String> = jobs.keys().collect();
    assert_eq!(keys, ["da/a4-screen", "da/a5-leaflet", "en/a4-screen", "en/a5-leaflet"]);
    assert_eq!(lock_text.lines().count(), 9, "one job a line:\n{lock_text}");

    // With the lock: one layout a job, the very same files, the lock as it was.
    let (second, err) = build(&[]);
    for job in ["da / a4-screen", "da / a5-leaflet", "en / a4-screen", "en / a5-leaflet"] {
        assert_eq!(stages_of(&err, job), ["layout [1]"], "{err}");
    }
    assert!(tree(first.path()) == tree(second.path()), "a build with the lock wrote other bytes");
    assert_eq!(std::fs::read_to_string(&lock_path).unwrap(), lock_text);
    // A lock deleted while the outputs are current is written again from the manifest.
    std::fs::remove_file(&lock_path).unwrap();
    let output = build_args(dir, second.path(), &only);
    assert_eq!(count(&stderr(&output), "skipped "), 4, "{}", stderr(&output));
    assert_eq!(std::fs::read_to_string(&lock_path).unwrap(), lock_text);

    // An edited edition decides afresh, its size search starting at the size it had
    // (a fitting size and one 0.1 pt larger at most); the other keeps its decisions.
    edit(&dir.join("content/da.yaml"), "title: Hurtig oversigt", "title: Hurtigt overblik");
    let (_, err) = build(&[]);
    for job in ["da / a4-screen", "da / a5-leaflet"] {
        let stages = stages_of(&err, job);
        let measured = if job == "da / a5-leaflet" { "measure [2]" } else { "measure [0]" };
        assert_eq!(stages[0], measured, "{err}");
        assert!(stages[1] == "size [1]" || stages[1] == "size [2]", "{job}: {stages:?}");
    }
    assert_eq!(stages_of(&err, "en / a4-screen"), ["layout [1]"], "{err}");
    let edited = std::fs::read_to_string(&lock_path).unwrap();
    let changed: Vec<&str> = edited.lines().filter(|l| !lock_text.contains(l)).collect();
    assert_eq!(changed.len(), 2, "only da's lines change: {changed:#?}");
    assert!(changed.iter().all(|l| l.trim_start().starts_with("\"da/")), "{changed:#?}");

    // Decisions that no longer fit the page (a size too large) are not used.
    let mut lock: serde_json::Value = serde_json::from_str(&edited).unwrap();
    lock["jobs"]["en/a4-screen"]["fit"]["body_size"] = serde_json::json!(30.0);
    std::fs::write(&lock_path, serde_json::to_vec(&lock).unwrap()).unwrap();
    let (tampered, err) = build(&[]);
    assert_eq!(stages_of(&err, "en / a4-screen")[..2], ["lock [1]", "measure [2]"], "{err}");
    let pdf = |out: &Path| std::fs::read(out.join("en/a4-screen.pdf")).unwrap();
    assert!(pdf(tampered.path()) == pdf(first.path()), "decided afresh, the page is the same");

    // A broken lock stops the build before any job, naming the file and line.
    std::fs::write(&lock_path, "{\n  \"jobs\": {\n    \"da/a4-screen\": [\n").unwrap();
    let out = tempfile::tempdir().unwrap();
    let output = build_args(dir, out.path(), &only);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    let err = stderr(&output);
    assert!(err.contains("flyerpress.lock:4:"), "{err}");
    assert!(err.contains("delete it"), "{err}");
}

/// Two layouts of an edition that differ only in colour, bleed and links (a screen
/// and a print file of one paper size) measure and probe alike: the second takes the
/// first's measure and size search, and still writes byte for byte what it writes
/// built alone.
#[test]
fn layouts_that_differ_only_in_colour_share_the_size_search() {
    let project = project_copy();
    let dir = project.path();
    let build = |layouts: &str| build_da_deciding(dir, layouts);
    let layouts_of = job_layouts;
    let (both, err) = build("a4-print,a4-screen");
    // Ties run in the order of the layouts' names: the print file first.
    let print = layouts_of(&err, "da / a4-print");
    assert_eq!(print[..2], [("measure".into(), 2), ("size".into(), print[1].1)], "{err}");
    assert!(print[1].1 >= 2, "{err}");
    let screen = layouts_of(&err, "da / a4-screen");
    assert_eq!(screen[..2], [("measure".into(), 0), ("size".into(), 0)], "{err}");

    let (alone, err) = build("a4-screen");
    let screen = layouts_of(&err, "da / a4-screen");
    assert_eq!(screen[..2], [("measure".into(), 2), ("size".into(), print[1].1)], "{err}");
    let pdf = |out: &Path| std::fs::read(out.join("da/a4-screen.pdf")).unwrap();
    assert!(pdf(both.path()) == pdf(alone.path()), "a shared search gave another page");
}

/// Each layout's size search is seeded by the size of its reference layout (of the
/// same template and sides, the widest, where wider than the layout): the A2 poster
/// and the one-sided print files by the A1 poster; the two leaflets, as wide as each
/// other, by none.
#[test]
fn the_widest_layout_of_a_template_and_sides_is_the_reference() {
    let session = flyerpress::Session::open(&repo(), Default::default()).unwrap();
    let reference = |layout| session.reference_layout("da", layout);
    for layout in ["a2-poster", "a4-print", "a4-screen", "a5-print"] {
        assert_eq!(reference(layout), Some("a1-poster"), "{layout}");
    }
    for layout in ["a1-poster", "a5-leaflet", "a5-leaflet-home", "no-such-layout"] {
        assert_eq!(reference(layout), None, "{layout}");
    }
}

/// A job that decides its size starts the search at its reference layout's size,
/// scaled: next to the answer, so it takes fewer tries than the reference. Built
/// without the reference, the job runs the reference's search itself, and writes
/// the same page: what a job writes never depends on which other jobs a build has.
#[test]
fn the_size_search_starts_at_the_reference_layouts_size() {
    let project = project_copy();
    let dir = project.path();
    let build = |layouts: &str| build_da_deciding(dir, layouts);
    let layouts_of = |err: &str, job: &str, stages: &[&str]| -> u32 {
        let laid = job_layouts(err, job);
        laid.iter().filter(|(stage, _)| stages.contains(&stage.as_str())).map(|(_, n)| n).sum()
    };
    let (both, err) = build("a1-poster,a2-poster");
    let poster = layouts_of(&err, "da / a1-poster", &["size"]);
    let seeded = layouts_of(&err, "da / a2-poster", &["size"]);
    assert!(seeded <= 2 && seeded < poster, "A1 {poster} tries, A2 {seeded}:\n{err}");
    let deciding = ["measure", "size"];
    let together = layouts_of(&err, "da / a1-poster", &deciding)
        + layouts_of(&err, "da / a2-poster", &deciding);

    // Alone, the A2 poster measures and searches for the A1 poster too, as many
    // layouts as the two took together.
    let (alone, err) = build("a2-poster");
    assert_eq!(layouts_of(&err, "da / a2-poster", &deciding), together, "{err}");
    let pdf = |out: &Path| std::fs::read(out.join("da/a2-poster.pdf")).unwrap();
    assert!(pdf(both.path()) == pdf(alone.path()), "the seed changed the page");
}

/// The two leaflets differ only in what the probes do not show (the sheet, bleed):
/// the second takes the first's search and its row padding, and lays its pages out
/// once, where the first needed two layouts to fill them; built alone it needs the
/// same two, and writes the same bytes.
#[test]
fn layouts_that_differ_only_in_the_sheet_share_the_row_padding() {
    let project = project_copy();
    let dir = project.path();
    let build = |layouts: &str| build_da_deciding(dir, layouts);
    let laid_out = |err: &str, job: &str| -> u32 {
        job_layouts(err, job).into_iter().find(|(stage, _)| stage == "layout").unwrap().1
    };
    // The sheet is the larger paper: its job runs first.
    let (both, err) = build("a5-leaflet,a5-leaflet-home");
    assert_eq!(laid_out(&err, "da / a5-leaflet-home"), 2, "{err}");
    assert_eq!(laid_out(&err, "da / a5-leaflet"), 1, "{err}");

    let (alone, err) = build("a5-leaflet");
    assert_eq!(laid_out(&err, "da / a5-leaflet"), 2, "{err}");
    let pdf = |out: &Path| std::fs::read(out.join("da/a5-leaflet.pdf")).unwrap();
    assert!(pdf(both.path()) == pdf(alone.path()), "a shared padding gave another page");
}

#[test]
fn an_ejected_project_compiles_to_the_same_page() {
    let project = project_copy();
    let dir = tempfile::tempdir().unwrap();
    let output = flyerpress(&[
        "eject",
        "--project",
        project.path().to_str().unwrap(),
        "--lang",
        "ar",
        "--layout",
        "a4-screen",
        dir.path().to_str().unwrap(),
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let readme = std::fs::read_to_string(dir.path().join("README.md")).unwrap();
    assert!(readme.contains("typst compile") && readme.contains("--font-path"), "{readme}");
    // Typeset the ejected files alone (templates and document.json from the folder).
    let session = flyerpress::Session::open(project.path(), Default::default()).unwrap();
    let templates = flyerpress::input::templates::Templates::load(dir.path(), dir.path()).unwrap();
    let model = std::fs::read(dir.path().join("document.json")).unwrap();
    let date = flyerpress::input::content::Date { year: 2026, month: 11, day: 27 };
    let job = session.typesetter.job(&templates, "overview.typ", model, date).unwrap();
    let (ejected, _) = job.compile().unwrap();
    let original = session.typeset("ar", "a4-screen").unwrap();
    let size = format!("\"body_size\": {}", original.fit.unwrap().body_size_pt);
    assert!(readme.contains(&size), "the README names the chosen size ({size}): {readme}");
    let render =
        |d: &typst_layout::PagedDocument| flyerpress::output::export::previews(d).ok().unwrap().1;
    assert_eq!(render(&ejected), render(&original.paged), "the ejected page differs");
}

/// Every edition x layout the project builds (a layout may leave editions out).
fn offered_jobs(project: &flyerpress::input::project::Project) -> Vec<(&String, &String)> {
    project
        .editions
        .keys()
        .flat_map(|lang| project.layouts.keys().map(move |layout| (lang, layout)))
        .filter(|(lang, layout)| project.offers(layout, lang))
        .collect()
}

/// An ejected document carries the size flyerpress chose; without it (after an edit)
/// the template searches the size itself, with the column widths flyerpress solved
/// for every size. Its tries are aimed otherwise (a power law, not flyerpress's
/// model), but on unedited documents the fallback finds the same size.
#[test]
fn the_template_search_chooses_the_size_flyerpress_chooses() {
    use rayon::prelude::*;
    let fixture = project_copy();
    let session = flyerpress::Session::open(fixture.path(), Default::default()).unwrap();
    let project = &session.project;
    let jobs: Vec<(&String, &String)> = offered_jobs(project)
        .into_iter()
        .filter(|(lang, layout)| {
            matches!(
                (lang.as_str(), layout.as_str()),
                ("da", "a4-screen")
                    | ("de", "a5-leaflet")
                    | ("ar", "a1-poster")
                    | ("zh", "a5-print")
            )
        })
        .collect();
    assert_eq!(jobs.len(), 4);
    let disagreements: Vec<String> = jobs
        .par_iter()
        .filter_map(|&(lang, layout)| {
            let typeset = session.typeset(lang, layout).unwrap();
            let ours = typeset.fit.unwrap();
            let definition = &project.layouts[layout].layout;
            // The model as flyerpress laid it out (with the measured columns), without
            // the size it chose: the template searches it.
            let mut model = typeset.model_for_search();
            model.style.fit = None;
            let json = serde_json::to_vec(&model).unwrap();
            let job = session
                .typesetter
                .job(&project.templates, &definition.template, json, model.meta.date)
                .unwrap();
            let (paged, _) = job.compile().unwrap();
            let template =
                flyerpress::typeset::inspect::fit(&paged).expect("the template records its fit");
            (template != ours)
                .then(|| format!("{lang}/{layout}: template {template:?}, ours {ours:?}"))
        })
        .collect();
    assert!(disagreements.is_empty(), "{disagreements:#?}");
}

/// A case of `tests/fixtures/errors/<name>/case.yaml`: what to break in a copy of the
/// project, the command to run, and what the user must be told.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct ErrorCase {
    command: String,
    #[serde(default)]
    args: Vec<String>,
    #[serde(default)]
    edits: Vec<CaseEdit>,
    #[serde(default)]
    writes: Vec<CaseWrite>,
    hex: Option<CaseHex>,
    prepend: Option<CaseWrite>,
    pad: Option<CasePad>,
    truncate: Option<CaseTruncate>,
    exit: i32,
    expect: Vec<String>,
}

#[derive(serde::Deserialize)]
struct CaseEdit {
    file: String,
    from: String,
    to: String,
}

#[derive(serde::Deserialize)]
struct CaseWrite {
    file: String,
    text: String,
}

#[derive(serde::Deserialize)]
struct CaseHex {
    file: String,
    bytes: String,
}

#[derive(serde::Deserialize)]
struct CasePad {
    file: String,
    bytes: usize,
}

#[derive(serde::Deserialize)]
struct CaseTruncate {
    file: String,
    after: String,
}

impl ErrorCase {
    fn apply(&self, dir: &Path) {
        for e in &self.edits {
            edit(&dir.join(&e.file), &e.from, &e.to);
        }
        for w in &self.writes {
            std::fs::write(dir.join(&w.file), &w.text).unwrap();
        }
        if let Some(h) = &self.hex {
            let bytes: Vec<u8> = (0..h.bytes.len())
                .step_by(2)
                .map(|i| u8::from_str_radix(&h.bytes[i..i + 2], 16).unwrap())
                .collect();
            std::fs::write(dir.join(&h.file), bytes).unwrap();
        }
        if let Some(p) = &self.prepend {
            let text = std::fs::read_to_string(dir.join(&p.file)).unwrap();
            std::fs::write(dir.join(&p.file), format!("{}{text}", p.text)).unwrap();
        }
        if let Some(p) = &self.pad {
            let mut text = std::fs::read_to_string(dir.join(&p.file)).unwrap();
            text.push_str(&format!("# {}\n", "x".repeat(p.bytes)));
            std::fs::write(dir.join(&p.file), text).unwrap();
        }
        if let Some(t) = &self.truncate {
            let text = std::fs::read_to_string(dir.join(&t.file)).unwrap();
            let at = text.find(&t.after);
            let end =
                at.unwrap_or_else(|| panic!("{} has no {:?}", t.file, t.after)) + t.after.len();
            std::fs::write(dir.join(&t.file), &text[..end]).unwrap();
        }
    }
}

#[test]
fn every_error_fixture_is_reported_with_file_line_and_key() {
    let root = repo().join("tests/fixtures/errors");
    let mut cases: Vec<PathBuf> =
        std::fs::read_dir(&root).unwrap().map(|e| e.unwrap().path()).collect();
    cases.sort();
    assert!(cases.len() >= 25, "only {} error fixtures", cases.len());
    let mut failures = Vec::new();
    for case_dir in cases {
        let name = case_dir.file_name().unwrap().to_string_lossy().into_owned();
        let case: ErrorCase =
            serde_yaml_ng::from_str(&std::fs::read_to_string(case_dir.join("case.yaml")).unwrap())
                .unwrap_or_else(|e| panic!("{name}: {e}"));
        let project = project_copy();
        case.apply(project.path());
        let dir = project.path().to_str().unwrap();
        let mut args = vec![case.command.clone(), "--project".into(), dir.into()];
        args.extend(case.args.iter().map(|a| a.replace("{project}", dir)));
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let output = flyerpress(&args);
        let said = format!("{}{}", String::from_utf8_lossy(&output.stdout), stderr(&output));
        if output.status.code() != Some(case.exit) {
            failures.push(format!(
                "{name}: exit {:?}, expected {}:\n{said}",
                output.status.code(),
                case.exit
            ));
        }
        for expected in &case.expect {
            if !said.contains(expected.as_str()) {
                failures.push(format!("{name}: `{expected}` not said:\n{said}"));
            }
        }
        assert!(!said.contains("panicked"), "{name} panicked:\n{said}");
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// Every edition in every layout of the repository, built once, with what the build
/// said (one line per job).
fn every_output() -> &'static (tempfile::TempDir, String) {
    static OUT: OnceLock<(tempfile::TempDir, String)> = OnceLock::new();
    OUT.get_or_init(|| {
        let out = tempfile::tempdir().unwrap();
        let output = build_args(&repo(), out.path(), &[]);
        assert!(output.status.success(), "build failed:\n{}", stderr(&output));
        let said = stderr(&output);
        (out, said)
    })
}

/// A number that follows `label` in a build line, such as `body text 8.4 pt`.
fn figure_after(line: &str, label: &str) -> Option<f64> {
    let rest = &line[line.find(label)? + label.len()..];
    rest.trim_start().split(' ').next()?.parse().ok()
}

/// A 2-D affine matrix `[a, b, c, d, e, f]` as PDF writes it.
type Matrix = [f64; 6];

fn multiply(m: Matrix, n: Matrix) -> Matrix {
    [
        m[0] * n[0] + m[1] * n[2],
        m[0] * n[1] + m[1] * n[3],
        m[2] * n[0] + m[3] * n[2],
        m[2] * n[1] + m[3] * n[3],
        m[4] * n[0] + m[5] * n[2] + n[4],
        m[4] * n[1] + m[5] * n[3] + n[5],
    ]
}

/// Where text is shown on a page, read from the PDF's content streams (form XObjects
/// included): the origin of every text-showing operation in points from the page's
/// bottom left corner and the font size as printed (the `Tf` size times the scale of
/// the text and graphics matrices).
fn shown_text(document: &Document, page: lopdf::ObjectId) -> Vec<([f64; 2], f64)> {
    fn number(o: &Object) -> f64 {
        o.as_float().map(f64::from).or_else(|_| o.as_i64().map(|i| i as f64)).unwrap()
    }
    fn matrix(operands: &[Object]) -> Matrix {
        let v: Vec<f64> = operands.iter().map(number).collect();
        [v[0], v[1], v[2], v[3], v[4], v[5]]
    }
    fn walk(
        document: &Document,
        content: &[u8],
        resources: Option<&lopdf::Dictionary>,
        ctm: Matrix,
        out: &mut Vec<([f64; 2], f64)>,
    ) {
        let identity = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0];
        let (mut ctm, mut stack) = (ctm, Vec::new());
        let (mut tm, mut line, mut size) = (identity, identity, 0.0);
        for op in lopdf::content::Content::decode(content).unwrap().operations {
            let o = &op.operands;
            match op.operator.as_str() {
                "q" => stack.push(ctm),
                "Q" => ctm = stack.pop().unwrap(),
                "cm" => ctm = multiply(matrix(o), ctm),
                "BT" => (tm, line) = (identity, identity),
                "Tf" => size = number(&o[1]),
                "Tm" => (tm, line) = (matrix(o), matrix(o)),
                "Td" | "TD" => {
                    line = multiply([1.0, 0.0, 0.0, 1.0, number(&o[0]), number(&o[1])], line);
                    tm = line;
                }
                "Tj" | "TJ" | "'" | "\"" => {
                    let m = multiply(tm, ctm);
                    let scale = (m[0] * m[3] - m[1] * m[2]).abs().sqrt();
                    out.push(([m[4], m[5]], size * scale));
                }
                "Do" => {
                    let name = o[0].as_name().unwrap();
                    let xobjects = resources.and_then(|r| r.get(b"XObject").ok());
                    let xobjects = xobjects.map(|x| document.dereference(x).unwrap().1);
                    let Some(Ok(xobjects)) = xobjects.map(Object::as_dict) else { continue };
                    let Ok((_, Object::Stream(form))) =
                        document.dereference(xobjects.get(name).unwrap())
                    else {
                        continue;
                    };
                    let form_matrix = form
                        .dict
                        .get(b"Matrix")
                        .map_or(identity, |m| matrix(m.as_array().unwrap()));
                    let inner = form
                        .dict
                        .get(b"Resources")
                        .ok()
                        .map(|r| document.dereference(r).unwrap().1.as_dict().unwrap());
                    let content = form.decompressed_content().unwrap();
                    walk(document, &content, inner.or(resources), multiply(form_matrix, ctm), out);
                }
                _ => {}
            }
        }
    }
    let content = document.get_page_content(page);
    let (resources, _) = document.get_page_resources(page).unwrap();
    let mut out = Vec::new();
    walk(document, &content, resources, [1.0, 0.0, 0.0, 1.0, 0.0, 0.0], &mut out);
    out
}

#[test]
fn every_output_prints_no_text_below_its_minimum_or_inside_the_safety_margin() {
    let (out, said) = every_output();
    let session = flyerpress::Session::open(&repo(), Default::default()).unwrap();
    let project = &session.project;
    let mut smallest_seen = Vec::new();
    for (name, file) in &project.layouts {
        let layout = &file.layout;
        let minimum = layout.sizes.min_text_pt;
        let mm = 72.0 / 25.4;
        for lang in project.editions.keys().filter(|lang| project.offers(name, lang)) {
            let path = out.path().join(lang).join(format!("{name}.pdf"));
            let document = Document::load(&path).unwrap();
            let mut smallest = f64::MAX;
            for (number, id) in document.get_pages() {
                let shown = shown_text(&document, id);
                assert!(!shown.is_empty(), "{lang}/{name} page {number}: no text");
                // The trimmed page, or the copies on a sheet, in points from the bottom.
                let media = page_box_of(&document, number, b"MediaBox").unwrap();
                let trims: Vec<[f64; 4]> = match &layout.sheet {
                    None => vec![
                        page_box_of(&document, number, b"TrimBox").unwrap_or(media).map(|v| v * mm),
                    ],
                    Some(_) => {
                        let model = flyerpress::model::resolve::resolve(project, lang, layout);
                        let sheet = model.style.sheet.unwrap();
                        let (w, h) = layout.page.size_mm();
                        let top = media[3];
                        sheet
                            .copies(number as usize - 1)
                            .iter()
                            .map(|&[x, y]| {
                                [x * mm, (top - y - h) * mm, (x + w) * mm, (top - y) * mm]
                            })
                            .collect()
                    }
                };
                let safety = layout.page.safety_mm * mm;
                for ([x, y], size) in shown {
                    smallest = smallest.min(size);
                    // The baseline's start, and the top of a capital above it.
                    let inside = trims.iter().any(|t| {
                        x >= t[0] + safety - 0.1
                            && y >= t[1] + safety - 0.1
                            && x <= t[2] - safety
                            && y + 0.7 * size <= t[3] - safety + 0.1
                    });
                    assert!(
                        inside,
                        "{lang}/{name} page {number}: text at ({:.1}, {:.1}) mm inside the {} mm \
                         safety margin of {trims:?}",
                        x / mm,
                        y / mm,
                        layout.page.safety_mm
                    );
                }
            }
            assert!(
                smallest >= minimum - 0.01,
                "{lang}/{name}: text at {smallest:.2} pt, the layout's minimum is {minimum} pt"
            );
            // The build line reports the same smallest size, read from the laid-out pages.
            let line = said
                .lines()
                .find(|l| l.starts_with(&format!("built {lang} / {name}:")))
                .unwrap_or_else(|| panic!("no build line for {lang}/{name}:\n{said}"));
            let reported = figure_after(line, "smallest text").expect(line);
            assert!((reported - smallest).abs() < 0.06, "{line}: PDF says {smallest:.2} pt");
            smallest_seen.push(format!("{lang}/{name} {smallest:.2}"));
        }
    }
    assert!(smallest_seen.len() >= project.layouts.len() * project.editions.len() - 2);
}

#[test]
fn print_files_are_pdf_x4_for_the_fogra39_condition() {
    let (out, _) = every_output();
    let profile = std::fs::read(repo().join("layouts/profiles/FOGRA39L_coated.icc")).unwrap();
    let session = flyerpress::Session::open(&repo(), Default::default()).unwrap();
    for lang in session.project.editions.keys() {
        for (layout, ..) in PRINT_LAYOUTS {
            if !session.project.offers(layout, lang) {
                continue;
            }
            let what = format!("{lang}/{layout}");
            let path = out.path().join(lang).join(format!("{layout}.pdf"));
            let bytes = std::fs::read(&path).unwrap();
            assert!(bytes.starts_with(b"%PDF-1.6"), "{what}: not PDF 1.6");
            let document = Document::load_mem(&bytes).unwrap();
            assert!(document.trailer.get(b"Encrypt").is_err(), "{what}: encrypted");
            let id = document.trailer.get(b"ID").unwrap().as_array().unwrap();
            assert_eq!(id.len(), 2, "{what}: document ID");

            // The output intent, with the shipped profile embedded unchanged.
            let catalog = document.catalog().unwrap();
            let intents = catalog.get(b"OutputIntents").unwrap().as_array().unwrap();
            assert_eq!(intents.len(), 1, "{what}");
            let intent = document.dereference(&intents[0]).unwrap().1.as_dict().unwrap();
            // A PDF text string: UTF-16BE after a byte order mark, else PDFDocEncoding
            // (ASCII here).
            let text = |dict: &lopdf::Dictionary, key: &str| {
                let bytes = dict.get(key.as_bytes()).unwrap().as_str().unwrap();
                match bytes.strip_prefix(&[0xfe, 0xff]) {
                    Some(utf16) => String::from_utf16(
                        &utf16
                            .chunks(2)
                            .map(|c| u16::from_be_bytes([c[0], c[1]]))
                            .collect::<Vec<_>>(),
                    )
                    .unwrap(),
                    None => String::from_utf8_lossy(bytes).into_owned(),
                }
            };
            assert_eq!(intent.get(b"S").unwrap().as_name().unwrap(), b"GTS_PDFX");
            assert_eq!(text(intent, "OutputConditionIdentifier"), "FOGRA39");
            assert_eq!(text(intent, "RegistryName"), "http://www.color.org");
            assert!(!text(intent, "Info").is_empty());
            let (_, icc) = document.dereference(intent.get(b"DestOutputProfile").unwrap()).unwrap();
            let icc = icc.as_stream().unwrap();
            assert_eq!(icc.dict.get(b"N").unwrap().as_i64().unwrap(), 4);
            assert!(icc.decompressed_content().unwrap() == profile, "{what}: profile differs");

            // Info and XMP say PDF/X-4, not trapped, and agree on title and dates.
            let info_ref = document.trailer.get(b"Info").unwrap().as_reference().unwrap();
            let info = document.get_dictionary(info_ref).unwrap();
            assert_eq!(text(info, "GTS_PDFXVersion"), "PDF/X-4", "{what}");
            assert_eq!(info.get(b"Trapped").unwrap().as_name().unwrap(), b"False");
            let title = text(info, "Title");
            assert!(!title.is_empty(), "{what}: no title");
            let created = text(info, "CreationDate");
            assert_eq!(created, text(info, "ModDate"), "{what}");
            let metadata = document.dereference(catalog.get(b"Metadata").unwrap()).unwrap().1;
            let xmp = String::from_utf8(metadata.as_stream().unwrap().content.clone()).unwrap();
            let xml = roxmltree::Document::parse(&xmp).unwrap_or_else(|e| panic!("{what}: {e}"));
            let value = |ns: &str, name: &str| {
                let node = xml.descendants().find(|n| n.has_tag_name((ns, name)));
                let node = node.unwrap_or_else(|| panic!("{what}: no {name} in the XMP"));
                let texts = node.descendants().filter(|n| n.is_text()).filter_map(|n| n.text());
                texts.collect::<String>().trim().to_owned()
            };
            assert_eq!(value("http://www.npes.org/pdfx/ns/id/", "GTS_PDFXVersion"), "PDF/X-4");
            assert_eq!(value("http://ns.adobe.com/pdf/1.3/", "Trapped"), "False");
            let mm = "http://ns.adobe.com/xap/1.0/mm/";
            assert!(value(mm, "DocumentID").starts_with("uuid:"), "{what}");
            assert!(value(mm, "InstanceID").starts_with("uuid:"), "{what}");
            assert_eq!(value(mm, "VersionID"), "1");
            assert_eq!(value(mm, "RenditionClass"), "default");
            let dc_title = xml
                .descendants()
                .find(|n| n.has_tag_name(("http://www.w3.org/1999/02/22-rdf-syntax-ns#", "li")))
                .and_then(|n| n.text())
                .unwrap();
            assert_eq!(dc_title, title, "{what}: XMP and Info titles differ");
            let date = value("http://ns.adobe.com/xap/1.0/", "CreateDate");
            assert_eq!(created[2..10], date.replace('-', "")[..8], "{what}: dates differ");

            // Every page: boxes nested, no annotations, fonts embedded.
            for (number, page_id) in document.get_pages() {
                let page = document.get_dictionary(page_id).unwrap();
                assert!(page.get(b"Annots").is_err(), "{what} page {number}: annotations");
                let media = page_box_of(&document, number, b"MediaBox").unwrap();
                let bleed = page_box_of(&document, number, b"BleedBox").unwrap();
                let trim = page_box_of(&document, number, b"TrimBox").unwrap();
                let within = |inner: [f64; 4], outer: [f64; 4]| {
                    inner[0] >= outer[0] - 1e-6
                        && inner[1] >= outer[1] - 1e-6
                        && inner[2] <= outer[2] + 1e-6
                        && inner[3] <= outer[3] + 1e-6
                };
                assert!(within(trim, bleed) && within(bleed, media), "{what}: boxes");
                assert!(page.get(b"ArtBox").is_err(), "{what}: ArtBox beside TrimBox");
                let fonts = document.get_page_fonts(page_id).unwrap();
                assert!(!fonts.is_empty(), "{what} page {number}: no fonts");
            }
            assert_fonts_embedded(&document, &what);
        }
    }
}

/// The rows of a PDF page rendered by pdftoppm at 10 pixels per millimetre, as grey
/// levels of one column `x_mm` from the left edge of the medium.
fn rendered_column(pdf: &Path, x_mm: f64) -> Option<Vec<u8>> {
    let Ok(output) = Command::new("pdftoppm")
        .args(["-r", "254", "-f", "1", "-l", "1", "-gray", "-x"])
        .arg(format!("{}", (x_mm * 10.0).round()))
        .args(["-y", "0", "-W", "1", "-H", "400"])
        .arg(pdf)
        .output()
    else {
        assert!(std::env::var_os("FLYERPRESS_REQUIRE_TOOLS").is_none(), "pdftoppm is required");
        eprintln!("SKIPPED: pdftoppm is not installed (.ci/run installs poppler-utils)");
        return None;
    };
    assert!(output.status.success(), "{}", stderr(&output));
    // A binary PGM: "P5\n<w> <h>\n255\n" and then one byte a pixel.
    let data = output.stdout;
    let mut fields = 0;
    let mut start = 0;
    for (i, byte) in data.iter().enumerate() {
        if byte.is_ascii_whitespace() && i > 0 && !data[i - 1].is_ascii_whitespace() {
            fields += 1;
            if fields == 4 {
                start = i + 1;
                break;
            }
        }
    }
    Some(data[start..].to_vec())
}

#[test]
fn the_stripe_shows_its_design_height_after_trimming_and_bleeds_to_the_edge() {
    let session = flyerpress::Session::open(&repo(), Default::default()).unwrap();
    for (name, file) in &session.project.layouts {
        let layout = &file.layout;
        let bleed = layout.page.bleed_mm;
        let stripe = layout.page.stripe();
        let pdf = danish_layouts().join(format!("da/{name}.pdf"));
        // A column a fifth into the page: in the stripe, clear of the title's letters.
        let (width, _) = layout.page.size_mm();
        let Some(column) = rendered_column(&pdf, bleed + width / 5.0) else { return };
        let dark: Vec<bool> = column.iter().map(|&v| v < 128).collect();
        let top = dark.iter().position(|&d| d).expect("no stripe");
        let rows = dark[top..].iter().take_while(|&&d| d).count();
        let (top_mm, end_mm) = (top as f64 / 10.0, (top + rows) as f64 / 10.0);
        // Where the band starts: at the medium's edge when it bleeds; set in from the
        // edge of the (first) copy when it does not.
        let model = flyerpress::model::resolve::resolve(&session.project, "da", layout);
        let copy_top = model.style.sheet.as_ref().map_or(0.0, |sheet| sheet.front[0][1]);
        let expected_top =
            if stripe.inset_mm > 0.0 { copy_top + bleed + stripe.inset_mm } else { 0.0 };
        assert!(
            (top_mm - expected_top).abs() <= 0.15,
            "{name}: the stripe starts {top_mm} mm below the medium's edge, not {expected_top}"
        );
        let visible = end_mm - top_mm.max(bleed + copy_top);
        assert!(
            (visible - stripe.height_mm).abs() <= 0.2,
            "{name}: {visible:.1} mm of stripe inside the trim, designed {} mm",
            stripe.height_mm
        );
    }
}

#[test]
fn the_two_sided_leaflet_puts_the_stated_blocks_on_the_stated_sides() {
    let path = danish_layouts().join("da/a5-leaflet.pdf");
    let document = Document::load(&path).unwrap();
    let pages = document.get_pages();
    assert_eq!(pages.len(), 2);
    let side = |number: u32| document.extract_text(&[number]).unwrap().replace('\u{ad}', "-");
    let (front, back) = (side(1), side(2));
    let da = |key: &str| {
        let session = flyerpress::Session::open(&repo(), Default::default()).unwrap();
        session.project.editions["da"].strings.get(key).unwrap().to_owned()
    };
    let plain = |text: String| text.replace("**", "");
    // Front: title, legend, the first section (chat).
    for needle in
        [da("title"), plain(da("legend.open")), plain(da("sections.chat")), "Briar".into()]
    {
        assert!(contains_text(&front, &needle), "front lacks `{needle}`:\n{front}");
    }
    // Back: the title again, legend, the second section, footnotes, licence, version.
    for needle in [
        da("title"),
        plain(da("sections.team")),
        "Mattermost".into(),
        "CC BY-SA 4.0".into(),
        "DK - 01.02.2026".into(),
        plain(da("footnotes.1")),
    ] {
        assert!(contains_text(&back, &needle), "back lacks `{needle}`:\n{back}");
    }
    for needle in ["Mattermost", "CC BY-SA 4.0"] {
        assert!(!contains_text(&front, needle), "front shows `{needle}`");
    }
    assert!(!contains_text(&back, "Briar"), "back shows the first section");

    // Every edition: one body size for both sides, at least 8 pt.
    let (_, said) = every_output();
    let lines: Vec<&str> = said.lines().filter(|l| l.contains(" / a5-leaflet:")).collect();
    assert!(lines.len() >= 14, "{said}");
    for line in lines {
        let body = figure_after(line, "body text").expect(line);
        assert!(body >= 8.0, "{line}");
    }
}

#[test]
fn text_below_the_layouts_minimum_fails_naming_edition_layout_text_and_size() {
    let project = project_copy();
    edit(&project.path().join("layouts/a4-screen.yaml"), "title_scale: 2.1", "title_scale: 0.5");
    let output = build_args(
        project.path(),
        &project.path().join("output"),
        &["--lang", "da", "--layout", "a4-screen,a4-print", "--no-previews"],
    );
    assert_eq!(output.status.code(), Some(1));
    let err = stderr(&output);
    assert!(err.contains("edition `da` in layout `a4-screen`: the text \"Hurtig"), "{err}");
    assert!(err.contains("below the layout's minimum of 7 pt"), "{err}");
    assert!(err.contains("it would need a body size of"), "{err}");
    assert!(project.path().join("output/da/a4-print.pdf").exists(), "the other job failed too");
    assert!(!project.path().join("output/da/a4-screen.pdf").exists());
}

/// One job laid out: edition, layout, its text runs and its horizontal rules.
/// One job laid out: edition, layout, text runs, rules across and down.
type LaidOut = (
    String,
    String,
    Vec<flyerpress::typeset::inspect::TextRun>,
    Vec<flyerpress::typeset::inspect::Rule>,
);

/// The text runs and rules of every edition in every layout, laid out once.
fn all_runs() -> &'static Vec<LaidOut> {
    use rayon::prelude::*;
    static RUNS: OnceLock<Vec<LaidOut>> = OnceLock::new();
    RUNS.get_or_init(|| {
        let session = flyerpress::Session::open(&repo(), Default::default()).unwrap();
        let project = &session.project;
        offered_jobs(project)
            .par_iter()
            .map(|&(lang, layout)| {
                let typeset = session.typeset(lang, layout).unwrap();
                let runs = flyerpress::typeset::inspect::text_runs(&typeset.paged);
                let rules = flyerpress::typeset::inspect::rules(&typeset.paged);
                (lang.clone(), layout.clone(), runs, rules)
            })
            .collect()
    })
}

/// The lines of the largest text of each page (the title or running title), top to
/// bottom, as text.
fn title_lines(runs: &[flyerpress::typeset::inspect::TextRun], page: usize) -> Vec<String> {
    let on_page: Vec<_> = runs.iter().filter(|r| r.page == page && r.ink_mm.is_some()).collect();
    let largest = on_page.iter().map(|r| r.size_pt).fold(0.0, f64::max);
    let mut lines: Vec<(f64, f64, String)> = Vec::new();
    for run in on_page.iter().filter(|r| (r.size_pt - largest).abs() < 0.01) {
        match lines.iter_mut().find(|(y, ..)| (y - run.y_mm).abs() < 0.5) {
            Some(line) => line.2.push_str(&run.text),
            None => lines.push((run.y_mm, run.x_mm, run.text.clone())),
        }
    }
    lines.sort_by(|a, b| a.0.total_cmp(&b.0));
    lines.into_iter().map(|(_, _, text)| text).collect()
}

#[test]
fn no_title_ends_on_a_word_alone() {
    let mut failures = Vec::new();
    for (lang, layout, runs, _) in all_runs() {
        let pages = runs.iter().map(|r| r.page).max().unwrap_or(0);
        for page in 0..=pages {
            let lines = title_lines(runs, page);
            let words = lines.join(" ").split_whitespace().count();
            let last = lines.last().map(|l| l.trim().to_owned()).unwrap_or_default();
            // A title of one line, or without spaces (Chinese), cannot strand a word.
            if lines.len() > 1 && words > lines.len() && !last.contains(' ') {
                failures.push(format!("{lang}/{layout} page {}: {lines:?}", page + 1));
            }
        }
    }
    assert!(failures.is_empty(), "titles ending on one word:\n{}", failures.join("\n"));
}

#[test]
fn status_colours_stay_apart_in_grey_and_for_colour_blind_readers() {
    use flyerpress::input::layout::Vision;
    let session = flyerpress::Session::open(&repo(), Default::default()).unwrap();
    let palette = &session.project.palettes["overview"].palette;
    let (open, proprietary) = (&palette.status["open"].rgb, &palette.status["proprietary"].rgb);
    for vision in Vision::ALL {
        let apart = open.lightness_for(vision) - proprietary.lightness_for(vision);
        eprintln!("open vs proprietary, {vision:?}: {apart:.1} L* apart");
        assert!(apart >= 25.0, "{vision:?}: only {apart:.1} L* apart");
    }
    // A palette that tells them apart by hue alone is refused.
    let err = refused_after(
        "check",
        &[(
            "layouts/palettes/overview.yaml",
            "proprietary: { rgb: \"#d4645a\"",
            "proprietary: { rgb: \"#e8a0a0\"",
        )],
    );
    assert!(err.contains("status colours `open` and `proprietary` differ by"), "{err}");
}

#[test]
fn every_status_shows_its_symbol_in_the_cells_and_the_legend() {
    let session = flyerpress::Session::open(&repo(), Default::default()).unwrap();
    let statuses = &session.project.facts.statuses;
    for lang in session.project.editions.keys() {
        let text = pdf_text(&all_editions().join(lang).join("a4-screen.pdf"));
        for (id, status) in statuses {
            let sign = status.sign(true);
            assert!(!sign.is_empty(), "status `{id}` has no symbol or mark");
            // The legend's swatch and at least one cell.
            assert!(text.matches(sign.as_str()).count() >= 2, "{lang}: `{sign}` of `{id}`");
        }
    }
}

#[test]
fn every_hyphenation_keeps_three_letters_either_side_and_spares_names_and_headings() {
    let session = flyerpress::Session::open(&repo(), Default::default()).unwrap();
    let project = &session.project;
    let mut failures = Vec::new();
    let mut counts = std::collections::BTreeMap::<&str, usize>::new();
    let letters = |text: &str| text.chars().filter(|c| c.is_alphabetic()).count();
    for (lang, layout, runs, _) in all_runs() {
        // A break at a soft hyphen: a run ending in it, then the hyphen Typst adds as a
        // run of its own, then the next line.
        for (i, run) in runs.iter().enumerate() {
            if !run.text.ends_with('\u{ad}') || run.text.chars().all(|c| c == '\u{ad}') {
                continue;
            }
            *counts.entry(lang.as_str()).or_default() += 1;
            let text: String = run.text.chars().filter(|&c| c != '\u{ad}').collect();
            let before: String = text
                .chars()
                .rev()
                .take_while(|c| c.is_alphabetic())
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect();
            let next = runs[i + 1..]
                .iter()
                .find(|r| r.text.chars().any(char::is_alphabetic))
                .map_or("", |r| r.text.as_str());
            let after: String =
                next.chars().filter(|&c| c != '\u{ad}').take_while(|c| c.is_alphabetic()).collect();
            if letters(&before) < 3 || letters(&after) < 3 {
                failures.push(format!("{lang}/{layout}: {before}-{after}: under three letters"));
            }
        }
    }
    // Breaks happen only at the soft hyphens flyerpress puts in running text: the
    // title, headings, section titles and names have none.
    for lang in project.editions.keys() {
        let layout = &project.layouts["a4-screen"].layout;
        let model = flyerpress::model::resolve::resolve(project, lang, layout);
        let plain = |rich: &flyerpress::input::markup::Rich| -> String {
            rich.iter().map(|s| s.text.as_str()).collect()
        };
        let mut protected = vec![plain(&model.title)];
        protected.extend(model.columns.iter().map(|c| plain(&c.title)));
        protected.extend(model.sections.iter().map(|s| plain(&s.title)));
        for cell in model.sections.iter().flat_map(|s| s.rows.iter().flatten()) {
            if matches!(cell.kind, flyerpress::input::content::ColumnKind::Systems) {
                protected.extend(cell.lines.iter().map(plain));
            }
        }
        for text in protected.iter().chain(model.links.iter().map(|l| &l.display)) {
            if text.contains('\u{ad}') {
                failures.push(format!("{lang}: `{text}` may break"));
            }
        }
    }
    eprintln!("hyphenation breaks per edition (all layouts): {counts:?}");
    assert!(counts.values().sum::<usize>() > 0, "no hyphenation found: the test reads nothing");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn tables_end_the_same_distance_above_the_footnotes_in_every_edition() {
    let session = flyerpress::Session::open(&repo(), Default::default()).unwrap();
    let mut gaps = std::collections::BTreeMap::<(String, usize), Vec<(String, f64)>>::new();
    for (lang, layout, runs, rules) in all_runs() {
        // A sheet repeats the leaflet, which is measured itself.
        if session.project.layouts[layout].layout.sheet.is_some() {
            continue;
        }
        let pages = runs.iter().map(|r| r.page).max().unwrap_or(0);
        for page in 0..=pages {
            let table_rules = rules
                .iter()
                .filter(|r| r.page == page && !r.vertical && r.span_mm[1] - r.span_mm[0] > 20.0);
            let Some(bottom) = table_rules.map(|r| r.at_mm).reduce(f64::max) else { continue };
            // The white space down to the first footnote's marker "(A)", the same
            // glyphs in every edition whatever its script.
            let below = runs.iter().filter(|r| r.page == page && r.y_mm > bottom);
            let Some(top) = below
                .filter(|r| r.text.contains("(A)"))
                .filter_map(|r| r.ink_mm.map(|ink| ink[1]))
                .reduce(f64::min)
            else {
                continue;
            };
            gaps.entry((layout.clone(), page)).or_default().push((lang.clone(), top - bottom));
        }
    }
    let mut failures = Vec::new();
    for ((layout, page), gaps) in &gaps {
        let (min, max) =
            gaps.iter().fold((f64::MAX, f64::MIN), |(lo, hi), (_, g)| (lo.min(*g), hi.max(*g)));
        eprintln!("{layout} page {}: table to footnotes {min:.2} to {max:.2} mm", page + 1);
        if max - min >= 1.0 {
            failures.push(format!("{layout} page {}: {gaps:.1?}", page + 1));
        }
    }
    assert!(gaps.len() >= 6, "{gaps:?}");
    assert!(failures.is_empty(), "uneven endings:\n{}", failures.join("\n"));
}

#[test]
fn no_glyph_touches_a_table_rule() {
    let mut failures = Vec::new();
    // Half the rule's 0.6 pt stroke and 0.2 pt of air, in millimetres.
    let clear = 0.5 * 25.4 / 72.0;
    for (lang, layout, runs, rules) in all_runs() {
        for run in runs {
            let Some(ink) = run.ink_mm else { continue };
            // Down the rows, and across: no line runs out of its column into the next.
            for rule in rules.iter().filter(|r| r.page == run.page && r.touches(ink, clear)) {
                let [left, top, right, bottom] = ink;
                let (which, from, to) = if rule.vertical {
                    ("column rule", left, right)
                } else {
                    ("rule", top, bottom)
                };
                failures.push(format!(
                    "{lang}/{layout} page {}: `{}` (ink {from:.2} to {to:.2} mm) touches the {which} at {:.2} mm",
                    run.page + 1,
                    run.text,
                    rule.at_mm
                ));
            }
        }
        let down = rules.iter().filter(|r| r.vertical && r.span_mm[1] - r.span_mm[0] > 1.0).count();
        if down < 6 {
            failures.push(format!("{lang}/{layout}: only {down} column rules found"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} glyphs touch rules:\n{}",
        failures.len(),
        failures[..failures.len().min(30)].join("\n")
    );
}

#[test]
fn names_stacked_in_a_cell_are_evenly_spaced_in_every_script() {
    let mut failures = Vec::new();
    for (lang, layout, runs, _) in all_runs() {
        let line = |name: &str| runs.iter().find(|r| r.page == 0 && r.text.trim() == name);
        let (Some(a), Some(b), Some(c)) = (line("Briar"), line("Jami"), line("Tox")) else {
            failures.push(format!("{lang}/{layout}: Briar, Jami, Tox not found"));
            continue;
        };
        let (first, second) = (b.y_mm - a.y_mm, c.y_mm - b.y_mm);
        let size_mm = a.size_pt * 25.4 / 72.0;
        if (first - second).abs() > 0.05 || first < 1.05 * size_mm {
            failures.push(format!(
                "{lang}/{layout}: {first:.2} and {second:.2} mm between names of {size_mm:.2} mm"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn no_chinese_line_is_one_character_alone() {
    let is_han = |c: char| ('\u{4e00}'..='\u{9fff}').contains(&c);
    let mut failures = Vec::new();
    // Headings and names stand whole on one line.
    let session = flyerpress::Session::open(&repo(), Default::default()).unwrap();
    let model = flyerpress::model::resolve::resolve(
        &session.project,
        "zh",
        &session.project.layouts["a4-screen"].layout,
    );
    let plain = |rich: &flyerpress::input::markup::Rich| {
        rich.iter().map(|s| s.text.as_str()).collect::<String>()
    };
    let mut whole: Vec<String> = model.columns.iter().map(|c| plain(&c.title)).collect();
    for cell in model.sections.iter().flat_map(|s| s.rows.iter().flatten()) {
        if matches!(cell.kind, flyerpress::input::content::ColumnKind::Systems) {
            whole.extend(cell.lines.iter().map(plain).filter(|name| name.chars().any(is_han)));
        }
    }
    assert!(whole.len() > 7, "{whole:?}");
    for (lang, layout, runs, _) in all_runs().iter().filter(|(lang, ..)| lang == "zh") {
        let mut lines: Vec<((usize, i64), String)> = Vec::new();
        for run in runs {
            let at = (run.page, (run.y_mm * 10.0).round() as i64);
            match lines.iter_mut().find(|(a, _)| *a == at) {
                Some((_, text)) => text.push_str(&run.text),
                None => lines.push((at, run.text.clone())),
            }
        }
        for text in &whole {
            if !lines.iter().any(|(_, line)| line.contains(text.as_str())) {
                failures.push(format!("{lang}/{layout}: `{text}` is not whole on one line"));
            }
        }
    }
    for (lang, layout, runs, _) in all_runs().iter().filter(|(lang, ..)| lang == "zh") {
        for run in runs {
            let text: Vec<char> = run.text.trim().chars().collect();
            if text.len() != 1 || !is_han(text[0]) {
                continue;
            }
            // Another run on the same line, touching it on either side.
            let (left, right) = (run.x_mm, run.x_mm + run.width_mm);
            let neighbour = runs.iter().any(|other| {
                !std::ptr::eq(other, run)
                    && other.page == run.page
                    && (other.y_mm - run.y_mm).abs() < 0.1
                    && (other.x_mm - right).abs().min((other.x_mm + other.width_mm - left).abs())
                        < 0.5
            });
            if !neighbour {
                failures.push(format!(
                    "{lang}/{layout} page {}: `{}` alone",
                    run.page + 1,
                    run.text
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The version stamp's date in every edition as CLDR writes it (short, full year), in
/// the locale's calendar and digits, read from the PDFs.
#[test]
fn every_stamp_dates_the_edition_as_its_locale_writes_dates() {
    let out = tempfile::tempdir().unwrap();
    let output = build_args(&repo(), out.path(), &["--layout", "a4-screen"]);
    assert!(output.status.success(), "{}", stderr(&output));
    // Bidi controls (LRM, RLM, isolates) are left out: they are not printed.
    let printed = |text: &str| -> String {
        squeeze(text)
            .chars()
            .filter(|c| !matches!(c, '\u{200e}' | '\u{200f}' | '\u{2066}'..='\u{2069}' | '\u{202a}'..='\u{202e}'))
            .collect()
    };
    let expected = [
        ("da", "DK-01.02.2026"),
        ("de", "DE-27.11.2026"),
        ("en", "EN-27/11/2026"),
        ("el", "GR-27/11/2026"),
        ("es", "ES-27/11/2026"),
        ("fr", "FR-27/11/2026"),
        ("it", "IT-27/11/2026"),
        ("nl", "NL-27-11-2026"),
        ("pl", "PL-27.11.2026"),
        ("tr", "TR-27.11.2026"),
        ("uk", "UA-27.11.2026"),
        ("zh", "ZH-2026/11/27"),
        // Persian: the Solar Hijri calendar, Persian digits (6 Azar 1405).
        ("fa", "۱۴۰۵/۹/۶"),
        ("ar", "27/11/2026"),
    ];
    let mut failures = Vec::new();
    for (lang, stamp) in expected {
        let text = printed(&pdf_text(&out.path().join(lang).join("a4-screen.pdf")));
        if !text.contains(stamp) {
            let end: String = text.chars().skip(text.chars().count().saturating_sub(80)).collect();
            failures.push(format!("{lang}: `{stamp}` not in …{end}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// New languages need content only: a language file and a config entry. Direction and
/// date come from the locale (CLDR): Hebrew is right to left without anyone saying so.
#[test]
fn new_languages_take_direction_and_date_from_their_locale() {
    let project = project_copy();
    let content = project.path().join("content");
    // Stand-in texts in scripts the bundled fonts cover (no Hebrew font is bundled).
    for (lang, from) in [("sv", "da"), ("pt-BR", "en"), ("he", "ar"), ("ja", "zh")] {
        std::fs::copy(content.join(format!("{from}.yaml")), content.join(format!("{lang}.yaml")))
            .unwrap();
    }
    let mut config = std::fs::read_to_string(content.join("config.yaml")).unwrap();
    config.push_str(
        "  sv: { name: Svenska, code: SE, date: 2026-02-01, review: draft }\n\
         \x20 pt-BR: { name: Português, code: BR, date: 2026-02-01, review: draft }\n\
         \x20 he: { name: עברית, code: IL, date: 2026-02-01, review: draft }\n\
         \x20 ja: { name: 日本語, code: JP, date: 2026-02-01, review: draft }\n",
    );
    std::fs::write(content.join("config.yaml"), config).unwrap();
    let out = tempfile::tempdir().unwrap();
    let output = build_args(
        project.path(),
        out.path(),
        &["--lang", "sv,pt-BR,he,ja", "--layout", "a4-screen", "--no-previews"],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    let session = flyerpress::Session::open(project.path(), Default::default()).unwrap();
    let layout = &session.project.layouts["a4-screen"].layout;
    for (lang, dir, stamp) in [
        ("sv", "ltr", "SE-2026-02-01"),
        ("pt-BR", "ltr", "BR-01/02/2026"),
        ("he", "rtl", "IL-1.2.2026"),
        ("ja", "ltr", "JP-2026/02/01"),
    ] {
        let model = flyerpress::model::resolve::resolve(&session.project, lang, layout);
        assert_eq!(model.lang.dir, dir, "{lang}");
        let text: String = squeeze(&pdf_text(&out.path().join(lang).join("a4-screen.pdf")))
            .chars()
            .filter(|c| !matches!(c, '\u{200e}' | '\u{200f}' | '\u{2066}'..='\u{2069}'))
            .collect();
        assert!(text.contains(stamp), "{lang}: `{stamp}` not in {text}");
    }
}

/// A misspelt key would print the base language's text in its place: it fails its
/// edition with the key it meant; the other editions are built.
#[test]
fn a_misspelt_key_fails_its_edition_with_the_key_it_meant() {
    let project = project_copy();
    edit(&project.path().join("content/en.yaml"), "\ntitle: ", "\ntitel: ");
    let output = build_args(
        project.path(),
        &project.path().join("output"),
        &["--layout", "a4-screen", "--lang", "da,en", "--no-previews"],
    );
    assert_eq!(output.status.code(), Some(1));
    let err = stderr(&output);
    assert!(err.contains("content/en.yaml:3"), "{err}");
    assert!(err.contains("unknown key `titel`; did you mean `title`?"), "{err}");
    assert!(err.contains("failed: en / a4-screen"), "{err}");
    assert!(project.path().join("output/da/a4-screen.pdf").exists());
    assert!(!project.path().join("output/en").exists(), "something was written for en");
    // A key the facts no longer use, like nothing the edition lacks, stays a warning.
    edit(&project.path().join("content/en.yaml"), "\ntitel: ", "\ntitle: ");
    let mut text = std::fs::read_to_string(project.path().join("content/en.yaml")).unwrap();
    text.push_str("retired_key: no longer used\n");
    std::fs::write(project.path().join("content/en.yaml"), text).unwrap();
    let output = build_args(
        project.path(),
        &project.path().join("output"),
        &["--layout", "a4-screen", "--lang", "en", "--no-previews"],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(stderr(&output).contains("string `retired_key` is not used by the facts"));
}

/// A draft says so on every output, in its own language (the stamp's mark and a line
/// above the footer); a reviewed edition does not; `--reviewed-only` leaves drafts out.
#[test]
fn drafts_are_marked_and_left_out_of_a_reviewed_only_build() {
    let project = project_copy();
    let out = tempfile::tempdir().unwrap();
    let output = build_args(project.path(), out.path(), &["--lang", "da,en,zh", "--no-previews"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let session = flyerpress::Session::open(project.path(), Default::default()).unwrap();
    let layouts: Vec<&String> = session.project.layouts.keys().collect();
    for layout in &layouts {
        let text =
            |lang: &str| squeeze(&pdf_text(&out.path().join(lang).join(format!("{layout}.pdf"))));
        let en = text("en");
        assert!(en.contains("27/11/2026·Draft"), "{layout}: no mark in the stamp: {en}");
        assert!(
            en.contains("Draft:thistranslationhasnotyetbeencheckedbyanativespeaker."),
            "{layout}"
        );
        let zh = text("zh");
        assert!(
            zh.contains("2026/11/27·草稿") && zh.contains("草稿：本译文尚未经母语者审校。"),
            "{layout}: {zh}"
        );
        let da = text("da");
        assert!(!da.contains("Udkast"), "{layout}: the reviewed edition is marked");
    }
    let gallery = std::fs::read_to_string(out.path().join("index.html")).unwrap();
    assert!(
        gallery.contains("<p class=\"state draft\">Draft: not yet reviewed"),
        "the gallery hides the draft state"
    );

    let reviewed = tempfile::tempdir().unwrap();
    let output = build_args(
        project.path(),
        reviewed.path(),
        &["--reviewed-only", "--layout", "a4-screen", "--no-previews"],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    let built: Vec<String> = std::fs::read_dir(reviewed.path())
        .unwrap()
        .map(|e| e.unwrap())
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(built, ["da"], "only the reviewed edition");
}

/// The shipped editions pass `check` without a word about their punctuation.
#[test]
fn the_shipped_editions_use_their_languages_punctuation() {
    let shipped = flyerpress(&["check", "--project", repo().to_str().unwrap()]);
    assert!(shipped.status.success(), "{}", stderr(&shipped));
    let quiet = stderr(&shipped);
    assert!(!quiet.contains("quotation marks") && !quiet.contains("full-width"), "{quiet}");
}

/// Quotation marks are the language's (CLDR's, or the house style its config names);
/// Chinese takes full-width punctuation without spaces beside it. `check` warns, naming
/// file, line and key.
#[test]
fn check_warns_about_punctuation_that_is_not_the_languages() {
    let project = project_copy();
    edit(&project.path().join("content/en.yaml"), "“Secret chats”", "„Secret chats“");
    edit(&project.path().join("content/zh.yaml"), "只能手动开启，且", "只能手动开启, 且");
    edit(&project.path().join("content/zh.yaml"), "（服务器之间", "（ 服务器之间");
    edit(
        &project.path().join("content/zh.yaml"),
        "**中心化**尽管服务器代码开源",
        "**中心化** 尽管服务器代码开源",
    );
    let output = flyerpress(&["check", "--project", project.path().to_str().unwrap()]);
    let err = stderr(&output);
    assert!(
        err.contains("content/en.yaml:42:1 (key `footnotes.T`): quotation marks `„` are not `en`'s; CLDR gives “…” and ‘…’"),
        "{err}"
    );
    assert!(
        err.contains("content/zh.yaml:41:1 (key `footnotes.T`): `启,`: Latin punctuation"),
        "{err}"
    );
    assert!(err.contains("(key `notes.rocketchat`): a space next to full-width `（`"), "{err}");
    assert!(
        err.contains("(key `networks.central_open_server`): a space between `化` and `尽`"),
        "{err}"
    );
}

/// `eject` of an edition whose file does not parse says what `build` says, and exits 2.
#[test]
fn ejecting_a_broken_edition_reports_its_problem() {
    let project = project_copy();
    edit(
        &project.path().join("content/da.yaml"),
        "  open: kildeåben (fri) anbefaling",
        "  open: \"kildeåben",
    );
    let out = tempfile::tempdir().unwrap();
    let output = flyerpress(&[
        "eject",
        "--project",
        project.path().to_str().unwrap(),
        "--lang",
        "da",
        "--layout",
        "a4-screen",
        out.path().to_str().unwrap(),
    ]);
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(2), "{err}");
    assert!(err.contains("content/da.yaml:") && err.contains("never closed"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    assert!(std::fs::read_dir(out.path()).unwrap().next().is_none(), "something was written");
}

/// When the manifest cannot be saved after the jobs wrote their files, the run says
/// so truthfully (the files stand, the manifest does not) and exits 3 (a file could
/// not be written), not "nothing was written".
#[test]
fn a_manifest_that_cannot_be_saved_is_reported_after_the_files_are_written() {
    let out = tempfile::tempdir().unwrap();
    // A folder where the manifest file goes: it cannot be replaced by a file.
    std::fs::create_dir_all(out.path().join("manifest.json/blocked")).unwrap();
    let project = project_copy();
    let output = build_args(project.path(), out.path(), &["--lang", "da", "--layout", "a4-screen"]);
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(3), "{err}");
    assert!(err.contains("manifest.json"), "{err}");
    assert!(err.contains("the jobs' files were written"), "{err}");
    assert!(!err.contains("nothing was written"), "{err}");
    assert!(out.path().join("da/a4-screen.pdf").exists());
    assert!(out.path().join("index.html").exists(), "the gallery is still written");
}
