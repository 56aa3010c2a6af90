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
    /// until every side is left at most [`SETTLED_MM`] (four layouts at most).
    pub(super) fn fill(
        &mut self,
        document: &mut Document,
        body_size: f64,
        spare_mm: &[f64],
    ) -> Result<Laid<'s>, Error> {
        let request = |spare_mm: Vec<f64>| SizeRequest::page(body_size, spare_mm);
        let sides = spare_mm.len();
        // Per side: the most padding known to fit (at first none: the size was searched
        // without), the least known not to.
        let mut fits = vec![0.0; sides];
        let mut too_much: Vec<Option<f64>> = vec![None; sides];
        let mut padding = spare_mm.to_vec();
        let mut fitting = None;
        for _ in 0..4 {
            let laid = self.compile(document, Some(request(padding.clone())))?;
            let pages = laid.paged.pages().len();
            let left =
                inspect::gaps(&laid.paged).filter(|left| pages == sides && left.len() == sides);
            let mut next = padding.clone();
            match left {
                // A template that does not mark the gap: its pages as they are.
                None if pages == sides => return Ok(laid),
                // A side ran over its page, which one the pages do not tell: every side
                // given more than is known to fit goes halfway back.
                None => {
                    for i in 0..sides {
                        if padding[i] > fits[i] {
                            too_much[i] = Some(padding[i]);
                            next[i] = (fits[i] + padding[i]) / 2.0;
                        }
                    }
                }
                Some(left) => {
                    let mut all_fit = true;
                    for (i, left) in left.iter().enumerate() {
                        // No height left where there was some to spare: the padded
                        // content reached the foot of its area and ran over (on a
                        // sheet, out of its copy).
                        if *left < OVERRUN_MM.min(spare_mm[i] - 0.01) {
                            all_fit = false;
                            too_much[i] = Some(padding[i]);
                            next[i] = (fits[i] + padding[i]) / 2.0;
                            continue;
                        }
                        fits[i] = padding[i];
                        if *left <= SETTLED_MM {
                            continue;
                        }
                        // Raised by what the table grew per millimetre given, to leave
                        // the template's reserve; or halfway to what was too much,
                        // where that is less.
                        let given = padding[i] - RESERVE_MM;
                        let grown = if given > 0.01 { (spare_mm[i] - left) / given } else { 0.0 };
                        let aimed = RESERVE_MM + (spare_mm[i] - AIM_MM) / grown;
                        next[i] = match too_much[i] {
                            _ if grown < 0.01 => padding[i],
                            Some(over) if aimed >= over => (fits[i] + over) / 2.0,
                            _ => aimed,
                        };
                    }
                    if all_fit {
                        fitting = Some((laid, document.style.fit.clone()));
                    }
                }
            }
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
