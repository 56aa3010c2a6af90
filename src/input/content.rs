//! The content of the overview: project settings, the language-neutral facts, and
//! one file of strings per language, as read from `content/`.

use std::collections::BTreeMap;
use std::fmt;

use indexmap::IndexMap;
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::{Deserialize, Serialize};

/// `content/config.yaml`: the base language, publisher and the editions' data.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// The language the other editions are translated from.
    pub base: String,
    /// Publisher, written into the PDF metadata as author.
    pub publisher: String,
    /// Keywords for the PDF metadata.
    #[serde(default)]
    pub keywords: Vec<String>,
    /// Per-edition data, keyed by language code.
    #[serde(default)]
    pub editions: IndexMap<String, EditionConfig>,
}

/// The data of one edition that is not text to translate.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EditionConfig {
    /// The language's name in its own script, e.g. `Dansk`.
    pub name: String,
    /// The code in the version stamp, e.g. `DK`.
    pub code: String,
    /// The edition's date.
    pub date: Date,
    /// Whether a speaker has reviewed the text.
    pub review: Review,
    /// Hyphenation exceptions: words with a hyphen where they may break (`kilde-kode`)
    /// or with none where they may not (`Android`), replacing the language's patterns.
    #[serde(default)]
    pub hyphenation: Vec<String>,
    /// The locale whose conventions (direction, date) the edition follows, as a BCP 47
    /// tag, where the edition code is not that locale: `en-150` for English as written
    /// in Europe. Absent, the code.
    #[serde(default)]
    pub locale: Option<String>,
    /// Quotation marks the edition uses besides its locale's (CLDR's), as pairs of
    /// opening and closing mark: `["»«"]` for the Danish and German book style.
    #[serde(default)]
    pub quotes: Vec<String>,
}

/// Whether an edition's text has been reviewed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Review {
    /// Checked by a speaker of the language.
    Reviewed,
    /// Our own draft, not yet checked.
    Draft,
}

impl fmt::Display for Review {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(&variant_name(self))
    }
}

/// The name a unit variant has in the YAML files (serde's), for messages and pages.
pub fn variant_name<T: Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(name)) => name,
        _ => String::new(),
    }
}

/// A calendar date written `YYYY-MM-DD`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Date {
    /// Year, e.g. 2026.
    pub year: i32,
    /// Month, 1 to 12.
    pub month: u8,
    /// Day of the month, 1 to 31.
    pub day: u8,
}

impl Date {
    /// Parses `YYYY-MM-DD`, checking the day exists.
    pub fn parse(text: &str) -> Option<Self> {
        let mut parts = text.split('-');
        let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
        if parts.next().is_some() || y.len() != 4 || m.len() != 2 || d.len() != 2 {
            return None;
        }
        let date = Self { year: y.parse().ok()?, month: m.parse().ok()?, day: d.parse().ok()? };
        let leap = date.year % 4 == 0 && (date.year % 100 != 0 || date.year % 400 == 0);
        let days = match date.month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if leap => 29,
            2 => 28,
            _ => return None,
        };
        (1..=days).contains(&date.day).then_some(date)
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Date::parse(&text).ok_or_else(|| {
            de::Error::invalid_value(de::Unexpected::Str(&text), &"a date written YYYY-MM-DD")
        })
    }
}

/// `content/facts.yaml`: what the table shows, once for every language.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Facts {
    /// The licence line, e.g. `CC BY-SA 4.0`.
    pub licence: String,
    /// Link targets by id; `site` is the publisher's address.
    pub links: IndexMap<String, String>,
    /// Links printed under the footnotes, in order.
    #[serde(default)]
    pub footer_links: Vec<String>,
    /// The states a status cell can be in.
    pub statuses: IndexMap<String, Status>,
    /// The table's columns, in order.
    pub columns: Vec<Column>,
    /// The messenger systems by id.
    pub systems: IndexMap<String, System>,
    /// Footnote ids in print order.
    #[serde(default)]
    pub footnotes: Vec<String>,
    /// Sections by id, each with its rows by id, in order.
    pub sections: IndexMap<String, IndexMap<String, Row>>,
}

/// A state of a status cell, e.g. open or proprietary.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Status {
    /// Whether the legend explains this state (text `legend.<id>`).
    #[serde(default)]
    pub legend: bool,
    /// Text printed in cells of this state, e.g. `-`.
    #[serde(default)]
    pub mark: Option<String>,
    /// A symbol printed in cells of this state and in its legend swatch, e.g. `✓`, so
    /// that the state reads without its colour; layouts may turn symbols off.
    #[serde(default)]
    pub symbol: Option<String>,
}

impl Status {
    /// What a cell of this state shows before its markers: the mark, and the symbol
    /// when `symbols` is on.
    pub fn sign(&self, symbols: bool) -> String {
        let symbol = self.symbol.as_deref().filter(|_| symbols);
        [symbol, self.mark.as_deref()].into_iter().flatten().collect::<Vec<_>>().join(" ")
    }
}

/// A column of the table.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Column {
    /// Id; the heading is `columns.<id>`.
    pub id: String,
    /// What the column shows.
    pub kind: ColumnKind,
    /// A link id the heading points to.
    #[serde(default)]
    pub link: Option<String>,
    /// Whether the heading has a second line, `columns.<id>_note`.
    #[serde(default)]
    pub note: bool,
}

/// What a column shows of each row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ColumnKind {
    /// The systems the row names.
    Systems,
    /// Example apps, or the row's note.
    Apps,
    /// The network structure, merged over consecutive rows that share it.
    Network,
    /// A coloured status cell.
    Status,
    /// Where the servers are.
    Location,
}

/// A messenger system.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct System {
    /// A name that is the same in every language; without it, `systems.<id>` is used.
    #[serde(default)]
    pub name: Option<String>,
}

/// A row of the table.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Row {
    /// Ids of the systems the row names.
    pub systems: Vec<String>,
    /// Example apps, printed as a list ending in "...".
    #[serde(default)]
    pub apps: Vec<String>,
    /// Whether the apps column shows the translated note `notes.<row id>`.
    #[serde(default)]
    pub note: bool,
    /// The network structure id (`networks.<id>`).
    pub network: String,
    /// The state of each status column, by column id.
    pub status: IndexMap<String, String>,
    /// The server location id (`locations.<id>`).
    pub location: String,
    /// Footnote markers, by column id.
    #[serde(default)]
    pub markers: IndexMap<String, Vec<String>>,
}

/// The strings of one language, flattened to dotted keys (`columns.apps`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Strings(pub BTreeMap<String, String>);

impl Strings {
    /// The string under a dotted key.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.0.get(key).map(String::as_str)
    }
}

impl<'de> Deserialize<'de> for Strings {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let tree = deserializer.deserialize_map(TreeVisitor)?;
        let mut flat = BTreeMap::new();
        flatten(String::new(), tree, &mut flat);
        Ok(Strings(flat))
    }
}

/// A translation file as written: strings in nested mappings.
enum Node {
    Text(String),
    Map(Vec<(String, Node)>),
}

fn flatten(prefix: String, node: Node, out: &mut BTreeMap<String, String>) {
    match node {
        Node::Text(text) => {
            out.insert(prefix, text);
        }
        Node::Map(entries) => {
            for (key, child) in entries {
                let path = if prefix.is_empty() { key } else { format!("{prefix}.{key}") };
                flatten(path, child, out);
            }
        }
    }
}

const EXPECTED_NODE: &str = "a string or a mapping of strings";

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(NodeVisitor)
    }
}

struct NodeVisitor;

impl<'de> Visitor<'de> for NodeVisitor {
    type Value = Node;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(EXPECTED_NODE)
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<Node, E> {
        Ok(Node::Text(text.to_owned()))
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Node, A::Error> {
        TreeVisitor.visit_map(map)
    }
}

struct TreeVisitor;

impl<'de> Visitor<'de> for TreeVisitor {
    type Value = Node;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a mapping of strings")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Node, A::Error> {
        let mut entries: Vec<(String, Node)> = Vec::new();
        while let Some(key) = map.next_key::<String>()? {
            if entries.iter().any(|(k, _)| *k == key) {
                return Err(de::Error::custom(format_args!("duplicate key `{key}`")));
            }
            if key.contains('.') {
                return Err(de::Error::custom(format_args!(
                    "key `{key}` contains a dot; nest a mapping instead"
                )));
            }
            let node = map.next_value::<Node>()?;
            entries.push((key, node));
        }
        Ok(Node::Map(entries))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(yaml: &str) -> Result<Strings, String> {
        serde_yaml_ng::from_str(yaml).map_err(|e| e.to_string())
    }

    #[test]
    fn nested_strings_flatten_to_dotted_keys() {
        let s = strings("title: T\ncolumns:\n  apps: Apps\n  '1': one\n").unwrap();
        assert_eq!(s.get("title"), Some("T"));
        assert_eq!(s.get("columns.apps"), Some("Apps"));
        assert_eq!(s.get("columns.1"), Some("one"));
    }

    #[test]
    fn non_strings_are_refused_with_line() {
        let err = strings("title: T\nlegend:\n  open: [a, b]\n").unwrap_err();
        assert!(err.contains("legend.open"), "{err}");
        assert!(err.contains("a string or a mapping of strings"), "{err}");
        assert!(err.contains("line 3"), "{err}");
        assert!(strings("n: 12\n").unwrap_err().contains("integer"));
        assert!(strings("b: true\n").unwrap_err().contains("boolean"));
    }

    #[test]
    fn duplicate_keys_are_refused() {
        let err = strings("title: A\ntitle: B\n").unwrap_err();
        assert!(err.contains("duplicate"), "{err}");
    }

    #[test]
    fn dates_are_checked() {
        assert_eq!(Date::parse("2026-02-01"), Some(Date { year: 2026, month: 2, day: 1 }));
        assert_eq!(Date::parse("2024-02-29").map(|d| d.day), Some(29));
        assert_eq!(Date::parse("2026-02-29"), None);
        assert_eq!(Date::parse("1.2.2026"), None);
    }
}
