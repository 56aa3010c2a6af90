//! Live preview: [`watch`] rebuilds whenever the project changes, [`serve`] serves the
//! gallery and the outputs and reloads the open page after each rebuild.

pub mod serve;
pub mod watch;
