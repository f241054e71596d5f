//! Redaction (`cli_support::redact_counting`, what every error applies to server text): for any
//! text and any secrets it never panics, its output never contains a secret in text it kept
//! (the raw spelling is always searched), and its steps stay within a constant times (text
//! length × secrets + the secrets' lengths).
//!
//! The input is split on its first two NUL bytes: up to two secrets, then the text (without
//! NULs, an input is all text and the secret is its first 16 bytes, so that matches happen).
#![no_main]

use libfuzzer_sys::fuzz_target;
use mastolite::cli_support::redact_counting;

/// Below this length a secret is replaced only where it stands alone (not inside a word).
const MIN_ANYWHERE: usize = 8;

fuzz_target!(|data: &[u8]| {
    let Ok(input) = std::str::from_utf8(data) else {
        return;
    };
    let mut parts = input.splitn(3, '\0');
    let (secrets, text): (Vec<&str>, &str) = match (parts.next(), parts.next(), parts.next()) {
        (Some(a), Some(b), Some(text)) => (vec![a, b], text),
        (Some(a), Some(text), None) => (vec![a], text),
        _ => {
            let cut = input.char_indices().nth(16).map_or(input.len(), |(i, _)| i);
            (vec![&input[..cut]], input)
        }
    };
    let (out, steps) = redact_counting(text, &secrets);
    let total: usize = secrets.iter().map(|s| s.len()).sum();
    let bound = 30 * text.len() as u64 * secrets.len() as u64 + 3 * total as u64 + 64;
    assert!(steps <= bound, "{steps} steps > {bound}");
    // A secret may show up in the output only by spelling itself partly with a
    // "[redacted]" (`d]1234…` after `[redacted]`), never in text that was kept.
    let marks: Vec<(usize, usize)> = out
        .match_indices("[redacted]")
        .map(|(i, m)| (i, i + m.len()))
        .collect();
    for secret in secrets.iter().filter(|s| s.len() >= MIN_ANYWHERE) {
        for (i, _) in out.char_indices() {
            if out[i..].starts_with(secret) {
                let end = i + secret.len();
                assert!(
                    marks.iter().any(|&(a, b)| a < end && i < b),
                    "a secret is left in the output at {i}"
                );
            }
        }
    }
    if secrets.iter().all(|s| s.is_empty()) {
        assert_eq!(out, text);
    }
});
