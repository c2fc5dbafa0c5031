//! Stage 2: cut a document into [`Block`](crate::Block)s.
//!
//! Both segmenters produce the same [`Page`](crate::Page), so one classifier
//! serves HTML and flat text.

pub mod html;
pub mod prefilter;
pub mod text;
