//! Text in the PNG where the font puts it. Plotters 0.3.7 draws each glyph
//! of a bitmap at the pen position without the glyph's side bearing, so a
//! glyph with a large or negative bearing stands apart: "CHN-JPN" read
//! "CHN- JPN" (DejaVu's J reaches left of its pen position). [`Typeset`]
//! wraps the bitmap backend and places each glyph by its outline's bounds,
//! with plotters' layout box, anchors and vertical placement, so only the
//! spacing inside words changes. The SVG is text and needs none of this.

use ab_glyph::{point, Font, FontRef, ScaleFont};
use plotters::prelude::BitMapBackend;
use plotters_backend::text_anchor::{HPos, VPos};
use plotters_backend::{
    BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingBackend, DrawingErrorKind,
    FontStyle,
};

use super::style;

/// A bitmap backend whose text is set glyph by glyph.
pub struct Typeset<'a>(pub BitMapBackend<'a>);

type Failure<'a> = DrawingErrorKind<<BitMapBackend<'a> as DrawingBackend>::ErrorType>;

impl<'a> DrawingBackend for Typeset<'a> {
    type ErrorType = <BitMapBackend<'a> as DrawingBackend>::ErrorType;

    fn get_size(&self) -> (u32, u32) {
        self.0.get_size()
    }

    fn ensure_prepared(&mut self) -> Result<(), Failure<'a>> {
        self.0.ensure_prepared()
    }

    fn present(&mut self) -> Result<(), Failure<'a>> {
        self.0.present()
    }

    fn draw_pixel(&mut self, point: BackendCoord, color: BackendColor) -> Result<(), Failure<'a>> {
        self.0.draw_pixel(point, color)
    }

    fn draw_line<S: BackendStyle>(
        &mut self,
        from: BackendCoord,
        to: BackendCoord,
        style: &S,
    ) -> Result<(), Failure<'a>> {
        self.0.draw_line(from, to, style)
    }

    fn draw_rect<S: BackendStyle>(
        &mut self,
        upper_left: BackendCoord,
        bottom_right: BackendCoord,
        style: &S,
        fill: bool,
    ) -> Result<(), Failure<'a>> {
        self.0.draw_rect(upper_left, bottom_right, style, fill)
    }

    fn blit_bitmap(
        &mut self,
        pos: BackendCoord,
        size: (u32, u32),
        src: &[u8],
    ) -> Result<(), Failure<'a>> {
        self.0.blit_bitmap(pos, size, src)
    }

    fn draw_text<T: BackendTextStyle>(
        &mut self,
        text: &str,
        text_style: &T,
        pos: BackendCoord,
    ) -> Result<(), Failure<'a>> {
        let color = text_style.color();
        if color.alpha == 0.0 {
            return Ok(());
        }
        let ((min_x, min_y), (max_x, max_y)) = text_style
            .layout_box(text)
            .map_err(|e| DrawingErrorKind::FontError(Box::new(e)))?;
        let (width, height) = (max_x - min_x, max_y - min_y);
        let anchor = text_style.anchor();
        let dx = match anchor.h_pos {
            HPos::Left => 0,
            HPos::Right => -width,
            HPos::Center => -width / 2,
        };
        let dy = match anchor.v_pos {
            VPos::Top => 0,
            VPos::Center => -height / 2,
            VPos::Bottom => -height,
        };
        let turn = text_style.transform();
        let (canvas_w, canvas_h) = self.get_size();
        let bold = matches!(text_style.style(), FontStyle::Bold);
        let font = FontRef::try_from_slice(style::font_bytes(bold))
            .map_err(|e| DrawingErrorKind::FontError(Box::new(e)))?;
        let size = text_style.size() as f32;
        let scaled = font.as_scaled(size);
        let mut pen = 0f32;
        let mut previous = None;
        for c in text.chars() {
            let id = scaled.glyph_id(c);
            if let Some(p) = previous {
                pen += scaled.kern(p, id);
            }
            previous = Some(id);
            // Plotters' vertical placement: the glyph's top at half the
            // size below the line's top, plus its own offset.
            let top = id.with_scale_and_position(size, point(0.0, 0.0));
            let top = scaled
                .outline_glyph(top)
                .map_or(0, |o| (size / 2.0 + o.px_bounds().min.y) as i32);
            let glyph = id.with_scale_and_position(size, point(pen, 0.0));
            pen += scaled.h_advance(id);
            let Some(outline) = scaled.outline_glyph(glyph) else {
                continue;
            };
            let left = outline.px_bounds().min.x as i32;
            let mut pixels = Vec::new();
            outline.draw(|x, y, coverage| pixels.push((x as i32, y as i32, coverage)));
            for (x, y, coverage) in pixels {
                let (x, y) = turn.transform(left + x + dx - min_x, top + y + dy - min_y);
                let (x, y) = (pos.0 + x, pos.1 + y);
                if x >= 0 && x < canvas_w as i32 && y >= 0 && y < canvas_h as i32 {
                    let ink = BackendColor {
                        alpha: color.alpha * f64::from(coverage),
                        rgb: color.rgb,
                    };
                    self.draw_pixel((x, y), ink)?;
                }
            }
        }
        Ok(())
    }
}
