//! Choosing the body size: the largest size, in steps of 0.1 pt between the layout's
//! `body_min` and `body_max`, at which the page content fits the page area.
//!
//! The template can run a search itself (`search` in `overview.typ`, which ejected
//! projects use), but there every try is a `measure` inside a `context`: Typst lays
//! the page out in a second pass to settle the measured elements' locations, and the
//! tries cost ten times a plain layout. Here every try is a compile of the content
//! alone on a page as tall as it is, and the page itself is then laid out once at the
//! size found. The template aims its tries with a power law alone; this search aims
//! with a model of the content where it has one, and needs fewer tries. Both stop at
//! a size that fits where 0.1 pt more does not; where a larger size happens to need
//! less room they could stop at different such sizes (on the shipped and test
//! editions they do not: a test compares them).

use typst::layout::Abs;

use crate::input::layout::Sizes;

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

/// What the size search lays out: the content at a body size, measured.
pub trait Content {
    /// Why a layout failed.
    type Error;

    /// Lays the content out at a body size in points and measures it.
    fn lay_out(&mut self, body_size: f64) -> Result<Probe, Self::Error>;

    /// The height the content's table is predicted to take at a body size, in points,
    /// from its cells measured once; `None` where there is no prediction (no table, or
    /// one whose widest words do not fit side by side at that size).
    fn table_height(&mut self, body_size: f64) -> Option<f64>;
}

/// The content laid out at one size, measured.
#[derive(Debug, Clone, PartialEq)]
pub struct Probe {
    /// The height the content needs: its tallest side's.
    pub height: Abs,
    /// Per side, the height of what stands above the side's spare room (title, legend,
    /// tables) and of all of it; empty where the template does not mark the spare room.
    pub sides: Vec<(Abs, Abs)>,
}

/// Finds the largest body size at which the content fits `height`. Each size is laid
/// out at most once; on the real editions it takes 2 to 5 tries, 3.5 on average.
///
/// The first try is `first` where given (the size the job had before an edit, from
/// the lock, or its reference layout's size scaled, see
/// [`crate::typeset::compose::Composer::reference_layout`]), else the middle of the range. Every later one aims at the answer with
/// a model of the content calibrated on the last try: per side, what stands above the
/// spare room (mostly the table) grows as the table's predicted height does (the
/// column widths solved from the cells' measure, see [`crate::typeset::columns`]), and the
/// rest (footnotes, footer) in proportion to the size; the next try is the largest
/// size still possible at which the model fits. Where there is no model (a template
/// that does not mark the spare room, a size without a prediction), a power law
/// `h = k s^p` through the two tries nearest to the answer aims instead: the largest
/// size that fits and the smallest that does not, or the two nearest on one side
/// while all tries are on that side (one try alone: `p` = 2). Each try narrows the
/// candidates by at least one size, so the search ends.
pub fn search<C: Content>(
    sizes: &Sizes,
    height: Abs,
    first: Option<f64>,
    content: &mut C,
) -> Result<Fit, C::Error> {
    let (lo, hi) = sizes.body_tenths().into_inner();
    // The largest size tried that fits, the smallest that does not, and the try
    // before the one of them that was tried last, while only one of them is known.
    let mut a: Option<Try> = None;
    let mut b: Option<Try> = None;
    let mut beyond: Option<Try>;
    let mut c =
        first.map_or((lo + hi).div_euclid(2), |size| ((size * 10.0).round() as i64).clamp(lo, hi));
    loop {
        let probe = content.lay_out(size(c))?;
        let hc = probe.height;
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
        c = aim(content, height, (c, &probe), floor, ceiling)
            .unwrap_or_else(|| (estimate.floor() as i64).clamp(floor, ceiling));
    }
}

/// The largest size from `floor` to `ceiling` (in tenths of a point) at which the
/// model calibrated on the try `t` fits `height`, or `floor` where it fits at none;
/// `None` without a model: the try has no sides measured or no table prediction.
fn aim<C: Content>(
    content: &mut C,
    height: Abs,
    (t, probe): (i64, &Probe),
    floor: i64,
    ceiling: i64,
) -> Option<i64> {
    if probe.sides.is_empty() {
        return None;
    }
    let at = content.table_height(size(t)).filter(|h| *h > 0.0)?;
    // Where the table is not predicted (its words do not fit), nor is the content.
    let mut fits = |c: i64| {
        let Some(table) = content.table_height(size(c)) else { return false };
        let grown = |&(above, whole): &(Abs, Abs)| {
            above * (table / at) + (whole - above) * (c as f64 / t as f64)
        };
        probe.sides.iter().map(grown).all(|h| h <= height)
    };
    if fits(ceiling) {
        return Some(ceiling);
    }
    if !fits(floor) {
        return Some(floor);
    }
    // The model grows with the size: halve the range between a size that fits and
    // one that does not.
    let (mut fitting, mut over) = (floor, ceiling);
    while over - fitting > 1 {
        let middle = (fitting + over) / 2;
        if fits(middle) {
            fitting = middle;
        } else {
            over = middle;
        }
    }
    Some(fitting)
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

    /// Content laid out by formula: `above` and `below` its spare room at a size, the
    /// table predicted by `predicted`, the spare room marked or not; counts the tries.
    struct Page {
        above: fn(f64) -> f64,
        below: fn(f64) -> f64,
        predicted: Option<fn(f64) -> f64>,
        marked: bool,
        tried: Vec<f64>,
    }

    impl Page {
        /// A page whose content needs `lines` lines of 1.2 x the size, unmarked.
        fn lines(lines: f64) -> Self {
            let above = match lines {
                10.0 => |s: f64| 10.0 * 1.2 * s * s / 10.0,
                _ => |s: f64| 40.0 * 1.2 * s * s / 10.0,
            };
            Page { above, below: |_| 0.0, predicted: None, marked: false, tried: Vec::new() }
        }

        fn needed(&self, size: f64) -> f64 {
            (self.above)(size) + (self.below)(size)
        }
    }

    impl Content for Page {
        type Error = ();

        fn lay_out(&mut self, size: f64) -> Result<Probe, ()> {
            self.tried.push(size);
            let (above, whole) = (Abs::pt((self.above)(size)), Abs::pt(self.needed(size)));
            let sides = if self.marked { vec![(above, whole)] } else { Vec::new() };
            Ok(Probe { height: whole, sides })
        }

        fn table_height(&mut self, size: f64) -> Option<f64> {
            self.predicted.map(|p| p(size))
        }
    }

    fn run(min: f64, max: f64, page: &mut Page, height: f64) -> Fit {
        search(&sizes(min, max), Abs::pt(height), None, page).unwrap()
    }

    /// Checks that `fit` is the largest size that fits and that no size was laid
    /// out twice.
    fn assert_largest(page: &Page, fit: Fit, height: f64) {
        assert!(fit.fits);
        assert!(page.needed(fit.body_size_pt) <= height, "{fit:?} at {height}");
        assert!(page.needed(fit.body_size_pt + 0.1) > height, "{fit:?} at {height}");
        let mut unique = page.tried.clone();
        unique.sort_by(f64::total_cmp);
        unique.dedup();
        assert_eq!(unique.len(), page.tried.len(), "a size was laid out twice: {:?}", page.tried);
    }

    #[test]
    fn finds_the_largest_size_that_fits_in_few_tries() {
        // From content that fits only at the smallest size to content that fits at the
        // largest, in steps smaller than one size makes.
        for height in (270..=700).map(|h| h as f64) {
            let mut page = Page::lines(40.0);
            let fit = run(7.5, 12.0, &mut page, height);
            assert_largest(&page, fit, height);
            assert!(page.tried.len() <= 3, "{height}: tried {:?}", page.tried);
        }
    }

    /// A table whose rows wrap in steps (its height jumps where a line breaks) above
    /// footnotes that grow with the size: the model aims better than the power law.
    #[test]
    fn the_model_of_the_table_aims_the_tries() {
        // 30 cells of 40 words of 5 em in columns 400 pt wide, lines 1.2 em apart.
        let above = |s: f64| 30.0 * 1.2 * s * (40.0 * 5.0 * s / 400.0).ceil();
        let below = |s: f64| 4.0 * 1.2 * s * (s / 10.0);
        let mut tries = [0, 0];
        for height in (300..=1200).step_by(5).map(|h| h as f64) {
            for (model, count) in tries.iter_mut().enumerate() {
                let predicted: Option<fn(f64) -> f64> = if model == 1 {
                    // The prediction fills lines word by word: 3 % taller.
                    Some(|s: f64| 1.03 * 30.0 * 1.2 * s * (40.0 * 5.0 * s / 400.0).ceil())
                } else {
                    None
                };
                let mut page = Page { above, below, predicted, marked: model == 1, tried: vec![] };
                let fit = run(6.0, 14.0, &mut page, height);
                if page.needed(6.0) > height {
                    assert!(!fit.fits);
                    continue;
                }
                assert_largest(&page, fit, height);
                *count += page.tried.len();
            }
        }
        let [power_law, model] = tries;
        assert!(model * 10 < power_law * 9, "model {model} tries, power law {power_law}");
    }

    /// Started at the size it had before an edit, the search proves an unchanged size
    /// in two tries, and a start outside the range is brought into it.
    #[test]
    fn a_start_at_the_answer_takes_two_tries() {
        let mut page = Page::lines(40.0);
        let height = 400.0;
        let answer = run(7.5, 12.0, &mut page, height).body_size_pt;
        for first in [answer, 12.0, 7.5, 40.0, 1.0] {
            let mut page = Page::lines(40.0);
            let fit = search(&sizes(7.5, 12.0), Abs::pt(height), Some(first), &mut page).unwrap();
            assert_eq!(fit.body_size_pt, answer, "from {first}");
            assert_eq!(page.tried[0], first.clamp(7.5, 12.0), "from {first}");
            if first == answer {
                assert_eq!(page.tried, [answer, answer + 0.1], "from {first}");
            }
        }
    }

    #[test]
    fn content_that_fits_at_the_largest_size_takes_two_tries() {
        let mut page = Page::lines(10.0);
        let fit = run(7.5, 12.0, &mut page, 700.0);
        assert_eq!(fit.body_size_pt, 12.0);
        assert_eq!(page.tried, [9.7, 12.0]);
    }

    #[test]
    fn content_too_tall_at_the_smallest_size_reports_the_overflow() {
        let fit = run(7.5, 12.0, &mut Page::lines(40.0), 200.0);
        assert!(!fit.fits);
        assert_eq!(fit.body_size_pt, 7.5);
        let overflow = Abs::pt(40.0 * 1.2 * 7.5 * 7.5 / 10.0 - 200.0).to_mm();
        assert!((fit.overflow_mm - overflow).abs() < 1e-9, "{fit:?}");
    }

    #[test]
    fn a_layout_error_stops_the_search() {
        struct Broken;
        impl Content for Broken {
            type Error = &'static str;
            fn lay_out(&mut self, _: f64) -> Result<Probe, Self::Error> {
                Err("no font")
            }
            fn table_height(&mut self, _: f64) -> Option<f64> {
                None
            }
        }
        let result = search(&sizes(7.5, 12.0), Abs::pt(100.0), None, &mut Broken);
        assert_eq!(result, Err("no font"));
    }
}
