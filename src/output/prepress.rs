//! Post-processing of Typst's PDF for print: what a print shop reads and Typst does not
//! write.
//!
//! Typst writes a TrimBox when a page has bleed, but no BleedBox, and it cannot write
//! PDF/X. lopdf loads the PDF, sets each page's BleedBox to its MediaBox (the trimmed
//! page plus the bleed); for PDF/X-4 it adds the output intent with its embedded ICC
//! profile, the PDF/X version and trapping state in the Info dictionary and in a new
//! XMP packet, and writes the file back as PDF 1.6 with fonts, content and boxes
//! untouched; for a sheet to print at home it asks viewers to print at actual size and,
//! with a back, duplex with the layout's flip.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

use lopdf::{Dictionary, Document, Object, Stream, dictionary};

use crate::digest::{hex, sha256};
use crate::input::content::Date;
use crate::input::layout::{Flip, OutputIntent};
use crate::xml::xml_escape;

/// The PDF/X version written into the Info dictionary and the XMP metadata.
pub const PDFX_VERSION: &str = "PDF/X-4";

/// What PDF/X needs besides Typst's PDF.
pub struct PdfX<'a> {
    /// The print condition.
    pub intent: &'a OutputIntent,
    /// The ICC profile's bytes, embedded unchanged.
    pub profile: &'a [u8],
    /// The document's title, for the XMP packet.
    pub title: &'a str,
    /// The document's language, for the title's `xml:lang`.
    pub lang: &'a str,
    /// The publisher, for `dc:creator`.
    pub author: &'a str,
    /// The edition's date: creation and modification date.
    pub date: Date,
    /// A stable identifier of the document, from which its XMP IDs are derived.
    pub ident: &'a str,
}

/// What a PDF needs for print beyond what Typst writes.
#[derive(Default)]
pub struct Prepress<'a> {
    /// The page has bleed: set the BleedBox.
    pub bleed: bool,
    /// Make the file PDF/X-4.
    pub pdfx: Option<PdfX<'a>>,
    /// Ask viewers to print at actual size (no "fit to page").
    pub actual_size: bool,
    /// Ask viewers to print duplex, turning the sheet over this edge.
    pub duplex: Option<Flip>,
}

impl Prepress<'_> {
    /// Whether the PDF needs post-processing at all.
    pub fn is_needed(&self) -> bool {
        self.bleed || self.pdfx.is_some() || self.actual_size || self.duplex.is_some()
    }
}

/// Post-processes Typst's PDF as `settings` say.
pub fn prepare(pdf: &[u8], settings: &Prepress) -> Result<Vec<u8>, String> {
    let mut document =
        Document::load_mem(pdf).map_err(|e| format!("failed to read the PDF for prepress: {e}"))?;
    if settings.bleed {
        add_bleed_boxes(&mut document)?;
    }
    if let Some(pdfx) = &settings.pdfx {
        make_pdfx(&mut document, pdfx)?;
    }
    if settings.actual_size || settings.duplex.is_some() {
        set_print_preferences(&mut document, settings.actual_size, settings.duplex)?;
    }
    let extra = settings.pdfx.as_ref().map_or(0, |x| x.profile.len());
    let mut out = Vec::with_capacity(pdf.len() + extra);
    document
        .save_to(&mut out)
        .map_err(|e| format!("failed to write the PDF after prepress: {e}"))?;
    Ok(out)
}

/// Calls `f` with every page's dictionary.
fn each_page(
    document: &mut Document,
    mut f: impl FnMut(&mut Dictionary) -> Result<(), String>,
) -> Result<(), String> {
    let pages: Vec<_> = document.get_pages().into_values().collect();
    for id in pages {
        let page = document
            .get_object_mut(id)
            .and_then(Object::as_dict_mut)
            .map_err(|e| format!("page {id:?} is not a dictionary: {e}"))?;
        f(page)?;
    }
    Ok(())
}

/// A page's MediaBox.
fn media_box(page: &Dictionary) -> Result<Object, String> {
    page.get(b"MediaBox").cloned().map_err(|e| format!("page without MediaBox: {e}"))
}

fn add_bleed_boxes(document: &mut Document) -> Result<(), String> {
    each_page(document, |page| {
        if page.has(b"TrimBox") {
            page.set("BleedBox", media_box(page)?);
        }
        Ok(())
    })
}

/// Sets `/PrintScaling /None` and `/Duplex` in the catalog's viewer preferences, keeping
/// what Typst put there (the reading direction).
fn set_print_preferences(
    document: &mut Document,
    actual_size: bool,
    duplex: Option<Flip>,
) -> Result<(), String> {
    let catalog = document.catalog().map_err(|e| format!("the PDF has no catalog: {e}"))?;
    let mut preferences = match catalog.get(b"ViewerPreferences") {
        Ok(object) => document
            .dereference(object)
            .and_then(|(_, o)| o.as_dict())
            .map_err(|e| format!("the PDF's viewer preferences are not a dictionary: {e}"))?
            .clone(),
        Err(_) => Dictionary::new(),
    };
    if actual_size {
        preferences.set("PrintScaling", Object::Name(b"None".to_vec()));
    }
    if let Some(flip) = duplex {
        let name = match flip {
            Flip::LongEdge => "DuplexFlipLongEdge",
            Flip::ShortEdge => "DuplexFlipShortEdge",
        };
        preferences.set("Duplex", Object::Name(name.as_bytes().to_vec()));
    }
    let catalog = document.catalog_mut().map_err(|e| format!("the PDF has no catalog: {e}"))?;
    catalog.set("ViewerPreferences", preferences);
    Ok(())
}

/// Checks that an ICC profile is an output profile for CMYK, as a PDF/X output intent
/// for offset print needs; says why not.
pub fn check_cmyk_profile(profile: &[u8]) -> Result<(), String> {
    if profile.len() < 128 || &profile[36..40] != b"acsp" {
        return Err("the file is not an ICC profile (no `acsp` signature)".into());
    }
    if &profile[16..20] != b"CMYK" {
        let space = String::from_utf8_lossy(&profile[16..20]).trim().to_owned();
        return Err(format!("the ICC profile is for {space}, not CMYK"));
    }
    if &profile[12..16] != b"prtr" {
        return Err("the ICC profile is not an output (printer) profile".into());
    }
    Ok(())
}

/// The output profile as a compressed CMYK ICC stream. Every print file of a build
/// embeds the same profile, so it is compressed once (about a millisecond a file
/// otherwise) and the stream copied.
fn icc_stream(profile: &[u8]) -> Result<Stream, String> {
    static COMPRESSED: OnceLock<Mutex<HashMap<[u8; 32], Stream>>> = OnceLock::new();
    let key = sha256(profile);
    let compressed = COMPRESSED.get_or_init(Default::default);
    if let Some(stream) = compressed.lock().unwrap_or_else(|e| e.into_inner()).get(&key) {
        return Ok(stream.clone());
    }
    let mut icc =
        Stream::new(dictionary! { "N" => 4, "Alternate" => "DeviceCMYK" }, profile.to_vec());
    icc.compress().map_err(|e| format!("failed to compress the ICC profile: {e}"))?;
    compressed.lock().unwrap_or_else(|e| e.into_inner()).insert(key, icc.clone());
    Ok(icc)
}

fn make_pdfx(document: &mut Document, pdfx: &PdfX) -> Result<(), String> {
    document.version = "1.6".into();
    each_page(document, |page| {
        if page.has(b"Annots") {
            return Err("a print file must have no annotations (links are printed as text)".into());
        }
        if !page.has(b"TrimBox") {
            // PDF/X needs a TrimBox on every page; without bleed it is the page itself.
            page.set("TrimBox", media_box(page)?);
        }
        Ok(())
    })?;
    let icc = document.add_object(icc_stream(pdfx.profile)?);
    let intent = &pdfx.intent;
    let intent = document.add_object(dictionary! {
        "Type" => "OutputIntent",
        "S" => "GTS_PDFX",
        "OutputConditionIdentifier" => text_string(&intent.condition),
        "OutputCondition" => text_string(&intent.info),
        "Info" => text_string(&intent.info),
        "RegistryName" => text_string(&intent.registry),
        "DestOutputProfile" => icc,
    });
    let metadata = document.add_object(Stream::new(
        dictionary! { "Type" => "Metadata", "Subtype" => "XML" },
        xmp(pdfx).into_bytes(),
    ));
    let catalog = document.catalog_mut().map_err(|e| format!("the PDF has no catalog: {e}"))?;
    catalog.set("OutputIntents", vec![Object::Reference(intent)]);
    catalog.set("Metadata", metadata);
    let info = info_dictionary(document)?;
    let date = pdf_date(pdfx.date);
    info.set("GTS_PDFXVersion", Object::string_literal(PDFX_VERSION));
    info.set("Trapped", Object::Name(b"False".to_vec()));
    info.set("CreationDate", Object::string_literal(date.as_str()));
    info.set("ModDate", Object::string_literal(date.as_str()));
    if !info.has(b"Title") {
        info.set("Title", text_string(pdfx.title));
    }
    // Typst's own XMP packet, replaced above, would otherwise stay in the file unused.
    document.prune_objects();
    Ok(())
}

/// The document's Info dictionary, created if the PDF has none.
fn info_dictionary(document: &mut Document) -> Result<&mut Dictionary, String> {
    let id = match document.trailer.get(b"Info").and_then(Object::as_reference) {
        Ok(id) => id,
        Err(_) => {
            let id = document.add_object(Dictionary::new());
            document.trailer.set("Info", id);
            id
        }
    };
    document
        .get_object_mut(id)
        .and_then(Object::as_dict_mut)
        .map_err(|e| format!("the PDF's Info is not a dictionary: {e}"))
}

/// A PDF text string: ASCII as it is, anything else as UTF-16BE with a byte order mark.
fn text_string(text: &str) -> Object {
    if text.is_ascii() {
        return Object::string_literal(text);
    }
    let mut bytes = vec![0xfe, 0xff];
    bytes.extend(text.encode_utf16().flat_map(u16::to_be_bytes));
    Object::String(bytes, lopdf::StringFormat::Hexadecimal)
}

fn pdf_date(Date { year, month, day }: Date) -> String {
    format!("D:{year:04}{month:02}{day:02}000000Z")
}

fn xmp_date(Date { year, month, day }: Date) -> String {
    format!("{year:04}-{month:02}-{day:02}T00:00:00Z")
}

/// A UUID URN derived from the document's identifier, so that the same document gets
/// the same ID in every build.
fn uuid(ident: &str, salt: &str) -> String {
    let hex = hex(&sha256(format!("{salt}:{ident}").as_bytes())[..16]);
    format!("uuid:{}-{}-{}-{}-{}", &hex[..8], &hex[8..12], &hex[12..16], &hex[16..20], &hex[20..])
}

/// The XMP packet of a PDF/X-4 file, in step with its Info dictionary.
fn xmp(pdfx: &PdfX) -> String {
    let date = xmp_date(pdfx.date);
    let title = xml_escape(pdfx.title);
    let lang = xml_escape(pdfx.lang);
    let author = xml_escape(pdfx.author);
    let tool = format!("flyerpress {}", env!("CARGO_PKG_VERSION"));
    let document_id = uuid(pdfx.ident, "document");
    let instance_id = uuid(pdfx.ident, &date);
    let bom = '\u{feff}';
    format!(
        r#"<?xpacket begin="{bom}" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about=""
    xmlns:dc="http://purl.org/dc/elements/1.1/"
    xmlns:xmp="http://ns.adobe.com/xap/1.0/"
    xmlns:pdf="http://ns.adobe.com/pdf/1.3/"
    xmlns:xmpMM="http://ns.adobe.com/xap/1.0/mm/"
    xmlns:pdfxid="http://www.npes.org/pdfx/ns/id/">
   <dc:format>application/pdf</dc:format>
   <dc:title><rdf:Alt><rdf:li xml:lang="x-default">{title}</rdf:li><rdf:li xml:lang="{lang}">{title}</rdf:li></rdf:Alt></dc:title>
   <dc:creator><rdf:Seq><rdf:li>{author}</rdf:li></rdf:Seq></dc:creator>
   <xmp:CreateDate>{date}</xmp:CreateDate>
   <xmp:ModifyDate>{date}</xmp:ModifyDate>
   <xmp:MetadataDate>{date}</xmp:MetadataDate>
   <xmp:CreatorTool>{tool}</xmp:CreatorTool>
   <pdf:Producer>{tool}</pdf:Producer>
   <pdf:Trapped>False</pdf:Trapped>
   <xmpMM:DocumentID>{document_id}</xmpMM:DocumentID>
   <xmpMM:InstanceID>{instance_id}</xmpMM:InstanceID>
   <xmpMM:VersionID>1</xmpMM:VersionID>
   <xmpMM:RenditionClass>default</xmpMM:RenditionClass>
   <pdfxid:GTS_PDFXVersion>{PDFX_VERSION}</pdfxid:GTS_PDFXVersion>
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>"#
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_stable_uuid_urns() {
        let id = uuid("flyerpress/da/a4-print", "document");
        assert_eq!(id, uuid("flyerpress/da/a4-print", "document"));
        assert_ne!(id, uuid("flyerpress/de/a4-print", "document"));
        assert_eq!(id.len(), "uuid:".len() + 36);
    }

    #[test]
    fn only_cmyk_output_profiles_pass() {
        let mut profile = vec![0u8; 128];
        profile[12..16].copy_from_slice(b"prtr");
        profile[16..20].copy_from_slice(b"CMYK");
        profile[36..40].copy_from_slice(b"acsp");
        assert_eq!(check_cmyk_profile(&profile), Ok(()));
        profile[16..20].copy_from_slice(b"RGB ");
        assert_eq!(
            check_cmyk_profile(&profile),
            Err("the ICC profile is for RGB, not CMYK".into())
        );
        assert!(check_cmyk_profile(b"not a profile").is_err());
    }
}
