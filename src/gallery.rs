//! The gallery page, `<out>/index.html`: every edition x layout with its thumbnail,
//! the language's name in its own script, and links to the files with their sizes.
//! Plain, static HTML (no JavaScript) with relative links, so it works opened from
//! disk and served from a web server alike. It is written as well-formed XML.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use crate::build::{JobId, PREVIEW_EXTENSION, THUMBNAIL_EXTENSION, output_path};
use crate::content::Review;
use crate::error::Error;
use crate::export::xml_escape;
use crate::project::Project;
use crate::write::write_atomic;

/// The gallery's file name inside the output folder.
pub const GALLERY_FILE: &str = "index.html";

/// The downloadable files of an entry, in the order they are listed.
const FILES: [(&str, &str); 3] = [("pdf", "PDF"), ("svg", "SVG"), (PREVIEW_EXTENSION, "PNG")];

/// Writes the gallery of everything found under `out` and returns its path.
pub fn write_gallery(project: &Project, out: &Path) -> Result<PathBuf, Error> {
    let path = out.join(GALLERY_FILE);
    write_atomic(&path, gallery_html(project, out).as_bytes())?;
    Ok(path)
}

/// The gallery page for the files present under `out`.
pub fn gallery_html(project: &Project, out: &Path) -> String {
    let title = project
        .editions
        .get(&project.config.base)
        .and_then(|e| e.strings.get("title"))
        .unwrap_or("flyerpress");
    let mut html = String::new();
    let _ = write!(
        html,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\" />\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\" />\n\
         <title>{} – every edition</title>\n<style>{STYLE}</style>\n</head>\n<body>\n\
         <h1>{}</h1>\n<p>Every edition in every layout, built by flyerpress. Licence: {}.</p>\n",
        xml_escape(title),
        xml_escape(title),
        xml_escape(&project.facts.licence),
    );
    // The base edition first, then the others by language code.
    let base = &project.config.base;
    let others = project.editions.keys().filter(|lang| *lang != base);
    for lang in std::iter::once(base).chain(others) {
        section(&mut html, project, out, lang);
    }
    html.push_str("</body>\n</html>\n");
    html
}

fn section(html: &mut String, project: &Project, out: &Path, lang: &str) {
    let config = project.edition_config(lang);
    let locale = project.locale(lang);
    let dir = locale.dir();
    let review = match config.review {
        Review::Reviewed => "<span class=\"review reviewed\">Reviewed</span>",
        Review::Draft => {
            "<span class=\"review draft\">Draft: not yet reviewed by a speaker; \
             the flyers say so</span>"
        }
    };
    let _ = write!(
        html,
        "<section id=\"{lang}\">\n<h2><span lang=\"{lang}\" dir=\"{dir}\">{}</span> \
         <small>{lang} · {} · {}</small> {review}</h2>\n<ul>\n",
        xml_escape(&config.name),
        xml_escape(&config.code),
        xml_escape(&locale.format_date(config.date)),
    );
    for layout in project.layouts.keys().filter(|layout| project.offers(layout, lang)) {
        let id = JobId { edition: lang.to_owned(), layout: layout.clone() };
        entry(html, out, &id, &config.name);
    }
    html.push_str("</ul>\n</section>\n");
}

fn entry(html: &mut String, out: &Path, id: &JobId, name: &str) {
    let href = |extension: &str| format!("{}/{}.{extension}", id.edition, id.layout);
    let thumbnail = output_path(out, id, THUMBNAIL_EXTENSION);
    html.push_str("<li>\n");
    match png_size(&thumbnail) {
        Some((width, height)) => {
            let _ = writeln!(
                html,
                "<a href=\"{}\"><img src=\"{}\" width=\"{width}\" height=\"{height}\" \
                 alt=\"{} – {}\" /></a>",
                href(PREVIEW_EXTENSION),
                href(THUMBNAIL_EXTENSION),
                xml_escape(name),
                id.layout
            );
        }
        None => html.push_str("<div class=\"missing\">not built</div>\n"),
    }
    let _ = write!(html, "<p class=\"layout\">{}</p>\n<p>", id.layout);
    let mut links = Vec::new();
    for (extension, label) in FILES {
        let path = output_path(out, id, extension);
        if let Ok(metadata) = std::fs::metadata(&path) {
            links.push(format!(
                "<a href=\"{}\">{label}</a> {}",
                href(extension),
                human_size(metadata.len())
            ));
        }
    }
    html.push_str(&links.join(" · "));
    html.push_str("</p>\n</li>\n");
}

/// Width and height of a PNG file, read from its header.
fn png_size(path: &Path) -> Option<(u32, u32)> {
    let bytes = std::fs::read(path).ok()?;
    if bytes.len() < 24 || &bytes[..8] != b"\x89PNG\r\n\x1a\n" {
        return None;
    }
    let number =
        |at: usize| u32::from_be_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]]);
    Some((number(16), number(20)))
}

/// A file size for people: bytes, KiB or MiB.
fn human_size(bytes: u64) -> String {
    match bytes {
        0..1024 => format!("{bytes} B"),
        1024..1_048_576 => format!("{} KiB", bytes.div_ceil(1024)),
        _ => format!("{:.1} MiB", bytes as f64 / 1_048_576.0),
    }
}

const STYLE: &str = "body{font-family:system-ui,sans-serif;margin:2rem;color:#1a1a1a}\
h2 small{font-weight:normal;color:#5f6b73;font-size:.7em}\
ul{list-style:none;padding:0;display:flex;flex-wrap:wrap;gap:1.5rem}\
li{width:400px}img{max-width:100%;height:auto;border:1px solid #ccd3d8}\
.layout{font-weight:bold;margin:.3rem 0 0}p{margin:.2rem 0}\
.review{font-size:.6em;padding:.15em .5em;border-radius:.3em;vertical-align:middle}\
.reviewed{background:#d9f0d3;color:#1e5a1e}.draft{background:#fbe3c8;color:#7a3d00}\
.missing{height:120px;background:#eceff1;display:flex;align-items:center;justify-content:center}";

#[cfg(test)]
mod tests {
    use super::human_size;

    #[test]
    fn sizes_read_well() {
        assert_eq!(human_size(900), "900 B");
        assert_eq!(human_size(69_632), "68 KiB");
        assert_eq!(human_size(3_500_000), "3.3 MiB");
    }
}
