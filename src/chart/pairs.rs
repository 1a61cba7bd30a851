//! The posterior's most informed pairs: one scatter panel per pair of
//! calibrated parameters, the last generation's particles as dots whose
//! size grows with their weight, on the range the particles cover. Which pairs is decided in
//! `calibrate::posterior` (the largest absolute weighted correlations).

use plotters::coord::Shift;
use plotters::prelude::*;

use super::style::{house_mesh, palette};
use super::{render, ChartError, DrawResult, Figure, Frame, Plot, Size, Style};
use crate::calibrate::posterior::{PosteriorSummary, INFORMED_PAIRS};
use crate::format::significant;

pub struct PairsPlot<'a> {
    pub summary: &'a PosteriorSummary,
}

/// Rows and columns for `k` panels: three to a row.
fn grid(k: usize) -> (usize, usize) {
    let cols = k.clamp(1, 3);
    (k.div_ceil(cols).max(1), cols)
}

impl PairsPlot<'_> {
    /// Where parameter `k`'s particles lie, with a margin: the posterior,
    /// not the prior, so that a tie between two parameters shows.
    fn extent(&self, k: usize) -> (f64, f64) {
        let (lo, hi) = self
            .summary
            .particles
            .iter()
            .map(|p| p.0[k])
            .filter(|x| x.is_finite())
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), x| {
                (lo.min(x), hi.max(x))
            });
        if hi <= lo {
            let centre = if lo.is_finite() { lo } else { 0.0 };
            return (centre - 0.5, centre + 0.5);
        }
        let pad = 0.05 * (hi - lo);
        (lo - pad, hi + pad)
    }
}

impl Plot for PairsPlot<'_> {
    fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>, style: &Style) -> DrawResult
    where
        DB::ErrorType: 'static,
    {
        let s = self.summary;
        let (rows, cols) = grid(s.pairs.len());
        let heaviest = s.particles.iter().map(|p| p.1).fold(0.0, f64::max);
        // Lightest first, so that the heaviest particles are drawn on top.
        let mut order: Vec<usize> = (0..s.particles.len()).collect();
        order.sort_by(|&a, &b| s.particles[a].1.total_cmp(&s.particles[b].1));
        let (small, large) = (style.px(2.0) as f64, style.px(11.0) as f64);
        for (pair, cell) in s.pairs.iter().zip(area.split_evenly((rows, cols))) {
            let (mx, my) = (&s.marginals[pair.x], &s.marginals[pair.y]);
            let ((x0, x1), (y0, y1)) = (self.extent(pair.x), self.extent(pair.y));
            let mut chart = ChartBuilder::on(&cell)
                .caption(
                    format!("weighted correlation {:+.2}", pair.correlation),
                    style.small_heading(),
                )
                .margin(style.px(12.0))
                .x_label_area_size(style.px(62.0))
                .y_label_area_size(style.px(84.0))
                .build_cartesian_2d(x0..x1, y0..y1)?;
            house_mesh(
                chart
                    .configure_mesh()
                    .x_labels(4)
                    .y_labels(4)
                    .x_label_formatter(&|x| significant(*x))
                    .y_label_formatter(&|y| significant(*y))
                    .x_desc(mx.name.as_str())
                    .y_desc(my.name.as_str()),
                style,
                true,
            )
            .draw()?;
            chart.draw_series(order.iter().map(|&i| {
                let (theta, weight) = &s.particles[i];
                let share = if heaviest > 0.0 {
                    weight / heaviest
                } else {
                    1.0
                };
                let radius = small + (large - small) * share.sqrt();
                Circle::new(
                    (theta[pair.x], theta[pair.y]),
                    radius.round() as u32,
                    palette(0).mix(0.45).filled(),
                )
            }))?;
        }
        Ok(())
    }
}

/// The pair chart `posterior-pairs`, or nothing with fewer than two
/// parameters.
pub fn figure(
    summary: &PosteriorSummary,
    caption: &str,
    size: Size,
) -> Result<Option<Figure>, ChartError> {
    if summary.pairs.is_empty() {
        return Ok(None);
    }
    let frame = Frame {
        name: "posterior-pairs".to_string(),
        title: "Which parameters history ties together".to_string(),
        caption: format!(
            "{caption} · the {} pairs of parameters with the largest absolute weighted \
             correlation in the last generation (at most {INFORMED_PAIRS}); one dot per \
             particle, larger for a larger weight",
            summary.pairs.len()
        ),
    };
    render(&frame, &PairsPlot { summary }, size).map(Some)
}
