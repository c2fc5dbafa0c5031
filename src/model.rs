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

/// A node of [`Model::steps`]. The nodes of a tree are laid out in
/// preorder, so a split's left child is the entry after it and only the
/// right one needs storing; a leaf's threshold is NaN, which no value is
/// `<=`, and its right child is itself, so a walk can take a fixed number
/// of steps, as many as its tree is deep, with no test for having arrived.
/// Eight bytes, so a tree's nodes take few cache lines.
#[derive(Clone, Copy, Debug)]
struct Step {
    threshold: f32,
    feature: u16,
    right: u16,
}

/// Entries of [`Model::steps`] and [`Model::values`]: every `u16` index,
/// so indexing with one needs no bounds check. The shipped models use
/// about a third of them; a model with more nodes is refused.
const SLOTS: usize = 1 << 16;

/// Blocks that walk a tree side by side in [`Model::score_many`]: their
/// walks do not depend on each other, so the processor overlaps them.
const LANES: usize = 16;
/// Feature vectors are copied into a buffer of this size, so that indexing
/// it with a masked feature number needs no bounds check.
const MAX_FEATURES: usize = 128;

/// Rows scored together by [`Model::score_many`]: their features (32 KiB)
/// stay in the L1/L2 cache while every tree visits them.
const CHUNK_ROWS: usize = LANES * 4;

/// A tree ensemble for one input mode.
#[derive(Debug)]
pub struct Model {
    /// Score at or above which a block is kept.
    pub threshold: f32,
    /// The trees as read (the flattened arrays below are what is evaluated).
    #[cfg_attr(not(test), allow(dead_code))]
    trees: Vec<Tree>,
    /// Every tree's nodes and leaves in one array (cache-friendly
    /// evaluation), each tree's root and depth, and each entry's leaf value
    /// (0 for a split).
    steps: Box<[Step; SLOTS]>,
    roots: Vec<(u16, u32)>,
    values: Box<[f32; SLOTS]>,
}

/// The trees as [`Step`]s in preorder, with their roots and depths and the
/// leaves' values; `None` when they need more than [`SLOTS`] entries.
#[allow(clippy::type_complexity)]
fn unify(trees: &[Tree]) -> Option<(Box<[Step; SLOTS]>, Vec<(u16, u32)>, Box<[f32; SLOTS]>)> {
    let mut steps: Vec<Step> = Vec::new();
    let mut values: Vec<f32> = Vec::new();
    let mut roots = Vec::new();
    for t in trees {
        let root = steps.len();
        // Preorder: (child, depth) on a stack, the right child pushed first
        // so the left one comes out next. A right child's index is known
        // once its subtree's turn comes: patched then.
        let mut depth = 0u32;
        let mut stack: Vec<(i16, u32, Option<usize>)> = vec![(if t.nodes.is_empty() { -1 } else { 0 }, 0, None)];
        while let Some((c, d, parent)) = stack.pop() {
            let me = steps.len();
            if let Some(p) = parent {
                steps[p].right = u16::try_from(me).ok()?;
            }
            if c < 0 {
                let me16 = u16::try_from(me).ok()?;
                steps.push(Step { threshold: f32::NAN, feature: 0, right: me16 });
                values.push(t.leaves[(-(c as i32) - 1) as usize]);
                depth = depth.max(d);
            } else {
                let n = &t.nodes[c as usize];
                steps.push(Step { threshold: n.threshold, feature: n.feature, right: 0 });
                values.push(0.0);
                stack.push((n.right, d + 1, Some(me)));
                stack.push((n.left, d + 1, None));
            }
        }
        roots.push((u16::try_from(root).ok()?, depth));
    }
    if steps.len() > SLOTS {
        return None;
    }
    steps.resize(SLOTS, Step { threshold: f32::NAN, feature: 0, right: 0 });
    values.resize(SLOTS, 0.0);
    Some((steps.into_boxed_slice().try_into().ok()?, roots, values.into_boxed_slice().try_into().ok()?))
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
                        let mut p = n.split(':');
                        let (Some(f), Some(t), Some(l), Some(r), None) =
                            (p.next(), p.next(), p.next(), p.next(), p.next())
                        else {
                            return Err(at("bad node"));
                        };
                        tree.nodes.push(Node {
                            feature: f.parse().map_err(|_| at("bad feature index"))?,
                            threshold: f32_floor(t.parse::<f64>().map_err(|_| at("bad threshold"))?),
                            left: l.parse().map_err(|_| at("bad child"))?,
                            right: r.parse().map_err(|_| at("bad child"))?,
                        });
                    }
                    for l in leaves.split(' ').filter(|s| !s.is_empty()) {
                        tree.leaves.push(l.parse::<f64>().map_err(|_| at("bad leaf"))? as f32);
                    }
                    if tree.nodes.iter().any(|n| n.feature as usize >= names.len()) {
                        return Err(at("feature index out of range"));
                    }
                    let (nn, nl) = (tree.nodes.len() as i32, tree.leaves.len() as i32);
                    // A split's child splits come after it (as LightGBM
                    // numbers them), so no walk can loop.
                    let bad = |i: usize, c: i16| c as i32 >= nn || -(c as i32) > nl || (c >= 0 && c as usize <= i);
                    if nl == 0 || tree.nodes.iter().enumerate().any(|(i, n)| bad(i, n.left) || bad(i, n.right)) {
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
        let (steps, roots, values) = unify(&trees).ok_or_else(|| format!("more than {SLOTS} nodes and leaves"))?;
        Ok(Model { threshold, trees, steps, roots, values })
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
        self.score_many(&rows.iter().map(Vec::as_slice).collect::<Vec<_>>())
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
                .map(|&(root, depth)| {
                    let mut c = root;
                    for _ in 0..depth {
                        c = self.step(c, &buf);
                    }
                    self.values[c as usize]
                })
                .sum(),
        )
    }

    /// One step of a walk from entry `c` for the features `x`.
    #[inline(always)]
    fn step(&self, c: u16, x: &[f32; MAX_FEATURES]) -> u16 {
        let st = self.steps[c as usize];
        // A select, not a branch: which way a block goes is a coin toss to
        // the branch predictor.
        std::hint::select_unpredictable(
            x[st.feature as usize % MAX_FEATURES] <= st.threshold,
            c.wrapping_add(1),
            st.right,
        )
    }

    /// [`Model::score_one`] of many blocks at once, tree by tree over all
    /// of them: one tree's nodes stay in cache while every block walks it,
    /// [`LANES`] blocks at a time, each a fixed number of steps (no
    /// mispredicted "arrived?" branch; twice as fast as walking each block
    /// to its leaf on the dev pages' blocks). The same sums in the same
    /// order, so the same scores.
    pub fn score_many(&self, rows: &[&[f32]]) -> Vec<f32> {
        // Whole lanes: the rows padded with zeros (their sums are dropped).
        let padded = rows.len().div_ceil(LANES) * LANES;
        let mut flat = vec![[0.0f32; MAX_FEATURES]; padded];
        for (dst, x) in flat.iter_mut().zip(rows) {
            let n = x.len().min(MAX_FEATURES);
            dst[..n].copy_from_slice(&x[..n]);
        }
        let mut sums = vec![0.0f32; padded];
        // Rows a few dozen at a time, every tree over them: a page of tens
        // of thousands of blocks would otherwise stream its whole feature
        // table from memory once per tree. Each row still sums its trees
        // in the same order, so the scores are the same.
        for (sums, flat) in sums.chunks_mut(CHUNK_ROWS).zip(flat.chunks(CHUNK_ROWS)) {
            for &(root, depth) in &self.roots {
                for (s, xs) in sums.chunks_exact_mut(LANES).zip(flat.chunks_exact(LANES)) {
                    let mut cur = [root; LANES];
                    for _ in 0..depth {
                        for (c, x) in cur.iter_mut().zip(xs) {
                            *c = self.step(*c, x);
                        }
                    }
                    for (sum, &c) in s.iter_mut().zip(&cur) {
                        *sum += self.values[c as usize];
                    }
                }
            }
            crate::deadline::check();
        }
        sums.truncate(rows.len());
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
                let x: Vec<f32> =
                    (0..n).map(|_| (crate::testing::xorshift(&mut seed) % 2000) as f32 / 400.0 - 1.0).collect();
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
    fn a_tree_that_could_loop_is_refused_and_a_leaf_alone_scores() {
        let head =
            format!("scour-model 2\nmode html\nthreshold 0.5\nfeatures {}\ntrees 1\n", features::names().join(" "));
        // Node 1 sends its left child back to node 0.
        let e = Model::parse(&format!("{head}tree 0:0.5:1:-1 1:0.5:0:-2 | 1 2\n")).unwrap_err();
        assert!(e.contains("child out of range"), "{e}");
        // A tree that is one leaf, next to a two-level one.
        let m = Model::parse(&format!("{head}tree  | 0.5\ntree 0:0.5:1:-1 1:0.25:-2:-3 | 1 2 3\n")).unwrap();
        let mut x = vec![0.0f32; features::names().len()];
        x[0] = 0.2;
        x[1] = 0.3;
        let want = sigmoid(0.5 + 3.0);
        assert_eq!(m.score_one(&x).to_bits(), want.to_bits());
        assert_eq!(m.score_many(&[&x])[0].to_bits(), want.to_bits());
        x[0] = 0.7;
        assert_eq!(m.score_many(&[&x, &x])[1].to_bits(), sigmoid(0.5 + 1.0).to_bits());
    }

    #[test]
    fn a_model_with_more_entries_than_the_index_holds_is_refused() {
        let head =
            format!("scour-model 2\nmode html\nthreshold 0.5\nfeatures {}\ntrees 3\n", features::names().join(" "));
        // A chain of 20,000 splits and 20,001 leaves: 40,001 entries a tree.
        let n = 20_000;
        let nodes: Vec<String> =
            (0..n).map(|i| format!("0:0.5:{}:-{}", if i + 1 < n { i + 1 } else { -n - 1 }, i + 1)).collect();
        let leaves = vec!["0.1"; n as usize + 1].join(" ");
        let tree = format!("tree {} | {leaves}\n", nodes.join(" "));
        assert!(Model::parse(&format!("{head}{tree}")).is_ok());
        let e = Model::parse(&format!("{head}{tree}{tree}")).unwrap_err();
        assert!(e.contains("more than 65536"), "{e}");
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
