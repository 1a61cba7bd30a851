//! Observed against simulated, one row per calibration target: the
//! observed value with the 90% interval of its uncertainty (black), and
//! the posterior predictive median and 90% interval (blue). Targets of
//! one scale share the value axis; when their scales differ by more than
//! [`SCALES`] times, every row is drawn in its own observation's standard
//! deviations from the observed value, so that no row shrinks to a point.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::shares::{label_rows, row_chart, widest};
use super::style::{house_mesh, palette, GRID, INK};
use super::{
    fit_labels, mark_legend, render, ChartError, DrawResult, Figure, Frame, Plot, Size, Style,
};
use crate::calibrate::posterior::TargetFit;
use crate::format::{interval, significant};

/// The widest span of all rows over the narrowest row's, beyond which the
/// rows are standardised.
pub const SCALES: f64 = 50.0;

pub struct TargetsPlot<'a> {
    pub fits: &'a [TargetFit],
}

/// A row's values from lowest to highest: its observed and simulated
/// intervals.
fn span(fit: &TargetFit) -> (f64, f64) {
    let (lo, hi) = fit.observed_interval();
    (lo.min(fit.simulated.low), hi.max(fit.simulated.high))
}

/// Whether the rows are drawn in standard deviations from the observed
/// value: when the values of all rows span more than [`SCALES`] times the
/// narrowest row.
pub fn standardised(fits: &[TargetFit]) -> bool {
    let spans: Vec<(f64, f64)> = fits.iter().map(span).collect();
    let narrowest = spans
        .iter()
        .map(|(lo, hi)| hi - lo)
        .fold(f64::INFINITY, f64::min);
    let lo = spans.iter().map(|s| s.0).fold(f64::INFINITY, f64::min);
    let hi = spans.iter().map(|s| s.1).fold(f64::NEG_INFINITY, f64::max);
    narrowest > 0.0 && hi - lo > SCALES * narrowest
}

impl Plot for TargetsPlot<'_> {
    fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>, style: &Style) -> DrawResult
    where
        DB::ErrorType: 'static,
    {
        let blue = palette(0);
        let (legend, body) = area.split_vertically(style.px(48.0));
        mark_legend(
            &legend,
            &[
                (
                    "observed, with the 90% interval of its uncertainty",
                    INK.stroke_width(style.px(2.5)),
                ),
                ("simulated: 90% interval", blue.mix(0.35).filled()),
                ("median", blue.stroke_width(style.px(4.0))),
            ],
            style,
        )?;
        let scaled = standardised(self.fits);
        // A row's value on the axis.
        let at = |fit: &TargetFit, v: f64| {
            if scaled && fit.sd > 0.0 {
                (v - fit.observed) / fit.sd
            } else {
                v
            }
        };
        let (lo, hi) = self
            .fits
            .iter()
            .map(|f| {
                let (a, b) = span(f);
                (at(f, a), at(f, b))
            })
            .filter(|(a, b)| a.is_finite() && b.is_finite())
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), (a, b)| {
                (lo.min(a), hi.max(b))
            });
        let (lo, hi) = if lo < hi {
            (lo, hi)
        } else {
            (lo - 1.0, lo + 1.0)
        };
        let pad = 0.05 * (hi - lo);
        let (lo, hi) = (lo - pad, hi + pad);
        let n = self.fits.len().max(1);
        let font = style.label();
        let gap = style.px(16.0);
        let notes: Vec<String> = self
            .fits
            .iter()
            .map(|f| {
                format!(
                    "obs {} · sim {} {}",
                    significant(f.observed),
                    significant(f.simulated.median),
                    interval(f.simulated.low, f.simulated.high)
                )
            })
            .collect();
        let label_width = (widest(&body, self.fits.iter().map(|f| f.name.clone()), &font) + gap)
            .min(body.dim_in_pixel().0 * 30 / 100);
        let note_width = widest(&body, notes.iter().cloned(), &font) + gap;
        let mut chart = row_chart(&body, style, (label_width, note_width + gap), lo..hi, n)?;
        let axis = if scaled {
            "Difference from the observed value, in the observation's standard deviations"
        } else {
            "Value"
        };
        house_mesh(
            chart
                .configure_mesh()
                .disable_y_mesh()
                .y_labels(0)
                .x_label_formatter(&|x| significant(*x))
                .x_desc(axis),
            style,
            false,
        )
        .draw()?;
        let row = |i: usize| (n - 1 - i) as f64;
        let whisker = INK.stroke_width(style.px(2.5));
        for (i, fit) in self.fits.iter().enumerate() {
            let (y_obs, y_sim) = (row(i) + 0.16, row(i) - 0.16);
            let s = &fit.simulated;
            chart.draw_series([
                Rectangle::new(
                    [
                        (at(fit, s.low), y_sim - 0.12),
                        (at(fit, s.high), y_sim + 0.12),
                    ],
                    blue.mix(0.35).filled(),
                ),
                Rectangle::new(
                    [
                        (at(fit, s.low), y_sim - 0.12),
                        (at(fit, s.high), y_sim + 0.12),
                    ],
                    blue.stroke_width(1),
                ),
            ])?;
            chart.draw_series([PathElement::new(
                vec![
                    (at(fit, s.median), y_sim - 0.16),
                    (at(fit, s.median), y_sim + 0.16),
                ],
                blue.stroke_width(style.px(4.0)),
            )])?;
            let (olo, ohi) = fit.observed_interval();
            let (olo, ohi) = (at(fit, olo), at(fit, ohi));
            chart.draw_series([
                PathElement::new(vec![(olo, y_obs), (ohi, y_obs)], whisker),
                PathElement::new(vec![(olo, y_obs - 0.08), (olo, y_obs + 0.08)], whisker),
                PathElement::new(vec![(ohi, y_obs - 0.08), (ohi, y_obs + 0.08)], whisker),
            ])?;
            chart.draw_series([Circle::new(
                (at(fit, fit.observed), y_obs),
                style.px(7.0),
                INK.filled(),
            )])?;
            if i + 1 < n {
                chart.draw_series([PathElement::new(
                    vec![(lo, row(i) - 0.5), (hi, row(i) - 0.5)],
                    GRID,
                )])?;
            }
        }
        let labels: Vec<String> = self.fits.iter().map(|f| f.name.clone()).collect();
        let row_height = body.dim_in_pixel().1.saturating_sub(style.px(90.0)) / n as u32;
        let (note_font, _) = fit_labels(&body, &notes, &font, (note_width, row_height));
        label_rows(
            &body,
            &chart,
            style,
            (&labels, &notes),
            (&font, &note_font),
            (label_width, gap),
            (lo, hi),
        )?;
        Ok(())
    }
}

/// The chart `targets-fit`.
pub fn figure(fits: &[TargetFit], caption: &str, size: Size) -> Result<Figure, ChartError> {
    let scaled = if standardised(fits) {
        "; rows in standard deviations of each observation, as their scales differ"
    } else {
        ""
    };
    render(
        &Frame {
            name: "targets-fit".to_string(),
            title: "Observed against simulated".to_string(),
            caption: format!(
                "{caption} · each target observed (black) and simulated by the posterior's \
                 particles (blue: weighted median and 90% interval, as targets.csv){scaled}"
            ),
        },
        &TargetsPlot { fits },
        size,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calibrate::posterior::Interval;

    fn fit(observed: f64, sd: f64) -> TargetFit {
        TargetFit {
            name: "t".into(),
            observed,
            sd,
            simulated: Interval {
                low: observed - sd,
                median: observed,
                high: observed + sd,
            },
        }
    }

    #[test]
    fn rows_of_very_different_scales_are_standardised() {
        // Relations and ratios of trade: one axis.
        assert!(!standardised(&[
            fit(0.45, 0.15),
            fit(0.72, 0.02),
            fit(-0.5, 0.15)
        ]));
        // Trade in US$ bn beside a relation: each in its own sds.
        assert!(standardised(&[fit(68.0, 5.0), fit(0.45, 0.15)]));
        assert!(!standardised(&[fit(68.0, 5.0)]));
    }
}
