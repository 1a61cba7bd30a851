//! The network at the end of the runs: actors as nodes sized by capability,
//! edges coloured and weighted by the mean final relation, the modal blocs
//! (the most frequent landscape partition) drawn apart.

use std::f64::consts::PI;

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::style::{relation_colour, INK, MUTED};
use super::{render, ChartError, DrawResult, Figure, Frame, Plot, Size, Style};
use crate::format::percent;
use crate::outcome::{bloc_sides, Family};
use crate::results::folder::RunResults;

/// Relations weaker than this are not drawn: they would only add clutter.
const FAINT: f64 = 0.05;

pub struct Node {
    pub id: String,
    /// Mean capability share at the end.
    pub size: f64,
    /// Position in [-1, 1]², before fitting to the figure.
    pub at: (f64, f64),
}

pub struct NetworkPlot {
    pub nodes: Vec<Node>,
    /// (node, node, mean final relation).
    pub edges: Vec<(usize, usize, f64)>,
    pub note: String,
}

/// Bloc centres on a horizontal line, members on a circle around each.
fn layout(ids: &[String], blocs: &[Vec<&str>]) -> Vec<(f64, f64)> {
    let mut at = vec![(0.0, 0.0); ids.len()];
    let groups = blocs.len().max(1);
    let mut placed = vec![false; ids.len()];
    for (g, members) in blocs.iter().enumerate() {
        let centre = if groups == 1 {
            0.0
        } else {
            -0.6 + 1.2 * g as f64 / (groups - 1) as f64
        };
        // Larger blocs get a wider ring, as far as the bloc's share of the
        // width allows.
        let room = if groups == 1 { 0.9 } else { 0.55 };
        let radius = match members.len() {
            1 => 0.0,
            m => (0.32 * (m as f64 / 4.0).sqrt()).min(room),
        };
        for (k, member) in members.iter().enumerate() {
            if let Some(i) = ids.iter().position(|id| id == member) {
                let angle = PI / 2.0 + 2.0 * PI * k as f64 / members.len() as f64;
                at[i] = (
                    centre + radius * angle.cos(),
                    (2.2 * radius).min(1.0) * angle.sin(),
                );
                placed[i] = true;
            }
        }
    }
    // Actors missing from the label (none in practice) go on a ring.
    let loose: Vec<usize> = (0..ids.len()).filter(|&i| !placed[i]).collect();
    for (k, &i) in loose.iter().enumerate() {
        let angle = 2.0 * PI * k as f64 / loose.len() as f64;
        at[i] = (0.9 * angle.cos(), 0.9 * angle.sin());
    }
    at
}

pub fn figure(results: &RunResults, size: Size) -> Result<Figure, ChartError> {
    let summary = &results.summary;
    let ids: Vec<String> = summary.actors.iter().map(|a| a.id.clone()).collect();
    let modal = summary
        .classifiers
        .iter()
        .find(|c| c.family == Family::Blocs)
        .and_then(|c| c.outcomes.first());
    let blocs = modal.map_or_else(Vec::new, |o| bloc_sides(&o.outcome));
    let positions = layout(&ids, &blocs);
    let nodes = ids
        .iter()
        .zip(positions)
        .map(|(id, at)| Node {
            id: id.clone(),
            size: results
                .series
                .final_mean(&format!("size {id}"))
                .unwrap_or(0.0),
            at,
        })
        .collect();
    let mut edges = Vec::new();
    for a in 0..ids.len() {
        for b in (a + 1)..ids.len() {
            if let Some(r) = results
                .series
                .final_mean(&format!("relation {}-{}", ids[a], ids[b]))
                .filter(|r| r.is_finite())
            {
                edges.push((a, b, r));
            }
        }
    }
    let note = modal.map_or_else(String::new, |o| {
        format!(
            "Modal blocs: {} (in {} of runs)",
            o.outcome,
            percent(o.share)
        )
    });
    render(
        &Frame {
            name: "network".to_string(),
            title: "Who stands with whom at the end".to_string(),
            caption: format!(
                "{} · node area: mean capability share; edges: mean final relation (|r| < {FAINT} not drawn)",
                Frame::provenance(&summary.scenario, summary.runs, summary.seed)
            ),
        },
        &NetworkPlot { nodes, edges, note },
        size,
    )
}

impl NetworkPlot {
    fn colour_bar<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
        style: &Style,
    ) -> DrawResult
    where
        DB::ErrorType: 'static,
    {
        let (width, height) = area.dim_in_pixel();
        let bar_width = style.px(360.0) as i32;
        let x0 = width as i32 - bar_width - style.px(20.0) as i32;
        let y = height as i32 - style.px(60.0) as i32;
        let thickness = style.px(16.0) as i32;
        for step in 0..bar_width {
            let r = -1.0 + 2.0 * f64::from(step) / f64::from(bar_width - 1);
            area.draw(&Rectangle::new(
                [(x0 + step, y), (x0 + step + 1, y + thickness)],
                relation_colour(r).filled(),
            ))?;
        }
        let font = style.small();
        let below = y + thickness + style.px(16.0) as i32;
        for (text, x, h) in [
            ("−1 enmity", x0, HPos::Left),
            ("0", x0 + bar_width / 2, HPos::Center),
            ("+1 amity", x0 + bar_width, HPos::Right),
        ] {
            area.draw_text(text, &font.pos(Pos::new(h, VPos::Center)), (x, below))?;
        }
        area.draw_text(
            "Mean final relation",
            &font.pos(Pos::new(HPos::Left, VPos::Bottom)),
            (x0, y - style.px(8.0) as i32),
        )?;
        Ok(())
    }
}

impl Plot for NetworkPlot {
    fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>, style: &Style) -> DrawResult
    where
        DB::ErrorType: 'static,
    {
        let (width, height) = area.dim_in_pixel();
        let (w, h) = (f64::from(width), f64::from(height));
        // Blocs spread sideways on a wide slide; rows keep room for labels.
        let pixel = |(x, y): (f64, f64)| {
            (
                (w / 2.0 + x * w * 0.36) as i32,
                (h * 0.45 - y * h * 0.36) as i32,
            )
        };
        let largest = self
            .nodes
            .iter()
            .map(|n| n.size)
            .fold(0.0f64, f64::max)
            .max(1e-9);
        // Fewer, larger nodes for small games; many actors share the room.
        let biggest =
            style.px(70.0) as f64 * (6.0 / self.nodes.len().max(1) as f64).sqrt().min(1.0);
        let radius =
            |size: f64| (biggest * (size / largest).sqrt()).max(style.px(14.0) as f64) as i32;
        let mut edges: Vec<&(usize, usize, f64)> =
            self.edges.iter().filter(|e| e.2.abs() >= FAINT).collect();
        // Strong ties on top.
        edges.sort_by(|a, b| a.2.abs().total_cmp(&b.2.abs()));
        for &&(a, b, r) in &edges {
            area.draw(&PathElement::new(
                vec![pixel(self.nodes[a].at), pixel(self.nodes[b].at)],
                relation_colour(r).stroke_width(style.px(2.0 + 12.0 * r.abs())),
            ))?;
        }
        let label = style.heading().pos(Pos::new(HPos::Center, VPos::Center));
        let share = style.small().pos(Pos::new(HPos::Center, VPos::Center));
        for node in &self.nodes {
            let centre = pixel(node.at);
            let r = radius(node.size);
            area.draw(&Circle::new(centre, r, WHITE.filled()))?;
            area.draw(&Circle::new(centre, r, INK.stroke_width(style.px(3.0))))?;
            // Inside a node that holds it with a margin, else just above it.
            let (w, h) = area.estimate_text_size(&node.id, &label)?;
            if f64::from(w) <= 1.6 * f64::from(r) {
                area.draw_text(&node.id, &label, centre)?;
            } else {
                let above = (centre.0, centre.1 - r - style.px(6.0) as i32 - h as i32 / 2);
                on_white(area, &node.id, &label, above)?;
            }
            let below = (centre.0, centre.1 + r + style.px(22.0) as i32);
            on_white(area, &percent(node.size), &share.color(&MUTED), below)?;
        }
        area.draw_text(
            &self.note,
            &style.label().pos(Pos::new(HPos::Left, VPos::Bottom)),
            (0, height as i32 - style.px(20.0) as i32),
        )?;
        self.colour_bar(area, style)
    }
}

/// `text` centred at `at` on a white patch, so that edges passing below
/// stay apart from the words.
fn on_white<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    text: &str,
    font: &TextStyle,
    at: (i32, i32),
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    let (w, h) = area.estimate_text_size(text, font)?;
    let (half_w, half_h) = (w as i32 / 2 + 4, h as i32 / 2 + 2);
    area.draw(&Rectangle::new(
        [
            (at.0 - half_w, at.1 - half_h),
            (at.0 + half_w, at.1 + half_h),
        ],
        WHITE.filled(),
    ))?;
    area.draw_text(text, font, at)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::layout;

    #[test]
    fn blocs_sit_apart() {
        let ids: Vec<String> = ["USA", "CHN", "RUS", "JPN"].map(String::from).to_vec();
        let at = layout(&ids, &[vec!["CHN", "RUS"], vec!["JPN", "USA"]]);
        // Every member of the first bloc is left of every member of the second.
        let left = [at[1].0, at[2].0];
        let right = [at[0].0, at[3].0];
        assert!(left.iter().all(|l| right.iter().all(|r| l < r)));
    }
}
