//! Resolving one job: the facts, one edition's strings and one layout merged into the
//! document model that the template typesets. The model is plain data, serialized to
//! JSON for Typst; no string in it is ever evaluated as Typst code.

use serde::{Deserialize, Serialize};
use typst::layout::Abs;

use crate::contract::{CONTRACT, Contract};
use crate::error::Error;
use crate::input::content::{Column, ColumnKind, Date, EditionConfig, Review, Row};
use crate::input::keys::Key;
use crate::input::layout::{Block, Colors, Fonts, Layout, LegendShape, Page, Side, Sizes};
use crate::input::locale::EditionLocale;
use crate::input::markup::{self, Rich};
use crate::input::project::{EditionFile, Project};
use crate::model::hyphenate::Hyphenator;
use crate::model::impose::{Imposition, impose};
use crate::model::widths::SolvedWidths;

/// Everything the template needs to typeset one edition in one layout.
#[derive(Debug, Clone, Serialize)]
pub struct Document {
    /// What the template and flyerpress agree on (see [`crate::contract`]).
    pub contract: Contract,
    /// Language and writing direction.
    pub lang: Lang,
    /// PDF metadata.
    pub meta: Meta,
    /// Page, colours, fonts and sizes from the layout.
    pub style: Style,
    /// The title.
    pub title: Rich,
    /// Legend entries: status id and its explanation.
    pub legend: Vec<LegendEntry>,
    /// Column headings, in order.
    pub columns: Vec<Heading>,
    /// Sections with their rows of cells.
    pub sections: Vec<Section>,
    /// Footnotes in print order.
    pub footnotes: Vec<Footnote>,
    /// The links printed under the footnotes.
    pub links: Vec<Link>,
    /// The licence line.
    pub licence: String,
    /// The version stamp, e.g. "Version: DK - 01.02.2026"; a draft's ends with the
    /// draft mark.
    pub version: String,
    /// For a draft edition, the line that says so.
    pub draft_note: Option<Rich>,
    /// The publisher's site.
    pub site: Link,
}

/// Language settings for Typst.
#[derive(Debug, Clone, Serialize)]
pub struct Lang {
    /// The edition code, e.g. `da` or `pt-BR`.
    pub edition: String,
    /// ISO 639 language, e.g. `da`.
    pub language: String,
    /// ISO 3166 region, if the edition code has one.
    pub region: Option<String>,
    /// `ltr` or `rtl`.
    pub dir: &'static str,
    /// The script most of the edition's letters are in, as an ISO 15924 code (`Latn`,
    /// `Grek`, `Cyrl`, `Arab`, `Hani`): the template sets line spacing by it.
    pub script: String,
}

/// Document metadata.
#[derive(Debug, Clone, Serialize)]
pub struct Meta {
    /// Title, plain.
    pub title: String,
    /// Subject: the title with the version stamp.
    pub subject: String,
    /// Author / publisher.
    pub author: String,
    /// Keywords.
    pub keywords: Vec<String>,
    /// The edition's date.
    pub date: Date,
    /// Whether the text is reviewed or a draft.
    pub review: Review,
}

impl Document {
    /// The model as the JSON file the template reads.
    pub fn to_json(&self) -> Result<Vec<u8>, Error> {
        serde_json::to_vec(self)
            .map_err(|e| Error::Internal(format!("failed to serialize the document model: {e}")))
    }

    /// The model as the template's probe pages read it (`fit.probe`: each side's
    /// content alone, on a page as wide as the page area and as tall as the content).
    /// What only colours or places the pages is made the same in every layout: the
    /// colours (all black), links (live), bleed, stripe and sheet. Layouts of an
    /// edition that differ in nothing else (a screen and a print file of one paper
    /// size) then probe alike, and share their probes (see [`crate::typeset::shared::SharedLayouts`]).
    pub fn for_probe(&self) -> Document {
        let mut model = self.clone();
        let style = &mut model.style;
        style.colors = style.colors.unpainted();
        style.links = true;
        style.bleed_mm = 0.0;
        style.stripe = StripeModel { height_mm: 0.0, inset_mm: 0.0, bleeds: false };
        style.sheet = None;
        model
    }

    /// The model as the template's measure pages of `part` read it (`fit.measure`:
    /// table cells alone, at one size): besides what [`Document::for_probe`] leaves
    /// out, the page, the sides, the legend's shape and every size are made the same
    /// in every layout, but for the small size where the headings (their notes) are
    /// measured. An edition's layouts then measure their body cells alike, and share
    /// that measure; the headings, with those of the layouts of the same small size.
    pub fn for_measure(&self, part: MeasurePart) -> Document {
        let mut model = self.for_probe();
        let style = &mut model.style;
        (style.width_mm, style.height_mm, style.margin_mm, style.margin_top_mm) =
            (0.0, 0.0, 0.0, 0.0);
        style.legend = LegendShape::default();
        style.sides = Vec::new();
        style.sizes = Sizes {
            body_min: 0.0,
            body_max: 0.0,
            title_scale: 0.0,
            min_text_pt: 0.0,
            small_scale: match part {
                MeasurePart::Headings => style.sizes.small_scale,
                MeasurePart::Cells => 0.0,
            },
            ..style.sizes.clone()
        };
        style.column_widths = None;
        model.style.fit = Some(SizeRequest {
            measure: true,
            part: Some(part),
            ..SizeRequest::probe(crate::model::widths::REFERENCE_PT)
        });
        model
    }
}

/// The layout's settings that reach the template.
#[derive(Debug, Clone, Serialize)]
pub struct Style {
    /// Page width in millimetres.
    pub width_mm: f64,
    /// Page height in millimetres.
    pub height_mm: f64,
    /// Margin in millimetres, on every side but the top.
    pub margin_mm: f64,
    /// Top margin in millimetres: the margin, or more to clear the stripe.
    pub margin_top_mm: f64,
    /// Bleed in millimetres.
    pub bleed_mm: f64,
    /// The band along the top edge.
    pub stripe: StripeModel,
    /// Whether links are live (PDF link annotations); print files have none.
    pub links: bool,
    /// How the legend is set: `column` or `row`.
    pub legend: LegendShape,
    /// What each side shows, front first: one page (or sheet page) per side.
    pub sides: Vec<Vec<BlockModel>>,
    /// Copies on a sheet with cut marks, for layouts that impose.
    pub sheet: Option<Imposition>,
    /// Colours, in the layout's colour mode.
    pub colors: Colors,
    /// Font families.
    pub fonts: Fonts,
    /// Type sizes.
    pub sizes: Sizes,
    /// The body size flyerpress chose (or is trying); absent, the template searches it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fit: Option<SizeRequest>,
    /// The column widths flyerpress solved for each body size tried (see
    /// [`crate::typeset::columns`]). Absent, the template uses fixed fractions.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column_widths: Option<SolvedWidths>,
}

/// The stripe as the template draws it.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct StripeModel {
    /// Visible height on the trimmed page, in millimetres.
    pub height_mm: f64,
    /// Distance of its top from the trimmed edge, in millimetres.
    pub inset_mm: f64,
    /// Whether it runs on into the bleed, to the edge of the medium.
    pub bleeds: bool,
}

/// A block of a side, as the template reads it: `{"kind": "title"}`, or for a table
/// `{"kind": "table", "sections": ["chat"]}`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BlockModel {
    /// What the block is.
    pub kind: BlockKind,
    /// The sections a table shows, in order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub sections: Vec<String>,
}

/// The kinds of block a side has, as the template names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum BlockKind {
    /// The title.
    Title,
    /// The title again, smaller, on a back side.
    RunningTitle,
    /// The colour legend.
    Legend,
    /// A table of one or more sections.
    Table,
    /// The footnotes.
    Footnotes,
    /// The footer: links, licence, version.
    Footer,
}

/// A layout's sides as the template reads them: consecutive sections form one table,
/// `table` stands for every section.
pub fn side_blocks(sides: &[Side], all_sections: &[String]) -> Vec<Vec<BlockModel>> {
    sides
        .iter()
        .map(|side| {
            let mut blocks: Vec<BlockModel> = Vec::new();
            for item in &side.0 {
                let (kind, sections) = match item {
                    Block::Title => (BlockKind::Title, Vec::new()),
                    Block::RunningTitle => (BlockKind::RunningTitle, Vec::new()),
                    Block::Legend => (BlockKind::Legend, Vec::new()),
                    Block::Footnotes => (BlockKind::Footnotes, Vec::new()),
                    Block::Footer => (BlockKind::Footer, Vec::new()),
                    Block::Table => (BlockKind::Table, all_sections.to_vec()),
                    Block::Section(id) => (BlockKind::Table, vec![id.clone()]),
                };
                match blocks.last_mut() {
                    Some(last) if kind == BlockKind::Table && last.kind == BlockKind::Table => {
                        last.sections.extend(sections)
                    }
                    _ => blocks.push(BlockModel { kind, sections }),
                }
            }
            blocks
        })
        .collect()
}

/// A body size given to the template.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SizeRequest {
    /// The body size in points.
    pub body_size: f64,
    /// Whether to lay out only the content, on a page as tall as it is, to measure it.
    pub probe: bool,
    /// The height each side leaves unused at this size, in millimetres: the template
    /// spends it as row padding, so that tables end the same distance above the
    /// footnotes in every edition. Empty when probing.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub spare_mm: Vec<f64>,
    /// Whether to lay out, instead of the page, each column's content at this size
    /// unbroken and broken at every opportunity, to measure it.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub measure: bool,
    /// Which cells a measure lays out; all where absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub part: Option<MeasurePart>,
}

/// Part of a table's cells to measure: the column headings (set with the small size
/// for their notes) or the body cells (the same in every layout).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MeasurePart {
    /// The column headings.
    Headings,
    /// The body cells.
    Cells,
}

impl SizeRequest {
    /// The content alone at `body_size`, on a page as tall as it is.
    pub fn probe(body_size: f64) -> Self {
        SizeRequest { body_size, probe: true, spare_mm: Vec::new(), measure: false, part: None }
    }

    /// The pages at `body_size`, each side's table rows padded to take `spare_mm` more.
    pub fn page(body_size: f64, spare_mm: Vec<f64>) -> Self {
        SizeRequest { probe: false, spare_mm, ..Self::probe(body_size) }
    }
}

impl Style {
    /// The page area inside the margins, as the template computes it.
    pub fn area(&self) -> (Abs, Abs) {
        let margin = Abs::mm(self.margin_mm);
        let top = Abs::mm(self.margin_top_mm);
        (Abs::mm(self.width_mm) - 2.0 * margin, Abs::mm(self.height_mm) - top - margin)
    }
}

/// A legend entry.
#[derive(Debug, Clone, Serialize)]
pub struct LegendEntry {
    /// The status it explains (its colour).
    pub status: String,
    /// What its cells show besides the colour (symbol, mark), drawn in the swatch.
    pub sign: String,
    /// The explanation.
    pub text: Rich,
}

/// A column heading.
#[derive(Debug, Clone, Serialize)]
pub struct Heading {
    /// Column id.
    pub id: String,
    /// Column kind.
    pub kind: ColumnKind,
    /// Heading text.
    pub title: Rich,
    /// Second line, if any.
    pub note: Option<Rich>,
    /// Link target of the heading, if any.
    pub link: Option<String>,
}

/// A section of the table.
#[derive(Debug, Clone, Serialize)]
pub struct Section {
    /// Section id, as the layout's sides name it.
    pub id: String,
    /// Heading text.
    pub title: Rich,
    /// Rows; each row holds the cells that start in it (cells merged from above are left out).
    pub rows: Vec<Vec<Cell>>,
}

/// A table cell.
#[derive(Debug, Clone, Serialize)]
pub struct Cell {
    /// Its column, counted from 0.
    pub column: usize,
    /// Kind of its column.
    pub kind: ColumnKind,
    /// Lines of text.
    pub lines: Vec<Rich>,
    /// Footnote markers and status symbols printed after the text, e.g. "(T) 1".
    pub marks: String,
    /// Status id of a status cell (its fill colour).
    pub status: Option<String>,
    /// How many rows the cell covers.
    pub rowspan: usize,
}

/// A footnote.
#[derive(Debug, Clone, Serialize)]
pub struct Footnote {
    /// Its label, e.g. "(A)".
    pub label: String,
    /// Its text.
    pub text: Rich,
}

/// A link with its label.
#[derive(Debug, Clone, Serialize)]
pub struct Link {
    /// Text before the link with the gap after it, e.g. "Mere information: ".
    pub label: Rich,
    /// The target.
    pub url: String,
    /// The target as printed, without the scheme.
    pub display: String,
}

/// Looks up an edition's strings, falling back to the base edition where one is
/// missing ([`crate::driver::check`] has reported those already).
struct Texts<'a> {
    edition: &'a EditionFile,
    base: &'a EditionFile,
    rtl: bool,
    /// Marks where running text may break; `None` for languages without patterns.
    hyphenator: Option<Hyphenator>,
}

impl Texts<'_> {
    /// Text that keeps its own left-to-right order (names, URLs, codes, markers): in a
    /// right-to-left edition it is wrapped in Unicode isolates (LRI ... PDI), so the
    /// bidirectional algorithm neither reorders it nor moves its punctuation.
    fn ltr(&self, text: impl Into<String>) -> String {
        let text = text.into();
        if self.rtl && !text.is_empty() { format!("\u{2066}{text}\u{2069}") } else { text }
    }

    fn rich(&self, key: &Key) -> Rich {
        let path = key.to_string();
        let text = self.edition.strings.get(&path).or_else(|| self.base.strings.get(&path));
        // `check` makes sure the base has every key; one missing all the same is
        // printed as its name, never as nothing.
        let Some(text) = text else { return markup::plain(format!("[{path}]")) };
        // Checked up front; a string that still fails is shown as written.
        markup::parse(text).unwrap_or_else(|_| markup::plain(text))
    }

    /// A string of running text, with soft hyphens where it may break.
    fn prose(&self, key: &Key) -> Rich {
        let rich = self.rich(key);
        match &self.hyphenator {
            Some(hyphenator) => hyphenator.rich(rich),
            None => rich,
        }
    }

    fn plain(&self, key: &Key) -> String {
        markup::to_plain(&self.rich(key))
    }
}

/// Builds the document model of one edition in one layout. The project must have
/// passed [`crate::driver::check::check`].
pub fn resolve(project: &Project, lang: &str, layout: &Layout) -> Document {
    let facts = &project.facts;
    let edition_config = project.edition_config(lang);
    let locale = project.locale(lang);
    let (language, region, dir) = (locale.language(), locale.region(), locale.dir());
    let edition = &project.editions[lang];
    let base = &project.editions[&project.config.base];
    let texts = &Texts {
        edition,
        base,
        rtl: dir == "rtl",
        hyphenator: Hyphenator::new(lang, &edition_config.hyphenation, names(project, edition)),
    };
    let title = texts.rich(&Key::Title);
    let legend = facts
        .statuses
        .iter()
        .filter(|(_, s)| s.legend)
        .map(|(id, status)| LegendEntry {
            status: id.clone(),
            sign: texts.ltr(status.sign(layout.status_symbols)),
            text: texts.rich(&Key::Legend(id.clone())),
        })
        .collect();
    let columns = facts.columns.iter().map(|c| heading(c, project, texts)).collect();
    let sections = facts
        .sections
        .iter()
        .map(|(id, rows)| Section {
            id: id.clone(),
            title: texts.rich(&Key::Section(id.clone())),
            rows: section_rows(rows.iter().collect(), project, texts, layout.status_symbols),
        })
        .collect();
    let footnotes = facts
        .footnotes
        .iter()
        .map(|id| Footnote {
            label: texts.ltr(format!("({id})")),
            text: texts.prose(&Key::Footnote(id.clone())),
        })
        .collect();
    let links = facts
        .footer_links
        .iter()
        .map(|id| link(texts, labelled(texts.rich(&Key::Link(id.clone()))), &facts.links[id]))
        .collect();
    let draft = edition_config.review == Review::Draft;
    let version = version_line(texts, &locale, &edition_config);
    Document {
        contract: CONTRACT,
        lang: Lang { edition: lang.to_owned(), dir, language, region, script: script(edition) },
        meta: Meta {
            title: markup::to_plain(&title),
            subject: format!("{}, {}", markup::to_plain(&title), version),
            author: project.config.publisher.clone(),
            keywords: project.config.keywords.clone(),
            date: edition_config.date,
            review: edition_config.review,
        },
        style: style(project, layout),
        title,
        legend,
        columns,
        sections,
        footnotes,
        links,
        licence: texts.ltr(facts.licence.clone()),
        version,
        draft_note: draft.then(|| texts.prose(&Key::DraftNote)),
        site: link(texts, Vec::new(), &facts.links["site"]),
    }
}

/// The page's geometry, colours and type from the layout, before any size is chosen.
fn style(project: &Project, layout: &Layout) -> Style {
    let (width_mm, height_mm) = layout.page.size_mm();
    let sections: Vec<String> = project.facts.sections.keys().cloned().collect();
    Style {
        width_mm,
        height_mm,
        margin_mm: layout.page.margin_mm,
        margin_top_mm: layout.page.margin_top_mm(),
        bleed_mm: layout.page.bleed_mm,
        stripe: stripe_model(&layout.page),
        links: !layout.pdf.is_pdfx(),
        legend: layout.legend,
        sides: side_blocks(&layout.sides, &sections),
        sheet: layout.sheet.as_ref().and_then(|sheet| impose(&layout.page, sheet)),
        colors: project.palettes[&layout.palette].palette.resolve(layout.color_mode),
        fonts: layout.fonts.clone(),
        sizes: layout.sizes.clone(),
        fit: None,
        column_widths: None,
    }
}

/// The version line as printed: `Version: DK - 01.02.2026`, and a draft's mark.
fn version_line(texts: &Texts, locale: &EditionLocale, edition: &EditionConfig) -> String {
    let label = texts.plain(&Key::Version);
    let mut version = format!("{label}{}", label_gap(&label));
    version.push_str(&texts.ltr(version_stamp("", locale, edition)));
    if edition.review == Review::Draft {
        version = format!("{version} · {}", texts.plain(&Key::DraftMark));
    }
    version
}

/// What follows a label before the text it names: a space, unless the label ends in
/// full-width punctuation (`版本：`), which carries its own space.
fn label_gap(label: &str) -> &'static str {
    let full_width = |c: char| matches!(c, '\u{3000}'..='\u{303F}' | '\u{FF00}'..='\u{FF60}');
    if label.ends_with(full_width) { "" } else { " " }
}

/// A label with the gap to the text it names (see [`label_gap`]).
fn labelled(mut label: Rich) -> Rich {
    let gap = label_gap(&markup::to_plain(&label));
    label.extend(markup::plain(gap));
    label
}

fn stripe_model(page: &Page) -> StripeModel {
    let stripe = page.stripe();
    StripeModel {
        height_mm: stripe.height_mm,
        inset_mm: stripe.inset_mm,
        bleeds: stripe.inset_mm == 0.0 && page.bleed_mm > 0.0,
    }
}

/// The version stamp, e.g. "Version: DK - 01.02.2026".
pub fn version_stamp(label: &str, locale: &EditionLocale, edition: &EditionConfig) -> String {
    // The stamp reads left to right in every edition (code, then date): the marks CLDR
    // puts in a right-to-left locale's date would turn it around.
    let date = locale.format_date(edition.date).replace(['\u{200e}', '\u{200f}', '\u{61c}'], "");
    let stamp = format!("{} - {date}", edition.code);
    if label.is_empty() { stamp } else { format!("{label}{}{stamp}", label_gap(label)) }
}

fn heading(column: &Column, project: &Project, texts: &Texts) -> Heading {
    Heading {
        id: column.id.clone(),
        kind: column.kind,
        title: whole(texts.rich(&Key::Column(column.id.clone()))),
        note: column.note.then(|| texts.rich(&Key::ColumnNote(column.id.clone()))),
        link: column.link.as_ref().map(|l| project.facts.links[l].clone()),
    }
}

/// Text that never breaks between Chinese or Japanese characters, as headings and
/// names must not: its spans in such a script are marked whole, and the template sets
/// each on one line. (Typst breaks between any two such characters, as running text
/// may; Latin headings and names break only at spaces, as they get no soft hyphens.)
fn whole(rich: Rich) -> Rich {
    use unicode_script::{Script, UnicodeScript};
    let ideographic =
        |c: char| matches!(c.script(), Script::Han | Script::Hiragana | Script::Katakana);
    rich.into_iter()
        .map(|span| markup::Span { whole: span.text.chars().any(ideographic), ..span })
        .collect()
}

/// The rows of a section; a network cell covers the following rows that share it.
fn section_rows(
    rows: Vec<(&String, &Row)>,
    project: &Project,
    texts: &Texts,
    symbols: bool,
) -> Vec<Vec<Cell>> {
    let mut out = Vec::with_capacity(rows.len());
    for (index, (id, row)) in rows.iter().enumerate() {
        let mut cells = Vec::new();
        for (column_index, column) in project.facts.columns.iter().enumerate() {
            let marks = texts.ltr(markers(row, &column.id));
            let cell = |lines: Vec<Rich>, marks: String| Cell {
                column: column_index,
                kind: column.kind,
                lines,
                marks,
                status: None,
                rowspan: 1,
            };
            match column.kind {
                ColumnKind::Systems => {
                    let names =
                        row.systems.iter().map(|s| system_name(s, project, texts)).collect();
                    cells.push(cell(names, marks));
                }
                ColumnKind::Apps => {
                    let lines = if row.note {
                        vec![texts.prose(&Key::Note(id.to_string()))]
                    } else if row.apps.is_empty() {
                        Vec::new()
                    } else {
                        vec![markup::plain(texts.ltr(format!("{}, ...", row.apps.join(", "))))]
                    };
                    cells.push(cell(lines, marks));
                }
                ColumnKind::Network => {
                    let continues = index > 0 && rows[index - 1].1.network == row.network;
                    if !continues {
                        let span = rows[index..]
                            .iter()
                            .take_while(|(_, r)| r.network == row.network)
                            .count();
                        let text = texts.prose(&Key::Network(row.network.clone()));
                        cells.push(Cell { rowspan: span, ..cell(vec![text], marks) });
                    }
                }
                ColumnKind::Status => {
                    let status = &row.status[&column.id];
                    let sign = project.facts.statuses[status].sign(symbols);
                    let marks = [texts.ltr(sign), marks]
                        .into_iter()
                        .filter(|m| !m.is_empty())
                        .collect::<Vec<_>>()
                        .join(" ");
                    cells.push(Cell { status: Some(status.clone()), ..cell(Vec::new(), marks) });
                }
                ColumnKind::Location => {
                    let text = texts.prose(&Key::Location(row.location.clone()));
                    cells.push(cell(vec![text], marks));
                }
            }
        }
        out.push(cells);
    }
    out
}

/// The script most letters of an edition's strings are written in.
fn script(edition: &EditionFile) -> String {
    use unicode_script::{Script, UnicodeScript};
    let mut counts = std::collections::BTreeMap::<&str, usize>::new();
    for text in edition.strings.0.values() {
        for c in text.chars().filter(|c| c.is_alphabetic()) {
            let script = c.script();
            if !matches!(script, Script::Common | Script::Inherited | Script::Unknown) {
                *counts.entry(script.short_name()).or_default() += 1;
            }
        }
    }
    // Latin names (systems, apps) stand in every edition: another script that is
    // present at all is the edition's own.
    let own = counts.iter().filter(|(s, _)| **s != "Latn").max_by_key(|(_, n)| **n);
    own.or_else(|| counts.iter().max_by_key(|(_, n)| **n)).map_or("Latn", |(s, _)| s).to_owned()
}

/// The names the edition prints: systems and apps. Hyphenation never breaks them.
fn names<'a>(project: &'a Project, edition: &'a EditionFile) -> Vec<&'a str> {
    let facts = &project.facts;
    let mut names: Vec<&str> = facts.systems.values().filter_map(|s| s.name.as_deref()).collect();
    names.extend(
        facts
            .systems
            .keys()
            .filter_map(|id| edition.strings.get(&Key::System(id.clone()).to_string())),
    );
    for rows in facts.sections.values() {
        names.extend(rows.values().flat_map(|row| row.apps.iter().map(String::as_str)));
    }
    names
}

fn system_name(id: &str, project: &Project, texts: &Texts) -> Rich {
    match &project.facts.systems[id].name {
        // A proper name (Facebook Messenger) stands whole on its line.
        Some(name) => markup::plain(texts.ltr(name.clone()))
            .into_iter()
            .map(|s| markup::Span { whole: true, ..s })
            .collect(),
        None => whole(texts.rich(&Key::System(id.to_string()))),
    }
}

/// The markers of a cell as printed: letters in parentheses, numbers bare.
fn markers(row: &Row, column: &str) -> String {
    let Some(markers) = row.markers.get(column) else { return String::new() };
    let printed: Vec<String> = markers
        .iter()
        .map(|m| if m.chars().all(|c| c.is_ascii_digit()) { m.clone() } else { format!("({m})") })
        .collect();
    printed.join(" ")
}

fn link(texts: &Texts, label: Rich, url: &str) -> Link {
    let display = url.trim_start_matches("https://").trim_start_matches("http://");
    Link { label, url: url.to_owned(), display: texts.ltr(display.trim_end_matches('/')) }
}
