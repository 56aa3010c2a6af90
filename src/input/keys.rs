//! The translation keys: every string a language file holds, derived from the facts.
//! `check`, `resolve` and `status` take them from here alone, so a key is named once
//! and cannot be misspelt in one of them.

use std::collections::BTreeSet;
use std::fmt;

use crate::input::content::Facts;

/// One string of a language file.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Key {
    /// `title`: the overview's title.
    Title,
    /// `version`: the label before the version stamp.
    Version,
    /// `draft.mark`: the word a draft's stamp ends with.
    DraftMark,
    /// `draft.note`: the line that says an edition is a draft.
    DraftNote,
    /// `legend.<status>`: a status in the legend.
    Legend(String),
    /// `columns.<id>`: a column heading.
    Column(String),
    /// `columns.<id>_note`: a column heading's second line.
    ColumnNote(String),
    /// `systems.<id>`: a system whose name is translated.
    System(String),
    /// `sections.<id>`: a section heading.
    Section(String),
    /// `notes.<row>`: a remark in a row's apps column.
    Note(String),
    /// `networks.<id>`: a network structure.
    Network(String),
    /// `locations.<id>`: a server location.
    Location(String),
    /// `footnotes.<id>`: a footnote's text.
    Footnote(String),
    /// `links.<id>`: a footer link's label.
    Link(String),
}

impl Key {
    /// Every key the facts need, in a stable order.
    pub fn all(facts: &Facts) -> Vec<Key> {
        let mut keys = vec![Key::Title, Key::Version, Key::DraftMark, Key::DraftNote];
        let legend = facts.statuses.iter().filter(|(_, s)| s.legend);
        keys.extend(legend.map(|(id, _)| Key::Legend(id.clone())));
        for column in &facts.columns {
            keys.push(Key::Column(column.id.clone()));
            if column.note {
                keys.push(Key::ColumnNote(column.id.clone()));
            }
        }
        let translated = facts.systems.iter().filter(|(_, s)| s.name.is_none());
        keys.extend(translated.map(|(id, _)| Key::System(id.clone())));
        let mut networks = BTreeSet::new();
        let mut locations = BTreeSet::new();
        for (section, rows) in &facts.sections {
            keys.push(Key::Section(section.clone()));
            for (id, row) in rows {
                if row.note {
                    keys.push(Key::Note(id.clone()));
                }
                networks.insert(row.network.clone());
                locations.insert(row.location.clone());
            }
        }
        keys.extend(networks.into_iter().map(Key::Network));
        keys.extend(locations.into_iter().map(Key::Location));
        keys.extend(facts.footnotes.iter().cloned().map(Key::Footnote));
        keys.extend(facts.footer_links.iter().cloned().map(Key::Link));
        keys
    }
}

impl fmt::Display for Key {
    /// The key's dotted path in a language file: `legend.open`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Key::Title => f.write_str("title"),
            Key::Version => f.write_str("version"),
            Key::DraftMark => f.write_str("draft.mark"),
            Key::DraftNote => f.write_str("draft.note"),
            Key::Legend(id) => write!(f, "legend.{id}"),
            Key::Column(id) => write!(f, "columns.{id}"),
            Key::ColumnNote(id) => write!(f, "columns.{id}_note"),
            Key::System(id) => write!(f, "systems.{id}"),
            Key::Section(id) => write!(f, "sections.{id}"),
            Key::Note(id) => write!(f, "notes.{id}"),
            Key::Network(id) => write!(f, "networks.{id}"),
            Key::Location(id) => write!(f, "locations.{id}"),
            Key::Footnote(id) => write!(f, "footnotes.{id}"),
            Key::Link(id) => write!(f, "links.{id}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_read_as_the_language_files_write_them() {
        assert_eq!(Key::DraftNote.to_string(), "draft.note");
        assert_eq!(Key::ColumnNote("apps".into()).to_string(), "columns.apps_note");
        assert_eq!(Key::Footnote("1".into()).to_string(), "footnotes.1");
    }
}
