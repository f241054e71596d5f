//! Percent-encoding for path segments, query strings and form bodies.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

use crate::error::Error;

/// Everything but RFC 3986's unreserved characters.
const UNRESERVED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Encodes one path segment (an account id). Empty, `.` and `..` are refused: they would
/// change which path is requested.
pub(crate) fn path_segment(what: &str, s: &str) -> Result<String, Error> {
    if s.is_empty() || s == "." || s == ".." {
        return Err(Error::invalid(format!(
            "{what} must not be empty, \".\" or \"..\""
        )));
    }
    Ok(utf8_percent_encode(s, UNRESERVED).to_string())
}

/// `application/x-www-form-urlencoded`, for a query string or a POST body: `a=1&b=x+y`.
pub(crate) fn query(pairs: &[(&str, &str)]) -> String {
    // At least this long: one allocation for most forms.
    let mut out = String::with_capacity(pairs.iter().map(|(k, v)| k.len() + v.len() + 2).sum());
    for (i, (k, v)) in pairs.iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        push_form(&mut out, k);
        out.push('=');
        push_form(&mut out, v);
    }
    out
}

/// Decodes one `application/x-www-form-urlencoded` component (`+` is a space).
pub(crate) fn form_decode(s: &str) -> String {
    percent_encoding::percent_decode_str(&s.replace('+', " "))
        .decode_utf8_lossy()
        .into_owned()
}

fn push_form(out: &mut String, s: &str) {
    // The encoder gives runs of bytes kept as they are, and each encoded byte as its own
    // `%XX`: the form encoding writes a space as '+'.
    for part in utf8_percent_encode(s, UNRESERVED) {
        out.push_str(if part == "%20" { "+" } else { part });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments() {
        assert_eq!(path_segment("id", "109302").unwrap(), "109302");
        assert_eq!(
            path_segment("id", "a/b?c#d e").unwrap(),
            "a%2Fb%3Fc%23d%20e"
        );
        assert_eq!(path_segment("id", "01HV3X9ZK6").unwrap(), "01HV3X9ZK6");
        assert!(path_segment("id", "").is_err());
        assert!(path_segment("id", "..").is_err());
        assert_eq!(path_segment("id", "...").unwrap(), "...");
    }

    #[test]
    fn query_strings() {
        assert_eq!(
            query(&[
                ("scope", "read write"),
                ("redirect_uri", "urn:ietf:wg:oauth:2.0:oob")
            ]),
            "scope=read+write&redirect_uri=urn%3Aietf%3Awg%3Aoauth%3A2.0%3Aoob"
        );
        assert_eq!(query(&[("a", "x&y=z+é")]), "a=x%26y%3Dz%2B%C3%A9");
        assert_eq!(form_decode("x%26y%3Dz%2B%C3%A9+b"), "x&y=z+é b");
    }
}
