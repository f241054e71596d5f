//! Times (on-CPU time of the thread, from /proc/thread-self/schedstat, so that other programs on
//! a busy machine do not count) the redaction that every error applies to server text, on what
//! a hostile server can choose: a 16,000-character secret (the token it issued) and a 64 KiB
//! error body that nearly spells it everywhere. The baseline, measured in the same run, is
//! `str::replace` of the same secret in the same text: one linear search for the raw spelling.
//! Prints the best of 7 batches of each, the ratio, and the matcher's steps per byte.
//!
//! The old matcher restarted at every byte and kept its states in a list: minutes for one
//! body at this size. A linear one stays within a small factor of the baseline (it searches a
//! few decoded readings of the text besides the raw one).

use std::hint::black_box;
use std::time::Duration;

use mastolite::cli_support::redact_counting;

#[path = "../../on_cpu.rs"]
mod on_cpu;

use on_cpu::on_cpu;

/// The best of 7 batches of `f`, per run. A batch lasts at least 20 ms of wall time: the
/// kernel updates the on-CPU count only when the thread is scheduled, so one run of a few
/// microseconds would read as nothing.
fn best(mut f: impl FnMut()) -> Duration {
    (0..7)
        .map(|_| {
            let (t0, wall) = (on_cpu(), std::time::Instant::now());
            let mut runs = 0;
            while runs == 0 || wall.elapsed() < Duration::from_millis(20) {
                f();
                runs += 1;
            }
            (on_cpu() - t0) / runs
        })
        .min()
        .unwrap()
}

fn main() {
    const BODY: usize = 64 * 1024;
    let cases = [
        ("near-matches", "a".repeat(15_999) + "b", "a".repeat(BODY)),
        (
            "percent-escapes",
            "%".repeat(15_999) + "x",
            "%25".repeat(BODY / 3),
        ),
        (
            "the secret, percent-encoded, in JSON",
            "s3cr/et+".repeat(2_000),
            format!(
                "{{\"error\":\"{}\"}}",
                "s3cr%2Fet%2B".repeat(2_000) + &"x".repeat(BODY - 24_000 - 12)
            ),
        ),
    ];
    for (name, secret, text) in &cases {
        let baseline = best(|| {
            black_box(text.replace(secret.as_str(), "[redacted]"));
        });
        let mut steps = 0;
        let ours = best(|| {
            steps = black_box(redact_counting(text, &[secret])).1;
        });
        let us = |d: Duration| d.as_secs_f64() * 1e6;
        println!(
            "redact {name}: secret {} chars, body {} bytes: {:.0} µs on-CPU; str::replace {:.0} µs; ratio {:.1}; {:.2} steps per byte",
            secret.chars().count(),
            text.len(),
            us(ours),
            us(baseline),
            ours.as_secs_f64() / baseline.as_secs_f64().max(1e-9),
            steps as f64 / (text.len() + secret.len()) as f64
        );
    }
}
