//! On-CPU time of the calling thread, from /proc/thread-self/schedstat, so that other programs
//! on a busy machine do not count. Shared (`#[path]`) by the scopes and redaction benchmarks.
//! The kernel updates the count when the thread is scheduled: time work of at least a few
//! milliseconds.

use std::time::Duration;

/// Time this thread has spent on a CPU.
pub fn on_cpu() -> Duration {
    let text = std::fs::read_to_string("/proc/thread-self/schedstat")
        .expect("/proc/thread-self/schedstat (Linux)");
    let ns: u64 = text
        .split_whitespace()
        .next()
        .and_then(|n| n.parse().ok())
        .expect("on-CPU nanoseconds");
    Duration::from_nanos(ns)
}
