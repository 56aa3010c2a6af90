//! flyerpress turns multilingual YAML content into print-ready leaflets and posters.
//!
//! The pipeline, one folder a stage, each depending only on those above it:
//!
//! - [`input`]: the project's files read and parsed: settings, facts, translations,
//!   layouts, palettes, templates, each language's rules.
//! - [`model`]: one edition merged with one layout into the document model a template
//!   reads ([`model::resolve`]), with the text hyphenated and the pages imposed.
//! - [`typeset`]: the model laid out as pages with Typst ([`typeset::world`]): the
//!   cells measured, the column widths solved, the body size searched, the rows
//!   padded ([`typeset::compose`]), and the decisions kept in the lock.
//! - [`output`]: the pages exported as PDF, SVG and PNG, prepared for print, named,
//!   recorded in the manifest and listed in the gallery.
//! - [`driver`]: the commands' work: check a project, open a [`Session`], build every
//!   edition x layout in parallel, combine shards, eject, translation status.
//! - [`live`]: rebuilding on change (`watch`) and serving the gallery (`serve`).
//!
//! Beside the stages, shared by all of them: [`error`], [`digest`], [`mod@write`]
//! (atomic writes), [`xml`] (escaping), [`contract`] (what the template and the code
//! agree on) and [`identity`] (the build's identity, fixed at compile time).

pub mod contract;
pub mod digest;
pub mod error;
pub mod identity;
pub mod write;
pub mod xml;

pub mod driver;
pub mod input;
pub mod live;
pub mod model;
pub mod output;
pub mod typeset;

pub use driver::build::{BuildOptions, BuildReport, JobReport, Progress, build};
pub use driver::check::CheckOptions;
pub use driver::session::Session;
pub use error::{Error, Location, Problem};
