//! The one redaction rule: server text that reaches an error loses every secret of the request
//! it answers, however the server encoded it.
//!
//! A server (or a proxy, or a debugging endpoint) may echo the request: the `Authorization`
//! header, or the form with the client secret, the code, the PKCE verifier or a token. The echo
//! may be raw, percent-encoded (`%2F` or `%2f`, `+` for a space, or only some characters
//! encoded), JSON-escaped (`\/`, `\u0041`, surrogate pairs), or a mix of these. The matcher
//! reads the text one unit at a time, where a unit is a raw byte, a `%XX` escape, a `+`, or a
//! JSON backslash escape, and compares what each unit stands for with the secret's bytes. Every
//! stretch of text that spells a secret is replaced by `[redacted]`.
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
        // Which bytes of `text` belong to a secret.
        let mut hidden = vec![false; text.len()];
        let mut any = false;
        for secret in &self.list {
            any |= mark_all(text.as_bytes(), secret.as_bytes(), &mut hidden);
        }
        if !any {
            return text.to_owned();
        }
        let mut out = String::with_capacity(text.len());
        let mut at = 0;
        while at < text.len() {
            let run = hidden[at..]
                .iter()
                .take_while(|&&h| h == hidden[at])
                .count();
            if hidden[at] {
                out.push_str(REDACTED);
            } else {
                // Spans end on character boundaries (see `mark_all`).
                out.push_str(&text[at..at + run]);
            }
            at += run;
        }
        out
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

/// Marks the bytes of every spelling of `secret` in `text` as hidden; true if there was one.
/// A marked stretch starts and ends on a character boundary.
fn mark_all(text: &[u8], secret: &[u8], hidden: &mut [bool]) -> bool {
    let short = secret.len() < MIN_ANYWHERE;
    let mut found = false;
    let mut start = 0;
    while start < text.len() {
        match match_at(text, start, secret) {
            Some(end) if !short || stands_alone(text, start, end) => {
                let mut end = end;
                while end < text.len() && is_continuation(text[end]) {
                    end += 1;
                }
                hidden[start..end].fill(true);
                found = true;
                start = end;
            }
            _ => start += 1,
        }
        while start < text.len() && is_continuation(text[start]) {
            start += 1;
        }
    }
    found
}

fn is_continuation(b: u8) -> bool {
    b & 0xC0 == 0x80
}

/// True when the characters around `text[start..end]` (decoded, if percent-encoded) are not
/// ASCII letters or digits.
fn stands_alone(text: &[u8], start: usize, end: usize) -> bool {
    let before = if start >= 3 && text[start - 3] == b'%' {
        hex_pair(text, start - 2).unwrap_or(text[start - 1])
    } else if start > 0 {
        text[start - 1]
    } else {
        b' '
    };
    let after = match units(text, end) {
        [_, Some(u)] | [Some(u), None] => u.buf[0],
        [None, None] => b' ',
    };
    !before.is_ascii_alphanumeric() && !after.is_ascii_alphanumeric()
}

/// The end of the longest spelling of `secret` that starts at `text[start]`, if any.
fn match_at(text: &[u8], start: usize, secret: &[u8]) -> Option<usize> {
    // Cheap first test: most positions fail on their first unit.
    if !units(text, start)
        .iter()
        .flatten()
        .any(|u| secret.starts_with(u.bytes()))
    {
        return None;
    }
    // Depth-first over (text position, secret position); a unit can be read in more than one
    // way (`%25` is `%`, or a raw `%` followed by `25`), so states are remembered. Only a
    // secret with `%` or `\` in it ever has more than one live state.
    let mut seen: Vec<(usize, usize)> = Vec::new();
    let mut stack = vec![(start, 0usize)];
    let mut best = None;
    while let Some((p, j)) = stack.pop() {
        if j == secret.len() {
            best = best.max(Some(p));
            continue;
        }
        if seen.contains(&(p, j)) {
            continue;
        }
        seen.push((p, j));
        for u in units(text, p).iter().flatten() {
            if secret[j..].starts_with(u.bytes()) {
                stack.push((p + u.len, j + u.n));
            }
        }
    }
    best
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

/// The ways to read one unit at `text[p]`: as the raw byte, and decoded when it is `%XX`, `+`
/// or a JSON escape.
fn units(text: &[u8], p: usize) -> [Option<Unit>; 2] {
    let Some(&b) = text.get(p) else {
        return [None, None];
    };
    let decoded = match b {
        b'%' => hex_pair(text, p + 1).map(|v| Unit::byte(v, 3)),
        b'+' => Some(Unit::byte(b' ', 1)),
        b'\\' => json_escape(text, p).map(|(c, len)| {
            let mut buf = [0; 4];
            let n = c.encode_utf8(&mut buf).len();
            Unit { buf, n, len }
        }),
        _ => None,
    };
    [Some(Unit::byte(b, 1)), decoded]
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

    #[test]
    fn text_of_near_matches_is_left_whole() {
        let s = one("%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%x");
        let text = "%25".repeat(5000);
        assert_eq!(s.redact(&text), text);
    }
}
