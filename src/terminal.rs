//! Server text made safe to print: one rule for every terminal, log line and error message.
//!
//! Everything a server sends is hostile. Printed raw, an ESC sequence can rewrite the screen or
//! the window title, a C1 control can do the same on terminals that honour 8-bit controls, and a
//! bidi override (U+202E) can make `evil.example/moc.elpmaxe` read as something else.
//! [`is_unsafe`] names every such character; [`sanitize`] escapes them in plain text,
//! [`one_line`] blanks them in a one-line message, and the CLI's JSON writer escapes the same
//! set as `\uXXXX`.
//!
//! ```
//! use mastolite::terminal::sanitize;
//! assert_eq!(sanitize("plain text"), "plain text");
//! assert_eq!(sanitize("a\u{1b}[2Jb"), "a\\u{1b}[2Jb");
//! assert_eq!(sanitize("x\u{202e}y"), "x\\u{202e}y");
//! assert_eq!(sanitize("two\nlines\tand a tab"), "two\nlines\tand a tab");
//! ```

use std::borrow::Cow;
use std::fmt::{self, Write as _};

/// Whether a character must not reach a terminal as it is: C0 controls other than newline and
/// tab, DEL, C1 controls (U+0080–U+009F), the line and paragraph separators that logs and
/// JavaScript break lines on (U+2028, U+2029), and the bidi and format controls that reorder or
/// hide text (U+061C, U+200B–U+200F, U+202A–U+202E, U+2060–U+2069, U+FEFF).
///
/// ```
/// use mastolite::terminal::is_unsafe;
/// assert!(is_unsafe('\u{1b}'));
/// assert!(is_unsafe('\u{9b}'));
/// assert!(is_unsafe('\u{2067}'));
/// assert!(is_unsafe('\u{2028}'));
/// assert!(!is_unsafe('\n'));
/// assert!(!is_unsafe('é'));
/// ```
pub fn is_unsafe(c: char) -> bool {
    matches!(c,
        '\u{0}'..='\u{8}' | '\u{b}'..='\u{1f}' | '\u{7f}'..='\u{9f}'
        | '\u{61c}' | '\u{200b}'..='\u{200f}' | '\u{2028}'..='\u{202e}'
        | '\u{2060}'..='\u{2069}' | '\u{feff}')
}

/// The text with every [`is_unsafe`] character written as a visible escape (`\u{1b}`), so that
/// it reads the same on any terminal and nothing is silently dropped. Newlines and tabs stay.
/// Borrows when there is nothing to escape.
///
/// ```
/// use mastolite::terminal::sanitize;
/// let shown = sanitize("https://evil.example/\u{1b}]0;pwned\u{7}");
/// assert_eq!(shown, "https://evil.example/\\u{1b}]0;pwned\\u{7}");
/// ```
pub fn sanitize(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_unsafe) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if is_unsafe(c) {
            let _ = write!(out, "\\u{{{:x}}}", c as u32);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// The text on one line: every [`is_unsafe`] character and every line break or tab becomes a
/// space, and at most `max` characters are kept, followed by `…` when there were more. For
/// server text in a one-line message or a table cell.
///
/// ```
/// use mastolite::terminal::one_line;
/// assert_eq!(one_line("a\u{1b}[2Jb\nc", 10), "a [2Jb c");
/// assert_eq!(one_line("abcdef", 3), "abc…");
/// ```
pub fn one_line(text: &str, max: usize) -> String {
    let mut out = String::with_capacity(text.len().min(max.saturating_mul(4).saturating_add(3)));
    let _ = write_one_line(&mut out, text, max);
    out
}

fn write_one_line(out: &mut impl fmt::Write, text: &str, max: usize) -> fmt::Result {
    for (n, c) in text.chars().enumerate() {
        if n == max {
            return out.write_str("…");
        }
        if is_unsafe(c) || c.is_control() {
            out.write_char(' ')?;
        } else {
            out.write_char(c)?;
        }
    }
    Ok(())
}

/// Server text inside one of our messages: [`one_line`] with at most 300 characters, so that a
/// hostile server can neither drive a terminal nor flood a log.
pub(crate) struct Clean<'a>(pub(crate) &'a str);

impl fmt::Display for Clean<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_one_line(f, self.0, 300)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clean_strips_control_characters_and_caps_length() {
        assert_eq!(Clean("a\x1b[2Jb\nc").to_string(), "a [2Jb c");
        assert_eq!(Clean("a\u{202e}b\u{85}c").to_string(), "a b c");
        let long = "x".repeat(1000);
        assert_eq!(Clean(&long).to_string().chars().count(), 301);
    }

    #[test]
    fn every_listed_control_is_unsafe() {
        for c in [
            '\u{0}', '\u{7}', '\u{1b}', '\u{7f}', '\u{80}', '\u{9b}', '\u{9f}', '\u{61c}',
            '\u{200e}', '\u{200f}', '\u{2028}', '\u{2029}', '\u{202a}', '\u{202e}', '\u{2066}',
            '\u{2069}', '\u{feff}',
        ] {
            assert!(is_unsafe(c), "{:x}", c as u32);
            assert!(!sanitize(&format!("a{c}b")).contains(c));
        }
        for c in ['\n', '\t', ' ', 'a', 'é', '→', '\u{a0}', '\u{2070}'] {
            assert!(!is_unsafe(c), "{:x}", c as u32);
        }
    }

    #[test]
    fn one_line_strips_control_characters_and_caps() {
        assert_eq!(one_line("a\x1b[2Jb\nc", 10), "a [2Jb c");
        assert_eq!(one_line("a\u{202e}b\u{2066}c\u{9b}d", 10), "a b c d");
        assert_eq!(one_line("a\u{2028}b\u{2029}c", 10), "a b c");
        assert_eq!(sanitize("a\u{2028}b\u{2029}c"), "a\\u{2028}b\\u{2029}c");
        assert_eq!(one_line("abcdef", 3), "abc…");
        assert_eq!(one_line("abc", 3), "abc");
    }
}
