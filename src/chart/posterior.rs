//! Prior against posterior, one small panel per calibrated parameter: the
//! prior's density in grey, the posterior's weighted kernel density in
//! blue with its 90% interval shaded and its median marked. At most
//! [`PANELS`] panels a figure, so twenty parameters make two slides.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::fan::grid;
use super::style::{house_mesh, palette, INK, MUTED};
use super::{mark_legend, render, ChartError, DrawResult, Figure, Frame, Plot, Size, Style};
use crate::calibrate::posterior::Marginal;
use crate::format::{interval, significant};

/// The most panels on one figure.
pub const PANELS: usize = 10;

pub struct MarginalsPlot<'a> {
    pub marginals: &'a [Marginal],
}

impl Plot for MarginalsPlot<'_> {
    fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>, style: &Style) -> DrawResult
    where
        DB::ErrorType: 'static,
    {
        let (legend, body) = area.split_vertically(style.px(44.0));
        let blue = palette(0);
        mark_legend(
            &legend,
            &[
                ("prior", MUTED.mix(0.3).filled()),
                ("posterior", blue.stroke_width(style.px(3.0))),
                ("its 90% interval", blue.mix(0.35).filled()),
                ("its median", INK.stroke_width(style.px(2.0))),
            ],
            style,
        )?;
        let (rows, cols) = grid(self.marginals.len());
        for (m, cell) in self.marginals.iter().zip(body.split_evenly((rows, cols))) {
            let top = m
                .prior_density
                .iter()
                .chain(&m.posterior_density)
                .map(|p| p.1)
                .filter(|d| d.is_finite())
                .fold(0.0, f64::max);
            let top = if top > 0.0 { top * 1.08 } else { 1.0 };
            let (lo, hi) = m.range;
            let hi = if hi > lo { hi } else { lo + 1.0 };
            let mut chart = ChartBuilder::on(&cell)
                .caption(&m.name, style.small_heading())
                .margin(style.px(10.0))
                .margin_right(style.px(22.0))
                .x_label_area_size(style.px(if rows > 1 { 62.0 } else { 76.0 }))
                .y_label_area_size(style.px(6.0))
                .build_cartesian_2d(lo..hi, 0f64..top)?;
            house_mesh(
                chart
                    .configure_mesh()
                    .disable_y_mesh()
                    .y_labels(0)
                    .x_labels(4)
                    .x_label_formatter(&|x| significant(*x))
                    .x_desc(format!(
                        "90%: {}",
                        interval(m.posterior.low, m.posterior.high)
                    )),
                style,
                true,
            )
            .draw()?;
            let area_under = |curve: &[(f64, f64)]| {
                let mut outline = vec![(curve[0].0, 0.0)];
                outline.extend_from_slice(curve);
                outline.push((curve[curve.len() - 1].0, 0.0));
                outline
            };
            if !m.prior_density.is_empty() {
                chart.draw_series([Polygon::new(
                    area_under(&m.prior_density),
                    MUTED.mix(0.3).filled(),
                )])?;
            }
            let inside: Vec<(f64, f64)> = m
                .posterior_density
                .iter()
                .copied()
                .filter(|(x, _)| m.posterior.contains(*x))
                .collect();
            if !inside.is_empty() {
                chart.draw_series([Polygon::new(area_under(&inside), blue.mix(0.35).filled())])?;
            }
            chart.draw_series(LineSeries::new(
                m.posterior_density.iter().copied(),
                blue.stroke_width(style.px(3.0)),
            ))?;
            chart.draw_series([PathElement::new(
                vec![(m.posterior.median, 0.0), (m.posterior.median, top)],
                INK.stroke_width(style.px(2.0)),
            )])?;
        }
        Ok(())
    }
}

/// The prior-against-posterior figures: `prior-posterior`, or
/// `prior-posterior-1`, `-2`... when there are more than [`PANELS`]
/// parameters (spread evenly over the figures).
pub fn figures(
    marginals: &[Marginal],
    caption: &str,
    size: Size,
) -> Result<Vec<Figure>, ChartError> {
    if marginals.is_empty() {
        return Ok(Vec::new());
    }
    let count = marginals.len().div_ceil(PANELS);
    let per = marginals.len().div_ceil(count);
    marginals
        .chunks(per)
        .enumerate()
        .map(|(i, chunk)| {
            let (name, title) = if count == 1 {
                (
                    "prior-posterior".to_string(),
                    "What history says about each parameter".to_string(),
                )
            } else {
                (
                    format!("prior-posterior-{}", i + 1),
                    format!(
                        "What history says about each parameter ({} of {count})",
                        i + 1
                    ),
                )
            };
            render(
                &Frame {
                    name,
                    title,
                    caption: format!(
                        "{caption} · grey: the prior; blue: the posterior (weighted kernel \
                         density of the last generation's particles), its 90% interval \
                         shaded and its median marked"
                    ),
                },
                &MarginalsPlot { marginals: chunk },
                size,
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calibrate::abc::Prior;
    use crate::calibrate::posterior::marginal;
    use crate::scenario::distribution::Distribution;

    /// The hindcast's nineteen parameters make two slides of ten and nine
    /// panels, numbered; three make one.
    #[test]
    fn many_parameters_are_spread_over_numbered_figures() {
        let marginals: Vec<Marginal> = (0..19)
            .map(|i| {
                let prior = Prior {
                    name: format!("weights.w{i}"),
                    distribution: Distribution::Uniform {
                        low: 0.0,
                        high: 1.0,
                    },
                    low: 0.0,
                    high: 1.0,
                };
                marginal(&prior, &[(0.2, 1.0), (0.4, 2.0)])
            })
            .collect();
        let size = Size {
            width: 640,
            height: 360,
        };
        let two = figures(&marginals, "c", size).unwrap();
        let names: Vec<&str> = two.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["prior-posterior-1", "prior-posterior-2"]);
        assert!(two[0].title.ends_with("(1 of 2)"));
        assert!(two[0].svg.contains("weights.w9\n") && !two[0].svg.contains("weights.w10\n"));
        assert!(two[1].svg.contains("weights.w18\n"));
        let one = figures(&marginals[..3], "c", size).unwrap();
        assert_eq!(one.len(), 1);
        assert_eq!(one[0].name, "prior-posterior");
        assert!(figures(&[], "c", size).unwrap().is_empty());
    }
}
