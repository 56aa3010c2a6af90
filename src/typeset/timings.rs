//! How long each stage of a job took and how many layouts it ran, for `build
//! --timings` and the benchmarks.

/// One stage of a job: what it was, how long it took, and for the stages that lay the
/// document out, how many times it did (Typst compiles; 0 where it took the layouts
/// another job of the build ran, see [`crate::typeset::shared::SharedLayouts`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Stage {
    /// The stage's name: `lock` (a layout with the lock's decisions whose pages did not
    /// fit), `measure`, `size`, `layout`, `check`, `pdf`, `svg`, `previews`, `write`.
    pub name: &'static str,
    /// How long it took.
    pub took: std::time::Duration,
    /// How many layouts (Typst compiles) it ran; `None` for the stages after
    /// typesetting.
    pub layouts: Option<u32>,
}

/// The stages of a job, in order.
pub type Stages = Vec<Stage>;

/// Times the stages of a job, one after another.
pub struct Clock {
    started: std::time::Instant,
}

impl Clock {
    /// A clock started now.
    pub fn start() -> Self {
        Self { started: std::time::Instant::now() }
    }

    /// Ends a stage that ran `layouts` layouts (`None`: one that lays nothing out),
    /// and starts the next.
    pub fn lap(&mut self, stages: &mut Stages, name: &'static str, layouts: Option<u32>) {
        stages.push(Stage { name, took: self.started.elapsed(), layouts });
        self.started = std::time::Instant::now();
    }
}
