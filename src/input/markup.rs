//! The inline markup of translation strings: `**bold**` and nothing else.
//!
//! Translators write plain text; a pair of double asterisks marks a bold span. Every
//! other character, including Typst's markup characters, is text and stays text.

use serde::Serialize;

/// A run of text in one style.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Span {
    /// The text, exactly as written (markers removed).
    pub text: String,
    /// Whether the run is bold.
    pub bold: bool,
    /// Whether the run must stay on one line (a heading or name in a script that
    /// breaks between any two characters).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub whole: bool,
}

/// Text made of styled runs, as it reaches the template.
pub type Rich = Vec<Span>;

/// Why a string's markup could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MarkupError {
    /// A `**` opens bold text that is never closed.
    #[error("`**` at character {0} opens bold text that is never closed; add the closing `**`")]
    Unclosed(usize),
}

/// Parses a string into styled runs. Empty runs are dropped.
pub fn parse(input: &str) -> Result<Rich, MarkupError> {
    let mut spans = Vec::new();
    let mut bold = false;
    let mut start = 0;
    let mut opened_at = 0;
    let mut push = |text: &str, bold: bool| {
        if !text.is_empty() {
            spans.push(Span { text: text.to_owned(), bold, whole: false });
        }
    };
    for (at, marker) in input.match_indices("**") {
        push(&input[start..at], bold);
        bold = !bold;
        opened_at = at;
        start = at + marker.len();
    }
    push(&input[start..], bold);
    if bold {
        return Err(MarkupError::Unclosed(input[..opened_at].chars().count() + 1));
    }
    Ok(spans)
}

/// Text without markup, as a single regular run (names, URLs, codes).
pub fn plain(text: impl Into<String>) -> Rich {
    vec![Span { text: text.into(), bold: false, whole: false }]
}

/// The text of runs without their styles.
pub fn to_plain(rich: &[Span]) -> String {
    rich.iter().map(|span| span.text.as_str()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn span(text: &str, bold: bool) -> Span {
        Span { text: text.into(), bold, whole: false }
    }

    #[test]
    fn plain_text_is_one_run() {
        assert_eq!(parse("kryptering").unwrap(), vec![span("kryptering", false)]);
    }

    #[test]
    fn bold_spans_alternate() {
        assert_eq!(
            parse("**decentralt** (x) = **uafhængig** af").unwrap(),
            vec![
                span("decentralt", true),
                span(" (x) = ", false),
                span("uafhængig", true),
                span(" af", false)
            ]
        );
    }

    #[test]
    fn typst_syntax_is_text() {
        let hostile = r"# $ * _ @ < ] \ // #set text(red)";
        assert_eq!(parse(hostile).unwrap(), vec![span(hostile, false)]);
    }

    #[test]
    fn unclosed_bold_is_an_error_with_position() {
        assert_eq!(parse("ab **cd"), Err(MarkupError::Unclosed(4)));
        assert_eq!(parse("**a** b **"), Err(MarkupError::Unclosed(9)));
    }

    #[test]
    fn empty_string_has_no_runs() {
        assert_eq!(parse("").unwrap(), vec![]);
        assert_eq!(parse("****").unwrap(), vec![]);
    }

    #[test]
    fn round_trip_keeps_text() {
        assert_eq!(to_plain(&parse("a **b** c").unwrap()), "a b c");
    }
}
