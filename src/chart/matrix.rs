//! The decision matrix: hypotheses as rows, policies as columns, each cell
//! the share of one outcome (shaded by it) with its 95% interval and its
//! difference from the row's first column.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::shares::widest;
use super::style::{share_colour as shade, INK, MUTED};
use super::{
    fit_text, render, wrap_text, ChartError, DrawResult, Figure, Frame, Plot, Size, Style,
};
use crate::format::percent;
use crate::results::matrix::DecisionMatrix;

pub struct MatrixPlot<'a> {
    pub matrix: &'a DecisionMatrix,
}

pub fn figure(matrix: &DecisionMatrix, caption: String, size: Size) -> Result<Figure, ChartError> {
    render(
        &Frame {
            name: "decision-matrix".to_string(),
            title: format!("Decision matrix: {}", matrix.outcome),
            caption,
        },
        &MatrixPlot { matrix },
        size,
    )
}

impl Plot for MatrixPlot<'_> {
    fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>, style: &Style) -> DrawResult
    where
        DB::ErrorType: 'static,
    {
        let m = self.matrix;
        let (width, height) = area.dim_in_pixel();
        let heading = style.heading();
        let label_width =
            (widest(area, m.hypotheses.iter().cloned(), &heading) + style.px(30.0)).min(width / 3);
        let header_height = style.px(90.0);
        let cols = m.policies.len().max(1) as u32;
        let rows = m.hypotheses.len().max(1) as u32;
        let cell_w = (width - label_width) / cols;
        let cell_h = ((height - header_height) / rows).min(style.px(220.0));
        for (p, policy) in m.policies.iter().enumerate() {
            let x = (label_width + cell_w * p as u32 + cell_w / 2) as i32;
            let lines = wrap_text(area, policy, &heading, cell_w - style.px(16.0));
            let line_height = style.px(30.0) as i32;
            let top =
                header_height as i32 - line_height * lines.len() as i32 - style.px(8.0) as i32;
            for (i, line) in lines.iter().enumerate() {
                area.draw_text(
                    line,
                    &heading.pos(Pos::new(HPos::Center, VPos::Top)),
                    (x, top + line_height * i as i32),
                )?;
            }
        }
        for (h, hypothesis) in m.hypotheses.iter().enumerate() {
            let y0 = (header_height + cell_h * h as u32) as i32;
            let text = fit_text(area, hypothesis, &heading, label_width - style.px(20.0));
            area.draw_text(
                &text,
                &heading.pos(Pos::new(HPos::Right, VPos::Center)),
                (
                    label_width as i32 - style.px(14.0) as i32,
                    y0 + cell_h as i32 / 2,
                ),
            )?;
            for p in 0..m.policies.len() {
                let x0 = (label_width + cell_w * p as u32) as i32;
                let (x1, y1) = (x0 + cell_w as i32, y0 + cell_h as i32);
                let Some(cell) = m.cell(h, p) else {
                    area.draw(&Rectangle::new(
                        [(x0, y0), (x1, y1)],
                        RGBColor(245, 245, 245).filled(),
                    ))?;
                    area.draw_text(
                        "not run",
                        &style
                            .small()
                            .color(&MUTED)
                            .pos(Pos::new(HPos::Center, VPos::Center)),
                        ((x0 + x1) / 2, (y0 + y1) / 2),
                    )?;
                    continue;
                };
                area.draw(&Rectangle::new(
                    [(x0, y0), (x1, y1)],
                    shade(cell.share).filled(),
                ))?;
                area.draw(&Rectangle::new(
                    [(x0, y0), (x1, y1)],
                    WHITE.stroke_width(style.px(4.0)),
                ))?;
                let ink = if cell.share > 0.55 { WHITE } else { INK };
                let cx = (x0 + x1) / 2;
                let cy = (y0 + y1) / 2;
                let big =
                    TextStyle::from((super::style::FAMILY, style.px(40.0) as f64, FontStyle::Bold))
                        .color(&ink);
                area.draw_text(
                    &percent(cell.share),
                    &big.pos(Pos::new(HPos::Center, VPos::Center)),
                    (cx, cy - style.px(30.0) as i32),
                )?;
                let mut lines = vec![format!(
                    "95% CI {}–{}",
                    percent(cell.ci_low).trim_end_matches('%'),
                    percent(cell.ci_high)
                )];
                if let Some(d) = &cell.difference {
                    lines.push(if d.is_clear() {
                        format!(
                            "{:+.1} points ({:+.1} to {:+.1})",
                            100.0 * d.estimate,
                            100.0 * d.low,
                            100.0 * d.high
                        )
                    } else {
                        "no clear change".to_string()
                    });
                }
                for (i, line) in lines.iter().enumerate() {
                    area.draw_text(
                        line,
                        &style
                            .small()
                            .color(&ink)
                            .pos(Pos::new(HPos::Center, VPos::Center)),
                        (cx, cy + style.px(14.0 + 28.0 * i as f64) as i32),
                    )?;
                }
            }
        }
        Ok(())
    }
}
