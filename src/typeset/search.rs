//! The body size search of one job: each try lays the content alone out at one size
//! on pages as tall as it is (the template's probe), with the column widths solved
//! for that size; [`fit::search`] chooses the sizes. The first try is seeded from the
//! job's reference layout.

use typst::layout::Abs;

use crate::error::Error;
use crate::model::resolve::{Document, SizeRequest};
use crate::typeset::columns::TableMeasure;
use crate::typeset::fit::{self, Fit, Probe};
use crate::typeset::inspect;
use crate::typeset::job::Compose;
use crate::typeset::lock::Locked;
use crate::typeset::shared::{ProbePages, answer_key};

/// The same edition in the job's reference layout (see [`crate::typeset::compose::Composer::reference_layout`]),
/// whose size seeds the job's size search.
pub struct Reference<'l> {
    /// The reference layout's name.
    pub layout: &'l str,
    /// The edition's model in the reference layout.
    pub document: Document,
    /// What the lock holds for the edition in the reference layout.
    pub recorded: Locked<'l>,
}

/// A size search's answer: the body size, and the height each side leaves unused at
/// it, in millimetres (what the row padding may fill).
#[derive(Debug, Clone)]
pub struct Searched {
    /// The body size found, and whether the content fits at it.
    pub fit: Fit,
    /// The height each side leaves unused at that size, in millimetres.
    pub spare_mm: Vec<f64>,
}

/// Why a try laid nothing out that the search can use.
#[derive(Debug)]
pub enum TryError {
    /// The template does not take a size: its probe page lacks the
    /// `<flyerpress-probe>` mark, as a layout's own template may.
    TakesNoSize,
    /// Laying the try out failed.
    Failed(Error),
}

impl Compose<'_, '_> {
    /// The first size to try for content `width` wide: the reference's size scaled to
    /// that width. The reference's size is the one the lock holds for it, else the one
    /// its own search finds, started where its job starts it; that search is its
    /// job's (see [`crate::typeset::shared::SharedLayouts`]), so in a build that has the job too it lays
    /// nothing out a second time. `None` where the reference has no size that fits.
    pub(super) fn seed(&mut self, reference: Reference, width: Abs) -> Option<f64> {
        let Reference { layout, mut document, recorded } = reference;
        let scale = width / document.style.area().0;
        // (A decided size whose pages turn out not to fit makes the reference's job
        // decide afresh; as a seed it is still near the answer.)
        if let Some(decided) = recorded.decided {
            return Some(decided.fit.body_size * scale);
        }
        let first = recorded.before.map(|before| before.fit.body_size);
        let key = answer_key(layout, &document.to_json().ok()?, first);
        let (project, typesetter, shared) = (self.project, self.typesetter, self.shared);
        let answer = shared.answers.get_or(key, || {
            let mut compose = Compose::new(project, typesetter, shared, layout);
            let measure = compose.measure_table(&mut document);
            let searched = measure
                .and_then(|measure| compose.search_size(&mut document, measure.as_ref(), first));
            self.layouts += compose.layouts;
            Ok(searched?.map(|s| s.fit).filter(|fit| fit.fits).map(|fit| fit.body_size_pt))
        });
        Some(answer.ok()?? * scale)
    }

    /// Searches the body size by laying out the content alone at each size tried;
    /// `None` if the layout's template does not take a size (its probe page lacks the
    /// `<flyerpress-probe>` mark), as a layout's own template may not.
    ///
    /// Returns the size and the height each side leaves unused at it, in millimetres.
    pub(super) fn search_size(
        &mut self,
        document: &mut Document,
        measure: Option<&TableMeasure>,
        first: Option<f64>,
    ) -> Result<Option<Searched>, Error> {
        let (width, height) = document.style.area();
        let sizes = document.style.sizes.clone();
        let mut tries = Tries { compose: self, document, measure, width, tried: Vec::new() };
        match fit::search(&sizes, height, first, &mut tries) {
            Ok(fit) => {
                let spare_mm = tries
                    .tried
                    .iter()
                    .find(|(size, _)| *size == fit.body_size_pt)
                    .map(|(_, heights)| {
                        heights.iter().map(|h| (height - *h).to_mm().max(0.0)).collect()
                    })
                    .unwrap_or_default();
                Ok(Some(Searched { fit, spare_mm }))
            }
            Err(TryError::TakesNoSize) => Ok(None),
            Err(TryError::Failed(error)) => Err(error),
        }
    }
}

/// The size search's tries: each a compile of the content alone, on a page per side as
/// tall as it is (`<flyerpress-probe>`), with the column widths solved for its size.
struct Tries<'c, 's, 'n> {
    compose: &'c mut Compose<'s, 'n>,
    document: &'c mut Document,
    measure: Option<&'c TableMeasure>,
    width: Abs,
    /// Each size tried, with the height of each side.
    tried: Vec<(f64, Vec<Abs>)>,
}

impl fit::Content for Tries<'_, '_, '_> {
    type Error = TryError;

    fn lay_out(&mut self, body_size: f64) -> Result<Probe, Self::Error> {
        let width = self.width.to_pt();
        if let (Some(measure), Some(solved)) =
            (self.measure, &mut self.document.style.column_widths)
        {
            solved.solve(measure, body_size, width);
        }
        let mut model = self.document.for_probe();
        model.style.fit = Some(SizeRequest::probe(body_size));
        // The template reads the widths at the size it lays out only.
        if let Some(solved) = &mut model.style.column_widths {
            solved.keep_only(body_size);
        }
        let shared = self.compose.shared;
        let probed = self.compose.compile_shared(&model, &shared.probes, |paged| {
            inspect::is_probe(paged).then(|| ProbePages {
                heights: paged.pages().iter().map(|page| page.frame.height()).collect(),
                marks: inspect::gap_marks(paged),
            })
        });
        let ProbePages { heights, marks } =
            probed.map_err(TryError::Failed)?.ok_or(TryError::TakesNoSize)?;
        // One probe page per side; the tallest decides, as all sides share the size.
        let tallest = heights.iter().copied().fold(Abs::zero(), Abs::max);
        let above = marks.unwrap_or_default();
        let sides = above.iter().zip(&heights).map(|((top, _), whole)| (*top, *whole)).collect();
        self.tried.push((body_size, heights));
        Ok(Probe { height: tallest, sides })
    }

    fn table_height(&mut self, body_size: f64) -> Option<f64> {
        let width = self.width.to_pt();
        let solved = self.document.style.column_widths.as_mut()?;
        solved.predicted_height(self.measure?, body_size, width)
    }
}
