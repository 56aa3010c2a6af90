//! Fuzzes the inline-markup parser: it must never panic, and what it returns must
//! put the text back together without the markers.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(spans) = flyerpress::input::markup::parse(text) {
        assert_eq!(flyerpress::input::markup::to_plain(&spans), text.replace("**", ""));
        assert!(spans.iter().all(|s| !s.text.is_empty()));
    }
});
