//! summary.json: the scenario's provenance and every outcome's share.

use super::summary::Summary;

pub fn summary(summary: &Summary) -> String {
    let mut text = serde_json::to_string_pretty(summary).expect("a summary always serialises");
    text.push('\n');
    text
}
