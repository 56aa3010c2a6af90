//! The second stage: one edition and one layout merged into the document model the
//! template reads, as plain serializable data.

pub mod hyphenate;
pub mod impose;
pub mod resolve;
pub mod widths;
