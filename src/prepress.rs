//! Post-processing of Typst's PDF for print: page boxes Typst does not write.
//!
//! Typst writes a TrimBox when a page has bleed, but no BleedBox; print shops read
//! both. lopdf loads the PDF, sets each page's BleedBox to its MediaBox (the trimmed
//! page plus the bleed) and writes it back with fonts, tags and metadata untouched.

use lopdf::{Document, Object};

/// Sets the BleedBox of every page that has a TrimBox to the page's MediaBox.
pub fn add_bleed_box(pdf: &[u8]) -> Result<Vec<u8>, String> {
    let mut document =
        Document::load_mem(pdf).map_err(|e| format!("failed to read the PDF for prepress: {e}"))?;
    let pages: Vec<_> = document.get_pages().into_values().collect();
    for id in pages {
        let page = document
            .get_object_mut(id)
            .and_then(Object::as_dict_mut)
            .map_err(|e| format!("page {id:?} is not a dictionary: {e}"))?;
        if page.has(b"TrimBox") {
            let media = page.get(b"MediaBox").map_err(|e| format!("page without MediaBox: {e}"))?;
            let media = media.clone();
            page.set("BleedBox", media);
        }
    }
    let mut out = Vec::with_capacity(pdf.len());
    document
        .save_to(&mut out)
        .map_err(|e| format!("failed to write the PDF after prepress: {e}"))?;
    Ok(out)
}
