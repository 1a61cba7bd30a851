//! Scenarios side by side: one group of bars per outcome, one bar per
//! scenario with its 95% interval; `*` marks a share whose difference from
//! the first scenario has an interval that excludes zero.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::shares::{draw_bar, share_chart, widest};
use super::style::palette;
use super::{
    fit_text, render, swatch_legend, ChartError, DrawResult, Figure, Frame, Plot, Size, Style,
};
use crate::outcome::Family;
use crate::results::comparison::{Comparison, Row};
use crate::results::Summary;

/// A chart's file stem, title and labelled rows.
type Group<'a> = (String, String, Vec<(&'a str, &'a Row)>);

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
    let caption = format!(
        "{} scenarios on common random numbers · {} runs each · seed {} · bars: share of runs, whiskers: 95% Wilson interval · * : Newcombe 95% interval of the difference from {} excludes zero",
        summaries.len(),
        crate::format::thousands(first.runs),
        first.seed,
        first.scenario
    );
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
            render(
                &Frame {
                    name,
                    title,
                    caption: caption.clone(),
                },
                &GroupedPlot {
                    scenarios: &comparison.scenarios,
                    rows,
                },
                size,
            )
        })
        .collect()
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
        let (base_x, base_y) = body.get_base_pixel();
        for (g, (label, row)) in self.rows.iter().enumerate() {
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
            let text = fit_text(&body, label, &label_font, label_width - style.px(20.0));
            body.draw_text(
                &text,
                &label_font.pos(Pos::new(HPos::Right, VPos::Center)),
                (left - base_x - style.px(10.0) as i32, py - base_y),
            )?;
        }
        Ok(())
    }
}
