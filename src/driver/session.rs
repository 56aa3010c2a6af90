//! A project opened for work: loaded, checked, with the typesetter its jobs share.

use std::collections::BTreeMap;
use std::path::Path;

use crate::driver::check::{CheckOptions, check};
use crate::error::{Error, Problem};
use crate::input::project::Project;
use crate::typeset::compose::{Composer, Typeset};
use crate::typeset::shared::SharedLayouts;
use crate::typeset::world::Typesetter;

/// A project loaded, checked and ready to build, with its shared typesetter.
pub struct Session {
    /// The project.
    pub project: Project,
    /// Fonts and the standard library, shared by all jobs.
    pub typesetter: Typesetter,
    /// Warnings from checking the project.
    pub warnings: Vec<Problem>,
    /// Editions with problems of their own, by language code: their jobs fail, the
    /// other editions build.
    pub broken: BTreeMap<String, Vec<Problem>>,
    /// The measure and probe layouts its jobs share.
    pub(crate) shared: SharedLayouts,
}

impl Session {
    /// Loads and checks a project. Problems in shared files (settings, facts,
    /// layouts, the base edition) are an error listing every problem; problems of one
    /// other edition are kept in [`Session::broken`].
    pub fn open(project_dir: &Path, options: CheckOptions) -> Result<Session, Error> {
        let project = Project::load(project_dir)?;
        let typesetter = Typesetter::new(&project.fonts_dir())?;
        let mut findings = check(&project, &typesetter, options);
        let mut broken = project.broken.clone();
        for (lang, problems) in std::mem::take(&mut findings.editions) {
            broken.entry(lang).or_default().extend(problems);
        }
        if !findings.fatal.is_empty() {
            // Nothing is built: report the editions' problems along with the rest.
            for problem in broken.into_values().flatten() {
                findings.fatal.push(problem.location, problem.message);
            }
            return Err(Error::Invalid(findings.fatal.into_sorted()));
        }
        let warnings = findings.warnings;
        Ok(Session { project, typesetter, warnings, broken, shared: SharedLayouts::default() })
    }

    /// What the session's jobs typeset with.
    pub fn composer(&self) -> Composer<'_> {
        Composer { project: &self.project, typesetter: &self.typesetter, shared: &self.shared }
    }

    /// Resolves and lays out one edition in one layout, checking that it fits one page
    /// (see [`Composer::typeset`]).
    pub fn typeset(&self, edition: &str, layout_name: &str) -> Result<Typeset<'_>, Error> {
        self.composer().typeset(edition, layout_name)
    }

    /// The layout whose size seeds the size search of `layout_name` for `edition` (see
    /// [`Composer::reference_layout`]).
    pub fn reference_layout(&self, edition: &str, layout_name: &str) -> Option<&str> {
        self.composer().reference_layout(edition, layout_name)
    }

    /// Every problem of the broken editions, sorted.
    pub fn edition_problems(&self) -> Vec<Problem> {
        let mut all: Vec<Problem> = self.broken.values().flatten().cloned().collect();
        all.sort();
        all
    }
}
