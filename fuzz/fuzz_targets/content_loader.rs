//! Fuzzes the content loader: any bytes, as an edition's strings, the facts, the
//! project settings or a layout, must give a value or a located problem, never a
//! panic or a hang.
#![no_main]

use std::path::Path;

use flyerpress::input::content::{Config, Facts, Strings};
use flyerpress::input::layout::{Layout, Palette};
use flyerpress::input::load::{line_of_key, parse_yaml};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let path = Path::new("content/fuzz.yaml");
    let _ = parse_yaml::<Strings>(path, text);
    let _ = parse_yaml::<Facts>(path, text);
    let _ = parse_yaml::<Config>(path, text);
    let _ = parse_yaml::<Layout>(path, text);
    let _ = parse_yaml::<Palette>(path, text);
    let _ = line_of_key(text, "sections.chat.briar.status");
});
