//! Scenarios side by side, one chart per triangle and one for the custom
//! outcomes. A few scenarios get grouped bars (one group per outcome, one
//! bar per scenario with its 95% interval; `*` marks a share whose
//! difference from the first scenario has an interval that excludes zero);
//! more than [`MAX_BAR_SCENARIOS`] get the dot plot of [`super::dot_plot`],
//! whose rows stay readable at twenty.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::dot_plot::DotPlot;
use super::shares::{draw_bar, share_chart, widest};
use super::style::palette;
use super::{
    draw_lines, fit_labels, render, swatch_legend, ChartError, DrawResult, Figure, Frame, Plot,
    Size, Style,
};
use crate::outcome::Family;
use crate::results::comparison::{Comparison, Row};
use crate::results::effects::by_hypothesis;
use crate::results::Summary;

/// A chart's file stem, title and labelled rows.
type Group<'a> = (String, String, Vec<(&'a str, &'a Row)>);

/// Grouped bars up to this many scenarios. At six the bars of an outcome
/// are still thick enough to read and the palette still has a colour per
/// scenario; from about eight they share colours and turn to slivers,
/// while the dot plot reads the same at six as at twenty.
pub const MAX_BAR_SCENARIOS: usize = 5;

/// The most outcome panels a dot plot shows; each keeps room for an axis.
/// The rarest outcomes (by their largest share in any scenario) are left
/// to comparison.csv, and the caption says how many.
const MAX_PANELS: usize = 5;

pub struct GroupedPlot<'a> {
    pub scenarios: &'a [String],
    pub rows: Vec<(&'a str, &'a Row)>,
}

/// One chart per triangle and one for the custom outcomes.
pub fn figures(
    comparison: &Comparison,
    summaries: &[Summary],
    size: Size,
) -> Result<Vec<Figure>, ChartError> {
    let Some(first) = summaries.first() else {
        return Ok(Vec::new());
    };
    let common = format!(
        "{} scenarios on common random numbers · {} runs each · seed {}",
        summaries.len(),
        crate::format::thousands(first.runs),
        first.seed,
    );
    let bars = summaries.len() <= MAX_BAR_SCENARIOS;
    let caption = if bars {
        format!(
            "{common} · bars: share of runs, whiskers: 95% Wilson interval · * : Newcombe 95% interval of the difference from {} excludes zero",
            first.scenario
        )
    } else {
        format!(
            "{common} · dots: share of runs, lines: 95% Wilson interval · filled: Newcombe 95% interval of the difference from {} excludes zero",
            first.scenario
        )
    };
    let groups_of_scenarios = by_hypothesis(summaries);
    let mut groups: Vec<Group> = Vec::new();
    for row in &comparison.rows {
        let (name, title, label) = match row.family {
            Family::Triangle => (
                format!("compare-{}", row.classifier.replace(' ', "-")),
                format!("How the {} ends, by scenario", row.classifier),
                row.outcome.as_str(),
            ),
            Family::Outcome => (
                "compare-outcomes".to_string(),
                "Outcomes of interest, by scenario".to_string(),
                row.classifier.as_str(),
            ),
            Family::Blocs => continue,
        };
        match groups.iter_mut().find(|g| g.0 == name) {
            Some(group) => group.2.push((label, row)),
            None => groups.push((name, title, vec![(label, row)])),
        }
    }
    groups
        .into_iter()
        .map(|(name, title, rows)| {
            let mut frame = Frame {
                name,
                title,
                caption: caption.clone(),
            };
            if bars {
                return render(
                    &frame,
                    &GroupedPlot {
                        scenarios: &comparison.scenarios,
                        rows,
                    },
                    size,
                );
            }
            let (panels, left_out) = largest(rows, MAX_PANELS);
            if left_out > 0 {
                frame.caption.push_str(&format!(
                    " · {left_out} rarer outcomes are in comparison.csv"
                ));
            }
            render(
                &frame,
                &DotPlot {
                    groups: &groups_of_scenarios,
                    reference: &first.scenario,
                    panels,
                },
                size,
            )
        })
        .collect()
}

/// The `most` rows whose largest share in any scenario is highest, in
/// their given order, and how many were left out.
fn largest<'a>(rows: Vec<(&'a str, &'a Row)>, most: usize) -> (Vec<(&'a str, &'a Row)>, usize) {
    let peak = |row: &Row| {
        row.cells
            .iter()
            .flatten()
            .map(|c| c.share)
            .fold(0.0, f64::max)
    };
    let mut ranked: Vec<usize> = (0..rows.len()).collect();
    ranked.sort_by(|&a, &b| peak(rows[b].1).total_cmp(&peak(rows[a].1)));
    ranked.truncate(most);
    ranked.sort_unstable();
    let left_out = rows.len() - ranked.len();
    (ranked.into_iter().map(|i| rows[i]).collect(), left_out)
}

impl Plot for GroupedPlot<'_> {
    fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>, style: &Style) -> DrawResult
    where
        DB::ErrorType: 'static,
    {
        let k = self.scenarios.len();
        let label_font = style.label();
        let (width, _) = area.dim_in_pixel();
        let label_width = (widest(
            area,
            self.rows.iter().map(|(l, _)| l.to_string()),
            &label_font,
        ) + style.px(20.0))
        .min(width * 2 / 5);
        let legend_rows = self.scenarios.len().div_ceil(4).max(1) as f64;
        let (legend, body) = area.split_vertically(style.px(36.0 * legend_rows + 8.0));
        swatch_legend(&legend.margin(0, 0, label_width, 0), self.scenarios, style)?;
        let slots = self.rows.len() * (k + 1);
        let mut chart = share_chart(&body, style, (label_width, style.px(40.0)), slots)?;
        // Top to bottom: outcome by outcome, scenarios in the given order.
        let y = |group: usize, bar: usize| (slots - 1 - (group * (k + 1) + bar)) as f64;
        let star = style.heading().pos(Pos::new(HPos::Left, VPos::Center));
        // An outcome's label may take the height of its group of bars.
        let labels: Vec<String> = self.rows.iter().map(|(l, _)| l.to_string()).collect();
        let group_height =
            body.dim_in_pixel().1.saturating_sub(style.px(90.0)) / self.rows.len().max(1) as u32;
        let (label_font, labels) = fit_labels(
            &body,
            &labels,
            &label_font,
            (label_width.saturating_sub(style.px(20.0)), group_height),
        );
        let (base_x, base_y) = body.get_base_pixel();
        for (g, (_, row)) in self.rows.iter().enumerate() {
            for (b, cell) in row.cells.iter().enumerate() {
                let Some(cell) = cell else { continue };
                let at = y(g, b);
                draw_bar(
                    &mut chart,
                    style,
                    (at, 0.42),
                    (cell.share, cell.ci_low, cell.ci_high),
                    palette(b),
                )?;
                let hi = 100.0 * cell.ci_high;
                if cell.difference.as_ref().is_some_and(|d| d.is_clear()) {
                    let (x, py) = chart.backend_coord(&(hi, at));
                    body.draw_text("*", &star, (x - base_x + style.px(6.0) as i32, py - base_y))?;
                }
            }
            let middle = (y(g, 0) + y(g, k - 1)) / 2.0;
            let (left, py) = chart.backend_coord(&(0.0, middle));
            draw_lines(
                &body,
                &labels[g],
                &label_font.pos(Pos::new(HPos::Right, VPos::Center)),
                (left - base_x - style.px(10.0) as i32, py - base_y),
            )?;
        }
        Ok(())
    }
}
