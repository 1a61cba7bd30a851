//! The look shared by every chart: the shipped font, a colour-blind-safe
//! palette, and text sizes that scale with the figure.

use std::sync::Once;

use plotters::style::{FontStyle, RGBColor, TextStyle};

/// The family every chart asks for; [`register_fonts`] maps it to the
/// shipped DejaVu Sans, so no chart depends on the system's fonts.
pub const FAMILY: &str = "sans-serif";

static REGULAR: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");
static BOLD: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans-Bold.ttf");

/// The shipped face's bytes, for setting text glyph by glyph.
pub fn font_bytes(bold: bool) -> &'static [u8] {
    if bold {
        BOLD
    } else {
        REGULAR
    }
}

/// Registers the shipped fonts with plotters, once per process.
pub fn register_fonts() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // The fonts are compiled in; a failure here is a broken build.
        plotters::style::register_font(FAMILY, FontStyle::Normal, REGULAR)
            .unwrap_or_else(|_| panic!("the shipped DejaVuSans.ttf is a valid font"));
        plotters::style::register_font(FAMILY, FontStyle::Bold, BOLD)
            .unwrap_or_else(|_| panic!("the shipped DejaVuSans-Bold.ttf is a valid font"));
    });
}

/// Okabe and Ito's eight colours (2008), distinguishable under the common
/// colour-vision deficiencies; grey is a ninth for "other".
pub const PALETTE: [RGBColor; 9] = [
    RGBColor(0, 114, 178),   // blue
    RGBColor(230, 159, 0),   // orange
    RGBColor(0, 158, 115),   // bluish green
    RGBColor(213, 94, 0),    // vermillion
    RGBColor(86, 180, 233),  // sky blue
    RGBColor(204, 121, 167), // reddish purple
    RGBColor(240, 228, 66),  // yellow
    RGBColor(0, 0, 0),       // black
    RGBColor(153, 153, 153), // grey
];

/// The colour of the `index`-th series: Okabe and Ito's nine, then five
/// more, so that up to fourteen series (model v2's drivers) never share one.
pub fn palette(index: usize) -> RGBColor {
    SERIES_PALETTE[index % SERIES_PALETTE.len()]
}

/// [`PALETTE`], then five of Paul Tol's "muted" and "bright" colours (2021)
/// far from it.
const SERIES_PALETTE: [RGBColor; 14] = [
    PALETTE[0],
    PALETTE[1],
    PALETTE[2],
    PALETTE[3],
    PALETTE[4],
    PALETTE[5],
    PALETTE[6],
    PALETTE[7],
    PALETTE[8],
    RGBColor(51, 34, 136),  // indigo
    RGBColor(153, 153, 51), // olive
    RGBColor(136, 34, 85),  // wine
    RGBColor(17, 119, 51),  // green
    RGBColor(140, 86, 75),  // brown
];

pub const INK: RGBColor = RGBColor(34, 34, 34);
pub const MUTED: RGBColor = RGBColor(110, 110, 110);
pub const GRID: RGBColor = RGBColor(225, 225, 225);

/// Amity to enmity on a diverging blue-grey-vermillion scale, for
/// relations in [-1, 1].
pub fn relation_colour(x: f64) -> RGBColor {
    let amity = PALETTE[0];
    let enmity = PALETTE[3];
    let neutral = RGBColor(200, 200, 200);
    let t = x.clamp(-1.0, 1.0);
    let (end, weight) = if t >= 0.0 { (amity, t) } else { (enmity, -t) };
    let mix = |a: u8, b: u8| (f64::from(a) + (f64::from(b) - f64::from(a)) * weight).round() as u8;
    RGBColor(
        mix(neutral.0, end.0),
        mix(neutral.1, end.1),
        mix(neutral.2, end.2),
    )
}

/// White to the palette's blue as a share goes from 0 to 1 (heatmaps and
/// the decision matrix).
pub fn share_colour(share: f64) -> RGBColor {
    let blue = PALETTE[0];
    let t = share.clamp(0.0, 1.0) * 0.9;
    let mix = |c: u8| (255.0 + (f64::from(c) - 255.0) * t).round() as u8;
    RGBColor(mix(blue.0), mix(blue.1), mix(blue.2))
}

/// The house look of a chart's axes: light grid lines, muted axes, the
/// figure's text sizes (`small` for panels of a grid).
pub fn house_mesh<'m, 'a, 'b, X, Y, DB>(
    mesh: &'m mut plotters::chart::MeshStyle<'a, 'b, X, Y, DB>,
    style: &Style,
    small: bool,
) -> &'m mut plotters::chart::MeshStyle<'a, 'b, X, Y, DB>
where
    X: plotters::coord::ranged1d::Ranged,
    Y: plotters::coord::ranged1d::Ranged,
    DB: plotters::backend::DrawingBackend,
{
    let (desc, labels) = if small {
        (style.small(), style.small())
    } else {
        (style.axis(), style.label())
    };
    mesh.axis_desc_style(desc)
        .label_style(labels)
        .bold_line_style(GRID)
        .light_line_style(plotters::style::TRANSPARENT)
        .axis_style(MUTED)
}

/// Text sizes for one figure size; 1600x900 (a 16:9 slide) is the reference.
#[derive(Debug, Clone, Copy)]
pub struct Style {
    pub width: u32,
    pub height: u32,
    scale: f64,
}

impl Style {
    pub fn new(width: u32, height: u32) -> Self {
        let scale = (f64::from(width) / 1600.0).min(f64::from(height) / 900.0);
        Style {
            width,
            height,
            scale,
        }
    }

    /// A length in pixels at this figure's scale.
    pub fn px(&self, reference: f64) -> u32 {
        (reference * self.scale).round().max(1.0) as u32
    }

    fn font(&self, size: f64, style: FontStyle) -> TextStyle<'static> {
        TextStyle::from((FAMILY, self.px(size) as f64, style)).color(&INK)
    }

    pub fn title(&self) -> TextStyle<'static> {
        self.font(38.0, FontStyle::Bold)
    }

    pub fn caption(&self) -> TextStyle<'static> {
        self.font(21.0, FontStyle::Normal).color(&MUTED)
    }

    pub fn axis(&self) -> TextStyle<'static> {
        self.font(25.0, FontStyle::Normal)
    }

    pub fn label(&self) -> TextStyle<'static> {
        self.font(22.0, FontStyle::Normal)
    }

    pub fn small(&self) -> TextStyle<'static> {
        self.font(19.0, FontStyle::Normal)
    }

    pub fn heading(&self) -> TextStyle<'static> {
        self.font(24.0, FontStyle::Bold)
    }

    /// A heading for rows as dense as `small` text.
    pub fn small_heading(&self) -> TextStyle<'static> {
        self.font(19.0, FontStyle::Bold)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relation_colours_run_from_enmity_through_grey_to_amity() {
        assert_eq!(relation_colour(1.0), PALETTE[0]);
        assert_eq!(relation_colour(-1.0), PALETTE[3]);
        assert_eq!(relation_colour(0.0), RGBColor(200, 200, 200));
        assert_eq!(relation_colour(7.0), relation_colour(1.0));
    }
}
