//! The gallery page, `<out>/index.html`, written from the build manifest: an index
//! of the editions (reviewed ones and the base first), then per edition its layouts
//! grouped by what they are for (share online, send to a print shop, print at home,
//! posters), each with a thumbnail, a plain name, one line on its use, and its files
//! with page counts and sizes.
//!
//! The page is in English and says so; every edition's name and version stamp is
//! marked with its own language and direction. Plain, static HTML (no JavaScript)
//! with relative links, so it works opened from disk and served alike; `serve` adds
//! its live-reload script when it serves the page. It is written as well-formed XML.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use crate::error::Error;
use crate::input::content::Review;
use crate::input::keys::Key;
use crate::input::layout::{Format, Purpose};
use crate::input::markup::to_plain;
use crate::input::project::Project;
use crate::model::resolve::version_stamp;
use crate::output::manifest::{JobRecord, Manifest};
use crate::output::names::{GALLERY_FILE, JobId, Output};
use crate::write::write_atomic;
use crate::xml::xml_escape;

/// Where `serve` puts its live-reload script: just before the end of the body.
pub const SCRIPT_SLOT: &str = "</body>";

/// Writes the gallery of what the manifest records and returns its path.
pub fn write_gallery(project: &Project, manifest: &Manifest, out: &Path) -> Result<PathBuf, Error> {
    let path = out.join(GALLERY_FILE);
    write_atomic(&path, gallery_html(project, manifest).as_bytes())?;
    Ok(path)
}

/// The editions in the order the gallery lists them: reviewed editions first, then
/// the base edition (the original the others are translated from), then the drafts;
/// by language code within each group. An edition whose file does not parse is listed
/// too: its files are missing, and the page says why.
pub fn edition_order(project: &Project) -> Vec<&String> {
    let rank = |lang: &String| {
        if project.edition_config(lang).review == Review::Reviewed {
            0
        } else if *lang == project.config.base {
            1
        } else {
            2
        }
    };
    let mut editions: Vec<&String> = project.editions.keys().chain(project.broken.keys()).collect();
    editions.sort_by_key(|lang| (rank(lang), *lang));
    editions
}

/// The gallery page for the jobs the manifest records.
pub fn gallery_html(project: &Project, manifest: &Manifest) -> String {
    let editions = edition_order(project);
    let layouts = project.layouts.len();
    let (title, title_lang) = page_title(project);
    let heading = if title_lang == "en" {
        xml_escape(&title)
    } else {
        own_language(project, &title_lang, &title)
    };
    let mut html = String::new();
    let _ = write!(
        html,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\" />\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\" />\n\
         <title>{title} – every edition</title>\n<style>{STYLE}</style>\n</head>\n<body>\n\
         <header>\n<h1>{heading}</h1>\n\
         <p>{editions} editions in {layouts} layouts, built by flyerpress from one set of \
         facts. Licence: {licence}. This page is in English; each edition is named in its \
         own language.</p>\n",
        title = xml_escape(&title),
        editions = editions.len(),
        licence = xml_escape(&project.facts.licence),
    );
    index(&mut html, project, &editions);
    html.push_str("</header>\n<main>\n");
    for lang in &editions {
        section(&mut html, project, manifest, lang);
    }
    html.push_str("</main>\n</body>\n</html>\n");
    html
}

/// The page's title and its language: the English edition's title where there is one,
/// else the base edition's.
fn page_title(project: &Project) -> (String, String) {
    let title = Key::Title.to_string();
    let english =
        project.editions.iter().find(|(lang, _)| lang.split(['-', '_']).next() == Some("en"));
    english
        .or_else(|| project.editions.get_key_value(&project.config.base))
        .and_then(|(lang, edition)| Some((lang, edition.strings.get(&title)?)))
        .map(|(lang, t)| {
            let plain =
                crate::input::markup::parse(t).map_or_else(|_| t.to_owned(), |r| to_plain(&r));
            (plain, lang.clone())
        })
        .unwrap_or_else(|| ("flyerpress".to_owned(), "en".to_owned()))
}

fn index(html: &mut String, project: &Project, editions: &[&String]) {
    html.push_str("<nav aria-label=\"Editions\">\n<h2>Editions</h2>\n<ul class=\"index\">\n");
    for lang in editions {
        let config = project.edition_config(lang);
        let _ = writeln!(
            html,
            "<li><a href=\"#{lang}-files\">{name}</a> <span class=\"code\">{lang}</span> {badge}</li>",
            name = own_language(project, lang, &config.name),
            badge = badge(project, lang, true),
        );
    }
    html.push_str("</ul>\n</nav>\n");
}

/// A text in an edition's own language, marked so.
fn own_language(project: &Project, lang: &str, text: &str) -> String {
    let dir = project.locale(lang).dir();
    format!("<span lang=\"{lang}\" dir=\"{dir}\">{}</span>", xml_escape(text))
}

/// The review state as a badge, and the base edition's role.
fn badge(project: &Project, lang: &str, short: bool) -> String {
    let mut badges = String::new();
    if lang == project.config.base {
        badges.push_str("<span class=\"badge base\">original text</span> ");
    }
    badges.push_str(match project.edition_config(lang).review {
        Review::Reviewed => "<span class=\"badge reviewed\">✓ reviewed</span>",
        Review::Draft if short => "<span class=\"badge draft\">draft</span>",
        Review::Draft => "<span class=\"badge draft\">draft, not reviewed</span>",
    });
    badges
}

fn section(html: &mut String, project: &Project, manifest: &Manifest, lang: &str) {
    let config = project.edition_config(lang);
    let locale = project.locale(lang);
    let version = Key::Version.to_string();
    let label = project.editions.get(lang).and_then(|e| e.strings.get(&version));
    let stamp = version_stamp(label.unwrap_or_default(), &locale, &config);
    let base = lang == project.config.base;
    let broken = project.broken.contains_key(lang);
    let state = match (config.review, base) {
        _ if broken => {
            "This edition's file has problems (the build says which, with file and line), so \
             its files could not be made."
        }
        (Review::Reviewed, _) => "Reviewed by a speaker of the language: ready to publish.",
        (Review::Draft, true) => {
            "The original text, which the other editions are translated from; still a \
             draft, not final. Every file says so beside its version stamp."
        }
        (Review::Draft, false) => {
            "Draft: not yet reviewed by a speaker of the language. Every file says so \
             beside its version stamp."
        }
    };
    let layouts: Vec<(&String, Purpose)> = project
        .layouts
        .iter()
        .filter(|(name, _)| project.offers(name, lang))
        .map(|(name, file)| (name, file.layout.purpose()))
        .collect();
    // Reviewed editions and the base show their files; drafts fold them, so the page
    // stays short. The index links into the fold, which opens it.
    let open = if config.review == Review::Reviewed || base { " open=\"open\"" } else { "" };
    let _ = write!(
        html,
        "<section id=\"{lang}\">\n<h2>{name} <span class=\"code\">{lang}</span> {badge}</h2>\n\
         <p class=\"state {review}\">{state} Stamp on the flyers: {stamp}</p>\n\
         <details{open}>\n<summary>Files in {count} layouts</summary>\n<div id=\"{lang}-files\">\n",
        name = own_language(project, lang, &config.name),
        badge = badge(project, lang, false),
        review = if broken { "broken".to_owned() } else { config.review.to_string() },
        stamp = own_language(project, lang, &stamp),
        count = layouts.len(),
    );
    for purpose in Purpose::ALL {
        let mut group: Vec<&String> =
            layouts.iter().filter(|(_, p)| *p == purpose).map(|(name, _)| *name).collect();
        if group.is_empty() {
            continue;
        }
        // The recommended layout of a purpose first.
        group.sort_by_key(|name| {
            !project.layouts[*name].layout.gallery.as_ref().is_some_and(|g| g.recommended)
        });
        let _ = write!(html, "<h3>{}</h3>\n<ul class=\"cards\">\n", purpose.heading());
        for layout in group {
            let id = JobId { edition: lang.to_owned(), layout: layout.clone() };
            card(html, project, manifest.jobs.get(&id.key()), &id, &config.name);
        }
        html.push_str("</ul>\n");
    }
    html.push_str("</div>\n</details>\n</section>\n");
}

fn card(html: &mut String, project: &Project, record: Option<&JobRecord>, id: &JobId, name: &str) {
    let layout = &project.layouts[&id.layout].layout;
    let href = |output: Output| id.file(output);
    let pdf = Output::Document(Format::Pdf);
    let entry = layout.gallery.as_ref();
    let title = entry.map_or(id.layout.as_str(), |g| g.name.as_str());
    let thumbnail = record.and_then(|r| r.thumbnail.map(|size| (r, size)));
    html.push_str(if thumbnail.is_some() {
        "<li>\n<div class=\"thumb\">"
    } else {
        "<li>\n<div class=\"thumb none\">"
    });
    match thumbnail {
        // The picture opens the PDF: the file people came for.
        Some((record, [width, height])) => {
            let _ = write!(
                html,
                "<a href=\"{}\" tabindex=\"-1\"><img src=\"{}?v={}\" width=\"{width}\" \
                 height=\"{height}\" alt=\"{} – {} (opens the PDF)\" /></a>",
                href(pdf),
                href(Output::Thumbnail),
                &record.outputs.get(&href(Output::Thumbnail)).map_or("", |o| &o.sha256[..12]),
                xml_escape(name),
                xml_escape(title),
            );
        }
        None if record.is_some() => html.push_str("<span>no preview</span>"),
        None => html.push_str("<span>not built</span>"),
    }
    let recommended = if entry.is_some_and(|g| g.recommended) {
        " <span class=\"badge recommended\">recommended</span>"
    } else {
        ""
    };
    let _ = write!(
        html,
        "</div>\n<h4>{}{recommended}</h4>\n<p class=\"about\">{}</p>\n<p class=\"files\">",
        xml_escape(title),
        entry.map_or(String::new(), |g| xml_escape(&g.about)),
    );
    if let Some(record) = record {
        let mut links = Vec::new();
        // The downloadable files, in the order of `Output::all`.
        for (kind, label) in Output::all().filter_map(|o| Some((o, o.label()?))) {
            if let Some(output) = record.outputs.get(&href(kind)) {
                let pages = match record.pages {
                    _ if kind != pdf => String::new(),
                    1 => "1 page, ".to_owned(),
                    n => format!("{n} pages, "),
                };
                links.push(format!(
                    "<a href=\"{}\">{label}</a> <small>{pages}{}</small>",
                    href(kind),
                    human_size(output.size)
                ));
            }
        }
        html.push_str(&links.join("<br />"));
    }
    let _ = write!(html, "</p>\n<p class=\"name\">--layout {}</p>\n</li>\n", id.layout);
}

/// A file size for people, in decimal units as file managers show them: bytes, kB, MB.
fn human_size(bytes: u64) -> String {
    match bytes {
        0..1000 => format!("{bytes} B"),
        1000..1_000_000 => format!("{} kB", bytes.div_ceil(1000)),
        _ => format!("{:.1} MB", bytes as f64 / 1_000_000.0),
    }
}

const STYLE: &str = "\
:root{--ink:#1a1a1a;--muted:#56616a;--line:#ccd3d8;--accent:#0b5e8a}\
body{font-family:system-ui,sans-serif;margin:0 auto;max-width:80rem;padding:1rem 1.5rem 3rem;color:var(--ink);line-height:1.4}\
h1{font-size:1.7rem;margin:.5rem 0}h2{font-size:1.3rem;margin:0}\
h3{font-size:1rem;margin:1.2rem 0 .5rem;color:var(--muted);text-transform:uppercase;letter-spacing:.04em}\
h4{font-size:1rem;margin:.4rem 0 .1rem}a{color:var(--accent)}\
nav h2{display:block;font-size:1.1rem;margin:1rem 0 .4rem}\
.index{list-style:none;padding:0;display:grid;grid-template-columns:repeat(auto-fill,minmax(16rem,1fr));gap:.3rem 1rem}\
.code{color:var(--muted);font-size:.85em;font-weight:normal}\
.badge{font-size:.8rem;font-weight:bold;padding:.05em .5em;border-radius:.3em;vertical-align:middle;white-space:nowrap;border:1px solid}\
.reviewed.badge{background:#d9f0d3;color:#1e5a1e}.draft.badge{background:#fbe3c8;color:#7a3d00;border-style:dashed}\
.base.badge{background:#dfe7f5;color:#23406e}.recommended.badge{background:#0b5e8a;color:#fff;border-color:#0b5e8a}\
section{border-top:1px solid var(--line);padding:.8rem 0}summary{cursor:pointer;padding:.3rem 0;font-weight:bold;color:var(--accent)}\
[id$=\"-files\"]{scroll-margin-top:9rem}\
.state{margin:.4rem 0;padding:.4rem .7rem;border-left:.3rem solid}\
.state.reviewed{border-color:#3c8c3c;background:#f1f8ef}.state.draft{border-color:#c26a12;background:#fdf3e8}\
.state.broken{border-color:#b3261e;background:#fdecea}\
.cards{list-style:none;padding:0;display:grid;grid-template-columns:repeat(auto-fill,minmax(14rem,1fr));gap:1.2rem}\
.thumb{height:11rem;display:flex;align-items:center;justify-content:center;background:#eef1f3;border:1px solid var(--line)}\
.thumb img{max-width:100%;max-height:11rem;width:auto;height:auto;object-fit:contain;display:block}\
.thumb.none{height:2.5rem;border-style:dashed}.thumb span{color:var(--muted)}.about{margin:.1rem 0;color:var(--muted);font-size:.9rem}\
.files{margin:.3rem 0;font-size:.95rem}.files small{color:var(--muted)}\
.name{margin:0;font-size:.75rem;color:var(--muted);font-family:ui-monospace,monospace}\
@media (max-width:40rem){body{padding:.5rem .8rem 2rem}.cards{grid-template-columns:1fr 1fr;gap:.8rem}.thumb{height:8rem}.thumb img{max-height:8rem}.thumb.none{height:2.5rem}\
.files a{display:inline-block;min-height:2.75rem;line-height:2.75rem}.index a{display:inline-block;min-height:2.75rem;line-height:2.75rem}}";

#[cfg(test)]
mod tests {
    use super::human_size;

    #[test]
    fn sizes_read_well() {
        assert_eq!(human_size(900), "900 B");
        assert_eq!(human_size(69_632), "70 kB");
        assert_eq!(human_size(3_500_000), "3.5 MB");
    }
}
