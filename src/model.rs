//! The learned block scorer: gradient-boosted trees shipped as data.
//!
//! `train/train.py` fits two stages of trees on the dev slices of the
//! benchmark kit and writes `models/<mode>.model`; this module reads that
//! file (embedded at build time) and evaluates it. Stage 1 scores a block
//! from its own features ([`crate::features`]); stage 2 sees, in addition,
//! the stage-1 scores of its neighbours, so context decides as jusText's
//! revision does, with weights learned rather than guessed.
//!
//! File format (text, one record per line): `scour-model 1`, `mode M`,
//! `threshold T`, `features NAME...`, `window NAME...`, then `stage K N`
//! followed by N lines `tree NODE... | LEAF...`, where a node is
//! `feature:threshold:left:right` (go left when the value is ≤ threshold; a
//! child ≥ 0 is a node, < 0 is leaf `-child-1`).

use crate::block::Page;
use crate::features;
use std::sync::OnceLock;

#[derive(Debug)]
struct Node {
    feature: u16,
    /// Kept in f64 as trained: rounding it to f32 could move it onto a
    /// feature value and flip a comparison.
    threshold: f64,
    left: i32,
    right: i32,
}

#[derive(Debug)]
struct Tree {
    nodes: Vec<Node>,
    leaves: Vec<f32>,
}

impl Tree {
    fn eval(&self, x: &[f32]) -> f32 {
        if self.nodes.is_empty() {
            return self.leaves.first().copied().unwrap_or(0.0);
        }
        let mut i = 0i32;
        loop {
            let n = &self.nodes[i as usize];
            let next = if f64::from(x[n.feature as usize]) <= n.threshold { n.left } else { n.right };
            if next < 0 {
                return self.leaves[(-next - 1) as usize];
            }
            i = next;
        }
    }
}

/// A two-stage tree model for one input mode.
#[derive(Debug)]
pub struct Model {
    /// Score at or above which a block is kept.
    pub threshold: f32,
    stage1: Vec<Tree>,
    stage2: Vec<Tree>,
}

fn sigmoid(x: f32) -> f32 {
    1.0 / (1.0 + (-x).exp())
}

impl Model {
    /// Parse a model file, checking its feature names against this build's.
    pub fn parse(text: &str) -> Result<Model, String> {
        let mut lines = text.lines();
        if lines.next() != Some("scour-model 1") {
            return Err("not a scour model (version 1)".into());
        }
        let mut threshold = 0.5;
        let mut stages: Vec<Vec<Tree>> = Vec::new();
        let names = features::names();
        for (no, line) in lines.enumerate() {
            let at = |e: &str| format!("model line {}: {e}", no + 2);
            let (key, rest) = line.split_once(' ').unwrap_or((line, ""));
            match key {
                "mode" => {}
                "threshold" => threshold = rest.parse().map_err(|_| at("bad threshold"))?,
                "features" => {
                    let got: Vec<&str> = rest.split(' ').collect();
                    if got != names.iter().map(String::as_str).collect::<Vec<_>>() {
                        return Err(at("feature names differ from this build's: retrain with train/train.py"));
                    }
                }
                "window" => {
                    if rest.split(' ').count() != WINDOW {
                        return Err(at("window features differ from this build's"));
                    }
                }
                "stage" => stages.push(Vec::new()),
                "tree" => {
                    let (nodes, leaves) = rest.split_once(" | ").ok_or_else(|| at("tree without leaves"))?;
                    let mut tree = Tree { nodes: Vec::new(), leaves: Vec::new() };
                    for n in nodes.split(' ').filter(|s| !s.is_empty()) {
                        let p: Vec<&str> = n.split(':').collect();
                        if p.len() != 4 {
                            return Err(at("bad node"));
                        }
                        tree.nodes.push(Node {
                            feature: p[0].parse().map_err(|_| at("bad feature index"))?,
                            threshold: p[1].parse::<f64>().map_err(|_| at("bad threshold"))?,
                            left: p[2].parse().map_err(|_| at("bad child"))?,
                            right: p[3].parse().map_err(|_| at("bad child"))?,
                        });
                    }
                    for l in leaves.split(' ').filter(|s| !s.is_empty()) {
                        tree.leaves.push(l.parse::<f64>().map_err(|_| at("bad leaf"))? as f32);
                    }
                    let width = names.len() + if stages.len() == 2 { WINDOW } else { 0 };
                    if tree.nodes.iter().any(|n| n.feature as usize >= width) {
                        return Err(at("feature index out of range"));
                    }
                    stages.last_mut().ok_or_else(|| at("tree before stage"))?.push(tree);
                }
                _ => return Err(at("unknown record")),
            }
        }
        if stages.len() != 2 {
            return Err("a model has two stages".into());
        }
        let stage2 = stages.pop().unwrap_or_default();
        let stage1 = stages.pop().unwrap_or_default();
        Ok(Model { threshold, stage1, stage2 })
    }

    /// The embedded model for HTML (`true`) or flat text (`false`), if this
    /// build ships one.
    pub fn get(html: bool) -> Option<&'static Model> {
        static HTML: OnceLock<Option<Model>> = OnceLock::new();
        static TEXT: OnceLock<Option<Model>> = OnceLock::new();
        let (cell, src) = if html { (&HTML, HTML_MODEL) } else { (&TEXT, TEXT_MODEL) };
        cell.get_or_init(|| src.map(|s| Model::parse(s).expect("embedded model is valid"))).as_ref()
    }

    /// Content probability of every block.
    pub fn score(&self, page: &Page, rows: &[Vec<f32>]) -> Vec<f32> {
        let p1: Vec<f32> = rows.iter().map(|x| sigmoid(self.stage1.iter().map(|t| t.eval(x)).sum())).collect();
        let win = window(page, &p1);
        rows.iter()
            .zip(win)
            .map(|(x, w)| {
                let mut v = Vec::with_capacity(x.len() + WINDOW);
                v.extend_from_slice(x);
                v.extend_from_slice(&w);
                sigmoid(self.stage2.iter().map(|t| t.eval(&v)).sum())
            })
            .collect()
    }
}

/// Number of stage-2 context features.
const WINDOW: usize = 9;

/// Stage-2 context of each block: its own stage-1 score, its neighbours'
/// (one and two away), the mean over five, the mean of its DOM group, and
/// the best score within five before and after. Same order as train.py's
/// `WINDOW`.
fn window(page: &Page, p: &[f32]) -> Vec<[f32; WINDOW]> {
    let n = p.len();
    let mut groups: std::collections::HashMap<usize, (f32, u32)> = std::collections::HashMap::new();
    for (b, &s) in page.blocks.iter().zip(p) {
        let g = groups.entry(b.group).or_default();
        g.0 += s;
        g.1 += 1;
    }
    let at = |j: isize| if j >= 0 && (j as usize) < n { p[j as usize] } else { 0.0 };
    (0..n)
        .map(|i| {
            let ii = i as isize;
            let (lo, hi) = (i.saturating_sub(2), (i + 3).min(n));
            let mean5 = p[lo..hi].iter().sum::<f32>() / (hi - lo) as f32;
            let g = groups[&page.blocks[i].group];
            let before = p[i.saturating_sub(5)..i].iter().copied().fold(0.0f32, f32::max);
            let after = p[(i + 1).min(n)..(i + 6).min(n)].iter().copied().fold(0.0f32, f32::max);
            [p[i], at(ii - 1), at(ii + 1), at(ii - 2), at(ii + 2), mean5, g.0 / g.1 as f32, before, after]
        })
        .collect()
}

include!(concat!(env!("OUT_DIR"), "/models.rs"));

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tree_routes_by_threshold() {
        let t = Tree {
            nodes: vec![
                Node { feature: 0, threshold: 0.5, left: -1, right: 1 },
                Node { feature: 1, threshold: 2.0, left: -2, right: -3 },
            ],
            leaves: vec![1.0, 2.0, 3.0],
        };
        assert_eq!(t.eval(&[0.4, 9.0]), 1.0);
        assert_eq!(t.eval(&[0.6, 1.0]), 2.0);
        assert_eq!(t.eval(&[0.6, 3.0]), 3.0);
    }

    #[test]
    fn wrong_features_are_refused() {
        let e = Model::parse("scour-model 1\nfeatures nope\n").unwrap_err();
        assert!(e.contains("feature names differ"), "{e}");
    }

    #[test]
    fn shipped_models_parse() {
        for html in [true, false] {
            if let Some(m) = Model::get(html) {
                assert!(!m.stage1.is_empty() && !m.stage2.is_empty());
            }
        }
    }
}
