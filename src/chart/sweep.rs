//! Sweep charts, drawn from sweep.csv alone: with one parameter, each
//! outcome's share against it with its 95% ribbon; with two on a grid, a
//! heatmap per main outcome; otherwise (Latin hypercube, zip), a scatter of
//! each parameter against the share of one outcome.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::shares::ShareChart;
use super::style::{house_mesh, palette, share_colour as shade, INK, MUTED};
use super::{render, swatch_legend, ChartError, DrawResult, Figure, Frame, Plot, Size, Style};
use crate::outcome::naming::Named;
use crate::sweep::SweepTable;

/// An outcome worth charting reaches this share at some point.
const MAIN: f64 = 0.05;
/// At most this many outcomes get a heatmap.
const MAX_HEATMAPS: usize = 8;

/// The outcomes worth charting: each triangle's configurations and each
/// custom outcome's `yes` that reach [`MAIN`] somewhere, named uniquely.
pub fn main_outcomes(table: &SweepTable) -> Vec<Named> {
    table
        .named_outcomes()
        .into_iter()
        .filter(|n| n.classifier != "blocs")
        .filter(|n| {
            table
                .points
                .iter()
                .filter_map(|p| p.share(&n.classifier, &n.outcome))
                .any(|o| o.share >= MAIN)
        })
        .collect()
}

/// A file-name-safe form of a label.
pub fn slug(label: &str) -> String {
    let mut out = String::new();
    for c in label.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_matches('-').to_string()
}

fn caption(table: &SweepTable, note: &str) -> String {
    let m = &table.manifest;
    format!(
        "Sweep of {} · {} design, {} points · {} runs per point{} · seed {} · {note}",
        m.scenario,
        m.design,
        table.points.len(),
        crate::format::thousands(m.runs),
        if m.ci_width.is_some() {
            " (more where the interval was wide)"
        } else {
            ""
        },
        m.seed
    )
}

/// The sweep's charts; `outcome` picks the scatter's outcome (default: the
/// first main outcome).
pub fn figures(
    table: &SweepTable,
    outcome: Option<&str>,
    size: Size,
) -> Result<Vec<Figure>, ChartError> {
    let outcomes = main_outcomes(table);
    let grid = table.design == "grid";
    match table.parameters.len() {
        1 => {
            let mut by_classifier: Vec<(String, Vec<Named>)> = Vec::new();
            for o in outcomes {
                let key = if o.outcome == "yes" {
                    "outcomes".to_string()
                } else {
                    o.classifier.clone()
                };
                match by_classifier.iter_mut().find(|(k, _)| *k == key) {
                    Some((_, list)) => list.push(o),
                    None => by_classifier.push((key, vec![o])),
                }
            }
            by_classifier
                .into_iter()
                .map(|(key, lines)| {
                    render(
                        &Frame {
                            name: format!("sweep-{}", key.replace(' ', "-")),
                            title: format!("Outcome shares against {}", table.parameters[0]),
                            caption: caption(
                                table,
                                "lines: share of runs, ribbons: 95% Wilson interval",
                            ),
                        },
                        &LinePlot { table, lines },
                        size,
                    )
                })
                .collect()
        }
        2 if grid => outcomes
            .into_iter()
            .take(MAX_HEATMAPS)
            .enumerate()
            .map(
                |(
                    i,
                    Named {
                        classifier,
                        outcome,
                        label,
                    },
                )| {
                    render(
                        &Frame {
                            name: format!("heatmap-{}-{}", i + 1, slug(&label)),
                            title: format!("Where “{label}” happens"),
                            caption: caption(table, "cell: share of runs"),
                        },
                        &HeatmapPlot {
                            table,
                            classifier,
                            outcome,
                        },
                        size,
                    )
                },
            )
            .collect(),
        _ => {
            let chosen = match outcome {
                Some(wanted) => table.find_outcome("--outcome", wanted).ok(),
                None => outcomes.into_iter().next(),
            };
            let Some(Named {
                classifier,
                outcome,
                label,
            }) = chosen
            else {
                return Ok(Vec::new());
            };
            Ok(vec![render(
                &Frame {
                    name: "scatter".to_string(),
                    title: format!("What drives “{label}”"),
                    caption: caption(table, "each dot is one design point"),
                },
                &ScatterPlot {
                    table,
                    classifier,
                    outcome,
                    label,
                },
                size,
            )?])
        }
    }
}

/// The range of `values`, widened to a unit when they are all equal.
fn span(values: &[f64]) -> (f64, f64) {
    let (lo, hi) = values
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &x| {
            (a.min(x), b.max(x))
        });
    (lo, if hi > lo { hi } else { lo + 1.0 })
}

fn share(
    table: &SweepTable,
    point: usize,
    classifier: &str,
    outcome: &str,
) -> Option<(f64, f64, f64)> {
    table.points[point]
        .share(classifier, outcome)
        .map(|o| (o.share, o.ci_low, o.ci_high))
}

/// The axes, drawn, of a share (0 to 100%) against parameter `k` over its
/// span, and the points' values of `k`. One function for the line chart and
/// the scatter's panels so that the two keep one look; a `panel` of the
/// scatter's grid has a margin all round (its neighbours touch it), smaller
/// label areas and small text.
fn share_axes<'a, DB: DrawingBackend>(
    area: &'a DrawingArea<DB, Shift>,
    table: &SweepTable,
    k: usize,
    y_desc: &str,
    style: &Style,
    panel: bool,
) -> Result<(ShareChart<'a, DB>, Vec<f64>), Box<dyn std::error::Error>>
where
    DB::ErrorType: 'static,
{
    let xs: Vec<f64> = table.points.iter().map(|p| p.values[k]).collect();
    let (lo, hi) = span(&xs);
    // (all four margins, the right one, x and y label areas); style.px
    // never returns 0, so the line chart's zero margin is written as such.
    let (margin, right, x_area, y_area) = if panel {
        (
            style.px(10.0),
            style.px(10.0),
            style.px(70.0),
            style.px(90.0),
        )
    } else {
        (0, style.px(30.0), style.px(80.0), style.px(100.0))
    };
    let mut chart = ChartBuilder::on(area)
        .margin(margin)
        .margin_right(right)
        .x_label_area_size(x_area)
        .y_label_area_size(y_area)
        .build_cartesian_2d(lo..hi, 0f64..100f64)?;
    house_mesh(
        chart
            .configure_mesh()
            .x_desc(&table.parameters[k])
            .y_desc(y_desc)
            .y_label_formatter(&|y| format!("{y:.0}")),
        style,
        panel,
    )
    .draw()?;
    Ok((chart, xs))
}

pub struct LinePlot<'a> {
    table: &'a SweepTable,
    lines: Vec<Named>,
}

impl Plot for LinePlot<'_> {
    fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>, style: &Style) -> DrawResult
    where
        DB::ErrorType: 'static,
    {
        let labels: Vec<String> = self.lines.iter().map(|l| l.label.clone()).collect();
        let (legend, body) =
            area.split_vertically(style.px(40.0 * labels.len().div_ceil(3) as f64 + 8.0));
        swatch_legend(&legend, &labels, style)?;
        let (mut chart, xs) = share_axes(&body, self.table, 0, "Share of runs (%)", style, false)?;
        for (i, line) in self.lines.iter().enumerate() {
            let (classifier, outcome) = (&line.classifier, &line.outcome);
            let mut points: Vec<(f64, (f64, f64, f64))> = (0..xs.len())
                .filter_map(|p| share(self.table, p, classifier, outcome).map(|s| (xs[p], s)))
                .collect();
            points.sort_by(|a, b| a.0.total_cmp(&b.0));
            let mut ribbon: Vec<(f64, f64)> =
                points.iter().map(|(x, s)| (*x, 100.0 * s.2)).collect();
            ribbon.extend(points.iter().rev().map(|(x, s)| (*x, 100.0 * s.1)));
            chart.draw_series([Polygon::new(ribbon, palette(i).mix(0.22).filled())])?;
            chart.draw_series(LineSeries::new(
                points.iter().map(|(x, s)| (*x, 100.0 * s.0)),
                palette(i).stroke_width(style.px(3.0)),
            ))?;
        }
        Ok(())
    }
}

pub struct HeatmapPlot<'a> {
    table: &'a SweepTable,
    classifier: String,
    outcome: String,
}

/// Sorted distinct values of parameter `k`.
fn levels(table: &SweepTable, k: usize) -> Vec<f64> {
    let mut values: Vec<f64> = table.points.iter().map(|p| p.values[k]).collect();
    values.sort_by(f64::total_cmp);
    values.dedup();
    values
}

impl Plot for HeatmapPlot<'_> {
    fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>, style: &Style) -> DrawResult
    where
        DB::ErrorType: 'static,
    {
        let (xs, ys) = (levels(self.table, 0), levels(self.table, 1));
        let (width, _) = area.dim_in_pixel();
        let (plot_area, key) = area.split_horizontally(width - style.px(170.0));
        let mut chart = ChartBuilder::on(&plot_area)
            .margin_right(style.px(20.0))
            .x_label_area_size(style.px(80.0))
            .y_label_area_size(style.px(110.0))
            .build_cartesian_2d(
                -0.5f64..(xs.len() as f64 - 0.5),
                -0.5f64..(ys.len() as f64 - 0.5),
            )?;
        let x_label = |v: &f64| {
            xs.get(v.round() as usize)
                .map_or(String::new(), |x| format!("{x}"))
        };
        let y_label = |v: &f64| {
            ys.get(v.round() as usize)
                .map_or(String::new(), |y| format!("{y}"))
        };
        chart
            .configure_mesh()
            .disable_mesh()
            .x_labels(xs.len())
            .y_labels(ys.len())
            .x_label_formatter(&x_label)
            .y_label_formatter(&y_label)
            .x_desc(&self.table.parameters[0])
            .y_desc(&self.table.parameters[1])
            .axis_desc_style(style.axis())
            .label_style(style.label())
            .axis_style(MUTED)
            .draw()?;
        let (base_x, base_y) = plot_area.get_base_pixel();
        let cells = xs.len().max(ys.len());
        let font = TextStyle::from((
            super::style::FAMILY,
            style.px(if cells > 12 { 14.0 } else { 19.0 }) as f64,
        ));
        for (p, point) in self.table.points.iter().enumerate() {
            let (Some(i), Some(j)) = (
                xs.iter().position(|x| *x == point.values[0]),
                ys.iter().position(|y| *y == point.values[1]),
            ) else {
                continue;
            };
            let value = share(self.table, p, &self.classifier, &self.outcome).map_or(0.0, |s| s.0);
            let (x, y) = (i as f64, j as f64);
            chart.draw_series([Rectangle::new(
                [(x - 0.5, y - 0.5), (x + 0.5, y + 0.5)],
                shade(value).filled(),
            )])?;
            if cells <= 16 {
                let (px, py) = chart.backend_coord(&(x, y));
                let ink = if value > 0.55 { WHITE } else { INK };
                plot_area.draw_text(
                    &format!("{:.0}", 100.0 * value),
                    &font.color(&ink).pos(Pos::new(HPos::Center, VPos::Center)),
                    (px - base_x, py - base_y),
                )?;
            }
        }
        // The key: a vertical colour bar from 0% to 100%.
        let (_, height) = key.dim_in_pixel();
        let (top, bottom) = (
            style.px(40.0) as i32,
            height as i32 - style.px(120.0) as i32,
        );
        let x0 = style.px(30.0) as i32;
        let bar = style.px(30.0) as i32;
        for y in top..bottom {
            let t = f64::from(bottom - y) / f64::from(bottom - top);
            key.draw(&Rectangle::new(
                [(x0, y), (x0 + bar, y + 1)],
                shade(t).filled(),
            ))?;
        }
        let small = style.small().pos(Pos::new(HPos::Left, VPos::Center));
        key.draw_text("100%", &small, (x0 + bar + style.px(8.0) as i32, top))?;
        key.draw_text("0%", &small, (x0 + bar + style.px(8.0) as i32, bottom))?;
        key.draw_text("share", &small, (x0, top - style.px(22.0) as i32))?;
        Ok(())
    }
}

pub struct ScatterPlot<'a> {
    table: &'a SweepTable,
    classifier: String,
    outcome: String,
    label: String,
}

impl Plot for ScatterPlot<'_> {
    fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>, style: &Style) -> DrawResult
    where
        DB::ErrorType: 'static,
    {
        let k = self.table.parameters.len();
        let cols = k.min(3);
        let panels = area.split_evenly((k.div_ceil(cols), cols));
        let y_desc = format!("{} (%)", self.label);
        for (index, panel) in panels.iter().enumerate().take(k) {
            let (mut chart, xs) = share_axes(panel, self.table, index, &y_desc, style, true)?;
            chart.draw_series(xs.iter().enumerate().filter_map(|(p, &x)| {
                share(self.table, p, &self.classifier, &self.outcome).map(|s| {
                    Circle::new(
                        (x, 100.0 * s.0),
                        style.px(6.0),
                        palette(0).mix(0.7).filled(),
                    )
                })
            }))?;
        }
        Ok(())
    }
}
