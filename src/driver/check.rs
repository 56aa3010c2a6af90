//! Project-wide checks that the facts, layouts and translations fit together: every
//! reference resolves and the base edition has every string the facts need.

use std::collections::{BTreeMap, BTreeSet};

use crate::error::{Location, Problem, Problems};
use crate::input::content::{ColumnKind, Facts, Row};
use crate::input::keys::Key;
use crate::input::layout::{Block, ColorMode, Layout, Sizes, Vision};
use crate::input::locale::EditionLocale;
use crate::input::markup;
use crate::input::project::{LayoutFile, PaletteFile, Project, SourceFile};
use crate::typeset::world::Typesetter;

/// Every key a language file holds for the facts, as dotted paths (`legend.open`).
pub fn text_keys(facts: &Facts) -> Vec<String> {
    Key::all(facts).iter().map(Key::to_string).collect()
}

/// How strict a check is.
#[derive(Debug, Clone, Copy, Default)]
pub struct CheckOptions {
    /// Treat a string missing from an edition as an error instead of falling back.
    pub strict: bool,
}

/// What checking a project found.
#[derive(Debug, Default)]
pub struct Findings {
    /// Problems that stop the whole build: shared files, the base edition.
    pub fatal: Problems,
    /// Problems of one edition other than the base: only its jobs fail.
    pub editions: BTreeMap<String, Vec<Problem>>,
    /// Warnings.
    pub warnings: Vec<Problem>,
}

/// Checks the whole project and sorts what it finds into problems that stop every
/// job, problems of single editions, and warnings.
pub fn check(project: &Project, typesetter: &Typesetter, options: CheckOptions) -> Findings {
    let (mut fatal, warnings) = check_all(project, typesetter, options);
    let editions = fatal.split_off_by(|problem| {
        project
            .editions
            .iter()
            .find(|(lang, e)| **lang != project.config.base && e.file.path == problem.location.file)
            .map(|(lang, _)| lang.clone())
    });
    Findings { fatal, editions, warnings }
}

fn check_all(
    project: &Project,
    typesetter: &Typesetter,
    options: CheckOptions,
) -> (Problems, Vec<Problem>) {
    let mut errors = Problems::default();
    let mut warnings = Vec::new();
    check_config(project, &mut errors);
    warn_unconfigured(project, &mut warnings);
    check_facts(project, &mut errors);
    check_layouts(project, typesetter, &mut errors);
    warn_unknown_exceptions(project, &mut warnings);
    check_strings(project, options, &mut errors, &mut warnings);
    check_punctuation(project, &mut warnings);
    if project.editions.contains_key(&project.config.base) {
        check_coverage(project, typesetter, &mut errors);
    }
    (errors, warnings)
}

fn check_config(project: &Project, errors: &mut Problems) {
    let config = &project.config;
    for (lang, edition) in &project.editions {
        let language = lang.split(['-', '_']).next().unwrap_or_default();
        if !(2..=3).contains(&language.len()) || !language.chars().all(|c| c.is_ascii_alphabetic())
        {
            errors.push(
                Location::file(&edition.file.path),
                format!(
                    "`{lang}` does not start with a language code; name the file after an \
                     ISO 639 code, e.g. `da.yaml` or `pt-BR.yaml`"
                ),
            );
        }
    }
    if !project.editions.contains_key(&config.base) {
        errors.push(
            project.config_file.locate("base"),
            format!(
                "base language `{}` has no file content/{}.yaml; editions found: {}",
                config.base,
                config.base,
                names(project.editions.keys())
            ),
        );
    }
    if !config.editions.contains_key(&config.base) {
        errors.push(
            project.config_file.locate("editions"),
            format!("the base edition `{}` needs an entry under `editions`", config.base),
        );
    }
    for (lang, edition) in &config.editions {
        if let Some(tag) = &edition.locale
            && EditionLocale::parse(tag).is_none()
        {
            errors.push(
                project.config_file.locate(&format!("editions.{lang}.locale")),
                format!(
                    "edition `{lang}`: locale `{tag}` is not a BCP 47 tag; expected a language \
                     code with optional script and region, e.g. `en-150` or `pt-BR`"
                ),
            );
        }
        if !project.editions.contains_key(lang) && !project.broken.contains_key(lang) {
            errors.push(
                project.config_file.locate(&format!("editions.{lang}")),
                format!("edition `{lang}` is configured but has no file content/{lang}.yaml"),
            );
        }
    }
}

/// Editions that have a file but no entry under `editions` build with defaults.
fn warn_unconfigured(project: &Project, warnings: &mut Vec<Problem>) {
    for lang in project.editions.keys() {
        if !project.config.editions.contains_key(lang) {
            let defaults = project.edition_config(lang);
            warnings.push(Problem::new(
                project.config_file.locate("editions"),
                format!(
                    "edition `{lang}` has no entry under `editions`; using code `{}`, the base \
                     edition's date and review state `draft`",
                    defaults.code
                ),
            ));
        }
    }
}

fn check_facts(project: &Project, errors: &mut Problems) {
    let facts = &project.facts;
    let file = &project.facts_file;
    check_links(facts, file, errors);
    let status_columns: Vec<&str> = facts
        .columns
        .iter()
        .filter(|c| c.kind == ColumnKind::Status)
        .map(|c| c.id.as_str())
        .collect();
    let mut seen_rows = BTreeSet::new();
    for (section, rows) in &facts.sections {
        for (id, row) in rows {
            let at = |field: &str| file.locate(&format!("sections.{section}.{id}.{field}"));
            if !seen_rows.insert(id.as_str()) {
                errors.push(at(""), format!("row id `{id}` is used twice; row ids must be unique"));
            }
            check_row(facts, row, &status_columns, &at, errors);
        }
    }
}

/// Every link a column or the footer names is defined, and so is the publisher's site.
fn check_links(facts: &Facts, file: &SourceFile, errors: &mut Problems) {
    let expected = names(facts.links.keys());
    for (index, column) in facts.columns.iter().enumerate() {
        if let Some(link) = &column.link
            && !facts.links.contains_key(link)
        {
            let key = format!("columns.{index}.link");
            errors.push(file.locate(&key), unknown("link", link, &expected));
        }
    }
    for link in &facts.footer_links {
        if !facts.links.contains_key(link) {
            errors.push(file.locate("footer_links"), unknown("link", link, &expected));
        }
    }
    if !facts.links.contains_key("site") {
        errors.push(file.locate("links"), "missing link `site`, the publisher's address");
    }
}

/// One row names known systems, a known status for every status column and none
/// other, and markers of known columns that have footnotes.
fn check_row(
    facts: &Facts,
    row: &Row,
    status_columns: &[&str],
    at: &dyn Fn(&str) -> Location,
    errors: &mut Problems,
) {
    if row.systems.is_empty() {
        errors.push(at("systems"), "a row must name at least one system");
    }
    for system in &row.systems {
        if !facts.systems.contains_key(system) {
            errors.push(at("systems"), unknown("system", system, &names(facts.systems.keys())));
        }
    }
    if row.note && !row.apps.is_empty() {
        errors.push(at("note"), "a row has either `apps` or `note`, not both");
    }
    for column in status_columns {
        match row.status.get(*column) {
            None => errors.push(at("status"), format!("missing the status of column `{column}`")),
            Some(status) if !facts.statuses.contains_key(status) => {
                let expected = names(facts.statuses.keys());
                errors.push(at(&format!("status.{column}")), unknown("status", status, &expected));
            }
            Some(_) => {}
        }
    }
    for column in row.status.keys() {
        if !status_columns.contains(&column.as_str()) {
            let expected = status_columns.join("`, `");
            errors.push(
                at(&format!("status.{column}")),
                format!("`{column}` is not a status column; expected one of `{expected}`"),
            );
        }
    }
    for (column, markers) in &row.markers {
        if !facts.columns.iter().any(|c| c.id == *column) {
            let expected = names(facts.columns.iter().map(|c| &c.id));
            errors.push(at(&format!("markers.{column}")), unknown("column", column, &expected));
        }
        for marker in markers {
            if !facts.footnotes.contains(marker) {
                errors.push(
                    at(&format!("markers.{column}")),
                    format!(
                        "marker `{marker}` has no footnote; add it to `footnotes` (found: {})",
                        names(facts.footnotes.iter())
                    ),
                );
            }
        }
    }
}

/// A layout's `except` naming an edition the project does not have is only a warning:
/// layouts outlive editions, and a project without Greek may keep the shipped layouts.
fn warn_unknown_exceptions(project: &Project, warnings: &mut Vec<Problem>) {
    for file in project.layouts.values() {
        for edition in &file.layout.except {
            if !project.editions.contains_key(edition) && !project.broken.contains_key(edition) {
                warnings.push(Problem::new(
                    file.file.locate("except"),
                    format!(
                        "`{edition}` is not an edition of this project, so excepting it does \
                         nothing; editions are {}",
                        names(project.editions.keys())
                    ),
                ));
            }
        }
    }
}

fn check_layouts(project: &Project, typesetter: &Typesetter, errors: &mut Problems) {
    for file in project.palettes.values() {
        check_palette(project, file, errors);
    }
    for (name, file) in &project.layouts {
        let layout = &file.layout;
        let at = |key: &str| file.file.locate(key);
        match project.palettes.get(&layout.palette) {
            None => errors.push(
                at("palette"),
                format!(
                    "unknown palette `{}`; expected one of {} (layouts/palettes/<name>.yaml)",
                    layout.palette,
                    names(project.palettes.keys())
                ),
            ),
            Some(palette) if layout.color_mode == ColorMode::Cmyk => {
                if palette.palette.text.cmyk != [0.0, 0.0, 0.0, 100.0] {
                    errors.push(
                        palette.file.locate("text.cmyk"),
                        format!(
                            "layout `{name}` prints in CMYK: text must be [0, 0, 0, 100] (100 % K)"
                        ),
                    );
                }
            }
            Some(_) => {}
        }
        for family in &layout.fonts.body {
            if !typesetter.has_family(family) {
                errors.push(
                    at("fonts.body"),
                    format!(
                        "font family `{family}` is not among the bundled fonts in {}",
                        project.fonts_dir().display()
                    ),
                );
            }
        }
        if layout.fonts.body.is_empty() {
            errors.push(at("fonts.body"), "name at least one font family");
        }
        if layout.outputs.is_empty() {
            errors.push(at("outputs"), "name at least one output format");
        }
        check_lengths(layout, &at, errors);
        check_sizes(&layout.sizes, &at, errors);
        check_sides(project, layout, &at, errors);
        check_pdf(file, &at, errors);
    }
}

/// Every side shows something, and every section a side names exists.
fn check_sides(
    project: &Project,
    layout: &Layout,
    at: &dyn Fn(&str) -> Location,
    errors: &mut Problems,
) {
    if layout.sides.is_empty() {
        errors.push(at("sides"), "name at least one side");
    }
    for (index, side) in layout.sides.iter().enumerate() {
        if side.0.is_empty() {
            errors.push(at("sides"), format!("side {} shows no block", index + 1));
        }
        for block in &side.0 {
            if let Block::Section(id) = block
                && !project.facts.sections.contains_key(id)
            {
                errors.push(
                    at("sides"),
                    format!(
                        "side {} names section `{id}`, which the facts do not have; expected \
                         one of {}",
                        index + 1,
                        names(project.facts.sections.keys())
                    ),
                );
            }
        }
    }
}

/// A PDF/X layout prints in CMYK and names a CMYK output profile.
fn check_pdf(file: &LayoutFile, at: &dyn Fn(&str) -> Location, errors: &mut Problems) {
    let layout = &file.layout;
    if !layout.pdf.is_pdfx() {
        return;
    }
    if layout.color_mode != ColorMode::Cmyk {
        errors.push(at("color_mode"), "a PDF/X-4 layout prints in CMYK: set `color_mode: cmyk`");
    }
    if layout.pdf.output_intent.is_none() {
        errors.push(
            at("pdf.standards"),
            "PDF/X-4 needs `pdf.output_intent` with the ICC profile and condition of the print",
        );
    }
    if let Some(profile) = &file.profile
        && let Err(why) = crate::output::prepress::check_cmyk_profile(profile)
    {
        errors.push(at("pdf.output_intent.profile"), why);
    }
}

fn check_palette(project: &Project, file: &PaletteFile, errors: &mut Problems) {
    check_status_contrast(file, errors);
    let palette = &file.palette;
    for status in project.facts.statuses.keys() {
        if !palette.status.contains_key(status) {
            errors.push(file.file.locate("status"), format!("no colour for status `{status}`"));
        }
    }
    for (role, swatch) in palette.swatches() {
        if swatch.cmyk.iter().any(|v| !(0.0..=100.0).contains(v)) {
            errors.push(
                file.file.locate(&format!("{role}.cmyk")),
                "CMYK values are per cent, from 0 to 100",
            );
        }
        if swatch.ink() > MAX_INK {
            errors.push(
                file.file.locate(&format!("{role}.cmyk")),
                format!("total ink {} % is above the {MAX_INK} % print shops accept", swatch.ink()),
            );
        }
    }
}

/// The least difference in lightness (CIE L*) between two status colours, for readers
/// with typical colour vision, deuteranopia and protanopia alike, and so in grey.
pub const MIN_STATUS_CONTRAST: f64 = 12.0;

/// Status colours must differ in lightness, not only in hue: about 1 in 12 men cannot
/// tell red from green, and office printers print grey.
fn check_status_contrast(file: &PaletteFile, errors: &mut Problems) {
    let statuses: Vec<_> = file.palette.status.iter().collect();
    for (i, (a, first)) in statuses.iter().enumerate() {
        for (b, second) in &statuses[i + 1..] {
            for vision in Vision::ALL {
                let difference =
                    (first.rgb.lightness_for(vision) - second.rgb.lightness_for(vision)).abs();
                if difference < MIN_STATUS_CONTRAST {
                    errors.push(
                        file.file.locate(&format!("status.{b}.rgb")),
                        format!(
                            "status colours `{a}` and `{b}` differ by {difference:.1} in lightness \
                             (L*) for {vision:?} vision; at least {MIN_STATUS_CONTRAST} keeps \
                             them apart in grey and for colour-blind readers"
                        ),
                    );
                }
            }
        }
    }
}

/// The most ink (sum of C, M, Y and K in per cent) a print colour may use.
pub const MAX_INK: f64 = 330.0;

fn check_lengths(layout: &Layout, at: &dyn Fn(&str) -> Location, errors: &mut Problems) {
    let page = &layout.page;
    let (width, height) = page.size_mm();
    if !(0.0..width.min(height) / 3.0).contains(&page.margin_mm) {
        errors.push(
            at("page.margin_mm"),
            format!("margin {} mm does not leave room for content", page.margin_mm),
        );
    }
    if !(0.0..=page.margin_mm).contains(&page.safety_mm) {
        errors.push(
            at("page.safety_mm"),
            format!(
                "safety margin {} mm must be between 0 and the margin, {} mm",
                page.safety_mm, page.margin_mm
            ),
        );
    }
    let stripe = page.stripe();
    if stripe.height_mm < 0.0 || stripe.inset_mm < 0.0 || stripe.height_mm > height / 10.0 {
        errors.push(
            at("page.stripe"),
            format!(
                "stripe of {} mm at {} mm from the edge; expected a height up to a tenth of the \
                 page, {:.0} mm",
                stripe.height_mm,
                stripe.inset_mm,
                height / 10.0
            ),
        );
    }
    if !(0.0..=20.0).contains(&page.bleed_mm) {
        errors.push(
            at("page.bleed_mm"),
            format!("bleed {} mm is out of range; expected 0 to 20", page.bleed_mm),
        );
    }
    if let Some(sheet) = &layout.sheet {
        if sheet.copies == 0 {
            errors.push(at("sheet.copies"), "a sheet needs at least one copy");
        }
        match crate::model::impose::impose(page, sheet) {
            None => errors.push(
                at("sheet"),
                format!(
                    "{} copies of {width} x {height} mm do not fit on the sheet at actual size",
                    sheet.copies
                ),
            ),
            Some(imposition) => {
                // The copies' nearest ink to the sheet's edge: the margin, and the
                // stripe when it is set in from the top.
                let [x, y] = imposition.front[0];
                let ink_top = if stripe.inset_mm > 0.0 { stripe.inset_mm } else { 0.0 };
                let clear = (x + page.margin_mm).min(y + ink_top.min(page.margin_top_mm()));
                if clear < sheet.margin_mm - 1e-9 {
                    errors.push(
                        at("page.margin_mm"),
                        format!(
                            "ink would come {clear:.1} mm from the sheet's edge, inside the \
                             printer's unprintable {} mm: widen the page margin or set the \
                             stripe in (`stripe.inset_mm`)",
                            sheet.margin_mm
                        ),
                    );
                }
            }
        }
    }
}

fn check_sizes(sizes: &Sizes, at: &dyn Fn(&str) -> Location, errors: &mut Problems) {
    for (key, size) in [("body_min", sizes.body_min), ("body_max", sizes.body_max)] {
        if !(1.0..=200.0).contains(&size) {
            errors.push(
                at(&format!("sizes.{key}")),
                format!("type size {size} pt is out of range; expected 1 to 200"),
            );
        }
    }
    if sizes.body_min > sizes.body_max {
        errors.push(at("sizes.body_min"), "body_min is larger than body_max");
    }
    if sizes.body_min * sizes.small_scale < sizes.min_text_pt - 1e-9 {
        errors.push(
            at("sizes.body_min"),
            format!(
                "at body_min {} pt the fine print (small_scale {}) would be {:.2} pt, below \
                 min_text_pt {} pt: raise body_min to {:.1} pt or small_scale",
                sizes.body_min,
                sizes.small_scale,
                sizes.body_min * sizes.small_scale,
                sizes.min_text_pt,
                (sizes.min_text_pt / sizes.small_scale * 10.0).ceil() / 10.0
            ),
        );
    }
    for (key, scale) in [("title_scale", sizes.title_scale), ("small_scale", sizes.small_scale)] {
        if !(0.1..=10.0).contains(&scale) {
            errors.push(
                at(&format!("sizes.{key}")),
                format!("scale {scale} is out of range; expected 0.1 to 10"),
            );
        }
    }
}

fn check_strings(
    project: &Project,
    options: CheckOptions,
    errors: &mut Problems,
    warnings: &mut Vec<Problem>,
) {
    let keys = text_keys(&project.facts);
    let base = &project.config.base;
    for (lang, edition) in &project.editions {
        for key in &keys {
            if edition.strings.get(key).is_some() {
                continue;
            }
            let location = Location::file(&edition.file.path).key(key);
            if lang == base {
                errors.push(
                    location,
                    format!("missing string `{key}` in the base language `{base}`"),
                );
            } else if options.strict {
                errors.push(location, format!("edition `{lang}` has no string `{key}` (--strict)"));
            } else {
                warnings.push(Problem::new(
                    location,
                    format!("edition `{lang}` has no string `{key}`; the base text is used"),
                ));
            }
        }
        // A key the facts do not use, close to one the edition lacks, is a typo: its
        // text would never print, and the base text would print in its place.
        let lacking: Vec<&String> =
            keys.iter().filter(|key| edition.strings.get(key).is_none()).collect();
        for (key, text) in &edition.strings.0 {
            if !keys.contains(key) {
                match lacking.iter().find(|lacked| near_miss(key, lacked)) {
                    Some(near) => errors.push(
                        edition.file.locate(key),
                        format!(
                            "unknown key `{key}`; did you mean `{near}`? (edition `{lang}` \
                             has no `{near}`, so its text would not be printed)"
                        ),
                    ),
                    None => warnings.push(Problem::new(
                        edition.file.locate(key),
                        format!("string `{key}` is not used by the facts"),
                    )),
                }
            } else if let Err(e) = markup::parse(text) {
                errors.push(edition.file.locate(key), e.to_string());
            }
        }
    }
}

/// Every character an edition prints must have a glyph in the layout's fonts; Typst
/// would otherwise draw an empty box without a word.
fn check_coverage(project: &Project, typesetter: &Typesetter, errors: &mut Problems) {
    let facts = &project.facts;
    let base = &project.editions[&project.config.base];
    for (lang, edition) in &project.editions {
        let mut texts: Vec<(Location, String)> = text_keys(facts)
            .into_iter()
            .map(|key| {
                let text = edition.strings.get(&key).or_else(|| base.strings.get(&key));
                (edition.file.locate(&key), text.unwrap_or_default().to_owned())
            })
            .collect();
        let config = project.edition_config(lang);
        let stamp = crate::model::resolve::version_stamp("", &project.locale(lang), &config);
        texts.push((project.config_file.locate(&format!("editions.{lang}")), stamp));
        texts.extend(fact_texts(project));
        for (location, text) in &texts {
            for c in unique_printed_chars(text) {
                let missing: Vec<&str> = project
                    .layouts
                    .iter()
                    .filter(|(_, l)| !typesetter.covers(&l.layout.fonts.body, c))
                    .map(|(name, _)| name.as_str())
                    .collect();
                if !missing.is_empty() {
                    errors.push(
                        location.clone(),
                        format!(
                            "edition `{lang}`: character `{c}` (U+{:04X}) is not covered by any \
                             font of layout(s) {}",
                            c as u32,
                            missing.join(", ")
                        ),
                    );
                }
            }
        }
    }
}

/// Printed texts that come from the facts, the same in every edition.
fn fact_texts(project: &Project) -> Vec<(Location, String)> {
    let facts = &project.facts;
    let file = &project.facts_file;
    let mut texts = vec![(file.locate("licence"), facts.licence.clone())];
    for (id, system) in &facts.systems {
        if let Some(name) = &system.name {
            texts.push((file.locate(&format!("systems.{id}.name")), name.clone()));
        }
    }
    for (section, rows) in &facts.sections {
        for (id, row) in rows {
            let key = format!("sections.{section}.{id}.apps");
            texts.extend(row.apps.iter().map(|app| (file.locate(&key), app.clone())));
        }
    }
    for (id, status) in &facts.statuses {
        if let Some(mark) = &status.mark {
            texts.push((file.locate(&format!("statuses.{id}.mark")), mark.clone()));
        }
    }
    texts.extend(
        facts.links.iter().map(|(id, url)| (file.locate(&format!("links.{id}")), url.clone())),
    );
    texts
}

/// Every quotation mark of any locale, and the typewriter's. `’` is left out: it is
/// the apostrophe too.
const QUOTATION_MARKS: &str = "\"“”„‟‚‘«»‹›「」『』〝〞＂";

/// Punctuation as the edition's language writes it: quotation marks from its locale
/// (CLDR) or its config's `quotes`; in Chinese and Japanese, full-width punctuation
/// next to the characters, without spaces beside it.
fn check_punctuation(project: &Project, warnings: &mut Vec<Problem>) {
    for (lang, edition) in &project.editions {
        let config = project.edition_config(lang);
        let locale = project.locale(lang);
        let cldr = locale.quotation_marks();
        let mut allowed: String = cldr.concat().concat();
        allowed.extend(config.quotes.iter().flat_map(|pair| pair.chars()));
        let shown = cldr.iter().map(|[open, close]| format!("{open}…{close}"));
        let shown: Vec<String> = shown.collect();
        let cjk = |c: char| {
            use unicode_script::{Script, UnicodeScript};
            matches!(c.script(), Script::Han | Script::Hiragana | Script::Katakana)
        };
        let full_width = |c: char| matches!(c, '\u{3000}'..='\u{303F}' | '\u{FF01}'..='\u{FF60}');
        for (key, text) in &edition.strings.0 {
            let mut warn = |message: String| {
                warnings.push(Problem::new(edition.file.locate(key), message));
            };
            let mut foreign: Vec<char> = text
                .chars()
                .filter(|c| QUOTATION_MARKS.contains(*c) && !allowed.contains(*c))
                .collect();
            foreign.dedup();
            if !foreign.is_empty() {
                let marks: String =
                    foreign.iter().map(|c| format!("`{c}`")).collect::<Vec<_>>().join(", ");
                warn(format!(
                    "quotation marks {marks} are not `{lang}`'s; CLDR gives {} (or add the \
                     pair to `editions.{lang}.quotes` in content/config.yaml)",
                    shown.join(" and ")
                ));
            }
            // As printed: the markup's `**` are not text.
            let printed =
                markup::parse(text).map_or_else(|_| text.clone(), |r| markup::to_plain(&r));
            let chars: Vec<char> = printed.chars().collect();
            for triple in chars.windows(3) {
                if cjk(triple[0]) && triple[1] == ' ' && cjk(triple[2]) {
                    let [a, _, b] = [triple[0], triple[1], triple[2]];
                    warn(format!("a space between `{a}` and `{b}`: CJK text takes none"));
                }
            }
            for pair in chars.windows(2) {
                let (a, b) = (pair[0], pair[1]);
                let latin = |c: char| ",.:;!?()".contains(c);
                if (cjk(a) && latin(b)) || (latin(a) && cjk(b)) {
                    warn(format!(
                        "`{a}{b}`: Latin punctuation next to a character; CJK text takes the \
                         full-width form (，。：；！？（）)"
                    ));
                } else if (full_width(a) && b == ' ') || (a == ' ' && full_width(b)) {
                    warn(format!(
                        "a space next to full-width `{}`: full-width punctuation carries its \
                         own space",
                        if a == ' ' { b } else { a }
                    ));
                }
            }
        }
    }
}

/// Whether `key` looks like a typo for `meant`: the same path up to the last part, and
/// a last part of at least three letters one edit (two from six letters on) away.
fn near_miss(key: &str, meant: &str) -> bool {
    let split = |k: &'_ str| -> (String, String) {
        match k.rsplit_once('.') {
            Some((path, last)) => (path.to_owned(), last.to_owned()),
            None => (String::new(), k.to_owned()),
        }
    };
    let ((path, last), (meant_path, meant_last)) = (split(key), split(meant));
    let edits = if meant_last.chars().count() >= 6 { 2 } else { 1 };
    path == meant_path
        && meant_last.chars().count() >= 3
        && strsim::damerau_levenshtein(&last, &meant_last) <= edits
}

/// The characters of a text that need a glyph, each once: not whitespace, controls or
/// invisible formatting characters (joiners, direction marks).
fn unique_printed_chars(text: &str) -> Vec<char> {
    let invisible = |c: char| matches!(c, '\u{200B}'..='\u{200F}' | '\u{2028}'..='\u{202E}' | '\u{2060}'..='\u{206F}' | '\u{FEFF}');
    let mut chars: Vec<char> =
        text.chars().filter(|&c| !c.is_whitespace() && !c.is_control() && !invisible(c)).collect();
    chars.sort_unstable();
    chars.dedup();
    chars
}

fn unknown(what: &str, name: &str, expected: &str) -> String {
    let candidates = expected.split('`').skip(1).step_by(2);
    match crate::input::load::suggest(name, candidates) {
        Some(near) => {
            format!("unknown {what} `{name}`; did you mean `{near}`? (expected one of {expected})")
        }
        None => format!("unknown {what} `{name}`; expected one of {expected}"),
    }
}

fn names<'a>(items: impl Iterator<Item = &'a String>) -> String {
    let list: Vec<String> = items.map(|s| format!("`{s}`")).collect();
    if list.is_empty() { "(none)".to_owned() } else { list.join(", ") }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    /// The test project (`tests/fixtures/project`) with the repository's layouts, after
    /// `edit` changed its files in a temporary copy.
    fn fixture(edit: impl FnOnce(&Path)) -> (tempfile::TempDir, Project) {
        fn copy(from: &Path, to: &Path) {
            std::fs::create_dir_all(to).unwrap();
            for entry in std::fs::read_dir(from).unwrap() {
                let path = entry.unwrap().path();
                let target = to.join(path.file_name().unwrap());
                if path.is_dir() {
                    copy(&path, &target);
                } else {
                    std::fs::copy(&path, target).unwrap();
                }
            }
        }
        let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
        let dir = tempfile::tempdir().unwrap();
        copy(&repo.join("tests/fixtures/project/content"), &dir.path().join("content"));
        copy(&repo.join("layouts"), &dir.path().join("layouts"));
        edit(dir.path());
        let project = Project::load(dir.path()).unwrap();
        (dir, project)
    }

    fn replace(root: &Path, file: &str, from: &str, to: &str) {
        let path = root.join(file);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains(from), "{file} has no {from:?}");
        std::fs::write(path, text.replacen(from, to, 1)).unwrap();
    }

    /// The checks that need no fonts, as `check` runs them: errors and warnings, each
    /// problem as it is printed.
    fn findings(project: &Project, options: CheckOptions) -> (Vec<String>, Vec<String>) {
        let mut errors = Problems::default();
        let mut warnings = Vec::new();
        check_config(project, &mut errors);
        warn_unconfigured(project, &mut warnings);
        check_facts(project, &mut errors);
        warn_unknown_exceptions(project, &mut warnings);
        check_strings(project, options, &mut errors, &mut warnings);
        check_punctuation(project, &mut warnings);
        let text = |p: &Problem| p.to_string();
        (errors.into_sorted().iter().map(text).collect(), warnings.iter().map(text).collect())
    }

    #[test]
    fn the_test_project_is_clean_but_for_the_shipped_layouts_greek_exception() {
        let (_dir, project) = fixture(|_| {});
        let (errors, warnings) = findings(&project, CheckOptions { strict: true });
        assert!(errors.is_empty(), "{errors:#?}");
        assert_eq!(warnings.len(), 1, "{warnings:#?}");
        assert!(warnings[0].contains("(key `except`): `el` is not an edition"), "{warnings:#?}");
    }

    #[test]
    fn a_marker_without_a_footnote_is_an_error_at_its_key() {
        let (_dir, project) = fixture(|root| {
            replace(root, "content/facts.yaml", "server: [S], location", "server: [S, X], location")
        });
        let (errors, _) = findings(&project, CheckOptions::default());
        assert_eq!(errors.len(), 1, "{errors:#?}");
        assert!(errors[0].contains("(key `sections.chat.signal.markers.server`)"), "{errors:#?}");
        assert!(errors[0].contains("marker `X` has no footnote"), "{errors:#?}");
    }

    #[test]
    fn a_missing_string_falls_back_with_a_warning_or_under_strict_is_an_error() {
        let (_dir, project) =
            fixture(|root| replace(root, "content/en.yaml", "  none: no server\n", ""));
        let message = "edition `en` has no string `legend.none`";
        let (errors, warnings) = findings(&project, CheckOptions::default());
        assert!(errors.is_empty(), "{errors:#?}");
        assert!(warnings.iter().any(|w| w.contains(message)), "{warnings:#?}");
        let (errors, _) = findings(&project, CheckOptions { strict: true });
        assert!(
            errors.iter().any(|e| e.contains(message) && e.contains("--strict")),
            "{errors:#?}"
        );
    }

    #[test]
    fn a_string_missing_from_the_base_edition_is_an_error_even_when_lenient() {
        let (_dir, project) =
            fixture(|root| replace(root, "content/de.yaml", "  none: kein Server\n", ""));
        let (errors, _) = findings(&project, CheckOptions::default());
        assert!(
            errors.iter().any(|e| e.contains("missing string `legend.none` in the base language")),
            "{errors:#?}"
        );
    }

    #[test]
    fn a_misspelt_key_is_an_error_and_a_retired_one_a_warning() {
        let (_dir, project) = fixture(|root| {
            replace(root, "content/en.yaml", "\ntitle: ", "\ntitel: ");
            replace(root, "content/da.yaml", "\ntitle: ", "\nretired: x\ntitle: ");
        });
        let (errors, warnings) = findings(&project, CheckOptions::default());
        assert!(
            errors.iter().any(|e| e.contains("en.yaml:3:1")
                && e.contains("unknown key `titel`; did you mean `title`?")),
            "{errors:#?}"
        );
        assert!(
            warnings.iter().any(|w| w.contains("string `retired` is not used by the facts")),
            "{warnings:#?}"
        );
    }

    #[test]
    fn a_locale_that_is_not_a_language_tag_is_an_error() {
        let (_dir, project) = fixture(|root| {
            replace(root, "content/config.yaml", "locale: en-150", "locale: english!")
        });
        let (errors, _) = findings(&project, CheckOptions::default());
        assert!(
            errors.iter().any(|e| e.contains("(key `editions.en.locale`)")
                && e.contains("locale `english!` is not a BCP 47 tag")),
            "{errors:#?}"
        );
    }

    #[test]
    fn quotation_marks_of_another_language_are_a_warning() {
        let (_dir, project) = fixture(|root| {
            replace(root, "content/da.yaml", "»Hemmelige chats«", "„Hemmelige chats“")
        });
        let (errors, warnings) = findings(&project, CheckOptions::default());
        assert!(errors.is_empty(), "{errors:#?}");
        assert!(
            warnings
                .iter()
                .any(|w| w.contains("(key `footnotes.T`): quotation marks `„` are not `da`'s")),
            "{warnings:#?}"
        );
    }

    #[test]
    fn near_misses_are_typos_of_a_lacking_key() {
        assert!(near_miss("titel", "title"));
        assert!(near_miss("legend.opne", "legend.open"));
        assert!(near_miss("columns.encrpytoin", "columns.encryption"));
        assert!(!near_miss("legend.opne", "columns.open"), "another path");
        assert!(!near_miss("footnotes.X", "footnotes.B"), "one-letter keys");
        assert!(!near_miss("retired_key", "title"));
    }
}
