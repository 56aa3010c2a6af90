//! The first stage: the project's files read and parsed into typed values, each
//! problem located by file, line and key. Nothing here knows about Typst's layout.

pub mod content;
pub mod keys;
pub mod layout;
pub mod load;
pub mod locale;
pub mod markup;
pub mod project;
pub mod templates;
