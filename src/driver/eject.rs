//! Ejecting one edition in one layout as a standalone Typst project: the templates,
//! the merged document model as `document.json`, and a note on fonts and how to
//! compile it with the typst CLI or the Typst web app, for users who want to tweak a
//! single edition by hand.

use std::fmt::Write as _;
use std::path::Path;

use crate::driver::build::{BuildOptions, plan};
use crate::driver::session::Session;
use crate::error::Error;
use crate::input::content::variant_name;
use crate::input::layout::PdfStandard;
use crate::model::resolve::resolve;
use crate::typeset::world::DOCUMENT_PATH;
use crate::write::write_atomic;

/// Writes the standalone project into `dir`, telling `written` of each file as it is
/// written. Everything is prepared before the first file is written, so that an
/// error in the input leaves `dir` as it was. The main file is the layout's
/// template, under its own name.
pub fn eject(
    session: &Session,
    lang: &str,
    layout_name: &str,
    dir: &Path,
    mut written: impl FnMut(&Path),
) -> Result<(), Error> {
    let project = &session.project;
    // An unknown edition or layout, or one the layout is not made for.
    let selection = BuildOptions {
        langs: vec![lang.to_owned()],
        layouts: vec![layout_name.to_owned()],
        ..Default::default()
    };
    plan(project, &selection)?;
    // An edition whose file or strings are broken cannot be ejected, as it cannot be
    // built: the same problems as `build` reports.
    if let Some(problems) = session.broken.get(lang) {
        return Err(Error::Invalid(problems.clone()));
    }
    let layout = &project.layouts[layout_name].layout;
    // The model as flyerpress lays it out, with the body size, column widths and row
    // padding it chose: the page is the same. An edition that does not fit is ejected
    // from the resolved model all the same, without a size (the template searches
    // one), to be fixed by hand.
    let typeset = session.typeset(lang, layout_name).ok();
    let body_size =
        typeset.as_ref().and_then(|t| t.document.style.fit.as_ref()).map(|f| f.body_size);
    let document = match &typeset {
        Some(typeset) => typeset.model_for_search(),
        None => resolve(project, lang, layout),
    };
    let mut json = serde_json::to_string_pretty(&document)
        .map_err(|e| Error::Internal(format!("failed to serialize the document model: {e}")))?;
    json.push('\n');
    let mut files = vec![(DOCUMENT_PATH.trim_start_matches('/').to_owned(), json.into_bytes())];
    files.extend(project.templates.files());
    files
        .push(("README.md".to_owned(), readme(session, lang, layout_name, body_size).into_bytes()));
    for (relative, bytes) in files {
        let path = dir.join(relative);
        write_atomic(&path, &bytes)?;
        written(&path);
    }
    Ok(())
}

fn readme(session: &Session, lang: &str, layout_name: &str, body_size: Option<f64>) -> String {
    let project = &session.project;
    let layout = &project.layouts[layout_name].layout;
    let fonts = project.fonts_dir();
    let fonts = std::fs::canonicalize(&fonts).unwrap_or(fonts);
    let fonts = fonts.display();
    let standards: Vec<String> = layout
        .pdf
        .standards
        .iter()
        .map(|s| match s {
            // The typst CLI writes no PDF/X: an ejected print layout gives plain PDF 1.6.
            PdfStandard::X4 => "1.6".to_owned(),
            other => variant_name(other),
        })
        .collect();
    let standards = if standards.is_empty() {
        String::new()
    } else {
        format!(" --pdf-standard {}", standards.join(","))
    };
    let mut text = format!(
        "# Edition `{lang}` in layout `{layout_name}`, ejected by flyerpress\n\n\
         `{template}` is the template; `document.json` holds everything it prints (the facts,\n\
         the `{lang}` strings and the layout's settings, merged). Edit either, then compile:\n\n\
         ```sh\n\
         typst compile --root . --ignore-system-fonts --font-path {fonts}{standards} \\\n    {template} {lang}-{layout_name}.pdf\n\
         ```\n\n",
        template = layout.template,
    );
    if let Some(size) = body_size {
        let _ = write!(
            text,
            "`style.fit` holds the body size flyerpress chose (`\"body_size\": {size}`) and the\n\
             row padding that ends the table where every edition's ends. After editing the\n\
             text, remove `fit` from `style`: the template then searches the largest size,\n\
             between `body_min` and `body_max` in `style.sizes`, at which the content fits.\n\n"
        );
    }
    let _ = write!(
        text,
        "## Fonts\n\n\
         The page uses only the fonts bundled with the flyerpress project, in\n\
         `{fonts}`:\n\n",
    );
    for family in &layout.fonts.body {
        let _ = writeln!(text, "- {family}");
    }
    text.push_str(
        "\nPass that folder with `--font-path` (and `--ignore-system-fonts`, so that the\n\
         result is the same on every machine). In the Typst web app, upload the font files\n\
         of that folder and the files of this one into one project. Under the SIL Open\n\
         Font License, keep the fonts' OFL.txt with any copy of the fonts.\n",
    );
    if layout.page.bleed_mm > 0.0 {
        text.push_str(
            "\nflyerpress adds a BleedBox to print PDFs after Typst writes them; the typst CLI\n\
             writes the MediaBox and TrimBox only.\n",
        );
    }
    text
}
