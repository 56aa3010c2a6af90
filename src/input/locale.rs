//! What an edition's locale says about writing, from CLDR through ICU4X: the
//! direction of its script and how it writes a date. No language is named in the
//! code: a new language needs a content file and a config entry, nothing more.

use icu_calendar::Date as IcuDate;
use icu_datetime::DateTimeFormatter;
use icu_datetime::fieldsets::YMD;
use icu_datetime::options::YearStyle;
use icu_locale::{Locale, LocaleDirectionality};

use crate::input::content::Date;

/// CLDR's quotation marks per locale (`main/<locale>/delimiters.json` of
/// `cldr-misc-full`, see data/README.md): opening and closing, then the alternate
/// (inner) pair. A locale is listed only where it differs from its parent.
const DELIMITERS: &str = include_str!("../../data/cldr-delimiters.json");

/// An edition's locale: its code (`pt-BR`), or the `locale` its config gives.
#[derive(Debug, Clone, PartialEq)]
pub struct EditionLocale {
    locale: Locale,
}

impl EditionLocale {
    /// Parses a BCP 47 tag (`da`, `pt-BR`, `en-150`; `_` is read as `-`). `None` if it
    /// is not one.
    pub fn parse(tag: &str) -> Option<Self> {
        let locale = tag.replace('_', "-").parse::<Locale>().ok()?;
        Some(EditionLocale { locale })
    }

    /// The root locale, CLDR's defaults.
    pub fn root() -> Self {
        EditionLocale { locale: Locale::UNKNOWN }
    }

    /// The language subtag, e.g. `pt`.
    pub fn language(&self) -> String {
        self.locale.id.language.as_str().to_owned()
    }

    /// The region as an ISO 3166 letter code (`BR`), if the tag names one. A numeric
    /// area such as `150` (Europe) is left out.
    pub fn region(&self) -> Option<String> {
        let region = self.locale.id.region?;
        region.is_alphabetic().then(|| region.as_str().to_owned())
    }

    /// Whether the locale's script (its likely script, if the tag names none) is
    /// written right to left.
    pub fn is_right_to_left(&self) -> bool {
        LocaleDirectionality::new_extended().is_right_to_left(&self.locale.id)
    }

    /// The locale's quotation marks as CLDR gives them: `[open, close]` for quotes and
    /// for quotes within quotes. From the nearest locale listed (`en-150`, then `en`),
    /// English's if none is.
    pub fn quotation_marks(&self) -> [[String; 2]; 2] {
        static TABLE: std::sync::OnceLock<std::collections::HashMap<String, [String; 4]>> =
            std::sync::OnceLock::new();
        let table = TABLE.get_or_init(|| serde_json::from_str(DELIMITERS).unwrap_or_default());
        let tag = self.locale.id.to_string();
        let mut candidates: Vec<&str> = Vec::new();
        let mut rest = tag.as_str();
        loop {
            candidates.push(rest);
            match rest.rsplit_once('-') {
                Some((parent, _)) => rest = parent,
                None => break,
            }
        }
        let found = candidates.iter().find_map(|c| table.get(*c)).or_else(|| table.get("en"));
        let [a, b, c, d] = found.cloned().unwrap_or_else(|| ["“", "”", "‘", "’"].map(String::from));
        [[a, b], [c, d]]
    }

    /// `rtl` or `ltr`, as the template and HTML write it.
    pub fn dir(&self) -> &'static str {
        if self.is_right_to_left() { "rtl" } else { "ltr" }
    }

    /// A date as the locale writes it in numbers (CLDR's short date with the full
    /// year), in its calendar and digits: `01.02.2026` in Danish, `۱۴۰۴/۱۱/۱۲` in
    /// Persian (Solar Hijri). A version stamp is read next to a code, where numbers
    /// take the least room and need no translation.
    pub fn format_date(&self, date: Date) -> String {
        let iso = || format!("{:04}-{:02}-{:02}", date.year, date.month, date.day);
        let Ok(day) = IcuDate::try_new_iso(date.year, date.month, date.day) else {
            return iso();
        };
        let fields = YMD::short().with_year_style(YearStyle::Full);
        match DateTimeFormatter::try_new((&self.locale).into(), fields) {
            Ok(formatter) => formatter.format(&day).to_string(),
            Err(_) => iso(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn locale(tag: &str) -> EditionLocale {
        EditionLocale::parse(tag).unwrap()
    }

    #[test]
    fn direction_comes_from_the_script() {
        for tag in ["ar", "fa", "he", "ur", "ar_EG", "ckb", "yi"] {
            assert!(locale(tag).is_right_to_left(), "{tag}");
        }
        for tag in ["da", "zh", "ja", "el", "uk", "pt-BR", "az-Latn"] {
            assert!(!locale(tag).is_right_to_left(), "{tag}");
        }
    }

    #[test]
    fn dates_follow_cldr() {
        let date = Date { year: 2026, month: 2, day: 1 };
        assert_eq!(locale("da").format_date(date), "01.02.2026");
        assert_eq!(locale("de").format_date(date), "01.02.2026");
        assert_eq!(locale("en-150").format_date(date), "01/02/2026");
        assert_eq!(locale("sv").format_date(date), "2026-02-01");
        assert_eq!(locale("zh").format_date(date), "2026/2/1");
        assert_eq!(locale("fa").format_date(date), "۱۴۰۴/۱۱/۱۲");
    }

    #[test]
    fn quotation_marks_come_from_cldr() {
        let marks = |tag: &str| locale(tag).quotation_marks().concat().concat();
        assert_eq!(marks("de"), "„“‚‘");
        assert_eq!(marks("en-150"), "“”‘’");
        assert_eq!(marks("fr"), "«»«»");
        assert_eq!(marks("ja"), "「」『』");
        assert_eq!(marks("fr-CH"), "«»‹›");
        assert_eq!(marks("pt-PT"), "«»“”");
        assert_eq!(marks("zh-Hant-TW"), "「」『』");
    }

    #[test]
    fn numeric_areas_are_no_region() {
        assert_eq!(locale("en-150").region(), None);
        assert_eq!(locale("pt-BR").region().as_deref(), Some("BR"));
        assert_eq!(locale("pt-BR").language(), "pt");
        assert!(EditionLocale::parse("not a tag!").is_none());
    }
}
