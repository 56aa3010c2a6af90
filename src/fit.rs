//! Choosing the body size: the largest size, in steps of 0.1 pt between the layout's
//! `body_min` and `body_max`, at which the page content fits the page area.
//!
//! The template can run this search itself (`search` in `overview.typ`, which ejected
//! projects use), but there every try is a `measure` inside a `context`: Typst lays
//! the page out in a second pass to settle the measured elements' locations, and the
//! tries cost ten times a plain layout. Here every try is a compile of the content
//! alone on a page as tall as it is, and the page itself is then laid out once at the
//! size found. The tries are the template's, in the same order, so that both searches
//! choose the same size even where a larger size happens to need less room.

use std::collections::HashMap;

use typst::layout::Abs;

use crate::layout::Sizes;

/// The body size chosen for a page.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Fit {
    /// The chosen body size in points.
    pub body_size_pt: f64,
    /// Whether the content fits the page at that size.
    pub fits: bool,
    /// How much too tall the content is at the smallest size, in millimetres.
    pub overflow_mm: f64,
}

/// Finds the largest body size at which the content fits `height`. `needed` lays the
/// content out at a body size in points and returns its height; it is called a few
/// times (each size at most once), most often 3 or 4.
pub fn search<E>(
    sizes: &Sizes,
    height: Abs,
    needed: impl FnMut(f64) -> Result<Abs, E>,
) -> Result<Fit, E> {
    let mut tries = Tries { needed, heights: HashMap::new() };
    let lo = (sizes.body_min * 10.0).round() as i64;
    let hi = (sizes.body_max * 10.0).round() as i64;
    let at_hi = tries.needed(hi)?;
    let fit = if at_hi <= height {
        hi
    } else {
        // The height grows about with the square of the type size.
        let estimate = (hi as f64 * (height / at_hi).sqrt()).floor() as i64;
        let guess = estimate.clamp(lo, hi - 1);
        // Bracket the answer next to the guess: `a` fits (or is `lo`), `b` does not.
        let (mut a, mut b) = if tries.fits(guess, height)? {
            let mut a = guess;
            while a + 1 < hi && tries.fits(a + 1, height)? {
                a += 1;
            }
            (a, a + 1)
        } else if guess > lo && tries.fits(guess - 1, height)? {
            (guess - 1, guess)
        } else {
            (lo, guess - 1)
        };
        while b - a > 1 {
            let mid = (a + b).div_euclid(2);
            if tries.fits(mid, height)? {
                a = mid;
            } else {
                b = mid;
            }
        }
        a
    };
    if fit > lo || tries.fits(lo, height)? {
        Ok(Fit { body_size_pt: size(fit), fits: true, overflow_mm: 0.0 })
    } else {
        let overflow = tries.needed(lo)? - height;
        Ok(Fit { body_size_pt: size(lo), fits: false, overflow_mm: overflow.to_mm() })
    }
}

/// A size in tenths of a point as points, computed as the template does (`tenths / 10`).
fn size(tenths: i64) -> f64 {
    tenths as f64 / 10.0
}

/// The heights measured so far, so that no size is laid out twice.
struct Tries<F> {
    needed: F,
    heights: HashMap<i64, Abs>,
}

impl<F, E> Tries<F>
where
    F: FnMut(f64) -> Result<Abs, E>,
{
    fn needed(&mut self, tenths: i64) -> Result<Abs, E> {
        if let Some(&height) = self.heights.get(&tenths) {
            return Ok(height);
        }
        let height = (self.needed)(size(tenths))?;
        self.heights.insert(tenths, height);
        Ok(height)
    }

    fn fits(&mut self, tenths: i64, height: Abs) -> Result<bool, E> {
        Ok(self.needed(tenths)? <= height)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sizes(min: f64, max: f64) -> Sizes {
        Sizes { body_min: min, body_max: max, title_scale: 2.0, small_scale: 0.9 }
    }

    /// A page whose content needs `lines` lines of 1.2 x the size, counting the tries.
    fn run(min: f64, max: f64, lines: f64, height: f64) -> (Fit, Vec<f64>) {
        let mut tried = Vec::new();
        let fit = search::<()>(&sizes(min, max), Abs::pt(height), |size| {
            tried.push(size);
            Ok(Abs::pt(lines * 1.2 * size * size / 10.0))
        })
        .unwrap();
        (fit, tried)
    }

    #[test]
    fn finds_the_largest_size_that_fits_in_few_tries() {
        for height in [300.0, 420.0, 555.5, 700.0] {
            let (fit, tried) = run(7.5, 12.0, 40.0, height);
            let needed = |s: f64| 40.0 * 1.2 * s * s / 10.0;
            assert!(fit.fits);
            assert!(needed(fit.body_size_pt) <= height, "{fit:?} at {height}");
            assert!(needed(fit.body_size_pt + 0.1) > height, "{fit:?} at {height}");
            assert!(tried.len() <= 4, "{height}: tried {tried:?}");
            let mut unique = tried.clone();
            unique.dedup();
            assert_eq!(unique.len(), tried.len(), "a size was laid out twice: {tried:?}");
        }
    }

    #[test]
    fn content_that_fits_at_the_largest_size_takes_one_try() {
        let (fit, tried) = run(7.5, 12.0, 10.0, 700.0);
        assert_eq!(fit.body_size_pt, 12.0);
        assert_eq!(tried, [12.0]);
    }

    #[test]
    fn content_too_tall_at_the_smallest_size_reports_the_overflow() {
        let (fit, _) = run(7.5, 12.0, 40.0, 200.0);
        assert!(!fit.fits);
        assert_eq!(fit.body_size_pt, 7.5);
        let overflow = Abs::pt(40.0 * 1.2 * 7.5 * 7.5 / 10.0 - 200.0).to_mm();
        assert!((fit.overflow_mm - overflow).abs() < 1e-9, "{fit:?}");
    }

    #[test]
    fn a_layout_error_stops_the_search() {
        let result = search(&sizes(7.5, 12.0), Abs::pt(100.0), |_| Err("no font"));
        assert_eq!(result, Err("no font"));
    }
}
