//! flyerpress turns multilingual YAML content into print-ready leaflets and posters.
//!
//! The pipeline, one module a stage: [`project`] loads content and layouts, [`check`]
//! validates that they fit together, [`resolve`] merges one edition and one layout
//! into a document model, [`compose`] lays it out as pages with Typst ([`typeset`]
//! holds the Typst world; [`columns`] chooses the column widths and [`fit`] the body
//! size), [`export`] writes PDF, SVG or PNG bytes, and [`mod@write`] puts them in
//! place atomically. A [`session`] is a project opened and checked, with the
//! typesetter its jobs share; [`mod@build`] drives the stages for every edition x
//! layout in parallel.

pub mod build;
pub mod check;
pub mod columns;
pub mod combine;
pub mod compose;
pub mod content;
pub mod digest;
pub mod eject;
pub mod error;
pub mod export;
pub mod fit;
pub mod gallery;
pub mod hyphenate;
pub mod impose;
pub mod inspect;
pub mod keys;
pub mod layout;
pub mod load;
pub mod locale;
pub mod lock;
pub mod manifest;
pub mod markup;
pub mod prepress;
pub mod project;
pub mod resolve;
pub mod serve;
pub mod session;
pub mod status;
pub mod typeset;
pub mod watch;
pub mod write;

pub use build::{BuildOptions, BuildReport, JobReport, Progress, build};
pub use check::CheckOptions;
pub use error::{Error, Location, Problem};
pub use session::Session;
