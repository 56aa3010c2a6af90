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
/// times, each size at most once (on the real editions 2 to 8 times, 3.9 on average).
///
/// The first try is the middle of the range. Every later try aims at the answer with a
/// power law `h = k s^p` through the two tries nearest to it: the largest size that
/// fits and the smallest that does not, or the two nearest on one side while all
/// tries are on that side (one try alone: `p` = 2). The height grows faster than the
/// size, since lines wrap more as they grow. Each try narrows the candidates by at
/// least one size, so the search ends.
pub fn search<E>(
    sizes: &Sizes,
    height: Abs,
    mut needed: impl FnMut(f64) -> Result<Abs, E>,
) -> Result<Fit, E> {
    let lo = (sizes.body_min * 10.0).round() as i64;
    let hi = (sizes.body_max * 10.0).round() as i64;
    // The largest size tried that fits, the smallest that does not, and the try
    // before the one of them that was tried last, while only one of them is known.
    let mut a: Option<Try> = None;
    let mut b: Option<Try> = None;
    let mut beyond: Option<Try>;
    let mut c = (lo + hi).div_euclid(2);
    loop {
        let hc = needed(size(c))?;
        if hc <= height {
            (beyond, a) = (a, Some((c, hc)));
        } else {
            (beyond, b) = (b, Some((c, hc)));
        }
        let estimate = match (a, b, beyond) {
            (Some((a, _)), _, _) if a == hi => return Ok(Fit::fits(hi)),
            (_, Some((b, hb)), _) if b == lo => {
                let overflow_mm = (hb - height).to_mm();
                return Ok(Fit { body_size_pt: size(lo), fits: false, overflow_mm });
            }
            (Some((a, _)), Some((b, _)), _) if b - a == 1 => return Ok(Fit::fits(a)),
            (Some(a), Some(b), _) => power_law(height, a, b),
            (Some(a), None, Some(below)) => power_law(height, below, a),
            (None, Some(b), Some(above)) => power_law(height, b, above),
            (Some((t, h)), None, None) | (None, Some((t, h)), None) => {
                t as f64 * (height / h).sqrt()
            }
            (None, None, _) => unreachable!("every try sets `a` or `b`"),
        };
        let floor = a.map_or(lo, |(a, _)| a + 1);
        let ceiling = b.map_or(hi, |(b, _)| b - 1);
        c = (estimate.floor() as i64).clamp(floor, ceiling);
    }
}

/// A try: the size in tenths of a point and the height the content needed.
type Try = (i64, Abs);

impl Fit {
    fn fits(tenths: i64) -> Self {
        Fit { body_size_pt: size(tenths), fits: true, overflow_mm: 0.0 }
    }
}

/// The size at which a power law through two tries (the smaller size first) reaches
/// `height`, with the exponent kept between 1 and 4 (equal heights would give 0).
fn power_law(height: Abs, (t1, h1): Try, (t2, h2): Try) -> f64 {
    let p = ((h2 / h1).ln() / (t2 as f64 / t1 as f64).ln()).clamp(1.0, 4.0);
    t1 as f64 * (height / h1).powf(1.0 / p)
}

/// A size in tenths of a point as points, computed as the template does (`tenths / 10`).
fn size(tenths: i64) -> f64 {
    tenths as f64 / 10.0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sizes(min: f64, max: f64) -> Sizes {
        Sizes {
            body_min: min,
            body_max: max,
            title_scale: 2.0,
            small_scale: 0.9,
            min_text_pt: 6.0,
            cell_inset: 0.36,
        }
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
        // From content that fits only at the smallest size to content that fits at the
        // largest, in steps smaller than one size makes.
        for height in (270..=700).map(|h| h as f64) {
            let (fit, tried) = run(7.5, 12.0, 40.0, height);
            let needed = |s: f64| 40.0 * 1.2 * s * s / 10.0;
            assert!(fit.fits);
            assert!(needed(fit.body_size_pt) <= height, "{fit:?} at {height}");
            assert!(needed(fit.body_size_pt + 0.1) > height, "{fit:?} at {height}");
            assert!(tried.len() <= 3, "{height}: tried {tried:?}");
            let mut unique = tried.clone();
            unique.sort_by(f64::total_cmp);
            unique.dedup();
            assert_eq!(unique.len(), tried.len(), "a size was laid out twice: {tried:?}");
        }
    }

    #[test]
    fn content_that_fits_at_the_largest_size_takes_two_tries() {
        let (fit, tried) = run(7.5, 12.0, 10.0, 700.0);
        assert_eq!(fit.body_size_pt, 12.0);
        assert_eq!(tried, [9.7, 12.0]);
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
