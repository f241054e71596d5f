//! The one redaction rule: server text that reaches an error loses every secret of the request
//! it answers, however the server encoded it.
//!
//! A server (or a proxy, or a debugging endpoint) may echo the request: the `Authorization`
//! header, or the form with the client secret, the code, the PKCE verifier or a token. The echo
//! may be raw, percent-encoded (`%2F` or `%2f`, `+` for a space, or only some characters
//! encoded), JSON-escaped (`\/`, `\u0041`, surrogate pairs), or a mix of these. The text is
//! decoded into a few readings, each once: raw, every escape decoded, and (for a secret that
//! itself holds `%`, `+` or `\`) the mixed ones, where a unit is a raw byte, a `%XX` escape, a
//! `+`, or a JSON backslash escape. Each secret is then found in each reading by one
//! Knuth–Morris–Pratt pass, and every stretch of text that spells a secret is replaced by
//! `[redacted]`.
//!
//! The cost is linear: the server chooses both the text (an error body of up to 64 KiB) and
//! the secrets (the tokens it issues), and a matcher that restarts at every position, or keeps
//! a list of visited states, costs text × secret length or worse. Here it is a small constant
//! times (text length × number of secrets + the secrets' lengths): counted in steps by
//! [`Secrets::redact_counting`], and tested on a 16,000-byte secret over 64 KiB.
//!
//! A secret shorter than [`MIN_ANYWHERE`] bytes (only a test or a careless caller makes one) is
//! replaced only where it stands alone, between characters that are not ASCII letters or
//! digits: blanking every `a` of a message because the code was `a` would hide the message,
//! not the secret.

/// What a secret is replaced with.
pub(crate) const REDACTED: &str = "[redacted]";

/// The shortest secret that is replaced wherever it appears, even inside a word.
pub(crate) const MIN_ANYWHERE: usize = 8;

/// The secrets of one request.
#[derive(Clone, Default)]
pub(crate) struct Secrets<'a> {
    list: Vec<&'a str>,
}

impl std::fmt::Debug for Secrets<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Secrets({} redacted)", self.list.len())
    }
}

impl<'a> Secrets<'a> {
    /// No secrets: text passes unchanged.
    pub(crate) fn none() -> Self {
        Self::default()
    }

    /// Adds a secret; empty ones are ignored.
    pub(crate) fn push(&mut self, secret: &'a str) {
        if !secret.is_empty() && !self.list.contains(&secret) {
            self.list.push(secret);
        }
    }

    /// `text` with every secret, in any encoding, replaced by `[redacted]`. Overlapping or
    /// adjacent secrets become one `[redacted]`.
    pub(crate) fn redact(&self, text: &str) -> String {
        self.redact_counting(text).0
    }

    /// [`redact`](Self::redact), and the number of steps the matcher took: at most a small
    /// constant times (the text's length times the number of secrets, plus the secrets'
    /// lengths), whatever the text and the secrets are.
    pub(crate) fn redact_counting(&self, text: &str) -> (String, u64) {
        let mut steps = 0u64;
        let bytes = text.as_bytes();
        // Which bytes of `text` belong to a secret.
        let mut hidden = vec![false; bytes.len()];
        let mut any = false;
        let tables: Vec<Vec<usize>> = self
            .list
            .iter()
            .map(|s| failure_table(s.as_bytes(), &mut steps))
            .collect();
        for decoders in views(bytes, &self.list, &mut steps) {
            let view = View::new(bytes, decoders, &mut steps);
            for (secret, table) in self.list.iter().zip(&tables) {
                any |= view.mark(bytes, secret.as_bytes(), table, &mut hidden, &mut steps);
            }
        }
        if !any {
            return (text.to_owned(), steps);
        }
        let mut out = String::with_capacity(text.len());
        let mut at = 0;
        while at < text.len() {
            let run = hidden[at..]
                .iter()
                .take_while(|&&h| h == hidden[at])
                .count();
            steps += run as u64;
            if hidden[at] {
                out.push_str(REDACTED);
            } else {
                // Marked stretches start and end on character boundaries (see `View::mark`).
                out.push_str(&text[at..at + run]);
            }
            at += run;
        }
        (out, steps)
    }

    /// The first `max_chars` characters of `text` after redaction, with `…` when cut.
    ///
    /// The text is redacted before it is cut, over enough of it that a secret starting inside
    /// the excerpt is seen whole: cutting first could leave a secret's prefix behind.
    pub(crate) fn excerpt(&self, text: &str, max_chars: usize) -> String {
        // The longest spelling of a secret: six bytes (`\uXXXX`) per byte.
        let longest = self.list.iter().map(|s| s.len() * 6).max().unwrap_or(0);
        let window: String = text.chars().take(max_chars + longest).collect();
        let redacted = self.redact(&window);
        let mut s: String = redacted.chars().take(max_chars).collect();
        if s.len() < redacted.len() || window.len() < text.len() {
            s.push('…');
        }
        s
    }
}

/// `text` redacted of `secrets` as every error is, and the steps the matcher took (see
/// `Secrets::redact_counting`): for the fuzz target and the benchmark.
pub fn redact_counting(text: &str, secrets: &[&str]) -> (String, u64) {
    let mut s = Secrets::none();
    for secret in secrets {
        s.push(secret);
    }
    s.redact_counting(text)
}

/// Which escapes a view of the text decodes: `%XX`, `+` as a space, JSON backslash escapes.
const PERCENT: u8 = 1;
const PLUS: u8 = 2;
const JSON: u8 = 4;

/// The readings of the text that are searched, as sets of decoders, each set once. Every
/// secret is looked for in the raw text and in the text with every escape decoded. When a
/// secret holds `%`, `+` or `\` itself, the text may spell it with some escapes raw and others
/// decoded, so the mixed readings are searched too: JSON only, percent only (`+` kept), and
/// percent with JSON. A decoder whose escape character the text lacks changes nothing, so a
/// reading equal to one already listed is skipped.
fn views(text: &[u8], secrets: &[&str], steps: &mut u64) -> Vec<u8> {
    let mut present = 0;
    for &b in text {
        present |= match b {
            b'%' => PERCENT,
            b'+' => PLUS,
            b'\\' => JSON,
            _ => 0,
        };
    }
    *steps += text.len() as u64;
    let special = secrets
        .iter()
        .any(|s| s.bytes().any(|b| matches!(b, b'%' | b'+' | b'\\')));
    let wanted: &[u8] = if special {
        &[
            0,
            PERCENT | PLUS | JSON,
            JSON,
            PERCENT,
            PERCENT | JSON,
            PERCENT | PLUS,
        ]
    } else {
        &[0, PERCENT | PLUS | JSON]
    };
    let mut out = Vec::new();
    for w in wanted {
        let effective = w & present;
        if !out.contains(&effective) {
            out.push(effective);
        }
    }
    out
}

/// One reading of the text: the bytes it stands for, each with the stretch of the text that
/// spells it (a raw byte spells itself; `%41` spells one byte, `\u00e9` two).
struct View {
    bytes: Vec<u8>,
    /// Where the unit of each byte starts and ends in the text.
    spans: Vec<(usize, usize)>,
}

impl View {
    fn new(text: &[u8], decoders: u8, steps: &mut u64) -> View {
        let mut view = View {
            bytes: Vec::with_capacity(text.len()),
            spans: Vec::with_capacity(text.len()),
        };
        let mut p = 0;
        while p < text.len() {
            *steps += 1;
            let unit = match text[p] {
                b'%' if decoders & PERCENT != 0 => hex_pair(text, p + 1).map(|v| Unit::byte(v, 3)),
                b'+' if decoders & PLUS != 0 => Some(Unit::byte(b' ', 1)),
                b'\\' if decoders & JSON != 0 => json_escape(text, p).map(|(c, len)| {
                    let mut buf = [0; 4];
                    let n = c.encode_utf8(&mut buf).len();
                    Unit { buf, n, len }
                }),
                _ => None,
            };
            let unit = unit.unwrap_or(Unit::byte(text[p], 1));
            for &b in unit.bytes() {
                view.bytes.push(b);
                view.spans.push((p, p + unit.len));
            }
            p += unit.len;
        }
        view
    }

    /// Marks the text behind every occurrence of `secret` in this view as hidden (one
    /// Knuth–Morris–Pratt pass, with `table` from [`failure_table`]); true if there was one. A
    /// secret shorter than [`MIN_ANYWHERE`] counts only where it stands alone. A marked
    /// stretch starts and ends on a character boundary of the text.
    fn mark(
        &self,
        text: &[u8],
        secret: &[u8],
        table: &[usize],
        hidden: &mut [bool],
        steps: &mut u64,
    ) -> bool {
        let m = secret.len();
        let short = m < MIN_ANYWHERE;
        let mut found = false;
        // The stretch being marked: occurrences come in order and are merged, so that every
        // byte is marked at most once per pass.
        let mut open: Option<(usize, usize)> = None;
        let flush = |stretch: (usize, usize), hidden: &mut [bool], steps: &mut u64| {
            let (mut start, mut end) = stretch;
            while start > 0 && is_continuation(text[start]) {
                start -= 1;
            }
            while end < text.len() && is_continuation(text[end]) {
                end += 1;
            }
            *steps += (end - start) as u64;
            hidden[start..end].fill(true);
        };
        let mut j = 0;
        for (i, &b) in self.bytes.iter().enumerate() {
            *steps += 1;
            while j > 0 && secret[j] != b {
                *steps += 1;
                j = table[j - 1];
            }
            if secret[j] == b {
                j += 1;
            }
            if j < m {
                continue;
            }
            j = table[m - 1];
            let first = i + 1 - m;
            if short && !self.stands_alone(first, i + 1) {
                continue;
            }
            found = true;
            let (start, end) = (self.spans[first].0, self.spans[i].1);
            open = match open {
                Some((s, e)) if start <= e => Some((s, e.max(end))),
                Some(stretch) => {
                    flush(stretch, hidden, steps);
                    Some((start, end))
                }
                None => Some((start, end)),
            };
        }
        if let Some(stretch) = open {
            flush(stretch, hidden, steps);
        }
        found
    }

    /// True when the bytes around `self.bytes[start..end]` are not ASCII letters or digits.
    fn stands_alone(&self, start: usize, end: usize) -> bool {
        let before = start.checked_sub(1).map_or(b' ', |p| self.bytes[p]);
        let after = self.bytes.get(end).copied().unwrap_or(b' ');
        !before.is_ascii_alphanumeric() && !after.is_ascii_alphanumeric()
    }
}

/// The Knuth–Morris–Pratt table of `secret`: for each prefix, the length of its longest proper
/// prefix that is also its suffix.
fn failure_table(secret: &[u8], steps: &mut u64) -> Vec<usize> {
    let mut table = vec![0; secret.len()];
    let mut k = 0;
    for i in 1..secret.len() {
        *steps += 1;
        while k > 0 && secret[i] != secret[k] {
            *steps += 1;
            k = table[k - 1];
        }
        if secret[i] == secret[k] {
            k += 1;
        }
        table[i] = k;
    }
    table
}

fn is_continuation(b: u8) -> bool {
    b & 0xC0 == 0x80
}

/// One reading of a unit: the bytes it stands for (up to 4), and its length in the text.
#[derive(Clone, Copy)]
struct Unit {
    buf: [u8; 4],
    n: usize,
    len: usize,
}

impl Unit {
    fn byte(b: u8, len: usize) -> Self {
        Unit {
            buf: [b, 0, 0, 0],
            n: 1,
            len,
        }
    }
    fn bytes(&self) -> &[u8] {
        &self.buf[..self.n]
    }
}

/// The byte that two hex digits at `text[p..p + 2]` stand for.
fn hex_pair(text: &[u8], p: usize) -> Option<u8> {
    let h = (*text.get(p)? as char).to_digit(16)?;
    let l = (*text.get(p + 1)? as char).to_digit(16)?;
    Some((h * 16 + l) as u8)
}

/// The UTF-16 code unit of `\uXXXX` at `text[p..p + 6]`.
fn json_u(text: &[u8], p: usize) -> Option<u16> {
    if text.get(p..p + 2)? != b"\\u" {
        return None;
    }
    Some(u16::from(hex_pair(text, p + 2)?) << 8 | u16::from(hex_pair(text, p + 4)?))
}

/// The character that a JSON escape at `text[p]` (a backslash) stands for, and its length.
fn json_escape(text: &[u8], p: usize) -> Option<(char, usize)> {
    let c = match *text.get(p + 1)? {
        b'/' => '/',
        b'\\' => '\\',
        b'"' => '"',
        b'b' => '\u{8}',
        b'f' => '\u{c}',
        b'n' => '\n',
        b'r' => '\r',
        b't' => '\t',
        b'u' => {
            let first = json_u(text, p)?;
            if (0xD800..0xDC00).contains(&first) {
                let second = json_u(text, p + 6)?;
                let c = char::decode_utf16([first, second]).next()?.ok()?;
                return Some((c, 12));
            }
            return Some((char::from_u32(u32::from(first))?, 6));
        }
        _ => return None,
    };
    Some((c, 2))
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "s3cr/et+é_TOKEN";

    fn one(secret: &str) -> Secrets<'_> {
        let mut s = Secrets::none();
        s.push(secret);
        s
    }

    #[test]
    fn every_spelling_is_redacted() {
        let s = one(SECRET);
        for spelled in [
            "s3cr/et+é_TOKEN",
            "s3cr%2Fet%2B%C3%A9_TOKEN",
            "s3cr%2fet%2b%c3%a9_TOKEN",
            "s3cr/et%2B%C3%A9_TOKEN",
            "%73%33%63%72%2F%65%74%2B%C3%A9%5F%54%4F%4B%45%4E",
            "s3cr\\/et+\\u00e9_TOKEN",
            "s3cr\\/et+\\u00E9_\\u0054OKEN",
            "s3cr\\/et%2B\\u00e9_TOKEN",
        ] {
            let text = format!("before {spelled} after");
            assert_eq!(s.redact(&text), "before [redacted] after", "{spelled}");
        }
    }

    #[test]
    fn plus_is_a_space_in_forms_and_itself_elsewhere() {
        let s = one("two words here");
        assert_eq!(s.redact("x=two+words%20here&y"), "x=[redacted]&y");
        let s = one("a+b+c+d+e");
        assert_eq!(s.redact("[a+b+c+d+e]"), "[[redacted]]");
        assert_eq!(s.redact("[a%2Bb%2bc+d%2Be]"), "[[redacted]]");
    }

    #[test]
    fn ambiguous_units_are_tried_both_ways() {
        let s = one("100%25off%");
        assert_eq!(s.redact("<100%25off%>"), "<[redacted]>");
        assert_eq!(s.redact("<100%2525off%25>"), "<[redacted]>");
        let s = one("back\\slash\\\\");
        assert_eq!(s.redact("\"back\\\\slash\\\\\\\\\""), "\"[redacted]\"");
        assert_eq!(s.redact("back\\slash\\\\"), "[redacted]");
    }

    #[test]
    fn surrogate_pairs_and_multibyte() {
        let s = one("emoji-😀-secret");
        assert_eq!(
            s.redact("\"emoji-\\ud83d\\ude00-secret\""),
            "\"[redacted]\""
        );
        assert_eq!(s.redact("emoji-%F0%9F%98%80-secret"), "[redacted]");
        assert_eq!(s.redact("ü emoji-😀-secret ü"), "ü [redacted] ü");
    }

    #[test]
    fn several_secrets_and_overlaps() {
        let mut s = Secrets::none();
        s.push("abcdefgh1234");
        s.push("1234wxyz5678");
        s.push("");
        assert_eq!(
            s.redact("abcdefgh1234wxyz5678 and 1234wxyz5678"),
            "[redacted] and [redacted]"
        );
        assert_eq!(s.redact("abcdefgh1234"), "[redacted]");
        assert_eq!(s.redact("nothing here"), "nothing here");
        assert_eq!(Secrets::none().redact("abcdefgh1234"), "abcdefgh1234");
    }

    #[test]
    fn short_secrets_only_where_they_stand_alone() {
        let s = one("ab");
        assert_eq!(s.redact("code=ab&x=1"), "code=[redacted]&x=1");
        assert_eq!(s.redact("a cab is about"), "a cab is about");
        assert_eq!(s.redact("x%3Dab%26y"), "x%3D[redacted]%26y");
        assert_eq!(s.redact("ab"), "[redacted]");
        let s = one("x");
        assert_eq!(s.redact("the xylophone"), "the xylophone");
    }

    #[test]
    fn excerpts_are_redacted_before_they_are_cut() {
        let secret = "0123456789abcdefghij";
        let s = one(secret);
        let text = format!(
            "{}{}{}",
            "-".repeat(10),
            "0123456789%61bcdefghij",
            "-".repeat(50)
        );
        let e = s.excerpt(&text, 15);
        assert_eq!(e, "----------[reda…");
        assert!(!e.contains("01234"));
        assert_eq!(s.excerpt("short", 15), "short");
        assert_eq!(s.excerpt("0123456789abcdefghij", 100), "[redacted]");
    }

    /// The bound every redaction keeps, in steps: 30 per byte of text and secret, plus 3 per
    /// byte of the secrets (the views, the passes, the marking and the output together take
    /// about 26 and 2).
    fn bound(text: &str, secrets: &[&str]) -> u64 {
        let total: usize = secrets.iter().map(|s| s.len()).sum();
        (30 * text.len() * secrets.len().max(1) + 3 * total) as u64
    }

    fn steps(text: &str, secrets: &[&str]) -> u64 {
        let mut s = Secrets::none();
        for secret in secrets {
            s.push(secret);
        }
        s.redact_counting(text).1
    }

    #[test]
    fn a_long_secret_over_a_long_body_costs_linear_steps() {
        // What a hostile server can choose: a 16,000-byte token, and 64 KiB of text that
        // nearly spells it everywhere (the old matcher restarted at every byte: 10⁹ steps).
        let body = 64 * 1024;
        let cases: [(String, String); 5] = [
            ("a".repeat(15_999) + "b", "a".repeat(body)),
            ("%".repeat(15_999) + "x", "%25".repeat(body / 3)),
            ("\\".repeat(15_999) + "x", "\\\\".repeat(body / 2)),
            ("ab".repeat(8_000), "ab".repeat(body / 2)),
            ("a+".repeat(8_000), "a%2B".repeat(body / 4)),
        ];
        for (secret, text) in &cases {
            let n = steps(text, &[secret]);
            assert!(
                n <= bound(text, &[secret]),
                "{n} steps for {}",
                &secret[..4]
            );
            // Twice the text, twice the work (not four times).
            let double = text.repeat(2);
            let n2 = steps(&double, &[secret]);
            assert!(n2 <= 2 * n + 3 * secret.len() as u64, "{n2} > 2 × {n}");
        }
        // The whole body is one overlapping run of the secret: one `[redacted]`.
        let secret = "ab".repeat(8_000);
        let mut s = Secrets::none();
        s.push(&secret);
        assert_eq!(s.redact(&"ab".repeat(body / 2)), "[redacted]");
        assert_eq!(
            s.redact(&format!("x{}y", "ab".repeat(body / 2))),
            "x[redacted]y"
        );
    }

    #[test]
    fn many_secrets_cost_each_their_own_pass() {
        let secrets: Vec<String> = (0..5).map(|i| format!("{i}").repeat(4_000)).collect();
        let refs: Vec<&str> = secrets.iter().map(String::as_str).collect();
        let text = "0%31\\u0032+".repeat(6_000);
        let n = steps(&text, &refs);
        assert!(n <= bound(&text, &refs), "{n}");
    }

    #[test]
    fn text_of_near_matches_is_left_whole() {
        let s = one("%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%x");
        let text = "%25".repeat(5000);
        assert_eq!(s.redact(&text), text);
    }
}
