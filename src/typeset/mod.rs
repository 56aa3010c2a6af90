//! The third stage: the document model laid out as pages with Typst. [`world`] holds
//! the Typst world; [`compose`] drives one job ([`job`] holds its layouts): it measures the table's cells, solves
//! the column widths ([`columns`]), searches the body size ([`fit`], [`search`]),
//! pads the rows ([`fill`]), and checks the pages ([`mod@print`]); [`inspect`] reads the
//! laid-out pages, [`shared`] keeps what the jobs of a build share, and [`lock`] the
//! decisions from one build to the next.

pub mod columns;
pub mod compose;
pub mod fill;
pub mod fit;
pub mod inspect;
pub mod job;
pub mod lock;
pub mod print;
pub mod search;
pub mod shared;
pub mod stages;
pub mod world;
