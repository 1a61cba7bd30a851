//! The marks of the charts with one row per scenario (the dot plot and the
//! differences chart): a dot whose fill says whether the difference from
//! the reference is clear, an interval line, and a legend of those marks.
//! Fill and shape carry the meaning, so no colour tells scenarios apart.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::style::{palette, INK};
use super::{DrawResult, Style};

/// What a dot says about its scenario.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mark {
    /// The scenario the others are compared with.
    Reference,
    /// Its Newcombe interval of the difference excludes zero.
    Clear,
    /// Its interval includes zero.
    Unclear,
}

impl Mark {
    pub fn of(difference: Option<&crate::results::comparison::Difference>) -> Mark {
        match difference {
            None => Mark::Reference,
            Some(d) if d.is_clear() => Mark::Clear,
            Some(_) => Mark::Unclear,
        }
    }
}

/// The reference's colour, the one colour these charts use.
pub fn reference_colour() -> RGBColor {
    palette(0)
}

/// A dot of `mark` centred at `at` (backend pixels of `area`).
pub fn draw_dot<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    at: (i32, i32),
    mark: Mark,
    style: &Style,
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    let radius = style.px(8.0) as i32;
    let outline = INK.stroke_width(style.px(2.5));
    match mark {
        Mark::Reference => {
            area.draw(&Circle::new(at, radius, reference_colour().filled()))?;
        }
        Mark::Clear => {
            area.draw(&Circle::new(at, radius, INK.filled()))?;
        }
        Mark::Unclear => {
            area.draw(&Circle::new(at, radius, WHITE.filled()))?;
            area.draw(&Circle::new(at, radius, outline))?;
        }
    }
    Ok(())
}

/// An interval from `from` to `to` (backend pixels of `area`), with caps.
pub fn draw_interval<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    from: (i32, i32),
    to: (i32, i32),
    style: &Style,
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    let line = INK.mix(0.75).stroke_width(style.px(2.5));
    let cap = style.px(6.0) as i32;
    area.draw(&PathElement::new(vec![from, to], line))?;
    for (x, y) in [from, to] {
        area.draw(&PathElement::new(vec![(x, y - cap), (x, y + cap)], line))?;
    }
    Ok(())
}

/// One line of legend: each mark with its words, left to right; the
/// reference's words name it.
pub fn legend<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    reference: &str,
    style: &Style,
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    let font = style.small().pos(Pos::new(HPos::Left, VPos::Center));
    let y = area.dim_in_pixel().1 as i32 / 2;
    let gap = style.px(12.0) as i32;
    let mut x = style.px(10.0) as i32;
    let items = [
        (Some(Mark::Reference), format!("reference: {reference}")),
        (Some(Mark::Clear), "differs clearly from it".to_string()),
        (Some(Mark::Unclear), "no clear difference".to_string()),
        (None, "95% interval".to_string()),
    ];
    for (mark, text) in items {
        match mark {
            Some(mark) => draw_dot(area, (x, y), mark, style)?,
            None => draw_interval(
                area,
                (x - style.px(8.0) as i32, y),
                (x + style.px(8.0) as i32, y),
                style,
            )?,
        }
        x += style.px(8.0) as i32 + gap;
        area.draw_text(&text, &font, (x, y))?;
        x += area.estimate_text_size(&text, &font)?.0 as i32 + 3 * gap;
    }
    Ok(())
}
