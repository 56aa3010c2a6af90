//! Hyphenation by the rules a typographer sets, decided here rather than left to Typst.
//!
//! Typst hyphenates any word of a paragraph at any point its patterns allow, one
//! letter from either end included ("α-πό"), names and headings too. flyerpress turns
//! Typst's hyphenation off and marks the allowed breaks itself with soft hyphens
//! (U+00AD), which Typst breaks at and shows as a hyphen:
//!
//! - only in running text (cells, notes, footnotes), never in the title, headings,
//!   system and app names, URLs, codes and dates;
//! - only in words of [`MIN_WORD`] letters or more ("ser-ver" reads worse than a
//!   looser line);
//! - at least [`MIN_LEFT`] letters before and [`MIN_RIGHT`] after a break, and none in
//!   the last word of a text, so that a cell or note never ends on a lone word-ending
//!   (the columns are at least as wide as their widest word, so the word fits whole);
//! - a language's wrong breaks are corrected by exceptions kept in
//!   `content/hyphenation.yaml` (`kilde-kode`: break only there; `Android`: never).

use std::collections::{BTreeMap, BTreeSet};

use crate::input::markup::Rich;

/// Letters a break leaves at least before it.
pub const MIN_LEFT: usize = 3;
/// Letters a break leaves at least after it.
pub const MIN_RIGHT: usize = 3;
/// The shortest word that may be hyphenated, in letters.
pub const MIN_WORD: usize = 7;
/// The soft hyphen: a break opportunity shown as a hyphen when taken.
pub const SOFT_HYPHEN: char = '\u{ad}';

/// Hyphenates the running text of one language.
#[derive(Debug, Clone)]
pub struct Hyphenator {
    lang: hypher::Lang,
    /// Exceptions by lower-case word: the letter counts before each allowed break.
    exceptions: BTreeMap<String, Vec<usize>>,
    /// Words that are names: never broken.
    names: BTreeSet<String>,
}

impl Hyphenator {
    /// A hyphenator for a language code (`da`, `pt-BR`); `None` when there are no
    /// hyphenation patterns for it (Arabic, Persian and Chinese are not hyphenated).
    /// `exceptions` are words with hyphens where they may break; `names` are texts
    /// whose words are never broken.
    pub fn new<'a>(
        lang: &str,
        exceptions: &[String],
        names: impl IntoIterator<Item = &'a str>,
    ) -> Option<Self> {
        let code = lang.split(['-', '_']).next()?.as_bytes();
        let lang = hypher::Lang::from_iso(code.try_into().ok()?)?;
        let exceptions = exceptions
            .iter()
            .map(|written| {
                let mut breaks = Vec::new();
                let mut letters = 0;
                for c in written.chars() {
                    if c == '-' {
                        breaks.push(letters);
                    } else {
                        letters += 1;
                    }
                }
                (written.replace('-', "").to_lowercase(), breaks)
            })
            .collect();
        let names = names.into_iter().flat_map(str::split_whitespace).map(str::to_owned).collect();
        Some(Hyphenator { lang, exceptions, names })
    }

    /// Styled text with soft hyphens where it may break.
    pub fn rich(&self, rich: Rich) -> Rich {
        let last = rich.iter().rposition(|span| span.text.chars().any(char::is_alphabetic));
        rich.into_iter()
            .enumerate()
            .map(|(i, mut span)| {
                span.text = self.text(&span.text, Some(i) == last);
                span
            })
            .collect()
    }

    /// Plain text with soft hyphens where it may break; `ends` says whether the text
    /// ends the paragraph, so that its last word (text between spaces) stays whole.
    pub fn text(&self, text: &str, ends: bool) -> String {
        let tokens: Vec<&str> = text.split_inclusive(char::is_whitespace).collect();
        let last_word = tokens.iter().rposition(|t| t.chars().any(char::is_alphabetic));
        let mut out = String::with_capacity(text.len() + 8);
        for (i, token) in tokens.iter().enumerate() {
            if is_literal(token) || (ends && Some(i) == last_word) {
                out.push_str(token);
            } else {
                self.token(token, &mut out);
            }
        }
        out
    }

    /// Hyphenates the words of a token (text between spaces), keeping punctuation.
    fn token(&self, token: &str, out: &mut String) {
        let mut rest = token;
        while let Some(start) = rest.find(char::is_alphabetic) {
            out.push_str(&rest[..start]);
            let len =
                rest[start..].find(|c: char| !c.is_alphabetic()).unwrap_or(rest.len() - start);
            out.push_str(&self.word(&rest[start..start + len]));
            rest = &rest[start + len..];
        }
        out.push_str(rest);
    }

    /// One word with its allowed breaks marked.
    fn word(&self, word: &str) -> String {
        let count = word.chars().count();
        if self.names.contains(word) || is_name_like(word) || count < MIN_WORD {
            return word.to_owned();
        }
        let breaks: Vec<usize> = match self.exceptions.get(&word.to_lowercase()) {
            Some(breaks) => breaks.clone(),
            None => {
                let mut at = 0;
                let mut breaks = Vec::new();
                for syllable in hypher::hyphenate_bounded(word, self.lang, MIN_LEFT, MIN_RIGHT) {
                    at += syllable.chars().count();
                    breaks.push(at);
                }
                breaks.pop();
                breaks
            }
        };
        let mut out = String::with_capacity(word.len() + 2 * breaks.len());
        for (i, c) in word.chars().enumerate() {
            if i > 0 && breaks.contains(&i) {
                out.push(SOFT_HYPHEN);
            }
            out.push(c);
        }
        out
    }
}

/// Whether a token is a URL, an address, a code or a date: never broken.
fn is_literal(token: &str) -> bool {
    token.contains("://")
        || token.contains("www.")
        || token.contains('@')
        || token.chars().any(|c| c.is_ascii_digit())
        || token.as_bytes().windows(2).any(|w| w[0] == b'.' && w[1].is_ascii_alphabetic())
}

/// Whether a word looks like a name or code: a capital after its first letter
/// ("SimpleX", "iOS", "AWS").
fn is_name_like(word: &str) -> bool {
    word.chars().skip(1).any(char::is_uppercase)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shown(text: &str) -> String {
        text.replace(SOFT_HYPHEN, "-")
    }

    #[test]
    fn breaks_leave_three_letters_either_side_and_none_in_the_last_word() {
        let de = Hyphenator::new("de", &[], []).unwrap();
        let text = shown(&de.text("Verschlüsselung zwischen Unabhängigkeit Server Servern", true));
        let words: Vec<&str> = text.split_whitespace().collect();
        for word in &words {
            let pieces: Vec<&str> = word.split('-').collect();
            assert!(pieces[0].chars().count() >= MIN_LEFT, "{word}");
            assert!(pieces[pieces.len() - 1].chars().count() >= MIN_RIGHT, "{word}");
        }
        assert_eq!(words[0], "Ver-schlüs-se-lung");
        // Not "Un-" (two letters).
        assert_eq!(words[2], "Unab-hän-gig-keit");
        // Too short to break, and the last word stays whole.
        assert_eq!(words[3], "Server");
        assert_eq!(words[4], "Servern");
    }

    #[test]
    fn names_urls_codes_and_dates_stay_whole() {
        let da = Hyphenator::new("da", &[], ["Facebook Messenger", "Conversations"]).unwrap();
        for text in [
            "Facebook Messenger",
            "www.freie-messenger.de/systemvergleich",
            "Conversations",
            "27.11.2026",
            "SimpleX",
        ] {
            assert_eq!(da.text(text, false), text);
        }
    }

    #[test]
    fn exceptions_replace_the_patterns() {
        let exceptions = ["kilde-kode".to_owned(), "Android".to_owned()];
        let da = Hyphenator::new("da", &exceptions, []).unwrap();
        assert_eq!(shown(&da.text("kildekode", false)), "kilde-kode");
        assert_eq!(da.text("Android", false), "Android");
    }

    #[test]
    fn languages_without_patterns_are_not_hyphenated() {
        assert!(Hyphenator::new("zh", &[], []).is_none());
        assert!(Hyphenator::new("ar", &[], []).is_none());
    }
}
