//! The decision matrix: hypotheses as rows, policies as columns, each cell
//! the share of one outcome (shaded by it) with its 95% interval and its
//! difference from the row's first column.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::shares::widest;
use super::style::{share_colour as shade, INK, MUTED};
use super::{
    draw_lines, fit_labels, line_height, render, wrap_text, ChartError, DrawResult, Figure, Frame,
    Plot, Size, Style,
};
use crate::format::percent;
use crate::results::matrix::{DecisionMatrix, MatrixCell};

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

/// Each label broken into lines no wider than `max_width`.
fn wrapped<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    labels: &[String],
    font: &TextStyle,
    max_width: u32,
) -> Vec<Vec<String>>
where
    DB::ErrorType: 'static,
{
    labels
        .iter()
        .map(|l| wrap_text(area, l, font, max_width))
        .collect()
}

/// The lines under a cell's share: its interval, and its difference from
/// the row's first column.
fn cell_lines(cell: &MatrixCell) -> Vec<String> {
    let mut lines = vec![format!(
        "95% CI {}–{}",
        percent(cell.ci_low).trim_end_matches('%'),
        percent(cell.ci_high)
    )];
    if let Some(d) = &cell.difference {
        if d.is_clear() {
            // Two lines, so that the interval fits a narrow column.
            lines.push(format!("{:+.1} points", 100.0 * d.estimate));
            lines.push(format!("({:+.1} to {:+.1})", 100.0 * d.low, 100.0 * d.high));
        } else {
            lines.push("no clear change".to_string());
        }
    }
    lines
}

/// The type of the cells, one size for all so the matrix reads evenly:
/// shrunk from the slide's sizes until the widest text fits a cell.
struct CellFonts {
    share: TextStyle<'static>,
    detail: TextStyle<'static>,
}

impl CellFonts {
    fn new<DB: DrawingBackend>(
        area: &DrawingArea<DB, Shift>,
        m: &DecisionMatrix,
        style: &Style,
        max_width: u32,
    ) -> Self
    where
        DB::ErrorType: 'static,
    {
        let cells: Vec<&MatrixCell> = m.cells.iter().flatten().collect();
        let shares: Vec<String> = cells.iter().map(|c| percent(c.share)).collect();
        let details: Vec<String> = cells.iter().flat_map(|c| cell_lines(c)).collect();
        let big = TextStyle::from((super::style::FAMILY, style.px(40.0) as f64, FontStyle::Bold));
        CellFonts {
            share: fit_labels(area, &shares, &big, (max_width, 0)).0,
            detail: fit_labels(area, &details, &style.small(), (max_width, 0)).0,
        }
    }
}

impl Plot for MatrixPlot<'_> {
    fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>, style: &Style) -> DrawResult
    where
        DB::ErrorType: 'static,
    {
        let m = self.matrix;
        let (width, height) = area.dim_in_pixel();
        let heading = style.heading();
        let pad = style.px(16.0);
        let label_width =
            (widest(area, m.hypotheses.iter().cloned(), &heading) + style.px(30.0)).min(width / 3);
        let cols = m.policies.len().max(1) as u32;
        let rows = m.hypotheses.len().max(1) as u32;
        let cell_w = (width - label_width) / cols;
        // Column heads wrap; past three lines they take the smaller type.
        let mut head_font = heading.clone();
        let mut heads = wrapped(area, &m.policies, &head_font, cell_w.saturating_sub(pad));
        if heads.iter().any(|h| h.len() > 3) {
            head_font = style.small_heading();
            heads = wrapped(area, &m.policies, &head_font, cell_w.saturating_sub(pad));
        }
        let head_lines = heads.iter().map(Vec::len).max().unwrap_or(1) as f64;
        let header_height = (head_lines * line_height(&head_font)) as u32 + style.px(20.0);
        let cell_h = (height.saturating_sub(header_height) / rows).min(style.px(220.0));
        for (p, lines) in heads.iter().enumerate() {
            let x = (label_width + cell_w * p as u32 + cell_w / 2) as i32;
            let middle = (header_height - style.px(12.0)) as f64 / 2.0;
            draw_lines(
                area,
                lines,
                &head_font.pos(Pos::new(HPos::Center, VPos::Center)),
                (x, middle as i32),
            )?;
        }
        let (row_font, row_labels) = fit_labels(
            area,
            &m.hypotheses,
            &heading,
            (label_width.saturating_sub(style.px(20.0)), cell_h),
        );
        // The numbers in a cell keep their spacing while the cell allows.
        let squeeze = (f64::from(cell_h) / f64::from(style.px(150.0))).min(1.0);
        let cell_fonts = CellFonts::new(area, m, style, cell_w.saturating_sub(pad));
        for (h, lines) in row_labels.iter().enumerate() {
            let y0 = (header_height + cell_h * h as u32) as i32;
            draw_lines(
                area,
                lines,
                &row_font.pos(Pos::new(HPos::Right, VPos::Center)),
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
                let offset = |reference: f64| (f64::from(style.px(reference)) * squeeze) as i32;
                area.draw_text(
                    &percent(cell.share),
                    &cell_fonts
                        .share
                        .color(&ink)
                        .pos(Pos::new(HPos::Center, VPos::Center)),
                    (cx, cy - offset(30.0)),
                )?;
                for (i, line) in cell_lines(cell).iter().enumerate() {
                    area.draw_text(
                        line,
                        &cell_fonts
                            .detail
                            .color(&ink)
                            .pos(Pos::new(HPos::Center, VPos::Center)),
                        (cx, cy + offset(14.0 + 28.0 * i as f64)),
                    )?;
                }
            }
        }
        Ok(())
    }
}
