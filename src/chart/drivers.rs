//! Why a state leans the way it does: for each key stance, each driver's
//! mean contribution at the end of the run, stacked right (amity) and left
//! (enmity) of zero, with the net as a black mark.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::shares::widest;
use super::style::{house_mesh, palette, INK};
use super::{render, swatch_legend, ChartError, DrawResult, Figure, Frame, Plot, Size, Style};
use crate::results::folder::RunResults;

/// One stance `from->to` and each driver's contribution to it.
pub struct Stance {
    pub label: String,
    pub contributions: Vec<f64>,
}

pub struct DriversPlot {
    pub drivers: Vec<String>,
    pub stances: Vec<Stance>,
}

/// The drivers recorded in `results`, in the order they were written.
fn driver_names(results: &RunResults) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for series in results.series.names() {
        if let Some(driver) = series
            .strip_prefix("driver ")
            .and_then(|r| r.split(' ').next())
        {
            if !names.iter().any(|n| n == driver) {
                names.push(driver.to_string());
            }
        }
    }
    names
}

/// Each triangle actor toward the other two.
pub fn key_stances(results: &RunResults) -> Vec<(String, String)> {
    let mut stances = Vec::new();
    for triangle in &results.summary.triangles {
        for from in triangle {
            for to in triangle {
                let stance = (from.clone(), to.clone());
                if from != to && !stances.contains(&stance) {
                    stances.push(stance);
                }
            }
        }
    }
    stances
}

pub fn figure(results: &RunResults, size: Size) -> Result<Figure, ChartError> {
    let drivers = driver_names(results);
    let stances = key_stances(results)
        .into_iter()
        .map(|(from, to)| Stance {
            label: format!("{from} → {to}"),
            contributions: drivers
                .iter()
                .map(|d| {
                    results
                        .series
                        .final_mean(&format!("driver {d} {from}->{to}"))
                        .filter(|v| v.is_finite())
                        .unwrap_or(0.0)
                })
                .collect(),
        })
        .collect();
    let summary = &results.summary;
    render(
        &Frame {
            name: "drivers".to_string(),
            title: "Why each state leans as it does: drivers of its stance at the end".to_string(),
            caption: format!(
                "{} · mean over runs of each driver's weighted pull at the last tick; right of 0 pulls toward amity, left toward enmity; black mark: net",
                Frame::provenance(&summary.scenario, summary.runs, summary.seed)
            ),
        },
        &DriversPlot { drivers, stances },
        size,
    )
}

impl DriversPlot {
    /// The extent of the stacks, symmetric around zero.
    fn reach(&self) -> f64 {
        let extent = self
            .stances
            .iter()
            .flat_map(|s| {
                let pos: f64 = s.contributions.iter().filter(|c| **c > 0.0).sum();
                let neg: f64 = s.contributions.iter().filter(|c| **c < 0.0).sum();
                [pos, -neg]
            })
            .fold(0.0f64, f64::max);
        (extent * 1.08).max(0.05)
    }
}

impl Plot for DriversPlot {
    fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>, style: &Style) -> DrawResult
    where
        DB::ErrorType: 'static,
    {
        let label_font = style.label();
        let label_width = widest(
            area,
            self.stances.iter().map(|s| s.label.clone()),
            &label_font,
        ) + style.px(24.0);
        let legend_rows = if self.drivers.len() > 5 { 2.0 } else { 1.0 };
        let (legend, body) = area.split_vertically(style.px(40.0 * legend_rows + 10.0));
        swatch_legend(&legend.margin(0, 0, label_width, 0), &self.drivers, style)?;
        let n = self.stances.len();
        let reach = self.reach();
        let mut chart = ChartBuilder::on(&body)
            .margin_right(style.px(30.0))
            .x_label_area_size(style.px(80.0))
            .y_label_area_size(label_width)
            .build_cartesian_2d(-reach..reach, -0.5f64..(n as f64 - 0.5))?;
        house_mesh(
            chart
                .configure_mesh()
                .disable_y_mesh()
                .y_labels(0)
                .x_labels(9)
                .x_label_formatter(&|x| format!("{x:+.2}"))
                .x_desc("Pull on the stance (− enmity, + amity)"),
            style,
            false,
        )
        .draw()?;
        let row = |i: usize| (n - 1 - i) as f64;
        for (i, stance) in self.stances.iter().enumerate() {
            let y = row(i);
            let (mut right, mut left) = (0.0, 0.0);
            for (d, &value) in stance.contributions.iter().enumerate() {
                let end = if value >= 0.0 { &mut right } else { &mut left };
                let start = *end;
                *end += value;
                chart.draw_series([Rectangle::new(
                    [(start, y - 0.34), (*end, y + 0.34)],
                    palette(d).filled(),
                )])?;
            }
            // White under black, so the net stands out on any segment.
            let net: f64 = stance.contributions.iter().sum();
            for (colour, width) in [(WHITE, 10.0), (INK, 5.0)] {
                chart.draw_series([PathElement::new(
                    vec![(net, y - 0.44), (net, y + 0.44)],
                    colour.stroke_width(style.px(width)),
                )])?;
            }
        }
        chart.draw_series([PathElement::new(
            vec![(0.0, -0.5), (0.0, n as f64 - 0.5)],
            INK.stroke_width(style.px(1.5)),
        )])?;
        let (base_x, base_y) = body.get_base_pixel();
        for (i, stance) in self.stances.iter().enumerate() {
            let (left, y) = chart.backend_coord(&(-reach, row(i)));
            body.draw_text(
                &stance.label,
                &label_font.pos(Pos::new(HPos::Right, VPos::Center)),
                (left - base_x - style.px(12.0) as i32, y - base_y),
            )?;
        }
        Ok(())
    }
}
