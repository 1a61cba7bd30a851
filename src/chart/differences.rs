//! Which policy moves the outcome, and by how much: each scenario's change
//! from the reference in percentage points, with Newcombe's 95% interval,
//! largest increase on top. The dot is filled where the interval excludes
//! zero; the numbers stand in a column on the right.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::marks::{self, Mark};
use super::shares::{row_chart, widest};
use super::style::house_mesh;
use super::{
    draw_lines, fit_labels, render, ChartError, DrawResult, Figure, Frame, Plot, Size, Style,
};
use crate::format::percent;
use crate::results::effects::{Effect, Effects};

/// The file stem.
pub const NAME: &str = "differences";

pub struct DifferencesPlot<'a> {
    pub effects: &'a Effects,
}

pub fn figure(effects: &Effects, caption: String, size: Size) -> Result<Figure, ChartError> {
    render(
        &Frame {
            name: NAME.to_string(),
            title: format!("Change from {}: {}", effects.reference, effects.outcome),
            caption,
        },
        &DifferencesPlot { effects },
        size,
    )
}

/// `+12.3 (+8.1 to +16.0)`, in points.
fn value_text(effect: &Effect) -> String {
    let d = &effect.difference;
    format!(
        "{:+.1} ({:+.1} to {:+.1})",
        100.0 * d.estimate,
        100.0 * d.low,
        100.0 * d.high
    )
}

impl DifferencesPlot<'_> {
    /// The axis in points: every interval and zero, with a little room.
    fn range(&self) -> (f64, f64) {
        let (low, high) = self
            .effects
            .effects
            .iter()
            .fold((0.0f64, 0.0f64), |(lo, hi), e| {
                (lo.min(e.difference.low), hi.max(e.difference.high))
            });
        let pad = ((high - low) * 0.05).max(0.005);
        (100.0 * (low - pad), 100.0 * (high + pad))
    }
}

impl Plot for DifferencesPlot<'_> {
    fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>, style: &Style) -> DrawResult
    where
        DB::ErrorType: 'static,
    {
        let reference = format!(
            "{}, {}",
            self.effects.reference,
            percent(self.effects.reference_share)
        );
        let (legend, body) = area.split_vertically(style.px(44.0));
        marks::legend(&legend, &reference, style)?;
        let effects = &self.effects.effects;
        let count = effects.len().max(1);
        let (width, height) = body.dim_in_pixel();
        let row_height = height.saturating_sub(style.px(80.0)) / count as u32;
        let font = if row_height >= style.px(34.0) {
            style.label()
        } else {
            style.small()
        };
        let gap = style.px(16.0);
        let values = widest(&body, effects.iter().map(value_text), &font) + gap;
        let labels: Vec<String> = effects.iter().map(|e| e.label.clone()).collect();
        let label_width = (widest(&body, labels.iter().cloned(), &font) + gap).min(width / 2);
        let (label_font, label_lines) = fit_labels(
            &body,
            &labels,
            &font,
            (label_width.saturating_sub(gap), row_height),
        );
        let label_font = label_font.pos(Pos::new(HPos::Right, VPos::Center));
        let (low, high) = self.range();
        let mut chart = row_chart(&body, style, (label_width, values + gap), low..high, count)?;
        house_mesh(
            chart
                .configure_mesh()
                .disable_y_mesh()
                .y_labels(0)
                .x_labels(9)
                .x_label_formatter(&|x| {
                    if x.abs() < 0.5 {
                        "0".to_string()
                    } else {
                        format!("{x:+.0}")
                    }
                })
                .x_desc(format!(
                    "Change in the share of runs, percentage points (0 = {reference})"
                )),
            style,
            false,
        )
        .draw()?;
        chart.draw_series([PathElement::new(
            vec![(0.0, -0.5), (0.0, count as f64 - 0.5)],
            marks::reference_colour().stroke_width(style.px(2.0)),
        )])?;
        let (base_x, base_y) = body.get_base_pixel();
        let local = |(x, y): (i32, i32)| (x - base_x, y - base_y);
        let right = local(chart.backend_coord(&(high, 0.0))).0 + gap as i32;
        for (i, effect) in effects.iter().enumerate() {
            let y = (count - 1 - i) as f64;
            let d = &effect.difference;
            let at = |points: f64| local(chart.backend_coord(&(100.0 * points, y)));
            marks::draw_interval(&body, at(d.low), at(d.high), style)?;
            marks::draw_dot(&body, at(d.estimate), Mark::of(Some(d)), style)?;
            let row = at(0.0).1;
            draw_lines(
                &body,
                &label_lines[i],
                &label_font,
                (label_width.saturating_sub(gap) as i32, row),
            )?;
            body.draw_text(
                &value_text(effect),
                &font.pos(Pos::new(HPos::Left, VPos::Center)),
                (right, row),
            )?;
        }
        Ok(())
    }
}
