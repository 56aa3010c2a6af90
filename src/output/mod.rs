//! The fourth stage: the laid-out pages as files. [`names`] says what files a job
//! writes and what they are called; [`export`] makes their bytes, [`prepress`] the
//! print shop's PDF/X, [`manifest`] records what was built and [`gallery`] lists it.

pub mod export;
pub mod gallery;
pub mod manifest;
pub mod names;
pub mod prepress;
