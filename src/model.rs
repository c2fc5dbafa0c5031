//! The learned block scorer: gradient-boosted trees shipped as data.
//!
//! `train/train.py` fits the trees on the dev slices of the benchmark kit and
//! writes `models/<mode>.model`; this module reads that file (embedded at
//! build time) and evaluates it on the feature vectors of
//! [`crate::features`], which include the rules' own verdicts and the
//! block's neighbourhood, so context decides as in jusText's revision, with
//! weights learned rather than guessed.
//!
//! File format (text, one record per line): `scour-model 2`, `mode M`,
//! `threshold T`, `features NAME...`, `trees N`, then N lines
//! `tree NODE... | LEAF...`, where a node is `feature:threshold:left:right`
//! (go left when the value is ≤ threshold; a child ≥ 0 is a node, < 0 is
//! leaf `-child-1`). The score is the logistic of the sum of the leaves.

use crate::features;
use std::sync::OnceLock;

#[derive(Debug)]
struct Node {
    /// The largest f32 not above the trained (f64) threshold: for an f32
    /// feature value x, `x <= threshold` then decides exactly as LightGBM's
    /// f64 comparison does.
    threshold: f32,
    feature: u16,
    left: i16,
    right: i16,
}

/// The largest f32 that is ≤ `t`.
fn f32_floor(t: f64) -> f32 {
    let c = t as f32;
    if f64::from(c) > t {
        c.next_down()
    } else {
        c
    }
}

#[derive(Debug)]
struct Tree {
    nodes: Vec<Node>,
    leaves: Vec<f32>,
}

impl Tree {
    #[cfg_attr(not(test), allow(dead_code))]
    fn eval(&self, x: &[f32]) -> f32 {
        if self.nodes.is_empty() {
            return self.leaves.first().copied().unwrap_or(0.0);
        }
        let mut i = 0usize;
        loop {
            let n = &self.nodes[i];
            let next = if x[n.feature as usize] <= n.threshold { n.left } else { n.right };
            if next < 0 {
                return self.leaves[(-next - 1) as usize];
            }
            i = next as usize;
        }
    }
}

/// A split of the flattened ensemble: children are indices into
/// [`Model::nodes`], or into [`Model::leaves`] when [`LEAF`] is set.
#[derive(Clone, Copy, Debug)]
struct Flat {
    threshold: f32,
    feature: u32,
    left: u32,
    right: u32,
}

/// Marks a child (or a root) that is a leaf.
const LEAF: u32 = 1 << 31;
/// Feature vectors are copied into a buffer of this size, so that indexing
/// it with a masked feature number needs no bounds check.
const MAX_FEATURES: usize = 128;

/// A tree ensemble for one input mode.
#[derive(Debug)]
pub struct Model {
    /// Score at or above which a block is kept.
    pub threshold: f32,
    /// The trees as read (the flattened arrays below are what is evaluated).
    #[cfg_attr(not(test), allow(dead_code))]
    trees: Vec<Tree>,
    /// Every tree's splits in one array (cache-friendly evaluation), the
    /// root of each tree, and every leaf value.
    nodes: Vec<Flat>,
    roots: Vec<u32>,
    leaves: Vec<f32>,
}

/// The trees laid out in one array each for splits and leaves.
fn flatten(trees: &[Tree]) -> (Vec<Flat>, Vec<u32>, Vec<f32>) {
    let (mut nodes, mut roots, mut leaves) = (Vec::new(), Vec::new(), Vec::new());
    for t in trees {
        let (nb, lb) = (nodes.len() as u32, leaves.len() as u32);
        let child = |c: i16| if c < 0 { LEAF | (lb + (-(c as i32) - 1) as u32) } else { nb + c as u32 };
        if t.nodes.is_empty() {
            roots.push(LEAF | lb);
            leaves.push(t.leaves.first().copied().unwrap_or(0.0));
            continue;
        }
        roots.push(nb);
        nodes.extend(t.nodes.iter().map(|n| Flat {
            threshold: n.threshold,
            feature: u32::from(n.feature),
            left: child(n.left),
            right: child(n.right),
        }));
        leaves.extend_from_slice(&t.leaves);
    }
    (nodes, roots, leaves)
}

fn sigmoid(x: f32) -> f32 {
    1.0 / (1.0 + (-x).exp())
}

impl Model {
    /// Parse a model file, checking its feature names against this build's.
    pub fn parse(text: &str) -> Result<Model, String> {
        let mut lines = text.lines();
        if lines.next() != Some("scour-model 2") {
            return Err("not a scour model (version 2)".into());
        }
        let mut threshold = 0.5;
        let mut trees: Vec<Tree> = Vec::new();
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
                "trees" => {}
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
                            threshold: f32_floor(p[1].parse::<f64>().map_err(|_| at("bad threshold"))?),
                            left: p[2].parse().map_err(|_| at("bad child"))?,
                            right: p[3].parse().map_err(|_| at("bad child"))?,
                        });
                    }
                    for l in leaves.split(' ').filter(|s| !s.is_empty()) {
                        tree.leaves.push(l.parse::<f64>().map_err(|_| at("bad leaf"))? as f32);
                    }
                    if tree.nodes.iter().any(|n| n.feature as usize >= names.len()) {
                        return Err(at("feature index out of range"));
                    }
                    let (nn, nl) = (tree.nodes.len() as i32, tree.leaves.len() as i32);
                    let bad = |c: i16| c as i32 >= nn || -(c as i32) > nl;
                    if nl == 0 || tree.nodes.iter().any(|n| bad(n.left) || bad(n.right)) {
                        return Err(at("child out of range"));
                    }
                    trees.push(tree);
                }
                _ => return Err(at("unknown record")),
            }
        }
        if trees.is_empty() {
            return Err("a model without trees".into());
        }
        if names.len() > MAX_FEATURES {
            return Err(format!("more than {MAX_FEATURES} features"));
        }
        let (nodes, roots, leaves) = flatten(&trees);
        Ok(Model { threshold, trees, nodes, roots, leaves })
    }

    /// The embedded model for HTML (`true`) or flat text (`false`), if this
    /// build ships one.
    pub fn get(html: bool) -> Option<&'static Model> {
        static HTML: OnceLock<Option<Model>> = OnceLock::new();
        static TEXT: OnceLock<Option<Model>> = OnceLock::new();
        let (cell, src) = if html { (&HTML, HTML_MODEL) } else { (&TEXT, TEXT_MODEL) };
        cell.get_or_init(|| src.map(|s| Model::parse(s).expect("embedded model is valid"))).as_ref()
    }

    /// Content probability of every block, from its feature vector.
    pub fn score(&self, rows: &[Vec<f32>]) -> Vec<f32> {
        rows.iter().map(|x| self.score_one(x)).collect()
    }

    /// Content probability of one block.
    pub fn score_one(&self, x: &[f32]) -> f32 {
        let mut buf = [0.0f32; MAX_FEATURES];
        let n = x.len().min(MAX_FEATURES);
        buf[..n].copy_from_slice(&x[..n]);
        // The same leaves as `Tree::eval`, summed in the same order.
        sigmoid(
            self.roots
                .iter()
                .map(|&root| {
                    let mut c = root;
                    while c & LEAF == 0 {
                        let node = &self.nodes[c as usize];
                        c = if buf[node.feature as usize % MAX_FEATURES] <= node.threshold {
                            node.left
                        } else {
                            node.right
                        };
                    }
                    self.leaves[(c & !LEAF) as usize]
                })
                .sum(),
        )
    }

    /// [`Model::score_one`] of many blocks at once, tree by tree over all
    /// of them: one tree's nodes stay in cache while every block walks it.
    /// The same sums in the same order, so the same scores.
    pub fn score_many(&self, rows: &[&[f32]]) -> Vec<f32> {
        let mut flat = vec![0.0f32; rows.len() * MAX_FEATURES];
        for (dst, x) in flat.chunks_exact_mut(MAX_FEATURES).zip(rows) {
            let n = x.len().min(MAX_FEATURES);
            dst[..n].copy_from_slice(&x[..n]);
        }
        let mut sums = vec![0.0f32; rows.len()];
        for &root in &self.roots {
            for (sum, x) in sums.iter_mut().zip(flat.chunks_exact(MAX_FEATURES)) {
                let mut c = root;
                while c & LEAF == 0 {
                    let node = &self.nodes[c as usize];
                    c = if x[node.feature as usize % MAX_FEATURES] <= node.threshold { node.left } else { node.right };
                }
                *sum += self.leaves[(c & !LEAF) as usize];
            }
        }
        sums.into_iter().map(sigmoid).collect()
    }

    /// [`Model::score_one`] tree by tree, as the trees were read (the
    /// reference the flattened evaluation must agree with).
    #[cfg(test)]
    fn score_slow(&self, x: &[f32]) -> f32 {
        sigmoid(self.trees.iter().map(|t| t.eval(x)).sum())
    }
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
    fn f32_thresholds_decide_like_f64() {
        for t in [0.1f64, 0.15, 1.0 / 3.0, 2.5, -0.7, 1e-9] {
            let f = f32_floor(t);
            assert!(f64::from(f) <= t);
            assert!(f64::from(f.next_up()) > t);
        }
    }

    #[test]
    fn wrong_features_are_refused() {
        let e = Model::parse("scour-model 2\nfeatures nope\n").unwrap_err();
        assert!(e.contains("feature names differ"), "{e}");
    }

    #[test]
    fn flattened_trees_score_as_the_trees() {
        let n = features::names().len();
        for html in [true, false] {
            let Some(m) = Model::get(html) else { continue };
            let mut seed = 0x2545_f491_4f6c_dd1du64;
            let mut rows = Vec::new();
            for _ in 0..500 {
                let x: Vec<f32> = (0..n)
                    .map(|_| {
                        seed ^= seed << 13;
                        seed ^= seed >> 7;
                        seed ^= seed << 17;
                        (seed % 2000) as f32 / 400.0 - 1.0
                    })
                    .collect();
                assert_eq!(m.score_one(&x).to_bits(), m.score_slow(&x).to_bits());
                rows.push(x);
            }
            // All at once, tree by tree: the same scores to the bit.
            let all = m.score_many(&rows.iter().map(Vec::as_slice).collect::<Vec<_>>());
            for (x, s) in rows.iter().zip(all) {
                assert_eq!(s.to_bits(), m.score_one(x).to_bits());
            }
        }
    }

    #[test]
    fn shipped_models_parse() {
        for html in [true, false] {
            if let Some(m) = Model::get(html) {
                assert!(!m.trees.is_empty());
            }
        }
    }
}
