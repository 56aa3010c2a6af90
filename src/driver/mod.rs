//! The drivers: each runs the stages for one command. [`check`] validates a project,
//! [`session`] opens one for work, [`build`] builds every edition x layout in
//! parallel, [`combine`] joins a sharded build, [`eject`] writes a standalone Typst
//! project, [`status`] reports the translations.

pub mod build;
pub mod check;
pub mod combine;
pub mod eject;
pub mod session;
pub mod status;
