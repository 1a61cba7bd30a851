//! Many scenarios side by side (Cleveland's dot plot): one panel per
//! outcome, one row per scenario, grouped by hypothesis and ordered by
//! policy as in the decision matrix. A dot is the share of runs, a line its
//! 95% interval; the dot is filled where the difference from the reference
//! is clear. Row labels tell scenarios apart, so twenty scenarios need no
//! twenty colours, and every row is as tall as the slide allows.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::marks::{self, Mark};
use super::shares::widest;
use super::style::house_mesh;
use super::{wrap_text, DrawResult, Plot, Style};
use crate::results::comparison::Row;
use crate::results::effects::HypothesisGroup;

pub struct DotPlot<'a> {
    pub groups: &'a [HypothesisGroup],
    pub reference: &'a str,
    /// Each panel's outcome label and its row of the comparison.
    pub panels: Vec<(&'a str, &'a Row)>,
}

/// One line of the row labels: a hypothesis, or one scenario under it.
enum Line<'a> {
    Heading(&'a str),
    Scenario { policy: &'a str, index: usize },
}

impl DotPlot<'_> {
    fn lines(&self) -> Vec<Line<'_>> {
        let mut lines = Vec::new();
        for group in self.groups {
            lines.push(Line::Heading(&group.hypothesis));
            for (policy, index) in &group.members {
                lines.push(Line::Scenario {
                    policy,
                    index: *index,
                });
            }
        }
        lines
    }

    /// The top of a panel's share axis, in percent: a round number just
    /// above the highest interval, so small shares are not squeezed.
    fn axis_top(row: &Row) -> f64 {
        let high = row
            .cells
            .iter()
            .flatten()
            .map(|c| 100.0 * c.ci_high)
            .fold(0.0, f64::max);
        if high <= 5.0 {
            5.0
        } else {
            ((high / 10.0).ceil() * 10.0).min(100.0)
        }
    }
}

impl Plot for DotPlot<'_> {
    fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>, style: &Style) -> DrawResult
    where
        DB::ErrorType: 'static,
    {
        let (legend, rest) = area.split_vertically(style.px(44.0));
        marks::legend(&legend, self.reference, style)?;
        let lines = self.lines();
        let count = lines.len().max(1);
        let (width, height) = rest.dim_in_pixel();
        // Dense rows take the smaller text.
        let roomy = height.saturating_sub(style.px(150.0)) / count as u32 >= style.px(34.0);
        let (label_font, heading_font) = if roomy {
            (style.label(), style.heading())
        } else {
            (style.small(), style.small_heading())
        };
        let gap = style.px(16.0);
        let indent = style.px(18.0);
        let policies = lines.iter().filter_map(|l| match l {
            Line::Scenario { policy, .. } => Some(policy.to_string()),
            Line::Heading(_) => None,
        });
        let label_width = (widest(&rest, policies, &label_font) + indent + gap).min(width * 2 / 5);
        let panels = self.panels.len().max(1) as u32;
        let panel_width = (width - label_width) / panels;
        let title_font = if panel_width >= style.px(320.0) {
            style.heading()
        } else {
            style.small_heading()
        };
        let titles: Vec<Vec<String>> = self
            .panels
            .iter()
            .map(|(label, _)| {
                wrap_text(
                    &rest,
                    label,
                    &title_font,
                    panel_width.saturating_sub(2 * gap),
                )
            })
            .collect();
        let title_lines = titles.iter().map(Vec::len).max().unwrap_or(1) as u32;
        let line_height = style.px(28.0);
        let (header, body) = rest.split_vertically(title_lines * line_height + style.px(12.0));
        let (_, plots) = body.split_horizontally(label_width);
        let (base_x, base_y) = rest.get_base_pixel();
        let local = |(x, y): (i32, i32)| (x - base_x, y - base_y);
        let row_y = |i: usize| (count - 1 - i) as f64;
        let mut row_pixels: Vec<i32> = Vec::new();
        for (p, ((_, row), cell)) in self
            .panels
            .iter()
            .zip(plots.split_evenly((1, panels as usize)))
            .enumerate()
        {
            let top = Self::axis_top(row);
            let mut chart = ChartBuilder::on(&cell)
                // Room between panels for half of each end's tick label.
                .margin_left(gap * 2)
                .margin_right(gap * 2)
                .x_label_area_size(style.px(50.0))
                .build_cartesian_2d(0f64..top, -0.5f64..(count as f64 - 0.5))?;
            house_mesh(
                chart
                    .configure_mesh()
                    .disable_y_mesh()
                    .y_labels(0)
                    // Few ticks: a panel may be narrow.
                    .x_labels(4)
                    .x_label_formatter(&|x| format!("{x:.0}%")),
                style,
                true,
            )
            .draw()?;
            let title_x = local(chart.backend_coord(&(top / 2.0, 0.0))).0;
            for (i, text) in titles[p].iter().enumerate() {
                header.draw_text(
                    text,
                    &title_font.pos(Pos::new(HPos::Center, VPos::Center)),
                    (title_x, (line_height * i as u32 + line_height / 2) as i32),
                )?;
            }
            if let Some(Some(reference)) = row.cells.first() {
                let x = 100.0 * reference.share;
                chart.draw_series([PathElement::new(
                    vec![(x, -0.5), (x, count as f64 - 0.5)],
                    marks::reference_colour()
                        .mix(0.5)
                        .stroke_width(style.px(2.0)),
                )])?;
            }
            row_pixels = (0..count)
                .map(|i| local(chart.backend_coord(&(0.0, row_y(i)))).1)
                .collect();
            for (i, line) in lines.iter().enumerate() {
                let Line::Scenario { index, .. } = line else {
                    continue;
                };
                let Some(Some(c)) = row.cells.get(*index) else {
                    continue;
                };
                let y = row_y(i);
                let at = |share: f64| local(chart.backend_coord(&(100.0 * share, y)));
                marks::draw_interval(&rest, at(c.ci_low), at(c.ci_high), style)?;
                marks::draw_dot(&rest, at(c.share), Mark::of(c.difference.as_ref()), style)?;
            }
        }
        for (line, &y) in lines.iter().zip(&row_pixels) {
            match line {
                Line::Heading(text) => {
                    // On a white band, so grid and reference lines do not
                    // run through the words.
                    let (w, h) = rest.estimate_text_size(text, &heading_font)?;
                    rest.draw(&Rectangle::new(
                        [
                            (0, y - h as i32 / 2 - 2),
                            (w as i32 + gap as i32, y + h as i32 / 2 + 2),
                        ],
                        WHITE.filled(),
                    ))?;
                    rest.draw_text(
                        text,
                        &heading_font.pos(Pos::new(HPos::Left, VPos::Center)),
                        (0, y),
                    )?;
                }
                Line::Scenario { policy, .. } => {
                    rest.draw_text(
                        policy,
                        &label_font.pos(Pos::new(HPos::Right, VPos::Center)),
                        (label_width.saturating_sub(gap) as i32, y),
                    )?;
                }
            }
        }
        Ok(())
    }
}
