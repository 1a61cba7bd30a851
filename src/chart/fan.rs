//! Fan charts: the median of a series over time with the bands that hold
//! the middle 50% and 90% of runs, one panel per series.

use crate::diagnostic::Problem;
use plotters::coord::Shift;
use plotters::prelude::*;

use super::style::{house_mesh, palette, INK};
use super::{mark_legend, render, ChartError, DrawResult, Figure, Frame, Plot, Size, Style};
use crate::results::folder::{RunResults, SeriesPoint};

pub struct Panel<'a> {
    pub title: String,
    pub points: &'a [SeriesPoint],
}

pub struct FanPlot<'a> {
    pub panels: Vec<Panel<'a>>,
    pub x_desc: String,
    pub y_desc: String,
    /// Fixed vertical range (relations live in [-1, 1]); `None` fits the data.
    pub y_range: Option<(f64, f64)>,
}

/// Rows and columns for `k` panels on a 16:9 figure.
pub fn grid(k: usize) -> (usize, usize) {
    let cols = ((k as f64 * 1.8).sqrt().ceil() as usize).clamp(1, k.max(1));
    (k.div_ceil(cols), cols)
}

impl FanPlot<'_> {
    /// The fixed range, or each panel's own (trade differs between pairs
    /// by orders of magnitude).
    fn y_range(&self, panel: &Panel) -> (f64, f64) {
        if let Some(range) = self.y_range {
            return range;
        }
        let values = panel
            .points
            .iter()
            .flat_map(|p| [p.quantiles[0], p.quantiles[4]])
            .filter(|v| v.is_finite());
        let (lo, hi) = values.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
            (lo.min(v), hi.max(v))
        });
        if !lo.is_finite() {
            return (0.0, 1.0);
        }
        let pad = ((hi - lo) * 0.08).max(hi.abs() * 0.02).max(1e-9);
        (
            (lo - pad).max(if lo >= 0.0 { 0.0 } else { f64::MIN }),
            hi + pad,
        )
    }

    fn legend<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>, style: &Style) -> DrawResult
    where
        DB::ErrorType: 'static,
    {
        let colour = palette(0);
        mark_legend(
            area,
            &[
                ("median", colour.stroke_width(style.px(3.0))),
                ("middle 50% of runs", colour.mix(0.45).filled()),
                ("middle 90% of runs", colour.mix(0.18).filled()),
            ],
            style,
        )
    }
}

impl Plot for FanPlot<'_> {
    fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>, style: &Style) -> DrawResult
    where
        DB::ErrorType: 'static,
    {
        let (legend, body) = area.split_vertically(style.px(44.0));
        self.legend(&legend, style)?;
        let (rows, cols) = grid(self.panels.len());
        let colour = palette(0);
        for (panel, cell) in self.panels.iter().zip(body.split_evenly((rows, cols))) {
            let (y_lo, y_hi) = self.y_range(panel);
            let ticks = panel.points.last().map_or(1, |p| p.tick.max(1)) as f64;
            let mut chart = ChartBuilder::on(&cell)
                .caption(&panel.title, style.heading())
                .margin(style.px(8.0))
                .x_label_area_size(style.px(if rows > 1 { 54.0 } else { 70.0 }))
                .y_label_area_size(style.px(86.0))
                .build_cartesian_2d(0f64..ticks, y_lo..y_hi)?;
            house_mesh(
                chart
                    .configure_mesh()
                    .x_labels(7)
                    .x_label_formatter(&|x| format!("{x:.0}"))
                    .y_labels(6)
                    .x_desc(&self.x_desc)
                    .y_desc(
                        if cols == 1 || cell.get_base_pixel().0 == body.get_base_pixel().0 {
                            self.y_desc.as_str()
                        } else {
                            ""
                        },
                    ),
                style,
                true,
            )
            .draw()?;
            let finite: Vec<&SeriesPoint> = panel
                .points
                .iter()
                .filter(|p| p.quantiles.iter().all(|q| q.is_finite()))
                .collect();
            for ((lo, hi), alpha) in [((0, 4), 0.18), ((1, 3), 0.45)] {
                let mut outline: Vec<(f64, f64)> = finite
                    .iter()
                    .map(|p| (p.tick as f64, p.quantiles[hi]))
                    .collect();
                outline.extend(
                    finite
                        .iter()
                        .rev()
                        .map(|p| (p.tick as f64, p.quantiles[lo])),
                );
                chart.draw_series([Polygon::new(outline, colour.mix(alpha).filled())])?;
            }
            chart.draw_series(LineSeries::new(
                finite.iter().map(|p| (p.tick as f64, p.quantiles[2])),
                colour.stroke_width(style.px(3.0)),
            ))?;
            if y_lo < 0.0 && y_hi > 0.0 {
                chart.draw_series([PathElement::new(
                    vec![(0.0, 0.0), (ticks, 0.0)],
                    INK.mix(0.5).stroke_width(1),
                )])?;
            }
        }
        Ok(())
    }
}

/// The series name of the unordered pair `a-b` with `prefix`, in whichever
/// order the run wrote it.
fn pair_series<'r>(
    results: &'r RunResults,
    prefix: &str,
    dyad: &str,
) -> Option<(String, &'r [SeriesPoint])> {
    let (a, b) = dyad.split_once('-')?;
    [format!("{prefix} {a}-{b}"), format!("{prefix} {b}-{a}")]
        .into_iter()
        .find_map(|name| results.series.get(&name).map(|points| (name, points)))
}

/// The dyads charted by default: the edges of every named triangle.
pub fn default_dyads(results: &RunResults) -> Vec<String> {
    let mut dyads = Vec::new();
    for [a, b, c] in &results.summary.triangles {
        for (x, y) in [(a, b), (a, c), (b, c)] {
            // A pair is one dyad whichever way a triangle names it.
            if !dyads.contains(&format!("{x}-{y}")) && !dyads.contains(&format!("{y}-{x}")) {
                dyads.push(format!("{x}-{y}"));
            }
        }
    }
    dyads
}

/// Checks that every dyad names two of `ids`; the error lists the valid ids.
pub fn check_dyads(scenario: &str, ids: &[String], dyads: &[String]) -> Result<(), Problem> {
    for dyad in dyads {
        let valid = dyad.split_once('-').is_some_and(|(a, b)| {
            a != b && ids.iter().any(|id| id == a) && ids.iter().any(|id| id == b)
        });
        if !valid {
            return Err(Problem::new(format!(
                "--dyads: `{dyad}` is not a pair of actors of `{scenario}`"
            ))
            .with_help(format!(
                "write pairs as A-B with ids from: {}",
                ids.join(", ")
            )));
        }
    }
    Ok(())
}

/// Relations over time for `dyads`; energy price and trade paths too when
/// the scenario's events move them.
pub fn figures(
    results: &RunResults,
    dyads: &[String],
    size: Size,
) -> Result<Vec<Figure>, ChartError> {
    let summary = &results.summary;
    let caption = Frame::provenance(&summary.scenario, summary.runs, summary.seed);
    let x_desc = summary.tick_unit().to_string();
    let panels = |prefix: &str| -> Vec<Panel> {
        dyads
            .iter()
            .filter_map(|d| pair_series(results, prefix, d))
            .map(|(name, points)| Panel {
                title: name.trim_start_matches(prefix).trim().to_string(),
                points,
            })
            .collect()
    };
    let mut figures = vec![render(
        &Frame {
            name: "relations".to_string(),
            title: "Relations over time".to_string(),
            caption: caption.clone(),
        },
        &FanPlot {
            panels: panels("relation"),
            x_desc: x_desc.clone(),
            y_desc: "Relation (−1 enmity, +1 amity)".to_string(),
            y_range: Some((-1.0, 1.0)),
        },
        size,
    )?];
    if !summary.economic_events {
        return Ok(figures);
    }
    if let Some(points) = results.series.get("energy_price") {
        figures.push(render(
            &Frame {
                name: "energy-price".to_string(),
                title: "Energy price index over time".to_string(),
                caption: caption.clone(),
            },
            &FanPlot {
                panels: vec![Panel {
                    title: "energy price".to_string(),
                    points,
                }],
                x_desc: x_desc.clone(),
                y_desc: "Index (start = 1)".to_string(),
                y_range: None,
            },
            size,
        )?);
    }
    let trade = panels("trade");
    if !trade.is_empty() {
        figures.push(render(
            &Frame {
                name: "trade".to_string(),
                title: "Trade over time".to_string(),
                caption,
            },
            &FanPlot {
                panels: trade,
                x_desc,
                y_desc: "Trade (US$ bn per year)".to_string(),
                y_range: None,
            },
            size,
        )?);
    }
    Ok(figures)
}

#[cfg(test)]
mod tests {
    use super::grid;

    #[test]
    fn panels_fill_a_wide_grid() {
        assert_eq!(grid(1), (1, 1));
        assert_eq!(grid(3), (1, 3));
        assert_eq!(grid(6), (2, 4));
        assert_eq!(grid(15), (3, 6));
    }
}
