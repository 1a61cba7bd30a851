//! Outcome shares: one horizontal bar per outcome, sorted, with the 95%
//! interval as a whisker and the numbers in a column on the right.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::style::{palette, GRID, INK};
use super::{
    draw_lines, fit_labels, render, ChartError, DrawResult, Figure, Frame, Plot, Size, Style,
};
use crate::format::percent;
use crate::outcome::Family;
use crate::results::summary::{ClassifierSummary, OutcomeShare};
use crate::results::Summary;
use crate::stats::{wilson, Z95};

/// The most bars a chart shows; rarer outcomes are pooled as "other".
const MAX_BARS: usize = 10;

/// One bar.
#[derive(Debug, Clone, PartialEq)]
pub struct Bar {
    pub label: String,
    pub share: f64,
    pub ci_low: f64,
    pub ci_high: f64,
}

impl From<&OutcomeShare> for Bar {
    fn from(o: &OutcomeShare) -> Self {
        Bar {
            label: o.outcome.clone(),
            share: o.share,
            ci_low: o.ci_low,
            ci_high: o.ci_high,
        }
    }
}

pub struct SharesPlot {
    pub bars: Vec<Bar>,
}

/// The bars of one classifier: most frequent first, at most [`MAX_BARS`],
/// the rest pooled (with the interval of the pooled count).
fn classifier_bars(classifier: &ClassifierSummary, runs: u64) -> Vec<Bar> {
    let mut bars: Vec<Bar> = classifier.outcomes.iter().map(Bar::from).collect();
    if bars.len() > MAX_BARS {
        let pooled: u64 = classifier.outcomes[MAX_BARS - 1..]
            .iter()
            .map(|o| o.count)
            .sum();
        let others = classifier.outcomes.len() - (MAX_BARS - 1);
        let interval = wilson(pooled, runs, Z95);
        bars.truncate(MAX_BARS - 1);
        bars.push(Bar {
            label: format!("{others} other outcomes"),
            share: pooled as f64 / runs.max(1) as f64,
            ci_low: interval.low,
            ci_high: interval.high,
        });
    }
    bars
}

/// One chart per triangle, one for the blocs, and one for the custom
/// outcomes together (the share of runs in which each holds).
pub fn figures(summary: &Summary, size: Size) -> Result<Vec<Figure>, ChartError> {
    let caption = |what: &str| {
        format!(
            "{} · bars: share of runs, whiskers: 95% Wilson interval · {what}",
            Frame::provenance(&summary.scenario, summary.runs, summary.seed)
        )
    };
    let mut figures = Vec::new();
    for classifier in &summary.classifiers {
        let (name, title) = match classifier.family {
            Family::Triangle => (
                format!("shares-{}", classifier.classifier.replace(' ', "-")),
                format!(
                    "How the {} ends: Dittmer's configurations",
                    classifier.classifier
                ),
            ),
            Family::Blocs => (
                "shares-blocs".to_string(),
                "Which two blocs form: landscape partitions".to_string(),
            ),
            Family::Outcome => continue,
        };
        let frame = Frame {
            name,
            title,
            caption: caption("outcomes on the mean relation of the final window"),
        };
        let plot = SharesPlot {
            bars: classifier_bars(classifier, summary.runs),
        };
        figures.push(render(&frame, &plot, size)?);
    }
    let mut custom: Vec<Bar> = summary
        .classifiers
        .iter()
        .filter(|c| c.family == Family::Outcome)
        .filter_map(|c| {
            c.outcomes.iter().find(|o| o.outcome == "yes").map(|o| Bar {
                label: c.classifier.clone(),
                ..Bar::from(o)
            })
        })
        .collect();
    if !custom.is_empty() {
        custom.sort_by(|a, b| {
            b.share
                .total_cmp(&a.share)
                .then_with(|| a.label.cmp(&b.label))
        });
        let frame = Frame {
            name: "shares-outcomes".to_string(),
            title: "How often each outcome of interest occurs".to_string(),
            caption: caption("the scenario's own outcomes"),
        };
        figures.push(render(&frame, &SharesPlot { bars: custom }, size)?);
    }
    Ok(figures)
}

/// The text of the right-hand column.
pub fn value_text(bar: &Bar) -> String {
    format!(
        "{} ({}–{})",
        percent(bar.share),
        percent(bar.ci_low).trim_end_matches('%'),
        percent(bar.ci_high)
    )
}

/// The widest of `texts` in `font`, in pixels.
pub fn widest<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    texts: impl IntoIterator<Item = String>,
    font: &TextStyle,
) -> u32
where
    DB::ErrorType: 'static,
{
    texts
        .into_iter()
        .map(|t| area.estimate_text_size(&t, font).map_or(0, |(w, _)| w))
        .max()
        .unwrap_or(0)
}

/// A horizontal share axis (0-100%) with `rows` bar slots, top to bottom.
pub fn share_chart<'a, DB: DrawingBackend>(
    area: &'a DrawingArea<DB, Shift>,
    style: &Style,
    (label_width, right_margin): (u32, u32),
    rows: usize,
) -> Result<ShareChart<'a, DB>, Box<dyn std::error::Error>>
where
    DB::ErrorType: 'static,
{
    let mut chart = ChartBuilder::on(area)
        .margin_right(right_margin)
        .margin_top(style.px(10.0))
        .x_label_area_size(style.px(80.0))
        .y_label_area_size(label_width)
        .build_cartesian_2d(0f64..100f64, -0.5f64..(rows as f64 - 0.5))?;
    chart
        .configure_mesh()
        .disable_y_mesh()
        .y_labels(0)
        .x_labels(11)
        .x_label_formatter(&|x| format!("{x:.0}"))
        .x_desc("Share of runs (%)")
        .axis_desc_style(style.axis())
        .label_style(style.label())
        .bold_line_style(GRID)
        .light_line_style(TRANSPARENT)
        .draw()?;
    Ok(chart)
}

/// A chart of `rows` rows top to bottom over `x`, with `label_width` for
/// the row labels on the left and `right_margin` for a column of numbers.
pub fn row_chart<'a, DB: DrawingBackend>(
    area: &'a DrawingArea<DB, Shift>,
    style: &Style,
    (label_width, right_margin): (u32, u32),
    x: std::ops::Range<f64>,
    rows: usize,
) -> Result<ShareChart<'a, DB>, Box<dyn std::error::Error>>
where
    DB::ErrorType: 'static,
{
    Ok(ChartBuilder::on(area)
        .margin_right(right_margin)
        .margin_top(style.px(10.0))
        .x_label_area_size(style.px(80.0))
        .y_label_area_size(label_width)
        .build_cartesian_2d(x, -0.5f64..(rows as f64 - 0.5))?)
}

/// The words of a row chart with `labels.len()` rows, top to bottom: each
/// row's label right-aligned before `left` (in data coordinates; fitted to
/// `label_width` less `gap` by [`fit_labels`]) and its note in `note_font`
/// after `right`.
pub fn label_rows<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    chart: &ShareChart<DB>,
    style: &Style,
    (labels, notes): (&[String], &[String]),
    (font, note_font): (&TextStyle<'static>, &TextStyle),
    (label_width, gap): (u32, u32),
    (left, right): (f64, f64),
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    let n = labels.len().max(1);
    let (base_x, base_y) = area.get_base_pixel();
    let right_edge = chart.backend_coord(&(right, 0.0)).0 - base_x;
    let row_height = area.dim_in_pixel().1.saturating_sub(style.px(90.0)) / n as u32;
    let (label_font, lines) = fit_labels(
        area,
        labels,
        font,
        (label_width.saturating_sub(gap), row_height),
    );
    for (i, note) in notes.iter().enumerate() {
        let (x, y) = chart.backend_coord(&(left, (n - 1 - i) as f64));
        let y = y - base_y;
        draw_lines(
            area,
            &lines[i],
            &label_font.pos(Pos::new(HPos::Right, VPos::Center)),
            (x - base_x - gap as i32 / 2, y),
        )?;
        area.draw_text(
            note,
            &note_font.pos(Pos::new(HPos::Left, VPos::Center)),
            (right_edge + gap as i32, y),
        )?;
    }
    Ok(())
}

pub type ShareChart<'a, DB> = ChartContext<
    'a,
    DB,
    Cartesian2d<plotters::coord::types::RangedCoordf64, plotters::coord::types::RangedCoordf64>,
>;

/// A bar of `share` at row `y`, `half` slots thick, with its interval as
/// a capped whisker.
pub fn draw_bar<DB: DrawingBackend>(
    chart: &mut ShareChart<DB>,
    style: &Style,
    (y, half): (f64, f64),
    (share, ci_low, ci_high): (f64, f64, f64),
    colour: RGBColor,
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    chart.draw_series([Rectangle::new(
        [(0.0, y - half), (100.0 * share, y + half)],
        colour.filled(),
    )])?;
    let whisker = INK.stroke_width(style.px(2.5));
    let (lo, hi) = (100.0 * ci_low, 100.0 * ci_high);
    let cap = half * 0.6;
    chart.draw_series([
        PathElement::new(vec![(lo, y), (hi, y)], whisker),
        PathElement::new(vec![(lo, y - cap), (lo, y + cap)], whisker),
        PathElement::new(vec![(hi, y - cap), (hi, y + cap)], whisker),
    ])?;
    Ok(())
}

impl Plot for SharesPlot {
    fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>, style: &Style) -> DrawResult
    where
        DB::ErrorType: 'static,
    {
        let n = self.bars.len();
        let label_font = style.label();
        let (width, _) = area.dim_in_pixel();
        let gap = style.px(16.0);
        let value_width = widest(area, self.bars.iter().map(value_text), &label_font) + gap;
        // Labels get what the plot can spare, at most 45% of the width.
        let label_budget = width * 45 / 100;
        let label_width = (widest(area, self.bars.iter().map(|b| b.label.clone()), &label_font)
            + gap)
            .min(label_budget);
        let mut chart = share_chart(area, style, (label_width, value_width + gap), n)?;
        let labels: Vec<String> = self.bars.iter().map(|b| b.label.clone()).collect();
        let row_height = area.dim_in_pixel().1.saturating_sub(style.px(90.0)) / n.max(1) as u32;
        let (label_font, labels) = fit_labels(
            area,
            &labels,
            &label_font,
            (label_width.saturating_sub(gap), row_height),
        );
        let row = |i: usize| (n - 1 - i) as f64;
        for (i, bar) in self.bars.iter().enumerate() {
            draw_bar(
                &mut chart,
                style,
                (row(i), 0.32),
                (bar.share, bar.ci_low, bar.ci_high),
                palette(0),
            )?;
        }
        let (base_x, base_y) = area.get_base_pixel();
        let right_edge = chart.backend_coord(&(100.0, 0.0)).0 - base_x;
        for (i, bar) in self.bars.iter().enumerate() {
            let (left, y) = chart.backend_coord(&(0.0, row(i)));
            let y = y - base_y;
            draw_lines(
                area,
                &labels[i],
                &label_font.pos(Pos::new(HPos::Right, VPos::Center)),
                (left - base_x - gap as i32 / 2, y),
            )?;
            area.draw_text(
                &value_text(bar),
                &label_font.pos(Pos::new(HPos::Left, VPos::Center)),
                (right_edge + gap as i32, y),
            )?;
        }
        Ok(())
    }
}
