//! Unit tests of the whole repair stage, with sentences written for them.

use super::*;

fn fix(s: &str) -> String {
    repair(s, &[], &Options::default()).0.into_owned()
}

#[test]
fn clean_text_is_borrowed() {
    let (t, c) = repair("Plain text, nothing to do. Why? Because.", &[], &Options::default());
    assert!(matches!(t, Cow::Borrowed(_)));
    assert!(c.is_empty());
}
