//! Row padding: the height a side's content leaves on its page is spent as padding
//! shared out over the table's rows, checked on the pages laid out and adjusted until
//! the table fills its side.

use crate::contract::CONTRACT;
use crate::error::Error;
use crate::model::resolve::{Document, SizeRequest};
use crate::typeset::inspect;
use crate::typeset::job::{Compose, Laid};

impl<'s> Compose<'s, '_> {
    /// Lays the pages out at `body_size` with each side's spare height spent as row
    /// padding, and checks on the pages how much height each side still leaves (the
    /// template marks it, see [`inspect::gaps`]). The template shares the padding out
    /// evenly over the rows, but a row under a cell spanning rows may not grow by its
    /// share (the spanning cell is taller still): where a side's table then grows by
    /// less than the spare, its padding is raised by as much as the table grew per
    /// millimetre given predicts it needs, or halfway back towards what fitted where
    /// that was too much, and the pages laid out again (four layouts at most). Returns
    /// the last layout whose sides all fit their pages; with no padding if none did.
    pub(super) fn lay_out_filled(
        &mut self,
        document: &mut Document,
        body_size: f64,
        spare_mm: &[f64],
    ) -> Result<Laid<'s>, Error> {
        let request = |spare_mm: Vec<f64>| SizeRequest::page(body_size, spare_mm);
        if spare_mm.iter().all(|spare| *spare < MIN_PADDING_MM) {
            return self.compile(document, Some(request(spare_mm.to_vec())));
        }
        // The padding depends only on the heights the pages leave, which what the
        // probes do not show (colours, bleed, the sheet) does not change: a layout that
        // differs from another only there takes the padding it found, and lays its
        // pages out once.
        let mut model = document.for_probe();
        model.style.fit = Some(request(spare_mm.to_vec()));
        let (key, _) = self.shared_key(&model)?;
        let shared = self.shared;
        let mut filled = None;
        let padding = shared.fills.get_or(key, || {
            filled = Some(self.fill(document, body_size, spare_mm)?);
            Ok(document.style.fit.as_ref().map(|fit| fit.spare_mm.clone()).unwrap_or_default())
        })?;
        match filled {
            Some(laid) => Ok(laid),
            None => self.compile(document, Some(request(padding))),
        }
    }

    /// Lays the pages out at `body_size` with the row padding that fills them: the
    /// spare heights first, then aimed by what the table grew per millimetre given,
    /// until every side is left at most [`SETTLED_MM`] ([`MAX_FILL_LAYOUTS`] layouts at most).
    pub(super) fn fill(
        &mut self,
        document: &mut Document,
        body_size: f64,
        spare_mm: &[f64],
    ) -> Result<Laid<'s>, Error> {
        let request = |spare_mm: Vec<f64>| SizeRequest::page(body_size, spare_mm);
        let sides = spare_mm.len();
        let mut known: Vec<SideFill> = spare_mm
            .iter()
            .map(|&spare_mm| SideFill { spare_mm, fits: 0.0, too_much: None })
            .collect();
        let mut padding = spare_mm.to_vec();
        let mut fitting = None;
        for _ in 0..MAX_FILL_LAYOUTS {
            let laid = self.compile(document, Some(request(padding.clone())))?;
            let pages = laid.paged.pages().len();
            let left =
                inspect::gaps(&laid.paged).filter(|left| pages == sides && left.len() == sides);
            let next: Vec<f64> = match left {
                // A template that does not mark the gap: its pages as they are.
                None if pages == sides => return Ok(laid),
                // A side ran over its page, which one the pages do not tell: every side
                // given more than is known to fit goes halfway back.
                None => known
                    .iter_mut()
                    .zip(&padding)
                    .map(
                        |(side, &given)| {
                            if given > side.fits { side.ran_over(given) } else { given }
                        },
                    )
                    .collect(),
                Some(left) => {
                    let steps: Vec<(f64, bool)> = known
                        .iter_mut()
                        .zip(padding.iter().zip(&left))
                        .map(|(side, (&given, &left))| side.after(given, left))
                        .collect();
                    if steps.iter().all(|&(_, fits)| fits) {
                        fitting = Some((laid, document.style.fit.clone()));
                    }
                    steps.into_iter().map(|(next, _)| next).collect()
                }
            };
            if next == padding {
                break;
            }
            padding = next;
        }
        match fitting {
            // The model says what the pages were laid out with, for the lock and eject.
            Some((laid, request)) => {
                document.style.fit = request;
                Ok(laid)
            }
            None => self.compile(document, Some(request(Vec::new()))),
        }
    }
}

/// What the row padding's search knows of one side: its spare height, the most padding
/// known to fit (at first none: the size was searched without), the least known not to.
struct SideFill {
    spare_mm: f64,
    fits: f64,
    too_much: Option<f64>,
}

impl SideFill {
    /// The padding to try after `given` ran over: halfway back to what is known to fit.
    fn ran_over(&mut self, given: f64) -> f64 {
        self.too_much = Some(given);
        (self.fits + given) / 2.0
    }

    /// The padding to try after `given` left `left` millimetres of the side unused, and
    /// whether `given` fitted.
    fn after(&mut self, given: f64, left: f64) -> (f64, bool) {
        // No height left where there was some to spare: the padded content reached the
        // foot of its area and ran over (on a sheet, out of its copy).
        if left < OVERRUN_MM.min(self.spare_mm - 0.01) {
            return (self.ran_over(given), false);
        }
        self.fits = given;
        if left <= SETTLED_MM {
            return (given, true);
        }
        // Raised by what the table grew per millimetre given, to leave the template's
        // reserve; or halfway to what was too much, where that is less.
        let padded = given - RESERVE_MM;
        let grown = if padded > 0.01 { (self.spare_mm - left) / padded } else { 0.0 };
        let aimed = RESERVE_MM + (self.spare_mm - AIM_MM) / grown;
        let next = match self.too_much {
            _ if grown < 0.01 => given,
            Some(over) if aimed >= over => (self.fits + over) / 2.0,
            _ => aimed,
        };
        (next, true)
    }
}

/// The most layouts the row padding's search runs.
const MAX_FILL_LAYOUTS: usize = 4;
/// Spare height below which a side gets no row padding, in millimetres.
const MIN_PADDING_MM: f64 = 0.5;
/// What the template keeps of the spare height, for rounding, in millimetres: the
/// rows share the rest.
const RESERVE_MM: f64 = CONTRACT.padding_reserve_mm;
/// The height a raised padding aims to leave, in millimetres: a little over the
/// reserve, as rows grow faster with more padding where a cell spans them.
const AIM_MM: f64 = 0.27;
/// Height left under a padded table that counts as filled, in millimetres.
const SETTLED_MM: f64 = 0.3;
/// Height left that means the padded content reached the foot of its area: the
/// template's reserve ([`RESERVE_MM`]) is gone, so it ran over.
const OVERRUN_MM: f64 = 0.05;
