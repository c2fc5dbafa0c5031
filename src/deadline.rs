//! A cooperative per-document time limit.
//!
//! A thread cannot be killed safely, so a pathological page is stopped from
//! the inside: [`guard`] sets a deadline for the current thread and runs
//! the pipeline; the long loops of the pipeline (the DOM walk, every stage
//! boundary, the repair of each kept block, each fixed-point pass) call
//! [`tick`] or [`check`], which unwind out of the document once the deadline
//! has passed. The unwind is caught by [`guard`] and becomes
//! [`crate::Error::TimedOut`]; nothing the document owned survives it, so
//! the batch goes on. Only the HTML tree builder itself is not
//! interruptible: the prefilter's depth cap and `--max-bytes` bound it.
//!
//! The same guard turns a panic inside the pipeline (a bug) into an error
//! for that one document instead of the end of the batch.

use std::cell::Cell;
use std::panic::{catch_unwind, resume_unwind, AssertUnwindSafe};
use std::time::{Duration, Instant};

thread_local! {
    static DEADLINE: Cell<Option<Instant>> = const { Cell::new(None) };
    static TICKS: Cell<u32> = const { Cell::new(0) };
}

/// The unwind payload of an expired deadline.
struct Expired;

/// Stop the current document if its deadline has passed.
pub fn check() {
    if let Some(d) = DEADLINE.with(Cell::get) {
        if Instant::now() >= d {
            resume_unwind(Box::new(Expired));
        }
    }
}

/// A cheap [`check`] for inner loops: looks at the clock every 1024 calls.
#[inline]
pub fn tick() {
    let n = TICKS.with(|t| {
        let n = t.get().wrapping_add(1);
        t.set(n);
        n
    });
    if n & 1023 == 0 {
        check();
    }
}

/// Run `f` with a deadline `limit` from now (none: no limit). A deadline
/// that passes gives [`crate::Error::TimedOut`]; a panic gives
/// [`crate::Error::Internal`].
pub fn guard<T>(limit: Option<Duration>, f: impl FnOnce() -> Result<T, crate::Error>) -> Result<T, crate::Error> {
    let previous = DEADLINE.with(|d| d.replace(limit.map(|l| Instant::now() + l)));
    let r = catch_unwind(AssertUnwindSafe(f));
    DEADLINE.with(|d| d.set(previous));
    match r {
        Ok(r) => r,
        Err(p) if p.is::<Expired>() => Err(crate::Error::TimedOut(limit.unwrap_or_default())),
        Err(p) => {
            let msg = p
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| p.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "panic".into());
            Err(crate::Error::Internal(msg))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_expired_deadline_stops_a_loop() {
        let r: Result<(), _> = guard(Some(Duration::from_millis(5)), || loop {
            tick();
        });
        assert!(matches!(r, Err(crate::Error::TimedOut(_))));
        // The deadline is gone afterwards.
        check();
        assert_eq!(guard(None, || Ok(3)).unwrap(), 3);
    }
}
