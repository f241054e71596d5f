//! Code written by hand where the standard library's version would cost the small static
//! binaries more than their budgets leave: the CLI under 2 MB, and the token check within 1.05
//! times raw ureq (`scripts/size-check`).
//!
//! Each was measured on the size profile (musl, opt-level "z", LTO; miniserde and rustls)
//! against the plain version:
//!
//! | here | instead of | the plain version adds |
//! |---|---|---|
//! | [`sorted_indices`]: a bottom-up merge sort, for [`Scopes`](crate::Scopes) and `check_all` | `sort_by` | 4.7 KB |
//! | [`take_key`]: the map rebuilt by insertion, for the credentials store | `BTreeMap::remove` | 4.5 KB per value type |
//! | maps filled by `insert` when the store is written | `collect()` into a `BTreeMap`, which sorts | 5 KB |
//! | `--timeout` read in fixed point (the CLI's arguments) | `parse::<f64>`, the float parser and formatter | 15 KB |
//! | [`base64`]: a decoder for the PEM of `--ca-file` and `root_certificates_pem` | the `base64` crate's decoder (its encoder serves PKCE) | 4 KB |
//!
//! About 38 KB in all (`take_key` serves two value types), more than the CLI's headroom. A
//! place that works around size says so in a few words and points here. Measure again before
//! undoing one.

use std::collections::BTreeMap;

/// The indices `0..n` sorted by `less`, equal elements kept in their order: O(n log n), and a
/// few hundred bytes of code. `dyn`, so that every caller shares one copy.
pub(crate) fn sorted_indices(n: usize, less: &dyn Fn(usize, usize) -> bool) -> Vec<usize> {
    let mut from: Vec<usize> = (0..n).collect();
    let mut to = vec![0; n];
    let mut width = 1;
    while width < n {
        for start in (0..n).step_by(2 * width) {
            let mid = (start + width).min(n);
            let end = (start + 2 * width).min(n);
            let (mut i, mut j) = (start, mid);
            for slot in &mut to[start..end] {
                // Take from the right run only when it is strictly smaller: stable.
                if j < end && (i >= mid || less(from[j], from[i])) {
                    *slot = from[j];
                    j += 1;
                } else {
                    *slot = from[i];
                    i += 1;
                }
            }
        }
        std::mem::swap(&mut from, &mut to);
        width *= 2;
    }
    from
}

/// Removes `key` from `map` and returns its value, by rebuilding the map through insertion:
/// linear, for the handful of entries of a credentials file.
pub(crate) fn take_key<V>(map: &mut BTreeMap<String, V>, key: &str) -> Option<V> {
    let mut taken = None;
    for (k, v) in std::mem::take(map) {
        if k == key {
            taken = Some(v);
        } else {
            map.insert(k, v);
        }
    }
    taken
}

/// The bytes of base64 `text` (RFC 4648 §4, padded; white space skipped), or `None` when it
/// holds another character, is cut short, or has data after its padding, for the PEM of root
/// certificates. Bits left over in the last character are not checked (the TLS library reads
/// the DER).
pub(crate) fn base64(text: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() / 4 * 3);
    let (mut acc, mut bits, mut chars, mut pad) = (0u32, 0, 0, 0);
    for &c in text.iter().filter(|c| !c.is_ascii_whitespace()) {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            b'=' => 64,
            _ => return None,
        };
        chars += 1;
        match (v, pad) {
            (64, _) => pad += 1,
            (_, 0) => {
                acc = acc << 6 | u32::from(v);
                bits += 6;
                if bits >= 8 {
                    bits -= 8;
                    out.push((acc >> bits) as u8);
                }
            }
            _ => return None,
        }
    }
    (chars % 4 == 0 && pad <= 2).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorted_indices_sort_stably() {
        for n in 0..70 {
            let keys: Vec<usize> = (0..n).map(|i| (i * 7919 + 13) % 17).collect();
            let got = sorted_indices(n, &|a, b| keys[a] < keys[b]);
            let mut want: Vec<usize> = (0..n).collect();
            want.sort_by_key(|&i| (keys[i], i));
            assert_eq!(got, want, "{n}");
        }
    }

    #[test]
    fn take_key_removes_only_that_key() {
        let mut map: BTreeMap<String, u8> = [("a", 1), ("b", 2), ("c", 3)]
            .map(|(k, v)| (k.to_owned(), v))
            .into();
        assert_eq!(take_key(&mut map, "b"), Some(2));
        assert_eq!(take_key(&mut map, "b"), None);
        assert_eq!(
            map.into_iter().collect::<Vec<_>>(),
            [("a".into(), 1), ("c".into(), 3)]
        );
    }

    #[test]
    fn base64_reads_what_the_base64_crate_writes() {
        use ::base64::Engine as _;
        let bytes: Vec<u8> = (0..=255).rev().collect();
        for n in 0..70 {
            let text = ::base64::engine::general_purpose::STANDARD.encode(&bytes[..n]);
            assert_eq!(
                base64(text.as_bytes()).as_deref(),
                Some(&bytes[..n]),
                "{text}"
            );
        }
    }
}
