//! Charts for briefings, drawn with plotters from report data only (never
//! from the model), each as PNG and SVG. One file per chart kind; the frame
//! (title, caption with scenario, runs and seed), fonts and palette are
//! shared, so every chart looks like the others.

pub mod comparison;
pub mod differences;
pub mod dot_plot;
pub mod drivers;
pub mod fan;
pub mod marks;
pub mod matrix;
pub mod network;
pub mod pairs;
pub mod posterior;
pub mod shares;
pub mod style;
pub mod sweep;
pub mod targets_fit;
pub mod tornado;
pub mod typeset;

use std::error::Error as StdError;
use std::path::PathBuf;

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use thiserror::Error;

pub use style::Style;

#[derive(Debug, Error)]
pub enum ChartError {
    #[error("could not draw the chart `{chart}`: {message}")]
    Draw { chart: String, message: String },
    #[error("could not encode the chart `{chart}` as PNG: {message}")]
    Encode { chart: String, message: String },
}

pub type DrawResult = Result<(), Box<dyn StdError>>;

/// A chart's body, drawn into the area below its title; generic over the
/// backend so one drawing gives both the PNG and the SVG.
pub trait Plot {
    fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>, style: &Style) -> DrawResult
    where
        DB::ErrorType: 'static;
}

/// A finished chart: its file stem, its title and both renderings.
#[derive(Debug, Clone)]
pub struct Figure {
    /// File stem, e.g. `shares-triangle-USA-CHN-RUS`.
    pub name: String,
    pub title: String,
    pub svg: String,
    pub png: Vec<u8>,
}

/// The figure size, 1600x900 by default (a 16:9 slide).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Size {
    pub width: u32,
    pub height: u32,
}

impl Default for Size {
    fn default() -> Self {
        Size {
            width: 1600,
            height: 900,
        }
    }
}

impl std::str::FromStr for Size {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        let bad = || {
            format!("`{text}` is not a size; write WIDTHxHEIGHT in pixels, e.g. 1600x900 (each 320 to 8000)")
        };
        let (w, h) = text.split_once(['x', 'X']).ok_or_else(bad)?;
        let width: u32 = w.trim().parse().map_err(|_| bad())?;
        let height: u32 = h.trim().parse().map_err(|_| bad())?;
        if !(320..=8000).contains(&width) || !(320..=8000).contains(&height) {
            return Err(bad());
        }
        Ok(Size { width, height })
    }
}

/// The words around a chart: its title and the caption that says where
/// the numbers come from.
#[derive(Debug, Clone)]
pub struct Frame {
    pub name: String,
    pub title: String,
    pub caption: String,
}

impl Frame {
    /// The caption every chart of one run carries.
    pub fn provenance(scenario: &str, runs: u64, seed: u64) -> String {
        format!(
            "Scenario {scenario} · {} runs · seed {seed} · entente {}",
            crate::format::thousands(runs),
            crate::VERSION
        )
    }
}

/// Every chart of one run: outcome shares, relations (and, with economic
/// events, energy price and trade) over time, drivers, and the network.
/// A run recorded without trajectories (`--trajectories none`) gets the
/// shares only: the other charts are drawn from the series it lacks.
pub fn run_figures(
    results: &crate::results::folder::RunResults,
    dyads: &[String],
    size: Size,
) -> Result<Vec<Figure>, ChartError> {
    let mut figures = shares::figures(&results.summary, size)?;
    if results.series.is_empty() {
        return Ok(figures);
    }
    figures.extend(fan::figures(results, dyads, size)?);
    figures.push(drivers::figure(results, size)?);
    figures.push(network::figure(results, size)?);
    Ok(figures)
}

/// Writes each figure as `<name>.png` and `<name>.svg` through `write`
/// (a result folder's writer, or a plain folder's); returns the PNGs'
/// paths. Every command writes its charts through here.
pub fn write_figures<E>(
    figures: &[Figure],
    mut write: impl FnMut(&str, &[u8]) -> Result<PathBuf, E>,
) -> Result<Vec<PathBuf>, E> {
    let mut written = Vec::new();
    for figure in figures {
        written.push(write(&format!("{}.png", figure.name), &figure.png)?);
        write(&format!("{}.svg", figure.name), figure.svg.as_bytes())?;
    }
    Ok(written)
}

fn draw_frame<DB: DrawingBackend, P: Plot>(
    root: DrawingArea<DB, Shift>,
    frame: &Frame,
    plot: &P,
    style: &Style,
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    root.fill(&WHITE)?;
    let pad = style.px(28.0) as i32;
    let title_height = style.px(70.0);
    let caption_font = style.caption();
    let width = root.dim_in_pixel().0.saturating_sub(2 * pad as u32);
    let caption = wrap_text(&root, &frame.caption, &caption_font, width);
    let line_height = style.px(28.0);
    let caption_height = line_height * caption.len() as u32 + style.px(18.0);
    root.draw_text(
        &frame.title,
        &style.title().pos(Pos::new(HPos::Left, VPos::Center)),
        (pad, title_height as i32 / 2 + pad / 2),
    )?;
    let (_, rest) = root.split_vertically(title_height + style.px(10.0));
    let body_height = rest.dim_in_pixel().1.saturating_sub(caption_height);
    let (body, foot) = rest.split_vertically(body_height);
    for (i, line) in caption.iter().enumerate() {
        foot.draw_text(
            line,
            &caption_font.pos(Pos::new(HPos::Left, VPos::Center)),
            (
                pad,
                (line_height as i32) * (2 * i as i32 + 1) / 2 + style.px(6.0) as i32,
            ),
        )?;
    }
    plot.draw(&body.margin(0, 0, pad, pad), style)?;
    root.present()?;
    Ok(())
}

/// Draws `plot` inside `frame` at `size`, as SVG and as PNG.
pub fn render<P: Plot>(frame: &Frame, plot: &P, size: Size) -> Result<Figure, ChartError> {
    style::register_fonts();
    let style = Style::new(size.width, size.height);
    let failed = |e: Box<dyn StdError>| ChartError::Draw {
        chart: frame.name.clone(),
        message: e.to_string(),
    };
    let mut svg = String::new();
    draw_frame(
        SVGBackend::with_string(&mut svg, (size.width, size.height)).into_drawing_area(),
        frame,
        plot,
        &style,
    )
    .map_err(failed)?;
    let mut pixels = vec![0u8; size.width as usize * size.height as usize * 3];
    draw_frame(
        typeset::Typeset(BitMapBackend::with_buffer(
            &mut pixels,
            (size.width, size.height),
        ))
        .into_drawing_area(),
        frame,
        plot,
        &style,
    )
    .map_err(failed)?;
    let png = encode_png(&pixels, size).map_err(|e| ChartError::Encode {
        chart: frame.name.clone(),
        message: e.to_string(),
    })?;
    Ok(Figure {
        name: frame.name.clone(),
        title: frame.title.clone(),
        svg,
        png,
    })
}

fn encode_png(rgb: &[u8], size: Size) -> Result<Vec<u8>, png::EncodingError> {
    let mut bytes = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut bytes, size.width, size.height);
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Eight);
        let mut writer = encoder.write_header()?;
        writer.write_image_data(rgb)?;
    }
    Ok(bytes)
}

/// `text` broken into lines no wider than `max_width`, at spaces.
pub fn wrap_text<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    text: &str,
    font: &TextStyle,
    max_width: u32,
) -> Vec<String>
where
    DB::ErrorType: 'static,
{
    let fits = |s: &str| {
        area.estimate_text_size(s, font)
            .map_or(true, |(w, _)| w <= max_width)
    };
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split(' ') {
        let candidate = if line.is_empty() {
            word.to_string()
        } else {
            format!("{line} {word}")
        };
        if fits(&candidate) || line.is_empty() {
            line = candidate;
        } else {
            lines.push(std::mem::replace(&mut line, word.to_string()));
        }
    }
    lines.push(line);
    lines
}

/// Labels of rows `row_height` pixels apart, each in at most `max_width`:
/// in `font` on one line if all fit; else wrapped, if every wrapped label
/// fits its row; else on one line in the largest smaller size that fits
/// (no smaller than two thirds of `font`), wrapped only if even that is
/// too wide. Never cut: a reader must be able to tell the rows apart.
pub fn fit_labels<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    labels: &[String],
    font: &TextStyle<'static>,
    (max_width, row_height): (u32, u32),
) -> (TextStyle<'static>, Vec<Vec<String>>)
where
    DB::ErrorType: 'static,
{
    let size = font.font.get_size();
    let lines = |font: &TextStyle| -> Vec<Vec<String>> {
        labels
            .iter()
            .map(|l| wrap_text(area, l, font, max_width))
            .collect()
    };
    let wrapped = lines(font);
    let most = wrapped.iter().map(Vec::len).max().unwrap_or(1) as f64;
    // A single word wider than the room stays one too-wide line.
    let narrow = shares::widest(area, wrapped.iter().flatten().cloned(), font) <= max_width;
    if narrow && (most <= 1.0 || most * line_height(font) <= f64::from(row_height)) {
        return (font.clone(), wrapped);
    }
    let mut smaller = font.clone();
    let mut candidate = size;
    while candidate > size * 2.0 / 3.0 {
        candidate -= 1.0;
        smaller = TextStyle {
            font: font.font.resize(candidate),
            ..font.clone()
        };
        if shares::widest(area, labels.iter().cloned(), &smaller) <= max_width {
            break;
        }
    }
    let wrapped = lines(&smaller);
    (smaller, wrapped)
}

/// The distance between the baselines of wrapped lines in `font`.
pub fn line_height(font: &TextStyle) -> f64 {
    font.font.get_size() * 1.2
}

/// Draws a label's `lines` centred on `y`, anchored at `x` by `font`'s
/// horizontal position.
pub fn draw_lines<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    lines: &[String],
    font: &TextStyle,
    (x, y): (i32, i32),
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    let step = line_height(font);
    let first = f64::from(y) - step * (lines.len() as f64 - 1.0) / 2.0;
    for (i, line) in lines.iter().enumerate() {
        area.draw_text(line, font, (x, (first + step * i as f64).round() as i32))?;
    }
    Ok(())
}

/// One line of legend, left to right: each item's mark (a filled style
/// as a swatch, a stroke as a line) and its words.
pub fn mark_legend<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    items: &[(&str, ShapeStyle)],
    style: &Style,
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    let font = style.label().pos(Pos::new(HPos::Left, VPos::Center));
    let swatch = style.px(34.0) as i32;
    let y = area.dim_in_pixel().1 as i32 / 2;
    let mut x = 0;
    for (text, shape) in items {
        if shape.filled {
            area.draw(&Rectangle::new(
                [(x, y - swatch / 3), (x + swatch, y + swatch / 3)],
                *shape,
            ))?;
        } else {
            area.draw(&PathElement::new(vec![(x, y), (x + swatch, y)], *shape))?;
        }
        x += swatch + style.px(10.0) as i32;
        area.draw_text(text, &font, (x, y))?;
        x += area.estimate_text_size(text, &font)?.0 as i32 + style.px(36.0) as i32;
    }
    Ok(())
}

/// A row (or rows) of coloured swatches, one per label, in palette order.
pub fn swatch_legend<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    labels: &[String],
    style: &Style,
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    let font = style.label().pos(Pos::new(HPos::Left, VPos::Center));
    let swatch = style.px(24.0) as i32;
    let (width, height) = area.dim_in_pixel();
    let step =
        shares::widest(area, labels.iter().cloned(), &font) as i32 + swatch + style.px(34.0) as i32;
    let per_row = (width as i32 / step).max(1) as usize;
    let row_height = height as i32 / labels.len().div_ceil(per_row).max(1) as i32;
    for (i, label) in labels.iter().enumerate() {
        let x = (i % per_row) as i32 * step;
        let y = (i / per_row) as i32 * row_height + row_height / 2;
        area.draw(&Rectangle::new(
            [(x, y - swatch / 2), (x + swatch, y + swatch / 2)],
            style::palette(i).filled(),
        ))?;
        area.draw_text(label, &font, (x + swatch + style.px(8.0) as i32, y))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_parse_and_refuse_nonsense() {
        assert_eq!(
            "1920x1080".parse::<Size>(),
            Ok(Size {
                width: 1920,
                height: 1080
            })
        );
        assert!("1920".parse::<Size>().unwrap_err().contains("WIDTHxHEIGHT"));
        assert!("10x10".parse::<Size>().is_err());
    }
}
