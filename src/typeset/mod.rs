//! The third stage: the document model laid out as pages with Typst.
//!
//! [`world`] holds the Typst world. [`compose`] drives one job, whose layouts
//! [`job`] runs: it measures the table's cells and solves the column widths
//! ([`columns`]), searches the body size ([`search`], aimed by [`fit`]), pads the rows
//! ([`fill`]) and checks the pages ([`checks`]). [`inspect`] reads the laid-out pages
//! back, [`shared`] keeps what the jobs of a build share, [`lock`] the decisions from
//! one build to the next, and [`timings`] how long each stage took.

pub mod checks;
pub mod columns;
pub mod compose;
pub mod fill;
pub mod fit;
pub mod inspect;
pub mod job;
pub mod lock;
pub mod search;
pub mod shared;
pub mod timings;
pub mod world;
