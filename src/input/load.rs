//! Reading input files: size limit, UTF-8, byte-order mark, YAML with located errors.

use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;

use crate::error::{Error, Location, Problem};

/// Input files larger than this are refused: content and layouts are small, and a
/// limit keeps a mistaken or hostile file from exhausting memory.
pub const MAX_FILE_BYTES: u64 = 1 << 20;

/// Reads a text input file: at most [`MAX_FILE_BYTES`], UTF-8, a leading BOM removed.
/// A missing, unreadable, oversized or non-UTF-8 file is a [`Problem`] with the input.
pub fn read_text(path: &Path) -> Result<String, Problem> {
    let unreadable = |e: std::io::Error| {
        let reason = match e.kind() {
            std::io::ErrorKind::NotFound => "file not found".to_owned(),
            _ => format!("cannot read file: {e}"),
        };
        Problem::new(Location::file(path), reason)
    };
    let metadata = std::fs::metadata(path).map_err(unreadable)?;
    if metadata.len() > MAX_FILE_BYTES {
        return Err(Problem::new(
            Location::file(path),
            format!(
                "file is {} bytes, more than the limit of {MAX_FILE_BYTES} bytes",
                metadata.len()
            ),
        ));
    }
    let bytes = std::fs::read(path).map_err(unreadable)?;
    decode(path, bytes)
}

/// Reads and parses a YAML file into `T`.
pub fn read_yaml<T: DeserializeOwned>(path: &Path) -> Result<(T, String), Problem> {
    let text = read_text(path)?;
    let value = parse_yaml(path, &text)?;
    Ok((value, text))
}

/// The 1-based line where a dotted key path is defined in block-style YAML, or where
/// its nearest ancestor is. Used to point at keys that parsed but do not resolve.
pub fn line_of_key(text: &str, path: &str) -> Option<usize> {
    let segments: Vec<&str> = path.split('.').collect();
    let mut found = None;
    let mut depth = 0;
    let mut parent_indent: Option<usize> = None;
    for (number, line) in text.lines().enumerate() {
        let trimmed = line.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let indent = line.len() - trimmed.len();
        if parent_indent.is_some_and(|p| indent <= p) {
            break;
        }
        let key = trimmed.trim_start_matches("- ");
        let is_key = |segment: &str| {
            [format!("{segment}:"), format!("\"{segment}\":"), format!("'{segment}':")]
                .iter()
                .any(|k| key.starts_with(k.as_str()))
        };
        if is_key(segments[depth]) {
            found = Some(number + 1);
            depth += 1;
            parent_indent = Some(indent);
            if depth == segments.len() {
                break;
            }
            // A flow mapping on the same line holds the rest of the path.
            if trimmed.contains('{') && segments[depth..].iter().all(|s| line.contains(*s)) {
                break;
            }
        }
    }
    found
}

/// Decodes bytes as UTF-8, accepting and removing a byte-order mark.
fn decode(path: &Path, bytes: Vec<u8>) -> Result<String, Problem> {
    let mut text = String::from_utf8(bytes).map_err(|e| {
        let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        let line = valid.iter().filter(|&&b| b == b'\n').count() + 1;
        let column = valid.iter().rev().take_while(|&&b| b != b'\n').count() + 1;
        Problem::new(
            Location::file(path).at(line, column),
            "file is not valid UTF-8; save it with UTF-8 encoding",
        )
    })?;
    if text.starts_with('\u{feff}') {
        text.remove(0);
    }
    Ok(text)
}

/// Parses YAML into `T`, turning the parser's error into a located [`Problem`].
pub fn parse_yaml<T: DeserializeOwned>(path: &Path, text: &str) -> Result<T, Problem> {
    if text.trim().is_empty() {
        return Err(Problem::new(Location::file(path), "file is empty; expected a YAML mapping"));
    }
    serde_yaml_ng::from_str(text).map_err(|e| yaml_problem(path, text, &e))
}

/// For "unknown field `titel`, expected one of `title`, ...": the closest expected name.
fn unknown_field_suggestion(message: &str) -> Option<String> {
    let rest = message.strip_prefix("unknown field `")?;
    let (unknown, expected) = rest.split_once('`')?;
    let candidates: Vec<&str> = expected.split('`').skip(1).step_by(2).collect();
    suggest(unknown, candidates)
}

/// The candidate closest to `name`, if it is close enough to be a likely typo.
pub fn suggest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<String> {
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(name, c), c))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c.to_owned())
}

/// Splits serde_yaml_ng's message ("key.path: what at line L column C") into its parts.
fn yaml_problem(path: &Path, text: &str, error: &serde_yaml_ng::Error) -> Problem {
    let mut location = Location::file(path);
    if let Some(at) = error.location() {
        location = location.at(at.line(), at.column());
    }
    let message = strip_positions(&error.to_string());
    let (key, message) = split_key(&message);
    if let Some(key) = key {
        location = location.key(key);
    }
    let mut message = explain(message);
    if let Some(line) = location.line.and_then(|l| duplicate_line(text, l, message.as_str())) {
        location.line = Some(line);
        location.column = Some(1);
    }
    if key.is_none()
        && let Some(line) = location.line.and_then(|l| unclosed_quote(text, l))
    {
        message.push_str(&format!("; the quote opened on line {line} is never closed"));
    }
    Problem::new(location, message)
}

/// Removes the parser's " at line L column C" parts; the location is reported apart.
fn strip_positions(message: &str) -> String {
    let mut out = String::new();
    let mut rest = message;
    while let Some(at) = rest.find(" at line ") {
        out.push_str(&rest[..at]);
        let tail = &rest[at + " at line ".len()..];
        let skip = tail
            .find(|c: char| !(c.is_ascii_digit() || c == ' ' || "column".contains(c)))
            .unwrap_or(tail.len());
        rest = &tail[skip..];
    }
    out.push_str(rest);
    out
}

/// For "duplicate key `k`" or "duplicate field `k`", reported where the mapping starts:
/// the line of the second `k:` at the indentation of the first.
fn duplicate_line(text: &str, from_line: usize, message: &str) -> Option<usize> {
    let rest = message
        .strip_prefix("duplicate key `")
        .or_else(|| message.strip_prefix("duplicate field `"))?;
    let key = rest.split('`').next()?;
    let mut first_indent = None;
    for (number, line) in text.lines().enumerate().skip(from_line.saturating_sub(1)) {
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        let is_key = [format!("{key}:"), format!("\"{key}\":"), format!("'{key}':")]
            .iter()
            .any(|k| trimmed.starts_with(k.as_str()));
        if !is_key {
            continue;
        }
        match first_indent {
            None => first_indent = Some(indent),
            Some(first) if first == indent => return Some(number + 1),
            Some(_) => {}
        }
    }
    None
}

/// The first line before `error_line` whose quoted value is never closed on that line,
/// the usual cause of a syntax error reported further down.
fn unclosed_quote(text: &str, error_line: usize) -> Option<usize> {
    text.lines().take(error_line).enumerate().find_map(|(number, line)| {
        let value = line.split_once(": ").map(|(_, v)| v.trim())?;
        let quote = value.chars().next().filter(|c| *c == '"' || *c == '\'')?;
        let closed = value.len() > 1 && value.ends_with(quote);
        (!closed && line.matches(quote).count() % 2 == 1).then_some(number + 1)
    })
}

/// Separates a leading key path (`sections.chat.signal: ...`) from the message.
fn split_key(text: &str) -> (Option<&str>, &str) {
    if let Some((head, rest)) = text.split_once(": ") {
        let is_path = !head.is_empty()
            && head.chars().all(|c| c.is_alphanumeric() || "._-[]".contains(c))
            && head.contains(|c: char| c.is_alphanumeric());
        if is_path {
            return (Some(head), rest);
        }
    }
    (None, text)
}

/// Rewords the few parser messages that do not say what to do, and suggests the
/// nearest known name for an unknown one.
fn explain(message: &str) -> String {
    if let Some(suggestion) = unknown_field_suggestion(message) {
        return format!("{message}; did you mean `{suggestion}`?");
    }
    if message.contains("found character that cannot start any token") {
        return format!("{message} (a tab used for indentation? YAML indents with spaces)");
    }
    if message.contains("did not find expected key")
        || message.contains("mapping values are not allowed")
    {
        return format!("{message} (check the indentation of this line and the one before)");
    }
    if message == "repetition limit exceeded" || message == "recursion limit exceeded" {
        return format!("{message}: too many or too deeply nested aliases");
    }
    message.to_owned()
}

/// Every file under `dir`, recursively, in the order the file system lists them.
pub fn collect_files(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), Error> {
    let entries = std::fs::read_dir(dir).map_err(|e| Error::io("read", dir, e))?;
    for entry in entries {
        let path = entry.map_err(|e| Error::io("read", dir, e))?.path();
        if path.is_dir() {
            collect_files(&path, out)?;
        } else {
            out.push(path);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Doc {
        title: String,
        inner: Inner,
    }

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Inner {
        size: u32,
    }

    #[test]
    fn unknown_key_has_line_key_and_expectation() {
        let problem =
            parse_yaml::<Doc>(Path::new("x.yaml"), "title: a\ninner:\n  sise: 3\n").unwrap_err();
        assert_eq!(problem.location.line, Some(3));
        assert_eq!(problem.location.key.as_deref(), Some("inner"));
        assert!(problem.message.contains("unknown field `sise`"), "{}", problem.message);
        assert!(problem.message.contains("expected `size`"), "{}", problem.message);
        assert!(problem.message.ends_with("did you mean `size`?"), "{}", problem.message);
    }

    #[test]
    fn tab_indentation_is_explained() {
        let problem =
            parse_yaml::<Doc>(Path::new("x.yaml"), "title: a\ninner:\n\tsize: 3\n").unwrap_err();
        assert_eq!(problem.location.line, Some(3));
        assert!(problem.message.contains("tab"), "{}", problem.message);
    }

    #[test]
    fn keys_are_found_by_path() {
        let text = "a:\n  b: 1\n  c:\n    d: 2\n# c:\nsections:\n  chat:\n    x: { status: 1 }\n";
        assert_eq!(line_of_key(text, "a.c.d"), Some(4));
        assert_eq!(line_of_key(text, "a.c.zz"), Some(3));
        assert_eq!(line_of_key(text, "sections.chat.x.status"), Some(8));
        assert_eq!(line_of_key(text, "nothing"), None);
    }

    #[test]
    fn unclosed_quote_is_traced_to_its_line() {
        let text = "title: a\ninner:\n  size: \"3\n  other: x\nlast: \"**b** c\"\n";
        let problem = parse_yaml::<serde_yaml_ng::Value>(Path::new("x.yaml"), text).unwrap_err();
        assert!(problem.message.contains("quote opened on line 3"), "{}", problem.message);
        assert!(!problem.message.contains(" at line "), "{}", problem.message);
    }

    #[test]
    fn empty_file_is_a_problem() {
        let problem = parse_yaml::<Doc>(Path::new("x.yaml"), "  \n").unwrap_err();
        assert!(problem.message.contains("empty"));
    }

    #[test]
    fn bom_is_accepted_and_invalid_utf8_located() {
        let text = decode(Path::new("x"), b"\xef\xbb\xbftitle: a".to_vec()).unwrap();
        assert_eq!(text, "title: a");
        let problem = decode(Path::new("x"), b"a: 1\nb: \xff".to_vec()).unwrap_err();
        assert_eq!((problem.location.line, problem.location.column), (Some(2), Some(4)));
    }
}
