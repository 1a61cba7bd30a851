//! Tornado charts of sensitivity indices and PRIM's peeling trajectory.
//!
//! A tornado chart has one horizontal bar per parameter, the most
//! important at the top: Morris's mu* with its bootstrap interval, or
//! Sobol's total-order index (light) with the first-order index inside it
//! (dark) and the total-order interval as a whisker.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::shares::{label_rows, row_chart, widest};
use super::style::{house_mesh, palette, GRID, INK};
use super::{render, swatch_legend, ChartError, DrawResult, Figure, Frame, Plot, Size, Style};

/// One parameter's bar.
#[derive(Debug, Clone, PartialEq)]
pub struct TornadoBar {
    pub label: String,
    pub value: f64,
    /// The 95% interval of `value`, drawn as a whisker.
    pub ci: Option<(f64, f64)>,
    /// A second index drawn inside the bar (Sobol's first order).
    pub inner: Option<f64>,
    /// A value printed after the bar, e.g. sigma.
    pub note: String,
}

pub struct TornadoPlot {
    /// Sorted by the caller, most important first.
    pub bars: Vec<TornadoBar>,
    pub axis: String,
    /// The legend's entries: the bar, then the inner bar if any.
    pub legend: Vec<String>,
}

/// The tornado chart `name` of `bars` (sorted here by value, largest first).
pub fn figure(frame: Frame, mut plot: TornadoPlot, size: Size) -> Result<Figure, ChartError> {
    plot.bars.sort_by(|a, b| b.value.total_cmp(&a.value));
    render(&frame, &plot, size)
}

impl Plot for TornadoPlot {
    fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>, style: &Style) -> DrawResult
    where
        DB::ErrorType: 'static,
    {
        let (legend, body) = area.split_vertically(style.px(48.0));
        swatch_legend(&legend, &self.legend, style)?;
        let n = self.bars.len().max(1);
        let font = style.label();
        let gap = style.px(16.0);
        let label_width = (widest(&body, self.bars.iter().map(|b| b.label.clone()), &font) + gap)
            .min(body.dim_in_pixel().0 * 40 / 100);
        let note_width = widest(&body, self.bars.iter().map(|b| b.note.clone()), &font) + gap;
        let top = self
            .bars
            .iter()
            .map(|b| b.ci.map_or(b.value, |c| c.1.max(b.value)))
            .filter(|v| v.is_finite())
            .fold(0.0, f64::max);
        let top = if top > 0.0 { top * 1.05 } else { 1.0 };
        let low = self
            .bars
            .iter()
            .filter_map(|b| b.ci.map(|c| c.0))
            .chain(self.bars.iter().filter_map(|b| b.inner))
            .filter(|v| v.is_finite())
            .fold(0.0, f64::min);
        let mut chart = row_chart(&body, style, (label_width, note_width + gap), low..top, n)?;
        house_mesh(
            chart
                .configure_mesh()
                .disable_y_mesh()
                .y_labels(0)
                .x_desc(self.axis.as_str()),
            style,
            false,
        )
        .draw()?;
        let row = |i: usize| (n - 1 - i) as f64;
        let whisker = INK.stroke_width(style.px(2.5));
        for (i, bar) in self.bars.iter().enumerate() {
            let y = row(i);
            let colour = palette(0);
            chart.draw_series([Rectangle::new(
                [(0.0, y - 0.32), (bar.value, y + 0.32)],
                colour.filled(),
            )])?;
            if let Some(inner) = bar.inner {
                chart.draw_series([Rectangle::new(
                    [(0.0, y - 0.16), (inner, y + 0.16)],
                    palette(1).filled(),
                )])?;
            }
            if let Some((lo, hi)) = bar.ci.filter(|c| c.0.is_finite() && c.1.is_finite()) {
                chart.draw_series([
                    PathElement::new(vec![(lo, y), (hi, y)], whisker),
                    PathElement::new(vec![(lo, y - 0.2), (lo, y + 0.2)], whisker),
                    PathElement::new(vec![(hi, y - 0.2), (hi, y + 0.2)], whisker),
                ])?;
            }
        }
        chart.draw_series([PathElement::new(
            vec![(0.0, -0.5), (0.0, n as f64 - 0.5)],
            GRID,
        )])?;
        let labels: Vec<String> = self.bars.iter().map(|b| b.label.clone()).collect();
        let notes: Vec<String> = self.bars.iter().map(|b| b.note.clone()).collect();
        label_rows(
            &body,
            &chart,
            style,
            (&labels, &notes),
            (&font, &font),
            (label_width, gap),
            (low, top),
        )?;
        Ok(())
    }
}

/// PRIM's peeling trajectory: density against coverage, one dot per box,
/// the chosen box ringed.
pub struct PeelingPlot {
    /// (coverage, density) per step.
    pub steps: Vec<(f64, f64)>,
    pub chosen: Option<usize>,
}

impl Plot for PeelingPlot {
    fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>, style: &Style) -> DrawResult
    where
        DB::ErrorType: 'static,
    {
        let mut chart = ChartBuilder::on(area)
            .margin_right(style.px(30.0))
            .margin_top(style.px(10.0))
            .x_label_area_size(style.px(80.0))
            .y_label_area_size(style.px(100.0))
            .build_cartesian_2d(0f64..100f64, 0f64..100f64)?;
        house_mesh(
            chart
                .configure_mesh()
                .x_desc("Coverage: share of the outcome's runs inside the box (%)")
                .y_desc("Density: share of runs in the box with the outcome (%)")
                .x_label_formatter(&|x| format!("{x:.0}"))
                .y_label_formatter(&|y| format!("{y:.0}")),
            style,
            false,
        )
        .draw()?;
        let points: Vec<(f64, f64)> = self
            .steps
            .iter()
            .map(|(c, d)| (100.0 * c, 100.0 * d))
            .collect();
        chart.draw_series(LineSeries::new(
            points.iter().copied(),
            palette(0).stroke_width(style.px(2.0)),
        ))?;
        chart.draw_series(
            points
                .iter()
                .map(|&p| Circle::new(p, style.px(5.0), palette(0).filled())),
        )?;
        if let Some(&p) = self.chosen.and_then(|i| points.get(i)) {
            chart.draw_series([Circle::new(
                p,
                style.px(14.0),
                palette(1).stroke_width(style.px(3.0)),
            )])?;
        }
        Ok(())
    }
}
