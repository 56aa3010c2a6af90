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
/// times, each size at most once (on the real editions 3 to 8 times, 4.9 on average).
///
/// Every try after the first aims at the answer by fitting a power law `h = k s^p` to
/// the two tries that are nearest to it (the largest size that fits and the smallest
/// that does not, or the two smallest that do not fit yet): the height grows faster
/// than the size, since lines wrap more as they grow, by about `p` = 2. Each try
/// narrows the range of candidates by at least one size, so the search ends.
pub fn search<E>(
    sizes: &Sizes,
    height: Abs,
    mut needed: impl FnMut(f64) -> Result<Abs, E>,
) -> Result<Fit, E> {
    let mut needed = |tenths: i64| needed(size(tenths));
    let lo = (sizes.body_min * 10.0).round() as i64;
    let hi = (sizes.body_max * 10.0).round() as i64;
    // `b` is the smallest size tried that does not fit, `a` the largest that does.
    let (mut b, mut hb) = (hi, needed(hi)?);
    if hb <= height {
        return Ok(Fit { body_size_pt: size(hi), fits: true, overflow_mm: 0.0 });
    }
    let mut a: Option<(i64, Abs)> = None;
    let mut above: Option<(i64, Abs)> = None;
    while a.map_or(b > lo, |(a, _)| b - a > 1) {
        let estimate = match (a, above) {
            (Some((a, ha)), _) => power_law(height, (a, ha), (b, hb)),
            (None, Some(above)) => power_law(height, (b, hb), above),
            (None, None) => b as f64 * (height / hb).sqrt(),
        };
        let floor = a.map_or(lo, |(a, _)| a + 1);
        let c = (estimate.floor() as i64).clamp(floor, b - 1);
        let hc = needed(c)?;
        if hc <= height {
            a = Some((c, hc));
        } else {
            above = Some((b, hb));
            (b, hb) = (c, hc);
        }
    }
    Ok(match a {
        Some((a, _)) => Fit { body_size_pt: size(a), fits: true, overflow_mm: 0.0 },
        // Not even the smallest size fits: `b` is `lo`.
        None => Fit { body_size_pt: size(b), fits: false, overflow_mm: (hb - height).to_mm() },
    })
}

/// The size at which a power law through two tries reaches `height`, with the exponent
/// kept between 1 and 4 (two tries of equal height would give 0).
fn power_law(height: Abs, (t1, h1): (i64, Abs), (t2, h2): (i64, Abs)) -> f64 {
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
            assert!(tried.len() <= 3, "{height}: tried {tried:?}");
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
